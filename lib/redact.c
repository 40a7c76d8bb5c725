/*
 * redact: what looks like a secret in a command line becomes "[REDACTED]".
 * Each argument is searched for spans to replace, wherever they sit in it
 * (a shell's -c string, a URL's query, a JSON body, a header): values after
 * a secret's name, credentials by their shape, passwords in URLs; and across
 * arguments, the value after an option that names a secret.  Only the span
 * goes, so that "Authorization: [REDACTED]" still says what was sent.
 */
#include "redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAXSPANS 64

/* Words that make a name (--api-token, GITHUB_TOKEN, password=) secret. */
static const char *const words[] = {
	"token", "secret", "password", "passwd", "passphrase", "apikey",
	"api_key", "api-key", "credential", "auth", "private_key",
	"private-key", "access_key", "access-key", "cookie", "session_key",
	"sessionid", "session_id",
	/* MYSQL_PWD, DB_PASS, --db-pass (not PWD, --bypass) */
	"_pwd", "-pwd", "_pass", "-pass",
	NULL
};

/* Prefixes of well-known credentials. */
static const char *const prefixes[] = {
	"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-",
	"sk-", "sk_live_", "sk_test_", "rk_live_", "xoxb-", "xoxp-", "xoxa-",
	"xoxs-", "AKIA", "ASIA", "AIza", "npm_", "pypi-", "hf_", NULL
};

/* The word before a credential in a header value: "Bearer x", "Basic x". */
static const char *const schemes[] = { "bearer", "basic", "token", "digest", "bot", NULL };

/* Options whose next argument (or the rest of the same one, where `glued`
 * says so) is a credential, by program: names that say nothing by
 * themselves (curl -u user:password, openssl -passin pass:x). */
static const struct {
	const char *prog, *opt;
	int glued;			/* "-uuser:pw", "-pSECRET" */
} credopts[] = {
	{ "curl", "-u", 1 }, { "curl", "--user", 0 }, { "curl", "-U", 1 },
	{ "curl", "--proxy-user", 0 }, { "curl", "--oauth2-bearer", 0 }, { "curl", "--pass", 0 },
	{ "curl", "-E", 0 }, { "curl", "--cert", 0 }, { "curl", "-b", 1 },
	{ "wget", "--user", 0 }, { "wget", "--http-user", 0 },
	{ "openssl", "-pass", 0 }, { "openssl", "-passin", 0 }, { "openssl", "-passout", 0 },
	{ "openssl", "-k", 0 }, { "openssl", "-kfile", 0 },
	{ "mysql", "-p", 1 }, { "mariadb", "-p", 1 }, { "mysqldump", "-p", 1 },
	{ "sshpass", "-p", 1 }, { "smbclient", "-U", 1 }, { "rsync", "--password-file", 0 },
	{ "docker", "-p", 1 }, { "podman", "-p", 1 },	/* "login -u x -p pw", -ppw */
	{ "ssh-keygen", "-N", 1 }, { "ssh-keygen", "-P", 1 }, { "redis-cli", "-a", 0 },
	{ NULL, NULL, 0 }
};

struct spans {
	size_t a[MAXSPANS], b[MAXSPANS];
	size_t n;
	int all;			/* too many: the whole argument goes */
};

static void
add(struct spans *sp, size_t a, size_t b)
{
	if (a >= b)
		return;
	if (sp->n == MAXSPANS) {
		sp->all = 1;
		return;
	}
	sp->a[sp->n] = a;
	sp->b[sp->n] = b;
	sp->n++;
}

static int
namechar(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

static int
b64char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '=';
}

/* the end of the run of base64url characters at s */
static size_t
b64run(const char *s, size_t i, size_t len)
{
	while (i < len && b64char((unsigned char)s[i]))
		i++;
	return i;
}

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

/* Credentials by their shape, anywhere: a known prefix or a JWT at the
 * start of a word. */
