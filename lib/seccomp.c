/*
 * seccomp: the filter gl-jail gives bubblewrap (--seccomp FD), written as
 * classic BPF by hand.  It decides, in this order: the architecture (x86-64
 * only; i386 and x32 entry points kill), the deny list of gl-jail(1)
 * whatever the profile says, then the preset: an allowlist whose misses get
 * default_action, or (disabled) everything else allowed.  After the
 * architecture, the program is a binary search on the number that reaches
 * each call's answer in about ten instructions.
 */
#include "seccomp.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#include "io.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define X32_BIT 0x40000000U
/* clone's low byte is the exit signal, so CLONE_NEWTIME is unshare's only */
#define NS_CLONE (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
	CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define NS_UNSHARE (NS_CLONE | CLONE_NEWTIME)
#define MAXNR 512

#define OFF_NR ((uint32_t)offsetof(struct seccomp_data, nr))
#define OFF_ARCH ((uint32_t)offsetof(struct seccomp_data, arch))
/* the low 32 bits of args[i]: the first word on little-endian x86-64 */
#define OFF_ARG(i) ((uint32_t)(offsetof(struct seccomp_data, args) + 8 * (i)))

#define RET_EPERM (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define RET_ENOSYS (SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA))
#define RET_ENOTSUP (SECCOMP_RET_ERRNO | (EOPNOTSUPP & SECCOMP_RET_DATA))
#define RET_KILL SECCOMP_RET_KILL_PROCESS

