/* dns: the wire format gl-netfilter's resolver speaks, which names it
 * serves (exact, or "*.suffix" on a dot boundary), and which addresses it
 * never hands out whatever the name (loopback, link-local, metadata,
 * private ranges, the host's own addresses, IPv4-mapped forms). */
#ifndef GL_DNS_H
#define GL_DNS_H
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

#define GL_DNS_NAME 1024	/* presentation form, escapes included */
#define GL_DNS_MSG 1232		/* largest message we send or accept on UDP */
#define GL_DNS_MAXADDR 32

enum { GL_DNS_A = 1, GL_DNS_CNAME = 5, GL_DNS_AAAA = 28 };
enum { GL_DNS_NOERROR = 0, GL_DNS_SERVFAIL = 2, GL_DNS_NXDOMAIN = 3, GL_DNS_REFUSED = 5 };

struct gl_dns_addr {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char b[16];
};

struct gl_dns_prefix {
	struct gl_dns_addr a;
	int len;			/* prefix length in bits */
	int private;			/* only refused without --allow-private */
	const char *why;
};

struct gl_dns_query {
	uint16_t id, qtype, qclass;
	int rd;
	size_t end;			/* offset after the question */
	char name[GL_DNS_NAME];		/* lower case, no final dot, \DDD escapes */
	int plain;			/* only [a-z0-9-_] labels: may match */
};

/* Parse a query: one question, QR clear, standard opcode.  -1 if malformed. */
int gl_dns_parse_query(const unsigned char *m, size_t n, struct gl_dns_query *q);
/* Lower-case a configured name and drop one final dot, in place; -1 when it
 * is not a host name or "*.host name". */
int gl_dns_normalize(char *name);
/* 1 when name (normalized) is served by the allowlist, else 0. */
int gl_dns_allowed(const struct gl_strv *allow, const char *name);
/* A query for name/qtype with id into out; its length, 0 if it does not fit. */
size_t gl_dns_make_query(uint16_t id, const char *name, uint16_t qtype,
    unsigned char *out, size_t outsz);
/* The addresses of qtype in an upstream reply to id for qname (normalized):
 * only records owned by qname or by a name its CNAME chain reaches; the
 * smallest TTL, the rcode.  -1, and *why, if the reply is malformed, not
 * for id, or its question is not exactly qname/qtype/IN. */
int gl_dns_parse_reply(const unsigned char *m, size_t n, uint16_t id, const char *qname,
    uint16_t qtype, struct gl_dns_addr *a, size_t max, size_t *na, uint32_t *ttl, int *rcode,
    const char **why);
/* Our reply to q (query bytes m): rcode, and the addresses as records of
 * q->qtype owned by the question's name.  Its length, 0 if it does not fit. */
size_t gl_dns_make_reply(const unsigned char *m, const struct gl_dns_query *q, int rcode,
    const struct gl_dns_addr *a, size_t na, uint32_t ttl, unsigned char *out, size_t outsz);
/* The i-th built-in never-reachable prefix, NULL past the end. */
const struct gl_dns_prefix *gl_dns_never(size_t i);
/* Why a is never handed out (a reason string), or NULL when it may be:
 * the built-in prefixes (private ones unless allow_private), own[] (the
 * host's addresses), IPv4-mapped/compatible/NAT64/6to4 forms of these. */
const char *gl_dns_forbidden(const struct gl_dns_addr *a, const struct gl_dns_addr *own,
    size_t nown, int allow_private);
/* a in text form. */
void gl_dns_addr_str(const struct gl_dns_addr *a, char *buf, size_t bufsz);
const char *gl_dns_qtype_str(uint16_t qtype, char *buf, size_t bufsz);

#endif
