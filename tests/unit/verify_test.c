/* verify: the check sequence on one envelope, its failures, the chain walk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsse.h"
#include "gl.h"
#include "io.h"
#include "key.h"
#include "verify.h"
#include "t.h"

#define STMT "{\"_type\":\"https://in-toto.io/Statement/v1\"," \
	"\"predicateType\":\"https://slsa.dev/provenance/v1\",\"subject\":[]," \
	"\"predicate\":{\"buildDefinition\":{\"resolvedDependencies\":[%s]}}}"
#define PARENT "{\"name\":\"p\",\"digest\":{\"sha256\":\"%s\"}," \
	"\"annotations\":{\"role\":\"parent-attestation\"}}"

/* An envelope of payload signed by k, malloc'ed. */
static char *
envelope(EVP_PKEY *k, const char *payload, size_t *len)
{
	unsigned char *pae, *sig;
	size_t plen, slen;
	char *env;

	if (gl_dsse_pae(GL_DSSE_INTOTO, strlen(GL_DSSE_INTOTO), payload,
	    strlen(payload), &pae, &plen) < 0 ||
	    gl_key_sign(k, pae, plen, &sig, &slen) < 0)
		return NULL;
	env = gl_dsse_envelope(GL_DSSE_INTOTO, strlen(GL_DSSE_INTOTO), payload,
	    strlen(payload), sig, slen, len);
	free(pae);
	free(sig);
	return env;
}

static const char *
check_name(const struct gl_verify_result *r, int i)
{
	jv c = jv_array_get(jv_copy(r->checks), i), n;
	static char name[32];

	n = jv_get_kind(c) == JV_KIND_OBJECT ? jv_object_get(c, jv_string("check")) :
	    (jv_free(c), jv_string(""));
	snprintf(name, sizeof name, "%s", jv_string_value(n));
	jv_free(n);
	return name;
}

int
main(void)
{
	EVP_PKEY *k = gl_key_generate(GL_KEY_ED25519), *other = gl_key_generate(GL_KEY_ED25519);
	char ids[1][GL_SHA256_HEX], dir[] = "/tmp/verify_test.XXXXXX", p1[64], p2[64];
	char payload[1024], hex[GL_SHA256_HEX], *env;
	struct gl_verify v = { .keys = &k, .ids = ids, .nkeys = 1, .threshold = 1,
	    .expect = "https://slsa.dev/provenance/v1", .type = GL_DSSE_INTOTO };
	struct gl_verify_result r;
	size_t len;

	CHECK(k != NULL && other != NULL && gl_key_id(k, ids[0]) == 0);
	snprintf(payload, sizeof payload, STMT, "");
	CHECK((env = envelope(k, payload, &len)) != NULL);

	/* all seven checks pass, in order */
	CHECK(gl_verify_doc(&v, env, len, &r) == 0 && r.rc == 0);
	CHECK(jv_array_length(jv_copy(r.checks)) == 7);
	CHECK(strcmp(check_name(&r, 0), "envelope") == 0);
	CHECK(strcmp(check_name(&r, 6), "subjects") == 0);
	CHECK(strcmp(r.keyid, ids[0]) == 0 && strlen(r.digest) == 64);
	gl_verify_result_free(&r);

	/* a key that did not sign: stops at the signature */
	v.keys = &other;
	CHECK(gl_verify_doc(&v, env, len, &r) == GL_EX_FAIL);
	CHECK(strcmp(r.reason, "no signature verifies with a trusted key") == 0);
	CHECK(jv_array_length(jv_copy(r.checks)) == 2 && r.keyid[0] == '\0');
	gl_verify_result_free(&r);
	v.keys = &k;
	v.threshold = 2;
	CHECK(gl_verify_doc(&v, env, len, &r) == GL_EX_FAIL);
	CHECK(strcmp(r.reason, "1 distinct trusted key(s) signed, 2 needed") == 0);
	gl_verify_result_free(&r);
	v.threshold = 1;
	CHECK(gl_verify_doc(&v, "{}", 2, &r) == GL_EX_DATA);
	gl_verify_result_free(&r);

	/* an unreadable file is an envelope failure, not an abort */
	CHECK(gl_verify_file(&v, "/nonexistent/e.json", &r) == GL_EX_SYS);
	CHECK(strcmp(r.reason, "No such file or directory") == 0);
	gl_verify_result_free(&r);

	/* the chain: child -> parent -> root */
	CHECK(mkdtemp(dir) != NULL);
	snprintf(p1, sizeof p1, "%s/attestation-1.json", dir);
	snprintf(p2, sizeof p2, "%s/attestation-2.json", dir);
	CHECK(gl_io_write_atomic(p1, env, len, 0644) == 0);
	CHECK(gl_digest_sha256_hex(payload, strlen(payload), hex) == 0);
	free(env);
	{
		char dep[256];
		snprintf(dep, sizeof dep, PARENT, hex);
		snprintf(payload, sizeof payload, STMT, dep);
	}
	CHECK((env = envelope(k, payload, &len)) != NULL);
	CHECK(gl_io_write_atomic(p2, env, len, 0644) == 0);
	free(env);
	v.chain = dir;
	CHECK(gl_verify_file(&v, p2, &r) == 0);
	CHECK(jv_array_length(jv_copy(r.chain)) == 2 && v.nlinks == 2);
	CHECK(strcmp(check_name(&r, 7), "files") == 0);
	CHECK(strcmp(check_name(&r, 9), "byproducts") == 0);
	CHECK(strcmp(check_name(&r, 10), "chain") == 0);
	gl_verify_result_free(&r);
	/* only the verified bytes go on (DSSE v1.0.2; attestation-standards 7 #11) */
	{
		char out[96], *got;
		size_t glen;
		snprintf(out, sizeof out, "%s/payload.out", dir);
		v.payload_out = out;
		CHECK(gl_verify_file(&v, p2, &r) == 0);
		CHECK(gl_io_read_file(out, 1 << 20, &got, &glen) == 0);
		CHECK(glen == strlen(payload) && memcmp(got, payload, glen) == 0);
		CHECK(glen == r.env.len && memcmp(got, r.env.payload, glen) == 0);
		free(got);
		unlink(out);
		v.payload_out = NULL;
		gl_verify_result_free(&r);
	}
	/* the parent gone from the index's files: the link fails */
	CHECK(unlink(p1) == 0);
	CHECK(gl_verify_file(&v, p2, &r) == GL_EX_SYS);
	CHECK(strstr(r.reason, "attestation-1.json: No such file") != NULL);
	gl_verify_result_free(&r);
	gl_verify_free(&v);
	unlink(p2);
	rmdir(dir);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
	return t_done();
}
