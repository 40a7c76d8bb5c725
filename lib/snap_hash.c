/* snap_hash: what gl-snapshot reads of a file: its xattrs, and its
 * SHA-256.  The walk hands over each regular file open and goes on; the
 * pool's threads take the files a few at a time, and the walking thread
 * hashes one itself only when the queue is full (and all that is left
 * once the walk is over).  Big files are read, not mapped: on the
 * machine measured, SHA-256 straight from a mapping took a fifth more CPU
 * than from a copy in the cache.  Nothing here touches the walk but the
 * file's entry. */
#include "snap_walk.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "utf8.h"

#define CHUNK (1 << 20)		/* what is read (or hashed) at a time */
#define SMALL (64 << 10)	/* smaller files are queued a batch at a time */
#define TAKE 8			/* files taken (and queued) at a time */
#define WAKE 32			/* files queued before a waiting thread is woken */
#define QMAX 256		/* files queued (open) at most */

static int
wanted_xattr(const char *name)
{
	return strncmp(name, "security.", 9) == 0 || strncmp(name, "user.", 5) == 0 ||
	    strncmp(name, "system.posix_acl_", 17) == 0;
}

/* The xattrs of an open fd, or of procpath (not followed) when fd < 0. */
int
gl_snap_xattrs(int fd, const char *procpath, jv *out)
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

/* one hashing thread's tools */
struct reader {
	unsigned char *buf;	/* CHUNK bytes */
	EVP_MD_CTX *ctx;
};

struct job {
	struct gl_snap_ent *e;
	int fd;
};

struct gl_snap_pool {
	struct gl_snap_walk *w;
	EVP_MD *md;		/* SHA-256, fetched once (not per file) */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *q;		/* a ring of qmax: head..tail waiting */
	_Atomic size_t head, tail;	/* read unlocked by the walker, to choose */
	size_t qmax;		/* open files queued at most */
	struct job batch[TAKE];	/* the walker's, not yet queued */
	size_t nb;
	int done;		/* the walk is over: nothing more is queued */
	size_t waiting;		/* threads waiting for a job */
	pthread_t *t;
	size_t nt;		/* threads besides the walker's */
	struct reader own;	/* the walker's */
};

static int
update(struct gl_snap_walk *w, EVP_MD_CTX *ctx, const unsigned char *p, size_t n)
{
	if (EVP_DigestUpdate(ctx, p, n) != 1)
		return -1;
	atomic_fetch_add(&w->bytes, (unsigned long long)n);
	return 0;
}

