/* rlimit: the jail's resource limits, set before bubblewrap starts (and so
 * inherited by everything inside), and read back from outside. */
#ifndef GL_RLIMIT_H
#define GL_RLIMIT_H
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <jv.h>

#include "profile.h"

#define GL_RLIMIT_MAX 4

struct gl_rlimits {
	struct {
		int resource;		/* RLIMIT_* */
		const char *name;	/* "nofile", "fsize", "core", "nproc" */
		rlim_t value;		/* soft = hard = value */
		const char *skip;	/* NULL, or why it is not set */
	} r[GL_RLIMIT_MAX];
	size_t n;
};

/* Plan from the profile's [resources]: NOFILE = max_file_descriptors,
 * FSIZE = max_disk_write_mb MiB (per file), CORE = 0, and NPROC = max_pids
 * only when own_uid (the jail has a host uid of its own).  0 = no limit. */
void gl_rlimit_plan(struct gl_rlimits *rl, const struct gl_profile *p, int own_uid);
/* Apply to the calling process, never above its current hard limit.
 * Async-signal-safe (for a child between fork and exec); -1 with errno. */
int gl_rlimit_apply(const struct gl_rlimits *rl);
/* The report: each limit as planned and as read back from pid's
 * /proc/PID/limits; from names whose limits they are ("jail", …). */
jv gl_rlimit_report(const struct gl_rlimits *rl, pid_t pid, const char *from);

#endif
