/* sbom: the CycloneDX document gl-sbom writes, assembled from the
 * components and dependency edges collected from lockfiles. */
#ifndef GL_SBOM_H
#define GL_SBOM_H
#include <jv.h>

/* The document (specVersion spec, metadata.timestamp ts, the root component
 * named after the project directory's base name) with comps (bom-ref ->
 * component) and deps (bom-ref -> {ref: true}) as lists sorted by bom-ref,
 * and a serialNumber that is the UUIDv5 of everything else.  comps and deps
 * are consumed.  On failure invalid with the failed call as message
 * ("malloc", "uuid") and errno set. */
jv gl_sbom_document(jv comps, jv deps, const char *spec, const char *ts,
    const char *base);

#endif
