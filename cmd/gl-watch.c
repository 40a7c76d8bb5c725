/* gl-watch: watch a project tree with inotify, one JSON event a line. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "gl.h"
#include "io.h"
#include "json.h"
#include "utf8.h"
#include "watch.h"

#define MASK (IN_CREATE | IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM | \
	IN_MOVED_TO | IN_ATTRIB | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
#define PAIR_WAIT_MS 50	/* how long an IN_MOVED_FROM waits for its IN_MOVED_TO */

enum { T_START, T_CREATE, T_WRITE, T_DELETE, T_RENAME, T_ATTRIB, T_OVERFLOW,
	T_ERROR, T_END, NTYPES };
static const char *types[NTYPES] = { "session.start", "file.create",
	"file.write", "file.delete", "file.rename", "file.attrib",
	"watch.overflow", "watch.error", "session.end" };

struct opts {
	const char *out;	/* -o: append events here instead of stdout */
	int ready_fd;		/* --ready-fd: say "ready\n" here, -1 if none */
	char **ignore;		/* --ignore: names never watched nor reported */
	size_t nignore;
};

struct state {
	int ifd;		/* the inotify instance */
	int out;		/* where events go */
	const char *outname;	/* for messages */
	char *root;		/* absolute path of DIR */
	struct gl_watch w;	/* wd -> directory relative to root */
	const struct opts *o;
	int ready;		/* session.start written: failures become events */
	int complete;		/* no event was lost */
	unsigned long long seq, overflows, count[NTYPES];
	struct {		/* an IN_MOVED_FROM waiting for its partner */
		int valid, dir;
		uint32_t cookie;
		char *path;
		size_t len;
	} pend;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: gl-watch [-o FILE] [--ready-fd N] [--ignore NAME]... DIR\n");
}

static void
emit(struct state *st, int t, jv o)
{
	char ts[GL_CLOCK_LEN], *s;
	size_t n;

	if (gl_clock_now(ts, sizeof ts, 1) < 0)
		err(GL_EX_SYS, "clock_gettime");
	o = jv_object_set(o, jv_string("ts"), jv_string(ts));
	o = jv_object_set(o, jv_string("seq"), jv_number((double)++st->seq));
	o = jv_object_set(o, jv_string("src"), jv_string("gl-watch"));
	o = jv_object_set(o, jv_string("type"), jv_string(types[t]));
	if ((s = gl_json_dump(o, &n)) == NULL)
		errx(GL_EX_SYS, "out of memory");
	s[n] = '\n';	/* gl_json_dump leaves room for the NUL */
	if (gl_io_write_all(st->out, s, n + 1) < 0)
		err(GL_EX_SYS, "%s", st->outname);
	free(s);
	st->count[t]++;
}

/* An event about one path, with the flags that are set. */
static void
emit_path(struct state *st, int t, const char *path, size_t len, int dir,
    const char *flag)
{
	jv o = gl_utf8_set_name(jv_object(), "path", path, len);

	if (dir)
		o = jv_object_set(o, jv_string("dir"), jv_true());
	if (flag != NULL)
		o = jv_object_set(o, jv_string(flag), jv_true());
	emit(st, t, o);
}

