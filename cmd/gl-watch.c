/* gl-watch: observe a session: file events in the project (fanotify as root,
 * inotify otherwise) and process exec/exit, one JSON event a line. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gl.h"
#include "fanotify.h"
#include "io.h"
#include "procconn.h"
#include "watch.h"

struct opts {
	const char *out;	/* -o: append events here instead of stdout */
	int ready_fd;		/* --ready-fd: say "ready\n" here, -1 if none */
	char **ignore;		/* --ignore: names never watched nor reported */
	size_t nignore;
	int backend;		/* -b: -1 auto, else GL_WATCH_INOTIFY/FANOTIFY */
	int proc;		/* -P: GL_PROCCONN_AUTO ... NONE */
	pid_t pid;		/* --pid: whose descendants are the session */
	int noreads;		/* --no-reads */
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: gl-watch [-o FILE] [--ready-fd N] [--ignore NAME]... [-b BACKEND]\n"
	    "                [-P PROCS] [--pid PID] [--no-reads] DIR [DIR...]\n");
}

/* the index of word in list, or -1 */
static int
choice(const char *word, const char *const *list)
{
	int i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(word, list[i]) == 0)
			return i;
	return -1;
}

static long
sysctl_num(const char *name)
{
	char path[128], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof path, "/proc/sys/fs/inotify/%s", name);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

/* obj hit an inotify limit ("watch", "instance"): say which knob raises it. */
static void __attribute__((noreturn))
limit_reached(const char *obj, const char *what, const char *knob)
{
	warnx("%s: inotify %s limit reached (fs.inotify.%s = %ld)", obj, what,
	    knob, sysctl_num(knob));
	errx(GL_EX_SYS, "hint: raise it with sysctl fs.inotify.%s=N", knob);
}

/* A session call failed: say why, as it recorded. */
static void __attribute__((noreturn))
fail(const struct gl_watch_session *s)
{
	if (s->errobj == NULL)
		errx(GL_EX_SYS, "out of memory");
	if (s->limit)
		limit_reached(s->errobj, "watch", "max_user_watches");
	errno = s->errnum;
	err(GL_EX_SYS, "%s", s->errobj);
}

/* The process backend failed: writing an event, or reading its source. */
static void __attribute__((noreturn))
proc_fail(const struct gl_watch_session *s)
{
	if (s->errobj != NULL)
		fail(s);
	err(GL_EX_SYS, "process events");
}

