#include "lock_yarn.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lock_npm.h"
#include "lockfile.h"
#include "sbom.h"
#include "yamldoc.h"

/* "name@range" -> name (the '@' of a scope is not the separator) */
static jv
spec_name(const char *spec)
{
	const char *at = strchr(spec + (spec[0] == '@'), '@');

	return at ? jv_string_sized(spec, (int)(at - spec)) : jv_string(spec);
}

static const char *
spec_range(const char *spec)
{
	const char *at = strchr(spec + (spec[0] == '@'), '@');

	return at ? at + 1 : "";
}

/* split a header "a@1, \"b@2\":" into unquoted specs */
static jv
specs(const char *s, size_t n)
{
	jv out = jv_array();
	size_t i = 0;

	while (i < n) {
		size_t st, e;
		while (i < n && (s[i] == ' ' || s[i] == ','))
			i++;
		if (i >= n)
			break;
		if (s[i] == '"') {
			st = ++i;
			while (i < n && s[i] != '"')
				i++;
			e = i++;
		} else {
			st = i;
			while (i < n && s[i] != ',')
				i++;
			e = i;
			while (e > st && s[e - 1] == ' ')
				e--;
		}
		out = jv_array_append(out, jv_string_sized(s + st, (int)(e - st)));
	}
	return out;
}

static jv
unquote(const char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		return jv_string_sized(s + 1, (int)n - 2);
	return jv_string(s);
}

/* the direct dependencies from package.json beside the lockfile:
 * {prod, optional, dev} arrays of "name@range" descriptors */
static jv
manifest(const char *aux, size_t auxlen, int berry)
{
	static const char *k[] = { "dependencies", "optionalDependencies", "devDependencies" };
	static const char *o[] = { "prod", "optional", "dev" };
	jv doc = aux ? gl_lockfile_json(aux, auxlen) : jv_invalid(), out = jv_object();
	size_t i;

	for (i = 0; i < 3; i++) {
		jv m = jv_is_valid(doc) ? gl_json_get(doc, k[i]) : jv_null(), l = jv_array();
		if (jv_get_kind(m) == JV_KIND_OBJECT)
			jv_object_foreach(m, dn, dv) {
				const char *r = jv_get_kind(dv) == JV_KIND_STRING ? jv_string_value(dv) : "";
				l = jv_array_append(l, jv_string_fmt("%s@%s%s", jv_string_value(dn),
				    berry && strchr(r, ':') == NULL ? "npm:" : "", r));
				jv_free(dn);
				jv_free(dv);
			}
		jv_free(m);
		out = jv_object_set(out, jv_string(o[i]), l);
	}
	jv_free(doc);
	return out;
}

/* descriptors -> indices */
static jv
lookup_all(jv descs, jv index)
{
	jv out = jv_array();

	jv_array_foreach(descs, i, d) {
		jv ix = jv_object_get(jv_copy(index), d);
		if (jv_is_valid(ix))
			out = jv_array_append(out, ix);
		else
			jv_free(ix);
	}
	jv_free(descs);
	jv_free(index);
	return out;
}

/* the edges of every entry ("descs" per entry) as indices; no direct
 * list: the entries nobody needs */