/* x86-64 system calls: 0..334 and 424..469 (asm/unistd_64.h, kernel 6.18) */
static const char *const names_lo[] = {
	"read", "write", "open", "close", "stat", "fstat", "lstat", "poll", "lseek", "mmap",
	"mprotect", "munmap", "brk", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "ioctl",
	"pread64", "pwrite64", "readv", "writev", "access", "pipe", "select", "sched_yield",
	"mremap", "msync", "mincore", "madvise", "shmget", "shmat", "shmctl", "dup", "dup2",
	"pause", "nanosleep", "getitimer", "alarm", "setitimer", "getpid", "sendfile",
	"socket", "connect", "accept", "sendto", "recvfrom", "sendmsg", "recvmsg", "shutdown",
	"bind", "listen", "getsockname", "getpeername", "socketpair", "setsockopt",
	"getsockopt", "clone", "fork", "vfork", "execve", "exit", "wait4", "kill", "uname",
	"semget", "semop", "semctl", "shmdt", "msgget", "msgsnd", "msgrcv", "msgctl", "fcntl",
	"flock", "fsync", "fdatasync", "truncate", "ftruncate", "getdents", "getcwd", "chdir",
	"fchdir", "rename", "mkdir", "rmdir", "creat", "link", "unlink", "symlink", "readlink",
	"chmod", "fchmod", "chown", "fchown", "lchown", "umask", "gettimeofday", "getrlimit",
	"getrusage", "sysinfo", "times", "ptrace", "getuid", "syslog", "getgid", "setuid",
	"setgid", "geteuid", "getegid", "setpgid", "getppid", "getpgrp", "setsid", "setreuid",
	"setregid", "getgroups", "setgroups", "setresuid", "getresuid", "setresgid",
	"getresgid", "getpgid", "setfsuid", "setfsgid", "getsid", "capget", "capset",
	"rt_sigpending", "rt_sigtimedwait", "rt_sigqueueinfo", "rt_sigsuspend", "sigaltstack",
	"utime", "mknod", "uselib", "personality", "ustat", "statfs", "fstatfs", "sysfs",
	"getpriority", "setpriority", "sched_setparam", "sched_getparam", "sched_setscheduler",
	"sched_getscheduler", "sched_get_priority_max", "sched_get_priority_min",
	"sched_rr_get_interval", "mlock", "munlock", "mlockall", "munlockall", "vhangup",
	"modify_ldt", "pivot_root", "_sysctl", "prctl", "arch_prctl", "adjtimex", "setrlimit",
	"chroot", "sync", "acct", "settimeofday", "mount", "umount2", "swapon", "swapoff",
	"reboot", "sethostname", "setdomainname", "iopl", "ioperm", "create_module",
	"init_module", "delete_module", "get_kernel_syms", "query_module", "quotactl",
	"nfsservctl", "getpmsg", "putpmsg", "afs_syscall", "tuxcall", "security", "gettid",
	"readahead", "setxattr", "lsetxattr", "fsetxattr", "getxattr", "lgetxattr",
	"fgetxattr", "listxattr", "llistxattr", "flistxattr", "removexattr", "lremovexattr",
	"fremovexattr", "tkill", "time", "futex", "sched_setaffinity", "sched_getaffinity",
	"set_thread_area", "io_setup", "io_destroy", "io_getevents", "io_submit", "io_cancel",
	"get_thread_area", "lookup_dcookie", "epoll_create", "epoll_ctl_old", "epoll_wait_old",
	"remap_file_pages", "getdents64", "set_tid_address", "restart_syscall", "semtimedop",
	"fadvise64", "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun",
	"timer_delete", "clock_settime", "clock_gettime", "clock_getres", "clock_nanosleep",
	"exit_group", "epoll_wait", "epoll_ctl", "tgkill", "utimes", "vserver", "mbind",
	"set_mempolicy", "get_mempolicy", "mq_open", "mq_unlink", "mq_timedsend",
	"mq_timedreceive", "mq_notify", "mq_getsetattr", "kexec_load", "waitid", "add_key",
	"request_key", "keyctl", "ioprio_set", "ioprio_get", "inotify_init",
	"inotify_add_watch", "inotify_rm_watch", "migrate_pages", "openat", "mkdirat",
	"mknodat", "fchownat", "futimesat", "newfstatat", "unlinkat", "renameat", "linkat",
	"symlinkat", "readlinkat", "fchmodat", "faccessat", "pselect6", "ppoll", "unshare",
	"set_robust_list", "get_robust_list", "splice", "tee", "sync_file_range", "vmsplice",
	"move_pages", "utimensat", "epoll_pwait", "signalfd", "timerfd_create", "eventfd",
	"fallocate", "timerfd_settime", "timerfd_gettime", "accept4", "signalfd4", "eventfd2",
	"epoll_create1", "dup3", "pipe2", "inotify_init1", "preadv", "pwritev",
	"rt_tgsigqueueinfo", "perf_event_open", "recvmmsg", "fanotify_init", "fanotify_mark",
	"prlimit64", "name_to_handle_at", "open_by_handle_at", "clock_adjtime", "syncfs",
	"sendmmsg", "setns", "getcpu", "process_vm_readv", "process_vm_writev", "kcmp",
	"finit_module", "sched_setattr", "sched_getattr", "renameat2", "seccomp", "getrandom",
	"memfd_create", "kexec_file_load", "bpf", "execveat", "userfaultfd", "membarrier",
	"mlock2", "copy_file_range", "preadv2", "pwritev2", "pkey_mprotect", "pkey_alloc",
	"pkey_free", "statx", "io_pgetevents", "rseq",
};
_Static_assert(sizeof names_lo / sizeof names_lo[0] == 335, "0..334");
#define HI_BASE 424
static const char *const names_hi[] = {
	"pidfd_send_signal", "io_uring_setup", "io_uring_enter", "io_uring_register",
	"open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "pidfd_open",
	"clone3", "close_range", "openat2", "pidfd_getfd", "faccessat2", "process_madvise",
	"epoll_pwait2", "mount_setattr", "quotactl_fd", "landlock_create_ruleset",
	"landlock_add_rule", "landlock_restrict_self", "memfd_secret", "process_mrelease",
	"futex_waitv", "set_mempolicy_home_node", "cachestat", "fchmodat2", "map_shadow_stack",
	"futex_wake", "futex_wait", "futex_requeue", "statmount", "listmount",
	"lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules", "mseal", "setxattrat",
	"getxattrat", "listxattrat", "removexattrat", "open_tree_attr", "file_getattr",
	"file_setattr",
};

