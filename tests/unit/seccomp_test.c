/* seccomp: the filter, installed in a child, denies and allows what it says. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "seccomp.h"
#include "t.h"

#define HIGH 0xdeadbeef00000000UL

/* Install the filter in a child and run fn there: fn's status, or 128+sig. */
static int
filtered(const char *preset, const char *action, const char *allow1, int (*fn)(void))
{
	struct gl_strv allow = { 0 };
	struct sock_filter *prog;
	struct sock_fprog fp;
	char err[256];
	size_t len;
	pid_t pid;
	jv rep;
	int st;

	if (allow1 != NULL)
		gl_strv_push(&allow, allow1);
	if (gl_seccomp_build(preset, action, &allow, &prog, &len, &rep, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		gl_strv_free(&allow);
		return -1;
	}
	jv_free(rep);
	gl_strv_free(&allow);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		fp.len = (unsigned short)len;
		fp.filter = prog;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
			_exit(99);
		_exit(fn());
	}
	free(prog);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

/* 0 when the call failed with e */
static int
fails(long rc, int e)
{
	return rc == -1 && errno == e ? 0 : 1;
}

static int
tiocsti(void)
{
	int fd = open("/dev/null", O_RDWR);
	char c = 'x';
	/* unfiltered, /dev/null answers ENOTTY: EPERM is the filter's */
	return fails(syscall(SYS_ioctl, fd, (unsigned long)TIOCSTI, &c), EPERM) |
	    fails(syscall(SYS_ioctl, fd, (unsigned long)TIOCSTI | HIGH, &c), EPERM) << 1 |
	    fails(syscall(SYS_ioctl, fd, (unsigned long)TIOCLINUX | HIGH, &c), EPERM) << 2 |
	    fails(syscall(SYS_ioctl, fd, (unsigned long)TCGETS, &c), ENOTTY) << 3;
}

static int
tiocsti_unfiltered(void)
{
	int fd = open("/dev/null", O_RDWR);
	char c = 'x';
	return fails(syscall(SYS_ioctl, fd, (unsigned long)TIOCSTI | HIGH, &c), ENOTTY);
}

static int
namespaces(void)
{
	long r = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), 0, 0, 0, 0);
	int bad = 0;

	if (r == 0)
		_exit(0);
	bad |= fails(r, EPERM);
	r = syscall(SYS_clone, (unsigned long)(CLONE_NEWNET | SIGCHLD) | HIGH, 0, 0, 0, 0);
	if (r == 0)
		_exit(0);
	bad |= fails(r, EPERM) << 1;
	bad |= fails(syscall(SYS_unshare, CLONE_NEWUSER), EPERM) << 2;
	bad |= fails(syscall(SYS_unshare, CLONE_NEWNS | CLONE_NEWPID), EPERM) << 3;
	bad |= fails(syscall(SYS_unshare, 0x80 /* CLONE_NEWTIME */), EPERM) << 4;
	bad |= fails(syscall(SYS_clone3, NULL, 0), ENOSYS) << 5;
	bad |= fails(syscall(SYS_setns, 0, 0), EPERM) << 6;
	/* no CLONE_NEW* bit: an ordinary fork still works */
	r = syscall(SYS_clone, (unsigned long)SIGCHLD, 0, 0, 0, 0);
	if (r == 0)
		_exit(0);
	bad |= (r > 0 ? 0 : 1) << 7;
	bad |= (syscall(SYS_unshare, CLONE_FS) == 0 ? 0 : 1) << 8;
	return bad;
}

/* no set-id bits, but ordinary modes and opens work */
static int
setid(void)
{
	char path[] = "/tmp/gl-seccomp-setid.XXXXXX";
	int fd = mkstemp(path), bad = 0, f2;

	if (fd < 0)
		return 255;
	bad |= fails(syscall(SYS_chmod, path, 04755), EPERM);
	bad |= fails(syscall(SYS_fchmod, fd, 02755), EPERM) << 1;
	bad |= fails(syscall(SYS_fchmodat, AT_FDCWD, path, 06755), EPERM) << 2;
	bad |= (syscall(SYS_chmod, path, 0755) == 0 ? 0 : 1) << 3;
	unlink(path);
	bad |= fails(syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_WRONLY, 04755), EPERM) << 4;
	bad |= fails(syscall(SYS_open, path, O_CREAT | O_WRONLY, 02755), EPERM) << 5;
	bad |= fails(syscall(SYS_creat, path, 04755), EPERM) << 6;
	/* without O_CREAT the mode argument is ignored, whatever it holds */
	f2 = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY, 07777);
	bad |= (f2 >= 0 ? 0 : 1) << 7;
	f2 = (int)syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_WRONLY, 0644);
	bad |= (f2 >= 0 ? 0 : 1) << 8;
	unlink(path);
	return bad;
}

