/* landlock: best-effort Landlock (ABI 1-7) that reports what it enforced. */
#ifndef GL_LANDLOCK_H
#define GL_LANDLOCK_H
#include <stddef.h>
#include <jv.h>

struct gl_landlock_req {
	const char **ro, **rw;		/* absolute paths */
	size_t nro, nrw;
	const long *connect_tcp, *bind_tcp;	/* allowed ports */
	size_t nconnect, nbind;
	int handle_net;			/* restrict TCP at all */
	int scope;			/* abstract unix sockets and signals */
	int min_abi;			/* refuse to run below this ABI */
	int audit;			/* ABI 7 LOG_NEW_EXEC_ON */
};

/* The ABI the kernel offers (>=1), 0 when Landlock is disabled or absent. */
int gl_landlock_abi(void);
/* Build and apply the ruleset to the calling thread (sets no_new_privs).
 * Returns the report; on a failure that leaves nothing enforced, an invalid
 * jv with a one-line message (the caller must not exec then). */
jv gl_landlock_apply(const struct gl_landlock_req *req);
/* NoNewPrivs, Seccomp, CapEff, Uid, Gid read from fd, an open
 * /proc/self/status (opened before restricting, so that the rules need not
 * grant /proc), as JSON. */
jv gl_landlock_self_status(int fd);

#endif
