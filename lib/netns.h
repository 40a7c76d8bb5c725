/* netns: the sandbox's network namespace and its upstream link, through
 * rtnetlink (libmnl): a veth pair, addresses, default routes, forwarding. */
#ifndef GL_NETNS_H
#define GL_NETNS_H
#include <stddef.h>

#include "dns.h"

/* Create a veth pair in the current namespace: host stays here, peer is
 * moved into the namespace peer_nsfd. */
int gl_netns_veth(const char *host, const char *peer, int peer_nsfd);
/* Add a/plen to ifname (current namespace), IPv6 without DAD, and set the
 * link up. */
int gl_netns_addr(const char *ifname, const struct gl_dns_addr *a, int plen);
/* Set ifname up (current namespace). */
int gl_netns_up(const char *ifname);
/* Default route via gw on ifname (current namespace). */
int gl_netns_route(const char *ifname, const struct gl_dns_addr *gw);
/* Delete a link; ENODEV is not an error. */
int gl_netns_del(const char *ifname);
/* The addresses of the current namespace's interfaces; their number. */
size_t gl_netns_own(struct gl_dns_addr *a, size_t max);
/* Turn IPv4 and IPv6 forwarding on; *turned gets bit 0 (IPv4) and bit 1
 * (IPv6) for each that was off. */
int gl_netns_forward_on(int *turned);
/* Turn off again what gl_netns_forward_on turned on. */
int gl_netns_forward_off(int bits);

#endif
