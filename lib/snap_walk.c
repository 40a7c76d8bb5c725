/* snap_walk: gl-snapshot's walk of a directory, one thread, lstat and
 * readdir only (the snap_hash threads read the files afterwards). */
#include "snap_walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "utf8.h"

#define PROGRESS_AFTER_MS 1000

int
gl_snap_pathcmp(const char *a, size_t an, const char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);

	if (r != 0)
		return r;
	return (an > bn) - (an < bn);
}

int
gl_snap_under(const char *path, size_t len, const char *pat)
{
	size_t n = strlen(pat);

	if (len < n || memcmp(path, pat, n) != 0)
		return 0;
	return len == n || path[n] == '/';
}

void
gl_snap_skip(struct gl_snap_walk *w, const char *path, size_t len, const char *what, int e)
{
	char reason[256], shown[128];
	struct gl_snap_skip *q;

	snprintf(reason, sizeof reason, "%s: %s", what, e ? strerror(e) : "changed while being read");
	gl_utf8_sanitize(path, len, shown, sizeof shown);
	fprintf(stderr, "%s: warning: %s: %s\n", w->o->prog, shown, reason);
	if (w->ns == w->scap) {
		w->scap = w->scap ? w->scap * 2 : 16;
		if ((q = realloc(w->s, w->scap * sizeof *q)) == NULL) {
			w->oom = 1;
			return;
		}
		w->s = q;
	}
	q = &w->s[w->ns];
	q->path = malloc(len + 1);
	q->reason = strdup(reason);
	if (q->path == NULL || q->reason == NULL) {
		free(q->path);
		free(q->reason);
		w->oom = 1;
		return;
	}
	memcpy(q->path, path, len);
	q->path[len] = '\0';
	q->len = len;
	w->ns++;
}

static long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* A line on a terminal, once the walk has taken a second (at once with
 * progress 2), redrawn five times a second; erased when done. */
void
gl_snap_progress(struct gl_snap_walk *w, int done)
{
	if (!w->o->progress || (w->o->progress == 1 && ms_since(&w->t0) < PROGRESS_AFTER_MS))
		return;
	if (done) {
		fputs("\r\033[K", stderr);
		return;
	}
	if (w->last.tv_sec != 0 && ms_since(&w->last) < 200)
		return;
	clock_gettime(CLOCK_MONOTONIC, &w->last);
	fprintf(stderr, "\r%s: %zu entries, %zu of %zu files hashed, %llu MiB\033[K",
	    w->o->prog, w->n, atomic_load(&w->hashed), w->npend, atomic_load(&w->bytes) >> 20);
}

int
gl_snap_tscmp(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	return (a->tv_nsec > b->tv_nsec) - (a->tv_nsec < b->tv_nsec);
}

static char *
joinpath(const char *pre, size_t plen, const char *name, size_t *len)
{
	size_t nlen = strlen(name);
	char *p = malloc(plen + nlen + 2);

	if (p == NULL)
		return NULL;
	if (plen > 0) {
		memcpy(p, pre, plen);
		p[plen] = '/';
		memcpy(p + plen + 1, name, nlen + 1);
		*len = plen + 1 + nlen;
	} else {
		memcpy(p, name, nlen + 1);
		*len = nlen;
	}
	return p;
}

static void walk_dir(struct gl_snap_walk *, int, const char *, size_t, dev_t);

/* A new entry, at an address that stays while the walk goes on (the
 * hashing threads write to it); NULL: OOM. */
static struct gl_snap_ent *
new_ent(struct gl_snap_walk *w)
{
	struct gl_snap_ent **q, *e;
	size_t b = w->n / GL_SNAP_BLK;

	if (w->n % GL_SNAP_BLK == 0) {
		if ((q = realloc(w->blk, (b + 1) * sizeof *q)) == NULL)
			return NULL;
		w->blk = q;
		if ((q[b] = malloc(GL_SNAP_BLK * sizeof **q)) == NULL)
			return NULL;
	}
	e = &w->blk[b][w->n++ % GL_SNAP_BLK];
	memset(e, 0, sizeof *e);
	e->xattrs = jv_null();
	e->link = -1;
	return e;
}