static int
ignored(const struct state *st, size_t dirlen, const char *name)
{
	size_t i;

	if (dirlen == 0 && strcmp(name, ".gleisner") == 0)
		return 1;
	for (i = 0; i < st->o->nignore; i++)
		if (strcmp(name, st->o->ignore[i]) == 0)
			return 1;
	return 0;
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

/* A watch could not be added: fatal before we are ready, an event after. */
static void
watch_failed(struct state *st, const char *abs, const char *rel, size_t len)
{
	int e = errno;
	jv o;

	if (!st->ready) {
		if (e == ENOSPC) {
			warnx("%s: inotify watch limit reached "
			    "(fs.inotify.max_user_watches = %ld)", abs,
			    sysctl_num("max_user_watches"));
			errx(GL_EX_SYS, "hint: raise it with "
			    "sysctl fs.inotify.max_user_watches=N");
		}
		errno = e;
		err(GL_EX_SYS, "%s", abs);
	}
	st->complete = 0;
	o = gl_utf8_set_name(jv_object(), "path", rel, len);
	o = jv_object_set(o, jv_string("error"), jv_string(e == ENOSPC ?
	    "inotify watch limit reached (fs.inotify.max_user_watches)" :
	    strerror(e)));
	emit(st, T_ERROR, o);
}

/* Watch the directory rel and everything below it.  With synth, report what
 * is already there: it may have been created before the watch existed. */
static void
add_tree(struct state *st, const char *rel, size_t len, int synth)
{
	char *abs, *child;
	size_t alen = strlen(st->root), clen;
	struct dirent *e;
	struct stat sb;
	DIR *d;
	int wd, isdir;

	if ((abs = malloc(alen + len + 2)) == NULL)
		errx(GL_EX_SYS, "out of memory");
	memcpy(abs, st->root, alen);
	if (len) {
		abs[alen] = '/';
		memcpy(abs + alen + 1, rel, len);
		abs[alen + 1 + len] = '\0';
	} else
		abs[alen] = '\0';
	if ((wd = inotify_add_watch(st->ifd, abs, MASK)) < 0) {
		/* gone or replaced by a non-directory meanwhile: nothing to see */
		if (st->ready && (errno == ENOENT || errno == ENOTDIR))
			goto out;
		watch_failed(st, abs, rel, len);
		goto out;
	}
	if (gl_watch_put(&st->w, wd, rel, len) < 0)
		errx(GL_EX_SYS, "out of memory");
	if ((d = opendir(abs)) == NULL) {
		if (st->ready && (errno == ENOENT || errno == ENOTDIR))
			goto out;
		watch_failed(st, abs, rel, len);
		goto out;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    ignored(st, len, e->d_name))
			continue;
		child = gl_watch_join(rel, len, e->d_name, strlen(e->d_name), &clen);
		if (child == NULL)
			errx(GL_EX_SYS, "out of memory");
		isdir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN && fstatat(dirfd(d), e->d_name, &sb,
		    AT_SYMLINK_NOFOLLOW) == 0)
			isdir = S_ISDIR(sb.st_mode);
		if (synth)
			emit_path(st, T_CREATE, child, clen, isdir, "synthetic");
		if (isdir)
			add_tree(st, child, clen, synth);
		free(child);
	}
	closedir(d);
out:
	free(abs);
}

/* Forget the watches of a directory that left the tree. */
static void
drop_tree(struct state *st, const char *rel, size_t len)
{
	int *wds;
	long i, n;

	if ((n = gl_watch_under(&st->w, rel, len, &wds)) < 0)
		errx(GL_EX_SYS, "out of memory");
	for (i = 0; i < n; i++) {
		inotify_rm_watch(st->ifd, wds[i]);
		gl_watch_del(&st->w, wds[i]);
	}
	free(wds);
}

/* An IN_MOVED_FROM without partner: the name left the tree. */
static void
flush_pending(struct state *st)
{
	if (!st->pend.valid)
		return;
	emit_path(st, T_DELETE, st->pend.path, st->pend.len, st->pend.dir,
	    "moved_out");
	if (st->pend.dir)
		drop_tree(st, st->pend.path, st->pend.len);
	free(st->pend.path);
	st->pend.path = NULL;
	st->pend.valid = 0;
}

static void
renamed(struct state *st, const char *to, size_t tlen)
{
	jv o = jv_object();

	o = gl_utf8_set_name(o, "from", st->pend.path, st->pend.len);
	o = gl_utf8_set_name(o, "to", to, tlen);
	o = jv_object_set(o, jv_string("cookie"), jv_number(st->pend.cookie));
	if (st->pend.dir)
		o = jv_object_set(o, jv_string("dir"), jv_true());
	emit(st, T_RENAME, o);
	if (st->pend.dir && gl_watch_rename(&st->w, st->pend.path,
	    st->pend.len, to, tlen) < 0)
		errx(GL_EX_SYS, "out of memory");
	free(st->pend.path);
	st->pend.path = NULL;
	st->pend.valid = 0;
}

static void
handle(struct state *st, const struct inotify_event *ev)
{
	const struct gl_watch_dir *d;
	int dir = (ev->mask & IN_ISDIR) != 0, match;
	char *path;
	size_t len;

	match = st->pend.valid && (ev->mask & IN_MOVED_TO) &&
	    ev->cookie == st->pend.cookie;
	if (!match)
		flush_pending(st);
	if (ev->mask & IN_Q_OVERFLOW) {
		st->overflows++;
		st->complete = 0;
		emit(st, T_OVERFLOW, jv_object_set(jv_object(),
		    jv_string("backend"), jv_string("inotify")));
		return;
	}
	if (ev->mask & IN_IGNORED) {
		gl_watch_del(&st->w, ev->wd);
		return;
	}
	if ((d = gl_watch_get(&st->w, ev->wd)) == NULL || ev->len == 0)
		return;
	if (ignored(st, d->len, ev->name)) {
		if (match)	/* renamed into an ignored name: gone for us */
			flush_pending(st);
		return;
	}
	if ((path = gl_watch_join(d->rel, d->len, ev->name, strlen(ev->name),
	    &len)) == NULL)
		errx(GL_EX_SYS, "out of memory");
	if (match)
		renamed(st, path, len);
	else if (ev->mask & IN_MOVED_FROM) {
		st->pend.valid = 1;
		st->pend.dir = dir;
		st->pend.cookie = ev->cookie;
		st->pend.path = path;
		st->pend.len = len;
		return;
	} else if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
		emit_path(st, T_CREATE, path, len, dir,
		    (ev->mask & IN_MOVED_TO) ? "moved_in" : NULL);
		if (dir)
			add_tree(st, path, len, 1);
	} else if (ev->mask & IN_CLOSE_WRITE)
		emit_path(st, T_WRITE, path, len, 0, NULL);
	else if (ev->mask & IN_DELETE)
		emit_path(st, T_DELETE, path, len, dir, NULL);
	else if (ev->mask & IN_ATTRIB)
		emit_path(st, T_ATTRIB, path, len, dir, NULL);
	free(path);
}

