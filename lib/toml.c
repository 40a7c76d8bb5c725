#include "toml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define MAX_DEPTH 32

struct cur {
	const char *p, *end;
	int line;
	char why[160];
};

static int
fail(struct cur *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->why, sizeof c->why, "%d: ", c->line);

	va_start(ap, fmt);
	vsnprintf(c->why + n, sizeof c->why - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void
ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static void
comment(struct cur *c)
{
	if (c->p < c->end && *c->p == '#')
		while (c->p < c->end && *c->p != '\n')
			c->p++;
}

/* white space, comments and newlines (inside arrays) */
static void
wsnl(struct cur *c)
{
	for (;;) {
		ws(c);
		comment(c);
		if (c->p < c->end && *c->p == '\r')
			c->p++;
		if (c->p < c->end && *c->p == '\n') {
			c->p++;
			c->line++;
			continue;
		}
		return;
	}
}

static int
eol(struct cur *c)
{
	ws(c);
	comment(c);
	if (c->p < c->end && *c->p == '\r')
		c->p++;
	if (c->p == c->end)
		return 0;
	if (*c->p != '\n')
		return fail(c, "unexpected text after value");
	c->p++;
	c->line++;
	return 0;
}

/* "...", '...', """...""" or '''...''' */
static int
string(struct cur *c, jv *out)
{
	char q = *c->p, *o;
	int multi = c->end - c->p >= 3 && c->p[1] == q && c->p[2] == q;
	size_t n = 0;

	c->p += multi ? 3 : 1;
	if (multi && c->p < c->end && *c->p == '\n') {	/* a newline right after is trimmed */
		c->p++;
		c->line++;
	} else if (multi && c->end - c->p >= 2 && c->p[0] == '\r' && c->p[1] == '\n') {
		c->p += 2;
		c->line++;
	}
	if ((o = malloc((size_t)(c->end - c->p) + 4)) == NULL)
		return fail(c, "out of memory");
	for (;;) {
		if (c->p >= c->end || (!multi && *c->p == '\n')) {
			free(o);
			return fail(c, "unterminated string");
		}
		if (*c->p == q && (!multi || (c->end - c->p >= 3 && c->p[1] == q && c->p[2] == q))) {
			c->p += multi ? 3 : 1;
			/* up to two more quotes belong to the string */
			while (multi && c->p < c->end && *c->p == q && n < (size_t)-1) {
				o[n++] = q;
				c->p++;
			}
			break;
		}
		if (*c->p == '\n')
			c->line++;
		if ((unsigned char)*c->p < 0x20 && *c->p != '\t' && *c->p != '\n' && *c->p != '\r') {
			free(o);
			return fail(c, "control character in string");
		}
		if (q == '\'' || *c->p != '\\') {
			o[n++] = *c->p++;
			continue;
		}
		c->p++;
		if (c->p >= c->end)
			goto bad;
		switch (*c->p++) {
		case '"': o[n++] = '"'; break;
		case '\\': o[n++] = '\\'; break;
		case 'b': o[n++] = '\b'; break;
		case 't': o[n++] = '\t'; break;
		case 'n': o[n++] = '\n'; break;
		case 'f': o[n++] = '\f'; break;
		case 'r': o[n++] = '\r'; break;
		case 'e': o[n++] = 0x1b; break;
		case 'u':
		case 'U': {
			int k = c->p[-1] == 'u' ? 4 : 8, d;
			unsigned long cp = 0;
			if (c->end - c->p < k)
				goto bad;
			while (k-- > 0) {
				if ((d = gl_utf8_hexval(*c->p++)) < 0)
					goto bad;
				cp = cp << 4 | (unsigned long)d;
			}
			if (cp == 0 || gl_utf8_put(o, &n, cp) < 0)
				goto bad;
			break;
		}
		case ' ':
		case '\t':
		case '\r':
		case '\n':	/* line-ending backslash: trim to the next text */
			if (!multi)
				goto bad;
			c->p--;
			while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' ||
			    *c->p == '\n')) {
				if (*c->p == '\n')
					c->line++;
				c->p++;
			}
			break;
		default:
			goto bad;
		}
	}
	*out = jv_string_sized(o, (int)n);
	free(o);
	return 0;
bad:
	free(o);
	return fail(c, "bad escape in string");
}

static int
bare(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	    ch == '_' || ch == '-';
}

