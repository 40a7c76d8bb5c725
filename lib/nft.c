#include "nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#define BATCH (256 * 1024)
#define TYPE_IPADDR 7		/* nft's key types */
#define TYPE_IP6ADDR 8
#define TYPE_INET_SERVICE 13
#define SET4 "allow4"
#define SET6 "allow6"
#define SETP "ports"

/* One transaction being built: the netlink batch and its sequence. */
struct tx {
	struct mnl_nlmsg_batch *b;
	char *buf;
	uint32_t seq;
	const char *table;
};

/* A rule being built: the libnftnl rule (NULL when only describing) and
 * its nft(8) text. */
struct rb {
	struct nftnl_rule *r;
	char text[320];
};

struct mnl_socket *
gl_nft_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	int e;

	if (nl == NULL)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		e = errno;
		mnl_socket_close(nl);
		errno = e;
		return NULL;
	}
	return nl;
}

void
gl_nft_close(struct mnl_socket *nl)
{
	if (nl != NULL)
		mnl_socket_close(nl);
}

static int
tx_begin(struct tx *t, const char *table)
{
	t->buf = malloc(BATCH);
	if (t->buf == NULL)
		return -1;
	t->b = mnl_nlmsg_batch_start(t->buf, BATCH);
	t->seq = (uint32_t)time(NULL);
	t->table = table;
	nftnl_batch_begin(mnl_nlmsg_batch_current(t->b), t->seq++);
	mnl_nlmsg_batch_next(t->b);
	return 0;
}

static struct nlmsghdr *
tx_msg(struct tx *t, int type, uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(t->b), (uint16_t)type, NFPROTO_INET,
	    (uint16_t)(flags | NLM_F_ACK), t->seq++);
}

/* Send, then read every ack: the kernel runs the batch inside sendmsg, so
 * all answers are queued when it returns.  The first error wins. */
static int
tx_commit(struct mnl_socket *nl, struct tx *t)
{
	char rbuf[16384];
	ssize_t n;
	int rc = 0, e = 0, r;

	nftnl_batch_end(mnl_nlmsg_batch_current(t->b), t->seq++);
	mnl_nlmsg_batch_next(t->b);
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(t->b), mnl_nlmsg_batch_size(t->b)) < 0) {
		e = errno;
		rc = -1;
		goto out;
	}
	for (;;) {
		n = recv(mnl_socket_get_fd(nl), rbuf, sizeof rbuf, MSG_DONTWAIT);
		if (n < 0)
			break;
		r = mnl_cb_run(rbuf, (size_t)n, 0, mnl_socket_get_portid(nl), NULL, NULL);
		if (r < 0 && rc == 0) {
			e = errno;
			rc = -1;
		}
	}
out:
	mnl_nlmsg_batch_stop(t->b);
	free(t->buf);
	errno = e;
	return rc;
}

