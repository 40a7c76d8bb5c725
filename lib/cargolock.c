#include "cargolock.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "purl.h"
#include "sbom.h"
#include "utf8.h"

enum { T_TOP, T_PACKAGE, T_METADATA, T_IGNORED };
enum { V_STR, V_INT, V_ARR };

struct val {
	int kind;
	char *s;
	long long i;
	char **a;
	int *alines;
	size_t na;
};

struct raw {			/* a [[package]] as written */
	struct gl_cargolock_pkg p;
	char **deps;
	int *dlines;
	size_t nd;
	int have_deps, csline;
};

struct meta {			/* a v1 [metadata] "checksum ..." entry */
	char *key, *val;
	int line;
};

struct cur {
	const char *p, *end;
	int line;
	char *why;
	size_t whysz;
	struct raw *r;
	size_t nr;
	struct meta *m;
	size_t nm;
	int version, have_version;
};

static int
fail(struct cur *c, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->whysz == 0)
		return -1;
	n = snprintf(c->why, c->whysz, "%d: ", line);
	if (n > 0 && (size_t)n < c->whysz) {
		va_start(ap, fmt);
		vsnprintf(c->why + n, c->whysz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* white space, newlines and comments (inside arrays) */
static void
wsnl(struct cur *c)
{
	for (;;) {
		ws(c);
		if (c->p < c->end && *c->p == '#')
			while (c->p < c->end && *c->p != '\n')
				c->p++;
		if (c->p < c->end && *c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
			c->p++;
		if (c->p < c->end && *c->p == '\n') {
			c->p++;
			c->line++;
			continue;
		}
		return;
	}
}

/* the rest of the line must be blank or a comment */
static int
eol(struct cur *c)
{
	ws(c);
	if (c->p < c->end && *c->p == '#')
		while (c->p < c->end && *c->p != '\n')
			c->p++;
	if (c->p < c->end && *c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
		c->p++;
	if (c->p == c->end)
		return 0;
	if (*c->p != '\n')
		return fail(c, c->line, "unexpected text after value");
	c->p++;
	c->line++;
	return 0;
}

/* a basic "..." or literal '...' one-line string */
static int
string(struct cur *c, char **out)
{
	char q = *c->p++, *o;
	size_t n = 0;
	const char *s = c->p;
	int k, d;

	while (c->p < c->end && *c->p != q && *c->p != '\n') {
		if (q == '"' && *c->p == '\\' && c->p + 1 < c->end)
			c->p++;
		c->p++;
	}
	if (c->p >= c->end || *c->p != q)
		return fail(c, c->line, "unterminated string");
	if ((o = malloc((size_t)(c->p - s) + 4)) == NULL)
		return fail(c, 0, "out of memory");
	while (s < c->p) {
		unsigned long cp = 0;
		if ((unsigned char)*s < 0x20 && *s != '\t') {
			free(o);
			return fail(c, c->line, "control character in string");
		}
		if (q == '\'' || *s != '\\') {
			o[n++] = *s++;
			continue;
		}
		s++;
		switch (*s++) {
		case '"': o[n++] = '"'; break;
		case '\\': o[n++] = '\\'; break;
		case 'b': o[n++] = '\b'; break;
		case 't': o[n++] = '\t'; break;
		case 'n': o[n++] = '\n'; break;
		case 'f': o[n++] = '\f'; break;
		case 'r': o[n++] = '\r'; break;
		case 'u':
		case 'U':
			k = s[-1] == 'u' ? 4 : 8;
			if (c->p - s < k)
				goto bad;
			while (k-- > 0) {
				if ((d = gl_utf8_hexval(*s++)) < 0)
					goto bad;
				cp = cp << 4 | (unsigned long)d;
			}
			if (cp == 0 || gl_utf8_put(o, &n, cp) < 0)
				goto bad;
			break;
		default:
			goto bad;
		}
	}
	c->p++;
	o[n] = '\0';
	*out = o;
	return 0;
bad:
	free(o);
	return fail(c, c->line, "bad escape in string");
}

static int
key(struct cur *c, char **out)
{
	const char *s = c->p;

	if (c->p < c->end && (*c->p == '"' || *c->p == '\''))
		return string(c, out);
	while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') || (*c->p >= 'A' && *c->p <= 'Z') ||
	    (*c->p >= '0' && *c->p <= '9') || *c->p == '_' || *c->p == '-'))
		c->p++;
	if (c->p == s)
		return fail(c, c->line, "expected a key");
	if ((*out = strndup(s, (size_t)(c->p - s))) == NULL)
		return fail(c, 0, "out of memory");
	return 0;
}

static void
val_free(struct val *v)
{
	size_t i;

	free(v->s);
	for (i = 0; i < v->na; i++)
		free(v->a[i]);
	free(v->a);
	free(v->alines);
	memset(v, 0, sizeof *v);
}

static int
value(struct cur *c, struct val *v)
{
	memset(v, 0, sizeof *v);
	if (c->p >= c->end)
		return fail(c, c->line, "expected a value");
	if (*c->p == '"' || *c->p == '\'') {
		v->kind = V_STR;
		return string(c, &v->s);
	}
	if (*c->p >= '0' && *c->p <= '9') {
		v->kind = V_INT;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			if (v->i > 100000000)
				return fail(c, c->line, "integer too large");
			v->i = v->i * 10 + (*c->p++ - '0');
		}
		return 0;
	}
	if (*c->p != '[')
		return fail(c, c->line, "expected a string, an integer or an array of strings");
	v->kind = V_ARR;
	c->p++;
	for (;;) {
		wsnl(c);
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			return 0;
		}
		if (c->p >= c->end || (*c->p != '"' && *c->p != '\'')) {
			val_free(v);
			return fail(c, c->line, "expected a string in the array");
		}
		char **a = realloc(v->a, (v->na + 1) * sizeof *a);
		int *l = realloc(v->alines, (v->na + 1) * sizeof *l);
		if (a != NULL)
			v->a = a;
		if (l != NULL)
			v->alines = l;
		if (a == NULL || l == NULL) {
			val_free(v);
			return fail(c, 0, "out of memory");
		}
		v->alines[v->na] = c->line;
		if (string(c, &v->a[v->na]) < 0) {
			val_free(v);
			return -1;
		}
		v->na++;
		wsnl(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			return 0;
		}
		val_free(v);
		return fail(c, c->line, "expected ',' or ']' in the array");
	}
}

