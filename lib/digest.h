/* digest: SHA-256 of buffers and files through OpenSSL EVP, as lowercase hex. */
#ifndef GL_DIGEST_H
#define GL_DIGEST_H
#include <stddef.h>

#define GL_SHA256_LEN 32
#define GL_SHA256_HEX 65	/* 64 hex digits and NUL */

int gl_digest_sha256(const void *buf, size_t len, unsigned char out[GL_SHA256_LEN]);
/* sha256 of buf as lowercase hex */
int gl_digest_sha256_hex(const void *buf, size_t len, char out[GL_SHA256_HEX]);
/* sha256 of everything readable from fd, streamed; *size gets the byte count */
int gl_digest_fd_hex(int fd, char out[GL_SHA256_HEX], unsigned long long *size);
/* sha256 of a regular file, opened O_NOFOLLOW|O_NONBLOCK and checked with fstat */
int gl_digest_file_hex(const char *path, char out[GL_SHA256_HEX]);
void gl_digest_hex(const unsigned char *bin, size_t n, char *out);
/* 1 if s is exactly 64 lowercase hex digits */
int gl_digest_is_sha256_hex(const char *s);

#endif
