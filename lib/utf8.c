#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t
gl_utf8_seqlen(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t k, i;
	unsigned cp;

	if (n == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		k = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		k = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

int
gl_utf8_valid(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i = 0, k;

	while (i < len) {
		if (p[i] == 0)
			return 0;
		if ((k = gl_utf8_seqlen(p + i, len - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

void
gl_utf8_sanitize(const char *buf, size_t len, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i = 0, o = 0, k;

	if (outsz == 0)
		return;
	while (i < len && o + 1 < outsz) {
		k = gl_utf8_seqlen(p + i, len - i);
		if (k == 0 || (k == 1 && (p[i] < 0x20 || p[i] == 0x7f))) {
			out[o++] = '?';
			i++;
			continue;
		}
		if (o + k >= outsz)
			break;
		memcpy(out + o, p + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
}

char *
gl_utf8_pct_encode(const char *name, size_t len)
{
	const unsigned char *p = (const unsigned char *)name;
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(len * 3 + 1);
	size_t i = 0, o = 0, k;

	if (out == NULL)
		return NULL;
	while (i < len) {
		k = gl_utf8_seqlen(p + i, len - i);
		if (k == 0 || p[i] == '%' || p[i] < 0x20 || p[i] == 0x7f) {
			out[o++] = '%';
			out[o++] = hex[p[i] >> 4];
			out[o++] = hex[p[i] & 15];
			i++;
			continue;
		}
		memcpy(out + o, p + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	return out;
}

int
gl_utf8_hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
gl_utf8_put(char *out, size_t *n, unsigned long cp)
{
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return -1;
	if (cp < 0x80) {
		out[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (char)(0xc0 | cp >> 6);
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out[(*n)++] = (char)(0xe0 | cp >> 12);
		out[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*n)++] = (char)(0xf0 | cp >> 18);
		out[(*n)++] = (char)(0x80 | (cp >> 12 & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
	return 0;
}