static jv
finish(jv ents, jv index, jv man, int have_man)
{
	int n = jv_array_length(jv_copy(ents)), i, *needed = calloc((size_t)n + 1, sizeof *needed);
	jv pkgs = jv_array(), direct = jv_array(), prod, opt, dev, rootd = jv_array();

	if (needed == NULL) {
		jv_free(ents);
		jv_free(index);
		jv_free(man);
		jv_free(pkgs);
		jv_free(direct);
		jv_free(rootd);
		return jv_invalid_with_msg(jv_string("!out of memory"));
	}
	jv_array_foreach(ents, j, e) {
		jv d = lookup_all(gl_json_get(e, "descs"), jv_copy(index));
		if (jv_equal(gl_json_get(e, "root"), jv_true()))
			rootd = jv_array_concat(rootd, jv_copy(d));
		jv_array_foreach(d, k, x) {
			if ((int)jv_number_value(x) != j)
				needed[(int)jv_number_value(x)] = 1;
			jv_free(x);
		}
		e = jv_object_delete(e, jv_string("descs"));
		pkgs = jv_array_append(pkgs, jv_object_set(e, jv_string("deps"), d));
	}
	jv_free(ents);
	prod = lookup_all(gl_json_get(man, "prod"), jv_copy(index));
	opt = lookup_all(gl_json_get(man, "optional"), jv_copy(index));
	dev = lookup_all(gl_json_get(man, "dev"), jv_copy(index));
	jv_free(man);
	jv_free(index);
	if (have_man) {
		direct = jv_array_concat(jv_array_concat(jv_array_concat(direct, jv_copy(prod)),
		    jv_copy(opt)), jv_copy(dev));
		/* a Berry root workspace lists its dev dependencies as plain ones */
		jv_free(rootd);
		rootd = jv_array();
	}
	for (i = 0; i < n; i++)
		if (!needed[i])
			direct = jv_array_append(direct, jv_number(i));
	free(needed);
	if (have_man)
		pkgs = gl_lock_npm_scope(pkgs, jv_array_concat(prod, rootd), opt, dev);
	else {
		jv_free(prod);
		jv_free(opt);
		jv_free(dev);
		jv_free(rootd);
	}
	return jv_object_set(jv_object_set(jv_object(), jv_string("pkgs"), pkgs),
	    jv_string("direct"), direct);
}

/* ---- yarn v1: its own indented format ---- */

