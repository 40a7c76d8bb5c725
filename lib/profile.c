#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "exec.h"
#include "io.h"
#include "json.h"
#include "utf8.h"

#ifndef GL_DATADIR
#define GL_DATADIR "/usr/local/share/gleisner"
#endif

#define MAX_INCLUDE_DEPTH 8
#define MAX_FILE (1UL << 20)	/* one profile file */
#define MAX_LINE 198		/* inih 55 silently splits lines of 199+ bytes */

enum kind { K_STR, K_BOOL, K_INT, K_PATHS, K_WORDS, K_PORTS, K_ENV, K_DOMAINS };

struct key {
	const char *section, *name;
	enum kind kind;
	size_t off;
	long long max;		/* K_INT upper bound */
	const char *choices;	/* K_STR: allowed values, space-separated */
};

#define F(m) offsetof(struct gl_profile, m)
static const struct key keys[] = {
	{ "", "name", K_STR, F(name), 0, NULL },
	{ "", "description", K_STR, F(description), 0, NULL },
	{ "filesystem", "readonly_bind", K_PATHS, F(readonly_bind), 0, NULL },
	{ "filesystem", "readwrite_bind", K_PATHS, F(readwrite_bind), 0, NULL },
	{ "filesystem", "deny", K_PATHS, F(deny), 0, NULL },
	{ "filesystem", "tmpfs", K_PATHS, F(tmpfs), 0, NULL },
	{ "filesystem", "protect", K_PATHS, F(protect), 0, NULL },
	{ "filesystem", "protect_defaults", K_BOOL, F(protect_defaults), 0, NULL },
	{ "network", "default", K_STR, F(net_default), 0, "deny allow" },
	{ "network", "allow_domains", K_DOMAINS, F(allow_domains), 0, NULL },
	{ "network", "allow_ports", K_PORTS, F(allow_ports), 0, NULL },
	{ "network", "allow_dns", K_BOOL, F(allow_dns), 0, NULL },
	{ "process", "pid_namespace", K_BOOL, F(pid_namespace), 0, NULL },
	{ "process", "no_new_privileges", K_BOOL, F(no_new_privileges), 0, NULL },
	{ "process", "allow_env", K_ENV, F(allow_env), 0, NULL },
	{ "process.seccomp", "preset", K_STR, F(seccomp_preset), 0, "disabled nodejs custom" },
	{ "process.seccomp", "default_action", K_STR, F(seccomp_default_action), 0, "errno log kill" },
	{ "process.seccomp", "allow_syscalls", K_WORDS, F(allow_syscalls), 0, NULL },
	{ "resources", "max_memory_mb", K_INT, F(max_memory_mb), 1LL << 40, NULL },
	{ "resources", "max_cpu_percent", K_INT, F(max_cpu_percent), 100000, NULL },
	{ "resources", "max_pids", K_INT, F(max_pids), 1 << 22, NULL },
	{ "resources", "max_file_descriptors", K_INT, F(max_file_descriptors), 1 << 20, NULL },
	{ "resources", "max_disk_write_mb", K_INT, F(max_disk_write_mb), 1LL << 40, NULL },
	{ "plugins", "skip_permissions", K_BOOL, F(skip_permissions), 0, NULL },
	{ "plugins", "add_dirs", K_PATHS, F(add_dirs), 0, NULL },
	{ "plugins", "disallowed_tools", K_WORDS, F(disallowed_tools), 0, NULL },
	{ "plugins", "mcp_network_domains", K_DOMAINS, F(mcp_network_domains), 0, NULL },
	{ "landlock", "min_abi", K_INT, F(landlock_min_abi), 64, NULL },
};
#undef F
#define NKEYS (sizeof keys / sizeof keys[0])

static const char *sections[] = {
	"filesystem", "network", "process", "process.seccomp", "resources",
	"plugins", "landlock",
};

/* One file being parsed. */
struct ctx {
	struct gl_profile *p;
	const char *file, *home;
	const char *buf;		/* the file's bytes */
	size_t len, pos;
	int lineno, depth;
	int indented;			/* the current line is a continuation */
	unsigned char seen[NKEYS];	/* scalars set in this file */
	int last;			/* index of the last key, for continuations */
	int nkeys;			/* keys seen so far in this file */
	char *err;
	size_t errsz;
	int failed;
};

static int load(struct gl_profile *, const char *, const char *, int, char *, size_t);

