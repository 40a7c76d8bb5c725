#include "lockfile.h"

#include <stdlib.h>
#include <string.h>

#include "cargolock.h"
#include "json.h"
#include "lock_go.h"
#include "lock_npm.h"
#include "lock_php.h"
#include "lock_pnpm.h"
#include "lock_py.h"
#include "lock_ruby.h"
#include "lock_yarn.h"

static const struct gl_lockfile kinds[] = {
	{ "Cargo.lock", "cargo", NULL, gl_cargolock_sbom },
	{ "Gemfile.lock", "gem", NULL, gl_lock_ruby_gemfile },
	{ "Pipfile.lock", "pypi", NULL, gl_lock_py_pipfile },
	{ "composer.lock", "composer", NULL, gl_lock_php_composer },
	{ "go.mod", "golang", "go.sum", gl_lock_go_mod },
	{ "npm-shrinkwrap.json", "npm", NULL, gl_lock_npm_package },
	{ "package-lock.json", "npm", NULL, gl_lock_npm_package },
	{ "pnpm-lock.yaml", "npm", NULL, gl_lock_pnpm },
	{ "poetry.lock", "pypi", NULL, gl_lock_py_poetry },
	{ "requirements.txt", "pypi", NULL, gl_lock_py_requirements },
	{ "uv.lock", "pypi", NULL, gl_lock_py_uv },
	{ "yarn.lock", "npm", "package.json", gl_lock_yarn },
};

static const char *const unsupported[][2] = {
	{ "bun.lock", "bun" }, { "bun.lockb", "bun" }, { "deno.lock", "deno" },
	{ "pdm.lock", "pdm" }, { "pixi.lock", "pixi" }, { "pubspec.lock", "pub" },
	{ "Podfile.lock", "CocoaPods" }, { "Package.resolved", "SwiftPM" },
	{ "mix.lock", "Hex (mix)" }, { "packages.lock.json", "NuGet" },
	{ "gradle.lockfile", "Gradle" }, { "conan.lock", "Conan" },
	{ "flake.lock", "Nix" }, { "gems.locked", "Bundler (gems.rb)" },
	{ "Cartfile.resolved", "Carthage" }, { "conda-lock.yml", "conda" },
	{ "rebar.lock", "rebar3" }, { "stack.yaml.lock", "Stack" },
	{ "cabal.project.freeze", "Cabal" }, { "Manifest.toml", "Julia" },
};

const struct gl_lockfile *
gl_lockfile_kind(const char *base)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].file, base) == 0)
			return &kinds[i];
	return NULL;
}

const char *
gl_lockfile_unsupported(const char *base)
{
	size_t i;

	for (i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
		if (strcmp(unsupported[i][0], base) == 0)
			return unsupported[i][1];
	return NULL;
}

int
gl_lockfile_line(const char *buf, size_t len, size_t off)
{
	int line = 1;
	size_t i;

	for (i = 0; i < off && i < len; i++)
		line += buf[i] == '\n';
	return line;
}

jv
gl_lockfile_json(const char *buf, size_t len)
{
	char why[200], *end;
	unsigned long off;

	if (gl_json_check(buf, len, 1, why, sizeof why) == 0) {
		jv v = jv_parse_sized(buf, (int)len);
		if (jv_is_valid(v))
			return v;
		jv_free(v);
		return jv_invalid_with_msg(jv_string("1: not JSON"));
	}
	/* "byte N: what" -> "LINE: what" */
	if (strncmp(why, "byte ", 5) == 0 && (off = strtoul(why + 5, &end, 10), *end == ':'))
		return jv_invalid_with_msg(jv_string_fmt("%d:%s",
		    gl_lockfile_line(buf, len, off), end + 1));
	return jv_invalid_with_msg(jv_string_fmt("1: %s", why));
}