static void
add(struct rb *b, struct nftnl_expr *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add(struct rb *b, struct nftnl_expr *e, const char *fmt, ...)
{
	size_t l = strlen(b->text);
	char piece[160];
	va_list ap;

	if (e != NULL) {
		if (b->r != NULL)
			nftnl_rule_add_expr(b->r, e);
		else
			nftnl_expr_free(e);
	}
	va_start(ap, fmt);
	vsnprintf(piece, sizeof piece, fmt, ap);
	va_end(ap);
	if (piece[0] != '\0')
		snprintf(b->text + l, sizeof b->text - l, "%s%s", l > 0 ? " " : "", piece);
}

static struct nftnl_expr *
cmp(uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	return e;
}

static void
meta(struct rb *b, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	add(b, e, "%s", "");
}

static void
payload(struct rb *b, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	add(b, e, "%s", "");
}

static void
m_nfproto(struct rb *b, int family)
{
	uint8_t v = (uint8_t)(family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);

	meta(b, NFT_META_NFPROTO);
	add(b, cmp(NFT_CMP_EQ, &v, 1), "meta nfproto %s", family == AF_INET ? "ipv4" : "ipv6");
}

static void
m_l4proto(struct rb *b, uint8_t proto)
{
	meta(b, NFT_META_L4PROTO);
	add(b, cmp(NFT_CMP_EQ, &proto, 1), "meta l4proto %s",
	    proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : "ipv6-icmp");
}

static void
m_oif(struct rb *b, uint32_t ifindex, const char *name)
{
	meta(b, NFT_META_OIF);
	add(b, cmp(NFT_CMP_EQ, &ifindex, 4), "oif \"%s\"", name);
}

static void
m_ifname(struct rb *b, uint32_t key, const char *name)
{
	char pad[IFNAMSIZ] = { 0 };

	snprintf(pad, sizeof pad, "%s", name);
	meta(b, key);
	add(b, cmp(NFT_CMP_EQ, pad, IFNAMSIZ), "%s \"%s\"",
	    key == NFT_META_IIFNAME ? "iifname" : "oifname", name);
}

static void
m_ct_established(struct rb *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");
	uint32_t mask = 2 | 4, zero = 0;	/* NF_CT_STATE_BIT(ESTABLISHED|RELATED) */

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	add(b, e, "%s", "");
	e = nftnl_expr_alloc("bitwise");
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 4);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, 4);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 4);
	add(b, e, "%s", "");
	add(b, cmp(NFT_CMP_NEQ, &zero, 4), "ct state established,related");
}

static void
m_dport(struct rb *b, uint16_t port)
{
	uint16_t be = htons(port);

	payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	add(b, cmp(NFT_CMP_EQ, &be, 2), "th dport %u", port);
}

static void
lookup(struct rb *b, const char *set, uint32_t id, const char *text)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, id);
	add(b, e, "%s", text);
}

/* ip daddr / ip6 daddr (or saddr) in a prefix */
static void
m_addr(struct rb *b, const struct gl_dns_addr *a, int plen, int src)
{
	unsigned char mask[16] = { 0 }, net[16], zero[16] = { 0 };
	uint32_t len = a->family == AF_INET ? 4 : 16, i;
	struct nftnl_expr *e;
	char s[64];

	for (i = 0; i < len; i++) {
		int bits = plen - (int)i * 8;

		mask[i] = (unsigned char)(bits >= 8 ? 0xff : bits <= 0 ? 0 : 0xff00 >> bits);
		net[i] = a->b[i] & mask[i];
	}
	m_nfproto(b, a->family);
	payload(b, NFT_PAYLOAD_NETWORK_HEADER,
	    a->family == AF_INET ? (src ? 12 : 16) : (src ? 8 : 24), len);
	if ((uint32_t)plen < len * 8) {
		e = nftnl_expr_alloc("bitwise");
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
		add(b, e, "%s", "");
	}
	gl_dns_addr_str(a, s, sizeof s);
	add(b, cmp(NFT_CMP_EQ, net, len), "%s %s %s/%d", a->family == AF_INET ? "ip" : "ip6",
	    src ? "saddr" : "daddr", s, plen);
}

static void
a_log(struct rb *b, uint16_t group, const char *prefix)
{
	struct nftnl_expr *e = nftnl_expr_alloc("log");

	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_GROUP, group);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, prefix);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_SNAPLEN, 96);
	add(b, e, "log prefix \"%s\" group %u", prefix, group);
}

static void
a_verdict(struct rb *b, int verdict)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	add(b, e, "%s", verdict == NF_ACCEPT ? "accept" : "drop");
}

static void
a_reject(struct rb *b, int tcp)
{
	struct nftnl_expr *e = nftnl_expr_alloc("reject");

	nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, tcp ? NFT_REJECT_TCP_RST :
	    NFT_REJECT_ICMPX_UNREACH);
	nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, tcp ? 0 : NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
	add(b, e, "%s", tcp ? "reject with tcp reset" : "reject with icmpx admin-prohibited");
}

