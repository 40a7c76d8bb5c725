/* dns, nflog, nft (describe only) and resolv (no upstream): the parts of
 * gl-netfilter that need no namespace. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"
#include "nflog.h"
#include "nft.h"
#include "resolv.h"
#include "t.h"

static struct gl_dns_addr
addr(const char *s)
{
	struct gl_dns_addr a;

	memset(&a, 0, sizeof a);
	a.family = strchr(s, ':') != NULL ? AF_INET6 : AF_INET;
	inet_pton(a.family, s, a.b);
	return a;
}

static const char *
forbidden(const char *s, int allow_private)
{
	struct gl_dns_addr a = addr(s), own = addr("203.0.113.7");

	return gl_dns_forbidden(&a, &own, 1, allow_private);
}

/* v.key as a string or number, copied (v not consumed) */
static const char *
str(jv v, const char *key)
{
	static char buf[128];
	jv x = jv_object_get(jv_copy(v), jv_string(key));

	if (jv_get_kind(x) == JV_KIND_STRING)
		snprintf(buf, sizeof buf, "%s", jv_string_value(x));
	else if (jv_get_kind(x) == JV_KIND_NUMBER)
		snprintf(buf, sizeof buf, "%d", (int)jv_number_value(x));
	else
		buf[0] = '\0';
	jv_free(x);
	return buf;
}

static const char *
nth(jv a, int i)
{
	static char buf[256];
	jv x = jv_array_get(jv_copy(a), i);

	snprintf(buf, sizeof buf, "%s", jv_get_kind(x) == JV_KIND_STRING ? jv_string_value(x) : "");
	jv_free(x);
	return buf;
}

static void
test_names(void)
{
	struct gl_strv allow = { 0 };
	char n[64];

	strcpy(n, "Example.COM.");
	CHECK(gl_dns_normalize(n) == 0 && strcmp(n, "example.com") == 0);
	strcpy(n, "*.Wild.test");
	CHECK(gl_dns_normalize(n) == 0 && strcmp(n, "*.wild.test") == 0);
	strcpy(n, "a..b");
	CHECK(gl_dns_normalize(n) < 0);
	strcpy(n, "a b");
	CHECK(gl_dns_normalize(n) < 0);
	strcpy(n, "*.");
	CHECK(gl_dns_normalize(n) < 0);
	strcpy(n, "");
	CHECK(gl_dns_normalize(n) < 0);
	/* a label neither begins nor ends with a hyphen: "--" is no name */
	for (const char *const *b = (const char *const[]){ "--", "-a.test", "a-.test", "a.-b",
	    "a.b-", NULL }; *b != NULL; b++) {
		strcpy(n, *b);
		CHECK(gl_dns_normalize(n) < 0);
	}
	strcpy(n, "xn--bcher-kva.test");
	CHECK(gl_dns_normalize(n) == 0);

	gl_strv_push(&allow, "example.com");
	gl_strv_push(&allow, "*.wild.test");
	CHECK(gl_dns_allowed(&allow, "example.com"));
	CHECK(!gl_dns_allowed(&allow, "evilexample.com"));
	CHECK(!gl_dns_allowed(&allow, "example.com.evil.test"));
	CHECK(!gl_dns_allowed(&allow, "a.example.com"));
	CHECK(gl_dns_allowed(&allow, "a.wild.test"));
	CHECK(gl_dns_allowed(&allow, "a.b.wild.test"));
	CHECK(!gl_dns_allowed(&allow, "wild.test"));
	CHECK(!gl_dns_allowed(&allow, "evilwild.test"));
	CHECK(!gl_dns_allowed(&allow, "xwild.test"));
	gl_strv_free(&allow);
}

