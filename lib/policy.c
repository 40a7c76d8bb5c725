#include "policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "gl.h"
#include "io.h"
#include "jqpolicy.h"
#include "json.h"
#include "utf8.h"

#define POLICY_CAP (1UL << 20)

enum kind { BOOL, LIST, COUNT, POSITIVE };

static const struct rule {
	const char *name;
	enum kind kind;
} rules[] = {
	{ "allowed_builders", LIST },
	{ "allowed_profiles", LIST },
	{ "max_denial_count", COUNT },
	{ "max_session_duration_secs", POSITIVE },
	{ "require_audit_log", BOOL },
	{ "require_complete", BOOL },
	{ "require_materials", BOOL },
	{ "require_parent_attestation", BOOL },
	{ "require_sandbox", BOOL },
};
#define NRULES (sizeof rules / sizeof *rules)

struct gl_policy {
	char *path;
	jv rules;			/* JSON rules, or invalid */
	struct gl_jqpolicy *jq;		/* or a jq program */
};

const char *
gl_policy_path(const struct gl_policy *p)
{
	return p->path;
}

void
gl_policy_free(struct gl_policy *p)
{
	if (p == NULL)
		return;
	jv_free(p->rules);
	gl_jqpolicy_free(p->jq);
	free(p->path);
	free(p);
}

/* What is wrong with the JSON rules, or NULL; counts the rules in force. */
static const char *
check_rules(jv doc, char *why, size_t whysz, int *active)
{
	char key[64];
	size_t i;
	jv_kind k;
	double d;

	*active = 0;
	if (jv_get_kind(doc) != JV_KIND_OBJECT) {
		jv_free(doc);
		return "a JSON policy is an object of rules";
	}
	jv_object_foreach(doc, name, val) {
		gl_utf8_sanitize(jv_string_value(name), strlen(jv_string_value(name)),
		    key, sizeof key);
		for (i = 0; i < NRULES && strcmp(rules[i].name, jv_string_value(name)); i++)
			;
		k = jv_get_kind(val);
		d = k == JV_KIND_NUMBER ? jv_number_value(val) : -1;
		if (i == NRULES)
			snprintf(why, whysz, "%s: unknown rule", key);
		else if (rules[i].kind == BOOL && k != JV_KIND_TRUE && k != JV_KIND_FALSE)
			snprintf(why, whysz, "%s: not true or false", key);
		else if (rules[i].kind == COUNT && (d < 0 || d != (double)(long long)d))
			snprintf(why, whysz, "%s: not an integer of 0 or more", key);
		else if (rules[i].kind == POSITIVE && (d <= 0 || d != (double)(long long)d))
			snprintf(why, whysz, "%s: not an integer above 0", key);
		else if (rules[i].kind == LIST && k != JV_KIND_ARRAY)
			snprintf(why, whysz, "%s: not an array of strings", key);
		else {
			why[0] = '\0';
			if (rules[i].kind == LIST)
				jv_array_foreach(val, j, e) {
					if (jv_get_kind(e) != JV_KIND_STRING)
						snprintf(why, whysz, "%s[%d]: not a string", key, j);
					jv_free(e);
				}
			if (why[0] == '\0' && k != JV_KIND_FALSE)
				(*active)++;
		}
		jv_free(name);
		jv_free(val);
		if (why[0] != '\0') {
			jv_free(doc);
			return why;
		}
	}
	jv_free(doc);
	return *active ? NULL : "the policy has no rules in force (it would pass anything)";
}

struct gl_policy *
gl_policy_load(const char *path, char *why, size_t whysz, int *sys)
{
	struct gl_policy *p;
	const char *msg;
	char *buf;
	size_t len, n = strlen(path);
	int active;

	*sys = 0;
	if (gl_io_read_file(path, POLICY_CAP, &buf, &len) < 0) {
		*sys = errno != EFBIG;
		snprintf(why, whysz, "%s", errno == EFBIG ? "policy too large" :
		    strerror(errno));
		return NULL;
	}
	if ((p = calloc(1, sizeof *p)) == NULL || (p->path = strdup(path)) == NULL) {
		free(p);
		free(buf);
		*sys = 1;
		snprintf(why, whysz, "out of memory");
		return NULL;
	}
	p->rules = jv_invalid();
	if (n > 3 && strcmp(path + n - 3, ".jq") == 0) {
		p->jq = gl_jqpolicy_compile(buf, len, why, whysz);
		free(buf);
		if (p->jq == NULL) {
			gl_policy_free(p);
			return NULL;
		}
		return p;
	}
	p->rules = gl_json_parse(buf, len);
	free(buf);
	if (!jv_is_valid(p->rules)) {
		gl_json_errmsg(jv_copy(p->rules), why, whysz);
		gl_policy_free(p);
		return NULL;
	}
	if ((msg = check_rules(jv_copy(p->rules), why, whysz, &active)) != NULL) {
		if (msg != why)
			snprintf(why, whysz, "%s", msg);
		gl_policy_free(p);
		return NULL;
	}
	return p;
}

