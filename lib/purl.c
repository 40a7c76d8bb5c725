#include "purl.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CRATES_IO_GIT "registry+https://github.com/rust-lang/crates.io-index"
#define CRATES_IO_SPARSE "sparse+https://index.crates.io/"

char *
gl_purl_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), o = 0, i;
	char *out = malloc(n * 3 + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_' || c == '~' || c == ':') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

/* a growing string; on allocation failure ok becomes 0 */
struct buf {
	char *s;
	size_t n, cap;
	int ok;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (!b->ok)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *t = realloc(b->s, cap);
		if (t == NULL) {
			b->ok = 0;
			return;
		}
		b->s = t;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void
putenc(struct buf *b, const char *s, size_t n)
{
	char *t = strndup(s, n), *e = t ? gl_purl_encode(t) : NULL;

	if (e == NULL)
		b->ok = 0;
	else
		put(b, e, strlen(e));
	free(t);
	free(e);
}

/* pypi: lowercase, every run of - _ . becomes one - (PEP 503) */
static char *
normalise(const char *type, const char *s, int ns)
{
	char *o = strdup(s), *w = o;
	const char *r;

	if (o == NULL)
		return NULL;
	if (strcmp(type, "pypi") == 0 && !ns) {
		for (r = s; *r; r++) {
			if (*r == '-' || *r == '_' || *r == '.') {
				if (w == o || w[-1] != '-')
					*w++ = '-';
			} else
				*w++ = (char)tolower((unsigned char)*r);
		}
		*w = '\0';
	} else if (strcmp(type, "composer") == 0 || strcmp(type, "github") == 0 ||
	    strcmp(type, "bitbucket") == 0 || (strcmp(type, "pypi") == 0)) {
		for (w = o; *w; w++)
			*w = (char)tolower((unsigned char)*w);
	}
	return o;
}

static int
qkey_ok(const char *k)
{
	if (!(*k >= 'a' && *k <= 'z'))
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '.' ||
		    *k == '_' || *k == '-'))
			return 0;
	return 1;
}

static int
type_ok(const char *t)
{
	if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z')))
		return 0;
	for (; *t; t++)
		if (!isalnum((unsigned char)*t) && *t != '.' && *t != '-')
			return 0;
	return 1;
}

static int
qcmp(const void *a, const void *b)
{
	return strcmp(**(const char *const *const *)a, **(const char *const *const *)b);
}

char *
gl_purl_build(const char *type, const char *ns, const char *name, const char *version,
    const char *const *quals, const char *subpath)
{
	struct buf b = { NULL, 0, 0, 1 };
	const char *const **q = NULL;
	char *t = NULL, *n = NULL, *nm = NULL;
	size_t nq = 0, i;
	const char *s, *e;

	if (type == NULL || !type_ok(type) || name == NULL || *name == '\0')
		goto inval;
	if ((t = strdup(type)) == NULL)
		goto out;
	for (i = 0; t[i]; i++)
		t[i] = (char)tolower((unsigned char)t[i]);
	put(&b, "pkg:", 4);
	put(&b, t, strlen(t));
	put(&b, "/", 1);
	if (ns != NULL && *ns != '\0') {
		if ((n = normalise(t, ns, 1)) == NULL)
			goto out;
		size_t l = strlen(n);
		while (l > 0 && n[l - 1] == '/')
			n[--l] = '\0';
		for (s = n; *s == '/'; s++)
			;
		while (*s) {
			if ((e = strchr(s, '/')) == NULL)
				e = s + strlen(s);
			if (e == s)
				goto inval;
			putenc(&b, s, (size_t)(e - s));
			put(&b, "/", 1);
			s = *e ? e + 1 : e;
		}
	}
	if ((nm = normalise(t, name, 0)) == NULL)
		goto out;
	putenc(&b, nm, strlen(nm));
	if (version != NULL && *version != '\0') {
		put(&b, "@", 1);
		putenc(&b, version, strlen(version));
	}
	for (nq = 0; quals != NULL && quals[2 * nq] != NULL; nq++)
		if (!qkey_ok(quals[2 * nq]))
			goto inval;
	if (nq > 0) {
		int first = 1;
		if ((q = malloc(nq * sizeof *q)) == NULL)
			goto out;
		for (i = 0; i < nq; i++)
			q[i] = quals + 2 * i;
		qsort(q, nq, sizeof *q, qcmp);
		for (i = 0; i < nq; i++) {
			if (q[i][1] == NULL || *q[i][1] == '\0')
				continue;
			if (i > 0 && strcmp(q[i][0], q[i - 1][0]) == 0)
				goto inval;
			put(&b, first ? "?" : "&", 1);
			put(&b, q[i][0], strlen(q[i][0]));
			put(&b, "=", 1);
			putenc(&b, q[i][1], strlen(q[i][1]));
			first = 0;
		}
	}
	if (subpath != NULL) {
		int first = 1;
		for (s = subpath; *s;) {
			e = strchr(s, '/');
			if (e == NULL)
				e = s + strlen(s);
			size_t l = (size_t)(e - s);
			if (l > 0 && !(l == 1 && *s == '.') && !(l == 2 && s[0] == '.' && s[1] == '.')) {
				put(&b, first ? "#" : "/", 1);
				putenc(&b, s, l);
				first = 0;
			}
			s = *e ? e + 1 : e;
		}
	}
	if (!b.ok)
		goto out;
	free(q);
	free(t);
	free(n);
	free(nm);
	return b.s;
inval:
	errno = EINVAL;
out:
	free(q);
	free(t);
	free(n);
	free(nm);
	free(b.s);
	return NULL;
}