static void
test_wire(void)
{
	unsigned char q[512], r[512], up[512];
	struct gl_dns_query qq;
	struct gl_dns_addr a[4], got[4];
	size_t n, rn, na;
	uint32_t ttl;
	int rcode;
	const char *why;

	n = gl_dns_make_query(0x1234, "api.example.com", GL_DNS_AAAA, q, sizeof q);
	CHECK(n == 12 + 17 + 4);
	CHECK(gl_dns_parse_query(q, n, &qq) == 0);
	CHECK(qq.id == 0x1234 && qq.qtype == GL_DNS_AAAA && qq.qclass == 1 && qq.rd);
	CHECK(strcmp(qq.name, "api.example.com") == 0 && qq.plain);
	CHECK(qq.end == n);
	/* upper case is folded; a dot or a NUL inside a label is escaped and never plain */
	q[13] = 'A';
	CHECK(gl_dns_parse_query(q, n, &qq) == 0 && strcmp(qq.name, "api.example.com") == 0);
	q[14] = '.';
	CHECK(gl_dns_parse_query(q, n, &qq) == 0 && !qq.plain && strcmp(qq.name, "a\\046i.example.com") == 0);
	q[14] = 0;
	CHECK(gl_dns_parse_query(q, n, &qq) == 0 && !qq.plain);
	q[14] = 'p';
	/* truncated, a response, two questions, a compression loop */
	CHECK(gl_dns_parse_query(q, n - 1, &qq) < 0);
	CHECK(gl_dns_parse_query(q, 11, &qq) < 0);
	q[2] |= 0x80;
	CHECK(gl_dns_parse_query(q, n, &qq) < 0);
	q[2] &= 0x7f;
	q[5] = 2;
	CHECK(gl_dns_parse_query(q, n, &qq) < 0);
	q[5] = 1;
	memcpy(up, q, n);
	up[12] = 0xc0;
	up[13] = 12;
	CHECK(gl_dns_parse_query(up, n, &qq) < 0);
	CHECK(gl_dns_parse_query(q, n, &qq) == 0);

	/* our reply, parsed back as an upstream one */
	a[0] = addr("2001:db8::1");
	a[1] = addr("2001:db8::2");
	rn = gl_dns_make_reply(q, &qq, GL_DNS_NOERROR, a, 2, 60, r, sizeof r);
	CHECK(rn == n + 2 * (12 + 16));
	CHECK(gl_dns_parse_reply(r, rn, 0x1234, "api.example.com", GL_DNS_AAAA, got, 4, &na, &ttl, &rcode, &why) == 0);
	CHECK(na == 2 && ttl == 60 && rcode == 0 && memcmp(got[1].b, a[1].b, 16) == 0);
	/* wrong id, wrong type wanted, too small a buffer */
	CHECK(gl_dns_parse_reply(r, rn, 0x4321, "api.example.com", GL_DNS_AAAA, got, 4, &na, &ttl, &rcode,
	    &why) < 0);
	/* a question that differs from the query: type, name, class, count */
	CHECK(gl_dns_parse_reply(r, rn, 0x1234, "api.example.com", GL_DNS_A, got, 4, &na, &ttl,
	    &rcode, &why) < 0 && why != NULL && strstr(why, "question") != NULL);
	CHECK(gl_dns_parse_reply(r, rn, 0x1234, "evil.example.com", GL_DNS_AAAA, got, 4, &na, &ttl,
	    &rcode, &why) < 0 && strstr(why, "question") != NULL);
	r[n - 1] = 3;
	CHECK(gl_dns_parse_reply(r, rn, 0x1234, "api.example.com", GL_DNS_AAAA, got, 4, &na, &ttl,
	    &rcode, &why) < 0);
	r[n - 1] = 1;
	r[5] = 0;
	CHECK(gl_dns_parse_reply(r, rn, 0x1234, "api.example.com", GL_DNS_AAAA, got, 4, &na, &ttl,
	    &rcode, &why) < 0);
	r[5] = 1;
	CHECK(gl_dns_parse_reply(r, rn, 0x1234, "api.example.com", GL_DNS_AAAA, got, 4, &na, &ttl,
	    &rcode, &why) == 0 && na == 2 && why == NULL);
	CHECK(gl_dns_make_reply(q, &qq, GL_DNS_NOERROR, a, 2, 60, r, n + 20) == 0);
	/* every truncation of a reply is malformed or short, never a crash */
	for (n = 0; n < rn; n++)
		gl_dns_parse_reply(r, n, 0x1234, "api.example.com", GL_DNS_AAAA, got, 4, &na, &ttl,
		    &rcode, &why);
	rn = gl_dns_make_reply(q, &qq, GL_DNS_REFUSED, NULL, 0, 0, r, sizeof r);
	CHECK((r[3] & 15) == GL_DNS_REFUSED && r[2] & 0x80 && r[7] == 0);
	CHECK(gl_dns_make_query(1, "a..b", GL_DNS_A, q, sizeof q) == 0);
}

