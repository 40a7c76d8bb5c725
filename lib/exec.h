/* exec: running the rest of argv, and the chain tools' exit statuses. */
#ifndef GL_EXEC_H
#define GL_EXEC_H
#include <stddef.h>

/* execvp(argv[0], argv); returns 126 or 127 (GL_EX_NOEXEC/NOTFOUND) on failure. */
int gl_exec(char *const argv[]);
/* A wait status as a chain tool's exit code: the code, or 128 + signal. */
int gl_exec_status(int wstatus);
/* The first name on $PATH that any user may run (every directory on its
 * way searchable by others, a regular file executable by others), into
 * out; -1 if none.  For a program another uid will execute: execvp would
 * try, and fail, every directory before it.  A root caller gets only a
 * file that nobody but root could have put there (it and every directory
 * on its way, as named and as resolved, owned by root and writable by no
 * one else, sticky directories aside): what root hands its jail must not
 * be another user's. */
int gl_exec_which_any(const char *name, char *out, size_t outsz);
/* 1 when file, and every directory on its way to it (as named and as
 * resolved), is root's and writable by nobody else (sticky directories
 * aside): what root may run without running another user's program. */
int gl_exec_root_owned(const char *file);
/* Directory of the running executable (malloc'ed), for finding sibling tools. */
char *gl_exec_selfdir(void);

#endif
