#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gl.h"
#include "intoto.h"
#include "io.h"
#include "json.h"
#include "utf8.h"

/* Record one check; a failure sets rc and the reason.  Returns rc. */
static int __attribute__((format(printf, 4, 5)))
step(struct gl_verify_result *r, const char *name, int rc, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	jv c;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c = jv_object_set(jv_object(), jv_string("check"), jv_string(name));
	c = jv_object_set(c, jv_string("ok"), jv_bool(rc == 0));
	c = jv_object_set(c, jv_string("message"), jv_string(msg));
	r->checks = jv_array_append(r->checks, c);
	if (rc != 0 && r->rc == 0) {
		r->rc = rc;
		snprintf(r->reason, sizeof r->reason, "%s", msg);
	}
	return rc;
}

static void
result_init(struct gl_verify_result *r)
{
	memset(r, 0, sizeof *r);
	r->checks = jv_array();
	r->st = jv_null();
	r->chain = jv_invalid();
}

void
gl_verify_result_free(struct gl_verify_result *r)
{
	jv_free(r->checks);
	jv_free(r->st);
	jv_free(r->chain);
	gl_dsse_free(&r->env);
}

int
gl_verify_doc(const struct gl_verify *v, const char *buf, size_t len,
    struct gl_verify_result *r)
{
	enum gl_intoto_step s;
	char why[320];
	int n, first;

	result_init(r);
	if ((n = gl_dsse_parse(buf, len, &r->env, why, sizeof why)) != 0)
		return step(r, "envelope", n, "%s", why);
	step(r, "envelope", 0, "DSSE envelope with %zu signature(s)", r->env.nsigs);
	if (r->env.nsigs == 0)
		return step(r, "signature", GL_EX_FAIL, "envelope has no signatures");
	if ((n = gl_dsse_verify(&r->env, v->keys, v->nkeys, &first)) < 0)
		return step(r, "signature", GL_EX_SYS, "OpenSSL failure while verifying");
	if (n == 0)
		return step(r, "signature", GL_EX_FAIL,
		    "no signature verifies with a trusted key");
	memcpy(r->keyid, v->ids[first], GL_SHA256_HEX);
	if (n < v->threshold)
		return step(r, "signature", GL_EX_FAIL, "%d distinct trusted key(s) "
		    "signed, %ld needed", n, v->threshold);
	step(r, "signature", 0, "%d distinct trusted key(s) signed, %ld needed",
	    n, v->threshold);
	if (strcmp(r->env.type, GL_DSSE_INTOTO) != 0 ||
	    r->env.typelen != strlen(GL_DSSE_INTOTO))
		return step(r, "payloadType", GL_EX_FAIL, "payloadType is not %s",
		    GL_DSSE_INTOTO);
	step(r, "payloadType", 0, "%s", GL_DSSE_INTOTO);
	if (gl_digest_sha256_hex(r->env.payload, r->env.len, r->digest) < 0)
		return step(r, "payload", GL_EX_SYS, "sha256 failed");
	r->st = gl_json_parse(r->env.payload, r->env.len);
	if (!jv_is_valid(r->st)) {
		gl_json_errmsg(r->st, why, sizeof why);
		r->st = jv_null();
		return step(r, "payload", GL_EX_FAIL, "payload is not strict JSON: %s", why);
	}
	step(r, "payload", 0, "strict JSON, %zu bytes, sha256 %s", r->env.len, r->digest);
	s = gl_intoto_check(r->st, v->expect, why, sizeof why);
	if (s == GL_INTOTO_STATEMENT_BAD)
		return step(r, "statement", GL_EX_FAIL, "%s", why);
	step(r, "statement", 0, "%s", GL_INTOTO_STATEMENT);
	if (s == GL_INTOTO_PREDTYPE_BAD)
		return step(r, "predicateType", GL_EX_FAIL, "%s", why);
	step(r, "predicateType", 0, "%s", v->expect);
	if (s == GL_INTOTO_SUBJECTS_BAD)
		return step(r, "subjects", GL_EX_FAIL, "%s", why);
	return step(r, "subjects", 0, "%d subject(s)",
	    jv_array_length(gl_json_get(r->st, "subject")));
}

static int
linkcmp(const void *a, const void *b)
{
	return strcmp(((const struct gl_verify_link *)a)->path,
	    ((const struct gl_verify_link *)b)->path);
}

/* Index chain/attestation-*.json by payload digest (unverified: only used to
 * find a candidate, which is then verified in full).  -1 with errno when the
 * directory cannot be read; -2 (v->failed) when out of memory. */
static int
index_chain(struct gl_verify *v)
{
	struct gl_verify_link *l;
	struct gl_dsse env;
	struct dirent *e;
	char why[320], *buf, *path;
	size_t len, nl;
	DIR *d;
	int rc = 0, saved = 0;

	v->indexed = 1;
	if ((d = opendir(v->chain)) == NULL)
		return -1;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		nl = strlen(e->d_name);
		if (strncmp(e->d_name, "attestation-", 12) != 0 || nl < 17 ||
		    strcmp(e->d_name + nl - 5, ".json") != 0)
			continue;
		if (asprintf(&path, "%s/%s", v->chain, e->d_name) < 0) {
			v->failed = "asprintf";
			saved = errno;
			rc = -2;
			break;
		}
		if (gl_io_read_file(path, GL_CAP_DOC, &buf, &len) < 0) {
			v->nunparsed++;
			free(path);
			continue;
		}
		if (gl_dsse_parse(buf, len, &env, why, sizeof why) != 0) {
			v->nunparsed++;
			free(path);
			free(buf);
			continue;
		}
		if ((l = realloc(v->links, (v->nlinks + 1) * sizeof *l)) == NULL) {
			v->failed = "realloc";
			saved = errno;
			rc = -2;
			free(path);
		} else {
			v->links = l;
			l[v->nlinks].path = path;
			if (gl_digest_sha256_hex(env.payload, env.len,
			    l[v->nlinks].digest) < 0) {
				v->failed = "sha256";
				saved = errno;
				rc = -2;
			}
			v->nlinks++;
		}
		gl_dsse_free(&env);
		free(buf);
	}
	closedir(d);
	qsort(v->links, v->nlinks, sizeof *v->links, linkcmp);
	if (rc < 0)
		errno = saved;
	return rc;
}

