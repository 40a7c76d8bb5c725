/* gl: what every tool shares: version and exit codes (see STYLE.md). */
#ifndef GL_GL_H
#define GL_GL_H

#ifndef GL_VERSION
#define GL_VERSION "0.0.0"
#endif
#define GL_BUILDER_ID "https://gleisner.dev/gleisner@" GL_VERSION

/* filters and stream tools */
enum {
	GL_EX_OK = 0,		/* ok, verified */
	GL_EX_FAIL = 1,		/* negative verdict */
	GL_EX_USAGE = 2,	/* bad command line */
	GL_EX_DATA = 3,		/* bad input data */
	GL_EX_SYS = 4,		/* system failure */
};

/* chain tools (gl-jail, gl-landlock, gl-netfilter) */
enum {
	GL_EX_SETUP = 125,	/* the tool itself failed */
	GL_EX_NOEXEC = 126,	/* program not executable */
	GL_EX_NOTFOUND = 127,	/* program not found */
	GL_EX_SIGNAL = 128,	/* + signal number */
};

/* input caps */
#define GL_CAP_DOC	(64UL << 20)	/* one JSON document */
#define GL_CAP_LINE	(1UL << 20)	/* one JSONL line */

#endif
