#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "statement.h"
#include "t.h"

static jv
parse(const char *s)
{
	return gl_json_parse(s, strlen(s));
}

/* The statement as one compact sorted line, for substring checks. */
static int
has(jv st, const char *want)
{
	size_t n;
	char *s = gl_json_dump(jv_copy(st), &n);
	int ok = s != NULL && strstr(s, want) != NULL;

	free(s);
	return ok;
}

int
main(void)
{
	struct gl_statement s;
	char *argv[] = { "make", "a\xff" };
	char msg[200];
	jv v;

	/* a jail report with a bad part is refused, naming the part */
	gl_statement_init(&s);
	v = gl_statement_jail(&s, parse("{\"profile\":{\"name\":\"p\"}}"));
	CHECK(!jv_is_valid(v) && strcmp(gl_json_errmsg(v, msg, sizeof msg),
	    "profile needs a name and digest.sha256") == 0);
	v = gl_statement_jail(&s, parse("{\"project\":\"rel\"}"));
	CHECK(!jv_is_valid(v) && strcmp(gl_json_errmsg(v, msg, sizeof msg),
	    "project is not an absolute path") == 0);
	/* no command anywhere: invalid without a message */
	v = gl_statement_command(&s, 0, argv);
	CHECK(!jv_is_valid(v) && !jv_invalid_has_msg(v));
	v = gl_statement_command(&s, 2, argv);
	CHECK(!jv_is_valid(v) && strcmp(gl_json_errmsg(v, msg, sizeof msg),
	    "COMMAND: argument 1 is not UTF-8") == 0);
	gl_statement_free(&s);

	/* the jail report gives command, project, exit; the rest is absent */
	gl_statement_init(&s);
	s.id = "01234567-89ab-4def-8123-456789abcdef";
	s.started = s.finished = "2026-01-01T00:00:00Z";
	s.exitcode = 7;
	v = gl_statement_jail(&s, parse("{\"command\":[\"sh\"],\"project\":\"/w/proj//\"}"));
	CHECK(jv_get_kind(v) == JV_KIND_TRUE);
	CHECK(s.project != NULL && strcmp(s.project, "/w/proj//") == 0);
	CHECK(jv_get_kind(gl_statement_command(&s, 0, argv)) == JV_KIND_TRUE);
	gl_statement_sandbox(&s, "landlock", parse("{\"abi\":3}"));
	gl_statement_events(&s, NULL, jv_invalid(), 0, NULL);
	CHECK(jv_get_kind(gl_statement_diff(&s, jv_null())) == JV_KIND_TRUE);
	gl_statement_skipped(&s, "dir/attestation-0002.json",
	    "00000000000000000000000000000000000000000000000000000000000000ff");
	v = gl_statement_finish(&s);
	gl_statement_free(&s);
	CHECK(has(v, "\"externalParameters\":{\"command\":[\"sh\"],\"project\":\"proj\"}"));
	CHECK(has(v, "\"projectPath\":\"/w/proj\""));
	CHECK(has(v, "\"landlock\":{\"abi\":3}"));
	CHECK(has(v, "\"resolvedDependencies\":[]"));
	CHECK(has(v, "\"exit\":{\"code\":7}"));
	CHECK(has(v, "\"completenessNotes\":[\"no audit log was given\","
	    "\"no snapshot diff was given\"]"));
	CHECK(has(v, "\"materials\":false"));
	CHECK(has(v, "\"name\":\"attestation-0002.json\""));
	CHECK(has(v, "\"uri\":\"urn:uuid:01234567-89ab-4def-8123-456789abcdef\""));
	CHECK(has(v, "\"subject\":[]"));
	jv_free(v);
	return t_done();
}
