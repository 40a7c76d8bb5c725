#include "lock_pnpm.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lock_npm.h"
#include "sbom.h"
#include "yamldoc.h"

/* dir/rel with "." and ".." segments folded (relative paths only) */
static jv
joinpath(const char *dir, const char *rel)
{
	char *buf, *seg, *save, *out;
	size_t n = 0;
	jv v;

	if (asprintf(&buf, "%s/%s", strcmp(dir, ".") == 0 ? "" : dir, rel) < 0)
		return jv_string(rel);
	if ((out = calloc(strlen(buf) + 2, 1)) == NULL) {
		free(buf);
		return jv_string(rel);
	}
	for (seg = strtok_r(buf, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0 && n > 0 && strcmp(out + n - (n >= 2 ? 2 : n), "..") != 0) {
			char *sl = strrchr(out, '/');
			n = sl ? (size_t)(sl - out) : 0;
			out[n] = '\0';
			continue;
		}
		if (n > 0)
			out[n++] = '/';
		strcpy(out + n, seg);
		n += strlen(seg);
	}
	v = jv_string(n ? out : ".");
	free(out);
	free(buf);
	return v;
}

/* the node key a dependency "name: version" points at */
static jv
key_of(int major, const char *name, const char *ver)
{
	const char *at = ver[0] ? strchr(ver + 1, '@') : NULL;

	if (major >= 9)
		return at != NULL && ver[0] != '(' ? jv_string(ver) : jv_string_fmt("%s@%s", name, ver);
	if (ver[0] == '/')
		return jv_string(ver);
	return jv_string_fmt(major >= 6 ? "/%s@%s" : "/%s/%s", name, ver);
}

/* name and version from a node key ("name@1.0.0(peer@2)", "/name@1.0.0",
 * "/@s/name/1.0.0_peer@2") */
static void
split_key(int major, const char *key, jv *name, jv *ver)
{
	const char *k = key[0] == '/' ? key + 1 : key, *sep;
	size_t n = strcspn(k, "(");
	char *b = strndup(k, n);

	if (b == NULL) {
		*name = jv_string(k);
		*ver = jv_null();
		return;
	}
	if (major < 6 && key[0] == '/') {
		char *u;
		sep = strrchr(b, '/');
		if (sep != NULL && (u = strchr(sep, '_')) != NULL)
			*u = '\0';
	} else
		sep = strrchr(b + (b[0] == '@'), '@');
	if (sep == NULL || sep == b) {
		*name = jv_string(b);
		*ver = jv_null();
	} else {
		*name = jv_string_sized(b, (int)(sep - b));
		*ver = jv_string(sep + 1);
	}
	free(b);
}

/* a YAML boolean (every scalar is a string here) */
static int
yes(jv obj, const char *key)
{
	const char *v = gl_json_str(obj, key);

	return v != NULL && strcmp(v, "true") == 0;
}

static jv
bad(const char *where, const char *what)
{
	return jv_invalid_with_msg(jv_string_fmt("%s: %s", where, what));
}

/* dependencies of a node or importer as node keys (or importer paths) */
static jv
dep_keys(int major, jv m, const char *importer)
{
	jv out = jv_array();

	if (jv_get_kind(m) != JV_KIND_OBJECT) {
		jv_free(m);
		return out;
	}
	jv_object_foreach(m, dn, dv) {
		const char *v = jv_get_kind(dv) == JV_KIND_STRING ? jv_string_value(dv) :
		    gl_json_str(dv, "version");
		if (v != NULL && strncmp(v, "link:", 5) == 0)
			out = jv_array_append(out, joinpath(importer ? importer : ".", v + 5));
		else if (v != NULL)
			out = jv_array_append(out, key_of(major, jv_string_value(dn), v));
		jv_free(dn);
		jv_free(dv);
	}
	jv_free(m);
	return out;
}

static jv
indices(jv keys, jv index)
{
	jv out = jv_array();

	jv_array_foreach(keys, i, k) {
		jv ix = jv_object_get(jv_copy(index), k);
		if (jv_is_valid(ix))
			out = jv_array_append(out, ix);
		else
			jv_free(ix);
	}
	jv_free(keys);
	jv_free(index);
	return out;
}

