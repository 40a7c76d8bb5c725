/* key: kinds, parsing errors, key ids, sign/verify, strict DER, private key
 * files created exclusively with mode 0600. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "key.h"
#include "t.h"

static const char pub_e[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ805D3eqNZywjCI19lInBJOp7YMr\n"
    "CrzAH3CVTAOQ0jgMeCvVTiaRJaRPRDOv8UMs6U4SvKc6pnrIDOoSYI3fdA==\n"
    "-----END PUBLIC KEY-----\n";
static const char priv_d[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";

/* A P-384 key as PEM: must be refused as unsupported. */
static char *
p384_pem(int private, size_t *len)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	if (private)
		PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	else
		PEM_write_bio_PUBKEY(b, k);
	n = BIO_get_mem_data(b, &data);
	out = malloc((size_t)n);
	memcpy(out, data, (size_t)n);
	*len = (size_t)n;
	BIO_free(b);
	EVP_PKEY_free(k);
	return out;
}

static void
roundtrip(enum gl_key_kind kind)
{
	EVP_PKEY *k = gl_key_generate(kind), *pub;
	unsigned char *sig, msg[] = "DSSEv1 1 x 1 y";
	char *pem, id1[GL_SHA256_HEX], id2[GL_SHA256_HEX];
	size_t siglen, len;

	CHECK(k != NULL && gl_key_kind(k) == kind);
	CHECK(gl_key_sign(k, msg, sizeof msg - 1, &sig, &siglen) == 0);
	CHECK(gl_key_verify(k, msg, sizeof msg - 1, sig, siglen) == 1);
	pem = gl_key_public_pem(k, &len);
	CHECK(pem != NULL && strncmp(pem, "-----BEGIN PUBLIC KEY-----\n", 27) == 0);
	pub = gl_key_parse_public(pem, len);
	CHECK(pub != NULL && gl_key_verify(pub, msg, sizeof msg - 1, sig, siglen) == 1);
	CHECK(gl_key_id(k, id1) == 0 && gl_key_id(pub, id2) == 0 && strcmp(id1, id2) == 0);
	msg[0] ^= 1;
	CHECK(gl_key_verify(pub, msg, sizeof msg - 1, sig, siglen) == 0);
	msg[0] ^= 1;
	sig[siglen - 1] ^= 1;
	CHECK(gl_key_verify(pub, msg, sizeof msg - 1, sig, siglen) == 0);
	CHECK(gl_key_verify(pub, msg, sizeof msg - 1, sig, 0) == 0);
	free(sig);
	free(pem);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(k);
}

