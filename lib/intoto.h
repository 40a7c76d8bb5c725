/* intoto: checks of an in-toto Statement v1 that has already been verified
 * and strictly parsed: type, predicate type, subjects, files, parent link. */
#ifndef GL_INTOTO_H
#define GL_INTOTO_H
#include <stddef.h>
#include <jv.h>

#include "digest.h"

#define GL_INTOTO_STATEMENT	"https://in-toto.io/Statement/v1"
#define GL_INTOTO_SLSA		"https://slsa.dev/provenance/v1"
#define GL_INTOTO_PARENT_ROLE	"parent-attestation"

enum gl_intoto_step {
	GL_INTOTO_OK = 0,
	GL_INTOTO_STATEMENT_BAD,	/* not an object, wrong _type, bad predicate */
	GL_INTOTO_PREDTYPE_BAD,		/* predicateType missing or not expected */
	GL_INTOTO_SUBJECTS_BAD,		/* a subject name or digest is unusable */
};

/* Check st (not consumed) in that order; the first failure is returned with
 * a one-line reason in why. */
enum gl_intoto_step gl_intoto_check(jv st, const char *expect_type, char *why,
    size_t whysz);
/* 1 when name is a usable relative path: not empty, no NUL, no leading '/',
 * no empty, "." or ".." component. */
int gl_intoto_name_ok(const char *name, size_t len);
/* The parent link in predicate.buildDefinition.resolvedDependencies: 0 none,
 * 1 found (hex set), -1 malformed or more than one (why set). */
int gl_intoto_parent(jv st, char hex[GL_SHA256_HEX], char *why, size_t whysz);
/* Every subject's file under dir, opened beneath it without following any
 * symlink, must be a regular file with the subject's sha256.  The raw name
 * is annotations.path_b64 when present, else name.  0 all match; 1 a file
 * is missing, not regular, escapes or differs; -1 system failure (errno);
 * why says which. */
int gl_intoto_check_files(jv st, const char *dir, char *why, size_t whysz);

/* Every material (resolvedDependencies with annotations.role "material")
 * with a relative name, opened under dir as above, must match one of the
 * digests recorded for that name; a material that is also a subject or a
 * deleted file is passed over (the session changed it).  0 all match, 1 a
 * mismatch, -1 system failure; why says which, or what was checked. */
int gl_intoto_check_materials(jv st, const char *dir, char *why, size_t whysz);

#endif
