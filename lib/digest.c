#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

void
gl_digest_hex(const unsigned char *bin, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[bin[i] >> 4];
		out[2 * i + 1] = hex[bin[i] & 15];
	}
	out[2 * n] = '\0';
}

int
gl_digest_sha256(const void *buf, size_t len, unsigned char out[GL_SHA256_LEN])
{
	unsigned int n = 0;

	if (EVP_Digest(buf, len, out, &n, EVP_sha256(), NULL) != 1) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int
gl_digest_sha256_hex(const void *buf, size_t len, char out[GL_SHA256_HEX])
{
	unsigned char bin[GL_SHA256_LEN];

	if (gl_digest_sha256(buf, len, bin) < 0)
		return -1;
	gl_digest_hex(bin, sizeof bin, out);
	return 0;
}

int
gl_digest_fd_hex(int fd, char out[GL_SHA256_HEX], unsigned long long *size)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[65536], bin[GL_SHA256_LEN];
	unsigned long long total = 0;
	unsigned int n;
	ssize_t r;
	int rc = -1;

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	for (;;) {
		r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		total += (unsigned long long)r;
		if (EVP_DigestUpdate(ctx, buf, (size_t)r) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(ctx, bin, &n) != 1)
		goto out;
	gl_digest_hex(bin, GL_SHA256_LEN, out);
	if (size != NULL)
		*size = total;
	rc = 0;
out:
	if (rc < 0 && errno == 0)
		errno = EIO;
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
gl_digest_file_hex(const char *path, char out[GL_SHA256_HEX])
{
	struct stat st;
	int fd, rc, saved;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	rc = gl_digest_fd_hex(fd, out, NULL);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
gl_digest_is_sha256_hex(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}
