#include "git.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "utf8.h"

#define GIT_CAP (1UL << 20)

/* Start git with args in dir (with the index file index, or the work
 * tree's own when NULL), its stdout on *fd; the pid, or -1 (errno). */
static pid_t
spawn_in(const char *dir, const char *index, const char *const *args, int *fd)
{
	const char *argv[32];
	size_t n = 0;
	pid_t pid;
	int p[2], nul, saved;

	argv[n++] = "git";
	argv[n++] = "-c";
	argv[n++] = "core.fsmonitor=false";
	argv[n++] = "-c";
	argv[n++] = "core.hooksPath=/dev/null";
	argv[n++] = "-c";
	argv[n++] = "safe.directory=*";
	argv[n++] = "-c";
	argv[n++] = "core.attributesFile=/dev/null";
	argv[n++] = "-c";
	argv[n++] = "diff.external=";
	argv[n++] = "--no-optional-locks";
	argv[n++] = "-C";
	argv[n++] = dir;
	while (*args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if ((pid = fork()) < 0) {
		saved = errno;
		close(p[0]);
		close(p[1]);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		nul = open("/dev/null", O_RDWR);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(p[1], 1) < 0 ||
		    dup2(nul, 2) < 0)
			_exit(126);
		unsetenv("GIT_DIR");
		unsetenv("GIT_WORK_TREE");
		if (index != NULL)
			setenv("GIT_INDEX_FILE", index, 1);
		else
			unsetenv("GIT_INDEX_FILE");
		/* refs/replace/ is the agent's to write: "git replace HEAD X"
		 * would make status compare the work tree with X's tree */
		setenv("GIT_NO_REPLACE_OBJECTS", "1", 1);
		unsetenv("GIT_OBJECT_DIRECTORY");
		/* a .git/commondir an agent wrote would hand git another config
		 * (filters, fsmonitor): the common dir is the .git itself */
		{
			char common[4096];
			struct stat sb;
			if ((size_t)snprintf(common, sizeof common, "%s/.git", dir) < sizeof common &&
			    lstat(common, &sb) == 0 && S_ISDIR(sb.st_mode))
				setenv("GIT_COMMON_DIR", common, 1);
			else
				unsetenv("GIT_COMMON_DIR");
		}
		setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
		setenv("GIT_ATTR_NOSYSTEM", "1", 1);
		execvp("git", (char *const *)argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(p[1]);
	*fd = p[0];
	return pid;
}

static pid_t
spawn(const char *dir, const char *const *args, int *fd)
{
	return spawn_in(dir, NULL, args, fd);
}

/* git's exit status, or -1 (errno ENOENT: no git; EIO: it did not run) */
static int
reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 126 || WEXITSTATUS(st) == 127) {
		errno = WIFEXITED(st) && WEXITSTATUS(st) == 127 ? ENOENT : EIO;
		return -1;
	}
	return WEXITSTATUS(st);
}

/* Run git with args in dir; its stdout (last newline cut) into *out.
 * Returns git's exit status, or -1 (errno) if it could not be run. */
static int
run_in(const char *dir, const char *index, const char *const *args, char **out)
{
	size_t len;
	pid_t pid;
	int fd, rc, saved;
	char *buf;

	*out = NULL;
	if ((pid = spawn_in(dir, index, args, &fd)) < 0)
		return -1;
	if (gl_io_read_fd(fd, GIT_CAP, &buf, &len) < 0)
		buf = NULL;
	saved = errno;
	close(fd);
	rc = reap(pid);
	if (rc < 0 || buf == NULL) {
		if (rc >= 0)
			errno = saved;
		free(buf);
		return -1;
	}
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	*out = buf;
	return rc;
}

static int
run(const char *dir, const char *const *args, char **out)
{
	return run_in(dir, NULL, args, out);
}

/*
 * Whether the work tree differs from HEAD by content, read with an index
 * of our own made from HEAD: the work tree's .git/index is the agent's to
 * write, and an entry with the edited file's stat data but HEAD's blob (or
 * an untracked cache that lists nothing) makes git status trust it and not
 * read the file.  An index without stat data has git hash every file.
 * 1 differs, 0 not, -1 (errno) if git failed.
 */