static const char *const eperm[] = {
	"io_uring_setup", "io_uring_enter", "io_uring_register", "mount", "umount2",
	"pivot_root", "move_mount", "open_tree", "open_tree_attr", "fsopen", "fsconfig",
	"fsmount", "fspick", "mount_setattr", "ptrace", "process_vm_readv",
	"process_vm_writev", "kcmp", "pidfd_getfd", "bpf", "perf_event_open", "userfaultfd",
	"keyctl", "add_key", "request_key", "acct", "quotactl", "quotactl_fd",
};

static int
denied(void)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof eperm / sizeof eperm[0]; i++)
		if (fails(syscall(gl_seccomp_nr(eperm[i]), 0, 0, 0, 0, 0, 0), EPERM)) {
			fprintf(stderr, "%s: not EPERM: %s\n", eperm[i], strerror(errno));
			bad = 1;
		}
	if (fails(syscall(SYS_personality, ADDR_NO_RANDOMIZE), EPERM))
		bad = 1;
	return bad;
}

/* personality: the query and PER_LINUX pass the deny list */
static int
persona(void)
{
	return syscall(SYS_personality, 0xffffffffUL) < 0 ||
	    syscall(SYS_personality, 0UL | HIGH) < 0 ||
	    fails(syscall(SYS_personality, READ_IMPLIES_EXEC), EPERM);
}

/* without the filter, these bad calls do not answer EPERM */
static int
denied_unfiltered(void)
{
	return fails(syscall(SYS_io_uring_setup, 0, NULL), EFAULT) |
	    fails(syscall(SYS_keyctl, -1L, 0, 0, 0, 0), EOPNOTSUPP) << 1;
}

static int
kexec(void)
{
	syscall(SYS_kexec_load, 0, 0, NULL, 0);
	return 0;
}

static int
reboot_(void)
{
	syscall(SYS_reboot, 0, 0, 0, NULL);
	return 0;
}

static int
finit(void)
{
	syscall(SYS_finit_module, -1, "", 0);
	return 0;
}

static int
x32(void)
{
	syscall(0x40000000L | SYS_getpid);
	return 0;
}

static int
i386(void)
{
	long rc;

	/* getpid through the 32-bit entry point */
	__asm__ volatile ("int $0x80" : "=a"(rc) : "a"(20L) : "memory");
	return 0;
}

static int
getcpu_works(void)
{
	unsigned cpu;
	return syscall(SYS_getcpu, &cpu, NULL, NULL) == 0 ? 0 : 1;
}

static int
getcpu_eperm(void)
{
	unsigned cpu;
	return fails(syscall(SYS_getcpu, &cpu, NULL, NULL), EPERM);
}

static int
exec_true(void)
{
	char *argv[] = { "true", NULL }, *envp[] = { NULL };

	execve("/bin/true", argv, envp);
	return 98;
}

static int
exec_sh(void)
{
	char *argv[] = { "sh", "-c", "x=$(echo hi) && [ \"$x\" = hi ] && ls / >/dev/null", NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };

	execve("/bin/sh", argv, envp);
	return 98;
}

static void
build_errors(void)
{
	struct gl_strv allow = { 0 };
	struct sock_filter *prog;
	char err[256];
	size_t len;
	jv rep;

	CHECK(gl_seccomp_build("strict", "errno", NULL, &prog, &len, &rep, err, sizeof err) < 0);
	CHECK(strstr(err, "strict") != NULL && strchr(err, '\n') == NULL);
	CHECK(gl_seccomp_build("nodejs", "trap", NULL, &prog, &len, &rep, err, sizeof err) < 0);
	CHECK(strstr(err, "trap") != NULL);
	gl_strv_push(&allow, "read");
	gl_strv_push(&allow, "no_such_call");
	CHECK(gl_seccomp_build("custom", "errno", &allow, &prog, &len, &rep, err, sizeof err) < 0);
	CHECK(strstr(err, "no_such_call: unknown system call") != NULL);
	gl_strv_free(&allow);
	gl_strv_push(&allow, "ptrace");
	CHECK(gl_seccomp_build("custom", "errno", &allow, &prog, &len, &rep, err, sizeof err) < 0);
	CHECK(strstr(err, "ptrace") != NULL && strstr(err, "always denied") != NULL);
	gl_strv_free(&allow);
}