static int
header(struct cur *c, int *table)
{
	const char *s;
	size_t n;
	int arr = c->p + 1 < c->end && c->p[1] == '[';

	c->p += arr ? 2 : 1;
	ws(c);
	s = c->p;
	while (c->p < c->end && *c->p != ']' && *c->p != '\n' && *c->p != ' ' && *c->p != '\t')
		c->p++;
	n = (size_t)(c->p - s);
	ws(c);
	if (c->p >= c->end || *c->p != ']' || (arr && (c->p + 1 >= c->end || c->p[1] != ']')))
		return fail(c, c->line, "malformed table header");
	c->p += arr ? 2 : 1;
#define IS(w) (n == strlen(w) && memcmp(s, w, n) == 0)
	if (arr && IS("package"))
		*table = T_PACKAGE;
	else if (arr && IS("patch.unused"))
		*table = T_IGNORED;
	else if (!arr && IS("metadata"))
		*table = T_METADATA;
	else if (!arr && IS("root"))
		*table = T_PACKAGE;
	else
		return fail(c, c->line, "unknown table [%s%.*s%s]", arr ? "[" : "", (int)n, s,
		    arr ? "]" : "");
#undef IS
	if (*table == T_PACKAGE) {
		struct raw *r = realloc(c->r, (c->nr + 1) * sizeof *r);
		if (r == NULL)
			return fail(c, 0, "out of memory");
		c->r = r;
		memset(&c->r[c->nr], 0, sizeof *c->r);
		c->r[c->nr].p.line = c->line;
		c->nr++;
	}
	return eol(c);
}

