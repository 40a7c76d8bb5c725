#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

#define CAP (1UL << 20)

static const char *v1names[GL_CGROUP_MAXDIRS] = { "memory", "pids", "cpu", "freezer" };

static void
nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* w is one of the sep-separated words of [s, e) */
static int
inlist(const char *s, const char *e, const char *w, int sep)
{
	size_t n = strlen(w);

	while (s < e) {
		const char *t = memchr(s, sep, (size_t)(e - s));
		if (t == NULL)
			t = e;
		if ((size_t)(t - s) == n && memcmp(s, w, n) == 0)
			return 1;
		s = t + 1;
	}
	return 0;
}

static int
has(const char *list, const char *w)
{
	return inlist(list, list + strlen(list), w, ' ');
}

/* Read dir/file into buf, trailing white space dropped. */
static int
rd(const char *dir, const char *file, char *buf, size_t sz)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sz - 1);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

static int
wr(const char *dir, const char *file, const char *s)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof path, "%s/%s", dir, file);
	return gl_io_write_str(path, s);
}

/* "key N" from a flat-keyed file such as memory.events, or -1 */
static long long
keyed(const char *dir, const char *file, const char *key)
{
	char buf[4096], *p;
	size_t n = strlen(key);

	if (rd(dir, file, buf, sizeof buf) < 0)
		return -1;
	for (p = buf; p != NULL && *p != '\0'; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, n) == 0 && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
	return -1;
}

static long long
single(const char *dir, const char *file)
{
	char buf[64], *end;
	long long v;

	if (rd(dir, file, buf, sizeof buf) < 0)
		return -1;
	v = strtoll(buf, &end, 10);
	return end == buf || *end != '\0' ? -1 : v;
}

/* mountinfo escapes blanks and backslashes as \ooo */
static void
unescape(char *dst, size_t sz, const char *src)
{
	size_t n = 0;

	while (*src != '\0' && n + 1 < sz) {
		if (src[0] == '\\' && src[1] >= '0' && src[1] <= '3' && src[2] >= '0' &&
		    src[2] <= '7' && src[3] >= '0' && src[3] <= '7') {
			dst[n++] = (char)((src[1] - '0') * 64 + (src[2] - '0') * 8 + (src[3] - '0'));
			src += 4;
		} else
			dst[n++] = *src++;
	}
	dst[n] = '\0';
}

int
gl_cgroup_find(const char *mi, const char *sc, const char *ctl, char *out, size_t outsz)
{
	char rel[PATH_MAX], line[4096], root[PATH_MAX], mnt[PATH_MAX];
	const char *l, *e, *c1, *c2;
	int found = 0;

	/* the caller's path: "0::PATH" (v2) or "N:a,b:PATH" (v1) */
	for (l = sc; *l != '\0' && !found; l = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(l, '\n')) == NULL)
			e = l + strlen(l);
		if ((c1 = memchr(l, ':', (size_t)(e - l))) == NULL ||
		    (c2 = memchr(c1 + 1, ':', (size_t)(e - c1 - 1))) == NULL)
			continue;
		if (ctl == NULL ? (c1 == l + 1 && l[0] == '0' && c2 == c1 + 1) :
		    inlist(c1 + 1, c2, ctl, ',')) {
			if ((size_t)(e - c2) > sizeof rel)
				break;
			memcpy(rel, c2 + 1, (size_t)(e - c2 - 1));
			rel[e - c2 - 1] = '\0';
			found = rel[0] == '/';
		}
	}
	if (!found) {
		errno = ENOENT;
		return -1;
	}
	/* its mount: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS] - TYPE SRC SUPER" */
	for (l = mi; *l != '\0'; l = *e != '\0' ? e + 1 : e) {
		char *f[64], *save, *tok;
		size_t nf = 0, sep = 0, i;
		if ((e = strchr(l, '\n')) == NULL)
			e = l + strlen(l);
		if ((size_t)(e - l) >= sizeof line)
			continue;
		memcpy(line, l, (size_t)(e - l));
		line[e - l] = '\0';
		for (tok = strtok_r(line, " ", &save); tok != NULL && nf < 64;
		    tok = strtok_r(NULL, " ", &save))
			f[nf++] = tok;
		for (i = 6; i < nf; i++)
			if (strcmp(f[i], "-") == 0) {
				sep = i;
				break;
			}
		if (sep == 0 || nf < sep + 4)
			continue;
		if (ctl == NULL ? strcmp(f[sep + 1], "cgroup2") != 0 :
		    strcmp(f[sep + 1], "cgroup") != 0 ||
		    !inlist(f[sep + 3], f[sep + 3] + strlen(f[sep + 3]), ctl, ','))
			continue;
		unescape(root, sizeof root, f[3]);
		unescape(mnt, sizeof mnt, f[4]);
		if (strcmp(root, "/") != 0) {
			size_t n = strlen(root);
			if (strncmp(rel, root, n) != 0 || (rel[n] != '\0' && rel[n] != '/'))
				continue;
			memmove(rel, rel + n, strlen(rel + n) + 1);
		}
		if (rel[0] == '\0' || strcmp(rel, "/") == 0)
			snprintf(out, outsz, "%s", mnt);
		else if ((size_t)snprintf(out, outsz, "%s%s", mnt, rel) >= outsz) {
			errno = ENAMETOOLONG;
			return -1;
		}
		return 0;
	}
	errno = ENOENT;
	return -1;
}

