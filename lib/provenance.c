#include "provenance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "b64.h"
#include "clock.h"
#include "digest.h"
#include "json.h"
#include "utf8.h"

/* A descriptor with the raw path bytes it is sorted by. */
struct item {
	char *raw;
	size_t len;
	jv v;
};

struct list {
	struct item *it;
	size_t n, cap;
};

static int
push(struct list *l, char *raw, size_t len, jv v)
{
	struct item *q;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		if ((q = realloc(l->it, l->cap * sizeof *q)) == NULL) {
			free(raw);
			jv_free(v);
			return -1;
		}
		l->it = q;
	}
	l->it[l->n++] = (struct item){ raw, len, v };
	return 0;
}

static int
itemcmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->raw, y->raw, n);

	return r ? r : (x->len > y->len) - (x->len < y->len);
}

/* Sorted into a jv array; l is emptied.  *dup is the index of the first
 * repeated path, else -1. */
static jv
sorted(struct list *l, long *dup)
{
	jv a = jv_array();
	size_t i;

	*dup = -1;
	if (l->n > 1)
		qsort(l->it, l->n, sizeof *l->it, itemcmp);
	for (i = 1; i < l->n && *dup < 0; i++)
		if (itemcmp(&l->it[i - 1], &l->it[i]) == 0)
			*dup = (long)i;
	for (i = 0; i < l->n; i++) {
		a = jv_array_append(a, l->it[i].v);
		free(l->it[i].raw);
	}
	free(l->it);
	l->it = NULL;
	l->n = l->cap = 0;
	return a;
}

static void
drop(struct list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->it[i].raw);
		jv_free(l->it[i].v);
	}
	free(l->it);
}

int
gl_provenance_relpath_ok(const char *p, size_t len)
{
	size_t i = 0, j;

	if (len == 0 || memchr(p, '\0', len) != NULL)
		return 0;
	while (i <= len) {
		for (j = i; j < len && p[j] != '/'; j++)
			;
		if (j == i || (j - i == 1 && p[i] == '.') ||
		    (j - i == 2 && p[i] == '.' && p[i + 1] == '.'))
			return 0;
		i = j + 1;
	}
	return 1;
}

/* Plain text is UTF-8 without control characters; anything else is named by
 * its percent-encoding plus its raw bytes. */
static int
plain(const char *p, size_t len)
{
	size_t i;

	if (!gl_utf8_valid(p, len))
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return 0;
	return 1;
}

jv
gl_provenance_name(jv rd, const char *path, size_t len)
{
	char *enc, *b64;
	jv ann;

	if (plain(path, len))
		return jv_object_set(rd, jv_string("name"),
		    jv_string_sized(path, (int)len));
	enc = gl_utf8_pct_encode(path, len);
	b64 = gl_b64_encode(path, len);
	if (enc == NULL || b64 == NULL) {
		free(enc);
		free(b64);
		jv_free(rd);
		return jv_invalid_with_msg(jv_string("out of memory"));
	}
	rd = jv_object_set(rd, jv_string("name"), jv_string(enc));
	ann = gl_json_get(rd, "annotations");
	if (jv_get_kind(ann) != JV_KIND_OBJECT) {
		jv_free(ann);
		ann = jv_object();
	}
	ann = jv_object_set(ann, jv_string("path_b64"), jv_string(b64));
	rd = jv_object_set(rd, jv_string("annotations"), ann);
	free(enc);
	free(b64);
	return rd;
}

/* ---- the snapshot diff ---- */

struct diff {
	struct list subj, del, other;
	char why[256];
};

static int
bad(struct diff *d, const char *where, const char *what)
{
	snprintf(d->why, sizeof d->why, "%s: %s", where, what);
	return -1;
}

