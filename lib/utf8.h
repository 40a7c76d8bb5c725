/* utf8: UTF-8 validity and the one lossless encoding of file names used by
 * every tool: "path" when the bytes are valid UTF-8, else "path_b64". */
#ifndef GL_UTF8_H
#define GL_UTF8_H
#include <stddef.h>
#include <jv.h>

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
size_t gl_utf8_seqlen(const unsigned char *p, size_t n);
/* 1 when buf[0..len) is valid UTF-8 without NUL, else 0. */
int gl_utf8_valid(const char *buf, size_t len);
/* A printable one-line copy for messages: invalid or control bytes become
 * '?', cut to outsz-1 bytes. */
void gl_utf8_sanitize(const char *buf, size_t len, char *out, size_t outsz);
/* Set key (e.g. "path") of obj to the name when it is valid UTF-8, or
 * key_b64 to its standard base64 otherwise.  obj is consumed. */
jv gl_utf8_set_name(jv obj, const char *key, const char *name, size_t len);
/* The bytes named by obj.key or obj.key_b64 (obj not consumed), malloc'ed
 * with a NUL appended; NULL if neither is present or it is malformed. */
char *gl_utf8_get_name(jv obj, const char *key, size_t *len);
/* Percent-encode '%' and every byte that is not part of valid UTF-8 (and
 * control bytes) — the subject-name rule of SPEC 7.11.  malloc'ed. */
char *gl_utf8_pct_encode(const char *name, size_t len);
/* The value 0..15 of the hex digit ch ('0'-'9', 'a'-'f', 'A'-'F'), or -1
 * for any other character. */
int gl_utf8_hexval(int ch);
/* Append the UTF-8 encoding of code point cp (1 to 4 bytes) at out + *n and
 * advance *n; out must have room for 4 more bytes.  -1, writing nothing,
 * when cp is a surrogate (U+D800..U+DFFF) or above U+10FFFF; else 0. */
int gl_utf8_put(char *out, size_t *n, unsigned long cp);

#endif