void
gl_cgroup_cpu_max(long long percent, char *out, size_t outsz)
{
	snprintf(out, outsz, "%lld %d", percent * GL_CGROUP_PERIOD / 100, GL_CGROUP_PERIOD);
}

/* base/gl-jail-PID, replacing a stale one of a dead gl-jail with our pid */
static int
mkchild(char *out, size_t outsz, const char *base, const char *tag)
{
	if ((size_t)snprintf(out, outsz, "%s/gl-jail-%s%ld", base, tag, (long)getpid()) >= outsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(out, 0755) == 0)
		return 0;
	if (errno != EEXIST || rmdir(out) < 0)
		return -1;
	return mkdir(out, 0755);
}

static int
rmdirs(struct gl_cgroup *cg)
{
	long us;
	int rc = 0, i;
	size_t k;

	for (k = cg->nd; k-- > 0;) {
		for (i = 0, us = 100; i < 200 && rmdir(cg->d[k].path) < 0 && errno == EBUSY; i++) {
			nap_us(us);
			if (us < 10000)
				us *= 2;
		}
		if (access(cg->d[k].path, F_OK) == 0)
			rc = -1;
	}
	return rc;
}

static int
try_v2(struct gl_cgroup *cg, const char *mi, const char *sc, char *why, size_t whysz)
{
	static const char *want[] = { "memory", "pids", "cpu" };
	char base[PATH_MAX], ctl[512], sub[512], plus[16];
	size_t i;

	if (gl_cgroup_find(mi, sc, NULL, base, sizeof base) < 0) {
		snprintf(why, whysz, "no cgroup v2 hierarchy");
		return -1;
	}
	if (rd(base, "cgroup.controllers", ctl, sizeof ctl) < 0 ||
	    rd(base, "cgroup.subtree_control", sub, sizeof sub) < 0) {
		snprintf(why, whysz, "cgroup v2 %s: %s", base, strerror(errno));
		return -1;
	}
	/* enable what our cgroup offers but does not pass on yet */
	for (i = 0; i < 3; i++)
		if (!has(sub, want[i]) && has(ctl, want[i])) {
			snprintf(plus, sizeof plus, "+%s", want[i]);
			(void)wr(base, "cgroup.subtree_control", plus);
		}
	if (rd(base, "cgroup.subtree_control", sub, sizeof sub) < 0)
		sub[0] = '\0';
	if ((cg->lim.memory_mb > 0 && !has(sub, "memory")) || (cg->lim.pids > 0 && !has(sub, "pids"))) {
		snprintf(why, whysz, "cgroup v2 %s: memory and pids controllers not delegated", base);
		return -1;
	}
	if (mkchild(cg->d[0].path, sizeof cg->d[0].path, base, "") < 0) {
		snprintf(why, whysz, "cgroup v2 %s: %s", base, strerror(errno));
		return -1;
	}
	cg->d[0].controller = NULL;
	cg->nd = 1;
	cg->version = 2;
	return 0;
}

