#include <string.h>

#include "utf8.h"
#include "t.h"

int
main(void)
{
	char b[16];
	size_t n;

	CHECK(gl_utf8_hexval('0') == 0);
	CHECK(gl_utf8_hexval('9') == 9);
	CHECK(gl_utf8_hexval('a') == 10);
	CHECK(gl_utf8_hexval('F') == 15);
	CHECK(gl_utf8_hexval('g') == -1);
	CHECK(gl_utf8_hexval('/') == -1);
	CHECK(gl_utf8_hexval(-1) == -1);
	CHECK(gl_utf8_hexval((char)0xc1) == -1);

	n = 0;
	CHECK(gl_utf8_put(b, &n, 'A') == 0 && n == 1 && b[0] == 'A');
	n = 0;
	CHECK(gl_utf8_put(b, &n, 0x7f) == 0 && n == 1);
	n = 0;
	CHECK(gl_utf8_put(b, &n, 0xe9) == 0 && n == 2 && memcmp(b, "\xc3\xa9", 2) == 0);
	n = 0;
	CHECK(gl_utf8_put(b, &n, 0x7ff) == 0 && n == 2 && memcmp(b, "\xdf\xbf", 2) == 0);
	n = 0;
	CHECK(gl_utf8_put(b, &n, 0x20ac) == 0 && n == 3 && memcmp(b, "\xe2\x82\xac", 3) == 0);
	n = 0;
	CHECK(gl_utf8_put(b, &n, 0xd7ff) == 0 && n == 3 && memcmp(b, "\xed\x9f\xbf", 3) == 0);
	n = 0;
	CHECK(gl_utf8_put(b, &n, 0xe000) == 0 && n == 3 && memcmp(b, "\xee\x80\x80", 3) == 0);
	n = 0;
	CHECK(gl_utf8_put(b, &n, 0x1f600) == 0 && n == 4 &&
	    memcmp(b, "\xf0\x9f\x98\x80", 4) == 0);
	n = 0;
	CHECK(gl_utf8_put(b, &n, 0x10ffff) == 0 && n == 4 &&
	    memcmp(b, "\xf4\x8f\xbf\xbf", 4) == 0);
	/* appends at *n, and what it writes is valid UTF-8 */
	n = 1;
	b[0] = 'x';
	CHECK(gl_utf8_put(b, &n, 0x20ac) == 0 && n == 4 && gl_utf8_valid(b, n));
	/* refused: surrogates and beyond U+10FFFF, nothing written */
	n = 2;
	memcpy(b, "zz", 3);
	CHECK(gl_utf8_put(b, &n, 0xd800) == -1 && n == 2 && b[2] == '\0');
	CHECK(gl_utf8_put(b, &n, 0xdbff) == -1 && n == 2);
	CHECK(gl_utf8_put(b, &n, 0xdc00) == -1 && n == 2);
	CHECK(gl_utf8_put(b, &n, 0xdfff) == -1 && n == 2);
	CHECK(gl_utf8_put(b, &n, 0x110000) == -1 && n == 2);
	CHECK(gl_utf8_put(b, &n, 0xffffffffUL) == -1 && n == 2);
	return t_done();
}
