#include "egress.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "exec.h"
#include "gl.h"
#include "io.h"
#include "json.h"
#include "netns.h"
#include "nflog.h"
#include <libmnl/libmnl.h>

#define RESOLV_PATH "/etc/resolv.conf"
#define HOSTS_PATH "/etc/hosts"

static int
fail(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errsz, const char *fmt, ...)
{
	int e = errno;
	size_t l;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	if (e != 0) {
		l = strlen(err);
		snprintf(err + l, errsz - l, ": %s", strerror(e));
	}
	return -1;
}

static void
v4(struct gl_dns_addr *a, unsigned b0, unsigned b1, unsigned b2, unsigned b3)
{
	memset(a, 0, sizeof *a);
	a->family = AF_INET;
	a->b[0] = (unsigned char)b0;
	a->b[1] = (unsigned char)b1;
	a->b[2] = (unsigned char)b2;
	a->b[3] = (unsigned char)b3;
}

static void
v6(struct gl_dns_addr *a, unsigned idx, unsigned host)
{
	static const unsigned char pfx[6] = { 0xfd, 0x67, 0x6c, 0x65, 0x69, 0x73 };	/* fd67:6c65:6973::/48 */

	memset(a, 0, sizeof *a);
	a->family = AF_INET6;
	memcpy(a->b, pfx, sizeof pfx);
	a->b[6] = (unsigned char)(idx >> 8);
	a->b[7] = (unsigned char)idx;
	a->b[15] = (unsigned char)host;
}

static void
event(jv ev, void *ctx)
{
	struct gl_egress *e = ctx;
	char ts[GL_CLOCK_LEN];

	if (e->events == NULL) {
		jv_free(ev);
		return;
	}
	gl_clock_now(ts, sizeof ts, 1);
	ev = jv_object_set(ev, jv_string("ts"), jv_string(ts));
	ev = jv_object_set(ev, jv_string("seq"), jv_number((double)++e->seq));
	ev = jv_object_set(ev, jv_string("src"), jv_string("gl-netfilter"));
	gl_json_write_line(e->events, ev);
	fflush(e->events);
}

static void
dns_event(jv ev, void *ctx)
{
	event(jv_object_set(ev, jv_string("type"), jv_string("net.dns")), ctx);
}

static void
deny_event(jv ev, void *ctx)
{
	struct gl_egress *e = ctx;

	e->denied++;
	event(jv_object_set(ev, jv_string("type"), jv_string("net.deny")), ctx);
}

