#include "lock_npm.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lockfile.h"
#include "purl.h"
#include "sbom.h"

static int
default_registry(const char *url)
{
	return strncmp(url, "https://registry.npmjs.org/", 27) == 0 ||
	    strncmp(url, "https://registry.yarnpkg.com/", 29) == 0 ||
	    strncmp(url, "http://registry.npmjs.org/", 26) == 0;
}

static int
is_git(const char *s)
{
	return strncmp(s, "git+", 4) == 0 || strncmp(s, "git:", 4) == 0 ||
	    strncmp(s, "github:", 7) == 0 || strncmp(s, "gitlab:", 7) == 0 ||
	    strncmp(s, "bitbucket:", 10) == 0;
}

jv
gl_lock_npm_ident(jv pkg, const char *name, const char *version, const char *resolved)
{
	const char *slash = name[0] == '@' ? strchr(name, '/') : NULL;
	const char *q[3] = { NULL, NULL, NULL };
	char *group = NULL, *purl;
	const char *base = name;

	if (slash != NULL) {
		group = strndup(name, (size_t)(slash - name));
		base = slash + 1;
	}
	pkg = jv_object_set(pkg, jv_string("name"), jv_string(base));
	if (group != NULL)
		pkg = jv_object_set(pkg, jv_string("group"), jv_string(group));
	if (version != NULL && *version != '\0')
		pkg = jv_object_set(pkg, jv_string("version"), jv_string(version));
	if (resolved != NULL && (strncmp(resolved, "file:", 5) == 0 ||
	    strncmp(resolved, "link:", 5) == 0 || strncmp(resolved, "workspace:", 10) == 0)) {
		const char *p = strchr(resolved, ':') + 1;
		pkg = jv_object_set(pkg, jv_string("local"), jv_string(*p ? p : "."));
		free(group);
		return pkg;
	}
	if (resolved != NULL && is_git(resolved)) {
		q[0] = "vcs_url";
		q[1] = resolved;
	} else if (resolved != NULL && *resolved != '\0' && !default_registry(resolved)) {
		q[0] = "download_url";
		q[1] = resolved;
	}
	purl = gl_purl_build("npm", group, base, version, q[0] ? q : NULL, NULL);
	if (purl != NULL)
		pkg = jv_object_set(pkg, jv_string("purl"), jv_string(purl));
	free(purl);
	free(group);
	return pkg;
}

static jv
bad(const char *key, const char *what)
{
	return jv_invalid_with_msg(jv_string_fmt("packages[\"%s\"]: %s", key, what));
}

/* Node's lookup of name from the package at key: key/node_modules/name,
 * then one node_modules level up at a time, then the top. */
static jv
lookup(jv packages, jv links, const char *key, const char *name)
{
	char *base = strdup(key), *cand = NULL, *cut;
	jv hit = jv_invalid();

	while (base != NULL) {
		free(cand);
		if (asprintf(&cand, "%s%snode_modules/%s", base, *base ? "/" : "", name) < 0) {
			cand = NULL;
			break;
		}
		if (jv_object_has(jv_copy(packages), jv_string(cand))) {
			jv l = jv_object_get(jv_copy(links), jv_string(cand));
			hit = jv_is_valid(l) ? l : (jv_free(l), jv_string(cand));
			break;
		}
		if (*base == '\0')
			break;
		if ((cut = strstr(base, "/node_modules/")) != NULL) {
			char *last = cut;
			while ((cut = strstr(last + 1, "/node_modules/")) != NULL)
				last = cut;
			*last = '\0';
		} else
			*base = '\0';
	}
	free(cand);
	free(base);
	return hit;
}

