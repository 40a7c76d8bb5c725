/* key: signing keys through OpenSSL EVP.  Only ECDSA P-256 with SHA-256 (DER
 * signatures) and Ed25519 are accepted; every other key is refused, so the
 * algorithm is pinned by the key (no curve or hash confusion). */
#ifndef GL_KEY_H
#define GL_KEY_H
#include <stddef.h>

#include <openssl/evp.h>

#include "digest.h"

enum gl_key_kind {
	GL_KEY_NONE = 0,	/* unsupported */
	GL_KEY_P256 = 1,	/* ECDSA P-256, SHA-256, DER signatures */
	GL_KEY_ED25519 = 2,	/* Ed25519 (pure) */
};

#define GL_KEY_CAP (64UL << 10)	/* a PEM file */

enum gl_key_kind gl_key_kind(const EVP_PKEY *k);
/* Parse PEM (never prompts for a pass phrase).  NULL with errno EBADMSG (not
 * a key of that form) or ENOTSUP (another algorithm or curve). */
EVP_PKEY *gl_key_parse_private(const char *pem, size_t len);
EVP_PKEY *gl_key_parse_public(const char *pem, size_t len);
/* Read path (capped) and parse it; the buffer is cleansed.  A private key
 * file that is not a regular file, or that its group or others may read or
 * write, is refused with EPERM before it is read. */
EVP_PKEY *gl_key_load_private(const char *path);
EVP_PKEY *gl_key_load_public(const char *path);
EVP_PKEY *gl_key_generate(enum gl_key_kind kind);
/* PKCS#8 PEM to path, atomically: written to a temporary name (O_EXCL, mode
 * 0600), fsync'ed, then link(2)ed into place, so path either does not exist
 * or holds the whole key; an existing path is EEXIST and is never replaced. */
int gl_key_write_private(EVP_PKEY *k, const char *path);
/* SubjectPublicKeyInfo PEM, malloc'ed and NUL-terminated. */
char *gl_key_public_pem(EVP_PKEY *k, size_t *len);
/* Lowercase hex sha256 of the DER SubjectPublicKeyInfo. */
int gl_key_id(EVP_PKEY *k, char out[GL_SHA256_HEX]);
/* The OpenSSH SHA256 fingerprint, "SHA256:" and the unpadded base64 of
 * the sha256 of the key's SSH wire encoding: the keyid cosign and
 * sigstore-go fall back to, used as the Sigstore bundle key hint. */
int gl_key_ssh_fingerprint(EVP_PKEY *k, char *out, size_t outsz);
/* Sign msg; *sig is malloc'ed. */
int gl_key_sign(EVP_PKEY *k, const void *msg, size_t len, unsigned char **sig,
    size_t *siglen);
/* 1 valid, 0 invalid (including non-canonical DER), -1 OpenSSL failure. */
int gl_key_verify(EVP_PKEY *k, const void *msg, size_t len,
    const unsigned char *sig, size_t siglen);

#endif
