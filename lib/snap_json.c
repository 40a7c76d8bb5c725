/* snap_json: the snapshot as one JSON line, as gl_json_write_line would
 * write it (sorted keys, jq's escapes), but written straight from the
 * entries: a jv per entry costs more than the whole incremental walk. */
#include "snap_walk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "b64.h"
#include "clock.h"
#include "json.h"
#include "utf8.h"

static const char *
typename(mode_t m)
{
	if (S_ISREG(m)) return "file";
	if (S_ISDIR(m)) return "dir";
	if (S_ISLNK(m)) return "symlink";
	if (S_ISFIFO(m)) return "fifo";
	if (S_ISSOCK(m)) return "socket";
	if (S_ISCHR(m)) return "chardev";
	if (S_ISBLK(m)) return "blockdev";
	return "unknown";
}


struct buf {
	char *p;
	size_t n, cap;
	int oom;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	char *q;
	size_t cap;

	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		for (cap = b->cap ? b->cap : 1 << 16; cap < b->n + n + 1; cap *= 2)
			;
		if ((q = realloc(b->p, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* a JSON string of valid UTF-8 bytes, escaped as jq escapes */
static void
str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char esc[8];
	size_t i, run = 0;
	unsigned char c;

	put(b, "\"", 1);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': put(b, "\\\"", 2); break;
		case '\\': put(b, "\\\\", 2); break;
		case '\b': put(b, "\\b", 2); break;
		case '\f': put(b, "\\f", 2); break;
		case '\n': put(b, "\\n", 2); break;
		case '\r': put(b, "\\r", 2); break;
		case '\t': put(b, "\\t", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			put(b, esc, 6);
		}
	}
	put(b, s + run, n - run);
	put(b, "\"", 1);
}

/* ,"key":"name" or ,"key_b64":"base64" (the utf8 module's rule) */
static void
name(struct buf *b, const char *key, const char *v, size_t n, int first)
{
	char *e;

	if (!first)
		put(b, ",", 1);
	put(b, "\"", 1);
	puts_(b, key);
	if (gl_utf8_valid(v, n)) {
		put(b, "\":", 2);
		str(b, v, n);
		return;
	}
	put(b, "_b64\":\"", 7);
	if ((e = gl_b64_encode(v, n)) == NULL) {
		b->oom = 1;
		return;
	}
	puts_(b, e);
	put(b, "\"", 1);
	free(e);
}

static void
num(struct buf *b, const char *key, unsigned long long v)
{
	char t[64];

	snprintf(t, sizeof t, ",\"%s\":%llu", key, v);
	puts_(b, t);
}

static void
keystr(struct buf *b, const char *key, const char *v)
{
	put(b, ",\"", 2);
	puts_(b, key);
	put(b, "\":", 2);
	str(b, v, strlen(v));
}

/* One entry, keys in sorted order: ctime gid hardlink ino mode mount path
 * rdev sha256 size target type uid xattrs (as jv sorts them). */
static void
entry_json(struct buf *b, struct gl_snap_walk *w, struct gl_snap_ent *e)
{
	char t[64], ct[GL_CLOCK_LEN], *x;
	size_t xn;
	int reg = S_ISREG(e->st.st_mode);

	put(b, "{", 1);
	if (reg && gl_clock_format(&e->st.st_ctim, 1, ct, sizeof ct) == 0) {
		put(b, "\"ctime\":", 8);
		str(b, ct, strlen(ct));
		put(b, ",", 1);
	}
	snprintf(t, sizeof t, "\"gid\":%llu", (unsigned long long)e->st.st_gid);
	puts_(b, t);
	if (e->link >= 0)
		name(b, "hardlink", w->e[e->link].path, w->e[e->link].len, 0);
	if (reg) {
		snprintf(t, sizeof t, "%llu", (unsigned long long)e->st.st_ino);
		keystr(b, "ino", t);
	}
	snprintf(t, sizeof t, "%04o", (unsigned)(e->st.st_mode & 07777));
	keystr(b, "mode", t);
	if (e->mount)
		puts_(b, ",\"mount\":true");
	name(b, "path", e->path, e->len, 0);
	if (S_ISCHR(e->st.st_mode) || S_ISBLK(e->st.st_mode)) {
		snprintf(t, sizeof t, "%u:%u", major(e->st.st_rdev), minor(e->st.st_rdev));
		keystr(b, "rdev", t);
	}
	if (reg && e->has_sha)
		keystr(b, "sha256", e->sha);
	if (reg)
		num(b, "size", (unsigned long long)e->st.st_size);
	if (e->target != NULL)
		name(b, "target", e->target, e->tlen, 0);
	keystr(b, "type", typename(e->st.st_mode));
	num(b, "uid", (unsigned long long)e->st.st_uid);
	if (jv_get_kind(e->xattrs) == JV_KIND_OBJECT) {
		if ((x = gl_json_dump(jv_copy(e->xattrs), &xn)) == NULL)
			b->oom = 1;
		else {
			put(b, ",\"xattrs\":", 10);
			put(b, x, xn);
			free(x);
		}
	}
	put(b, "}", 1);
}

/* Everything but the entries. */
static jv
top(struct gl_snap_walk *w, const char *root, const char *started)
{
	jv out, skips = jv_array();
	size_t i;

	for (i = 0; i < w->ns; i++) {
		jv s = gl_utf8_set_name(jv_object(), "path", w->s[i].path, w->s[i].len);
		s = jv_object_set(s, jv_string("reason"), jv_string(w->s[i].reason));
		skips = jv_array_append(skips, s);
	}
	out = gl_utf8_set_name(jv_object(), "root", root, strlen(root));
	out = jv_object_set(out, jv_string("algorithm"), jv_string("sha256"));
	out = jv_object_set(out, jv_string("started"), jv_string(started));
	out = jv_object_set(out, jv_string("skipped"), skips);
	out = jv_object_set(out, jv_string("ignored"), gl_snap_rules_summary(w));
	out = jv_object_set(out, jv_string("complete"), jv_bool(w->ns == 0));
	return out;
}


char *
gl_snap_json_line(struct gl_snap_walk *w, const char *root, const char *started, size_t *len)
{
	struct buf b = { 0 };
	char *head, *at;
	size_t i, hn;

	/* the rest is small: dump it with an empty "entries", then fill that in */
	head = gl_json_dump(jv_object_set(top(w, root, started), jv_string("entries"),
	    jv_array()), &hn);
	if (head == NULL || (at = strstr(head, "\"entries\":[]")) == NULL) {
		free(head);
		errno = ENOMEM;
		return NULL;
	}
	at += strlen("\"entries\":[");
	put(&b, head, (size_t)(at - head));
	for (i = 0; i < w->n; i++) {
		if (i)
			put(&b, ",", 1);
		entry_json(&b, w, &w->e[i]);
	}
	put(&b, at, hn - (size_t)(at - head));
	put(&b, "\n", 1);
	free(head);
	if (b.oom) {
		free(b.p);
		errno = ENOMEM;
		return NULL;
	}
	*len = b.n;
	return b.p;
}