jv
gl_lock_pnpm(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	jv doc = gl_yamldoc_parse(buf, len), nodes, meta, imps, index = jv_object(), pkgs = jv_array();
	jv prod = jv_array(), opt = jv_array(), dev = jv_array(), out = jv_invalid(), keys;
	const char *lv;
	int major, n = 0, flags, nimps = 0;

	(void)aux;
	(void)auxlen;
	if (!jv_is_valid(doc)) {
		jv_free(index);
		jv_free(pkgs);
		jv_free(prod);
		jv_free(opt);
		jv_free(dev);
		return doc;
	}
	lv = gl_json_str(doc, "lockfileVersion");
	if (lv == NULL || (major = atoi(lv)) < 5 || major > 9) {
		out = bad("lockfileVersion", "not 5.x, 6.x or 9.x");
		goto done;
	}
	meta = gl_json_get(doc, "packages");
	nodes = major >= 9 ? gl_json_get(doc, "snapshots") : jv_copy(meta);
	if (jv_get_kind(nodes) != JV_KIND_OBJECT) {
		jv_free(nodes);
		nodes = major >= 9 && jv_get_kind(meta) == JV_KIND_OBJECT ? jv_copy(meta) : jv_object();
	}
	if (jv_get_kind(meta) != JV_KIND_OBJECT) {
		jv_free(meta);
		meta = jv_object();
	}
	imps = gl_json_get(doc, "importers");
	if (jv_get_kind(imps) != JV_KIND_OBJECT) {	/* one project: its maps at the top */
		jv_free(imps);
		imps = jv_object_set(jv_object(), jv_string("."), jv_copy(doc));
	}
	flags = major < 9;	/* v5/v6 say dev and optional on each package */

	/* indices: importers first, then the nodes */
	keys = jv_keys(jv_copy(imps));
	jv_array_foreach(keys, i, k) {
		index = jv_object_set(index, k, jv_number(n++));
		nimps++;
	}
	jv_free(keys);
	keys = jv_keys(jv_copy(nodes));
	jv_array_foreach(keys, i, k) {
		index = jv_object_set(index, k, jv_number(n++));
	}
	jv_free(keys);

	keys = jv_keys(jv_copy(imps));
	jv_array_foreach(keys, i, k) {
		const char *path = jv_string_value(k), *b = strrchr(path, '/');
		jv im = jv_object_get(jv_copy(imps), jv_copy(k)), p = jv_object(), d;
		p = jv_object_set(p, jv_string("name"), jv_string(strcmp(path, ".") == 0 ? "" :
		    b ? b + 1 : path));
		p = jv_object_set(p, jv_string("local"), jv_copy(k));
		if (strcmp(path, ".") == 0)
			p = jv_object_set(p, jv_string("root"), jv_true());
		d = indices(dep_keys(major, gl_json_get(im, "dependencies"), path), jv_copy(index));
		prod = jv_array_concat(prod, jv_copy(d));
		jv o = indices(dep_keys(major, gl_json_get(im, "optionalDependencies"), path),
		    jv_copy(index));
		opt = jv_array_concat(opt, jv_copy(o));
		d = jv_array_concat(d, o);
		o = indices(dep_keys(major, gl_json_get(im, "devDependencies"), path), jv_copy(index));
		dev = jv_array_concat(dev, jv_copy(o));
		d = jv_array_concat(d, o);
		pkgs = jv_array_append(pkgs, jv_object_set(p, jv_string("deps"), d));
		jv_free(im);
		jv_free(k);
	}
	jv_free(keys);

	keys = jv_keys(jv_copy(nodes));
	jv_array_foreach(keys, i, k) {
		const char *key = jv_string_value(k);
		jv node = jv_object_get(jv_copy(nodes), jv_copy(k)), name, ver, m, res, p, d;
		char *base = strndup(key, strcspn(key, "("));
		const char *integ, *tar, *repo, *commit, *dir;
		split_key(major, key, &name, &ver);
		m = major >= 9 ? jv_object_get(jv_copy(meta), jv_string(base ? base : key)) :
		    jv_copy(node);
		free(base);
		if (jv_get_kind(m) != JV_KIND_OBJECT) {
			jv_free(m);
			m = jv_object();
		}
		if (jv_get_kind(node) != JV_KIND_OBJECT) {
			jv_free(node);
			node = jv_object();
		}
		if (gl_json_str(m, "name") != NULL) {
			jv_free(name);
			name = gl_json_get(m, "name");
		}
		if (gl_json_str(m, "version") != NULL) {
			jv_free(ver);
			ver = gl_json_get(m, "version");
		}
		res = gl_json_get(m, "resolution");
		integ = gl_json_str(res, "integrity");
		tar = gl_json_str(res, "tarball");
		repo = gl_json_str(res, "repo");
		commit = gl_json_str(res, "commit");
		dir = gl_json_str(res, "directory");
		p = jv_object();
		if (dir != NULL) {
			p = gl_lock_npm_ident(p, jv_string_value(name), jv_get_kind(ver) ==
			    JV_KIND_STRING ? jv_string_value(ver) : NULL, "file:");
			p = jv_object_set(p, jv_string("local"), jv_string(dir));
		} else if (repo != NULL && commit != NULL) {
			char *vcs = NULL;
			if (asprintf(&vcs, "%s%s@%s", strncmp(repo, "git", 3) ? "git+" : "", repo,
			    commit) < 0)
				vcs = NULL;
			p = gl_lock_npm_ident(p, jv_string_value(name), jv_get_kind(ver) ==
			    JV_KIND_STRING ? jv_string_value(ver) : commit, vcs ? vcs : repo);
			free(vcs);
		} else {
			p = gl_lock_npm_ident(p, jv_string_value(name), jv_get_kind(ver) ==
			    JV_KIND_STRING ? jv_string_value(ver) : NULL, tar);
		}
		if (integ != NULL) {
			jv h = jv_array();
			if (gl_sbom_sri(&h, integ) < 0) {
				jv_free(h);
				out = bad(key, "integrity is not a Subresource Integrity value");
			} else
				p = jv_object_set(p, jv_string("hashes"), h);
		}
		if (flags && yes(m, "dev"))
			p = jv_object_set(p, jv_string("scope"), jv_string("excluded"));
		else if (flags && yes(m, "optional"))
			p = jv_object_set(p, jv_string("scope"), jv_string("optional"));
		d = indices(dep_keys(major, gl_json_get(node, "dependencies"), NULL), jv_copy(index));
		d = jv_array_concat(d, indices(dep_keys(major, gl_json_get(node,
		    "optionalDependencies"), NULL), jv_copy(index)));
		pkgs = jv_array_append(pkgs, jv_object_set(p, jv_string("deps"), d));
		jv_free(res);
		jv_free(m);
		jv_free(node);
		jv_free(name);
		jv_free(ver);
		jv_free(k);
		if (jv_invalid_has_msg(jv_copy(out)))
			break;
	}
	jv_free(keys);
	jv_free(nodes);
	jv_free(meta);
	jv_free(imps);
	if (jv_invalid_has_msg(jv_copy(out)))
		goto done;
	if (!flags) {
		pkgs = gl_lock_npm_scope(pkgs, prod, opt, dev);
		prod = opt = dev = jv_invalid();
	}
	{	/* the root project and every workspace hang off the project */
		jv direct = jv_array();
		for (int i = 0; i < nimps; i++)
			direct = jv_array_append(direct, jv_number(i));
		out = jv_object_set(jv_object_set(jv_object(), jv_string("pkgs"), pkgs),
		    jv_string("direct"), direct);
		pkgs = jv_invalid();
	}
done:
	jv_free(index);
	jv_free(pkgs);
	jv_free(prod);
	jv_free(opt);
	jv_free(dev);
	jv_free(doc);
	return out;
}
