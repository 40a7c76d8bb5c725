#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "utf8.h"

/* A strict recursive-descent checker.  libjq 1.6 accepts nan, replaces
 * invalid UTF-8 with U+FFFD, keeps the last of duplicate keys and rounds big
 * integers: all of those are attacks on a verifier, so we refuse them here. */

struct key {
	char *s;
	size_t n;
};

struct chk {
	const unsigned char *p, *end, *start;
	int allow_float;
	char *why;
	size_t whysz;
};

static int value(struct chk *, int);

static int
fail(struct chk *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->why == NULL || c->whysz == 0)
		return -1;
	n = snprintf(c->why, c->whysz, "byte %zu: ", (size_t)(c->p - c->start));
	if (n < 0 || (size_t)n >= c->whysz)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->why + n, c->whysz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void
ws(struct chk *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
hex4(struct chk *c, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (c->end - c->p < 4)
		return fail(c, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		int d = gl_utf8_hexval(c->p[i]);
		if (d < 0)
			return fail(c, "bad \\u escape");
		v = v << 4 | (unsigned)d;
	}
	c->p += 4;
	*out = v;
	return 0;
}

static int
putcp(char **buf, size_t *n, size_t *cap, unsigned cp)
{
	char tmp[4];
	size_t k = 0;
	char *q;

	/* the caller has refused lone surrogates, and a surrogate pair
	 * never exceeds U+10FFFF, so this cannot fail */
	(void)gl_utf8_put(tmp, &k, cp);
	if (*n + k > *cap) {
		*cap = (*cap + k) * 2;
		if ((q = realloc(*buf, *cap)) == NULL)
			return -1;
		*buf = q;
	}
	memcpy(*buf + *n, tmp, k);
	*n += k;
	return 0;
}

/* A string; when out is non-NULL, its decoded bytes are returned there. */
static int
string(struct chk *c, struct key *out)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;
	unsigned cp, lo;
	size_t k;

	c->p++; /* opening quote */
	for (;;) {
		if (c->p >= c->end) {
			free(buf);
			return fail(c, "unterminated string");
		}
		unsigned char ch = *c->p;
		if (ch == '"') {
			c->p++;
			break;
		}
		if (ch < 0x20) {
			free(buf);
			return fail(c, "control character in string");
		}
		if (ch == '\\') {
			c->p++;
			if (c->p >= c->end) {
				free(buf);
				return fail(c, "unterminated string");
			}
			switch (*c->p++) {
			case '"': cp = '"'; break;
			case '\\': cp = '\\'; break;
			case '/': cp = '/'; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (hex4(c, &cp) < 0) {
					free(buf);
					return -1;
				}
				if (cp >= 0xdc00 && cp <= 0xdfff) {
					free(buf);
					return fail(c, "lone surrogate escape");
				}
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (c->end - c->p < 6 || c->p[0] != '\\' ||
					    c->p[1] != 'u') {
						free(buf);
						return fail(c, "lone surrogate escape");
					}
					c->p += 2;
					if (hex4(c, &lo) < 0) {
						free(buf);
						return -1;
					}
					if (lo < 0xdc00 || lo > 0xdfff) {
						free(buf);
						return fail(c, "lone surrogate escape");
					}
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				break;
			default:
				free(buf);
				c->p--;
				return fail(c, "bad escape");
			}
			if (out != NULL && putcp(&buf, &n, &cap, cp) < 0) {
				free(buf);
				return fail(c, "out of memory");
			}
			continue;
		}
		k = gl_utf8_seqlen(c->p, (size_t)(c->end - c->p));
		if (k == 0) {
			free(buf);
			return fail(c, "invalid UTF-8");
		}
		if (out != NULL) {
			if (n + k > cap) {
				char *q;
				cap = (cap + k) * 2;
				if ((q = realloc(buf, cap)) == NULL) {
					free(buf);
					return fail(c, "out of memory");
				}
				buf = q;
			}
			memcpy(buf + n, c->p, k);
			n += k;
		}
		c->p += k;
	}
	if (out != NULL) {
		out->s = buf;
		out->n = n;
	}
	return 0;
}

