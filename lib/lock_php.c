#include "lock_php.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lockfile.h"
#include "purl.h"
#include "sbom.h"

/* platform requirements are not packages */
static int
platform(const char *name)
{
	return strchr(name, '/') == NULL || strncmp(name, "ext-", 4) == 0 ||
	    strncmp(name, "lib-", 4) == 0;
}

jv
gl_lock_php_composer(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	static const char *lists[] = { "packages", "packages-dev" };
	jv doc = gl_lockfile_json(buf, len), pkgs = jv_array(), byname = jv_object(), all;
	jv direct = jv_array(), out = jv_invalid();
	size_t l;
	int n = 0;

	(void)aux;
	(void)auxlen;
	if (!jv_is_valid(doc)) {
		jv_free(pkgs);
		jv_free(byname);
		jv_free(direct);
		return doc;
	}
	all = jv_array();
	for (l = 0; l < 2; l++) {
		jv list = gl_json_get(doc, lists[l]);
		if (jv_get_kind(list) == JV_KIND_NULL || !jv_is_valid(list)) {
			jv_free(list);
			continue;
		}
		if (jv_get_kind(list) != JV_KIND_ARRAY) {
			jv_free(list);
			out = jv_invalid_with_msg(jv_string_fmt("%s: not an array", lists[l]));
			goto done;
		}
		jv_array_foreach(list, i, e) {
			const char *name = gl_json_str(e, "name"), *ver = gl_json_str(e, "version");
			if (name == NULL || ver == NULL || strchr(name, '/') == NULL) {
				jv_free(e);
				jv_free(list);
				out = jv_invalid_with_msg(jv_string_fmt("%s[%d]: no vendor/name or "
				    "version", lists[l], i));
				goto done;
			}
			byname = jv_object_set(byname, jv_string(name), jv_number(n++));
			all = jv_array_append(all, jv_object_set(e, jv_string("dev"), jv_bool(l == 1)));
		}
		jv_free(list);
	}
	jv_array_foreach(all, i, e) {
		const char *name = gl_json_str(e, "name"), *ver = gl_json_str(e, "version");
		const char *slash = strchr(name, '/'), *q[3] = { NULL, NULL, NULL };
		char *vendor = strndup(name, (size_t)(slash - name)), *purl;
		jv src = gl_json_get(e, "source"), dist = gl_json_get(e, "dist"), p = jv_object();
		jv d = jv_array(), req, props = jv_array();
		const char *stype = gl_json_str(src, "type"), *surl = gl_json_str(src, "url");
		const char *dtype = gl_json_str(dist, "type"), *dref = gl_json_str(dist, "reference");
		char *vcs = NULL;

		p = jv_object_set(p, jv_string("name"), jv_string(slash + 1));
		p = jv_object_set(p, jv_string("group"), jv_string(vendor ? vendor : ""));
		p = jv_object_set(p, jv_string("version"), jv_string(ver));
		if ((dtype != NULL && strcmp(dtype, "path") == 0) ||
		    (stype != NULL && strcmp(stype, "path") == 0)) {
			const char *u = gl_json_str(dist, "url") ? gl_json_str(dist, "url") : surl;
			p = jv_object_set(p, jv_string("local"), jv_string(u ? u : ""));
		} else {
			/* a dev branch is pinned by its commit: say where it comes from */
			if (strncmp(ver, "dev-", 4) == 0 && stype && strcmp(stype, "git") == 0 &&
			    surl && gl_json_str(src, "reference") &&
			    asprintf(&vcs, "git+%s@%s", surl, gl_json_str(src, "reference")) >= 0) {
				q[0] = "vcs_url";
				q[1] = vcs;
			}
			purl = gl_purl_build("composer", vendor, slash + 1, ver, q[0] ? q : NULL, NULL);
			if (purl != NULL)
				p = jv_object_set(p, jv_string("purl"), jv_string(purl));
			free(purl);
		}
		free(vcs);
		if (gl_json_str(dist, "shasum") != NULL && *gl_json_str(dist, "shasum")) {
			jv h = gl_sbom_hash("SHA-1", gl_json_str(dist, "shasum"));
			if (jv_get_kind(h) == JV_KIND_NULL) {
				out = jv_invalid_with_msg(jv_string_fmt("%s: dist.shasum is not a SHA-1",
				    name));
				jv_free(p);
				jv_free(d);
				jv_free(props);
				jv_free(src);
				jv_free(dist);
				jv_free(e);
				free(vendor);
				goto done;
			}
			p = jv_object_set(p, jv_string("hashes"), JV_ARRAY(h));
		}
		if (surl != NULL && stype != NULL && strcmp(stype, "git") == 0)
			p = jv_object_set(p, jv_string("externalReferences"), JV_ARRAY(
			    jv_object_set(jv_object_set(jv_object(), jv_string("type"),
			    jv_string("vcs")), jv_string("url"), jv_string(surl))));
		if (dref != NULL && strncmp(ver, "dev-", 4) == 0)
			props = jv_array_append(props, gl_lockfile_prop("gl-sbom:composer:reference", dref));
		if (jv_equal(gl_json_get(e, "dev"), jv_true())) {
			p = jv_object_set(p, jv_string("scope"), jv_string("excluded"));
			props = jv_array_append(props, gl_lockfile_prop("gl-sbom:composer:dev", "true"));
		}
		req = gl_json_get(e, "require");
		if (jv_get_kind(req) == JV_KIND_OBJECT)
			jv_object_foreach(req, rn, rv) {
				jv ix = jv_object_get(jv_copy(byname), jv_copy(rn));
				if (jv_is_valid(ix))
					d = jv_array_append(d, ix);
				else {
					jv_free(ix);
					if (!platform(jv_string_value(rn)))
						props = jv_array_append(props, gl_lockfile_prop(
						    "gl-sbom:composer:missing", jv_string_value(rn)));
				}
				jv_free(rn);
				jv_free(rv);
			}
		jv_free(req);
		/* composer.lock does not say which are direct: the ones nobody needs */
		p = jv_object_set(p, jv_string("properties"), props);
		pkgs = jv_array_append(pkgs, jv_object_set(p, jv_string("deps"), d));
		free(vendor);
		jv_free(src);
		jv_free(dist);
		jv_free(e);
	}
	{
		int *needed = calloc((size_t)n + 1, sizeof *needed);
		if (needed == NULL) {
			out = jv_invalid_with_msg(jv_string("!out of memory"));
			goto done;
		}
		jv_array_foreach(pkgs, i, p) {
			jv d = gl_json_get(p, "deps");
			jv_array_foreach(d, j, x) {
				int k = (int)jv_number_value(x);
				if (k != i)
					needed[k] = 1;
				jv_free(x);
			}
			jv_free(d);
			jv_free(p);
		}
		for (int i = 0; i < n; i++)
			if (!needed[i])
				direct = jv_array_append(direct, jv_number(i));
		free(needed);
	}
	out = jv_object_set(jv_object_set(jv_object(), jv_string("pkgs"), pkgs),
	    jv_string("direct"), direct);
	pkgs = jv_invalid();
	direct = jv_invalid();
done:
	jv_free(all);
	jv_free(pkgs);
	jv_free(direct);
	jv_free(byname);
	jv_free(doc);
	return out;
}