int
gl_egress_plan(struct gl_egress *e, const struct gl_egress_opts *o, const struct gl_profile *p,
    char *err, size_t errsz)
{
	const struct gl_strv *lists[3] = { &p->allow_domains, &p->mcp_network_domains,
	    &o->domains };
	char name[300];
	size_t i, k;

	memset(e, 0, sizeof *e);
	e->o = o;
	e->prof = p;
	e->hfd = e->sfd = e->guard_w = e->guard_done = -1;
	e->lfd[0] = e->lfd[1] = e->lfd[2] = e->lfd[3] = -1;
	e->code = -1;
	e->allow_dns = p->allow_dns;
	e->plan.allow_all = strcmp(p->net_default, "allow") == 0;
	e->plan.allow_private = o->allow_private;
	e->plan.group = GL_EGRESS_GROUP;
	errno = 0;
	for (k = 0; k < 3; k++)
		for (i = 0; i < lists[k]->n; i++) {
			snprintf(name, sizeof name, "%s", lists[k]->v[i]);
			if (gl_dns_normalize(name) < 0)
				return fail(err, errsz, "%s: %s: not a host name or *.domain",
				    k == 2 ? "--allow-domain" : p->name, lists[k]->v[i]);
			if (!gl_dns_allowed(&e->names, name) && gl_strv_push(&e->names, name) < 0)
				return fail(err, errsz, "out of memory");
		}
	for (i = 0; i < p->allow_ports.n && i < GL_NFT_MAXPORTS; i++)
		e->plan.ports[e->plan.nports++] = (uint16_t)atoi(p->allow_ports.v[i]);
	if (e->plan.nports == 0)
		e->plan.ports[e->plan.nports++] = 443;

	/* the link: 10.231.0.0/16 in /30s, fd67:6c65:6973:IDX::/64 */
	e->idx = (unsigned)getpid() & 0x3fff;
	v4(&e->h4, 10, 231, e->idx >> 6, (e->idx & 63) << 2 | 1);
	v4(&e->s4, 10, 231, e->idx >> 6, (e->idx & 63) << 2 | 2);
	v6(&e->h6, e->idx, 1);
	v6(&e->s6, e->idx, 2);
	snprintf(e->hostif, sizeof e->hostif, "glh%u", e->idx);
	snprintf(e->peerif, sizeof e->peerif, "gls%u", e->idx);
	snprintf(e->nattable, sizeof e->nattable, "gleisner_%u", e->idx);
	snprintf(e->resolvconf, sizeof e->resolvconf, "/run/gl-netfilter-%u.resolv", e->idx);
	snprintf(e->hosts, sizeof e->hosts, "/run/gl-netfilter-%u.hosts", e->idx);

	/* never: the host's own addresses, and both ends of the link */
	e->plan.nown = gl_netns_own(e->plan.own, GL_NFT_MAXOWN - 2);
	e->plan.own[e->plan.nown++] = e->h4;
	e->plan.own[e->plan.nown++] = e->h6;
	e->plan.gw6 = e->h6;

	e->res.allow = &e->names;
	e->res.allow_all = e->plan.allow_all;
	e->res.timeout_ms = 1500;
	e->res.own = e->plan.own;
	e->res.nown = e->plan.nown;
	e->res.allow_private = o->allow_private;
	e->res.min_ttl = 2;
	e->res.max_ttl = 3600;
	e->res.event = dns_event;
	e->res.ctx = e;
	e->pinned = jv_array();
	if ((e->allow_dns || e->names.n > 0) && gl_resolv_upstream(&e->res, o->upstream) < 0) {
		e->hint = "name one with --upstream ADDR[:PORT]";
		return fail(err, errsz, o->upstream != NULL ? "--upstream %s: not an address" :
		    "no upstream DNS server in %s", o->upstream != NULL ? o->upstream : RESOLV_PATH);
	}
	return 0;
}

static jv
strv_json(const struct gl_strv *v)
{
	jv a = jv_array();
	size_t i;

	for (i = 0; i < v->n; i++)
		a = jv_array_append(a, jv_string(v->v[i]));
	return a;
}