/* One entry E of the diff: its raw path, type and (files) sha256. */
static int
entry(struct diff *d, jv e, const char *where, char **raw, size_t *len,
    const char **type, const char **sha)
{
	*raw = NULL;
	if (jv_get_kind(e) != JV_KIND_OBJECT)
		return bad(d, where, "not an object");
	if ((*raw = gl_utf8_get_name(e, "path", len)) == NULL)
		return bad(d, where, "no path or path_b64");
	if (!gl_provenance_relpath_ok(*raw, *len)) {
		free(*raw);
		*raw = NULL;
		return bad(d, where, "path is not a safe relative name");
	}
	if ((*type = gl_json_str(e, "type")) == NULL) {
		free(*raw);
		*raw = NULL;
		return bad(d, where, "no type");
	}
	*sha = NULL;
	if (strcmp(*type, "file") == 0 &&
	    !gl_digest_is_sha256_hex(*sha = gl_json_str(e, "sha256"))) {
		free(*raw);
		*raw = NULL;
		return bad(d, where, "sha256 is not 64 lowercase hex digits");
	}
	return 0;
}

static jv
digest_rd(const char *sha, jv ann)
{
	jv rd = jv_object_set(jv_object(), jv_string("digest"),
	    jv_object_set(jv_object(), jv_string("sha256"), jv_string(sha)));

	return jv_object_set(rd, jv_string("annotations"), ann);
}

static jv
kv(const char *k, const char *v)
{
	return jv_object_set(jv_object(), jv_string(k), jv_string(v));
}

/* A change that is not a regular file's content: kept as it is. */
static int
other(struct diff *d, jv e, const char *change, char *raw, size_t len)
{
	jv o = gl_utf8_set_name(kv("change", change), "path", raw, len);
	const char *t = gl_json_str(e, "type"), *m = gl_json_str(e, "mode");
	char *tgt;
	size_t tlen;

	if (t != NULL)
		o = jv_object_set(o, jv_string("type"), jv_string(t));
	if (m != NULL)
		o = jv_object_set(o, jv_string("mode"), jv_string(m));
	if ((tgt = gl_utf8_get_name(e, "target", &tlen)) != NULL) {
		o = gl_utf8_set_name(o, "target", tgt, tlen);
		free(tgt);
	}
	return push(&d->other, raw, len, o);
}

static int
added(struct diff *d, jv e, const char *where)
{
	const char *type, *sha;
	char *raw;
	size_t len;

	if (entry(d, e, where, &raw, &len, &type, &sha) < 0)
		return -1;
	if (sha == NULL)
		return other(d, e, "added", raw, len);
	return push(&d->subj, raw, len, gl_provenance_name(digest_rd(sha,
	    kv("change", "added")), raw, len));
}

static int
deleted(struct diff *d, jv e, const char *where, const char *how)
{
	const char *type, *sha;
	char *raw;
	size_t len;
	jv ann;

	if (entry(d, e, where, &raw, &len, &type, &sha) < 0)
		return -1;
	if (sha == NULL)
		return other(d, e, how ? how : "deleted", raw, len);
	ann = kv("role", "deleted");
	if (how != NULL)
		ann = jv_object_set(ann, jv_string("change"), jv_string(how));
	return push(&d->del, raw, len, gl_provenance_name(digest_rd(sha, ann),
	    raw, len));
}