static void
shapes(const char *s, size_t len, struct spans *sp)
{
	size_t i, k, n, e, d1, d2, nojwt = 0;

	for (i = 0; i < len; i++) {
		if (i > 0 && isalnum((unsigned char)s[i - 1]))
			continue;
		for (k = 0; prefixes[k] != NULL; k++) {
			n = strlen(prefixes[k]);
			if (i + n <= len && strncmp(s + i, prefixes[k], n) == 0 &&
			    (e = b64run(s, i + n, len)) >= i + n + 12) {
				add(sp, i, e);
				i = e;
				break;
			}
		}
		if (prefixes[k] != NULL)
			continue;
		/* a JWT: three base64url parts, the first a JSON object.  A
		 * start that fails fails for every later start in the same run
		 * (they share its end): not tried again, or "_eyJ_eyJ..." is
		 * quadratic */
		if (i < nojwt || i + 3 > len || strncmp(s + i, "eyJ", 3) != 0)
			continue;
		if ((d1 = b64run(s, i, len)) >= i + 8 && d1 < len && s[d1] == '.' &&
		    (d2 = b64run(s, d1 + 1, len)) >= d1 + 5 && d2 < len && s[d2] == '.') {
			e = b64run(s, d2 + 1, len);
			add(sp, i, e);
			i = e;
		} else
			nojwt = d1;
	}
}

/* scheme://user:password@host: the password; scheme://TOKEN@host: the
 * token (a long user name of base64url characters) */
static void
urls(const char *s, size_t len, struct spans *sp)
{
	const char *p = s, *u, *at, *c, *t, *end = s + len;
	size_t ulen, i;

	while ((p = memmem(p, (size_t)(end - p), "://", 3)) != NULL) {
		u = p + 3;
		p = u;
		/* the user information ends at the authority's last '@': a
		 * password with a bare '@' in it (u:p@ss@host) goes whole */
		for (t = u, at = NULL; t < end && *t != '/' && *t != '?' && *t != '#' &&
		    !isspace((unsigned char)*t) && *t != '"' && *t != '\''; t++)
			if (*t == '@')
				at = t;
		if (at == NULL || at == u)
			continue;
		if ((c = memchr(u, ':', (size_t)(at - u))) != NULL) {
			add(sp, (size_t)(c + 1 - s), (size_t)(at - s));
			continue;
		}
		ulen = (size_t)(at - u);
		for (i = 0; i < ulen && b64char((unsigned char)u[i]); i++)
			;
		if (i == ulen && ulen >= 16)
			add(sp, (size_t)(u - s), (size_t)(at - s));
	}
}

/* the query names of signed URLs (Azure SAS, AWS and Google signatures):
 * secrets by their whole name only ("sig" inside a word is nothing) */
static int
signame(const char *s, size_t n)
{
	static const char *const names[] = { "sig", "signature", "x-amz-signature",
	    "x-amz-credential", "x-goog-signature", "x-goog-credential", NULL };
	size_t k;

	for (k = 0; names[k] != NULL; k++)
		if (strlen(names[k]) == n && strncasecmp(s, names[k], n) == 0)
			return 1;
	return 0;
}

/* NAME=value, NAME: value, "NAME": "value", NAME="value" where NAME names a
 * secret (a header name alone is wordrules' to follow). */
