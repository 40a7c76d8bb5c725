/* lock_pnpm: pnpm-lock.yaml (lockfileVersion 5.x, 6.x and 9.x) in the lockfile shape of lib/sbom.h. */
#ifndef GL_LOCK_PNPM_H
#define GL_LOCK_PNPM_H
#include <stddef.h>
#include <jv.h>

jv gl_lock_pnpm(const char *buf, size_t len, const char *aux, size_t auxlen);
#endif
