/* b64: standard base64 with padding out; standard or URL-safe in. */
#ifndef GL_B64_H
#define GL_B64_H
#include <stddef.h>

/* Standard alphabet, padded, NUL-terminated, malloc'ed. */
char *gl_b64_encode(const void *buf, size_t len);
/* Decode standard or URL-safe base64 (padding optional, no white space).
 * *out is malloc'ed and NUL-terminated.  -1 on malformed input. */
int gl_b64_decode(const char *s, size_t len, char **out, size_t *outlen);

#endif
