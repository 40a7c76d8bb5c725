/* seccomp: the filter, installed in a child, denies and allows what it says;
 * interpreted, it decides every call as the linear filter it replaced. */
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

/* The test compiles lib/seccomp.c itself, for its tables (the deny list, the
 * personalities, the presets' lists) and statics; libgl.a's copy is then not
 * linked. */
#include "seccomp.c"
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

/*
 * The oracle of the differential check: the linear emitter gl_seccomp_build
 * used before the search tree (the architecture, the deny rules one after the
 * other, then one JEQ/RET pair per allowed call), kept here as it was.  It
 * shares the tables with lib/seccomp.c, none of the tree code.
 */
#define O_JEQ(p, k, t, f) emit(p, BPF_JMP | BPF_JEQ | BPF_K, t, f, k)
#define O_JSET(p, k, t, f) emit(p, BPF_JMP | BPF_JSET | BPF_K, t, f, k)

static void
old_deny(struct prog *p, const struct rule *r, int nr)
{
	size_t i;

	switch (r->kind) {
	case ALWAYS:
		O_JEQ(p, (uint32_t)nr, 0, 1);
		RET(p, r->ret);
		break;
	case TTY:
		O_JEQ(p, (uint32_t)nr, 0, 5);
		LD(p, OFF_ARG(1));
		O_JEQ(p, TIOCSTI, 2, 0);
		O_JEQ(p, TIOCLINUX, 1, 0);
		JA(p, 1);
		RET(p, r->ret);
		LD(p, OFF_NR);
		break;
	case NSFLAGS:
	case MODEBITS:
		O_JEQ(p, (uint32_t)nr, 0, 3);
		LD(p, OFF_ARG(r->arg));
		O_JSET(p, r->mask, 0, 1);
		RET(p, r->ret);
		LD(p, OFF_NR);
		break;
	case CREATBITS:
		O_JEQ(p, (uint32_t)nr, 0, 5);
		LD(p, OFF_ARG(r->flagarg));
		O_JSET(p, CREATING, 0, 3);
		LD(p, OFF_ARG(r->arg));
		O_JSET(p, r->mask, 0, 1);
		RET(p, r->ret);
		LD(p, OFF_NR);
		break;
	case PERSONA:
		O_JEQ(p, (uint32_t)nr, 0, (uint8_t)(NPERSONAS + 2));
		LD(p, OFF_ARG(0));
		for (i = 0; i < NPERSONAS; i++)
			O_JEQ(p, personas[i], (uint8_t)(NPERSONAS - i), 0);
		RET(p, r->ret);
		LD(p, OFF_NR);
		break;
	}
}

static int
old_build(const char *preset, const char *action, const struct gl_strv *allow, struct prog *p)
{
	unsigned char set[MAXNR], seed[MAXNR];
	uint32_t dflt = strcmp(action, "errno") == 0 ? RET_EPERM :
	    strcmp(action, "log") == 0 ? SECCOMP_RET_LOG : RET_KILL;
	int list = strcmp(preset, "disabled") != 0, nr;
	char err[256];
	size_t i;

	memset(set, 0, sizeof set);
	memset(seed, 0, sizeof seed);
	if (mark_words(nodejs, seed, err, sizeof err) < 0 ||
	    mark_words(baseline, set, err, sizeof err) < 0)
		return -1;
	if (strcmp(preset, "nodejs") == 0) {
		if (mark_words(nodejs_more, set, err, sizeof err) < 0)
			return -1;
		for (i = 0; i < MAXNR; i++)
			set[i] |= seed[i];
	}
	for (i = 0; allow != NULL && i < allow->n; i++)
		set[gl_seccomp_nr(allow->v[i])] = 1;
	LD(p, OFF_ARCH);
	O_JEQ(p, AUDIT_ARCH_X86_64, 1, 0);
	RET(p, RET_KILL);
	LD(p, OFF_NR);
	O_JSET(p, X32_BIT, 0, 1);
	RET(p, RET_KILL);
	for (i = 0; i < NDENY; i++) {
		nr = gl_seccomp_nr(deny[i].name);
		old_deny(p, &deny[i], nr);
		if (deny[i].kind == ALWAYS)
			set[nr] = 0;
	}
	if (list) {
		for (i = 0; i < MAXNR; i++)
			if (set[i]) {
				O_JEQ(p, (uint32_t)i, 0, 1);
				RET(p, SECCOMP_RET_ALLOW);
			}
		RET(p, dflt);
	} else
		RET(p, SECCOMP_RET_ALLOW);
	return p->oom ? -1 : 0;
}

struct run {
	uint32_t ret;
	int args;	/* an argument was loaded */
	int steps;	/* instructions run */
};

/* Run f on d as the kernel does; -1 on an instruction the emitters must not
 * write (and the kernel's action cache could not follow before a leaf), a
 * load outside nr, arch and the arguments, a jump out of the program, or
 * running off its end. */
