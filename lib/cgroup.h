/* cgroup: a per-session cgroup below the caller's own (v2 when the memory
 * and pids controllers are delegated, else the v1 memory and pids
 * hierarchies), its limits, and killing everything in it at the end. */
#ifndef GL_CGROUP_H
#define GL_CGROUP_H
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>
#include <jv.h>

#define GL_CGROUP_MAXDIRS 4
#define GL_CGROUP_PERIOD 100000		/* cpu period, microseconds */

struct gl_cgroup_limits {
	long long memory_mb;		/* memory (and memory+swap), 0 = none */
	long long pids;			/* pids.max, 0 = none */
	long long cpu_percent;		/* 100 = one CPU, 0 = none */
};

struct gl_cgroup {
	struct gl_cgroup_limits lim;	/* as asked for */
	int version;			/* 2 or 1 (0: none) */
	struct {
		char path[PATH_MAX];
		const char *controller;	/* v1: memory, pids, cpu, freezer; v2: NULL */
		int procs;		/* open cgroup.procs, to join */
	} d[GL_CGROUP_MAXDIRS];
	size_t nd;
	jv limits;			/* report: each limit written and read back */
	jv stats;			/* report: peaks and events at the end */
	char why[512];			/* why there is none, or a limit is missing */
	long long killed;		/* SIGKILLs sent at the end */
	int removed;			/* every directory is gone */
	int guardfd;			/* the guard's pipe, -1 */
	pid_t guard;
};

/* Find the directory of the caller's cgroup for controller (NULL: the v2
 * hierarchy) from the text of /proc/self/mountinfo and /proc/self/cgroup.
 * -1 with errno ENOENT when there is none. */
int gl_cgroup_find(const char *mountinfo, const char *selfcg, const char *controller,
    char *out, size_t outsz);
/* cpu.max for percent (100 = one CPU): "<percent * period / 100> <period>". */
void gl_cgroup_cpu_max(long long percent, char *out, size_t outsz);
/* Create the session cgroup "gl-jail-PID" below the caller's and write the
 * limits.  -1 with a one-line reason in err when no mechanism can enforce
 * the memory and pids limits asked for (nothing is left behind then). */
int gl_cgroup_create(struct gl_cgroup *cg, const struct gl_cgroup_limits *lim,
    char *err, size_t errsz);
/* The open cgroup.procs descriptors; a child joins by writing "0" to each. */
size_t gl_cgroup_procs_fds(const struct gl_cgroup *cg, int *fds, size_t max);
/* Fork a guard that removes the cgroup (killing what is left) when this
 * process dies, whatever kills it.  -1 with errno. */
int gl_cgroup_guard(struct gl_cgroup *cg);
/* Whether pid is in the cgroup (read from outside). */
int gl_cgroup_contains(const struct gl_cgroup *cg, pid_t pid);
/* At the end: read peaks and events, kill everything left, remove the
 * directories, stop the guard.  Safe to call on a cgroup never created. */
void gl_cgroup_finish(struct gl_cgroup *cg);
/* The report: mechanism, paths, limits, stats, removal.  cg's jv members
 * move into it; call it once, also when there is no report to write. */
jv gl_cgroup_report(struct gl_cgroup *cg);
/* What this machine offers: v2 mount, controllers, delegation; v1. */
jv gl_cgroup_probe(void);

#endif
