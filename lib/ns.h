/* ns: namespaces from outside: idmapped mounts for a root caller, and the
 * namespaces a process really has. */
#ifndef GL_NS_H
#define GL_NS_H
#include <sys/types.h>
#include <jv.h>

/* A user namespace fd whose uid/gid 0 is host uid/gid (id, gid): the idmap
 * that makes files owned by root appear owned by id, and files id creates
 * land as root.  -1 with errno on failure. */
int gl_ns_idmap_userns(uid_t id, gid_t gid);
/* Clone the mount tree at src (recursively), idmap it through userns_fd,
 * make it read-only if ro, and attach it at dst (an existing directory or
 * file).  Caller must be in a private mount namespace. */
int gl_ns_idmap_mount(const char *src, const char *dst, int userns_fd, int ro);
/* Which of pid's namespaces differ from ours: {"user":true,...}. */
jv gl_ns_measure(pid_t pid);
/* Whether our namespace of that kind ("net", ...) is the host's: 1 when
 * every ancestor we can read shares it, 0 when one does not, -1 when none
 * can be read. */
int gl_ns_is_host(const char *kind);
/* Host uid, gid and CapEff of pid from /proc/PID/status. */
jv gl_ns_identity(pid_t pid);

#endif
