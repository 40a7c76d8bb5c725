#include "lockfile.h"

#include <stdio.h>
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
#include "utf8.h"

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

/* JSON syntax only, before jv sees it: libjq 1.6 leaks a value that is
 * followed by another without a separator, and reports no useful place */
struct syn {
	const char *p, *end, *start;
	const char *what;
};

static void
sp(struct syn *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
syn_value(struct syn *c, int depth)
{
	sp(c);
	if (c->p >= c->end)
		return c->what = "unexpected end of input", -1;
	if (depth > 256)
		return c->what = "nested too deeply", -1;
	if (*c->p == '{' || *c->p == '[') {
		char close = *c->p == '{' ? '}' : ']';
		int obj = close == '}';
		c->p++;
		sp(c);
		if (c->p < c->end && *c->p == close) {
			c->p++;
			return 0;
		}
		for (;;) {
			if (obj) {
				sp(c);
				if (c->p >= c->end || *c->p != '"')
					return c->what = "expected a string key", -1;
				if (syn_value(c, depth + 1) < 0)
					return -1;
				sp(c);
				if (c->p >= c->end || *c->p != ':')
					return c->what = "expected ':'", -1;
				c->p++;
			}
			if (syn_value(c, depth + 1) < 0)
				return -1;
			sp(c);
			if (c->p < c->end && *c->p == ',') {
				c->p++;
				continue;
			}
			if (c->p < c->end && *c->p == close) {
				c->p++;
				return 0;
			}
			return c->what = obj ? "expected ',' or '}'" : "expected ',' or ']'", -1;
		}
	}
	if (*c->p == '"') {
		for (c->p++; c->p < c->end && *c->p != '"'; c->p++) {
			if ((unsigned char)*c->p < 0x20)
				return c->what = "control character in string", -1;
			if (*c->p == '\\' && ++c->p >= c->end)
				break;
		}
		if (c->p >= c->end)
			return c->what = "unterminated string", -1;
		c->p++;
		return 0;
	}
	if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) {
		while (c->p < c->end && strchr("+-.eE0123456789", *c->p) != NULL)
			c->p++;
		return 0;
	}
	static const char *const lit[] = { "true", "false", "null" };
	for (size_t i = 0; i < 3; i++)
		if ((size_t)(c->end - c->p) >= strlen(lit[i]) &&
		    memcmp(c->p, lit[i], strlen(lit[i])) == 0) {
			c->p += strlen(lit[i]);
			return 0;
		}
	return c->what = "invalid literal", -1;
}

/* exactly one JSON value */
static jv
one_value(const char *buf, size_t len)
{
	struct syn c = { buf, buf + len, buf, NULL };

	if (syn_value(&c, 0) == 0) {
		sp(&c);
		if (c.p != c.end)
			c.what = "unexpected data after the JSON value";
	}
	if (c.what != NULL)
		return jv_invalid_with_msg(jv_string_fmt("%d: %s",
		    gl_lockfile_line(buf, len, (size_t)(c.p - buf)), c.what));
	return jv_parse_sized(buf, (int)len);
}

jv
gl_lockfile_json(const char *buf, size_t len)
{
	const char *m, *at;
	char what[120];
	size_t i, k;
	jv v, msg;
	int line = 1;

	/* UTF-8 first (jv would turn bad bytes into U+FFFD) */
	for (i = 0; i < len; i += k) {
		k = gl_utf8_seqlen((const unsigned char *)buf + i, len - i);
		if (k == 0 || buf[i] == '\0')
			return jv_invalid_with_msg(jv_string_fmt("%d: invalid UTF-8 or NUL byte",
			    line));
		line += buf[i] == '\n';
	}
	/* jv, like JSON.parse in the package managers, keeps the last of
	 * duplicate keys: the SBOM lists what they would install */
	v = one_value(buf, len);
	if (jv_is_valid(v))
		return v;
	msg = jv_invalid_get_msg(v);
	if (jv_get_kind(msg) == JV_KIND_STRING && jv_string_value(msg)[0] >= '0' &&
	    jv_string_value(msg)[0] <= '9')
		return jv_invalid_with_msg(msg);	/* ours: "LINE: what" */
	m = jv_get_kind(msg) == JV_KIND_STRING ? jv_string_value(msg) : "not JSON";
	/* "what at line N, column M (while parsing '...')": never quote it */
	at = strstr(m, " at line ");
	snprintf(what, sizeof what, "%.*s", at ? (int)(at - m) : (int)strcspn(m, "("), m);
	if (what[0] >= 'A' && what[0] <= 'Z')
		what[0] = (char)(what[0] - 'A' + 'a');
	v = jv_invalid_with_msg(jv_string_fmt("%d: %s", at ? atoi(at + 9) : 1, what));
	jv_free(msg);
	return v;
}

jv_kind
gl_lockfile_kind_at(jv obj, const char *key)
{
	jv v = gl_json_get(obj, key);
	jv_kind k = jv_get_kind(v);

	jv_free(v);
	return k;
}

int
gl_lockfile_num(jv obj, const char *key)
{
	jv v = gl_json_get(obj, key);
	int n = jv_get_kind(v) == JV_KIND_NUMBER ? (int)jv_number_value(v) : 0;

	jv_free(v);
	return n;
}