int
main(void)
{
	char id[GL_SHA256_HEX], dir[] = "/tmp/key_test.XXXXXX", path[256], lnk[256];
	unsigned char der[80], raw[64], *sig;
	EVP_PKEY *e, *d, *k;
	struct stat st;
	size_t len, siglen;
	char *pem;

	roundtrip(GL_KEY_P256);
	roundtrip(GL_KEY_ED25519);
	CHECK(gl_key_generate(GL_KEY_NONE) == NULL);

	/* key ids: sha256 of the SPKI DER (openssl pkey -pubout -outform DER | sha256sum) */
	e = gl_key_parse_public(pub_e, sizeof pub_e - 1);
	d = gl_key_parse_private(priv_d, sizeof priv_d - 1);
	CHECK(e != NULL && gl_key_kind(e) == GL_KEY_P256);
	CHECK(d != NULL && gl_key_kind(d) == GL_KEY_ED25519);
	CHECK(gl_key_id(e, id) == 0 &&
	    strcmp(id, "f793580060562d6ff075d814ea698c282fcc779b0cde64d79ffc6301df00d14b") == 0);
	CHECK(gl_key_id(d, id) == 0 &&
	    strcmp(id, "06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9") == 0);
	/* Ed25519 is deterministic: RFC 8032 TEST 1 signs the empty message */
	CHECK(gl_key_sign(d, "", 0, &sig, &siglen) == 0 && siglen == 64 &&
	    sig[0] == 0xe5 && sig[63] == 0x0b);
	free(sig);

	/* parse errors: wrong form, garbage, unsupported algorithm */
	errno = 0;
	CHECK(gl_key_parse_public(priv_d, sizeof priv_d - 1) == NULL && errno == EBADMSG);
	CHECK(gl_key_parse_private(pub_e, sizeof pub_e - 1) == NULL && errno == EBADMSG);
	CHECK(gl_key_parse_public("junk", 4) == NULL && errno == EBADMSG);
	pem = p384_pem(0, &len);
	CHECK(gl_key_parse_public(pem, len) == NULL && errno == ENOTSUP);
	free(pem);
	pem = p384_pem(1, &len);
	CHECK(gl_key_parse_private(pem, len) == NULL && errno == ENOTSUP);
	free(pem);

	/* ECDSA: only the canonical DER encoding */
	k = gl_key_generate(GL_KEY_P256);
	CHECK(gl_key_sign(k, "m", 1, &sig, &siglen) == 0 && siglen < sizeof der - 1);
	memcpy(der, sig, siglen);
	der[siglen] = 0;
	CHECK(gl_key_verify(k, "m", 1, der, siglen) == 1);
	CHECK(gl_key_verify(k, "m", 1, der, siglen + 1) == 0);	/* trailing byte */
	memset(raw, 0x11, sizeof raw);
	CHECK(gl_key_verify(k, "m", 1, raw, sizeof raw) == 0);	/* raw r||s */
	free(sig);

	/* private key file: 0600, never overwritten, never through a symlink */
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/k.pem", dir);
	snprintf(lnk, sizeof lnk, "%s/l.pem", dir);
	umask(0);
	CHECK(gl_key_write_private(k, path) == 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK(gl_key_write_private(k, path) < 0 && errno == EEXIST);
	EVP_PKEY_free(d);
	d = gl_key_load_private(path);
	CHECK(d != NULL && gl_key_kind(d) == GL_KEY_P256);
	CHECK(symlink("target", lnk) == 0);
	CHECK(gl_key_write_private(k, lnk) < 0 && errno == EEXIST);
	snprintf(path, sizeof path, "%s/target", dir);
	CHECK(access(path, F_OK) < 0);
	snprintf(path, sizeof path, "%s/missing/k.pem", dir);
	CHECK(gl_key_write_private(k, path) < 0 && errno == ENOENT);
	CHECK(gl_key_load_public(path) == NULL && errno == ENOENT);
	snprintf(path, sizeof path, "%s/k.pem", dir);
	/* a private key its group or others may use is refused unread */
	CHECK(chmod(path, 0640) == 0);
	CHECK(gl_key_load_private(path) == NULL && errno == EPERM);
	CHECK(chmod(path, 0604) == 0);
	CHECK(gl_key_load_private(path) == NULL && errno == EPERM);
	CHECK(chmod(path, 0400) == 0);
	EVP_PKEY_free(d);
	CHECK((d = gl_key_load_private(path)) != NULL);
	/* keygen leaves nothing but the key */
	{
		DIR *dd = opendir(dir);
		struct dirent *de;
		int n = 0;
		while (dd != NULL && (de = readdir(dd)) != NULL)
			n += de->d_name[0] != '.';
		if (dd != NULL)
			closedir(dd);
		CHECK(n == 2);	/* k.pem and the dangling l.pem */
	}
	unlink(path);
	unlink(lnk);
	rmdir(dir);

	/* the OpenSSH fingerprints of attestation-standards.md 1.4 */
	{
		char fp[80];
		CHECK(gl_key_ssh_fingerprint(e, fp, sizeof fp) == 0);
		CHECK(strcmp(fp, "SHA256:f4AuBLdH4Lj/dIuwAUXXebzoI9B/cJ4iSQ3/qByIl4M") == 0);
		CHECK(gl_key_ssh_fingerprint(e, fp, 20) < 0);
	}

	EVP_PKEY_free(k);
	EVP_PKEY_free(d);
	EVP_PKEY_free(e);
	return t_done();
}
