#include "jail.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "gl.h"
#include "ns.h"
#include "seccomp.h"

#define JAIL_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define MAXBINDS 256

/* what the jail sees at dest, and where bubblewrap takes it from */
struct bind {
	const char *dest;
	char src[PATH_MAX];
	int rw;
};

struct plan {
	struct gl_jail *j;
	struct bind b[MAXBINDS];
	size_t nb;
	char *err;
	size_t errsz;
};

static int
perr(struct plan *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errsz, fmt, ap);
	va_end(ap);
	return -1;
}

static int
bw(struct plan *p, int n, ...)
{
	va_list ap;
	int i, rc = 0;

	va_start(ap, n);
	for (i = 0; i < n && rc == 0; i++)
		rc = gl_strv_push(&p->j->bw, va_arg(ap, const char *));
	va_end(ap);
	return rc < 0 ? perr(p, "out of memory") : 0;
}

static void
note(jv *fs, const char *key, jv v)
{
	jv a = jv_object_get(jv_copy(*fs), jv_string(key));

	if (jv_get_kind(a) != JV_KIND_ARRAY) {
		jv_free(a);
		a = jv_array();
	}
	*fs = jv_object_set(*fs, jv_string(key), jv_array_append(a, v));
}

static jv
pathreason(const char *path, const char *reason)
{
	jv o = jv_object_set(jv_object(), jv_string("path"), jv_string(path));
	return jv_object_set(o, jv_string("reason"), jv_string(reason));
}

/* under(a, b): a is b or lies beneath it */
static int
under(const char *a, const char *b)
{
	size_t n = strlen(b);

	if (strcmp(b, "/") == 0)
		return 1;
	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

/* the innermost bind that shows path */
static const struct bind *
cover(const struct plan *p, const char *path)
{
	const struct bind *best = NULL;
	size_t i;

	for (i = 0; i < p->nb; i++)
		if (under(path, p->b[i].dest) &&
		    (best == NULL || strlen(p->b[i].dest) > strlen(best->dest)))
			best = &p->b[i];
	return best;
}

/* Where bubblewrap finds host path (inside some bind's source). */
static void
source_of(const struct plan *p, const char *path, char *out, size_t outsz)
{
	const struct bind *b = cover(p, path);

	if (b == NULL)
		snprintf(out, outsz, "%s", path);
	else
		snprintf(out, outsz, "%s%s", b->src, path + strlen(b->dest));
}

static int
ll(struct plan *p, const char *flag, const char *path)
{
	if (gl_strv_push(&p->j->ll, flag) < 0 || gl_strv_push(&p->j->ll, path) < 0)
		return perr(p, "out of memory");
	return 0;
}

/* The deny entry or hidden path that path lies in, or NULL: a bind there
 * would undo the mask (the key store, say). */
static const char *
denied_place(const struct gl_jail *j, const char *path)
{
	size_t i;

	if (j->gl_config != NULL && under(path, j->gl_config))
		return j->gl_config;
	for (i = 0; i < j->hide.n; i++)
		if (under(path, j->hide.v[i]))
			return j->hide.v[i];
	for (i = 0; i < j->prof->deny.n; i++)
		if (under(path, j->prof->deny.v[i]))
			return j->prof->deny.v[i];
	return NULL;
}

/* Bind host path at the same place inside, read-only or read-write. */
static int
bind(struct plan *p, const char *path, int rw, const char *why)
{
	struct gl_jail *j = p->j;
	struct bind *b;
	struct stat st;
	const char *d;

	if ((d = denied_place(j, path)) != NULL)
		return perr(p, "%s: %s bind lies inside %s, which the jail hides", path, why, d);
	if (stat(path, &st) < 0) {
		int e = errno;
		note(&j->fs, "skipped", pathreason(path, e == ENOENT ?
		    "does not exist" : strerror(e)));
		/* the plugin directories are optional: only the report says so */
		if (strcmp(why, "add_dirs") != 0 || e != ENOENT)
			fprintf(stderr, "gl-jail: warning: %s: %s bind skipped: %s\n",
			    path, why, strerror(e));
		return 0;
	}
	if (p->nb == MAXBINDS)
		return perr(p, "too many binds");
	b = &p->b[p->nb];
	b->dest = path;
	b->rw = rw;
	snprintf(b->src, sizeof b->src, "%s", path);
	if (j->idmap && (rw || under(path, j->home))) {
		/* a root caller's jail runs as an unprivileged host uid: give it
		 * the tree through an idmapped mount, so writes land as root */
		snprintf(b->src, sizeof b->src, "%s/%zu", j->stage, j->nstaged);
		if (S_ISDIR(st.st_mode) ? mkdir(b->src, 0700) :
		    close(open(b->src, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600)))
			return perr(p, "%s: %s", b->src, strerror(errno));
		j->nstaged++;
		if (gl_ns_idmap_mount(path, b->src, j->userns_fd, !rw) < 0)
			return perr(p, "%s: idmapped mount: %s", path, strerror(errno));
		note(&j->fs, "idmapped", jv_string(path));
	}
	p->nb++;
	note(&j->fs, rw ? "readwrite" : "readonly", jv_string(path));
	if (bw(p, 3, rw ? "--bind" : "--ro-bind", b->src, path) < 0)
		return -1;
	return ll(p, rw ? "--rw" : "--ro", path);
}

static int
system_ro(struct plan *p, const char *path)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		/* merged /usr: recreate /bin -> usr/bin as a link, never bind it */
		if ((n = readlink(path, target, sizeof target - 1)) < 0)
			return perr(p, "%s: %s", path, strerror(errno));
		target[n] = '\0';
		jv o = jv_object_set(jv_object(), jv_string("path"), jv_string(path));
		note(&p->j->fs, "symlinks", jv_object_set(o, jv_string("target"), jv_string(target)));
		return bw(p, 3, "--symlink", target, path);
	}
	return bind(p, path, 0, "read-only");
}

