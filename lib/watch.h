/* watch: the table behind a recursive inotify watch: watch descriptor ->
 * directory path relative to the root ("" is the root), and the path helpers
 * gl-watch needs to follow renames of whole subtrees. */
#ifndef GL_WATCH_H
#define GL_WATCH_H
#include <stddef.h>

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

#endif
