/* lockfile: which file names are lockfiles of which ecosystem, and the one
 * entry point that parses any of them into the shape lib/sbom.h describes. */
#ifndef GL_LOCKFILE_H
#define GL_LOCKFILE_H
#include <stddef.h>
#include <jv.h>

struct gl_lockfile {
	const char *file;	/* base name, e.g. "package-lock.json" */
	const char *eco;	/* "cargo", "npm", "golang", "pypi", "gem", "composer" */
	const char *aux;	/* a sibling file it also reads ("go.sum"), or NULL */
	/* parse buf (and the sibling's bytes, or NULL); invalid with a message
	 * "LINE: what", "+LINE: what" (in the sibling), "KEY: what", or
	 * "!what" (out of memory) */
	jv (*parse)(const char *buf, size_t len, const char *aux, size_t auxlen);
};

/* The lockfiles below the open directory dfd (called dir in messages),
 * never in node_modules, vendor, target or a hidden directory, nor through
 * a symbolic link: {"locks": [REL...] (sorted; a package-lock.json beside
 * an npm-shrinkwrap.json left out, as npm does), "unsupported": [REL...],
 * "warnings": ["DIR/REL: what"...]}.  Invalid with errno on failure. */
jv gl_lockfile_find(int dfd, const char *dir);
/* The kind of lockfile named base, or NULL. */
const struct gl_lockfile *gl_lockfile_kind(const char *base);
/* A file name that is a lockfile of an ecosystem gl-sbom does not read
 * (bun, deno, pub, CocoaPods, ...): the ecosystem's name, else NULL. */
const char *gl_lockfile_unsupported(const char *base);
/* The line of byte offset off in buf (1-based). */
int gl_lockfile_line(const char *buf, size_t len, size_t off);
/* A JSON lockfile (valid UTF-8; of duplicate keys the last counts, as in
 * the package managers); the error message is "LINE: what", never quoting
 * the input, or, for a key or string value with a NUL (\u0000) in it,
 * "KEY: a NUL character in a string" (KEY a path like a.b["c/d"][0]). */
jv gl_lockfile_json(const char *buf, size_t len);

/* The kind of obj.key and its integer value, obj not consumed. */
jv_kind gl_lockfile_kind_at(jv obj, const char *key);
int gl_lockfile_num(jv obj, const char *key);

/* A CycloneDX property {"name": name, "value": value}. */
jv gl_lockfile_prop(const char *name, const char *value);
/* pkg (consumed) with that property appended to its "properties" array
 * (made if it has none). */
jv gl_lockfile_prop_add(jv pkg, const char *name, const char *value);

#endif