/* Hide path, a deny entry, if anything bound shows it. */
static int
mask(struct plan *p, const char *path)
{
	struct gl_jail *j = p->j;
	const struct bind *b = cover(p, path);
	struct stat st;
	char fdstr[16];
	int pfd[2];

	if (b == NULL) {
		note(&j->fs, "hidden", jv_string(path));
		return 0;
	}
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return perr(p, "%s: %s", path, strerror(errno));
		if (b->rw) {
			/* never create a mask point on the host (case B04) */
			note(&j->fs, "unmasked", pathreason(path,
			    "does not exist inside a read-write bind; not created"));
			fprintf(stderr, "gl-jail: warning: %s: deny entry does not exist "
			    "inside read-write bind %s; it is not masked\n", path, b->dest);
		} else
			note(&j->fs, "absent", jv_string(path));
		return 0;
	}
	if (S_ISLNK(st.st_mode))
		return perr(p, "%s: deny entry is a symbolic link; masking it would follow the "
		    "link (deny its target, or remove the link)", path);
	jv o = jv_object_set(jv_object(), jv_string("path"), jv_string(path));
	if (S_ISDIR(st.st_mode)) {
		note(&j->fs, "masked", jv_object_set(o, jv_string("kind"), jv_string("dir")));
		return bw(p, 6, "--perms", "0000", "--tmpfs", path, "--remount-ro", path);
	}
	/* a file: an empty read-only file in its place */
	if (j->ndatafds == GL_JAIL_MAXFDS)
		return perr(p, "too many file masks");
	if (pipe2(pfd, 0) < 0)
		return perr(p, "pipe: %s", strerror(errno));
	close(pfd[1]);
	j->datafds[j->ndatafds++] = pfd[0];
	snprintf(fdstr, sizeof fdstr, "%d", pfd[0]);
	note(&j->fs, "masked", jv_object_set(o, jv_string("kind"), jv_string("file")));
	return bw(p, 5, "--perms", "0000", "--ro-bind-data", fdstr, path);
}

/* Keep path read-only although it lies inside a read-write bind. */
static int
protect(struct plan *p, const char *path, int required)
{
	const struct bind *b = cover(p, path);
	char *src;
	struct stat st;

	if (b == NULL || !b->rw)
		return 0;
	if (lstat(path, &st) < 0) {
		char parent[PATH_MAX], *slash;
		if (required)
			return perr(p, "%s: %s", path, strerror(errno));
		/* worth a note only where the agent could create it */
		snprintf(parent, sizeof parent, "%s", path);
		if ((slash = strrchr(parent, '/')) != NULL)
			*slash = '\0';
		if (access(parent, F_OK) == 0)
			note(&p->j->fs, "unprotected", pathreason(path, "does not exist"));
		return 0;
	}
	if (S_ISLNK(st.st_mode))
		return perr(p, "%s: protected path is a symbolic link", path);
	if ((src = malloc(PATH_MAX)) == NULL)
		return perr(p, "out of memory");
	source_of(p, path, src, PATH_MAX);
	note(&p->j->fs, "protected", jv_string(path));
	/* the jail's argv keeps the string */
	int rc = bw(p, 3, "--ro-bind", src, path);
	free(src);
	return rc;
}

