#include "nflog.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <libmnl/libmnl.h>

#include "dns.h"
#include "nft.h"

static int
config(struct mnl_socket *nl, uint16_t group, int cmd, const void *mode, int qthresh)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;
	struct nfulnl_msg_config_cmd c = { .command = (uint8_t)cmd };
	uint32_t seq = (uint32_t)time(NULL);
	ssize_t n;

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof *g);
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	g->res_id = htons(group);
	if (mode != NULL) {
		/* every packet at once, not a hundred or a second later */
		mnl_attr_put(nlh, NFULA_CFG_MODE, sizeof(struct nfulnl_msg_config_mode), mode);
		mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH, htonl((uint32_t)qthresh));
	} else
		mnl_attr_put(nlh, NFULA_CFG_CMD, sizeof c, &c);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	if ((n = mnl_socket_recvfrom(nl, buf, sizeof buf)) < 0)
		return -1;
	return mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0 ? -1 : 0;
}

struct mnl_socket *
gl_nflog_open(uint16_t group)
{
	struct nfulnl_msg_config_mode mode = { .copy_range = htonl(96),
	    .copy_mode = NFULNL_COPY_PACKET };
	struct mnl_socket *nl = gl_nft_open();	/* the same bound netfilter socket */
	int e;

	if (nl == NULL)
		return NULL;
	if (config(nl, group, NFULNL_CFG_CMD_BIND, NULL, 0) < 0 || config(nl, group, 0, &mode, 1) < 0) {
		e = errno;
		gl_nft_close(nl);
		errno = e;
		return NULL;
	}
	return nl;
}

jv
gl_nflog_packet(const unsigned char *p, size_t n, const char *rule)
{
	struct gl_dns_addr s = { 0 }, d = { 0 };
	const char *proto;
	char buf[64], pbuf[16];
	size_t hl;
	unsigned l4;
	jv o = jv_object();

	if (n >= 20 && p[0] >> 4 == 4) {
		hl = (size_t)(p[0] & 0x0f) * 4;
		l4 = p[9];
		s.family = d.family = AF_INET;
		memcpy(s.b, p + 12, 4);
		memcpy(d.b, p + 16, 4);
	} else if (n >= 40 && p[0] >> 4 == 6) {
		hl = 40;
		l4 = p[6];
		s.family = d.family = AF_INET6;
		memcpy(s.b, p + 8, 16);
		memcpy(d.b, p + 24, 16);
	} else {
		jv_free(o);
		return jv_invalid_with_msg(jv_string("not an IP packet"));
	}
	proto = l4 == 6 ? "tcp" : l4 == 17 ? "udp" : l4 == 1 ? "icmp" : l4 == 58 ? "icmpv6" : NULL;
	if (proto == NULL) {
		snprintf(pbuf, sizeof pbuf, "%u", l4);
		proto = pbuf;
	}
	o = jv_object_set(o, jv_string("proto"), jv_string(proto));
	gl_dns_addr_str(&d, buf, sizeof buf);
	o = jv_object_set(o, jv_string("daddr"), jv_string(buf));
	gl_dns_addr_str(&s, buf, sizeof buf);
	o = jv_object_set(o, jv_string("saddr"), jv_string(buf));
	if ((l4 == 6 || l4 == 17) && n >= hl + 4)
		o = jv_object_set(o, jv_string("dport"), jv_number(p[hl + 2] << 8 | p[hl + 3]));
	if (rule != NULL)
		o = jv_object_set(o, jv_string("rule"), jv_string(rule));
	return o;
}

struct cbctx {
	void (*fn)(jv, void *);
	void *ctx;
	int n;
};

static int
attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, NFULA_MAX) >= 0)
		tb[type] = a;
	return MNL_CB_OK;
}

static int
msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct cbctx *c = data;
	const struct nlattr *tb[NFULA_MAX + 1] = { 0 };
	const char *prefix = NULL;
	jv ev;

	if ((nlh->nlmsg_type & 0xff) != NFULNL_MSG_PACKET)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, tb);
	if (tb[NFULA_PAYLOAD] == NULL)
		return MNL_CB_OK;
	if (tb[NFULA_PREFIX] != NULL && mnl_attr_validate(tb[NFULA_PREFIX], MNL_TYPE_NUL_STRING) >= 0)
		prefix = mnl_attr_get_str(tb[NFULA_PREFIX]);
	ev = gl_nflog_packet(mnl_attr_get_payload(tb[NFULA_PAYLOAD]),
	    mnl_attr_get_payload_len(tb[NFULA_PAYLOAD]), prefix);
	if (jv_is_valid(ev)) {
		c->fn(ev, c->ctx);
		c->n++;
	} else {
		jv_free(ev);
	}
	return MNL_CB_OK;
}

int
gl_nflog_read(struct mnl_socket *nl, void (*fn)(jv ev, void *ctx), void *ctx)
{
	char *buf = malloc(65536);
	struct cbctx c = { fn, ctx, 0 };
	ssize_t n;

	if (buf == NULL)
		return -1;
	while ((n = recv(mnl_socket_get_fd(nl), buf, 65536, MSG_DONTWAIT)) > 0)
		mnl_cb_run(buf, (size_t)n, 0, 0, msg_cb, &c);
	free(buf);
	return c.n;
}
