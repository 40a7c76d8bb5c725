#include "snap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "b64.h"
#include "clock.h"
#include "digest.h"
#include "ignore.h"
#include "io.h"
#include "json.h"
#include "utf8.h"

/* A cached digest is trusted only for a file whose ctime is this much older
 * than the start of the snapshot that recorded it (coarse kernel clocks). */
#define RACY_SECS 2
#define CHUNK (1 << 20)		/* big files are read a MiB at a time */
#define GITIGNORE_CAP (1 << 20)
#define PROGRESS_AFTER_MS 1000

/* why an entry was not walked, counted in "ignored" */
enum { IG_GLEISNER, IG_GITOBJ, IG_IGNORE, IG_EXCLUDE, IG_GITIGNORE, IG_N };
static const char *const igname[IG_N] = { ".gleisner", ".git/objects", "ignore",
	"exclude", "gitignore" };

struct ent {
	char *path;
	size_t len;
	struct stat st;
	int has_sha;
	char sha[GL_SHA256_HEX];
	char *target;		/* symlinks */
	size_t tlen;
	jv xattrs;		/* object, or jv_null() */
	int mount;		/* st_dev differs from the parent directory's */
	long link;		/* index of the first entry of its hard-link group */
	/* set by a hashing thread, reported by the main one */
	const char *herr, *xerr;	/* what failed: "open", "read", ... */
	int hno, xno;		/* its errno, 0: changed while being read */
};

struct skip {
	char *path;
	size_t len;
	char *reason;
};

/* what a cached file entry says, taken out of its jv */
struct cent {
	char *path;
	size_t len;
	unsigned long long size, ino;
	struct timespec ctime;
	char sha[GL_SHA256_HEX];
	jv xattrs;		/* object, or jv_null() */
};

struct walk {
	const struct gl_snap_opts *o;
	struct ent *e;
	size_t n, cap;
	struct skip *s;
	size_t ns, scap;
	struct cent *c;		/* cache, sorted by path */
	size_t nc;
	int borrowed;		/* c belongs to o->fast */
	struct timespec cutoff;
	size_t *pend;		/* entries to hash */
	size_t npend, pcap;
	struct gl_ignore excl;	/* --exclude */
	struct gl_ignore *gi;	/* .gitignore rules, innermost last */
	size_t ngi, gicap;
	jv girules;		/* {base, rules} of every .gitignore used */
	jv cachegi;		/* the cache's rules, when it has them */
	unsigned long long ign[IG_N];
	_Atomic unsigned long long bytes;
	_Atomic size_t hashed;
	struct timespec t0, last;	/* start, last progress line */
	int oom;
};

static int
pathcmp(const char *a, size_t an, const char *b, size_t bn)
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

