/* verify: the checks gl-verify runs on one DSSE envelope or Sigstore
 * bundle, in order (bundle, envelope, signature, payloadType, payload,
 * statement, predicateType, subjects, then files, materials, audit-log,
 * chain, policy), each recorded as {check, status (pass, fail, skip),
 * reason}; the first failure stops.  The chain walk follows parent links
 * through a directory of attestation-*.json, verifying every link in full,
 * and fails on a missing parent, a cycle, a fork, a link out of order or an
 * attestation that is not on the chain. */
#ifndef GL_VERIFY_H
#define GL_VERIFY_H
#include <stddef.h>
#include <jv.h>

#include <openssl/evp.h>

#include "digest.h"
#include "dsse.h"
#include "policy.h"

struct gl_verify_link {
	char *path, *name;		/* file, and its name in the directory */
	char digest[GL_SHA256_HEX];	/* sha256 of its (unverified) payload */
	char parent[GL_SHA256_HEX];	/* the parent it claims, or "" */
	char file[GL_SHA256_HEX];	/* sha256 of the whole file */
	int ok;				/* parsed as an envelope */
};

struct gl_verify {
	/* filled by the caller */
	EVP_PKEY *const *keys;	/* trust anchors, distinct */
	char (*ids)[GL_SHA256_HEX]; /* their SPKI sha256 */
	size_t nkeys;
	long threshold;		/* distinct keys needed */
	const char *type;	/* payloadType accepted */
	const char *expect;	/* predicateType wanted */
	const char *files;	/* directory of the subjects, or NULL */
	int materials;		/* also check the materials under files */
	const char *audit;	/* the audit log, or NULL: look beside */
	const char *chain;	/* directory of attestation-*.json, or NULL */
	struct gl_policy *const *policies;
	size_t npolicies;
	const char *payload_out; /* where the verified payload goes, or NULL */
	/* the chain index, built on first use */
	struct gl_verify_link *links;
	size_t nlinks;
	char **logs;		/* audit-*.jsonl names in the chain directory */
	size_t nlogs;
	int indexed;
	const char *failed;	/* the call that failed when -1 is returned */
};

struct gl_verify_result {
	jv checks;		/* [{check, status, reason}] in the order run */
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
/* The newest attestation-*.json in dir (by name), malloc'ed; NULL with
 * errno (ENOENT when there is none). */
char *gl_verify_newest(const char *dir);
void gl_verify_result_free(struct gl_verify_result *r);
/* The chain index. */
void gl_verify_free(struct gl_verify *v);

#endif