/* v1: the nested "dependencies" trees as a v2 "packages" object */
static void
v1_flatten(jv deps, const char *prefix, jv *packages)
{
	if (jv_get_kind(deps) != JV_KIND_OBJECT) {
		jv_free(deps);
		return;
	}
	jv_object_foreach(deps, name, d) {
		char *key;
		if (asprintf(&key, "%s%snode_modules/%s", prefix, *prefix ? "/" : "",
		    jv_string_value(name)) >= 0) {
			jv e = jv_object_delete(jv_object_delete(jv_copy(d), jv_string("requires")),
			    jv_string("dependencies"));
			const char *v = gl_json_str(d, "version");
			if (jv_get_kind(d) == JV_KIND_OBJECT &&
			    gl_lockfile_kind_at(d, "requires") == JV_KIND_OBJECT)
				e = jv_object_set(e, jv_string("dependencies"), gl_json_get(d,
				    "requires"));
			if (v != NULL && strncmp(v, "npm:", 4) == 0 && strrchr(v + 5, '@')) {
				const char *at = strrchr(v + 5, '@');
				e = jv_object_set(e, jv_string("name"),
				    jv_string_sized(v + 4, (int)(at - v - 4)));
				e = jv_object_set(e, jv_string("version"), jv_string(at + 1));
			} else if (v != NULL && (strncmp(v, "file:", 5) == 0 || is_git(v))) {
				e = jv_object_set(e, jv_string("resolved"), jv_string(v));
				e = jv_object_delete(e, jv_string("version"));
				if (is_git(v) && strchr(v, '#'))
					e = jv_object_set(e, jv_string("version"),
					    jv_string(strchr(v, '#') + 1));
			}
			*packages = jv_object_set(*packages, jv_string(key), e);
			v1_flatten(gl_json_get(d, "dependencies"), key, packages);
			free(key);
		}
		jv_free(name);
		jv_free(d);
	}
	jv_free(deps);
}

static const char *const depkeys[] = { "dependencies", "optionalDependencies",
	"peerDependencies", "devDependencies" };

