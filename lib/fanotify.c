#include "fanotify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "utf8.h"

#define MASK (FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_ATTRIB | \
	FAN_CLOSE_WRITE | FAN_ONDIR)
#define NBUCKET 4096

/* a directory handle and the path it had when last seen */
struct dent {
	struct dent *next;
	unsigned char *key;	/* fsid, handle type, handle bytes */
	size_t klen;
	char *path;
	size_t plen;
};

struct fs {
	fsid_t fsid;
	int fd;			/* a directory on it, for open_by_handle_at */
};

struct fan {
	struct fs *fs;
	size_t nfs;
	struct dent *b[NBUCKET];
	pid_t self;
};

/* what an info record names: a handle on fs, and a name for *_NAME records */
struct rec {
	const fsid_t *fsid;
	struct file_handle *fh;
	const char *name;
};

static size_t
hash(const unsigned char *k, size_t n)
{
	size_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ k[i]) * 16777619u;
	return h % NBUCKET;
}

/* key of (fsid, handle) into buf, its length */
static size_t
mkkey(const struct rec *r, unsigned char *buf, size_t bufsz)
{
	size_t n = sizeof *r->fsid + sizeof r->fh->handle_type + r->fh->handle_bytes;

	if (n > bufsz)
		return 0;
	memcpy(buf, r->fsid, sizeof *r->fsid);
	memcpy(buf + sizeof *r->fsid, &r->fh->handle_type, sizeof r->fh->handle_type);
	memcpy(buf + sizeof *r->fsid + sizeof r->fh->handle_type, r->fh->f_handle,
	    r->fh->handle_bytes);
	return n;
}

static struct dent *
lookup(struct fan *f, const unsigned char *k, size_t n)
{
	struct dent *d;

	for (d = f->b[hash(k, n)]; d != NULL; d = d->next)
		if (d->klen == n && memcmp(d->key, k, n) == 0)
			return d;
	return NULL;
}

static int
remember(struct fan *f, const unsigned char *k, size_t n, const char *path, size_t plen)
{
	struct dent *d = lookup(f, k, n);
	char *p;

	if ((p = malloc(plen + 1)) == NULL)
		return -1;
	memcpy(p, path, plen);
	p[plen] = '\0';
	if (d == NULL) {
		if ((d = calloc(1, sizeof *d)) == NULL || (d->key = malloc(n)) == NULL) {
			free(d);
			free(p);
			return -1;
		}
		memcpy(d->key, k, n);
		d->klen = n;
		d->next = f->b[hash(k, n)];
		f->b[hash(k, n)] = d;
	} else
		free(d->path);
	d->path = p;
	d->plen = plen;
	return 0;
}

/* A directory renamed from -> to: so are the paths of all below it. */
static int
moved(struct fan *f, const char *from, size_t flen, const char *to, size_t tlen)
{
	struct dent *d;
	size_t i, n;
	char *p;

	for (i = 0; i < NBUCKET; i++)
		for (d = f->b[i]; d != NULL; d = d->next) {
			if (!gl_watch_is_under(d->path, d->plen, from, flen))
				continue;
			n = tlen + d->plen - flen;
			if ((p = malloc(n + 1)) == NULL)
				return -1;
			memcpy(p, to, tlen);
			memcpy(p + tlen, d->path + flen, d->plen - flen + 1);
			free(d->path);
			d->path = p;
			d->plen = n;
		}
	return 0;
}

static int
fs_fd(const struct fan *f, const fsid_t *id)
{
	size_t i;

	for (i = 0; i < f->nfs; i++)
		if (memcmp(&f->fs[i].fsid, id, sizeof *id) == 0)
			return f->fs[i].fd;
	return -1;
}

/* The handle opened (O_PATH), or -1. */
static int
open_handle(const struct fan *f, const struct rec *r)
{
	int mfd = fs_fd(f, r->fsid);

	if (mfd < 0) {
		errno = EXDEV;
		return -1;
	}
	return open_by_handle_at(mfd, r->fh, O_PATH | O_CLOEXEC);
}

/* The path of the directory r names, malloc'ed: from the cache, else
 * asked of the kernel (and cached).  NULL when it is gone. */