/* store key = v (consumed) into the current table */
static int
assign(struct cur *c, int table, const char *k, struct val *v, int line)
{
	struct raw *r = table == T_PACKAGE ? &c->r[c->nr - 1] : NULL;
	char **slot = NULL;

	if (table == T_IGNORED) {
		val_free(v);
		return 0;
	}
	if (table == T_TOP) {
		if (strcmp(k, "version") != 0 || v->kind != V_INT)
			goto unknown;
		if (c->have_version)
			goto dup;
		c->have_version = 1;
		c->version = (int)v->i;
		if (v->i < 1 || v->i > 4)
			return fail(c, line, "unsupported lockfile version %lld", v->i);
		return 0;
	}
	if (table == T_METADATA) {
		struct meta *m;
		if (v->kind != V_STR)
			goto unknown;
		if (strncmp(k, "checksum ", 9) != 0) {	/* other metadata: kept out */
			val_free(v);
			return 0;
		}
		if ((m = realloc(c->m, (c->nm + 1) * sizeof *m)) == NULL)
			return fail(c, 0, "out of memory");
		c->m = m;
		if ((m[c->nm].key = strdup(k)) == NULL)
			return fail(c, 0, "out of memory");
		m[c->nm].val = v->s;
		m[c->nm].line = line;
		c->nm++;
		v->s = NULL;
		return 0;
	}
	if (strcmp(k, "dependencies") == 0 && v->kind == V_ARR) {
		if (r->have_deps)
			goto dup;
		r->have_deps = 1;
		r->deps = v->a;
		r->dlines = v->alines;
		r->nd = v->na;
		v->a = NULL;
		v->alines = NULL;
		v->na = 0;
		return 0;
	}
	if (v->kind == V_STR) {
		if (strcmp(k, "name") == 0)
			slot = &r->p.name;
		else if (strcmp(k, "version") == 0)
			slot = &r->p.version;
		else if (strcmp(k, "source") == 0)
			slot = &r->p.source;
		else if (strcmp(k, "checksum") == 0) {
			slot = &r->p.checksum;
			r->csline = line;
		} else if (strcmp(k, "replace") == 0) {
			val_free(v);
			return 0;
		}
	}
	if (slot == NULL)
		goto unknown;
	if (*slot != NULL)
		goto dup;
	*slot = v->s;
	v->s = NULL;
	return 0;
unknown:
	return fail(c, line, "unknown key \"%s\" (or wrong type)", k);
dup:
	return fail(c, line, "duplicate key \"%s\"", k);
}

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* cargo's lookup_id: "name", "name version" or "name version (source)" */
static int
resolve(struct cur *c, const char *dep, int line, size_t *out)
{
	char buf[1024], *ver = NULL, *src = NULL, *sp;
	size_t i, n = 0, path = 0, npath = 0, pick = 0;
	const char *onever = NULL;
	int many = 0;

	if (strlen(dep) >= sizeof buf)
		return fail(c, line, "dependency string too long");
	strcpy(buf, dep);
	if ((sp = strchr(buf, ' ')) != NULL) {
		*sp = '\0';
		ver = sp + 1;
		if ((sp = strchr(ver, ' ')) != NULL) {
			*sp = '\0';
			src = sp + 1;
			n = strlen(src);
			if (n < 3 || src[0] != '(' || src[n - 1] != ')')
				return fail(c, line, "malformed dependency \"%s\"", dep);
			src[n - 1] = '\0';
			src++;
		}
		if (*ver == '\0')
			return fail(c, line, "malformed dependency \"%s\"", dep);
	}
	if (ver == NULL)	/* the name must have exactly one version */
		for (i = 0; i < c->nr; i++)
			if (strcmp(c->r[i].p.name, buf) == 0) {
				if (onever != NULL && strcmp(onever, c->r[i].p.version) != 0)
					many = 1;
				onever = c->r[i].p.version;
			}
	if (many)
		return fail(c, line, "dependency \"%s\" is ambiguous", dep);
	n = 0;
	for (i = 0; i < c->nr; i++) {
		struct gl_cargolock_pkg *p = &c->r[i].p;
		if (strcmp(p->name, buf) != 0 || (ver != NULL && strcmp(p->version, ver) != 0))
			continue;
		if (src != NULL && !same(p->source, src))
			continue;
		n++;
		pick = i;
		if (p->source == NULL) {
			npath++;
			path = i;
		}
	}
	if (n == 1 || (n > 1 && npath == 1)) {
		*out = n == 1 ? pick : path;
		return 0;
	}
	return fail(c, line, "dependency \"%s\" %s", dep, n ? "is ambiguous" : "matches no package");
}

static int
idxcmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

