#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "digest.h"
#include "gl.h"
#include "io.h"
#include "json.h"
#include "utf8.h"

/* Watch descriptors are small integers handed out in increasing order by
 * each inotify instance, so the table is a plain array indexed by them. */

int
gl_watch_put(struct gl_watch *w, int wd, const char *rel, size_t len)
{
	struct gl_watch_dir *q;
	size_t ncap;
	char *s;

	if (wd < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((size_t)wd >= w->cap) {
		ncap = w->cap ? w->cap : 64;
		while (ncap <= (size_t)wd)
			ncap *= 2;
		if ((q = realloc(w->d, ncap * sizeof *q)) == NULL)
			return -1;
		memset(q + w->cap, 0, (ncap - w->cap) * sizeof *q);
		w->d = q;
		w->cap = ncap;
	}
	if ((s = malloc(len + 1)) == NULL)
		return -1;
	memcpy(s, rel, len);
	s[len] = '\0';
	if (w->d[wd].rel == NULL)
		w->n++;
	free(w->d[wd].rel);
	w->d[wd].rel = s;
	w->d[wd].len = len;
	return 0;
}

const struct gl_watch_dir *
gl_watch_get(const struct gl_watch *w, int wd)
{
	if (wd < 0 || (size_t)wd >= w->cap || w->d[wd].rel == NULL)
		return NULL;
	return &w->d[wd];
}

void
gl_watch_del(struct gl_watch *w, int wd)
{
	if (gl_watch_get(w, wd) == NULL)
		return;
	free(w->d[wd].rel);
	w->d[wd].rel = NULL;
	w->d[wd].len = 0;
	w->n--;
}

int
gl_watch_is_under(const char *path, size_t len, const char *p, size_t plen)
{
	if (plen == 0)
		return 1;
	if (len < plen || memcmp(path, p, plen) != 0)
		return 0;
	return len == plen || path[plen] == '/';
}

int
gl_watch_rename(struct gl_watch *w, const char *from, size_t flen,
    const char *to, size_t tlen)
{
	struct gl_watch_dir *e;
	size_t i, nlen;
	char *s;
	int n = 0;

	for (i = 0; i < w->cap; i++) {
		e = &w->d[i];
		if (e->rel == NULL || !gl_watch_is_under(e->rel, e->len, from, flen))
			continue;
		nlen = tlen + (e->len - flen);
		if ((s = malloc(nlen + 1)) == NULL)
			return -1;
		memcpy(s, to, tlen);
		memcpy(s + tlen, e->rel + flen, e->len - flen);
		s[nlen] = '\0';
		free(e->rel);
		e->rel = s;
		e->len = nlen;
		n++;
	}
	return n;
}

long
gl_watch_under(const struct gl_watch *w, const char *p, size_t plen, int **out)
{
	size_t i;
	long n = 0;
	int *v;

	if ((v = malloc((w->n + 1) * sizeof *v)) == NULL)
		return -1;
	for (i = 0; i < w->cap; i++)
		if (w->d[i].rel != NULL &&
		    gl_watch_is_under(w->d[i].rel, w->d[i].len, p, plen))
			v[n++] = (int)i;
	*out = v;
	return n;
}

char *
gl_watch_join(const char *rel, size_t len, const char *name, size_t nlen,
    size_t *outlen)
{
	size_t n = len ? len + 1 + nlen : nlen;
	char *s = malloc(n + 1);

	if (s == NULL)
		return NULL;
	if (len) {
		memcpy(s, rel, len);
		s[len] = '/';
		memcpy(s + len + 1, name, nlen);
	} else
		memcpy(s, name, nlen);
	s[n] = '\0';
	*outlen = n;
	return s;
}

void
gl_watch_free(struct gl_watch *w)
{
	size_t i;

	for (i = 0; i < w->cap; i++)
		free(w->d[i].rel);
	free(w->d);
	w->d = NULL;
	w->cap = w->n = 0;
}

/* The session: inotify events in, gleisner-events(5) lines out. */

#define MASK (IN_CREATE | IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM | \
	IN_MOVED_TO | IN_ATTRIB | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
#define PAIR_WAIT_MS 50	/* how long an IN_MOVED_FROM waits for its IN_MOVED_TO */

static const char *types[GL_WATCH_NTYPES] = { "session.start", "file.create",
	"file.write", "file.delete", "file.rename", "file.attrib", "file.read",
	"proc.exec", "proc.exit", "watch.overflow", "watch.error", "session.end" };

/* Record why we fail: obj failed with e (obj NULL: out of memory). */
static int
fail(struct gl_watch_session *s, const char *obj, int e)
{
	free(s->errobj);
	s->errobj = obj != NULL ? strdup(obj) : NULL;
	s->errnum = e;
	return -1;
}

int
gl_watch_emit(struct gl_watch_session *s, int t, jv o)
{
	char ts[GL_CLOCK_LEN], *buf;
	size_t n;

	if (gl_clock_now(ts, sizeof ts, 1) < 0) {
		jv_free(o);
		return fail(s, "clock_gettime", errno);
	}
	o = jv_object_set(o, jv_string("ts"), jv_string(ts));
	o = jv_object_set(o, jv_string("seq"), jv_number((double)++s->seq));
	o = jv_object_set(o, jv_string("src"), jv_string("gl-watch"));
	o = jv_object_set(o, jv_string("type"), jv_string(types[t]));
	if ((buf = gl_json_dump(o, &n)) == NULL)
		return fail(s, NULL, ENOMEM);
	buf[n] = '\n';	/* gl_json_dump leaves room for the NUL */
	if (gl_io_write_all(s->out, buf, n + 1) < 0) {
		free(buf);
		return fail(s, s->outname, errno);
	}
	free(buf);
	s->count[t]++;
	return 0;
}

jv
gl_watch_digest(jv o, int fd)
{
	char hex[GL_SHA256_HEX];
	unsigned long long n;
	struct stat sb;

	if (fd < 0)
		return jv_object_set(o, jv_string("error"), jv_string(strerror(errno)));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		return jv_object_set(o, jv_string("error"), jv_string("not a regular file"));
	if (gl_digest_fd_hex(fd, hex, &n) < 0)
		return jv_object_set(o, jv_string("error"), jv_string(strerror(errno)));
	return jv_object_set(o, jv_string("sha256"), jv_string(hex));
}

/* root/rel, or rel itself when it is absolute (an extra directory) */
static char *
abs_of(const struct gl_watch_session *s, const char *rel, size_t len)
{
	size_t alen = strlen(s->root);
	char *abs;

	if (len > 0 && rel[0] == '/')
		alen = 0;
	if ((abs = malloc(alen + len + 2)) == NULL)
		return NULL;
	memcpy(abs, s->root, alen);
	if (alen && len)
		abs[alen++] = '/';
	memcpy(abs + alen, rel, len);
	abs[alen + len] = '\0';
	return abs;
}

/* An event about one path, with the flags that are set. */
static int
emit_path(struct gl_watch_session *s, int t, const char *path, size_t len,
    int dir, const char *flag)
{
	jv o = gl_utf8_set_name(jv_object(), "path", path, len);

	if (dir)
		o = jv_object_set(o, jv_string("dir"), jv_true());
	if (flag != NULL)
		o = jv_object_set(o, jv_string(flag), jv_true());
	return gl_watch_emit(s, t, o);
}

static int
ignored(const struct gl_watch_session *s, size_t dirlen, const char *name)
{
	size_t i;

	if (dirlen == 0 && strcmp(name, ".gleisner") == 0)
		return 1;
	for (i = 0; i < s->nignore; i++)
		if (strcmp(name, s->ignore[i]) == 0)
			return 1;
	return 0;
}

/* under dir (dlen bytes, no trailing '/'): the part after it, or NULL */
static const char *
below(const char *abs, size_t len, const char *dir, size_t dlen)
{
	if (dlen == 1 && dir[0] == '/')
		dlen = 0;
	if (len < dlen || memcmp(abs, dir, dlen) != 0)
		return NULL;
	if (len == dlen)
		return abs + len;
	return abs[dlen] == '/' ? abs + dlen + 1 : NULL;
}

char *
gl_watch_name(const struct gl_watch_session *s, const char *abs, size_t len,
    size_t *outlen)
{
	const char *r = below(abs, len, s->root, strlen(s->root)), *p, *q;
	size_t i, rlen, n;
	char *out, name[256];

	for (i = 0; r == NULL && i < s->nextra; i++)
		if (below(abs, len, s->extra[i], strlen(s->extra[i])) != NULL)
			r = abs;
	errno = 0;
	if (r == NULL || r == abs + len)
		return NULL;
	rlen = (size_t)(abs + len - r);
	/* an ignored name anywhere, or .gleisner at the top of the project */
	for (p = r; p < abs + len; p = q + 1) {
		if ((q = memchr(p, '/', (size_t)(abs + len - p))) == NULL)
			q = abs + len;
		n = (size_t)(q - p);
		if (n == 0 || n >= 256)
			continue;
		memcpy(name, p, n);
		name[n] = '\0';
		/* a dirlen of 0 is the top of the project */
		if (ignored(s, r != abs && p == r ? 0 : 1, name))
			return NULL;
	}
	if ((out = malloc(rlen + 1)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(out, r, rlen);
	out[rlen] = '\0';
	*outlen = rlen;
	return out;
}

int
gl_watch_error(struct gl_watch_session *s, const char *rel, size_t len,
    const char *what)
{
	jv o = gl_utf8_set_name(jv_object(), "path", rel, len);

	s->complete = 0;
	o = jv_object_set(o, jv_string("error"), jv_string(what));
	return gl_watch_emit(s, GL_WATCH_ERROR, o);
}

/* A watch could not be added: fatal before we are ready, an event after. */
static int
watch_failed(struct gl_watch_session *s, const char *abs, const char *rel,
    size_t len)
{
	int e = errno;

	if (!s->ready) {
		s->limit = e == ENOSPC;
		return fail(s, abs, e);
	}
	return gl_watch_error(s, rel, len, e == ENOSPC ?
	    "inotify watch limit reached (fs.inotify.max_user_watches)" :
	    strerror(e));
}

static int content(struct gl_watch_session *, int, int, const char *, const char *,
    size_t, int);

/* Watch the directory rel and everything below it (inotify).  With synth,
 * report what is already there: it may have been created before the watch
 * existed (B12), or arrived in a renamed-in directory (B14). */
static int
add_tree(struct gl_watch_session *s, const char *rel, size_t len, int synth)
{
	char *abs, *child;
	size_t clen;
	struct dirent *e;
	struct stat sb;
	DIR *d;
	int wd = -1, isdir, rc = 0;

	if ((abs = abs_of(s, rel, len)) == NULL)
		return fail(s, NULL, ENOMEM);
	if (s->backend == GL_WATCH_INOTIFY) {
		if ((wd = inotify_add_watch(s->ifd, abs, MASK | (s->noreads ? 0 :
		    IN_CLOSE_NOWRITE))) < 0) {
			/* gone or replaced by a non-directory meanwhile: nothing to see */
			if (!(s->ready && (errno == ENOENT || errno == ENOTDIR)))
				rc = watch_failed(s, abs, rel, len);
			goto out;
		}
		if (gl_watch_put(&s->w, wd, rel, len) < 0) {
			rc = fail(s, NULL, ENOMEM);
			goto out;
		}
	}
	if ((d = opendir(abs)) == NULL) {
		if (!(s->ready && (errno == ENOENT || errno == ENOTDIR)))
			rc = watch_failed(s, abs, rel, len);
		goto out;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    ignored(s, len, e->d_name))
			continue;
		child = gl_watch_join(rel, len, e->d_name, strlen(e->d_name), &clen);
		if (child == NULL) {
			rc = fail(s, NULL, ENOMEM);
			break;
		}
		isdir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN && fstatat(dirfd(d), e->d_name, &sb,
		    AT_SYMLINK_NOFOLLOW) == 0)
			isdir = S_ISDIR(sb.st_mode);
		if (synth)
			rc = emit_path(s, GL_WATCH_CREATE, child, clen, isdir, "synthetic");
		/* written and closed before we watched: its content is a write */
		if (rc == 0 && synth && (e->d_type == DT_REG || (e->d_type == DT_UNKNOWN &&
		    fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(sb.st_mode))))
			rc = content(s, GL_WATCH_WRITE, wd, e->d_name, child, clen, 1);
		if (rc == 0 && isdir)
			rc = add_tree(s, child, clen, synth);
		free(child);
	}
	closedir(d);
out:
	free(abs);
	return rc;
}

int
gl_watch_synth(struct gl_watch_session *s, const char *rel, size_t len)
{
	return add_tree(s, rel, len, 1);
}

/* Forget the watches of a directory that left the tree. */
static int
drop_tree(struct gl_watch_session *s, const char *rel, size_t len)
{
	int *wds;
	long i, n;

	if ((n = gl_watch_under(&s->w, rel, len, &wds)) < 0)
		return fail(s, NULL, ENOMEM);
	for (i = 0; i < n; i++) {
		inotify_rm_watch(s->ifd, wds[i]);
		gl_watch_del(&s->w, wds[i]);
	}
	free(wds);
	return 0;
}

static void
clear_pending(struct gl_watch_session *s)
{
	free(s->pend.path);
	s->pend.path = NULL;
	s->pend.valid = 0;
}

/* An IN_MOVED_FROM without partner: the name left the tree. */
int
gl_watch_flush(struct gl_watch_session *s)
{
	int rc;

	if (!s->pend.valid)
		return 0;
	rc = emit_path(s, GL_WATCH_DELETE, s->pend.path, s->pend.len, s->pend.dir,
	    "moved_out");
	if (rc == 0 && s->pend.dir)
		rc = drop_tree(s, s->pend.path, s->pend.len);
	clear_pending(s);
	return rc;
}

static int
renamed(struct gl_watch_session *s, const char *to, size_t tlen)
{
	jv o = jv_object();
	int rc;

	o = gl_utf8_set_name(o, "from", s->pend.path, s->pend.len);
	o = gl_utf8_set_name(o, "to", to, tlen);
	o = jv_object_set(o, jv_string("cookie"), jv_number(s->pend.cookie));
	if (s->pend.dir)
		o = jv_object_set(o, jv_string("dir"), jv_true());
	rc = gl_watch_emit(s, GL_WATCH_RENAME, o);
	if (rc == 0 && s->pend.dir && gl_watch_rename(&s->w, s->pend.path,
	    s->pend.len, to, tlen) < 0)
		rc = fail(s, NULL, ENOMEM);
	clear_pending(s);
	return rc;
}

/* Our own read of wd/name makes one IN_CLOSE_NOWRITE: 1 if ev is it. */
static int
ours(struct gl_watch_session *s, int wd, const char *name)
{
	size_t i;

	for (i = 0; i < s->nself; i++)
		if (s->self[i].wd == wd && strcmp(s->self[i].name, name) == 0) {
			free(s->self[i].name);
			s->self[i] = s->self[--s->nself];
			return 1;
		}
	return 0;
}

/* A write or read: the content now, hashed through a descriptor whose close
 * we will see again and must not take for a read. */
static int
content(struct gl_watch_session *s, int t, int wd, const char *name,
    const char *path, size_t len, int synth)
{
	struct gl_watch_self *q;
	char *abs;
	int fd;
	jv o = gl_utf8_set_name(jv_object(), "path", path, len);

	if (synth)
		o = jv_object_set(o, jv_string("synthetic"), jv_true());

	if ((abs = abs_of(s, path, len)) == NULL) {
		jv_free(o);
		return fail(s, NULL, ENOMEM);
	}
	fd = open(abs, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	free(abs);
	if (fd >= 0 && !s->noreads && s->backend == GL_WATCH_INOTIFY) {
		if ((q = realloc(s->self, (s->nself + 1) * sizeof *q)) == NULL ||
		    (s->self = q, q[s->nself].name = strdup(name)) == NULL) {
			close(fd);
			jv_free(o);
			return fail(s, NULL, ENOMEM);
		}
		q[s->nself++].wd = wd;
	}
	o = gl_watch_digest(o, fd);
	if (fd >= 0)
		close(fd);
	return gl_watch_emit(s, t, o);
}

static int
attrib(struct gl_watch_session *s, const char *path, size_t len, int dir)
{
	char *abs, mode[8];
	struct stat sb;
	jv o = gl_utf8_set_name(jv_object(), "path", path, len);

	if ((abs = abs_of(s, path, len)) == NULL) {
		jv_free(o);
		return fail(s, NULL, ENOMEM);
	}
	if (dir)
		o = jv_object_set(o, jv_string("dir"), jv_true());
	if (lstat(abs, &sb) == 0) {
		snprintf(mode, sizeof mode, "%04o", (unsigned)(sb.st_mode & 07777));
		o = jv_object_set(o, jv_string("mode"), jv_string(mode));
		o = jv_object_set(o, jv_string("uid"), jv_number(sb.st_uid));
		o = jv_object_set(o, jv_string("gid"), jv_number(sb.st_gid));
	}
	free(abs);
	return gl_watch_emit(s, GL_WATCH_ATTRIB, o);
}

static int
handle(struct gl_watch_session *s, const struct inotify_event *ev)
{
	const struct gl_watch_dir *d;
	int dir = (ev->mask & IN_ISDIR) != 0, match, rc = 0;
	char *path;
	size_t len;

	if ((ev->mask & IN_CLOSE_NOWRITE) && (dir || ev->len == 0 ||
	    ours(s, ev->wd, ev->name)))
		return 0;	/* a directory listing, or our own read */
	match = s->pend.valid && (ev->mask & IN_MOVED_TO) &&
	    ev->cookie == s->pend.cookie;
	if (!match && gl_watch_flush(s) < 0)
		return -1;
	if (ev->mask & IN_Q_OVERFLOW) {
		s->overflows++;
		s->complete = 0;
		return gl_watch_emit(s, GL_WATCH_OVERFLOW, jv_object_set(jv_object(),
		    jv_string("backend"), jv_string("inotify")));
	}
	if (ev->mask & IN_IGNORED) {
		gl_watch_del(&s->w, ev->wd);
		return 0;
	}
	if ((d = gl_watch_get(&s->w, ev->wd)) == NULL || ev->len == 0)
		return 0;
	if (ignored(s, d->len, ev->name))	/* renamed into an ignored name: */
		return match ? gl_watch_flush(s) : 0;	/* gone for us */
	if ((path = gl_watch_join(d->rel, d->len, ev->name, strlen(ev->name),
	    &len)) == NULL)
		return fail(s, NULL, ENOMEM);
	if (match)
		rc = renamed(s, path, len);
	else if (ev->mask & IN_MOVED_FROM) {
		s->pend.valid = 1;
		s->pend.dir = dir;
		s->pend.cookie = ev->cookie;
		s->pend.path = path;
		s->pend.len = len;
		return 0;
	} else if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
		rc = emit_path(s, GL_WATCH_CREATE, path, len, dir,
		    (ev->mask & IN_MOVED_TO) ? "moved_in" : NULL);
		if (rc == 0 && dir)
			rc = add_tree(s, path, len, 1);
	} else if (ev->mask & IN_CLOSE_WRITE)
		rc = content(s, GL_WATCH_WRITE, ev->wd, ev->name, path, len, 0);
	else if (ev->mask & IN_CLOSE_NOWRITE)
		rc = content(s, GL_WATCH_READ, ev->wd, ev->name, path, len, 0);
	else if (ev->mask & IN_DELETE)
		rc = emit_path(s, GL_WATCH_DELETE, path, len, dir, NULL);
	else if (ev->mask & IN_ATTRIB)
		rc = attrib(s, path, len, dir);
	free(path);
	return rc;
}

int
gl_watch_drain(struct gl_watch_session *s)
{
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	char *p;

	for (;;) {
		if ((n = read(s->ifd, buf, sizeof buf)) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return fail(s, "inotify read", errno);
		}
		for (p = buf; p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			if (handle(s, ev) < 0)
				return -1;
		}
	}
}

int
gl_watch_start(struct gl_watch_session *s)
{
	jv o, ex;
	size_t i;

	if (s->backend == GL_WATCH_INOTIFY) {
		if (add_tree(s, "", 0, 0) < 0)
			return -1;
		for (i = 0; i < s->nextra; i++)
			if (add_tree(s, s->extra[i], strlen(s->extra[i]), 0) < 0)
				return -1;
	}
	ex = jv_array();
	for (i = 0; i < s->nextra; i++)
		ex = jv_array_append(ex, gl_utf8_set_name(jv_object(), "path",
		    s->extra[i], strlen(s->extra[i])));
	o = gl_utf8_set_name(jv_object(), "root", s->root, strlen(s->root));
	o = jv_object_set(o, jv_string("pid"), jv_number(getpid()));
	o = jv_object_set(o, jv_string("watches"), jv_number((double)s->w.n));
	o = jv_object_set(o, jv_string("backend"), jv_string(
	    s->backend == GL_WATCH_FANOTIFY ? "fanotify" : "inotify"));
	o = jv_object_set(o, jv_string("proc_backend"), jv_string(
	    s->proc_backend != NULL ? s->proc_backend : "none"));
	if (s->proc_partial)
		o = jv_object_set(o, jv_string("proc_partial"), jv_true());
	o = jv_object_set(o, jv_string("reads"), jv_bool(!s->noreads));
	o = jv_object_set(o, jv_string("pids"), jv_bool(s->backend == GL_WATCH_FANOTIFY));
	o = jv_object_set(o, jv_string("version"), jv_string(GL_VERSION));
	if (s->nextra > 0)
		o = jv_object_set(o, jv_string("extra"), ex);
	else
		jv_free(ex);
	if (gl_watch_emit(s, GL_WATCH_START, o) < 0)
		return -1;
	s->ready = 1;
	return 0;
}

int
gl_watch_timeout(const struct gl_watch_session *s)
{
	return s->pend.valid ? PAIR_WAIT_MS : -1;
}

int
gl_watch_end(struct gl_watch_session *s)
{
	jv counts = jv_object(), o = jv_object();
	int t;

	for (t = 0; t < GL_WATCH_NTYPES; t++)
		if (s->count[t])
			counts = jv_object_set(counts, jv_string(types[t]),
			    jv_number((double)s->count[t]));
	o = jv_object_set(o, jv_string("counts"), counts);
	o = jv_object_set(o, jv_string("complete"), jv_bool(s->complete));
	o = jv_object_set(o, jv_string("overflows"), jv_number((double)s->overflows));
	o = jv_object_set(o, jv_string("redactions"), jv_number((double)s->redactions));
	o = jv_object_set(o, jv_string("watches"), jv_number((double)s->w.n));
	return gl_watch_emit(s, GL_WATCH_END, o);
}

void
gl_watch_session_free(struct gl_watch_session *s)
{
	size_t i;

	clear_pending(s);
	gl_watch_free(&s->w);
	for (i = 0; i < s->nself; i++)
		free(s->self[i].name);
	free(s->self);
	s->self = NULL;
	s->nself = 0;
	free(s->errobj);
	s->errobj = NULL;
}