static char *
dir_path(struct fan *f, const struct rec *r, size_t *len)
{
	unsigned char key[MAX_HANDLE_SZ + 64];
	char proc[64], buf[PATH_MAX];
	struct dent *d;
	size_t n = mkkey(r, key, sizeof key);
	ssize_t l;
	char *p;
	int fd;

	if (n > 0 && (d = lookup(f, key, n)) != NULL) {
		if ((p = strdup(d->path)) != NULL)
			*len = d->plen;
		return p;
	}
	if ((fd = open_handle(f, r)) < 0)
		return NULL;
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	l = readlink(proc, buf, sizeof buf - 1);
	close(fd);
	if (l <= 0 || buf[0] != '/' || (l > 10 && memcmp(buf + l - 10, " (deleted)", 10) == 0))
		return NULL;
	buf[l] = '\0';
	if (n > 0 && remember(f, key, n, buf, (size_t)l) < 0)
		return NULL;
	*len = (size_t)l;
	return strdup(buf);
}

/* dir/name, or dir for "." */
static char *
child(const char *dir, size_t dlen, const char *name, size_t *len)
{
	size_t nlen = strlen(name);
	char *p;

	if (strcmp(name, ".") == 0)
		nlen = 0;
	if ((p = malloc(dlen + nlen + 2)) == NULL)
		return NULL;
	memcpy(p, dir, dlen);
	if (nlen) {
		if (dlen != 1)
			p[dlen++] = '/';
		memcpy(p + dlen, name, nlen);
	}
	p[dlen + nlen] = '\0';
	*len = dlen + nlen;
	return p;
}

/* The absolute path a *_NAME record names, malloc'ed, or NULL. */
static char *
rec_path(struct fan *f, const struct rec *r, size_t *len)
{
	char *d, *p;
	size_t dl;

	if (r->fh == NULL || r->name == NULL || (d = dir_path(f, r, &dl)) == NULL)
		return NULL;
	p = child(d, dl, r->name, len);
	free(d);
	return p;
}

