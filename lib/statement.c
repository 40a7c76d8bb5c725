#include "statement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "gl.h"
#include "json.h"
#include "provenance.h"
#include "redact.h"
#include "utf8.h"

#define BUILD_TYPE "https://gleisner.dev/session/v1"

static const char *
base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static jv
kv(const char *k, jv v)
{
	return jv_object_set(jv_object(), jv_string(k), v);
}

/* A resource descriptor {name, digest, annotations} (all consumed). */
static jv
rd(jv name, jv digest, jv ann)
{
	return jv_object_set(jv_object_set(kv("name", name), jv_string("digest"),
	    digest), jv_string("annotations"), ann);
}

/* The same for a file read from path with that sha256. */
static jv
file_rd(const char *path, const char *hex, jv ann)
{
	return rd(jv_string(base(path)), kv("sha256", jv_string(hex)), ann);
}

void
gl_statement_init(struct gl_statement *s)
{
	s->jail = jv_invalid();
	s->sandbox = jv_object();
	s->command = jv_invalid();
	s->git = jv_invalid();
	s->parent = jv_invalid();
	s->materials = jv_array();
	s->bys = jv_array();
	s->notes = jv_array();
	s->other = jv_array();
	s->subjects = jv_array();
	s->denials = 0;
	s->events_ok = s->diff_ok = s->reads_ok = 0;
}

void
gl_statement_free(struct gl_statement *s)
{
	jv *v[] = { &s->jail, &s->sandbox, &s->command, &s->git, &s->parent,
	    &s->materials, &s->bys, &s->notes, &s->other, &s->subjects };
	size_t i;

	for (i = 0; i < sizeof v / sizeof *v; i++) {
		jv_free(*v[i]);
		*v[i] = jv_invalid();
	}
}

static int
sha_digest(jv d)
{
	int ok = jv_get_kind(d) == JV_KIND_OBJECT &&
	    gl_digest_is_sha256_hex(gl_json_str(d, "sha256"));

	jv_free(d);
	return ok;
}

/* What is wrong with the parts of the jail report the statement takes. */
static const char *
check_jail(jv j)
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
	return msg;
}

/* A command line (a JSON array of strings, consumed) with the values that
 * look like secrets replaced, as gl-watch does in the audit log: what is
 * signed and shown must not carry a token the user typed. */
static jv
redacted(jv cmd)
{
	char **v;
	int n, i;
	jv out;

	if (jv_get_kind(cmd) != JV_KIND_ARRAY)
		return cmd;
	n = jv_array_length(jv_copy(cmd));
	if ((v = calloc((size_t)n + 1, sizeof *v)) == NULL)
		return cmd;
	for (i = 0; i < n; i++) {
		jv e = jv_array_get(jv_copy(cmd), i);
		v[i] = strdup(jv_get_kind(e) == JV_KIND_STRING ? jv_string_value(e) : "");
		jv_free(e);
		if (v[i] == NULL)
			goto out;
	}
	if (gl_redact_argv(v, (size_t)n) > 0) {
		out = jv_array();
		for (i = 0; i < n; i++)
			out = jv_array_append(out, jv_string(v[i]));
		jv_free(cmd);
		cmd = out;
	}
out:
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return cmd;
}

jv
gl_statement_jail(struct gl_statement *s, jv report)
{
	const char *msg = check_jail(report);

	if (msg != NULL) {
		jv_free(report);
		return jv_invalid_with_msg(jv_string(msg));
	}
	if (jv_object_has(jv_copy(report), jv_string("command")))
		report = jv_object_set(report, jv_string("command"),
		    redacted(gl_json_get(report, "command")));
	s->sandbox = jv_object_set(s->sandbox, jv_string("jail"), jv_copy(report));
	jv_free(s->jail);
	s->jail = report;
	if (s->project == NULL)
		s->project = gl_json_str(s->jail, "project");
	return jv_true();
}

jv
gl_statement_git(struct gl_statement *s, jv git)
{
	jv v = gl_provenance_git(git, s->project);

	if (!jv_is_valid(v))
		return v;
	jv_free(s->git);
	s->git = jv_get_kind(v) == JV_KIND_OBJECT ? v : (jv_free(v), jv_invalid());
	return jv_true();
}

void
gl_statement_sandbox(struct gl_statement *s, const char *stage, jv report)
{
	s->sandbox = jv_object_set(s->sandbox, jv_string(stage), report);
}