static void
skip(struct walk *w, const char *path, size_t len, const char *what, int e)
{
	char reason[256], shown[128];
	struct skip *q;

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

static int
wanted_xattr(const char *name)
{
	return strncmp(name, "security.", 9) == 0 || strncmp(name, "user.", 5) == 0 ||
	    strncmp(name, "system.posix_acl_", 17) == 0;
}

/* The xattrs of an open fd, or of procpath (not followed) when fd < 0. */
static int
xattrs(int fd, const char *procpath, jv *out)
{
	char *names = NULL, *val = NULL, *p, hex[GL_SHA256_HEX], *key;
	ssize_t n, vn;
	int rc = -1;

	*out = jv_null();
	n = fd >= 0 ? flistxattr(fd, NULL, 0) : llistxattr(procpath, NULL, 0);
	if (n < 0 && (errno == ENOTSUP || errno == EPERM || errno == ENOENT))
		return 0;
	if (n <= 0)
		return n < 0 ? -1 : 0;
	if ((names = malloc((size_t)n)) == NULL)
		return -1;
	n = fd >= 0 ? flistxattr(fd, names, (size_t)n) : llistxattr(procpath, names, (size_t)n);
	if (n < 0)
		goto out;
	for (p = names; p < names + n; p += strlen(p) + 1) {
		if (!wanted_xattr(p))
			continue;
		vn = fd >= 0 ? fgetxattr(fd, p, NULL, 0) : lgetxattr(procpath, p, NULL, 0);
		if (vn < 0 && errno == ENODATA)
			continue;
		if (vn < 0)
			goto out;
		free(val);
		if ((val = malloc((size_t)vn + 1)) == NULL)
			goto out;
		vn = fd >= 0 ? fgetxattr(fd, p, val, (size_t)vn) : lgetxattr(procpath, p, val, (size_t)vn);
		if (vn < 0)
			goto out;
		if (gl_digest_sha256_hex(val, (size_t)vn, hex) < 0)
			goto out;
		if ((key = gl_utf8_pct_encode(p, strlen(p))) == NULL)
			goto out;
		if (jv_get_kind(*out) == JV_KIND_NULL)
			*out = jv_object();
		*out = jv_object_set(*out, jv_string(key), jv_string(hex));
		free(key);
	}
	rc = 0;
out:
	free(val);
	free(names);
	if (rc < 0) {
		int e = errno;
		jv_free(*out);
		*out = jv_null();
		errno = e;
	}
	return rc;
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
static void
progress(struct walk *w, int done)
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

static int
tscmp(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	return (a->tv_nsec > b->tv_nsec) - (a->tv_nsec < b->tv_nsec);
}

static int
centcmp(const void *a, const void *b)
{
	const struct cent *x = a, *y = b;
	return pathcmp(x->path, x->len, y->path, y->len);
}

/* The cached digest for e, when the cache may be trusted for it.  An
 * unchanged ctime also means unchanged xattrs: they are taken over. */
static int
from_cache(struct walk *w, struct ent *e)
{
	struct cent key = { .path = e->path, .len = e->len }, *c;

	if (w->nc == 0 || tscmp(&e->st.st_ctim, &w->cutoff) >= 0)
		return 0;
	if ((c = bsearch(&key, w->c, w->nc, sizeof *w->c, centcmp)) == NULL)
		return 0;
	if (c->size != (unsigned long long)e->st.st_size ||
	    c->ino != (unsigned long long)e->st.st_ino || tscmp(&c->ctime, &e->st.st_ctim) != 0)
		return 0;
	memcpy(e->sha, c->sha, GL_SHA256_HEX);
	e->has_sha = 1;
	e->xattrs = jv_copy(c->xattrs);
	return 1;
}

/* ---- hashing, in threads: nothing here touches the walk but its entry ---- */

struct job {
	struct walk *w;
	int root;		/* the walked directory */
	EVP_MD *md;		/* SHA-256, fetched once (not per file) */
	_Atomic size_t next;	/* the next index into w->pend */
};

static int
open_beneath(int root, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, root, path, &how, sizeof how);

	if (fd < 0 && errno == ENOSYS)	/* before 5.6: no symlink may be swapped in */
		fd = openat(root, path, (int)how.flags);
	return (int)fd;
}

static void
hash_one(struct job *j, struct ent *e, unsigned char *buf, EVP_MD_CTX *ctx)
{
	unsigned char bin[GL_SHA256_LEN];
	unsigned long long n = 0;
	struct stat a, b;
	ssize_t r;
	int fd;

	if ((fd = open_beneath(j->root, e->path)) < 0) {
		e->herr = "open";
		e->hno = errno;
		return;
	}
	if (fstat(fd, &a) < 0) {
		e->herr = "fstat";
		e->hno = errno;
		goto out;
	}
	/* swapped (for a FIFO, say) since the walk: never read it */
	if (!S_ISREG(a.st_mode) || a.st_ino != e->st.st_ino || a.st_dev != e->st.st_dev) {
		e->herr = "open";
		goto out;
	}
	if (xattrs(fd, NULL, &e->xattrs) < 0) {
		e->xerr = "xattrs";
		e->xno = errno;
	}
	if (a.st_size > CHUNK)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (EVP_DigestInit_ex(ctx, j->md, NULL) != 1) {
		e->herr = "sha256";
		e->hno = ENOMEM;
		goto out;
	}
	while ((r = read(fd, buf, CHUNK)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || EVP_DigestUpdate(ctx, buf, (size_t)r) != 1) {
			e->herr = "read";
			e->hno = r < 0 ? errno : ENOMEM;
			goto out;
		}
		n += (unsigned long long)r;
		atomic_fetch_add(&j->w->bytes, (unsigned long long)r);
	}
	if (EVP_DigestFinal_ex(ctx, bin, NULL) != 1 || fstat(fd, &b) < 0) {
		e->herr = "read";
		e->hno = errno ? errno : ENOMEM;
		goto out;
	}
	if (n != (unsigned long long)a.st_size || b.st_size != a.st_size ||
	    tscmp(&a.st_mtim, &b.st_mtim) != 0 || tscmp(&a.st_ctim, &b.st_ctim) != 0) {
		e->herr = "read";
		goto out;
	}
	gl_digest_hex(bin, sizeof bin, e->sha);
	e->st = b;
	e->has_sha = 1;
out:
	close(fd);
}

/* Hash jobs until none is left; the main thread (draw) also draws progress. */
static void
work(struct job *j, int draw)
{
	struct walk *w = j->w;
	unsigned char *buf = malloc(CHUNK);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t k;

	for (;;) {
		k = atomic_fetch_add(&j->next, 1);
		if (k >= w->npend)
			break;
		if (buf == NULL || ctx == NULL || j->md == NULL) {
			w->e[w->pend[k]].herr = "read";
			w->e[w->pend[k]].hno = ENOMEM;
			continue;
		}
		hash_one(j, &w->e[w->pend[k]], buf, ctx);
		atomic_fetch_add(&w->hashed, 1);
		if (draw)
			progress(w, 0);
	}
	EVP_MD_CTX_free(ctx);
	free(buf);
}

static void *
worker(void *arg)
{
	work(arg, 0);
	return NULL;
}

static struct ent *sizebase;

static int
bigfirst(const void *a, const void *b)
{
	off_t x = sizebase[*(const size_t *)a].st.st_size, y = sizebase[*(const size_t *)b].st.st_size;

	return (x < y) - (x > y);
}

static void
hash_all(struct walk *w, int root)
{
	struct job j = { .w = w, .root = root, .md = EVP_MD_fetch(NULL, "SHA256", NULL) };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = w->o->threads > 0 ? (size_t)w->o->threads : ncpu > 0 ? (size_t)ncpu : 1, i, k;
	pthread_t *t;

	/* the biggest first, so that no thread is left with one at the end */
	sizebase = w->e;
	if (w->npend > 1)
		qsort(w->pend, w->npend, sizeof *w->pend, bigfirst);
	if (nt > w->npend)
		nt = w->npend > 0 ? w->npend : 1;
	if ((t = calloc(nt, sizeof *t)) == NULL)
		nt = 1;
	for (i = 1; i < nt; i++)
		if (pthread_create(&t[i], NULL, worker, &j) != 0)
			break;
	nt = i;
	work(&j, 1);	/* the main thread hashes too */
	for (i = 1; i < nt; i++)
		pthread_join(t[i], NULL);
	free(t);
	EVP_MD_free(j.md);
	for (k = 0; k < w->npend; k++) {
		struct ent *e = &w->e[w->pend[k]];
		if (e->xerr != NULL)
			skip(w, e->path, e->len, e->xerr, e->xno);
		if (e->herr != NULL)
			skip(w, e->path, e->len, e->herr, e->hno);
	}
}

/* ---- the walk: one thread, stat and readdir only ---- */

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

/* Ignored before lstat: by path alone.  IG_* or -1. */
static int
ignored_name(struct walk *w, const char *path, size_t len)
{
	size_t i;

	if (gl_snap_under(path, len, ".gleisner"))
		return IG_GLEISNER;
	if (len > 12 && memcmp(path, ".git/objects/", 13) == 0)
		return IG_GITOBJ;
	for (i = 0; i < w->o->nignore; i++)
		if (gl_snap_under(path, len, w->o->ignore[i]))
			return IG_IGNORE;
	return -1;
}

/* Ignored by a pattern (which may want to know a directory).  IG_* or -1. */
static int
ignored_pattern(struct walk *w, const char *path, size_t len, int isdir)
{
	size_t i;
	int r;

	if (w->excl.n > 0 && gl_ignore_match(&w->excl, path, len, isdir) == 1)
		return IG_EXCLUDE;
	for (i = w->ngi; i-- > 0;)	/* the innermost .gitignore decides */
		if ((r = gl_ignore_match(&w->gi[i], path, len, isdir)) >= 0)
			return r ? IG_GITIGNORE : -1;
	return -1;
}

/* The .gitignore of directory pre (open as dfd): pushed on w->gi.  From
 * the cache's record when there is one, never from what the session left. */
static int
push_gitignore(struct walk *w, int dfd, const char *pre, size_t plen)
{
	struct gl_ignore *q;
	char *buf = NULL, *base;
	size_t len = 0, blen, i, n;
	struct stat st;
	int fd, rc = 0;
	jv r;

	if (!w->o->gitignore)
		return 0;
	if (jv_get_kind(w->cachegi) == JV_KIND_ARRAY) {
		n = (size_t)jv_array_length(jv_copy(w->cachegi));
		for (i = 0; i < n && buf == NULL; i++) {
			r = jv_array_get(jv_copy(w->cachegi), (int)i);
			base = gl_utf8_get_name(r, "base", &blen);
			if (base != NULL && pathcmp(base, blen, pre, plen) == 0)
				buf = gl_utf8_get_name(r, "rules", &len);
			free(base);
			jv_free(r);
		}
		if (buf == NULL)
			return 0;
	} else {
		fd = openat(dfd, ".gitignore", O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return 0;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
		    gl_io_read_fd(fd, GITIGNORE_CAP, &buf, &len) < 0) {
			close(fd);
			skip(w, pre, plen, ".gitignore", errno);
			return 0;
		}
		close(fd);
	}
	if (w->ngi == w->gicap) {
		w->gicap = w->gicap ? w->gicap * 2 : 8;
		if ((q = realloc(w->gi, w->gicap * sizeof *q)) == NULL) {
			free(buf);
			return -1;
		}
		w->gi = q;
	}
	if (gl_ignore_init(&w->gi[w->ngi], pre, plen) < 0) {
		free(buf);
		return -1;
	}
	w->ngi++;
	if (gl_ignore_parse(&w->gi[w->ngi - 1], buf, len) < 0)
		rc = -1;
	r = gl_utf8_set_name(jv_object(), "base", pre, plen);
	w->girules = jv_array_append(w->girules, gl_utf8_set_name(r, "rules", buf, len));
	free(buf);
	return rc < 0 ? -1 : 1;
}

static void walk_dir(struct walk *, int, const char *, size_t, dev_t);

static void
visit(struct walk *w, int dfd, const char *name, const char *pre, size_t plen, dev_t pdev)
{
	char proc[PATH_MAX + 64];
	struct ent *e;
	struct stat st;
	size_t len, idx;
	char *path;
	ssize_t r;
	int fd, ig;

	if ((path = joinpath(pre, plen, name, &len)) == NULL) {
		w->oom = 1;
		return;
	}
	if ((ig = ignored_name(w, path, len)) >= 0) {
		w->ign[ig]++;
		free(path);
		return;
	}
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)	/* gone since readdir: nothing lost */
			skip(w, path, len, "lstat", errno);
		free(path);
		return;
	}
	if ((ig = ignored_pattern(w, path, len, S_ISDIR(st.st_mode))) >= 0) {
		w->ign[ig]++;
		free(path);
		return;
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		struct ent *q = realloc(w->e, cap * sizeof *q);
		if (q == NULL) {
			free(path);
			w->oom = 1;
			return;
		}
		w->e = q;
		w->cap = cap;
	}
	idx = w->n++;
	e = &w->e[idx];
	memset(e, 0, sizeof *e);
	e->path = path;
	e->len = len;
	e->st = st;
	e->xattrs = jv_null();
	e->link = -1;
	e->mount = st.st_dev != pdev;
	progress(w, 0);
	if (S_ISREG(st.st_mode)) {
		if (from_cache(w, e))
			return;
		if (w->npend == w->pcap) {
			size_t cap = w->pcap ? w->pcap * 2 : 256, *q;
			if ((q = realloc(w->pend, cap * sizeof *q)) == NULL) {
				w->oom = 1;
				return;
			}
			w->pend = q;
			w->pcap = cap;
		}
		w->pend[w->npend++] = idx;
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			skip(w, path, len, "open", errno);
			return;
		}
		if (xattrs(fd, NULL, &w->e[idx].xattrs) < 0)
			skip(w, path, len, "xattrs", errno);
		if (strcmp(path, ".git/objects") != 0)
			walk_dir(w, fd, path, len, st.st_dev);
		close(fd);
		return;
	}
	snprintf(proc, sizeof proc, "/proc/self/fd/%d/%s", dfd, name);
	if (xattrs(-1, proc, &e->xattrs) < 0)
		skip(w, path, len, "xattrs", errno);
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
				skip(w, path, len, "readlink", errno);
				free(t);
				return;
			}
			if ((size_t)r < cap)
				break;
			cap *= 2;
		}
		w->e[idx].target = t;
		w->e[idx].tlen = (size_t)r;
	}
}

