/* purl: Package URLs (package-url/purl-spec), canonical encoding. */
#ifndef GL_PURL_H
#define GL_PURL_H
#include <stddef.h>

/* Percent-encode every byte but A-Z a-z 0-9 . - _ ~ and ':' (uppercase
 * hex), as the purl spec wants for names, versions and qualifier values. */
char *gl_purl_encode(const char *s);
/* The canonical purl pkg:TYPE/NS/NAME@VERSION?QUALIFIERS#SUBPATH.  ns (may
 * be NULL) is split on '/' and each segment encoded; version and subpath may
 * be NULL; quals is NULL or a NULL-terminated list of key, value pairs
 * (sorted here, empty values dropped).  The type's normalisation is applied
 * (pypi: lowercase, runs of -_. become -; composer, github, bitbucket:
 * lowercase namespace and name).  NULL with errno EINVAL for an empty name,
 * an empty namespace segment or a bad type or qualifier key. */
char *gl_purl_build(const char *type, const char *ns, const char *name,
    const char *version, const char *const *quals, const char *subpath);
/* Split a purl into its decoded parts (each malloc'ed, or NULL when
 * absent; quals a NULL-terminated key, value list).  -1 with errno EINVAL
 * when it does not parse strictly (upper-case qualifier key, bad type,
 * no name, bad percent escape). */
struct gl_purl {
	char *type, *ns, *name, *version, *subpath;
	char **quals;
};
int gl_purl_parse(const char *s, struct gl_purl *p);
void gl_purl_free(struct gl_purl *p);
/* The canonical form of a purl read leniently (qualifier keys lowercased
 * first), or NULL with errno EINVAL. */
char *gl_purl_canonical(const char *s);
/* The purl of a Cargo.lock package with a source ("registry+URL",
 * "sparse+URL" or "git+URL[?query]#commit"): crates.io gets no qualifier,
 * other registries repository_url, git vcs_url=git+URL@commit.  For git,
 * *vcs (if vcs is non-NULL) gets the plain repository URL, else NULL.
 * NULL with errno EINVAL for an unknown or malformed source. */
char *gl_purl_cargo(const char *name, const char *version, const char *source, char **vcs);

#endif