static int
ferr(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->failed)
		return 0;
	c->failed = 1;
	n = snprintf(c->err, c->errsz, "%s:%d: ", c->file, c->lineno);
	if (n >= 0 && (size_t)n < c->errsz) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return 0;
}

int
gl_strv_push(struct gl_strv *v, const char *s)
{
	char **q = realloc(v->v, (v->n + 1) * sizeof *q);

	if (q == NULL)
		return -1;
	v->v = q;
	if ((v->v[v->n] = strdup(s)) == NULL)
		return -1;
	v->n++;
	return 0;
}

void
gl_strv_free(struct gl_strv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

/* Our reader: real line numbers, refuse long lines, NUL bytes and invalid
 * UTF-8, and hand-check section headers. */
static char *
reader(char *str, int num, void *stream)
{
	struct ctx *c = stream;
	size_t n = 0;
	char *s, *e;
	int ch;

	if (c->failed)
		return NULL;
	while (c->pos < c->len) {
		ch = (unsigned char)c->buf[c->pos++];
		if (ch == '\0') {
			c->lineno++;
			ferr(c, "NUL byte in line");
			return NULL;
		}
		if (n + 2 >= (size_t)num || n >= MAX_LINE) {
			c->lineno++;
			ferr(c, "line too long (at most %d bytes)", MAX_LINE);
			return NULL;
		}
		str[n++] = (char)ch;
		if (ch == '\n')
			break;
	}
	if (n == 0)
		return NULL;
	str[n] = '\0';
	c->lineno++;
	if (!gl_utf8_valid(str, n)) {
		ferr(c, "invalid UTF-8");
		return NULL;
	}
	c->indented = (str[0] == ' ' || str[0] == '\t');
	for (s = str; *s == ' ' || *s == '\t'; s++)
		;
	if (*s == '[') {
		size_t i;
		e = strchr(s, ']');
		if (c->indented || e == NULL) {
			ferr(c, "malformed section header");
			return NULL;
		}
		for (i = 0; i < sizeof sections / sizeof sections[0]; i++)
			if ((size_t)(e - s - 1) == strlen(sections[i]) &&
			    strncmp(s + 1, sections[i], (size_t)(e - s - 1)) == 0)
				break;
		if (i == sizeof sections / sizeof sections[0]) {
			*e = '\0';
			ferr(c, "unknown section [%s]", s + 1);
			return NULL;
		}
		for (e++; *e == ' ' || *e == '\t' || *e == '\r' || *e == '\n'; e++)
			;
		if (*e != '\0' && *e != ';' && *e != '#') {
			ferr(c, "text after section header");
			return NULL;
		}
	}
	return str;
}

static int
expand_path(struct ctx *c, const char *v, char *out, size_t outsz)
{
	const char *s;

	if (strncmp(v, "~/", 2) == 0 || strcmp(v, "~") == 0) {
		if (c->home == NULL || c->home[0] != '/')
			return ferr(c, "%s: no home directory to expand ~", v);
		if ((size_t)snprintf(out, outsz, "%s%s", c->home, v + 1) >= outsz)
			return ferr(c, "path too long");
	} else if (v[0] == '/') {
		if ((size_t)snprintf(out, outsz, "%s", v) >= outsz)
			return ferr(c, "path too long");
	} else
		return ferr(c, "%s: path must be absolute or start with ~/", v);
	if (strchr(out, '*') != NULL || strchr(out, '?') != NULL ||
	    strchr(out, '[') != NULL)
		return ferr(c, "%s: globs are not supported in paths", v);
	for (s = out; (s = strstr(s, "/.")) != NULL; s++)
		if (s[2] == '/' || s[2] == '\0' ||
		    (s[2] == '.' && (s[3] == '/' || s[3] == '\0')))
			return ferr(c, "%s: '.' and '..' are not allowed in paths", v);
	/* strip trailing slashes, keep "/" */
	for (size_t n = strlen(out); n > 1 && out[n - 1] == '/'; n--)
		out[n - 1] = '\0';
	return 1;
}

static int
check_word(struct ctx *c, const struct key *k, const char *v)
{
	const char *s;
	char *end;
	long port;

	switch (k->kind) {
	case K_PORTS:
		errno = 0;
		port = strtol(v, &end, 10);
		if (errno || *end != '\0' || port < 1 || port > 65535 || v[0] == '+')
			return ferr(c, "%s: not a port number (1-65535)", k->name);
		return 1;
	case K_ENV:
		for (s = v; *s; s++)
			if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') ||
			    (*s >= 'a' && *s <= 'z') || (s > v && *s >= '0' && *s <= '9')))
				return ferr(c, "%s: %s is not an environment variable name", k->name, v);
		return 1;
	case K_DOMAINS: {
		/* a name, or "*.suffix": every name below suffix (not suffix) */
		const char *d = strncmp(v, "*.", 2) == 0 ? v + 2 : v;
		for (s = d; *s; s++)
			if (!(*s == '-' || *s == '.' || (*s >= 'a' && *s <= 'z') ||
			    (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
				return ferr(c, "%s: %s is not a domain name", k->name, v);
		if (d[0] == '\0' || d[0] == '.' || d[0] == '-' || strstr(d, "..") != NULL ||
		    strlen(v) > 253)
			return ferr(c, "%s: %s is not a domain name", k->name, v);
		return 1;
	}
	default:
		for (s = v; *s; s++)
			if (*s == ' ' || *s == '\t' || *s == ',')
				return ferr(c, "%s: one value a line, no spaces or commas", k->name);
		return 1;
	}
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct ctx *c = user;
	const struct key *k = NULL;
	char path[PATH_MAX];
	size_t i;
	char *base = (char *)c->p;

	if (c->failed)
		return 0;
	if (section[0] == '\0' && strcmp(name, "include") == 0) {
		if (c->nkeys > 0)
			return ferr(c, "include must come before any other key");
		if (c->depth + 1 >= MAX_INCLUDE_DEPTH)
			return ferr(c, "include nested too deeply");
		{
			char *inc = gl_profile_find(value);
			size_t m;
			for (m = 0; inc != NULL && m < c->p->nfiles; m++)
				if (strcmp(c->p->files[m], inc) == 0) {
					free(inc);
					return ferr(c, "include = %s: include loop", value);
				}
			if (inc == NULL)
				return ferr(c, "include = %s: profile not found", value);
			free(inc);
		}
		if (load(c->p, value, c->home, c->depth + 1, c->err, c->errsz) < 0) {
			c->failed = 1;
			return 0;
		}
		return 1;
	}
	if (strcmp(section, "process") == 0 && strcmp(name, "command_allowlist") == 0)
		return ferr(c, "command_allowlist is not supported (the original never enforced it); remove it and use seccomp or Landlock rules");
	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0) {
			k = &keys[i];
			break;
		}
	if (k == NULL)
		return ferr(c, "unknown key '%s'%s%s%s", name,
		    section[0] ? " in [" : "", section, section[0] ? "]" : "");
	if (c->indented && (int)i != c->last)
		return ferr(c, "continuation line without a key");
	if (c->indented && (k->kind == K_STR || k->kind == K_BOOL || k->kind == K_INT))
		return ferr(c, "'%s' takes one value: continuation lines are for lists", name);
	c->last = (int)i;
	c->nkeys++;

	switch (k->kind) {
	case K_STR:
	case K_BOOL:
	case K_INT:
		if (c->seen[i])
			return ferr(c, "'%s' set twice", name);
		c->seen[i] = 1;
		break;
	default:
		break;
	}
	switch (k->kind) {
	case K_STR: {
		char **dst = (char **)(base + k->off);
		if (k->choices != NULL) {
			const char *s = strstr(k->choices, value);
			size_t n = strlen(value);
			if (n == 0 || s == NULL || (s != k->choices && s[-1] != ' ') ||
			    (s[n] != ' ' && s[n] != '\0'))
				return ferr(c, "%s: '%s' is not one of: %s", name, value, k->choices);
		}
		free(*dst);
		if ((*dst = strdup(value)) == NULL)
			return ferr(c, "out of memory");
		return 1;
	}
	case K_BOOL: {
		int *dst = (int *)(base + k->off);
		if (strcmp(value, "true") == 0)
			*dst = 1;
		else if (strcmp(value, "false") == 0)
			*dst = 0;
		else
			return ferr(c, "%s: '%s' is not true or false", name, value);
		return 1;
	}
	case K_INT: {
		long long *dst = (long long *)(base + k->off);
		char *end;
		errno = 0;
		long long n = strtoll(value, &end, 10);
		if (errno || value[0] == '\0' || *end != '\0' || n < 0 || n > k->max || value[0] == '+')
			return ferr(c, "%s: '%s' is not a whole number from 0 to %lld", name, value, k->max);
		*dst = n;
		return 1;
	}
	default: {
		struct gl_strv *dst = (struct gl_strv *)(base + k->off);
		if (value[0] == '\0')
			return 1;	/* "key =" is an empty list: adds nothing */
		if (k->kind == K_PATHS) {
			if (!expand_path(c, value, path, sizeof path))
				return 0;
			value = path;
		} else if (!check_word(c, k, value))
			return 0;
		for (i = 0; i < dst->n; i++)
			if (strcmp(dst->v[i], value) == 0)
				return 1;
		if (gl_strv_push(dst, value) < 0)
			return ferr(c, "out of memory");
		return 1;
	}
	}
}

static int
isdir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *
find_in(const char *dir, const char *name)
{
	char buf[PATH_MAX];
	struct stat st;

	if (dir[0] == '\0' || !isdir(dir))
		return NULL;
	if ((size_t)snprintf(buf, sizeof buf, "%s/%s.ini", dir, name) >= sizeof buf)
		return NULL;
	if (stat(buf, &st) == 0 && S_ISREG(st.st_mode))
		return realpath(buf, NULL);
	return NULL;
}

char *
gl_profile_find(const char *arg)
{
	const char *env;
	char buf[PATH_MAX], *list, *dir, *save = NULL, *r = NULL;
	size_t n = strlen(arg);

	if (strchr(arg, '/') != NULL || (n > 4 && strcmp(arg + n - 4, ".ini") == 0)) {
		if ((r = realpath(arg, NULL)) == NULL)
			return NULL;
		return r;
	}
	if (n == 0 || arg[0] == '.') {
		errno = EINVAL;
		return NULL;
	}
	if ((env = getenv("GLEISNER_PROFILE_PATH")) != NULL && env[0] != '\0') {
		if ((list = strdup(env)) == NULL)
			return NULL;
		for (dir = strtok_r(list, ":", &save); dir != NULL && r == NULL;
		    dir = strtok_r(NULL, ":", &save))
			r = find_in(dir, arg);
		free(list);
		if (r != NULL)
			return r;
	}
	if (gl_io_config_dir(NULL, buf, sizeof buf - 10) < 0)
		buf[0] = '\0';
	else
		strcat(buf, "/profiles");
	if (buf[0] != '\0' && (r = find_in(buf, arg)) != NULL)
		return r;
	if ((r = find_in(GL_DATADIR "/profiles", arg)) != NULL)
		return r;
	/* an installed tree moved elsewhere (BINDIR/../share/gleisner/profiles),
	 * or a build tree (build/../profiles) */
	if ((list = gl_exec_selfdir()) != NULL) {
		snprintf(buf, sizeof buf, "%s/../share/gleisner/profiles", list);
		if ((r = find_in(buf, arg)) == NULL) {
			snprintf(buf, sizeof buf, "%s/../profiles", list);
			r = find_in(buf, arg);
		}
		free(list);
		if (r != NULL)
			return r;
	}
	errno = ENOENT;
	return NULL;
}

static int
load(struct gl_profile *p, const char *arg, const char *home, int depth,
    char *err, size_t errsz)
{
	struct ctx c;
	struct stat st;
	char *file, *data;
	size_t i, len;
	int fd, rc;

	if ((file = gl_profile_find(arg)) == NULL) {
		snprintf(err, errsz, "%s: profile not found%s", arg,
		    errno == ENOENT ? " (searched $GLEISNER_PROFILE_PATH, "
		    "~/.config/gleisner/profiles, " GL_DATADIR "/profiles, "
		    "and ../share/gleisner/profiles and ../profiles beside the tool)" : "");
		return -1;
	}
	for (i = 0; i < p->nfiles; i++)
		if (strcmp(p->files[i], file) == 0) {
			snprintf(err, errsz, "%s: include loop", file);
			free(file);
			return -1;
		}
	if (p->nfiles == GL_PROFILE_MAX_FILES) {
		snprintf(err, errsz, "%s: too many included profiles", file);
		free(file);
		return -1;
	}
	/* read once: what is parsed is what is digested (gl_profile_file_sha256) */
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		snprintf(err, errsz, "%s: %s", file, strerror(errno));
		free(file);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", file);
		close(fd);
		free(file);
		return -1;
	}
	if (gl_io_read_fd(fd, MAX_FILE, &data, &len) < 0) {
		snprintf(err, errsz, "%s: %s", file, errno == EFBIG ?
		    "larger than 1 MiB" : strerror(errno));
		close(fd);
		free(file);
		return -1;
	}
	close(fd);
	memset(&c, 0, sizeof c);
	c.p = p;
	c.file = file;
	c.home = home;
	c.buf = data;
	c.len = len;
	c.depth = depth;
	c.last = -1;
	c.err = err;
	c.errsz = errsz;
	/* reserve our slot first so that include loops are seen */
	p->files[p->nfiles] = file;
	p->file_data[p->nfiles] = data;
	p->file_len[p->nfiles] = len;
	p->nfiles++;
	rc = ini_parse_stream(reader, &c, handler, &c);
	if (!c.failed && rc > 0) {
		c.lineno = rc;
		ferr(&c, "syntax error (expected key = value)");
	}
	return c.failed ? -1 : 0;
}

