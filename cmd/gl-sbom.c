/* gl-sbom: a CycloneDX SBOM from the lockfiles of a project; what changed
 * since an earlier SBOM; the checks the schema cannot make. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "gl.h"
#include "io.h"
#include "json.h"
#include "lockfile.h"
#include "sbom.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: gl-sbom [--spec 1.5|1.6] [--compare BEFORE [--summary FILE]] DIR\n"
	    "       gl-sbom --check FILE\n");
}

static char *
join(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s%s%s", a, *a ? "/" : "", b) < 0)
		err(GL_EX_SYS, "malloc");
	return p;
}

/* Read rel below dfd, capped: 0, with *buf NULL when it is missing and
 * optional, or the exit status after saying what failed. */
static int
slurp(const char *file, int dfd, const char *rel, int optional, char **buf, size_t *len)
{
	struct stat st;
	int fd, rc = GL_EX_SYS;

	*buf = NULL;
	*len = 0;
	fd = openat(dfd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && optional && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0)
		warn("%s", file);
	else if (!S_ISREG(st.st_mode))
		warnx("%s: not a regular file", file);
	else if (gl_io_read_fd(fd, GL_CAP_DOC, buf, len) < 0) {
		if (errno == EFBIG) {
			warnx("%s: larger than %lu bytes", file, GL_CAP_DOC);
			rc = GL_EX_DATA;
		} else
			warn("%s", file);
	} else
		rc = 0;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Parse one lockfile into comps and deps: 0, or the exit status after
 * saying which file and line is wrong. */
static int
read_lock(const char *dir, int dfd, const char *rel, jv *comps, jv *deps)
{
	const struct gl_lockfile *k = gl_lockfile_kind(strrchr(rel, '/') ?
	    strrchr(rel, '/') + 1 : rel);
	char *file = join(dir, rel), *buf = NULL, *abuf = NULL, *arel = NULL, *afile = NULL;
	char why[400];
	size_t len, alen = 0;
	int rc;
	jv lock;

	if ((rc = slurp(file, dfd, rel, 0, &buf, &len)) != 0)
		goto out;
	if (k->aux != NULL) {	/* go.sum beside go.mod */
		const char *slash = strrchr(rel, '/');
		if (asprintf(&arel, "%.*s%s%s", slash ? (int)(slash - rel) : 0, rel,
		    slash ? "/" : "", k->aux) < 0)
			err(GL_EX_SYS, "malloc");
		afile = join(dir, arel);
		if ((rc = slurp(afile, dfd, arel, 1, &abuf, &alen)) != 0)
			goto out;
	}
	lock = k->parse(buf, len, abuf, alen);
	if (!jv_is_valid(lock)) {
		gl_json_errmsg(lock, why, sizeof why);
		rc = GL_EX_DATA;
		if (why[0] == '!') {
			warnx("%s: %s", file, why + 1);
			rc = GL_EX_SYS;
		} else if (why[0] == '+')
			warnx("%s:%s", afile, why + 1);
		else
			warnx("%s:%s%s", file, why[0] >= '0' && why[0] <= '9' ? "" : " ", why);
		goto out;
	}
	gl_sbom_add(comps, deps, k->eco, rel, lock);
out:
	free(abuf);
	free(arel);
	free(afile);
	free(buf);
	free(file);
	return rc;
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

/* A CycloneDX document from a file ("-" is stdin); exit 3 or 4 if not. */
static jv
read_bom(const char *path)
{
	char *buf, why[200];
	size_t len;
	jv v;

	if (gl_io_read_file(path, GL_CAP_DOC, &buf, &len) < 0) {
		if (errno == EFBIG)
			errx(GL_EX_DATA, "%s: larger than %lu bytes", path, GL_CAP_DOC);
		err(GL_EX_SYS, "%s", path);
	}
	v = gl_json_parse_lax(buf, len);
	free(buf);
	if (!jv_is_valid(v))
		errx(GL_EX_DATA, "%s: %s", path, gl_json_errmsg(v, why, sizeof why));
	if (gl_json_str(v, "bomFormat") == NULL ||
	    strcmp(gl_json_str(v, "bomFormat"), "CycloneDX") != 0)
		errx(GL_EX_DATA, "%s: not a CycloneDX BOM (bomFormat)", path);
	return v;
}

static void
write_out(jv doc)
{
	if (gl_json_write_line(stdout, doc) < 0 || fflush(stdout) == EOF || ferror(stdout) ||
	    fclose(stdout) == EOF)
		err(GL_EX_SYS, "stdout");
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "check", required_argument, NULL, 'c' },
		{ "compare", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "spec", required_argument, NULL, 's' },
		{ "spec-version", required_argument, NULL, 's' },
		{ "summary", required_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct {
		const char *spec;	/* --spec: "1.5" (default) or "1.6" */
		const char *check;	/* --check: a BOM to check, no DIR */
		const char *compare;	/* --compare: the BOM from before the session */
		const char *summary;	/* --summary: where the comparison's summary goes */
	} o = { "1.5", NULL, NULL, NULL };
	char ts[GL_CLOCK_LEN], why[32], *real, *s;
	size_t len;
	jv comps, deps, props, doc, before = jv_invalid(), sum = jv_invalid(), probs, found, locks;
	int c, dfd;

	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			o.spec = optarg;
			break;
		case 'c':
			o.check = optarg;
			break;
		case 'C':
			o.compare = optarg;
			break;
		case 'S':
			o.summary = optarg;
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
	if (o.check != NULL ? argc != 0 || o.compare || o.summary : argc != 1) {
		usage(stderr);
		return GL_EX_USAGE;
	}
	if (o.summary != NULL && o.compare == NULL) {
		warnx("--summary needs --compare");
		usage(stderr);
		return GL_EX_USAGE;
	}
	if (strcmp(o.spec, "1.5") != 0 && strcmp(o.spec, "1.6") != 0) {
		warnx("--spec %s: not 1.5 or 1.6", o.spec);
		usage(stderr);
		return GL_EX_USAGE;
	}
	if (timestamp(ts, sizeof ts) < 0) {
		warnx("SOURCE_DATE_EPOCH: not a number of seconds");
		return GL_EX_USAGE;
	}

	if (o.check != NULL) {	/* --check: a verdict, no SBOM */
		doc = read_bom(o.check);
		probs = gl_sbom_check(doc, 1);
		c = jv_array_length(jv_copy(probs)) == 0 ? GL_EX_OK : GL_EX_FAIL;
		write_out(jv_object_set(jv_object_set(jv_object(), jv_string("problems"), probs),
		    jv_string("valid"), jv_bool(c == GL_EX_OK)));
		return c;
	}
	if (o.compare != NULL)
		before = read_bom(o.compare);

	if ((dfd = open(argv[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (real = realpath(argv[0], NULL)) == NULL)
		err(GL_EX_SYS, "%s", argv[0]);
	found = gl_lockfile_find(dfd, argv[0]);
	if (!jv_is_valid(found))
		err(GL_EX_SYS, "%s", argv[0]);
	locks = gl_json_get(found, "warnings");
	jv_array_foreach(locks, k, m) {
		warnx("warning: %s", jv_string_value(m));
		jv_free(m);
	}
	jv_free(locks);
	props = jv_array();
	locks = gl_json_get(found, "unsupported");
	jv_array_foreach(locks, k, u)
		props = jv_array_append(props, jv_object_set(jv_object_set(jv_object(),
		    jv_string("name"), jv_string("gl-sbom:unsupported")), jv_string("value"), u));
	jv_free(locks);
	locks = gl_json_get(found, "locks");
	jv_free(found);
	if (jv_array_length(jv_copy(locks)) == 0)
		warnx("warning: %s: no lockfile found", argv[0]);
	comps = jv_object();
	deps = jv_object_set(jv_object(), jv_string("project"), jv_object());
	c = 0;
	jv_array_foreach(locks, k, rel) {
		if (c == 0)
			c = read_lock(argv[0], dfd, jv_string_value(rel), &comps, &deps);
		jv_free(rel);
	}
	jv_free(locks);
	close(dfd);
	if (c != 0) {	/* nothing half-written: no SBOM at all */
		free(real);
		jv_free(comps);
		jv_free(deps);
		jv_free(props);
		jv_free(before);
		return c;
	}

	if (o.compare != NULL) {
		sum = gl_sbom_compare(before, &comps, &props);
		if (!jv_is_valid(sum)) {
			warnx("%s: %s", o.compare, gl_json_errmsg(sum, why, sizeof why));
			free(real);
			jv_free(comps);
			jv_free(deps);
			jv_free(props);
			return GL_EX_DATA;
		}
	}
	doc = gl_sbom_bare(comps, deps, props, o.spec, ts, basename(real));
	free(real);
	if (!jv_is_valid(doc)) {
		c = errno;
		gl_json_errmsg(doc, why, sizeof why);
		errno = c;
		err(GL_EX_SYS, "%s", why);
	}
	/* our own purls come from gl_purl_build: the rest is worth checking */
	probs = gl_sbom_check(jv_copy(doc), 0);
	jv_array_foreach(probs, k, m) {
		warnx("%s", jv_string_value(m));
		jv_free(m);
	}
	if (jv_array_length(probs) > 0) {
		warnx("%s: the lockfiles do not make a consistent SBOM", argv[0]);
		jv_free(doc);
		jv_free(sum);
		return GL_EX_DATA;
	}
	if (o.summary != NULL) {
		if (gl_json_write_file(o.summary, sum) < 0) {
			warn("%s", o.summary);
			jv_free(doc);
			return GL_EX_SYS;
		}
	} else
		jv_free(sum);
	if ((s = gl_sbom_render(doc, &len)) == NULL)
		err(GL_EX_SYS, "serialising the SBOM");
	if (fwrite(s, 1, len, stdout) != len || fflush(stdout) == EOF || ferror(stdout) ||
	    fclose(stdout) == EOF)
		err(GL_EX_SYS, "stdout");
	free(s);
	return GL_EX_OK;
}