jv
gl_lock_npm_package(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	jv doc = gl_lockfile_json(buf, len), packages, links = jv_object(), index = jv_object();
	jv pkgs = jv_array(), keys, out = jv_invalid(), lv;
	int n = 0, v1 = 0;

	(void)aux;
	(void)auxlen;
	if (!jv_is_valid(doc)) {
		out = doc;
		doc = jv_invalid();
		goto done0;
	}
	if (jv_get_kind(doc) != JV_KIND_OBJECT) {
		out = jv_invalid_with_msg(jv_string("1: not a JSON object"));
		goto done0;
	}
	lv = gl_json_get(doc, "lockfileVersion");
	if (jv_is_valid(lv) && (jv_get_kind(lv) != JV_KIND_NUMBER ||
	    jv_number_value(lv) < 1 || jv_number_value(lv) > 3)) {
		out = jv_invalid_with_msg(jv_string("lockfileVersion: not 1, 2 or 3"));
		jv_free(lv);
		goto done0;
	}
	jv_free(lv);
	packages = gl_json_get(doc, "packages");
	if (!jv_is_valid(packages)) {	/* lockfileVersion 1 */
		jv root = jv_object(), top = gl_json_get(doc, "dependencies"), r = jv_object();
		jv_free(packages);
		v1 = 1;
		if (gl_json_str(doc, "name"))
			root = jv_object_set(root, jv_string("name"), gl_json_get(doc, "name"));
		if (gl_json_str(doc, "version"))
			root = jv_object_set(root, jv_string("version"), gl_json_get(doc, "version"));
		if (jv_get_kind(top) == JV_KIND_OBJECT)
			jv_object_foreach(top, k, d) {
				r = jv_object_set(r, k, jv_string("*"));
				jv_free(d);
			}
		jv_free(top);
		packages = jv_object_set(jv_object(), jv_string(""),
		    jv_object_set(root, jv_string("dependencies"), r));
		v1_flatten(gl_json_get(doc, "dependencies"), "", &packages);
	}
	if (jv_get_kind(packages) != JV_KIND_OBJECT) {
		jv_free(packages);
		out = jv_invalid_with_msg(jv_string("packages: not an object"));
		goto done0;
	}

	/* pass 1: an index for every entry, link entries resolved */
	keys = jv_keys(jv_copy(packages));
	jv_array_foreach(keys, i, k) {
		const char *key = jv_string_value(k);
		jv e = jv_object_get(jv_copy(packages), jv_copy(k));
		if (jv_get_kind(e) != JV_KIND_OBJECT) {
			out = bad(key, "not an object");
		} else if (jv_equal(gl_json_get(e, "link"), jv_true())) {
			if (gl_json_str(e, "resolved") == NULL)
				out = bad(key, "link without resolved");
			else
				links = jv_object_set(links, jv_copy(k), gl_json_get(e, "resolved"));
		} else {
			index = jv_object_set(index, jv_copy(k), jv_number(n++));
		}
		jv_free(e);
		jv_free(k);
		if (jv_is_valid(out) == 0 && jv_invalid_has_msg(jv_copy(out)))
			break;
	}
	if (jv_invalid_has_msg(jv_copy(out))) {
		jv_free(keys);
		goto done;
	}

	/* pass 2: the packages and their edges */
	jv_array_foreach(keys, i, k) {
		const char *key = jv_string_value(k), *name, *ver, *res, *integ, *nm;
		jv e = jv_object_get(jv_copy(packages), jv_copy(k)), p = jv_object(), d = jv_array();
		size_t j;
		if (!jv_object_has(jv_copy(index), jv_copy(k)))
			goto next;
		name = gl_json_str(e, "name");
		ver = gl_json_str(e, "version");
		res = gl_json_str(e, "resolved");
		integ = gl_json_str(e, "integrity");
		if ((jv_object_has(jv_copy(e), jv_string("version")) && ver == NULL) ||
		    (jv_object_has(jv_copy(e), jv_string("name")) && name == NULL) ||
		    (jv_object_has(jv_copy(e), jv_string("resolved")) && res == NULL)) {
			out = bad(key, "name, version or resolved is not a string");
			goto next;
		}
		nm = strstr(key, "node_modules/");
		if (name == NULL && nm != NULL) {
			const char *last = nm;
			while ((nm = strstr(last + 1, "node_modules/")) != NULL)
				last = nm;
			name = last + 13;
		}
		if (*key == '\0') {
			p = gl_lock_npm_ident(p, name ? name : "", ver, "file:.");
			p = jv_object_set(p, jv_string("root"), jv_true());
		} else if (strstr(key, "node_modules/") == NULL) {	/* a workspace folder */
			const char *b = strrchr(key, '/');
			p = gl_lock_npm_ident(p, name ? name : b ? b + 1 : key, ver, NULL);
			p = jv_object_set(jv_object_delete(p, jv_string("purl")),
			    jv_string("local"), jv_string(key));
		} else {
			if (v1 && ver == NULL && res == NULL) {
				out = bad(key, "no version");
				goto next;
			}
			p = gl_lock_npm_ident(p, name, ver, res);
		}
		if (integ != NULL && !(res != NULL && is_git(res))) {
			jv h = jv_array();
			if (gl_sbom_sri(&h, integ) < 0) {
				jv_free(h);
				out = bad(key, "integrity is not a Subresource Integrity value");
				goto next;
			}
			p = jv_object_set(p, jv_string("hashes"), h);
		}
		if (jv_equal(gl_json_get(e, "dev"), jv_true())) {
			p = jv_object_set(p, jv_string("scope"), jv_string("excluded"));
			p = gl_lockfile_prop_add(p, "cdx:npm:package:development", "true");
		} else if (jv_equal(gl_json_get(e, "optional"), jv_true()) ||
		    jv_equal(gl_json_get(e, "devOptional"), jv_true()))
			p = jv_object_set(p, jv_string("scope"), jv_string("optional"));
		if (jv_equal(gl_json_get(e, "inBundle"), jv_true()) ||
		    jv_equal(gl_json_get(e, "bundled"), jv_true()))
			p = gl_lockfile_prop_add(p, "cdx:npm:package:bundled", "true");
		if (jv_equal(gl_json_get(e, "extraneous"), jv_true()))
			p = gl_lockfile_prop_add(p, "cdx:npm:package:extraneous", "true");
		if (jv_equal(gl_json_get(e, "peer"), jv_true()))
			p = gl_lockfile_prop_add(p, "gl-sbom:npm:peer", "true");
		if (res != NULL && !default_registry(res) && !is_git(res) &&
		    strncmp(res, "file:", 5) != 0 && *key != '\0')
			p = gl_lockfile_prop_add(p, "gl-sbom:npm:resolved", res);
		/* devDependencies are edges only from the root and workspaces */
		for (j = 0; j < sizeof depkeys / sizeof depkeys[0]; j++) {
			jv m = gl_json_get(e, depkeys[j]);
			if (j == 3 && strstr(key, "node_modules/") != NULL) {
				jv_free(m);
				continue;
			}
			if (jv_get_kind(m) == JV_KIND_OBJECT)
				jv_object_foreach(m, dn, dv) {
					jv hit = lookup(packages, links, key, jv_string_value(dn));
					jv ix = jv_is_valid(hit) ? jv_object_get(jv_copy(index),
					    jv_copy(hit)) : jv_invalid();
					if (jv_is_valid(ix))
						d = jv_array_append(d, ix);
					else {
						jv_free(ix);
						if (j == 0)
							p = gl_lockfile_prop_add(p, "gl-sbom:npm:missing",
							    jv_string_value(dn));
					}
					jv_free(hit);
					jv_free(dn);
					jv_free(dv);
				}
			jv_free(m);
		}
		/* the root depends on its workspaces */
		if (*key == '\0') {
			jv ks = jv_keys(jv_copy(index));
			jv_array_foreach(ks, x, wk) {
				if (*jv_string_value(wk) != '\0' &&
				    strstr(jv_string_value(wk), "node_modules/") == NULL)
					d = jv_array_append(d, jv_object_get(jv_copy(index),
					    jv_copy(wk)));
				jv_free(wk);
			}
			jv_free(ks);
		}
		pkgs = jv_array_append(pkgs, jv_object_set(p, jv_string("deps"), d));
		p = jv_invalid();
		d = jv_invalid();
next:
		jv_free(p);
		jv_free(d);
		jv_free(e);
		jv_free(k);
		if (jv_invalid_has_msg(jv_copy(out)))
			break;
	}
	jv_free(keys);
	if (jv_invalid_has_msg(jv_copy(out)))
		goto done;
	{
		jv root = jv_object_get(jv_copy(index), jv_string(""));
		jv direct = jv_is_valid(root) ? JV_ARRAY(root) : (jv_free(root), jv_array());
		out = jv_object_set(jv_object_set(jv_object(), jv_string("pkgs"), pkgs),
		    jv_string("direct"), direct);
		pkgs = jv_invalid();
	}
done:
	jv_free(packages);
done0:
	jv_free(pkgs);
	jv_free(links);
	jv_free(index);
	jv_free(doc);
	return out;
}

