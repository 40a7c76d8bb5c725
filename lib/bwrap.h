/* bwrap: start bubblewrap with an option list, outlive it, read its status. */
#ifndef GL_BWRAP_H
#define GL_BWRAP_H
#include <stddef.h>
#include <sys/types.h>
#include <jv.h>

#include "profile.h"
#include "rlimit.h"

#define GL_BWRAP_MAXKEEP 96

struct gl_bwrap {
	/* in */
	const struct gl_strv *opts;	/* bubblewrap options, passed by --args */
	const struct gl_strv *prefix;	/* argv before the command (gl-landlock …) */
	char *const *cmd;		/* the command */
	int keep[GL_BWRAP_MAXKEEP];	/* descriptors the jail keeps */
	size_t nkeep;
	uid_t uid;			/* drop to uid/gid before bwrap … */
	gid_t gid;
	int drop;			/* … when set (a root caller) */
	const int *join;		/* cgroup.procs fds the child writes "0" to */
	size_t njoin;			/* (before dropping privileges) */
	const struct gl_rlimits *rl;	/* set in the child before exec, or NULL */
	/* called once bubblewrap reports the jail's pid, to measure it */
	void (*started)(struct gl_bwrap *b, pid_t jail);
	void *ctx;			/* for started */
	/* out */
	pid_t pid;			/* bubblewrap, while it runs */
	jv measured;			/* identity and namespaces of the jail */
	pid_t jailpid;			/* the jail's pid 1, once bubblewrap said it */
};

/* Run bubblewrap and wait for it.  Returns the command's exit status as
 * bubblewrap reports it, or -1 when the jail never ran (setup failed); a
 * one-line reason is in err then.  b->measured is always an object. */
int gl_bwrap_run(struct gl_bwrap *b, char *err, size_t errsz);
/* Forward sig to a running jail (for a signal handler). */
void gl_bwrap_forward(int sig);

#endif
