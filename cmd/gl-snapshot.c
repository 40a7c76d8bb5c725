/* gl-snapshot: the hash tree of a directory, and the diff of two. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gl.h"
#include "io.h"
#include "json.h"
#include "snap.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: gl-snapshot [--cache PRE.json] [--exclude PATTERN]... [--gitignore]\n"
	    "                   [--ignore NAME]... [-j N] [--progress] DIR\n"
	    "       gl-snapshot diff PRE.json POST.json\n");
}

/* Read and check one snapshot; exits 3 (bad data) or 4 (I/O). */
static jv
load(const char *path)
{
	char why[200];
	int sys;
	jv v = gl_json_read_file(path, GL_CAP_DOC, &sys);

	if (!jv_is_valid(v)) {
		gl_json_errmsg(v, why, sizeof why);
		errx(sys ? GL_EX_SYS : GL_EX_DATA, "%s: %s", path, why);
	}
	if (gl_snap_check(v, why, sizeof why) < 0) {
		jv_free(v);
		errx(GL_EX_DATA, "%s: %s", path, why);
	}
	return v;
}

/* Read and check the --cache snapshot; exits 3 (bad data) or 4 (I/O). */
static struct gl_snap_cache *
load_cache(const char *path)
{
	struct gl_snap_cache *c;
	char why[200], *buf;
	size_t len;

	if (gl_io_read_file(path, GL_CAP_DOC, &buf, &len) < 0)
		err(GL_EX_SYS, "%s", path);
	if (gl_json_check(buf, len, 0, why, sizeof why) < 0 ||
	    (c = gl_snap_cache_load(buf, len, why, sizeof why)) == NULL) {
		free(buf);
		errx(GL_EX_DATA, "%s: %s", path, why);
	}
	free(buf);
	return c;
}

static int
emit(jv v)
{
	if (gl_json_write_line(stdout, v) < 0 || fflush(stdout) == EOF || ferror(stdout) ||
	    fclose(stdout) == EOF)
		err(GL_EX_SYS, "stdout");
	return GL_EX_OK;
}

/* A relative NAME without "./", trailing "/" or empty, "." or ".." parts. */
static char *
clean_ignore(const char *arg)
{
	char *s, *p, *q;
	size_t n;

	while (arg[0] == '.' && arg[1] == '/')
		arg += 2;
	if ((s = strdup(arg)) == NULL)
		err(GL_EX_SYS, "strdup");
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	if (n == 0 || s[0] == '/')
		goto bad;
	for (p = s; p != NULL; p = q ? q + 1 : NULL) {
		q = strchr(p, '/');
		n = q ? (size_t)(q - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			goto bad;
	}
	return s;
bad:
	free(s);
	warnx("--ignore %s: not a relative path inside DIR", arg);
	usage(stderr);
	exit(GL_EX_USAGE);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cache", required_argument, NULL, 'c' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "gitignore", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "ignore", required_argument, NULL, 'i' },
		{ "progress", no_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct {
		const char *cache;	/* --cache: earlier snapshot to reuse digests from */
		char **ignore;		/* --ignore NAMEs, cleaned */
		size_t nignore;
		char **exclude;		/* --exclude PATTERNs */
		size_t nexclude;
		int gitignore;		/* --gitignore */
		int progress;		/* --progress: at once, terminal or not */
		long threads;		/* -j: hashing threads, 0 one per CPU */
	} o = { 0 };
	char *end, *line;
	size_t len;
	struct gl_snap_opts so;
	char msg[200];
	size_t i;
	jv v;
	int c;

	while ((c = getopt_long(argc, argv, "+hj:", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.cache = optarg;
			break;
		case 'g':
			o.gitignore = 1;
			break;
		case 'j':
			errno = 0;
			o.threads = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || o.threads < 1 || o.threads > 1024) {
				warnx("-j %s: not a number of threads from 1 to 1024", optarg);
				usage(stderr);
				return GL_EX_USAGE;
			}
			break;
		case 'p':
			o.progress = 1;
			break;
		case 'x':
			if (optarg[0] == '\0') {
				warnx("--exclude: an empty pattern");
				usage(stderr);
				return GL_EX_USAGE;
			}
			o.exclude = realloc(o.exclude, (o.nexclude + 1) * sizeof *o.exclude);
			if (o.exclude == NULL)
				err(GL_EX_SYS, "realloc");
			o.exclude[o.nexclude++] = optarg;
			break;
		case 'i':
			o.ignore = realloc(o.ignore, (o.nignore + 1) * sizeof *o.ignore);
			if (o.ignore == NULL)
				err(GL_EX_SYS, "realloc");
			o.ignore[o.nignore++] = clean_ignore(optarg);
			break;
		case 'h':
			usage(stdout);
			return GL_EX_OK;
		case 'V':
			printf("gl-snapshot %s\n", GL_VERSION);
			return GL_EX_OK;
		default:
			usage(stderr);
			return GL_EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (argc >= 1 && strcmp(argv[0], "diff") == 0) {
		if (argc != 3 || o.cache != NULL || o.nignore > 0 || o.nexclude > 0 ||
		    o.gitignore || o.progress || o.threads) {
			usage(stderr);
			return GL_EX_USAGE;
		}
		jv pre = load(argv[1]), post = load(argv[2]);
		v = gl_snap_diff(pre, post);
		if (!jv_is_valid(v))
			errx(GL_EX_SYS, "diff: %s", gl_json_errmsg(v, msg, sizeof msg));
		return emit(v);
	}
	if (argc != 1) {
		usage(stderr);
		return GL_EX_USAGE;
	}

	so.ignore = o.ignore;
	so.nignore = o.nignore;
	so.exclude = o.exclude;
	so.nexclude = o.nexclude;
	so.gitignore = o.gitignore;
	so.threads = (int)o.threads;
	so.cache = o.cache != NULL ? load_cache(o.cache) : NULL;
	so.progress = o.progress ? 2 : isatty(STDERR_FILENO);
	so.prog = "gl-snapshot";
	if (so.cache != NULL && !gl_snap_cache_usable(so.cache))
		warnx("warning: %s: no \"started\" time: cache not used", o.cache);
	if ((line = gl_snap_walk_line(argv[0], &so, &len)) == NULL)
		err(GL_EX_SYS, "%s", argv[0]);
	gl_snap_cache_free((struct gl_snap_cache *)so.cache);
	for (i = 0; i < o.nignore; i++)
		free(o.ignore[i]);
	free(o.ignore);
	free(o.exclude);
	if (fwrite(line, 1, len, stdout) != len || fflush(stdout) == EOF ||
	    ferror(stdout) || fclose(stdout) == EOF)
		err(GL_EX_SYS, "stdout");
	free(line);
	return GL_EX_OK;
}
