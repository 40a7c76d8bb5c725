#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "proc.h"
#include "t.h"

int
main(void)
{
	char comm[32];
	pid_t pp = 0;
	unsigned long long start = 0;

	CHECK(gl_proc_stat(getpid(), &pp, &start, comm, sizeof comm) == 0);
	CHECK(pp == getppid() && start > 0);
	CHECK(strcmp(comm, "proc_test") == 0);
	/* a name with ") (" inside: the fields follow the last ')' */
	CHECK(prctl(PR_SET_NAME, "a) (b) x", 0, 0, 0) == 0);
	CHECK(gl_proc_stat(getpid(), &pp, NULL, comm, sizeof comm) == 0);
	CHECK(pp == getppid() && strcmp(comm, "a) (b) x") == 0);
	CHECK(gl_proc_stat(getpid(), NULL, NULL, NULL, 0) == 0);
	CHECK(gl_proc_stat(0x7ffffff0, &pp, NULL, NULL, 0) < 0 && errno == ENOENT);
	return t_done();
}
