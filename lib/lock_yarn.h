/* lock_yarn: yarn.lock, both the v1 format and Berry's YAML, in the lockfile shape of lib/sbom.h. */
#ifndef GL_LOCK_YARN_H
#define GL_LOCK_YARN_H
#include <stddef.h>
#include <jv.h>

jv gl_lock_yarn(const char *buf, size_t len, const char *aux, size_t auxlen);
#endif
