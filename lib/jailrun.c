#include "jailrun.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "bwrap.h"
#include "proc.h"

/* what the jail measures once bubblewrap reports its pid */
struct measure {
	const struct gl_cgroup *cg;
	const struct gl_rlimits *rl;
	jv rlimits;			/* the limits read back */
	int joined;			/* the jail's pid is in the cgroup */
	int pidfd;			/* the jail's pid 1, to see it gone */
};

static void
started(struct gl_bwrap *b, pid_t jail)
{
	struct measure *m = b->ctx;
	int alive = kill(jail, 0) == 0;

	/* the jail's own limits; bubblewrap's (the same, inherited) when the
	 * command was gone already */
	jv_free(m->rlimits);
	m->rlimits = gl_rlimit_report(m->rl, alive ? jail : b->pid, alive ? "jail" : "bubblewrap");
	m->joined = gl_cgroup_contains(m->cg, jail) || gl_cgroup_contains(m->cg, b->pid);
	if (m->pidfd < 0)
		m->pidfd = gl_proc_pidfd(jail);
}

int
gl_jailrun(struct gl_jailrun *r, char *err, size_t errsz)
{
	struct measure m = { .cg = r->cg, .rl = r->rl, .rlimits = jv_null(), .pidfd = -1 };
	int joinfds[GL_CGROUP_MAXDIRS], code;
	struct gl_jail *j = r->j;
	struct sigaction sa;
	struct gl_bwrap bw;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = gl_bwrap_forward;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);

	memset(&bw, 0, sizeof bw);
	bw.opts = &j->bw;
	bw.prefix = &j->ll;
	bw.cmd = r->cmd;
	bw.uid = j->uid;
	bw.gid = j->gid;
	bw.drop = j->idmap;
	bw.join = joinfds;
	bw.njoin = gl_cgroup_procs_fds(r->cg, joinfds, GL_CGROUP_MAXDIRS);
	bw.rl = r->rl;
	bw.started = started;
	bw.ctx = &m;
	for (i = 0; i < r->nkeep && bw.nkeep < GL_BWRAP_MAXKEEP; i++)
		bw.keep[bw.nkeep++] = r->keep[i];
	for (i = 0; i < j->ndatafds && bw.nkeep < GL_BWRAP_MAXKEEP; i++)
		bw.keep[bw.nkeep++] = j->datafds[i];
	code = gl_bwrap_run(&bw, err, errsz);
	r->measured = jv_object_set(bw.measured, jv_string("idmapped"), jv_bool(j->idmap));
	gl_jail_quarantine(j);
	/* bubblewrap reports the exit code before its pid 1 is gone: let it
	 * go (the pid namespace takes everything with it) before the cgroup
	 * is emptied, so that only a real survivor is killed and counted */
	(void)gl_proc_wait_gone(m.pidfd, 20);
	if (m.pidfd >= 0)
		close(m.pidfd);
	gl_cgroup_finish(r->cg);
	gl_jail_unstage(j);
	if (jv_get_kind(m.rlimits) != JV_KIND_OBJECT) {
		jv_free(m.rlimits);
		m.rlimits = gl_rlimit_report(r->rl, 0, "none");
	}
	r->rlimits = m.rlimits;
	r->cgroup = jv_object_set(gl_cgroup_report(r->cg), jv_string("joined"), jv_bool(m.joined));
	return code;
}
