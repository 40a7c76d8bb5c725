#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "rlimit.h"
#include "t.h"

/* a hybrid machine like the CI's: v1 controllers, an empty v2 hierarchy */
static const char *MI =
    "23 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime shared:5 - cgroup cgroup rw,pids\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu\\040x rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
static const char *SC =
    "8:pids:/\n"
    "4:memory:/process_api/abc\n"
    "1:cpu,cpuacct:/user\n"
    "0::/\n";

int
main(void)
{
	char out[4096];
	struct gl_profile p;
	struct gl_rlimits rl;

	CHECK(gl_cgroup_find(MI, SC, NULL, out, sizeof out) == 0);
	CHECK(strcmp(out, "/sys/fs/cgroup/unified") == 0);
	CHECK(gl_cgroup_find(MI, SC, "memory", out, sizeof out) == 0);
	CHECK(strcmp(out, "/sys/fs/cgroup/memory/process_api/abc") == 0);
	CHECK(gl_cgroup_find(MI, SC, "pids", out, sizeof out) == 0);
	CHECK(strcmp(out, "/sys/fs/cgroup/pids") == 0);
	/* a blank in the mount point is \040 in mountinfo */
	CHECK(gl_cgroup_find(MI, SC, "cpu", out, sizeof out) == 0);
	CHECK(strcmp(out, "/sys/fs/cgroup/cpu x/user") == 0);
	CHECK(gl_cgroup_find(MI, SC, "freezer", out, sizeof out) < 0);
	CHECK(gl_cgroup_find(MI, SC, "mem", out, sizeof out) < 0);
	/* pure v2, the caller in a delegated user slice */
	CHECK(gl_cgroup_find("30 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
	    "0::/user.slice/user-1000.slice/session-2.scope\n", NULL, out, sizeof out) == 0);
	CHECK(strcmp(out, "/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope") == 0);
	/* a mount of a sub-tree (container): its root is cut off the path */
	CHECK(gl_cgroup_find("30 1 0:26 /lxc/c1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
	    "0::/lxc/c1/init\n", NULL, out, sizeof out) == 0);
	CHECK(strcmp(out, "/sys/fs/cgroup/init") == 0);
	CHECK(gl_cgroup_find("30 1 0:26 /lxc/c1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
	    "0::/lxc/c10\n", NULL, out, sizeof out) < 0);
	CHECK(gl_cgroup_find("", "0::/\n", NULL, out, sizeof out) < 0);
	CHECK(gl_cgroup_find(MI, "", NULL, out, sizeof out) < 0);

	/* 100 % is one CPU */
	gl_cgroup_cpu_max(100, out, sizeof out);
	CHECK(strcmp(out, "100000 100000") == 0);
	gl_cgroup_cpu_max(50, out, sizeof out);
	CHECK(strcmp(out, "50000 100000") == 0);
	gl_cgroup_cpu_max(250, out, sizeof out);
	CHECK(strcmp(out, "250000 100000") == 0);

	/* rlimits: FSIZE in MiB, CORE 0, NPROC only with a uid of its own */
	memset(&p, 0, sizeof p);
	p.max_file_descriptors = 64;
	p.max_disk_write_mb = 2;
	p.max_pids = 32;
	gl_rlimit_plan(&rl, &p, 0);
	CHECK(rl.n == 4);
	CHECK(rl.r[0].resource == RLIMIT_NOFILE && rl.r[0].value == 64 && rl.r[0].skip == NULL);
	CHECK(rl.r[1].resource == RLIMIT_FSIZE && rl.r[1].value == 2U << 20);
	CHECK(rl.r[2].resource == RLIMIT_CORE && rl.r[2].value == 0 && rl.r[2].skip == NULL);
	CHECK(rl.r[3].resource == RLIMIT_NPROC && rl.r[3].skip != NULL);
	gl_rlimit_plan(&rl, &p, 1);
	CHECK(rl.r[3].skip == NULL && rl.r[3].value == 32);
	p.max_file_descriptors = 0;
	gl_rlimit_plan(&rl, &p, 1);
	CHECK(rl.r[0].skip != NULL);
	/* the report of a jail that never ran enforces nothing */
	{
		jv r = gl_rlimit_report(&rl, 0, "none");
		jv e = jv_object_get(r, jv_string("enforced"));
		CHECK(jv_get_kind(e) == JV_KIND_FALSE);
		jv_free(e);
	}
	return t_done();
}