int
gl_profile_file_sha256(const struct gl_profile *p, size_t i, char out[GL_SHA256_HEX])
{
	if (i >= p->nfiles)
		return -1;
	return gl_digest_sha256_hex(p->file_data[i], p->file_len[i], out);
}

int
gl_profile_load(struct gl_profile *p, const char *arg, const char *home,
    char *err, size_t errsz)
{
	memset(p, 0, sizeof *p);
	p->protect_defaults = 1;
	p->pid_namespace = 1;
	p->no_new_privileges = 1;
	p->skip_permissions = 1;
	if (load(p, arg, home, 0, err, errsz) < 0)
		return -1;
	if (p->name == NULL) {
		snprintf(err, errsz, "%s: missing required key 'name'",
		    p->nfiles ? p->files[p->nfiles - 1] : arg);
		return -1;
	}
	if (p->net_default == NULL && (p->net_default = strdup("deny")) == NULL)
		return -1;
	if (p->seccomp_preset == NULL && (p->seccomp_preset = strdup("disabled")) == NULL)
		return -1;
	if (p->seccomp_default_action == NULL &&
	    (p->seccomp_default_action = strdup("errno")) == NULL)
		return -1;
	return 0;
}

static jv
strv_json(const struct gl_strv *v, int ints)
{
	jv a = jv_array();
	size_t i;

	for (i = 0; i < v->n; i++)
		a = jv_array_append(a, ints ? jv_number(atoi(v->v[i])) : jv_string(v->v[i]));
	return a;
}