/* Start a rule in chain; finish it with end(). */
static void
begin(struct rb *b, struct tx *t, const char *chain)
{
	b->text[0] = '\0';
	b->r = NULL;
	if (t == NULL)
		return;
	b->r = nftnl_rule_alloc();
	nftnl_rule_set_str(b->r, NFTNL_RULE_TABLE, t->table);
	nftnl_rule_set_str(b->r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(b->r, NFTNL_RULE_FAMILY, NFPROTO_INET);
}

static void
end(struct rb *b, struct tx *t, jv *out, const char *chain)
{
	struct nlmsghdr *nlh;

	if (t != NULL && b->r != NULL) {
		nlh = tx_msg(t, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
		nftnl_rule_nlmsg_build_payload(nlh, b->r);
		mnl_nlmsg_batch_next(t->b);
		nftnl_rule_free(b->r);
		b->r = NULL;
	}
	if (out != NULL)
		*out = jv_array_append(*out, jv_string_fmt("%s: %s", chain, b->text));
}

static void
chain(struct tx *t, const char *name, const char *type, uint32_t hook, int prio, uint32_t policy)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, t->table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, policy);
	nlh = tx_msg(t, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	mnl_nlmsg_batch_next(t->b);
	nftnl_chain_free(c);
}

static void
table(struct tx *t, int type, const char *comment)
{
	struct nftnl_table *tb = nftnl_table_alloc();
	struct nftnl_udata_buf *u = NULL;
	struct nlmsghdr *nlh;

	nftnl_table_set_str(tb, NFTNL_TABLE_NAME, t->table);
	nftnl_table_set_u32(tb, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	/* nft(8)'s own comment format, so that nft list tables shows it */
	if (comment != NULL && (u = nftnl_udata_buf_alloc(128)) != NULL &&
	    nftnl_udata_put_strz(u, NFTNL_UDATA_TABLE_COMMENT, comment))
		nftnl_table_set_data(tb, NFTNL_TABLE_USERDATA, nftnl_udata_buf_data(u),
		    nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
	nlh = tx_msg(t, type, type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0);
	nftnl_table_nlmsg_build_payload(nlh, tb);
	mnl_nlmsg_batch_next(t->b);
	nftnl_table_free(tb);
}

static struct nftnl_set *
set_new(const char *tname, const char *name, uint32_t id, uint32_t type, uint32_t len,
    uint32_t flags)
{
	struct nftnl_set *s = nftnl_set_alloc();

	nftnl_set_set_str(s, NFTNL_SET_TABLE, tname);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, len);
	if (flags)
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, flags);
	return s;
}

static void
set_add(struct tx *t, struct nftnl_set *s, int elems)
{
	struct nlmsghdr *nlh = tx_msg(t, elems ? NFT_MSG_NEWSETELEM : NFT_MSG_NEWSET,
	    NLM_F_CREATE);

	if (elems)
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
	else
		nftnl_set_nlmsg_build_payload(nlh, s);
	mnl_nlmsg_batch_next(t->b);
}

/* The sandbox's ruleset; t NULL only describes it into out. */
static void
rules(struct tx *t, const struct gl_nft_plan *p, jv *out)
{
	static const uint8_t nd[] = { 133, 135, 136, 143 };	/* RS, NS, NA, MLDv2 */
	static const struct gl_dns_addr ndnet[2] = {
		{ AF_INET6, { 0xfe, 0x80 } }, { AF_INET6, { 0xff, 0x02 } }
	};
	static const int ndlen[2] = { 10, 16 };
	static const uint16_t dnsports[] = { 53, 853 };
	static const uint8_t l4[] = { IPPROTO_TCP, IPPROTO_UDP };
	const struct gl_dns_prefix *np;
	struct rb b;
	size_t i, k;
	int fam;

	/* output: what the sandbox may send */
	begin(&b, t, "output");
	m_oif(&b, 1, "lo");
	a_verdict(&b, NF_ACCEPT);
	end(&b, t, out, "output");
	begin(&b, t, "output");
	m_ct_established(&b);
	a_verdict(&b, NF_ACCEPT);
	end(&b, t, out, "output");
	/* neighbour discovery only on the link: link-local and link-scope
	 * multicast destinations, and the gateway (unicast NUD probes) */
	for (k = 0; k < 3; k++) {
		if (k == 2 && p->gw6.family != AF_INET6)
			break;
		for (i = 0; i < sizeof nd; i++) {
			begin(&b, t, "output");
			m_addr(&b, k == 2 ? &p->gw6 : &ndnet[k], k == 2 ? 128 : ndlen[k], 0);
			m_l4proto(&b, IPPROTO_ICMPV6);
			payload(&b, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
			add(&b, cmp(NFT_CMP_EQ, &nd[i], 1), "icmpv6 type %u", nd[i]);
			a_verdict(&b, NF_ACCEPT);
			end(&b, t, out, "output");
		}
	}
	/* DNS and DNS over TLS only to the resolver (on lo, above) */
	for (i = 0; i < 2; i++)
		for (k = 0; k < 2; k++) {
			begin(&b, t, "output");
			m_l4proto(&b, l4[k]);
			m_dport(&b, dnsports[i]);
			a_log(&b, p->group, "dns");
			a_reject(&b, l4[k] == IPPROTO_TCP);
			end(&b, t, out, "output");
		}
	/* never reachable, whatever a name says */
	for (i = 0; (np = gl_dns_never(i)) != NULL; i++) {
		if (np->private && p->allow_private)
			continue;
		begin(&b, t, "output");
		m_addr(&b, &np->a, np->len, 0);
		a_log(&b, p->group, "never");
		a_reject(&b, 0);
		end(&b, t, out, "output");
	}
	for (i = 0; i < p->nown; i++) {
		begin(&b, t, "output");
		m_addr(&b, &p->own[i], p->own[i].family == AF_INET ? 32 : 128, 0);
		a_log(&b, p->group, "never");
		a_reject(&b, 0);
		end(&b, t, out, "output");
	}
	if (p->allow_all) {
		begin(&b, t, "output");
		a_verdict(&b, NF_ACCEPT);
		end(&b, t, out, "output");
	} else {
		for (fam = 0; fam < 2; fam++)
			for (k = 0; k < 2; k++) {
				begin(&b, t, "output");
				m_nfproto(&b, fam ? AF_INET6 : AF_INET);
				payload(&b, NFT_PAYLOAD_NETWORK_HEADER, fam ? 24 : 16, fam ? 16 : 4);
				lookup(&b, fam ? SET6 : SET4, fam ? 2 : 1,
				    fam ? "ip6 daddr @" SET6 : "ip daddr @" SET4);
				m_l4proto(&b, l4[k]);
				payload(&b, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
				lookup(&b, SETP, 3, "th dport @" SETP);
				a_verdict(&b, NF_ACCEPT);
				end(&b, t, out, "output");
			}
	}
	begin(&b, t, "output");
	a_log(&b, p->group, "deny");
	end(&b, t, out, "output");
	begin(&b, t, "output");
	m_l4proto(&b, IPPROTO_TCP);
	a_reject(&b, 1);
	end(&b, t, out, "output");
	begin(&b, t, "output");
	a_reject(&b, 0);
	end(&b, t, out, "output");

	/* input: answers to what was allowed, loopback, neighbour discovery */
	begin(&b, t, "input");
	meta(&b, NFT_META_IIF);
	{
		uint32_t lo = 1;

		add(&b, cmp(NFT_CMP_EQ, &lo, 4), "iif \"lo\"");
	}
	a_verdict(&b, NF_ACCEPT);
	end(&b, t, out, "input");
	begin(&b, t, "input");
	m_ct_established(&b);
	a_verdict(&b, NF_ACCEPT);
	end(&b, t, out, "input");
	begin(&b, t, "input");
	m_nfproto(&b, AF_INET6);
	m_l4proto(&b, IPPROTO_ICMPV6);
	a_verdict(&b, NF_ACCEPT);
	end(&b, t, out, "input");
}

jv
gl_nft_describe(const struct gl_nft_plan *p)
{
	jv out = jv_array();
	size_t i;

	out = jv_array_append(out, jv_string("table inet " GL_NFT_TABLE));
	out = jv_array_append(out, jv_string("chain output { type filter hook output priority 0; "
	    "policy drop; }"));
	out = jv_array_append(out, jv_string("chain input { type filter hook input priority 0; "
	    "policy drop; }"));
	out = jv_array_append(out, jv_string("chain forward { type filter hook forward priority 0; "
	    "policy drop; }"));
	if (!p->allow_all) {
		out = jv_array_append(out, jv_string("set " SET4 " { type ipv4_addr; flags timeout; }"));
		out = jv_array_append(out, jv_string("set " SET6 " { type ipv6_addr; flags timeout; }"));
		jv ports = jv_string("set " SETP " { type inet_service; elements = {");
		for (i = 0; i < p->nports; i++)
			ports = jv_string_concat(ports, jv_string_fmt("%s %u", i ? "," : "", p->ports[i]));
		out = jv_array_append(out, jv_string_concat(ports, jv_string(" }; }")));
	}
	rules(NULL, p, &out);
	return out;
}

int
gl_nft_install(struct mnl_socket *nl, const struct gl_nft_plan *p)
{
	struct nftnl_set *s;
	struct nftnl_set_elem *e;
	struct tx t;
	uint16_t be;
	size_t i;

	if (tx_begin(&t, GL_NFT_TABLE) < 0)
		return -1;
	table(&t, NFT_MSG_NEWTABLE, NULL);
	chain(&t, "output", "filter", NF_INET_LOCAL_OUT, 0, NF_DROP);
	chain(&t, "input", "filter", NF_INET_LOCAL_IN, 0, NF_DROP);
	chain(&t, "forward", "filter", NF_INET_FORWARD, 0, NF_DROP);
	if (!p->allow_all) {
		s = set_new(t.table, SET4, 1, TYPE_IPADDR, 4, NFT_SET_TIMEOUT);
		set_add(&t, s, 0);
		nftnl_set_free(s);
		s = set_new(t.table, SET6, 2, TYPE_IP6ADDR, 16, NFT_SET_TIMEOUT);
		set_add(&t, s, 0);
		nftnl_set_free(s);
		s = set_new(t.table, SETP, 3, TYPE_INET_SERVICE, 2, 0);
		set_add(&t, s, 0);
		for (i = 0; i < p->nports; i++) {
			be = htons(p->ports[i]);
			e = nftnl_set_elem_alloc();
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &be, 2);
			nftnl_set_elem_add(s, e);
		}
		if (p->nports > 0)
			set_add(&t, s, 1);
		nftnl_set_free(s);
	}
	rules(&t, p, NULL);
	return tx_commit(nl, &t);
}

int
gl_nft_allow(struct mnl_socket *nl, const struct gl_dns_addr *a, uint32_t timeout_s)
{
	struct nftnl_set *s;
	struct nftnl_set_elem *e;
	struct tx t;

	if (tx_begin(&t, GL_NFT_TABLE) < 0)
		return -1;
	s = nftnl_set_alloc();
	nftnl_set_set_str(s, NFTNL_SET_TABLE, GL_NFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, a->family == AF_INET ? SET4 : SET6);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	e = nftnl_set_elem_alloc();
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, a->b, a->family == AF_INET ? 4 : 16);
	if (timeout_s > 0)	/* else the set's default: never */
		nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT, (uint64_t)timeout_s * 1000);
	nftnl_set_elem_add(s, e);
	set_add(&t, s, 1);
	nftnl_set_free(s);
	return tx_commit(nl, &t);
}