_Static_assert(sizeof names_hi / sizeof names_hi[0] == 46, "424..469");

/* the allowlist of the original's nodejs preset (189 names) */
static const char nodejs[] =
	"read write open close stat fstat lstat lseek pread64 pwrite64 readv writev access "
	"openat readlinkat faccessat faccessat2 newfstatat getdents64 getcwd readlink fcntl "
	"flock ioctl dup dup2 dup3 pipe pipe2 truncate ftruncate fallocate fsync fdatasync "
	"fadvise64 statfs fstatfs statx copy_file_range rename renameat renameat2 mkdir "
	"mkdirat rmdir unlink unlinkat symlink symlinkat link linkat chmod fchmod fchmodat "
	"chown fchown fchownat lchown utimensat futimesat mmap mprotect munmap brk mremap "
	"madvise membarrier mincore msync mlock mlock2 munlock mlockall munlockall clone "
	"clone3 fork vfork execve execveat exit exit_group wait4 waitid getpid getppid "
	"gettid getpgid getpgrp setpgid setsid getuid geteuid getgid getegid getgroups "
	"getresuid getresgid set_tid_address set_robust_list get_robust_list futex "
	"futex_waitv sched_yield sched_getaffinity sched_setaffinity sched_getparam "
	"sched_setscheduler sched_getscheduler sched_get_priority_max sched_get_priority_min "
	"prlimit64 getrlimit setrlimit getrusage kill tgkill tkill prctl arch_prctl rseq "
	"rt_sigaction rt_sigprocmask rt_sigreturn rt_sigsuspend rt_sigpending "
	"rt_sigtimedwait rt_sigqueueinfo rt_tgsigqueueinfo sigaltstack socket socketpair "
	"connect accept accept4 bind listen sendto recvfrom sendmsg recvmsg sendmmsg "
	"recvmmsg shutdown setsockopt getsockopt getsockname getpeername sendfile poll ppoll "
	"select pselect6 epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait "
	"epoll_pwait2 eventfd eventfd2 signalfd signalfd4 timerfd_create timerfd_settime "
	"timerfd_gettime inotify_init inotify_init1 inotify_add_watch inotify_rm_watch "
	"clock_gettime clock_getres clock_nanosleep nanosleep gettimeofday timer_create "
	"timer_settime timer_gettime timer_getoverrun timer_delete getrandom uname sysinfo "
	"getdents umask chdir fchdir seccomp close_range ";
/* what the jail itself runs after bubblewrap installs the filter: its exec of
 * gl-landlock, the dynamic loader, gl-landlock (SPEC 7.5), and the exec of
 * the command (and sigaltstack, which sanitizers and Rust's runtime set up);
 * every allowlist preset has these */
static const char baseline[] =
	"execve exit exit_group brk mmap munmap mprotect mremap madvise arch_prctl "
	"set_tid_address set_robust_list rseq prlimit64 getrlimit getrandom open openat "
	"read write readv writev close pread64 fstat stat lstat newfstatat statx access "
	"faccessat readlink readlinkat fcntl prctl close_range rt_sigaction "
	"rt_sigprocmask rt_sigreturn sigaltstack wait4 futex lseek getpid getppid gettid "
	"getuid geteuid getgid getegid dup dup2 dup3 pipe2 uname sched_getaffinity "
	"sched_yield clock_gettime clock_nanosleep nanosleep mincore "
	"landlock_create_ruleset landlock_add_rule landlock_restrict_self ";

/* and what ordinary programs call that the original's list forgot: reading
 * their own capabilities (node) and extended attributes (ls -l), creat
 * (tar), the NUMA policy (ps), memory protection keys (node), priorities, timers, FIFOs, splice, sync; each
 * is harmless for an unprivileged process in a namespace */
