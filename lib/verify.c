#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "gl.h"
#include "intoto.h"
#include "io.h"
#include "json.h"
#include "utf8.h"

static void
record(struct gl_verify_result *r, const char *name, const char *status,
    const char *msg, jv extra)
{
	jv c = jv_object_set(jv_object(), jv_string("check"), jv_string(name));

	c = jv_object_set(c, jv_string("status"), jv_string(status));
	c = jv_object_set(c, jv_string("reason"), jv_string(msg));
	if (jv_get_kind(extra) == JV_KIND_OBJECT)
		jv_object_foreach(extra, k, x)
			c = jv_object_set(c, k, x);
	jv_free(extra);
	r->checks = jv_array_append(r->checks, c);
}

/* Record one check; a failure sets rc and the reason.  Returns rc. */
static int __attribute__((format(printf, 4, 5)))
step(struct gl_verify_result *r, const char *name, int rc, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	record(r, name, rc == 0 ? "pass" : "fail", msg, jv_invalid());
	if (rc != 0 && r->rc == 0) {
		r->rc = rc;
		snprintf(r->reason, sizeof r->reason, "%s", msg);
	}
	return rc;
}

static void
skip(struct gl_verify_result *r, const char *name, const char *msg)
{
	record(r, name, "skip", msg, jv_invalid());
}

static void
result_init(struct gl_verify_result *r)
{
	memset(r, 0, sizeof *r);
	r->checks = jv_array();
	r->st = jv_null();
	r->chain = jv_invalid();
}

void
gl_verify_result_free(struct gl_verify_result *r)
{
	jv_free(r->checks);
	jv_free(r->st);
	jv_free(r->chain);
	gl_dsse_free(&r->env);
}

/* A Sigstore bundle: its rules, then the envelope inside as JSON text. */
static int
unbundle(struct gl_verify_result *r, const char *buf, size_t len, char **env,
    size_t *envlen)
{
	char why[320];
	jv doc;
	int n;

	*env = NULL;
	if (memmem(buf, len, "\"mediaType\"", 11) == NULL)
		return 0;
	if (gl_json_check(buf, len, 0, why, sizeof why) < 0)
		return step(r, "envelope", GL_EX_DATA, "envelope is not valid JSON: %s", why);
	doc = jv_parse_sized(buf, (int)len);
	if (!gl_bundle_is(doc)) {
		jv_free(doc);
		return 0;
	}
	n = gl_bundle_unwrap(doc, env, envlen, why, sizeof why);
	jv_free(doc);
	if (n != 0)
		return step(r, "bundle", n, "%s", why);
	return step(r, "bundle", 0, "Sigstore bundle v0.3 with a public key hint");
}

int
gl_verify_doc(const struct gl_verify *v, const char *buf, size_t len,
    struct gl_verify_result *r)
{
	enum gl_intoto_step s;
	char why[320], *inner = NULL;
	size_t ilen = 0;
	int n, first;

