/* gl-verify: verify DSSE envelopes holding in-toto Statements against
 * trusted keys, then their subjects on disk and their chain of parents.
 * Nothing derived from a payload is printed before its signature verified. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "digest.h"
#include "dsse.h"
#include "gl.h"
#include "intoto.h"
#include "io.h"
#include "json.h"
#include "key.h"
#include "utf8.h"

struct opts {
	EVP_PKEY **keys;	/* trust anchors: -k and --trust-dir, distinct */
	char (*ids)[GL_SHA256_HEX]; /* their SPKI sha256 */
	size_t nkeys;
	long threshold;		/* --threshold: distinct keys needed */
	const char *files;	/* --check-files: directory of the subjects */
	const char *expect;	/* --expect-type: predicateType wanted */
	const char *chain;	/* --chain: directory of attestation-*.json */
	const char *payload_out; /* --payload-out: verified payload bytes */
	int quiet;		/* --quiet: no JSON on stdout */
};

struct result {
	jv checks;		/* [{check, ok, message}] in the order run */
	int rc;			/* GL_EX_OK or the first failure's code */
	char reason[1024];	/* the first failure */
	char keyid[GL_SHA256_HEX]; /* first trusted key that verified, or "" */
	char digest[GL_SHA256_HEX]; /* sha256 of the verified payload */
	struct gl_dsse env;
	jv st;			/* the verified statement, or jv_null() */
};

struct link {
	char *path;
	char digest[GL_SHA256_HEX];
};

static struct link *links;	/* the --chain index, built once */
static size_t nlinks, nunparsed;
static int indexed;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: gl-verify [-q] [-k pub.pem] ... [--trust-dir dir] ... [--threshold n]\n"
	    "                 [--expect-type uri] [--check-files dir] [--chain dir]\n"
	    "                 [--payload-out file] envelope ...\n");
}

/* Record one check; a failure sets rc and the reason.  Returns rc. */
static int
step(struct result *r, const char *name, int rc, const char *fmt, ...)
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
result_free(struct result *r)
{
	jv_free(r->checks);
	jv_free(r->st);
	gl_dsse_free(&r->env);
}

/* Envelope, signature, payloadType, payload, statement, predicateType,
 * subjects: the first failure stops. */
static int
verify_doc(const char *buf, size_t len, const struct opts *o, struct result *r)
{
	enum gl_intoto_step s;
	char why[320];
	int n, first;

	memset(r, 0, sizeof *r);
	r->checks = jv_array();
	r->st = jv_null();
	if ((n = gl_dsse_parse(buf, len, &r->env, why, sizeof why)) != 0)
		return step(r, "envelope", n, "%s", why);
	step(r, "envelope", 0, "DSSE envelope with %zu signature(s)", r->env.nsigs);
	if (r->env.nsigs == 0)
		return step(r, "signature", GL_EX_FAIL, "envelope has no signatures");
	if ((n = gl_dsse_verify(&r->env, o->keys, o->nkeys, &first)) < 0)
		return step(r, "signature", GL_EX_SYS, "OpenSSL failure while verifying");
	if (n == 0)
		return step(r, "signature", GL_EX_FAIL,
		    "no signature verifies with a trusted key");
	memcpy(r->keyid, o->ids[first], GL_SHA256_HEX);
	if (n < o->threshold)
		return step(r, "signature", GL_EX_FAIL, "%d distinct trusted key(s) "
		    "signed, %ld needed", n, o->threshold);
	step(r, "signature", 0, "%d distinct trusted key(s) signed, %ld needed",
	    n, o->threshold);
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
	s = gl_intoto_check(r->st, o->expect, why, sizeof why);
	if (s == GL_INTOTO_STATEMENT_BAD)
		return step(r, "statement", GL_EX_FAIL, "%s", why);
	step(r, "statement", 0, "%s", GL_INTOTO_STATEMENT);
	if (s == GL_INTOTO_PREDTYPE_BAD)
		return step(r, "predicateType", GL_EX_FAIL, "%s", why);
	step(r, "predicateType", 0, "%s", o->expect);
	if (s == GL_INTOTO_SUBJECTS_BAD)
		return step(r, "subjects", GL_EX_FAIL, "%s", why);
	return step(r, "subjects", 0, "%d subject(s)",
	    jv_array_length(gl_json_get(r->st, "subject")));
}