static int
try_v1(struct gl_cgroup *cg, const char *mi, const char *sc, char *why, size_t whysz)
{
	char base[PATH_MAX];
	size_t i;
	int need;

	for (i = 0; i < GL_CGROUP_MAXDIRS; i++) {
		need = (i == 0 && cg->lim.memory_mb > 0) || (i == 1 && cg->lim.pids > 0);
		if (i == 2 && cg->lim.cpu_percent <= 0)
			continue;
		if (gl_cgroup_find(mi, sc, v1names[i], base, sizeof base) < 0) {
			if (!need)
				continue;
			snprintf(why, whysz, "no cgroup v1 %s hierarchy", v1names[i]);
			goto fail;
		}
		if (mkchild(cg->d[cg->nd].path, sizeof cg->d[0].path, base, "") < 0) {
			if (!need)
				continue;
			snprintf(why, whysz, "cgroup v1 %s: %s", base, strerror(errno));
			goto fail;
		}
		cg->d[cg->nd++].controller = v1names[i];
	}
	if (cg->nd == 0) {
		snprintf(why, whysz, "no writable cgroup v1 hierarchy");
		return -1;
	}
	cg->version = 1;
	return 0;
fail:
	rmdirs(cg);
	cg->nd = 0;
	return -1;
}

static const char *
dirof(const struct gl_cgroup *cg, const char *controller)
{
	size_t i;

	for (i = 0; i < cg->nd; i++)
		if (cg->version == 2 || strcmp(cg->d[i].controller, controller) == 0)
			return cg->d[i].path;
	return NULL;
}

static jv
notset(const char *reason)
{
	return jv_object_set(jv_object_set(jv_object(), jv_string("enforced"), jv_false()),
	    jv_string("reason"), jv_string(reason));
}

/* Write val to file, read it back; the report entry, *ok cleared on failure. */
static jv
put(const char *dir, const char *file, const char *val, int *ok)
{
	jv e = jv_object_set(jv_object(), jv_string("file"), jv_string(file));
	char back[128], *end;
	long long a, b;
	int good = 0;

	e = jv_object_set(e, jv_string("written"), jv_string(val));
	if (wr(dir, file, val) < 0) {
		e = jv_object_set(e, jv_string("error"), jv_string(strerror(errno)));
	} else if (rd(dir, file, back, sizeof back) == 0) {
		e = jv_object_set(e, jv_string("read"), jv_string(back));
		good = strcmp(back, val) == 0;
		/* v1 rounds byte limits down to whole pages */
		a = strtoll(val, &end, 10);
		if (!good && *end == '\0' && (b = strtoll(back, &end, 10)) >= 0 && *end == '\0')
			good = b <= a;
	}
	*ok = *ok && good;
	return jv_object_set(e, jv_string("enforced"), jv_bool(good));
}