static int gitdir_extras(struct plan *, const char *, int);

/* A repository's escape hatches, kept from the agent: .git itself becomes a
 * mount point (so it cannot be renamed and rebuilt), its hooks and config
 * read-only.  A missing hooks directory is created empty on the host first:
 * otherwise the agent could create it. */
static int
repository(struct plan *p, const char *dir)
{
	char git[PATH_MAX], sub[PATH_MAX], src[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(git, sizeof git, "%s/.git", dir) >= sizeof git)
		return 0;
	if (lstat(git, &st) < 0)
		return 0;
	if (S_ISLNK(st.st_mode))
		return perr(p, "%s: a repository's .git that is a symbolic link is not supported", git);
	note(&p->j->fs, "repositories", jv_string(git));
	if (!S_ISDIR(st.st_mode))	/* a worktree's "gitdir:" file */
		return protect(p, git, 0);
	source_of(p, git, src, sizeof src);
	if (bw(p, 3, "--bind", src, git) < 0)
		return -1;
	if ((size_t)snprintf(sub, sizeof sub, "%s/hooks", git) >= sizeof sub)
		return perr(p, "%s: path too long", git);
	if (mkdir(sub, 0755) == 0)
		note(&p->j->fs, "created", jv_string(sub));
	if (protect(p, sub, 0) < 0)
		return -1;
	if ((size_t)snprintf(sub, sizeof sub, "%s/config", git) >= sizeof sub)
		return perr(p, "%s: path too long", git);
	if (protect(p, sub, 0) < 0)
		return -1;
	return gitdir_extras(p, git, 0);
}

/* What else in a git directory makes git run code or read another config:
 * info/ (attributes), an existing commondir or config.worktree (kept
 * read-only; absent ones must not appear: see gl_jail_quarantine), and
 * the git directories of submodules under modules/. */
static int
gitdir_extras(struct plan *p, const char *git, int depth)
{
	static const char *keep[] = { "info", "commondir", "config.worktree" };
	char sub[PATH_MAX + 16], mods[PATH_MAX], mod[PATH_MAX];
	struct dirent *e;
	struct stat st;
	size_t i;
	int rc = 0;
	DIR *d;

	for (i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		if ((size_t)snprintf(sub, sizeof sub, "%s/%s", git, keep[i]) >= sizeof sub)
			return perr(p, "%s: path too long", git);
		if (lstat(sub, &st) == 0) {
			if (protect(p, sub, 0) < 0)
				return -1;
		} else if (i > 0 && gl_strv_push(&p->j->forbidden, sub) < 0)
			return perr(p, "out of memory");
	}
	if (depth >= 4 || (size_t)snprintf(mods, sizeof mods, "%s/modules", git) >= sizeof mods ||
	    (d = opendir(mods)) == NULL)
		return 0;
	/* each submodule's git directory: its hooks, config and the rest */
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' ||
		    (size_t)snprintf(mod, sizeof mod, "%s/%s", mods, e->d_name) >= sizeof mod ||
		    lstat(mod, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		snprintf(sub, sizeof sub, "%s/hooks", mod);
		if (mkdir(sub, 0755) == 0)
			note(&p->j->fs, "created", jv_string(sub));
		if (protect(p, sub, 0) < 0)
			rc = -1;
		snprintf(sub, sizeof sub, "%s/config", mod);
		if (rc == 0 && (protect(p, sub, 0) < 0 || gitdir_extras(p, mod, depth + 1) < 0))
			rc = -1;
	}
	closedir(d);
	return rc;
}

/* The project's repository and those nested in it, to a small depth. */
static int
repositories(struct plan *p, const char *root)
{
	struct { char path[PATH_MAX]; int depth; } *q;
	size_t head = 0, tail = 0, cap = 512, seen = 0;
	struct dirent *e;
	struct stat st;
	int rc = 0;
	DIR *d;

	if ((q = malloc(cap * sizeof *q)) == NULL)
		return perr(p, "out of memory");
	snprintf(q[tail].path, sizeof q[tail].path, "%s", root);
	q[tail++].depth = 0;
	while (head < tail && rc == 0 && seen < 20000) {
		const char *dir = q[head].path;
		int depth = q[head].depth;
		head++;
		if ((rc = repository(p, dir)) < 0 || depth == 4 || (d = opendir(dir)) == NULL)
			continue;
		while ((e = readdir(d)) != NULL && seen++ < 20000) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
			    strcmp(e->d_name, ".git") == 0 || strcmp(e->d_name, ".gleisner") == 0 ||
			    strcmp(e->d_name, "node_modules") == 0)
				continue;
			if (tail == cap)
				break;
			snprintf(q[tail].path, sizeof q[tail].path, "%s/%s", dir, e->d_name);
			if (lstat(q[tail].path, &st) == 0 && S_ISDIR(st.st_mode))
				q[tail++].depth = depth + 1;
		}
		closedir(d);
	}
	free(q);
	return rc;
}

