/* lock_ruby: Gemfile.lock (GEM, GIT and PATH sections, DEPENDENCIES, CHECKSUMS) in the lockfile shape of lib/sbom.h. */
#ifndef GL_LOCK_RUBY_H
#define GL_LOCK_RUBY_H
#include <stddef.h>
#include <jv.h>

jv gl_lock_ruby_gemfile(const char *buf, size_t len, const char *aux, size_t auxlen);
#endif
