/* statement: assemble the in-toto Statement of a recorded session
 * (gleisner-attestation(5)) from the inputs gl-statement has read.  Each
 * input is added by one call, in the order gl-statement reads them; the
 * document order (resolvedDependencies, byproducts) is fixed by finish. */
#ifndef GL_STATEMENT_H
#define GL_STATEMENT_H
#include <stddef.h>
#include <jv.h>

struct gl_statement {
	/* filled by the caller */
	const char *id;		/* invocation id, a lowercase UUID */
	const char *started;	/* RFC 3339 UTC times */
	const char *finished;
	const char *project;	/* project directory; NULL: the jail report's */
	const char *toolver;	/* tool version, UTF-8, or NULL */
	long exitcode;		/* when the jail report has none; -1 unknown */
	/* assembled by the calls below */
	jv jail;		/* the jail report, or invalid */
	jv sandbox;		/* internalParameters.sandbox */
	jv command;		/* externalParameters.command, or invalid */
	jv git, parent;		/* resolvedDependencies entries, or invalid */
	jv materials;		/* resolvedDependencies: the files read */
	jv bys;			/* byproducts before the session entry */
	jv notes;		/* completenessNotes */
	jv other;		/* otherChanges */
	jv subjects;
	double denials;
	int events_ok, diff_ok, reads_ok;
};

void gl_statement_init(struct gl_statement *s);
/* The jail report (consumed): checked, kept for profile, command, exit and
 * project.  jv_true(), or invalid with a message naming the bad part. */
jv gl_statement_jail(struct gl_statement *s, jv report);
/* A gl-statement git-state document (consumed); true or invalid. */
jv gl_statement_git(struct gl_statement *s, jv git);
/* A sandbox stage's own report (consumed), as sandbox.<stage>. */
void gl_statement_sandbox(struct gl_statement *s, const char *stage, jv report);
/* The command: argv when argc > 0, else the jail report's.  true; invalid
 * with a message when an argument is not UTF-8; invalid without one when
 * there is no command at all. */
jv gl_statement_command(struct gl_statement *s, int argc, char *const argv[]);
/* The parent envelope read from path; true or invalid. */
jv gl_statement_parent(struct gl_statement *s, const char *path,
    const char *buf, size_t len);
/* The audit log read from path: its gl_provenance_events summary (consumed),
 * size and sha256.  path NULL: no log was given. */
void gl_statement_events(struct gl_statement *s, const char *path, jv summary,
    size_t size, const char *hex);
/* gl-netfilter's report (consumed) as sandbox.network, replacing the jail
 * report's network section. */
void gl_statement_network(struct gl_statement *s, jv report);
/* A gl-sbom --summary document (consumed) read from path with that sha256,
 * as a byproduct; true or invalid with a message. */
jv gl_statement_sbom(struct gl_statement *s, const char *path, jv summary,
    const char *hex);
/* A byproduct file given by name: its sha256 and size.  true, or invalid
 * when the name is empty, not UTF-8 or already used. */
jv gl_statement_byproduct(struct gl_statement *s, const char *name,
    const char *hex, size_t size);
/* A gl-snapshot diff (consumed), jv_null() when none was given; true or
 * invalid. */
jv gl_statement_diff(struct gl_statement *s, jv diff);
/* An envelope passed over as parent, read from path. */
/* A completeness note of the caller's (e.g. an input that could not be read). */
void gl_statement_note(struct gl_statement *s, const char *text);
void gl_statement_skipped(struct gl_statement *s, const char *path,
    const char *hex);
/* The Statement.  Everything assembled is consumed. */
jv gl_statement_finish(struct gl_statement *s);
void gl_statement_free(struct gl_statement *s);

#endif
