#include "resolv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "nft.h"

static int
parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char host[128], *e;
	const char *port = NULL;
	long p = 53;

	memset(ss, 0, sizeof *ss);
	if (s[0] == '[') {
		snprintf(host, sizeof host, "%s", s + 1);
		if ((e = strchr(host, ']')) == NULL)
			return -1;
		*e = '\0';
		if (e[1] == ':')
			port = s + (e - host) + 3;
		else if (e[1] != '\0')
			return -1;
	} else {
		snprintf(host, sizeof host, "%s", s);
		e = strchr(host, ':');
		if (e != NULL && strchr(e + 1, ':') == NULL) {
			*e = '\0';
			port = s + (e - host) + 1;
		}
	}
	if (port != NULL) {
		p = strtol(port, &e, 10);
		if (*port == '\0' || *e != '\0' || p < 1 || p > 65535)
			return -1;
	}
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)p);
		*len = sizeof *in;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p);
		*len = sizeof *in6;
		return 0;
	}
	return -1;
}

int
gl_resolv_upstream(struct gl_resolv *r, const char *s)
{
	char *buf = NULL, *line, *save, *tok;
	size_t n;
	int rc = -1;

	if (s != NULL)
		return parse_addr(s, &r->up, &r->uplen);
	if (gl_io_read_file("/etc/resolv.conf", 1 << 16, &buf, &n) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		tok = strtok(line, " \t");
		if (tok != NULL && strcmp(tok, "nameserver") == 0 && (tok = strtok(NULL, " \t")) != NULL &&
		    parse_addr(tok, &r->up, &r->uplen) == 0) {
			rc = 0;
			break;
		}
	}
	free(buf);
	if (rc < 0)
		errno = ENOENT;
	return rc;
}

void
gl_resolv_upstream_str(const struct gl_resolv *r, char *buf, size_t bufsz)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)&r->up;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&r->up;
	char a[INET6_ADDRSTRLEN] = "";

	if (r->up.ss_family == AF_INET) {
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
		snprintf(buf, bufsz, "%s:%u", a, ntohs(in->sin_port));
	} else {
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
		snprintf(buf, bufsz, "[%s]:%u", a, ntohs(in6->sin6_port));
	}
}

