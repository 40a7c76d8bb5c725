/* gl-sign: DSSE-sign a payload read on stdin; generate and show keys. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "bundle.h"
#include "dsse.h"
#include "gl.h"
#include "io.h"
#include "json.h"
#include "key.h"
#include "utf8.h"

#define DEFAULT_KEY "/keys/local.pem"	/* under gl_io_config_dir */

struct opts {
	const char *key;	/* -k: private key PEM, default under $HOME */
	const char *type;	/* -t: payloadType */
	const char *out;	/* -o: envelope path, "-" is stdout */
	const char *bundle;	/* --bundle: Sigstore bundle path, or NULL */
	const char *private;	/* keygen --private */
	const char *public;	/* keygen --public */
	int raw;		/* --raw: keep a trailing newline */
	int ed25519;		/* keygen --ed25519 */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: gl-sign [-k key.pem] [-t payload-type] [--raw] [-o file] [--bundle file]\n"
	    "       gl-sign keygen [--ed25519] --private file --public file\n"
	    "       gl-sign pubkey [-k key.pem]\n");
}

/* errno from gl_key_load_*: bad data is 3, anything else 4. */
static EVP_PKEY *
load_key(const char *path)
{
	EVP_PKEY *k = gl_key_load_private(path);

	if (k != NULL)
		return k;
	if (errno == ENOTSUP)
		errx(GL_EX_DATA, "%s: key type not supported (need ECDSA P-256 or Ed25519)",
		    path);
	if (errno == EBADMSG)
		errx(GL_EX_DATA, "%s: not an unencrypted PEM private key", path);
	if (errno == E2BIG)
		errx(GL_EX_DATA, "%s: more than one key in one file", path);
	if (errno == EFBIG)
		errx(GL_EX_DATA, "%s: too large for a key", path);
	if (errno == EPERM) {
		warnx("%s: private key is not a regular file only its owner may use",
		    path);
		errx(GL_EX_DATA, "hint: chmod 600 %s", path);
	}
	err(GL_EX_SYS, "%s", path);
}

static int
keygen(const struct opts *o)
{
	EVP_PKEY *k;
	char *pem;
	size_t len;

	if ((k = gl_key_generate(o->ed25519 ? GL_KEY_ED25519 : GL_KEY_P256)) == NULL)
		errx(GL_EX_SYS, "key generation failed");
	if (gl_key_write_private(k, o->private) < 0) {
		EVP_PKEY_free(k);
		if (errno == EEXIST)
			errx(GL_EX_SYS, "%s: exists, refusing to overwrite a key", o->private);
		err(GL_EX_SYS, "%s", o->private);
	}
	if ((pem = gl_key_public_pem(k, &len)) == NULL ||
	    gl_io_write_atomic(o->public, pem, len, 0644) < 0) {
		int e = errno;
		EVP_PKEY_free(k);
		free(pem);
		unlink(o->private);
		errno = e;
		err(GL_EX_SYS, "%s", o->public);
	}
	free(pem);
	EVP_PKEY_free(k);
	return GL_EX_OK;
}

static int
pubkey(const struct opts *o)
{
	EVP_PKEY *k = load_key(o->key);
	size_t len;
	char *pem;

	if ((pem = gl_key_public_pem(k, &len)) == NULL)
		errx(GL_EX_SYS, "%s: cannot encode the public key", o->key);
	if (fwrite(pem, 1, len, stdout) != len || fflush(stdout) != 0)
		err(GL_EX_SYS, "stdout");
	free(pem);
	EVP_PKEY_free(k);
	return GL_EX_OK;
}

