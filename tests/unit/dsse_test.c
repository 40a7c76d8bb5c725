/* dsse: PAE bytes, envelope round trip, shape and base64 errors, and the
 * reference vectors T1-T12 verified through gl_dsse_verify. */
#include <stdlib.h>
#include <string.h>

#include "dsse.h"
#include "gl.h"
#include "key.h"
#include "t.h"

static const char pub_d[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
    "-----END PUBLIC KEY-----\n";
static const char pub_e[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ805D3eqNZywjCI19lInBJOp7YMr\n"
    "CrzAH3CVTAOQ0jgMeCvVTiaRJaRPRDOv8UMs6U4SvKc6pnrIDOoSYI3fdA==\n"
    "-----END PUBLIC KEY-----\n";
static const char s1_b64[] =
    "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJzdWJqZWN0IjpbeyJu"
    "YW1lIjoiaGVsbG8udHh0IiwiZGlnZXN0Ijp7InNoYTI1NiI6IjU4OTFiNWI1MjJkNWRmMDg2ZDBm"
    "ZjBiMTEwZmJkOWQyMWJiNGZjNzE2M2FmMzRkMDgyODZhMmU4NDZmNmJlMDMifX1dLCJwcmVkaWNh"
    "dGVUeXBlIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS90ZXN0L3YxIiwicHJlZGljYXRlIjp7fX0=";

/* gl_dsse_verify's count for an envelope built from parts */
static int
vcount(EVP_PKEY *k, const char *type, const char *payload, const char *sig)
{
	char *doc;
	struct gl_dsse env;
	int first, n = -2;

	if (asprintf(&doc, "{\"payload\":\"%s\",\"payloadType\":\"%s\","
	    "\"signatures\":[{\"sig\":\"%s\"}]}", payload, type, sig) < 0)
		return -3;
	if (gl_dsse_parse(doc, strlen(doc), &env, (char[160]){ 0 }, 160) == 0) {
		n = gl_dsse_verify(&env, &k, 1, &first);
		gl_dsse_free(&env);
	}
	free(doc);
	return n;
}

static int
parse_rc(const char *doc, char *why)
{
	struct gl_dsse env;
	int rc = gl_dsse_parse(doc, strlen(doc), &env, why, 160);

	if (rc == 0)
		gl_dsse_free(&env);
	return rc;
}

int
main(void)
{
	unsigned char *pae, *sig;
	size_t n, siglen, elen;
	char why[160], *env_s;
	struct gl_dsse env;
	EVP_PKEY *d, *e, *k;
	int first;

	/* PAE: the spec's examples, byte lengths */
	CHECK(gl_dsse_pae("http://example.com/HelloWorld", 29, "", 0, &pae, &n) == 0);
	CHECK(n == 42 && memcmp(pae, "DSSEv1 29 http://example.com/HelloWorld 0 ", n) == 0);
	free(pae);
	CHECK(gl_dsse_pae("t\xc3\xa9st/v1", 8, "hello", 5, &pae, &n) == 0);
	CHECK(n == 25 && memcmp(pae, "DSSEv1 8 t\xc3\xa9st/v1 5 hello", n) == 0);
	free(pae);
	CHECK(gl_dsse_pae("http://example.com/HelloWorld", 29, "hello world", 11,
	    &pae, &n) == 0);
	CHECK(memcmp(pae, "DSSEv1 29 http://example.com/HelloWorld 11 hello world", n) == 0);
	free(pae);
	/* a body with NUL bytes is carried whole */
	CHECK(gl_dsse_pae("x", 1, "a\0b", 3, &pae, &n) == 0);
	CHECK(n == 16 && memcmp(pae + 13, "a\0b", 3) == 0);
	free(pae);

	d = gl_key_parse_public(pub_d, sizeof pub_d - 1);
	e = gl_key_parse_public(pub_e, sizeof pub_e - 1);
	CHECK(d != NULL && e != NULL);

	/* T1-T12 */
	CHECK(vcount(e, GL_DSSE_INTOTO, s1_b64, "MEQCIGSFl/j89tFI8lL+hmDTmIsG2AsBUwC7I2cBYKk/"
	    "ZZUiAiBxfkvMzMD1HGDxzHQCAjMpR46ZjLbGb3oniNs02VjLLA==") == 1);
	CHECK(vcount(d, GL_DSSE_INTOTO, s1_b64, "j+8RYR2vnLtTqF4C11LAJSj6U3C4gqW7MBbPWtNmpD2"
	    "itw6K2paPxEo3Io8R8wSCXRl38a8fAu8LORUmyXwIAQ==") == 1);
	CHECK(vcount(e, GL_DSSE_INTOTO, s1_b64, "j+8RYR2vnLtTqF4C11LAJSj6U3C4gqW7MBbPWtNmpD2"
	    "itw6K2paPxEo3Io8R8wSCXRl38a8fAu8LORUmyXwIAQ==") == 0);	/* wrong key */
	CHECK(vcount(d, "application/vnd.in-toto.provenance+json", s1_b64,
	    "j+8RYR2vnLtTqF4C11LAJSj6U3C4gqW7MBbPWtNmpD2itw6K2paPxEo3Io8R8wSCXRl38a8fAu"
	    "8LORUmyXwIAQ==") == 0);					/* T3 */
	CHECK(vcount(d, GL_DSSE_INTOTO, s1_b64, "/VibQbOrAVOYdbNVBgXbR1Fw6+42klscgTkkdUXhp7X"
	    "celJdqKj/mZifIJ11k7xXLj+4oSZn29mLvgEMkAV+CA==") == 0);	/* T4 */
	CHECK(vcount(d, "t\xc3\xa9st/v1", "aGVsbG8=", "hE6BWD2bVOjZTsEeJNLANb0XhvK+O6EBgbnZYb"
	    "AWGDGr6GqdnePzGoE3lBe7PhKlPy+CZwLqN4EmUFXOC3EUCQ==") == 1);	/* T6a */
	CHECK(vcount(d, "t\xc3\xa9st/v1", "aGVsbG8=", "5OjWeggsxY/pn8nyvUv0P7aRVasohhqLhtMUIT"
	    "SYcAlu91N6SziFTtRbNlMjgEz2KubItJZX0PrWTYvkBwiDDg==") == 0);	/* T6b */
	CHECK(vcount(d, GL_DSSE_INTOTO, s1_b64, "j-8RYR2vnLtTqF4C11LAJSj6U3C4gqW7MBbPWtNmpD2"
	    "itw6K2paPxEo3Io8R8wSCXRl38a8fAu8LORUmyXwIAQ==") == 1);	/* T8 */
	CHECK(vcount(e, GL_DSSE_INTOTO, s1_b64, "MEUCIGSFl/j89tFI8lL+hmDTmIsG2AsBUwC7I2cBYKk/"
	    "ZZUiAiEAjoG0MjM/CuSfDjOL/f3M1nVYYSDwUS8KzDDvjiMKWiU=") == 1);	/* T10 */
	CHECK(vcount(e, GL_DSSE_INTOTO, s1_b64, "MEUCIQBkhZf4/PbRSPJS/oZg05iLBtgLAVMAuyNnAWCp"
	    "P2WVIgIgcX5LzMzA9Rxg8cx0AgIzKUeOmYy2xm96J4jbNNlYyyw=") == 0);	/* T11 */
	CHECK(vcount(d, GL_DSSE_INTOTO, s1_b64, "j+8RYR2vnLtTqF4C11LAJSj6U3C4gqW7MBbPWtNmpD2"
	    "PiwTn9PmhHCHUGTLw7OOWXRl38a8fAu8LORUmyXwIEQ==") == 0);	/* T12 */

	/* T7: two signatures by one key count once */
	{
		char doc[] = "{\"payload\":\"aGVsbG8=\",\"payloadType\":\"t\xc3\xa9st/v1\","
		    "\"signatures\":[{\"sig\":\"hE6BWD2bVOjZTsEeJNLANb0XhvK+O6EBgbnZYbAWGDGr6"
		    "GqdnePzGoE3lBe7PhKlPy+CZwLqN4EmUFXOC3EUCQ==\"},{\"keyid\":\"other\",\"sig\":"
		    "\"hE6BWD2bVOjZTsEeJNLANb0XhvK+O6EBgbnZYbAWGDGr6GqdnePzGoE3lBe7PhKlPy+CZwLqN4"
		    "EmUFXOC3EUCQ==\"}]}";
		EVP_PKEY *both[2] = { e, d };
		CHECK(gl_dsse_parse(doc, strlen(doc), &env, why, sizeof why) == 0);
		CHECK(env.nsigs == 2);
		CHECK(gl_dsse_verify(&env, both, 2, &first) == 1 && first == 1);
		gl_dsse_free(&env);
	}

	/* build, parse back: the exact payload bytes and type survive */
	k = gl_key_generate(GL_KEY_P256);
	CHECK(gl_dsse_pae(GL_DSSE_INTOTO, strlen(GL_DSSE_INTOTO), "{}", 2, &pae, &n) == 0);
	CHECK(gl_key_sign(k, pae, n, &sig, &siglen) == 0);
	env_s = gl_dsse_envelope(GL_DSSE_INTOTO, strlen(GL_DSSE_INTOTO), "{}", 2, sig,
	    siglen, &elen);
	CHECK(env_s != NULL && env_s[elen - 1] == '\n');
	CHECK(strncmp(env_s, "{\"payload\":\"e30=\",\"payloadType\":\"application/vnd."
	    "in-toto+json\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"", 94) == 0);
	CHECK(gl_dsse_parse(env_s, elen, &env, why, sizeof why) == 0);
	CHECK(env.len == 2 && memcmp(env.payload, "{}", 2) == 0 && env.nsigs == 1);
	CHECK(gl_dsse_verify(&env, &k, 1, &first) == 1 && first == 0);
	CHECK(gl_dsse_verify(&env, &d, 1, &first) == 0 && first == -1);
	gl_dsse_free(&env);
	free(env_s);
	free(sig);
	free(pae);
	EVP_PKEY_free(k);

	/* shape: 3; base64: 1 */
	CHECK(parse_rc("{\"payload\":\"e30=\",\"payloadType\":\"x\",\"signatures\":[]}", why) == 0);
	CHECK(parse_rc("{\"payload\":\"e30=\",\"payloadType\":\"x\"}", why) == GL_EX_DATA);
	CHECK(strstr(why, "required") != NULL);
	CHECK(parse_rc("{\"payload\":\"e30=\",\"payloadType\":\"x\",\"signatures\":null}",
	    why) == GL_EX_DATA);
	CHECK(parse_rc("{\"payload\":1,\"payloadType\":\"x\",\"signatures\":[]}", why) == GL_EX_DATA);
	CHECK(parse_rc("{\"payload\":\"e30=\",\"payloadType\":[],\"signatures\":[]}", why) == GL_EX_DATA);
	CHECK(parse_rc("{\"payload\":\"e30=\",\"payloadType\":\"x\",\"signatures\":[{}]}",
	    why) == GL_EX_DATA);
	CHECK(parse_rc("{\"payload\":\"e30=\",\"payloadType\":\"x\",\"signatures\":"
	    "[{\"sig\":\"\",\"keyid\":5}]}", why) == GL_EX_DATA);
	CHECK(parse_rc("[]", why) == GL_EX_DATA);
	CHECK(parse_rc("{\"payload\":\"e30=\",\"payloadType\":\"x\",\"signatures\":[", why) == GL_EX_DATA);
	CHECK(strstr(why, "not valid JSON") != NULL);
	CHECK(parse_rc("{\"payload\":\"e30=\",\"payload\":\"e30=\",\"payloadType\":\"x\","
	    "\"signatures\":[]}", why) == GL_EX_DATA);
	CHECK(strstr(why, "duplicate key") != NULL);
	CHECK(parse_rc("{\"payload\":\"e3 0=\",\"payloadType\":\"x\",\"signatures\":[]}", why) == GL_EX_FAIL);
	CHECK(parse_rc("{\"payload\":\"e30=\\n\",\"payloadType\":\"x\",\"signatures\":[]}", why) == GL_EX_FAIL);
	CHECK(parse_rc("{\"payload\":\"e30=\",\"payloadType\":\"x\",\"signatures\":"
	    "[{\"sig\":\"*\"}]}", why) == GL_EX_FAIL);
	CHECK(strstr(why, "signature 1") != NULL);
	/* unknown members are ignored, keyid null is unset */
	CHECK(parse_rc("{\"payload\":\"e30=\",\"payloadType\":\"x\",\"x\":1,\"signatures\":"
	    "[{\"sig\":\"\",\"keyid\":null}]}", why) == 0);

	EVP_PKEY_free(d);
	EVP_PKEY_free(e);
	return t_done();
}
