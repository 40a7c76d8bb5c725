#include "dns.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define HDR 12

static uint16_t
get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* Read the name at *off (following compression pointers, bounded) into
 * out in presentation form; *off moves past it in the message. */
static int
read_name(const unsigned char *m, size_t n, size_t *off, char *out, size_t outsz, int *plain)
{
	size_t p = *off, o = 0, end = 0;
	int jumps = 0, i;
	unsigned len, c;

	if (plain != NULL)
		*plain = 1;
	for (;;) {
		if (p >= n)
			return -1;
		len = m[p];
		if ((len & 0xc0) == 0xc0) {
			if (p + 1 >= n || ++jumps > 16)
				return -1;
			if (end == 0)
				end = p + 2;
			p = (size_t)(len & 0x3f) << 8 | m[p + 1];
			continue;
		}
		if (len & 0xc0)
			return -1;
		p++;
		if (len == 0)
			break;
		if (p + len > n)
			return -1;
		if (o != 0) {
			if (o + 1 >= outsz)
				return -1;
			out[o++] = '.';
		}
		for (i = 0; i < (int)len; i++) {
			c = (unsigned)tolower(m[p + (size_t)i]);
			if (isalnum((int)c) || c == '-' || c == '_') {
				if (o + 1 >= outsz)
					return -1;
				out[o++] = (char)c;
			} else {
				if (o + 5 >= outsz)
					return -1;
				o += (size_t)snprintf(out + o, outsz - o, "\\%03u", c);
				if (plain != NULL)
					*plain = 0;
			}
		}
		p += len;
	}
	if (o + 1 > outsz)
		return -1;
	out[o] = '\0';
	*off = end != 0 ? end : p;
	return 0;
}

int
gl_dns_parse_query(const unsigned char *m, size_t n, struct gl_dns_query *q)
{
	size_t off = HDR;

	memset(q, 0, sizeof *q);
	if (n < HDR || n > 65535)
		return -1;
	q->id = get16(m);
	/* QR must be clear, opcode QUERY, exactly one question */
	if ((m[2] & 0x80) || (m[2] & 0x78) || get16(m + 4) != 1)
		return -1;
	q->rd = m[2] & 1;
	if (read_name(m, n, &off, q->name, sizeof q->name, &q->plain) < 0 || off + 4 > n)
		return -1;
	if (q->name[0] == '\0')
		q->plain = 0;
	q->qtype = get16(m + off);
	q->qclass = get16(m + off + 2);
	q->end = off + 4;
	return 0;
}

int
gl_dns_normalize(char *name)
{
	size_t n = strlen(name), i, lab = 0;
	char *s = name;

	if (n > 0 && name[n - 1] == '.')
		name[--n] = '\0';
	if (n >= 2 && name[0] == '*' && name[1] == '.')
		s = name + 2;
	if (*s == '\0' || strlen(s) > 253)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		s[i] = (char)tolower((unsigned char)s[i]);
		if (s[i] == '.') {
			/* no empty label, none ending in a hyphen */
			if (lab == 0 || s[i - 1] == '-')
				return -1;
			lab = 0;
		} else if (isalnum((unsigned char)s[i]) || s[i] == '_' || (s[i] == '-' && lab > 0)) {
			if (++lab > 63)
				return -1;
		} else {
			return -1;
		}
	}
	return lab == 0 || s[i - 1] == '-' ? -1 : 0;
}

int
gl_dns_allowed(const struct gl_strv *allow, const char *name)
{
	size_t i, nl = strlen(name), sl;
	const char *e;

	for (i = 0; i < allow->n; i++) {
		e = allow->v[i];
		if (e[0] == '*' && e[1] == '.') {
			/* "*.example.com": a.example.com, a.b.example.com; never
			 * example.com itself nor evilexample.com */
			sl = strlen(e + 1);	/* ".example.com" */
			if (nl > sl && strcmp(name + nl - sl, e + 1) == 0)
				return 1;
		} else if (strcmp(name, e) == 0) {
			return 1;
		}
	}
	return 0;
}

