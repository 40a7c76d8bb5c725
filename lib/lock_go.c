#include "lock_go.h"

#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "json.h"
#include "lockfile.h"
#include "purl.h"

/* split one line into up to 8 fields (quotes removed), the comment apart */
struct line {
	char *f[8];
	int n, indirect;
};

static int
fields(char *s, struct line *l)
{
	char *c = strstr(s, "//");

	memset(l, 0, sizeof *l);
	if (c != NULL) {
		l->indirect = strstr(c, "indirect") != NULL;
		*c = '\0';
	}
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (*s == '\0')
			break;
		if (l->n == 8)
			return -1;
		if (*s == '"' || *s == '`') {
			char q = *s++, *e = strchr(s, q);
			if (e == NULL)
				return -1;
			*e = '\0';
			l->f[l->n++] = s;
			s = e + 1;
			continue;
		}
		l->f[l->n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r')
			s++;
		if (*s)
			*s++ = '\0';
	}
	return 0;
}

static jv
err_at(int line, const char *what)
{
	return jv_invalid_with_msg(jv_string_fmt("%d: %s", line, what));
}

static jv
go_pkg(const char *path, const char *version)
{
	const char *slash = strrchr(path, '/');
	char *ns = slash ? strndup(path, (size_t)(slash - path)) : NULL;
	char *purl = gl_purl_build("golang", ns, slash ? slash + 1 : path, version, NULL, NULL);
	jv p = jv_object_set(jv_object(), jv_string("name"), jv_string(path));

	p = jv_object_set(p, jv_string("version"), jv_string(version));
	if (purl != NULL)
		p = jv_object_set(p, jv_string("purl"), jv_string(purl));
	free(purl);
	free(ns);
	return p;
}

static int
is_local(const char *s)
{
	return s[0] == '.' || s[0] == '/';
}

/* go.sum: "module version h1:..." -> {"module@version": "h1:..."} */
static jv
read_sum(const char *aux, size_t auxlen)
{
	char *copy = strndup(aux, auxlen), *s, *nl;
	jv sums = jv_object();
	int ln = 0;

	if (copy == NULL)
		return jv_invalid_with_msg(jv_string("!out of memory"));
	for (s = copy; s && *s; s = nl) {
		struct line l;
		char *bin;
		size_t blen;
		ln++;
		if ((nl = strchr(s, '\n')) != NULL)
			*nl++ = '\0';
		if (fields(s, &l) < 0 || (l.n != 0 && l.n != 3) || (l.n == 3 &&
		    (strncmp(l.f[2], "h1:", 3) != 0 ||
		    gl_b64_decode(l.f[2] + 3, strlen(l.f[2] + 3), &bin, &blen) < 0))) {
			jv_free(sums);
			free(copy);
			return jv_invalid_with_msg(jv_string_fmt("+%d: not \"MODULE VERSION h1:HASH\"",
			    ln));
		}
		if (l.n == 0)
			continue;
		free(bin);
		if (blen != 32) {
			jv_free(sums);
			free(copy);
			return jv_invalid_with_msg(jv_string_fmt("+%d: h1 hash is not 32 bytes", ln));
		}
		if (strstr(l.f[1], "/go.mod") == NULL)
			sums = jv_object_set(sums, jv_string_fmt("%s@%s", l.f[0], l.f[1]),
			    jv_string(l.f[2]));
	}
	free(copy);
	return sums;
}