static int
modified(struct diff *d, jv m, const char *where)
{
	jv before = gl_json_get(m, "before"), after = gl_json_get(m, "after");
	jv changes = gl_json_get(m, "changes"), ann;
	const char *bt, *bs, *at, *as;
	char *braw = NULL, *araw = NULL, w[96];
	size_t blen, alen;
	int rc = -1;

	if (jv_get_kind(m) != JV_KIND_OBJECT) {
		bad(d, where, "not an object");
		goto out;
	}
	snprintf(w, sizeof w, "%s.before", where);
	if (entry(d, before, w, &braw, &blen, &bt, &bs) < 0)
		goto out;
	snprintf(w, sizeof w, "%s.after", where);
	if (entry(d, after, w, &araw, &alen, &at, &as) < 0)
		goto out;
	if (alen != blen || memcmp(araw, braw, alen) != 0) {
		bad(d, where, "before and after name different paths");
		goto out;
	}
	if (jv_get_kind(changes) != JV_KIND_ARRAY && jv_get_kind(changes) != JV_KIND_INVALID) {
		bad(d, where, "changes is not an array");
		goto out;
	}
	if (as != NULL) {
		/* new content, or only new metadata: a subject either way */
		ann = kv("change", "modified");
		if (jv_get_kind(changes) == JV_KIND_ARRAY)
			ann = jv_object_set(ann, jv_string("changes"), jv_copy(changes));
		rc = push(&d->subj, araw, alen, gl_provenance_name(digest_rd(as,
		    ann), araw, alen));
		araw = NULL;
		if (rc == 0 && bs == NULL)
			rc = other(d, before, "replaced", braw, blen), braw = NULL;
	} else if (bs != NULL) {
		/* a file replaced by something else: its content is gone */
		rc = push(&d->del, braw, blen, gl_provenance_name(digest_rd(bs,
		    jv_object_set(kv("role", "deleted"), jv_string("change"),
		    jv_string("replaced"))), braw, blen));
		braw = NULL;
		if (rc == 0)
			rc = other(d, after, "modified", araw, alen), araw = NULL;
	} else {
		rc = other(d, after, "modified", araw, alen);
		araw = NULL;
	}
out:
	free(braw);
	free(araw);
	jv_free(before);
	jv_free(after);
	jv_free(changes);
	return rc;
}

static int
renamed(struct diff *d, jv r, const char *where)
{
	jv from = gl_json_get(r, "from"), to = gl_json_get(r, "to"), ann;
	const char *ft, *fs, *tt, *ts;
	char *fraw = NULL, *traw = NULL, w[96];
	size_t flen, tlen;
	int rc = -1;

	if (jv_get_kind(r) != JV_KIND_OBJECT) {
		bad(d, where, "not an object");
		goto out;
	}
	snprintf(w, sizeof w, "%s.from", where);
	if (entry(d, from, w, &fraw, &flen, &ft, &fs) < 0)
		goto out;
	snprintf(w, sizeof w, "%s.to", where);
	if (entry(d, to, w, &traw, &tlen, &tt, &ts) < 0)
		goto out;
	if (ts != NULL) {
		ann = gl_utf8_set_name(kv("change", "renamed"), "from", fraw, flen);
		if (push(&d->subj, traw, tlen, gl_provenance_name(digest_rd(ts,
		    ann), traw, tlen)) < 0) {
			traw = NULL;
			goto out;
		}
		traw = NULL;
	} else if (other(d, to, "renamed", traw, tlen) < 0) {
		traw = NULL;
		goto out;
	} else
		traw = NULL;
	if (fs != NULL)
		rc = push(&d->del, fraw, flen, gl_provenance_name(digest_rd(fs,
		    jv_object_set(kv("role", "deleted"), jv_string("change"),
		    jv_string("renamed"))), fraw, flen));
	else
		rc = other(d, from, "renamed-from", fraw, flen);
	fraw = NULL;
out:
	free(fraw);
	free(traw);
	jv_free(from);
	jv_free(to);
	return rc;
}

