#include "exec.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gl.h"

int
gl_exec(char *const argv[])
{
	execvp(argv[0], argv);
	return errno == ENOENT ? GL_EX_NOTFOUND : GL_EX_NOEXEC;
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
