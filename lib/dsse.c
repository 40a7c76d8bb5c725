#include "dsse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "b64.h"
#include "gl.h"
#include "json.h"
#include "key.h"

int
gl_dsse_pae(const char *type, size_t tlen, const void *body, size_t blen,
    unsigned char **out, size_t *outlen)
{
	char head[64], mid[32];
	int hn, mn;
	unsigned char *p;
	size_t n;

	hn = snprintf(head, sizeof head, "DSSEv1 %zu ", tlen);
	mn = snprintf(mid, sizeof mid, " %zu ", blen);
	if (hn < 0 || mn < 0 || tlen > SIZE_MAX / 2 || blen > SIZE_MAX / 2) {
		errno = EOVERFLOW;
		return -1;
	}
	n = (size_t)hn + tlen + (size_t)mn + blen;
	if ((p = malloc(n + 1)) == NULL)
		return -1;
	memcpy(p, head, (size_t)hn);
	memcpy(p + hn, type, tlen);
	memcpy(p + (size_t)hn + tlen, mid, (size_t)mn);
	if (blen > 0)
		memcpy(p + (size_t)hn + tlen + (size_t)mn, body, blen);
	p[n] = '\0';
	*out = p;
	*outlen = n;
	return 0;
}

jv
gl_dsse_envelope_jv(const char *type, size_t tlen, const void *payload,
    size_t plen, const unsigned char *sig, size_t siglen, const char *keyid)
{
	char *pb = NULL, *sb = NULL;
	jv env = jv_invalid(), s;

	if ((pb = gl_b64_encode(payload, plen)) == NULL ||
	    (sb = gl_b64_encode(sig, siglen)) == NULL)
		goto out;
	s = jv_object_set(jv_object(), jv_string("keyid"), jv_string(keyid));
	s = jv_object_set(s, jv_string("sig"), jv_string(sb));
	env = jv_object_set(jv_object(), jv_string("payload"), jv_string(pb));
	env = jv_object_set(env, jv_string("payloadType"),
	    jv_string_sized(type, (int)tlen));
	env = jv_object_set(env, jv_string("signatures"),
	    jv_array_append(jv_array(), s));
out:
	free(pb);
	free(sb);
	return env;
}

char *
gl_dsse_line(jv v, size_t *outlen)
{
	char *out, *q;
	size_t n;

	if (!jv_is_valid(v)) {
		jv_free(v);
		return NULL;
	}
	if ((out = gl_json_dump(v, &n)) == NULL)
		return NULL;
	/* gl_json_dump leaves room for the NUL: reallocate for the newline */
	if ((q = realloc(out, n + 2)) == NULL) {
		free(out);
		return NULL;
	}
	q[n] = '\n';
	q[n + 1] = '\0';
	*outlen = n + 1;
	return q;
}

char *
gl_dsse_envelope(const char *type, size_t tlen, const void *payload,
    size_t plen, const unsigned char *sig, size_t siglen, size_t *outlen)
{
	return gl_dsse_line(gl_dsse_envelope_jv(type, tlen, payload, plen, sig,
	    siglen, ""), outlen);
}

/* A string member: copies bytes; 0, or -1 when absent or not a string. */
static int
member(jv obj, const char *key, char **s, size_t *n)
{
	jv v = gl_json_get(obj, key);
	int rc = -1;

	if (jv_get_kind(v) == JV_KIND_STRING) {
		*n = (size_t)jv_string_length_bytes(jv_copy(v));
		if ((*s = malloc(*n + 1)) != NULL) {
			memcpy(*s, jv_string_value(v), *n);
			(*s)[*n] = '\0';
			rc = 0;
		}
	}
	jv_free(v);
	return rc;
}

static int
shape(char *why, size_t whysz, const char *msg)
{
	snprintf(why, whysz, "not a DSSE envelope: %s", msg);
	return GL_EX_DATA;
}

