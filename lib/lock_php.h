/* lock_php: composer.lock (packages and packages-dev) in the lockfile shape of lib/sbom.h. */
#ifndef GL_LOCK_PHP_H
#define GL_LOCK_PHP_H
#include <stddef.h>
#include <jv.h>

jv gl_lock_php_composer(const char *buf, size_t len, const char *aux, size_t auxlen);
#endif
