/* gl-watch: watch a project tree with inotify, one JSON event a line. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
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
#include "io.h"
#include "watch.h"

struct opts {
	const char *out;	/* -o: append events here instead of stdout */
	int ready_fd;		/* --ready-fd: say "ready\n" here, -1 if none */
	char **ignore;		/* --ignore: names never watched nor reported */
	size_t nignore;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: gl-watch [-o FILE] [--ready-fd N] [--ignore NAME]... DIR\n");
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

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "ignore", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .ready_fd = -1 };
	struct gl_watch_session st = { .out = STDOUT_FILENO, .outname = "stdout",
	    .complete = 1 };
	struct signalfd_siginfo si;
	struct pollfd pfd[2];
	struct stat sb;
	sigset_t sigs;
	char *end, *root;
	long n;
	int c, sfd;

	while ((c = getopt_long(argc, argv, "+ho:V", lopts, NULL)) != -1) {
		switch (c) {
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
	if (argc != 1) {
		usage(stderr);
		return GL_EX_USAGE;
	}
	if (o.ready_fd >= 0 && fcntl(o.ready_fd, F_GETFD) < 0) {
		warn("--ready-fd %d", o.ready_fd);
		return GL_EX_USAGE;
	}
	st.ignore = o.ignore;
	st.nignore = o.nignore;

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

	if ((st.root = root = realpath(argv[0], NULL)) == NULL)
		err(GL_EX_SYS, "%s", argv[0]);
	if (stat(root, &sb) < 0)
		err(GL_EX_SYS, "%s", argv[0]);
	if (!S_ISDIR(sb.st_mode))
		errx(GL_EX_SYS, "%s: Not a directory", argv[0]);
	if (o.out != NULL) {
		st.outname = o.out;
		if ((st.out = open(o.out, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600)) < 0)
			err(GL_EX_SYS, "%s", o.out);
	}
	if ((st.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		if (errno == EMFILE)
			limit_reached("inotify_init1", "instance",
			    "max_user_instances");
		err(GL_EX_SYS, "inotify_init1");
	}
	if (gl_watch_start(&st) < 0)
		fail(&st);
	if (o.ready_fd >= 0) {
		if (gl_io_write_all(o.ready_fd, "ready\n", 6) < 0)
			err(GL_EX_SYS, "--ready-fd %d", o.ready_fd);
		close(o.ready_fd);
	}

	pfd[0] = (struct pollfd){ .fd = st.ifd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (;;) {
		c = poll(pfd, 2, gl_watch_timeout(&st));
		if (c < 0 && errno == EINTR)
			continue;
		if (c < 0)
			err(GL_EX_SYS, "poll");
		if (c == 0) {
			if (gl_watch_flush(&st) < 0)
				fail(&st);
			continue;
		}
		if (pfd[0].revents && gl_watch_drain(&st) < 0)
			fail(&st);
		if (pfd[1].revents) {
			if (read(sfd, &si, sizeof si) < 0 && errno != EAGAIN)
				err(GL_EX_SYS, "signalfd read");
			break;
		}
	}
	/* stop: everything the kernel queued before the signal is read now */
	if (gl_watch_drain(&st) < 0 || gl_watch_flush(&st) < 0 ||
	    gl_watch_end(&st) < 0)
		fail(&st);
	if (st.out != STDOUT_FILENO && close(st.out) < 0)
		err(GL_EX_SYS, "%s", st.outname);
	gl_watch_session_free(&st);
	free(root);
	free(o.ignore);
	close(st.ifd);
	close(sfd);
	return GL_EX_OK;
}