static void
walk_dir(struct walk *w, int dfd, const char *pre, size_t plen, dev_t dev)
{
	char **names = NULL, **q;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;
	int fd, pushed;

	if ((pushed = push_gitignore(w, dfd, pre, plen)) < 0) {
		w->oom = 1;
		return;
	}
	if ((fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3)) < 0 || (d = fdopendir(fd)) == NULL) {
		skip(w, plen ? pre : ".", plen ? plen : 1, "opendir", errno);
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
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
		errno = 0;
	}
	if (de != NULL)
		w->oom = 1;
	else if (errno != 0)
		skip(w, plen ? pre : ".", plen ? plen : 1, "readdir", errno);
	closedir(d);
	for (i = 0; i < n; i++) {
		if (!w->oom)
			visit(w, dfd, names[i], pre, plen, dev);
		free(names[i]);
	}
	free(names);
out:
	if (pushed > 0)
		gl_ignore_free(&w->gi[--w->ngi]);
}

static int
entcmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	return pathcmp(x->path, x->len, y->path, y->len);
}

static int
skipcmp(const void *a, const void *b)
{
	const struct skip *x = a, *y = b;
	return pathcmp(x->path, x->len, y->path, y->len);
}

static struct ent *linkbase;

static int
inocmp(const void *a, const void *b)
{
	const struct ent *x = &linkbase[*(const size_t *)a], *y = &linkbase[*(const size_t *)b];

	if (x->st.st_dev != y->st.st_dev)
		return x->st.st_dev < y->st.st_dev ? -1 : 1;
	if (x->st.st_ino != y->st.st_ino)
		return x->st.st_ino < y->st.st_ino ? -1 : 1;
	return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

/* Entries are sorted: give each later member of a hard-link group the
 * index of the first. */
static int
hardlinks(struct walk *w)
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
		struct ent *e = &w->e[ix[i]], *f = &w->e[ix[first]];
		if (i == 0 || e->st.st_dev != f->st.st_dev || e->st.st_ino != f->st.st_ino)
			first = i;
		else
			e->link = (long)ix[first];
	}
	free(ix);
	return 0;
}

static const char *
typename(mode_t m)
{
	if (S_ISREG(m)) return "file";
	if (S_ISDIR(m)) return "dir";
	if (S_ISLNK(m)) return "symlink";
	if (S_ISFIFO(m)) return "fifo";
	if (S_ISSOCK(m)) return "socket";
	if (S_ISCHR(m)) return "chardev";
	if (S_ISBLK(m)) return "blockdev";
	return "unknown";
}

static jv
entry(struct walk *w, struct ent *e)
{
	char buf[64], ct[GL_CLOCK_LEN];
	jv o = gl_utf8_set_name(jv_object(), "path", e->path, e->len);

	o = jv_object_set(o, jv_string("type"), jv_string(typename(e->st.st_mode)));
	snprintf(buf, sizeof buf, "%04o", (unsigned)(e->st.st_mode & 07777));
	o = jv_object_set(o, jv_string("mode"), jv_string(buf));
	o = jv_object_set(o, jv_string("uid"), jv_number((double)e->st.st_uid));
	o = jv_object_set(o, jv_string("gid"), jv_number((double)e->st.st_gid));
	if (S_ISREG(e->st.st_mode)) {
		o = jv_object_set(o, jv_string("size"), jv_number((double)e->st.st_size));
		snprintf(buf, sizeof buf, "%llu", (unsigned long long)e->st.st_ino);
		o = jv_object_set(o, jv_string("ino"), jv_string(buf));
		if (gl_clock_format(&e->st.st_ctim, 1, ct, sizeof ct) == 0)
			o = jv_object_set(o, jv_string("ctime"), jv_string(ct));
		if (e->has_sha)
			o = jv_object_set(o, jv_string("sha256"), jv_string(e->sha));
	}
	if (e->target != NULL)
		o = gl_utf8_set_name(o, "target", e->target, e->tlen);
	if (S_ISCHR(e->st.st_mode) || S_ISBLK(e->st.st_mode)) {
		snprintf(buf, sizeof buf, "%u:%u", major(e->st.st_rdev), minor(e->st.st_rdev));
		o = jv_object_set(o, jv_string("rdev"), jv_string(buf));
	}
	if (e->link >= 0)
		o = gl_utf8_set_name(o, "hardlink", w->e[e->link].path, w->e[e->link].len);
	if (jv_get_kind(e->xattrs) == JV_KIND_OBJECT)
		o = jv_object_set(o, jv_string("xattrs"), jv_copy(e->xattrs));
	if (e->mount)
		o = jv_object_set(o, jv_string("mount"), jv_true());
	return o;
}