static void
named(const char *s, size_t len, struct spans *sp)
{
	size_t i = 0, a, b, v, e, k, wl;
	char q;

	while (i < len) {
		if (!namechar((unsigned char)s[i])) {
			i++;
			continue;
		}
		for (a = i; i < len && namechar((unsigned char)s[i]); i++)
			;
		b = i;
		if (!gl_redact_secret_name(s + a, b - a) && !signame(s + a, b - a))
			continue;
		v = b;
		if (v < len && (s[v] == '"' || s[v] == '\''))
			v++;
		/* {"password" : "x"}, password = x */
		while (v < len && (s[v] == ' ' || s[v] == '\t'))
			v++;
		if (v >= len || (s[v] != '=' && s[v] != ':'))
			continue;
		if (s[v] == ':' && v + 2 < len && s[v + 1] == '/' && s[v + 2] == '/')
			continue;	/* auth://host is a URL, not a value */
		v++;
		while (v < len && (s[v] == ' ' || s[v] == '\t'))
			v++;
		if (v == len)
			break;
		q = s[v] == '"' || s[v] == '\'' ? s[v] : '\0';
		if (q != '\0')
			v++;
		/* "Bearer x": the word after the scheme is the secret */
		for (k = 0; schemes[k] != NULL; k++) {
			wl = strlen(schemes[k]);
			if (v + wl < len && strncasecmp(s + v, schemes[k], wl) == 0 &&
			    (s[v + wl] == ' ' || s[v + wl] == '\t')) {
				/* "Bearer  x", "Bearer\tx" */
				for (v += wl; v < len && (s[v] == ' ' || s[v] == '\t'); v++)
					;
				break;
			}
		}
		for (e = v; e < len; e++) {
			if (q != '\0' ? s[e] == q : (isspace((unsigned char)s[e]) ||
			    s[e] == '&' || s[e] == ';' || s[e] == ',' || s[e] == '"' ||
			    s[e] == '\'' || s[e] == '}' || s[e] == ')'))
				break;
		}
		add(sp, v, e);
		i = e;
	}
}

int
gl_redact_secret_value(const char *v)
{
	struct spans sp = { .n = 0 };
	size_t len = strlen(v);

	shapes(v, len, &sp);
	urls(v, len, &sp);
	return sp.n > 0 || sp.all;
}

static int
isscheme(const char *w, size_t n)
{
	size_t k;

	for (k = 0; schemes[k] != NULL; k++)
		if (strlen(schemes[k]) == n && strncasecmp(w, schemes[k], n) == 0)
			return 1;
	return 0;
}

/* Word-level rules over a list of words (argv, or the words of a shell
 * string): marks words wholly secret in whole[], glued values as spans
 * through glue[] (the offset where the secret starts, or 0).  As many
 * words as there are: a secret after the 256th is a secret too. */
struct words {
	const char **w;
	size_t *n;
	size_t count, cap;
};

static int
addword(struct words *ws, const char *w, size_t n)
{
	const char **nw;
	size_t *nn, cap;

	if (ws->count == ws->cap) {
		cap = ws->cap == 0 ? 16 : ws->cap * 2;
		if ((nw = realloc(ws->w, cap * sizeof *nw)) == NULL)
			return -1;
		ws->w = nw;
		if ((nn = realloc(ws->n, cap * sizeof *nn)) == NULL)
			return -1;
		ws->n = nn;
		ws->cap = cap;
	}
	ws->w[ws->count] = w;
	ws->n[ws->count++] = n;
	return 0;
}

static void
freewords(struct words *ws)
{
	free(ws->w);
	free(ws->n);
	ws->w = NULL;
	ws->n = NULL;
	ws->count = ws->cap = 0;
}

/* curl's options without a value, which may stand before -u in one word
 * ("-fsSLu user:pw") */
#define CURLFLAGS "fsSLkivIqOJNgGR#0123456"

static int
credopt(const char *prog, size_t plen, const char *w, size_t n, size_t *glue)
{
	size_t k, ol, c;

	*glue = 0;
	for (k = 0; credopts[k].prog != NULL; k++) {
		if (strlen(credopts[k].prog) != plen || strncmp(credopts[k].prog, prog, plen) != 0)
			continue;
		ol = strlen(credopts[k].opt);
		if (n == ol && strncmp(w, credopts[k].opt, ol) == 0)
			return 1;
		if (credopts[k].glued && n > ol && strncmp(w, credopts[k].opt, ol) == 0) {
			*glue = ol;
			return 2;
		}
		if (ol != 2 || plen != 4 || strncmp(prog, "curl", 4) != 0 || w[1] == '-')
			continue;
		for (c = 1; c < n && w[c] != '\0' && strchr(CURLFLAGS, w[c]) != NULL; c++)
			;
		if (c == 1 || c >= n || w[c] != credopts[k].opt[1])
			continue;
		if (c == n - 1)
			return 1;
		if (credopts[k].glued) {
			*glue = c + 1;
			return 2;
		}
	}
	return 0;
}

