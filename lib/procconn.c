#include "procconn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "proc.h"
#include "redact.h"
#include "utf8.h"

#define POLL_MS 10		/* the polling backend's period */
#define CMDLINE_CAP (256 * 1024)

struct proc {
	pid_t pid, ppid;
	int execd;		/* an exec was reported: report the exit too */
	unsigned long long start;	/* polling: start time, to tell pid reuse */
	char comm[32];		/* polling: to tell an exec */
	int seen;		/* polling: found in this scan */
};

struct gl_procconn {
	int fd;			/* netlink socket, or -1 when polling */
	pid_t root;
	struct proc *p;
	size_t n, cap;
	struct timespec next;	/* polling: next scan */
};

static struct proc *
find(struct gl_procconn *c, pid_t pid)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->p[i].pid == pid)
			return &c->p[i];
	return NULL;
}

static struct proc *
add(struct gl_procconn *c, pid_t pid, pid_t ppid)
{
	struct proc *q;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		if ((q = realloc(c->p, c->cap * sizeof *q)) == NULL)
			return NULL;
		c->p = q;
	}
	q = &c->p[c->n++];
	memset(q, 0, sizeof *q);
	q->pid = pid;
	q->ppid = ppid;
	return q;
}

static void
drop(struct gl_procconn *c, struct proc *q)
{
	*q = c->p[--c->n];
}

jv
gl_procconn_argv(const char *buf, size_t len, unsigned long long *nred)
{
	char **v = NULL, **q;
	size_t n = 0, i, l;
	const char *p;
	int r, pct = 0;
	jv a = jv_array();

	for (p = buf; p < buf + len; p += l + 1) {
		l = strnlen(p, (size_t)(buf + len - p));
		if ((q = realloc(v, (n + 1) * sizeof *v)) == NULL)
			goto oom;
		v = q;
		if ((v[n] = strndup(p, l)) == NULL)
			goto oom;
		if (!gl_utf8_valid(v[n], l))
			pct = 1;
		n++;
	}
	if ((r = gl_redact_argv(v, n)) < 0)
		goto oom;
	*nred += (unsigned long long)r;
	for (i = 0; i < n; i++) {
		if (pct) {	/* lossless: '%' is encoded too */
			char *e = gl_utf8_pct_encode(v[i], strlen(v[i]));
			if (e == NULL)
				goto oom;
			a = jv_array_append(a, jv_string(e));
			free(e);
		} else
			a = jv_array_append(a, jv_string(v[i]));
	}
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return pct ? jv_array_append(jv_array(), a) : a;
oom:
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	jv_free(a);
	return jv_invalid_with_msg(jv_string("out of memory"));
}

static int
readfile(pid_t pid, const char *what, char **buf, size_t *len)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, what);
	return gl_io_read_file(path, CMDLINE_CAP, buf, len);
}

static jv
link_of(jv o, pid_t pid, const char *what)
{
	char path[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, what);
	if ((n = readlink(path, buf, sizeof buf)) > 0)
		o = gl_utf8_set_name(o, what, buf, (size_t)n);
	return o;
}

static int
exec_event(struct gl_watch_session *s, struct proc *q)
{
	char *buf = NULL;
	size_t len = 0;
	jv o = jv_object(), argv, first;

	o = jv_object_set(o, jv_string("pid"), jv_number(q->pid));
	o = jv_object_set(o, jv_string("ppid"), jv_number(q->ppid));
	if (readfile(q->pid, "cmdline", &buf, &len) == 0 && len > 0) {
		argv = gl_procconn_argv(buf, len, &s->redactions);
		if (!jv_is_valid(argv)) {
			jv_free(argv);
			jv_free(o);
			free(buf);
			errno = ENOMEM;
			return -1;
		}
		first = jv_array_get(jv_copy(argv), 0);
		if (jv_get_kind(first) == JV_KIND_ARRAY) {
			o = jv_object_set(o, jv_string("argv_pct"), jv_true());
			jv_free(argv);
			argv = first;
		} else
			jv_free(first);
		o = jv_object_set(o, jv_string("argv"), argv);
	} else {
		/* gone already: a zombie still has its name */
		free(buf);
		buf = NULL;
		if (readfile(q->pid, "comm", &buf, &len) == 0 && len > 1 &&
		    gl_utf8_valid(buf, len - 1))
			o = jv_object_set(o, jv_string("comm"), jv_string_sized(buf, (int)len - 1));
		o = jv_object_set(o, jv_string("error"),
		    jv_string("exited before its command line could be read"));
	}
	free(buf);
	o = link_of(o, q->pid, "cwd");
	o = link_of(o, q->pid, "exe");
	q->execd = 1;
	return gl_watch_emit(s, GL_WATCH_EXEC, o);
}

