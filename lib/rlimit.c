#include "rlimit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"

/* /proc/PID/limits names them so (readable without CAP_SYS_RESOURCE,
 * which prlimit(2) on another uid's process needs) */
static const char *
procname(int res)
{
	switch (res) {
	case RLIMIT_NOFILE: return "Max open files";
	case RLIMIT_FSIZE: return "Max file size";
	case RLIMIT_CORE: return "Max core file size";
	case RLIMIT_NPROC: return "Max processes";
	}
	return "";
}

static int
limval(const char *s, char **end, rlim_t *v)
{
	while (*s == ' ')
		s++;
	if (strncmp(s, "unlimited", 9) == 0) {
		*v = RLIM_INFINITY;
		*end = (char *)s + 9;
		return 0;
	}
	*v = (rlim_t)strtoull(s, end, 10);
	return *end == s ? -1 : 0;
}

/* soft and hard limit of res in pid, from /proc/PID/limits */
static int
readback(pid_t pid, int res, struct rlimit *out)
{
	char path[64], *buf, *p, *end;
	const char *name = procname(res);
	size_t len, n = strlen(name);
	int rc = -1;

	snprintf(path, sizeof path, "/proc/%ld/limits", (long)pid);
	if (gl_io_read_file(path, 1UL << 16, &buf, &len) < 0)
		return -1;
	for (p = buf; p != NULL; p = (p = strchr(p, '\n')) != NULL ? p + 1 : NULL)
		if (strncmp(p, name, n) == 0 && p[n] == ' ') {
			if (limval(p + n, &end, &out->rlim_cur) == 0 &&
			    limval(end, &end, &out->rlim_max) == 0)
				rc = 0;
			break;
		}
	free(buf);
	if (rc < 0)
		errno = ENOENT;
	return rc;
}

static void
add(struct gl_rlimits *rl, int res, const char *name, rlim_t v, const char *skip)
{
	rl->r[rl->n].resource = res;
	rl->r[rl->n].name = name;
	rl->r[rl->n].value = v;
	rl->r[rl->n].skip = skip;
	rl->n++;
}

void
gl_rlimit_plan(struct gl_rlimits *rl, const struct gl_profile *p, int own_uid)
{
	memset(rl, 0, sizeof *rl);
	add(rl, RLIMIT_NOFILE, "nofile", (rlim_t)p->max_file_descriptors,
	    p->max_file_descriptors > 0 ? NULL : "max_file_descriptors = 0");
	add(rl, RLIMIT_FSIZE, "fsize", (rlim_t)p->max_disk_write_mb << 20,
	    p->max_disk_write_mb > 0 ? NULL : "max_disk_write_mb = 0");
	add(rl, RLIMIT_CORE, "core", 0, NULL);
	if (p->max_pids <= 0)
		add(rl, RLIMIT_NPROC, "nproc", 0, "max_pids = 0");
	else
		add(rl, RLIMIT_NPROC, "nproc", (rlim_t)p->max_pids, own_uid ? NULL :
		    "the jail runs as the caller's uid, whose other processes RLIMIT_NPROC would count");
}

int
gl_rlimit_apply(const struct gl_rlimits *rl)
{
	struct rlimit cur, lim;
	size_t i;

	for (i = 0; i < rl->n; i++) {
		if (rl->r[i].skip != NULL)
			continue;
		if (getrlimit(rl->r[i].resource, &cur) < 0)
			return -1;
		lim.rlim_cur = lim.rlim_max = rl->r[i].value;
		if (cur.rlim_max != RLIM_INFINITY && cur.rlim_max < lim.rlim_max)
			lim.rlim_cur = lim.rlim_max = cur.rlim_max;
		if (setrlimit(rl->r[i].resource, &lim) < 0)
			return -1;
	}
	return 0;
}

static jv
num(rlim_t v)
{
	/* integers in reports stay below 2^53; larger is "unlimited" for us */
	if (v == RLIM_INFINITY || v >= (rlim_t)1 << 53)
		return jv_string("unlimited");
	return jv_number((double)v);
}

jv
gl_rlimit_report(const struct gl_rlimits *rl, pid_t pid, const char *from)
{
	jv o = jv_object(), lims = jv_object();
	struct rlimit got;
	int all = 1, rd;
	size_t i;

	for (i = 0; i < rl->n; i++) {
		jv e = jv_object();
		rd = pid > 0 && readback(pid, rl->r[i].resource, &got) == 0;
		if (rl->r[i].skip != NULL) {
			e = jv_object_set(e, jv_string("enforced"), jv_false());
			e = jv_object_set(e, jv_string("reason"), jv_string(rl->r[i].skip));
		} else {
			int ok = rd && got.rlim_cur <= rl->r[i].value && got.rlim_max <= rl->r[i].value;
			e = jv_object_set(e, jv_string("requested"), num(rl->r[i].value));
			e = jv_object_set(e, jv_string("enforced"), jv_bool(ok));
			all = all && ok;
		}
		if (rd) {
			e = jv_object_set(e, jv_string("soft"), num(got.rlim_cur));
			e = jv_object_set(e, jv_string("hard"), num(got.rlim_max));
		} else
			e = jv_object_set(e, jv_string("read"), jv_string(pid > 0 ?
			    strerror(errno) : "the jail never ran"));
		lims = jv_object_set(lims, jv_string(rl->r[i].name), e);
	}
	o = jv_object_set(o, jv_string("enforced"), jv_bool(all && pid > 0));
	o = jv_object_set(o, jv_string("from"), jv_string(from));
	return jv_object_set(o, jv_string("limits"), lims);
}