/* programs that run the rest of their arguments, and their options that
 * take a value ("sudo -u www-data mysql -ppw": the program is mysql) */
static const struct {
	const char *prog, *argopts;
} wrappers[] = {
	{ "sudo", "ughpCDrtUT" }, { "doas", "uC" }, { "env", "uCS" }, { "exec", "a" },
	{ "nice", "n" }, { "nohup", "" }, { "timeout", "sk" }, { "command", "" },
	{ "time", "fo" }, { "xargs", "InPdaELs" }, { "stdbuf", "ioe" },
	{ "ionice", "cnp" }, { "setsid", "" }, { NULL, NULL }
};

static const char *
wrapper(const char *p, size_t n)
{
	size_t k;

	for (k = 0; wrappers[k].prog != NULL; k++)
		if (strlen(wrappers[k].prog) == n && strncmp(wrappers[k].prog, p, n) == 0)
			return wrappers[k].argopts;
	return NULL;
}

/* words before a shell's program that are not it: keywords, VAR=value */
static int
preword(const char *w, size_t n)
{
	static const char *const kw[] = { "if", "then", "else", "elif", "do", "while",
	    "until", "!", "{", "(", "time", NULL };
	size_t k;

	for (k = 0; kw[k] != NULL; k++)
		if (strlen(kw[k]) == n && strncmp(kw[k], w, n) == 0)
			return 1;
	return n > 0 && (isalpha((unsigned char)w[0]) || w[0] == '_') && memchr(w, '=', n) != NULL;
}

/* words after which a name of a secret is followed by its value:
 * "git config github.token X", "npm config set //reg/:_authToken X",
 * "aws configure set aws_secret_access_key X", "gh secret set N --body X" */
static int
cfgword(const char *w, size_t n)
{
	static const char *const cw[] = { "config", "configure", "set", "secret", "secrets",
	    "config:set", NULL };
	size_t k;

	for (k = 0; cw[k] != NULL; k++)
		if (strlen(cw[k]) == n && strncmp(cw[k], w, n) == 0)
			return 1;
	return 0;
}

/* The program a word names: its part after the last '/'. */
static const char *
progname(const char *w, size_t n, size_t *plen)
{
	size_t k;

	for (k = n; k > 0 && w[k - 1] != '/'; k--)
		;
	*plen = n - k;
	return w + k;
}

