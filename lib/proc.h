/* proc: what /proc says of a process. */
#ifndef GL_PROC_H
#define GL_PROC_H
#include <sys/types.h>

/* From /proc/PID/stat: the parent, the start time (clock ticks after
 * boot) and the name (truncated to csz).  Any output may be NULL.
 * -1 with errno when the process is gone or the line is malformed. */
int gl_proc_stat(pid_t pid, pid_t *ppid, unsigned long long *start, char *comm,
    size_t csz);

/* A pidfd for pid (close-on-exec), or -1: to wait for a process that is
 * not our child. */
int gl_proc_pidfd(pid_t pid);
/* Wait up to ms milliseconds for the process behind pidfd to end; 1 when
 * it has (or pidfd is -1), 0 on time-out. */
int gl_proc_wait_gone(int pidfd, int ms);

#endif
