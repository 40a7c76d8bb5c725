/* policy: the policies gl-verify applies to a verified statement: JSON
 * rules (gleisner-attestation(5), the original's rule names, unknown keys
 * refused) or, for a file ending in ".jq", a jq program (lib/jqpolicy). */
#ifndef GL_POLICY_H
#define GL_POLICY_H
#include <stddef.h>
#include <jv.h>

struct gl_policy;

/* Read and check (or compile) the policy at path, once.  NULL on failure
 * with a one-line reason in why and *sys set when it was an I/O failure
 * rather than a bad policy. */
struct gl_policy *gl_policy_load(const char *path, char *why, size_t whysz,
    int *sys);
/* Evaluate over st (not consumed): 0 pass, 1 violated (*violations set,
 * an array), -1 the policy could not decide (counts as a failure); why gets
 * a one-line summary. */
int gl_policy_eval(struct gl_policy *p, jv st, jv *violations, char *why,
    size_t whysz);
const char *gl_policy_path(const struct gl_policy *p);
void gl_policy_free(struct gl_policy *p);

#endif
