/* intoto: subject names, statement check order, the parent link, files
 * checked beneath a directory without following symlinks. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intoto.h"
#include "json.h"
#include "t.h"

#define HELLO "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

static int
name(const char *s)
{
	return gl_intoto_name_ok(s, strlen(s));
}

static enum gl_intoto_step
check(const char *doc, char *why)
{
	jv st = jv_parse(doc);
	enum gl_intoto_step s = gl_intoto_check(st, GL_INTOTO_SLSA, why, 320);

	jv_free(st);
	return s;
}

static int
parent(const char *doc, char hex[GL_SHA256_HEX])
{
	char why[320];
	jv st = jv_parse(doc);
	int r = gl_intoto_parent(st, hex, why, sizeof why);

	jv_free(st);
	return r;
}

static int
files(const char *dir, const char *subj, char *why)
{
	char *doc;
	int r;
	jv st;

	if (asprintf(&doc, "{\"subject\":[%s]}", subj) < 0)
		return -9;
	st = jv_parse(doc);
	r = gl_intoto_check_files(st, dir, why, 320);
	jv_free(st);
	free(doc);
	return r;
}

int
main(void)
{
	char why[320], hex[GL_SHA256_HEX], dir[] = "/tmp/intoto_test.XXXXXX", p[300];
	const char *pre = "{\"_type\":\"https://in-toto.io/Statement/v1\","
	    "\"predicateType\":\"https://slsa.dev/provenance/v1\",\"subject\":";
	char doc[1024];
	int fd;

	CHECK(name("a") && name("a/b.c") && name(".hidden") && name("a/..b"));
	CHECK(!name("") && !name("/etc/passwd") && !name("..") && !name("../x"));
	CHECK(!name("a/../b") && !name("a/..") && !name("./a") && !name("a/./b"));
	CHECK(!name("a//b") && !name("a/") && !name(".") && !gl_intoto_name_ok("a\0b", 3));

	CHECK(check("[]", why) == GL_INTOTO_STATEMENT_BAD);
	CHECK(check("{\"_type\":\"https://in-toto.io/Statement/v0.1\"}", why) ==
	    GL_INTOTO_STATEMENT_BAD && strstr(why, "_type") != NULL);
	CHECK(check("{\"_type\":\"link\"}", why) == GL_INTOTO_STATEMENT_BAD);
	CHECK(check("{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":3}", why) ==
	    GL_INTOTO_STATEMENT_BAD);
	CHECK(check("{\"_type\":\"https://in-toto.io/Statement/v1\","
	    "\"predicateType\":\"https://slsa.dev/provenance/v1.0\",\"subject\":[]}", why) ==
	    GL_INTOTO_PREDTYPE_BAD && strstr(why, "v1.0") != NULL);
	CHECK(check("{\"_type\":\"https://in-toto.io/Statement/v1\","
	    "\"PredicateType\":\"https://slsa.dev/provenance/v1\",\"subject\":[]}", why) ==
	    GL_INTOTO_PREDTYPE_BAD);
#define SUBJ(s) (snprintf(doc, sizeof doc, "%s%s}", pre, s), check(doc, why))
	CHECK(SUBJ("[]") == GL_INTOTO_OK);
	CHECK(SUBJ("{}") == GL_INTOTO_SUBJECTS_BAD);
	CHECK(SUBJ("[{\"name\":\"a\",\"digest\":{\"sha256\":\"" HELLO "\"}}]") == GL_INTOTO_OK);
	CHECK(SUBJ("[{\"name\":\"/a\",\"digest\":{\"sha256\":\"" HELLO "\"}}]") ==
	    GL_INTOTO_SUBJECTS_BAD && strstr(why, "relative") != NULL);
	CHECK(SUBJ("[{\"name\":\"a\",\"digest\":{\"sha256\":\"5891B5b522d5df086d0ff0b110fbd9d2"
	    "1bb4fc7163af34d08286a2e846f6be03\"}}]") == GL_INTOTO_SUBJECTS_BAD &&
	    strstr(why, "lowercase") != NULL);
	CHECK(SUBJ("[{\"name\":\"a\",\"digest\":{\"sha256\":\"abc\"}}]") == GL_INTOTO_SUBJECTS_BAD);
	CHECK(SUBJ("[{\"name\":\"a\",\"digest\":{\"sha1\":\"" HELLO "\"}}]") == GL_INTOTO_SUBJECTS_BAD);
	CHECK(SUBJ("[{\"name\":\"a\",\"digest\":{\"SHA256\":\"" HELLO "\"}}]") == GL_INTOTO_SUBJECTS_BAD);
	CHECK(SUBJ("[{\"digest\":{\"sha256\":\"" HELLO "\"}}]") == GL_INTOTO_SUBJECTS_BAD);
	CHECK(SUBJ("[{\"name\":\"a\",\"digest\":{\"sha256\":\"" HELLO "\"}},"
	    "{\"name\":\"a\",\"digest\":{\"sha256\":\"" HELLO "\"}}]") == GL_INTOTO_SUBJECTS_BAD &&
	    strstr(why, "twice") != NULL);
	CHECK(SUBJ("[{\"name\":\"a%FF\",\"annotations\":{\"path_b64\":\"Li4v\"},"
	    "\"digest\":{\"sha256\":\"" HELLO "\"}}]") == GL_INTOTO_SUBJECTS_BAD);	/* "../" */

	CHECK(parent("{}", hex) == 0);
	CHECK(parent("{\"predicate\":{\"buildDefinition\":{\"resolvedDependencies\":[{\"name\":"
	    "\"x\",\"digest\":{\"sha256\":\"" HELLO "\"}}]}}}", hex) == 0);
	CHECK(parent("{\"predicate\":{\"buildDefinition\":{\"resolvedDependencies\":[{\"annotations\":"
	    "{\"role\":\"parent-attestation\"},\"digest\":{\"sha256\":\"" HELLO "\"}}]}}}", hex) == 1 &&
	    strcmp(hex, HELLO) == 0);
	CHECK(parent("{\"predicate\":{\"buildDefinition\":{\"resolvedDependencies\":[{\"annotations\":"
	    "{\"role\":\"parent-attestation\"},\"digest\":{\"sha256\":\"ABC\"}}]}}}", hex) == -1);
	CHECK(parent("{\"predicate\":{\"buildDefinition\":{\"resolvedDependencies\":[{\"annotations\":"
	    "{\"role\":\"parent-attestation\"},\"digest\":{\"sha256\":\"" HELLO "\"}},{\"annotations\":"
	    "{\"role\":\"parent-attestation\"},\"digest\":{\"sha256\":\"" HELLO "\"}}]}}}", hex) == -1);

	CHECK(mkdtemp(dir) != NULL);
	snprintf(p, sizeof p, "%s/sub", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/sub/hello.txt", dir);
	fd = open(p, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "hello\n", 6) == 6);
	close(fd);
	snprintf(p, sizeof p, "%s/sub/\xff", dir);
	fd = open(p, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "hello\n", 6) == 6);
	close(fd);
	snprintf(p, sizeof p, "%s/link", dir);
	CHECK(symlink("sub", p) == 0);
	snprintf(p, sizeof p, "%s/sub/abs", dir);
	CHECK(symlink("/etc/passwd", p) == 0);
	CHECK(files(dir, "{\"name\":\"sub/hello.txt\",\"digest\":{\"sha256\":\"" HELLO "\"}}",
	    why) == 0);
	CHECK(files(dir, "{\"name\":\"sub/%FF\",\"annotations\":{\"path_b64\":\"c3ViL/8=\"},"
	    "\"digest\":{\"sha256\":\"" HELLO "\"}}", why) == 0);
	CHECK(files(dir, "{\"name\":\"sub/%FF\",\"digest\":{\"sha256\":\"" HELLO "\"}}", why) == 1 &&
	    strstr(why, "missing") != NULL);
	CHECK(files(dir, "{\"name\":\"link/hello.txt\",\"digest\":{\"sha256\":\"" HELLO "\"}}",
	    why) == 1 && strstr(why, "symlink") != NULL);
	CHECK(files(dir, "{\"name\":\"sub/abs\",\"digest\":{\"sha256\":\"" HELLO "\"}}",
	    why) == 1 && strstr(why, "symlink") != NULL);
	CHECK(files(dir, "{\"name\":\"sub\",\"digest\":{\"sha256\":\"" HELLO "\"}}", why) == 1 &&
	    strstr(why, "regular") != NULL);
	CHECK(files(dir, "{\"name\":\"sub/hello.txt\",\"digest\":{\"sha256\":\"" HELLO "0\"}}",
	    why) == 1 && strstr(why, "does not match") != NULL);
	CHECK(files("/nonexistent-dir", "", why) == -1);
	snprintf(p, sizeof p, "rm -rf '%s'", dir);
	CHECK(system(p) == 0);
	return t_done();
}