static int
drain(struct gl_watch_session *s)
{
	return s->backend == GL_WATCH_FANOTIFY ? gl_fanotify_drain(s) :
	    gl_watch_drain(s);
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ "ignore", required_argument, NULL, 'i' },
		{ "no-reads", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'p' },
		{ "procs", required_argument, NULL, 'P' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const backends[] = { "inotify", "fanotify", "auto", NULL };
	static const char *const procs[] = { "auto", "connector", "poll", "none", NULL };
	struct opts o = { .ready_fd = -1, .backend = -1, .pid = getppid() };
	struct gl_procconn *pc = NULL;
	char **extra = NULL;
	size_t i;
	struct gl_watch_session st = { .out = STDOUT_FILENO, .outname = "stdout",
	    .complete = 1 };
	struct signalfd_siginfo si;
	struct pollfd pfd[3];
	struct stat sb;
	sigset_t sigs;
	char *end, *root;
	long n;
	int c, sfd, t;

	while ((c = getopt_long(argc, argv, "+b:ho:P:V", lopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if ((o.backend = choice(optarg, backends)) < 0) {
				warnx("--backend %s: not auto, fanotify or inotify", optarg);
				return GL_EX_USAGE;
			}
			if (o.backend == 2)
				o.backend = -1;
			break;
		case 'n':
			o.noreads = 1;
			break;
		case 'p':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 1 || n > INT_MAX) {
				warnx("--pid %s: not a process id", optarg);
				return GL_EX_USAGE;
			}
			o.pid = (pid_t)n;
			break;
		case 'P':
			if ((o.proc = choice(optarg, procs)) < 0) {
				warnx("--procs %s: not auto, connector, poll or none", optarg);
				return GL_EX_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return GL_EX_OK;
		case 'i':
			if (optarg[0] == '\0' || strchr(optarg, '/') != NULL ||
			    strcmp(optarg, ".") == 0 || strcmp(optarg, "..") == 0) {
				warnx("--ignore %s: not a file name", optarg);
				return GL_EX_USAGE;
			}
			if ((o.ignore = reallocarray(o.ignore, o.nignore + 1,
			    sizeof *o.ignore)) == NULL)
				err(GL_EX_SYS, "reallocarray");
			o.ignore[o.nignore++] = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'r':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 3 || n > INT_MAX) {
				warnx("--ready-fd %s: not a descriptor number above 2", optarg);
				return GL_EX_USAGE;
			}
			o.ready_fd = (int)n;
			break;
		case 'V':
			printf("gl-watch %s\n", GL_VERSION);
			return GL_EX_OK;
		default:
			usage(stderr);
			return GL_EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return GL_EX_USAGE;
	}
	if (o.ready_fd >= 0 && fcntl(o.ready_fd, F_GETFD) < 0) {
		warn("--ready-fd %d", o.ready_fd);
		return GL_EX_USAGE;
	}
	st.ignore = o.ignore;
	st.nignore = o.nignore;
	st.noreads = o.noreads;

	/* SIGTERM and SIGINT arrive through a descriptor, polled with inotify */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0 ||
	    (sfd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0)
		err(GL_EX_SYS, "signalfd");
	/* a watcher whose session was killed stops too, and says so */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		err(GL_EX_SYS, "prctl(PR_SET_PDEATHSIG)");
	/* an ignored SIGTERM would be discarded, and we could never be stopped;
	 * an inherited ignored SIGINT (sh's background jobs) stays ignored */
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	/* as root, run before the session's processes: a short-lived one is
	 * read (argv, cwd) before it can exit; best effort */
	if (geteuid() == 0)
		(void)sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK,
		    &(struct sched_param){ .sched_priority = 1 });

	if ((extra = calloc((size_t)argc, sizeof *extra)) == NULL)
		err(GL_EX_SYS, "calloc");
	for (t = 0; t < argc; t++) {
		if ((root = realpath(argv[t], NULL)) == NULL)
			err(GL_EX_SYS, "%s", argv[t]);
		if (stat(root, &sb) < 0)
			err(GL_EX_SYS, "%s", argv[t]);
		if (!S_ISDIR(sb.st_mode))
			errx(GL_EX_SYS, "%s: Not a directory", argv[t]);
		extra[t] = root;
	}
	st.root = root = extra[0];
	st.extra = extra + 1;
	st.nextra = (size_t)argc - 1;
	if (o.out != NULL) {
		st.outname = o.out;
		if ((st.out = open(o.out, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600)) < 0)
			err(GL_EX_SYS, "%s", o.out);
	}
	/* fanotify needs CAP_SYS_ADMIN: as anyone else, inotify */
	if (o.backend != GL_WATCH_INOTIFY && gl_fanotify_open(&st) < 0) {
		if (o.backend == GL_WATCH_FANOTIFY)
			fail(&st);
		gl_fanotify_close(&st);
		if (st.ifd >= 0)
			close(st.ifd);
		free(st.errobj);
		st.errobj = NULL;
		st.backend = GL_WATCH_INOTIFY;
	}
	if (st.backend == GL_WATCH_INOTIFY &&
	    (st.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		if (errno == EMFILE)
			limit_reached("inotify_init1", "instance",
			    "max_user_instances");
		err(GL_EX_SYS, "inotify_init1");
	}
	if (o.proc != GL_PROCCONN_NONE &&
	    (pc = gl_procconn_open(&st, o.pid, o.proc)) == NULL)
		err(GL_EX_SYS, "%s", o.proc == GL_PROCCONN_CONNECTOR ?
		    "proc connector" : "/proc");
	if (gl_watch_start(&st) < 0)
		fail(&st);
	if (o.ready_fd >= 0) {
		if (gl_io_write_all(o.ready_fd, "ready\n", 6) < 0)
			err(GL_EX_SYS, "--ready-fd %d", o.ready_fd);
		close(o.ready_fd);
	}

	pfd[0] = (struct pollfd){ .fd = st.ifd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = pc ? gl_procconn_fd(pc) : -1, .events = POLLIN };
	for (;;) {
		t = gl_watch_timeout(&st);
		if (pc != NULL && gl_procconn_timeout(pc) >= 0 &&
		    (t < 0 || gl_procconn_timeout(pc) < t))
			t = gl_procconn_timeout(pc);
		c = poll(pfd, 3, t);
		if (c < 0 && errno == EINTR)
			continue;
		if (c < 0)
			err(GL_EX_SYS, "poll");
		if (pc != NULL && gl_procconn_drain(&st, pc) < 0)
			proc_fail(&st);
		if (c == 0) {
			if (gl_watch_flush(&st) < 0)
				fail(&st);
			continue;
		}
		if (pfd[0].revents && drain(&st) < 0)
			fail(&st);
		if (pfd[1].revents) {
			if (read(sfd, &si, sizeof si) < 0 && errno != EAGAIN)
				err(GL_EX_SYS, "signalfd read");
			break;
		}
	}
	/* stop: everything the kernel queued before the signal is read now */
	if (drain(&st) < 0)
		fail(&st);
	if (pc != NULL && gl_procconn_drain(&st, pc) < 0)
		proc_fail(&st);
	if (gl_watch_flush(&st) < 0 || gl_watch_end(&st) < 0)
		fail(&st);
	if (st.out != STDOUT_FILENO && close(st.out) < 0)
		err(GL_EX_SYS, "%s", st.outname);
	gl_procconn_close(pc);
	gl_fanotify_close(&st);
	gl_watch_session_free(&st);
	for (i = 0; i < (size_t)argc; i++)
		free(extra[i]);
	free(extra);
	free(o.ignore);
	close(st.ifd);
	close(sfd);
	return GL_EX_OK;
}