static int
linkcmp(const void *a, const void *b)
{
	return strcmp(((const struct link *)a)->path, ((const struct link *)b)->path);
}

/* Index dir/attestation-*.json by payload digest (unverified: only used to
 * find a candidate, which is then verified in full). */
static int
index_chain(const char *dir)
{
	struct gl_dsse env;
	struct dirent *e;
	char why[320], *buf, *path;
	size_t len, nl;
	DIR *d;

	indexed = 1;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		nl = strlen(e->d_name);
		if (strncmp(e->d_name, "attestation-", 12) != 0 || nl < 17 ||
		    strcmp(e->d_name + nl - 5, ".json") != 0)
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			err(GL_EX_SYS, "asprintf");
		if (gl_io_read_file(path, GL_CAP_DOC, &buf, &len) < 0) {
			nunparsed++;
			free(path);
			continue;
		}
		if (gl_dsse_parse(buf, len, &env, why, sizeof why) != 0) {
			nunparsed++;
			free(path);
			free(buf);
			continue;
		}
		if ((links = realloc(links, (nlinks + 1) * sizeof *links)) == NULL)
			err(GL_EX_SYS, "realloc");
		links[nlinks].path = path;
		if (gl_digest_sha256_hex(env.payload, env.len, links[nlinks].digest) < 0)
			err(GL_EX_SYS, "sha256");
		nlinks++;
		gl_dsse_free(&env);
		free(buf);
	}
	closedir(d);
	qsort(links, nlinks, sizeof *links, linkcmp);
	return 0;
}

static jv
chain_entry(const char *path, const char *digest)
{
	jv e = gl_utf8_set_name(jv_object(), "path", path, strlen(path));
	return jv_object_set(e, jv_string("payloadDigest"), jv_string(digest));
}

/* Follow parent links from r back to a root.  Every link must verify. */
static int
walk_chain(const char *self, const struct opts *o, struct result *r, jv *chain)
{
	char hex[GL_SHA256_HEX], msg[1024], *buf;
	char (*seen)[GL_SHA256_HEX];
	struct result p;
	size_t len, i, j, hops;
	int found, code;
	jv st;

	*chain = jv_array_append(jv_array(), chain_entry(self, r->digest));
	if (!indexed && index_chain(o->chain) < 0)
		return step(r, "chain", GL_EX_SYS, "%s: %s", o->chain, strerror(errno));
	if ((seen = malloc((nlinks + 1) * sizeof *seen)) == NULL)
		err(GL_EX_SYS, "malloc");
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
		if (j < hops || hops > nlinks) {
			code = GL_EX_FAIL;
			snprintf(msg, sizeof msg, "cycle: parent %s is already in the "
			    "chain", hex);
			break;
		}
		code = GL_EX_FAIL;
		snprintf(msg, sizeof msg, "parent with payload sha256 %s not found "
		    "in %s (%zu file(s) there unreadable or not envelopes)", hex,
		    o->chain, nunparsed);
		for (found = 0, i = 0; i < nlinks && !found; i++) {
			if (strcmp(links[i].digest, hex) != 0)
				continue;
			if (gl_io_read_file(links[i].path, GL_CAP_DOC, &buf, &len) < 0) {
				code = GL_EX_SYS;
				snprintf(msg, sizeof msg, "%s: %s", links[i].path,
				    strerror(errno));
				continue;
			}
			verify_doc(buf, len, o, &p);
			free(buf);
			if (p.rc == 0 && strcmp(p.digest, hex) == 0) {
				found = 1;
				*chain = jv_array_append(*chain,
				    chain_entry(links[i].path, hex));
				jv_free(st);
				st = jv_copy(p.st);
			} else {
				code = p.rc == GL_EX_SYS ? GL_EX_SYS : GL_EX_FAIL;
				snprintf(msg, sizeof msg, "parent %.300s: %.600s", links[i].path,
				    p.rc ? p.reason : "changed while being read");
			}
			result_free(&p);
		}
		if (!found)
			break;
		memcpy(seen[hops], hex, GL_SHA256_HEX);
	}
	free(seen);
	jv_free(st);
	return step(r, "chain", code, "%s", msg);
}