static void
wordrules(const struct words *ws, int *whole, size_t *glue)
{
	const char *prog = NULL, *wo;
	size_t i, plen = 0, g, last = 0;
	int next = 0, want = 1, skip = 0, cfg = 0, batch = 0;

	for (i = 0; i <= ws->count; i++) {
		const char *w = i < ws->count ? ws->w[i] : ";";
		size_t n = i < ws->count ? ws->n[i] : 1;
		if (n == 1 && (w[0] == ';' || w[0] == '|' || w[0] == '&')) {
			/* htpasswd -b FILE USER PASSWORD: a plain last argument */
			if (batch && last > 0)
				whole[last] = 1;
			/* a shell string's words start again at ; | & and newlines */
			prog = NULL;
			next = skip = cfg = batch = 0;
			last = 0;
			want = 1;
			continue;
		}
		last = n > 0 && w[0] != '-' ? i : 0;
		if (want) {
			/* the program itself (its leading "(" and directory cut) */
			while (n > 0 && (w[0] == '(' || w[0] == '{')) {
				w++;
				n--;
			}
			if (n == 0 || preword(w, n))
				continue;
			prog = progname(w, n, &plen);
			want = 0;
			last = 0;
			continue;
		}
		if (skip) {	/* the value of a wrapper's option */
			skip = 0;
			continue;
		}
		if (next == 2 && isscheme(w, n)) {
			next = 1;	/* "Authorization:" "Bearer" "x": x */
			continue;
		}
		if (next && n > 0 && (w[0] != '-' || n == 1)) {
			whole[i] = 1;
			next = 0;
			continue;
		}
		next = 0;
		/* sudo curl ..., env A=b curl ...: the program is the next word */
		if (prog != NULL && (wo = wrapper(prog, plen)) != NULL) {
			if (n == 2 && w[0] == '-' && w[1] != '\0' && strchr(wo, w[1]) != NULL) {
				skip = 1;
				continue;
			}
			if (n > 0 && w[0] != '-' && !isdigit((unsigned char)w[0]) &&
			    memchr(w, '=', n) == NULL) {
				prog = progname(w, n, &plen);
				last = 0;
				continue;
			}
		}
		if (n > 1 && w[0] == '-' && memchr(w, '=', n) == NULL) {
			if (prog != NULL && plen == 8 && strncmp(prog, "htpasswd", 8) == 0 &&
			    w[1] != '-' && memchr(w, 'b', n) != NULL)
				batch = 1;
			switch (prog != NULL ? credopt(prog, plen, w, n, &g) : 0) {
			case 1:
				next = 1;
				continue;
			case 2:
				glue[i] = g;
				continue;
			}
			/* "--token VALUE"; after "secret set NAME", "--body VALUE" */
			if (gl_redact_secret_name(w, n) || (cfg && ((n == 2 && w[1] == 'b') ||
			    (n == 6 && strncmp(w, "--body", 6) == 0) ||
			    (n == 7 && strncmp(w, "--value", 7) == 0))))
				next = 1;
			continue;
		}
		if (cfgword(w, n)) {
			cfg = 1;
			continue;
		}
		/* "config set NAME VALUE" where NAME names a secret */
		if (cfg && n > 0 && memchr(w, '=', n) == NULL && gl_redact_secret_name(w, n)) {
			next = 1;
			continue;
		}
		/* "Authorization:" alone: its value is what follows */
		if (n > 1 && w[n - 1] == ':' && gl_redact_secret_name(w, n - 1))
			next = 2;
	}
}

/* Split a shell string into words (whitespace and ; | & separate, and
 * newlines as ';'; quotes are kept inside the word, then stripped at its
 * ends).  -1 on ENOMEM. */
static int
shellwords(const char *s, size_t len, struct words *ws)
{
	size_t i = 0, a, n;
	char q;

	ws->count = 0;
	while (i < len) {
		while (i < len && isspace((unsigned char)s[i]) && s[i] != '\n')
			i++;
		if (i == len)
			break;
		if (s[i] == ';' || s[i] == '|' || s[i] == '&' || s[i] == '\n') {
			if (addword(ws, ";", 1) < 0)
				return -1;
			while (i < len && (s[i] == ';' || s[i] == '|' || s[i] == '&' ||
			    isspace((unsigned char)s[i])))
				i++;
			continue;
		}
		for (a = i, q = '\0'; i < len; i++) {
			if (q != '\0') {
				if (s[i] == q)
					q = '\0';
			} else if (s[i] == '"' || s[i] == '\'')
				q = s[i];
			else if (isspace((unsigned char)s[i]) || s[i] == ';' || s[i] == '|' ||
			    s[i] == '&')
				break;
		}
		/* the quotes at the ends are the shell's, not the word's */
		n = i - a;
		if (n >= 2 && (s[a] == '"' || s[a] == '\'') && s[i - 1] == s[a]) {
			a++;
			n -= 2;
		}
		if (addword(ws, s + a, n) < 0)
			return -1;
	}
	return 0;
}

/* the word rules' spans, words from ws->w[i] relative to base */
static int
wordspans(const struct words *ws, const char *base, struct spans *sp)
{
	int *whole;
	size_t *glue, i, off;

	if (ws->count == 0)
		return 0;
	whole = calloc(ws->count, sizeof *whole);
	glue = calloc(ws->count, sizeof *glue);
	if (whole == NULL || glue == NULL) {
		free(whole);
		free(glue);
		return -1;
	}
	wordrules(ws, whole, glue);
	for (i = 0; i < ws->count; i++) {
		off = (size_t)(ws->w[i] - base);
		if (whole[i])
			add(sp, off, off + ws->n[i]);
		else if (glue[i] > 0)
			add(sp, off + glue[i], off + ws->n[i]);
	}
	free(whole);
	free(glue);
	return 0;
}

