/* resolv: gl-netfilter's resolver.  It answers A and AAAA for allowed
 * names only, forwarding those upstream and nothing else, hands out only
 * addresses that pass gl_dns_forbidden, and puts each into the nft allow
 * set (with the answer's TTL as timeout) before the sandbox sees it. */
#ifndef GL_RESOLV_H
#define GL_RESOLV_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <jv.h>

#include "dns.h"

struct mnl_socket;

struct gl_resolv {
	const struct gl_strv *allow;	/* normalized names, "*.suffix" too */
	int allow_all;			/* default = allow: every name */
	struct sockaddr_storage up;	/* upstream server */
	socklen_t uplen;
	int timeout_ms;			/* per upstream try (two tries) */
	struct mnl_socket *nft;		/* the sandbox's sets, or NULL */
	const struct gl_dns_addr *own;	/* the host's addresses */
	size_t nown;
	int allow_private;
	uint32_t min_ttl, max_ttl;	/* bounds of the TTL handed out */
	void (*event)(jv ev, void *ctx);	/* net.dns fields (consumed) */
	void *ctx;
	unsigned long allowed, refused, failed;	/* counts for the report */
};

/* Parse "ADDR", "ADDR:PORT" or "[ADDR6]:PORT"; s NULL: the first
 * nameserver of /etc/resolv.conf.  -1 when there is none. */
int gl_resolv_upstream(struct gl_resolv *r, const char *s);
/* Answer the query m[0..n) into out; the reply's length, 0 for no reply
 * (a message that is not a query). */
size_t gl_resolv_answer(struct gl_resolv *r, const unsigned char *m, size_t n,
    unsigned char *out, size_t outsz);
/* Serve one TCP connection (2-byte length framing), a few seconds at most. */
void gl_resolv_tcp(struct gl_resolv *r, int fd);
/* The upstream as text. */
void gl_resolv_upstream_str(const struct gl_resolv *r, char *buf, size_t bufsz);

#endif