static int
limits(struct gl_cgroup *cg, char *why, size_t whysz)
{
	const struct gl_cgroup_limits *l = &cg->lim;
	const char *d;
	char v[64];
	int ok = 1, cpu = 1;

	cg->limits = jv_object();
	if (l->memory_mb > 0) {
		d = dirof(cg, "memory");
		snprintf(v, sizeof v, "%lld", l->memory_mb << 20);
		cg->limits = jv_object_set(cg->limits, jv_string("memory"), put(d,
		    cg->version == 2 ? "memory.max" : "memory.limit_in_bytes", v, &ok));
		/* no swap: memory+swap is the memory limit (best effort: the
		 * kernel may have no swap accounting) */
		int swok = 1;
		if (cg->version == 2)
			cg->limits = jv_object_set(cg->limits, jv_string("swap"),
			    put(d, "memory.swap.max", "0", &swok));
		else
			cg->limits = jv_object_set(cg->limits, jv_string("swap"),
			    put(d, "memory.memsw.limit_in_bytes", v, &swok));
	} else
		cg->limits = jv_object_set(cg->limits, jv_string("memory"), notset("max_memory_mb = 0"));
	if (l->pids > 0) {
		snprintf(v, sizeof v, "%lld", l->pids);
		cg->limits = jv_object_set(cg->limits, jv_string("pids"),
		    put(dirof(cg, "pids"), "pids.max", v, &ok));
	} else
		cg->limits = jv_object_set(cg->limits, jv_string("pids"), notset("max_pids = 0"));
	if (!ok) {
		snprintf(why, whysz, "%s: the memory or pids limit could not be written",
		    cg->d[0].path);
		return -1;
	}
	/* cpu is not fail-closed: it bounds time, not the host's safety */
	if (l->cpu_percent <= 0)
		cg->limits = jv_object_set(cg->limits, jv_string("cpu"), notset("max_cpu_percent = 0"));
	else if ((d = dirof(cg, "cpu")) == NULL)
		cg->limits = jv_object_set(cg->limits, jv_string("cpu"), notset(cg->version == 2 ?
		    "cpu controller not delegated" : "no writable cgroup v1 cpu hierarchy"));
	else if (cg->version == 2) {
		char f[PATH_MAX + 16];
		gl_cgroup_cpu_max(l->cpu_percent, v, sizeof v);
		snprintf(f, sizeof f, "%s/cpu.max", d);
		cg->limits = jv_object_set(cg->limits, jv_string("cpu"), access(f, F_OK) == 0 ?
		    put(d, "cpu.max", v, &cpu) : notset("cpu controller not delegated"));
	} else {
		snprintf(v, sizeof v, "%d", GL_CGROUP_PERIOD);
		if (wr(d, "cpu.cfs_period_us", v) < 0)
			cg->limits = jv_object_set(cg->limits, jv_string("cpu"),
			    notset("cpu.cfs_period_us could not be written"));
		else {
			snprintf(v, sizeof v, "%lld", l->cpu_percent * GL_CGROUP_PERIOD / 100);
			cg->limits = jv_object_set(cg->limits, jv_string("cpu"),
			    put(d, "cpu.cfs_quota_us", v, &cpu));
		}
	}
	return 0;
}