/* The spans of one argument; strings with spaces are read as shell code
 * too.  -1 on ENOMEM. */
static int
argspans(const char *s, struct spans *sp)
{
	struct words ws = { .count = 0 };
	size_t len = strlen(s);
	int r;

	shapes(s, len, sp);
	urls(s, len, sp);
	named(s, len, sp);
	if (strpbrk(s, " \t\n") == NULL)
		return 0;
	r = shellwords(s, len, &ws) < 0 ? -1 : wordspans(&ws, s, sp);
	freewords(&ws);
	return r;
}

static int
spancmp(const void *x, const void *y)
{
	const size_t *a = x, *b = y;

	return a[0] < b[0] ? -1 : a[0] > b[0];
}

/* Replace the spans of *slot (malloc'ed) by GL_REDACTED: the count, -1 on ENOMEM. */
static int
apply(char **slot, struct spans *sp)
{
	size_t pairs[MAXSPANS][2], i, n = 0, len = strlen(*slot), o = 0, at = 0;
	char *s = *slot, *out;

	if (sp->all) {
		sp->n = 1;
		sp->a[0] = 0;
		sp->b[0] = len;
	}
	if (sp->n == 0)
		return 0;
	for (i = 0; i < sp->n; i++) {
		pairs[i][0] = sp->a[i];
		pairs[i][1] = sp->b[i] < len ? sp->b[i] : len;
	}
	qsort(pairs, sp->n, sizeof pairs[0], spancmp);
	/* merged in place */
	for (i = 1; i < sp->n; i++) {
		if (pairs[i][0] <= pairs[n][1]) {
			if (pairs[i][1] > pairs[n][1])
				pairs[n][1] = pairs[i][1];
		} else {
			n++;
			pairs[n][0] = pairs[i][0];
			pairs[n][1] = pairs[i][1];
		}
	}
	n++;
	if ((out = malloc(len + n * sizeof GL_REDACTED + 1)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		memcpy(out + o, s + at, pairs[i][0] - at);
		o += pairs[i][0] - at;
		memcpy(out + o, GL_REDACTED, sizeof GL_REDACTED - 1);
		o += sizeof GL_REDACTED - 1;
		at = pairs[i][1];
	}
	memcpy(out + o, s + at, len - at);
	o += len - at;
	out[o] = '\0';
	free(s);
	*slot = out;
	return (int)n;
}

int
gl_redact_argv(char **argv, size_t argc)
{
	struct words ws = { .count = 0 };
	int *whole = NULL;
	size_t *glue = NULL, i;
	struct spans sp;
	int n = 0, r = -1;

	/* across arguments: "--token X", "curl -u X", "Authorization:" "Bearer" "X" */
	for (i = 0; i < argc; i++)
		if (addword(&ws, argv[i], strlen(argv[i])) < 0)
			goto out;
	if (argc > 0 && ((whole = calloc(argc, sizeof *whole)) == NULL ||
	    (glue = calloc(argc, sizeof *glue)) == NULL))
		goto out;
	wordrules(&ws, whole, glue);
	for (i = 0; i < argc; i++) {
		memset(&sp, 0, sizeof sp);
		if (whole[i])
			add(&sp, 0, strlen(argv[i]));
		else {
			if (argspans(argv[i], &sp) < 0)
				goto out;
			if (glue[i] > 0)
				add(&sp, glue[i], strlen(argv[i]));
		}
		if ((r = apply(&argv[i], &sp)) < 0)
			goto out;
		n += r;
	}
	r = n;
out:
	free(whole);
	free(glue);
	freewords(&ws);
	return r;
}