static void
reach(jv pkgs, jv from, char *seen, int n, char mark)
{
	int *stack = malloc(((size_t)n + 1) * sizeof *stack), sp = 0;

	if (stack == NULL) {
		jv_free(from);
		return;
	}
	jv_array_foreach(from, i, x) {
		int k = (int)jv_number_value(x);
		if (k >= 0 && k < n && !seen[k]) {
			seen[k] = mark;
			stack[sp++] = k;
		}
		jv_free(x);
	}
	jv_free(from);
	while (sp > 0) {
		int k = stack[--sp];
		jv pk = jv_array_get(jv_copy(pkgs), k), d = gl_json_get(pk, "deps");
		jv_free(pk);
		jv_array_foreach(d, i, x) {
			int j = (int)jv_number_value(x);
			if (j >= 0 && j < n && !seen[j]) {
				seen[j] = mark;
				stack[sp++] = j;
			}
			jv_free(x);
		}
		jv_free(d);
	}
	free(stack);
}

jv
gl_lock_npm_scope(jv pkgs, jv prod, jv optional, jv dev)
{
	int n = jv_array_length(jv_copy(pkgs)), i;
	char *seen = calloc((size_t)n + 1, 1);

	if (seen == NULL) {
		jv_free(prod);
		jv_free(optional);
		jv_free(dev);
		return pkgs;
	}
	reach(pkgs, prod, seen, n, 'r');
	reach(pkgs, optional, seen, n, 'o');
	reach(pkgs, dev, seen, n, 'd');
	for (i = 0; i < n; i++) {
		jv p = jv_array_get(jv_copy(pkgs), i);
		if (jv_equal(gl_json_get(p, "root"), jv_true()) || gl_json_str(p, "local") != NULL) {
			jv_free(p);
			continue;
		}
		if (seen[i] == 'd') {
			p = jv_object_set(p, jv_string("scope"), jv_string("excluded"));
			p = gl_lockfile_prop_add(p, "cdx:npm:package:development", "true");
		} else if (seen[i] == 'o')
			p = jv_object_set(p, jv_string("scope"), jv_string("optional"));
		pkgs = jv_array_set(pkgs, i, p);
	}
	free(seen);
	return pkgs;
}