static struct gl_snap_ent *
ent_at(struct gl_snap_walk *w, size_t i)
{
	return w->e != NULL ? &w->e[i] : &w->blk[i / GL_SNAP_BLK][i % GL_SNAP_BLK];
}

/* The blocks into one array w->e, once the hashing is over. */
static int
flatten(struct gl_snap_walk *w)
{
	size_t i, k;

	if ((w->e = malloc((w->n + 1) * sizeof *w->e)) == NULL)
		return -1;
	for (i = 0; i < w->n; i += k) {
		k = w->n - i < GL_SNAP_BLK ? w->n - i : GL_SNAP_BLK;
		memcpy(&w->e[i], w->blk[i / GL_SNAP_BLK], k * sizeof *w->e);
		free(w->blk[i / GL_SNAP_BLK]);
	}
	free(w->blk);
	w->blk = NULL;
	return 0;
}

#define OPEN_FILE (O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC)

/* Regular file e (name in dfd), fd open or -1: its digest from the cache,
 * or the file handed to the pool. */
static void
regular(struct gl_snap_walk *w, int dfd, const char *name, struct gl_snap_ent *e, int fd)
{
	struct stat st;

	if (fd < 0) {
		if (gl_snap_cache_lookup(w->o->cache, e))
			return;
		/* one name in a directory held open, not followed: nothing
		 * on the way can be swapped for a symlink */
		if ((fd = openat(dfd, name, OPEN_FILE)) < 0) {
			e->herr = "open";
			e->hno = errno;
			return;
		}
		if (fstat(fd, &st) < 0) {
			e->herr = "fstat";
			e->hno = errno;
			close(fd);
			return;
		}
		/* swapped (for a FIFO, say) since the lstat: never read it */
		if (!S_ISREG(st.st_mode) || st.st_ino != e->st.st_ino || st.st_dev != e->st.st_dev) {
			e->herr = "open";
			close(fd);
			return;
		}
		e->st = st;
	}
	gl_snap_pool_file(w->pool, e, fd);
}

static void
visit(struct gl_snap_walk *w, int dfd, const char *name, int type, const char *pre, size_t plen,
    dev_t pdev)
{
	char proc[PATH_MAX + 64];
	struct gl_snap_ent *e;
	struct stat st;
	size_t len;
	char *path;
	ssize_t r;
	int fd = -1, ig;

	if ((path = joinpath(pre, plen, name, &len)) == NULL) {
		w->oom = 1;
		return;
	}
	if ((ig = gl_snap_rules_name(w, path, len)) >= 0) {
		w->ign[ig]++;
		free(path);
		return;
	}
	/* a regular file is opened at once, and its fstat is its lstat;
	 * not with a cache, which spares opening the unchanged ones */
	if (type == DT_REG && (w->o->cache == NULL || !gl_snap_cache_usable(w->o->cache)) &&
	    (fd = openat(dfd, name, OPEN_FILE)) >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	if (fd < 0 && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)	/* gone since readdir: nothing lost */
			gl_snap_skip(w, path, len, "lstat", errno);
		free(path);
		return;
	}
	if ((ig = gl_snap_rules_pattern(w, path, len, S_ISDIR(st.st_mode))) >= 0 ||
	    (e = new_ent(w)) == NULL) {
		if (ig >= 0)
			w->ign[ig]++;
		else
			w->oom = 1;
		if (fd >= 0)
			close(fd);
		free(path);
		return;
	}
	e->path = path;
	e->len = len;
	e->st = st;
	e->mount = st.st_dev != pdev;
	gl_snap_progress(w, 0);
	if (S_ISREG(st.st_mode)) {
		regular(w, dfd, name, e, fd);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			gl_snap_skip(w, path, len, "open", errno);
			return;
		}
		if (gl_snap_xattrs(fd, NULL, &e->xattrs) < 0)
			gl_snap_skip(w, path, len, "xattrs", errno);
		if (strcmp(path, ".git/objects") != 0)
			walk_dir(w, fd, path, len, st.st_dev);
		close(fd);
		return;
	}
	snprintf(proc, sizeof proc, "/proc/self/fd/%d/%s", dfd, name);
	if (gl_snap_xattrs(-1, proc, &e->xattrs) < 0)
		gl_snap_skip(w, path, len, "xattrs", errno);
	if (S_ISLNK(st.st_mode)) {
		size_t cap = (size_t)st.st_size + 1 > 256 ? (size_t)st.st_size + 1 : 256;
		char *t = NULL;
		for (;;) {
			char *q = realloc(t, cap);
			if (q == NULL) {
				free(t);
				w->oom = 1;
				return;
			}
			t = q;
			r = readlinkat(dfd, name, t, cap);
			if (r < 0) {
				gl_snap_skip(w, path, len, "readlink", errno);
				free(t);
				return;
			}
			if ((size_t)r < cap)
				break;
			cap *= 2;
		}
		e->target = t;
		e->tlen = (size_t)r;
	}
}