static int
differs(const char *dir, const char *const *status)
{
	static const char *const tree[] = { "read-tree", "HEAD", NULL };
	char tmp[] = "/tmp/gl-git.XXXXXX", idx[64], *out = NULL;
	int rc, saved, d = -1;

	if (mkdtemp(tmp) == NULL)
		return -1;
	snprintf(idx, sizeof idx, "%s/index", tmp);
	if ((rc = run_in(dir, idx, tree, &out)) == 0) {
		free(out);
		out = NULL;
		rc = run_in(dir, idx, status, &out);
	}
	if (rc == 0)
		d = out[0] != '\0';
	else if (rc > 0)
		errno = EIO;
	saved = errno;
	free(out);
	unlink(idx);
	rmdir(tmp);
	errno = saved;
	return d;
}

/* Run git with args in dir, handing its stdout to chunk as it comes (no
 * cap: the index of a large tree is no reason to fail).  0, or -1 (errno)
 * if git could not run, failed or could not be read. */
static int
stream(const char *dir, const char *const *args, void (*chunk)(const char *, size_t, void *),
    void *ctx)
{
	char buf[8192];
	ssize_t r;
	int fd, rc, rerr = 0;
	pid_t pid;

	if ((pid = spawn(dir, args, &fd)) < 0)
		return -1;
	while ((r = read(fd, buf, sizeof buf)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rerr = errno;
			break;
		}
		chunk(buf, (size_t)r, ctx);
	}
	close(fd);
	if ((rc = reap(pid)) != 0 || rerr != 0) {
		if (rc >= 0)
			errno = rerr != 0 ? rerr : EIO;
		return -1;
	}
	return 0;
}

static void
count_bytes(const char *buf, size_t n, void *ctx)
{
	(void)buf;
	*(size_t *)ctx += n;
}

/*
 * Untracked files that only .git/info/exclude hides: that file is the
 * agent's to write (a new file listed there left status clean).  What
 * .gitignore files and the caller's own excludes file ignore stays ignored.
 * Read as a stream.  1 some, 0 none, -1 (errno) if git failed.
 */
static int
excluded_by_info(const char *dir)
{
	static const char *const xpath[] = { "config", "--path", "--get", "core.excludesFile", NULL };
	const char *ls[12], *xdg, *home;
	char from[PATH_MAX + 16], *out = NULL;
	size_t n = 0, got = 0;

	ls[n++] = "ls-files";
	ls[n++] = "-z";
	ls[n++] = "--others";
	ls[n++] = "--exclude-per-directory=.gitignore";
	/* the excludes file git would read: core.excludesFile, else
	 * $XDG_CONFIG_HOME/git/ignore or ~/.config/git/ignore */
	if (run(dir, xpath, &out) == 0 && out[0] != '\0')
		snprintf(from, sizeof from, "--exclude-from=%s", out);
	else if ((xdg = getenv("XDG_CONFIG_HOME")) != NULL && xdg[0] == '/')
		snprintf(from, sizeof from, "--exclude-from=%s/git/ignore", xdg);
	else if ((home = getenv("HOME")) != NULL && home[0] == '/')
		snprintf(from, sizeof from, "--exclude-from=%s/.config/git/ignore", home);
	else
		from[0] = '\0';
	free(out);
	if (from[0] != '\0' && access(from + strlen("--exclude-from="), R_OK) == 0)
		ls[n++] = from;
	ls[n++] = "--";
	ls[n++] = ":(top)";
	ls[n++] = ":(exclude).gleisner";
	ls[n] = NULL;
	if (stream(dir, ls, count_bytes, &got) < 0)
		return -1;
	return got > 0;
}

/*
 * Index entries whose work-tree file git does not look at: assume-unchanged
 * (ls-files -v tags them in lower case) and skip-worktree ("S").  From inside
 * the jail, `git update-index --skip-worktree f` then an edit of f leaves
 * `git status` clean, so the next session's "dirty" would lie.  Read as a
 * stream: a large index is no reason to fail.  -1 (errno) if git failed.
 */
struct tags {
	long n;			/* entries tagged S or in lower case */
	int start;		/* the next byte starts an entry */
};

static void
count_tags(const char *buf, size_t n, void *ctx)
{
	struct tags *t = ctx;
	size_t i;

	for (i = 0; i < n; i++) {
		if (t->start && (buf[i] == 'S' || (buf[i] >= 'a' && buf[i] <= 'z')))
			t->n++;
		t->start = buf[i] == '\0';
	}
}

static long
unlooked(const char *dir)
{
	static const char *const ls[] = { "ls-files", "-v", "-z", "--", ":(top)",
		":(exclude).gleisner", NULL };
	struct tags t = { 0, 1 };

	return stream(dir, ls, count_tags, &t) < 0 ? -1 : t.n;
}

