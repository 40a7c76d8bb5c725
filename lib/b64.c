#include "b64.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

char *
gl_b64_encode(const void *buf, size_t len)
{
	char *out;

	if (len > (size_t)1 << 30) {
		errno = EFBIG;
		return NULL;
	}
	if ((out = malloc(4 * ((len + 2) / 3) + 1)) == NULL)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
	return out;
}

int
gl_b64_decode(const char *s, size_t len, char **out, size_t *outlen)
{
	char *tmp = NULL;
	unsigned char *dec = NULL;
	size_t i, n, pad = 0, body;
	int r;

	/* count and check padding: at most two '=' and only at the end */
	while (pad < len && pad < 3 && s[len - 1 - pad] == '=')
		pad++;
	body = len - pad;
	if (pad > 2 || (pad > 0 && (body + pad) % 4 != 0) || body % 4 == 1) {
		errno = EINVAL;
		return -1;
	}
	n = body + (4 - body % 4) % 4;
	if ((tmp = malloc(n + 1)) == NULL || (dec = malloc(n / 4 * 3 + 1)) == NULL)
		goto fail;
	for (i = 0; i < body; i++) {
		char c = s[i];
		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/')) {
			errno = EINVAL;
			goto fail;
		}
		tmp[i] = c;
	}
	for (; i < n; i++)
		tmp[i] = '=';
	tmp[n] = '\0';
	r = EVP_DecodeBlock(dec, (unsigned char *)tmp, (int)n);
	if (r < 0) {
		errno = EINVAL;
		goto fail;
	}
	/* EVP_DecodeBlock does not strip the padding bytes */
	r -= (int)((4 - body % 4) % 4);
	dec[r] = '\0';
	free(tmp);
	*out = (char *)dec;
	*outlen = (size_t)r;
	return 0;
fail:
	free(tmp);
	free(dec);
	return -1;
}
