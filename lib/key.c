#include "key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "b64.h"
#include "io.h"

enum gl_key_kind
gl_key_kind(const EVP_PKEY *k)
{
	char group[64];
	size_t n = 0;

	if (k == NULL)
		return GL_KEY_NONE;
	if (EVP_PKEY_is_a(k, "ED25519"))
		return GL_KEY_ED25519;
	if (EVP_PKEY_is_a(k, "EC") &&
	    EVP_PKEY_get_group_name(k, group, sizeof group, &n) == 1 &&
	    (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0))
		return GL_KEY_P256;
	return GL_KEY_NONE;
}

/* Refuse encrypted keys instead of prompting on the terminal. */
static int
nopass(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static EVP_PKEY *
parse(const char *pem, size_t len, int private)
{
	BIO *bio;
	EVP_PKEY *k = NULL;

	if (len > GL_KEY_CAP) {
		errno = EFBIG;
		return NULL;
	}
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	k = private ? PEM_read_bio_PrivateKey(bio, NULL, nopass, NULL) :
	    PEM_read_bio_PUBKEY(bio, NULL, nopass, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (k == NULL) {
		errno = EBADMSG;
		return NULL;
	}
	if (gl_key_kind(k) == GL_KEY_NONE) {
		EVP_PKEY_free(k);
		errno = ENOTSUP;
		return NULL;
	}
	return k;
}

EVP_PKEY *
gl_key_parse_private(const char *pem, size_t len)
{
	return parse(pem, len, 1);
}

EVP_PKEY *
gl_key_parse_public(const char *pem, size_t len)
{
	return parse(pem, len, 0);
}

/* Read a private key: a regular file nobody but its owner can use. */
static int
read_private(const char *path, char **buf, size_t *len)
{
	struct stat sb;
	int fd, rc, saved;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &sb) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || (sb.st_mode & 077) != 0) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	rc = gl_io_read_fd(fd, GL_KEY_CAP, buf, len);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static EVP_PKEY *
load(const char *path, int private)
{
	char *buf, *begin;
	size_t len;
	EVP_PKEY *k;
	int saved;

	if ((private ? read_private(path, &buf, &len) :
	    gl_io_read_file(path, GL_KEY_CAP, &buf, &len)) < 0)
		return NULL;
	/* one key a file: a second PEM block would be silently ignored */
	begin = memmem(buf, len, "-----BEGIN", 10);
	if (begin != NULL && memmem(begin + 10, len - (size_t)(begin + 10 - buf),
	    "-----BEGIN", 10) != NULL) {
		k = NULL;
		saved = E2BIG;
	} else {
		k = parse(buf, len, private);
		saved = errno;
	}
	OPENSSL_cleanse(buf, len);
	free(buf);
	errno = saved;
	return k;
}

EVP_PKEY *
gl_key_load_private(const char *path)
{
	return load(path, 1);
}

EVP_PKEY *
gl_key_load_public(const char *path)
{
	return load(path, 0);
}

EVP_PKEY *
gl_key_generate(enum gl_key_kind kind)
{
	EVP_PKEY *k = NULL;

	if (kind == GL_KEY_P256)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else if (kind == GL_KEY_ED25519)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else
		errno = EINVAL;
	if (k == NULL && kind != GL_KEY_NONE)
		errno = EIO;
	ERR_clear_error();
	return k;
}

int
gl_key_write_private(EVP_PKEY *k, const char *path)
{
	BIO *bio;
	BUF_MEM *bm = NULL;
	char *tmp = NULL;
	int fd = -1, rc = -1, saved;

	if ((bio = BIO_new(BIO_s_secmem())) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL) != 1 ||
	    BIO_get_mem_ptr(bio, &bm) != 1 || bm == NULL) {
		errno = EIO;
		goto out;
	}
	if (asprintf(&tmp, "%s.%ld.tmp", path, (long)getpid()) < 0) {
		tmp = NULL;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	if (fchmod(fd, 0600) < 0 || gl_io_write_all(fd, bm->data, bm->length) < 0 ||
	    fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		goto out;
	}
	if (close(fd) < 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto out;
	}
	/* link(2) never replaces: an existing key stays as it is */
	rc = link(tmp, path);
	saved = errno;
	unlink(tmp);
	errno = saved;
out:
	saved = errno;
	if (bm != NULL && bm->data != NULL)
		OPENSSL_cleanse(bm->data, bm->length);
	BIO_free(bio);
	free(tmp);
	ERR_clear_error();
	errno = saved;
	return rc;
}

char *
gl_key_public_pem(EVP_PKEY *k, size_t *len)
{
	BIO *bio;
	BUF_MEM *bm = NULL;
	char *out = NULL;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (PEM_write_bio_PUBKEY(bio, k) == 1 && BIO_get_mem_ptr(bio, &bm) == 1 &&
	    (out = malloc(bm->length + 1)) != NULL) {
		memcpy(out, bm->data, bm->length);
		out[bm->length] = '\0';
		if (len != NULL)
			*len = bm->length;
	}
	if (out == NULL)
		errno = EIO;
	BIO_free(bio);
	ERR_clear_error();
	return out;
}

int
gl_key_id(EVP_PKEY *k, char out[GL_SHA256_HEX])
{
	unsigned char *der = NULL;
	int n, rc;

	if ((n = i2d_PUBKEY(k, &der)) <= 0) {
		ERR_clear_error();
		errno = EIO;
		return -1;
	}
	rc = gl_digest_sha256_hex(der, (size_t)n, out);
	OPENSSL_free(der);
	return rc;
}

static size_t
wire_str(unsigned char *p, const void *s, size_t n)
{
	p[0] = (unsigned char)(n >> 24);
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
	memcpy(p + 4, s, n);
	return n + 4;
}

int
gl_key_ssh_fingerprint(EVP_PKEY *k, char *out, size_t outsz)
{
	unsigned char wire[160], pub[80], md[GL_SHA256_LEN];
	size_t n = 0, plen = 0;
	char *b64;
	int rc = -1;

	if (gl_key_kind(k) == GL_KEY_P256) {
		if (EVP_PKEY_get_octet_string_param(k, "encoded-pub-key", pub,
		    sizeof pub, &plen) != 1 || plen != 65)
			goto out;
		n += wire_str(wire + n, "ecdsa-sha2-nistp256", 19);
		n += wire_str(wire + n, "nistp256", 8);
	} else if (gl_key_kind(k) == GL_KEY_ED25519) {
		plen = sizeof pub;
		if (EVP_PKEY_get_raw_public_key(k, pub, &plen) != 1 || plen != 32)
			goto out;
		n += wire_str(wire + n, "ssh-ed25519", 11);
	} else
		goto out;
	n += wire_str(wire + n, pub, plen);
	if (gl_digest_sha256(wire, n, md) < 0 || (b64 = gl_b64_encode(md, sizeof md)) == NULL)
		goto out;
	b64[strcspn(b64, "=")] = '\0';
	if (snprintf(out, outsz, "SHA256:%s", b64) < (int)outsz)
		rc = 0;
	free(b64);
out:
	ERR_clear_error();
	if (rc < 0)
		errno = EIO;
	return rc;
}

static const EVP_MD *
md_of(EVP_PKEY *k)
{
	return gl_key_kind(k) == GL_KEY_P256 ? EVP_sha256() : NULL;
}

int
gl_key_sign(EVP_PKEY *k, const void *msg, size_t len, unsigned char **sig,
    size_t *siglen)
{
	EVP_MD_CTX *ctx = NULL;
	unsigned char *s = NULL;
	size_t n = 0;
	int rc = -1;

	if (gl_key_kind(k) == GL_KEY_NONE) {
		errno = ENOTSUP;
		return -1;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, md_of(k), NULL, k) != 1 ||
	    EVP_DigestSign(ctx, NULL, &n, msg, len) != 1 ||
	    (s = malloc(n)) == NULL ||
	    EVP_DigestSign(ctx, s, &n, msg, len) != 1)
		goto out;
	*sig = s;
	*siglen = n;
	s = NULL;
	rc = 0;
out:
	free(s);
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	if (rc < 0)
		errno = EIO;
	return rc;
}

