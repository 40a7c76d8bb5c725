/* snap_cache: a trusted earlier snapshot (--cache) read straight from its
 * text, for the digests of files unchanged since.  jv_parse of a big
 * snapshot costs more than the whole incremental walk.  The text is strict
 * JSON, checked by the caller; this reads any layout of it. */
#include "snap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "clock.h"
#include "digest.h"
#include "snap_walk.h"

/* A cached digest is trusted only for a file whose ctime is this much older
 * than the start of the snapshot that recorded it (coarse kernel clocks). */
#define RACY_SECS 2

static int
centcmp(const void *a, const void *b)
{
	const struct gl_snap_cent *x = a, *y = b;
	return gl_snap_pathcmp(x->path, x->len, y->path, y->len);
}

int
gl_snap_cache_lookup(const struct gl_snap_cache *c, struct gl_snap_ent *e)
{
	struct gl_snap_cent key = { .path = e->path, .len = e->len }, *f;

	if (c == NULL || !c->started || c->nc == 0 || gl_snap_tscmp(&e->st.st_ctim, &c->cutoff) >= 0)
		return 0;
	if ((f = bsearch(&key, c->c, c->nc, sizeof *c->c, centcmp)) == NULL)
		return 0;
	if (f->size != (unsigned long long)e->st.st_size ||
	    f->ino != (unsigned long long)e->st.st_ino || gl_snap_tscmp(&f->ctime, &e->st.st_ctim) != 0)
		return 0;
	memcpy(e->sha, f->sha, GL_SHA256_HEX);
	e->has_sha = 1;
	e->xattrs = jv_copy(f->xattrs);
	return 1;
}

struct jp {
	const char *p, *end;
};

static void
jws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
		j->p++;
}

static int
hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];
		*v <<= 4;
		if (c >= '0' && c <= '9') *v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') *v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') *v |= (unsigned)(c - 'A' + 10);
		else return -1;
	}
	return 0;
}

