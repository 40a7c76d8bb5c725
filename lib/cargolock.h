/* cargolock: the TOML subset of Cargo.lock (versions 1 to 4), parsed and
 * its dependency edges resolved with cargo's own rules. */
#ifndef GL_CARGOLOCK_H
#define GL_CARGOLOCK_H
#include <stddef.h>
#include <jv.h>

struct gl_cargolock_pkg {
	char *name, *version;
	char *source;		/* NULL: a path or workspace package */
	char *checksum;		/* 64 lowercase hex, or NULL */
	size_t *deps;		/* indices into pkg[], sorted, unique */
	size_t ndeps;
	int line;		/* of its [[package]] header */
};

struct gl_cargolock {
	struct gl_cargolock_pkg *pkg;	/* in file order */
	size_t n;
	int version;		/* the "version" key, 0 when absent (v1, v2) */
};

/* Parse buf.  On failure -1 and why gets "LINE: what" (or "0: out of
 * memory"); *lk then needs no freeing. */
int gl_cargolock_parse(const char *buf, size_t len, struct gl_cargolock *lk,
    char *why, size_t whysz);
void gl_cargolock_free(struct gl_cargolock *lk);
/* Parse buf into the lockfile shape of lib/sbom.h (purls, SHA-256 hashes,
 * git vcs references, path crates as local); invalid "LINE: what". */
jv gl_cargolock_sbom(const char *buf, size_t len, const char *aux, size_t auxlen);

#endif
