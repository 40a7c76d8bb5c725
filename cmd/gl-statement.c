/* gl-statement: assemble the in-toto Statement of a recorded session. */
#include <err.h>
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
#include "utf8.h"

#define BUILD_TYPE "https://gleisner.dev/session/v1"

struct opts {
	const char *diff;	/* --diff: gl-snapshot diff output */
	const char *events;	/* --events: gl-watch audit log */
	const char *jail;	/* --jail-report: gl-jail's report */
	const char *landlock;	/* --landlock-report: gl-landlock's report */
	const char *git;	/* --git: gl-statement git-state output */
	const char *parent;	/* --parent: the parent DSSE envelope */
	char **skipped;		/* --skipped-parent: envelopes passed over */
	size_t nskipped;
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
	    "           [--landlock-report FILE] [--parent FILE] [--skipped-parent FILE]...\n"
	    "           [--project DIR] [--tool-version STRING] [--exit-code N]\n"
	    "           [--] [COMMAND [ARG ...]]\n"
	    "       gl-statement git-state DIR\n");
}

static const char *
base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
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

static jv
kv(const char *k, jv v)
{
	return jv_object_set(jv_object(), jv_string(k), v);
}

static int
sha_digest(jv d)
{
	int ok = jv_get_kind(d) == JV_KIND_OBJECT &&
	    gl_digest_is_sha256_hex(gl_json_str(d, "sha256"));

	jv_free(d);
	return ok;
}