static int
finish(struct cur *c)
{
	size_t i, j, k;

	for (i = 0; i < c->nr; i++) {
		struct gl_cargolock_pkg *p = &c->r[i].p;
		if (p->name == NULL || p->version == NULL)
			return fail(c, p->line, "package without name or version");
		if (*p->name == '\0' || strpbrk(p->name, " \t") != NULL || *p->version == '\0' ||
		    strpbrk(p->version, " \t") != NULL)
			return fail(c, p->line, "bad package name or version");
		if (p->source != NULL && *p->source == '\0')
			return fail(c, p->line, "empty source");
		if (p->checksum != NULL && !gl_digest_is_sha256_hex(p->checksum))
			return fail(c, c->r[i].csline, "checksum is not 64 lowercase hex digits");
		for (j = 0; j < i; j++)
			if (strcmp(c->r[j].p.name, p->name) == 0 &&
			    strcmp(c->r[j].p.version, p->version) == 0 &&
			    same(c->r[j].p.source, p->source))
				return fail(c, p->line, "package %s %s is listed twice", p->name,
				    p->version);
	}
	for (k = 0; k < c->nm; k++) {	/* v1: "checksum NAME VERSION (SOURCE)" */
		char *v = c->m[k].val, *d = c->m[k].key + 9;
		int found = 0;
		if (strcmp(v, "<none>") == 0)
			continue;
		if (!gl_digest_is_sha256_hex(v))
			return fail(c, c->m[k].line, "checksum is not 64 lowercase hex digits");
		if (resolve(c, d, c->m[k].line, &j) < 0)
			return -1;
		found = c->r[j].p.checksum != NULL;
		if (found && strcmp(c->r[j].p.checksum, v) != 0)
			return fail(c, c->m[k].line, "conflicting checksum for %s", d);
		if (!found && (c->r[j].p.checksum = strdup(v)) == NULL)
			return fail(c, 0, "out of memory");
	}
	for (i = 0; i < c->nr; i++) {
		struct raw *r = &c->r[i];
		if (r->nd == 0)
			continue;
		if ((r->p.deps = malloc(r->nd * sizeof *r->p.deps)) == NULL)
			return fail(c, 0, "out of memory");
		for (j = 0; j < r->nd; j++)
			if (resolve(c, r->deps[j], r->dlines[j], &r->p.deps[j]) < 0)
				return -1;
		qsort(r->p.deps, r->nd, sizeof *r->p.deps, idxcmp);
		for (j = k = 0; j < r->nd; j++)
			if (k == 0 || r->p.deps[k - 1] != r->p.deps[j])
				r->p.deps[k++] = r->p.deps[j];
		r->p.ndeps = k;
	}
	return 0;
}

static int
parse(struct cur *c)
{
	int table = T_TOP, line;
	struct val v;
	char *k;

	for (;;) {
		wsnl(c);
		if (c->p >= c->end)
			break;
		if (*c->p == '[') {
			if (header(c, &table) < 0)
				return -1;
			continue;
		}
		line = c->line;
		if (key(c, &k) < 0)
			return -1;
		ws(c);
		if (c->p >= c->end || *c->p != '=') {
			free(k);
			return fail(c, line, "expected '=' after key");
		}
		c->p++;
		ws(c);
		if (value(c, &v) < 0) {
			free(k);
			return -1;
		}
		if (assign(c, table, k, &v, line) < 0 || eol(c) < 0) {
			val_free(&v);
			free(k);
			return -1;
		}
		val_free(&v);
		free(k);
	}
	return finish(c);
}

static void
raw_free(struct cur *c, int keep_pkgs)
{
	size_t i, j;

	for (i = 0; i < c->nr; i++) {
		for (j = 0; j < c->r[i].nd; j++)
			free(c->r[i].deps[j]);
		free(c->r[i].deps);
		free(c->r[i].dlines);
		if (!keep_pkgs) {
			free(c->r[i].p.name);
			free(c->r[i].p.version);
			free(c->r[i].p.source);
			free(c->r[i].p.checksum);
			free(c->r[i].p.deps);
		}
	}
	for (i = 0; i < c->nm; i++) {
		free(c->m[i].key);
		free(c->m[i].val);
	}
	free(c->m);
}

