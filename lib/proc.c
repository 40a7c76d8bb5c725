#include "proc.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "io.h"

#define STAT_CAP 4096	/* a stat line is a few hundred bytes */

int
gl_proc_stat(pid_t pid, pid_t *ppid, unsigned long long *start, char *comm, size_t csz)
{
	char path[64], *buf, *l, *r;
	size_t len;
	int pp, i;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (gl_io_read_file(path, STAT_CAP, &buf, &len) < 0)
		return -1;
	/* the name may hold anything, ')' too: the fields follow the last ')' */
	if ((l = strchr(buf, '(')) == NULL || (r = strrchr(buf, ')')) == NULL || r < l ||
	    sscanf(r + 1, " %*c %d", &pp) != 1) {
		free(buf);
		errno = EINVAL;
		return -1;
	}
	if (comm != NULL)
		snprintf(comm, csz, "%.*s", (int)(r - l - 1), l + 1);
	if (ppid != NULL)
		*ppid = pp;
	if (start != NULL) {
		/* after ") ": state ppid pgrp session tty tpgid flags minflt
		 * cminflt majflt cmajflt utime stime cutime cstime priority
		 * nice threads itrealvalue starttime */
		for (i = 0, l = r + 2; i < 19 && l != NULL; i++)
			if ((l = strchr(l, ' ')) != NULL)
				l++;
		*start = l != NULL ? strtoull(l, NULL, 10) : 0;
	}
	free(buf);
	return 0;
}

int
gl_proc_pidfd(pid_t pid)
{
	/* Debian 12's glibc has no pidfd_open() wrapper; PIDFD_NONBLOCK not needed */
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int
gl_proc_wait_gone(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int rc;

	if (pidfd < 0)
		return 1;
	while ((rc = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return rc != 0;
}
