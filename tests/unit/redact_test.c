#include <stdlib.h>
#include <string.h>

#include "procconn.h"
#include "redact.h"
#include "t.h"

/* argv from a NUL-separated list, redacted, joined with '|' */
static char *
redact(const char *list, size_t len, int *n)
{
	char **v = NULL, *out;
	size_t c = 0, i, total = 1;
	const char *p;

	for (p = list; p < list + len; p += strlen(p) + 1) {
		v = realloc(v, (c + 1) * sizeof *v);
		v[c++] = strdup(p);
	}
	*n = gl_redact_argv(v, c);
	for (i = 0; i < c; i++)
		total += strlen(v[i]) + 1;
	out = calloc(1, total);
	for (i = 0; i < c; i++) {
		if (i)
			strcat(out, "|");
		strcat(out, v[i]);
		free(v[i]);
	}
	free(v);
	return out;
}

#define R(lit, want, wantn) do { \
	int n_; char *o_ = redact(lit, sizeof lit - 1, &n_); \
	CHECK(strcmp(o_, want) == 0 && n_ == (wantn)); \
	if (strcmp(o_, want) != 0) fprintf(stderr, "got %s\n", o_); \
	free(o_); } while (0)

int
main(void)
{
	unsigned long long nred = 0;
	jv a;

	/* names of secrets, any case; author is not one, authorization is */
	CHECK(gl_redact_secret_name("GITHUB_TOKEN", 12));
	CHECK(gl_redact_secret_name("--Password", 10));
	CHECK(gl_redact_secret_name("Authorization", 13));
	CHECK(!gl_redact_secret_name("--author", 8));
	CHECK(!gl_redact_secret_name("GIT_AUTHOR_NAME", 15));
	CHECK(!gl_redact_secret_name("--verbose", 9));
	/* values that are credentials by their shape */
	CHECK(gl_redact_secret_value("ghp_abcdefghijklmnopqrstuvwxyz0123456789"));
	CHECK(gl_redact_secret_value("AKIAIOSFODNN7EXAMPLE"));
	CHECK(gl_redact_secret_value("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"));
	CHECK(gl_redact_secret_value("https://user:pw@example.com/x"));
	CHECK(!gl_redact_secret_value("https://example.com/a:b@c"));
	CHECK(!gl_redact_secret_value("sk-"));
	CHECK(!gl_redact_secret_value("hello"));

	R("curl\0-H\0Authorization: Bearer x\0https://h/", "curl|-H|Authorization:[REDACTED]|https://h/", 1);
	R("env\0API_KEY=v\0PATH=/bin\0x", "env|API_KEY=[REDACTED]|PATH=/bin|x", 1);
	R("tool\0--token\0abc\0--token\0--next", "tool|--token|[REDACTED]|--token|--next", 1);
	R("tool\0--password=\0--secret=x", "tool|--password=|--secret=[REDACTED]", 1);
	R("git\0commit\0--author=A <a@b>\0-m\0msg", "git|commit|--author=A <a@b>|-m|msg", 0);
	R("git\0clone\0https://u:p@h/r", "git|clone|[REDACTED]", 1);
	R("--token", "--token", 0);	/* argv[0] is a program, not an option */

	/* cmdline buffers: NUL-separated, trailing NUL or not */
	a = gl_procconn_argv("sh\0-c\0exit 3\0", 13, &nred);
	CHECK(jv_equal(a, jv_parse("[\"sh\",\"-c\",\"exit 3\"]")) && nred == 0);
	a = gl_procconn_argv("env\0TOKEN=x", 11, &nred);
	CHECK(jv_equal(a, jv_parse("[\"env\",\"TOKEN=[REDACTED]\"]")) && nred == 1);
	/* a non-UTF-8 argument: every element percent-encoded, flagged by nesting */
	a = gl_procconn_argv("cat\0b\xff%\0", 8, &nred);
	CHECK(jv_equal(a, jv_parse("[[\"cat\",\"b%FF%25\"]]")));
	return t_done();
}