static int
cached_num(jv e, const char *key, unsigned long long *out)
{
	jv v = gl_json_get(e, key);
	int ok = jv_get_kind(v) == JV_KIND_NUMBER && jv_number_value(v) >= 0;

	if (ok)
		*out = (unsigned long long)jv_number_value(v);
	jv_free(v);
	return ok ? 0 : -1;
}

static int
load_cache(struct walk *w, jv cache)
{
	jv ents, e, ig;
	const char *s, *p;
	char *end;
	struct timespec t;
	size_t i, n;

	if (jv_get_kind(cache) != JV_KIND_OBJECT)
		return 0;
	/* .gitignore rules as they were before the session */
	ig = gl_json_get(cache, "ignored");
	if (jv_get_kind(ig) == JV_KIND_OBJECT) {
		jv_free(w->cachegi);
		w->cachegi = gl_json_get(ig, "gitignore");
	}
	jv_free(ig);
	if ((s = gl_json_str(cache, "started")) == NULL || gl_clock_parse(s, &t) < 0)
		return 0;
	w->cutoff = t;
	w->cutoff.tv_sec -= RACY_SECS;
	ents = gl_json_get(cache, "entries");
	n = (size_t)jv_array_length(jv_copy(ents));
	if ((w->c = calloc(n + 1, sizeof *w->c)) == NULL) {
		jv_free(ents);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct cent *c = &w->c[w->nc];
		e = jv_array_get(jv_copy(ents), (int)i);
		if ((s = gl_json_str(e, "type")) != NULL && strcmp(s, "file") == 0 &&
		    (s = gl_json_str(e, "sha256")) != NULL && gl_digest_is_sha256_hex(s) &&
		    cached_num(e, "size", &c->size) == 0 &&
		    (p = gl_json_str(e, "ino")) != NULL && (c->ino = strtoull(p, &end, 10), *end == '\0') &&
		    (p = gl_json_str(e, "ctime")) != NULL && gl_clock_parse(p, &c->ctime) == 0 &&
		    (c->path = gl_utf8_get_name(e, "path", &c->len)) != NULL) {
			memcpy(c->sha, s, GL_SHA256_HEX);
			c->xattrs = gl_json_get(e, "xattrs");
			if (jv_get_kind(c->xattrs) != JV_KIND_OBJECT) {
				jv_free(c->xattrs);
				c->xattrs = jv_null();
			}
			w->nc++;
		}
		jv_free(e);
	}
	jv_free(ents);
	qsort(w->c, w->nc, sizeof *w->c, centcmp);
	return 0;
}

/* "ignored": how many entries each rule kept out, and the .gitignore
 * rules used (so that a later --cache walk applies the same ones) */
static jv
ignored_summary(struct walk *w)
{
	unsigned long long total = 0;
	jv by = jv_object(), o;
	int i;

	for (i = 0; i < IG_N; i++) {
		total += w->ign[i];
		if (w->ign[i])
			by = jv_object_set(by, jv_string(igname[i]), jv_number((double)w->ign[i]));
	}
	o = jv_object_set(jv_object(), jv_string("count"), jv_number((double)total));
	o = jv_object_set(o, jv_string("by"), by);
	if (w->o->gitignore) {
		o = jv_object_set(o, jv_string("gitignore"), w->girules);
		w->girules = jv_null();
	}
	return o;
}

/* ---- a cache read straight from its text: jv_parse of a big snapshot
 * costs more than the whole incremental walk.  The text is strict JSON,
 * checked by the caller; this reads any layout of it. ---- */

struct gl_snap_cache {
	struct cent *c;
	size_t nc, cap;
	struct timespec cutoff;
	int started;		/* it has a start time: its digests may be used */
	jv gitignore;		/* its .gitignore rules, or jv_null() */
};

struct jp {
	const char *p, *end;
};

static void
jws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
		j->p++;
}

static int
hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];
		*v <<= 4;
		if (c >= '0' && c <= '9') *v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') *v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') *v |= (unsigned)(c - 'A' + 10);
		else return -1;
	}
	return 0;
}

