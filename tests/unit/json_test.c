#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "json.h"
#include "utf8.h"
#include "t.h"

static int
ok(const char *s)
{
	char why[160];
	return gl_json_check(s, strlen(s), 0, why, sizeof why) == 0;
}

int
main(void)
{
	char why[160], *out;
	size_t n;
	jv v;

	CHECK(ok("{}"));
	CHECK(ok(" [1, -2, \"a\", true, false, null, {\"a\":{}}] \n"));
	CHECK(ok("9007199254740992"));
	CHECK(!ok("9007199254740993"));
	CHECK(!ok("1.5"));
	CHECK(gl_json_check("1.5e3", 5, 1, why, sizeof why) == 0);
	CHECK(!ok("nan"));
	CHECK(!ok("{\"a\":1,\"a\":2}"));
	CHECK(!ok("{\"a\":1,\"\\u0061\":2}"));
	CHECK(!ok("\"\\udc80\""));
	CHECK(ok("\"\\ud83d\\ude00\""));
	CHECK(!ok("\"\xff\""));
	CHECK(!ok("{} x"));
	/* empty keys (package-lock.json's "" package) compare without memcmp(NULL) */
	CHECK(ok("{\"\":1,\"a\":2}"));
	CHECK(ok("{\"a\":{\"\":1},\"\":{\"\":2}}"));
	CHECK(!ok("{\"\":1,\"\":2}"));
	CHECK(!ok("{\"a\":"));
	CHECK(!ok("01"));
	CHECK(!ok(""));
	gl_json_check("{\"a\":1,\"a\":2}", 13, 0, why, sizeof why);
	CHECK(strstr(why, "duplicate key \"a\"") != NULL);

	v = gl_json_parse("{\"b\":1,\"a\":[true]}", 18);
	CHECK(jv_is_valid(v));
	out = gl_json_dump(v, &n);
	CHECK(strcmp(out, "{\"a\":[true],\"b\":1}") == 0);
	free(out);

	v = gl_utf8_set_name(jv_object(), "path", "bad\xff", 4);
	CHECK(strcmp(gl_json_str(v, "path_b64"), "YmFk/w==") == 0);
	out = gl_utf8_get_name(v, "path", &n);
	CHECK(n == 4 && memcmp(out, "bad\xff", 4) == 0);
	free(out);
	jv_free(v);

	out = gl_utf8_pct_encode("a%b\xff" "c\xc3\xa9", 7);
	CHECK(strcmp(out, "a%25b%FFc\xc3\xa9") == 0);
	free(out);

	CHECK(gl_b64_decode("aGk", 3, &out, &n) == 0 && n == 2 && memcmp(out, "hi", 2) == 0);
	free(out);
	CHECK(gl_b64_decode("j-8_", 4, &out, &n) == 0 && n == 3);
	free(out);
	CHECK(gl_b64_decode("a", 1, &out, &n) < 0);
	CHECK(gl_b64_decode("aG=k", 4, &out, &n) < 0);
	return t_done();
}