/* name, uncompressed, at r+*o */
static void
put_name(unsigned char *r, size_t *o, const char *name)
{
	const char *p, *dot;
	size_t len;

	for (p = name;; p = dot + 1) {
		dot = strchr(p, '.');
		len = dot != NULL ? (size_t)(dot - p) : strlen(p);
		r[(*o)++] = (unsigned char)len;
		memcpy(r + *o, p, len);
		*o += len;
		if (dot == NULL)
			break;
	}
	r[(*o)++] = 0;
}

/* one IN record with TTL 60 at r+*o: an A (data an address) or a CNAME
 * (data its target) */
static void
put_rr(unsigned char *r, size_t *o, const char *owner, int type, const char *data)
{
	size_t at;

	put_name(r, o, owner);
	memcpy(r + *o, "\0\0\0\1\0\0\0\x3c\0\0", 10);
	r[*o + 1] = (unsigned char)type;
	*o += 10;
	at = *o;
	if (type == GL_DNS_A) {
		inet_pton(AF_INET, data, r + *o);
		*o += 4;
	} else {
		put_name(r, o, data);
	}
	r[at - 1] = (unsigned char)(*o - at);
}

static void
test_reply_owners(void)
{
	unsigned char r[1024];
	struct gl_dns_addr got[8];
	size_t o, na;
	uint32_t ttl;
	int rcode;
	const char *why;
	char s[INET6_ADDRSTRLEN];

	/* api.test -> edge.cdn.test (CNAME after its A), plus records owned
	 * by other names: only the chain's addresses are taken */
	o = gl_dns_make_query(7, "api.test", GL_DNS_A, r, sizeof r);
	r[2] |= 0x80;
	put_rr(r, &o, "edge.cdn.test", GL_DNS_A, "192.0.2.10");
	put_rr(r, &o, "api.test", GL_DNS_CNAME, "edge.cdn.test");
	put_rr(r, &o, "evil.test", GL_DNS_A, "192.0.2.66");
	put_rr(r, &o, "api.test", GL_DNS_A, "192.0.2.11");
	put_rr(r, &o, "other.test", GL_DNS_CNAME, "api.test");
	put_rr(r, &o, "other.test", GL_DNS_A, "192.0.2.67");
	r[7] = 6;
	CHECK(gl_dns_parse_reply(r, o, 7, "api.test", GL_DNS_A, got, 8, &na, &ttl, &rcode, &why) == 0);
	CHECK(na == 2 && ttl == 60);
	gl_dns_addr_str(&got[0], s, sizeof s);
	CHECK(strcmp(s, "192.0.2.10") == 0);
	gl_dns_addr_str(&got[1], s, sizeof s);
	CHECK(strcmp(s, "192.0.2.11") == 0);
	/* a CNAME loop ends; no address */
	o = gl_dns_make_query(8, "a.test", GL_DNS_A, r, sizeof r);
	r[2] |= 0x80;
	put_rr(r, &o, "a.test", GL_DNS_CNAME, "b.test");
	put_rr(r, &o, "b.test", GL_DNS_CNAME, "a.test");
	put_rr(r, &o, "c.test", GL_DNS_A, "192.0.2.1");
	r[7] = 3;
	CHECK(gl_dns_parse_reply(r, o, 8, "a.test", GL_DNS_A, got, 8, &na, &ttl, &rcode, &why) == 0);
	CHECK(na == 0 && ttl == 0);
}