jv
gl_egress_report(const struct gl_egress *e)
{
	jv r = jv_object(), ports = jv_array(), res = jv_null(), link, counts;
	char up[80], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < e->plan.nports; i++)
		ports = jv_array_append(ports, jv_number(e->plan.ports[i]));
	if (e->allow_dns) {
		gl_resolv_upstream_str(&e->res, up, sizeof up);
		res = jv_object_set(jv_object(), jv_string("listen"),
		    JV_ARRAY(jv_string("127.0.0.1:53"), jv_string("[::1]:53")));
		res = jv_object_set(res, jv_string("upstream"), jv_string(up));
		res = jv_object_set(res, jv_string("types"), JV_ARRAY(jv_string("A"), jv_string("AAAA")));
		res = jv_object_set(res, jv_string("min_ttl"), jv_number(e->res.min_ttl));
		res = jv_object_set(res, jv_string("max_ttl"), jv_number(e->res.max_ttl));
		res = jv_object_set(res, jv_string("names"), e->plan.allow_all ? jv_string("*") :
		    strv_json(&e->names));
	}
	gl_dns_addr_str(&e->h4, a, sizeof a);
	gl_dns_addr_str(&e->s4, b, sizeof b);
	link = jv_object_set(jv_object(), jv_string("kind"), jv_string("veth+nat"));
	link = jv_object_set(link, jv_string("host"), jv_string_fmt("%s %s/30", e->hostif, a));
	link = jv_object_set(link, jv_string("sandbox"), jv_string_fmt("%s %s/30", e->peerif, b));
	gl_dns_addr_str(&e->s6, b, sizeof b);
	link = jv_object_set(link, jv_string("sandbox6"), jv_string_fmt("%s/64", b));
	r = jv_object_set(r, jv_string("tool"), jv_string("gl-netfilter"));
	r = jv_object_set(r, jv_string("version"), jv_string(GL_VERSION));
	r = jv_object_set(r, jv_string("mode"), jv_string("netns"));
	r = jv_object_set(r, jv_string("enforced"), jv_bool(!e->o->dry_run && e->code >= 0));
	r = jv_object_set(r, jv_string("profile"), jv_string(e->prof->name));
	r = jv_object_set(r, jv_string("default"), jv_string(e->plan.allow_all ? "allow" : "deny"));
	r = jv_object_set(r, jv_string("allow_domains"), strv_json(&e->names));
	r = jv_object_set(r, jv_string("allow_ports"), ports);
	r = jv_object_set(r, jv_string("allow_dns"), jv_bool(e->allow_dns));
	r = jv_object_set(r, jv_string("allow_private"), jv_bool(e->plan.allow_private));
	r = jv_object_set(r, jv_string("families"), JV_ARRAY(jv_string("ipv4"), jv_string("ipv6")));
	r = jv_object_set(r, jv_string("resolver"), res);
	if (!e->allow_dns && !e->plan.allow_all)
		r = jv_object_set(r, jv_string("pinned"), jv_copy(e->pinned));
	r = jv_object_set(r, jv_string("link"), link);
	r = jv_object_set(r, jv_string("ruleset"), jv_object_set(jv_object_set(jv_object_set(
	    jv_object(), jv_string("family"), jv_string("inet")), jv_string("table"),
	    jv_string(GL_NFT_TABLE)), jv_string("rules"), gl_nft_describe(&e->plan)));
	if (!e->o->dry_run) {
		counts = jv_object_set(jv_object(), jv_string("dns_allowed"), jv_number(e->res.allowed));
		counts = jv_object_set(counts, jv_string("dns_refused"), jv_number(e->res.refused));
		counts = jv_object_set(counts, jv_string("dns_failed"), jv_number(e->res.failed));
		counts = jv_object_set(counts, jv_string("denied"), jv_number(e->denied));
		r = jv_object_set(r, jv_string("counts"), counts);
		if (e->code >= 0)
			r = jv_object_set(r, jv_string("exit_status"), jv_number(e->code));
	}
	return r;
}

/* The NAT tables of other sessions.  A session is alive while its veth
 * glhN is: the veth comes before the table and goes after it, and the
 * kernel removes it with the sandbox namespace.  A dead session's table,
 * and its files, are removed here; the forwarding it turned on (its
 * table's comment) becomes ours to turn off. */
struct others {
	const char *self;
	int alive, fwd;
	char dead[16][32];
	size_t ndead;
};

static void
other_table(const char *name, const char *comment, void *ctx)
{
	struct others *o = ctx;
	char ifname[IF_NAMESIZE + 8];
	unsigned idx;
	int bits;

	if (strcmp(name, o->self) == 0)
		return;
	if (sscanf(name, "gleisner_%u", &idx) != 1) {
		o->alive++;
		return;
	}
	snprintf(ifname, sizeof ifname, "glh%u", idx);
	if (if_nametoindex(ifname) != 0 || errno != ENODEV || o->ndead == 16) {
		o->alive++;
		return;
	}
	if (comment != NULL && sscanf(comment, "gl-netfilter forwarding=%d", &bits) == 1)
		o->fwd |= bits & 3;
	snprintf(o->dead[o->ndead++], sizeof o->dead[0], "%s", name);
}

/* How many other sessions are alive; dead ones' forwarding bits ORed into
 * *fwd.  -1 when the tables cannot be listed. */