static const char nodejs_more[] =
	"capget getxattr lgetxattr fgetxattr listxattr llistxattr flistxattr creat "
	"get_mempolicy getpriority setpriority getsid times utime utimes alarm setitimer "
	"getitimer pause mknod mknodat memfd_create splice tee sync syncfs sync_file_range "
	"readahead fchmodat2 pidfd_open pidfd_send_signal openat2 set_mempolicy pkey_alloc "
	"pkey_free pkey_mprotect setuid setgid setreuid setregid setresuid setresgid "
	"setfsuid setfsgid setgroups getresuid getresgid getgroups ";

enum kind {
	ALWAYS,		/* every call */
	TTY,		/* ioctl: cmd TIOCSTI or TIOCLINUX */
	NSFLAGS,	/* flags (arg 0) with a bit of mask */
	MODEBITS,	/* a mode argument (arg) with a bit of mask */
	CREATBITS,	/* open(at): creating (flags arg) with a mode bit of mask */
	PERSONA		/* personality other than the harmless ones */
};

#define SETID 06000u	/* S_ISUID | S_ISGID */
#define CREATING 020000100u	/* O_CREAT | __O_TMPFILE */

static const struct rule {
	const char *name;
	enum kind kind;
	uint32_t ret;
	uint32_t mask;
	const char *when;
	uint8_t arg, flagarg;	/* MODEBITS, CREATBITS: which arguments */
} deny[] = {
	{ "ioctl", TTY, RET_EPERM, 0, "cmd TIOCSTI or TIOCLINUX (low 32 bits)", 0, 0 },
	{ "clone", NSFLAGS, RET_EPERM, NS_CLONE, "flags with CLONE_NEW*", 0, 0 },
	{ "unshare", NSFLAGS, RET_EPERM, NS_UNSHARE, "flags with CLONE_NEW*", 0, 0 },
	{ "clone3", ALWAYS, RET_ENOSYS, 0, NULL, 0, 0 },
	{ "setns", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "io_uring_setup", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "io_uring_enter", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "io_uring_register", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "mount", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "umount2", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "pivot_root", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "move_mount", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "open_tree", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "open_tree_attr", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "fsopen", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "fsconfig", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "fsmount", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "fspick", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "mount_setattr", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "ptrace", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "process_vm_readv", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "process_vm_writev", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "kcmp", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "pidfd_getfd", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "bpf", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "perf_event_open", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "userfaultfd", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "keyctl", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "add_key", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "request_key", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "acct", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "quotactl", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "quotactl_fd", ALWAYS, RET_EPERM, 0, NULL, 0, 0 },
	{ "personality", PERSONA, RET_EPERM, 0,
	    "persona not 0, PER_LINUX32, UNAME26 or the query 0xffffffff", 0, 0 },
	/* no set-id files: in a root caller's jail they land owned by root */
	{ "chmod", MODEBITS, RET_EPERM, SETID, "mode with S_ISUID or S_ISGID", 1, 0 },
	{ "fchmod", MODEBITS, RET_EPERM, SETID, "mode with S_ISUID or S_ISGID", 1, 0 },
	{ "fchmodat", MODEBITS, RET_EPERM, SETID, "mode with S_ISUID or S_ISGID", 2, 0 },
	{ "fchmodat2", MODEBITS, RET_EPERM, SETID, "mode with S_ISUID or S_ISGID", 2, 0 },
	{ "creat", MODEBITS, RET_EPERM, SETID, "mode with S_ISUID or S_ISGID", 1, 0 },
	{ "mknod", MODEBITS, RET_EPERM, SETID, "mode with S_ISUID or S_ISGID", 1, 0 },
	{ "mknodat", MODEBITS, RET_EPERM, SETID, "mode with S_ISUID or S_ISGID", 2, 0 },
	{ "open", CREATBITS, RET_EPERM, SETID,
	    "creating with S_ISUID or S_ISGID in the mode", 2, 1 },
	{ "openat", CREATBITS, RET_EPERM, SETID,
	    "creating with S_ISUID or S_ISGID in the mode", 3, 2 },
	{ "openat2", ALWAYS, RET_ENOSYS, 0, NULL, 0, 0 },
	/* no extended attributes (file capabilities among them): "not
	 * supported" makes cp -a, install and sed -i fall back to chmod */
	{ "setxattr", ALWAYS, RET_ENOTSUP, 0, NULL, 0, 0 },
	{ "lsetxattr", ALWAYS, RET_ENOTSUP, 0, NULL, 0, 0 },
	{ "fsetxattr", ALWAYS, RET_ENOTSUP, 0, NULL, 0, 0 },
	{ "setxattrat", ALWAYS, RET_ENOTSUP, 0, NULL, 0, 0 },
	{ "kexec_load", ALWAYS, RET_KILL, 0, NULL, 0, 0 },
	{ "kexec_file_load", ALWAYS, RET_KILL, 0, NULL, 0, 0 },
	{ "init_module", ALWAYS, RET_KILL, 0, NULL, 0, 0 },
	{ "finit_module", ALWAYS, RET_KILL, 0, NULL, 0, 0 },
	{ "delete_module", ALWAYS, RET_KILL, 0, NULL, 0, 0 },
	{ "reboot", ALWAYS, RET_KILL, 0, NULL, 0, 0 },
	{ "swapon", ALWAYS, RET_KILL, 0, NULL, 0, 0 },
	{ "swapoff", ALWAYS, RET_KILL, 0, NULL, 0, 0 },
};
#define NDENY (sizeof deny / sizeof deny[0])

