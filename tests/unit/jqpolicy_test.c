/* jqpolicy: jq programs as policies, and libjq 1.6's traps closed. */
#include <stdlib.h>
#include <string.h>

#include "jqpolicy.h"
#include "json.h"
#include "t.h"

static jv st;

/* run prog over st: the verdict, the reason in why */
static int
run(const char *prog, char *why, size_t whysz, jv *viol)
{
	struct gl_jqpolicy *p = gl_jqpolicy_compile(prog, strlen(prog), why, whysz);
	int rc;

	*viol = jv_invalid();
	if (p == NULL)
		return -2;
	rc = gl_jqpolicy_run(p, st, viol, why, whysz);
	/* compiled once, run again: the same answer */
	if (rc >= 0) {
		jv again = jv_invalid();
		char w2[256];
		CHECK(gl_jqpolicy_run(p, st, &again, w2, sizeof w2) == rc);
		jv_free(again);
	}
	gl_jqpolicy_free(p);
	return rc;
}

int
main(void)
{
	char why[256];
	jv v;

	{
		static const char doc[] = "{\"_type\":\"t\",\"subject\":[{\"name\":\"a\"},{\"name\":\"src/b\"}]}";
		st = gl_json_parse(doc, sizeof doc - 1);
	}
	CHECK(jv_is_valid(st));
	CHECK(run("true", why, sizeof why, &v) == 0);
	CHECK(run("[]", why, sizeof why, &v) == 0);
	CHECK(run("true, []", why, sizeof why, &v) == 0);
	CHECK(run("[.subject[] | select(.name | startswith(\"src/\") | not) | .name]",
	    why, sizeof why, &v) == 1);
	CHECK(strcmp(why, "a") == 0 && jv_array_length(jv_copy(v)) == 1);
	jv_free(v);
	CHECK(run("{rule:\"x\"}", why, sizeof why, &v) == 1 && strcmp(why, "{\"rule\":\"x\"}") == 0);
	jv_free(v);
	CHECK(run("false", why, sizeof why, &v) == 1);
	jv_free(v);
	CHECK(run("true, \"late\"", why, sizeof why, &v) == 1);
	jv_free(v);

	/* error(null) is an error, not "no more outputs" */
	CHECK(run("error(null)", why, sizeof why, &v) == -1);
	CHECK(strcmp(why, "policy called error(null)") == 0);
	CHECK(run("true, error(null)", why, sizeof why, &v) == -1);
	CHECK(run("empty", why, sizeof why, &v) == -1);
	CHECK(run("error({a:1})", why, sizeof why, &v) == -1 && strcmp(why, "{\"a\":1}") == 0);
	CHECK(run("halt_error(3)", why, sizeof why, &v) == -1);
	CHECK(run("limit(2000; repeat(true))", why, sizeof why, &v) == -1);
	CHECK(strcmp(why, "more than 1000 outputs") == 0);
	/* no environment, no input, no files */
	CHECK(run("if $ENV == {} and env == {} then true else \"env\" end", why, sizeof why, &v) == 0);
	CHECK(run("input", why, sizeof why, &v) == -1);
	CHECK(run("import \"a\" as a; true", why, sizeof why, &v) == -2);
	CHECK(run("include \"a\"; true", why, sizeof why, &v) == -2);
	CHECK(run("true |", why, sizeof why, &v) == -2);
	CHECK(strchr(why, '\n') == NULL);
	CHECK(run("def f: .; f | true", why, sizeof why, &v) == 0);
	{
		char bad[] = "tr\xffue";
		CHECK(gl_jqpolicy_compile(bad, 5, why, sizeof why) == NULL);
	}
	jv_free(st);
	return t_done();
}