jv
gl_provenance_diff(jv diff)
{
	static const char *keys[] = { "added", "deleted", "modified", "renamed" };
	struct diff d = { 0 };
	jv out = jv_invalid(), a, k, e;
	int complete = 1;
	char where[64];
	long dup;
	int i, j, n, rc = 0;

	if (jv_get_kind(diff) != JV_KIND_OBJECT) {
		jv_free(diff);
		return jv_invalid_with_msg(jv_string("not a JSON object"));
	}
	jv_object_foreach(diff, key, val) {
		for (i = 0; i < 4; i++)
			if (strcmp(jv_string_value(key), keys[i]) == 0)
				break;
		if (strcmp(jv_string_value(key), "complete") == 0) {
			if (rc == 0 && jv_get_kind(val) != JV_KIND_TRUE &&
			    jv_get_kind(val) != JV_KIND_FALSE)
				rc = bad(&d, "complete", "not a boolean");
			complete = jv_get_kind(val) != JV_KIND_FALSE;
		} else if (rc == 0 && i == 4) {
			char shown[64];
			gl_utf8_sanitize(jv_string_value(key),
			    strlen(jv_string_value(key)), shown, sizeof shown);
			rc = bad(&d, shown, "unknown key");
		}
		jv_free(key);
		jv_free(val);
	}
	for (i = 0; i < 4 && rc == 0; i++) {
		k = jv_string(keys[i]);
		a = jv_object_get(jv_copy(diff), k);
		if (jv_get_kind(a) == JV_KIND_INVALID) {
			jv_free(a);
			continue;
		}
		if (jv_get_kind(a) != JV_KIND_ARRAY) {
			rc = bad(&d, keys[i], "not an array");
			jv_free(a);
			break;
		}
		n = jv_array_length(jv_copy(a));
		for (j = 0; j < n && rc == 0; j++) {
			snprintf(where, sizeof where, "%s[%d]", keys[i], j);
			e = jv_array_get(jv_copy(a), j);
			switch (i) {
			case 0: rc = added(&d, e, where); break;
			case 1: rc = deleted(&d, e, where, NULL); break;
			case 2: rc = modified(&d, e, where); break;
			default: rc = renamed(&d, e, where); break;
			}
			jv_free(e);
		}
		jv_free(a);
	}
	jv_free(diff);
	if (rc < 0) {
		drop(&d.subj);
		drop(&d.del);
		drop(&d.other);
		return jv_invalid_with_msg(jv_string(d.why[0] ? d.why : "out of memory"));
	}
	out = jv_object_set(jv_object(), jv_string("subjects"), sorted(&d.subj, &dup));
	if (dup >= 0) {
		drop(&d.del);
		drop(&d.other);
		jv_free(out);
		return jv_invalid_with_msg(jv_string("a path is a subject twice"));
	}
	out = jv_object_set(out, jv_string("deleted"), sorted(&d.del, &dup));
	if (dup >= 0) {
		drop(&d.other);
		jv_free(out);
		return jv_invalid_with_msg(jv_string("a path is deleted twice"));
	}
	out = jv_object_set(out, jv_string("complete"), jv_bool(complete));
	return jv_object_set(out, jv_string("other"), sorted(&d.other, &dup));
}

/* ---- the audit log ---- */

static int
integer(jv v, double min)
{
	double d;

	if (jv_get_kind(v) != JV_KIND_NUMBER)
		return 0;
	d = jv_number_value(v);
	return d >= min && d == (double)(long long)d;
}

/* A file.read event: its material (name and sha256), or a read that could
 * not be hashed (*unread).  -1 with msg when the event is malformed. */
static int
material(struct list *m, jv ev, int *unread, const char **msg)
{
	const char *sha = gl_json_str(ev, "sha256");
	char *raw, *key;
	size_t len;
	jv rd;

	if ((raw = gl_utf8_get_name(ev, "path", &len)) == NULL) {
		*msg = "file.read has no path or path_b64";
		return -1;
	}
	if (!gl_provenance_relpath_ok(raw[0] == '/' ? raw + 1 : raw,
	    raw[0] == '/' ? len - 1 : len)) {
		free(raw);
		*msg = "file.read path is not a clean relative or absolute name";
		return -1;
	}
	if (sha == NULL) {
		free(raw);
		if (!jv_object_has(jv_copy(ev), jv_string("error"))) {
			*msg = "file.read has neither sha256 nor error";
			return -1;
		}
		(*unread)++;
		return 0;
	}
	if (!gl_digest_is_sha256_hex(sha)) {
		free(raw);
		*msg = "file.read sha256 is not 64 lowercase hex digits";
		return -1;
	}
	/* sorted by name, then digest: the key is name NUL digest */
	if ((key = malloc(len + 1 + 64)) == NULL) {
		free(raw);
		*msg = "out of memory";
		return -1;
	}
	memcpy(key, raw, len);
	key[len] = '\0';
	memcpy(key + len + 1, sha, 64);
	rd = gl_provenance_name(digest_rd(sha, kv("role", "material")), raw, len);
	free(raw);
	if (push(m, key, len + 1 + 64, rd) < 0) {
		*msg = "out of memory";
		return -1;
	}
	return 0;
}