/* The string at j->p, decoded (UTF-8, NUL-terminated, malloc'ed). */
static char *
jstr(struct jp *j, size_t *len)
{
	const char *p = j->p + 1, *q;
	char *out, *o;
	unsigned u, lo;

	if (j->p >= j->end || *j->p != '"')
		return NULL;
	for (q = p; q < j->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= j->end || (out = malloc((size_t)(q - p) + 4)) == NULL)
		return NULL;
	for (o = out; p < q; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (p + 4 >= q || hex4(p + 1, &u) < 0)
				goto bad;
			p += 4;
			if (u >= 0xd800 && u < 0xdc00 && p + 6 < q && p[1] == '\\' && p[2] == 'u' &&
			    hex4(p + 3, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			if (u < 0x80)
				*o++ = (char)u;
			else if (u < 0x800) {
				*o++ = (char)(0xc0 | (u >> 6));
				*o++ = (char)(0x80 | (u & 0x3f));
			} else if (u < 0x10000) {
				*o++ = (char)(0xe0 | (u >> 12));
				*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
				*o++ = (char)(0x80 | (u & 0x3f));
			} else {
				*o++ = (char)(0xf0 | (u >> 18));
				*o++ = (char)(0x80 | ((u >> 12) & 0x3f));
				*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
				*o++ = (char)(0x80 | (u & 0x3f));
			}
			break;
		default: *o++ = *p; break;	/* " \ / */
		}
	}
	*o = '\0';
	*len = (size_t)(o - out);
	j->p = q + 1;
	return out;
bad:
	free(out);
	return NULL;
}

/* Skip any value. */
static int
jskip(struct jp *j)
{
	int depth = 0;
	const char *q;

	do {
		jws(j);
		if (j->p >= j->end)
			return -1;
		switch (*j->p) {
		case '"':
			for (q = j->p + 1; q < j->end && *q != '"'; q++)
				if (*q == '\\')
					q++;
			j->p = q + 1;
			break;
		case '{': case '[': depth++; j->p++; break;
		case '}': case ']': depth--; j->p++; break;
		case ',': case ':': j->p++; break;
		default:
			while (j->p < j->end && strchr(",}] \n\r\t", *j->p) == NULL)
				j->p++;
		}
		jws(j);
	} while (depth > 0 || (j->p < j->end && (*j->p == ':')));
	return 0;
}

/* Iterate an object: at '{' or ',', the next key (malloc'ed) with j->p at
 * its value; NULL at the end (j->p past '}'). */
static char *
jkey(struct jp *j)
{
	size_t n;
	char *k;

	jws(j);
	if (j->p < j->end && (*j->p == '{' || *j->p == ','))
		j->p++;
	jws(j);
	if (j->p >= j->end || *j->p == '}') {
		j->p++;
		return NULL;
	}
	if ((k = jstr(j, &n)) == NULL)
		return NULL;
	jws(j);
	j->p++;		/* ':' */
	jws(j);
	return k;
}

/* one entry object of the cache: kept if it is a file with every key */
static int
cache_entry(struct gl_snap_cache *c, struct jp *j)
{
	struct gl_snap_cent e = { .xattrs = jv_null() };
	char *k, *v = NULL, *b64 = NULL, *type = NULL, *sha = NULL, *ct = NULL, *ino = NULL, *end;
	const char *start;
	size_t n, bl = 0;
	int have_size = 0, rc = 0;
	struct gl_snap_cent *q;

	while ((k = jkey(j)) != NULL) {
		char **slot = strcmp(k, "path") == 0 ? &v : strcmp(k, "path_b64") == 0 ? &b64 :
		    strcmp(k, "type") == 0 ? &type : strcmp(k, "sha256") == 0 ? &sha :
		    strcmp(k, "ctime") == 0 ? &ct : strcmp(k, "ino") == 0 ? &ino : NULL;
		if (slot != NULL && *j->p == '"') {
			free(*slot);
			*slot = jstr(j, slot == &v ? &e.len : slot == &b64 ? &bl : &n);
		} else if (strcmp(k, "size") == 0 && *j->p >= '0' && *j->p <= '9') {
			e.size = strtoull(j->p, &end, 10);
			j->p = end;
			have_size = 1;
		} else if (strcmp(k, "xattrs") == 0 && *j->p == '{') {
			start = j->p;
			jskip(j);
			jv_free(e.xattrs);
			e.xattrs = jv_parse_sized(start, (int)(j->p - start));
		} else
			jskip(j);
		free(k);
		jws(j);
	}
	if (b64 != NULL && v == NULL && gl_b64_decode(b64, bl, &v, &e.len) < 0)
		v = NULL;
	if (v != NULL && type != NULL && strcmp(type, "file") == 0 && sha != NULL &&
	    gl_digest_is_sha256_hex(sha) && have_size && ct != NULL &&
	    gl_clock_parse(ct, &e.ctime) == 0 && ino != NULL &&
	    (e.ino = strtoull(ino, &end, 10), *end == '\0' && end != ino)) {
		if (c->nc == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 1024;
			if ((q = realloc(c->c, c->cap * sizeof *q)) == NULL) {
				rc = -1;
				goto out;
			}
			c->c = q;
		}
		memcpy(e.sha, sha, GL_SHA256_HEX);
		if (jv_get_kind(e.xattrs) != JV_KIND_OBJECT) {
			jv_free(e.xattrs);
			e.xattrs = jv_null();
		}
		e.path = v;
		v = NULL;
		c->c[c->nc++] = e;
		e.xattrs = jv_null();
	}
out:
	jv_free(e.xattrs);
	free(v);
	free(b64);
	free(type);
	free(sha);
	free(ct);
	free(ino);
	return rc;
}

struct gl_snap_cache *
gl_snap_cache_load(const char *buf, size_t len, char *why, size_t whysz)
{
	struct gl_snap_cache *c = calloc(1, sizeof *c);
	struct jp j = { buf, buf + len };
	int alg = 0, ents = 0;
	const char *start;
	char *k, *v;
	size_t n;
	jv ig;

	if (c == NULL) {
		snprintf(why, whysz, "%s", strerror(ENOMEM));
		return NULL;
	}
	c->gitignore = jv_null();
	jws(&j);
	if (j.p >= j.end || *j.p != '{') {
		snprintf(why, whysz, "not a snapshot object");
		goto bad;
	}
	while ((k = jkey(&j)) != NULL) {
		if (strcmp(k, "algorithm") == 0 && *j.p == '"') {
			v = jstr(&j, &n);
			alg = v != NULL && strcmp(v, "sha256") == 0;
			free(v);
		} else if (strcmp(k, "started") == 0 && *j.p == '"') {
			v = jstr(&j, &n);
			if (v != NULL && gl_clock_parse(v, &c->cutoff) == 0) {
				c->started = 1;
				c->cutoff.tv_sec -= RACY_SECS;
			}
			free(v);
		} else if (strcmp(k, "entries") == 0 && *j.p == '[') {
			ents = 1;
			j.p++;
			for (;;) {
				jws(&j);
				if (j.p < j.end && *j.p == ',')
					j.p++;
				jws(&j);
				if (j.p >= j.end || *j.p == ']') {
					j.p++;
					break;
				}
				if (*j.p != '{')
					jskip(&j);
				else if (cache_entry(c, &j) < 0) {
					free(k);
					snprintf(why, whysz, "%s", strerror(ENOMEM));
					goto bad;
				}
			}
		} else if (strcmp(k, "ignored") == 0 && *j.p == '{') {
			start = j.p;
			jskip(&j);
			ig = jv_parse_sized(start, (int)(j.p - start));
			jv_free(c->gitignore);
			c->gitignore = jv_get_kind(ig) == JV_KIND_OBJECT ?
			    jv_object_get(jv_copy(ig), jv_string("gitignore")) : jv_null();
			jv_free(ig);
		} else
			jskip(&j);
		free(k);
	}
	if (!alg || !ents) {
		snprintf(why, whysz, !alg ? "algorithm: not \"sha256\"" : "entries: not an array");
		goto bad;
	}
	if (c->nc > 1)
		qsort(c->c, c->nc, sizeof *c->c, centcmp);
	return c;
bad:
	gl_snap_cache_free(c);
	return NULL;
}

int
gl_snap_cache_usable(const struct gl_snap_cache *c)
{
	return c->started;
}

void
gl_snap_cache_free(struct gl_snap_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nc; i++) {
		free(c->c[i].path);
		jv_free(c->c[i].xattrs);
	}
	free(c->c);
	jv_free(c->gitignore);
	free(c);
}
