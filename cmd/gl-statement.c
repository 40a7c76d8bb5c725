/* gl-statement: assemble the in-toto Statement of a recorded session. */
#include <err.h>
#include <fcntl.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "git.h"
#include "gl.h"
#include "io.h"
#include "json.h"
#include "provenance.h"
#include "statement.h"
#include "utf8.h"

struct opts {
	const char *diff;	/* --diff: gl-snapshot diff output */
	const char *events;	/* --events: gl-watch audit log */
	const char *jail;	/* --jail-report: gl-jail's report */
	const char *landlock;	/* --landlock-report: gl-landlock's report */
	const char *git;	/* --git: gl-statement git-state output */
	const char *network;	/* --network-report: gl-netfilter's report */
	const char *sbom;	/* --sbom-summary: gl-sbom --summary output */
	char **bys;		/* --byproduct: NAME=FILE */
	size_t nbys;
	const char *parent;	/* --parent: the parent DSSE envelope */
	char **skipped;		/* --skipped-parent: envelopes passed over */
	size_t nskipped;
	char **notes;		/* --note: completeness notes of the caller's */
	size_t nnotes;
	const char *id;		/* --invocation-id */
	const char *started;	/* --started */
	const char *finished;	/* --finished */
	const char *project;	/* --project */
	const char *toolver;	/* --tool-version */
	long exitcode;		/* --exit-code, -1 if not given */
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: gl-statement --invocation-id UUID --started TIME --finished TIME\n"
	    "           [--diff FILE] [--events FILE] [--git FILE] [--jail-report FILE]\n"
	    "           [--landlock-report FILE] [--network-report FILE] [--sbom-summary FILE]\n"
	    "           [--byproduct NAME=FILE]... [--parent FILE] [--skipped-parent FILE]...\n"
	    "           [--project DIR] [--tool-version STRING] [--exit-code N] [--note TEXT]...\n"
	    "           [--] [COMMAND [ARG ...]]\n"
	    "       gl-statement git-state DIR\n");
}

static void *
slurp(const char *path, size_t *len)
{
	char *buf;

	if (gl_io_read_file(path, GL_CAP_DOC, &buf, len) < 0) {
		if (errno == EFBIG)
			errx(GL_EX_DATA, "%s: input too large", path);
		err(GL_EX_SYS, "%s", path);
	}
	return buf;
}

/* A JSON document that must be an object: 3 if it is not, 4 if unreadable. */
static jv
object(const char *path)
{
	char msg[200];
	int sys;
	jv v = gl_json_read_file(path, GL_CAP_DOC, &sys);

	if (!jv_is_valid(v))
		errx(sys ? GL_EX_SYS : GL_EX_DATA, "%s: %s", path,
		    gl_json_errmsg(v, msg, sizeof msg));
	if (jv_get_kind(v) != JV_KIND_OBJECT)
		errx(GL_EX_DATA, "%s: not a JSON object", path);
	return v;
}

/* A lib call's verdict on the data read from path: 3 if it is bad. */
static void
data(const char *path, jv r)
{
	char msg[200];

	if (!jv_is_valid(r))
		errx(GL_EX_DATA, "%s: %s", path, gl_json_errmsg(r, msg, sizeof msg));
	jv_free(r);
}

/* --byproduct NAME=FILE: the file's sha256 and size under NAME. */
static void
byproduct(struct gl_statement *st, char *arg)
{
	char hex[GL_SHA256_HEX], *file = strchr(arg, '=');
	unsigned long long size;
	int fd;

	*file++ = '\0';
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0 ||
	    gl_digest_fd_hex(fd, hex, &size) < 0)
		err(GL_EX_SYS, "%s", file);
	close(fd);
	data(file, gl_statement_byproduct(st, arg, hex, (size_t)size));
}