/* The materials sorted, each (name, digest) once. */
static jv
materials(struct list *l)
{
	jv a = jv_array();
	size_t i;

	if (l->n > 1)
		qsort(l->it, l->n, sizeof *l->it, itemcmp);
	for (i = 0; i < l->n; i++) {
		if (i > 0 && itemcmp(&l->it[i - 1], &l->it[i]) == 0)
			jv_free(l->it[i].v);
		else
			a = jv_array_append(a, l->it[i].v);
	}
	for (i = 0; i < l->n; i++)
		free(l->it[i].raw);
	free(l->it);
	l->it = NULL;
	l->n = l->cap = 0;
	return a;
}

jv
gl_provenance_events(const char *buf, size_t len, unsigned long *line)
{
	const char *p = buf, *end = buf + len, *nl, *type, *src, *msg = NULL;
	jv counts = jv_object(), last = jv_object(), v = jv_invalid(), x, out;
	jv start = jv_null();
	double seq, overflows = 0, lost = 0, denials = 0, errors = 0;
	int ended = 0, endok = 0, unread = 0;
	struct list mats = { 0 };
	size_t tl;
	char why[160];

	for (*line = 1; p < end; (*line)++, p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		jv_free(v);
		v = jv_invalid();
		if (nl == p) {
			msg = "empty line";
			goto bad;
		}
		if (ended) {
			msg = "event after session.end";
			goto bad;
		}
		v = gl_json_parse(p, (size_t)(nl - p));
		if (!jv_is_valid(v)) {
			gl_json_errmsg(v, why, sizeof why);
			v = jv_invalid();
			msg = why;
			goto bad;
		}
		if (jv_get_kind(v) != JV_KIND_OBJECT) {
			msg = "not a JSON object";
			goto bad;
		}
		if ((type = gl_json_str(v, "type")) == NULL || type[0] == '\0') {
			msg = "no type";
			goto bad;
		}
		x = gl_json_get(v, "seq");
		if (!integer(jv_copy(x), 1)) {
			jv_free(x);
			msg = "seq is not a positive integer";
			goto bad;
		}
		seq = jv_number_value(x);
		jv_free(x);
		src = gl_json_str(v, "src");
		x = jv_object_get(jv_copy(last), jv_string(src ? src : ""));
		if (jv_get_kind(x) == JV_KIND_NUMBER && jv_number_value(x) >= seq) {
			jv_free(x);
			msg = "seq does not increase";
			goto bad;
		}
		jv_free(x);
		last = jv_object_set(last, jv_string(src ? src : ""), jv_number(seq));
		x = jv_object_get(jv_copy(counts), jv_string(type));
		counts = jv_object_set(counts, jv_string(type), jv_number(
		    (jv_get_kind(x) == JV_KIND_NUMBER ? jv_number_value(x) : 0) + 1));
		jv_free(x);
		tl = strlen(type);
		if (tl > 5 && strcmp(type + tl - 5, ".deny") == 0)
			denials++;
		if (strcmp(type, "net.dns") == 0 && gl_json_str(v, "decision") != NULL &&
		    strcmp(gl_json_str(v, "decision"), "refuse") == 0)
			denials++;
		if (strcmp(type, "watch.overflow") == 0)
			lost++;
		if (strcmp(type, "watch.error") == 0)
			errors++;
		if (strcmp(type, "file.read") == 0 && material(&mats, v, &unread, &msg) < 0)
			goto bad;
		if (strcmp(type, "session.start") == 0 && jv_get_kind(start) == JV_KIND_NULL) {
			jv_free(start);
			start = jv_copy(v);
		}
		if (strcmp(type, "session.end") == 0) {
			ended = 1;
			x = gl_json_get(v, "complete");
			if (jv_get_kind(x) != JV_KIND_TRUE && jv_get_kind(x) != JV_KIND_FALSE) {
				jv_free(x);
				msg = "session.end has no boolean complete";
				goto bad;
			}
			endok = jv_get_kind(x) == JV_KIND_TRUE;
			jv_free(x);
			x = gl_json_get(v, "overflows");
			if (!integer(jv_copy(x), 0)) {
				jv_free(x);
				msg = "session.end has no integer overflows";
				goto bad;
			}
			overflows = jv_number_value(x);
			jv_free(x);
		}
		if (nl == end)
			break;
	}
	jv_free(v);
	jv_free(last);
	if (lost > overflows)
		overflows = lost;
	out = jv_object_set(jv_object(), jv_string("counts"), counts);
	out = jv_object_set(out, jv_string("sessionEnd"), jv_bool(ended));
	out = jv_object_set(out, jv_string("complete"),
	    jv_bool(ended && endok && overflows == 0 && errors == 0));
	out = jv_object_set(out, jv_string("overflows"), jv_number(overflows));
	out = jv_object_set(out, jv_string("errors"), jv_number(errors));
	out = jv_object_set(out, jv_string("denials"), jv_number(denials));
	out = jv_object_set(out, jv_string("unreadMaterials"), jv_number(unread));
	x = gl_json_get(start, "reads");
	out = jv_object_set(out, jv_string("reads"), jv_bool(jv_get_kind(x) == JV_KIND_TRUE));
	jv_free(x);
	if (gl_json_str(start, "backend") != NULL)
		out = jv_object_set(out, jv_string("backend"), gl_json_get(start, "backend"));
	if (gl_json_str(start, "proc_backend") != NULL)
		out = jv_object_set(out, jv_string("procBackend"),
		    gl_json_get(start, "proc_backend"));
	jv_free(start);
	return jv_object_set(out, jv_string("materials"), materials(&mats));
bad:
	jv_free(v);
	jv_free(last);
	jv_free(counts);
	jv_free(start);
	drop(&mats);
	return jv_invalid_with_msg(jv_string(msg));
}