static int
bpf_run(const struct sock_filter *f, size_t n, const struct seccomp_data *d, struct run *out)
{
	const struct sock_filter *in;
	unsigned char data[sizeof *d];
	uint32_t a = 0, off;
	size_t pc = 0;
	int c;

	memcpy(data, d, sizeof data);
	out->args = out->steps = 0;
	while (pc < n) {
		in = &f[pc++];
		out->steps++;
		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k % 4 != 0 || in->k > sizeof data - 4)
				return -1;
			if (in->k >= offsetof(struct seccomp_data, args))
				out->args = 1;
			else if (in->k != OFF_NR && in->k != OFF_ARCH)
				return -1;
			memcpy(&a, data + in->k, sizeof a);
			continue;
		case BPF_JMP | BPF_JA:
			off = in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			c = BPF_OP(in->code) == BPF_JEQ ? a == in->k :
			    BPF_OP(in->code) == BPF_JGE ? a >= in->k : (a & in->k) != 0;
			off = c ? in->jt : in->jf;
			break;
		case BPF_RET | BPF_K:
			out->ret = in->k;
			return 0;
		default:
			return -1;
		}
		if (off >= n - pc)
			return -1;
		pc += off;
	}
	return -1;
}

/* argument values that trip each deny rule, or just miss it */
static const uint64_t vals[] = {
	0, 1, TIOCSTI, TIOCLINUX, TCGETS, FIONREAD, TIOCSTI | HIGH, TIOCLINUX | HIGH,
	CLONE_NEWUSER | SIGCHLD, CLONE_NEWNET | HIGH, CLONE_NEWNS, CLONE_NEWCGROUP,
	CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWTIME, SIGCHLD, CLONE_FS,
	CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
	0644, S_ISUID | 0755, S_ISGID | 0755, S_ISUID | S_ISGID, S_ISVTX | 0777, S_ISGID | HIGH,
	O_CREAT | O_WRONLY, O_TMPFILE | O_RDWR, O_CREAT | S_ISUID, O_CREAT | S_ISGID,
	O_CREAT | 0644, (O_CREAT | S_ISGID) | HIGH, O_RDONLY | O_CLOEXEC,
	0x8, 0x20000, 0x20008, 0xffffffff, 0x8 | HIGH, 0xffffffffffffffffUL,
	ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, PER_BSD, 0xfffffffe,
};
#define NVALS (sizeof vals / sizeof vals[0])
/* each value in every argument, alone in each, and after creating flags */
#define NFORMS (1 + 6 + 5 * 2)

static void
vector(__u64 *args, size_t form, uint64_t v)
{
	size_t i;

	for (i = 0; i < 6; i++)
		args[i] = form == 0 ? v : 0;
	if (form >= 1 && form <= 6)
		args[form - 1] = v;
	else if (form > 6) {
		form -= 7;
		args[form / 2] = form % 2 ? O_TMPFILE | O_RDWR : O_CREAT | O_WRONLY;
		args[form / 2 + 1] = v;
	}
}

/* the deny rule that checks nr's arguments, or NULL */
static const struct rule *
arg_rule(uint32_t nr)
{
	size_t i;

	for (i = 0; i < NDENY; i++)
		if (deny[i].kind != ALWAYS && gl_seccomp_nr(deny[i].name) == (int)nr)
			return &deny[i];
	return NULL;
}

/* One preset and action: every number, architecture and argument vector
 * gets the old filter's answer from the new one. */
