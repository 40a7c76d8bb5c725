#include "netns.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <libmnl/libmnl.h>

#include "io.h"

/* Send one request and wait for its ack. */
static int
talk(struct nlmsghdr *nlh)
{
	char buf[16384];
	struct mnl_socket *nl;
	uint32_t seq = (uint32_t)time(NULL), portid;
	ssize_t n;
	int rc = -1, e = 0;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if ((nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) == NULL)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	if ((n = mnl_socket_recvfrom(nl, buf, sizeof buf)) < 0)
		goto out;
	if (mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL) < 0)
		goto out;
	rc = 0;
out:
	e = errno;
	mnl_socket_close(nl);
	errno = e;
	return rc;
}

static int
ifindex(const char *ifname)
{
	unsigned i = if_nametoindex(ifname);

	if (i == 0)
		errno = ENODEV;
	return (int)i;
}

int
gl_netns_veth(const char *host, const char *peer, int peer_nsfd)
{
	char buf[1024];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm, *pm;
	struct nlattr *li, *data, *pe;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	pe = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pm = mnl_nlmsg_put_extra_header(nlh, sizeof *pm);
	memset(pm, 0, sizeof *pm);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_nsfd);
	mnl_attr_nest_end(nlh, pe);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	return talk(nlh);
}

int
gl_netns_up(const char *ifname)
{
	struct ifreq ifr;
	int s, rc;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return rc;
}

int
gl_netns_addr(const char *ifname, const struct gl_dns_addr *a, int plen)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	int idx = ifindex(ifname);

	if (idx == 0)
		return -1;
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
	ifa->ifa_family = (unsigned char)a->family;
	ifa->ifa_prefixlen = (unsigned char)plen;
	ifa->ifa_flags = a->family == AF_INET6 ? IFA_F_NODAD : 0;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)idx;
	mnl_attr_put(nlh, IFA_LOCAL, a->family == AF_INET ? 4 : 16, a->b);
	mnl_attr_put(nlh, IFA_ADDRESS, a->family == AF_INET ? 4 : 16, a->b);
	if (talk(nlh) < 0)
		return -1;
	return gl_netns_up(ifname);
}

int
gl_netns_route(const char *ifname, const struct gl_dns_addr *gw)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int idx = ifindex(ifname);

	if (idx == 0)
		return -1;
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
	rtm->rtm_family = (unsigned char)gw->family;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, gw->family == AF_INET ? 4 : 16, gw->b);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)idx);
	return talk(nlh);
}

int
gl_netns_del(const char *ifname)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	int idx = ifindex(ifname);

	if (idx == 0)
		return 0;
	nlh->nlmsg_type = RTM_DELLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = idx;
	if (talk(nlh) < 0 && errno != ENODEV)
		return -1;
	return 0;
}

size_t
gl_netns_own(struct gl_dns_addr *a, size_t max)
{
	struct ifaddrs *ifs, *i;
	size_t n = 0;

	if (getifaddrs(&ifs) < 0)
		return 0;
	for (i = ifs; i != NULL && n < max; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		memset(&a[n], 0, sizeof a[n]);
		if (i->ifa_addr->sa_family == AF_INET) {
			a[n].family = AF_INET;
			memcpy(a[n].b, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, 4);
			n++;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			a[n].family = AF_INET6;
			memcpy(a[n].b, &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr, 16);
			n++;
		}
	}
	freeifaddrs(ifs);
	return n;
}

static const char *const fwd[] = {
	"/proc/sys/net/ipv4/ip_forward",
	"/proc/sys/net/ipv6/conf/all/forwarding",
};

int
gl_netns_forward_on(int *turned)
{
	char *s = NULL;
	size_t n, i;

	*turned = 0;
	for (i = 0; i < 2; i++) {
		if (gl_io_read_file(fwd[i], 64, &s, &n) < 0) {
			/* a host without IPv6 has no such knob */
			if (i == 1 && errno == ENOENT)
				break;
			return -1;
		}
		if (s[0] != '1') {
			free(s);
			if (gl_io_write_str(fwd[i], "1") < 0)
				return -1;
			*turned |= 1 << i;
		} else {
			free(s);
		}
		s = NULL;
	}
	return 0;
}

int
gl_netns_forward_off(int bits)
{
	int rc = 0, i;

	for (i = 0; i < 2; i++)
		if ((bits & 1 << i) && gl_io_write_str(fwd[i], "0") < 0)
			rc = -1;
	return rc;
}
