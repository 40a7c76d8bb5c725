#include "bwrap.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
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

/* In the child: become the jail's uid, keep only the named fds, exec. */
static void
child(struct gl_bwrap *b, pid_t parent, int argsfd, int statusfd)
{
	char fa[16], fs[16], **av;
	int keep[GL_BWRAP_MAXKEEP + 2];
	size_t i, n = 0, nk = 0;

	/* into the session cgroup first, so everything bwrap starts is in it */
	for (i = 0; i < b->njoin; i++)
		if (write(b->join[i], "0", 1) != 1) {
			fprintf(stderr, "gl-jail: joining the session cgroup: %s\n", strerror(errno));
			_exit(GL_EX_SETUP);
		}
	if (b->drop && (setgroups(0, NULL) < 0 || setresgid(b->gid, b->gid, b->gid) < 0 ||
	    setresuid(b->uid, b->uid, b->uid) < 0 || getuid() != b->uid)) {
		fprintf(stderr, "gl-jail: dropping to uid %u: %s\n", (unsigned)b->uid, strerror(errno));
		_exit(GL_EX_SETUP);
	}
	if (b->rl != NULL && gl_rlimit_apply(b->rl) < 0) {
		fprintf(stderr, "gl-jail: setrlimit: %s\n", strerror(errno));
		_exit(GL_EX_SETUP);
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(GL_EX_SETUP);
	keep[nk++] = argsfd;
	keep[nk++] = statusfd;
	for (i = 0; i < b->nkeep; i++)
		keep[nk++] = b->keep[i];
	gl_io_close_from(3, keep, nk);
	snprintf(fa, sizeof fa, "%d", argsfd);
	snprintf(fs, sizeof fs, "%d", statusfd);
	for (i = 0; b->cmd[i] != NULL; i++)
		;
	if ((av = calloc(6 + b->prefix->n + i + 1, sizeof *av)) == NULL)
		_exit(GL_EX_SETUP);
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
	execvp("bwrap", av);
	fprintf(stderr, "gl-jail: bwrap: %s\n", strerror(errno));
	fprintf(stderr, "gl-jail: hint: install bubblewrap (apt-get install bubblewrap)\n");
	_exit(GL_EX_SETUP);
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
	int argsfd = -1, sp[2] = { -1, -1 }, code, wst;
	pid_t parent = getpid();
	size_t i;

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
	if ((b->pid = fork()) < 0)
		goto fail;
	if (b->pid == 0)
		child(b, parent, argsfd, sp[1]);
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
