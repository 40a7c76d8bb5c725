#include "exec.h"

#include <errno.h>
#include <stdio.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gl.h"

/* Is there a file called name in some directory of $PATH? */
static int
on_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *e;
	char buf[PATH_MAX];

	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchrnul(p, ':');
		if ((size_t)snprintf(buf, sizeof buf, "%.*s/%s", (int)(e - p),
		    e == p ? "." : p, name) < sizeof buf && access(buf, F_OK) == 0)
			return 1;
	}
	return 0;
}

int
gl_exec(char *const argv[])
{
	int e;

	execvp(argv[0], argv);
	e = errno;
	/* execvp says EACCES when a PATH directory cannot be searched, even if
	 * the program is nowhere: that is "not found", as a shell would say */
	if (e == EACCES && strchr(argv[0], '/') == NULL && !on_path(argv[0]))
		e = ENOENT;
	errno = e;
	return e == ENOENT || e == ENOTDIR ? GL_EX_NOTFOUND : GL_EX_NOEXEC;
}

/*
 * May any uid reach and run file (any), and (trusted) can nobody but root
 * have put it or any directory on its way there?  Every prefix of file,
 * as named and as resolved, is checked: an execve by another uid searches
 * each directory it passes through.
 */
static int
runnable(const char *file, int trusted, int any)
{
	char real[PATH_MAX], buf[PATH_MAX], *s;
	const char *names[2] = { file, real };
	struct stat st;
	size_t k;

	if (realpath(file, real) == NULL)
		return 0;
	for (k = 0; k < 2; k++) {
		if ((size_t)snprintf(buf, sizeof buf, "%s", names[k]) >= sizeof buf)
			return 0;
		for (s = buf; s != NULL; s = strchr(s + 1, '/')) {
			*s = '\0';
			if (stat(s == buf ? "/" : buf, &st) < 0 || !S_ISDIR(st.st_mode) ||
			    (any && !(st.st_mode & S_IXOTH)))
				return 0;
			/* a sticky directory lets nobody replace root's entries */
			if (trusted && (st.st_uid != 0 ||
			    ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))))
				return 0;
			*s = '/';
		}
	}
	if (stat(real, &st) < 0 || !S_ISREG(st.st_mode) || (any && !(st.st_mode & S_IXOTH)))
		return 0;
	return !trusted || (st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH)));
}

int
gl_exec_root_owned(const char *file)
{
	return runnable(file, 1, 0);
}

int
gl_exec_which_any(const char *name, char *out, size_t outsz)
{
	const char *path = getenv("PATH"), *p, *e;
	int trusted = geteuid() == 0;

	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchrnul(p, ':');
		if (e == p || *p != '/')
			continue;
		if ((size_t)snprintf(out, outsz, "%.*s/%s", (int)(e - p), p, name) >= outsz)
			continue;
		if (runnable(out, trusted, 1))
			return 0;
	}
	out[0] = '\0';
	return -1;
}

int
gl_exec_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return GL_EX_SIGNAL + WTERMSIG(wstatus);
	return GL_EX_SETUP;
}

char *
gl_exec_selfdir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(dirname(buf));
}
