#include "ignore.h"

#include <stdlib.h>
#include <string.h>

int
gl_ignore_init(struct gl_ignore *g, const char *base, size_t blen)
{
	memset(g, 0, sizeof *g);
	if ((g->base = malloc(blen + 1)) == NULL)
		return -1;
	memcpy(g->base, base, blen);
	g->base[blen] = '\0';
	g->blen = blen;
	return 0;
}

int
gl_ignore_add(struct gl_ignore *g, const char *line, size_t len)
{
	struct gl_ignore_rule r = { 0 }, *q;
	size_t i;

	/* trailing blanks go unless escaped; "\r" of CRLF files too */
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
	    line[len - 1] == '\r') && !(len > 1 && line[len - 2] == '\\'))
		len--;
	if (len == 0 || line[0] == '#')
		return 0;
	if (line[0] == '!') {
		r.neg = 1;
		line++;
		len--;
	} else if (line[0] == '\\' && len > 1 && (line[1] == '!' || line[1] == '#')) {
		line++;
		len--;
	}
	if (len > 0 && line[len - 1] == '/') {
		r.dironly = 1;
		len--;
	}
	for (i = 0; i < len; i++)
		if (line[i] == '/')
			r.anchored = 1;
	if (len > 0 && line[0] == '/') {
		line++;
		len--;
	}
	if (len == 0)
		return 0;
	if ((r.pat = malloc(len + 1)) == NULL)
		return -1;
	memcpy(r.pat, line, len);
	r.pat[len] = '\0';
	if ((q = realloc(g->r, (g->n + 1) * sizeof *q)) == NULL) {
		free(r.pat);
		return -1;
	}
	g->r = q;
	g->r[g->n++] = r;
	return 0;
}

int
gl_ignore_parse(struct gl_ignore *g, const char *buf, size_t len)
{
	const char *p = buf, *e;

	while (p < buf + len) {
		if ((e = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			e = buf + len;
		if (gl_ignore_add(g, p, (size_t)(e - p)) < 0)
			return -1;
		p = e + 1;
	}
	return 0;
}

/* [...] at p against c: 1/0, *end past the class; -1 if not a class */
static int
class(const char *p, unsigned char c, const char **end)
{
	const char *q = p + 1;
	int neg = 0, hit = 0;

	if (*q == '!' || *q == '^') {
		neg = 1;
		q++;
	}
	if (*q == ']')		/* a leading ']' is literal */
		hit |= c == ']', q++;
	for (; *q && *q != ']'; q++) {
		if (q[1] == '-' && q[2] && q[2] != ']') {
			hit |= c >= (unsigned char)q[0] && c <= (unsigned char)q[2];
			q += 2;
		} else
			hit |= c == (unsigned char)*q;
	}
	if (*q != ']')
		return -1;
	*end = q + 1;
	return hit != neg;
}

/* the matcher, with failed (pattern, string) positions remembered so that
 * no pattern takes more than plen * slen steps */
struct m {
	const char *p0, *s0;
	size_t plen, slen;
	unsigned char *failed;
};

static int
match(struct m *m, const char *p, size_t si)
{
	const char *s = m->s0 + si, *end, *q;
	size_t pi = (size_t)(p - m->p0), k;
	int r;

	if (m->failed[pi * (m->slen + 1) + si])
		return 0;
	if (*p == '\0') {
		r = si == m->slen;
	} else if (p[0] == '*' && p[1] == '*' && (p == m->p0 || p[-1] == '/') &&
	    (p[2] == '/' || p[2] == '\0')) {
		if (p[2] == '\0')	/* a trailing double star: everything below */
			r = 1;
		else {			/* a leading double star: zero or more directories */
			r = match(m, p + 3, si);
			for (k = si; !r && k < m->slen; k++)
				if (m->s0[k] == '/')
					r = match(m, p + 3, k + 1);
		}
	} else if (*p == '*') {
		for (q = p; *q == '*'; q++)
			;
		r = 0;
		for (k = si; !r; k++) {
			r = match(m, q, k);
			if (k == m->slen || m->s0[k] == '/')
				break;
		}
	} else if (si == m->slen) {
		r = 0;
	} else if (*p == '?') {
		r = *s != '/' && match(m, p + 1, si + 1);
	} else if (*p == '[' && (r = class(p, (unsigned char)*s, &end)) >= 0) {
		r = r && *s != '/' && match(m, end, si + 1);
	} else {
		if (*p == '\\' && p[1] != '\0')
			p++;
		r = *p == *s && match(m, p + 1, si + 1);
	}
	if (!r)
		m->failed[pi * (m->slen + 1) + si] = 1;
	return r;
}

int
gl_ignore_glob(const char *pat, const char *s, size_t slen)
{
	unsigned char small[4096];
	struct m m = { pat, s, strlen(pat), slen, small };
	size_t n = (m.plen + 1) * (slen + 1);
	int r;

	if (n > sizeof small && (m.failed = malloc(n)) == NULL)
		return 0;
	memset(m.failed, 0, n);
	r = match(&m, pat, 0);
	if (m.failed != small)
		free(m.failed);
	return r;
}

int
gl_ignore_match(const struct gl_ignore *g, const char *path, size_t len, int isdir)
{
	const char *rel = path, *name;
	size_t rlen = len, i;

	if (g->blen > 0) {
		if (len <= g->blen || memcmp(path, g->base, g->blen) != 0 ||
		    path[g->blen] != '/')
			return -1;
		rel = path + g->blen + 1;
		rlen = len - g->blen - 1;
	}
	for (name = rel + rlen; name > rel && name[-1] != '/'; name--)
		;
	for (i = g->n; i-- > 0;) {
		const struct gl_ignore_rule *r = &g->r[i];
		if (r->dironly && !isdir)
			continue;
		if (r->anchored ? gl_ignore_glob(r->pat, rel, rlen) :
		    gl_ignore_glob(r->pat, name, (size_t)(rel + rlen - name)))
			return !r->neg;
	}
	return -1;
}

void
gl_ignore_free(struct gl_ignore *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->r[i].pat);
	free(g->r);
	free(g->base);
	memset(g, 0, sizeof *g);
}
