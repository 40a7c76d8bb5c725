/* lock_py: Python lockfiles: pinned requirements.txt (with --hash), poetry.lock, uv.lock and Pipfile.lock, in the lockfile shape of lib/sbom.h. */
#ifndef GL_LOCK_PY_H
#define GL_LOCK_PY_H
#include <stddef.h>
#include <jv.h>

jv gl_lock_py_requirements(const char *buf, size_t len, const char *aux, size_t auxlen);
jv gl_lock_py_poetry(const char *buf, size_t len, const char *aux, size_t auxlen);
jv gl_lock_py_uv(const char *buf, size_t len, const char *aux, size_t auxlen);
jv gl_lock_py_pipfile(const char *buf, size_t len, const char *aux, size_t auxlen);
#endif