/* ---- the facts the rules look at ---- */

static jv
at(jv st, const char *a, const char *b, const char *c, const char *d)
{
	jv path = jv_array();
	const char *k[] = { a, b, c, d };
	size_t i;

	for (i = 0; i < 4 && k[i] != NULL; i++)
		path = jv_array_append(path, jv_string(k[i]));
	return jv_getpath(jv_copy(st), path);
}

/* The first element of list (consumed) whose annotations.role is role. */
static jv
with_role(jv list, const char *role)
{
	jv found = jv_null();

	if (jv_get_kind(list) == JV_KIND_ARRAY)
		jv_array_foreach(list, i, e) {
			jv ann = gl_json_get(e, "annotations");
			(void)i;
			/* jv_equal compares lengths: "session\u0000x" is not "session" */
			if (jv_get_kind(found) == JV_KIND_NULL &&
			    jv_equal(gl_json_get(ann, "role"), jv_string(role))) {
				jv_free(found);
				found = jv_copy(e);
			}
			jv_free(ann);
			jv_free(e);
		}
	jv_free(list);
	return found;
}

/* Whether v (consumed) is in list (consumed), compared as JSON values:
 * a string with a NUL inside is never equal to its prefix. */
static int
in_list(jv list, jv v)
{
	int yes = 0;

	jv_array_foreach(list, i, e) {
		(void)i;
		if (jv_get_kind(v) == JV_KIND_STRING && jv_equal(e, jv_copy(v)))
			yes = 1;
	}
	jv_free(list);
	jv_free(v);
	return yes;
}

static jv
deps(jv st)
{
	return at(st, "predicate", "buildDefinition", "resolvedDependencies", NULL);
}

static jv
session(jv st)
{
	jv s = with_role(at(st, "predicate", "runDetails", "byproducts", NULL), "session");
	jv a = gl_json_get(s, "annotations");

	jv_free(s);
	return a;
}

