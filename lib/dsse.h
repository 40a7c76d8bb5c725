/* dsse: DSSE v1 envelopes: the pre-authentication encoding, building an
 * envelope, parsing an untrusted one, verifying its signatures. */
#ifndef GL_DSSE_H
#define GL_DSSE_H
#include <stddef.h>

#include <jv.h>
#include <openssl/evp.h>

#define GL_DSSE_INTOTO "application/vnd.in-toto+json"

struct gl_dsse_sig {
	unsigned char *sig;	/* decoded signature bytes */
	size_t len;
};

struct gl_dsse {
	char *type;		/* payloadType, UTF-8, NUL-terminated */
	size_t typelen;		/* its length in bytes */
	char *payload;		/* decoded payload bytes, NUL appended */
	size_t len;		/* payload length in bytes */
	struct gl_dsse_sig *sigs;
	size_t nsigs;
};

/* "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, byte lengths in
 * decimal; *out is malloc'ed. */
int gl_dsse_pae(const char *type, size_t tlen, const void *body, size_t blen,
    unsigned char **out, size_t *outlen);
/* The envelope object with one signature of keyid keyid; jv_invalid()
 * when out of memory.  type must be valid UTF-8. */
jv gl_dsse_envelope_jv(const char *type, size_t tlen, const void *payload,
    size_t plen, const unsigned char *sig, size_t siglen, const char *keyid);
/* v (consumed) as one compact line with sorted keys and "\n", malloc'ed;
 * NULL when v is invalid or out of memory. */
char *gl_dsse_line(jv v, size_t *outlen);
/* The envelope with one signature and an empty keyid, as one compact line
 * with sorted keys and "\n"; malloc'ed.  type must be valid UTF-8. */
char *gl_dsse_envelope(const char *type, size_t tlen, const void *payload,
    size_t plen, const unsigned char *sig, size_t siglen, size_t *outlen);
/* Parse untrusted envelope bytes.  Returns 0; GL_EX_DATA when they are not
 * strict JSON or not envelope-shaped; GL_EX_FAIL when payload or a sig is
 * not base64; GL_EX_SYS when out of memory.  why gets a one-line reason. */
int gl_dsse_parse(const char *buf, size_t len, struct gl_dsse *env, char *why,
    size_t whysz);
void gl_dsse_free(struct gl_dsse *env);
/* Check every signature against every key (keys must be distinct).  Returns
 * the number of keys that verified at least one signature, or -1 on an
 * OpenSSL failure; *first gets the index of the first such key or -1. */
int gl_dsse_verify(const struct gl_dsse *env, EVP_PKEY *const *keys,
    size_t nkeys, int *first);

#endif