/* Add the public key at path unless the same key is already trusted. */
static void
add_key(struct opts *o, const char *path)
{
	char id[GL_SHA256_HEX];
	EVP_PKEY *k;
	size_t i;

	if ((k = gl_key_load_public(path)) == NULL) {
		if (errno == ENOTSUP)
			errx(GL_EX_DATA, "%s: key type not supported (need ECDSA "
			    "P-256 or Ed25519)", path);
		if (errno == EBADMSG || errno == EFBIG)
			errx(GL_EX_DATA, "%s: not a PEM public key", path);
		err(GL_EX_SYS, "%s", path);
	}
	if (gl_key_id(k, id) < 0)
		errx(GL_EX_SYS, "%s: cannot encode the key", path);
	for (i = 0; i < o->nkeys; i++)
		if (strcmp(o->ids[i], id) == 0) {
			EVP_PKEY_free(k);
			return;
		}
	if ((o->keys = realloc(o->keys, (o->nkeys + 1) * sizeof *o->keys)) == NULL ||
	    (o->ids = realloc(o->ids, (o->nkeys + 1) * sizeof *o->ids)) == NULL)
		err(GL_EX_SYS, "realloc");
	o->keys[o->nkeys] = k;
	memcpy(o->ids[o->nkeys++], id, GL_SHA256_HEX);
}

static int
namecmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
is_pem(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return n > 4 && e->d_name[0] != '.' && strcmp(e->d_name + n - 4, ".pem") == 0;
}

/* Every *.pem in dir; a missing dir only warns. */
static void
add_trust_dir(struct opts *o, const char *dir)
{
	struct dirent **names;
	char *path;
	int n, i;

	if ((n = scandir(dir, &names, is_pem, namecmp)) < 0) {
		if (errno == ENOENT) {
			warnx("warning: %s: trust directory does not exist", dir);
			return;
		}
		err(GL_EX_SYS, "%s", dir);
	}
	for (i = 0; i < n; i++) {
		if (asprintf(&path, "%s/%s", dir, names[i]->d_name) < 0)
			err(GL_EX_SYS, "asprintf");
		add_key(o, path);
		free(path);
		free(names[i]);
	}
	free(names);
}

