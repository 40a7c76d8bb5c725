#include "lockfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

#define MAX_DEPTH 32

/* Directories never searched for lockfiles: vendored and build trees,
 * and every hidden directory (.git, .gleisner, .cargo, ...). */
static int
pruned(const char *name)
{
	return name[0] == '.' || strcmp(name, "vendor") == 0 || strcmp(name, "target") == 0 ||
	    strcmp(name, "node_modules") == 0;
}

static jv
add(jv r, const char *list, jv v)
{
	return jv_object_set(r, jv_string(list), jv_array_append(gl_json_get(r, list), v));
}

static jv
walk(jv r, const char *dir, int dfd, const char *rel, int depth)
{
	struct dirent *de;
	struct stat st;
	const char *eco;
	DIR *d;
	int fd;

	if ((fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3)) < 0 || (d = fdopendir(fd)) == NULL) {
		r = add(r, "warnings", jv_string_fmt("%s/%s: not searched: %s", dir, rel,
		    strerror(errno)));
		if (fd >= 0)
			close(fd);
		return r;
	}
	while ((de = readdir(d)) != NULL) {
		jv path;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		path = *rel ? jv_string_fmt("%s/%s", rel, de->d_name) : jv_string(de->d_name);
		if (gl_lockfile_kind(de->d_name) != NULL) {
			if (S_ISREG(st.st_mode)) {
				r = add(r, "locks", path);
				continue;
			}
			r = add(r, "warnings", jv_string_fmt("%s/%s: not a regular file: skipped",
			    dir, jv_string_value(path)));
		} else if ((eco = gl_lockfile_unsupported(de->d_name)) != NULL) {
			r = add(r, "warnings", jv_string_fmt("%s/%s: %s lockfiles are not supported: "
			    "not listed", dir, jv_string_value(path), eco));
			r = add(r, "unsupported", jv_copy(path));
		} else if (S_ISDIR(st.st_mode) && !pruned(de->d_name)) {
			if (depth >= MAX_DEPTH)
				r = add(r, "warnings", jv_string_fmt("%s/%s: deeper than %d levels: "
				    "not searched", dir, jv_string_value(path), MAX_DEPTH));
			else if ((fd = openat(dfd, de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
				r = add(r, "warnings", jv_string_fmt("%s/%s: not searched: %s", dir,
				    jv_string_value(path), strerror(errno)));
			else {
				r = walk(r, dir, fd, jv_string_value(path), depth + 1);
				close(fd);
			}
		}
		jv_free(path);
	}
	closedir(d);
	return r;
}

jv
gl_lockfile_find(int dfd, const char *dir)
{
	jv r = jv_object(), locks, kept = jv_array();
	static const char *lists[] = { "locks", "unsupported", "warnings" };
	size_t i;

	for (i = 0; i < 3; i++)
		r = jv_object_set(r, jv_string(lists[i]), jv_array());
	r = walk(r, dir, dfd, "", 0);
	locks = gl_json_get(r, "locks");
	locks = jv_sort(jv_copy(locks), locks);
	/* npm reads npm-shrinkwrap.json instead of package-lock.json */
	jv_array_foreach(locks, k, l) {
		const char *s = jv_string_value(l);
		size_t n = strlen(s);
		if (n >= 17 && strcmp(s + n - 17, "package-lock.json") == 0) {
			jv sw = jv_string_fmt("%.*snpm-shrinkwrap.json", (int)(n - 17), s);
			int hidden = 0;
			jv_array_foreach(locks, j, o) {
				hidden |= strcmp(jv_string_value(o), jv_string_value(sw)) == 0;
				jv_free(o);
			}
			jv_free(sw);
			if (hidden) {
				r = add(r, "warnings", jv_string_fmt("%s/%s: npm-shrinkwrap.json beside "
				    "it wins: not listed", dir, s));
				jv_free(l);
				continue;
			}
		}
		kept = jv_array_append(kept, l);
	}
	jv_free(locks);
	r = jv_object_set(r, jv_string("locks"), kept);
	return jv_object_set(r, jv_string("unsupported"), jv_sort(gl_json_get(r, "unsupported"),
	    gl_json_get(r, "unsupported")));
}

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

/* JSON read straight into jv, with the line of any error: libjq 1.6's
 * parser leaks a value followed by another without a separator, reports
 * no useful place, and is three times slower on a large lockfile */
struct syn {
	const char *p, *end;
	const char *what;
};

static void
sp(struct syn *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
hex4(const char *p)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		int d = gl_utf8_hexval(p[i]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

static jv
syn_fail(struct syn *c, const char *what)
{
	c->what = what;
	return jv_invalid();
}

static jv
syn_string(struct syn *c)
{
	const char *s = ++c->p;
	char *o;
	size_t n = 0;
	jv v;

	while (c->p < c->end && *c->p != '"' && *c->p != '\\' && (unsigned char)*c->p >= 0x20)
		c->p++;
	if (c->p < c->end && *c->p == '"') {	/* no escapes: the common case */
		v = jv_string_sized(s, (int)(c->p - s));
		c->p++;
		return v;
	}
	if ((o = malloc((size_t)(c->end - s) + 4)) == NULL)
		return syn_fail(c, "out of memory");
	memcpy(o, s, (size_t)(c->p - s));
	n = (size_t)(c->p - s);
	while (c->p < c->end && *c->p != '"') {
		unsigned char ch = (unsigned char)*c->p;
		if (ch < 0x20) {
			free(o);
			return syn_fail(c, "control character in string");
		}
		if (ch != '\\') {
			o[n++] = (char)ch;
			c->p++;
			continue;
		}
		if (c->end - c->p < 2)
			break;
		c->p++;
		switch (*c->p++) {
		case '"': o[n++] = '"'; break;
		case '\\': o[n++] = '\\'; break;
		case '/': o[n++] = '/'; break;
		case 'b': o[n++] = '\b'; break;
		case 'f': o[n++] = '\f'; break;
		case 'n': o[n++] = '\n'; break;
		case 'r': o[n++] = '\r'; break;
		case 't': o[n++] = '\t'; break;
		case 'u': {
			int u = c->end - c->p >= 4 ? hex4(c->p) : -1, lo;
			unsigned long cp;
			if (u < 0)
				goto bad;
			c->p += 4;
			cp = (unsigned long)u;
			if (u >= 0xd800 && u <= 0xdbff) {
				if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' ||
				    (lo = hex4(c->p + 2)) < 0xdc00 || lo > 0xdfff)
					goto bad;
				c->p += 6;
				cp = 0x10000 + (((unsigned long)u - 0xd800) << 10) +
				    ((unsigned long)lo - 0xdc00);
			}
			/* refuses a lone low surrogate; a pair is always valid */
			if (gl_utf8_put(o, &n, cp) < 0)
				goto bad;
			break;
		}
		default:
			goto bad;
		}
	}
	if (c->p >= c->end) {
		free(o);
		return syn_fail(c, "unterminated string");
	}
	c->p++;
	v = jv_string_sized(o, (int)n);
	free(o);
	return v;
bad:
	free(o);
	return syn_fail(c, "bad escape in string");
}

static jv
syn_value(struct syn *c, int depth)
{
	jv v, k, x;

	sp(c);
	if (c->p >= c->end)
		return syn_fail(c, "unexpected end of input");
	if (depth > 256)
		return syn_fail(c, "nested too deeply");
	switch (*c->p) {
	case '{':
		v = jv_object();
		c->p++;
		sp(c);
		if (c->p < c->end && *c->p == '}') {
			c->p++;
			return v;
		}
		for (;;) {
			sp(c);
			if (c->p >= c->end || *c->p != '"') {
				jv_free(v);
				return syn_fail(c, "expected a string key");
			}
			k = syn_string(c);
			if (!jv_is_valid(k)) {
				jv_free(v);
				return k;
			}
			sp(c);
			if (c->p >= c->end || *c->p != ':') {
				jv_free(k);
				jv_free(v);
				return syn_fail(c, "expected ':'");
			}
			c->p++;
			x = syn_value(c, depth + 1);
			if (!jv_is_valid(x)) {
				jv_free(k);
				jv_free(v);
				return x;
			}
			v = jv_object_set(v, k, x);	/* the last of duplicate keys wins */
			sp(c);
			if (c->p < c->end && *c->p == ',') {
				c->p++;
				continue;
			}
			if (c->p < c->end && *c->p == '}') {
				c->p++;
				return v;
			}
			jv_free(v);
			return syn_fail(c, "expected ',' or '}'");
		}
	case '[':
		v = jv_array();
		c->p++;
		sp(c);
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			return v;
		}
		for (;;) {
			x = syn_value(c, depth + 1);
			if (!jv_is_valid(x)) {
				jv_free(v);
				return x;
			}
			v = jv_array_append(v, x);
			sp(c);
			if (c->p < c->end && *c->p == ',') {
				c->p++;
				continue;
			}
			if (c->p < c->end && *c->p == ']') {
				c->p++;
				return v;
			}
			jv_free(v);
			return syn_fail(c, "expected ',' or ']'");
		}
	case '"':
		return syn_string(c);
	}
	if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) {
		char num[64], *e;
		size_t n = 0;
		while (c->p + n < c->end && n < sizeof num - 1 &&
		    strchr("+-.eE0123456789", c->p[n]) != NULL)
			n++;
		memcpy(num, c->p, n);
		num[n] = '\0';
		double d = strtod(num, &e);
		if (*e != '\0' || n == sizeof num - 1)
			return syn_fail(c, "bad number");
		c->p += n;
		return jv_number(d);
	}
	static const char *const lit[] = { "true", "false", "null" };
	for (size_t i = 0; i < 3; i++)
		if ((size_t)(c->end - c->p) >= strlen(lit[i]) &&
		    memcmp(c->p, lit[i], strlen(lit[i])) == 0) {
			c->p += strlen(lit[i]);
			return i == 0 ? jv_true() : i == 1 ? jv_false() : jv_null();
		}
	return syn_fail(c, "invalid literal");
}

/* exactly one JSON value, or invalid with "LINE: what" */
static jv
one_value(const char *buf, size_t len)
{
	struct syn c = { buf, buf + len, NULL };
	jv v = syn_value(&c, 0);

	if (jv_is_valid(v)) {
		sp(&c);
		if (c.p != c.end) {
			jv_free(v);
			v = syn_fail(&c, "unexpected data after the JSON value");
		}
	}
	if (c.what != NULL) {
		jv_free(v);
		return jv_invalid_with_msg(jv_string_fmt("%d: %s",
		    gl_lockfile_line(buf, len, (size_t)(c.p - buf)), c.what));
	}
	return v;
}

/* A string is a name, a version, a URL or a hash to the readers, as a C
 * string: one with a NUL (\u0000) in it would be read cut short, so the
 * first of them (keys in sorted order) is an error naming where it is. */
static jv
seg(jv path, jv key)
{
	const char *k = jv_string_value(key);
	size_t i, n = (size_t)jv_string_length_bytes(jv_copy(key));
	int plain = n > 0 && n == strlen(k) && !(k[0] >= '0' && k[0] <= '9');

	for (i = 0; plain && i < n; i++)
		plain = (k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		    (k[i] >= '0' && k[i] <= '9') || k[i] == '_' || k[i] == '-';
	if (plain) {
		path = jv_string_concat(path, jv_string(jv_string_length_bytes(jv_copy(path)) ?
		    "." : ""));
		return jv_string_concat(path, key);
	}
	path = jv_string_concat(path, jv_string("["));
	return jv_string_concat(jv_string_concat(path, jv_dump_string(key, 0)), jv_string("]"));
}

static int
has_nul(jv s)
{
	return (size_t)jv_string_length_bytes(jv_copy(s)) != strlen(jv_string_value(s));
}

/* path (consumed) extended to the first string with a NUL in v (not
 * consumed), or invalid if there is none */
static jv
nul_at(jv v, jv path)
{
	jv r = jv_invalid();
	int i, n;

	switch (jv_get_kind(v)) {
	case JV_KIND_STRING:
		if (has_nul(v))
			return path;
		break;
	case JV_KIND_ARRAY:
		n = jv_array_length(jv_copy(v));
		for (i = 0; i < n && !jv_is_valid(r); i++) {
			jv x = jv_array_get(jv_copy(v), i);
			r = nul_at(x, jv_string_concat(jv_copy(path), jv_string_fmt("[%d]", i)));
			jv_free(x);
		}
		break;
	case JV_KIND_OBJECT: {
		jv keys = jv_keys(jv_copy(v));

		n = jv_array_length(jv_copy(keys));
		for (i = 0; i < n && !jv_is_valid(r); i++) {
			jv k = jv_array_get(jv_copy(keys), i), x = jv_object_get(jv_copy(v), jv_copy(k));
			jv p = seg(jv_copy(path), jv_copy(k));

			if (has_nul(k))
				r = p;
			else
				r = nul_at(x, p);
			jv_free(x);
			jv_free(k);
		}
		jv_free(keys);
		break;
	}
	default:
		break;
	}
	jv_free(path);
	return r;
}

jv
gl_lockfile_json(const char *buf, size_t len)
{
	size_t i, k;
	int line = 1;
	jv v;

	/* UTF-8 first (jv would turn bad bytes into U+FFFD) */
	if (!gl_utf8_valid(buf, len))
		for (i = 0; i < len; i += k) {
			k = gl_utf8_seqlen((const unsigned char *)buf + i, len - i);
			if (k == 0 || buf[i] == '\0')
				return jv_invalid_with_msg(jv_string_fmt("%d: invalid UTF-8 or "
				    "NUL byte", line));
			line += buf[i] == '\n';
		}
	/* like JSON.parse in the package managers, the last of duplicate keys
	 * counts: the SBOM lists what they would install */
	v = one_value(buf, len);
	if (!jv_is_valid(v)) {
		jv m = jv_invalid_get_msg(v);
		if (jv_get_kind(m) == JV_KIND_STRING && strstr(jv_string_value(m), "out of memory")) {
			jv_free(m);
			return jv_invalid_with_msg(jv_string("!out of memory"));
		}
		return jv_invalid_with_msg(m);
	}
	/* only \u0000 makes a NUL: no need to look without one */
	if (memmem(buf, len, "\\u0000", 6) != NULL) {
		jv at = nul_at(v, jv_string(""));

		if (jv_is_valid(at)) {
			jv_free(v);
			if (jv_string_length_bytes(jv_copy(at)) == 0)
				at = jv_string_concat(at, jv_string("."));
			at = jv_string_concat(at, jv_string(": a NUL character in a string"));
			return jv_invalid_with_msg(at);
		}
	}
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

jv
gl_lockfile_prop(const char *name, const char *value)
{
	return jv_object_set(jv_object_set(jv_object(), jv_string("name"), jv_string(name)),
	    jv_string("value"), jv_string(value));
}

jv
gl_lockfile_prop_add(jv pkg, const char *name, const char *value)
{
	jv a = gl_json_get(pkg, "properties");

	if (!jv_is_valid(a)) {
		jv_free(a);
		a = jv_array();
	}
	return jv_object_set(pkg, jv_string("properties"),
	    jv_array_append(a, gl_lockfile_prop(name, value)));
}
