/* sbom: the CycloneDX document gl-sbom writes: components and the
 * dependency graph gathered from parsed lockfiles, the trust annotations of
 * a comparison with an earlier SBOM, and the checks the schema cannot make.
 *
 * A parsed lockfile (what every lock_* module returns) is a jv object
 *   {"pkgs": [PKG...], "direct": [index...]}
 * with PKG = {"name", "group"?, "version"?, "purl"?, "local"? (directory
 * relative to the lockfile, for path and workspace packages, which never get
 * a purl), "root"? (true: the package the lockfile belongs to), "hashes"?,
 * "scope"? ("optional" | "excluded"), "properties"?, "externalReferences"?,
 * "deps": [index...], "nodeps"? (true: what it depends on is unknown)};
 * "direct" hangs off the project. */
#ifndef GL_SBOM_H
#define GL_SBOM_H
#include <jv.h>

/* Append the hashes of an SRI string ("sha512-<b64> sha1-<b64>") to
 * *hashes as CycloneDX {alg, content: lowercase hex}.  -1 if malformed. */
int gl_sbom_sri(jv *hashes, const char *sri);
/* {alg, content} for a hex digest (lowercased), or jv_null() when its
 * length does not fit alg or it is not hex. */
jv gl_sbom_hash(const char *alg, const char *hex);
/* Add the parsed lockfile lock (consumed) of ecosystem eco found at rel
 * (relative to the project) to comps (bom-ref -> component) and deps
 * (bom-ref -> {ref: true}).  The lockfile's root package, when rel is at
 * the top of the project, is the project itself ("project"). */
void gl_sbom_add(jv *comps, jv *deps, const char *eco, const char *rel, jv lock);
/* Mark in comps what changed since the CycloneDX document before (consumed)
 * with gleisner:change properties, append a gleisner:removed property to
 * *props for each component gone, and return the summary
 * {"added", "removed", "changed", "counts"}; invalid (message) if before is
 * not a CycloneDX BOM. */
jv gl_sbom_compare(jv before, jv *comps, jv *props);
/* The document (specVersion spec, metadata.timestamp ts, the root component
 * named after the project directory's base name) with comps and deps as
 * lists sorted by bom-ref and props (an array, consumed; omitted when
 * empty), but no serialNumber yet.  On failure invalid with the failed call
 * as message and errno set. */
jv gl_sbom_bare(jv comps, jv deps, jv props, const char *spec, const char *ts,
    const char *base);
/* The bare document doc (consumed) as its one output line: compact, sorted
 * keys, with a serialNumber that is the UUIDv5 of everything else, and a
 * newline.  Serialised once.  NULL with errno on failure. */
char *gl_sbom_render(jv doc, size_t *len);
/* v (consumed) as compact JSON with sorted keys: the bytes
 * jv_dump_string(v, JV_PRINT_SORTED) gives, written faster.  Numbers must
 * be integers below 2^53.  malloc'ed, NUL-terminated, no newline. */
char *gl_sbom_dump(jv v, size_t *len);
/* gl_sbom_bare and gl_sbom_render, parsed back: the whole document. */
jv gl_sbom_document(jv comps, jv deps, jv props, const char *spec, const char *ts,
    const char *base);
/* What the schema cannot check in doc (consumed): duplicate bom-refs,
 * dangling or duplicate dependency refs, hash length against alg, and (when
 * purls is set) purls that are not canonical.  A sorted array of one-line
 * messages, empty when fine. */
jv gl_sbom_check(jv doc, int purls);

#endif
