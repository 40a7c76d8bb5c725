/* proc: what /proc says of a process. */
#ifndef GL_PROC_H
#define GL_PROC_H
#include <sys/types.h>

/* From /proc/PID/stat: the parent, the start time (clock ticks after
 * boot) and the name (truncated to csz).  Any output may be NULL.
 * -1 with errno when the process is gone or the line is malformed. */
int gl_proc_stat(pid_t pid, pid_t *ppid, unsigned long long *start, char *comm,
    size_t csz);

#endif