/* personality values that only select the Linux personality or query it */
static const uint32_t personas[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };
#define NPERSONAS (sizeof personas / sizeof personas[0])

struct prog {
	struct sock_filter *v;
	size_t n, cap;
	int oom;
};

static void
emit(struct prog *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	struct sock_filter *nv;

	if (p->oom)
		return;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		if ((nv = realloc(p->v, cap * sizeof *nv)) == NULL) {
			p->oom = 1;
			return;
		}
		p->v = nv;
		p->cap = cap;
	}
	p->v[p->n].code = code;
	p->v[p->n].jt = jt;
	p->v[p->n].jf = jf;
	p->v[p->n].k = k;
	p->n++;
}

#define LD(p, off) emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, off)
#define JA(p, k) emit(p, BPF_JMP | BPF_JA, 0, 0, k)
#define RET(p, k) emit(p, BPF_RET | BPF_K, 0, 0, k)

int
gl_seccomp_nr(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof names_lo / sizeof names_lo[0]; i++)
		if (strcmp(names_lo[i], name) == 0)
			return (int)i;
	for (i = 0; i < sizeof names_hi / sizeof names_hi[0]; i++)
		if (strcmp(names_hi[i], name) == 0)
			return HI_BASE + (int)i;
	return -1;
}

const char *
gl_seccomp_name(int nr)
{
	size_t lo = sizeof names_lo / sizeof names_lo[0];
	size_t hi = sizeof names_hi / sizeof names_hi[0];

	if (nr >= 0 && (size_t)nr < lo)
		return names_lo[nr];
	if (nr >= HI_BASE && (size_t)(nr - HI_BASE) < hi)
		return names_hi[nr - HI_BASE];
	return NULL;
}

static const char *
retname(uint32_t ret)
{
	return ret == RET_KILL ? "kill" : ret == RET_ENOSYS ? "ENOSYS" :
	    ret == RET_ENOTSUP ? "EOPNOTSUPP" : "EPERM";
}

/* the deny rule for nr that applies to every call, or NULL */
static const struct rule *
always_denied(int nr)
{
	size_t i;

	for (i = 0; i < NDENY; i++)
		if (deny[i].kind == ALWAYS && gl_seccomp_nr(deny[i].name) == nr)
			return &deny[i];
	return NULL;
}

/* Mark each name of the space-separated list in set. */
static int
mark_words(const char *list, unsigned char *set, char *err, size_t errsz)
{
	char name[64];
	const char *s = list, *e;
	int nr;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		for (e = s; *e != '\0' && *e != ' '; e++)
			;
		if (e == s)
			break;
		snprintf(name, sizeof name, "%.*s", (int)(e - s), s);
		if ((nr = gl_seccomp_nr(name)) < 0) {
			snprintf(err, errsz, "seccomp: %s: unknown system call", name);
			return -1;
		}
		set[nr] = 1;
		s = e;
	}
	return 0;
}

