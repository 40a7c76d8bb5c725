/* yamldoc: a YAML document (pnpm-lock.yaml, Berry's yarn.lock) read with
 * libyaml into a jv value; every scalar is a string. */
#ifndef GL_YAMLDOC_H
#define GL_YAMLDOC_H
#include <stddef.h>
#include <jv.h>

/* The first document of buf (an empty one is an empty object), or invalid
 * with "LINE: what" ("!out of memory").  Aliases count against a node
 * budget, so a "billion laughs" document fails instead of exploding; the
 * 65th collection open at once stops the parser where it starts ("LINE:
 * nested too deeply"), and a scalar with a NUL is an error. */
jv gl_yamldoc_parse(const char *buf, size_t len);

#endif