/* the names in a directory: its d_type byte, then the name */
static void
walk_dir(struct gl_snap_walk *w, int dfd, const char *pre, size_t plen, dev_t dev)
{
	char **names = NULL, **q;
	size_t n = 0, cap = 0, i, k;
	struct dirent *de;
	DIR *d;
	int fd, pushed;

	if ((pushed = gl_snap_rules_push(w, dfd, pre, plen)) < 0) {
		w->oom = 1;
		return;
	}
	if ((fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3)) < 0 || (d = fdopendir(fd)) == NULL) {
		gl_snap_skip(w, plen ? pre : ".", plen ? plen : 1, "opendir", errno);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((q = realloc(names, cap * sizeof *q)) == NULL)
				break;
			names = q;
		}
		k = strlen(de->d_name);
		if ((names[n] = malloc(k + 2)) == NULL)
			break;
		names[n][0] = (char)de->d_type;
		memcpy(names[n] + 1, de->d_name, k + 1);
		n++;
		errno = 0;
	}
	if (de != NULL)
		w->oom = 1;
	else if (errno != 0)
		gl_snap_skip(w, plen ? pre : ".", plen ? plen : 1, "readdir", errno);
	closedir(d);
	for (i = 0; i < n; i++) {
		if (!w->oom)
			visit(w, dfd, names[i] + 1, (unsigned char)names[i][0], pre, plen, dev);
		free(names[i]);
	}
	free(names);
out:
	if (pushed > 0)
		gl_snap_rules_pop(w);
}

static int
entcmp(const void *a, const void *b)
{
	const struct gl_snap_ent *x = a, *y = b;
	return gl_snap_pathcmp(x->path, x->len, y->path, y->len);
}

static int
skipcmp(const void *a, const void *b)
{
	const struct gl_snap_skip *x = a, *y = b;
	return gl_snap_pathcmp(x->path, x->len, y->path, y->len);
}

static struct gl_snap_ent *linkbase;

