/* purl: Package URLs (package-url/purl-spec), canonical encoding. */
#ifndef GL_PURL_H
#define GL_PURL_H
#include <stddef.h>

/* Percent-encode every byte but A-Z a-z 0-9 . - _ ~ and ':' (uppercase
 * hex), as the purl spec wants for names, versions and qualifier values. */
char *gl_purl_encode(const char *s);
/* The purl of a Cargo.lock package with a source ("registry+URL",
 * "sparse+URL" or "git+URL[?query]#commit"): crates.io gets no qualifier,
 * other registries repository_url, git vcs_url=git+URL@commit.  For git,
 * *vcs (if vcs is non-NULL) gets the plain repository URL, else NULL.
 * NULL with errno EINVAL for an unknown or malformed source. */
char *gl_purl_cargo(const char *name, const char *version, const char *source, char **vcs);

#endif