/* a dotted key: an array of strings */
static int
key(struct cur *c, jv *out)
{
	jv k = jv_array(), part;

	for (;;) {
		ws(c);
		if (c->p < c->end && (*c->p == '"' || *c->p == '\'')) {
			if (string(c, &part) < 0) {
				jv_free(k);
				return -1;
			}
		} else {
			const char *s = c->p;
			while (c->p < c->end && bare(*c->p))
				c->p++;
			if (c->p == s) {
				jv_free(k);
				return fail(c, "expected a key");
			}
			part = jv_string_sized(s, (int)(c->p - s));
		}
		k = jv_array_append(k, part);
		ws(c);
		if (c->p < c->end && *c->p == '.') {
			c->p++;
			continue;
		}
		*out = k;
		return 0;
	}
}

static int value(struct cur *c, jv *out, int depth);

/* set key path k (consumed) below table t to v; tables on the way are
 * made; an existing value is an error */
static int
set(struct cur *c, jv *t, jv k, jv v)
{
	int n = jv_array_length(jv_copy(k)), i;
	jv path = jv_array();

	for (i = 0; i < n - 1; i++) {
		jv part = jv_array_get(jv_copy(k), i);
		path = jv_array_append(path, part);
		jv here = jv_getpath(jv_copy(*t), jv_copy(path));
		if (jv_get_kind(here) == JV_KIND_NULL)
			*t = jv_setpath(*t, jv_copy(path), jv_object());
		else if (jv_get_kind(here) != JV_KIND_OBJECT) {
			jv_free(here);
			jv_free(path);
			jv_free(k);
			jv_free(v);
			return fail(c, "key is not a table");
		}
		jv_free(here);
	}
	path = jv_array_append(path, jv_array_get(jv_copy(k), n - 1));
	jv old = jv_getpath(jv_copy(*t), jv_copy(path));
	if (jv_get_kind(old) != JV_KIND_NULL) {
		jv_free(old);
		jv_free(path);
		jv_free(k);
		jv_free(v);
		return fail(c, "duplicate key");
	}
	jv_free(old);
	*t = jv_setpath(*t, path, v);
	jv_free(k);
	return 0;
}

static int
inline_table(struct cur *c, jv *out, int depth)
{
	jv t = jv_object(), k, v;

	c->p++;
	wsnl(c);
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		*out = t;
		return 0;
	}
	for (;;) {
		wsnl(c);
		if (key(c, &k) < 0)
			goto fail;
		ws(c);
		if (c->p >= c->end || *c->p != '=') {
			jv_free(k);
			fail(c, "expected '=' after key");
			goto fail;
		}
		c->p++;
		ws(c);
		if (value(c, &v, depth + 1) < 0) {
			jv_free(k);
			goto fail;
		}
		if (set(c, &t, k, v) < 0)
			goto fail;
		wsnl(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == '}') {
			c->p++;
			*out = t;
			return 0;
		}
		fail(c, "expected ',' or '}' in inline table");
		goto fail;
	}
fail:
	jv_free(t);
	return -1;
}

static int
array(struct cur *c, jv *out, int depth)
{
	jv a = jv_array(), v;

	c->p++;
	for (;;) {
		wsnl(c);
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			*out = a;
			return 0;
		}
		if (value(c, &v, depth + 1) < 0) {
			jv_free(a);
			return -1;
		}
		a = jv_array_append(a, v);
		wsnl(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			*out = a;
			return 0;
		}
		jv_free(a);
		return fail(c, "expected ',' or ']' in array");
	}
}

static int
value(struct cur *c, jv *out, int depth)
{
	const char *s = c->p;

	if (depth > MAX_DEPTH)
		return fail(c, "nested too deeply");
	if (c->p >= c->end)
		return fail(c, "expected a value");
	switch (*c->p) {
	case '"':
	case '\'':
		return string(c, out);
	case '[':
		return array(c, out, depth);
	case '{':
		return inline_table(c, out, depth);
	}
	if (c->end - c->p >= 4 && memcmp(c->p, "true", 4) == 0 &&
	    (c->end - c->p == 4 || !bare(c->p[4]))) {
		c->p += 4;
		*out = jv_true();
		return 0;
	}
	if (c->end - c->p >= 5 && memcmp(c->p, "false", 5) == 0 &&
	    (c->end - c->p == 5 || !bare(c->p[5]))) {
		c->p += 5;
		*out = jv_false();
		return 0;
	}
	/* numbers and dates: the run of their characters */
	while (c->p < c->end && (bare(*c->p) || *c->p == '+' || *c->p == '.' || *c->p == ':' ||
	    (*c->p == ' ' && c->p + 1 < c->end && c->p[1] >= '0' && c->p[1] <= '9' &&
	    c->p - s == 10)))
		c->p++;
	if (c->p == s)
		return fail(c, "expected a value");
	{
		char buf[64], *e;
		size_t n = (size_t)(c->p - s), k = 0, i;
		long long v;
		if (n >= sizeof buf)
			return fail(c, "value too long");
		for (i = 0; i < n; i++)
			if (s[i] != '_')
				buf[k++] = s[i];
		buf[k] = '\0';
		v = strtoll(buf, &e, 10);
		if (*e == '\0' && k > 0 && (buf[0] != '0' || k == 1) && v > -(1LL << 53) &&
		    v < (1LL << 53)) {
			*out = jv_number((double)v);
			return 0;
		}
		if ((buf[0] >= '0' && buf[0] <= '9') || buf[0] == '+' || buf[0] == '-' ||
		    strcmp(buf, "inf") == 0 || strcmp(buf, "nan") == 0) {
			*out = jv_string_sized(s, (int)n);	/* a float or a date: its text */
			return 0;
		}
	}
	return fail(c, "expected a value");
}