int
gl_dsse_parse(const char *buf, size_t len, struct gl_dsse *env, char *why,
    size_t whysz)
{
	char jwhy[160];
	char *b64 = NULL;
	size_t n, i, count;
	jv doc, sigs = jv_invalid(), s, k;
	int rc;

	memset(env, 0, sizeof *env);
	if (gl_json_check(buf, len, 0, jwhy, sizeof jwhy) < 0) {
		snprintf(why, whysz, "envelope is not valid JSON: %s", jwhy);
		return GL_EX_DATA;
	}
	doc = jv_parse_sized(buf, (int)len);
	if (jv_get_kind(doc) != JV_KIND_OBJECT) {
		rc = shape(why, whysz, "not an object");
		goto out;
	}
	if (!jv_object_has(jv_copy(doc), jv_string("payload")) ||
	    !jv_object_has(jv_copy(doc), jv_string("payloadType")) ||
	    !jv_object_has(jv_copy(doc), jv_string("signatures"))) {
		rc = shape(why, whysz, "payload, payloadType and signatures are required");
		goto out;
	}
	if (member(doc, "payloadType", &env->type, &env->typelen) < 0) {
		rc = shape(why, whysz, "payloadType is not a string");
		goto out;
	}
	if (member(doc, "payload", &b64, &n) < 0) {
		rc = shape(why, whysz, "payload is not a string");
		goto out;
	}
	sigs = gl_json_get(doc, "signatures");
	if (jv_get_kind(sigs) != JV_KIND_ARRAY) {
		rc = shape(why, whysz, "signatures is not an array");
		goto out;
	}
	count = (size_t)jv_array_length(jv_copy(sigs));
	for (i = 0; i < count; i++) {
		jv sv;
		s = jv_array_get(jv_copy(sigs), (int)i);
		k = gl_json_get(s, "keyid");
		sv = gl_json_get(s, "sig");
		rc = jv_get_kind(s) != JV_KIND_OBJECT ||
		    jv_get_kind(sv) != JV_KIND_STRING ||
		    (jv_is_valid(k) && jv_get_kind(k) != JV_KIND_STRING &&
		    jv_get_kind(k) != JV_KIND_NULL);
		jv_free(sv);
		jv_free(k);
		jv_free(s);
		if (rc) {
			rc = shape(why, whysz, "each signature needs a string sig");
			goto out;
		}
	}
	if (gl_b64_decode(b64, n, &env->payload, &env->len) < 0) {
		snprintf(why, whysz, "payload is not base64");
		rc = GL_EX_FAIL;
		goto out;
	}
	if (count > 0 && (env->sigs = calloc(count, sizeof *env->sigs)) == NULL) {
		snprintf(why, whysz, "out of memory");
		rc = GL_EX_SYS;
		goto out;
	}
	for (i = 0; i < count; i++) {
		char *sb;
		size_t sn;
		s = jv_array_get(jv_copy(sigs), (int)i);
		rc = member(s, "sig", &sb, &sn);
		jv_free(s);
		if (rc < 0) {
			snprintf(why, whysz, "out of memory");
			rc = GL_EX_SYS;
			goto out;
		}
		rc = gl_b64_decode(sb, sn, (char **)&env->sigs[i].sig, &env->sigs[i].len);
		free(sb);
		if (rc < 0) {
			snprintf(why, whysz, "signature %zu is not base64", i + 1);
			rc = GL_EX_FAIL;
			goto out;
		}
		env->nsigs = i + 1;
	}
	rc = 0;
out:
	free(b64);
	jv_free(sigs);
	jv_free(doc);
	if (rc != 0)
		gl_dsse_free(env);
	return rc;
}

void
gl_dsse_free(struct gl_dsse *env)
{
	size_t i;

	for (i = 0; i < env->nsigs; i++)
		free(env->sigs[i].sig);
	free(env->sigs);
	free(env->type);
	free(env->payload);
	memset(env, 0, sizeof *env);
}

int
gl_dsse_verify(const struct gl_dsse *env, EVP_PKEY *const *keys, size_t nkeys,
    int *first)
{
	unsigned char *pae;
	size_t plen, i, j, k;
	int count = 0, r, dup;

	*first = -1;
	if (gl_dsse_pae(env->type, env->typelen, env->payload, env->len, &pae,
	    &plen) < 0)
		return -1;
	for (i = 0; i < nkeys; i++) {
		/* one key counts once, however it was encoded (compressed
		 * point, explicit curve parameters) or how often it was given */
		for (dup = 0, k = 0; k < i && !dup; k++)
			dup = EVP_PKEY_eq(keys[k], keys[i]) == 1;
		if (dup)
			continue;
		for (j = 0; j < env->nsigs; j++) {
			r = gl_key_verify(keys[i], pae, plen, env->sigs[j].sig,
			    env->sigs[j].len);
			if (r < 0) {
				free(pae);
				return -1;
			}
			if (r == 1) {
				if (*first < 0)
					*first = (int)i;
				count++;
				break;
			}
		}
	}
	free(pae);
	return count;
}
