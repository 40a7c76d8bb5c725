#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Debian 12's headers stop at ABI 2: carry our own names and numbers. */
#define LL_NR_CREATE	444
#define LL_NR_ADD	445
#define LL_NR_SELF	446
#define LL_CREATE_VERSION	(1U << 0)
#define LL_RULE_PATH	1
#define LL_RULE_NET	2
#define LL_NET_BIND	(1ULL << 0)
#define LL_NET_CONNECT	(1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX	(1ULL << 0)
#define LL_SCOPE_SIGNAL	(1ULL << 1)
#define LL_LOG_NEW_EXEC_ON	(1U << 1)
#define LL_ABI_KNOWN	7

struct ll_ruleset_attr {
	__u64 handled_access_fs, handled_access_net, scoped;
};
struct ll_path_beneath {
	__u64 allowed_access;
	__s32 parent_fd;
} __attribute__((packed));
struct ll_net_port {
	__u64 allowed_access, port;
};

static const struct {
	const char *name;
	int abi;
	int file;	/* applies to non-directories */
} fs_rights[] = {
	{ "execute", 1, 1 }, { "write_file", 1, 1 }, { "read_file", 1, 1 },
	{ "read_dir", 1, 0 }, { "remove_dir", 1, 0 }, { "remove_file", 1, 0 },
	{ "make_char", 1, 0 }, { "make_dir", 1, 0 }, { "make_reg", 1, 0 },
	{ "make_sock", 1, 0 }, { "make_fifo", 1, 0 }, { "make_block", 1, 0 },
	{ "make_sym", 1, 0 }, { "refer", 2, 0 }, { "truncate", 3, 1 },
	{ "ioctl_dev", 5, 1 },
};
#define NFS (sizeof fs_rights / sizeof fs_rights[0])
#define FS_RO ((1ULL << 0) | (1ULL << 2) | (1ULL << 3))

int
gl_landlock_abi(void)
{
	long abi = syscall(LL_NR_CREATE, NULL, 0, LL_CREATE_VERSION);

	return abi < 0 ? 0 : (int)abi;
}

static jv
rights_json(__u64 mask)
{
	jv a = jv_array();
	size_t i;

	for (i = 0; i < NFS; i++)
		if (mask & (1ULL << i))
			a = jv_array_append(a, jv_string(fs_rights[i].name));
	return a;
}

static __u64
file_rights(void)
{
	__u64 m = 0;
	size_t i;

	for (i = 0; i < NFS; i++)
		if (fs_rights[i].file)
			m |= 1ULL << i;
	return m;
}

/* One path rule; appends its outcome to *rules. */
static int
add_path(int rfd, const char *path, __u64 want, __u64 handled, jv *rules)
{
	struct ll_path_beneath pb;
	struct stat st;
	jv r = jv_object_set(jv_object(), jv_string("path"), jv_string(path));
	int fd;

	r = jv_object_set(r, jv_string("access"), jv_string(want == FS_RO ? "ro" : "rw"));
	if ((fd = open(path, O_PATH | O_CLOEXEC)) < 0) {
		r = jv_object_set(r, jv_string("skipped"), jv_string(strerror(errno)));
		*rules = jv_array_append(*rules, r);
		return 0;
	}
	pb.parent_fd = fd;
	pb.allowed_access = want & handled;
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		pb.allowed_access &= file_rights();
	if (syscall(LL_NR_ADD, rfd, LL_RULE_PATH, &pb, 0) < 0) {
		int e = errno;
		close(fd);
		jv_free(r);
		errno = e;
		return -1;
	}
	close(fd);
	*rules = jv_array_append(*rules, r);
	return 0;
}