static void
same_as_linear(const char *preset, const char *action, const char *const *allow1)
{
	static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64 };
	static const uint32_t beyond[] = { MAXNR, 600, 1023, 0x3fffffff, 0x80000000,
	    0xbfffffff, 0xfffffffe, 0xffffffff };
	struct gl_strv allow = { 0 };
	struct prog old = { 0 };
	struct sock_filter *prog;
	struct seccomp_data d;
	struct run rn, ro;
	unsigned char hit[NDENY][2];
	uint32_t pass[NDENY];	/* what the call gets with its arguments all 0 */
	const struct rule *r;
	char err[256];
	size_t len, a, x, i, form, v, forms, diff = 0, bad = 0, uncached = 0, steps = 0, runs = 0;
	uint32_t nr;
	jv rep;

	for (i = 0; allow1 != NULL && allow1[i] != NULL; i++)
		gl_strv_push(&allow, allow1[i]);
	if (gl_seccomp_build(preset, action, &allow, &prog, &len, &rep, err, sizeof err) < 0 ||
	    old_build(preset, action, &allow, &old) < 0) {
		CHECK(!"build");
		gl_strv_free(&allow);
		return;
	}
	jv_free(rep);
	memset(hit, 0, sizeof hit);
	memset(pass, 0, sizeof pass);
	for (a = 0; a < sizeof arches / sizeof arches[0]; a++)
		for (x = 0; x < 2; x++)
			for (i = 0; i < MAXNR + sizeof beyond / sizeof beyond[0]; i++) {
				nr = i < MAXNR ? (uint32_t)i : beyond[i - MAXNR];
				nr |= x ? X32_BIT : 0;
				r = arches[a] == AUDIT_ARCH_X86_64 && !x ? arg_rule(nr) : NULL;
				/* the other architectures die before any argument */
				forms = arches[a] == AUDIT_ARCH_X86_64 && !x ? NFORMS : 1;
				for (form = 0; form < forms; form++)
					for (v = 0; v < NVALS; v++) {
						memset(&d, 0, sizeof d);
						d.nr = (int)nr;
						d.arch = arches[a];
						vector(d.args, form, vals[v]);
						if (bpf_run(prog, len, &d, &rn) < 0 ||
						    bpf_run(old.v, old.n, &d, &ro) < 0) {
							bad++;
							continue;
						}
						runs++;
						steps += (size_t)rn.steps;
						if (rn.ret != ro.ret && diff++ < 5)
							fprintf(stderr, "%s %s: arch %#x nr %#x args "
							    "%#lx %#lx %#lx %#lx: %#x, linear %#x\n",
							    preset, action, d.arch, nr,
							    (unsigned long)d.args[0],
							    (unsigned long)d.args[1],
							    (unsigned long)d.args[2],
							    (unsigned long)d.args[3], rn.ret, ro.ret);
						/* the action cache: no argument unless a rule looks */
						if (rn.args && r == NULL)
							uncached++;
						if (r != NULL && form == 0 && v == 0)
							pass[r - deny] = rn.ret;
						else if (r != NULL)
							hit[r - deny][rn.ret == r->ret] = 1;
					}
			}
	CHECK(bad == 0);
	CHECK(diff == 0);
	CHECK(uncached == 0);
	CHECK(len < old.n);
	/* each argument rule was seen both to deny and to let pass (where the
	 * call is not denied anyway) */
	for (i = 0; i < NDENY; i++)
		if (deny[i].kind != ALWAYS && pass[i] != deny[i].ret &&
		    !(hit[i][0] && hit[i][1])) {
			fprintf(stderr, "%s: rule not exercised both ways\n", deny[i].name);
			CHECK(!"exercised");
		}
	if (strcmp(preset, "nodejs") == 0 && strcmp(action, "errno") == 0)
		printf("seccomp: nodejs/errno: %zu instructions (linear %zu), %.1f run per call\n",
		    len, old.n, (double)steps / (double)runs);
	free(prog);
	free(old.v);
	gl_strv_free(&allow);
}

static void
differential(void)
{
	static const char *const actions[] = { "errno", "log", "kill" };
	static const char *const extra[] = { "getcpu", "ioctl", NULL };
	size_t i;

	for (i = 0; i < 3; i++) {
		same_as_linear("nodejs", actions[i], NULL);
		same_as_linear("custom", actions[i], extra);
		same_as_linear("disabled", actions[i], NULL);
	}
}

/* A search too wide for 8-bit jumps: the JA and repeated returns land where
 * they should. */
static void
far_jumps(void)
{
	static const uint32_t rets[] = { SECCOMP_RET_ALLOW, RET_EPERM, RET_KILL, RET_ENOSYS };
	struct seg segs[1500];
	struct prog p = { 0 };
	struct rets c = { 0 };
	struct seccomp_data d;
	struct run rn;
	size_t i, n = sizeof segs / sizeof segs[0], ja = 0, wrong = 0;
	uint32_t nr;

	for (i = 0; i < n; i++) {
		segs[i].lo = (uint32_t)(3 * i);
		segs[i].ret = rets[(i * 7 / 3) % 4];
		segs[i].r = NULL;
	}
	tree(&p, &c, segs, n);
	LD(&p, OFF_NR);
	reverse(&p);
	CHECK(!p.oom);
	for (i = 0; i < p.n; i++)
		ja += p.v[i].code == (BPF_JMP | BPF_JA);
	CHECK(ja > 0);
	memset(&d, 0, sizeof d);
	for (nr = 0; nr < 3 * n + 10; nr++) {
		d.nr = (int)nr;
		if (bpf_run(p.v, p.n, &d, &rn) < 0 ||
		    rn.ret != segs[nr / 3 < n ? nr / 3 : n - 1].ret)
			wrong++;
	}
	CHECK(wrong == 0);
	free(p.v);
}

static void
size(void)
{
	struct sock_filter *prog;
	char err[256];
	size_t len, i, j, twice = 0;
	jv rep, v;

	/* the search keeps one deny rule per call (the linear list ran them all) */
	for (i = 0; i < NDENY; i++)
		for (j = i + 1; j < NDENY; j++)
			twice += strcmp(deny[i].name, deny[j].name) == 0;
	CHECK(twice == 0);

	CHECK(gl_seccomp_build("nodejs", "errno", NULL, &prog, &len, &rep, err, sizeof err) == 0);
	free(prog);
	v = jv_object_get(rep, jv_string("instructions"));
	CHECK(jv_get_kind(v) == JV_KIND_NUMBER && jv_number_value(v) == (double)len);
	CHECK(len < 250);
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
	size();
	differential();
	far_jumps();

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