/* Read and handle everything queued now. */
static void
drain(struct state *st)
{
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	char *p;

	for (;;) {
		if ((n = read(st->ifd, buf, sizeof buf)) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			err(GL_EX_SYS, "inotify read");
		}
		for (p = buf; p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			handle(st, ev);
		}
	}
}

static void
session_end(struct state *st)
{
	jv counts = jv_object(), o = jv_object();
	int t;

	for (t = 0; t < NTYPES; t++)
		if (st->count[t])
			counts = jv_object_set(counts, jv_string(types[t]),
			    jv_number((double)st->count[t]));
	o = jv_object_set(o, jv_string("counts"), counts);
	o = jv_object_set(o, jv_string("complete"), jv_bool(st->complete));
	o = jv_object_set(o, jv_string("overflows"), jv_number((double)st->overflows));
	o = jv_object_set(o, jv_string("watches"), jv_number((double)st->w.n));
	emit(st, T_END, o);
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
	struct state st = { .out = STDOUT_FILENO, .outname = "stdout", .complete = 1 };
	struct signalfd_siginfo si;
	struct pollfd pfd[2];
	struct stat sb;
	sigset_t sigs;
	char *end;
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
	st.o = &o;

	/* SIGTERM and SIGINT arrive through a descriptor, polled with inotify */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0 ||
	    (sfd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0)
		err(GL_EX_SYS, "signalfd");
	/* an ignored SIGTERM would be discarded, and we could never be stopped;
	 * an inherited ignored SIGINT (sh's background jobs) stays ignored */
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);

	if ((st.root = realpath(argv[0], NULL)) == NULL)
		err(GL_EX_SYS, "%s", argv[0]);
	if (stat(st.root, &sb) < 0)
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
		if (errno == EMFILE) {
			warnx("inotify_init1: inotify instance limit reached "
			    "(fs.inotify.max_user_instances = %ld)",
			    sysctl_num("max_user_instances"));
			errx(GL_EX_SYS, "hint: raise it with "
			    "sysctl fs.inotify.max_user_instances=N");
		}
		err(GL_EX_SYS, "inotify_init1");
	}
	add_tree(&st, "", 0, 0);

	{
		jv s = gl_utf8_set_name(jv_object(), "root", st.root, strlen(st.root));
		s = jv_object_set(s, jv_string("pid"), jv_number(getpid()));
		s = jv_object_set(s, jv_string("watches"), jv_number((double)st.w.n));
		s = jv_object_set(s, jv_string("backend"), jv_string("inotify"));
		s = jv_object_set(s, jv_string("version"), jv_string(GL_VERSION));
		emit(&st, T_START, s);
	}
	st.ready = 1;
	if (o.ready_fd >= 0) {
		if (gl_io_write_all(o.ready_fd, "ready\n", 6) < 0)
			err(GL_EX_SYS, "--ready-fd %d", o.ready_fd);
		close(o.ready_fd);
	}

	pfd[0] = (struct pollfd){ .fd = st.ifd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (;;) {
		c = poll(pfd, 2, st.pend.valid ? PAIR_WAIT_MS : -1);
		if (c < 0 && errno == EINTR)
			continue;
		if (c < 0)
			err(GL_EX_SYS, "poll");
		if (c == 0) {
			flush_pending(&st);
			continue;
		}
		if (pfd[0].revents)
			drain(&st);
		if (pfd[1].revents) {
			if (read(sfd, &si, sizeof si) < 0 && errno != EAGAIN)
				err(GL_EX_SYS, "signalfd read");
			break;
		}
	}
	/* stop: everything the kernel queued before the signal is read now */
	drain(&st);
	flush_pending(&st);
	session_end(&st);
	if (st.out != STDOUT_FILENO && close(st.out) < 0)
		err(GL_EX_SYS, "%s", st.outname);
	gl_watch_free(&st.w);
	free(st.root);
	free(o.ignore);
	close(st.ifd);
	close(sfd);
	return GL_EX_OK;
}
