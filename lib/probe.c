#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>

#include "cgroup.h"
#include "io.h"
#include "json.h"
#include "landlock.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#define LL_CREATE_ERRATA (1U << 1)
#define NOBODY 65534

/* An integer sysctl (or any one-number file), or null when absent. */
static jv
sysnum(const char *path)
{
	char *buf, *end;
	size_t n;
	long long v;

	if (gl_io_read_file(path, 64, &buf, &n) < 0)
		return jv_null();
	v = strtoll(buf, &end, 10);
	free(buf);
	return end == buf ? jv_null() : jv_number((double)v);
}

/* In a child: unshare a user namespace (as nobody when we are root, since
 * that is what an unprivileged caller gets), then use a capability in it. */
static jv
userns(void)
{
	jv o = jv_object();
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
		    setresuid(NOBODY, NOBODY, NOBODY) < 0))
			_exit(3);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		/* AppArmor's restriction allows the namespace but no capability in it */
		if (unshare(CLONE_NEWNS | CLONE_NEWNET) < 0)
			_exit(2);
		_exit(0);
	}
	st = -1;
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	st = pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	o = jv_object_set(o, jv_string("unprivileged"), jv_bool(st == 0));
	o = jv_object_set(o, jv_string("reason"), st == 0 ? jv_null() : jv_string(
	    st == 1 ? "unshare(CLONE_NEWUSER) failed" :
	    st == 2 ? "no capabilities inside a new user namespace (AppArmor restriction?)" :
	    "the probe could not run"));
	o = jv_object_set(o, jv_string("max_user_namespaces"), sysnum("/proc/sys/user/max_user_namespaces"));
	o = jv_object_set(o, jv_string("unprivileged_userns_clone"),
	    sysnum("/proc/sys/kernel/unprivileged_userns_clone"));
	return jv_object_set(o, jv_string("apparmor_restrict_unprivileged_userns"),
	    sysnum("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"));
}

static jv
landlock(void)
{
	long e = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_ERRATA);
	jv o = jv_object_set(jv_object(), jv_string("abi"), jv_number(gl_landlock_abi()));

	return jv_object_set(o, jv_string("errata"), e < 0 ? jv_null() : jv_number((double)e));
}

static jv
seccomp(void)
{
	static const struct { const char *name; unsigned act; } acts[] = {
		{ "kill_process", SECCOMP_RET_KILL_PROCESS }, { "errno", SECCOMP_RET_ERRNO },
		{ "user_notif", SECCOMP_RET_USER_NOTIF }, { "log", SECCOMP_RET_LOG },
	};
	jv o = jv_object(), a = jv_array();
	int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	size_t i;

	for (i = 0; i < sizeof acts / sizeof acts[0]; i++) {
		unsigned act = acts[i].act;
		if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act) == 0)
			a = jv_array_append(a, jv_string(acts[i].name));
	}
	o = jv_object_set(o, jv_string("available"), jv_bool(mode >= 0));
	o = jv_object_set(o, jv_string("mode"), mode >= 0 ? jv_number(mode) : jv_null());
	o = jv_object_set(o, jv_string("filter"), jv_bool(jv_array_length(jv_copy(a)) > 0));
	return jv_object_set(o, jv_string("actions"), a);
}