static int
reap_others(struct mnl_socket *nl, const char *self, int *fwd)
{
	struct others o = { .self = self };
	char path[64];
	unsigned idx;
	size_t i;

	if (gl_nft_list_tables(nl, "gleisner_", other_table, &o) < 0)
		return -1;
	for (i = 0; i < o.ndead; i++) {
		gl_nft_delete(nl, o.dead[i]);
		if (sscanf(o.dead[i], "gleisner_%u", &idx) == 1) {
			snprintf(path, sizeof path, "/run/gl-netfilter-%u.resolv", idx);
			unlink(path);
			snprintf(path, sizeof path, "/run/gl-netfilter-%u.hosts", idx);
			unlink(path);
		}
	}
	*fwd |= o.fwd;
	return o.alive;
}

/* The host side, undone by the guard: the NAT table, forwarding, the
 * resolv.conf copy.  Idempotent. */
static void
host_cleanup(const struct gl_egress *e, int fwd)
{
	struct mnl_socket *nl = gl_nft_open();

	/* forwarding goes off again only if we (or a dead session) turned it
	 * on and no live session (its NAT table) still needs it */
	if (nl != NULL) {
		gl_nft_delete(nl, e->nattable);
		if (reap_others(nl, e->nattable, &fwd) != 0)
			fwd = 0;
		gl_nft_close(nl);
	}
	if (fwd)
		gl_netns_forward_off(fwd);
	unlink(e->resolvconf);
	unlink(e->hosts);
}

/* The guard: outlives us, waits for the pipe to close (our exit, however
 * it happens), then tears the host side down, says so by closing done,
 * and last deletes the veth: the kernel's RCU wait makes that slow (tens
 * of milliseconds), and the namespace's end would remove it anyway. */