static int
hexv(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* percent-decode s[0..n) into a new string; NULL (EINVAL) on a bad escape */
static char *
decode(const char *s, size_t n)
{
	char *o = malloc(n + 1);
	size_t i, k = 0;

	if (o == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			o[k++] = s[i];
			continue;
		}
		if (i + 2 >= n) {
			free(o);
			errno = EINVAL;
			return NULL;
		}
		int h = hexv(s[i + 1]), l = h < 0 ? -1 : hexv(s[i + 2]);
		if (h < 0 || l < 0) {
			free(o);
			errno = EINVAL;
			return NULL;
		}
		o[k++] = (char)(h << 4 | l);
		i += 2;
	}
	o[k] = '\0';
	return o;
}

void
gl_purl_free(struct gl_purl *p)
{
	size_t i;

	free(p->type);
	free(p->ns);
	free(p->name);
	free(p->version);
	free(p->subpath);
	for (i = 0; p->quals != NULL && p->quals[i] != NULL; i++)
		free(p->quals[i]);
	free(p->quals);
	memset(p, 0, sizeof *p);
}

int
gl_purl_parse(const char *in, struct gl_purl *p)
{
	char *s = NULL, *hash, *q, *at, *slash, *r, *seg;
	size_t nq = 0, i;
	struct buf ns = { NULL, 0, 0, 1 }, sub = { NULL, 0, 0, 1 };

	memset(p, 0, sizeof *p);
	if (strncmp(in, "pkg:", 4) != 0)
		goto inval;
	in += 4;
	while (*in == '/')
		in++;
	if ((s = strdup(in)) == NULL)
		goto fail;
	if ((hash = strchr(s, '#')) != NULL) {
		*hash++ = '\0';
		for (seg = strtok_r(hash, "/", &r); seg; seg = strtok_r(NULL, "/", &r)) {
			char *d = decode(seg, strlen(seg));
			if (d == NULL)
				goto fail;
			if (*d && strcmp(d, ".") != 0 && strcmp(d, "..") != 0) {
				if (sub.n)
					put(&sub, "/", 1);
				put(&sub, d, strlen(d));
			}
			free(d);
		}
		if (!sub.ok)
			goto fail;
		p->subpath = sub.s;
		sub.s = NULL;
	}
	if ((q = strchr(s, '?')) != NULL) {
		*q++ = '\0';
		for (seg = q, nq = 1; *seg; seg++)
			nq += *seg == '&';
		if ((p->quals = calloc(2 * nq + 1, sizeof *p->quals)) == NULL)
			goto fail;
		nq = 0;
		for (seg = strtok_r(q, "&", &r); seg; seg = strtok_r(NULL, "&", &r)) {
			char *eq = strchr(seg, '=');
			if (eq == NULL || eq == seg)
				goto inval;
			*eq = '\0';
			if (!qkey_ok(seg))
				goto inval;
			for (i = 0; i < nq; i++)
				if (strcmp(p->quals[2 * i], seg) == 0)
					goto inval;
			if (eq[1] == '\0')
				continue;
			if ((p->quals[2 * nq] = strdup(seg)) == NULL ||
			    (p->quals[2 * nq + 1] = decode(eq + 1, strlen(eq + 1))) == NULL)
				goto fail;
			nq++;
		}
	}
	slash = strchr(s, '/');
	if (slash == NULL)
		goto inval;
	*slash = '\0';
	if (!type_ok(s) || (p->type = strdup(s)) == NULL)
		goto inval;
	for (i = 0; p->type[i]; i++)
		p->type[i] = (char)tolower((unsigned char)p->type[i]);
	r = slash + 1;
	while (*r && r[strlen(r) - 1] == '/')
		r[strlen(r) - 1] = '\0';
	slash = strrchr(r, '/');
	at = strrchr(slash ? slash : r, '@');
	if (at != NULL) {
		*at = '\0';
		if ((p->version = decode(at + 1, strlen(at + 1))) == NULL)
			goto fail;
	}
	seg = slash ? slash + 1 : r;
	if (*seg == '\0' || (p->name = decode(seg, strlen(seg))) == NULL)
		goto inval;
	if (slash != NULL) {
		*slash = '\0';
		char *tok;
		for (tok = strtok_r(r, "/", &q); tok; tok = strtok_r(NULL, "/", &q)) {
			char *d = decode(tok, strlen(tok));
			if (d == NULL)
				goto fail;
			if (ns.n)
				put(&ns, "/", 1);
			put(&ns, d, strlen(d));
			free(d);
		}
		if (!ns.ok)
			goto fail;
		p->ns = ns.s;
		ns.s = NULL;
	}
	free(s);
	return 0;
inval:
	errno = EINVAL;
fail:
	free(s);
	free(ns.s);
	free(sub.s);
	gl_purl_free(p);
	return -1;
}

