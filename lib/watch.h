/* watch: a recursive inotify watch of a project tree.  The table maps watch
 * descriptor -> directory path relative to the root ("" is the root), with
 * the path helpers needed to follow renames of whole subtrees; the session
 * turns inotify events into gleisner-events(5) lines, pairing renames. */
#ifndef GL_WATCH_H
#define GL_WATCH_H
#include <stddef.h>
#include <stdint.h>
#include <jv.h>

struct gl_watch_dir {
	char *rel;		/* NULL when the slot is free */
	size_t len;
};

struct gl_watch {
	struct gl_watch_dir *d;	/* indexed by watch descriptor */
	size_t cap;
	size_t n;		/* slots in use */
};

/* Set wd's path (a copy of rel[0..len)), replacing any previous one. */
int gl_watch_put(struct gl_watch *w, int wd, const char *rel, size_t len);
/* wd's entry, or NULL. */
const struct gl_watch_dir *gl_watch_get(const struct gl_watch *w, int wd);
void gl_watch_del(struct gl_watch *w, int wd);
/* 1 when path is p or lies below p ("p/..."); everything is below "". */
int gl_watch_is_under(const char *path, size_t len, const char *p, size_t plen);
/* Rewrite every path equal to or below from so that it starts with to.
 * Returns the number of entries changed, -1 on allocation failure. */
int gl_watch_rename(struct gl_watch *w, const char *from, size_t flen,
    const char *to, size_t tlen);
/* The watch descriptors at or below p, malloc'ed into *out; count or -1. */
long gl_watch_under(const struct gl_watch *w, const char *p, size_t plen, int **out);
/* "rel/name" (or "name" when rel is ""), malloc'ed, NUL-terminated. */
char *gl_watch_join(const char *rel, size_t len, const char *name, size_t nlen,
    size_t *outlen);
void gl_watch_free(struct gl_watch *w);

/* event types, in the order of session.end's counts */
enum { GL_WATCH_START, GL_WATCH_CREATE, GL_WATCH_WRITE, GL_WATCH_DELETE,
	GL_WATCH_RENAME, GL_WATCH_ATTRIB, GL_WATCH_READ, GL_WATCH_EXEC,
	GL_WATCH_EXIT, GL_WATCH_OVERFLOW, GL_WATCH_ERROR, GL_WATCH_END,
	GL_WATCH_NTYPES };
enum { GL_WATCH_INOTIFY, GL_WATCH_FANOTIFY };

struct gl_watch_session {
	int backend;		/* GL_WATCH_INOTIFY (ifd) or GL_WATCH_FANOTIFY */
	int ifd;		/* the inotify or fanotify instance, nonblocking */
	int out;		/* where event lines go */
	const char *outname;	/* for messages */
	const char *root;	/* absolute path of the project: paths relative to it */
	char *const *extra;	/* more absolute directories: absolute paths */
	size_t nextra;
	char *const *ignore;	/* names never watched nor reported */
	size_t nignore;
	int noreads;		/* do not report reads (nor hash them) */
	const char *proc_backend; /* for session.start: "proc-connector", ... */
	int proc_partial;	/* the process backend may miss processes */
	struct gl_watch w;	/* inotify: wd -> directory relative to root */
	int ready;		/* session.start written: failures become events */
	int complete;		/* no event was lost */
	unsigned long long seq, overflows, redactions, count[GL_WATCH_NTYPES];
	struct {		/* an IN_MOVED_FROM waiting for its partner */
		int valid, dir;
		uint32_t cookie;
		char *path;
		size_t len;
	} pend;
	struct gl_watch_self {	/* inotify: our own closes, not to report */
		int wd;
		char *name;
	} *self;
	size_t nself;
	void *fan;		/* the fanotify backend's state */
	/* Why the last call returned -1: errobj is the path or call that
	 * failed with errnum (NULL: out of memory); limit is set when that
	 * was the inotify watch limit (ENOSPC) before the session was ready. */
	char *errobj;
	int errnum, limit;
};

/* The caller fills backend, ifd, out, outname, root, extra, ignore and
 * sets complete = 1.  inotify: watch the trees; then write session.start. */
int gl_watch_start(struct gl_watch_session *s);
/* inotify: read and handle every event queued now. */
int gl_watch_drain(struct gl_watch_session *s);
/* poll(2) timeout: how long a pending IN_MOVED_FROM waits for its partner. */
int gl_watch_timeout(const struct gl_watch_session *s);
/* Report a pending IN_MOVED_FROM that got no partner as a delete. */
int gl_watch_flush(struct gl_watch_session *s);
/* Write session.end with the counts. */
int gl_watch_end(struct gl_watch_session *s);
/* Free what the session allocated (not ifd, out or root). */
void gl_watch_session_free(struct gl_watch_session *s);

/* For the other backends: write one event of type t (o consumed), adding
 * ts, seq, src and type; flushed at once. */
int gl_watch_emit(struct gl_watch_session *s, int t, jv o);
/* The event name of an absolute path: relative to root, itself under an
 * extra directory, NULL (errno 0) when outside all or ignored. */
char *gl_watch_name(const struct gl_watch_session *s, const char *abs, size_t len,
    size_t *outlen);
/* Set o.sha256 to the digest of the regular file open as fd (any mode), or
 * o.error when it cannot be read; o is consumed. */
jv gl_watch_digest(jv o, int fd);
/* Report what is inside the directory abs (named rel) as synthetic
 * creates; inotify: and watch it. */
int gl_watch_synth(struct gl_watch_session *s, const char *rel, size_t len);
/* Record that the session is incomplete because of an error at path. */
int gl_watch_error(struct gl_watch_session *s, const char *rel, size_t len,
    const char *what);

#endif
