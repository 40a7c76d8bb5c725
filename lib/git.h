/* git: the state of the host repository holding a directory, read by running
 * git (argv, never a shell) with fsmonitor and hooks turned off. */
#ifndef GL_GIT_H
#define GL_GIT_H
#include <jv.h>

/* {"commit":hex|null,"branch":str|null,"dirty":bool,"remote":url|null};
 * all null and false when dir is not in a work tree.  Invalid (errno set)
 * when git cannot be run. */
jv gl_git_state(const char *dir);
/* url without "user:password@" after "scheme://", malloc'ed. */
char *gl_git_strip_userinfo(const char *url);

#endif
