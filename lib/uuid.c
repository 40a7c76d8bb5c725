#include "uuid.h"

#include <errno.h>
#include <stdio.h>

#include <openssl/evp.h>

const unsigned char gl_uuid_ns_sbom[16] = {
	0x09, 0xb5, 0xa2, 0xfd, 0x46, 0xb8, 0x51, 0xef,
	0xbf, 0x49, 0x26, 0xa6, 0x62, 0xd0, 0x46, 0xfb,
};

const unsigned char gl_uuid_ns_dns[16] = {
	0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
	0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
};

int
gl_uuid_v5(const unsigned char ns[16], const void *name, size_t len, char out[GL_UUID_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = -1;

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, ns, 16) != 1 || EVP_DigestUpdate(ctx, name, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &n) != 1 || n < 16) {
		errno = EIO;
		goto out;
	}
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);	/* version 5 */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	snprintf(out, GL_UUID_LEN,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9],
	    md[10], md[11], md[12], md[13], md[14], md[15]);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}