static int
git_state(int argc, char *argv[])
{
	jv st;

	if (argc != 3 || argv[2][0] == '-') {
		usage(stderr);
		return GL_EX_USAGE;
	}
	if (access(argv[2], X_OK) < 0)
		err(GL_EX_SYS, "%s", argv[2]);
	st = gl_git_state(argv[2]);
	if (!jv_is_valid(st)) {
		jv_free(st);
		err(GL_EX_SYS, "git");
	}
	if (gl_json_write_line(stdout, st) < 0 || fflush(stdout) != 0 ||
	    ferror(stdout) || fclose(stdout) != 0)
		err(GL_EX_SYS, "stdout");
	return GL_EX_OK;
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "byproduct", required_argument, NULL, 'b' },
		{ "diff", required_argument, NULL, 'd' },
		{ "events", required_argument, NULL, 'e' },
		{ "exit-code", required_argument, NULL, 'x' },
		{ "finished", required_argument, NULL, 'F' },
		{ "git", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "invocation-id", required_argument, NULL, 'i' },
		{ "jail-report", required_argument, NULL, 'j' },
		{ "landlock-report", required_argument, NULL, 'l' },
		{ "network-report", required_argument, NULL, 'N' },
		{ "note", required_argument, NULL, 'n' },
		{ "parent", required_argument, NULL, 'p' },
		{ "project", required_argument, NULL, 'P' },
		{ "sbom-summary", required_argument, NULL, 'B' },
		{ "skipped-parent", required_argument, NULL, 's' },
		{ "started", required_argument, NULL, 'S' },
		{ "tool-version", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .exitcode = -1 };
	struct gl_statement st;
	char *buf, *end, msg[200], hex[GL_SHA256_HEX];
	unsigned long line;
	size_t len, i;
	jv v;
	int c;

	if (argc >= 2 && strcmp(argv[1], "git-state") == 0)
		return git_state(argc, argv);
	while ((c = getopt_long(argc, argv, "+hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (strchr(optarg, '=') == NULL || optarg[0] == '=') {
				warnx("--byproduct %s: not NAME=FILE", optarg);
				return GL_EX_USAGE;
			}
			if ((o.bys = reallocarray(o.bys, o.nbys + 1, sizeof *o.bys)) == NULL)
				err(GL_EX_SYS, "reallocarray");
			o.bys[o.nbys++] = optarg;
			break;
		case 'B': o.sbom = optarg; break;
		case 'N': o.network = optarg; break;
		case 'd': o.diff = optarg; break;
		case 'e': o.events = optarg; break;
		case 'F': o.finished = optarg; break;
		case 'g': o.git = optarg; break;
		case 'i': o.id = optarg; break;
		case 'j': o.jail = optarg; break;
		case 'l': o.landlock = optarg; break;
		case 'n':
			if (!gl_utf8_valid(optarg, strlen(optarg)))
				errx(GL_EX_USAGE, "--note: not UTF-8");
			if ((o.notes = reallocarray(o.notes, o.nnotes + 1,
			    sizeof *o.notes)) == NULL)
				err(GL_EX_SYS, "reallocarray");
			o.notes[o.nnotes++] = optarg;
			break;
		case 'p': o.parent = optarg; break;
		case 'P': o.project = optarg; break;
		case 'S': o.started = optarg; break;
		case 't': o.toolver = optarg; break;
		case 's':
			if ((o.skipped = reallocarray(o.skipped, o.nskipped + 1,
			    sizeof *o.skipped)) == NULL)
				err(GL_EX_SYS, "reallocarray");
			o.skipped[o.nskipped++] = optarg;
			break;
		case 'x':
			errno = 0;
			o.exitcode = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || o.exitcode < 0 || o.exitcode > 255) {
				warnx("--exit-code %s: not a number from 0 to 255", optarg);
				return GL_EX_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return GL_EX_OK;
		case 'V':
			printf("gl-statement %s\n", GL_VERSION);
			return GL_EX_OK;
		default:
			usage(stderr);
			return GL_EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (o.id == NULL || o.started == NULL || o.finished == NULL) {
		warnx("--invocation-id, --started and --finished are required");
		usage(stderr);
		return GL_EX_USAGE;
	}
	if (!gl_provenance_uuid_ok(o.id)) {
		warnx("--invocation-id %s: not a lowercase UUID", o.id);
		return GL_EX_USAGE;
	}
	if (!gl_provenance_time_ok(o.started) || !gl_provenance_time_ok(o.finished)) {
		warnx("--started/--finished: not a UTC time YYYY-MM-DDTHH:MM:SSZ");
		return GL_EX_USAGE;
	}
	if (strcmp(o.started, o.finished) > 0) {
		warnx("--finished %s: before --started %s", o.finished, o.started);
		return GL_EX_USAGE;
	}

	/* the inputs in a fixed order, so the first bad one is reported */
	gl_statement_init(&st);
	st.id = o.id;
	st.started = o.started;
	st.finished = o.finished;
	st.project = o.project;
	st.toolver = o.toolver;
	st.exitcode = o.exitcode;
	if (o.jail != NULL)
		data(o.jail, gl_statement_jail(&st, object(o.jail)));
	if (o.git != NULL)
		data(o.git, gl_statement_git(&st, object(o.git)));
	if (o.landlock != NULL)
		gl_statement_sandbox(&st, "landlock", object(o.landlock));
	if (o.network != NULL)
		gl_statement_network(&st, object(o.network));
	v = gl_statement_command(&st, argc, argv);
	if (!jv_is_valid(v) && jv_invalid_has_msg(jv_copy(v)))
		errx(GL_EX_USAGE, "%s", gl_json_errmsg(v, msg, sizeof msg));
	if (!jv_is_valid(v)) {
		warnx("no COMMAND, and no command in a jail report");
		usage(stderr);
		jv_free(v);
		gl_statement_free(&st);
		return GL_EX_USAGE;
	}
	jv_free(v);
	if (o.toolver != NULL && !gl_utf8_valid(o.toolver, strlen(o.toolver)))
		errx(GL_EX_USAGE, "--tool-version: not UTF-8");
	if (o.parent != NULL) {
		buf = slurp(o.parent, &len);
		v = gl_statement_parent(&st, o.parent, buf, len);
		free(buf);
		data(o.parent, v);
	}
	if (o.events != NULL) {
		buf = slurp(o.events, &len);
		v = gl_provenance_events(buf, len, &line);
		if (!jv_is_valid(v))
			errx(GL_EX_DATA, "%s:%lu: %s", o.events, line,
			    gl_json_errmsg(v, msg, sizeof msg));
		if (gl_digest_sha256_hex(buf, len, hex) < 0)
			errx(GL_EX_SYS, "sha256 failed");
		free(buf);
		gl_statement_events(&st, o.events, v, len, hex);
	} else
		gl_statement_events(&st, NULL, jv_invalid(), 0, NULL);
	if (o.diff != NULL)
		data(o.diff, gl_statement_diff(&st, object(o.diff)));
	else
		gl_statement_diff(&st, jv_null());
	if (o.sbom != NULL) {
		buf = slurp(o.sbom, &len);
		if (gl_digest_sha256_hex(buf, len, hex) < 0)
			errx(GL_EX_SYS, "sha256 failed");
		free(buf);
		data(o.sbom, gl_statement_sbom(&st, o.sbom, object(o.sbom), hex));
	}
	for (i = 0; i < o.nbys; i++)
		byproduct(&st, o.bys[i]);
	for (i = 0; i < o.nskipped; i++) {
		buf = slurp(o.skipped[i], &len);
		if (gl_digest_sha256_hex(buf, len, hex) < 0)
			errx(GL_EX_SYS, "sha256 failed");
		free(buf);
		gl_statement_skipped(&st, o.skipped[i], hex);
	}
	for (i = 0; i < o.nnotes; i++)
		gl_statement_note(&st, o.notes[i]);
	v = gl_statement_finish(&st);
	gl_statement_free(&st);
	free(o.skipped);
	free(o.notes);
	free(o.bys);
	if (gl_json_write_line(stdout, v) < 0 || fflush(stdout) != 0 ||
	    ferror(stdout) || fclose(stdout) != 0)
		err(GL_EX_SYS, "stdout");
	return GL_EX_OK;
}