static int
inocmp(const void *a, const void *b)
{
	const struct gl_snap_ent *x = &linkbase[*(const size_t *)a], *y = &linkbase[*(const size_t *)b];

	if (x->st.st_dev != y->st.st_dev)
		return x->st.st_dev < y->st.st_dev ? -1 : 1;
	if (x->st.st_ino != y->st.st_ino)
		return x->st.st_ino < y->st.st_ino ? -1 : 1;
	return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

/* Entries are sorted: give each later member of a hard-link group the
 * index of the first. */
static int
hardlinks(struct gl_snap_walk *w)
{
	size_t *ix, n = 0, i, first = 0;

	if ((ix = malloc((w->n + 1) * sizeof *ix)) == NULL)
		return -1;
	for (i = 0; i < w->n; i++)
		if (!S_ISDIR(w->e[i].st.st_mode) && w->e[i].st.st_nlink > 1)
			ix[n++] = i;
	linkbase = w->e;
	qsort(ix, n, sizeof *ix, inocmp);
	for (i = 0; i < n; i++) {
		struct gl_snap_ent *e = &w->e[ix[i]], *f = &w->e[ix[first]];
		if (i == 0 || e->st.st_dev != f->st.st_dev || e->st.st_ino != f->st.st_ino)
			first = i;
		else
			e->link = (long)ix[first];
	}
	free(ix);
	return 0;
}

/* The walk into w; *root and started are set.  -1 with errno. */
static int
run(struct gl_snap_walk *w, const char *dir, char *started, char **root)
{
	const struct gl_snap_opts *o = w->o;
	struct stat st;
	size_t i;
	int fd = -1, rc = -1, e;

	clock_gettime(CLOCK_MONOTONIC, &w->t0);
	if (gl_clock_now(started, GL_CLOCK_LEN, 1) < 0)
		goto out;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0)
		goto out;
	if ((*root = realpath(dir, NULL)) == NULL)
		goto out;
	if (o->cache != NULL) {
		jv_free(w->cachegi);
		w->cachegi = jv_copy(o->cache->gitignore);
	}
	if (gl_snap_rules_init(w) < 0)
		goto out;
	if ((w->pool = gl_snap_pool_start(w)) == NULL) {
		errno = ENOMEM;
		goto out;
	}
	walk_dir(w, fd, "", 0, st.st_dev);
	gl_snap_pool_finish(w->pool);
	w->pool = NULL;
	if (flatten(w) < 0)
		w->oom = 1;
	for (i = 0; !w->oom && i < w->n; i++) {
		if (w->e[i].xerr != NULL)
			gl_snap_skip(w, w->e[i].path, w->e[i].len, w->e[i].xerr, w->e[i].xno);
		if (w->e[i].herr != NULL)
			gl_snap_skip(w, w->e[i].path, w->e[i].len, w->e[i].herr, w->e[i].hno);
	}
	gl_snap_progress(w, 1);
	if (w->oom) {
		errno = ENOMEM;
		goto out;
	}
	if (w->n > 0)
		qsort(w->e, w->n, sizeof *w->e, entcmp);
	if (w->ns > 0)
		qsort(w->s, w->ns, sizeof *w->s, skipcmp);
	if (hardlinks(w) < 0)
		goto out;
	rc = 0;
out:
	e = errno;
	if (fd >= 0)
		close(fd);
	errno = e;
	return rc;
}

static void
cleanup(struct gl_snap_walk *w)
{
	size_t i;
	int e = errno;

	for (i = 0; i < w->n; i++) {
		free(ent_at(w, i)->path);
		free(ent_at(w, i)->target);
		jv_free(ent_at(w, i)->xattrs);
	}
	for (i = 0; w->blk != NULL && i * GL_SNAP_BLK < w->n; i++)
		free(w->blk[i]);
	free(w->blk);
	free(w->e);
	for (i = 0; i < w->ns; i++) {
		free(w->s[i].path);
		free(w->s[i].reason);
	}
	free(w->s);
	while (w->ngi > 0)
		gl_ignore_free(&w->gi[--w->ngi]);
	free(w->gi);
	gl_ignore_free(&w->excl);
	jv_free(w->girules);
	jv_free(w->cachegi);
	errno = e;
}

char *
gl_snap_walk_line(const char *dir, const struct gl_snap_opts *o, size_t *len)
{
	struct gl_snap_walk w = { .o = o, .girules = jv_array(), .cachegi = jv_null() };
	char started[GL_CLOCK_LEN], *root = NULL, *line = NULL;

	if (run(&w, dir, started, &root) == 0)
		line = gl_snap_json_line(&w, root, started, len);
	free(root);
	cleanup(&w);
	return line;
}