int
gl_nft_nat(struct mnl_socket *nl, const char *tname, const char *comment, const char *ifname,
    const struct gl_dns_addr *net4, int len4, const struct gl_dns_addr *net6, int len6)
{
	struct tx t;
	struct rb b;
	int i;

	if (tx_begin(&t, tname) < 0)
		return -1;
	table(&t, NFT_MSG_NEWTABLE, comment);
	chain(&t, "postrouting", "nat", NF_INET_POST_ROUTING, 100, NF_ACCEPT);
	chain(&t, "forward", "filter", NF_INET_FORWARD, 0, NF_ACCEPT);
	for (i = 0; i < 2; i++) {
		begin(&b, &t, "postrouting");
		if (i == 0)
			m_addr(&b, net4, len4, 1);
		else
			m_addr(&b, net6, len6, 1);
		add(&b, nftnl_expr_alloc("masq"), "masquerade");
		end(&b, &t, NULL, "postrouting");
	}
	begin(&b, &t, "forward");
	m_ifname(&b, NFT_META_IIFNAME, ifname);
	a_verdict(&b, NF_ACCEPT);
	end(&b, &t, NULL, "forward");
	begin(&b, &t, "forward");
	m_ifname(&b, NFT_META_OIFNAME, ifname);
	m_ct_established(&b);
	a_verdict(&b, NF_ACCEPT);
	end(&b, &t, NULL, "forward");
	begin(&b, &t, "forward");
	m_ifname(&b, NFT_META_OIFNAME, ifname);
	a_verdict(&b, NF_DROP);
	end(&b, &t, NULL, "forward");
	return tx_commit(nl, &t);
}