/* `bwrap --version`: "bubblewrap 0.8.0" */
static jv
bubblewrap(void)
{
	char *const av[] = { "bwrap", "--version", NULL };
	char buf[128];
	ssize_t n = 0, r;
	int p[2], st = -1, fd;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return jv_null();
	if ((pid = fork()) == 0) {
		dup2(p[1], 1);
		if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0)
			dup2(fd, 2);
		execvp(av[0], av);
		_exit(127);
	}
	close(p[1]);
	while (pid > 0 && (size_t)n < sizeof buf - 1 &&
	    ((r = read(p[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0 || (r < 0 && errno == EINTR)))
		n += r > 0 ? r : 0;
	close(p[0]);
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || strncmp(buf, "bubblewrap ", 11) != 0)
		return jv_object_set(jv_object(), jv_string("version"), jv_null());
	return jv_object_set(jv_object(), jv_string("version"), jv_string(buf + 11));
}

static jv
netfilter(void)
{
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	jv o = jv_object_set(jv_object(), jv_string("netlink"), jv_bool(s >= 0));

	if (s >= 0)
		close(s);
	return o;
}

static jv
ipv6(void)
{
	jv o = jv_object_set(jv_object(), jv_string("available"),
	    jv_bool(access("/proc/net/if_inet6", F_OK) == 0));

	return jv_object_set(o, jv_string("disable_ipv6"), sysnum("/proc/sys/net/ipv6/conf/all/disable_ipv6"));
}

jv
gl_probe(void)
{
	struct utsname u;
	jv o = jv_object();

	o = jv_object_set(o, jv_string("kernel"), uname(&u) == 0 ? jv_string(u.release) : jv_null());
	o = jv_object_set(o, jv_string("userns"), userns());
	o = jv_object_set(o, jv_string("landlock"), landlock());
	o = jv_object_set(o, jv_string("seccomp"), seccomp());
	o = jv_object_set(o, jv_string("cgroup"), gl_cgroup_probe());
	o = jv_object_set(o, jv_string("bubblewrap"), bubblewrap());
	o = jv_object_set(o, jv_string("netfilter"), netfilter());
	return jv_object_set(o, jv_string("ipv6"), ipv6());
}

/* p.a.b as text ("-" when absent) */
static const char *
txt(jv p, const char *a, const char *b, char *buf, size_t sz)
{
	jv x = gl_json_get(p, a), y = b != NULL ? gl_json_get(x, b) : jv_copy(x);
	jv_kind k = jv_get_kind(y);

	if (k == JV_KIND_STRING)
		snprintf(buf, sz, "%s", jv_string_value(y));
	else if (k == JV_KIND_NUMBER)
		snprintf(buf, sz, "%lld", (long long)jv_number_value(y));
	else if (k == JV_KIND_TRUE || k == JV_KIND_FALSE)
		snprintf(buf, sz, "%s", k == JV_KIND_TRUE ? "yes" : "no");
	else if (k == JV_KIND_ARRAY) {
		size_t n = 0;
		int i, len = jv_array_length(jv_copy(y));
		buf[0] = '\0';
		for (i = 0; i < len && n < sz; i++) {
			jv e = jv_array_get(jv_copy(y), i);
			n += (size_t)snprintf(buf + n, sz - n, "%s%s", i ? "," : "",
			    jv_get_kind(e) == JV_KIND_STRING ? jv_string_value(e) : "?");
			jv_free(e);
		}
		if (len == 0)
			snprintf(buf, sz, "none");
	} else
		snprintf(buf, sz, "-");
	jv_free(x);
	jv_free(y);
	return buf;
}

int
gl_probe_human(FILE *f, jv p)
{
	char a[256], b[256], c[256], d[256];
	jv cg = gl_json_get(p, "cgroup");

	fprintf(f, "kernel:          %s\n", txt(p, "kernel", NULL, a, sizeof a));
	fprintf(f, "user namespaces: unprivileged %s (max %s, apparmor restriction %s)\n",
	    txt(p, "userns", "unprivileged", a, sizeof a), txt(p, "userns", "max_user_namespaces", b, sizeof b),
	    txt(p, "userns", "apparmor_restrict_unprivileged_userns", c, sizeof c));
	fprintf(f, "landlock:        ABI %s, errata %s\n", txt(p, "landlock", "abi", a, sizeof a),
	    txt(p, "landlock", "errata", b, sizeof b));
	fprintf(f, "seccomp:         filter %s (actions %s)\n", txt(p, "seccomp", "filter", a, sizeof a),
	    txt(p, "seccomp", "actions", b, sizeof b));
	fprintf(f, "cgroup v2:       %s: controllers %s, delegated %s, writable %s\n",
	    txt(cg, "v2", "path", a, sizeof a), txt(cg, "v2", "controllers", b, sizeof b),
	    txt(cg, "v2", "delegated", c, sizeof c), txt(cg, "v2", "writable", d, sizeof d));
	{
		jv v1 = gl_json_get(cg, "v1");
		fprintf(f, "cgroup v1:       memory %s, pids %s, cpu %s (writable)\n",
		    txt(v1, "memory", "writable", a, sizeof a), txt(v1, "pids", "writable", b, sizeof b),
		    txt(v1, "cpu", "writable", c, sizeof c));
		jv_free(v1);
	}
	fprintf(f, "limits by:       memory %s, pids %s, cpu %s\n", txt(cg, "limits", "memory", a, sizeof a),
	    txt(cg, "limits", "pids", b, sizeof b), txt(cg, "limits", "cpu", c, sizeof c));
	fprintf(f, "cgroup joins:    %s\n", txt(cg, "favordynmods", NULL, a, sizeof a)[0] == 'y' ?
	    "fast (a hierarchy is mounted with favordynmods)" :
	    "may wait for an RCU grace period (no hierarchy is mounted with favordynmods)");
	fprintf(f, "bubblewrap:      %s\n", txt(p, "bubblewrap", "version", a, sizeof a));
	fprintf(f, "netfilter:       netlink %s\n", txt(p, "netfilter", "netlink", a, sizeof a));
	fprintf(f, "ipv6:            %s\n", txt(p, "ipv6", "available", a, sizeof a));
	jv_free(cg);
	jv_free(p);
	return ferror(f) ? -1 : 0;
}