/* The string at j->p, decoded (UTF-8, NUL-terminated, malloc'ed). */
static char *
jstr(struct jp *j, size_t *len)
{
	const char *p = j->p + 1, *q;
	char *out, *o;
	unsigned u, lo;

	if (j->p >= j->end || *j->p != '"')
		return NULL;
	for (q = p; q < j->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= j->end || (out = malloc((size_t)(q - p) + 4)) == NULL)
		return NULL;
	for (o = out; p < q; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (p + 4 >= q || hex4(p + 1, &u) < 0)
				goto bad;
			p += 4;
			if (u >= 0xd800 && u < 0xdc00 && p + 6 < q && p[1] == '\\' && p[2] == 'u' &&
			    hex4(p + 3, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			if (u < 0x80)
				*o++ = (char)u;
			else if (u < 0x800) {
				*o++ = (char)(0xc0 | (u >> 6));
				*o++ = (char)(0x80 | (u & 0x3f));
			} else if (u < 0x10000) {
				*o++ = (char)(0xe0 | (u >> 12));
				*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
				*o++ = (char)(0x80 | (u & 0x3f));
			} else {
				*o++ = (char)(0xf0 | (u >> 18));
				*o++ = (char)(0x80 | ((u >> 12) & 0x3f));
				*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
				*o++ = (char)(0x80 | (u & 0x3f));
			}
			break;
		default: *o++ = *p; break;	/* " \ / */
		}
	}
	*o = '\0';
	*len = (size_t)(o - out);
	j->p = q + 1;
	return out;
bad:
	free(out);
	return NULL;
}

/* Skip any value. */
static int
jskip(struct jp *j)
{
	int depth = 0;
	const char *q;

	do {
		jws(j);
		if (j->p >= j->end)
			return -1;
		switch (*j->p) {
		case '"':
			for (q = j->p + 1; q < j->end && *q != '"'; q++)
				if (*q == '\\')
					q++;
			j->p = q + 1;
			break;
		case '{': case '[': depth++; j->p++; break;
		case '}': case ']': depth--; j->p++; break;
		case ',': case ':': j->p++; break;
		default:
			while (j->p < j->end && strchr(",}] \n\r\t", *j->p) == NULL)
				j->p++;
		}
		jws(j);
	} while (depth > 0 || (j->p < j->end && (*j->p == ':')));
	return 0;
}

/* Iterate an object: at '{' or ',', the next key (malloc'ed) with j->p at
 * its value; NULL at the end (j->p past '}'). */
static char *
jkey(struct jp *j)
{
	size_t n;
	char *k;

	jws(j);
	if (j->p < j->end && (*j->p == '{' || *j->p == ','))
		j->p++;
	jws(j);
	if (j->p >= j->end || *j->p == '}') {
		j->p++;
		return NULL;
	}
	if ((k = jstr(j, &n)) == NULL)
		return NULL;
	jws(j);
	j->p++;		/* ':' */
	jws(j);
	return k;
}

/* one entry object of the cache: kept if it is a file with every key */
static int
cache_entry(struct gl_snap_cache *c, struct jp *j)
{
	struct cent e = { .xattrs = jv_null() };
	char *k, *v = NULL, *b64 = NULL, *type = NULL, *sha = NULL, *ct = NULL, *ino = NULL, *end;
	const char *start;
	size_t n, bl = 0;
	int have_size = 0, rc = 0;
	struct cent *q;

	while ((k = jkey(j)) != NULL) {
		char **slot = strcmp(k, "path") == 0 ? &v : strcmp(k, "path_b64") == 0 ? &b64 :
		    strcmp(k, "type") == 0 ? &type : strcmp(k, "sha256") == 0 ? &sha :
		    strcmp(k, "ctime") == 0 ? &ct : strcmp(k, "ino") == 0 ? &ino : NULL;
		if (slot != NULL && *j->p == '"') {
			free(*slot);
			*slot = jstr(j, slot == &v ? &e.len : slot == &b64 ? &bl : &n);
		} else if (strcmp(k, "size") == 0 && *j->p >= '0' && *j->p <= '9') {
			e.size = strtoull(j->p, &end, 10);
			j->p = end;
			have_size = 1;
		} else if (strcmp(k, "xattrs") == 0 && *j->p == '{') {
			start = j->p;
			jskip(j);
			jv_free(e.xattrs);
			e.xattrs = jv_parse_sized(start, (int)(j->p - start));
		} else
			jskip(j);
		free(k);
		jws(j);
	}
	if (b64 != NULL && v == NULL && gl_b64_decode(b64, bl, &v, &e.len) < 0)
		v = NULL;
	if (v != NULL && type != NULL && strcmp(type, "file") == 0 && sha != NULL &&
	    gl_digest_is_sha256_hex(sha) && have_size && ct != NULL &&
	    gl_clock_parse(ct, &e.ctime) == 0 && ino != NULL &&
	    (e.ino = strtoull(ino, &end, 10), *end == '\0' && end != ino)) {
		if (c->nc == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 1024;
			if ((q = realloc(c->c, c->cap * sizeof *q)) == NULL) {
				rc = -1;
				goto out;
			}
			c->c = q;
		}
		memcpy(e.sha, sha, GL_SHA256_HEX);
		if (jv_get_kind(e.xattrs) != JV_KIND_OBJECT) {
			jv_free(e.xattrs);
			e.xattrs = jv_null();
		}
		e.path = v;
		v = NULL;
		c->c[c->nc++] = e;
		e.xattrs = jv_null();
	}
out:
	jv_free(e.xattrs);
	free(v);
	free(b64);
	free(type);
	free(sha);
	free(ct);
	free(ino);
	return rc;
}

struct gl_snap_cache *
gl_snap_cache_load(const char *buf, size_t len, char *why, size_t whysz)
{
	struct gl_snap_cache *c = calloc(1, sizeof *c);
	struct jp j = { buf, buf + len };
	int alg = 0, ents = 0;
	const char *start;
	char *k, *v;
	size_t n;
	jv ig;

	if (c == NULL) {
		snprintf(why, whysz, "%s", strerror(ENOMEM));
		return NULL;
	}
	c->gitignore = jv_null();
	jws(&j);
	if (j.p >= j.end || *j.p != '{') {
		snprintf(why, whysz, "not a snapshot object");
		goto bad;
	}
	while ((k = jkey(&j)) != NULL) {
		if (strcmp(k, "algorithm") == 0 && *j.p == '"') {
			v = jstr(&j, &n);
			alg = v != NULL && strcmp(v, "sha256") == 0;
			free(v);
		} else if (strcmp(k, "started") == 0 && *j.p == '"') {
			v = jstr(&j, &n);
			if (v != NULL && gl_clock_parse(v, &c->cutoff) == 0) {
				c->started = 1;
				c->cutoff.tv_sec -= RACY_SECS;
			}
			free(v);
		} else if (strcmp(k, "entries") == 0 && *j.p == '[') {
			ents = 1;
			j.p++;
			for (;;) {
				jws(&j);
				if (j.p < j.end && *j.p == ',')
					j.p++;
				jws(&j);
				if (j.p >= j.end || *j.p == ']') {
					j.p++;
					break;
				}
				if (*j.p != '{')
					jskip(&j);
				else if (cache_entry(c, &j) < 0) {
					free(k);
					snprintf(why, whysz, "%s", strerror(ENOMEM));
					goto bad;
				}
			}
		} else if (strcmp(k, "ignored") == 0 && *j.p == '{') {
			start = j.p;
			jskip(&j);
			ig = jv_parse_sized(start, (int)(j.p - start));
			jv_free(c->gitignore);
			c->gitignore = jv_get_kind(ig) == JV_KIND_OBJECT ?
			    jv_object_get(jv_copy(ig), jv_string("gitignore")) : jv_null();
			jv_free(ig);
		} else
			jskip(&j);
		free(k);
	}
	if (!alg || !ents) {
		snprintf(why, whysz, !alg ? "algorithm: not \"sha256\"" : "entries: not an array");
		goto bad;
	}
	if (c->nc > 1)
		qsort(c->c, c->nc, sizeof *c->c, centcmp);
	return c;
bad:
	gl_snap_cache_free(c);
	return NULL;
}

int
gl_snap_cache_usable(const struct gl_snap_cache *c)
{
	return c->started;
}

void
gl_snap_cache_free(struct gl_snap_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nc; i++) {
		free(c->c[i].path);
		jv_free(c->c[i].xattrs);
	}
	free(c->c);
	jv_free(c->gitignore);
	free(c);
}

/* ---- output: JSON as gl_json_write_line would write it (sorted keys,
 * jq's escapes), but written straight from the entries: a jv per entry costs
 * more than the whole incremental walk ---- */

