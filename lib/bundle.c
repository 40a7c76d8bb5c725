#include "bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsse.h"
#include "gl.h"
#include "json.h"

static jv
kv(const char *k, jv v)
{
	return jv_object_set(jv_object(), jv_string(k), v);
}

char *
gl_bundle_make(const char *type, size_t tlen, const void *payload,
    size_t plen, const unsigned char *sig, size_t siglen, const char *hint,
    size_t *outlen)
{
	jv env, vm, b;

	env = gl_dsse_envelope_jv(type, tlen, payload, plen, sig, siglen, hint);
	if (!jv_is_valid(env)) {
		jv_free(env);
		return NULL;
	}
	vm = kv("publicKey", kv("hint", jv_string(hint)));
	vm = jv_object_set(vm, jv_string("tlogEntries"), jv_array());
	b = kv("mediaType", jv_string(GL_BUNDLE_V03));
	b = jv_object_set(b, jv_string("verificationMaterial"), vm);
	b = jv_object_set(b, jv_string("dsseEnvelope"), env);
	return gl_dsse_line(b, outlen);
}

int
gl_bundle_is(jv doc)
{
	return jv_get_kind(doc) == JV_KIND_OBJECT &&
	    jv_object_has(jv_copy(doc), jv_string("mediaType"));
}

static int
has(jv o, const char *k)
{
	return jv_get_kind(o) == JV_KIND_OBJECT && jv_object_has(jv_copy(o), jv_string(k));
}

int
gl_bundle_unwrap(jv doc, char **env, size_t *envlen, char *why, size_t whysz)
{
	static const char *types[] = { GL_BUNDLE_V03,
	    "application/vnd.dev.sigstore.bundle+json;version=0.3" };
	jv vm = gl_json_get(doc, "verificationMaterial"), pk = jv_invalid();
	jv de = gl_json_get(doc, "dsseEnvelope"), sigs = jv_invalid(), s0 = jv_invalid();
	const char *mt = gl_json_str(doc, "mediaType"), *hint, *keyid;
	int rc = GL_EX_DATA;
	size_t i;

	*env = NULL;
	if (mt == NULL) {
		snprintf(why, whysz, "not a Sigstore bundle: mediaType is not a string");
		goto out;
	}
	for (i = 0; i < sizeof types / sizeof *types && strcmp(mt, types[i]) != 0; i++)
		;
	if (i == sizeof types / sizeof *types) {
		rc = GL_EX_FAIL;
		snprintf(why, whysz, "bundle mediaType is not %s", GL_BUNDLE_V03);
		goto out;
	}
	if (jv_get_kind(vm) != JV_KIND_OBJECT || jv_get_kind(de) != JV_KIND_OBJECT) {
		snprintf(why, whysz, "not a Sigstore bundle: verificationMaterial and "
		    "dsseEnvelope objects are required");
		goto out;
	}
	rc = GL_EX_FAIL;
	if (has(doc, "messageSignature")) {
		snprintf(why, whysz, "bundle holds both dsseEnvelope and messageSignature");
		goto out;
	}
	if (has(vm, "certificate") || has(vm, "x509CertificateChain")) {
		snprintf(why, whysz, "bundle verification material is a certificate, "
		    "not a public key hint");
		goto out;
	}
	pk = gl_json_get(vm, "publicKey");
	if (jv_get_kind(pk) != JV_KIND_OBJECT || (hint = gl_json_str(pk, "hint")) == NULL) {
		snprintf(why, whysz, "bundle has no verificationMaterial.publicKey.hint");
		goto out;
	}
	sigs = gl_json_get(de, "signatures");
	if (jv_get_kind(sigs) != JV_KIND_ARRAY || jv_array_length(jv_copy(sigs)) != 1) {
		snprintf(why, whysz, "bundle envelope does not have exactly one signature");
		goto out;
	}
	s0 = jv_array_get(jv_copy(sigs), 0);
	keyid = gl_json_str(s0, "keyid");
	if (keyid != NULL && keyid[0] != '\0' && hint[0] != '\0' && strcmp(keyid, hint) != 0) {
		snprintf(why, whysz, "bundle key hint and envelope keyid differ");
		goto out;
	}
	if ((*env = gl_json_dump(jv_copy(de), envlen)) == NULL) {
		snprintf(why, whysz, "out of memory");
		rc = GL_EX_SYS;
		goto out;
	}
	rc = 0;
out:
	jv_free(vm);
	jv_free(pk);
	jv_free(de);
	jv_free(sigs);
	jv_free(s0);
	return rc;
}
