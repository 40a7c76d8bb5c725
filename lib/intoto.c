#include "intoto.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "b64.h"
#include "json.h"
#include "utf8.h"

int
gl_intoto_name_ok(const char *name, size_t len)
{
	size_t i = 0, start;

	if (len == 0 || memchr(name, '\0', len) != NULL || name[0] == '/')
		return 0;
	while (i <= len) {
		start = i;
		while (i < len && name[i] != '/')
			i++;
		if (i == start || (i - start == 1 && name[start] == '.') ||
		    (i - start == 2 && name[start] == '.' && name[start + 1] == '.'))
			return 0;
		i++;
	}
	return 1;
}

static void
shown(jv s, char *out, size_t outsz)
{
	if (jv_get_kind(s) == JV_KIND_STRING)
		gl_utf8_sanitize(jv_string_value(s),
		    (size_t)jv_string_length_bytes(jv_copy(s)), out, outsz);
	else
		snprintf(out, outsz, "(not a string)");
}

/* The raw file name of subject sub: annotations.path_b64 if present. */
static char *
subject_path(jv sub, size_t *len, int *bad)
{
	jv b64 = jv_getpath(jv_copy(sub), JV_ARRAY(jv_string("annotations"),
	    jv_string("path_b64"))), name;
	char *p = NULL;

	*bad = 0;
	if (jv_get_kind(b64) == JV_KIND_STRING) {
		if (gl_b64_decode(jv_string_value(b64),
		    (size_t)jv_string_length_bytes(jv_copy(b64)), &p, len) < 0) {
			p = NULL;
			*bad = 1;
		}
	} else if (jv_get_kind(b64) != JV_KIND_NULL)
		*bad = 1;
	jv_free(b64);
	if (p != NULL || *bad)
		return p;
	name = gl_json_get(sub, "name");
	if (jv_get_kind(name) == JV_KIND_STRING) {
		*len = (size_t)jv_string_length_bytes(jv_copy(name));
		if ((p = malloc(*len + 1)) != NULL) {
			memcpy(p, jv_string_value(name), *len);
			p[*len] = '\0';
		}
	} else
		*bad = 1;
	jv_free(name);
	return p;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static enum gl_intoto_step
subjects(jv subj, char *why, size_t whysz)
{
	char name[128];
	const char **names;
	int n, i, bad;
	jv s, nm, dg, sha;
	enum gl_intoto_step rc = GL_INTOTO_OK;
	char *raw;
	size_t rawlen;

	if (jv_get_kind(subj) != JV_KIND_ARRAY) {
		snprintf(why, whysz, "subject is not an array");
		return GL_INTOTO_SUBJECTS_BAD;
	}
	n = jv_array_length(jv_copy(subj));
	if ((names = calloc((size_t)n + 1, sizeof *names)) == NULL) {
		snprintf(why, whysz, "out of memory");
		return GL_INTOTO_SUBJECTS_BAD;
	}
	for (i = 0; i < n && rc == GL_INTOTO_OK; i++) {
		s = jv_array_get(jv_copy(subj), i);
		nm = gl_json_get(s, "name");
		dg = gl_json_get(s, "digest");
		sha = gl_json_get(dg, "sha256");
		shown(nm, name, sizeof name);
		rc = GL_INTOTO_SUBJECTS_BAD;
		if (jv_get_kind(s) != JV_KIND_OBJECT || jv_get_kind(nm) != JV_KIND_STRING)
			snprintf(why, whysz, "subject %d has no string name", i + 1);
		else if (!gl_intoto_name_ok(jv_string_value(nm),
		    (size_t)jv_string_length_bytes(jv_copy(nm))))
			snprintf(why, whysz, "subject \"%s\": name is not a relative path "
			    "without \"..\", \".\" or empty components", name);
		else if (jv_get_kind(sha) != JV_KIND_STRING ||
		    !gl_digest_is_sha256_hex(jv_string_value(sha)))
			snprintf(why, whysz, "subject \"%s\": digest.sha256 is not 64 "
			    "lowercase hex digits", name);
		else {
			raw = subject_path(s, &rawlen, &bad);
			if (raw == NULL || !gl_intoto_name_ok(raw, rawlen))
				snprintf(why, whysz, "subject \"%s\": annotations.path_b64 "
				    "is not a base64 relative path", name);
			else
				rc = GL_INTOTO_OK;
			free(raw);
		}
		if (rc == GL_INTOTO_OK)
			names[i] = jv_string_value(nm);	/* held by subj */
		jv_free(sha);
		jv_free(dg);
		jv_free(nm);
		jv_free(s);
	}
	/* names sorted, so a repeated one is found in n log n, not n^2 */
	if (rc == GL_INTOTO_OK && n > 1) {
		qsort(names, (size_t)n, sizeof *names, namecmp);
		for (i = 1; i < n && rc == GL_INTOTO_OK; i++)
			if (strcmp(names[i - 1], names[i]) == 0) {
				gl_utf8_sanitize(names[i], strlen(names[i]), name, sizeof name);
				snprintf(why, whysz, "subject \"%s\" appears twice", name);
				rc = GL_INTOTO_SUBJECTS_BAD;
			}
	}
	free(names);
	return rc;
}

enum gl_intoto_step
gl_intoto_check(jv st, const char *expect_type, char *why, size_t whysz)
{
	char got[128];
	const char *t;
	jv pred, pt, subj;
	enum gl_intoto_step rc;

	if (jv_get_kind(st) != JV_KIND_OBJECT) {
		snprintf(why, whysz, "payload is not a JSON object");
		return GL_INTOTO_STATEMENT_BAD;
	}
	t = gl_json_str(st, "_type");
	if (t == NULL || strcmp(t, GL_INTOTO_STATEMENT) != 0) {
		snprintf(why, whysz, "payload is not an in-toto Statement: _type is "
		    "not %s", GL_INTOTO_STATEMENT);
		return GL_INTOTO_STATEMENT_BAD;
	}
	pred = gl_json_get(st, "predicate");
	rc = jv_is_valid(pred) && jv_get_kind(pred) != JV_KIND_OBJECT &&
	    jv_get_kind(pred) != JV_KIND_NULL;
	jv_free(pred);
	if (rc) {
		snprintf(why, whysz, "statement predicate is not an object");
		return GL_INTOTO_STATEMENT_BAD;
	}
	pt = gl_json_get(st, "predicateType");
	shown(pt, got, sizeof got);
	rc = jv_get_kind(pt) != JV_KIND_STRING ||
	    strcmp(jv_string_value(pt), expect_type) != 0 ||
	    (size_t)jv_string_length_bytes(jv_copy(pt)) != strlen(expect_type);
	jv_free(pt);
	if (rc) {
		snprintf(why, whysz, "predicateType \"%s\" is not the expected \"%s\"",
		    got, expect_type);
		return GL_INTOTO_PREDTYPE_BAD;
	}
	subj = gl_json_get(st, "subject");
	rc = subjects(subj, why, whysz);
	jv_free(subj);
	return rc;
}

int
gl_intoto_parent(jv st, char hex[GL_SHA256_HEX], char *why, size_t whysz)
{
	jv deps, d, ann, sha;
	int n, i, found = 0, rc = 0;
	const char *role;

	deps = jv_getpath(jv_copy(st), JV_ARRAY(jv_string("predicate"),
	    jv_string("buildDefinition"), jv_string("resolvedDependencies")));
	if (jv_get_kind(deps) == JV_KIND_NULL) {
		jv_free(deps);
		return 0;
	}
	if (jv_get_kind(deps) != JV_KIND_ARRAY) {
		jv_free(deps);
		snprintf(why, whysz, "resolvedDependencies is not an array");
		return -1;
	}
	n = jv_array_length(jv_copy(deps));
	for (i = 0; i < n && rc == 0; i++) {
		d = jv_array_get(jv_copy(deps), i);
		ann = gl_json_get(d, "annotations");
		role = gl_json_str(ann, "role");
		if (role != NULL && strcmp(role, GL_INTOTO_PARENT_ROLE) == 0) {
			sha = jv_getpath(jv_copy(d), JV_ARRAY(jv_string("digest"),
			    jv_string("sha256")));
			if (found++) {
				snprintf(why, whysz, "more than one parent-attestation");
				rc = -1;
			} else if (jv_get_kind(sha) != JV_KIND_STRING ||
			    !gl_digest_is_sha256_hex(jv_string_value(sha))) {
				snprintf(why, whysz, "parent-attestation digest.sha256 is "
				    "not 64 lowercase hex digits");
				rc = -1;
			} else
				memcpy(hex, jv_string_value(sha), GL_SHA256_HEX);
			jv_free(sha);
		}
		jv_free(ann);
		jv_free(d);
	}
	jv_free(deps);
	return rc < 0 ? -1 : found > 0;
}

/* Open path beneath dfd, following no symlink: openat2 where the kernel
 * has it, else one component at a time with O_NOFOLLOW. */
static int
open_beneath(int dfd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		    RESOLVE_NO_MAGICLINKS,
	};
	char *copy, *comp, *next;
	int fd, cur, saved;

	fd = (int)syscall(SYS_openat2, dfd, path, &how, sizeof how);
	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return fd;
	if ((copy = strdup(path)) == NULL)
		return -1;
	if ((cur = fcntl(dfd, F_DUPFD_CLOEXEC, 0)) < 0) {
		free(copy);
		return -1;
	}
	for (comp = copy; (next = strchr(comp, '/')) != NULL; comp = next + 1) {
		*next = '\0';
		fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		saved = errno;
		close(cur);
		if (fd < 0) {
			free(copy);
			errno = saved == ENOTDIR ? ELOOP : saved;
			return -1;
		}
		cur = fd;
	}
	fd = openat(cur, comp, (int)how.flags);
	saved = errno;
	close(cur);
	free(copy);
	errno = saved;
	return fd;
}

