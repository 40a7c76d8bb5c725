/* snap_hash: what gl-snapshot reads of a file: its xattrs, and its
 * SHA-256, in threads.  Nothing here touches the walk but its entry. */
#include "snap_walk.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "utf8.h"

#define CHUNK (1 << 20)		/* big files are read a MiB at a time */

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


struct job {
	struct gl_snap_walk *w;
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
hash_one(struct job *j, struct gl_snap_ent *e, unsigned char *buf, EVP_MD_CTX *ctx)
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
	if (gl_snap_xattrs(fd, NULL, &e->xattrs) < 0) {
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
	    gl_snap_tscmp(&a.st_mtim, &b.st_mtim) != 0 || gl_snap_tscmp(&a.st_ctim, &b.st_ctim) != 0) {
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
	struct gl_snap_walk *w = j->w;
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
			gl_snap_progress(w, 0);
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

static struct gl_snap_ent *sizebase;

static int
bigfirst(const void *a, const void *b)
{
	off_t x = sizebase[*(const size_t *)a].st.st_size, y = sizebase[*(const size_t *)b].st.st_size;

	return (x < y) - (x > y);
}

void
gl_snap_hash_all(struct gl_snap_walk *w, int root)
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
		struct gl_snap_ent *e = &w->e[w->pend[k]];
		if (e->xerr != NULL)
			gl_snap_skip(w, e->path, e->len, e->xerr, e->xno);
		if (e->herr != NULL)
			gl_snap_skip(w, e->path, e->len, e->herr, e->hno);
	}
}
