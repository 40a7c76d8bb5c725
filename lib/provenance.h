/* provenance: the parts of a Gleisner statement (gleisner-attestation(5))
 * made from the inputs gl-statement reads: subjects and deleted files from a
 * gl-snapshot diff, a summary of a gl-watch audit log, the parent link, the
 * git dependency; and the checks on values given on the command line. */
#ifndef GL_PROVENANCE_H
#define GL_PROVENANCE_H
#include <stddef.h>
#include <jv.h>

/* 1 when p[0..len) is a safe relative name: not empty, no NUL, no leading,
 * trailing or doubled '/', no "." or ".." component. */
int gl_provenance_relpath_ok(const char *p, size_t len);
/* Name rd (consumed) after path: "name" is the path when it is UTF-8 text
 * without control characters, else its percent-encoding (gl_utf8_pct_encode)
 * with the raw bytes in annotations.path_b64 (SPEC 7.11). */
jv gl_provenance_name(jv rd, const char *path, size_t len);
/* From a gl-snapshot diff (consumed): {"subjects":[RD],"deleted":[RD],
 * "other":[change],"complete":bool}, each list sorted by raw path bytes
 * ("complete" is false when the diff says its snapshots skipped paths); or
 * invalid with a message naming the place ("added[2]: ..."). */
jv gl_provenance_diff(jv diff);
/* Summary of a gl-watch JSONL log: {"counts":{type:n},"sessionEnd":bool,
 * "complete":bool (a session.end saying complete, no watch.overflow or
 * watch.error),"overflows":n,"errors":n,"denials":n (*.deny and refused
 * net.dns),"reads":bool (session.start says reads are observed),
 * "backend","procBackend","unreadMaterials":n,"materials":[RD]} where the
 * materials are the file.read events' (name, sha256) pairs, sorted by raw
 * name bytes then digest, each once.  On bad input, invalid with a message
 * and *line set to the 1-based line number. */
jv gl_provenance_events(const char *buf, size_t len, unsigned long *line);
/* The lowercase hex sha256 of the decoded payload of a DSSE envelope, as a
 * jv string; invalid with a message if buf is not a well-formed envelope. */
jv gl_provenance_parent(const char *buf, size_t len);
/* The resolvedDependencies entry for a git-state document (consumed), null
 * when it names no commit, invalid when malformed.  project may be NULL. */
jv gl_provenance_git(jv git, const char *project);
/* 1 for a lowercase RFC 4122 UUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
int gl_provenance_uuid_ok(const char *s);
/* 1 for a real UTC time with whole seconds, "YYYY-MM-DDTHH:MM:SSZ". */
int gl_provenance_time_ok(const char *s);

#endif
