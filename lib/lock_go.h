/* lock_go: go.mod (the module list, replace and exclude applied) with the h1: values of go.sum kept as properties, never as file hashes, in the lockfile shape of lib/sbom.h. */
#ifndef GL_LOCK_GO_H
#define GL_LOCK_GO_H
#include <stddef.h>
#include <jv.h>

/* go.mod in buf, go.sum (or NULL) in aux. */
jv gl_lock_go_mod(const char *buf, size_t len, const char *aux, size_t auxlen);
#endif