static int
start_guard(struct gl_egress *e)
{
	int p[2], d[2], fwd = 0, keep[2], null;
	unsigned char c;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(d, O_CLOEXEC) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if ((e->guard = fork()) < 0)
		return -1;
	if (e->guard == 0) {
		/* its own session: a kill of our process group (a terminal's,
		 * a supervisor's) must not reach it */
		setsid();
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		/* nobody waits on our stdout: a caller reading it would hang */
		if ((null = open("/dev/null", O_RDWR)) >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		keep[0] = p[0];
		keep[1] = d[1];
		gl_io_close_from(3, keep, 2);
		while ((n = read(p[0], &c, 1)) != 0)
			if (n == 1)
				fwd = c;
			else if (errno != EINTR)
				break;
		host_cleanup(e, fwd);
		if (null >= 0)
			dup2(null, 2);
		close(d[1]);
		gl_netns_del(e->hostif);
		_exit(0);
	}
	close(p[0]);
	close(d[1]);
	e->guard_w = p[1];
	e->guard_done = d[0];
	return 0;
}

static int
listen_on(int family, int type)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(53) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(53) };
	int fd, one = 1;

	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in6.sin6_addr = in6addr_loopback;
	if ((fd = socket(family, type | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if ((family == AF_INET ? bind(fd, (struct sockaddr *)&in, sizeof in) :
	    bind(fd, (struct sockaddr *)&in6, sizeof in6)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* allow_dns = false: resolve each allowed name once, now, through the
 * same checks; pin its addresses (no timeout) and list them in a hosts
 * file for the command, which gets no resolver. */
static int
pin(struct gl_egress *e, char *err, size_t errsz)
{
	static const uint16_t types[2] = { GL_DNS_A, GL_DNS_AAAA };
	unsigned char q[GL_DNS_MSG], r[GL_DNS_MSG];
	struct gl_dns_addr a[GL_DNS_MAXADDR];
	char addr[INET6_ADDRSTRLEN];
	size_t i, k, n, na, j;
	const char *why;
	uint32_t ttl;
	int rcode, fd;
	jv addrs;
	FILE *f;

	e->res.min_ttl = e->res.max_ttl = 0;	/* no timeout */
	if ((f = fopen(e->hosts, "we")) == NULL)
		return fail(err, errsz, "%s", e->hosts);
	fprintf(f, "# gl-netfilter: allow_dns = false, names resolved at the start\n"
	    "127.0.0.1\tlocalhost\n::1\tlocalhost\n");
	for (i = 0; i < e->names.n; i++) {
		if (e->names.v[i][0] == '*') {
			fprintf(stderr, "gl-netfilter: warning: %s: a wildcard cannot be resolved "
			    "without DNS (allow_dns = false)\n", e->names.v[i]);
			continue;
		}
		addrs = jv_array();
		for (k = 0; k < 2; k++) {
			n = gl_dns_make_query((uint16_t)(i * 2 + k), e->names.v[i], types[k], q, sizeof q);
			if (n == 0 || (n = gl_resolv_answer(&e->res, q, n, r, sizeof r)) == 0 ||
			    gl_dns_parse_reply(r, n, (uint16_t)(i * 2 + k), e->names.v[i], types[k], a,
			    GL_DNS_MAXADDR, &na, &ttl, &rcode, &why) < 0)
				continue;
			for (j = 0; j < na; j++) {
				gl_dns_addr_str(&a[j], addr, sizeof addr);
				fprintf(f, "%s\t%s\n", addr, e->names.v[i]);
				addrs = jv_array_append(addrs, jv_string(addr));
			}
		}
		if (jv_array_length(jv_copy(addrs)) == 0)
			fprintf(stderr, "gl-netfilter: warning: %s: no usable address; it stays "
			    "unreachable\n", e->names.v[i]);
		e->pinned = jv_array_append(e->pinned, jv_object_set(jv_object_set(jv_object(),
		    jv_string("name"), jv_string(e->names.v[i])), jv_string("addresses"), addrs));
	}
	fd = fileno(f);
	if (fflush(f) == EOF || fsync(fd) < 0 || fclose(f) == EOF)
		return fail(err, errsz, "%s", e->hosts);
	e->pinned_hosts = 1;
	return 0;
}

int
gl_egress_setup(struct gl_egress *e, char *err, size_t errsz)
{
	char line[128];
	unsigned char c;
	int fd, n;

	errno = 0;
	if (e->o->events != NULL && (e->events = fopen(e->o->events, "ae")) == NULL)
		return fail(err, errsz, "%s", e->o->events);
	if ((e->hfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		return fail(err, errsz, "/proc/self/ns/net");
	if (start_guard(e) < 0)
		return fail(err, errsz, "guard");
	if (unshare(CLONE_NEWNET) < 0) {
		e->hint = "gl-netfilter needs CAP_NET_ADMIN and CAP_SYS_ADMIN (run it as root)";
		return fail(err, errsz, "unshare(CLONE_NEWNET)");
	}
	if ((e->sfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		return fail(err, errsz, "/proc/self/ns/net");
	if (gl_netns_up("lo") < 0)
		return fail(err, errsz, "lo: up");

	/* host side: the veth, its address, NAT, forwarding */
	if (setns(e->hfd, CLONE_NEWNET) < 0)
		return fail(err, errsz, "setns(host)");
	if (gl_netns_veth(e->hostif, e->peerif, e->sfd) < 0) {
		e->hint = "is the veth module available (modprobe veth)?";
		return fail(err, errsz, "%s: veth", e->hostif);
	}
	if (gl_netns_addr(e->hostif, &e->h4, 30) < 0 || gl_netns_addr(e->hostif, &e->h6, 64) < 0)
		return fail(err, errsz, "%s: address", e->hostif);
	{
		struct mnl_socket *nl = gl_nft_open();
		struct gl_dns_addr n4 = e->h4, n6 = e->h6;
		char comment[64];
		int stale = 0;

		n4.b[3] &= 0xfc;
		n6.b[15] = 0;
		if (nl != NULL)
			reap_others(nl, e->nattable, &stale);
		if (nl == NULL || gl_netns_forward_on(&e->fwd) < 0) {
			gl_nft_close(nl);
			return fail(err, errsz, "forwarding");
		}
		e->fwd |= stale;
		c = (unsigned char)e->fwd;
		if (write(e->guard_w, &c, 1) != 1) {
			gl_nft_close(nl);
			return fail(err, errsz, "guard");
		}
		snprintf(comment, sizeof comment, "gl-netfilter forwarding=%d", e->fwd);
		if (gl_nft_nat(nl, e->nattable, comment, e->hostif, &n4, 30, &n6, 64) < 0) {
			gl_nft_close(nl);
			e->hint = "the host needs nf_tables with nat (nft_masq)";
			return fail(err, errsz, "host table inet %s", e->nattable);
		}
		gl_nft_close(nl);
	}

	/* sandbox side: address, routes, rules, resolver, NFLOG */
	if (setns(e->sfd, CLONE_NEWNET) < 0)
		return fail(err, errsz, "setns(sandbox)");
	if (gl_netns_addr(e->peerif, &e->s4, 30) < 0 || gl_netns_addr(e->peerif, &e->s6, 64) < 0)
		return fail(err, errsz, "%s: address", e->peerif);
	if (gl_netns_route(e->peerif, &e->h4) < 0 || gl_netns_route(e->peerif, &e->h6) < 0)
		return fail(err, errsz, "%s: default route", e->peerif);
	if ((e->nft = gl_nft_open()) == NULL || gl_nft_install(e->nft, &e->plan) < 0) {
		e->hint = "the kernel needs nf_tables (inet family, sets with timeouts, reject, log)";
		return fail(err, errsz, "table inet " GL_NFT_TABLE);
	}
	if (!e->plan.allow_all)
		e->res.nft = e->nft;
	if ((e->nflog = gl_nflog_open(GL_EGRESS_GROUP)) == NULL) {
		e->hint = "the kernel needs nfnetlink_log";
		return fail(err, errsz, "NFLOG group %u", GL_EGRESS_GROUP);
	}
	if (e->allow_dns) {
		if ((e->lfd[0] = listen_on(AF_INET, SOCK_DGRAM)) < 0 ||
		    (e->lfd[2] = listen_on(AF_INET, SOCK_STREAM)) < 0)
			return fail(err, errsz, "resolver: 127.0.0.1:53");
		/* IPv6 loopback may be disabled: then IPv4 alone */
		e->lfd[1] = listen_on(AF_INET6, SOCK_DGRAM);
		e->lfd[3] = listen_on(AF_INET6, SOCK_STREAM);
	}
	if (setns(e->hfd, CLONE_NEWNET) < 0)
		return fail(err, errsz, "setns(host)");
	if (!e->allow_dns && !e->plan.allow_all && e->names.n > 0 && pin(e, err, errsz) < 0)
		return -1;

	/* the resolv.conf the command sees */
	/* one server: a refusal is final, not retried at another address */
	n = snprintf(line, sizeof line, "# gl-netfilter: the session's resolver\nnameserver 127.0.0.1\n");
	if ((fd = open(e->resolvconf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0 ||
	    gl_io_write_all(fd, line, (size_t)n) < 0 || close(fd) < 0)
		return fail(err, errsz, "%s", e->resolvconf);
	return 0;
}

/* A message from the child, which has no err(3) to call. */
static void
cwarn(const char *what)
{
	fprintf(stderr, "gl-netfilter: %s: %s\n", what, strerror(errno));
}

/* In the child: the sandbox namespace and our resolv.conf, then exec. */
static void
child(struct gl_egress *e, char **argv, const sigset_t *mask)
{
	char *target;
	int code;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (setns(e->sfd, CLONE_NEWNET) < 0) {
		cwarn("setns(sandbox)");
		_exit(GL_EX_SETUP);
	}
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		cwarn("private mount namespace");
		_exit(GL_EX_SETUP);
	}
	/* a symbolic link (systemd-resolved) is followed: its target is covered */
	target = realpath(RESOLV_PATH, NULL);
	if (target == NULL || mount(e->resolvconf, target, NULL, MS_BIND, NULL) < 0) {
		cwarn(RESOLV_PATH);
		_exit(GL_EX_SETUP);
	}
	free(target);
	if (e->pinned_hosts) {
		target = realpath(HOSTS_PATH, NULL);
		if (target == NULL || mount(e->hosts, target, NULL, MS_BIND, NULL) < 0) {
			cwarn(HOSTS_PATH);
			_exit(GL_EX_SETUP);
		}
		free(target);
	}
	sigprocmask(SIG_SETMASK, mask, NULL);
	code = gl_exec(argv);
	cwarn(argv[0]);
	_exit(code);
}

int
gl_egress_run(struct gl_egress *e, char **argv, char *err, size_t errsz)
{
	unsigned char in[GL_DNS_MSG * 2], out[GL_DNS_MSG];
	struct sockaddr_storage from;
	struct signalfd_siginfo si;
	struct pollfd pfd[6];
	sigset_t set, old;
	socklen_t fl;
	ssize_t n;
	size_t len;
	int sfd, i, st, c;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0 || (sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
		return fail(err, errsz, "signalfd");
	fflush(NULL);
	if ((e->child = fork()) < 0)
		return fail(err, errsz, "fork");
	if (e->child == 0)
		child(e, argv, &old);
	for (i = 0; i < 4; i++) {
		pfd[i].fd = e->lfd[i];
		pfd[i].events = POLLIN;
	}
	pfd[4].fd = mnl_socket_get_fd(e->nflog);
	pfd[4].events = POLLIN;
	pfd[5].fd = sfd;
	pfd[5].events = POLLIN;
	for (;;) {
		if (poll(pfd, 6, -1) < 0) {
			if (errno == EINTR)
				continue;
			return fail(err, errsz, "poll");
		}
		for (i = 0; i < 2; i++)
			if (pfd[i].revents & POLLIN) {
				fl = sizeof from;
				n = recvfrom(pfd[i].fd, in, sizeof in, MSG_DONTWAIT,
				    (struct sockaddr *)&from, &fl);
				if (n > 0 && (len = gl_resolv_answer(&e->res, in, (size_t)n, out,
				    sizeof out)) > 0)
					sendto(pfd[i].fd, out, len, 0, (struct sockaddr *)&from, fl);
			}
		for (i = 2; i < 4; i++)
			if ((pfd[i].revents & POLLIN) &&
			    (c = accept4(pfd[i].fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
				gl_resolv_tcp(&e->res, c);
				close(c);
			}
		if (pfd[4].revents & POLLIN)
			gl_nflog_read(e->nflog, deny_event, e);
		if (!(pfd[5].revents & POLLIN) || read(sfd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo != SIGCHLD) {
			kill(e->child, (int)si.ssi_signo);
			continue;
		}
		if (waitpid(e->child, &st, WNOHANG) == e->child)
			break;
	}
	/* what was logged up to the end */
	gl_nflog_read(e->nflog, deny_event, e);
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	e->code = gl_exec_status(st);
	return e->code;
}

void
gl_egress_teardown(struct gl_egress *e)
{
	char c;
	int i;

	for (i = 0; i < 4; i++)
		if (e->lfd[i] >= 0) {
			close(e->lfd[i]);
			e->lfd[i] = -1;
		}
	gl_nft_close(e->nft);
	e->nft = e->res.nft = NULL;
	if (e->nflog != NULL) {
		gl_nft_close(e->nflog);
		e->nflog = NULL;
	}
	if (e->sfd >= 0) {
		close(e->sfd);
		e->sfd = -1;
	}
	/* the guard does the host side, now or if we had died; we wait for
	 * it only when asked (tests, scripts that check the host right after) */
	if (e->guard_w >= 0) {
		close(e->guard_w);
		e->guard_w = -1;
		while (e->o->wait_teardown && read(e->guard_done, &c, 1) < 0 && errno == EINTR)
			;
		close(e->guard_done);
		e->guard_done = -1;
	}
	if (e->hfd >= 0) {
		close(e->hfd);
		e->hfd = -1;
	}
	if (e->events != NULL) {
		fclose(e->events);
		e->events = NULL;
	}
}

int
gl_egress_write_report(const struct gl_egress *e, const char *path)
{
	size_t n;
	char *s = gl_json_dump(gl_egress_report(e), &n);
	int rc;

	if (s == NULL)
		return -1;
	s[n++] = '\n';
	rc = gl_io_write_atomic(path, s, n, 0644);
	free(s);
	return rc;
}

void
gl_egress_free(struct gl_egress *e)
{
	gl_strv_free(&e->names);
	jv_free(e->pinned);
	e->pinned = jv_null();
}