/* the concrete path of a header key: through arrays of tables, their
 * last element */
static int
resolve(struct cur *c, jv *root, jv k, int arr, jv *out)
{
	int n = jv_array_length(jv_copy(k)), i;
	jv path = jv_array();

	for (i = 0; i < n; i++) {
		path = jv_array_append(path, jv_array_get(jv_copy(k), i));
		jv here = jv_getpath(jv_copy(*root), jv_copy(path));
		int last = i == n - 1;
		if (jv_get_kind(here) == JV_KIND_NULL) {
			*root = jv_setpath(*root, jv_copy(path), last && arr ? jv_array() : jv_object());
			jv_free(here);
			here = last && arr ? jv_array() : jv_object();
		}
		if (jv_get_kind(here) == JV_KIND_ARRAY && !(last && arr)) {
			int len = jv_array_length(jv_copy(here));
			if (len == 0) {
				jv_free(here);
				goto bad;
			}
			path = jv_array_append(path, jv_number(len - 1));
		} else if (jv_get_kind(here) == JV_KIND_ARRAY) {
			int len = jv_array_length(jv_copy(here));
			jv t = jv_object_set(jv_object(), jv_string(GL_TOML_LINE),
			    jv_number(c->line));
			*root = jv_setpath(*root, jv_copy(path), jv_array_append(here, t));
			path = jv_array_append(path, jv_number(len));
			continue;
		} else if (jv_get_kind(here) != JV_KIND_OBJECT) {
			jv_free(here);
			goto bad;
		}
		jv_free(here);
	}
	jv_free(k);
	*out = path;
	return 0;
bad:
	jv_free(k);
	jv_free(path);
	return fail(c, "table header names a value that is not a table");
}

jv
gl_toml_parse(const char *buf, size_t len)
{
	struct cur c = { buf, buf + len, 1, "" };
	jv root = jv_object(), cur = jv_array(), k, v;

	if (!gl_utf8_valid(buf, len)) {
		jv_free(root);
		jv_free(cur);
		return jv_invalid_with_msg(jv_string("1: invalid UTF-8 or NUL byte"));
	}
	for (;;) {
		wsnl(&c);
		if (c.p >= c.end)
			break;
		if (*c.p == '[') {
			int arr = c.end - c.p >= 2 && c.p[1] == '[';
			c.p += arr ? 2 : 1;
			if (key(&c, &k) < 0)
				goto fail;
			ws(&c);
			if (c.end - c.p < (arr ? 2 : 1) || *c.p != ']' || (arr && c.p[1] != ']')) {
				jv_free(k);
				fail(&c, "malformed table header");
				goto fail;
			}
			c.p += arr ? 2 : 1;
			jv_free(cur);
			cur = jv_invalid();
			if (resolve(&c, &root, k, arr, &cur) < 0 || eol(&c) < 0)
				goto fail;
			continue;
		}
		if (key(&c, &k) < 0)
			goto fail;
		ws(&c);
		if (c.p >= c.end || *c.p != '=') {
			jv_free(k);
			fail(&c, "expected '=' after key");
			goto fail;
		}
		c.p++;
		ws(&c);
		if (value(&c, &v, 0) < 0) {
			jv_free(k);
			goto fail;
		}
		{
			jv t = jv_getpath(jv_copy(root), jv_copy(cur));
			if (jv_get_kind(t) == JV_KIND_NULL) {
				jv_free(t);
				t = jv_object();
			}
			if (set(&c, &t, k, v) < 0) {
				jv_free(t);
				goto fail;
			}
			root = jv_setpath(root, jv_copy(cur), t);
		}
		if (eol(&c) < 0)
			goto fail;
	}
	jv_free(cur);
	return root;
fail:
	jv_free(root);
	jv_free(cur);
	if (strstr(c.why, "out of memory") != NULL)
		return jv_invalid_with_msg(jv_string("!out of memory"));
	return jv_invalid_with_msg(jv_string(c.why));
}
