#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "watch.h"
#include "t.h"

/* What the session wrote to fd since offset *off, NUL-terminated. */
static char *
written(int fd, off_t *off)
{
	struct stat sb;
	char *s;

	if (fstat(fd, &sb) < 0 || (s = calloc(1, (size_t)(sb.st_size - *off) + 1)) == NULL)
		return NULL;
	if (pread(fd, s, (size_t)(sb.st_size - *off), *off) < 0) {
		free(s);
		return NULL;
	}
	*off = sb.st_size;
	return s;
}

static void
session(void)
{
	char dir[] = "/tmp/watch_test.XXXXXX", path[128], out[96], *ign[] = { "skip" };
	struct gl_watch_session s = { .outname = "out", .complete = 1 };
	off_t off = 0;
	char *got;
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/sub", dir);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(out, sizeof out, "%s.out", dir);
	CHECK((s.out = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600)) >= 0);
	CHECK((s.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) >= 0);
	s.root = dir;
	s.ignore = ign;
	s.nignore = 1;

	CHECK(gl_watch_start(&s) == 0 && s.ready && s.w.n == 2);
	got = written(s.out, &off);
	CHECK(got != NULL && strstr(got, "\"type\":\"session.start\"") != NULL &&
	    strstr(got, "\"watches\":2") != NULL && strstr(got, "\"seq\":1,") != NULL);
	free(got);

	/* a write, a paired rename, and an ignored name */
	snprintf(path, sizeof path, "%s/sub/f", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0 && write(fd, "x", 1) == 1 && close(fd) == 0);
	snprintf(out, sizeof out, "%s/sub/g", dir);
	CHECK(rename(path, out) == 0);
	snprintf(path, sizeof path, "%s/sub/skip", dir);
	CHECK(mkdir(path, 0700) == 0);
	CHECK(gl_watch_drain(&s) == 0 && gl_watch_timeout(&s) == -1);
	got = written(s.out, &off);
	CHECK(got != NULL && strstr(got, "\"path\":\"sub/f\",\"seq\":2,") != NULL);
	CHECK(got != NULL && strstr(got, "\"type\":\"file.write\"") != NULL);
	CHECK(got != NULL && strstr(got, "\"from\":\"sub/f\"") != NULL &&
	    strstr(got, "\"to\":\"sub/g\"") != NULL);
	CHECK(got != NULL && strstr(got, "skip") == NULL);
	free(got);

	/* a move out of the tree waits for its partner, then is a delete */
	snprintf(out, sizeof out, "%s.moved", dir);
	CHECK(rename(path, out) == 0 && rmdir(out) == 0);
	snprintf(path, sizeof path, "%s/sub", dir);
	CHECK(rename(path, out) == 0);
	CHECK(gl_watch_drain(&s) == 0 && gl_watch_timeout(&s) > 0);
	CHECK(gl_watch_flush(&s) == 0 && gl_watch_timeout(&s) == -1);
	CHECK(s.w.n == 1);	/* sub's watch is gone with it */
	got = written(s.out, &off);
	CHECK(got != NULL && strstr(got, "\"moved_out\":true,\"path\":\"sub\"") != NULL);
	free(got);

	CHECK(gl_watch_end(&s) == 0);
	got = written(s.out, &off);
	CHECK(got != NULL && strstr(got, "\"complete\":true") != NULL &&
	    strstr(got, "\"file.rename\":1") != NULL);
	free(got);
	gl_watch_session_free(&s);
	close(s.ifd);

	/* a failure before session.start names what failed */
	snprintf(path, sizeof path, "%s/g", out);
	CHECK(unlink(path) == 0 && rmdir(out) == 0);
	s = (struct gl_watch_session){ .out = s.out, .outname = "out", .root = out };
	CHECK((s.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) >= 0);
	CHECK(gl_watch_start(&s) < 0 && s.errnum == ENOENT && !s.limit);
	CHECK(s.errobj != NULL && strcmp(s.errobj, out) == 0);
	gl_watch_session_free(&s);
	close(s.ifd);

	/* and a write error names the output */
	s = (struct gl_watch_session){ .out = -1, .outname = "out", .root = dir };
	CHECK((s.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) >= 0);
	CHECK(gl_watch_start(&s) < 0 && s.errnum == EBADF);
	CHECK(s.errobj != NULL && strcmp(s.errobj, "out") == 0);
	gl_watch_session_free(&s);
	close(s.ifd);

	snprintf(out, sizeof out, "%s.out", dir);
	unlink(out);
	rmdir(dir);
}

