/* exec: running the rest of argv, and the chain tools' exit statuses. */
#ifndef GL_EXEC_H
#define GL_EXEC_H

/* execvp(argv[0], argv); returns 126 or 127 (GL_EX_NOEXEC/NOTFOUND) on failure. */
int gl_exec(char *const argv[]);
/* A wait status as a chain tool's exit code: the code, or 128 + signal. */
int gl_exec_status(int wstatus);
/* Directory of the running executable (malloc'ed), for finding sibling tools. */
char *gl_exec_selfdir(void);

#endif