char *
gl_purl_canonical(const char *s)
{
	char *t = strdup(s), *q, *out = NULL;
	struct gl_purl p;
	int key = 1;

	if (t == NULL)
		return NULL;
	if ((q = strchr(t, '?')) != NULL)
		for (q++; *q && *q != '#'; q++) {
			if (*q == '=')
				key = 0;
			else if (*q == '&')
				key = 1;
			else if (key)
				*q = (char)tolower((unsigned char)*q);
		}
	if (gl_purl_parse(t, &p) == 0) {
		out = gl_purl_build(p.type, p.ns, p.name, p.version, (const char *const *)p.quals,
		    p.subpath);
		gl_purl_free(&p);
	}
	free(t);
	return out;
}

static char *
build(const char *name, const char *version, const char *qkey, const char *qval)
{
	char *n = gl_purl_encode(name), *v = gl_purl_encode(version);
	char *q = qval != NULL ? gl_purl_encode(qval) : NULL, *out = NULL;
	size_t len;

	if (n == NULL || v == NULL || (qval != NULL && q == NULL))
		goto out;
	len = strlen(n) + strlen(v) + (q ? strlen(qkey) + strlen(q) + 2 : 0) + 16;
	if ((out = malloc(len)) == NULL)
		goto out;
	if (q != NULL)
		snprintf(out, len, "pkg:cargo/%s@%s?%s=%s", n, v, qkey, q);
	else
		snprintf(out, len, "pkg:cargo/%s@%s", n, v);
out:
	free(n);
	free(v);
	free(q);
	return out;
}

char *
gl_purl_cargo(const char *name, const char *version, const char *source, char **vcs)
{
	const char *hash, *query;
	char *url = NULL, *val = NULL, *out = NULL;
	size_t ulen;

	if (vcs != NULL)
		*vcs = NULL;
	if (strcmp(source, CRATES_IO_GIT) == 0 || strcmp(source, CRATES_IO_SPARSE) == 0)
		return build(name, version, NULL, NULL);
	if (strncmp(source, "registry+", 9) == 0 && source[9] != '\0')
		return build(name, version, "repository_url", source + 9);
	if (strncmp(source, "sparse+", 7) == 0 && source[7] != '\0')
		return build(name, version, "repository_url", source);
	if (strncmp(source, "git+", 4) != 0 || (hash = strrchr(source, '#')) == NULL ||
	    hash[1] == '\0') {
		errno = EINVAL;
		return NULL;
	}
	query = strchr(source, '?');
	ulen = (size_t)((query != NULL && query < hash ? query : hash) - (source + 4));
	if (ulen == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((url = strndup(source + 4, ulen)) == NULL ||
	    (val = malloc(ulen + strlen(hash) + 8)) == NULL)
		goto out;
	sprintf(val, "git+%s@%s", url, hash + 1);
	out = build(name, version, "vcs_url", val);
	if (out != NULL && vcs != NULL) {
		*vcs = url;
		url = NULL;
	}
out:
	free(url);
	free(val);
	return out;
}
