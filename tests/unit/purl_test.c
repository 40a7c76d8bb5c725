/* purl: encoding, the generic builder and parser against the purl-spec test
 * cases (tests/fixtures/purl/spec-cases.json), Cargo sources, UUIDv5. */
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "json.h"
#include "purl.h"
#include "uuid.h"
#include "t.h"

static int
is(char *got, const char *want)
{
	int r = got != NULL && want != NULL && strcmp(got, want) == 0;

	if (!r)
		fprintf(stderr, "got %s, want %s\n", got ? got : "(null)", want ? want : "(null)");
	free(got);
	return r;
}

/* "x" of obj, or NULL for null or absent */
static const char *
field(jv obj, const char *k)
{
	return gl_json_str(obj, k);
}

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* qualifiers {k: v} as a NULL-terminated k, v list (pointers into q) */
static const char **
quals(jv q)
{
	int n = jv_get_kind(q) == JV_KIND_OBJECT ? jv_object_length(jv_copy(q)) : 0, i = 0;
	const char **l = calloc((size_t)(2 * n + 1), sizeof *l);

	if (l == NULL || n == 0)
		return l;
	jv_object_foreach(q, k, v) {
		l[i++] = jv_string_value(k);
		l[i++] = jv_string_value(v);
		/* the strings stay alive in q */
		jv_free(k);
		jv_free(v);
	}
	return l;
}

static int
run_case(jv c)
{
	const char *type = field(c, "test_type");
	int fail = jv_equal(gl_json_get(c, "expected_failure"), jv_true()), ok = 0;
	jv in = gl_json_get(c, "input"), want = gl_json_get(c, "expected_output");

	if (strcmp(type, "build") == 0) {
		jv q = gl_json_get(in, "qualifiers");
		const char **l = quals(q);
		char *got = gl_purl_build(field(in, "type"), field(in, "namespace"),
		    field(in, "name"), field(in, "version"), l && l[0] ? l : NULL,
		    field(in, "subpath"));
		ok = fail ? got == NULL : is(got, jv_string_value(want));
		if (fail)
			free(got);
		free(l);
		jv_free(q);
	} else if (strcmp(type, "validate") == 0 || strcmp(type, "roundtrip") == 0) {
		char *got = gl_purl_canonical(jv_string_value(in));
		ok = fail ? got == NULL : is(got, jv_string_value(want));
		if (fail)
			free(got);
	} else if (strcmp(type, "parse") == 0) {
		struct gl_purl p;
		int r = gl_purl_parse(jv_string_value(in), &p);
		if (fail) {
			ok = r < 0;
			if (r == 0)
				gl_purl_free(&p);
		} else if (r == 0) {
			jv q = gl_json_get(want, "qualifiers");
			int nq = jv_get_kind(q) == JV_KIND_OBJECT ? jv_object_length(jv_copy(q)) : 0, i;
			ok = same(p.type, field(want, "type")) && same(p.ns, field(want, "namespace")) &&
			    same(p.name, field(want, "name")) &&
			    same(p.version, field(want, "version")) &&
			    same(p.subpath, field(want, "subpath"));
			for (i = 0; ok && p.quals && p.quals[2 * i]; i++)
				ok = same(p.quals[2 * i + 1], field(q, p.quals[2 * i]));
			ok = ok && i == nq;
			jv_free(q);
			gl_purl_free(&p);
		}
	}
	if (!ok)
		fprintf(stderr, "purl case failed: %s %s\n", type,
		    jv_get_kind(in) == JV_KIND_STRING ? jv_string_value(in) : field(in, "name"));
	jv_free(in);
	jv_free(want);
	return ok;
}

