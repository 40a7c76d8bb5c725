/* watch: a recursive inotify watch of a project tree.  The table maps watch
 * descriptor -> directory path relative to the root ("" is the root), with
 * the path helpers needed to follow renames of whole subtrees; the session
 * turns inotify events into gleisner-events(5) lines, pairing renames. */
#ifndef GL_WATCH_H
#define GL_WATCH_H
#include <stddef.h>
#include <stdint.h>

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

#define GL_WATCH_NTYPES 9	/* event types, session.start .. session.end */

struct gl_watch_session {
	int ifd;		/* the inotify instance, IN_NONBLOCK */
	int out;		/* where event lines go */
	const char *outname;	/* for messages */
	const char *root;	/* absolute path of the watched directory */
	char *const *ignore;	/* names never watched nor reported */
	size_t nignore;
	struct gl_watch w;	/* wd -> directory relative to root */
	int ready;		/* session.start written: failures become events */
	int complete;		/* no event was lost */
	unsigned long long seq, overflows, count[GL_WATCH_NTYPES];
	struct {		/* an IN_MOVED_FROM waiting for its partner */
		int valid, dir;
		uint32_t cookie;
		char *path;
		size_t len;
	} pend;
	/* Why the last call returned -1: errobj is the path or call that
	 * failed with errnum (NULL: out of memory); limit is set when that
	 * was the inotify watch limit (ENOSPC) before the session was ready. */
	char *errobj;
	int errnum, limit;
};

/* The caller fills ifd, out, outname, root, ignore, nignore and sets
 * complete = 1.  Watch the whole tree, then write session.start. */
int gl_watch_start(struct gl_watch_session *s);
/* Read and handle every event queued now. */
int gl_watch_drain(struct gl_watch_session *s);
/* poll(2) timeout: how long a pending IN_MOVED_FROM waits for its partner. */
int gl_watch_timeout(const struct gl_watch_session *s);
/* Report a pending IN_MOVED_FROM that got no partner as a delete. */
int gl_watch_flush(struct gl_watch_session *s);
/* Write session.end with the counts. */
int gl_watch_end(struct gl_watch_session *s);
/* Free what the session allocated (not ifd, out or root). */
void gl_watch_session_free(struct gl_watch_session *s);

#endif