/* The seccomp filter, on a memfd that bubblewrap reads (--seccomp FD). */
static int
seccomp(struct plan *p)
{
	const struct gl_profile *pr = p->j->prof;
	struct sock_filter *prog;
	size_t len;
	char fdstr[16];
	jv rep;
	int fd;

	if (gl_seccomp_build(pr->seccomp_preset, pr->seccomp_default_action,
	    &pr->allow_syscalls, &prog, &len, &rep, p->err, p->errsz) < 0)
		return -1;
	jv_free(p->j->seccomp);
	p->j->seccomp = rep;
	if (p->j->ndatafds == GL_JAIL_MAXFDS) {
		free(prog);
		return perr(p, "too many file descriptors for bubblewrap");
	}
	fd = gl_seccomp_fd(prog, len);
	free(prog);
	if (fd < 0)
		return perr(p, "seccomp filter: memfd: %s", strerror(errno));
	p->j->datafds[p->j->ndatafds++] = fd;
	snprintf(fdstr, sizeof fdstr, "%d", fd);
	return bw(p, 2, "--seccomp", fdstr);
}

static int
setenv_from(struct plan *p, const char *name, const char *value)
{
	if (value == NULL)
		return 0;
	p->j->env = jv_array_append(p->j->env, jv_string(name));
	return bw(p, 3, "--setenv", name, value);
}

