#include "lock_ruby.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lockfile.h"
#include "purl.h"
#include "sbom.h"

static int
indent(const char *s)
{
	int n = 0;

	while (s[n] == ' ')
		n++;
	return n;
}

/* "name (1.2.3-x86_64-linux)" -> name, version, platform (in place) */
static int
spec(char *s, char **name, char **ver, char **plat)
{
	char *p = strchr(s, ' ');

	*name = s;
	*ver = *plat = NULL;
	if (p == NULL)
		return 0;
	*p++ = '\0';
	if (*p != '(' || p[strlen(p) - 1] != ')')
		return -1;
	p[strlen(p) - 1] = '\0';
	*ver = p + 1;
	if ((p = strchr(*ver, '-')) != NULL) {
		*p = '\0';
		*plat = p + 1;
	}
	return **ver ? 0 : -1;
}

struct src {
	char kind[8], remote[512], revision[128];
};

jv
gl_lock_ruby_gemfile(const char *buf, size_t len, const char *aux, size_t auxlen)
{
	char *copy = strndup(buf, len), *s, *nl, section[32] = "";
	jv pkgs = jv_array(), byname = jv_object(), edges = jv_array(), direct = jv_array();
	jv sums = jv_object(), out = jv_invalid();
	struct src src;
	int ln = 0, n = 0, cur = -1, specs = 0;

	(void)aux;
	(void)auxlen;
	memset(&src, 0, sizeof src);
	if (copy == NULL) {
		out = jv_invalid_with_msg(jv_string("!out of memory"));
		goto done;
	}
	for (s = copy; s && *s; s = nl) {
		char *name, *ver, *plat;
		int in;
		ln++;
		if ((nl = strchr(s, '\n')) != NULL)
			*nl++ = '\0';
		if (*s && s[strlen(s) - 1] == '\r')
			s[strlen(s) - 1] = '\0';
		if (*s == '\0')
			continue;
		in = indent(s);
		if (in == 0) {
			snprintf(section, sizeof section, "%s", s);
			specs = 0;
			cur = -1;
			if (strcmp(s, "GEM") == 0 || strcmp(s, "GIT") == 0 || strcmp(s, "PATH") == 0 ||
			    strcmp(s, "PLUGIN SOURCE") == 0) {
				memset(&src, 0, sizeof src);
				snprintf(src.kind, sizeof src.kind, "%s", s);
			}
			continue;
		}
		s += in;
		if (strcmp(section, "GEM") == 0 || strcmp(section, "GIT") == 0 ||
		    strcmp(section, "PATH") == 0 || strcmp(section, "PLUGIN SOURCE") == 0) {
			if (in == 2) {
				if (strncmp(s, "remote: ", 8) == 0)
					snprintf(src.remote, sizeof src.remote, "%s", s + 8);
				else if (strncmp(s, "revision: ", 10) == 0)
					snprintf(src.revision, sizeof src.revision, "%s", s + 10);
				specs = strcmp(s, "specs:") == 0;
				continue;
			}
			if (!specs || (in != 4 && in != 6) || spec(s, &name, &ver, &plat) < 0)
				goto bad;
			if (in == 4) {
				const char *q[5] = { NULL, NULL, NULL, NULL, NULL };
				char *vcs = NULL, *purl;
				int k = 0;
				jv p;
				if (ver == NULL)
					goto bad;
				p = jv_object_set(jv_object(), jv_string("name"), jv_string(name));
				p = jv_object_set(p, jv_string("version"), jv_string(ver));
				if (plat != NULL) {
					q[k++] = "platform";
					q[k++] = plat;
				}
				if (strcmp(src.kind, "PATH") == 0) {
					p = jv_object_set(p, jv_string("local"), jv_string(src.remote));
				} else {
					if (strcmp(src.kind, "GIT") == 0 && asprintf(&vcs, "git+%s@%s",
					    src.remote, src.revision) >= 0) {
						q[k++] = "vcs_url";
						q[k++] = vcs;
					} else if (strcmp(src.kind, "GEM") == 0 &&
					    strcmp(src.remote, "https://rubygems.org/") != 0 &&
					    strcmp(src.remote, "https://rubygems.org") != 0) {
						q[k++] = "repository_url";
						q[k++] = src.remote;
					}
					purl = gl_purl_build("gem", NULL, name, ver, q, NULL);
					if (purl != NULL)
						p = jv_object_set(p, jv_string("purl"), jv_string(purl));
					free(purl);
					free(vcs);
				}
				if (plat != NULL)
					p = jv_object_set(jv_object_set(p, jv_string("properties"),
					    JV_ARRAY(gl_lockfile_prop("gl-sbom:gem:platform", plat))),
					    jv_string("_plat"), jv_string(plat));
				pkgs = jv_array_append(pkgs, p);
				edges = jv_array_append(edges, jv_array());
				jv list = jv_object_get(jv_copy(byname), jv_string(name));
				if (!jv_is_valid(list)) {
					jv_free(list);
					list = jv_array();
				}
				byname = jv_object_set(byname, jv_string(name),
				    jv_array_append(list, jv_number(n)));
				if (plat != NULL)
					plat[-1] = '-';
				cur = n++;
			} else {
				if (cur < 0)
					goto bad;
				edges = jv_array_set(edges, cur, jv_array_append(jv_array_get(
				    jv_copy(edges), cur), jv_string(name)));
			}
		} else if (strcmp(section, "DEPENDENCIES") == 0 && in == 2) {
			char *bang;
			if (spec(s, &name, &ver, &plat) < 0)
				goto bad;
			if ((bang = strchr(name, '!')) != NULL)
				*bang = '\0';
			direct = jv_array_append(direct, jv_string(name));
		} else if (strcmp(section, "CHECKSUMS") == 0 && in == 2) {
			char *sp = strstr(s, ") ");
			if (sp == NULL)
				continue;	/* a gem without a checksum */
			sp[1] = '\0';
			sums = jv_object_set(sums, jv_string(s), jv_string(sp + 2));
		}
		continue;
bad:
		out = jv_invalid_with_msg(jv_string_fmt("%d: malformed line in %s", ln,
		    *section ? section : "the lockfile"));
		goto done;
	}
	/* edges and checksums by name */
	{
		jv res = jv_array(), dres = jv_array();
		jv_array_foreach(pkgs, i, p) {
			jv names = jv_array_get(jv_copy(edges), i), d = jv_array(), key, sum;
			const char *plat = gl_json_str(p, "_plat");
			key = plat ? jv_string_fmt("%s (%s-%s)", gl_json_str(p, "name"),
			    gl_json_str(p, "version"), plat) : jv_string_fmt("%s (%s)",
			    gl_json_str(p, "name"), gl_json_str(p, "version"));
			p = jv_object_delete(p, jv_string("_plat"));
			sum = jv_object_get(jv_copy(sums), key);
			if (jv_is_valid(sum) && strncmp(jv_string_value(sum), "sha256=", 7) == 0) {
				jv h = gl_sbom_hash("SHA-256", jv_string_value(sum) + 7);
				if (jv_get_kind(h) == JV_KIND_OBJECT)
					p = jv_object_set(p, jv_string("hashes"), JV_ARRAY(h));
				else
					jv_free(h);
			}
			jv_free(sum);
			jv_array_foreach(names, j, nm) {
				jv ix = jv_object_get(jv_copy(byname), nm);
				if (jv_is_valid(ix))
					d = jv_array_concat(d, ix);
				else
					jv_free(ix);
			}
			jv_free(names);
			res = jv_array_append(res, jv_object_set(p, jv_string("deps"), d));
		}
		jv_array_foreach(direct, i, nm) {
			jv ix = jv_object_get(jv_copy(byname), nm);
			if (jv_is_valid(ix))
				dres = jv_array_concat(dres, ix);
			else
				jv_free(ix);
		}
		out = jv_object_set(jv_object_set(jv_object(), jv_string("pkgs"), res),
		    jv_string("direct"), dres);
	}
done:
	jv_free(pkgs);
	jv_free(byname);
	jv_free(edges);
	jv_free(direct);
	jv_free(sums);
	free(copy);
	return out;
}
