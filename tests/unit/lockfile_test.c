/* lockfile: the TOML and YAML readers, each lockfile parser on small
 * inputs (shape, errors with their line), and every fixture truncated and
 * corrupted at many offsets (no crash, no leak, an error or a result). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io.h"
#include "json.h"
#include "lockfile.h"
#include "toml.h"
#include "yamldoc.h"
#include "t.h"

static jv
parse(const char *file, const char *s)
{
	const struct gl_lockfile *k = gl_lockfile_kind(file);

	return k->parse(s, strlen(s), NULL, 0);
}

/* the error message of an invalid result, for comparison */
static int
err_is(jv v, const char *want)
{
	char why[200];
	int r;

	if (jv_is_valid(v)) {
		jv_free(v);
		fprintf(stderr, "no error, want %s\n", want);
		return 0;
	}
	gl_json_errmsg(v, why, sizeof why);
	r = strcmp(why, want) == 0;
	if (!r)
		fprintf(stderr, "got \"%s\", want \"%s\"\n", why, want);
	return r;
}

static int
str_is(jv v, const char *path, const char *want)
{
	jv p = jv_parse(path), got = jv_getpath(jv_copy(v), p);
	int r = jv_get_kind(got) == JV_KIND_STRING && strcmp(jv_string_value(got), want) == 0;

	if (!r && !jv_is_valid(got))
		fprintf(stderr, "%s: no value\n", path);
	else if (!r) {
		jv s = jv_dump_string(jv_copy(got), 0);
		fprintf(stderr, "%s: got %s, want %s\n", path, jv_string_value(s), want);
		jv_free(s);
	}
	jv_free(got);
	jv_free(v);
	return r;
}

static int
npkgs(jv v)
{
	jv p = gl_json_get(v, "pkgs");
	int n = jv_get_kind(p) == JV_KIND_ARRAY ? jv_array_length(jv_copy(p)) : -1;

	jv_free(p);
	jv_free(v);
	return n;
}

/* every fixture cut short and with bytes changed: never a crash */
static void
mangle(const char *path, const char *name)
{
	const struct gl_lockfile *k = gl_lockfile_kind(name);
	char *buf;
	size_t len, i, step;

	if (gl_io_read_file(path, 1 << 22, &buf, &len) < 0) {
		CHECK(!"fixture readable");
		return;
	}
	step = len / 97 + 1;
	for (i = 0; i < len; i += step) {
		char saved = buf[i];
		jv_free(k->parse(buf, i, NULL, 0));
		buf[i] = (char)(saved ^ 0x5a);
		jv_free(k->parse(buf, len, NULL, 0));
		buf[i] = '\n';
		jv_free(k->parse(buf, len, NULL, 0));
		buf[i] = saved;
	}
	{
		jv v = k->parse(buf, len, NULL, 0);
		CHECK(jv_is_valid(v) || !"the intact fixture parses");
		jv_free(v);
	}
	free(buf);
}