/* Only the one DER encoding of (r, s): no leading zeros, no long forms, no
 * trailing bytes, no raw r||s. */
static int
der_canonical(const unsigned char *sig, size_t siglen)
{
	const unsigned char *p = sig;
	unsigned char *re = NULL;
	ECDSA_SIG *es;
	int n, ok = 0;

	if (siglen == 0 || siglen > 256)
		return 0;
	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)siglen)) == NULL)
		goto out;
	if (p != sig + siglen)
		goto out;
	n = i2d_ECDSA_SIG(es, &re);
	ok = n > 0 && (size_t)n == siglen && memcmp(re, sig, siglen) == 0;
out:
	OPENSSL_free(re);
	ECDSA_SIG_free(es);
	ERR_clear_error();
	return ok;
}

int
gl_key_verify(EVP_PKEY *k, const void *msg, size_t len,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *ctx;
	enum gl_key_kind kind = gl_key_kind(k);
	int r;

	if (kind == GL_KEY_NONE) {
		errno = ENOTSUP;
		return -1;
	}
	if (kind == GL_KEY_P256 && !der_canonical(sig, siglen))
		return 0;
	if (kind == GL_KEY_ED25519 && siglen != 64)
		return 0;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(ctx, NULL, md_of(k), NULL, k) != 1) {
		EVP_MD_CTX_free(ctx);
		ERR_clear_error();
		errno = EIO;
		return -1;
	}
	r = EVP_DigestVerify(ctx, sig, siglen, msg, len);
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return r == 1;
}