static void
test_forbidden(void)
{
	CHECK(forbidden("127.0.0.1", 0) != NULL);
	CHECK(forbidden("169.254.169.254", 1) != NULL);
	CHECK(forbidden("100.100.100.200", 1) != NULL);
	CHECK(forbidden("168.63.129.16", 0) != NULL);
	CHECK(forbidden("10.1.2.3", 0) != NULL);
	CHECK(forbidden("10.1.2.3", 1) == NULL);
	CHECK(forbidden("172.31.0.1", 0) != NULL && forbidden("172.32.0.1", 0) == NULL);
	CHECK(forbidden("192.168.1.1", 0) != NULL);
	CHECK(forbidden("203.0.113.7", 1) != NULL);	/* the host's own */
	CHECK(forbidden("203.0.113.8", 0) == NULL);
	CHECK(forbidden("198.51.100.10", 0) == NULL);
	CHECK(forbidden("::1", 0) != NULL);
	CHECK(forbidden("::", 0) != NULL);
	CHECK(forbidden("::ffff:127.0.0.1", 0) != NULL);
	CHECK(forbidden("::ffff:198.51.100.10", 0) != NULL);	/* mapped: never as AAAA */
	CHECK(forbidden("::127.0.0.1", 0) != NULL);
	CHECK(forbidden("64:ff9b::a9fe:a9fe", 0) != NULL);	/* NAT64 of the metadata address */
	CHECK(forbidden("64:ff9b::c633:640a", 0) == NULL);
	/* local-use NAT64 (RFC 8215), Teredo, benchmarking (RFC 2544) */
	CHECK(forbidden("64:ff9b:1::7f00:1", 0) != NULL);
	CHECK(forbidden("64:ff9b:1:ffff::c633:640a", 1) != NULL);
	CHECK(forbidden("64:ff9b:2::c633:640a", 0) == NULL);
	CHECK(forbidden("2001::1", 0) != NULL);
	CHECK(forbidden("2001:0:ffff:ffff::1", 1) != NULL);
	CHECK(forbidden("2001:1::1", 0) == NULL);
	CHECK(forbidden("2001:db8::1", 0) == NULL);
	CHECK(forbidden("198.18.0.1", 0) != NULL);
	CHECK(forbidden("198.19.255.255", 1) != NULL);
	CHECK(forbidden("198.17.255.255", 0) == NULL);
	CHECK(forbidden("198.20.0.0", 0) == NULL);
	CHECK(forbidden("2002:7f00:1::1", 0) != NULL);	/* 6to4 of loopback */
	CHECK(forbidden("fe80::1", 1) != NULL);
	CHECK(forbidden("fd00:ec2::254", 1) != NULL);
	CHECK(forbidden("fd12::1", 0) != NULL && forbidden("fd12::1", 1) == NULL);
	CHECK(forbidden("ff02::1", 0) != NULL);
	CHECK(forbidden("2001:db8:200::10", 0) == NULL);
	CHECK(gl_dns_never(0) != NULL && gl_dns_never(1000) == NULL);
}

static void
test_nflog(void)
{
	unsigned char p4[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 2, 198, 51, 100,
	    20, 0x9c, 0x40, 0x01, 0xbb };
	unsigned char p6[48] = { 0x60, 0, 0, 0, 0, 8, 17, 64 };
	jv v;

	v = gl_nflog_packet(p4, sizeof p4, "deny");
	CHECK(jv_is_valid(v));
	CHECK(strcmp(str(v, "proto"), "tcp") == 0);
	CHECK(strcmp(str(v, "daddr"), "198.51.100.20") == 0);
	CHECK(strcmp(str(v, "dport"), "443") == 0);
	CHECK(strcmp(str(v, "rule"), "deny") == 0);
	jv_free(v);
	p6[24] = 0x20;
	p6[25] = 0x01;
	p6[43] = 53;
	v = gl_nflog_packet(p6, sizeof p6, "dns");
	CHECK(strcmp(str(v, "dport"), "53") == 0);
	CHECK(strcmp(str(v, "proto"), "udp") == 0);
	CHECK(strcmp(str(v, "daddr"), "2001::") == 0);
	jv_free(v);
	/* no transport header: no port; not IP: invalid */
	v = gl_nflog_packet(p4, 20, NULL);
	CHECK(!jv_object_has(jv_copy(v), jv_string("dport")));
	jv_free(v);
	v = gl_nflog_packet(p4, 10, NULL);
	CHECK(!jv_is_valid(v));
	jv_free(v);
}