static jv
yarn1(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	jv ents = jv_array(), index = jv_object(), cur = jv_invalid(), sp;
	const char *p = buf, *end = buf + len;
	int ln = 0, n = 0, sub = 0;

	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p)), *s = p;
		size_t l;
		int in = 0;
		char *line;
		ln++;
		if (e == NULL)
			e = end;
		l = (size_t)(e - p);
		if (l > 0 && p[l - 1] == '\r')
			l--;
		p = e < end ? e + 1 : end;
		while (in < (int)l && s[in] == ' ')
			in++;
		if (l == (size_t)in || s[in] == '#')
			continue;
		if ((line = strndup(s + in, l - (size_t)in)) == NULL)
			goto oom;
		if (in == 0) {
			size_t ll = strlen(line);
			if (ll < 2 || line[ll - 1] != ':') {
				free(line);
				goto bad;
			}
			if (jv_is_valid(cur))
				ents = jv_array_append(ents, cur);
			sp = specs(line, ll - 1);
			cur = jv_object_set(jv_object_set(jv_object(), jv_string("specs"), jv_copy(sp)),
			    jv_string("descs"), jv_array());
			cur = jv_object_set(cur, jv_string("line"), jv_number(ln));
			jv_array_foreach(sp, i, x)
				index = jv_object_set(index, x, jv_number(n));
			jv_free(sp);
			n++;
			sub = 0;
		} else if (!jv_is_valid(cur)) {
			free(line);
			goto bad;
		} else if (in == 2) {
			char *v = strchr(line, ' ');
			sub = 0;
			if (v == NULL && line[strlen(line) - 1] == ':') {
				sub = strcmp(line, "dependencies:") == 0 ? 1 :
				    strcmp(line, "optionalDependencies:") == 0 ? 2 : 3;
			} else if (v != NULL) {
				*v++ = '\0';
				jv k = unquote(line);
				cur = jv_object_set(cur, jv_string_fmt("y:%s", jv_string_value(k)),
				    unquote(v));
				jv_free(k);
			} else {
				free(line);
				goto bad;
			}
		} else if (in == 4 && (sub == 1 || sub == 2)) {
			char *v = strchr(line, ' ');
			if (v == NULL) {
				free(line);
				goto bad;
			}
			*v++ = '\0';
			jv k = unquote(line), r = unquote(v);
			cur = jv_object_set(cur, jv_string("descs"), jv_array_append(gl_json_get(cur,
			    "descs"), jv_string_fmt("%s@%s", jv_string_value(k), jv_string_value(r))));
			jv_free(k);
			jv_free(r);
		} else if (sub != 3) {
			free(line);
			goto bad;
		}
		free(line);
	}
	if (jv_is_valid(cur))
		ents = jv_array_append(ents, cur);
	/* the entries as packages */
	{
		jv out = jv_array();
		jv_array_foreach(ents, i, x) {
			jv sps = gl_json_get(x, "specs"), f = jv_array_get(sps, 0);
			const char *range = spec_range(jv_string_value(f)), *res = gl_json_str(x,
			    "y:resolved"), *ver = gl_json_str(x, "y:version");
			jv name = spec_name(jv_string_value(f)), pk = jv_object();
			if (strncmp(range, "npm:", 4) == 0) {	/* an alias */
				jv_free(name);
				name = spec_name(range + 4);
			}
			if (ver == NULL) {
				jv err = jv_invalid_with_msg(jv_string_fmt("%d: entry without a version",
				    gl_lockfile_num(x, "line")));
				jv_free(name);
				jv_free(f);
				jv_free(pk);
				jv_free(x);
				jv_free(out);
				jv_free(ents);
				jv_free(index);
				return err;
			}
			if (strncmp(range, "file:", 5) == 0 || strncmp(range, "link:", 5) == 0)
				pk = gl_lock_npm_ident(pk, jv_string_value(name), ver, range);
			else
				pk = gl_lock_npm_ident(pk, jv_string_value(name), ver, res);
			if (gl_json_str(x, "y:integrity") != NULL) {
				jv h = jv_array();
				if (gl_sbom_sri(&h, gl_json_str(x, "y:integrity")) < 0) {
					jv err = jv_invalid_with_msg(jv_string_fmt("%d: integrity is "
					    "not a Subresource Integrity value",
					    gl_lockfile_num(x, "line")));
					jv_free(h);
					jv_free(name);
					jv_free(f);
					jv_free(pk);
					jv_free(x);
					jv_free(out);
					jv_free(ents);
					jv_free(index);
					return err;
				}
				pk = jv_object_set(pk, jv_string("hashes"), h);
			}
			pk = jv_object_set(pk, jv_string("descs"), gl_json_get(x, "descs"));
			out = jv_array_append(out, pk);
			jv_free(name);
			jv_free(f);
			jv_free(x);
		}
		jv_free(ents);
		return finish(out, index, manifest(aux, auxlen, 0), aux != NULL);
	}
bad:
	jv_free(ents);
	jv_free(index);
	jv_free(cur);
	return jv_invalid_with_msg(jv_string_fmt("%d: not a yarn.lock entry line", ln));
oom:
	jv_free(ents);
	jv_free(index);
	jv_free(cur);
	return jv_invalid_with_msg(jv_string("!out of memory"));
}

/* ---- Berry (yarn 2+): YAML ---- */