int
gl_cargolock_parse(const char *buf, size_t len, struct gl_cargolock *lk, char *why, size_t whysz)
{
	struct cur c = { .p = buf, .end = buf + len, .line = 1, .why = why, .whysz = whysz };
	size_t i, k;
	int line = 1;

	memset(lk, 0, sizeof *lk);
	for (i = 0; i < len; i += k) {	/* TOML is UTF-8, without NUL */
		k = gl_utf8_seqlen((const unsigned char *)buf + i, len - i);
		if (k == 0 || buf[i] == '\0')
			return fail(&c, line, "invalid UTF-8 or NUL byte");
		if (buf[i] == '\n')
			line++;
	}
	if (parse(&c) < 0) {
		raw_free(&c, 0);
		free(c.r);
		return -1;
	}
	if ((lk->pkg = calloc(c.nr + 1, sizeof *lk->pkg)) == NULL) {
		raw_free(&c, 0);
		free(c.r);
		return fail(&c, 0, "out of memory");
	}
	raw_free(&c, 1);
	for (i = 0; i < c.nr; i++)
		lk->pkg[i] = c.r[i].p;
	lk->n = c.nr;
	lk->version = c.version;
	free(c.r);
	return 0;
}

void
gl_cargolock_free(struct gl_cargolock *lk)
{
	size_t i;

	for (i = 0; i < lk->n; i++) {
		free(lk->pkg[i].name);
		free(lk->pkg[i].version);
		free(lk->pkg[i].source);
		free(lk->pkg[i].checksum);
		free(lk->pkg[i].deps);
	}
	free(lk->pkg);
	memset(lk, 0, sizeof *lk);
}

jv
gl_cargolock_sbom(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	struct gl_cargolock lk;
	char why[300], *purl, *vcs;
	jv pkgs = jv_array(), direct = jv_array();
	int *needed;
	size_t i, j;

	(void)aux;
	(void)auxlen;
	if (gl_cargolock_parse(buf, len, &lk, why, sizeof why) < 0) {
		jv_free(pkgs);
		jv_free(direct);
		if (strncmp(why, "0: ", 3) == 0)
			return jv_invalid_with_msg(jv_string("!out of memory"));
		return jv_invalid_with_msg(jv_string(why));
	}
	if ((needed = calloc(lk.n + 1, sizeof *needed)) == NULL) {
		gl_cargolock_free(&lk);
		jv_free(pkgs);
		jv_free(direct);
		return jv_invalid_with_msg(jv_string("!out of memory"));
	}
	for (i = 0; i < lk.n; i++) {
		struct gl_cargolock_pkg *p = &lk.pkg[i];
		jv c = jv_object_set(jv_object(), jv_string("name"), jv_string(p->name)), d;
		c = jv_object_set(c, jv_string("version"), jv_string(p->version));
		if (p->source != NULL) {
			if ((purl = gl_purl_cargo(p->name, p->version, p->source, &vcs)) == NULL) {
				jv v = jv_invalid_with_msg(jv_string_fmt("%d: unsupported source "
				    "\"%s\"", p->line, p->source));
				jv_free(c);
				jv_free(pkgs);
				jv_free(direct);
				gl_cargolock_free(&lk);
				free(needed);
				return v;
			}
			c = jv_object_set(c, jv_string("purl"), jv_string(purl));
			if (vcs != NULL)
				c = jv_object_set(c, jv_string("externalReferences"), JV_ARRAY(
				    jv_object_set(jv_object_set(jv_object(), jv_string("type"),
				    jv_string("vcs")), jv_string("url"), jv_string(vcs))));
			free(purl);
			free(vcs);
		} else
			c = jv_object_set(c, jv_string("local"), jv_string(""));
		if (p->checksum != NULL)
			c = jv_object_set(c, jv_string("hashes"),
			    JV_ARRAY(gl_sbom_hash("SHA-256", p->checksum)));
		d = jv_array();
		for (j = 0; j < p->ndeps; j++) {
			d = jv_array_append(d, jv_number((double)p->deps[j]));
			needed[p->deps[j]] = 1;
		}
		pkgs = jv_array_append(pkgs, jv_object_set(c, jv_string("deps"), d));
	}
	for (i = 0; i < lk.n; i++)
		if (!needed[i])
			direct = jv_array_append(direct, jv_number((double)i));
	free(needed);
	gl_cargolock_free(&lk);
	return jv_object_set(jv_object_set(jv_object(), jv_string("pkgs"), pkgs),
	    jv_string("direct"), direct);
}