int
gl_intoto_check_files(jv st, const char *dir, char *why, size_t whysz)
{
	char name[128], hex[GL_SHA256_HEX];
	const char *want;
	struct stat sb;
	jv subj, s, sha;
	char *raw;
	size_t rawlen;
	int dfd, fd, n, i, bad, rc = 0;

	if ((dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(why, whysz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	subj = gl_json_get(st, "subject");
	n = jv_get_kind(subj) == JV_KIND_ARRAY ? jv_array_length(jv_copy(subj)) : 0;
	for (i = 0; i < n && rc == 0; i++) {
		s = jv_array_get(jv_copy(subj), i);
		sha = jv_getpath(jv_copy(s), JV_ARRAY(jv_string("digest"),
		    jv_string("sha256")));
		want = jv_get_kind(sha) == JV_KIND_STRING ? jv_string_value(sha) : "";
		raw = subject_path(s, &rawlen, &bad);
		if (raw == NULL) {
			snprintf(why, whysz, "subject %d has no usable name", i + 1);
			rc = 1;
			goto next;
		}
		gl_utf8_sanitize(raw, rawlen, name, sizeof name);
		if ((fd = open_beneath(dfd, raw)) < 0) {
			int e = errno;
			rc = e == EACCES || e == EIO || e == ENOMEM || e == EMFILE ? -1 : 1;
			snprintf(why, whysz, "%s: %s", name,
			    e == ELOOP || e == EXDEV ? "is or passes through a symlink" :
			    e == ENOENT ? "missing" : strerror(e));
			errno = e;
			goto next;
		}
		if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
			snprintf(why, whysz, "%s: not a regular file", name);
			rc = 1;
		} else if (gl_digest_fd_hex(fd, hex, NULL) < 0) {
			snprintf(why, whysz, "%s: %s", name, strerror(errno));
			rc = -1;
		} else if (strcmp(hex, want) != 0) {
			snprintf(why, whysz, "%s: sha256 %s does not match the subject "
			    "digest", name, hex);
			rc = 1;
		}
		close(fd);
next:
		free(raw);
		jv_free(sha);
		jv_free(s);
	}
	jv_free(subj);
	close(dfd);
	return rc;
}

/* The raw names of the subjects and deleted byproducts of st. */
static int
changed(jv st, const char *raw, size_t len)
{
	jv lists[2], e;
	char *r;
	size_t rl;
	int i, j, n, bad, hit = 0;

	lists[0] = gl_json_get(st, "subject");
	lists[1] = jv_getpath(jv_copy(st), JV_ARRAY(jv_string("predicate"),
	    jv_string("runDetails"), jv_string("byproducts")));
	for (i = 0; i < 2 && !hit; i++) {
		n = jv_get_kind(lists[i]) == JV_KIND_ARRAY ? jv_array_length(jv_copy(lists[i])) : 0;
		for (j = 0; j < n && !hit; j++) {
			const char *role;
			jv ann;
			e = jv_array_get(jv_copy(lists[i]), j);
			ann = gl_json_get(e, "annotations");
			role = gl_json_str(ann, "role");
			if (i == 0 || (role != NULL && strcmp(role, "deleted") == 0)) {
				r = subject_path(e, &rl, &bad);
				hit = r != NULL && rl == len && memcmp(r, raw, len) == 0;
				free(r);
			}
			jv_free(ann);
			jv_free(e);
		}
	}
	jv_free(lists[0]);
	jv_free(lists[1]);
	return hit;
}

int
gl_intoto_check_materials(jv st, const char *dir, char *why, size_t whysz)
{
	char name[128], hex[GL_SHA256_HEX];
	jv deps, d, e;
	char *raw, *r2;
	size_t len, l2;
	int dfd, fd, n, i, j, bad, rc = 0, checked = 0, passed = 0, ok;

	if ((dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(why, whysz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	deps = jv_getpath(jv_copy(st), JV_ARRAY(jv_string("predicate"),
	    jv_string("buildDefinition"), jv_string("resolvedDependencies")));
	n = jv_get_kind(deps) == JV_KIND_ARRAY ? jv_array_length(jv_copy(deps)) : 0;
	for (i = 0; i < n && rc == 0; i++) {
		jv ann;
		const char *role;
		d = jv_array_get(jv_copy(deps), i);
		ann = gl_json_get(d, "annotations");
		role = gl_json_str(ann, "role");
		raw = role != NULL && strcmp(role, "material") == 0 ?
		    subject_path(d, &len, &bad) : NULL;
		jv_free(ann);
		if (raw == NULL || raw[0] == '/' || !gl_intoto_name_ok(raw, len) ||
		    changed(st, raw, len)) {
			passed += raw != NULL;
			goto next;
		}
		gl_utf8_sanitize(raw, len, name, sizeof name);
		checked++;
		if ((fd = open_beneath(dfd, raw)) < 0) {
			rc = errno == EACCES || errno == EIO || errno == EMFILE ? -1 : 1;
			snprintf(why, whysz, "material %s: %s", name, errno == ENOENT ?
			    "missing" : errno == ELOOP || errno == EXDEV ?
			    "is or passes through a symlink" : strerror(errno));
			goto next;
		}
		if (gl_digest_fd_hex(fd, hex, NULL) < 0) {
			snprintf(why, whysz, "material %s: %s", name, strerror(errno));
			rc = -1;
		}
		close(fd);
		for (ok = 0, j = 0; rc == 0 && j < n && !ok; j++) {
			const char *h;
			e = jv_array_get(jv_copy(deps), j);
			r2 = subject_path(e, &l2, &bad);
			{
				jv dg = gl_json_get(e, "digest");
				h = gl_json_str(dg, "sha256");
				ok = r2 != NULL && l2 == len && memcmp(r2, raw, len) == 0 &&
				    h != NULL && strcmp(h, hex) == 0;
				jv_free(dg);
			}
			free(r2);
			jv_free(e);
		}
		if (rc == 0 && !ok) {
			snprintf(why, whysz, "material %s: sha256 %s is none of the digests "
			    "read", name, hex);
			rc = 1;
		}
next:
		free(raw);
		jv_free(d);
	}
	jv_free(deps);
	close(dfd);
	if (rc == 0)
		snprintf(why, whysz, "%d material(s) match under %s, %d passed over "
		    "(changed by the session or outside the project)", checked, dir, passed);
	return rc;
}