/* all of fd, read: the byte count, -1 with errno */
static long long
hash_read(struct gl_snap_walk *w, struct reader *r, int fd, size_t size)
{
	size_t want = size < CHUNK ? size + 1 : CHUNK;	/* a short read is the end */
	unsigned long long n = 0;
	ssize_t k;

	while ((k = read(fd, r->buf, want)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (update(w, r->ctx, r->buf, (size_t)k) < 0) {
			errno = ENOMEM;
			return -1;
		}
		n += (unsigned long long)k;
		if ((size_t)k < want && n == size)
			break;
	}
	return (long long)n;
}

/* Hash e from fd (open, e->st its fstat) and close fd. */
static void
hash_fd(struct gl_snap_pool *p, struct reader *r, struct gl_snap_ent *e, int fd)
{
	unsigned char bin[GL_SHA256_LEN];
	size_t size = (size_t)e->st.st_size;
	long long n = (long long)size;
	struct stat b;

	if (r->buf == NULL || r->ctx == NULL || p->md == NULL) {
		e->herr = "read";
		e->hno = ENOMEM;
		goto out;
	}
	if (gl_snap_xattrs(fd, NULL, &e->xattrs) < 0) {
		e->xerr = "xattrs";
		e->xno = errno;
	}
	if (EVP_DigestInit_ex(r->ctx, p->md, NULL) != 1) {
		e->herr = "sha256";
		e->hno = ENOMEM;
		goto out;
	}
	if (size > CHUNK)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((n = hash_read(p->w, r, fd, size)) < 0) {
		e->herr = "read";
		e->hno = errno;
		goto out;
	}
	if (EVP_DigestFinal_ex(r->ctx, bin, NULL) != 1 || fstat(fd, &b) < 0) {
		e->herr = "read";
		e->hno = errno ? errno : ENOMEM;
		goto out;
	}
	if (n != (long long)size || b.st_size != e->st.st_size ||
	    gl_snap_tscmp(&e->st.st_mtim, &b.st_mtim) != 0 ||
	    gl_snap_tscmp(&e->st.st_ctim, &b.st_ctim) != 0) {
		e->herr = "read";
		e->hno = 0;
		goto out;
	}
	gl_digest_hex(bin, sizeof bin, e->sha);
	e->st = b;
	e->has_sha = 1;
out:
	close(fd);
	atomic_fetch_add(&p->w->hashed, 1);
}

static int
reader_init(struct reader *r)
{
	r->buf = malloc(CHUNK);
	r->ctx = EVP_MD_CTX_new();
	return r->buf != NULL && r->ctx != NULL ? 0 : -1;
}

static void
reader_free(struct reader *r)
{
	EVP_MD_CTX_free(r->ctx);
	free(r->buf);
}

/* The next jobs (up to TAKE, fewer when others wait), waiting for one
 * while the walk goes on: how many, 0 when none is left. */
static size_t
take(struct gl_snap_pool *p, struct job *j)
{
	size_t n, i;

	pthread_mutex_lock(&p->mu);
	while (p->head == p->tail && !p->done) {
		p->waiting++;
		pthread_cond_wait(&p->cv, &p->mu);
		p->waiting--;
	}
	n = p->tail - p->head;
	if (n > TAKE)
		n = TAKE;
	if (p->waiting > 0 && n > 1)
		n /= 2;
	for (i = 0; i < n; i++)
		j[i] = p->q[p->head++ % p->qmax];
	pthread_mutex_unlock(&p->mu);
	return n;
}

static void *
worker(void *arg)
{
	struct gl_snap_pool *p = arg;
	struct job j[TAKE];
	struct reader r;
	size_t n, i;

	(void)reader_init(&r);	/* hash_fd says it failed, per file */
	while ((n = take(p, j)) > 0)
		for (i = 0; i < n; i++)
			hash_fd(p, &r, j[i].e, j[i].fd);
	reader_free(&r);
	return NULL;
}

struct gl_snap_pool *
gl_snap_pool_start(struct gl_snap_walk *w)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = w->o->threads > 0 ? (size_t)w->o->threads : ncpu > 0 ? (size_t)ncpu : 1, i;
	pthread_mutexattr_t ma;
	struct gl_snap_pool *p;
	struct rlimit rl;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	p->w = w;
	p->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);	/* spins a little */
	pthread_mutex_init(&p->mu, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_cond_init(&p->cv, NULL);
	(void)reader_init(&p->own);
	/* every queued file is open: a quarter of the fds at most; and the
	 * walker hashes too, so one thread fewer */
	p->qmax = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur / 4 < QMAX ? rl.rlim_cur / 4 : QMAX;
	if (nt > 1 && p->qmax >= TAKE && (p->q = calloc(p->qmax, sizeof *p->q)) != NULL &&
	    (p->t = calloc(nt - 1, sizeof *p->t)) != NULL)
		for (i = 0; i < nt - 1 && pthread_create(&p->t[i], NULL, worker, p) == 0; i++)
			p->nt++;
	return p;
}

/* The walker's batch into the queue; a waiting thread is woken once
 * WAKE files wait (or one big one), not for each batch. */
static void
flush(struct gl_snap_pool *p, int now)
{
	size_t i;

	if (p->nb == 0)
		return;
	pthread_mutex_lock(&p->mu);
	for (i = 0; i < p->nb; i++)
		p->q[p->tail++ % p->qmax] = p->batch[i];
	if (p->waiting > 0 && (now || p->tail - p->head >= WAKE))
		pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	p->nb = 0;
}

void
gl_snap_pool_file(struct gl_snap_pool *p, struct gl_snap_ent *e, int fd)
{
	size_t backlog = atomic_load(&p->tail) - atomic_load(&p->head) + p->nb;

	p->w->npend++;
	/* hashed here only when the queue is full: the walk runs ahead */
	if (p->nt == 0 || backlog >= p->qmax) {
		hash_fd(p, &p->own, e, fd);
		return;
	}
	p->batch[p->nb++] = (struct job){ e, fd };
	if (p->nb == TAKE || e->st.st_size > SMALL)
		flush(p, e->st.st_size > SMALL);
}

void
gl_snap_pool_finish(struct gl_snap_pool *p)
{
	struct job j[TAKE];
	size_t i, n;

	if (p == NULL)
		return;
	flush(p, 1);
	pthread_mutex_lock(&p->mu);
	p->done = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	while ((n = take(p, j)) > 0)	/* the walker helps with the rest */
		for (i = 0; i < n; i++) {
			hash_fd(p, &p->own, j[i].e, j[i].fd);
			gl_snap_progress(p->w, 0);
		}
	for (i = 0; i < p->nt; i++)
		pthread_join(p->t[i], NULL);
	reader_free(&p->own);
	EVP_MD_free(p->md);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->t);
	free(p->q);
	free(p);
}
