#include "lock_py.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lockfile.h"
#include "purl.h"
#include "sbom.h"
#include "toml.h"

/* PEP 503: lowercase, runs of -_. become - */
static jv
pep503(const char *s)
{
	char *o = malloc(strlen(s) + 1), *w = o;
	jv v;

	if (o == NULL)
		return jv_string(s);
	for (; *s; s++) {
		if (*s == '-' || *s == '_' || *s == '.') {
			if (w == o || w[-1] != '-')
				*w++ = '-';
		} else
			*w++ = (char)tolower((unsigned char)*s);
	}
	*w = '\0';
	v = jv_string(o);
	free(o);
	return v;
}

/* a pypi package; vcs (git+URL@rev) or local (a path) when not from an index */
static jv
py_pkg(const char *name, const char *version, const char *vcs, const char *local)
{
	const char *q[3] = { "vcs_url", vcs, NULL };
	jv p = jv_object_set(jv_object(), jv_string("name"), pep503(name));
	char *purl;

	if (version != NULL && *version)
		p = jv_object_set(p, jv_string("version"), jv_string(version));
	if (local != NULL)
		return jv_object_set(p, jv_string("local"), jv_string(local));
	purl = gl_purl_build("pypi", NULL, name, version, vcs ? q : NULL, NULL);
	if (purl != NULL)
		p = jv_object_set(p, jv_string("purl"), jv_string(purl));
	free(purl);
	return p;
}