static int
exit_event(struct gl_watch_session *s, pid_t pid, int status, int known)
{
	jv o = jv_object_set(jv_object(), jv_string("pid"), jv_number(pid));

	if (!known)
		o = jv_object_set(o, jv_string("status"), jv_string("unknown"));
	else if (status & 0x7f)
		o = jv_object_set(o, jv_string("signal"), jv_number(status & 0x7f));
	else
		o = jv_object_set(o, jv_string("code"), jv_number((status >> 8) & 0xff));
	return gl_watch_emit(s, GL_WATCH_EXIT, o);
}

/* The processes below root now, added (not reported). */
static int
scan(struct gl_watch_session *s, struct gl_procconn *c, int report)
{
	struct { pid_t pid, ppid; unsigned long long start; char comm[32]; } *all = NULL, *t;
	size_t n = 0, cap = 0, i, j;
	struct dirent *e;
	struct proc *q;
	int grew, rc = 0;
	DIR *d;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			if ((t = realloc(all, cap * sizeof *all)) == NULL) {
				closedir(d);
				free(all);
				return -1;
			}
			all = t;
		}
		all[n].pid = (pid_t)atoi(e->d_name);
		if (gl_proc_stat(all[n].pid, &all[n].ppid, &all[n].start, all[n].comm,
		    sizeof all[n].comm) == 0)
			n++;
	}
	closedir(d);
	for (i = 0; i < c->n; i++)
		c->p[i].seen = c->p[i].pid == c->root;
	do {		/* parents before children, whatever the order in /proc */
		grew = 0;
		for (i = 0; i < n && rc == 0; i++) {
			q = NULL;
			if (all[i].pid == c->root || (q = find(c, all[i].pid)) != NULL) {
				if (q != NULL && !q->seen && q->start == all[i].start) {
					q->seen = 1;
					if (report && strcmp(q->comm, all[i].comm) != 0) {
						snprintf(q->comm, sizeof q->comm, "%s", all[i].comm);
						rc = exec_event(s, q);	/* an exec without fork */
					}
				}
				continue;
			}
			if (all[i].ppid != c->root && ((q = find(c, all[i].ppid)) == NULL || !q->seen))
				continue;
			if ((q = add(c, all[i].pid, all[i].ppid)) == NULL) {
				rc = -1;
				break;
			}
			q->start = all[i].start;
			q->seen = 1;
			snprintf(q->comm, sizeof q->comm, "%s", all[i].comm);
			grew = 1;
			if (report)
				rc = exec_event(s, q);
		}
	} while (grew && rc == 0);
	for (j = c->n; rc == 0 && j-- > 0;)
		if (!c->p[j].seen && c->p[j].pid != c->root) {
			if (report && c->p[j].execd)
				rc = exit_event(s, c->p[j].pid, 0, 0);
			drop(c, &c->p[j]);
		}
	free(all);
	return rc;
}

static int
listen_connector(int fd)
{
	unsigned char buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(int))];
	struct nlmsghdr *nl = (struct nlmsghdr *)(void *)buf;
	struct cn_msg *cn = NLMSG_DATA(nl);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	int op = PROC_CN_MCAST_LISTEN, sz = 8 << 20;

	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return -1;
	/* bursts of short-lived processes: a deep queue (root may force it) */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	memset(buf, 0, sizeof buf);
	nl->nlmsg_len = (unsigned)NLMSG_LENGTH(sizeof *cn + sizeof op);
	nl->nlmsg_type = NLMSG_DONE;
	nl->nlmsg_pid = (unsigned)getpid();
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof op;
	memcpy(cn->data, &op, sizeof op);
	return send(fd, buf, nl->nlmsg_len, 0) < 0 ? -1 : 0;
}