/* Attributes or content of the object of an event (its FID record). */
static jv
describe(struct fan *f, jv o, const struct rec *id, int content)
{
	char proc[64], mode[8];
	struct stat sb;
	int fd = -1, rfd;

	if (id->fh == NULL || (fd = open_handle(f, id)) < 0 || fstat(fd, &sb) < 0) {
		o = jv_object_set(o, jv_string("error"), jv_string(strerror(errno)));
		goto out;
	}
	if (!content) {
		snprintf(mode, sizeof mode, "%04o", (unsigned)(sb.st_mode & 07777));
		o = jv_object_set(o, jv_string("mode"), jv_string(mode));
		o = jv_object_set(o, jv_string("uid"), jv_number(sb.st_uid));
		o = jv_object_set(o, jv_string("gid"), jv_number(sb.st_gid));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {	/* never open a FIFO or a device */
		o = jv_object_set(o, jv_string("error"), jv_string("not a regular file"));
		goto out;
	}
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	rfd = open(proc, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	o = gl_watch_digest(o, rfd);
	if (rfd >= 0)
		close(rfd);
out:
	if (fd >= 0)
		close(fd);
	return o;
}

static jv
base(const char *key, const char *name, size_t len, pid_t pid, int dir)
{
	jv o = gl_utf8_set_name(jv_object(), key, name, len);

	if (pid > 0)
		o = jv_object_set(o, jv_string("pid"), jv_number(pid));
	if (dir)
		o = jv_object_set(o, jv_string("dir"), jv_true());
	return o;
}

static int
rename_event(struct gl_watch_session *s, const struct fanotify_event_metadata *m,
    const struct rec *from, const struct rec *to, const struct rec *id, int dir)
{
	struct fan *f = s->fan;
	char *fa = NULL, *ta = NULL, *fn = NULL, *tn = NULL;
	size_t fal = 0, tal = 0, fnl = 0, tnl = 0;
	int rc = 0;
	jv o;

	fa = rec_path(f, from, &fal);
	ta = rec_path(f, to, &tal);
	if (fa != NULL)
		fn = gl_watch_name(s, fa, fal, &fnl);
	if (ta != NULL)
		tn = gl_watch_name(s, ta, tal, &tnl);
	if (dir && fa != NULL && ta != NULL && moved(f, fa, fal, ta, tal) < 0)
		rc = -1;
	if (rc == 0 && fn != NULL && tn != NULL) {
		o = base("from", fn, fnl, m->pid, dir);
		o = gl_utf8_set_name(o, "to", tn, tnl);
		rc = gl_watch_emit(s, GL_WATCH_RENAME, o);
	} else if (rc == 0 && tn != NULL) {
		o = jv_object_set(base("path", tn, tnl, m->pid, dir),
		    jv_string("moved_in"), jv_true());
		rc = gl_watch_emit(s, GL_WATCH_CREATE, o);
		if (rc == 0 && dir)
			rc = gl_watch_synth(s, tn, tnl);
	} else if (rc == 0 && fn != NULL) {
		o = jv_object_set(base("path", fn, fnl, m->pid, dir),
		    jv_string("moved_out"), jv_true());
		rc = gl_watch_emit(s, GL_WATCH_DELETE, o);
	} else if (rc == 0 && (fa == NULL || ta == NULL) && (from->fh || to->fh)) {
		(void)id;	/* a name we could not resolve: not necessarily ours */
	}
	free(fa);
	free(ta);
	free(fn);
	free(tn);
	return rc;
}

/* m is an aligned copy of the metadata at raw (records are 4-aligned) */
static int
event(struct gl_watch_session *s, const struct fanotify_event_metadata *m,
    const unsigned char *raw)
{
	const unsigned char *p = raw + m->metadata_len, *end = raw + m->event_len;
	struct rec dn = { 0 }, from = { 0 }, to = { 0 }, id = { 0 }, *r;
	const struct fanotify_event_info_header *h;
	const struct fanotify_event_info_fid *fid;
	struct fan *f = s->fan;
	unsigned char key[MAX_HANDLE_SZ + 64];
	int dir = (m->mask & FAN_ONDIR) != 0, rc = 0;
	char *abs = NULL, *name = NULL;
	size_t alen, nlen, n;

	if (m->mask & FAN_Q_OVERFLOW) {
		s->overflows++;
		s->complete = 0;
		return gl_watch_emit(s, GL_WATCH_OVERFLOW, jv_object_set(jv_object(),
		    jv_string("backend"), jv_string("fanotify")));
	}
	if (m->pid == f->self)		/* our own hashing */
		return 0;
	for (; p + sizeof *h <= end; p += h->len) {
		h = (const void *)p;
		if (h->len < sizeof *h || p + h->len > end)
			break;
		switch (h->info_type) {
		case FAN_EVENT_INFO_TYPE_DFID_NAME: r = &dn; break;
		case FAN_EVENT_INFO_TYPE_OLD_DFID_NAME: r = &from; break;
		case FAN_EVENT_INFO_TYPE_NEW_DFID_NAME: r = &to; break;
		case FAN_EVENT_INFO_TYPE_FID: r = &id; break;
		default: continue;
		}
		fid = (const void *)p;
		r->fsid = (const fsid_t *)(const void *)&fid->fsid;
		r->fh = (struct file_handle *)(void *)(uintptr_t)fid->handle;
		if (r != &id)
			r->name = (const char *)r->fh->f_handle + r->fh->handle_bytes;
	}
	if (m->mask & FAN_RENAME)
		return rename_event(s, m, &from, &to, &id, dir);
	if ((abs = rec_path(f, &dn, &alen)) == NULL)
		return 0;	/* gone, or not a name we can see */
	if (dir && (m->mask & FAN_CREATE) && id.fh != NULL &&
	    (n = mkkey(&id, key, sizeof key)) > 0 && remember(f, key, n, abs, alen) < 0)
		rc = -1;
	if (rc < 0 || (name = gl_watch_name(s, abs, alen, &nlen)) == NULL)
		goto out;
	/* a directory filled at once needs no scan: the mark is on the whole
	 * filesystem, so its contents have events of their own */
	if (m->mask & FAN_CREATE)
		rc = gl_watch_emit(s, GL_WATCH_CREATE, base("path", name, nlen, m->pid, dir));
	if (rc == 0 && !dir && (m->mask & FAN_CLOSE_NOWRITE))
		rc = gl_watch_emit(s, GL_WATCH_READ,
		    describe(f, base("path", name, nlen, m->pid, 0), &id, 1));
	if (rc == 0 && !dir && (m->mask & FAN_CLOSE_WRITE))
		rc = gl_watch_emit(s, GL_WATCH_WRITE,
		    describe(f, base("path", name, nlen, m->pid, 0), &id, 1));
	if (rc == 0 && (m->mask & FAN_ATTRIB))
		rc = gl_watch_emit(s, GL_WATCH_ATTRIB,
		    describe(f, base("path", name, nlen, m->pid, dir), &id, 0));
	if (rc == 0 && (m->mask & FAN_DELETE))
		rc = gl_watch_emit(s, GL_WATCH_DELETE, base("path", name, nlen, m->pid, dir));
out:
	free(abs);
	free(name);
	return rc;
}

int
gl_fanotify_drain(struct gl_watch_session *s)
{
	char buf[256 * 1024] __attribute__((aligned(__alignof__(struct fanotify_event_metadata))));
	struct fanotify_event_metadata m;
	ssize_t n, off;

	for (;;) {
		if ((n = read(s->ifd, buf, sizeof buf)) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				return 0;
			}
			free(s->errobj);
			s->errobj = strdup("fanotify read");
			s->errnum = errno;
			return -1;
		}
		for (off = 0; off + (ssize_t)sizeof m <= n; off += m.event_len) {
			memcpy(&m, buf + off, sizeof m);
			if (m.event_len < sizeof m || off + (ssize_t)m.event_len > n)
				break;
			if (m.fd >= 0)
				close(m.fd);
			if (m.vers == FANOTIFY_METADATA_VERSION &&
			    event(s, &m, (const unsigned char *)buf + off) < 0) {
				if (s->errobj == NULL && s->errnum == 0)
					s->errnum = ENOMEM;
				return -1;
			}
		}
	}
}

/* Remember the handles of every directory below dir (named path). */
static void
prime(struct gl_watch_session *s, const fsid_t *fsid, int dfd, char *path, size_t plen)
{
	unsigned char key[MAX_HANDLE_SZ + 64];
	union { struct file_handle fh; char b[sizeof(struct file_handle) + MAX_HANDLE_SZ]; } u;
	struct rec r = { fsid, &u.fh, NULL };
	struct dirent *e;
	size_t n, clen;
	char *c;
	DIR *d;
	int mnt, fd;

	u.fh.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(dfd, "", &u.fh, &mnt, AT_EMPTY_PATH) == 0 &&
	    (n = mkkey(&r, key, sizeof key)) > 0)
		(void)remember(s->fan, key, n, path, plen);
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		if ((c = child(path, plen, e->d_name, &clen)) == NULL)
			break;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			prime(s, fsid, fd, c, clen);
		free(c);
	}
	closedir(d);
}

