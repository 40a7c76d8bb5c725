#include "redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Words that make a name (--api-token, GITHUB_TOKEN, password=) secret. */
static const char *const words[] = {
	"token", "secret", "password", "passwd", "passphrase", "apikey",
	"api_key", "api-key", "credential", "auth", "private_key",
	"private-key", "access_key", "access-key", "cookie", "session_key",
	NULL
};

/* Prefixes of well-known credentials. */
static const char *const prefixes[] = {
	"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-",
	"sk-", "sk_live_", "sk_test_", "rk_live_", "xoxb-", "xoxp-", "xoxa-",
	"xoxs-", "AKIA", "ASIA", "AIza", "npm_", "pypi-", "hf_", NULL
};

int
gl_redact_secret_name(const char *name, size_t len)
{
	size_t i, w, wl;

	for (w = 0; words[w] != NULL; w++) {
		wl = strlen(words[w]);
		for (i = 0; i + wl <= len; i++)
			if (strncasecmp(name + i, words[w], wl) == 0 &&
			    /* --author, GIT_AUTHOR_NAME are not secrets */
			    !(wl == 4 && i + 6 <= len && strncasecmp(name + i + 4, "or", 2) == 0 &&
			    !(i + 7 <= len && tolower((unsigned char)name[i + 6]) == 'i')))
				return 1;
	}
	return 0;
}

/* base64url characters only, at least n of them */
static int
b64url(const char *s, size_t n, size_t min)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '=')
			return 0;
	return n >= min;
}

int
gl_redact_secret_value(const char *v)
{
	const char *p, *q, *at;
	size_t i, n;

	for (i = 0; prefixes[i] != NULL; i++) {
		n = strlen(prefixes[i]);
		if (strncmp(v, prefixes[i], n) == 0 && b64url(v + n, strlen(v + n), 12))
			return 1;
	}
	/* a JWT: three base64url parts, the first one a JSON object */
	if (strncmp(v, "eyJ", 3) == 0 && (p = strchr(v, '.')) != NULL &&
	    (q = strchr(p + 1, '.')) != NULL && b64url(v, (size_t)(p - v), 8) &&
	    b64url(p + 1, (size_t)(q - p - 1), 4))
		return 1;
	/* scheme://user:password@host */
	if ((p = strstr(v, "://")) != NULL) {
		p += 3;
		at = strchr(p, '@');
		q = strchr(p, ':');
		if (at != NULL && q != NULL && q < at && strcspn(p, "/") > (size_t)(at - p))
			return 1;
	}
	return 0;
}

/* "Authorization: ..." / "Proxy-Authorization: ..." / "X-Api-Key: ..." */
static int
header(const char *a)
{
	const char *c = strchr(a, ':'), *sp = strchr(a, ' ');

	if (c == NULL || c == a || (sp != NULL && sp < c))
		return 0;
	return gl_redact_secret_name(a, (size_t)(c - a)) && c[1] != '\0';
}

static int
put(char **slot, const char *keep, size_t klen)
{
	char *s = malloc(klen + sizeof GL_REDACTED);

	if (s == NULL)
		return -1;
	memcpy(s, keep, klen);
	memcpy(s + klen, GL_REDACTED, sizeof GL_REDACTED);
	free(*slot);
	*slot = s;
	return 1;
}

int
gl_redact_argv(char **argv, size_t argc)
{
	const char *a, *eq;
	size_t i, nlen;
	int n = 0, r, next = 0;

	for (i = 0; i < argc; i++) {
		a = argv[i];
		r = 0;
		if (next) {		/* the value after "--password" */
			next = 0;
			if (a[0] != '-' || a[1] == '\0')
				r = put(&argv[i], "", 0);
		} else if (header(a)) {
			r = put(&argv[i], a, (size_t)(strchr(a, ':') - a) + 1);
		} else if ((eq = strchr(a, '=')) != NULL && eq > a &&
		    gl_redact_secret_name(a, (size_t)(eq - a)) && eq[1] != '\0') {
			r = put(&argv[i], a, (size_t)(eq - a) + 1);	/* NAME=value, --opt=value */
		} else if (gl_redact_secret_value(a)) {
			r = put(&argv[i], "", 0);
		} else if (a[0] == '-' && a[1] != '\0' && eq == NULL) {
			nlen = strlen(a);	/* "--token VALUE": the next one */
			next = gl_redact_secret_name(a, nlen) && i > 0;
		}
		if (r < 0)
			return -1;
		n += r;
	}
	return n;
}