/* git's answer as a string, or null when git said no or it is not text */
static jv
answer(const char *dir, const char *const *args, int *fail)
{
	char *out;
	int rc = run(dir, args, &out);
	jv v = jv_null();

	if (rc < 0) {
		*fail = 1;
		return v;
	}
	if (rc == 0 && out[0] != '\0' && gl_utf8_valid(out, strlen(out)))
		v = jv_string(out);
	free(out);
	return v;
}

char *
gl_git_strip_userinfo(const char *url)
{
	const char *s = strstr(url, "://"), *a, *end, *at = NULL;
	size_t pre;
	char *out;

	if (s == NULL || (s > url && strchr(url, '/') < s))
		return strdup(url);
	a = s + 3;
	end = a + strcspn(a, "/?#");
	for (const char *q = a; q < end; q++)
		if (*q == '@')
			at = q;
	if (at == NULL)
		return strdup(url);
	pre = (size_t)(a - url);
	if ((out = malloc(strlen(url) + 1)) == NULL)
		return NULL;
	memcpy(out, url, pre);
	strcpy(out + pre, at + 1);
	return out;
}

jv
gl_git_state(const char *dir)
{
	static const char *const inside[] = { "rev-parse", "--is-inside-work-tree", NULL };
	static const char *const head[] = { "rev-parse", "--verify", "-q", "HEAD", NULL };
	static const char *const branch[] = { "symbolic-ref", "-q", "--short", "HEAD", NULL };
	/* the whole work tree but the project's .gleisner/, Gleisner's own
	 * record (made before the state is read): it does not make it dirty */
	static const char *const status[] = { "status", "--porcelain=v1",
		"--untracked-files=all", "--ignore-submodules=all", "--", ":(top)",
		":(exclude).gleisner", NULL };
	static const char *const remote[] = { "config", "--get", "remote.origin.url", NULL };
	jv st = jv_object(), v;
	char *out, *clean;
	long hidden;
	int rc, fail = 0, born;

	st = jv_object_set(st, jv_string("commit"), jv_null());
	st = jv_object_set(st, jv_string("branch"), jv_null());
	st = jv_object_set(st, jv_string("dirty"), jv_false());
	st = jv_object_set(st, jv_string("remote"), jv_null());
	if ((rc = run(dir, inside, &out)) < 0)
		goto sys;
	free(out);
	if (rc != 0)
		return st;	/* not a work tree */
	st = jv_object_set(st, jv_string("commit"), answer(dir, head, &fail));
	st = jv_object_set(st, jv_string("branch"), answer(dir, branch, &fail));
	if ((rc = run(dir, status, &out)) < 0 || rc != 0) {
		if (rc > 0)
			errno = EIO;
		free(out);
		goto sys;
	}
	st = jv_object_set(st, jv_string("dirty"), jv_bool(out[0] != '\0'));
	rc = out[0] != '\0';
	free(out);
	/* clean by the agent's index: by content, with one of our own */
	v = jv_object_get(jv_copy(st), jv_string("commit"));
	born = jv_get_kind(v) == JV_KIND_STRING;
	jv_free(v);
	if (rc == 0 && born) {
		if ((rc = differs(dir, status)) < 0)
			goto sys;
		if (rc > 0)
			st = jv_object_set(st, jv_string("dirty"), jv_true());
	}
	if (rc == 0) {
		if ((rc = excluded_by_info(dir)) < 0)
			goto sys;
		if (rc > 0)
			st = jv_object_set(st, jv_string("dirty"), jv_true());
	}
	/* what git was told not to look at cannot be vouched for: dirty */
	if ((hidden = unlooked(dir)) < 0)
		goto sys;
	if (hidden > 0)
		st = jv_object_set(st, jv_string("dirty"), jv_true());
	v = answer(dir, remote, &fail);
	if (jv_get_kind(v) == JV_KIND_STRING) {
		if ((clean = gl_git_strip_userinfo(jv_string_value(v))) == NULL) {
			jv_free(v);
			goto sys;
		}
		jv_free(v);
		v = jv_string(clean);
		free(clean);
	}
	st = jv_object_set(st, jv_string("remote"), v);
	if (fail)
		goto sys;
	return st;
sys:
	rc = errno;
	jv_free(st);
	errno = rc;
	return jv_invalid_with_msg(jv_string(strerror(rc)));
}
