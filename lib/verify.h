/* verify: the checks gl-verify runs on one DSSE envelope, in order
 * (envelope, signature, payloadType, payload, statement, predicateType,
 * subjects, then files, chain, payload), each recorded as {check, ok,
 * message}; the first failure stops.  The chain walk follows parent links
 * through a directory of attestation-*.json, verifying every link in full. */
#ifndef GL_VERIFY_H
#define GL_VERIFY_H
#include <stddef.h>
#include <jv.h>

#include <openssl/evp.h>

#include "digest.h"
#include "dsse.h"

struct gl_verify_link {
	char *path;
	char digest[GL_SHA256_HEX];	/* sha256 of its (unverified) payload */
};

struct gl_verify {
	/* filled by the caller */
	EVP_PKEY *const *keys;	/* trust anchors, distinct */
	char (*ids)[GL_SHA256_HEX]; /* their SPKI sha256 */
	size_t nkeys;
	long threshold;		/* distinct keys needed */
	const char *expect;	/* predicateType wanted */
	const char *files;	/* directory of the subjects, or NULL */
	const char *chain;	/* directory of attestation-*.json, or NULL */
	const char *payload_out; /* where the verified payload goes, or NULL */
	/* the chain index, built on first use */
	struct gl_verify_link *links;
	size_t nlinks, nunparsed;
	int indexed;
	const char *failed;	/* the call that failed when -1 is returned */
};

struct gl_verify_result {
	jv checks;		/* [{check, ok, message}] in the order run */
	int rc;			/* GL_EX_OK or the first failure's code */
	char reason[1024];	/* the first failure */
	char keyid[GL_SHA256_HEX]; /* first trusted key that verified, or "" */
	char digest[GL_SHA256_HEX]; /* sha256 of the verified payload */
	struct gl_dsse env;
	jv st;			/* the verified statement, or jv_null() */
	jv chain;		/* [{path, payloadDigest}] walked, or invalid */
};

/* Every check on the envelope in path, r set up here.  Returns r->rc, or -1
 * when a system call failed so that nothing can be said (v->failed, errno). */
int gl_verify_file(struct gl_verify *v, const char *path,
    struct gl_verify_result *r);
/* The envelope, signature and statement checks on buf alone. */
int gl_verify_doc(const struct gl_verify *v, const char *buf, size_t len,
    struct gl_verify_result *r);
void gl_verify_result_free(struct gl_verify_result *r);
/* The chain index. */
void gl_verify_free(struct gl_verify *v);

#endif
