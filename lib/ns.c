#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "proc.h"

#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif

#define HOLDER_STACK (64 * 1024)

/* The holder of the new user namespace: it shares the caller's memory, so
 * only raw system calls (no errno, no libc state), then it waits to be
 * killed, or dies with the caller. */
struct holding {
	int fd;			/* the pipe to say "u" on */
	pid_t parent;		/* the caller, to see it gone already */
};

static int
holder(void *arg)
{
	const struct holding *h = arg;

	syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* a caller killed before the line above sent no death signal */
	if (syscall(SYS_getppid) != h->parent)
		syscall(SYS_exit, 1);
	syscall(SYS_write, h->fd, "u", 1);
	for (;;)
		syscall(SYS_pause);
	return 0;
}

int
gl_ns_idmap_userns(uid_t id, gid_t gid)
{
	char path[64], map[64], *stack;
	struct holding hold;
	int pfd[2], fd = -1, e;
	pid_t pid;
	char c;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	/* born in the new namespace, on a stack of its own and without a copy
	 * of our memory: a fork would copy the page tables and make every page
	 * we touch afterwards fault (0.3 ms and more at every jail's start) */
	stack = mmap(NULL, HOLDER_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		e = errno;
		close(pfd[0]);
		close(pfd[1]);
		errno = e;
		return -1;
	}
	hold.fd = pfd[1];
	hold.parent = getpid();
	pid = clone(holder, stack + HOLDER_STACK, CLONE_VM | CLONE_NEWUSER | SIGCHLD, &hold);
	if (pid < 0) {
		e = errno;
		close(pfd[0]);
		close(pfd[1]);
		munmap(stack, HOLDER_STACK);
		errno = e;
		return -1;
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1) {
		e = EPERM;
		goto out;
	}
	snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
	snprintf(map, sizeof map, "0 %u 1\n", (unsigned)id);
	if (gl_io_write_str(path, map) < 0)
		goto fail;
	snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
	if (gl_io_write_str(path, "deny") < 0)
		goto fail;
	snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
	snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
	if (gl_io_write_str(path, map) < 0)
		goto fail;
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
fail:
	e = errno;
out:
	close(pfd[0]);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	/* only now: the holder ran on it until it was reaped */
	munmap(stack, HOLDER_STACK);
	errno = e;
	return fd;
}

int
gl_ns_idmap_mount(const char *src, const char *dst, int userns_fd, int ro)
{
	struct mount_attr attr;
	int fd, e;

	fd = (int)syscall(SYS_open_tree, AT_FDCWD, src,
	    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW);
	if (fd < 0)
		return -1;
	memset(&attr, 0, sizeof attr);
	attr.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
	    (ro ? MOUNT_ATTR_RDONLY : 0);
	attr.userns_fd = (__u64)userns_fd;
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE,
	    &attr, sizeof attr) < 0)
		goto fail;
	if (syscall(SYS_move_mount, fd, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		goto fail;
	close(fd);
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

jv
gl_ns_measure(pid_t pid)
{
	static const char *names[] = { "user", "mnt", "pid", "ipc", "uts", "net", "cgroup", "time" };
	char path[64];
	struct stat a, b;
	jv o = jv_object();
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, names[i]);
		if (stat(path, &a) < 0) {
			o = jv_object_set(o, jv_string(names[i]), jv_null());
			continue;
		}
		snprintf(path, sizeof path, "/proc/self/ns/%s", names[i]);
		o = jv_object_set(o, jv_string(names[i]),
		    jv_bool(stat(path, &b) == 0 && (a.st_ino != b.st_ino || a.st_dev != b.st_dev)));
	}
	return o;
}

/* pid 1's namespace, or where pid 1 cannot be read (a container's init,
 * an unprivileged caller), that of the farthest ancestor that can */
int
gl_ns_is_host(const char *kind)
{
	char path[64];
	struct stat self, a;
	int found = 0;
	pid_t pid;

	snprintf(path, sizeof path, "/proc/self/ns/%s", kind);
	if (stat(path, &self) < 0)
		return -1;
	for (pid = getppid(); pid > 0;) {
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, kind);
		if (stat(path, &a) < 0)
			break;
		found = 1;
		if (a.st_ino != self.st_ino || a.st_dev != self.st_dev)
			return 0;
		if (gl_proc_stat(pid, &pid, NULL, NULL, 0) < 0)
			break;
	}
	return found ? 1 : -1;
}

jv
gl_ns_identity(pid_t pid)
{
	char path[64], line[256];
	unsigned a, b, c, d;
	jv o = jv_object();
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return jv_object_set(o, jv_string("error"), jv_string(strerror(errno)));
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "Uid: %u %u %u %u", &a, &b, &c, &d) == 4)
			o = jv_object_set(o, jv_string("host_uid"), jv_number(b));
		else if (sscanf(line, "Gid: %u %u %u %u", &a, &b, &c, &d) == 4)
			o = jv_object_set(o, jv_string("host_gid"), jv_number(b));
	}
	fclose(f);
	return o;
}