	result_init(r);
	if (unbundle(r, buf, len, &inner, &ilen) != 0)
		return r->rc;
	n = inner ? gl_dsse_parse(inner, ilen, &r->env, why, sizeof why) :
	    gl_dsse_parse(buf, len, &r->env, why, sizeof why);
	free(inner);
	if (n != 0)
		return step(r, "envelope", n, "%s", why);
	step(r, "envelope", 0, "DSSE envelope with %zu signature(s)", r->env.nsigs);
	if (r->env.nsigs == 0)
		return step(r, "signature", GL_EX_FAIL, "envelope has no signatures");
	if ((n = gl_dsse_verify(&r->env, v->keys, v->nkeys, &first)) < 0)
		return step(r, "signature", GL_EX_SYS, "OpenSSL failure while verifying");
	if (n == 0)
		return step(r, "signature", GL_EX_FAIL,
		    "no signature verifies with a trusted key");
	memcpy(r->keyid, v->ids[first], GL_SHA256_HEX);
	if (n < v->threshold)
		return step(r, "signature", GL_EX_FAIL, "%d distinct trusted key(s) "
		    "signed, %ld needed", n, v->threshold);
	step(r, "signature", 0, "%d distinct trusted key(s) signed, %ld needed",
	    n, v->threshold);
	if (strcmp(r->env.type, v->type) != 0 || r->env.typelen != strlen(v->type))
		return step(r, "payloadType", GL_EX_FAIL, "payloadType is not %s", v->type);
	step(r, "payloadType", 0, "%s", v->type);
	if (gl_digest_sha256_hex(r->env.payload, r->env.len, r->digest) < 0)
		return step(r, "payload", GL_EX_SYS, "sha256 failed");
	if (strcmp(v->type, GL_DSSE_INTOTO) != 0) {
		step(r, "payload", 0, "%zu bytes, sha256 %s", r->env.len, r->digest);
		skip(r, "statement", "the payload type is not in-toto: no statement checks");
		return 0;
	}
	r->st = gl_json_parse(r->env.payload, r->env.len);
	if (!jv_is_valid(r->st)) {
		gl_json_errmsg(r->st, why, sizeof why);
		r->st = jv_null();
		return step(r, "payload", GL_EX_FAIL, "payload is not strict JSON: %s", why);
	}
	step(r, "payload", 0, "strict JSON, %zu bytes, sha256 %s", r->env.len, r->digest);
	s = gl_intoto_check(r->st, v->expect, why, sizeof why);
	if (s == GL_INTOTO_STATEMENT_BAD)
		return step(r, "statement", GL_EX_FAIL, "%s", why);
	step(r, "statement", 0, "%s", GL_INTOTO_STATEMENT);
	if (s == GL_INTOTO_PREDTYPE_BAD)
		return step(r, "predicateType", GL_EX_FAIL, "%s", why);
	step(r, "predicateType", 0, "%s", v->expect);
	if (s == GL_INTOTO_SUBJECTS_BAD)
		return step(r, "subjects", GL_EX_FAIL, "%s", why);
	return step(r, "subjects", 0, "%d subject(s)",
	    jv_array_length(gl_json_get(r->st, "subject")));
}

/* ---- the chain ---- */

static int
linkcmp(const void *a, const void *b)
{
	return strcmp(((const struct gl_verify_link *)a)->name,
	    ((const struct gl_verify_link *)b)->name);
}

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
suffixed(const char *n, const char *pre, const char *suf)
{
	size_t nl = strlen(n), pl = strlen(pre), sl = strlen(suf);

	return nl > pl + sl && strncmp(n, pre, pl) == 0 && strcmp(n + nl - sl, suf) == 0;
}

/* One attestation file of the directory, read without trusting it. */
static int
index_one(struct gl_verify_link *l, const char *dir, const char *name)
{
	char why[320], *buf;
	struct gl_dsse env;
	size_t len;
	jv st;

	memset(l, 0, sizeof *l);
	if (asprintf(&l->path, "%s/%s", dir, name) < 0 || (l->name = strdup(name)) == NULL)
		return -1;
	if (gl_io_read_file(l->path, GL_CAP_DOC, &buf, &len) < 0)
		return errno == EFBIG ? 0 : -1;
	if (gl_digest_sha256_hex(buf, len, l->file) < 0) {
		free(buf);
		return -1;
	}
	if (gl_dsse_parse(buf, len, &env, why, sizeof why) == 0) {
		l->ok = 1;
		if (gl_digest_sha256_hex(env.payload, env.len, l->digest) < 0) {
			gl_dsse_free(&env);
			free(buf);
			return -1;
		}
		st = gl_json_parse(env.payload, env.len);
		if (jv_is_valid(st) && gl_intoto_parent(st, l->parent, why, sizeof why) != 1)
			l->parent[0] = '\0';
		jv_free(st);
		gl_dsse_free(&env);
	}
	free(buf);
	return 0;
}

/* Index the chain directory: every attestation-*.json (by payload digest
 * and claimed parent, unverified: only used to find candidates, which are
 * then verified in full) and every audit-*.jsonl.  -1 (v->failed, errno). */