jv
gl_statement_command(struct gl_statement *s, int argc, char *const argv[])
{
	char msg[80];
	jv cmd;
	int i;

	if (argc > 0) {
		cmd = jv_array();
		for (i = 0; i < argc; i++) {
			if (!gl_utf8_valid(argv[i], strlen(argv[i]))) {
				jv_free(cmd);
				snprintf(msg, sizeof msg,
				    "COMMAND: argument %d is not UTF-8", i);
				return jv_invalid_with_msg(jv_string(msg));
			}
			cmd = jv_array_append(cmd, jv_string(argv[i]));
		}
	} else if (jv_is_valid(s->jail) &&
	    jv_object_has(jv_copy(s->jail), jv_string("command")))
		cmd = gl_json_get(s->jail, "command");
	else
		return jv_invalid();
	jv_free(s->command);
	s->command = redacted(cmd);
	return jv_true();
}

jv
gl_statement_parent(struct gl_statement *s, const char *path, const char *buf,
    size_t len)
{
	jv v = gl_provenance_parent(buf, len);

	if (!jv_is_valid(v))
		return v;
	jv_free(s->parent);
	s->parent = rd(jv_string(base(path)), kv("sha256", v),
	    kv("role", jv_string("parent-attestation")));
	return jv_true();
}

void
gl_statement_events(struct gl_statement *s, const char *path, jv v,
    size_t size, const char *hex)
{
	jv ann;

	if (path == NULL) {
		jv_free(v);
		s->notes = jv_array_append(s->notes,
		    jv_string("no audit log was given"));
		return;
	}
	{
	char note[120];
	double unread;

	s->denials = jv_number_value(jv_object_get(jv_copy(v), jv_string("denials")));
	s->events_ok = jv_get_kind(jv_object_get(jv_copy(v),
	    jv_string("complete"))) == JV_KIND_TRUE;
	unread = jv_number_value(jv_object_get(jv_copy(v), jv_string("unreadMaterials")));
	s->reads_ok = s->events_ok && unread == 0 && jv_get_kind(jv_object_get(
	    jv_copy(v), jv_string("reads"))) == JV_KIND_TRUE;
	jv_free(s->materials);
	s->materials = jv_object_get(jv_copy(v), jv_string("materials"));
	v = jv_object_delete(v, jv_string("materials"));
	if (jv_get_kind(jv_object_get(jv_copy(v), jv_string("sessionEnd"))) != JV_KIND_TRUE)
		s->notes = jv_array_append(s->notes,
		    jv_string("the audit log has no session.end"));
	else if (jv_number_value(jv_object_get(jv_copy(v), jv_string("errors"))) > 0)
		s->notes = jv_array_append(s->notes,
		    jv_string("the watcher reported errors (watch.error)"));
	else if (!s->events_ok)
		s->notes = jv_array_append(s->notes,
		    jv_string("the watcher lost events"));
	if (jv_get_kind(jv_object_get(jv_copy(v), jv_string("reads"))) != JV_KIND_TRUE)
		s->notes = jv_array_append(s->notes, jv_string("materials: the "
		    "watcher did not observe file reads"));
	if (unread > 0) {
		snprintf(note, sizeof note, "materials: %.0f read(s) could not be "
		    "hashed", unread);
		s->notes = jv_array_append(s->notes, jv_string(note));
	}
	ann = jv_object_set(v, jv_string("role"), jv_string("audit-log"));
	ann = jv_object_set(ann, jv_string("size"), jv_number((double)size));
	s->bys = jv_array_append(s->bys, file_rd(path, hex, ann));
	}
}

void
gl_statement_network(struct gl_statement *s, jv report)
{
	jv j = gl_json_get(s->sandbox, "jail");

	if (jv_get_kind(j) == JV_KIND_OBJECT)
		s->sandbox = jv_object_set(s->sandbox, jv_string("jail"),
		    jv_object_delete(j, jv_string("network")));
	else
		jv_free(j);
	s->sandbox = jv_object_set(s->sandbox, jv_string("network"), report);
}

