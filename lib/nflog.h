/* nflog: the packets gl-netfilter's log rules send to an NFLOG group, read
 * through libmnl and turned into net.deny event fields. */
#ifndef GL_NFLOG_H
#define GL_NFLOG_H
#include <stdint.h>
#include <jv.h>

struct mnl_socket;

/* Bind group in the current network namespace (the socket stays there). */
struct mnl_socket *gl_nflog_open(uint16_t group);
/* Read what is queued (non-blocking) and call fn once per logged packet
 * with {"proto","daddr","dport"?,"saddr","rule"} (consumed by fn).  The
 * number of packets, or -1. */
int gl_nflog_read(struct mnl_socket *nl, void (*fn)(jv ev, void *ctx), void *ctx);
/* The fields of one packet (IPv4 or IPv6 header first); rule is the log
 * prefix.  For tests. */
jv gl_nflog_packet(const unsigned char *p, size_t n, const char *rule);

#endif