int
main(void)
{
	static const char *fix[][2] = {
		{ "tests/fixtures/lockfiles/npm-v1/package-lock.json", "package-lock.json" },
		{ "tests/fixtures/lockfiles/npm-v3/package-lock.json", "package-lock.json" },
		{ "tests/fixtures/lockfiles/yarn-v1/yarn.lock", "yarn.lock" },
		{ "tests/fixtures/lockfiles/yarn-berry/yarn.lock", "yarn.lock" },
		{ "tests/fixtures/lockfiles/pnpm-v9/pnpm-lock.yaml", "pnpm-lock.yaml" },
		{ "tests/fixtures/lockfiles/go/go.mod", "go.mod" },
		{ "tests/fixtures/lockfiles/poetry/poetry.lock", "poetry.lock" },
		{ "tests/fixtures/lockfiles/uv/uv.lock", "uv.lock" },
		{ "tests/fixtures/lockfiles/requirements/requirements.txt", "requirements.txt" },
		{ "tests/fixtures/lockfiles/pipenv/Pipfile.lock", "Pipfile.lock" },
		{ "tests/fixtures/lockfiles/gemfile/Gemfile.lock", "Gemfile.lock" },
		{ "tests/fixtures/lockfiles/composer/composer.lock", "composer.lock" },
		{ "tests/fixtures/lockfiles/cargo/Cargo.lock", "Cargo.lock" },
	};
	static const char toml1[] = "a = 1\n[[p]]\nname = \"x\"\n[p.d]\n"
	    "k = { v = '1', w = [1, 2,] }\n[[p]]\nname = \"\"\"\nmulti\\\n  line\"\"\"\nok = true\n";
	size_t i;
	jv v;

	/* TOML: tables, arrays of tables, inline tables, strings, a line on each [[x]] */
	v = gl_toml_parse(toml1, sizeof toml1 - 1);
	CHECK(jv_is_valid(v));
	CHECK(str_is(jv_copy(v), "[\"p\",0,\"d\",\"k\",\"v\"]", "1"));
	CHECK(str_is(jv_copy(v), "[\"p\",1,\"name\"]", "multiline"));
	CHECK(jv_equal(jv_getpath(jv_copy(v), jv_parse("[\"p\",1,\"\\u0001line\"]")), jv_number(6)));
	CHECK(jv_equal(jv_getpath(jv_copy(v), jv_parse("[\"p\",1,\"ok\"]")), jv_true()));
	jv_free(v);
	CHECK(err_is(gl_toml_parse("a = 1\na = 2\n", 12), "2: duplicate key"));
	CHECK(err_is(gl_toml_parse("x = \"open\n", 10), "1: unterminated string"));
	CHECK(err_is(gl_toml_parse("[a]\nb = [1 2]\n", 14), "2: expected ',' or ']' in array"));

	/* YAML: scalars are strings; errors have a line; aliases are bounded */
	v = gl_yamldoc_parse("a:\n  b: [1, x]\n", 15);
	CHECK(str_is(v, "[\"a\",\"b\",0]", "1"));
	CHECK(err_is(gl_yamldoc_parse("a: [\n", 5), "2: did not find expected node content"));
	{
		/* nine levels of ten aliases each: 10^9 nodes if expanded */
		char doc[2048];
		int n = snprintf(doc, sizeof doc, "a: &a [x,x,x,x,x,x,x,x,x,x]\n");
		for (char c = 'b'; c <= 'j'; c++)
			n += snprintf(doc + n, sizeof doc - (size_t)n,
			    "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c, c - 1,
			    c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
		CHECK(err_is(gl_yamldoc_parse(doc, (size_t)n), "7: too many nodes (aliases?)"));
	}
	{
		/* 160000 open brackets: refused at the 65th, not after minutes in
		 * libyaml's scanner; 64 levels are still read */
		size_t deep = 160000;
		char *doc = malloc(2 * deep + 32);
		clock_t t0 = clock();

		CHECK(doc != NULL);
		if (doc != NULL) {
			size_t n = (size_t)sprintf(doc, "a:\n  ");
			for (i = 0; i < deep; i++)
				doc[n + i] = '[';
			for (i = 0; i < deep; i++)
				doc[n + deep + i] = ']';
			n += 2 * deep;
			CHECK(err_is(gl_yamldoc_parse(doc, n), "2: nested too deeply"));
			CHECK((clock() - t0) < CLOCKS_PER_SEC);
			n = (size_t)sprintf(doc, "a:\n  ");
			for (i = 0; i < 63; i++)
				doc[n++] = '[';
			for (i = 0; i < 63; i++)
				doc[n++] = ']';
			v = gl_yamldoc_parse(doc, n);
			CHECK(jv_is_valid(v));
			jv_free(v);
			free(doc);
		}
	}
	/* libyaml refuses a NUL from an escape itself */
	CHECK(err_is(gl_yamldoc_parse("a: \"x\\0y\"\n", 11), "1: control characters are not allowed"));
	CHECK(err_is(gl_yamldoc_parse("a: *b\n", 6), "1: an alias of no anchor before it"));
	v = gl_yamldoc_parse("a: &x [1, {b: 2}]\nc: *x\n", 24);
	CHECK(str_is(jv_copy(v), "[\"c\",1,\"b\"]", "2"));
	jv_free(v);
	v = gl_yamldoc_parse("", 0);
	CHECK(jv_equal(v, jv_object()));

	/* each parser: the shape, and an error naming the line */
	CHECK(npkgs(parse("go.mod", "module m\nrequire (\n a v1\n b v2 // indirect\n)\n")) == 3);
	CHECK(err_is(parse("go.mod", "module m\nfrobnicate x\n"), "2: unknown directive"));
	CHECK(err_is(parse("go.mod", "module m\nrequire a v1\nrequire a v2\n"),
	    "3: module required twice with different versions"));
	CHECK(err_is(parse("go.mod", "go 1.21\n"), "1: no module directive"));
	CHECK(npkgs(parse("requirements.txt", "a==1 \\\n  --hash=sha256:" "0000000000000000"
	    "000000000000000000000000000000000000000000000000\nb\n")) == 2);
	CHECK(err_is(parse("requirements.txt", "a==1 --hash=sha256:00\n"), "1: malformed requirement"));
	CHECK(err_is(parse("package-lock.json", "{\"lockfileVersion\":3,\n\"packages\":{\"x\":1}}"),
	    "packages[\"x\"]: not an object"));
	CHECK(err_is(parse("package-lock.json", "{\"packages\":{\"node_modules/a\":{\"version\":\"1\","
	    "\"integrity\":\"sha512-abc\"}}}"),
	    "packages[\"node_modules/a\"]: integrity is not a Subresource Integrity value"));
	CHECK(err_is(parse("package-lock.json", "\n\n{\"a\": tru}"), "3: invalid literal"));
	CHECK(err_is(parse("package-lock.json", "{\"a\":\"\xff\"}"), "1: invalid UTF-8 or NUL byte"));
	CHECK(npkgs(parse("yarn.lock", "# yarn lockfile v1\n\na@^1, \"a@~1\":\n  version \"1.0.0\"\n"
	    "  dependencies:\n    b \"2\"\n\nb@2:\n  version \"2.0.0\"\n")) == 2);
	CHECK(err_is(parse("yarn.lock", "a@1:\n  resolved \"x\"\n"), "1: entry without a version"));
	CHECK(err_is(parse("pnpm-lock.yaml", "lockfileVersion: '4.0'\n"),
	    "lockfileVersion: not 5.x, 6.x or 9.x"));
	CHECK(npkgs(parse("pnpm-lock.yaml", "lockfileVersion: 5.4\nspecifiers:\n  a: ^1\n"
	    "dependencies:\n  a: 1.0.0\npackages:\n  /a/1.0.0:\n    resolution: {integrity: "
	    "sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=}\n    dev: false\n")) == 2);
	CHECK(npkgs(parse("pnpm-lock.yaml", "lockfileVersion: '6.0'\nimporters:\n  .:\n"
	    "    devDependencies:\n      a:\n        specifier: ^1\n        version: 1.0.0(b@2.0.0)\n"
	    "packages:\n  /a@1.0.0(b@2.0.0):\n    dev: true\n    dependencies:\n      b: 2.0.0\n"
	    "  /b@2.0.0:\n    dev: true\n")) == 3);
	CHECK(err_is(parse("Gemfile.lock", "GEM\n  specs:\n    a (1)\n   b\n"),
	    "4: malformed line in GEM"));
	CHECK(err_is(parse("composer.lock", "{\"packages\":{}}"), "packages: not an array"));
	CHECK(err_is(parse("poetry.lock", "[[package]]\nname = \"a\"\n"),
	    "1: package without name or version"));
	CHECK(err_is(parse("uv.lock", "version = 1\n"), "package: not an array of tables"));
	CHECK(err_is(parse("Cargo.lock", "[[package]]\nname = \"a\"\n"),
	    "1: package without name or version"));

	CHECK(gl_lockfile_kind("yarn.lock") != NULL && gl_lockfile_kind("yarn.lockb") == NULL);
	CHECK(strcmp(gl_lockfile_unsupported("bun.lockb"), "bun") == 0);
	CHECK(gl_lockfile_line("a\nb\nc", 5, 4) == 3);

	for (i = 0; i < sizeof fix / sizeof fix[0]; i++)
		mangle(fix[i][0], fix[i][1]);
	return t_done();
}
