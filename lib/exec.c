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

int
gl_exec_which_any(const char *name, char *out, size_t outsz)
{
	const char *path = getenv("PATH"), *p, *e;
	struct stat d, f;
	char dir[PATH_MAX];

	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchrnul(p, ':');
		if (e == p || *p != '/' || (size_t)(e - p) >= sizeof dir)
			continue;
		snprintf(dir, sizeof dir, "%.*s", (int)(e - p), p);
		if ((size_t)snprintf(out, outsz, "%s/%s", dir, name) >= outsz)
			continue;
		if (stat(dir, &d) == 0 && (d.st_mode & S_IXOTH) && stat(out, &f) == 0 &&
		    S_ISREG(f.st_mode) && (f.st_mode & S_IXOTH))
			return 0;
	}
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