static int
mark(struct gl_watch_session *s, const char *dir)
{
	struct fan *f = s->fan;
	struct statfs sf;
	const char *what = "";
	struct fs *q;
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fstatfs(fd, &sf) < 0)
		goto fail;
	if (fanotify_mark(s->ifd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM,
	    MASK | (s->noreads ? 0 : FAN_CLOSE_NOWRITE), fd, NULL) < 0) {
		what = ": fanotify filesystem mark";
		goto fail;
	}
	if (fs_fd(f, (const fsid_t *)&sf.f_fsid) < 0) {
		if ((q = realloc(f->fs, (f->nfs + 1) * sizeof *q)) == NULL)
			goto fail;
		f->fs = q;
		memcpy(&q[f->nfs].fsid, &sf.f_fsid, sizeof sf.f_fsid);
		if ((q[f->nfs].fd = dup(fd)) < 0 || fcntl(q[f->nfs].fd, F_SETFD, FD_CLOEXEC) < 0)
			goto fail;
		f->nfs++;
	}
	{
		size_t len = strlen(dir);
		char *p = strdup(dir);
		if (p == NULL)
			goto fail;
		prime(s, (const fsid_t *)&sf.f_fsid, fd, p, len);	/* closes fd */
		free(p);
	}
	return 0;
fail:
	free(s->errobj);
	s->errnum = errno;
	if ((s->errobj = malloc(strlen(dir) + strlen(what) + 1)) != NULL)
		strcat(strcpy(s->errobj, dir), what);
	if (fd >= 0)
		close(fd);
	return -1;
}

int
gl_fanotify_open(struct gl_watch_session *s)
{
	size_t i;

	if ((s->fan = calloc(1, sizeof(struct fan))) == NULL)
		return -1;
	((struct fan *)s->fan)->self = getpid();
	s->ifd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK |
	    FAN_REPORT_DFID_NAME_TARGET, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (s->ifd < 0) {
		free(s->errobj);
		s->errobj = strdup("fanotify_init");
		s->errnum = errno;
		return -1;
	}
	s->backend = GL_WATCH_FANOTIFY;
	if (mark(s, s->root) < 0)
		return -1;
	for (i = 0; i < s->nextra; i++)
		if (mark(s, s->extra[i]) < 0)
			return -1;
	return 0;
}

void
gl_fanotify_close(struct gl_watch_session *s)
{
	struct fan *f = s->fan;
	struct dent *d, *nx;
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < NBUCKET; i++)
		for (d = f->b[i]; d != NULL; d = nx) {
			nx = d->next;
			free(d->key);
			free(d->path);
			free(d);
		}
	for (i = 0; i < f->nfs; i++)
		close(f->fs[i].fd);
	free(f->fs);
	free(f);
	s->fan = NULL;
}
