/* nft: gl-netfilter's nftables rules through libnftnl and libmnl (no nft(8)):
 * the sandbox's "inet gleisner" table, its address sets, and the host's
 * NAT table for the upstream link. */
#ifndef GL_NFT_H
#define GL_NFT_H
#include <stddef.h>
#include <stdint.h>
#include <jv.h>

#include "dns.h"

#define GL_NFT_TABLE "gleisner"
#define GL_NFT_MAXPORTS 64
#define GL_NFT_MAXOWN 64

struct gl_nft_plan {
	int allow_all;			/* [network] default = allow */
	uint16_t ports[GL_NFT_MAXPORTS];	/* allowed destination ports */
	size_t nports;
	struct gl_dns_addr own[GL_NFT_MAXOWN];	/* the host's addresses: never */
	size_t nown;
	int allow_private;		/* private ranges not in the never rules */
	uint16_t group;			/* NFLOG group of the log rules */
	struct gl_dns_addr gw6;		/* the IPv6 gateway (family 0: none) */
};

struct mnl_socket;

/* A netfilter netlink socket in the current network namespace (it stays in
 * that namespace when the caller moves), or NULL with errno. */
struct mnl_socket *gl_nft_open(void);
void gl_nft_close(struct mnl_socket *nl);
/* The rules of plan as nft(8) would list them: a JSON array of strings. */
jv gl_nft_describe(const struct gl_nft_plan *p);
/* Install the sandbox table through nl (in the sandbox namespace), in one
 * transaction. */
int gl_nft_install(struct mnl_socket *nl, const struct gl_nft_plan *p);
/* Add a to the allow4/allow6 set for timeout_s seconds (refreshing it);
 * 0: for good. */
int gl_nft_allow(struct mnl_socket *nl, const struct gl_dns_addr *a, uint32_t timeout_s);
/* Host side: a table "table" (with comment, if not NULL) that masquerades
 * net4/len4 and net6/len6 and
 * lets ifname's traffic through the forward hook. */
int gl_nft_nat(struct mnl_socket *nl, const char *table, const char *comment,
    const char *ifname, const struct gl_dns_addr *net4, int len4,
    const struct gl_dns_addr *net6, int len6);
/* Call fn for each inet table named prefix*, with its comment or NULL;
 * 0, or -1 on error. */
int gl_nft_list_tables(struct mnl_socket *nl, const char *prefix,
    void (*fn)(const char *name, const char *comment, void *ctx), void *ctx);
/* Delete table (inet) in the current namespace; ENOENT is not an error. */
int gl_nft_delete(struct mnl_socket *nl, const char *table);

#endif
