/* json: strict parsing of untrusted JSON, and JSON Lines output, over libjq's jv. */
#ifndef GL_JSON_H
#define GL_JSON_H
#include <stddef.h>
#include <stdio.h>
#include <jv.h>

#define GL_JSON_MAX_DEPTH 64

/* Check that buf holds exactly one JSON value, strictly per RFC 8259: valid
 * UTF-8 with no lone surrogate escapes, no duplicate object keys, integers
 * within +-2^53 (no fractions, no exponents unless allow_float), depth below
 * GL_JSON_MAX_DEPTH, nothing after it but white space.  On failure returns -1
 * and writes a one-line reason (with byte offset) to why. */
int gl_json_check(const char *buf, size_t len, int allow_float, char *why, size_t whysz);
/* gl_json_check, then jv_parse.  On failure returns jv_invalid_with_msg with
 * a one-line message that never quotes the input. */
jv gl_json_parse(const char *buf, size_t len);
/* Same, allowing non-integer numbers (third-party documents). */
jv gl_json_parse_lax(const char *buf, size_t len);
/* Read path ("-" is stdin), capped, and gl_json_parse it.  *sys is set to 1
 * when the failure was I/O rather than bad data. */
jv gl_json_read_file(const char *path, size_t cap, int *sys);
/* Write v (consumed) as one compact line with sorted keys, one fwrite. */
int gl_json_write_line(FILE *f, jv v);
/* The same line written atomically to path (mode 0644); v consumed.
 * 0, or -1 with errno. */
int gl_json_write_file(const char *path, jv v);
/* Compact sorted serialisation of v (consumed), malloc'ed, no newline. */
char *gl_json_dump(jv v, size_t *len);
/* The message of an invalid jv (consumed), copied into buf. */
const char *gl_json_errmsg(jv v, char *buf, size_t bufsz);
/* Object member lookup that does not consume obj: a copy, or jv_invalid(). */
jv gl_json_get(jv obj, const char *key);
/* The string at obj.key or NULL, valid while obj lives (obj not consumed). */
const char *gl_json_str(jv obj, const char *key);

#endif