/* event names: relative in the project, absolute in the others, none
 * outside or ignored (.gleisner only at the top of the project) */
static void
names(void)
{
	char *extra[] = { "/srv/cache" }, *ign[] = { "node_modules" }, *n;
	struct gl_watch_session s = { .root = "/p", .extra = extra, .nextra = 1,
	    .ignore = ign, .nignore = 1 };
	size_t len;

	n = gl_watch_name(&s, "/p/a/b", 6, &len);
	CHECK(n != NULL && strcmp(n, "a/b") == 0 && len == 3);
	free(n);
	n = gl_watch_name(&s, "/srv/cache/x", 12, &len);
	CHECK(n != NULL && strcmp(n, "/srv/cache/x") == 0);
	free(n);
	CHECK(gl_watch_name(&s, "/p", 2, &len) == NULL);
	CHECK(gl_watch_name(&s, "/pq/a", 5, &len) == NULL);
	CHECK(gl_watch_name(&s, "/srv/cachex/y", 13, &len) == NULL);
	CHECK(gl_watch_name(&s, "/p/.gleisner/audit", 18, &len) == NULL);
	n = gl_watch_name(&s, "/p/sub/.gleisner", 16, &len);
	CHECK(n != NULL && strcmp(n, "sub/.gleisner") == 0);
	free(n);
	CHECK(gl_watch_name(&s, "/p/x/node_modules/y", 19, &len) == NULL);
	CHECK(gl_watch_name(&s, "/srv/cache/node_modules", 23, &len) == NULL);
	/* the root of the file system as the project */
	s.root = "/";
	n = gl_watch_name(&s, "/etc/x", 6, &len);
	CHECK(n != NULL && strcmp(n, "etc/x") == 0);
	free(n);
}

int
main(void)
{
	struct gl_watch w = { 0 };
	const struct gl_watch_dir *d;
	size_t n;
	int *wds;
	char *s;

	CHECK(gl_watch_put(&w, 1, "", 0) == 0);
	CHECK(gl_watch_put(&w, 2, "a", 1) == 0);
	CHECK(gl_watch_put(&w, 3, "a/b", 3) == 0);
	CHECK(gl_watch_put(&w, 4, "ab", 2) == 0);
	CHECK(gl_watch_put(&w, 300, "z", 1) == 0);	/* grows the table */
	CHECK(w.n == 5);
	CHECK(gl_watch_put(&w, -1, "x", 1) < 0);
	CHECK((d = gl_watch_get(&w, 3)) != NULL && strcmp(d->rel, "a/b") == 0);
	CHECK(gl_watch_get(&w, 5) == NULL);
	CHECK(gl_watch_get(&w, 100000) == NULL);

	CHECK(gl_watch_is_under("a/b", 3, "a", 1));
	CHECK(gl_watch_is_under("a", 1, "a", 1));
	CHECK(!gl_watch_is_under("ab", 2, "a", 1));
	CHECK(gl_watch_is_under("x", 1, "", 0));

	/* renaming "a" moves a and a/b, never ab */
	CHECK(gl_watch_rename(&w, "a", 1, "new", 3) == 2);
	CHECK(strcmp(gl_watch_get(&w, 2)->rel, "new") == 0);
	CHECK(strcmp(gl_watch_get(&w, 3)->rel, "new/b") == 0);
	CHECK(gl_watch_get(&w, 3)->len == 5);
	CHECK(strcmp(gl_watch_get(&w, 4)->rel, "ab") == 0);

	CHECK(gl_watch_under(&w, "new", 3, &wds) == 2);
	CHECK(wds[0] == 2 && wds[1] == 3);
	free(wds);
	CHECK(gl_watch_under(&w, "", 0, &wds) == 5);
	free(wds);

	gl_watch_del(&w, 3);
	gl_watch_del(&w, 3);
	CHECK(w.n == 4 && gl_watch_get(&w, 3) == NULL);
	CHECK(gl_watch_put(&w, 2, "again", 5) == 0 && w.n == 4);

	s = gl_watch_join("", 0, "f", 1, &n);
	CHECK(strcmp(s, "f") == 0 && n == 1);
	free(s);
	s = gl_watch_join("d/e", 3, "f\xff", 2, &n);
	CHECK(n == 6 && memcmp(s, "d/e/f\xff", 6) == 0);
	free(s);
	gl_watch_free(&w);
	CHECK(w.n == 0 && gl_watch_get(&w, 1) == NULL);
	session();
	names();
	return t_done();
}