int
gl_cgroup_create(struct gl_cgroup *cg, const struct gl_cgroup_limits *lim, char *err, size_t errsz)
{
	char *mi = NULL, *sc = NULL, w2[PATH_MAX + 320] = "", w1[PATH_MAX + 320] = "";
	size_t n, i;
	int rc = -1;

	memset(cg, 0, sizeof *cg);
	cg->lim = *lim;
	cg->limits = jv_null();
	cg->stats = jv_null();
	cg->guardfd = -1;
	for (i = 0; i < GL_CGROUP_MAXDIRS; i++)
		cg->d[i].procs = -1;
	if (gl_io_read_file("/proc/self/mountinfo", CAP, &mi, &n) < 0 ||
	    gl_io_read_file("/proc/self/cgroup", CAP, &sc, &n) < 0) {
		snprintf(err, errsz, "/proc/self: %s", strerror(errno));
		goto out;
	}
	if (try_v2(cg, mi, sc, w2, sizeof w2) < 0 && try_v1(cg, mi, sc, w1, sizeof w1) < 0) {
		snprintf(err, errsz, "%s; %s", w2, w1);
		goto out;
	}
	if (limits(cg, err, errsz) < 0)
		goto out;
	for (i = 0; i < cg->nd; i++) {
		char p[PATH_MAX + 16];
		snprintf(p, sizeof p, "%s/cgroup.procs", cg->d[i].path);
		if ((cg->d[i].procs = open(p, O_WRONLY | O_CLOEXEC)) < 0) {
			snprintf(err, errsz, "%s: %s", p, strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	if (rc < 0) {
		snprintf(cg->why, sizeof cg->why, "%s", err);
		gl_cgroup_finish(cg);
		cg->version = 0;
	}
	free(mi);
	free(sc);
	return rc;
}

size_t
gl_cgroup_procs_fds(const struct gl_cgroup *cg, int *fds, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < cg->nd && n < max; i++)
		if (cg->d[i].procs >= 0)
			fds[n++] = cg->d[i].procs;
	return n;
}

/* SIGKILL each pid in dir's cgroup.procs; the number found */
static long long
killdir(const char *dir, int signal_them)
{
	char path[PATH_MAX + 16], *buf, *p, *end;
	long long n = 0;
	size_t len;

	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	if (gl_io_read_file(path, CAP, &buf, &len) < 0)
		return 0;
	for (p = buf; *p != '\0'; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0) {
			n++;
			if (signal_them)
				kill((pid_t)pid, SIGKILL);
		}
		while (*end == '\n')
			end++;
	}
	free(buf);
	return n;
}

static void
freeze(const struct gl_cgroup *cg, int on)
{
	const char *d;

	if (cg->version == 2)
		(void)wr(cg->d[0].path, "cgroup.freeze", on ? "1" : "0");
	else if ((d = dirof(cg, "freezer")) != NULL)
		(void)wr(d, "freezer.state", on ? "FROZEN" : "THAWED");
}

/* the processes listed in the cgroup's directories */
static long long
census(const struct gl_cgroup *cg, int signal_them)
{
	long long n = 0;
	size_t i;

	for (i = 0; i < cg->nd; i++)
		n += killdir(cg->d[i].path, signal_them);
	return n;
}

/* Kill everything in the cgroup until it is empty (at most ~5 s); the
 * number of processes that outlived the jail.  The caller has let the
 * jail's pid 1 go first (gl_jailrun waits for it, and with it goes its pid
 * namespace): an empty cgroup, the usual end, costs no freezing. */
static long long
killall(const struct gl_cgroup *cg)
{
	long long first = -1, found, us;
	int round, viakill = 0;

	if (census(cg, 0) == 0)
		return 0;
	if (cg->version == 2)
		viakill = wr(cg->d[0].path, "cgroup.kill", "1") == 0;
	for (round = 0, us = 100; round < 500; round++) {
		/* frozen, nobody forks while we kill; SIGKILL lands on thaw */
		if (!viakill)
			freeze(cg, 1);
		found = census(cg, !viakill);
		if (!viakill)
			freeze(cg, 0);
		if (first < 0)
			first = found;
		if (found == 0)
			break;
		nap_us(us);
		if (us < 10000)
			us *= 2;
	}
	return first;
}

int
gl_cgroup_guard(struct gl_cgroup *cg)
{
	int p[2], fd;
	char c;

	if (cg->nd == 0)
		return 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if ((cg->guard = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (cg->guard == 0) {
		/* the guard outlives whatever kills gl-jail, then cleans up */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		gl_io_close_from(3, &p[0], 1);
		if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		killall(cg);
		rmdirs(cg);
		_exit(0);
	}
	close(p[0]);
	cg->guardfd = p[1];
	return 0;
}

int
gl_cgroup_contains(const struct gl_cgroup *cg, pid_t pid)
{
	char path[PATH_MAX + 16], *buf, *p, *end;
	size_t i, len;
	int in = cg->nd > 0;

	for (i = 0; i < cg->nd && in; i++) {
		int here = 0;
		snprintf(path, sizeof path, "%s/cgroup.procs", cg->d[i].path);
		if (gl_io_read_file(path, CAP, &buf, &len) < 0)
			return 0;
		for (p = buf; *p != '\0' && !here; p = end) {
			long v = strtol(p, &end, 10);
			if (end == p)
				break;
			here = v == (long)pid;
			while (*end == '\n')
				end++;
		}
		free(buf);
		in = here;
	}
	return in;
}

static jv
stats(const struct gl_cgroup *cg)
{
	jv o = jv_object();
	const char *m = dirof(cg, "memory"), *p = dirof(cg, "pids");
	long long v;

	if (m != NULL) {
		v = single(m, cg->version == 2 ? "memory.peak" : "memory.max_usage_in_bytes");
		if (v >= 0)
			o = jv_object_set(o, jv_string("memory_peak_bytes"), jv_number((double)v));
		v = cg->version == 2 ? keyed(m, "memory.events", "oom_kill") :
		    keyed(m, "memory.oom_control", "oom_kill");
		if (v >= 0)
			o = jv_object_set(o, jv_string("oom_kills"), jv_number((double)v));
	}
	if (p != NULL) {
		if ((v = single(p, "pids.peak")) >= 0)
			o = jv_object_set(o, jv_string("pids_peak"), jv_number((double)v));
		if ((v = keyed(p, "pids.events", "max")) >= 0)
			o = jv_object_set(o, jv_string("pids_max_hits"), jv_number((double)v));
	}
	return o;
}

void
gl_cgroup_finish(struct gl_cgroup *cg)
{
	size_t i;

	if (cg->nd > 0) {
		jv_free(cg->stats);
		cg->stats = stats(cg);
		for (i = 0; i < cg->nd; i++)
			if (cg->d[i].procs >= 0) {
				close(cg->d[i].procs);
				cg->d[i].procs = -1;
			}
		cg->killed = killall(cg);
		cg->removed = rmdirs(cg) == 0;
	}
	if (cg->guardfd >= 0) {
		close(cg->guardfd);
		cg->guardfd = -1;
		while (waitpid(cg->guard, NULL, 0) < 0 && errno == EINTR)
			;
	}
}

jv
gl_cgroup_report(struct gl_cgroup *cg)
{
	jv o = jv_object(), paths = jv_object();
	int need = cg->lim.memory_mb > 0 || cg->lim.pids > 0;
	size_t i;

	o = jv_object_set(o, jv_string("enforced"), jv_bool(cg->version != 0));
	o = jv_object_set(o, jv_string("mechanism"), cg->version == 2 ? jv_string("v2") :
	    cg->version == 1 ? jv_string("v1") : jv_null());
	if (cg->version == 0) {
		o = jv_object_set(o, jv_string("reason"), jv_string(cg->why[0] != '\0' ? cg->why :
		    "no cgroup was created"));
		o = jv_object_set(o, jv_string("required"), jv_bool(need));
	}
	for (i = 0; i < cg->nd; i++)
		paths = jv_object_set(paths, jv_string(cg->d[i].controller != NULL ?
		    cg->d[i].controller : "unified"), jv_string(cg->d[i].path));
	if (cg->nd > 0) {
		o = jv_object_set(o, jv_string("path"), jv_string(cg->d[0].path));
		o = jv_object_set(o, jv_string("paths"), paths);
		o = jv_object_set(o, jv_string("killed"), jv_number((double)cg->killed));
		o = jv_object_set(o, jv_string("removed"), jv_bool(cg->removed));
	} else
		jv_free(paths);
	if (jv_is_valid(cg->limits) && jv_get_kind(cg->limits) == JV_KIND_OBJECT)
		o = jv_object_set(o, jv_string("limits"), cg->limits);
	else
		jv_free(cg->limits);
	if (jv_get_kind(cg->stats) == JV_KIND_OBJECT)
		o = jv_object_set(o, jv_string("stats"), cg->stats);
	else
		jv_free(cg->stats);
	cg->limits = jv_null();
	cg->stats = jv_null();
	return o;
}

static jv
words(const char *s)
{
	jv a = jv_array();
	const char *e;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		if ((e = strchr(s, ' ')) == NULL)
			e = s + strlen(s);
		a = jv_array_append(a, jv_string_sized(s, (int)(e - s)));
		s = e;
	}
	return a;
}

/* Can we make a child of base?  Which of files exist in it? */
static int
trychild(const char *base, const char **files, size_t nfiles, jv *present)
{
	char child[PATH_MAX], f[PATH_MAX + 32];
	size_t i;

	if (mkchild(child, sizeof child, base, "probe-") < 0)
		return 0;
	for (i = 0; i < nfiles; i++) {
		snprintf(f, sizeof f, "%s/%s", child, files[i]);
		if (access(f, F_OK) == 0)
			*present = jv_array_append(*present, jv_string(files[i]));
	}
	rmdir(child);
	return 1;
}

static int
inarray(jv a, const char *s)
{
	int i, n = jv_array_length(jv_copy(a)), r = 0;

	for (i = 0; i < n && !r; i++) {
		jv x = jv_array_get(jv_copy(a), i);
		r = strcmp(jv_string_value(x), s) == 0;
		jv_free(x);
	}
	return r;
}

/* Moving a process into a cgroup takes the kernel's global threadgroup
 * lock for writing, which waits for an RCU grace period (milliseconds)
 * unless some cgroup hierarchy is mounted with favordynmods. */
static int
favordynmods(const char *mi)
{
	const char *l, *e, *sep;

	for (l = mi; *l != '\0'; l = *e ? e + 1 : e) {
		e = l + strcspn(l, "\n");
		sep = strstr(l, " - cgroup");
		if (sep != NULL && sep < e) {
			const char *o = memmem(sep, (size_t)(e - sep), "favordynmods", 12);
			if (o != NULL)
				return 1;
		}
	}
	return 0;
}

jv
gl_cgroup_probe(void)
{
	static const char *v2files[] = { "memory.max", "pids.max", "cpu.max" };
	static const char *v2ctl[] = { "memory", "pids", "cpu" };
	char *mi = NULL, *sc = NULL, base[PATH_MAX], ctl[512], sub[512], f[PATH_MAX + 32];
	jv o = jv_object(), v2 = jv_object(), v1 = jv_object(), by = jv_object();
	int w2 = 0, w1[GL_CGROUP_MAXDIRS] = { 0 }, subw = 0;
	jv present = jv_array(), deleg = jv_array(), en = jv_array();
	size_t n, i;

	if (gl_io_read_file("/proc/self/mountinfo", CAP, &mi, &n) < 0 ||
	    gl_io_read_file("/proc/self/cgroup", CAP, &sc, &n) < 0) {
		free(mi);
		jv_free(present);
		jv_free(deleg);
		jv_free(en);
		jv_free(v2);
		jv_free(v1);
		jv_free(by);
		return jv_object_set(o, jv_string("error"), jv_string(strerror(errno)));
	}
	if (gl_cgroup_find(mi, sc, NULL, base, sizeof base) == 0) {
		if (rd(base, "cgroup.controllers", ctl, sizeof ctl) < 0)
			ctl[0] = '\0';
		if (rd(base, "cgroup.subtree_control", sub, sizeof sub) < 0)
			sub[0] = '\0';
		snprintf(f, sizeof f, "%s/cgroup.subtree_control", base);
		subw = access(f, W_OK) == 0;
		w2 = trychild(base, v2files, 3, &present);
		for (i = 0; i < 3; i++) {
			if (inarray(present, v2files[i]))
				deleg = jv_array_append(deleg, jv_string(v2ctl[i]));
			else if (has(ctl, v2ctl[i]) && subw)
				en = jv_array_append(en, jv_string(v2ctl[i]));
		}
		v2 = jv_object_set(v2, jv_string("path"), jv_string(base));
		v2 = jv_object_set(v2, jv_string("controllers"), words(ctl));
		v2 = jv_object_set(v2, jv_string("subtree_control"), words(sub));
		v2 = jv_object_set(v2, jv_string("writable"), jv_bool(w2));
		v2 = jv_object_set(v2, jv_string("delegated"), jv_copy(deleg));
		v2 = jv_object_set(v2, jv_string("enableable"), jv_copy(en));
	} else
		v2 = jv_object_set(v2, jv_string("path"), jv_null());
	for (i = 0; i < GL_CGROUP_MAXDIRS; i++) {
		jv h = jv_object(), dummy = jv_array();
		if (gl_cgroup_find(mi, sc, v1names[i], base, sizeof base) < 0) {
			jv_free(h);
			jv_free(dummy);
			v1 = jv_object_set(v1, jv_string(v1names[i]), jv_null());
			continue;
		}
		w1[i] = trychild(base, NULL, 0, &dummy);
		jv_free(dummy);
		h = jv_object_set(h, jv_string("path"), jv_string(base));
		v1 = jv_object_set(v1, jv_string(v1names[i]), jv_object_set(h,
		    jv_string("writable"), jv_bool(w1[i])));
	}
	/* which mechanism gl-jail would use for each limit */
	for (i = 0; i < 3; i++) {
		int v2ok = w2 && (inarray(deleg, v2ctl[i]) || inarray(en, v2ctl[i]));
		by = jv_object_set(by, jv_string(v2ctl[i]), v2ok ? jv_string("v2") :
		    w1[i] ? jv_string("v1") : jv_null());
	}
	jv_free(present);
	jv_free(deleg);
	jv_free(en);
	o = jv_object_set(o, jv_string("favordynmods"), jv_bool(favordynmods(mi)));
	free(mi);
	free(sc);
	o = jv_object_set(o, jv_string("v2"), v2);
	o = jv_object_set(o, jv_string("v1"), v1);
	return jv_object_set(o, jv_string("limits"), by);
}