jv
gl_lock_go_mod(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	char *copy = strndup(buf, len), *s, *nl, *block = NULL;
	jv req = jv_object(), repl = jv_object(), excl = jv_object(), sums, pkgs, root, out;
	jv deps = jv_array();
	const char *module = NULL;
	char *mod = NULL;
	int ln = 0, n = 0;

	sums = aux != NULL ? read_sum(aux, auxlen) : jv_object();
	if (copy == NULL || !jv_is_valid(sums)) {
		out = copy == NULL ? jv_invalid_with_msg(jv_string("!out of memory")) : sums;
		sums = jv_invalid();
		goto done;
	}
	for (s = copy; s && *s; s = nl) {
		struct line l;
		char **f;
		int k;
		ln++;
		if ((nl = strchr(s, '\n')) != NULL)
			*nl++ = '\0';
		if (fields(s, &l) < 0) {
			out = err_at(ln, "unterminated quoted string");
			goto done;
		}
		if (l.n == 0)
			continue;
		f = l.f;
		k = l.n;
		if (block == NULL) {
			if (k == 2 && strcmp(f[1], "(") == 0) {
				block = f[0];
				continue;
			}
			if (strcmp(f[0], "module") == 0 && k == 2) {
				free(mod);
				mod = strdup(f[1]);
				module = mod;
				continue;
			}
			if (strcmp(f[0], "require") != 0 && strcmp(f[0], "replace") != 0 &&
			    strcmp(f[0], "exclude") != 0) {
				static const char *known[] = { "go", "toolchain", "godebug", "retract",
					"tool", "ignore", "module" };
				size_t i;
				for (i = 0; i < sizeof known / sizeof known[0]; i++)
					if (strcmp(f[0], known[i]) == 0)
						break;
				if (i == sizeof known / sizeof known[0]) {
					out = err_at(ln, "unknown directive");
					goto done;
				}
				continue;
			}
			block = f[0];
			f++;
			k--;
			if (k == 0)
				goto bad;
		} else if (k == 1 && strcmp(f[0], ")") == 0) {
			block = NULL;
			continue;
		}
		if (strcmp(block, "require") == 0) {
			jv key, old;
			if (k != 2)
				goto bad;
			key = jv_string(f[0]);
			old = jv_object_get(jv_copy(req), jv_copy(key));
			if (jv_is_valid(old) && strcmp(gl_json_str(old, "v"), f[1]) != 0) {
				jv_free(old);
				jv_free(key);
				out = err_at(ln, "module required twice with different versions");
				goto done;
			}
			jv_free(old);
			req = jv_object_set(req, key, jv_object_set(jv_object_set(jv_object(),
			    jv_string("v"), jv_string(f[1])), jv_string("indirect"),
			    jv_bool(l.indirect)));
		} else if (strcmp(block, "replace") == 0) {
			/* old [v] => new [v] */
			int arrow = k >= 3 && strcmp(f[1], "=>") == 0 ? 1 :
			    k >= 4 && strcmp(f[2], "=>") == 0 ? 2 : 0;
			if (arrow == 0 || k - arrow - 1 < 1 || k - arrow - 1 > 2)
				goto bad;
			jv r = jv_object_set(jv_object(), jv_string("to"), jv_string(f[arrow + 1]));
			if (k - arrow - 1 == 2)
				r = jv_object_set(r, jv_string("tov"), jv_string(f[arrow + 2]));
			repl = jv_object_set(repl, arrow == 2 ? jv_string_fmt("%s@%s", f[0], f[1]) :
			    jv_string(f[0]), r);
		} else if (strcmp(block, "exclude") == 0) {
			if (k != 2)
				goto bad;
			excl = jv_object_set(excl, jv_string_fmt("%s@%s", f[0], f[1]), jv_true());
		}
		if (l.n > 0 && block != NULL && strcmp(l.f[0], block) == 0)
			block = NULL;	/* a one-line directive */
		continue;
bad:
		out = err_at(ln, "malformed directive");
		goto done;
	}
	if (block != NULL) {
		out = err_at(ln, "unterminated block");
		goto done;
	}
	if (module == NULL) {
		out = jv_invalid_with_msg(jv_string("1: no module directive"));
		goto done;
	}
	root = jv_object_set(jv_object_set(jv_object(), jv_string("name"), jv_string(module)),
	    jv_string("root"), jv_true());
	root = jv_object_set(root, jv_string("local"), jv_string("."));
	pkgs = jv_array();
	jv_object_foreach(req, path, r) {
		const char *p = jv_string_value(path), *v = gl_json_str(r, "v");
		jv key = jv_string_fmt("%s@%s", p, v), x, pkg;
		if (jv_object_has(jv_copy(excl), jv_copy(key))) {
			jv_free(key);
			goto next;
		}
		x = jv_object_get(jv_copy(repl), jv_copy(key));
		if (!jv_is_valid(x)) {
			jv_free(x);
			x = jv_object_get(jv_copy(repl), jv_copy(path));
		}
		if (jv_is_valid(x) && is_local(gl_json_str(x, "to"))) {
			pkg = jv_object_set(jv_object_set(jv_object(), jv_string("name"),
			    jv_string(p)), jv_string("local"), gl_json_get(x, "to"));
			pkg = jv_object_set(pkg, jv_string("version"), jv_string(v));
			pkg = jv_object_set(pkg, jv_string("properties"), JV_ARRAY(gl_lockfile_prop(
			    "gl-sbom:go:replaced-by", gl_json_str(x, "to"))));
		} else {
			const char *to = jv_is_valid(x) ? gl_json_str(x, "to") : p;
			const char *tov = jv_is_valid(x) && gl_json_str(x, "tov") ?
			    gl_json_str(x, "tov") : v;
			jv props = jv_array(), h;
			pkg = go_pkg(to, tov);
			if (jv_is_valid(x))
				props = jv_array_append(props, gl_lockfile_prop("gl-sbom:go:replaces", p));
			h = jv_object_get(jv_copy(sums), jv_string_fmt("%s@%s", to, tov));
			props = jv_array_append(props, jv_is_valid(h) ?
			    gl_lockfile_prop("gl-sbom:go:h1", jv_string_value(h)) :
			    gl_lockfile_prop("gl-sbom:go:sum", "missing"));
			jv_free(h);
			pkg = jv_object_set(pkg, jv_string("properties"), props);
		}
		if (jv_equal(gl_json_get(r, "indirect"), jv_true()))
			pkg = jv_object_set(pkg, jv_string("properties"), jv_array_append(
			    gl_json_get(pkg, "properties"), gl_lockfile_prop("gl-sbom:go:indirect", "true")));
		/* go.mod has no graph: what each module needs is unknown */
		pkg = jv_object_set(pkg, jv_string("nodeps"), jv_true());
		pkgs = jv_array_append(pkgs, jv_object_set(pkg, jv_string("deps"), jv_array()));
		deps = jv_array_append(deps, jv_number(++n));
		jv_free(x);
		jv_free(key);
next:
		jv_free(path);
		jv_free(r);
	}
	root = jv_object_set(root, jv_string("deps"), deps);
	deps = jv_invalid();
	pkgs = jv_array_concat(JV_ARRAY(root), pkgs);
	out = jv_object_set(jv_object_set(jv_object(), jv_string("pkgs"), pkgs),
	    jv_string("direct"), JV_ARRAY(jv_number(0)));
done:
	jv_free(deps);
	jv_free(req);
	jv_free(repl);
	jv_free(excl);
	jv_free(sums);
	free(mod);
	free(copy);
	return out;
}
