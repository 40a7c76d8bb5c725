#include "purl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CRATES_IO_GIT "registry+https://github.com/rust-lang/crates.io-index"
#define CRATES_IO_SPARSE "sparse+https://index.crates.io/"

char *
gl_purl_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), o = 0, i;
	char *out = malloc(n * 3 + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_' || c == '~' || c == ':') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

static char *
build(const char *name, const char *version, const char *qkey, const char *qval)
{
	char *n = gl_purl_encode(name), *v = gl_purl_encode(version);
	char *q = qval != NULL ? gl_purl_encode(qval) : NULL, *out = NULL;
	size_t len;

	if (n == NULL || v == NULL || (qval != NULL && q == NULL))
		goto out;
	len = strlen(n) + strlen(v) + (q ? strlen(qkey) + strlen(q) + 2 : 0) + 16;
	if ((out = malloc(len)) == NULL)
		goto out;
	if (q != NULL)
		snprintf(out, len, "pkg:cargo/%s@%s?%s=%s", n, v, qkey, q);
	else
		snprintf(out, len, "pkg:cargo/%s@%s", n, v);
out:
	free(n);
	free(v);
	free(q);
	return out;
}

char *
gl_purl_cargo(const char *name, const char *version, const char *source, char **vcs)
{
	const char *hash, *query;
	char *url = NULL, *val = NULL, *out = NULL;
	size_t ulen;

	if (vcs != NULL)
		*vcs = NULL;
	if (strcmp(source, CRATES_IO_GIT) == 0 || strcmp(source, CRATES_IO_SPARSE) == 0)
		return build(name, version, NULL, NULL);
	if (strncmp(source, "registry+", 9) == 0 && source[9] != '\0')
		return build(name, version, "repository_url", source + 9);
	if (strncmp(source, "sparse+", 7) == 0 && source[7] != '\0')
		return build(name, version, "repository_url", source);
	if (strncmp(source, "git+", 4) != 0 || (hash = strrchr(source, '#')) == NULL ||
	    hash[1] == '\0') {
		errno = EINVAL;
		return NULL;
	}
	query = strchr(source, '?');
	ulen = (size_t)((query != NULL && query < hash ? query : hash) - (source + 4));
	if (ulen == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((url = strndup(source + 4, ulen)) == NULL ||
	    (val = malloc(ulen + strlen(hash) + 8)) == NULL)
		goto out;
	sprintf(val, "git+%s@%s", url, hash + 1);
	out = build(name, version, "vcs_url", val);
	if (out != NULL && vcs != NULL) {
		*vcs = url;
		url = NULL;
	}
out:
	free(url);
	free(val);
	return out;
}