jv
gl_profile_json(const struct gl_profile *p)
{
	jv o = jv_object(), sec;
	const char *base = (const char *)p;
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		jv v;
		switch (k->kind) {
		case K_STR: {
			const char *s = *(char *const *)(base + k->off);
			v = s ? jv_string(s) : jv_null();
			break;
		}
		case K_BOOL:
			v = jv_bool(*(const int *)(base + k->off));
			break;
		case K_INT:
			v = jv_number((double)*(const long long *)(base + k->off));
			break;
		default:
			v = strv_json((const struct gl_strv *)(base + k->off), k->kind == K_PORTS);
			break;
		}
		if (k->section[0] == '\0') {
			o = jv_object_set(o, jv_string(k->name), v);
			continue;
		}
		sec = jv_object_get(jv_copy(o), jv_string(k->section));
		if (jv_get_kind(sec) != JV_KIND_OBJECT) {
			jv_free(sec);
			sec = jv_object();
		}
		sec = jv_object_set(sec, jv_string(k->name), v);
		o = jv_object_set(o, jv_string(k->section), sec);
	}
	return o;
}

int
gl_profile_digest(const struct gl_profile *p, char out[GL_SHA256_HEX])
{
	size_t n;
	char *s = gl_json_dump(gl_profile_json(p), &n);
	int rc;

	if (s == NULL)
		return -1;
	rc = gl_digest_sha256_hex(s, n, out);
	free(s);
	return rc;
}

int
gl_profile_wants_egress(const struct gl_profile *p)
{
	return (p->net_default != NULL && strcmp(p->net_default, "allow") == 0) ||
	    p->allow_domains.n > 0 || p->mcp_network_domains.n > 0;
}

void
gl_profile_free(struct gl_profile *p)
{
	char *base = (char *)p;
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		if (keys[i].kind == K_STR)
			free(*(char **)(base + keys[i].off));
		else if (keys[i].kind != K_BOOL && keys[i].kind != K_INT)
			gl_strv_free((struct gl_strv *)(base + keys[i].off));
	}
	for (i = 0; i < p->nfiles; i++) {
		free(p->files[i]);
		free(p->file_data[i]);
	}
	memset(p, 0, sizeof *p);
}
