/* procconn: gl-watch's process events.  As root, the netlink proc connector
 * (every exec and exit, with the real status or signal); otherwise a scan
 * of /proc every few milliseconds, which may miss short-lived processes and
 * never knows an exit status.  Only the descendants of one process (the
 * session: gl-watch's parent by default) are reported, and their argv goes
 * through redact(3) first. */
#ifndef GL_PROCCONN_H
#define GL_PROCCONN_H
#include <sys/types.h>

#include "watch.h"

enum { GL_PROCCONN_AUTO, GL_PROCCONN_CONNECTOR, GL_PROCCONN_POLL, GL_PROCCONN_NONE };

struct gl_procconn;

/* Start following the descendants of pid with the backend asked for
 * (AUTO: the connector if it can be had, else polling); sets
 * s->proc_backend and s->proc_partial.  NULL with errno on failure. */
struct gl_procconn *gl_procconn_open(struct gl_watch_session *s, pid_t pid, int want);
/* The descriptor to poll for POLLIN, or -1 (polling backend). */
int gl_procconn_fd(const struct gl_procconn *p);
/* poll(2) timeout until the next scan, -1 for none. */
int gl_procconn_timeout(const struct gl_procconn *p);
/* Handle what is queued now (connector), or scan if it is time (polling). */
int gl_procconn_drain(struct gl_watch_session *s, struct gl_procconn *p);
void gl_procconn_close(struct gl_procconn *p);
/* Split a /proc/PID/cmdline buffer into a redacted argv array; the number
 * of redactions is added to *nred. */
jv gl_procconn_argv(const char *buf, size_t len, unsigned long long *nred);

#endif