/* how many rules of d contain s */
static int
count(jv d, const char *s)
{
	int i, n = 0;

	for (i = 0; i < jv_array_length(jv_copy(d)); i++)
		n += strstr(nth(d, i), s) != NULL;
	return n;
}

static void
test_describe(void)
{
	struct gl_nft_plan p = { .nports = 2, .ports = { 443, 80 }, .group = 9 };
	jv d;

	d = gl_nft_describe(&p);
	CHECK(jv_array_length(jv_copy(d)) > 20);
	/* neighbour discovery only to link-local, link-scope multicast, the gateway */
	CHECK(count(d, "icmpv6 type 135") == 2);
	CHECK(count(d, "ip6 daddr fe80::/10 meta l4proto ipv6-icmp") == 4);
	CHECK(count(d, "ip6 daddr ff02::/16 meta l4proto ipv6-icmp") == 4);
	p.gw6 = addr("fd00::1");
	jv_free(d);
	d = gl_nft_describe(&p);
	CHECK(count(d, "icmpv6 type 135") == 3);
	CHECK(count(d, "ip6 daddr fd00::1/128 meta l4proto ipv6-icmp") == 4);
	CHECK(strcmp(nth(d, 6), "set ports { type inet_service; elements = { 443, 80 }; }") == 0);
	jv_free(d);
	p.allow_all = 1;
	d = gl_nft_describe(&p);
	CHECK(strcmp(nth(d, 4), "output: oif \"lo\" accept") == 0);
	jv_free(d);
}

static void
event(jv ev, void *ctx)
{
	jv *last = ctx;

	jv_free(*last);
	*last = ev;
}

static void
test_resolv(void)
{
	struct gl_strv allow = { 0 };
	struct gl_resolv r = { .allow = &allow, .timeout_ms = 10, .event = event };
	unsigned char q[512], out[512];
	jv last = jv_null();
	size_t n, rn;
	char s[80];

	r.ctx = &last;
	gl_strv_push(&allow, "allowed.test");
	CHECK(gl_resolv_upstream(&r, "[2001:db8::53]:5353") == 0);
	gl_resolv_upstream_str(&r, s, sizeof s);
	CHECK(strcmp(s, "[2001:db8::53]:5353") == 0);
	CHECK(gl_resolv_upstream(&r, "192.0.2.1") == 0);
	gl_resolv_upstream_str(&r, s, sizeof s);
	CHECK(strcmp(s, "192.0.2.1:53") == 0);
	CHECK(gl_resolv_upstream(&r, "nonsense") < 0);
	CHECK(gl_resolv_upstream(&r, "192.0.2.1:0") < 0);
	CHECK(gl_resolv_upstream(&r, "127.0.0.1:9") == 0);	/* nobody answers there */

	/* refused without asking anyone */
	n = gl_dns_make_query(7, "other.test", GL_DNS_A, q, sizeof q);
	rn = gl_resolv_answer(&r, q, n, out, sizeof out);
	CHECK(rn == n && (out[3] & 15) == GL_DNS_REFUSED && r.refused == 1);
	CHECK(strcmp(str(last, "reason"), "name not allowed") == 0);
	CHECK(strcmp(str(last, "decision"), "refuse") == 0);
	/* an allowed name's TXT: empty, not forwarded */
	n = gl_dns_make_query(8, "allowed.test", 16, q, sizeof q);
	rn = gl_resolv_answer(&r, q, n, out, sizeof out);
	CHECK(rn == n && (out[3] & 15) == GL_DNS_NOERROR && r.failed == 0);
	/* an allowed name, upstream silent: SERVFAIL */
	n = gl_dns_make_query(9, "allowed.test", GL_DNS_A, q, sizeof q);
	rn = gl_resolv_answer(&r, q, n, out, sizeof out);
	CHECK(rn == n && (out[3] & 15) == GL_DNS_SERVFAIL && r.failed == 1);
	/* not a query: no answer */
	CHECK(gl_resolv_answer(&r, q, 5, out, sizeof out) == 0);
	jv_free(last);
	gl_strv_free(&allow);
}

int
main(void)
{
	test_names();
	test_wire();
	test_reply_owners();
	test_forbidden();
	test_nflog();
	test_describe();
	test_resolv();
	return t_done();
}