/*
 * After the architecture the filter is a binary search on the number over
 * segments: a run of numbers from lo up to the next segment's lo that all get
 * ret, or (r set) the one call whose arguments r checks, ret being what the
 * call gets when the check passes (the allowlist's answer, as when the deny
 * list came first and fell through to it).  The last segment runs to
 * 2^32 - 1.  Before a leaf the program loads only nr and jumps on constants,
 * which the kernel's action cache can follow: a call allowed whatever its
 * arguments never runs the filter again.
 */
struct seg {
	uint32_t lo;
	uint32_t ret;
	const struct rule *r;
};

/* Split 0..2^32-1 into segs (MAXNR + 1 of room); their count. */
static size_t
segments(struct seg *segs, const unsigned char *set, const struct rule *const *rule,
    int list, uint32_t dflt)
{
	const struct rule *r;
	uint32_t nr, ret;
	size_t n = 0;

	for (nr = 0; nr <= MAXNR; nr++) {
		r = nr < MAXNR ? rule[nr] : NULL;
		ret = !list || (nr < MAXNR && set[nr]) ? SECCOMP_RET_ALLOW : dflt;
		if (r != NULL && r->kind == ALWAYS) {
			ret = r->ret;
			r = NULL;
		}
		if (n > 0 && r == NULL && segs[n - 1].r == NULL && segs[n - 1].ret == ret)
			continue;
		segs[n].lo = nr;
		segs[n].ret = ret;
		segs[n].r = r;
		n++;
	}
	return n;
}

/*
 * The program is written backwards, from its last instruction: every jump
 * goes forward, so its targets are already there.  Places are counted from
 * the end (the next instruction's is p->n).  A conditional jump reaches 255
 * instructions on: a farther return is written again, a farther block gets a
 * JA (32-bit offset) next to the jump.  The returns of each value are shared
 * by every jump that reaches the latest one written.
 */
#define NEAR 255u

struct rets {
	uint32_t k[8];
	size_t at[8];
	size_t n;
};

/* A return of k that the next instruction reaches. */
static size_t
ret_at(struct prog *p, struct rets *c, uint32_t k)
{
	size_t i;

	for (i = 0; i < c->n && c->k[i] != k; i++)
		;
	if (i < c->n && p->n - c->at[i] - 1 <= NEAR)
		return c->at[i];
	RET(p, k);
	if (i == c->n && c->n < sizeof c->k / sizeof c->k[0])
		c->n++;
	if (i < c->n) {
		c->k[i] = k;
		c->at[i] = p->n - 1;
	}
	return p->n - 1;
}

/* Bring at within reach of the next instruction. */
static size_t
reach(struct prog *p, struct rets *c, size_t at)
{
	if (p->oom || p->n - at - 1 <= NEAR)
		return at;
	if (p->v[at].code == (BPF_RET | BPF_K))
		return ret_at(p, c, p->v[at].k);
	JA(p, (uint32_t)(p->n - at - 1));
	return p->n - 1;
}

/* A jump on A op k to t (true) or f (false); its place. */
static size_t
jump(struct prog *p, struct rets *c, uint16_t op, uint32_t k, size_t t, size_t f)
{
	while (!p->oom && (p->n - t - 1 > NEAR || p->n - f - 1 > NEAR)) {
		if (p->n - t - 1 > NEAR)
			t = reach(p, c, t);
		else
			f = reach(p, c, f);
	}
	emit(p, BPF_JMP | op | BPF_K, (uint8_t)(p->n - t - 1), (uint8_t)(p->n - f - 1), k);
	return p->n - 1;
}

