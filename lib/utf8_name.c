/*
 * utf8_name: a file name in JSON, as "key" when its bytes are valid UTF-8
 * and as "key_b64" otherwise.  Apart from utf8.c because base64 is
 * OpenSSL's: a tool that never writes a name (gl-landlock, whose start is
 * on every jail's path) then does not load libcrypto.
 */
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"

jv
gl_utf8_set_name(jv obj, const char *key, const char *name, size_t len)
{
	char k64[64];
	char *enc;

	if (gl_utf8_valid(name, len))
		return jv_object_set(obj, jv_string(key), jv_string_sized(name, (int)len));
	snprintf(k64, sizeof k64, "%s_b64", key);
	if ((enc = gl_b64_encode(name, len)) == NULL) {
		jv_free(obj);
		return jv_invalid_with_msg(jv_string("out of memory"));
	}
	obj = jv_object_set(obj, jv_string(k64), jv_string(enc));
	free(enc);
	return obj;
}

char *
gl_utf8_get_name(jv obj, const char *key, size_t *len)
{
	char k64[64];
	jv v;
	char *out = NULL;
	size_t n;

	if (jv_get_kind(obj) != JV_KIND_OBJECT)
		return NULL;
	v = jv_object_get(jv_copy(obj), jv_string(key));
	if (jv_get_kind(v) == JV_KIND_STRING) {
		n = (size_t)jv_string_length_bytes(jv_copy(v));
		if ((out = malloc(n + 1)) != NULL) {
			memcpy(out, jv_string_value(v), n);
			out[n] = '\0';
			*len = n;
		}
		jv_free(v);
		return out;
	}
	jv_free(v);
	snprintf(k64, sizeof k64, "%s_b64", key);
	v = jv_object_get(jv_copy(obj), jv_string(k64));
	if (jv_get_kind(v) == JV_KIND_STRING)
		if (gl_b64_decode(jv_string_value(v),
		    (size_t)jv_string_length_bytes(jv_copy(v)), &out, len) < 0)
			out = NULL;
	jv_free(v);
	return out;
}