/* ---- the parent envelope ---- */

jv
gl_provenance_parent(const char *buf, size_t len)
{
	jv env = gl_json_parse(buf, len), x;
	const char *payload, *msg = NULL;
	char *raw = NULL, hex[GL_SHA256_HEX];
	size_t rlen;

	if (!jv_is_valid(env))
		return env;
	if (jv_get_kind(env) != JV_KIND_OBJECT) {
		msg = "not a DSSE envelope (not an object)";
		goto out;
	}
	if ((payload = gl_json_str(env, "payload")) == NULL) {
		msg = "not a DSSE envelope (no payload string)";
		goto out;
	}
	if (gl_json_str(env, "payloadType") == NULL) {
		msg = "not a DSSE envelope (no payloadType string)";
		goto out;
	}
	x = gl_json_get(env, "signatures");
	if (jv_get_kind(x) != JV_KIND_ARRAY || jv_array_length(jv_copy(x)) == 0) {
		jv_free(x);
		msg = "not a DSSE envelope (no signatures)";
		goto out;
	}
	jv_free(x);
	if (gl_b64_decode(payload, strlen(payload), &raw, &rlen) < 0) {
		msg = "payload is not base64";
		goto out;
	}
	if (gl_digest_sha256_hex(raw, rlen, hex) < 0)
		msg = "sha256 failed";
out:
	free(raw);
	jv_free(env);
	return msg ? jv_invalid_with_msg(jv_string(msg)) : jv_string(hex);
}

