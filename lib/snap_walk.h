/* snap_walk: the state of one gl-snapshot walk, shared by the snap_*
 * modules (walk, rules, hash, cache, json, diff); not for the tools,
 * which use snap.h. */
#ifndef GL_SNAP_WALK_H
#define GL_SNAP_WALK_H
#include <stdatomic.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>
#include <jv.h>

#include "digest.h"
#include "ignore.h"
#include "snap.h"

/* why an entry was not walked, counted in "ignored" */
enum { GL_SNAP_IG_GLEISNER, GL_SNAP_IG_GITOBJ, GL_SNAP_IG_IGNORE, GL_SNAP_IG_EXCLUDE,
	GL_SNAP_IG_GITIGNORE, GL_SNAP_IG_N };

struct gl_snap_ent {
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

struct gl_snap_skip {
	char *path;
	size_t len;
	char *reason;
};

/* what a cached file entry says */
struct gl_snap_cent {
	char *path;
	size_t len;
	unsigned long long size, ino;
	struct timespec ctime;
	char sha[GL_SHA256_HEX];
	jv xattrs;		/* object, or jv_null() */
};

struct gl_snap_cache {
	struct gl_snap_cent *c;	/* sorted by path */
	size_t nc, cap;
	struct timespec cutoff;	/* files with an older ctime may use c */
	int started;		/* it has a start time: its digests may be used */
	jv gitignore;		/* its .gitignore rules, or jv_null() */
};

#define GL_SNAP_BLK 1024

struct gl_snap_walk {
	const struct gl_snap_opts *o;
	struct gl_snap_ent *e;	/* all entries, once walked */
	size_t n;
	struct gl_snap_skip *s;
	size_t ns, scap;
	struct gl_snap_ent **blk;	/* entries while walking, BLK a block */
	struct gl_snap_pool *pool;	/* hashes the regular files */
	size_t npend;		/* files handed to the pool */
	struct gl_ignore excl;	/* --exclude */
	struct gl_ignore *gi;	/* .gitignore rules, innermost last */
	size_t ngi, gicap;
	jv girules;		/* {base, rules} of every .gitignore used */
	jv cachegi;		/* the cache's rules, when it has them */
	unsigned long long ign[GL_SNAP_IG_N];
	_Atomic unsigned long long bytes;
	_Atomic size_t hashed;
	struct timespec t0, last;	/* start, last progress line */
	int oom;
};

/* snap_walk.c */
int gl_snap_pathcmp(const char *a, size_t an, const char *b, size_t bn);
int gl_snap_tscmp(const struct timespec *a, const struct timespec *b);
/* Record path as skipped (what failed, its errno or 0) and warn. */
void gl_snap_skip(struct gl_snap_walk *w, const char *path, size_t len, const char *what, int e);
/* The progress line; done erases it. */
void gl_snap_progress(struct gl_snap_walk *w, int done);

/* snap_rules.c: what is ignored */
int gl_snap_rules_init(struct gl_snap_walk *w);
/* By path alone (before lstat), or by pattern: GL_SNAP_IG_* or -1. */
int gl_snap_rules_name(const struct gl_snap_walk *w, const char *path, size_t len);
int gl_snap_rules_pattern(const struct gl_snap_walk *w, const char *path, size_t len, int isdir);
/* Push the .gitignore of directory pre (open as dfd): 1 pushed, 0 none, -1 OOM. */
int gl_snap_rules_push(struct gl_snap_walk *w, int dfd, const char *pre, size_t plen);
void gl_snap_rules_pop(struct gl_snap_walk *w);
/* The "ignored" member; takes w->girules. */
jv gl_snap_rules_summary(struct gl_snap_walk *w);

/* snap_hash.c: file content and xattrs */
/* The xattrs of an open fd, or of procpath (not followed) when fd < 0. */
int gl_snap_xattrs(int fd, const char *procpath, jv *out);
/* Start the hashing threads (w->o->threads, the walker counted); NULL: OOM. */
struct gl_snap_pool *gl_snap_pool_start(struct gl_snap_walk *w);
/* Hash regular file e from fd (open, e->st its fstat), which is closed:
 * now in this thread or later in another.  The outcome is in e. */
void gl_snap_pool_file(struct gl_snap_pool *p, struct gl_snap_ent *e, int fd);
/* Hash what is left, with the threads, and end them. */
void gl_snap_pool_finish(struct gl_snap_pool *p);

/* snap_cache.c: 1 when the cache gives e's digest (and xattrs) */
int gl_snap_cache_lookup(const struct gl_snap_cache *c, struct gl_snap_ent *e);

/* snap_json.c: the snapshot as one line, malloc'ed; NULL with errno */
char *gl_snap_json_line(struct gl_snap_walk *w, const char *root, const char *started,
    size_t *len);

#endif
