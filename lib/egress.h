/* egress: gl-netfilter's session: plan (profile to rules and resolver),
 * set up (namespace, veth + NAT, nft, resolver, NFLOG, a guard that tears
 * down if we die), run the command inside and serve it, tear down, report. */
#ifndef GL_EGRESS_H
#define GL_EGRESS_H
#include <stdio.h>
#include <sys/types.h>
#include <jv.h>

#include "dns.h"
#include "nft.h"
#include "profile.h"
#include "resolv.h"

#define GL_EGRESS_GROUP 7316		/* NFLOG group (per namespace) */

struct gl_egress_opts {
	const char *profile;		/* -p */
	const char *report;		/* --report FILE */
	const char *events;		/* --events FILE (JSONL) */
	const char *upstream;		/* --upstream ADDR, else resolv.conf */
	struct gl_strv domains;		/* --allow-domain: more names */
	int allow_private;		/* --allow-private */
	int dry_run;			/* --dry-run */
	int wait_teardown;		/* --wait: exit after the host is clean */
};

struct gl_egress {
	const struct gl_egress_opts *o;
	const struct gl_profile *prof;
	const char *hint;		/* a remedy for the last error, or NULL */
	struct gl_strv names;		/* the allowlist, normalized */
	struct gl_nft_plan plan;
	struct gl_resolv res;
	int allow_dns;
	/* the link: host side h, sandbox side s */
	unsigned idx;
	char hostif[16], peerif[16], nattable[32], resolvconf[64], hosts[64];
	jv pinned;			/* allow_dns = false: [{name, addresses}] */
	int pinned_hosts;		/* the hosts file is written */
	struct gl_dns_addr h4, s4, h6, s6;
	int hfd, sfd;			/* host and sandbox network namespaces */
	struct mnl_socket *nft, *nflog;	/* both in the sandbox namespace */
	int lfd[4];			/* resolver: udp4, udp6, tcp4, tcp6 */
	pid_t guard, child;
	int guard_w;			/* the guard tears down when this closes */
	int guard_done;			/* and closes this when the host is clean */
	int fwd;			/* forwarding knobs we turned on */
	FILE *events;
	unsigned long long seq;
	unsigned long denied;
	int code;			/* the command's status, -1 before */
};

/* Check the options and profile and build the plan; nothing is changed. */
int gl_egress_plan(struct gl_egress *e, const struct gl_egress_opts *o,
    const struct gl_profile *p, char *err, size_t errsz);
/* The ruleset, resolver and link as JSON (for --dry-run and --report). */
jv gl_egress_report(const struct gl_egress *e);
/* Build everything; -1 with a reason (and maybe e->hint) on any failure. */
int gl_egress_setup(struct gl_egress *e, char *err, size_t errsz);
/* Run argv inside, serve DNS and NFLOG until it exits; its status. */
int gl_egress_run(struct gl_egress *e, char **argv, char *err, size_t errsz);
/* Undo gl_egress_setup (safe after a partial one). */
void gl_egress_teardown(struct gl_egress *e);
int gl_egress_write_report(const struct gl_egress *e, const char *path);
void gl_egress_free(struct gl_egress *e);

#endif