struct gl_procconn *
gl_procconn_open(struct gl_watch_session *s, pid_t pid, int want)
{
	struct gl_procconn *c;
	int e;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	c->fd = -1;
	c->root = pid;
	if (want == GL_PROCCONN_AUTO || want == GL_PROCCONN_CONNECTOR) {
		c->fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_CONNECTOR);
		if (c->fd >= 0 && listen_connector(c->fd) < 0) {
			e = errno;
			close(c->fd);
			c->fd = -1;
			errno = e;
		}
		if (c->fd < 0 && want == GL_PROCCONN_CONNECTOR) {
			e = errno;
			free(c);
			errno = e;
			return NULL;
		}
	}
	s->proc_backend = c->fd >= 0 ? "proc-connector" : "proc-poll";
	s->proc_partial = c->fd < 0;
	/* what is already running below pid is the session's, unreported */
	if (scan(s, c, 0) < 0) {
		e = errno;
		gl_procconn_close(c);
		errno = e;
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &c->next);
	return c;
}

int
gl_procconn_fd(const struct gl_procconn *c)
{
	return c->fd;
}

int
gl_procconn_timeout(const struct gl_procconn *c)
{
	struct timespec now;
	long ms;

	if (c->fd >= 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (c->next.tv_sec - now.tv_sec) * 1000 + (c->next.tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

static int
event(struct gl_watch_session *s, struct gl_procconn *c, const struct proc_event *ev)
{
	struct proc *q;

	switch (ev->what) {
	case PROC_EVENT_FORK:
		if (ev->event_data.fork.child_pid != ev->event_data.fork.child_tgid)
			return 0;	/* a thread */
		if (ev->event_data.fork.parent_tgid != c->root &&
		    find(c, ev->event_data.fork.parent_tgid) == NULL)
			return 0;
		return add(c, ev->event_data.fork.child_tgid,
		    ev->event_data.fork.parent_tgid) == NULL ? -1 : 0;
	case PROC_EVENT_EXEC:
		if ((q = find(c, ev->event_data.exec.process_tgid)) == NULL)
			return 0;
		return exec_event(s, q);
	case PROC_EVENT_EXIT:
		if (ev->event_data.exit.process_pid != ev->event_data.exit.process_tgid ||
		    (q = find(c, ev->event_data.exit.process_tgid)) == NULL)
			return 0;
		{
			int execd = q->execd;
			pid_t pid = q->pid;
			drop(c, q);
			return execd ? exit_event(s, pid, (int)ev->event_data.exit.exit_code, 1) : 0;
		}
	default:
		return 0;
	}
}

int
gl_procconn_drain(struct gl_watch_session *s, struct gl_procconn *c)
{
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct nlmsghdr))));
	struct proc_event ev;
	struct nlmsghdr *nl;
	struct cn_msg *cn;
	ssize_t n;
	int len;

	if (c->fd < 0) {
		if (gl_procconn_timeout(c) > 0)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &c->next);
		c->next.tv_nsec += POLL_MS * 1000000L;
		if (c->next.tv_nsec >= 1000000000L) {
			c->next.tv_sec++;
			c->next.tv_nsec -= 1000000000L;
		}
		return scan(s, c, 1);
	}
	for (;;) {
		if ((n = recv(c->fd, buf, sizeof buf, 0)) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			if (errno == ENOBUFS) {	/* the kernel dropped events */
				s->overflows++;
				s->complete = 0;
				if (gl_watch_emit(s, GL_WATCH_OVERFLOW, jv_object_set(jv_object(),
				    jv_string("backend"), jv_string("proc-connector"))) < 0)
					return -1;
				continue;
			}
			return -1;
		}
		len = (int)n;
		for (nl = (struct nlmsghdr *)(void *)buf; NLMSG_OK(nl, (unsigned)len);
		    nl = NLMSG_NEXT(nl, len)) {
			if (nl->nlmsg_type == NLMSG_ERROR || nl->nlmsg_type == NLMSG_NOOP)
				continue;
			cn = NLMSG_DATA(nl);
			if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC)
				continue;
			memset(&ev, 0, sizeof ev);	/* data is not aligned */
			memcpy(&ev, cn->data, cn->len < sizeof ev ? cn->len : sizeof ev);
			if (event(s, c, &ev) < 0)
				return -1;
		}
	}
}

void
gl_procconn_close(struct gl_procconn *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->p);
	free(c);
}
