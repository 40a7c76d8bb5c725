/* bundle: Sigstore bundles v0.3 around a DSSE envelope, verified with a
 * self-managed public key (verificationMaterial.publicKey.hint). */
#ifndef GL_BUNDLE_H
#define GL_BUNDLE_H
#include <stddef.h>
#include <jv.h>

#define GL_BUNDLE_V03 "application/vnd.dev.sigstore.bundle.v0.3+json"

/* The bundle for one signature: publicKey.hint and the envelope keyid both
 * set to hint, no transparency log entries; one compact line with sorted
 * keys and "\n", malloc'ed. */
char *gl_bundle_make(const char *type, size_t tlen, const void *payload,
    size_t plen, const unsigned char *sig, size_t siglen, const char *hint,
    size_t *outlen);
/* 1 when doc (not consumed) looks like a bundle: an object with mediaType. */
int gl_bundle_is(jv doc);
/* The dsseEnvelope of bundle doc (not consumed) as JSON text (*env,
 * malloc'ed) after the bundle rules: a known media type, a public key hint
 * and no certificate, a DSSE envelope and no message signature, exactly one
 * signature, a keyid equal to the hint when both are set.  0; GL_EX_DATA
 * when doc is not bundle-shaped; GL_EX_FAIL when a rule is broken; why gets
 * a one-line reason. */
int gl_bundle_unwrap(jv doc, char **env, size_t *envlen, char *why, size_t whysz);

#endif
