/* lock_npm: package-lock.json and npm-shrinkwrap.json (lockfileVersion 1,
 * 2 and 3) in the lockfile shape of lib/sbom.h, with npm's own rules for
 * names (aliases), workspaces (link entries) and edges (node_modules walk). */
#ifndef GL_LOCK_NPM_H
#define GL_LOCK_NPM_H
#include <stddef.h>
#include <jv.h>

jv gl_lock_npm_package(const char *buf, size_t len, const char *aux, size_t auxlen);
/* The purl and component fields of an npm package "name" or "@scope/name"
 * at version resolved from resolved (NULL: the registry): sets name, group,
 * version, purl (or local for file: specs) in pkg (consumed). */
jv gl_lock_npm_ident(jv pkg, const char *name, const char *version, const char *resolved);

/* pkgs (consumed) with the packages reachable from dev (indices) but not
 * from prod marked scope "excluded", and those reachable only through
 * optional (indices) marked "optional": for lockfiles that do not say. */
jv gl_lock_npm_scope(jv pkgs, jv prod, jv optional, jv dev);

#endif