int
gl_jail_plan(struct gl_jail *j, char *err, size_t errsz)
{
	static const char *protect_defaults[] = { ".claude/settings.json",
	    ".claude/settings.local.json", ".mcp.json" };
	static const char *fs_keys[] = { "readonly", "readwrite", "tmpfs", "symlinks",
	    "masked", "hidden", "absent", "unmasked", "protected", "unprotected",
	    "skipped", "idmapped", "repositories", "created", "quarantined" };
	static const char *dev_rw[] = { "/dev/null", "/dev/zero", "/dev/full",
	    "/dev/tty", "/dev/pts", "/dev/ptmx", "/dev/shm" };
	static const char *dev_ro[] = { "/dev/random", "/dev/urandom", "/proc" };
	const struct gl_profile *pr = j->prof;
	struct plan *p;
	char uid[16], gid[16], buf[PATH_MAX];
	size_t i;
	int rc = -1;

	if ((p = calloc(1, sizeof *p)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	p->j = j;
	p->err = err;
	p->errsz = errsz;
	j->fs = jv_object();
	j->seccomp = jv_null();
	for (i = 0; i < sizeof fs_keys / sizeof fs_keys[0]; i++)
		j->fs = jv_object_set(j->fs, jv_string(fs_keys[i]), jv_array());
	j->env = jv_array();
	if (!pr->pid_namespace) {
		perr(p, "pid_namespace = false is not supported: processes could outlive "
		    "the jail; remove it from the profile");
		goto out;
	}
	snprintf(uid, sizeof uid, "%u", (unsigned)j->uid);
	snprintf(gid, sizeof gid, "%u", (unsigned)j->gid);

	/* first: a bad [process.seccomp] fails before anything is attached */
	if (seccomp(p) < 0)
		goto out;
	if (bw(p, 4, "--unshare-user", "--unshare-ipc", "--unshare-uts",
	    "--unshare-cgroup-try") < 0 || (!j->share_net && bw(p, 1, "--unshare-net") < 0))
		goto out;
	if (pr->pid_namespace && bw(p, 1, "--unshare-pid") < 0)
		goto out;
	if (bw(p, 13, "--uid", uid, "--gid", gid, "--hostname", "gleisner",
	    "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
	    "--proc", "/proc") < 0 || bw(p, 2, "--dev", "/dev") < 0)
		goto out;

	/* /tmp first, so that read-only binds below it stay visible */
	if (bw(p, 2, "--tmpfs", "/tmp") < 0 || ll(p, "--rw", "/tmp") < 0)
		goto out;
	note(&j->fs, "tmpfs", jv_string("/tmp"));
	for (i = 0; i < pr->readonly_bind.n; i++)
		if (!under(pr->readonly_bind.v[i], j->home) &&
		    system_ro(p, pr->readonly_bind.v[i]) < 0)
			goto out;
	for (i = 0; i < pr->tmpfs.n; i++) {
		if (strcmp(pr->tmpfs.v[i], "/tmp") == 0)
			continue;
		if (bw(p, 2, "--tmpfs", pr->tmpfs.v[i]) < 0 || ll(p, "--rw", pr->tmpfs.v[i]) < 0)
			goto out;
		note(&j->fs, "tmpfs", jv_string(pr->tmpfs.v[i]));
	}
	/* $HOME: a fresh tmpfs holding only what the profile binds */
	if (bw(p, 4, "--perms", "0700", "--tmpfs", j->home) < 0 || ll(p, "--rw", j->home) < 0)
		goto out;
	note(&j->fs, "tmpfs", jv_string(j->home));
	for (i = 0; i < pr->readonly_bind.n; i++)
		if (under(pr->readonly_bind.v[i], j->home) &&
		    bind(p, pr->readonly_bind.v[i], 0, "read-only") < 0)
			goto out;
	for (i = 0; i < pr->readwrite_bind.n; i++)
		if (bind(p, pr->readwrite_bind.v[i], 1, "read-write") < 0)
			goto out;
	for (i = 0; i < pr->add_dirs.n; i++)
		if (bind(p, pr->add_dirs.v[i], 1, "add_dirs") < 0)
			goto out;
	for (i = 0; i < j->allow_paths.n; i++)
		if (bind(p, j->allow_paths.v[i], 1, "--allow-path") < 0)
			goto out;
	if (p->nb == MAXBINDS) {
		perr(p, "too many binds");
		goto out;
	}
	/* the project last among the binds: a project under /tmp stays visible */
	{
		size_t before = p->nb;
		if (bind(p, j->project, 1, "project") < 0)
			goto out;
		if (p->nb == before) {
			perr(p, "%s: project directory: %s", j->project, strerror(ENOENT));
			goto out;
		}
	}

	/* .gleisner is protected whatever the profile says */
	snprintf(buf, sizeof buf, "%s/.gleisner", j->project);
	if (protect(p, buf, 1) < 0)
		goto out;
	if (pr->protect_defaults && repositories(p, j->project) < 0)
		goto out;
	for (i = 0; pr->protect_defaults && i < sizeof protect_defaults / sizeof protect_defaults[0]; i++) {
		snprintf(buf, sizeof buf, "%s/%s", j->project, protect_defaults[i]);
		if (protect(p, buf, 0) < 0)
			goto out;
	}
	for (i = 0; i < pr->protect.n; i++)
		if (protect(p, pr->protect.v[i], 0) < 0)
			goto out;
	for (i = 0; i < pr->deny.n; i++)
		if (mask(p, pr->deny.v[i]) < 0)
			goto out;
	if (j->gl_config != NULL && mask(p, j->gl_config) < 0)
		goto out;
	for (i = 0; i < j->hide.n; i++)
		if (mask(p, j->hide.v[i]) < 0)
			goto out;

	if (j->landlock != NULL) {
		char fd[24];
		if (bw(p, 3, "--ro-bind", j->landlock, GL_JAIL_LANDLOCK) < 0)
			goto out;
		/* gl-landlock goes first in the prefix */
		struct gl_strv pre = { 0 };
		if (gl_strv_push(&pre, GL_JAIL_LANDLOCK) < 0)
			goto out;
		if (j->landlock_fd >= 0) {
			snprintf(fd, sizeof fd, "%d", j->landlock_fd);
			if (gl_strv_push(&pre, "--report-fd") < 0 || gl_strv_push(&pre, fd) < 0)
				goto out;
		}
		if (j->landlock_disabled) {
			/* still there: it closes the report fd, reports, maps 126/127 */
			if (gl_strv_push(&pre, "--disabled") < 0 || gl_strv_push(&pre, "--") < 0)
				goto out;
			gl_strv_free(&j->ll);
			j->ll = pre;
			goto env;
		}
		snprintf(fd, sizeof fd, "%lld", pr->landlock_min_abi > 0 ? pr->landlock_min_abi : 1);
		if (gl_strv_push(&pre, "--require-abi") < 0 || gl_strv_push(&pre, fd) < 0)
			goto out;
		for (i = 0; i < sizeof dev_rw / sizeof dev_rw[0]; i++)
			if (gl_strv_push(&pre, "--rw") < 0 || gl_strv_push(&pre, dev_rw[i]) < 0)
				goto out;
		for (i = 0; i < sizeof dev_ro / sizeof dev_ro[0]; i++)
			if (gl_strv_push(&pre, "--ro") < 0 || gl_strv_push(&pre, dev_ro[i]) < 0)
				goto out;
		for (i = 0; i < pr->allow_ports.n; i++)
			if (gl_strv_push(&pre, "--connect-tcp") < 0 ||
			    gl_strv_push(&pre, pr->allow_ports.v[i]) < 0)
				goto out;
		if (pr->allow_dns && (gl_strv_push(&pre, "--connect-tcp") < 0 ||
		    gl_strv_push(&pre, "53") < 0))
			goto out;
		for (i = 0; i < j->ll.n; i++)
			if (gl_strv_push(&pre, j->ll.v[i]) < 0)
				goto out;
		if (gl_strv_push(&pre, "--") < 0)
			goto out;
		gl_strv_free(&j->ll);
		j->ll = pre;
	} else
		gl_strv_free(&j->ll);

env:
	/* environment: cleared, then the fixed names and the allowlist */
	if (bw(p, 1, "--clearenv") < 0 || setenv_from(p, "PATH", JAIL_PATH) < 0 ||
	    setenv_from(p, "HOME", j->home) < 0 || setenv_from(p, "USER", j->user) < 0 ||
	    setenv_from(p, "TERM", getenv("TERM")) < 0 ||
	    setenv_from(p, "LANG", getenv("LANG")) < 0)
		goto out;
	for (i = 0; i < pr->allow_env.n; i++) {
		const char *n = pr->allow_env.v[i];
		if (strcmp(n, "PATH") == 0 || strcmp(n, "HOME") == 0 || strcmp(n, "USER") == 0 ||
		    strcmp(n, "TERM") == 0 || strcmp(n, "LANG") == 0)
			continue;
		if (setenv_from(p, n, getenv(n)) < 0)
			goto out;
	}
	if (bw(p, 2, "--chdir", j->project) < 0)
		goto out;
	rc = 0;
out:
	free(p);
	return rc;
}

int
gl_jail_quarantine(struct gl_jail *j)
{
	char moved[PATH_MAX];
	struct stat st;
	size_t i;
	int n = 0, k;

	for (i = 0; i < j->forbidden.n; i++) {
		const char *f = j->forbidden.v[i];
		if (lstat(f, &st) < 0)
			continue;
		for (k = 0; k < 100; k++) {
			if (k == 0)
				snprintf(moved, sizeof moved, "%s.gleisner-quarantine", f);
			else
				snprintf(moved, sizeof moved, "%s.gleisner-quarantine.%d", f, k);
			if (lstat(moved, &st) < 0 && rename(f, moved) == 0)
				break;
		}
		fprintf(stderr, "gl-jail: warning: %s: created in the jail; %s\n", f,
		    k < 100 ? "moved aside so that git does not follow it" : "could not be moved aside");
		jv o = jv_object_set(jv_object(), jv_string("path"), jv_string(f));
		note(&j->fs, "quarantined", jv_object_set(o, jv_string("moved_to"),
		    k < 100 ? jv_string(moved) : jv_null()));
		n++;
	}
	return n;
}

int
gl_jail_handover(const char *netfilter, const char *profile, const struct gl_strv *nfargs,
    int argc, char *argv[], const unsigned char *drop, char *err, size_t errsz)
{
	char self[PATH_MAX], *dir, **av;
	size_t i, n = 0;
	int e;

	/* execv takes a bare name from the working directory, which is the
	 * project the agent wrote to last session: root runs no such file */
	if (netfilter[0] != '/') {
		snprintf(err, errsz, "--netfilter %s: not an absolute path", netfilter);
		return -1;
	}
	/* nor one another user could have put there (a missing one fails below) */
	if (access(netfilter, F_OK) == 0 && !gl_exec_root_owned(netfilter)) {
		snprintf(err, errsz, "--netfilter %s: not root's, or writable by others on its way",
		    netfilter);
		return -1;
	}
	if ((dir = gl_exec_selfdir()) == NULL) {
		snprintf(err, errsz, "/proc/self/exe: %s", strerror(errno));
		return -1;
	}
	snprintf(self, sizeof self, "%s/gl-jail", dir);
	free(dir);
	if ((av = calloc(nfargs->n + (size_t)argc + 8, sizeof *av)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	av[n++] = (char *)netfilter;
	av[n++] = "-p";
	av[n++] = (char *)profile;
	for (i = 0; i < nfargs->n; i++)
		av[n++] = nfargs->v[i];
	av[n++] = "--";
	av[n++] = self;
	av[n++] = "--share-net";
	for (i = 1; i < (size_t)argc; i++)
		if (!drop[i])
			av[n++] = argv[i];
	execv(netfilter, av);
	e = errno;
	free(av);
	snprintf(err, errsz, "--netfilter %s: %s", netfilter, strerror(e));
	return -1;
}

/* where a root caller's stage is mounted: a directory only root can make
 * comes first; in the sticky /dev/shm any user could take the name first
 * (it is then refused, and the next one tried) */
static const char *const stage_dirs[] = { "/run/gleisner-stage", "/dev/shm/.gleisner-stage" };

int
gl_jail_stage(struct gl_jail *j, char *err, size_t errsz)
{
	struct stat st;
	size_t i;

	j->idmap = 1;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		snprintf(err, errsz, "private mount namespace: %s", strerror(errno));
		return -1;
	}
	if ((j->userns_fd = gl_ns_idmap_userns(j->uid, j->gid)) < 0) {
		snprintf(err, errsz, "idmap user namespace: %s", strerror(errno));
		return -1;
	}
	/* the mount points of the idmapped trees, on a tmpfs that only this
	 * mount namespace sees: no directory is made or left on the host per
	 * session.  The fixed directory must be root's and no one else's to
	 * change (in a sticky directory nobody else can replace it then). */
	for (i = 0; i < sizeof stage_dirs / sizeof stage_dirs[0]; i++) {
		const char *d = stage_dirs[i];
		char up[64];
		struct stat ps;
		/* its parent: root's, and sticky if others may write to it */
		snprintf(up, sizeof up, "%.*s", (int)(strrchr(d, '/') - d), d);
		if (lstat(up, &ps) < 0 || !S_ISDIR(ps.st_mode) || ps.st_uid != 0 ||
		    ((ps.st_mode & 022) && !(ps.st_mode & S_ISVTX)))
			continue;
		if ((mkdir(d, 0711) == 0 || errno == EEXIST) && lstat(d, &st) == 0 &&
		    S_ISDIR(st.st_mode) && st.st_uid == 0 && !(st.st_mode & 022) &&
		    mount("gleisner-stage", d, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		    "mode=0711,size=64k,nr_inodes=256") == 0) {
			snprintf(j->stage, sizeof j->stage, "%s", d);
			j->stage_private = 1;
			return 0;
		}
	}
	/* none usable: a directory of our own in /tmp */
	snprintf(j->stage, sizeof j->stage, "%s", "/tmp/.gl-jail.XXXXXX");
	if (mkdtemp(j->stage) == NULL || chmod(j->stage, 0711) < 0) {
		snprintf(err, errsz, "%s: %s", j->stage, strerror(errno));
		j->stage[0] = '\0';
		return -1;
	}
	return 0;
}

void
gl_jail_unstage(struct gl_jail *j)
{
	char path[PATH_MAX];
	size_t i;

	/* a private stage goes with the mount namespace */
	if (j->stage[0] == '\0' || j->stage_private)
		return;
	for (i = 0; i < j->nstaged; i++) {
		snprintf(path, sizeof path, "%s/%zu", j->stage, i);
		umount2(path, MNT_DETACH);
		if (rmdir(path) < 0)
			unlink(path);
	}
	j->nstaged = 0;
	rmdir(j->stage);
}

void
gl_jail_free(struct gl_jail *j)
{
	size_t i;

	gl_strv_free(&j->bw);
	gl_strv_free(&j->ll);
	gl_strv_free(&j->forbidden);
	for (i = 0; i < j->ndatafds; i++)
		close(j->datafds[i]);
	j->ndatafds = 0;
	jv_free(j->fs);
	jv_free(j->env);
	jv_free(j->seccomp);
	j->fs = j->env = j->seccomp = jv_null();
}

/* The profile: name, digest of the resolved profile, each file's digest. */
jv
gl_jail_profile_json(const struct gl_profile *pr)
{
	char digest[GL_SHA256_HEX], fd[GL_SHA256_HEX];
	jv a = jv_array(), prof;
	size_t i;

	for (i = 0; i < pr->nfiles; i++) {
		if (gl_profile_file_sha256(pr, i, fd) < 0) {
			jv_free(a);
			return jv_invalid_with_msg(jv_string("cannot digest the profile"));
		}
		jv f = jv_object_set(jv_object(), jv_string("path"), jv_string(pr->files[i]));
		a = jv_array_append(a, jv_object_set(f, jv_string("digest"), jv_object_set(
		    jv_object(), jv_string("sha256"), jv_string(fd))));
	}
	if (gl_profile_digest(pr, digest) < 0) {
		jv_free(a);
		return jv_invalid_with_msg(jv_string("cannot digest the profile"));
	}
	prof = jv_object_set(jv_object(), jv_string("name"), jv_string(pr->name));
	prof = jv_object_set(prof, jv_string("digest"), jv_object_set(jv_object(),
	    jv_string("sha256"), jv_string(digest)));
	prof = jv_object_set(prof, jv_string("files"), a);
	return jv_object_set(prof, jv_string("resolved"), gl_profile_json(pr));
}

/* The report: the profile, what bubblewrap set up, and what we measured. */
jv
gl_jail_report(jv profile, const struct gl_jail *j, char **cmd,
    struct gl_jail_enforced *e, int code)
{
	jv o = jv_object(), a, sc;
	size_t i;

	o = jv_object_set(o, jv_string("tool"), jv_string("gl-jail"));
	o = jv_object_set(o, jv_string("version"), jv_string(GL_VERSION));
	o = jv_object_set(o, jv_string("profile"), profile);
	a = jv_array();
	for (i = 0; cmd[i] != NULL; i++)
		a = jv_array_append(a, jv_string(cmd[i]));
	o = jv_object_set(o, jv_string("command"), a);
	o = jv_object_set(o, jv_string("project"), jv_string(j->project));
	o = jv_object_set(o, jv_string("measured"), e->measured);
	o = jv_object_set(o, jv_string("filesystem"), jv_copy(j->fs));
	o = jv_object_set(o, jv_string("environment"), jv_copy(j->env));
	o = jv_object_set(o, jv_string("landlock"), jv_object_set(jv_object_set(jv_object(),
	    jv_string("requested"), jv_bool(j->landlock != NULL && !j->landlock_disabled)),
	    jv_string("abi"), jv_number(e->landlock_abi)));
	/* the filter of the plan: enforced once bubblewrap ran with it */
	if (jv_get_kind(j->seccomp) == JV_KIND_OBJECT) {
		sc = jv_object_set(jv_copy(j->seccomp), jv_string("enforced"), jv_bool(code >= 0));
		if (code < 0)
			sc = jv_object_set(sc, jv_string("reason"), jv_string("the jail never ran"));
	} else
		sc = jv_object_set(jv_object_set(jv_object(), jv_string("enforced"), jv_false()),
		    jv_string("reason"), jv_string("no filter was built"));
	o = jv_object_set(o, jv_string("seccomp"), sc);
	o = jv_object_set(o, jv_string("cgroup"), e->cgroup);
	o = jv_object_set(o, jv_string("rlimits"), e->rlimits);
	o = jv_object_set(o, jv_string("degraded"), jv_get_kind(e->degraded) == JV_KIND_ARRAY ?
	    e->degraded : (jv_free(e->degraded), jv_array()));
	e->measured = e->cgroup = e->rlimits = e->degraded = jv_invalid();
	if (j->share_net)
		o = jv_object_set(o, jv_string("network"), jv_object_set(jv_object_set(jv_object(),
		    jv_string("mode"), jv_string("shared")), jv_string("egress"),
		    jv_string("the caller's network namespace (gl-netfilter's): see its report")));
	else
		o = jv_object_set(o, jv_string("network"), jv_object_set(jv_object_set(jv_object(),
		    jv_string("mode"), jv_string("loopback-only")), jv_string("egress"),
		    jv_string("none: a network namespace of its own with loopback only")));
	if (code < 0)
		o = jv_object_set(o, jv_string("exit"), jv_null());
	else if (code > GL_EX_SIGNAL && code < GL_EX_SIGNAL + 65)
		o = jv_object_set(o, jv_string("exit"), jv_object_set(jv_object(),
		    jv_string("signal"), jv_number(code - GL_EX_SIGNAL)));
	else
		o = jv_object_set(o, jv_string("exit"), jv_object_set(jv_object(),
		    jv_string("code"), jv_number(code)));
	return o;
}
