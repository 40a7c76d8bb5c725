/* snap: the hash tree of a directory (gl-snapshot(1)) and the diff of two. */
#ifndef GL_SNAP_H
#define GL_SNAP_H
#include <stddef.h>
#include <jv.h>

struct gl_snap_cache;		/* what a trusted earlier snapshot says */

struct gl_snap_opts {
	char **ignore;		/* relative names ignored with all below them */
	size_t nignore;
	char **exclude;		/* .gitignore-style patterns relative to the top */
	size_t nexclude;
	int gitignore;		/* honour .gitignore files (from the cache, if any) */
	const struct gl_snap_cache *cache;/* a trusted earlier snapshot, or NULL */
	int progress;		/* 1: a progress line on stderr after a second; 2: at once */
	int threads;		/* hashing threads, 0: one per online CPU */
	const char *prog;	/* program name for warnings */
};

/* Walk dir without following symlinks and return the snapshot as one
 * JSON line ("\n"-terminated, sorted keys, as gl_json_write_line writes
 * it), written without a jv per entry: malloc'ed, *len bytes.  Regular
 * files are hashed by o->threads threads.  Unreadable parts go to
 * "skipped" (with a warning on stderr) and make "complete" false; only a
 * failure to open dir itself, or OOM, is an error: NULL with errno. */
char *gl_snap_walk_line(const char *dir, const struct gl_snap_opts *o, size_t *len);
/* Read a trusted earlier snapshot for --cache from its text (strict JSON,
 * checked by the caller), without a jv per entry.  NULL with a one-line
 * reason in why when it is not a snapshot. */
struct gl_snap_cache *gl_snap_cache_load(const char *buf, size_t len, char *why, size_t whysz);
/* 0 when it has no start time: its digests cannot be trusted. */
int gl_snap_cache_usable(const struct gl_snap_cache *c);
void gl_snap_cache_free(struct gl_snap_cache *c);
/* Check that snap (not consumed) is a snapshot this module can read:
 * 0, or -1 with a one-line reason in why. */
int gl_snap_check(jv snap, char *why, size_t whysz);
/* The diff of two checked snapshots (both consumed). */
jv gl_snap_diff(jv pre, jv post);
/* 1 if path (len bytes) equals pat or lies below it ("pat/..."). */
int gl_snap_under(const char *path, size_t len, const char *pat);

#endif