struct buf {
	char *p;
	size_t n, cap;
	int oom;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	char *q;
	size_t cap;

	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		for (cap = b->cap ? b->cap : 1 << 16; cap < b->n + n + 1; cap *= 2)
			;
		if ((q = realloc(b->p, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* a JSON string of valid UTF-8 bytes, escaped as jq escapes */
static void
str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char esc[8];
	size_t i, run = 0;
	unsigned char c;

	put(b, "\"", 1);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': put(b, "\\\"", 2); break;
		case '\\': put(b, "\\\\", 2); break;
		case '\b': put(b, "\\b", 2); break;
		case '\f': put(b, "\\f", 2); break;
		case '\n': put(b, "\\n", 2); break;
		case '\r': put(b, "\\r", 2); break;
		case '\t': put(b, "\\t", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			put(b, esc, 6);
		}
	}
	put(b, s + run, n - run);
	put(b, "\"", 1);
}

/* ,"key":"name" or ,"key_b64":"base64" (the utf8 module's rule) */
static void
name(struct buf *b, const char *key, const char *v, size_t n, int first)
{
	char *e;

	if (!first)
		put(b, ",", 1);
	put(b, "\"", 1);
	puts_(b, key);
	if (gl_utf8_valid(v, n)) {
		put(b, "\":", 2);
		str(b, v, n);
		return;
	}
	put(b, "_b64\":\"", 7);
	if ((e = gl_b64_encode(v, n)) == NULL) {
		b->oom = 1;
		return;
	}
	puts_(b, e);
	put(b, "\"", 1);
	free(e);
}

static void
num(struct buf *b, const char *key, unsigned long long v)
{
	char t[64];

	snprintf(t, sizeof t, ",\"%s\":%llu", key, v);
	puts_(b, t);
}

static void
keystr(struct buf *b, const char *key, const char *v)
{
	put(b, ",\"", 2);
	puts_(b, key);
	put(b, "\":", 2);
	str(b, v, strlen(v));
}

/* One entry, keys in sorted order: ctime gid hardlink ino mode mount path
 * rdev sha256 size target type uid xattrs (the same as entry() gives). */
static void
entry_json(struct buf *b, struct walk *w, struct ent *e)
{
	char t[64], ct[GL_CLOCK_LEN], *x;
	size_t xn;
	int reg = S_ISREG(e->st.st_mode);

	put(b, "{", 1);
	if (reg && gl_clock_format(&e->st.st_ctim, 1, ct, sizeof ct) == 0) {
		put(b, "\"ctime\":", 8);
		str(b, ct, strlen(ct));
		put(b, ",", 1);
	}
	snprintf(t, sizeof t, "\"gid\":%llu", (unsigned long long)e->st.st_gid);
	puts_(b, t);
	if (e->link >= 0)
		name(b, "hardlink", w->e[e->link].path, w->e[e->link].len, 0);
	if (reg) {
		snprintf(t, sizeof t, "%llu", (unsigned long long)e->st.st_ino);
		keystr(b, "ino", t);
	}
	snprintf(t, sizeof t, "%04o", (unsigned)(e->st.st_mode & 07777));
	keystr(b, "mode", t);
	if (e->mount)
		puts_(b, ",\"mount\":true");
	name(b, "path", e->path, e->len, 0);
	if (S_ISCHR(e->st.st_mode) || S_ISBLK(e->st.st_mode)) {
		snprintf(t, sizeof t, "%u:%u", major(e->st.st_rdev), minor(e->st.st_rdev));
		keystr(b, "rdev", t);
	}
	if (reg && e->has_sha)
		keystr(b, "sha256", e->sha);
	if (reg)
		num(b, "size", (unsigned long long)e->st.st_size);
	if (e->target != NULL)
		name(b, "target", e->target, e->tlen, 0);
	keystr(b, "type", typename(e->st.st_mode));
	num(b, "uid", (unsigned long long)e->st.st_uid);
	if (jv_get_kind(e->xattrs) == JV_KIND_OBJECT) {
		if ((x = gl_json_dump(jv_copy(e->xattrs), &xn)) == NULL)
			b->oom = 1;
		else {
			put(b, ",\"xattrs\":", 10);
			put(b, x, xn);
			free(x);
		}
	}
	put(b, "}", 1);
}

/* The walk into w; *root and started are set.  -1 with errno. */
static int
run(struct walk *w, const char *dir, char *started, char **root)
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
	if (o->fast != NULL) {	/* borrowed: not freed with the walk */
		w->borrowed = 1;
		w->c = o->fast->c;
		w->nc = o->fast->started ? o->fast->nc : 0;
		w->cutoff = o->fast->cutoff;
		jv_free(w->cachegi);
		w->cachegi = jv_copy(o->fast->gitignore);
	} else if (load_cache(w, o->cache) < 0)
		goto out;
	if (gl_ignore_init(&w->excl, "", 0) < 0)
		goto out;
	for (i = 0; i < o->nexclude; i++)
		if (gl_ignore_add(&w->excl, o->exclude[i], strlen(o->exclude[i])) < 0)
			goto out;
	walk_dir(w, fd, "", 0, st.st_dev);
	if (!w->oom)
		hash_all(w, fd);
	progress(w, 1);
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

/* Everything but the entries. */
static jv
top(struct walk *w, const char *root, const char *started)
{
	jv out, skips = jv_array();
	size_t i;

	for (i = 0; i < w->ns; i++) {
		jv s = gl_utf8_set_name(jv_object(), "path", w->s[i].path, w->s[i].len);
		s = jv_object_set(s, jv_string("reason"), jv_string(w->s[i].reason));
		skips = jv_array_append(skips, s);
	}
	out = gl_utf8_set_name(jv_object(), "root", root, strlen(root));
	out = jv_object_set(out, jv_string("algorithm"), jv_string("sha256"));
	out = jv_object_set(out, jv_string("started"), jv_string(started));
	out = jv_object_set(out, jv_string("skipped"), skips);
	out = jv_object_set(out, jv_string("ignored"), ignored_summary(w));
	out = jv_object_set(out, jv_string("complete"), jv_bool(w->ns == 0));
	return out;
}

static void
cleanup(struct walk *w)
{
	size_t i;
	int e = errno;

	for (i = 0; i < w->n; i++) {
		free(w->e[i].path);
		free(w->e[i].target);
		jv_free(w->e[i].xattrs);
	}
	free(w->e);
	free(w->pend);
	for (i = 0; i < w->ns; i++) {
		free(w->s[i].path);
		free(w->s[i].reason);
	}
	free(w->s);
	for (i = 0; !w->borrowed && i < w->nc; i++) {
		free(w->c[i].path);
		jv_free(w->c[i].xattrs);
	}
	if (!w->borrowed)
		free(w->c);
	while (w->ngi > 0)
		gl_ignore_free(&w->gi[--w->ngi]);
	free(w->gi);
	gl_ignore_free(&w->excl);
	jv_free(w->girules);
	jv_free(w->cachegi);
	errno = e;
}

jv
gl_snap_walk(const char *dir, const struct gl_snap_opts *o)
{
	struct walk w = { .o = o, .girules = jv_array(), .cachegi = jv_null() };
	char started[GL_CLOCK_LEN], *root = NULL;
	jv out, ents;
	size_t i;

	if (run(&w, dir, started, &root) < 0) {
		out = jv_invalid_with_msg(jv_string(strerror(errno)));
		goto done;
	}
	ents = jv_array();
	for (i = 0; i < w.n; i++)
		ents = jv_array_append(ents, entry(&w, &w.e[i]));
	out = jv_object_set(top(&w, root, started), jv_string("entries"), ents);
done:
	free(root);
	cleanup(&w);
	return out;
}

char *
gl_snap_walk_line(const char *dir, const struct gl_snap_opts *o, size_t *len)
{
	struct walk w = { .o = o, .girules = jv_array(), .cachegi = jv_null() };
	char started[GL_CLOCK_LEN], *root = NULL, *head = NULL, *at;
	struct buf b = { 0 };
	size_t i, hn;

	if (run(&w, dir, started, &root) < 0)
		goto fail;
	/* the rest is small: dump it with an empty "entries", then fill that in */
	head = gl_json_dump(jv_object_set(top(&w, root, started), jv_string("entries"),
	    jv_array()), &hn);
	if (head == NULL || (at = strstr(head, "\"entries\":[]")) == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	at += strlen("\"entries\":[");
	put(&b, head, (size_t)(at - head));
	for (i = 0; i < w.n; i++) {
		if (i)
			put(&b, ",", 1);
		entry_json(&b, &w, &w.e[i]);
	}
	put(&b, at, hn - (size_t)(at - head));
	put(&b, "\n", 1);
	if (b.oom) {
		errno = ENOMEM;
		goto fail;
	}
	free(head);
	free(root);
	cleanup(&w);
	*len = b.n;
	return b.p;
fail:
	free(b.p);
	free(head);
	free(root);
	cleanup(&w);
	return NULL;
}

/* ---- reading and comparing snapshots ---- */

static const char *const types[] = {
	"file", "dir", "symlink", "fifo", "socket", "chardev", "blockdev", NULL
};

int
gl_snap_check(jv snap, char *why, size_t whysz)
{
	char *prev = NULL, *p;
	size_t plen = 0, len, i, n;
	const char *s;
	jv ents = jv_invalid(), e, c;
	int rc = -1, k;

	if (jv_get_kind(snap) != JV_KIND_OBJECT) {
		snprintf(why, whysz, "not a snapshot object");
		return -1;
	}
	if ((s = gl_json_str(snap, "algorithm")) == NULL || strcmp(s, "sha256") != 0) {
		snprintf(why, whysz, "algorithm: not \"sha256\"");
		return -1;
	}
	c = gl_json_get(snap, "complete");
	k = jv_get_kind(c);
	jv_free(c);
	if (k != JV_KIND_TRUE && k != JV_KIND_FALSE) {
		snprintf(why, whysz, "complete: not a boolean");
		return -1;
	}
	ents = gl_json_get(snap, "entries");
	if (jv_get_kind(ents) != JV_KIND_ARRAY) {
		snprintf(why, whysz, "entries: not an array");
		goto out;
	}
	n = (size_t)jv_array_length(jv_copy(ents));
	for (i = 0; i < n; i++) {
		e = jv_array_get(jv_copy(ents), (int)i);
		p = gl_utf8_get_name(e, "path", &len);
		s = gl_json_str(e, "type");
		for (k = 0; s != NULL && types[k] != NULL && strcmp(s, types[k]) != 0; k++)
			;
		if (p == NULL || s == NULL || types[k] == NULL ||
		    ((s = gl_json_str(e, "sha256")) != NULL && !gl_digest_is_sha256_hex(s))) {
			snprintf(why, whysz, "entries[%zu]: bad path, path_b64, type or sha256", i);
			free(p);
			jv_free(e);
			goto out;
		}
		jv_free(e);
		if (prev != NULL && pathcmp(prev, plen, p, len) >= 0) {
			snprintf(why, whysz, "entries[%zu]: not sorted by path bytes, or a duplicate", i);
			free(p);
			goto out;
		}
		free(prev);
		prev = p;
		plen = len;
	}
	rc = 0;
out:
	free(prev);
	jv_free(ents);
	return rc;
}

struct dent {
	char *path;
	size_t len;
	jv e;
	int used;
};

static struct dent *
decode(jv snap, size_t *n)
{
	jv ents = gl_json_get(snap, "entries");
	struct dent *d;
	size_t i;

	*n = (size_t)jv_array_length(jv_copy(ents));
	if ((d = calloc(*n + 1, sizeof *d)) != NULL)
		for (i = 0; i < *n; i++) {
			d[i].e = jv_array_get(jv_copy(ents), (int)i);
			d[i].path = gl_utf8_get_name(d[i].e, "path", &d[i].len);
		}
	jv_free(ents);
	return d;
}

/* 1 when a.key and b.key differ (absent counts as a value) */
static int
differs(jv a, jv b, const char *key)
{
	jv x = gl_json_get(a, key), y = gl_json_get(b, key);
	int r;

	if (!jv_is_valid(x) || !jv_is_valid(y))
		r = jv_is_valid(x) != jv_is_valid(y);
	else
		r = !jv_equal(jv_copy(x), jv_copy(y));
	jv_free(x);
	jv_free(y);
	return r;
}

/* compared fields, in the (sorted) order of "changes" */
static const struct {
	const char *change, *key, *key2;
} fields[] = {
	{ "content", "sha256", NULL },
	{ "gid", "gid", NULL },
	{ "hardlink", "hardlink", "hardlink_b64" },
	{ "mode", "mode", NULL },
	{ "mount", "mount", NULL },
	{ "rdev", "rdev", NULL },
	{ "size", "size", NULL },
	{ "target", "target", "target_b64" },
	{ "type", "type", NULL },
	{ "uid", "uid", NULL },
	{ "xattrs", "xattrs", NULL },
};

static jv
changes(jv a, jv b)
{
	jv ch = jv_array();
	size_t i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (differs(a, b, fields[i].key) ||
		    (fields[i].key2 != NULL && differs(a, b, fields[i].key2)))
			ch = jv_array_append(ch, jv_string(fields[i].change));
	return ch;
}

/* a regular, non-empty file with a digest: a rename candidate */
static const char *
renameable(jv e)
{
	const char *t = gl_json_str(e, "type");
	jv sz = gl_json_get(e, "size");
	int ok = jv_get_kind(sz) == JV_KIND_NUMBER && jv_number_value(sz) > 0;

	jv_free(sz);
	if (!ok || t == NULL || strcmp(t, "file") != 0)
		return NULL;
	return gl_json_str(e, "sha256");
}

static struct dent *shabase;

static int
shacmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int r = strcmp(renameable(shabase[x].e), renameable(shabase[y].e));

	return r ? r : (x > y) - (x < y);
}

struct pair {
	size_t from, to;
};

static struct dent *pairbase;

static int
paircmp(const void *x, const void *y)
{
	const struct dent *a = &pairbase[((const struct pair *)x)->from];
	const struct dent *b = &pairbase[((const struct pair *)y)->from];

	return pathcmp(a->path, a->len, b->path, b->len);
}

/* The entries below d[i] ("path/..."): they follow it, contiguous, in byte
 * order; the count. */
static size_t
below_count(const struct dent *d, size_t n, size_t i)
{
	size_t k = i + 1;

	while (k < n && d[k].len > d[i].len + 1 && memcmp(d[k].path, d[i].path, d[i].len) == 0 &&
	    d[k].path[d[i].len] == '/')
		k++;
	return k - i - 1;
}

/* 1 when directory a[i] holds exactly what b[j] holds: the same names below
 * it, each the same type and (files) the same digest, and at least one file */
static int
same_tree(const struct dent *a, size_t na, size_t i, const struct dent *b, size_t nb, size_t j)
{
	size_t n = below_count(a, na, i), k, files = 0;
	const char *x, *y;

	if (n == 0 || n != below_count(b, nb, j))
		return 0;
	for (k = 1; k <= n; k++) {
		const struct dent *p = &a[i + k], *q = &b[j + k];
		if (p->len - a[i].len != q->len - b[j].len ||
		    memcmp(p->path + a[i].len, q->path + b[j].len, p->len - a[i].len) != 0)
			return 0;
		x = gl_json_str(p->e, "type");
		y = gl_json_str(q->e, "type");
		if (x == NULL || y == NULL || strcmp(x, y) != 0)
			return 0;
		x = gl_json_str(p->e, "sha256");
		y = gl_json_str(q->e, "sha256");
		if ((x == NULL) != (y == NULL) || (x != NULL && strcmp(x, y) != 0))
			return 0;
		files += x != NULL;
	}
	return files > 0;
}

jv
gl_snap_diff(jv pre, jv post)
{
	struct dent *a, *b;
	size_t na, nb, i = 0, j = 0, k, *dl = NULL, *al = NULL, nd = 0, nadd = 0, lo, hi;
	jv added = jv_array(), deleted = jv_array(), modified = jv_array(), renamed = jv_array();
	struct pair *pairs = NULL;
	size_t np = 0;
	jv c, out, ca, cb;
	int cmp, complete;

	ca = gl_json_get(pre, "complete");
	cb = gl_json_get(post, "complete");
	complete = jv_get_kind(ca) == JV_KIND_TRUE && jv_get_kind(cb) == JV_KIND_TRUE;
	jv_free(ca);
	jv_free(cb);
	a = decode(pre, &na);
	b = decode(post, &nb);
	if (a == NULL || b == NULL ||
	    (dl = malloc((na + 1) * sizeof *dl)) == NULL ||
	    (al = malloc((nb + 1) * sizeof *al)) == NULL ||
	    (pairs = malloc((na + 1) * sizeof *pairs)) == NULL) {
		out = jv_invalid_with_msg(jv_string(strerror(ENOMEM)));
		goto done;
	}
	while (i < na || j < nb) {
		cmp = i == na ? 1 : j == nb ? -1 : pathcmp(a[i].path, a[i].len, b[j].path, b[j].len);
		if (cmp < 0) {
			dl[nd++] = i++;
		} else if (cmp > 0) {
			al[nadd++] = j++;
		} else {
			c = changes(a[i].e, b[j].e);
			if (jv_array_length(jv_copy(c)) > 0) {
				jv m = gl_utf8_set_name(jv_object(), "path", a[i].path, a[i].len);
				m = jv_object_set(m, jv_string("before"), jv_copy(a[i].e));
				m = jv_object_set(m, jv_string("after"), jv_copy(b[j].e));
				m = jv_object_set(m, jv_string("changes"), c);
				modified = jv_array_append(modified, m);
			} else
				jv_free(c);
			i++;
			j++;
		}
	}
	/* renames: each deleted file, in path order, takes the first added
	 * file (in path order) with the same digest not yet taken */
	{
		size_t *cand = malloc((nadd + 1) * sizeof *cand), nc = 0;
		if (cand == NULL) {
			out = jv_invalid_with_msg(jv_string(strerror(ENOMEM)));
			goto done;
		}
		for (k = 0; k < nadd; k++)
			if (renameable(b[al[k]].e) != NULL)
				cand[nc++] = al[k];
		shabase = b;
		qsort(cand, nc, sizeof *cand, shacmp);
		for (k = 0; k < nd; k++) {
			const char *s = renameable(a[dl[k]].e);
			if (s == NULL)
				continue;
			lo = 0;
			hi = nc;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (strcmp(renameable(b[cand[mid]].e), s) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < nc && strcmp(renameable(b[cand[lo]].e), s) == 0; lo++)
				if (!b[cand[lo]].used)
					break;
			if (lo == nc || strcmp(renameable(b[cand[lo]].e), s) != 0)
				continue;
			b[cand[lo]].used = 1;
			a[dl[k]].used = 1;
			pairs[np].from = dl[k];
			pairs[np++].to = cand[lo];
		}
		free(cand);
	}
	/* directories: a deleted one whose whole content is under an added one */
	for (k = 0; k < nd; k++) {
		const char *t = gl_json_str(a[dl[k]].e, "type");
		size_t m;
		if (t == NULL || strcmp(t, "dir") != 0 || a[dl[k]].used)
			continue;
		for (m = 0; m < nadd; m++) {
			t = gl_json_str(b[al[m]].e, "type");
			if (t == NULL || strcmp(t, "dir") != 0 || b[al[m]].used ||
			    !same_tree(a, na, dl[k], b, nb, al[m]))
				continue;
			a[dl[k]].used = b[al[m]].used = 1;
			pairs[np].from = dl[k];
			pairs[np++].to = al[m];
			break;
		}
	}
	pairbase = a;
	qsort(pairs, np, sizeof *pairs, paircmp);
	for (k = 0; k < np; k++) {
		c = jv_object_set(jv_object(), jv_string("from"), jv_copy(a[pairs[k].from].e));
		c = jv_object_set(c, jv_string("to"), jv_copy(b[pairs[k].to].e));
		renamed = jv_array_append(renamed, c);
	}
	for (k = 0; k < nd; k++)
		if (!a[dl[k]].used)
			deleted = jv_array_append(deleted, jv_copy(a[dl[k]].e));
	for (k = 0; k < nadd; k++)
		if (!b[al[k]].used)
			added = jv_array_append(added, jv_copy(b[al[k]].e));
	out = jv_object_set(jv_object(), jv_string("added"), added);
	out = jv_object_set(out, jv_string("deleted"), deleted);
	out = jv_object_set(out, jv_string("modified"), modified);
	out = jv_object_set(out, jv_string("renamed"), renamed);
	out = jv_object_set(out, jv_string("complete"), jv_bool(complete));
	added = deleted = modified = renamed = jv_null();
done:
	jv_free(added);
	jv_free(deleted);
	jv_free(modified);
	jv_free(renamed);
	for (k = 0; a != NULL && k < na; k++) {
		free(a[k].path);
		jv_free(a[k].e);
	}
	for (k = 0; b != NULL && k < nb; k++) {
		free(b[k].path);
		jv_free(b[k].e);
	}
	free(a);
	free(b);
	free(dl);
	free(al);
	free(pairs);
	jv_free(pre);
	jv_free(post);
	return out;
}