size_t
gl_dns_make_query(uint16_t id, const char *name, uint16_t qtype, unsigned char *out,
    size_t outsz)
{
	size_t o = HDR, l;
	const char *p = name, *dot;

	if (outsz < HDR + 6 + strlen(name))
		return 0;
	memset(out, 0, HDR);
	put16(out, id);
	out[2] = 1;			/* RD */
	put16(out + 4, 1);
	while (*p != '\0') {
		dot = strchr(p, '.');
		l = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (l == 0 || l > 63)
			return 0;
		out[o++] = (unsigned char)l;
		memcpy(out + o, p, l);
		o += l;
		p += l + (dot != NULL);
	}
	out[o++] = 0;
	put16(out + o, qtype);
	put16(out + o + 2, 1);		/* IN */
	return o + 4;
}

struct rr {
	size_t owner, rdata;
	uint16_t type, cls, rdl;
	uint32_t ttl;
};

#define MAXRR 256
#define MAXCHAIN 16

static int
in_chain(const unsigned char *m, size_t n, size_t off, char chain[][GL_DNS_NAME], size_t nc)
{
	char name[GL_DNS_NAME];
	size_t i;

	if (read_name(m, n, &off, name, sizeof name, NULL) < 0)
		return -1;
	for (i = 0; i < nc; i++)
		if (strcmp(name, chain[i]) == 0)
			return (int)i;
	return -1;
}

int
gl_dns_parse_reply(const unsigned char *m, size_t n, uint16_t id, const char *qname,
    uint16_t qtype, struct gl_dns_addr *a, size_t max, size_t *na, uint32_t *ttl, int *rcode,
    const char **why)
{
	char chain[MAXCHAIN][GL_DNS_NAME];
	struct rr rr[MAXRR];
	size_t off = HDR, nc = 1, i, p;
	unsigned an;
	char name[GL_DNS_NAME];
	int grown;

	*na = 0;
	*ttl = UINT32_MAX;
	*why = "malformed reply";
	if (n < HDR || get16(m) != id || !(m[2] & 0x80))
		return -1;
	*rcode = m[3] & 0x0f;
	an = get16(m + 6);
	/* the question must be ours, echoed: one, same name, type and class */
	*why = "reply's question differs from the query";
	if (get16(m + 4) != 1 || read_name(m, n, &off, name, sizeof name, NULL) < 0 ||
	    off + 4 > n || strcmp(name, qname) != 0 || get16(m + off) != qtype ||
	    get16(m + off + 2) != 1)
		return -1;
	off += 4;
	*why = "malformed reply";
	if (an > MAXRR)
		return -1;
	for (i = 0; i < an; i++) {
		rr[i].owner = off;
		if (read_name(m, n, &off, name, sizeof name, NULL) < 0 || off + 10 > n)
			return -1;
		rr[i].type = get16(m + off);
		rr[i].cls = get16(m + off + 2);
		rr[i].ttl = (uint32_t)get16(m + off + 4) << 16 | get16(m + off + 6);
		rr[i].rdl = get16(m + off + 8);
		rr[i].rdata = off += 10;
		if (off + rr[i].rdl > n)
			return -1;
		off += rr[i].rdl;
	}
	/* the CNAME chain from qname, in whatever order its records come */
	snprintf(chain[0], sizeof chain[0], "%s", qname);
	do {
		grown = 0;
		for (i = 0; i < an && nc < MAXCHAIN; i++) {
			if (rr[i].type != GL_DNS_CNAME || rr[i].cls != 1 ||
			    in_chain(m, n, rr[i].owner, chain, nc) != (int)nc - 1)
				continue;
			p = rr[i].rdata;
			if (read_name(m, n, &p, name, sizeof name, NULL) < 0 || p != rr[i].rdata + rr[i].rdl)
				return -1;
			if (in_chain(m, n, rr[i].rdata, chain, nc) >= 0)
				continue;	/* a loop */
			snprintf(chain[nc++], sizeof chain[0], "%s", name);
			grown = 1;
		}
	} while (grown);
	/* only addresses owned by a name of the chain */
	for (i = 0; i < an; i++)
		if (rr[i].cls == 1 && rr[i].type == qtype && *na < max &&
		    (qtype == GL_DNS_A || qtype == GL_DNS_AAAA) &&
		    rr[i].rdl == (qtype == GL_DNS_A ? 4u : 16u) &&
		    in_chain(m, n, rr[i].owner, chain, nc) >= 0) {
			a[*na].family = qtype == GL_DNS_A ? AF_INET : AF_INET6;
			memset(a[*na].b, 0, sizeof a[*na].b);
			memcpy(a[*na].b, m + rr[i].rdata, rr[i].rdl);
			(*na)++;
			if (rr[i].ttl < *ttl)
				*ttl = rr[i].ttl;
		}
	if (*na == 0)
		*ttl = 0;
	*why = NULL;
	return 0;
}