static jv
chain_entry(const char *path, const char *digest)
{
	jv e = gl_utf8_set_name(jv_object(), "path", path, strlen(path));
	return jv_object_set(e, jv_string("payloadDigest"), jv_string(digest));
}

/* Follow parent links from r back to a root.  Every link must verify. */
static int
walk_chain(struct gl_verify *v, const char *self, struct gl_verify_result *r)
{
	char hex[GL_SHA256_HEX], msg[1024], *buf;
	char (*seen)[GL_SHA256_HEX];
	struct gl_verify_result p;
	size_t len, i, j, hops;
	int found, code;
	jv st;

	r->chain = jv_array_append(jv_array(), chain_entry(self, r->digest));
	if (!v->indexed && (code = index_chain(v)) < 0) {
		if (code == -2)
			return -1;
		return step(r, "chain", GL_EX_SYS, "%s: %s", v->chain, strerror(errno));
	}
	if ((seen = malloc((v->nlinks + 1) * sizeof *seen)) == NULL) {
		v->failed = "malloc";
		return -1;
	}
	memcpy(seen[0], r->digest, GL_SHA256_HEX);
	st = jv_copy(r->st);
	for (hops = 1;; hops++) {
		if ((found = gl_intoto_parent(st, hex, msg, sizeof msg)) <= 0) {
			code = found < 0 ? GL_EX_FAIL : GL_EX_OK;
			if (found == 0)
				snprintf(msg, sizeof msg, "%zu link(s) back to a root", hops);
			break;
		}
		for (j = 0; j < hops && strcmp(seen[j], hex) != 0; j++)
			;
		if (j < hops || hops > v->nlinks) {
			code = GL_EX_FAIL;
			snprintf(msg, sizeof msg, "cycle: parent %s is already in the "
			    "chain", hex);
			break;
		}
		code = GL_EX_FAIL;
		snprintf(msg, sizeof msg, "parent with payload sha256 %s not found "
		    "in %s (%zu file(s) there unreadable or not envelopes)", hex,
		    v->chain, v->nunparsed);
		for (found = 0, i = 0; i < v->nlinks && !found; i++) {
			if (strcmp(v->links[i].digest, hex) != 0)
				continue;
			if (gl_io_read_file(v->links[i].path, GL_CAP_DOC, &buf, &len) < 0) {
				code = GL_EX_SYS;
				snprintf(msg, sizeof msg, "%s: %s", v->links[i].path,
				    strerror(errno));
				continue;
			}
			gl_verify_doc(v, buf, len, &p);
			free(buf);
			if (p.rc == 0 && strcmp(p.digest, hex) == 0) {
				found = 1;
				r->chain = jv_array_append(r->chain,
				    chain_entry(v->links[i].path, hex));
				jv_free(st);
				st = jv_copy(p.st);
			} else {
				code = p.rc == GL_EX_SYS ? GL_EX_SYS : GL_EX_FAIL;
				snprintf(msg, sizeof msg, "parent %.300s: %.600s",
				    v->links[i].path, p.rc ? p.reason :
				    "changed while being read");
			}
			gl_verify_result_free(&p);
		}
		if (!found)
			break;
		memcpy(seen[hops], hex, GL_SHA256_HEX);
	}
	free(seen);
	jv_free(st);
	return step(r, "chain", code, "%s", msg);
}

int
gl_verify_file(struct gl_verify *v, const char *path, struct gl_verify_result *r)
{
	char why[320], *buf;
	size_t len;
	int rc;

	if (gl_io_read_file(path, GL_CAP_DOC, &buf, &len) < 0) {
		result_init(r);
		step(r, "envelope", errno == EFBIG ? GL_EX_DATA : GL_EX_SYS, "%s",
		    errno == EFBIG ? "envelope larger than the cap" : strerror(errno));
	} else {
		gl_verify_doc(v, buf, len, r);
		free(buf);
	}
	if (r->rc == 0 && v->files != NULL) {
		rc = gl_intoto_check_files(r->st, v->files, why, sizeof why);
		if (rc == 0)
			step(r, "files", 0, "%d file(s) match under %s",
			    jv_array_length(gl_json_get(r->st, "subject")), v->files);
		else
			step(r, "files", rc < 0 ? GL_EX_SYS : GL_EX_FAIL, "%s", why);
	}
	if (r->rc == 0 && v->chain != NULL && walk_chain(v, path, r) < 0)
		return -1;
	if (r->rc == 0 && v->payload_out != NULL &&
	    gl_io_write_atomic(v->payload_out, r->env.payload, r->env.len, 0644) < 0)
		step(r, "payload", GL_EX_SYS, "%s: %s", v->payload_out, strerror(errno));
	return r->rc;
}

void
gl_verify_free(struct gl_verify *v)
{
	size_t i;

	for (i = 0; i < v->nlinks; i++)
		free(v->links[i].path);
	free(v->links);
	v->links = NULL;
	v->nlinks = 0;
}
