#include "bwrap.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "gl.h"
#include "io.h"
#include "json.h"
#include "ns.h"

static volatile pid_t running;

void
gl_bwrap_forward(int sig)
{
	if (running > 0)
		kill(running, sig);
}

/* A message from the vfork child: no stdio, no allocation. */
static void
say(const char *what, int e)
{
	char line[256];
	int n = snprintf(line, sizeof line, "gl-jail: %s: %s\n", what, strerror(e));

	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/*
 * In the child, which shares the parent's memory until it executes
 * (vfork: no page-table copy, no copy-on-write faults in the parent
 * afterwards): only system calls, and nothing that allocates.  Become the
 * jail's uid, keep only the named fds, exec bubblewrap.
 */
static void
child(struct gl_bwrap *b, pid_t parent, const char *path, char **av, const int *keep,
    size_t nk)
{
	size_t i;

	/* into the session cgroup first, so everything bwrap starts is in it */
	for (i = 0; i < b->njoin; i++)
		if (write(b->join[i], "0", 1) != 1) {
			say("joining the session cgroup", errno);
			_exit(GL_EX_SETUP);
		}
	/* raw calls: glibc's set*id wrappers may signal other threads, and
	 * this one shares the parent's */
	if (b->drop && (syscall(SYS_setgroups, 0, NULL) < 0 ||
	    syscall(SYS_setresgid, b->gid, b->gid, b->gid) < 0 ||
	    syscall(SYS_setresuid, b->uid, b->uid, b->uid) < 0 || getuid() != b->uid)) {
		say("dropping to the jail's uid", errno);
		_exit(GL_EX_SETUP);
	}
	if (b->rl != NULL && gl_rlimit_apply(b->rl) < 0) {
		say("setrlimit", errno);
		_exit(GL_EX_SETUP);
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(GL_EX_SETUP);
	gl_io_close_from(3, keep, nk);
	if (path[0] == '/') {
		execv(path, av);
		say("bwrap", errno);
	} else if (b->drop) {
		/* root's jail runs only a bubblewrap nobody else could have
		 * placed (gl_exec_which_any): no search of $PATH as the jail's uid */
		say("bwrap: none on $PATH that only root can replace and any uid may run", ENOENT);
	} else {
		execvp("bwrap", av);
		say("bwrap", errno);
	}
	(void)!write(STDERR_FILENO, "gl-jail: hint: install bubblewrap (apt-get install bubblewrap)\n", 63);
	_exit(GL_EX_SETUP);
}

/* vfork, with the child on its way to bubblewrap; apart so that nothing
 * of the caller's frame lives across the shared return */
static pid_t
spawn(struct gl_bwrap *b, pid_t parent, const char *path, char **av, const int *keep,
    size_t nk)
{
	static const int fwd[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t all, old;
	pid_t pid;
	size_t i;

	/* No handler may run in the child, on the memory it shares with us,
	 * and a signal meant for the jail must not land while there is no
	 * pid to forward it to: all wait until bubblewrap is running. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if ((pid = vfork()) == 0) {
		for (i = 0; i < sizeof fwd / sizeof fwd[0]; i++)
			sigaction(fwd[i], &dfl, NULL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		child(b, parent, path, av, keep, nk);
	}
	if (pid > 0)
		running = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

/* bubblewrap's status lines: the jail's pid first, the exit code last */
static int
status(struct gl_bwrap *b, int fd)
{
	char line[512];
	int code = -1;
	FILE *f;

	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		jv v = jv_parse(line);
		jv pid = gl_json_get(v, "child-pid"), ec = gl_json_get(v, "exit-code");
		if (jv_get_kind(pid) == JV_KIND_NUMBER) {
			pid_t jp = (pid_t)jv_number_value(pid);
			b->jailpid = jp;
			jv_free(b->measured);
			b->measured = jv_object_set(gl_ns_identity(jp), jv_string("namespaces"),
			    gl_ns_measure(jp));
			if (b->started != NULL)
				b->started(b, jp);
		}
		if (jv_get_kind(ec) == JV_KIND_NUMBER)
			code = (int)jv_number_value(ec);
		jv_free(pid);
		jv_free(ec);
		jv_free(v);
	}
	fclose(f);
	return code;
}

int
gl_bwrap_run(struct gl_bwrap *b, char *err, size_t errsz)
{
	int argsfd = -1, sp[2] = { -1, -1 }, code, wst, keep[GL_BWRAP_MAXKEEP + 2];
	pid_t parent = getpid();
	char fa[16], fs[16], path[PATH_MAX], **av;
	size_t i, n, nk = 0;

	b->measured = jv_object();
	b->jailpid = 0;
	/* the options through a memfd (--args), never a shell string */
	if ((argsfd = memfd_create("gl-jail-args", 0)) < 0)
		goto fail;
	for (i = 0; i < b->opts->n; i++)
		if (gl_io_write_all(argsfd, b->opts->v[i], strlen(b->opts->v[i]) + 1) < 0)
			goto fail;
	if (lseek(argsfd, 0, SEEK_SET) < 0 || pipe2(sp, O_CLOEXEC) < 0 ||
	    fcntl(sp[1], F_SETFD, 0) < 0)
		goto fail;
	/* everything the child needs is made here: after vfork it may not allocate */
	snprintf(fa, sizeof fa, "%d", argsfd);
	snprintf(fs, sizeof fs, "%d", sp[1]);
	for (n = 0; b->cmd[n] != NULL; n++)
		;
	if ((av = calloc(6 + b->prefix->n + n + 1, sizeof *av)) == NULL)
		goto fail;
	n = 0;
	av[n++] = "bwrap";
	av[n++] = "--args";
	av[n++] = fa;
	av[n++] = "--json-status-fd";
	av[n++] = fs;
	av[n++] = "--";
	for (i = 0; i < b->prefix->n; i++)
		av[n++] = b->prefix->v[i];
	for (i = 0; b->cmd[i] != NULL; i++)
		av[n++] = b->cmd[i];
	keep[nk++] = argsfd;
	keep[nk++] = sp[1];
	for (i = 0; i < b->nkeep; i++)
		keep[nk++] = b->keep[i];
	/* found here, once: the jail's uid would try every $PATH directory
	 * it cannot search first */
	if (gl_exec_which_any("bwrap", path, sizeof path) < 0)
		path[0] = '\0';
	b->pid = spawn(b, parent, path, av, keep, nk);
	free(av);
	if (b->pid < 0)
		goto fail;
	running = b->pid;
	close(sp[1]);
	close(argsfd);
	code = status(b, sp[0]);
	while (waitpid(b->pid, &wst, 0) < 0 && errno == EINTR)
		;
	running = 0;
	/* killed (Ctrl-C, SIGTERM) after the jail started: the command ran,
	 * and its status is the signal's */
	if (code < 0 && WIFSIGNALED(wst) && b->jailpid > 0)
		code = gl_exec_status(wst);
	else if (code < 0)
		snprintf(err, errsz, "the jail could not be set up (bubblewrap status %d)",
		    gl_exec_status(wst));
	return code;
fail:
	snprintf(err, errsz, "starting bubblewrap: %s", strerror(errno));
	if (argsfd >= 0)
		close(argsfd);
	if (sp[0] >= 0) {
		close(sp[0]);
		close(sp[1]);
	}
	return -1;
}