size_t
gl_dns_make_reply(const unsigned char *m, const struct gl_dns_query *q, int rcode,
    const struct gl_dns_addr *a, size_t na, uint32_t ttl, unsigned char *out, size_t outsz)
{
	size_t o, i, rdl;

	if (q->end > outsz)
		return 0;
	memcpy(out, m, q->end);
	out[2] = (unsigned char)(0x80 | (q->rd ? 1 : 0));	/* QR, RD copied */
	out[3] = (unsigned char)(0x80 | (rcode & 0x0f));	/* RA */
	put16(out + 6, 0);
	put16(out + 8, 0);
	put16(out + 10, 0);
	o = q->end;
	for (i = 0; i < na; i++) {
		rdl = a[i].family == AF_INET ? 4 : 16;
		if (o + 12 + rdl > outsz)
			return 0;
		put16(out + o, 0xc000 | HDR);	/* the question's name */
		put16(out + o + 2, a[i].family == AF_INET ? GL_DNS_A : GL_DNS_AAAA);
		put16(out + o + 4, 1);
		put16(out + o + 6, (uint16_t)(ttl >> 16));
		put16(out + o + 8, (uint16_t)ttl);
		put16(out + o + 10, (uint16_t)rdl);
		memcpy(out + o + 12, a[i].b, rdl);
		o += 12 + rdl;
	}
	put16(out + 6, (uint16_t)na);
	return o;
}

#define V4(a, b, c, d) { AF_INET, { a, b, c, d } }
static const struct gl_dns_prefix never[] = {
	{ V4(0, 0, 0, 0), 8, 0, "this network" },
	{ V4(127, 0, 0, 0), 8, 0, "loopback" },
	{ V4(169, 254, 0, 0), 16, 0, "link-local (cloud metadata)" },
	{ V4(100, 100, 100, 200), 32, 0, "cloud metadata" },
	{ V4(168, 63, 129, 16), 32, 0, "cloud metadata" },
	{ V4(192, 0, 0, 0), 24, 0, "IETF protocol assignments" },
	{ V4(198, 18, 0, 0), 15, 0, "benchmarking" },
	{ V4(224, 0, 0, 0), 4, 0, "multicast" },
	{ V4(240, 0, 0, 0), 4, 0, "reserved" },
	{ V4(10, 0, 0, 0), 8, 1, "private" },
	{ V4(172, 16, 0, 0), 12, 1, "private" },
	{ V4(192, 168, 0, 0), 16, 1, "private" },
	{ V4(100, 64, 0, 0), 10, 1, "shared address space" },
	{ { AF_INET6, { 0 } }, 128, 0, "unspecified" },
	{ { AF_INET6, { [15] = 1 } }, 128, 0, "loopback" },
	{ { AF_INET6, { [10] = 0xff, [11] = 0xff } }, 96, 0, "IPv4-mapped" },
	{ { AF_INET6, { 0 } }, 96, 0, "IPv4-compatible" },
	{ { AF_INET6, { 0xfe, 0x80 } }, 10, 0, "link-local" },
	{ { AF_INET6, { 0xfe, 0xc0 } }, 10, 0, "site-local" },
	{ { AF_INET6, { 0xff } }, 8, 0, "multicast" },
	{ { AF_INET6, { 0x01 } }, 64, 0, "discard" },
	{ { AF_INET6, { 0, 0x64, 0xff, 0x9b, 0, 0x01 } }, 48, 0, "local-use NAT64" },
	{ { AF_INET6, { 0x20, 0x01 } }, 32, 0, "Teredo" },
	{ { AF_INET6, { 0xfd, 0x00, 0x0e, 0xc2, [14] = 0x02, [15] = 0x54 } }, 128, 0, "cloud metadata" },
	{ { AF_INET6, { 0xfc } }, 7, 1, "unique local (private)" },
};