/* A segment: its return, or the argument check before it; the place. */
static size_t
leaf(struct prog *p, struct rets *c, const struct seg *s)
{
	const struct rule *r = s->r;
	size_t at, no, i;

	if (r == NULL)
		return ret_at(p, c, s->ret);
	switch (r->kind) {
	case ALWAYS:
		return ret_at(p, c, r->ret);
	case TTY:
		/* ioctl's cmd is an unsigned int: the kernel ignores the high
		 * word, so we compare only the low one (CVE-2019-7303) */
		no = ret_at(p, c, r->ret);
		at = jump(p, c, BPF_JEQ, TIOCLINUX, no, ret_at(p, c, s->ret));
		jump(p, c, BPF_JEQ, TIOCSTI, no, at);
		LD(p, OFF_ARG(1));
		break;
	case NSFLAGS:
		/* clone and unshare read only the low word of their flags */
	case MODEBITS:
		no = ret_at(p, c, r->ret);
		jump(p, c, BPF_JSET, r->mask, no, ret_at(p, c, s->ret));
		LD(p, OFF_ARG(r->arg));
		break;
	case CREATBITS:
		/* without O_CREAT the mode argument is not used (and may hold
		 * anything), so look at it only when creating */
		no = ret_at(p, c, r->ret);
		jump(p, c, BPF_JSET, r->mask, no, ret_at(p, c, s->ret));
		LD(p, OFF_ARG(r->arg));
		at = p->n - 1;
		jump(p, c, BPF_JSET, CREATING, at, ret_at(p, c, s->ret));
		LD(p, OFF_ARG(r->flagarg));
		break;
	case PERSONA:
		at = ret_at(p, c, r->ret);
		for (i = NPERSONAS; i > 0; i--)
			at = jump(p, c, BPF_JEQ, personas[i - 1], ret_at(p, c, s->ret), at);
		LD(p, OFF_ARG(0));
		break;
	}
	return p->n - 1;
}

/* The search over segs[0..n): from segs[n / 2].lo up, the right half. */
static size_t
tree(struct prog *p, struct rets *c, const struct seg *segs, size_t n)
{
	size_t m = n / 2, right, left;

	if (n == 1)
		return leaf(p, c, segs);
	right = tree(p, c, segs + m, n - m);
	left = tree(p, c, segs, m);
	return jump(p, c, BPF_JGE, segs[m].lo, right, left);
}

/* Turn the backwards program around. */
static void
reverse(struct prog *p)
{
	struct sock_filter t;
	size_t i;

	for (i = 0; !p->oom && i < p->n / 2; i++) {
		t = p->v[i];
		p->v[i] = p->v[p->n - 1 - i];
		p->v[p->n - 1 - i] = t;
	}
}

int
gl_seccomp_build(const char *preset, const char *action, const struct gl_strv *allow,
    struct sock_filter **prog, size_t *len, jv *report, char *err, size_t errsz)
{
	unsigned char set[MAXNR], seed[MAXNR], own[MAXNR];
	const struct rule *rule[MAXNR];
	struct seg segs[MAXNR + 1];
	struct prog p = { 0 };
	struct rets c = { 0 };
	const struct rule *r;
	uint32_t dflt;
	jv rep = jv_invalid(), a;
	size_t i, nseg, at;
	int nr, nallowed = 0, list;

	*prog = NULL;
	*len = 0;
	*report = jv_invalid();
	if (strcmp(action, "errno") == 0)
		dflt = RET_EPERM;
	else if (strcmp(action, "log") == 0)
		dflt = SECCOMP_RET_LOG;
	else if (strcmp(action, "kill") == 0)
		dflt = RET_KILL;
	else {
		snprintf(err, errsz, "seccomp: default_action %s: not errno, log or kill", action);
		return -1;
	}
	if (strcmp(preset, "disabled") != 0 && strcmp(preset, "nodejs") != 0 &&
	    strcmp(preset, "custom") != 0) {
		snprintf(err, errsz, "seccomp: preset %s: not disabled, nodejs or custom", preset);
		return -1;
	}
	list = strcmp(preset, "disabled") != 0;
	memset(set, 0, sizeof set);
	memset(seed, 0, sizeof seed);
	memset(own, 0, sizeof own);
	if (mark_words(nodejs, seed, err, errsz) < 0 || mark_words(baseline, set, err, errsz) < 0)
		return -1;
	if (strcmp(preset, "nodejs") == 0) {
		if (mark_words(nodejs_more, set, err, errsz) < 0)
			return -1;
		for (i = 0; i < MAXNR; i++)
			set[i] |= own[i] = seed[i];
	}
	for (i = 0; allow != NULL && i < allow->n; i++) {
		if ((nr = gl_seccomp_nr(allow->v[i])) < 0) {
			snprintf(err, errsz, "seccomp: allow_syscalls %s: unknown system call",
			    allow->v[i]);
			return -1;
		}
		if (always_denied(nr) != NULL) {
			snprintf(err, errsz, "seccomp: allow_syscalls %s: always denied, "
			    "it cannot be allowed", allow->v[i]);
			return -1;
		}
		set[nr] = own[nr] = 1;
	}