static int
number(struct chk *c)
{
	const unsigned char *s = c->p;
	int isfloat = 0, digits = 0;

	if (*c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0') {
		c->p++;
		digits = 1;
		if (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			return fail(c, "leading zero in number");
	} else {
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			c->p++;
			digits++;
		}
	}
	if (digits == 0)
		return fail(c, "bad number");
	if (c->p < c->end && *c->p == '.') {
		isfloat = 1;
		c->p++;
		if (c->p >= c->end || *c->p < '0' || *c->p > '9')
			return fail(c, "bad number");
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			c->p++;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		isfloat = 1;
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (c->p >= c->end || *c->p < '0' || *c->p > '9')
			return fail(c, "bad number");
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			c->p++;
	}
	if (isfloat && !c->allow_float) {
		c->p = s;
		return fail(c, "number is not an integer");
	}
	if (!isfloat) {
		/* |n| <= 2^53 = 9007199254740992 (16 digits) */
		size_t nd = (size_t)(c->p - s) - (*s == '-');
		const char *d = (const char *)s + (*s == '-');
		if (nd > 16 || (nd == 16 && strncmp(d, "9007199254740992", 16) > 0)) {
			c->p = s;
			return fail(c, "integer out of range (|n| > 2^53)");
		}
	}
	return 0;
}

static int
literal(struct chk *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return fail(c, "unexpected character");
	c->p += n;
	return 0;
}

static int
keycmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	/* an empty key has no buffer: memcmp must not see its NULL */
	int r = n > 0 ? memcmp(x->s, y->s, n) : 0;

	if (r != 0)
		return r;
	return (x->n > y->n) - (x->n < y->n);
}

static int
object(struct chk *c, int depth)
{
	struct key *keys = NULL, *q;
	size_t nkeys = 0, cap = 0, i;
	int rc = -1;

	c->p++;
	ws(c);
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		ws(c);
		if (c->p >= c->end || *c->p != '"') {
			fail(c, "expected object key");
			goto out;
		}
		if (nkeys == cap) {
			cap = cap ? cap * 2 : 8;
			if ((q = realloc(keys, cap * sizeof *keys)) == NULL) {
				fail(c, "out of memory");
				goto out;
			}
			keys = q;
		}
		if (string(c, &keys[nkeys]) < 0)
			goto out;
		nkeys++;
		ws(c);
		if (c->p >= c->end || *c->p != ':') {
			fail(c, "expected ':'");
			goto out;
		}
		c->p++;
		if (value(c, depth + 1) < 0)
			goto out;
		ws(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == '}') {
			c->p++;
			break;
		}
		fail(c, "expected ',' or '}'");
		goto out;
	}
	qsort(keys, nkeys, sizeof *keys, keycmp);
	for (i = 1; i < nkeys; i++)
		if (keycmp(&keys[i - 1], &keys[i]) == 0) {
			char shown[64];
			gl_utf8_sanitize(keys[i].s, keys[i].n, shown, sizeof shown);
			fail(c, "duplicate key \"%s\"", shown);
			goto out;
		}
	rc = 0;
out:
	for (i = 0; i < nkeys; i++)
		free(keys[i].s);
	free(keys);
	return rc;
}

static int
array(struct chk *c, int depth)
{
	c->p++;
	ws(c);
	if (c->p < c->end && *c->p == ']') {
		c->p++;
		return 0;
	}
	for (;;) {
		if (value(c, depth + 1) < 0)
			return -1;
		ws(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			return 0;
		}
		return fail(c, "expected ',' or ']'");
	}
}

static int
value(struct chk *c, int depth)
{
	if (depth >= GL_JSON_MAX_DEPTH)
		return fail(c, "nesting too deep");
	ws(c);
	if (c->p >= c->end)
		return fail(c, "unexpected end of input");
	switch (*c->p) {
	case '{': return object(c, depth);
	case '[': return array(c, depth);
	case '"': return string(c, NULL);
	case 't': return literal(c, "true");
	case 'f': return literal(c, "false");
	case 'n': return literal(c, "null");
	default:
		if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9'))
			return number(c);
		return fail(c, "unexpected character");
	}
}