int
gl_nft_delete(struct mnl_socket *nl, const char *tname)
{
	struct tx t;

	if (tx_begin(&t, tname) < 0)
		return -1;
	table(&t, NFT_MSG_DELTABLE, NULL);
	if (tx_commit(nl, &t) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

struct list {
	const char *prefix;
	void (*fn)(const char *, const char *, void *);
	void *ctx;
};

static int
comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char **c = data;
	const char *v = nftnl_udata_get(attr);
	uint8_t n = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) == NFTNL_UDATA_TABLE_COMMENT && n > 0 && v[n - 1] == '\0')
		*c = v;
	return 0;
}

static int
table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list *l = data;
	struct nftnl_table *t = nftnl_table_alloc();
	const char *name, *comment = NULL;
	const void *u;
	uint32_t n = 0;

	if (t != NULL && nftnl_table_nlmsg_parse(nlh, t) == 0 &&
	    (name = nftnl_table_get_str(t, NFTNL_TABLE_NAME)) != NULL &&
	    strncmp(name, l->prefix, strlen(l->prefix)) == 0) {
		if ((u = nftnl_table_get_data(t, NFTNL_TABLE_USERDATA, &n)) != NULL)
			nftnl_udata_parse(u, n, comment_cb, &comment);
		l->fn(name, comment, l->ctx);
	}
	nftnl_table_free(t);
	return MNL_CB_OK;
}

int
gl_nft_list_tables(struct mnl_socket *nl, const char *prefix,
    void (*fn)(const char *name, const char *comment, void *ctx), void *ctx)
{
	char buf[16384];
	struct nlmsghdr *nlh;
	struct list l = { prefix, fn, ctx };
	uint32_t seq = (uint32_t)time(NULL);
	ssize_t n;
	int r;

	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, NLM_F_DUMP, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof buf)) > 0) {
		r = mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), table_cb, &l);
		if (r < 0)
			return -1;
		if (r == MNL_CB_STOP)
			break;
	}
	return n < 0 ? -1 : 0;
}