/* Verify one envelope file; print its line; the exit code for it. */
static int
verify_one(const char *path, const struct opts *o)
{
	char shown[256], why[320], *buf;
	struct result r;
	size_t len;
	jv out, chain = jv_invalid();
	int rc;

	gl_utf8_sanitize(path, strlen(path), shown, sizeof shown);
	if (gl_io_read_file(path, GL_CAP_DOC, &buf, &len) < 0) {
		memset(&r, 0, sizeof r);
		r.checks = jv_array();
		r.st = jv_null();
		step(&r, "envelope", errno == EFBIG ? GL_EX_DATA : GL_EX_SYS, "%s",
		    errno == EFBIG ? "envelope larger than the cap" : strerror(errno));
	} else {
		verify_doc(buf, len, o, &r);
		free(buf);
	}
	if (r.rc == 0 && o->files != NULL) {
		rc = gl_intoto_check_files(r.st, o->files, why, sizeof why);
		if (rc == 0)
			step(&r, "files", 0, "%d file(s) match under %s",
			    jv_array_length(gl_json_get(r.st, "subject")), o->files);
		else
			step(&r, "files", rc < 0 ? GL_EX_SYS : GL_EX_FAIL, "%s", why);
	}
	if (r.rc == 0 && o->chain != NULL)
		walk_chain(path, o, &r, &chain);
	if (r.rc == 0 && o->payload_out != NULL &&
	    gl_io_write_atomic(o->payload_out, r.env.payload, r.env.len, 0644) < 0)
		step(&r, "payload", GL_EX_SYS, "%s: %s", o->payload_out, strerror(errno));
	if (r.rc != 0)
		warnx("%s: %s", shown, r.reason);
	if (!o->quiet) {
		out = gl_utf8_set_name(jv_object(), "envelope", path, strlen(path));
		out = jv_object_set(out, jv_string("verified"), jv_bool(r.rc == 0));
		out = jv_object_set(out, jv_string("keyid_matched"),
		    r.keyid[0] ? jv_string(r.keyid) : jv_null());
		out = jv_object_set(out, jv_string("checks"), jv_copy(r.checks));
		if (o->chain != NULL)
			out = jv_object_set(out, jv_string("chain"),
			    jv_is_valid(chain) ? jv_copy(chain) : jv_array());
		if (gl_json_write_line(stdout, out) < 0)
			err(GL_EX_SYS, "stdout");
	}
	jv_free(chain);
	rc = r.rc;
	result_free(&r);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "chain", required_argument, NULL, 'c' },
		{ "check-files", required_argument, NULL, 'f' },
		{ "expect-type", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "key", required_argument, NULL, 'k' },
		{ "payload-out", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "threshold", required_argument, NULL, 'n' },
		{ "trust-dir", required_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .threshold = 1, .expect = GL_INTOTO_SLSA };
	const char **keyfiles = NULL, **dirs = NULL;
	size_t nkf = 0, nd = 0, i;
	char *end;
	int c, rc = 0, r;

	while ((c = getopt_long(argc, argv, "+hk:q", lopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.chain = optarg; break;
		case 'd':
		case 'k':
			if (c == 'k' && (keyfiles = realloc(keyfiles, (nkf + 1) *
			    sizeof *keyfiles)) != NULL)
				keyfiles[nkf++] = optarg;
			else if (c == 'd' && (dirs = realloc(dirs, (nd + 1) *
			    sizeof *dirs)) != NULL)
				dirs[nd++] = optarg;
			else
				err(GL_EX_SYS, "realloc");
			break;
		case 'e': o.expect = optarg; break;
		case 'f': o.files = optarg; break;
		case 'h': usage(stdout); return GL_EX_OK;
		case 'n':
			errno = 0;
			o.threshold = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || o.threshold < 1 ||
			    o.threshold > 1000)
				errx(GL_EX_USAGE, "--threshold: not a number from 1 to 1000");
			break;
		case 'p': o.payload_out = optarg; break;
		case 'q': o.quiet = 1; break;
		case 'V': printf("gl-verify %s\n", GL_VERSION); return GL_EX_OK;
		default: usage(stderr); return GL_EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (o.payload_out != NULL && argc != 1)) {
		free(keyfiles);
		free(dirs);
		if (argc < 1) {
			usage(stderr);
			return GL_EX_USAGE;
		}
		errx(GL_EX_USAGE, "--payload-out needs exactly one envelope");
	}
	for (i = 0; i < nkf; i++)
		add_key(&o, keyfiles[i]);
	for (i = 0; i < nd; i++)
		add_trust_dir(&o, dirs[i]);
	if (o.nkeys == 0) {
		warnx("no trusted keys: a key inside an envelope is never trusted");
		errx(GL_EX_USAGE, "hint: give -k PUB.pem or --trust-dir DIR");
	}
	if ((size_t)o.threshold > o.nkeys)
		errx(GL_EX_USAGE, "--threshold %ld: only %zu distinct trusted key(s)",
		    o.threshold, o.nkeys);

	for (c = 0; c < argc; c++)
		if ((r = verify_one(argv[c], &o)) > rc)
			rc = r;
	if (fclose(stdout) != 0)
		err(GL_EX_SYS, "stdout");
	for (i = 0; i < o.nkeys; i++)
		EVP_PKEY_free(o.keys[i]);
	for (i = 0; i < nlinks; i++)
		free(links[i].path);
	free(links);
	free(o.keys);
	free(o.ids);
	free(keyfiles);
	free(dirs);
	return rc;
}
