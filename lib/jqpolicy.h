/* jqpolicy: policies written as jq programs, run through libjq 1.6 over a
 * verified statement.  A program yields true, or violations (strings or
 * objects, or arrays of them); anything else fails closed. */
#ifndef GL_JQPOLICY_H
#define GL_JQPOLICY_H
#include <stddef.h>
#include <jv.h>

#define GL_JQPOLICY_MAX_OUT 1000	/* outputs read from one run */

struct gl_jqpolicy;

/* Compile program[0..len) once, behind a prelude that makes error(null) an
 * error, $ENV and env empty, and import/include impossible.  NULL with a
 * one-line reason in why. */
struct gl_jqpolicy *gl_jqpolicy_compile(const char *program, size_t len,
    char *why, size_t whysz);
/* Run over st (not consumed).  0 pass; 1 violations (*violations, an array,
 * is set); -1 the program failed (an error, halt, no output, too much
 * output); why gets a one-line reason either way. */
int gl_jqpolicy_run(struct gl_jqpolicy *p, jv st, jv *violations, char *why,
    size_t whysz);
void gl_jqpolicy_free(struct gl_jqpolicy *p);

#endif
