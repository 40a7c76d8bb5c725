/* jailrun: start a planned jail (gl_jail_plan) in its session cgroup,
 * measure it from outside while it runs, and end it. */
#ifndef GL_JAILRUN_H
#define GL_JAILRUN_H
#include <stddef.h>
#include <jv.h>

#include "cgroup.h"
#include "jail.h"
#include "rlimit.h"

struct gl_jailrun {
	/* in */
	struct gl_jail *j;		/* planned */
	struct gl_cgroup *cg;		/* created (or version 0: none) */
	const struct gl_rlimits *rl;	/* planned */
	char *const *cmd;		/* the command */
	const int *keep;		/* descriptors the jail keeps (report fds) */
	size_t nkeep;
	/* out, for gl_jail_report */
	jv measured;			/* identity and namespaces, "idmapped" */
	jv rlimits;			/* the limits read back */
	jv cgroup;			/* gl_cgroup_report, with "joined" */
};

/* Run the jail and wait for it; SIGTERM, SIGHUP, SIGINT and SIGQUIT are
 * forwarded to it meanwhile.  Afterwards: what the command left that it
 * must not have is moved aside, the cgroup emptied and removed, the stage
 * undone.  Returns the command's exit status, or -1 when the jail never
 * ran (a one-line reason in err).  The out values are always set. */
int gl_jailrun(struct gl_jailrun *r, char *err, size_t errsz);

#endif