const struct gl_dns_prefix *
gl_dns_never(size_t i)
{
	return i < sizeof never / sizeof never[0] ? &never[i] : NULL;
}

static int
in_prefix(const struct gl_dns_addr *a, const struct gl_dns_addr *p, int len)
{
	int i, bits;

	if (a->family != p->family)
		return 0;
	for (i = 0; len > 0; i++, len -= 8) {
		bits = len >= 8 ? 8 : len;
		if ((a->b[i] ^ p->b[i]) & (0xff00 >> bits))
			return 0;
	}
	return 1;
}

/* An IPv4 address embedded in a: NAT64 64:ff9b::/96, 6to4 2002::/16. */
static int
embedded_v4(const struct gl_dns_addr *a, struct gl_dns_addr *v4)
{
	static const struct gl_dns_addr nat64 = { AF_INET6, { 0, 0x64, 0xff, 0x9b } };
	static const struct gl_dns_addr sixtofour = { AF_INET6, { 0x20, 0x02 } };

	memset(v4, 0, sizeof *v4);
	v4->family = AF_INET;
	if (in_prefix(a, &nat64, 96)) {
		memcpy(v4->b, a->b + 12, 4);
		return 1;
	}
	if (in_prefix(a, &sixtofour, 16)) {
		memcpy(v4->b, a->b + 2, 4);
		return 1;
	}
	return 0;
}

const char *
gl_dns_forbidden(const struct gl_dns_addr *a, const struct gl_dns_addr *own, size_t nown,
    int allow_private)
{
	struct gl_dns_addr v4;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof never / sizeof never[0]; i++)
		if ((!never[i].private || !allow_private) && in_prefix(a, &never[i].a, never[i].len))
			return never[i].why;
	for (i = 0; i < nown; i++)
		if (in_prefix(a, &own[i], own[i].family == AF_INET ? 32 : 128))
			return "the host's own address";
	if (embedded_v4(a, &v4) && (why = gl_dns_forbidden(&v4, own, nown, allow_private)) != NULL)
		return why;
	return NULL;
}

void
gl_dns_addr_str(const struct gl_dns_addr *a, char *buf, size_t bufsz)
{
	if (inet_ntop(a->family, a->b, buf, (socklen_t)bufsz) == NULL && bufsz > 0)
		buf[0] = '\0';
}

const char *
gl_dns_qtype_str(uint16_t qtype, char *buf, size_t bufsz)
{
	static const struct { uint16_t t; const char *s; } names[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" },
		{ 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" }, { 33, "SRV" }, { 10, "NULL" },
		{ 64, "SVCB" }, { 65, "HTTPS" }, { 255, "ANY" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].t == qtype)
			return names[i].s;
	snprintf(buf, bufsz, "TYPE%u", qtype);
	return buf;
}