/* ---- git ---- */

static int
hexlen(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return s[n] == '\0' && (n == 40 || n == 64);
}

jv
gl_provenance_git(jv git, const char *project)
{
	static const char *keys[] = { "branch", "commit", "dirty", "remote" };
	const char *msg = NULL, *commit, *remote;
	jv c, b, d, r, rd = jv_null(), ann;
	char *uri = NULL, *enc;
	int i, nk = 0;

	if (jv_get_kind(git) != JV_KIND_OBJECT) {
		jv_free(git);
		return jv_invalid_with_msg(jv_string("not a JSON object"));
	}
	jv_object_foreach(git, key, val) {
		for (i = 0; i < 4; i++)
			if (strcmp(jv_string_value(key), keys[i]) == 0)
				break;
		if (i == 4)
			msg = "unknown key";
		nk++;
		jv_free(key);
		jv_free(val);
	}
	if (msg == NULL && nk != 4)
		msg = "commit, branch, dirty and remote are all required";
	c = gl_json_get(git, "commit");
	b = gl_json_get(git, "branch");
	d = gl_json_get(git, "dirty");
	r = gl_json_get(git, "remote");
	if (msg != NULL)
		goto out;
	if (jv_get_kind(c) != JV_KIND_NULL &&
	    (jv_get_kind(c) != JV_KIND_STRING || !hexlen(jv_string_value(c))))
		msg = "commit is not null or a lowercase hex object name";
	else if (jv_get_kind(b) != JV_KIND_NULL && jv_get_kind(b) != JV_KIND_STRING)
		msg = "branch is not null or a string";
	else if (jv_get_kind(d) != JV_KIND_TRUE && jv_get_kind(d) != JV_KIND_FALSE)
		msg = "dirty is not a boolean";
	else if (jv_get_kind(r) != JV_KIND_NULL && jv_get_kind(r) != JV_KIND_STRING)
		msg = "remote is not null or a string";
	if (msg != NULL || jv_get_kind(c) == JV_KIND_NULL)
		goto out;
	commit = jv_string_value(c);
	remote = jv_get_kind(r) == JV_KIND_STRING ? jv_string_value(r) : NULL;
	rd = jv_object_set(jv_object(), jv_string("digest"), kv("gitCommit", commit));
	if (remote != NULL || project != NULL) {
		enc = remote ? strdup(remote) : gl_utf8_pct_encode(project, strlen(project));
		if (enc == NULL || asprintf(&uri, "git+%s%s", remote ? "" : "file://",
		    enc) < 0) {
			free(enc);
			msg = "out of memory";
			goto out;
		}
		free(enc);
		rd = jv_object_set(rd, jv_string("uri"), jv_string(uri));
		free(uri);
	}
	ann = kv("role", "git");
	ann = jv_object_set(ann, jv_string("branch"), jv_copy(b));
	ann = jv_object_set(ann, jv_string("dirty"), jv_copy(d));
	rd = jv_object_set(rd, jv_string("annotations"), ann);
out:
	jv_free(c);
	jv_free(b);
	jv_free(d);
	jv_free(r);
	jv_free(git);
	if (msg != NULL) {
		jv_free(rd);
		return jv_invalid_with_msg(jv_string(msg));
	}
	return rd;
}

/* ---- command-line values ---- */

int
gl_provenance_uuid_ok(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

int
gl_provenance_time_ok(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	char back[GL_CLOCK_LEN];
	struct timespec t;
	size_t i;

	if (strlen(s) != sizeof pat - 1)
		return 0;
	for (i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return 0;
	if (gl_clock_parse(s, &t) < 0 || gl_clock_format(&t, 0, back, sizeof back) < 0)
		return 0;
	return strcmp(back, s) == 0;	/* no 2026-02-30 */
}