int
main(int argc, char **argv)
{
	const char *cases = argc > 1 ? argv[1] : "tests/fixtures/purl/spec-cases.json";
	char u[GL_UUID_LEN], *vcs;
	struct gl_purl p;
	int sys = 0, n = 0;
	jv doc, tests;

	CHECK(is(gl_purl_encode("a+b@c/d e:f~_.-%"), "a%2Bb%40c%2Fd%20e:f~_.-%25"));
	CHECK(is(gl_purl_encode("caf\xc3\xa9"), "caf%C3%A9"));
	CHECK(is(gl_purl_cargo("rand", "0.7.2", "registry+https://github.com/rust-lang/crates.io-index", NULL),
	    "pkg:cargo/rand@0.7.2"));
	CHECK(is(gl_purl_cargo("rand", "0.7.2", "sparse+https://index.crates.io/", NULL),
	    "pkg:cargo/rand@0.7.2"));
	CHECK(is(gl_purl_cargo("x", "1.0.0+meta", "registry+https://my.reg/index", NULL),
	    "pkg:cargo/x@1.0.0%2Bmeta?repository_url=https:%2F%2Fmy.reg%2Findex"));
	CHECK(is(gl_purl_cargo("foo", "0.1.0",
	    "git+https://github.com/o/r?branch=main#0123456789abcdef0123456789abcdef01234567", &vcs),
	    "pkg:cargo/foo@0.1.0?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fo%2Fr%400123456789abcdef0123456789abcdef01234567"));
	CHECK(is(vcs, "https://github.com/o/r"));
	CHECK(gl_purl_cargo("foo", "1", "git+https://github.com/o/r", &vcs) == NULL && vcs == NULL);
	CHECK(gl_purl_cargo("foo", "1", "path+file:///x", NULL) == NULL);
	CHECK(gl_purl_cargo("foo", "1", "git+#abc", NULL) == NULL);

	/* the builder: B23's scoped npm name, qualifiers sorted, empty ones dropped */
	CHECK(is(gl_purl_build("npm", "@angular", "animations", "9.1.4", NULL, NULL),
	    "pkg:npm/%40angular/animations@9.1.4"));
	CHECK(is(gl_purl_build("gem", NULL, "nokogiri", "1.16.0", (const char *[]){ "vcs_url", "",
	    "platform", "x86_64-linux", NULL }, NULL), "pkg:gem/nokogiri@1.16.0?platform=x86_64-linux"));
	CHECK(gl_purl_build("npm", "a//b", "c", NULL, NULL, NULL) == NULL);
	CHECK(gl_purl_build("npm", NULL, "", NULL, NULL, NULL) == NULL);
	CHECK(gl_purl_build("npm", NULL, "a", NULL, (const char *[]){ "k", "1", "k", "2", NULL },
	    NULL) == NULL);
	CHECK(gl_purl_parse("pkg:npm/a@1?x=%zz", &p) < 0);
	CHECK(gl_purl_parse("pkg:npm/", &p) < 0);
	CHECK(gl_purl_parse("pkg:npm/%40s/x@1#a/../b", &p) == 0 && strcmp(p.ns, "@s") == 0 &&
	    strcmp(p.subpath, "a/b") == 0);
	gl_purl_free(&p);

	/* the purl-spec cases */
	doc = gl_json_read_file(cases, 1 << 20, &sys);
	CHECK(jv_is_valid(doc));
	tests = gl_json_get(doc, "tests");
	if (jv_get_kind(tests) == JV_KIND_ARRAY)
		jv_array_foreach(tests, i, c) {
			CHECK(run_case(c));
			n++;
			jv_free(c);
		}
	CHECK(n >= 25);
	jv_free(tests);
	jv_free(doc);

	/* RFC 9562 / Python uuid.uuid5(NAMESPACE_DNS, "python.org") */
	CHECK(gl_uuid_v5(gl_uuid_ns_dns, "python.org", 10, u) == 0);
	CHECK(strcmp(u, "886313e1-3b8a-5372-9b90-0c9aee199e5d") == 0);
	CHECK(gl_uuid_v5(gl_uuid_ns_sbom, "", 0, u) == 0 && u[14] == '5' && strchr("89ab", u[19]) != NULL);
	return t_done();
}