static jv
berry(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	jv doc = gl_yamldoc_parse(buf, len), ents = jv_array(), index = jv_object();
	int n = 0;

	if (!jv_is_valid(doc)) {
		jv_free(ents);
		jv_free(index);
		return doc;
	}
	if (jv_get_kind(doc) != JV_KIND_OBJECT) {
		jv_free(doc);
		jv_free(ents);
		jv_free(index);
		return jv_invalid_with_msg(jv_string("1: not a mapping"));
	}
	jv_object_foreach(doc, key, e) {
		const char *res = gl_json_str(e, "resolution"), *ver = gl_json_str(e, "version");
		jv sp, name, pk = jv_object(), d = jv_array(), props = jv_array(), m;
		const char *proto;
		int dk;
		if (strcmp(jv_string_value(key), "__metadata") == 0 || res == NULL) {
			if (strcmp(jv_string_value(key), "__metadata") != 0) {
				jv err = jv_invalid_with_msg(jv_string_fmt("\"%s\": no resolution",
				    jv_string_value(key)));
				jv_free(key);
				jv_free(e);
				jv_free(pk);
				jv_free(d);
				jv_free(props);
				jv_free(doc);
				jv_free(ents);
				jv_free(index);
				return err;
			}
			jv_free(pk);
			jv_free(d);
			jv_free(props);
			goto next;
		}
		sp = specs(jv_string_value(key), strlen(jv_string_value(key)));
		jv_array_foreach(sp, i, x)
			index = jv_object_set(index, x, jv_number(n));
		jv_free(sp);
		n++;
		name = spec_name(res);
		proto = spec_range(res);
		if (strncmp(proto, "patch:", 6) == 0) {
			props = jv_array_append(props, gl_lockfile_prop("gl-sbom:yarn:patch", proto));
			proto = "npm:";
		}
		if (strncmp(proto, "workspace:", 10) == 0) {
			const char *path = proto + 10;
			pk = jv_object_set(jv_object_set(pk, jv_string("name"), jv_copy(name)),
			    jv_string("local"), jv_string(path));
			pk = jv_object_set(pk, jv_string("root"), jv_bool(strcmp(path, ".") == 0));
			if (ver != NULL && strcmp(ver, "0.0.0-use.local") != 0)
				pk = jv_object_set(pk, jv_string("version"), jv_string(ver));
			pk = gl_lock_npm_ident(pk, jv_string_value(name), gl_json_str(pk, "version"),
			    "file:.");
			pk = jv_object_set(pk, jv_string("local"), jv_string(path));
		} else if (strncmp(proto, "npm:", 4) == 0) {
			pk = gl_lock_npm_ident(pk, jv_string_value(name), ver, NULL);
		} else if (strncmp(proto, "link:", 5) == 0 || strncmp(proto, "portal:", 7) == 0 ||
		    strncmp(proto, "file:", 5) == 0) {
			pk = gl_lock_npm_ident(pk, jv_string_value(name), ver, "file:");
			pk = jv_object_set(pk, jv_string("local"), jv_string(strchr(proto, ':') + 1));
		} else {
			pk = gl_lock_npm_ident(pk, jv_string_value(name), ver, proto);
		}
		if (gl_json_str(e, "checksum") != NULL)	/* yarn's cache hash, not the tarball's */
			props = jv_array_append(props, gl_lockfile_prop("gl-sbom:yarn:checksum",
			    gl_json_str(e, "checksum")));
		for (dk = 0; dk < 2; dk++) {
			m = gl_json_get(e, dk == 0 ? "dependencies" : "optionalDependencies");
			if (jv_get_kind(m) == JV_KIND_OBJECT)
				jv_object_foreach(m, dn, dv) {
					d = jv_array_append(d, jv_string_fmt("%s@%s",
					    jv_string_value(dn), jv_get_kind(dv) == JV_KIND_STRING ?
					    jv_string_value(dv) : ""));
					jv_free(dn);
					jv_free(dv);
				}
			jv_free(m);
		}
		if (jv_array_length(jv_copy(props)) > 0)
			pk = jv_object_set(pk, jv_string("properties"), props);
		else
			jv_free(props);
		ents = jv_array_append(ents, jv_object_set(pk, jv_string("descs"), d));
		jv_free(name);
next:
		jv_free(key);
		jv_free(e);
	}
	jv_free(doc);
	return finish(ents, index, manifest(aux, auxlen, 1), aux != NULL);
}

jv
gl_lock_yarn(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	/* Berry's YAML has a __metadata entry; v1 never does */
	if ((len >= 11 && memcmp(buf, "__metadata:", 11) == 0) ||
	    memmem(buf, len, "\n__metadata:", 12) != NULL)
		return berry(buf, len, aux, auxlen);
	return yarn1(buf, len, aux, auxlen);
}
