/* sbom: document layout, sorting by bom-ref, the serial number. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lockfile.h"
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

	/* the fast writer gives jq's sorted compact bytes, escapes included */
	{
		const char *docs[] = {
			"{\"b\":[1,true,false,null,{}],\"a\":\"q\\\"\\\\\\n\\t\\r\\b\\f\\u0001\\u007f/\"}",
			"{\"z\":{\"y\":[],\"\":\"caf\u00e9 \\ud83d\\ude03\"},\"\\u0000k\":9007199254740991}",
			"[-5,0,\"\"]",
		};
		size_t i, n1, n2;
		for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
			/* jv_parse: lib/json.c's checker trips UBSan on an empty key */
			s = gl_sbom_dump(jv_parse(docs[i]), &n1);
			t = gl_json_dump(jv_parse(docs[i]), &n2);
			CHECK(s != NULL && t != NULL && n1 == n2 && memcmp(s, t, n1) == 0);
			free(s);
			free(t);
		}
	}

	/* SRI to hex with the algorithm's name; a wrong length is refused */
	a = jv_array();
	CHECK(gl_sbom_sri(&a, "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk= sha512-"
	    "z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==") == 0);
	s = dump(a);
	CHECK(s != NULL && strcmp(s, "[{\"alg\":\"SHA-1\",\"content\":\"da39a3ee5e6b4b0d3255bfef95601890afd80709\"},"
	    "{\"alg\":\"SHA-512\",\"content\":\"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
	    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e\"}]") == 0);
	free(s);
	a = jv_array();
	CHECK(gl_sbom_sri(&a, "sha256-2jmj7l5rSw0yVb/vlWAYkK/YBwk=") < 0);
	CHECK(gl_sbom_sri(&a, "md4-AAAA") < 0 && gl_sbom_sri(&a, "") < 0);
	jv_free(a);
	CHECK(jv_get_kind(gl_sbom_hash("SHA-384", "00")) == JV_KIND_NULL);
	a = gl_sbom_hash("SHA-1", "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709");
	CHECK(strcmp(gl_json_str(a, "content"), "da39a3ee5e6b4b0d3255bfef95601890afd80709") == 0);
	jv_free(a);

	/* two lockfiles pin the same package: one component, the least
	 * restrictive scope, both lockfiles named; other content, another ref */
	{
		jv comps = jv_object(), deps = jv_object(), c;
		gl_sbom_add(&comps, &deps, "npm", "a/package-lock.json", parse(
		    "{\"pkgs\":[{\"name\":\"x\",\"version\":\"1\",\"purl\":\"pkg:npm/x@1\","
		    "\"scope\":\"excluded\",\"deps\":[]},{\"name\":\"w\",\"local\":\"/home/u/w\","
		    "\"deps\":[0]}],\"direct\":[1]}"));
		gl_sbom_add(&comps, &deps, "npm", "b/yarn.lock", parse(
		    "{\"pkgs\":[{\"name\":\"x\",\"version\":\"1\",\"purl\":\"pkg:npm/x@1\","
		    "\"deps\":[]}],\"direct\":[0]}"));
		gl_sbom_add(&comps, &deps, "npm", "c/yarn.lock", parse(
		    "{\"pkgs\":[{\"name\":\"x\",\"version\":\"1\",\"purl\":\"pkg:npm/x@1\","
		    "\"hashes\":[{\"alg\":\"SHA-1\",\"content\":\"da39a3ee5e6b4b0d3255bfef95601890afd80709\"}],"
		    "\"deps\":[]}],\"direct\":[0]}"));
		c = jv_object_get(jv_copy(comps), jv_string("pkg:npm/x@1"));
		s = dump(c);
		CHECK(s != NULL && strstr(s, "scope") == NULL && strstr(s, "a/package-lock.json") &&
		    strstr(s, "b/yarn.lock") && !strstr(s, "c/yarn.lock"));
		free(s);
		CHECK(jv_object_has(jv_copy(comps), jv_string("pkg:npm/x@1 (c/yarn.lock)")));
		c = jv_object_get(jv_copy(comps), jv_string("npm-local:a/package-lock.json#w@"));
		s = dump(c);
		CHECK(s != NULL && strstr(s, "(outside the project)") && !strstr(s, "/home/u"));
		free(s);
		s = dump(jv_copy(deps));
		CHECK(s != NULL && strstr(s, "\"npm-local:a/package-lock.json#w@\":{\"pkg:npm/x@1\":true}"));
		free(s);

		/* compared with a BOM that had x@0 and y: x changed, y removed, w added */
		b = parse("{\"bomFormat\":\"CycloneDX\",\"components\":[{\"bom-ref\":\"pkg:npm/x@0\","
		    "\"name\":\"x\",\"version\":\"0\",\"purl\":\"pkg:npm/x@0\"},{\"bom-ref\":\"y\","
		    "\"name\":\"y\",\"purl\":\"pkg:npm/y@2\"}]}");
		a = jv_array();
		c = gl_sbom_compare(b, &comps, &a);
		s = dump(jv_object_get(jv_copy(c), jv_string("counts")));
		CHECK(s != NULL && strcmp(s, "{\"added\":2,\"changed\":1,\"components\":3,\"removed\":1}") == 0);
		free(s);
		s = dump(a);
		CHECK(s != NULL && strcmp(s, "[{\"name\":\"gleisner:removed\",\"value\":\"y\"}]") == 0);
		free(s);
		jv_free(c);
		a = jv_array();
		c = gl_sbom_compare(parse("{\"bomFormat\":\"SPDX\"}"), &comps, &a);
		CHECK(!jv_is_valid(c));
		jv_free(c);
		jv_free(a);

		/* the checks: our document passes, a dangling edge does not */
		a = gl_sbom_bare(comps, deps, jv_array(), "1.5", "2026-01-01T00:00:00Z", "p");
		b = gl_sbom_check(jv_copy(a), 1);
		CHECK(jv_array_length(b) == 0);
		a = jv_setpath(a, parse("[\"dependencies\",0,\"dependsOn\"]"), parse("[\"nope\",\"nope\"]"));
		b = gl_sbom_check(a, 1);
		s = dump(b);
		CHECK(s != NULL && strstr(s, "dependsOn nope names no component") && strstr(s, "dependsOn nope twice"));
		free(s);
	}
	return t_done();
}