jv
gl_landlock_apply(const struct gl_landlock_req *req)
{
	struct ll_ruleset_attr attr;
	struct ll_net_port np;
	__u64 all = 0, dropped_fs = 0, dropped_net = 0, dropped_scope = 0;
	unsigned flags = 0;
	char msg[256];
	jv rep = jv_object(), rules = jv_array(), a;
	int abi = gl_landlock_abi(), rfd = -1, eff;
	size_t i, attrsz;

	rep = jv_object_set(rep, jv_string("abi"), jv_number(abi));
	if (abi < 1) {
		snprintf(msg, sizeof msg, "Landlock is not available (disabled at boot or not built)");
		goto fail;
	}
	if (abi < req->min_abi) {
		snprintf(msg, sizeof msg, "Landlock ABI %d is below the required %d", abi, req->min_abi);
		goto fail;
	}
	eff = abi > LL_ABI_KNOWN ? LL_ABI_KNOWN : abi;
	for (i = 0; i < NFS; i++) {
		if (fs_rights[i].abi <= eff)
			all |= 1ULL << i;
		else
			dropped_fs |= 1ULL << i;
	}
	memset(&attr, 0, sizeof attr);
	attr.handled_access_fs = all;
	attrsz = sizeof attr;
	if (req->handle_net) {
		if (eff >= 4)
			attr.handled_access_net = LL_NET_CONNECT | (req->nbind ? LL_NET_BIND : 0);
		else
			dropped_net = LL_NET_CONNECT;
	}
	if (req->scope) {
		if (eff >= 6)
			attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
		else
			dropped_scope = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
	}
	if (req->audit && eff >= 7)
		flags |= LL_LOG_NEW_EXEC_ON;
	if ((rfd = (int)syscall(LL_NR_CREATE, &attr, attrsz, 0)) < 0) {
		snprintf(msg, sizeof msg, "landlock_create_ruleset: %s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < req->nro; i++)
		if (add_path(rfd, req->ro[i], FS_RO, all, &rules) < 0) {
			snprintf(msg, sizeof msg, "landlock_add_rule: %s: %s", req->ro[i], strerror(errno));
			goto fail;
		}
	for (i = 0; i < req->nrw; i++)
		if (add_path(rfd, req->rw[i], all, all, &rules) < 0) {
			snprintf(msg, sizeof msg, "landlock_add_rule: %s: %s", req->rw[i], strerror(errno));
			goto fail;
		}
	for (i = 0; attr.handled_access_net && i < req->nconnect + req->nbind; i++) {
		int bind = i >= req->nconnect;
		np.allowed_access = bind ? LL_NET_BIND : LL_NET_CONNECT;
		np.port = (__u64)(bind ? req->bind_tcp[i - req->nconnect] : req->connect_tcp[i]);
		if (syscall(LL_NR_ADD, rfd, LL_RULE_NET, &np, 0) < 0) {
			snprintf(msg, sizeof msg, "landlock_add_rule: port %llu: %s",
			    (unsigned long long)np.port, strerror(errno));
			goto fail;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(msg, sizeof msg, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		goto fail;
	}
	if (syscall(LL_NR_SELF, rfd, flags) < 0) {
		snprintf(msg, sizeof msg, "landlock_restrict_self: %s", strerror(errno));
		goto fail;
	}
	close(rfd);

	rep = jv_object_set(rep, jv_string("enforced"), jv_true());
	rep = jv_object_set(rep, jv_string("status"), jv_string(
	    dropped_fs || dropped_net || dropped_scope ? "partial" : "full"));
	rep = jv_object_set(rep, jv_string("handled_fs"), rights_json(all));
	rep = jv_object_set(rep, jv_string("dropped_fs"), rights_json(dropped_fs));
	a = jv_array();
	if (attr.handled_access_net & LL_NET_CONNECT)
		a = jv_array_append(a, jv_string("connect_tcp"));
	if (attr.handled_access_net & LL_NET_BIND)
		a = jv_array_append(a, jv_string("bind_tcp"));
	rep = jv_object_set(rep, jv_string("handled_net"), a);
	a = jv_array();
	if (dropped_net)
		a = jv_array_append(a, jv_string("connect_tcp"));
	rep = jv_object_set(rep, jv_string("dropped_net"), a);
	a = jv_array();
	if (attr.scoped) {
		a = jv_array_append(a, jv_string("abstract_unix_socket"));
		a = jv_array_append(a, jv_string("signal"));
	}
	rep = jv_object_set(rep, jv_string("scoped"), a);
	a = jv_array();
	if (dropped_scope) {
		a = jv_array_append(a, jv_string("abstract_unix_socket"));
		a = jv_array_append(a, jv_string("signal"));
	}
	rep = jv_object_set(rep, jv_string("dropped_scoped"), a);
	a = jv_array();
	for (i = 0; attr.handled_access_net && i < req->nconnect; i++)
		a = jv_array_append(a, jv_number((double)req->connect_tcp[i]));
	rep = jv_object_set(rep, jv_string("connect_tcp"), a);
	a = jv_array();
	for (i = 0; attr.handled_access_net && i < req->nbind; i++)
		a = jv_array_append(a, jv_number((double)req->bind_tcp[i]));
	rep = jv_object_set(rep, jv_string("bind_tcp"), a);
	rep = jv_object_set(rep, jv_string("audit_new_exec"), jv_bool(flags & LL_LOG_NEW_EXEC_ON));
	rep = jv_object_set(rep, jv_string("rules"), rules);
	return rep;
fail:
	if (rfd >= 0)
		close(rfd);
	jv_free(rules);
	jv_free(rep);
	return jv_invalid_with_msg(jv_string(msg));
}

jv
gl_landlock_self_status(int fd)
{
	char buf[4096], *line, *save = NULL, *v;
	jv o = jv_object();
	unsigned a, b, c, d;
	ssize_t n;
	int k;

	if ((n = pread(fd, buf, sizeof buf - 1, 0)) < 0)
		return jv_object_set(o, jv_string("error"), jv_string(strerror(errno)));
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "NoNewPrivs: %d", &k) == 1)
			o = jv_object_set(o, jv_string("no_new_privs"), jv_bool(k));
		else if (sscanf(line, "Seccomp: %d", &k) == 1)
			o = jv_object_set(o, jv_string("seccomp"), jv_string(
			    k == 2 ? "filter" : k == 1 ? "strict" : "none"));
		else if (strncmp(line, "CapEff:", 7) == 0) {
			for (v = line + 7; *v == ' ' || *v == '\t'; v++)
				;
			o = jv_object_set(o, jv_string("cap_eff"), jv_string(v));
		} else if (sscanf(line, "Uid: %u %u %u %u", &a, &b, &c, &d) == 4)
			o = jv_object_set(o, jv_string("uid"), jv_number(b));
		else if (sscanf(line, "Gid: %u %u %u %u", &a, &b, &c, &d) == 4)
			o = jv_object_set(o, jv_string("gid"), jv_number(b));
	}
	return o;
}