/* Ask upstream for name/qtype: 0 and the reply in out, or -1. */
static int
ask(struct gl_resolv *r, const char *name, uint16_t qtype, unsigned char *out, size_t outsz,
    size_t *outlen, uint16_t *id)
{
	unsigned char q[GL_DNS_MSG];
	struct pollfd pfd;
	size_t qn;
	ssize_t n;
	int fd, try, rc = -1;

	if (getrandom(id, sizeof *id, 0) != sizeof *id)
		return -1;
	if ((qn = gl_dns_make_query(*id, name, qtype, q, sizeof q)) == 0)
		return -1;
	if ((fd = socket(r->up.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&r->up, r->uplen) < 0)
		goto out;
	for (try = 0; try < 2 && rc < 0; try++) {
		if (send(fd, q, qn, 0) < 0)
			goto out;
		pfd.fd = fd;
		pfd.events = POLLIN;
		while (poll(&pfd, 1, r->timeout_ms) > 0) {
			n = recv(fd, out, outsz, 0);
			if (n >= 12 && out[0] == q[0] && out[1] == q[1]) {
				*outlen = (size_t)n;
				rc = 0;
				break;
			}
			if (n < 0 && errno != EINTR)
				break;
		}
	}
out:
	close(fd);
	return rc;
}

static jv
addr_json(const struct gl_dns_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	gl_dns_addr_str(a, s, sizeof s);
	return jv_string(s);
}

size_t
gl_resolv_answer(struct gl_resolv *r, const unsigned char *m, size_t n, unsigned char *out,
    size_t outsz)
{
	struct gl_dns_query q;
	struct gl_dns_addr a[GL_DNS_MAXADDR], ok[GL_DNS_MAXADDR];
	unsigned char up[GL_DNS_MSG];
	size_t upn = 0, na = 0, nok = 0, i, len;
	uint32_t ttl = 0;
	uint16_t id;
	int rcode = GL_DNS_REFUSED, upr;
	const char *why = NULL, *f;
	char tbuf[16], abuf[INET6_ADDRSTRLEN];
	jv ev, answers = jv_array(), dropped = jv_array();

	if (gl_dns_parse_query(m, n, &q) < 0) {
		jv_free(answers);
		jv_free(dropped);
		return 0;
	}
	ev = jv_object_set(jv_object(), jv_string("name"), jv_string(q.name));
	ev = jv_object_set(ev, jv_string("qtype"), jv_string(gl_dns_qtype_str(q.qtype, tbuf,
	    sizeof tbuf)));
	if (!q.plain || !(r->allow_all || gl_dns_allowed(r->allow, q.name))) {
		why = "name not allowed";
	} else if (q.qclass != 1) {
		why = "class not served";
	} else if (q.qtype != GL_DNS_A && q.qtype != GL_DNS_AAAA) {
		/* an allowed name: no data of this type, nothing forwarded */
		rcode = GL_DNS_NOERROR;
		why = "type not served";
	} else if (ask(r, q.name, q.qtype, up, sizeof up, &upn, &id) < 0) {
		rcode = GL_DNS_SERVFAIL;
		why = "upstream did not answer";
	} else if (gl_dns_parse_reply(up, upn, id, q.name, q.qtype, a, GL_DNS_MAXADDR, &na, &ttl,
	    &upr, &why) < 0) {
		rcode = GL_DNS_SERVFAIL;
	} else if (upr != GL_DNS_NOERROR && upr != GL_DNS_NXDOMAIN) {
		rcode = GL_DNS_SERVFAIL;
		why = "upstream failed";
	} else {
		rcode = upr;
		for (i = 0; i < na; i++) {
			if ((f = gl_dns_forbidden(&a[i], r->own, r->nown, r->allow_private)) != NULL) {
				gl_dns_addr_str(&a[i], abuf, sizeof abuf);
				dropped = jv_array_append(dropped, jv_string_fmt("%s (%s)", abuf, f));
				continue;
			}
			ok[nok++] = a[i];
		}
		if (ttl < r->min_ttl)
			ttl = r->min_ttl;
		if (ttl > r->max_ttl)
			ttl = r->max_ttl;
		if (na > 0 && nok == 0) {
			rcode = GL_DNS_REFUSED;
			why = "forbidden address";
		}
		for (i = 0; i < nok && why == NULL; i++)
			if (r->nft != NULL && gl_nft_allow(r->nft, &ok[i], ttl) < 0) {
				rcode = GL_DNS_SERVFAIL;
				why = "cannot add the address to the allow set";
			}
	}
	if (why != NULL)
		nok = 0;
	for (i = 0; i < nok; i++)
		answers = jv_array_append(answers, addr_json(&ok[i]));
	len = gl_dns_make_reply(m, &q, rcode, ok, nok, ttl, out, outsz);
	if (why == NULL) {
		r->allowed++;
		ev = jv_object_set(ev, jv_string("decision"), jv_string("allow"));
		ev = jv_object_set(ev, jv_string("ttl"), jv_number(ttl));
		if (rcode == GL_DNS_NXDOMAIN)
			ev = jv_object_set(ev, jv_string("rcode"), jv_string("NXDOMAIN"));
	} else {
		if (rcode == GL_DNS_SERVFAIL)
			r->failed++;
		else
			r->refused++;
		ev = jv_object_set(ev, jv_string("decision"), jv_string("refuse"));
		ev = jv_object_set(ev, jv_string("reason"), jv_string(why));
	}
	ev = jv_object_set(ev, jv_string("answers"), answers);
	if (jv_array_length(jv_copy(dropped)) > 0)
		ev = jv_object_set(ev, jv_string("dropped"), dropped);
	else
		jv_free(dropped);
	if (r->event != NULL)
		r->event(ev, r->ctx);
	else
		jv_free(ev);
	return len;
}

void
gl_resolv_tcp(struct gl_resolv *r, int fd)
{
	unsigned char in[2 + 65535], out[2 + GL_DNS_MSG];
	struct timeval tv = { 2, 0 };
	size_t need, got, len;
	ssize_t k;
	int i;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	for (i = 0; i < 4; i++) {
		for (got = 0, need = 2; got < need; got += (size_t)k) {
			if ((k = recv(fd, in + got, need - got, 0)) <= 0)
				return;
			if (got + (size_t)k >= 2 && need == 2)
				need = 2 + ((size_t)in[0] << 8 | in[1]);
		}
		if ((len = gl_resolv_answer(r, in + 2, need - 2, out + 2, sizeof out - 2)) == 0)
			return;
		out[0] = (unsigned char)(len >> 8);
		out[1] = (unsigned char)len;
		if (gl_io_write_all(fd, out, len + 2) < 0)
			return;
	}
}
