/* uuid: name-based (version 5, SHA-1) UUIDs, RFC 9562 section 5.5. */
#ifndef GL_UUID_H
#define GL_UUID_H
#include <stddef.h>

#define GL_UUID_LEN 37		/* 36 characters and NUL */

/* The namespace of gl-sbom serial numbers:
 * uuid5(NAMESPACE_URL, "https://gleisner.dev/ns/sbom") */
extern const unsigned char gl_uuid_ns_sbom[16];
extern const unsigned char gl_uuid_ns_dns[16];

/* Lowercase "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" of SHA-1(ns || name). */
int gl_uuid_v5(const unsigned char ns[16], const void *name, size_t len, char out[GL_UUID_LEN]);

#endif
