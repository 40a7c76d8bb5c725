#include <stdlib.h>
#include <string.h>
#include <time.h>

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

	R("curl\0-H\0Authorization: Bearer x\0https://h/", "curl|-H|Authorization: Bearer [REDACTED]|https://h/", 1);
	R("env\0API_KEY=v\0PATH=/bin\0x", "env|API_KEY=[REDACTED]|PATH=/bin|x", 1);
	R("tool\0--token\0abc\0--token\0--next", "tool|--token|[REDACTED]|--token|--next", 1);
	R("tool\0--password=\0--secret=x", "tool|--password=|--secret=[REDACTED]", 1);
	R("git\0commit\0--author=A <a@b>\0-m\0msg", "git|commit|--author=A <a@b>|-m|msg", 0);
	R("git\0clone\0https://u:p@h/r", "git|clone|https://u:[REDACTED]@h/r", 1);
	/* credentials behind options that do not say so */
	R("curl\0-u\0user:SECRET\0https://h", "curl|-u|[REDACTED]|https://h", 1);
	R("/usr/bin/curl\0-uuser:SECRET", "/usr/bin/curl|-u[REDACTED]", 1);
	R("sudo\0-E\0curl\0--user\0a:b\0-k", "sudo|-E|curl|--user|[REDACTED]|-k", 1);
	R("openssl\0enc\0-pass\0pass:SECRET", "openssl|enc|-pass|[REDACTED]", 1);
	R("mysql\0-pSECRET\0db", "mysql|-p[REDACTED]|db", 1);
	R("docker\0login\0-u\0me\0-p\0SECRET", "docker|login|-u|me|-p|[REDACTED]", 1);
	R("sort\0-u\0file\0mkdir\0-p", "sort|-u|file|mkdir|-p", 0);
	/* secrets inside longer arguments */
	R("curl\0--data=token=abc&x=1", "curl|--data=token=[REDACTED]&x=1", 1);
	R("curl\0https://h/a?api_key=k1&page=2", "curl|https://h/a?api_key=[REDACTED]&page=2", 1);
	R("curl\0-d\0{\"password\":\"hunter2\",\"user\":\"x\"}",
	    "curl|-d|{\"password\":\"[REDACTED]\",\"user\":\"x\"}", 1);
	R("x\0--header=Authorization: Bearer ghp_abcdefghijklmnopqrstuvwxyz0123",
	    "x|--header=Authorization: Bearer [REDACTED]", 1);
	R("echo\0use ghp_abcdefghijklmnopqrstuvwxyz0123 now", "echo|use [REDACTED] now", 1);
	/* a token as a URL's user name; an ordinary user name stays */
	R("git\0clone\0https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/o/r",
	    "git|clone|https://[REDACTED]@github.com/o/r", 1);
	R("git\0clone\0https://abcdefghijklmnopqrstuvwx@gitlab.com/r", "git|clone|https://[REDACTED]@gitlab.com/r", 1);
	R("git\0clone\0ssh://git@github.com/o/r", "git|clone|ssh://git@github.com/o/r", 0);
	/* a header split over arguments */
	R("curl\0-H\0Authorization:\0Bearer\0xyz", "curl|-H|Authorization:|Bearer|[REDACTED]", 1);
	R("curl\0-H\0X-Api-Key:\0abc\0https://h", "curl|-H|X-Api-Key:|[REDACTED]|https://h", 1);
	/* a shell's -c string is read as commands */
	R("sh\0-c\0curl -H \"Authorization: Bearer abc\" -u me:pw https://x && echo TOKEN=zzz",
	    "sh|-c|curl -H \"Authorization: Bearer [REDACTED]\" -u [REDACTED] https://x && echo TOKEN=[REDACTED]", 3);
	R("bash\0-c\0mytool --token t0k3n --verbose", "bash|-c|mytool --token [REDACTED] --verbose", 1);
	R("git\0commit\0-m\0fix the token parser; see password-store", "git|commit|-m|fix the token parser; see password-store", 0);
	R("--token", "--token", 0);	/* argv[0] is a program, not an option */

	/* forms the first rewrite still leaked */
	R("curl\0-H\0Authorization: Bearer  abc\0-H\0authorization: bearer\tdef",
	    "curl|-H|Authorization: Bearer  [REDACTED]|-H|authorization: bearer\t[REDACTED]", 2);
	R("curl\0-d\0{\"password\" : \"pw1\", \"token\" :\"pw2\"}",
	    "curl|-d|{\"password\" : \"[REDACTED]\", \"token\" :\"[REDACTED]\"}", 2);
	R("npm\0config\0set\0//registry.npmjs.org/:_authToken\0npmsecret",
	    "npm|config|set|//registry.npmjs.org/:_authToken|[REDACTED]", 1);
	R("aws\0configure\0set\0aws_secret_access_key\0wJalrXUtnFEMI",
	    "aws|configure|set|aws_secret_access_key|[REDACTED]", 1);
	R("git\0config\0--global\0github.token\0abc", "git|config|--global|github.token|[REDACTED]", 1);
	R("gh\0secret\0set\0DEPLOY_KEY\0--body\0abc", "gh|secret|set|DEPLOY_KEY|--body|[REDACTED]", 1);
	R("gh\0pr\0create\0--body\0text", "gh|pr|create|--body|text", 0);
	R("curl\0-fsSLu\0me:pw\0-su\0me:pw\0-suu:pw\0-o\0out", "curl|-fsSLu|[REDACTED]|-su|[REDACTED]|-su[REDACTED]|-o|out", 3);
	R("docker\0login\0-ppw", "docker|login|-p[REDACTED]", 1);
	R("sudo\0-u\0www-data\0mysql\0-ppw", "sudo|-u|www-data|mysql|-p[REDACTED]", 1);
	R("timeout\0-s\0KILL\0" "30\0curl\0-u\0me:pw", "timeout|-s|KILL|30|curl|-u|[REDACTED]", 1);
	R("env\0MYSQL_PWD=pw\0DB_PASS=pw\0PWD=/home\0x\0--bypass\0y",
	    "env|MYSQL_PWD=[REDACTED]|DB_PASS=[REDACTED]|PWD=/home|x|--bypass|y", 2);
	R("ssh-keygen\0-N\0pw\0-f\0k", "ssh-keygen|-N|[REDACTED]|-f|k", 1);
	R("redis-cli\0-a\0pw\0ping", "redis-cli|-a|[REDACTED]|ping", 1);
	R("git\0clone\0https://u:p@ss@h/r", "git|clone|https://u:[REDACTED]@h/r", 1);
	/* shell strings: newlines, keywords, assignments, subshells start commands */
	R("sh\0-c\0set -e\ncurl -u me:pw x", "sh|-c|set -e\ncurl -u [REDACTED] x", 1);
	R("sh\0-c\0if true; then curl -u me:pw x; fi", "sh|-c|if true; then curl -u [REDACTED] x; fi", 1);
	R("sh\0-c\0A=1 curl -u me:pw x", "sh|-c|A=1 curl -u [REDACTED] x", 1);
	R("sh\0-c\0(curl -u me:pw x)", "sh|-c|(curl -u [REDACTED] x)", 1);
	{
		/* a secret after 256 arguments, or after 256 words of a shell string */
		char list[4096], want[4096], *o;
		size_t l = 0, wl = 0, i;
		int n;

		l += (size_t)sprintf(list + l, "x") + 1;
		wl += (size_t)sprintf(want + wl, "x");
		for (i = 0; i < 300; i++) {
			l += (size_t)sprintf(list + l, "a") + 1;
			wl += (size_t)sprintf(want + wl, "|a");
		}
		l += (size_t)sprintf(list + l, "--password") + 1;
		l += (size_t)sprintf(list + l, "pw") + 1;
		sprintf(want + wl, "|--password|[REDACTED]");
		o = redact(list, l, &n);
		CHECK(strcmp(o, want) == 0 && n == 1);
		free(o);
		l = (size_t)sprintf(list, "sh") + 1;
		l += (size_t)sprintf(list + l, "-c") + 1;
		for (i = 0; i < 300; i++)
			l += (size_t)sprintf(list + l, "a ");
		l += (size_t)sprintf(list + l, "; curl -u me:pw x") + 1;
		o = redact(list, l, &n);
		CHECK(strstr(o, "me:pw") == NULL && n == 1);
		free(o);
	}
	{
		/* "_eyJ" over and over was quadratic: 128 KiB took a second */
		size_t sz = 128 * 1024, i;
		char *v[2] = { strdup("x"), malloc(sz + 1) };
		clock_t t0 = clock();

		for (i = 0; i < sz; i++)
			v[1][i] = "_eyJ"[i % 4];
		v[1][sz] = '\0';
		CHECK(gl_redact_argv(v, 2) == 0);
		CHECK(clock() - t0 < CLOCKS_PER_SEC / 10);
		free(v[0]);
		free(v[1]);
	}

	/* signed URLs, and htpasswd's batch password */
	R("curl\0https://a.blob.core.windows.net/c/f?sv=2022&sig=AbC%2Bd&se=x",
	    "curl|https://a.blob.core.windows.net/c/f?sv=2022&sig=[REDACTED]&se=x", 1);
	R("curl\0https://b.s3.amazonaws.com/k?X-Amz-Credential=AKID%2F1&X-Amz-Signature=abc123",
	    "curl|https://b.s3.amazonaws.com/k?X-Amz-Credential=[REDACTED]&X-Amz-Signature=[REDACTED]", 2);
	R("grep\0-r\0signal\0design=x", "grep|-r|signal|design=x", 0);
	R("htpasswd\0-bc\0/etc/h\0ann\0s3cret", "htpasswd|-bc|/etc/h|ann|[REDACTED]", 1);
	R("/usr/bin/htpasswd\0-c\0/etc/h\0ann", "/usr/bin/htpasswd|-c|/etc/h|ann", 0);
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