/* Check the parts of the jail report the statement takes. */
static void
check_jail(const char *path, jv j)
{
	jv p = gl_json_get(j, "profile"), c = gl_json_get(j, "command");
	jv x = gl_json_get(j, "exit"), f, e;
	const char *msg = NULL;
	int i, n;

	if (jv_is_valid(p) && (jv_get_kind(p) != JV_KIND_OBJECT ||
	    gl_json_str(p, "name") == NULL || !sha_digest(gl_json_get(p, "digest"))))
		msg = "profile needs a name and digest.sha256";
	f = gl_json_get(p, "files");
	if (msg == NULL && jv_is_valid(f)) {
		n = jv_get_kind(f) == JV_KIND_ARRAY ? jv_array_length(jv_copy(f)) : -1;
		if (n < 0)
			msg = "profile.files is not an array";
		for (i = 0; i < n && msg == NULL; i++) {
			e = jv_array_get(jv_copy(f), i);
			if (gl_json_str(e, "path") == NULL || !sha_digest(gl_json_get(e, "digest")))
				msg = "profile.files[] needs a path and digest.sha256";
			jv_free(e);
		}
	}
	if (msg == NULL && jv_is_valid(c)) {
		n = jv_get_kind(c) == JV_KIND_ARRAY ? jv_array_length(jv_copy(c)) : -1;
		if (n < 1)
			msg = "command is not a non-empty array";
		for (i = 0; i < n && msg == NULL; i++) {
			e = jv_array_get(jv_copy(c), i);
			if (jv_get_kind(e) != JV_KIND_STRING)
				msg = "command[] is not a string";
			jv_free(e);
		}
	}
	if (msg == NULL && jv_is_valid(x)) {
		jv code = gl_json_get(x, "code"), sig = gl_json_get(x, "signal");
		if (jv_get_kind(x) != JV_KIND_OBJECT ||
		    jv_is_valid(code) == jv_is_valid(sig) ||
		    jv_get_kind(jv_is_valid(code) ? code : sig) != JV_KIND_NUMBER)
			msg = "exit needs exactly one of code or signal, a number";
		jv_free(code);
		jv_free(sig);
	}
	if (msg == NULL && jv_object_has(jv_copy(j), jv_string("project")) &&
	    (gl_json_str(j, "project") == NULL || gl_json_str(j, "project")[0] != '/'))
		msg = "project is not an absolute path";
	jv_free(p);
	jv_free(c);
	jv_free(x);
	jv_free(f);
	if (msg != NULL)
		errx(GL_EX_DATA, "%s: %s", path, msg);
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
		{ "diff", required_argument, NULL, 'd' },
		{ "events", required_argument, NULL, 'e' },
		{ "exit-code", required_argument, NULL, 'x' },
		{ "finished", required_argument, NULL, 'F' },
		{ "git", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "invocation-id", required_argument, NULL, 'i' },
		{ "jail-report", required_argument, NULL, 'j' },
		{ "landlock-report", required_argument, NULL, 'l' },
		{ "parent", required_argument, NULL, 'p' },
		{ "project", required_argument, NULL, 'P' },
		{ "skipped-parent", required_argument, NULL, 's' },
		{ "started", required_argument, NULL, 'S' },
		{ "tool-version", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .exitcode = -1 };
	jv ext, in, deps, bys, jail = jv_invalid(), sandbox, session, ann, x, v, cmd;
	jv notes, compl, other;
	const char *project = NULL;
	char *buf, *end, msg[200], hex[GL_SHA256_HEX];
	unsigned long line;
	double denials = 0;
	size_t len, i;
	int c, events_ok = 0, diff_ok = 0;

	if (argc >= 2 && strcmp(argv[1], "git-state") == 0)
		return git_state(argc, argv);
	while ((c = getopt_long(argc, argv, "+hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.diff = optarg; break;
		case 'e': o.events = optarg; break;
		case 'F': o.finished = optarg; break;
		case 'g': o.git = optarg; break;
		case 'i': o.id = optarg; break;
		case 'j': o.jail = optarg; break;
		case 'l': o.landlock = optarg; break;
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

	ext = jv_object();
	in = jv_object();
	deps = jv_array();
	bys = jv_array();
	sandbox = jv_object();
	notes = jv_array();
	compl = jv_object();
	other = jv_array();

	/* the jail report: profile, command, exit status, project */
	if (o.jail != NULL) {
		jail = object(o.jail);
		check_jail(o.jail, jail);
		sandbox = jv_object_set(sandbox, jv_string("jail"), jv_copy(jail));
		project = gl_json_str(jail, "project");
	}
	if (o.project != NULL)
		project = o.project;
	/* resolvedDependencies: git, profile, parent, in this order */
	if (o.git != NULL) {
		v = gl_provenance_git(object(o.git), project);
		if (!jv_is_valid(v))
			errx(GL_EX_DATA, "%s: %s", o.git, gl_json_errmsg(v, msg, sizeof msg));
		if (jv_get_kind(v) == JV_KIND_OBJECT)
			deps = jv_array_append(deps, v);
		else
			jv_free(v);
	}
	if (o.landlock != NULL)
		sandbox = jv_object_set(sandbox, jv_string("landlock"), object(o.landlock));

	/* externalParameters: what the caller asked for */
	if (argc > 0) {
		cmd = jv_array();
		for (i = 0; i < (size_t)argc; i++) {
			if (!gl_utf8_valid(argv[i], strlen(argv[i])))
				errx(GL_EX_USAGE, "COMMAND: argument %zu is not UTF-8", i);
			cmd = jv_array_append(cmd, jv_string(argv[i]));
		}
	} else if (jv_is_valid(jail) && jv_object_has(jv_copy(jail), jv_string("command")))
		cmd = gl_json_get(jail, "command");
	else {
		warnx("no COMMAND, and no command in a jail report");
		usage(stderr);
		jv_free(ext), jv_free(in), jv_free(deps), jv_free(bys);
		jv_free(sandbox), jv_free(notes), jv_free(compl), jv_free(other);
		jv_free(jail);
		return GL_EX_USAGE;
	}
	ext = jv_object_set(ext, jv_string("command"), cmd);
	x = gl_json_get(jail, "profile");
	if (jv_get_kind(x) == JV_KIND_OBJECT) {
		ext = jv_object_set(ext, jv_string("profile"), jv_object_set(kv("name",
		    gl_json_get(x, "name")), jv_string("digest"), gl_json_get(x, "digest")));
		ann = kv("role", jv_string("profile"));
		if (jv_object_has(jv_copy(x), jv_string("files")))
			ann = jv_object_set(ann, jv_string("files"), gl_json_get(x, "files"));
		deps = jv_array_append(deps, jv_object_set(jv_object_set(kv("name",
		    gl_json_get(x, "name")), jv_string("digest"), gl_json_get(x, "digest")),
		    jv_string("annotations"), ann));
	}
	jv_free(x);
	if (project != NULL) {
		char *p = strdup(project);
		size_t n;
		if (p == NULL)
			err(GL_EX_SYS, "strdup");
		for (n = strlen(p); n > 1 && p[n - 1] == '/'; n--)
			p[n - 1] = '\0';
		ext = gl_utf8_set_name(ext, "project", base(p), strlen(base(p)));
		in = gl_utf8_set_name(in, "projectPath", p, strlen(p));
		free(p);
	}

	/* internalParameters: the sandbox as the stages report it */
	in = jv_object_set(in, jv_string("sandbox"), sandbox);
	if (o.toolver != NULL) {
		if (!gl_utf8_valid(o.toolver, strlen(o.toolver)))
			errx(GL_EX_USAGE, "--tool-version: not UTF-8");
		in = jv_object_set(in, jv_string("toolVersion"), jv_string(o.toolver));
	}

	if (o.parent != NULL) {
		buf = slurp(o.parent, &len);
		v = gl_provenance_parent(buf, len);
		free(buf);
		if (!jv_is_valid(v))
			errx(GL_EX_DATA, "%s: %s", o.parent, gl_json_errmsg(v, msg, sizeof msg));
		deps = jv_array_append(deps, jv_object_set(jv_object_set(kv("name",
		    jv_string(base(o.parent))), jv_string("digest"), kv("sha256", v)),
		    jv_string("annotations"), kv("role", jv_string("parent-attestation"))));
	}

	/* byproducts: the audit log, deleted files, skipped parents, the session */
	if (o.events != NULL) {
		buf = slurp(o.events, &len);
		v = gl_provenance_events(buf, len, &line);
		if (!jv_is_valid(v))
			errx(GL_EX_DATA, "%s:%lu: %s", o.events, line,
			    gl_json_errmsg(v, msg, sizeof msg));
		if (gl_digest_sha256_hex(buf, len, hex) < 0)
			errx(GL_EX_SYS, "sha256 failed");
		free(buf);
		denials = jv_number_value(jv_object_get(jv_copy(v), jv_string("denials")));
		events_ok = jv_get_kind(jv_object_get(jv_copy(v), jv_string("complete"))) == JV_KIND_TRUE;
		if (jv_get_kind(jv_object_get(jv_copy(v), jv_string("sessionEnd"))) != JV_KIND_TRUE)
			notes = jv_array_append(notes, jv_string("the audit log has no session.end"));
		else if (!events_ok)
			notes = jv_array_append(notes, jv_string("the watcher lost events"));
		ann = jv_object_set(v, jv_string("role"), jv_string("audit-log"));
		ann = jv_object_set(ann, jv_string("size"), jv_number((double)len));
		bys = jv_array_append(bys, jv_object_set(jv_object_set(kv("name",
		    jv_string(base(o.events))), jv_string("digest"), kv("sha256",
		    jv_string(hex))), jv_string("annotations"), ann));
	} else
		notes = jv_array_append(notes, jv_string("no audit log was given"));
	if (o.diff != NULL) {
		v = gl_provenance_diff(object(o.diff));
		if (!jv_is_valid(v))
			errx(GL_EX_DATA, "%s: %s", o.diff, gl_json_errmsg(v, msg, sizeof msg));
		bys = jv_array_concat(bys, jv_object_get(jv_copy(v), jv_string("deleted")));
		diff_ok = jv_get_kind(jv_object_get(jv_copy(v), jv_string("complete"))) == JV_KIND_TRUE;
		if (!diff_ok)
			notes = jv_array_append(notes, jv_string("the snapshots skipped paths"));
		jv_free(other);
		other = jv_object_get(jv_copy(v), jv_string("other"));
		x = jv_object_get(v, jv_string("subjects"));
	} else {
		x = jv_array();
		notes = jv_array_append(notes, jv_string("no snapshot diff was given"));
	}
	for (i = 0; i < o.nskipped; i++) {
		buf = slurp(o.skipped[i], &len);
		if (gl_digest_sha256_hex(buf, len, hex) < 0)
			errx(GL_EX_SYS, "sha256 failed");
		free(buf);
		ann = kv("role", jv_string("skipped-parent"));
		ann = jv_object_set(ann, jv_string("reason"),
		    jv_string("did not verify with a trusted key"));
		bys = jv_array_append(bys, jv_object_set(jv_object_set(kv("name",
		    jv_string(base(o.skipped[i]))), jv_string("digest"), kv("sha256",
		    jv_string(hex))), jv_string("annotations"), ann));
	}
	notes = jv_array_append(notes, jv_string("materials: file reads are not "
	    "observed by the inotify watcher"));
	compl = jv_object_set(compl, jv_string("subjects"), jv_bool(diff_ok));
	compl = jv_object_set(compl, jv_string("events"), jv_bool(events_ok));
	compl = jv_object_set(compl, jv_string("materials"), jv_false());
	session = kv("role", jv_string("session"));
	v = gl_json_get(jail, "exit");
	if (!jv_is_valid(v) && o.exitcode >= 0) {
		jv_free(v);
		v = kv("code", jv_number((double)o.exitcode));
	} else if (!jv_is_valid(v)) {
		jv_free(v);
		v = jv_null();
	}
	session = jv_object_set(session, jv_string("exit"), v);
	session = jv_object_set(session, jv_string("completeness"), compl);
	session = jv_object_set(session, jv_string("completenessNotes"), notes);
	session = jv_object_set(session, jv_string("denials"), jv_number(denials));
	session = jv_object_set(session, jv_string("otherChanges"), other);
	snprintf(msg, sizeof msg, "urn:uuid:%s", o.id);
	bys = jv_array_append(bys, jv_object_set(jv_object_set(kv("name",
	    jv_string("session")), jv_string("uri"), jv_string(msg)),
	    jv_string("annotations"), session));

	/* the statement */
	v = jv_object();
	v = jv_object_set(v, jv_string("buildType"), jv_string(BUILD_TYPE));
	v = jv_object_set(v, jv_string("externalParameters"), ext);
	v = jv_object_set(v, jv_string("internalParameters"), in);
	v = jv_object_set(v, jv_string("resolvedDependencies"), deps);
	ann = jv_object();
	ann = jv_object_set(ann, jv_string("builder"), kv("id", jv_string(GL_BUILDER_ID)));
	ann = jv_object_set(ann, jv_string("metadata"), jv_object_set(jv_object_set(
	    kv("invocationId", jv_string(o.id)), jv_string("startedOn"),
	    jv_string(o.started)), jv_string("finishedOn"), jv_string(o.finished)));
	ann = jv_object_set(ann, jv_string("byproducts"), bys);
	v = jv_object_set(kv("buildDefinition", v), jv_string("runDetails"), ann);
	v = kv("predicate", v);
	v = jv_object_set(v, jv_string("predicateType"), jv_string("https://slsa.dev/provenance/v1"));
	v = jv_object_set(v, jv_string("_type"), jv_string("https://in-toto.io/Statement/v1"));
	v = jv_object_set(v, jv_string("subject"), x);
	jv_free(jail);
	free(o.skipped);
	if (gl_json_write_line(stdout, v) < 0 || fflush(stdout) != 0 ||
	    ferror(stdout) || fclose(stdout) != 0)
		err(GL_EX_SYS, "stdout");
	return GL_EX_OK;
}