/* What is wrong with a gl-sbom summary, or NULL. */
static const char *
check_sbom(jv v)
{
	static const char *lists[] = { "added", "removed", "changed" };
	jv x, c;
	size_t i;
	const char *msg = NULL;

	jv_object_foreach(v, k, val) {
		const char *ks = jv_string_value(k);
		if (msg == NULL && strcmp(ks, "added") != 0 && strcmp(ks, "removed") != 0 &&
		    strcmp(ks, "changed") != 0 && strcmp(ks, "counts") != 0)
			msg = "unknown key (want added, removed, changed, counts)";
		jv_free(k);
		jv_free(val);
	}
	for (i = 0; i < 3 && msg == NULL; i++) {
		x = gl_json_get(v, lists[i]);
		if (jv_get_kind(x) != JV_KIND_ARRAY)
			msg = "added, removed and changed must be arrays";
		else
			jv_array_foreach(x, j, e) {
				if (msg == NULL && jv_get_kind(e) != JV_KIND_OBJECT)
					msg = "a component entry is not an object";
				(void)j;
				jv_free(e);
			}
		jv_free(x);
	}
	c = gl_json_get(v, "counts");
	if (msg == NULL && jv_get_kind(c) != JV_KIND_OBJECT)
		msg = "counts must be an object";
	else if (msg == NULL)
		jv_object_foreach(c, k, val) {
			if (msg == NULL && (jv_get_kind(val) != JV_KIND_NUMBER ||
			    jv_number_value(val) < 0))
				msg = "counts must be non-negative integers";
			jv_free(k);
			jv_free(val);
		}
	jv_free(c);
	return msg;
}

jv
gl_statement_sbom(struct gl_statement *s, const char *path, jv summary,
    const char *hex)
{
	const char *msg = check_sbom(summary);

	if (msg != NULL) {
		jv_free(summary);
		return jv_invalid_with_msg(jv_string(msg));
	}
	s->bys = jv_array_append(s->bys, file_rd(path, hex, jv_object_set(
	    kv("role", jv_string("sbom-summary")), jv_string("summary"), summary)));
	return jv_true();
}

jv
gl_statement_byproduct(struct gl_statement *s, const char *name,
    const char *hex, size_t size)
{
	jv ann;

	if (name[0] == '\0' || !gl_utf8_valid(name, strlen(name)))
		return jv_invalid_with_msg(jv_string("the name is empty or not UTF-8"));
	jv_array_foreach(s->bys, i, b) {
		const char *n = gl_json_str(b, "name");
		int same = n != NULL && strcmp(n, name) == 0;
		(void)i;
		jv_free(b);
		if (same)
			return jv_invalid_with_msg(jv_string("the name is already a byproduct"));
	}
	ann = kv("role", jv_string("byproduct"));
	ann = jv_object_set(ann, jv_string("size"), jv_number((double)size));
	s->bys = jv_array_append(s->bys, rd(jv_string(name),
	    kv("sha256", jv_string(hex)), ann));
	return jv_true();
}

jv
gl_statement_diff(struct gl_statement *s, jv diff)
{
	jv v;

	if (jv_get_kind(diff) == JV_KIND_NULL) {
		s->notes = jv_array_append(s->notes,
		    jv_string("no snapshot diff was given"));
		return jv_true();
	}
	if (!jv_is_valid(v = gl_provenance_diff(diff)))
		return v;
	s->bys = jv_array_concat(s->bys, jv_object_get(jv_copy(v), jv_string("deleted")));
	s->diff_ok = jv_get_kind(jv_object_get(jv_copy(v),
	    jv_string("complete"))) == JV_KIND_TRUE;
	if (!s->diff_ok)
		s->notes = jv_array_append(s->notes,
		    jv_string("the snapshots skipped paths"));
	jv_free(s->other);
	s->other = jv_object_get(jv_copy(v), jv_string("other"));
	jv_free(s->subjects);
	s->subjects = jv_object_get(v, jv_string("subjects"));
	return jv_true();
}

void
gl_statement_note(struct gl_statement *s, const char *text)
{
	s->notes = jv_array_append(s->notes, jv_string(text));
}

void
gl_statement_skipped(struct gl_statement *s, const char *path, const char *hex)
{
	jv ann = kv("role", jv_string("skipped-parent"));

	ann = jv_object_set(ann, jv_string("reason"),
	    jv_string("did not verify with a trusted key"));
	s->bys = jv_array_append(s->bys, file_rd(path, hex, ann));
}

