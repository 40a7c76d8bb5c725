/* bundle: Sigstore bundle v0.3 assembly and the rules on reading one. */
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "gl.h"
#include "json.h"
#include "t.h"

#define HINT "SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8"

static int
unwrap(const char *doc, char *why, size_t whysz)
{
	jv v = gl_json_parse(doc, strlen(doc));
	char *env = NULL;
	size_t len;
	int rc = gl_bundle_unwrap(v, &env, &len, why, whysz);

	jv_free(v);
	free(env);
	return rc;
}

int
main(void)
{
	const unsigned char sig[3] = { 1, 2, 3 };
	char why[256], *b, *env;
	size_t len, elen;
	jv v;

	b = gl_bundle_make("application/vnd.in-toto+json", 28, "{}", 2, sig, 3, HINT, &len);
	CHECK(b != NULL && len > 0 && b[len - 1] == '\n');
	CHECK(strcmp(b, "{\"dsseEnvelope\":{\"payload\":\"e30=\",\"payloadType\":"
	    "\"application/vnd.in-toto+json\",\"signatures\":[{\"keyid\":\"" HINT "\","
	    "\"sig\":\"AQID\"}]},\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
	    "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"" HINT "\"},\"tlogEntries\":[]}}\n") == 0);
	v = gl_json_parse(b, len - 1);
	CHECK(gl_bundle_is(v));
	CHECK(gl_bundle_unwrap(v, &env, &elen, why, sizeof why) == 0);
	CHECK(strncmp(env, "{\"payload\":\"e30=\"", 16) == 0);
	free(env);
	jv_free(v);
	free(b);

	v = gl_json_parse("{\"payload\":\"\"}", 14);
	CHECK(!gl_bundle_is(v));
	jv_free(v);

	/* the rules, each with its own reason */
#define MT "\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\""
#define VM "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"h\"},\"tlogEntries\":[]}"
#define SIG1 "\"signatures\":[{\"keyid\":\"h\",\"sig\":\"AQID\"}]"
	CHECK(unwrap("{" MT "," VM ",\"dsseEnvelope\":{\"payload\":\"e30=\",\"payloadType\":\"x\"," SIG1 "}}",
	    why, sizeof why) == 0);
	CHECK(unwrap("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.4+json\"," VM
	    ",\"dsseEnvelope\":{" SIG1 "}}", why, sizeof why) == GL_EX_FAIL);
	CHECK(strstr(why, "mediaType") != NULL);
	CHECK(unwrap("{" MT ",\"dsseEnvelope\":{" SIG1 "}}", why, sizeof why) == GL_EX_DATA);
	CHECK(unwrap("{\"mediaType\":1}", why, sizeof why) == GL_EX_DATA);
	CHECK(unwrap("{" MT "," VM ",\"dsseEnvelope\":{" SIG1 "},\"messageSignature\":{}}",
	    why, sizeof why) == GL_EX_FAIL);
	CHECK(strcmp(why, "bundle holds both dsseEnvelope and messageSignature") == 0);
	CHECK(unwrap("{" MT ",\"verificationMaterial\":{\"publicKey\":{\"hint\":\"h\"},\"certificate\":{}},"
	    "\"dsseEnvelope\":{" SIG1 "}}", why, sizeof why) == GL_EX_FAIL);
	CHECK(unwrap("{" MT ",\"verificationMaterial\":{\"publicKey\":{}},\"dsseEnvelope\":{" SIG1 "}}",
	    why, sizeof why) == GL_EX_FAIL);
	CHECK(strcmp(why, "bundle has no verificationMaterial.publicKey.hint") == 0);
	CHECK(unwrap("{" MT "," VM ",\"dsseEnvelope\":{\"signatures\":[]}}", why, sizeof why) == GL_EX_FAIL);
	CHECK(unwrap("{" MT "," VM ",\"dsseEnvelope\":{\"signatures\":[{\"sig\":\"a\"},{\"sig\":\"a\"}]}}",
	    why, sizeof why) == GL_EX_FAIL);
	CHECK(strcmp(why, "bundle envelope does not have exactly one signature") == 0);
	CHECK(unwrap("{" MT "," VM ",\"dsseEnvelope\":{\"signatures\":[{\"keyid\":\"g\",\"sig\":\"a\"}]}}",
	    why, sizeof why) == GL_EX_FAIL);
	CHECK(strcmp(why, "bundle key hint and envelope keyid differ") == 0);
	/* an empty keyid, or an empty hint, is no mismatch */
	CHECK(unwrap("{" MT "," VM ",\"dsseEnvelope\":{\"signatures\":[{\"keyid\":\"\",\"sig\":\"a\"}]}}",
	    why, sizeof why) == 0);
	return t_done();
}