static int
sign(const struct opts *o)
{
	char why[160], hint[80], *payload, *env, *bun = NULL;
	unsigned char *pae, *sig;
	size_t len, plen, siglen, elen, blen = 0;
	EVP_PKEY *k;

	if (gl_io_read_fd(STDIN_FILENO, GL_CAP_DOC, &payload, &len) < 0) {
		if (errno == EFBIG)
			errx(GL_EX_DATA, "stdin: payload larger than %lu bytes", GL_CAP_DOC);
		err(GL_EX_SYS, "stdin");
	}
	if (!o->raw && len > 0 && payload[len - 1] == '\n')
		len--;
	if (strcmp(o->type, GL_DSSE_INTOTO) == 0 &&
	    gl_json_check(payload, len, 0, why, sizeof why) < 0)
		errx(GL_EX_DATA, "stdin: payload is not strict JSON: %s", why);
	k = load_key(o->key);
	if (gl_dsse_pae(o->type, strlen(o->type), payload, len, &pae, &plen) < 0)
		err(GL_EX_SYS, "PAE");
	if (gl_key_sign(k, pae, plen, &sig, &siglen) < 0)
		errx(GL_EX_SYS, "%s: signing failed", o->key);
	if (o->bundle != NULL && gl_key_ssh_fingerprint(k, hint, sizeof hint) < 0)
		errx(GL_EX_SYS, "%s: cannot compute the key hint", o->key);
	EVP_PKEY_free(k);
	env = gl_dsse_envelope(o->type, strlen(o->type), payload, len, sig, siglen, &elen);
	if (env == NULL)
		err(GL_EX_SYS, "envelope");
	if (o->bundle != NULL && (bun = gl_bundle_make(o->type, strlen(o->type),
	    payload, len, sig, siglen, hint, &blen)) == NULL)
		err(GL_EX_SYS, "bundle");
	/* the bundle first: a caller waiting for the envelope finds both */
	if (bun != NULL && gl_io_write_atomic(o->bundle, bun, blen, 0644) < 0)
		err(GL_EX_SYS, "%s", strcmp(o->bundle, "-") == 0 ? "stdout" : o->bundle);
	if (gl_io_write_atomic(o->out, env, elen, 0644) < 0)
		err(GL_EX_SYS, "%s", strcmp(o->out, "-") == 0 ? "stdout" : o->out);
	free(bun);
	free(env);
	free(sig);
	free(pae);
	free(payload);
	return GL_EX_OK;
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "ed25519", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ "key", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "private", required_argument, NULL, 'P' },
		{ "public", required_argument, NULL, 'Q' },
		{ "raw", no_argument, NULL, 'r' },
		{ "type", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .type = GL_DSSE_INTOTO, .out = "-" };
	static char defkey[PATH_MAX];
	const char *mode = "sign";
	int c, rc;

	if (argc > 1 && (strcmp(argv[1], "keygen") == 0 || strcmp(argv[1], "pubkey") == 0)) {
		mode = argv[1];
		argc--;
		argv++;
	}
	while ((c = getopt_long(argc, argv, "+hk:o:rt:", lopts, NULL)) != -1) {
		switch (c) {
		case 'b': o.bundle = optarg; break;
		case 'E': o.ed25519 = 1; break;
		case 'h': usage(stdout); return GL_EX_OK;
		case 'k': o.key = optarg; break;
		case 'o': o.out = optarg; break;
		case 'P': o.private = optarg; break;
		case 'Q': o.public = optarg; break;
		case 'r': o.raw = 1; break;
		case 't': o.type = optarg; break;
		case 'V': printf("gl-sign %s\n", GL_VERSION); return GL_EX_OK;
		default: usage(stderr); return GL_EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 0) {
		usage(stderr);
		return GL_EX_USAGE;
	}
	if (strcmp(mode, "keygen") == 0) {
		if (o.private == NULL || o.public == NULL || o.key != NULL || o.raw ||
		    o.bundle != NULL ||
		    strcmp(o.out, "-") != 0 || strcmp(o.type, GL_DSSE_INTOTO) != 0) {
			usage(stderr);
			return GL_EX_USAGE;
		}
		if (strcmp(o.private, o.public) == 0)
			errx(GL_EX_USAGE, "--private and --public name the same file");
	} else if (o.private != NULL || o.public != NULL || o.ed25519 ||
	    (strcmp(mode, "pubkey") == 0 && (o.raw || strcmp(o.out, "-") != 0 ||
	    o.bundle != NULL ||
	    strcmp(o.type, GL_DSSE_INTOTO) != 0))) {
		usage(stderr);
		return GL_EX_USAGE;
	}
	if (o.bundle != NULL && strcmp(o.bundle, o.out) == 0)
		errx(GL_EX_USAGE, "--bundle and -o name the same file");
	if (!gl_utf8_valid(o.type, strlen(o.type)))
		errx(GL_EX_USAGE, "-t: payload type is not valid UTF-8");
	if (o.key == NULL && strcmp(mode, "keygen") != 0) {
		if (gl_io_config_dir(NULL, defkey, sizeof defkey - sizeof DEFAULT_KEY) < 0)
			errx(GL_EX_USAGE, errno == EINVAL ? "no -k given and HOME is not set" :
			    "HOME is too long");
		strcat(defkey, DEFAULT_KEY);
		o.key = defkey;
	}

	if (strcmp(mode, "keygen") == 0)
		rc = keygen(&o);
	else if (strcmp(mode, "pubkey") == 0)
		rc = pubkey(&o);
	else
		rc = sign(&o);
	if (fclose(stdout) != 0)
		err(GL_EX_SYS, "stdout");
	return rc;
}