static int
index_chain(struct gl_verify *v)
{
	struct gl_verify_link *l;
	struct dirent *e;
	char **q;
	DIR *d;
	int rc = 0;

	v->indexed = 1;
	if ((d = opendir(v->chain)) == NULL) {
		v->failed = v->chain;
		return -1;
	}
	while (rc == 0 && (errno = 0, e = readdir(d)) != NULL) {
		if (suffixed(e->d_name, "audit-", ".jsonl")) {
			if ((q = realloc(v->logs, (v->nlogs + 1) * sizeof *q)) == NULL ||
			    (q[v->nlogs] = strdup(e->d_name)) == NULL) {
				v->logs = q ? q : v->logs;
				v->failed = "malloc";
				rc = -1;
			} else {
				v->logs = q;
				v->nlogs++;
			}
			continue;
		}
		if (!suffixed(e->d_name, "attestation-", ".json") ||
		    suffixed(e->d_name, "attestation-", ".sigstore.json"))
			continue;
		if ((l = realloc(v->links, (v->nlinks + 1) * sizeof *l)) == NULL) {
			v->failed = "realloc";
			rc = -1;
			break;
		}
		v->links = l;
		rc = index_one(&l[v->nlinks], v->chain, e->d_name);
		v->nlinks++;
		if (rc < 0)
			v->failed = l[v->nlinks - 1].path ? l[v->nlinks - 1].path : "malloc";
	}
	if (rc == 0 && errno != 0) {
		v->failed = v->chain;
		rc = -1;
	}
	closedir(d);
	if (v->nlinks > 1)
		qsort(v->links, v->nlinks, sizeof *v->links, linkcmp);
	if (v->nlogs > 1)
		qsort(v->logs, v->nlogs, sizeof *v->logs, strpcmp);
	return rc;
}

static const char *
base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static jv
chain_entry(const char *path, const char *digest)
{
	jv e = gl_utf8_set_name(jv_object(), "path", path, strlen(path));
	return jv_object_set(e, jv_string("payloadDigest"), jv_string(digest));
}

/* The byproducts of st with annotations.role role: {name: sha256}. */
static jv
named(jv st, const char *role, jv into)
{
	jv b = jv_getpath(jv_copy(st), JV_ARRAY(jv_string("predicate"),
	    jv_string("runDetails"), jv_string("byproducts")));

	if (jv_get_kind(b) == JV_KIND_ARRAY)
		jv_array_foreach(b, i, e) {
			jv ann = gl_json_get(e, "annotations"), d = gl_json_get(e, "digest");
			const char *r = gl_json_str(ann, "role"), *n = gl_json_str(e, "name");
			const char *h = gl_json_str(d, "sha256");
			(void)i;
			if (r != NULL && n != NULL && strcmp(r, role) == 0)
				into = jv_object_set(into, jv_string(n), jv_string(h ? h : ""));
			jv_free(ann);
			jv_free(d);
			jv_free(e);
		}
	jv_free(b);
	return into;
}

