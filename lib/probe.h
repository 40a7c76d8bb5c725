/* probe: what this machine can enforce (gl-jail --probe, gleisner doctor). */
#ifndef GL_PROBE_H
#define GL_PROBE_H
#include <stdio.h>
#include <jv.h>

/* One object: kernel, userns, apparmor, landlock, seccomp, cgroup,
 * bubblewrap, netfilter, ipv6.  Probing changes nothing on the host (a
 * cgroup made to test delegation is removed at once). */
jv gl_probe(void);
/* A short summary for people, one line per layer (p is consumed). */
int gl_probe_human(FILE *f, jv p);

#endif