/* The last byproduct: the session itself. */
static jv
session(struct gl_statement *s)
{
	char uri[80];
	jv compl = jv_object(), ses = kv("role", jv_string("session"));
	jv v = gl_json_get(s->jail, "exit");

	compl = jv_object_set(compl, jv_string("subjects"), jv_bool(s->diff_ok));
	compl = jv_object_set(compl, jv_string("events"), jv_bool(s->events_ok));
	compl = jv_object_set(compl, jv_string("materials"), jv_bool(s->reads_ok));
	if (!jv_is_valid(v) && s->exitcode >= 0) {
		jv_free(v);
		v = kv("code", jv_number((double)s->exitcode));
	} else if (!jv_is_valid(v)) {
		jv_free(v);
		v = jv_null();
	}
	ses = jv_object_set(ses, jv_string("exit"), v);
	ses = jv_object_set(ses, jv_string("completeness"), compl);
	ses = jv_object_set(ses, jv_string("completenessNotes"), s->notes);
	ses = jv_object_set(ses, jv_string("denials"), jv_number(s->denials));
	ses = jv_object_set(ses, jv_string("otherChanges"), s->other);
	s->notes = s->other = jv_invalid();
	snprintf(uri, sizeof uri, "urn:uuid:%s", s->id);
	return jv_object_set(jv_object_set(kv("name", jv_string("session")),
	    jv_string("uri"), jv_string(uri)), jv_string("annotations"), ses);
}

jv
gl_statement_finish(struct gl_statement *s)
{
	jv ext = kv("command", s->command), in = jv_object(), deps = jv_array();
	jv x = gl_json_get(s->jail, "profile"), ann, v;
	const char *p = s->project, *b;
	size_t n;

	s->command = jv_invalid();
	if (jv_is_valid(s->git))
		deps = jv_array_append(deps, s->git);
	s->git = jv_invalid();
	if (jv_get_kind(x) == JV_KIND_OBJECT) {
		ext = jv_object_set(ext, jv_string("profile"), jv_object_set(kv("name",
		    gl_json_get(x, "name")), jv_string("digest"), gl_json_get(x, "digest")));
		ann = kv("role", jv_string("profile"));
		if (jv_object_has(jv_copy(x), jv_string("files")))
			ann = jv_object_set(ann, jv_string("files"), gl_json_get(x, "files"));
		deps = jv_array_append(deps, rd(gl_json_get(x, "name"),
		    gl_json_get(x, "digest"), ann));
	}
	jv_free(x);
	if (jv_is_valid(s->parent))
		deps = jv_array_append(deps, s->parent);
	s->parent = jv_invalid();
	deps = jv_array_concat(deps, s->materials);
	s->materials = jv_invalid();
	if (p != NULL) {	/* without trailing slashes */
		for (n = strlen(p); n > 1 && p[n - 1] == '/'; n--)
			;
		b = memrchr(p, '/', n);
		b = b != NULL ? b + 1 : p;
		ext = gl_utf8_set_name(ext, "project", b, n - (size_t)(b - p));
		in = gl_utf8_set_name(in, "projectPath", p, n);
	}
	in = jv_object_set(in, jv_string("sandbox"), s->sandbox);
	s->sandbox = jv_invalid();
	if (s->toolver != NULL)
		in = jv_object_set(in, jv_string("toolVersion"), jv_string(s->toolver));
	s->bys = jv_array_append(s->bys, session(s));

	v = jv_object();
	v = jv_object_set(v, jv_string("buildType"), jv_string(BUILD_TYPE));
	v = jv_object_set(v, jv_string("externalParameters"), ext);
	v = jv_object_set(v, jv_string("internalParameters"), in);
	v = jv_object_set(v, jv_string("resolvedDependencies"), deps);
	ann = jv_object();
	ann = jv_object_set(ann, jv_string("builder"), kv("id", jv_string(GL_BUILDER_ID)));
	ann = jv_object_set(ann, jv_string("metadata"), jv_object_set(jv_object_set(
	    kv("invocationId", jv_string(s->id)), jv_string("startedOn"),
	    jv_string(s->started)), jv_string("finishedOn"), jv_string(s->finished)));
	ann = jv_object_set(ann, jv_string("byproducts"), s->bys);
	s->bys = jv_invalid();
	v = jv_object_set(kv("buildDefinition", v), jv_string("runDetails"), ann);
	v = kv("predicate", v);
	v = jv_object_set(v, jv_string("predicateType"), jv_string("https://slsa.dev/provenance/v1"));
	v = jv_object_set(v, jv_string("_type"), jv_string("https://in-toto.io/Statement/v1"));
	v = jv_object_set(v, jv_string("subject"), s->subjects);
	s->subjects = jv_invalid();
	return v;
}