static long
find_name(const struct gl_verify *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->nlinks; i++)
		if (strcmp(v->links[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* The id of attestation-ID.json or audit-ID.jsonl, into buf. */
static const char *
id_of(const char *name, char *buf, size_t bufsz)
{
	const char *s = strchr(name, '-'), *e = strrchr(name, '.');

	if (s == NULL || e == NULL || e <= s)
		return "";
	snprintf(buf, bufsz, "%.*s", (int)(e - s - 1), s + 1);
	return buf;
}

/* 1 when a link of the chain named l as a parent it passed over, with the
 * digest of the file as it is now. */
static int
passed_over(jv skipped, const struct gl_verify_link *l)
{
	jv x = jv_object_get(jv_copy(skipped), jv_string(l->name));
	int yes = jv_get_kind(x) == JV_KIND_STRING && strcmp(jv_string_value(x), l->file) == 0;

	jv_free(x);
	return yes;
}

/* The checks on the whole directory once the chain is walked: forks,
 * attestations that are not on it, audit logs without their attestation. */
static void audit_log(const struct gl_verify *v, const char *path,
    struct gl_verify_result *r);
static void byproducts(const char *path, int required, struct gl_verify_result *r);

static int
chain_dir(struct gl_verify *v, struct gl_verify_result *r, const char *start,
    const char *on, size_t hops, jv skipped, jv logs, char *msg, size_t msgsz)
{
	char a[256], b[256], ida[256], idb[256];
	size_t i, j, k;
	int claims;

	int newest = 1;

	(void)r;
	for (i = 0; i < v->nlinks; i++)
		if (strcmp(v->links[i].name, start) > 0)
			newest = 0;
	/* forks: two attestations claiming the same parent (a parent passed
	 * over and named by its successor is not one) */
	for (i = 0; i < v->nlinks; i++) {
		if (!v->links[i].ok || on[i] == 0)
			continue;
		for (claims = 0, k = 0, j = 0; j < v->nlinks; j++)
			if (v->links[j].ok && strcmp(v->links[j].parent, v->links[i].digest) == 0 &&
			    !passed_over(skipped, &v->links[j])) {
				if (claims++ == 0)
					k = j;
				else {
					gl_utf8_sanitize(v->links[k].name, strlen(v->links[k].name), a, sizeof a);
					gl_utf8_sanitize(v->links[j].name, strlen(v->links[j].name), b, sizeof b);
					snprintf(msg, msgsz, "fork: %s and %s both claim %s as their "
					    "parent", a, b, v->links[i].name);
					return GL_EX_FAIL;
				}
			}
	}
	/* everything older than the start must be on the chain, or a parent
	 * the chain says it passed over */
	for (i = 0; i < v->nlinks; i++) {
		if (on[i] || strcmp(v->links[i].name, start) >= 0)
			continue;
		if (passed_over(skipped, &v->links[i]))
			continue;
		gl_utf8_sanitize(v->links[i].name, strlen(v->links[i].name), a, sizeof a);
		snprintf(msg, msgsz, "%s is not on the chain (%s)", a, v->links[i].ok ?
		    "a link was removed, replaced or planted" : "not a DSSE envelope");
		return GL_EX_FAIL;
	}
	/* an audit log whose attestation is gone: the newest link deleted */
	for (i = 0; i < v->nlogs; i++) {
		id_of(v->logs[i], ida, sizeof ida);
		if (jv_object_has(jv_copy(logs), jv_string(v->logs[i])))
			continue;
		for (j = 0; j < v->nlinks; j++)
			if ((on[j] || passed_over(skipped, &v->links[j])) &&
			    strcmp(id_of(v->links[j].name, idb, sizeof idb), ida) == 0)
				break;
		if (j < v->nlinks || (!newest && strcmp(ida, id_of(start, idb, sizeof idb)) > 0))
			continue;
		gl_utf8_sanitize(v->logs[i], strlen(v->logs[i]), a, sizeof a);
		snprintf(msg, msgsz, "%s has no attestation on the chain (a link was "
		    "removed)", a);
		return GL_EX_FAIL;
	}
	snprintf(msg, msgsz, "%zu link(s) back to a root, every attestation in %s "
	    "on it", hops, v->chain);
	return 0;
}

/* Follow parent links from r back to a root.  Every link must verify. */
static int
walk_chain(struct gl_verify *v, const char *self, struct gl_verify_result *r)
{
	char hex[GL_SHA256_HEX], msg[1024], *buf, cur[256], shown[256];
	struct gl_verify_result p;
	jv st, skipped, logs;
	size_t len, i, hops;
	long at;
	char *on;
	int found, code = GL_EX_FAIL;

	r->chain = jv_array_append(jv_array(), chain_entry(self, r->digest));
	if (!v->indexed && index_chain(v) < 0)
		return -1;
	if ((on = calloc(v->nlinks + 1, 1)) == NULL) {
		v->failed = "calloc";
		return -1;
	}
	if ((at = find_name(v, base(self))) >= 0 && strcmp(v->links[at].digest, r->digest) == 0)
		on[at] = 1;
	snprintf(cur, sizeof cur, "%s", base(self));
	skipped = named(r->st, "skipped-parent", jv_object());
	logs = named(r->st, "audit-log", jv_object());
	st = jv_copy(r->st);
	for (hops = 1;; hops++) {
		gl_utf8_sanitize(cur, strlen(cur), shown, sizeof shown);
		if ((found = gl_intoto_parent(st, hex, msg, sizeof msg)) <= 0) {
			if (found < 0) {
				char m2[1024];
				snprintf(m2, sizeof m2, "link %s: %.700s", shown, msg);
				snprintf(msg, sizeof msg, "%s", m2);
				break;
			}
			code = chain_dir(v, r, base(self), on, hops, skipped, logs, msg,
			    sizeof msg);
			break;
		}
		for (found = 0, at = -1, i = 0; i < v->nlinks && !found; i++) {
			if (!v->links[i].ok || strcmp(v->links[i].digest, hex) != 0)
				continue;
			at = (long)i;
			if (on[i]) {
				snprintf(msg, sizeof msg, "cycle: link %s names %s, already "
				    "on the chain", shown, v->links[i].name);
				break;
			}
			if (gl_io_read_file(v->links[i].path, GL_CAP_DOC, &buf, &len) < 0) {
				code = GL_EX_SYS;
				snprintf(msg, sizeof msg, "%s: %s", v->links[i].path,
				    strerror(errno));
				break;
			}
			gl_verify_doc(v, buf, len, &p);
			free(buf);
			if (p.rc == 0 && strcmp(p.digest, hex) == 0) {
				/* every link's audit log and byproducts beside it,
				 * as the newest's */
				struct gl_verify lv = *v;
				lv.audit = NULL;
				audit_log(&lv, v->links[i].path, &p);
				if (p.rc == 0)
					byproducts(v->links[i].path, 1, &p);
			}
			if (p.rc == 0 && strcmp(p.digest, hex) == 0) {
				found = 1;
				on[i] = 1;
				r->chain = jv_array_append(r->chain,
				    chain_entry(v->links[i].path, hex));
				jv_free(st);
				st = jv_copy(p.st);
			} else {
				code = p.rc == GL_EX_SYS ? GL_EX_SYS : GL_EX_FAIL;
				snprintf(msg, sizeof msg, "link %.200s: parent %.200s: %.500s",
				    shown, v->links[i].name, p.rc ? p.reason :
				    "changed while being read");
			}
			gl_verify_result_free(&p);
		}
		if (!found) {
			if (at < 0)
				snprintf(msg, sizeof msg, "link %s: parent with payload sha256 "
				    "%s not found in %s", shown, hex, v->chain);
			break;
		}
		if (strcmp(v->links[at].name, cur) >= 0) {
			snprintf(msg, sizeof msg, "link %s: its parent %s does not sort "
			    "before it (links reordered)", shown, v->links[at].name);
			break;
		}
		snprintf(cur, sizeof cur, "%s", v->links[at].name);
		skipped = named(st, "skipped-parent", skipped);
		logs = named(st, "audit-log", logs);
	}
	free(on);
	jv_free(st);
	jv_free(skipped);
	jv_free(logs);
	return step(r, "chain", code, "%s", msg);
}

/* ---- the audit log and the other byproducts ---- */

/* The file named name beside the attestation at path, malloc'ed; NULL when
 * the attestation came from standard input or name is not a plain file name. */
static char *
beside(const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');
	char *p;

	if (strcmp(path, "-") == 0 || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    asprintf(&p, "%.*s%s", slash ? (int)(slash - path + 1) : 0, path, name) < 0)
		return NULL;
	return p;
}

/* 0 when file's sha256 is want, shown (sanitized) into shown; otherwise the
 * failed check is recorded and its code returned.  An unreadable file fails
 * with rc, a missing one or a link always with GL_EX_FAIL. */
static int
attested(struct gl_verify_result *r, const char *check, const char *file,
    const char *want, int rc, char *shown, size_t shownsz)
{
	char hex[GL_SHA256_HEX];

	gl_utf8_sanitize(file, strlen(file), shown, shownsz);
	if (gl_digest_file_hex(file, hex) < 0)
		return step(r, check, errno == ENOENT || errno == ELOOP ? GL_EX_FAIL :
		    rc, "%s: %s", shown, strerror(errno));
	if (strcmp(hex, want) != 0)
		return step(r, check, GL_EX_FAIL, "%s: sha256 %s is not the attested %s",
		    shown, hex, want);
	return 0;
}

static void
audit_log(const struct gl_verify *v, const char *path, struct gl_verify_result *r)
{
	jv logs = named(r->st, "audit-log", jv_object()), keys;
	char *near = NULL, shown[256];
	const char *name = NULL, *log = v->audit;
	struct stat sb;
	jv w;

	keys = jv_keys(jv_copy(logs));
	if (jv_array_length(jv_copy(keys)) > 0) {
		w = jv_array_get(jv_copy(keys), 0);
		name = jv_string_value(w);
		jv_free(w);	/* still held by keys */
	}
	if (name == NULL) {
		if (log != NULL)
			step(r, "audit-log", GL_EX_FAIL, "the statement names no audit log");
		else
			skip(r, "audit-log", "the statement names no audit log");
		goto out;
	}
	if (log == NULL) {
		if ((near = beside(path, name)) == NULL || lstat(near, &sb) < 0) {
			/* in a chain directory the session's log belongs beside
			 * it: a deleted one is lost evidence, not a skip */
			if (v->chain != NULL && near != NULL)
				step(r, "audit-log", GL_EX_FAIL, "%s: attested, but missing "
				    "beside the attestation", name);
			else
				skip(r, "audit-log", "no audit log given, none beside the attestation");
			goto out;
		}
		log = near;
	}
	w = jv_object_get(jv_copy(logs), jv_string(name));
	if (attested(r, "audit-log", log, jv_string_value(w), GL_EX_SYS, shown,
	    sizeof shown) == 0)
		step(r, "audit-log", 0, "%s matches the attested sha256", shown);
	jv_free(w);
out:
	free(near);
	jv_free(keys);
	jv_free(logs);
}

/* The other byproducts (role "byproduct", e.g. the SBOM after the session)
 * whose file lies beside the attestation under its name: each must match;
 * when required (a chain directory), each must be there. */
static void
byproducts(const char *path, int required, struct gl_verify_result *r)
{
	jv files = named(r->st, "byproduct", jv_object());
	char *near, shown[256];
	int checked = 0, bad = 0;
	struct stat sb;

	if (strcmp(path, "-") == 0) {
		jv_free(files);
		skip(r, "byproducts", "the attestation was read from standard input");
		return;
	}
	jv_object_foreach(files, k, w) {
		if (!bad && (near = beside(path, jv_string_value(k))) != NULL) {
			if (lstat(near, &sb) == 0) {
				checked++;
				bad = attested(r, "byproducts", near, jv_string_value(w),
				    GL_EX_FAIL, shown, sizeof shown) != 0;
			} else if (required) {
				bad = 1;
				step(r, "byproducts", GL_EX_FAIL, "%s: attested, but missing "
				    "beside the attestation", jv_string_value(k));
			}
			free(near);
		}
		jv_free(k);
		jv_free(w);
	}
	jv_free(files);
	if (!bad && checked > 0)
		step(r, "byproducts", 0, "%d byproduct(s) beside the attestation match", checked);
	else if (!bad)
		skip(r, "byproducts", "none beside the attestation");
}

static void
policies(const struct gl_verify *v, struct gl_verify_result *r)
{
	char why[512];
	jv viol, extra;
	size_t i;
	int n;

	if (v->npolicies == 0)
		skip(r, "policy", "no policy given");
	for (i = 0; i < v->npolicies && r->rc == 0; i++) {
		viol = jv_invalid();
		n = gl_policy_eval(v->policies[i], r->st, &viol, why, sizeof why);
		extra = gl_utf8_set_name(jv_object(), "policy", gl_policy_path(v->policies[i]),
		    strlen(gl_policy_path(v->policies[i])));
		if (n == 1)
			extra = jv_object_set(extra, jv_string("violations"), viol);
		else
			jv_free(viol);
		record(r, "policy", n == 0 ? "pass" : "fail", n < 0 ?
		    (snprintf(why + strlen(why), sizeof why - strlen(why), "%s",
		    " (policy error)"), why) : why, extra);
		if (n != 0) {
			r->rc = GL_EX_FAIL;
			snprintf(r->reason, sizeof r->reason, "%s: %s",
			    gl_policy_path(v->policies[i]), why);
		}
	}
}

int
gl_verify_file(struct gl_verify *v, const char *path, struct gl_verify_result *r)
{
	char why[320], *buf;
	size_t len;
	int rc;

	if (gl_io_read_file(path, GL_CAP_DOC, &buf, &len) < 0) {
		result_init(r);
		step(r, "envelope", errno == EFBIG ? GL_EX_DATA : GL_EX_SYS, "%s",
		    errno == EFBIG ? "envelope larger than the cap" : strerror(errno));
	} else {
		gl_verify_doc(v, buf, len, r);
		free(buf);
	}
	if (r->rc != 0 || jv_get_kind(r->st) == JV_KIND_NULL)
		return r->rc;
	if (v->files == NULL)
		skip(r, "files", "not asked for (no --check-files)");
	else if ((rc = gl_intoto_check_files(r->st, v->files, why, sizeof why)) == 0)
		step(r, "files", 0, "%d subject file(s) match under %s",
		    jv_array_length(gl_json_get(r->st, "subject")), v->files);
	else
		step(r, "files", rc < 0 ? GL_EX_SYS : GL_EX_FAIL, "%s", why);
	if (r->rc == 0 && v->materials) {
		if ((rc = gl_intoto_check_materials(r->st, v->files, why, sizeof why)) >= 0 &&
		    rc < 2)
			step(r, "materials", rc, "%s", why);
		else
			step(r, "materials", GL_EX_SYS, "%s", why);
	}
	if (r->rc == 0)
		audit_log(v, path, r);
	if (r->rc == 0)
		byproducts(path, v->chain != NULL, r);
	if (r->rc == 0 && v->chain == NULL)
		skip(r, "chain", "not asked for (no --chain)");
	else if (r->rc == 0 && walk_chain(v, path, r) < 0)
		return -1;
	if (r->rc == 0)
		policies(v, r);
	if (r->rc == 0 && v->payload_out != NULL &&
	    gl_io_write_atomic(v->payload_out, r->env.payload, r->env.len, 0644) < 0)
		step(r, "payload", GL_EX_SYS, "%s: %s", v->payload_out, strerror(errno));
	return r->rc;
}

char *
gl_verify_newest(const char *dir)
{
	struct dirent *e;
	char *best = NULL, *path = NULL;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL)
		if (suffixed(e->d_name, "attestation-", ".json") &&
		    !suffixed(e->d_name, "attestation-", ".sigstore.json") &&
		    (best == NULL || strcmp(e->d_name, best) > 0)) {
			free(best);
			if ((best = strdup(e->d_name)) == NULL)
				break;
		}
	closedir(d);
	if (best == NULL) {
		errno = ENOENT;
		return NULL;
	}
	if (asprintf(&path, "%s/%s", dir, best) < 0)
		path = NULL;
	free(best);
	return path;
}

void
gl_verify_free(struct gl_verify *v)
{
	size_t i;

	for (i = 0; i < v->nlinks; i++) {
		free(v->links[i].path);
		free(v->links[i].name);
	}
	for (i = 0; i < v->nlogs; i++)
		free(v->logs[i]);
	free(v->links);
	free(v->logs);
	v->links = NULL;
	v->logs = NULL;
	v->nlinks = v->nlogs = 0;
}