/* "sha256:<hex>" onto p's hashes; -1 if malformed */
static int
add_hash(jv *p, const char *s)
{
	static const char *algs[][2] = { { "sha256:", "SHA-256" }, { "sha384:", "SHA-384" },
		{ "sha512:", "SHA-512" }, { "md5:", "MD5" }, { "sha1:", "SHA-1" } };
	size_t i;

	for (i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (strncmp(s, algs[i][0], strlen(algs[i][0])) == 0) {
			jv h = gl_sbom_hash(algs[i][1], s + strlen(algs[i][0])), a;
			if (jv_get_kind(h) != JV_KIND_OBJECT) {
				jv_free(h);
				return -1;
			}
			a = gl_json_get(*p, "hashes");
			if (!jv_is_valid(a)) {
				jv_free(a);
				a = jv_array();
			}
			*p = jv_object_set(*p, jv_string("hashes"), jv_array_append(a, h));
			return 0;
		}
	return -1;
}

/* a distribution file (sdist or wheel) of p, with its hash: an external
 * reference, since each file has its own digest */
static jv
dist_ref(jv p, const char *url, const char *hash)
{
	jv r, h, a;

	if (url == NULL)
		return p;
	h = jv_object();
	r = jv_object_set(jv_object_set(jv_object(), jv_string("type"),
	    jv_string("distribution")), jv_string("url"), jv_string(url));
	if (hash != NULL && add_hash(&h, hash) == 0)
		r = jv_object_set(r, jv_string("hashes"), gl_json_get(h, "hashes"));
	jv_free(h);
	a = gl_json_get(p, "externalReferences");
	if (!jv_is_valid(a)) {
		jv_free(a);
		a = jv_array();
	}
	return jv_object_set(p, jv_string("externalReferences"), jv_array_append(a, r));
}

static jv
flat(jv pkgs)
{
	jv direct = jv_array();
	int n = jv_array_length(jv_copy(pkgs)), i;

	for (i = 0; i < n; i++)
		direct = jv_array_append(direct, jv_number(i));
	return jv_object_set(jv_object_set(jv_object(), jv_string("pkgs"), pkgs),
	    jv_string("direct"), direct);
}

/* ---- requirements.txt ---- */

jv
gl_lock_py_requirements(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	char *lbuf = malloc(len + 4), *s, *w;
	jv pkgs = jv_array();
	size_t i = 0;
	int ln = 0;

	(void)aux;
	(void)auxlen;
	if (lbuf == NULL) {
		jv_free(pkgs);
		return jv_invalid_with_msg(jv_string("!out of memory"));
	}
	while (i < len) {
		int start = ln + 1;
		char *name, *ver = NULL, *tok, *save;
		size_t o = 0;
		jv p;
		for (;;) {	/* one logical line: a trailing backslash continues it */
			size_t j = i, e;
			int cont;
			while (j < len && buf[j] != '\n')
				j++;
			ln++;
			e = j;
			if (e > i && buf[e - 1] == '\r')
				e--;
			cont = e > i && buf[e - 1] == '\\';
			if (cont)
				e--;
			memcpy(lbuf + o, buf + i, e - i);
			o += e - i;
			lbuf[o++] = ' ';
			i = j < len ? j + 1 : j;
			if (!cont || i >= len)
				break;
		}
		lbuf[o] = '\0';
		s = lbuf;
		/* comments: '#' at the start or after white space */
		for (w = s; *w; w++)
			if (*w == '#' && (w == s || isspace((unsigned char)w[-1]))) {
				*w = '\0';
				break;
			}
		for (w = s; *w && isspace((unsigned char)*w); w++)
			;
		if (*w == '\0')
			continue;
		if (*w == '-' && strncmp(w, "-e", 2) != 0 && strncmp(w, "--editable", 10) != 0)
			continue;	/* global options, -r and -c includes */
		if (strncmp(w, "-e", 2) == 0 || strncmp(w, "--editable", 10) == 0 || *w == '.' ||
		    *w == '/' || strncmp(w, "git+", 4) == 0) {
			char *path = w;
			if (*w == '-') {
				path = w + (w[1] == 'e' ? 2 : 10);
				while (*path == ' ' || *path == '=')
					path++;
			}
			path = strtok_r(path, " \t\r", &save);
			if (path == NULL)
				goto bad;
			const char *egg = strstr(path, "#egg=");
			if (strncmp(path, "git+", 4) == 0 && egg != NULL) {
				char *vcs = strndup(path, (size_t)(egg - path));
				p = py_pkg(egg + 5, NULL, vcs, NULL);
				free(vcs);
			} else {
				const char *b = strrchr(path, '/');
				p = py_pkg(egg ? egg + 5 : b && b[1] ? b + 1 : path, NULL, NULL, path);
			}
			pkgs = jv_array_append(pkgs, jv_object_set(p, jv_string("nodeps"), jv_true()));
			continue;
		}
		name = w;
		while (*w && (isalnum((unsigned char)*w) || *w == '.' || *w == '_' || *w == '-'))
			w++;
		if (w == name)
			goto bad;
		char *nend = w;
		if (*w == '[') {	/* extras */
			if ((w = strchr(w, ']')) == NULL)
				goto bad;
			w++;
		}
		while (*w == ' ' || *w == '\t')
			w++;
		if (nend != w)
			*nend = '\0';
		else {	/* the name ends where the operator starts: make room */
			memmove(w + 1, w, strlen(w) + 1);
			*w++ = '\0';
		}
		if (strncmp(w, "===", 3) == 0 || strncmp(w, "==", 2) == 0) {
			w += w[2] == '=' ? 3 : 2;
			while (*w == ' ')
				w++;
			ver = w;
			while (*w && !isspace((unsigned char)*w) && *w != ';' && *w != ',')
				w++;
			if (*w == ',' || strchr(ver, '*') != NULL)
				ver = NULL;	/* a range, not a pin */
			else if (*w)
				*w++ = '\0';
		}
		if (ver != NULL && *ver == '\0')
			goto bad;
		if (strncmp(w, "@", 1) == 0) {	/* name @ URL */
			char *url = strtok_r(w + 1, " \t;", &save);
			if (url != NULL && strncmp(url, "git+", 4) == 0) {
				p = py_pkg(name, NULL, url, NULL);
			} else if (url != NULL && strncmp(url, "file:", 5) == 0) {
				p = py_pkg(name, NULL, NULL, url + 5);
			} else {
				p = py_pkg(name, NULL, NULL, NULL);
				if (url != NULL)
					p = gl_lockfile_prop_add(p, "gl-sbom:pypi:url", url);
			}
			w = save;
		} else {
			p = py_pkg(name, ver, NULL, NULL);
			if (ver == NULL)
				p = gl_lockfile_prop_add(p, "gl-sbom:pypi:pinned", "false");
		}
		for (tok = strtok_r(w, " \t\r\\", &save); tok; tok = strtok_r(NULL, " \t\r\\", &save)) {
			if (strncmp(tok, "--hash=", 7) == 0 && add_hash(&p, tok + 7) < 0) {
				jv_free(p);
				goto bad;
			}
		}
		pkgs = jv_array_append(pkgs, jv_object_set(p, jv_string("nodeps"), jv_true()));
		continue;
bad:
		free(lbuf);
		jv_free(pkgs);
		return jv_invalid_with_msg(jv_string_fmt("%d: malformed requirement", start));
	}
	free(lbuf);
	return flat(pkgs);
}

/* ---- Pipfile.lock ---- */

jv
gl_lock_py_pipfile(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	static const char *groups[] = { "default", "develop" };
	jv doc = gl_lockfile_json(buf, len), pkgs = jv_array();
	size_t g;

	(void)aux;
	(void)auxlen;
	if (!jv_is_valid(doc)) {
		jv_free(pkgs);
		return doc;
	}
	for (g = 0; g < 2; g++) {
		jv m = gl_json_get(doc, groups[g]);
		if (jv_get_kind(m) != JV_KIND_OBJECT) {
			jv_free(m);
			continue;
		}
		jv_object_foreach(m, k, e) {
			const char *v = gl_json_str(e, "version"), *git = gl_json_str(e, "git");
			const char *path = gl_json_str(e, "path"), *ref = gl_json_str(e, "ref");
			char *vcs = NULL;
			jv p, h;
			if (v != NULL && strncmp(v, "==", 2) == 0)
				v += v[2] == '=' ? 3 : 2;
			if (git != NULL && asprintf(&vcs, "%s%s%s%s", strncmp(git, "git+", 4) ?
			    "git+" : "", git, ref ? "@" : "", ref ? ref : "") < 0)
				vcs = NULL;
			p = py_pkg(jv_string_value(k), v, vcs, path);
			free(vcs);
			h = gl_json_get(e, "hashes");
			if (jv_get_kind(h) == JV_KIND_ARRAY)
				jv_array_foreach(h, i, x) {
					if (jv_get_kind(x) != JV_KIND_STRING ||
					    add_hash(&p, jv_string_value(x)) < 0) {
						jv err = jv_invalid_with_msg(jv_string_fmt("%s.%s: bad "
						    "hash", groups[g], jv_string_value(k)));
						jv_free(x);
						jv_free(h);
						jv_free(p);
						jv_free(k);
						jv_free(e);
						jv_free(m);
						jv_free(pkgs);
						jv_free(doc);
						return err;
					}
					jv_free(x);
				}
			jv_free(h);
			if (g == 1)
				p = jv_object_set(p, jv_string("scope"), jv_string("excluded"));
			pkgs = jv_array_append(pkgs, jv_object_set(p, jv_string("nodeps"), jv_true()));
			jv_free(k);
			jv_free(e);
		}
		jv_free(m);
	}
	jv_free(doc);
	return flat(pkgs);
}

/* ---- poetry.lock and uv.lock (TOML [[package]] tables) ---- */

static jv
toml_doc(const char *buf, size_t len)
{
	return gl_toml_parse(buf, len);
}

/* edges by (normalised) name: each name to its indices */
static jv
by_name(jv list)
{
	jv m = jv_object();

	jv_array_foreach(list, i, e) {
		const char *n = gl_json_str(e, "name");
		if (n != NULL) {
			jv k = pep503(n), l = jv_object_get(jv_copy(m), jv_copy(k));
			if (!jv_is_valid(l)) {
				jv_free(l);
				l = jv_array();
			}
			m = jv_object_set(m, k, jv_array_append(l, jv_number(i)));
		}
		jv_free(e);
	}
	jv_free(list);
	return m;
}

static jv
edges_to(jv names, jv idx)
{
	jv d = jv_array();

	jv_array_foreach(names, i, n) {
		jv k = pep503(jv_get_kind(n) == JV_KIND_STRING ? jv_string_value(n) : "");
		jv l = jv_object_get(jv_copy(idx), k);
		if (jv_is_valid(l))
			d = jv_array_concat(d, l);
		else
			jv_free(l);
		jv_free(n);
	}
	jv_free(names);
	jv_free(idx);
	return d;
}

static jv
no_pkg_list(jv doc, jv list)
{
	char why[64];
	jv e;

	jv_free(list);
	if (!jv_is_valid(doc))
		return doc;
	e = jv_invalid_with_msg(jv_string("package: not an array of tables"));
	jv_free(doc);
	(void)why;
	return e;
}

jv
gl_lock_py_poetry(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	jv doc = toml_doc(buf, len), list = gl_json_get(doc, "package"), idx, pkgs = jv_array();
	jv needed = jv_object();

	(void)aux;
	(void)auxlen;
	if (!jv_is_valid(doc) || jv_get_kind(list) != JV_KIND_ARRAY) {
		jv_free(pkgs);
		jv_free(needed);
		return no_pkg_list(doc, list);
	}
	idx = by_name(jv_copy(list));
	jv_array_foreach(list, i, e) {
		const char *name = gl_json_str(e, "name"), *ver = gl_json_str(e, "version");
		jv src = gl_json_get(e, "source"), files = gl_json_get(e, "files"), p, dn;
		const char *st = gl_json_str(src, "type"), *url = gl_json_str(src, "url");
		char *vcs = NULL;
		if (name == NULL || ver == NULL) {
			jv err = jv_invalid_with_msg(jv_string_fmt("%d: package without name or "
			    "version", gl_lockfile_num(e, GL_TOML_LINE)));
			jv_free(src);
			jv_free(files);
			jv_free(e);
			jv_free(list);
			jv_free(idx);
			jv_free(pkgs);
			jv_free(needed);
			jv_free(doc);
			return err;
		}
		if (st != NULL && strcmp(st, "git") == 0 && url != NULL &&
		    asprintf(&vcs, "git+%s@%s", url, gl_json_str(src, "resolved_reference") ?
		    gl_json_str(src, "resolved_reference") : "") < 0)
			vcs = NULL;
		p = py_pkg(name, ver, vcs, st != NULL && (strcmp(st, "directory") == 0 ||
		    strcmp(st, "file") == 0) ? url : NULL);
		free(vcs);
		if (st != NULL && strcmp(st, "legacy") == 0 && url != NULL)
			p = gl_lockfile_prop_add(p, "gl-sbom:pypi:index", url);
		if (jv_get_kind(files) == JV_KIND_ARRAY)
			jv_array_foreach(files, j, f) {
				p = dist_ref(p, gl_json_str(f, "file"), gl_json_str(f, "hash"));
				jv_free(f);
			}
		jv_free(files);
		if (jv_equal(gl_json_get(e, "optional"), jv_true()))
			p = jv_object_set(p, jv_string("scope"), jv_string("optional"));
		else if (gl_json_str(e, "category") != NULL &&
		    strcmp(gl_json_str(e, "category"), "dev") == 0)
			p = jv_object_set(p, jv_string("scope"), jv_string("excluded"));
		dn = gl_lockfile_kind_at(e, "dependencies") == JV_KIND_OBJECT ?
		    jv_keys(gl_json_get(e, "dependencies")) : jv_array();
		jv d = edges_to(dn, jv_copy(idx));
		jv_array_foreach(d, j, x) {
			needed = jv_object_set(needed, jv_string_fmt("%d", (int)jv_number_value(x)),
			    jv_true());
			jv_free(x);
		}
		pkgs = jv_array_append(pkgs, jv_object_set(p, jv_string("deps"), d));
		jv_free(src);
		jv_free(e);
	}
	jv_free(list);
	jv_free(idx);
	/* poetry.lock does not name the project's own requirements: roots are
	 * the packages nobody needs */
	{
		jv direct = jv_array();
		int n = jv_array_length(jv_copy(pkgs)), i;
		for (i = 0; i < n; i++)
			if (!jv_object_has(jv_copy(needed), jv_string_fmt("%d", i)))
				direct = jv_array_append(direct, jv_number(i));
		jv_free(needed);
		jv_free(doc);
		return jv_object_set(jv_object_set(jv_object(), jv_string("pkgs"), pkgs),
		    jv_string("direct"), direct);
	}
}

jv
gl_lock_py_uv(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	jv doc = toml_doc(buf, len), list = gl_json_get(doc, "package"), idx, pkgs = jv_array();
	jv direct = jv_array();

	(void)aux;
	(void)auxlen;
	if (!jv_is_valid(doc) || jv_get_kind(list) != JV_KIND_ARRAY) {
		jv_free(pkgs);
		jv_free(direct);
		return no_pkg_list(doc, list);
	}
	idx = by_name(jv_copy(list));
	jv_array_foreach(list, i, e) {
		const char *name = gl_json_str(e, "name"), *ver = gl_json_str(e, "version");
		jv src = gl_json_get(e, "source"), p, d = jv_array(), dl, g;
		const char *git = gl_json_str(src, "git"), *local = gl_json_str(src, "editable");
		const char *reg = gl_json_str(src, "registry");
		int root = 0;
		if (name == NULL) {
			jv err = jv_invalid_with_msg(jv_string_fmt("%d: package without a name",
			    gl_lockfile_num(e, GL_TOML_LINE)));
			jv_free(src);
			jv_free(d);
			jv_free(e);
			jv_free(list);
			jv_free(idx);
			jv_free(pkgs);
			jv_free(direct);
			jv_free(doc);
			return err;
		}
		if (local == NULL)
			local = gl_json_str(src, "virtual");
		if (local == NULL)
			local = gl_json_str(src, "directory");
		if (local == NULL)
			local = gl_json_str(src, "path");
		root = local != NULL && strcmp(local, ".") == 0;
		{
			char *vcs = NULL;
			if (git != NULL && asprintf(&vcs, "git+%.*s", (int)strcspn(git, "?#"),
			    git) >= 0 &&
			    strchr(git, '#') != NULL) {
				char *v2 = NULL;
				if (asprintf(&v2, "%s@%s", vcs, strchr(git, '#') + 1) >= 0) {
					free(vcs);
					vcs = v2;
				}
			}
			p = py_pkg(name, ver, vcs, local);
			free(vcs);
		}
		if (reg != NULL && strcmp(reg, "https://pypi.org/simple") != 0)
			p = gl_lockfile_prop_add(p, "gl-sbom:pypi:index", reg);
		if (root)
			p = jv_object_set(p, jv_string("root"), jv_true());
		g = gl_json_get(e, "sdist");
		if (jv_get_kind(g) == JV_KIND_OBJECT)
			p = dist_ref(p, gl_json_str(g, "url"), gl_json_str(g, "hash"));
		jv_free(g);
		g = gl_json_get(e, "wheels");
		if (jv_get_kind(g) == JV_KIND_ARRAY)
			jv_array_foreach(g, j, w) {
				p = dist_ref(p, gl_json_str(w, "url"), gl_json_str(w, "hash"));
				jv_free(w);
			}
		jv_free(g);
		/* dependencies, optional-dependencies, dev-dependencies: lists of {name} */
		dl = jv_array();
		jv x = gl_json_get(e, "dependencies");
		if (jv_get_kind(x) == JV_KIND_ARRAY)
			jv_array_foreach(x, j, t) {
				dl = jv_array_append(dl, gl_json_get(t, "name"));
				jv_free(t);
			}
		jv_free(x);
		static const char *more[] = { "optional-dependencies", "dev-dependencies" };
		for (size_t m = 0; m < 2; m++) {
			x = gl_json_get(e, more[m]);
			if (jv_get_kind(x) == JV_KIND_OBJECT)
				jv_object_foreach(x, gk, gv) {
					if (jv_get_kind(gv) == JV_KIND_ARRAY)
						jv_array_foreach(gv, j, t) {
							dl = jv_array_append(dl, gl_json_get(t, "name"));
							jv_free(t);
						}
					jv_free(gk);
					jv_free(gv);
				}
			jv_free(x);
		}
		d = jv_array_concat(d, edges_to(dl, jv_copy(idx)));
		if (root || local != NULL)
			direct = jv_array_append(direct, jv_number(i));
		pkgs = jv_array_append(pkgs, jv_object_set(p, jv_string("deps"), d));
		jv_free(src);
		jv_free(e);
	}
	jv_free(list);
	jv_free(idx);
	jv_free(doc);
	return jv_object_set(jv_object_set(jv_object(), jv_string("pkgs"), pkgs),
	    jv_string("direct"), direct);
}