	/* the deny list, whatever the preset: one rule per call */
	for (i = 0; i < MAXNR; i++)
		rule[i] = NULL;
	a = jv_array();
	for (i = 0; i < NDENY; i++) {
		r = &deny[i];
		nr = gl_seccomp_nr(r->name);
		rule[nr] = r;
		jv d = jv_object_set(jv_object(), jv_string("syscall"), jv_string(r->name));
		d = jv_object_set(d, jv_string("action"), jv_string(retname(r->ret)));
		if (r->when != NULL)
			d = jv_object_set(d, jv_string("when"), jv_string(r->when));
		a = jv_array_append(a, d);
		if (r->kind == ALWAYS)
			set[nr] = 0;
	}
	for (i = 0; list && i < MAXNR; i++)
		nallowed += set[i];

	/* backwards: the search, then in front of it the architecture, where
	 * anything but the x86-64 entry points dies */
	nseg = segments(segs, set, rule, list, dflt);
	at = tree(&p, &c, segs, nseg);
	jump(&p, &c, BPF_JSET, X32_BIT, ret_at(&p, &c, RET_KILL), at);
	LD(&p, OFF_NR);
	at = p.n - 1;
	jump(&p, &c, BPF_JEQ, AUDIT_ARCH_X86_64, at, ret_at(&p, &c, RET_KILL));
	LD(&p, OFF_ARCH);
	reverse(&p);
	if (p.oom || p.n > BPF_MAXINSNS) {
		jv_free(a);
		free(p.v);
		snprintf(err, errsz, "seccomp: %s", p.oom ? "out of memory" : "filter too long");
		return -1;
	}

	rep = jv_object_set(jv_object(), jv_string("preset"), jv_string(preset));
	rep = jv_object_set(rep, jv_string("default_action"), jv_string(action));
	rep = jv_object_set(rep, jv_string("arch"), jv_object_set(jv_object_set(jv_object_set(
	    jv_object(), jv_string("x86_64"), jv_string("checked")), jv_string("x32"),
	    jv_string("kill")), jv_string("other"), jv_string("kill")));
	rep = jv_object_set(rep, jv_string("deny"), a);
	rep = jv_object_set(rep, jv_string("allowed"), list ? jv_number(nallowed) : jv_null());
	if (list) {
		/* what the allowlist has beyond the preset's own names */
		a = jv_array();
		for (i = 0; i < MAXNR; i++)
			if (set[i] && !own[i])
				a = jv_array_append(a, jv_string(gl_seccomp_name((int)i)));
		rep = jv_object_set(rep, jv_string("added"), a);
	}
	rep = jv_object_set(rep, jv_string("instructions"), jv_number((double)p.n));
	*prog = p.v;
	*len = p.n;
	*report = rep;
	return 0;
}

int
gl_seccomp_fd(const struct sock_filter *prog, size_t len)
{
	int fd, e;

	/* not close-on-exec: bubblewrap inherits it */
	if ((fd = memfd_create("gl-seccomp", 0)) < 0)
		return -1;
	if (gl_io_write_all(fd, prog, len * sizeof *prog) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