static void
report(void)
{
	struct sock_filter *prog;
	char err[256];
	size_t len;
	jv rep, v;

	CHECK(gl_seccomp_build("nodejs", "kill", NULL, &prog, &len, &rep, err, sizeof err) == 0);
	free(prog);
	v = jv_object_get(jv_copy(rep), jv_string("allowed"));
	/* the 189 of the original, clone3 answered ENOSYS, plus what we add */
	CHECK(jv_get_kind(v) == JV_KIND_NUMBER && jv_number_value(v) > 189);
	jv_free(v);
	v = jv_object_get(jv_copy(rep), jv_string("deny"));
	CHECK(jv_get_kind(v) == JV_KIND_ARRAY && jv_array_length(jv_copy(v)) > 30);
	jv_free(v);
	v = jv_object_get(jv_copy(rep), jv_string("added"));
	CHECK(jv_get_kind(v) == JV_KIND_ARRAY);
	jv_free(v);
	jv_free(rep);
	CHECK(gl_seccomp_build("disabled", "errno", NULL, &prog, &len, &rep, err, sizeof err) == 0);
	free(prog);
	v = jv_object_get(rep, jv_string("allowed"));
	CHECK(jv_get_kind(v) == JV_KIND_NULL);
	jv_free(v);
}

int
main(void)
{
	CHECK(gl_seccomp_nr("read") == 0);
	CHECK(gl_seccomp_nr("ioctl") == 16);
	CHECK(gl_seccomp_nr("io_uring_setup") == 425);
	CHECK(gl_seccomp_nr("landlock_restrict_self") == 446);
	CHECK(gl_seccomp_nr("open_tree_attr") == 467);
	CHECK(gl_seccomp_nr("nope") == -1);
	CHECK(strcmp(gl_seccomp_name(334), "rseq") == 0);
	CHECK(gl_seccomp_name(335) == NULL && gl_seccomp_name(470) == NULL);
	build_errors();
	report();

	/* the tests can fail: unfiltered, the same calls answer otherwise */
	CHECK(tiocsti_unfiltered() == 0);
	CHECK(denied_unfiltered() == 0);

	CHECK(filtered("disabled", "errno", NULL, tiocsti) == 0);
	CHECK(filtered("nodejs", "kill", NULL, tiocsti) == 0);
	CHECK(filtered("disabled", "errno", NULL, namespaces) == 0);
	CHECK(filtered("disabled", "errno", NULL, denied) == 0);
	CHECK(filtered("nodejs", "kill", NULL, denied) == 0);
	CHECK(filtered("disabled", "kill", NULL, persona) == 0);
	CHECK(filtered("disabled", "errno", NULL, setid) == 0);
	CHECK(filtered("nodejs", "kill", NULL, setid) == 0);
	CHECK(filtered("disabled", "errno", NULL, kexec) == 128 + SIGSYS);
	CHECK(filtered("disabled", "errno", NULL, reboot_) == 128 + SIGSYS);
	CHECK(filtered("disabled", "errno", NULL, finit) == 128 + SIGSYS);
	CHECK(filtered("disabled", "errno", NULL, x32) == 128 + SIGSYS);
	CHECK(filtered("nodejs", "errno", NULL, i386) == 128 + SIGSYS);

	/* the presets: what is not listed gets default_action */
	CHECK(filtered("disabled", "kill", NULL, getcpu_works) == 0);
	CHECK(filtered("nodejs", "errno", NULL, getcpu_eperm) == 0);
	CHECK(filtered("nodejs", "kill", NULL, getcpu_works) == 128 + SIGSYS);
	CHECK(filtered("nodejs", "log", NULL, getcpu_works) == 0);
	CHECK(filtered("custom", "errno", NULL, getcpu_eperm) == 0);
	CHECK(filtered("custom", "errno", "getcpu", getcpu_works) == 0);
	CHECK(filtered("nodejs", "kill", NULL, exec_true) == 0);
	CHECK(filtered("nodejs", "kill", NULL, exec_sh) == 0);
	CHECK(filtered("custom", "kill", NULL, exec_true) == 0);
	return t_done();
}