/* One rule over st: NULL when it holds, else the violation (in buf). */
static const char *
rule(const char *name, jv val, jv st, char *buf, size_t bufsz)
{
	jv x, y;
	const char *s;
	struct timespec a, b;
	int ok;

	if (jv_get_kind(val) == JV_KIND_FALSE)
		return NULL;
	if (strcmp(name, "require_sandbox") == 0) {
		/* measured by gl-jail: the user and mount namespaces entered */
		x = at(st, "predicate", "buildDefinition", "internalParameters", "sandbox");
		y = jv_getpath(jv_copy(x), JV_ARRAY(jv_string("jail"), jv_string("measured"),
		    jv_string("namespaces")));
		ok = jv_get_kind(y) == JV_KIND_OBJECT &&
		    jv_get_kind(jv_object_get(jv_copy(y), jv_string("user"))) == JV_KIND_TRUE &&
		    jv_get_kind(jv_object_get(jv_copy(y), jv_string("mnt"))) == JV_KIND_TRUE;
		jv_free(y);
		/* or a report listing the namespaces */
		y = jv_getpath(jv_copy(x), JV_ARRAY(jv_string("jail"), jv_string("namespaces")));
		ok = ok || (jv_get_kind(y) == JV_KIND_ARRAY && jv_array_length(jv_copy(y)) > 0);
		jv_free(x);
		jv_free(y);
		return ok ? NULL : "session was NOT sandboxed (no user and mount namespaces measured)";
	}
	if (strcmp(name, "allowed_profiles") == 0 || strcmp(name, "allowed_builders") == 0) {
		int prof = name[8] == 'p';
		x = prof ? at(st, "predicate", "buildDefinition", "externalParameters", "profile") :
		    at(st, "predicate", "runDetails", "builder", NULL);
		s = gl_json_str(x, prof ? "name" : "id");
		snprintf(buf, bufsz, "%s '%.100s' is not in the allowed list",
		    prof ? "profile" : "builder", s ? s : "(absent)");
		ok = in_list(jv_copy(val), gl_json_get(x, prof ? "name" : "id"));
		jv_free(x);
		return ok ? NULL : buf;
	}
	if (strcmp(name, "max_session_duration_secs") == 0) {
		x = at(st, "predicate", "runDetails", "metadata", NULL);
		if (gl_json_str(x, "startedOn") == NULL || gl_json_str(x, "finishedOn") == NULL ||
		    gl_clock_parse(gl_json_str(x, "startedOn"), &a) < 0 ||
		    gl_clock_parse(gl_json_str(x, "finishedOn"), &b) < 0) {
			jv_free(x);
			return "session times are missing or malformed";
		}
		jv_free(x);
		snprintf(buf, bufsz, "session took %llds, more than %.0fs",
		    (long long)(b.tv_sec - a.tv_sec), jv_number_value(val));
		return (double)(b.tv_sec - a.tv_sec) <= jv_number_value(val) ? NULL : buf;
	}
	if (strcmp(name, "require_audit_log") == 0) {
		x = with_role(at(st, "predicate", "runDetails", "byproducts", NULL), "audit-log");
		ok = jv_get_kind(x) == JV_KIND_OBJECT;
		jv_free(x);
		return ok ? NULL : "the statement names no audit log";
	}
	if (strcmp(name, "require_materials") == 0) {
		x = with_role(deps(st), "material");
		ok = jv_get_kind(x) == JV_KIND_OBJECT;
		jv_free(x);
		return ok ? NULL : "no materials (files read) recorded";
	}
	if (strcmp(name, "require_parent_attestation") == 0) {
		x = with_role(deps(st), "parent-attestation");
		ok = jv_get_kind(x) == JV_KIND_OBJECT;
		jv_free(x);
		return ok ? NULL : "no parent attestation: the session is a chain root";
	}
	if (strcmp(name, "max_denial_count") == 0) {
		x = session(st);
		y = gl_json_get(x, "denials");
		jv_free(x);
		if (jv_get_kind(y) != JV_KIND_NUMBER) {
			jv_free(y);
			return "the statement has no denial count";
		}
		snprintf(buf, bufsz, "%.0f denials, more than %.0f", jv_number_value(y),
		    jv_number_value(val));
		ok = jv_number_value(y) <= jv_number_value(val);
		jv_free(y);
		return ok ? NULL : buf;
	}
	/* require_complete */
	x = session(st);
	y = gl_json_get(x, "completeness");
	jv_free(x);
	ok = jv_get_kind(y) == JV_KIND_OBJECT && jv_object_length(jv_copy(y)) > 0;
	if (ok)
		jv_object_foreach(y, k, v) {
			if (jv_get_kind(v) != JV_KIND_TRUE) {
				snprintf(buf, bufsz, "the session is not complete: %s",
				    jv_string_value(k));
				ok = 0;
			}
			jv_free(k);
			jv_free(v);
		}
	else
		snprintf(buf, bufsz, "the statement has no completeness flags");
	jv_free(y);
	return ok ? NULL : buf;
}

int
gl_policy_eval(struct gl_policy *p, jv st, jv *violations, char *why,
    size_t whysz)
{
	char buf[256];
	const char *v;
	jv out;
	int n;

	if (p->jq != NULL)
		return gl_jqpolicy_run(p->jq, st, violations, why, whysz);
	out = jv_array();
	jv_object_foreach(p->rules, name, val) {
		if ((v = rule(jv_string_value(name), val, st, buf, sizeof buf)) != NULL)
			out = jv_array_append(out, jv_object_set(jv_object_set(jv_object(),
			    jv_string("rule"), jv_copy(name)), jv_string("msg"), jv_string(v)));
		jv_free(name);
		jv_free(val);
	}
	if ((n = jv_array_length(jv_copy(out))) == 0) {
		jv_free(out);
		snprintf(why, whysz, "%d rule(s) hold", jv_object_length(jv_copy(p->rules)));
		return 0;
	}
	{
		jv f = jv_array_get(jv_copy(out), 0);
		snprintf(why, whysz, "policy '%s': %s%s", gl_json_str(f, "rule"),
		    gl_json_str(f, "msg"), n > 1 ? " (and more)" : "");
		jv_free(f);
	}
	*violations = out;
	return 1;
}
