#include <stdlib.h>
#include <string.h>

#include "cargolock.h"
#include "t.h"

static char why[256];

static int
parse(const char *s, struct gl_cargolock *lk)
{
	return gl_cargolock_parse(s, strlen(s), lk, why, sizeof why);
}

/* the error line and text for bad input */
static int
bad(const char *s, const char *want)
{
	struct gl_cargolock lk;
	int r = parse(s, &lk) < 0 && strstr(why, want) != NULL;

	if (!r)
		fprintf(stderr, "want \"%s\", got \"%s\"\n", want, why);
	return r;
}

#define CS "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define REG "registry+https://github.com/rust-lang/crates.io-index"

int
main(void)
{
	struct gl_cargolock lk;
	const char *two =
	    "# comment\r\nversion = 4\r\n\r\n"
	    "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\n \"b 1.0.0\", # c\n \"c\",\n]\n"
	    "[[package]]\nname = \"b\"\nversion = \"1.0.0\"\nsource = \"" REG "\"\nchecksum = \"" CS "\"\n"
	    "[[package]]\nname = \"b\"\nversion = \"2.0.0\"\nsource = \"" REG "\"\n"
	    "[[package]]\nname = 'c'\nversion = \"0.1.0\"\nsource = \"git+https://x/y#abc\"\n"
	    "[[package]]\nname = \"c\"\nversion = \"0.1.0\"\ndependencies = [\"b 2.0.0 (" REG ")\"]\n";

	CHECK(parse(two, &lk) == 0);
	CHECK(lk.version == 4 && lk.n == 5);
	CHECK(strcmp(lk.pkg[0].name, "a") == 0 && lk.pkg[0].source == NULL);
	/* "c" has two sources; the path package wins (cargo's rule) */
	CHECK(lk.pkg[0].ndeps == 2 && lk.pkg[0].deps[0] == 1 && lk.pkg[0].deps[1] == 4);
	CHECK(lk.pkg[1].checksum != NULL && strcmp(lk.pkg[1].checksum, CS) == 0);
	CHECK(lk.pkg[4].ndeps == 1 && lk.pkg[4].deps[0] == 2);
	CHECK(lk.pkg[1].line == 11);
	gl_cargolock_free(&lk);

	CHECK(parse("", &lk) == 0 && lk.n == 0);
	gl_cargolock_free(&lk);
	CHECK(parse("[[package]]\nname = \"a\\u00e9\"\nversion = \"1\"\n", &lk) == 0 &&
	    strcmp(lk.pkg[0].name, "a\xc3\xa9") == 0);
	gl_cargolock_free(&lk);

	CHECK(bad("version = 5\n", "1: unsupported lockfile version 5"));
	CHECK(bad("\n\n[[package]]\nname = \"a\"\n", "3: package without name or version"));
	CHECK(bad("[[package]]\nname = \"a\"\nversion = \"1\"\nchecksum = \"ABC\"\n", "4: checksum is not"));
	CHECK(bad("[[package]]\nname = \"a\"\nname = \"b\"\n", "3: duplicate key \"name\""));
	CHECK(bad("[[package]]\nnme = \"a\"\n", "2: unknown key \"nme\""));
	CHECK(bad("[workspace]\n", "1: unknown table [workspace]"));
	CHECK(bad("[[package]]\nname = \"a\nversion = \"1\"\n", "2: unterminated string"));
	CHECK(bad("[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = [\n \"zz\",\n]\n",
	    "5: dependency \"zz\" matches no package"));
	CHECK(bad("[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = [\"b\"]\n"
	    "[[package]]\nname = \"b\"\nversion = \"1\"\n[[package]]\nname = \"b\"\nversion = \"2\"\n",
	    "4: dependency \"b\" is ambiguous"));
	CHECK(bad("[[package]]\nname = \"a\"\nversion = \"1\"\n[[package]]\nname = \"a\"\nversion = \"1\"\n",
	    "4: package a 1 is listed twice"));
	CHECK(bad("version = 3 x\n", "1: unexpected text after value"));
	CHECK(bad("a\n", "1: expected '=' after key"));
	CHECK(bad("x = \"\xff\"\n", "1: invalid UTF-8"));
	CHECK(bad("[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = [\"b\"\n", "expected ',' or ']'"));
	CHECK(bad("[[package]]\nname = \"a\"\nversion = \"1\"\n[metadata]\n\"checksum a 1\" = \"nothex\"\n",
	    "5: checksum is not"));
	return t_done();
}