int
gl_json_check(const char *buf, size_t len, int allow_float, char *why, size_t whysz)
{
	struct chk c = {
		.p = (const unsigned char *)buf,
		.end = (const unsigned char *)buf + len,
		.start = (const unsigned char *)buf,
		.allow_float = allow_float,
		.why = why,
		.whysz = whysz,
	};

	if (why != NULL && whysz > 0)
		why[0] = '\0';
	if (value(&c, 0) < 0)
		return -1;
	ws(&c);
	if (c.p != c.end)
		return fail(&c, "trailing data after JSON value");
	return 0;
}

static jv
parse(const char *buf, size_t len, int allow_float)
{
	char why[160];
	jv v;

	if (gl_json_check(buf, len, allow_float, why, sizeof why) < 0)
		return jv_invalid_with_msg(jv_string(why));
	v = jv_parse_sized(buf, (int)len);
	if (!jv_is_valid(v)) {
		jv_free(v);
		return jv_invalid_with_msg(jv_string("not valid JSON"));
	}
	return v;
}

jv
gl_json_parse(const char *buf, size_t len)
{
	return parse(buf, len, 0);
}

jv
gl_json_parse_lax(const char *buf, size_t len)
{
	return parse(buf, len, 1);
}

jv
gl_json_read_file(const char *path, size_t cap, int *sys)
{
	char *buf;
	size_t len;
	jv v;

	*sys = 0;
	if (gl_io_read_file(path, cap, &buf, &len) < 0) {
		*sys = errno != EFBIG;
		return jv_invalid_with_msg(jv_string(errno == EFBIG ?
		    "input too large" : strerror(errno)));
	}
	v = gl_json_parse(buf, len);
	free(buf);
	return v;
}

char *
gl_json_dump(jv v, size_t *len)
{
	jv s = jv_dump_string(v, JV_PRINT_SORTED);
	int n = jv_string_length_bytes(jv_copy(s));
	char *out = malloc((size_t)n + 1);

	if (out != NULL) {
		memcpy(out, jv_string_value(s), (size_t)n);
		out[n] = '\0';
		if (len != NULL)
			*len = (size_t)n;
	}
	jv_free(s);
	return out;
}

int
gl_json_write_file(const char *path, jv v)
{
	size_t n;
	char *s = gl_json_dump(v, &n);
	int rc, e;

	if (s == NULL) {
		errno = ENOMEM;
		return -1;
	}
	s[n++] = '\n';		/* over the NUL: the buffer has n + 1 bytes */
	rc = gl_io_write_atomic(path, s, n, 0644);
	e = errno;
	free(s);
	errno = e;
	return rc;
}

int
gl_json_write_line(FILE *f, jv v)
{
	size_t n;
	char *s = gl_json_dump(v, &n);
	int rc = 0;

	if (s == NULL)
		return -1;
	s[n] = '\n';
	if (fwrite(s, 1, n + 1, f) != n + 1)
		rc = -1;
	free(s);
	return rc;
}

const char *
gl_json_errmsg(jv v, char *buf, size_t bufsz)
{
	jv m = jv_invalid_get_msg(v);

	if (jv_get_kind(m) == JV_KIND_STRING)
		snprintf(buf, bufsz, "%s", jv_string_value(m));
	else
		snprintf(buf, bufsz, "invalid value");
	jv_free(m);
	return buf;
}

jv
gl_json_get(jv obj, const char *key)
{
	if (jv_get_kind(obj) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(obj), jv_string(key));
}

const char *
gl_json_str(jv obj, const char *key)
{
	jv v = gl_json_get(obj, key);
	const char *s = NULL;

	/* the string lives as long as obj holds its reference */
	if (jv_get_kind(v) == JV_KIND_STRING)
		s = jv_string_value(v);
	jv_free(v);
	return s;
}
