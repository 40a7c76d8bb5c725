/* gl-verify: verify DSSE envelopes holding in-toto Statements against
 * trusted keys, then their subjects on disk and their chain of parents.
 * Nothing derived from a payload is printed before its signature verified. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
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
#include "policy.h"
#include "utf8.h"
#include "verify.h"

struct opts {
	EVP_PKEY **keys;	/* trust anchors: -k and --trust-dir, distinct */
	char (*ids)[GL_SHA256_HEX]; /* their SPKI sha256 */
	size_t nkeys;
	long threshold;		/* --threshold: distinct keys needed */
	const char *files;	/* --check-files: directory of the subjects */
	int materials;		/* --check-materials: materials too */
	const char *expect;	/* --expect-type: predicateType wanted */
	const char *type;	/* --payload-type: payloadType accepted */
	const char *audit;	/* --audit-log: the session's audit log */
	const char *chain;	/* --chain: directory of attestation-*.json */
	struct gl_policy **pols; /* --policy: JSON rules or FILE.jq */
	size_t npols;
	const char *payload_out; /* --payload-out: verified payload bytes */
	int quiet;		/* --quiet: no JSON on stdout */
	int text;		/* --text: a readable report instead of JSON */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: gl-verify [-q | --text] [-k pub.pem] ... [--trust-dir dir] ... [--threshold n]\n"
	    "                 [--expect-type uri] [--payload-type type] [--check-files dir]\n"
	    "                 [--check-materials] [--audit-log file] [--chain dir] [--policy file] ...\n"
	    "                 [--payload-out file] envelope ...\n"
	    "       gl-verify [options] --chain dir\n");
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
		if (errno == E2BIG)
			errx(GL_EX_DATA, "%s: more than one key in one file; give each its own", path);
		if (errno == EBADMSG || errno == EFBIG)
			errx(GL_EX_DATA, "%s: not a PEM public key", path);
		err(GL_EX_SYS, "%s", path);
	}
	if (gl_key_id(k, id) < 0)
		errx(GL_EX_SYS, "%s: cannot encode the key", path);
	/* the same key in another encoding (compressed point, explicit curve
	 * parameters) has another id but is the same key: it counts once */
	for (i = 0; i < o->nkeys; i++)
		if (strcmp(o->ids[i], id) == 0 || EVP_PKEY_eq(o->keys[i], k) == 1) {
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
add_trust_dir(struct opts *o, const char *dir, int quiet)
{
	struct dirent **names;
	char *path;
	int n, i;

	if ((n = scandir(dir, &names, is_pem, namecmp)) < 0) {
		if (errno == ENOENT) {
			if (!quiet)
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

static void
add_policy(struct opts *o, const char *path)
{
	struct gl_policy *p;
	char why[512];
	int sys;

	if ((p = gl_policy_load(path, why, sizeof why, &sys)) == NULL)
		errx(sys ? GL_EX_SYS : GL_EX_DATA, "%s: %s", path, why);
	if ((o->pols = realloc(o->pols, (o->npols + 1) * sizeof *o->pols)) == NULL)
		err(GL_EX_SYS, "realloc");
	o->pols[o->npols++] = p;
}

/* The readable form: one line a check, then the verdict. */
static void
text_report(const char *shown, const struct gl_verify_result *r)
{
	char line[1400];
	jv c;
	int i, n = jv_array_length(jv_copy(r->checks));

	printf("%s:\n", shown);
	for (i = 0; i < n; i++) {
		const char *st;
		c = jv_array_get(jv_copy(r->checks), i);
		st = gl_json_str(c, "status");
		gl_utf8_sanitize(gl_json_str(c, "reason"), strlen(gl_json_str(c, "reason")),
		    line, sizeof line);
		printf("  [%s] %s: %s\n", strcmp(st, "pass") == 0 ? "PASS" :
		    strcmp(st, "fail") == 0 ? "FAIL" : "SKIP", gl_json_str(c, "check"), line);
		jv_free(c);
	}
	printf("Verification %s\n", r->rc == 0 ? "PASSED" : "FAILED");
}

/* Verify one envelope file; print its line; the exit code for it. */
static int
verify_one(const char *path, struct gl_verify *v, int quiet, int text)
{
	struct gl_verify_result r;
	char shown[256];
	jv out;
	int rc;

	gl_utf8_sanitize(path, strlen(path), shown, sizeof shown);
	if (gl_verify_file(v, path, &r) < 0)
		err(GL_EX_SYS, "%s", v->failed);
	if (r.rc != 0)
		warnx("%s: %s", shown, r.reason);
	if (text)
		text_report(shown, &r);
	else if (!quiet) {
		out = gl_utf8_set_name(jv_object(), "envelope", path, strlen(path));
		out = jv_object_set(out, jv_string("verified"), jv_bool(r.rc == 0));
		out = jv_object_set(out, jv_string("keyid_matched"),
		    r.keyid[0] ? jv_string(r.keyid) : jv_null());
		out = jv_object_set(out, jv_string("checks"), jv_copy(r.checks));
		if (v->chain != NULL)
			out = jv_object_set(out, jv_string("chain"),
			    jv_is_valid(r.chain) ? jv_copy(r.chain) : jv_array());
		if (gl_json_write_line(stdout, out) < 0)
			err(GL_EX_SYS, "stdout");
	}
	rc = r.rc;
	gl_verify_result_free(&r);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "chain", required_argument, NULL, 'c' },
		{ "audit-log", required_argument, NULL, 'a' },
		{ "check-files", required_argument, NULL, 'f' },
		{ "check-materials", no_argument, NULL, 'm' },
		{ "expect-type", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "key", required_argument, NULL, 'k' },
		{ "payload-out", required_argument, NULL, 'p' },
		{ "payload-type", required_argument, NULL, 't' },
		{ "policy", required_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "text", no_argument, NULL, 'T' },
		{ "threshold", required_argument, NULL, 'n' },
		{ "trust-dir", required_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	/* static: still reachable when errx() exits early */
	static struct opts o = { .threshold = 1, .expect = GL_INTOTO_SLSA,
	    .type = GL_DSSE_INTOTO };
	static const char **keyfiles, **dirs, **polfiles;
	struct gl_verify v;
	size_t nkf = 0, nd = 0, npf = 0, i;
	static char store[4096];
	char *end, *newest = NULL;
	int store_used = 0;
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
		case 'a': o.audit = optarg; break;
		case 'm': o.materials = 1; break;
		case 't': o.type = optarg; break;
		case 'T': o.text = 1; break;
		case 'P':
			if ((polfiles = realloc(polfiles, (npf + 1) * sizeof *polfiles)) == NULL)
				err(GL_EX_SYS, "realloc");
			polfiles[npf++] = optarg;
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
	if (argc < 1 && o.chain == NULL) {
		usage(stderr);
		return GL_EX_USAGE;
	}
	if (o.payload_out != NULL && argc > 1)
		errx(GL_EX_USAGE, "--payload-out needs exactly one envelope");
	if (o.audit != NULL && argc > 1)
		errx(GL_EX_USAGE, "--audit-log needs exactly one envelope");
	if (o.materials && o.files == NULL)
		errx(GL_EX_USAGE, "--check-materials needs --check-files DIR");
	if (o.quiet && o.text)
		errx(GL_EX_USAGE, "--quiet and --text exclude each other");
	if (!gl_utf8_valid(o.type, strlen(o.type)))
		errx(GL_EX_USAGE, "--payload-type: not UTF-8");
	if (strcmp(o.type, GL_DSSE_INTOTO) != 0 && (o.files != NULL || o.chain != NULL ||
	    npf > 0 || o.audit != NULL))
		errx(GL_EX_USAGE, "--payload-type %s: files, audit log, chain and policies "
		    "need in-toto statements", o.type);
	if (nkf == 0 && nd == 0) {
		/* the trust store */
		if (gl_io_config_dir(NULL, store, sizeof store - 8) == 0) {
			strcat(store, "/trusted");
			if ((dirs = malloc(sizeof *dirs)) == NULL)
				err(GL_EX_SYS, "malloc");
			dirs[nd++] = store;
			store_used = 1;
		}
	}
	for (i = 0; i < nkf; i++)
		add_key(&o, keyfiles[i]);
	for (i = 0; i < nd; i++)
		add_trust_dir(&o, dirs[i], store_used);
	if (o.nkeys == 0) {
		warnx("no trusted keys: a key inside an envelope is never trusted");
		errx(GL_EX_USAGE, "hint: give -k PUB.pem or --trust-dir DIR, or put "
		    "keys in the trust store %s", store_used ? store : "~/.config/gleisner/trusted");
	}
	if ((size_t)o.threshold > o.nkeys)
		errx(GL_EX_USAGE, "--threshold %ld: only %zu distinct trusted key(s)",
		    o.threshold, o.nkeys);
	for (i = 0; i < npf; i++)
		add_policy(&o, polfiles[i]);
	if (argc == 0) {
		if ((newest = gl_verify_newest(o.chain)) == NULL) {
			if (errno == ENOENT)
				errx(GL_EX_DATA, "%s: no attestation-*.json to verify", o.chain);
			err(GL_EX_SYS, "%s", o.chain);
		}
		argv = &newest;
		argc = 1;
	}

	v = (struct gl_verify){ .keys = o.keys, .nkeys = o.nkeys,
	    .ids = o.ids,
	    .threshold = o.threshold, .expect = o.expect, .files = o.files,
	    .type = o.type, .materials = o.materials, .audit = o.audit,
	    .policies = o.pols, .npolicies = o.npols,
	    .chain = o.chain, .payload_out = o.payload_out };
	for (c = 0; c < argc; c++)
		if ((r = verify_one(argv[c], &v, o.quiet, o.text)) > rc)
			rc = r;
	if (fclose(stdout) != 0)
		err(GL_EX_SYS, "stdout");
	for (i = 0; i < o.nkeys; i++)
		EVP_PKEY_free(o.keys[i]);
	gl_verify_free(&v);
	free(o.keys);
	free(o.ids);
	for (i = 0; i < o.npols; i++)
		gl_policy_free(o.pols[i]);
	free(o.pols);
	free(polfiles);
	free(newest);
	free(keyfiles);
	free(dirs);
	return rc;
}
