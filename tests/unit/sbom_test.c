/* sbom: document layout, sorting by bom-ref, the serial number. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sbom.h"
#include "t.h"

static jv
parse(const char *s)
{
	return gl_json_parse(s, strlen(s));
}

static char *
dump(jv v)
{
	size_t n;

	return gl_json_dump(v, &n);
}

int
main(void)
{
	jv a, b;
	char *s, *t;

	a = gl_sbom_document(parse("{\"b\":{\"bom-ref\":\"b\"},\"a\":{\"bom-ref\":\"a\"}}"),
	    parse("{\"project\":{\"b\":true,\"a\":true},\"a\":{}}"), jv_array(), "1.6",
	    "2026-01-01T00:00:00Z", "a%b");
	CHECK(jv_is_valid(a));
	s = dump(jv_copy(a));
	CHECK(s != NULL && strstr(s, "\"components\":[{\"bom-ref\":\"a\"},{\"bom-ref\":\"b\"}]") != NULL);
	CHECK(s != NULL && strstr(s, "\"dependencies\":[{\"dependsOn\":[],\"ref\":\"a\"},"
	    "{\"dependsOn\":[\"a\",\"b\"],\"ref\":\"project\"}]") != NULL);
	CHECK(s != NULL && strstr(s, "\"name\":\"a%25b\"") != NULL);
	CHECK(s != NULL && strstr(s, "\"specVersion\":\"1.6\"") != NULL);
	CHECK(s != NULL && strstr(s, "\"serialNumber\":\"urn:uuid:") != NULL);

	/* the same input gives the same serial; another timestamp another */
	b = gl_sbom_document(parse("{\"a\":{\"bom-ref\":\"a\"},\"b\":{\"bom-ref\":\"b\"}}"),
	    parse("{\"a\":{},\"project\":{\"a\":true,\"b\":true}}"), jv_array(), "1.6",
	    "2026-01-01T00:00:00Z", "a%b");
	t = dump(jv_copy(b));
	CHECK(s != NULL && t != NULL && strcmp(s, t) == 0);
	free(t);
	jv_free(b);
	b = gl_sbom_document(jv_object(), jv_object(), jv_array(), "1.5", "2026-01-01T00:00:01Z", "");
	t = dump(jv_copy(b));
	CHECK(t != NULL && strstr(t, "\"name\":\"project\"") != NULL);
	CHECK(jv_equal(jv_object_get(jv_copy(a), jv_string("serialNumber")),
	    jv_object_get(jv_copy(b), jv_string("serialNumber"))) == 0);
	free(s);
	free(t);
	jv_free(a);
	jv_free(b);
	return t_done();
}
