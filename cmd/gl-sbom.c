/* gl-sbom: a CycloneDX SBOM from the lockfiles of a project. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cargolock.h"
#include "clock.h"
#include "gl.h"
#include "io.h"
#include "json.h"
#include "purl.h"
#include "sbom.h"
#include "utf8.h"

#define MAX_DEPTH 32

static void
usage(FILE *f)
{
	fprintf(f, "usage: gl-sbom [--spec-version 1.5|1.6] DIR\n");
}

/* Directories never searched for lockfiles: vendored and build trees,
 * and every hidden directory (.git, .gleisner, .cargo, ...). */
static int
pruned(const char *name)
{
	return name[0] == '.' || strcmp(name, "vendor") == 0 || strcmp(name, "target") == 0 ||
	    strcmp(name, "node_modules") == 0;
}

static char *
join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	if (p == NULL)
		err(GL_EX_SYS, "malloc");
	snprintf(p, n, "%s%s%s", a, *a ? "/" : "", b);
	return p;
}

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect the relative paths of the Cargo.lock files below dfd. */
static void
find_locks(const char *dir, int dfd, const char *rel, int depth, char ***out, size_t *n)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if ((fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3)) < 0 || (d = fdopendir(fd)) == NULL) {
		warn("warning: %s/%s: not searched", dir, rel);
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		char *path = join(rel, de->d_name);
		if (strcmp(de->d_name, "Cargo.lock") == 0) {
			if (!S_ISREG(st.st_mode)) {
				warnx("warning: %s/%s: not a regular file: skipped", dir, path);
			} else {
				if ((*out = realloc(*out, (*n + 1) * sizeof **out)) == NULL)
					err(GL_EX_SYS, "realloc");
				(*out)[(*n)++] = path;
				continue;
			}
		} else if (S_ISDIR(st.st_mode) && !pruned(de->d_name)) {
			if (depth >= MAX_DEPTH) {
				warnx("warning: %s/%s: deeper than %d levels: not searched", dir, path,
				    MAX_DEPTH);
			} else if ((fd = openat(dfd, de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
				warn("warning: %s/%s: not searched", dir, path);
			} else {
				find_locks(dir, fd, path, depth + 1, out, n);
				close(fd);
			}
		}
		free(path);
	}
	closedir(d);
}

/* Add the packages of one parsed lockfile to comps (bom-ref -> component)
 * and deps (bom-ref -> {dependsOn ref: true}); its roots hang off "project". */
static void
add_lock(const char *file, const char *rel, struct gl_cargolock *lk, jv *comps, jv *deps)
{
	char **refs = calloc(lk->n + 1, sizeof *refs), *vcs, *purl;
	int *needed = calloc(lk->n + 1, sizeof *needed);
	size_t i, j;

	if (refs == NULL || needed == NULL)
		err(GL_EX_SYS, "calloc");
	for (i = 0; i < lk->n; i++) {
		struct gl_cargolock_pkg *p = &lk->pkg[i];
		jv c = jv_object_set(jv_object(), jv_string("type"), jv_string("library"));
		c = jv_object_set(c, jv_string("name"), jv_string(p->name));
		c = jv_object_set(c, jv_string("version"), jv_string(p->version));
		vcs = purl = NULL;
		if (p->source != NULL) {
			if ((purl = gl_purl_cargo(p->name, p->version, p->source, &vcs)) == NULL)
				errx(GL_EX_DATA, "%s:%d: unsupported source \"%s\"", file, p->line,
				    p->source);
			refs[i] = strdup(purl);
			c = jv_object_set(c, jv_string("purl"), jv_string(purl));
		} else {
			char *r = gl_utf8_pct_encode(rel, strlen(rel));
			char *n = gl_purl_encode(p->name), *v = gl_purl_encode(p->version);
			size_t len;
			if (r == NULL || n == NULL || v == NULL)
				err(GL_EX_SYS, "malloc");
			len = strlen(r) + strlen(n) + strlen(v) + 16;
			if ((refs[i] = malloc(len)) != NULL)
				snprintf(refs[i], len, "cargo-local:%s#%s@%s", r, n, v);
			free(r);
			free(n);
			free(v);
		}
		if (refs[i] == NULL)
			err(GL_EX_SYS, "malloc");
		c = jv_object_set(c, jv_string("bom-ref"), jv_string(refs[i]));
		if (p->checksum != NULL) {
			jv h = jv_object_set(jv_object(), jv_string("alg"), jv_string("SHA-256"));
			h = jv_object_set(h, jv_string("content"), jv_string(p->checksum));
			c = jv_object_set(c, jv_string("hashes"), JV_ARRAY(h));
		}
		if (vcs != NULL) {
			jv x = jv_object_set(jv_object(), jv_string("type"), jv_string("vcs"));
			x = jv_object_set(x, jv_string("url"), jv_string(vcs));
			c = jv_object_set(c, jv_string("externalReferences"), JV_ARRAY(x));
		}
		free(vcs);
		free(purl);
		jv old = jv_object_get(jv_copy(*comps), jv_string(refs[i]));
		if (jv_is_valid(old) && !jv_equal(jv_copy(old), jv_copy(c)))
			errx(GL_EX_DATA, "%s:%d: %s conflicts with a package of the same purl",
			    file, p->line, refs[i]);
		jv_free(old);
		*comps = jv_object_set(*comps, jv_string(refs[i]), c);
		if (!jv_object_has(jv_copy(*deps), jv_string(refs[i])))
			*deps = jv_object_set(*deps, jv_string(refs[i]), jv_object());
	}
	for (i = 0; i < lk->n; i++) {
		jv set = jv_object_get(jv_copy(*deps), jv_string(refs[i]));
		for (j = 0; j < lk->pkg[i].ndeps; j++) {
			needed[lk->pkg[i].deps[j]] = 1;
			set = jv_object_set(set, jv_string(refs[lk->pkg[i].deps[j]]), jv_true());
		}
		*deps = jv_object_set(*deps, jv_string(refs[i]), set);
	}
	for (i = 0; i < lk->n; i++) {
		if (!needed[i]) {
			jv set = jv_object_get(jv_copy(*deps), jv_string("project"));
			*deps = jv_object_set(*deps, jv_string("project"),
			    jv_object_set(set, jv_string(refs[i]), jv_true()));
		}
		free(refs[i]);
	}
	free(refs);
	free(needed);
}

static void
read_lock(const char *dir, int dfd, const char *rel, jv *comps, jv *deps)
{
	char *file = join(dir, rel), *buf, why[300];
	struct gl_cargolock lk;
	struct stat st;
	size_t len;
	int fd;

	fd = openat(dfd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0)
		err(GL_EX_SYS, "%s", file);
	if (!S_ISREG(st.st_mode))
		errx(GL_EX_SYS, "%s: not a regular file", file);
	if (gl_io_read_fd(fd, GL_CAP_DOC, &buf, &len) < 0) {
		if (errno == EFBIG)
			errx(GL_EX_DATA, "%s: larger than %lu bytes", file, GL_CAP_DOC);
		err(GL_EX_SYS, "%s", file);
	}
	close(fd);
	if (gl_cargolock_parse(buf, len, &lk, why, sizeof why) < 0)
		errx(strncmp(why, "0: ", 3) == 0 ? GL_EX_SYS : GL_EX_DATA, "%s:%s", file, why);
	add_lock(file, rel, &lk, comps, deps);
	gl_cargolock_free(&lk);
	free(buf);
	free(file);
}

/* metadata.timestamp: SOURCE_DATE_EPOCH when set, else now */
static int
timestamp(char *buf, size_t sz)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	struct timespec ts = { 0, 0 };
	char *end;

	if (s == NULL)
		return gl_clock_now(buf, sz, 0);
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v > 253402300799LL)
		return -1;
	ts.tv_sec = (time_t)v;
	return gl_clock_format(&ts, 0, buf, sz);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "spec-version", required_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct {
		const char *spec;	/* --spec-version: "1.5" (default) or "1.6" */
	} o = { "1.5" };
	char ts[GL_CLOCK_LEN], why[32], *real, **locks = NULL;
	size_t nlocks = 0, i;
	jv comps, deps, doc;
	int c, dfd;

	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			o.spec = optarg;
			break;
		case 'h':
			usage(stdout);
			return GL_EX_OK;
		case 'V':
			printf("gl-sbom %s\n", GL_VERSION);
			return GL_EX_OK;
		default:
			usage(stderr);
			return GL_EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1) {
		usage(stderr);
		return GL_EX_USAGE;
	}
	if (strcmp(o.spec, "1.5") != 0 && strcmp(o.spec, "1.6") != 0) {
		warnx("--spec-version %s: not 1.5 or 1.6", o.spec);
		usage(stderr);
		return GL_EX_USAGE;
	}
	if (timestamp(ts, sizeof ts) < 0) {
		warnx("SOURCE_DATE_EPOCH: not a number of seconds");
		return GL_EX_USAGE;
	}

	if ((dfd = open(argv[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (real = realpath(argv[0], NULL)) == NULL)
		err(GL_EX_SYS, "%s", argv[0]);
	comps = jv_object();
	find_locks(argv[0], dfd, "", 0, &locks, &nlocks);
	if (nlocks > 0)
		qsort(locks, nlocks, sizeof *locks, strpcmp);
	if (nlocks == 0)
		warnx("warning: %s: no lockfile found", argv[0]);
	deps = jv_object_set(jv_object(), jv_string("project"), jv_object());
	for (i = 0; i < nlocks; i++) {
		read_lock(argv[0], dfd, locks[i], &comps, &deps);
		free(locks[i]);
	}
	free(locks);
	close(dfd);

	doc = gl_sbom_document(comps, deps, o.spec, ts, basename(real));
	free(real);
	if (!jv_is_valid(doc)) {
		c = errno;
		gl_json_errmsg(doc, why, sizeof why);
		errno = c;
		err(GL_EX_SYS, "%s", why);
	}

	if (gl_json_write_line(stdout, doc) < 0 || fflush(stdout) == EOF || ferror(stdout) ||
	    fclose(stdout) == EOF)
		err(GL_EX_SYS, "stdout");
	return GL_EX_OK;
}
