/* policy: JSON rules (names of the original, unknown keys refused). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "json.h"
#include "policy.h"
#include "t.h"

static char dir[] = "/tmp/policy_test.XXXXXX";

static struct gl_policy *
load(const char *name, const char *text, char *why, size_t whysz)
{
	char path[128];
	int sys;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (gl_io_write_atomic(path, text, strlen(text), 0644) < 0)
		return NULL;
	return gl_policy_load(path, why, whysz, &sys);
}

static const char ST[] = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[],"
    "\"predicateType\":\"https://slsa.dev/provenance/v1\",\"predicate\":{"
    "\"buildDefinition\":{\"externalParameters\":{\"profile\":{\"name\":\"konishi\"}},"
    "\"internalParameters\":{\"sandbox\":{\"jail\":{\"measured\":{\"namespaces\":"
    "{\"user\":true,\"mnt\":true}}}}},\"resolvedDependencies\":[{\"name\":\"a\","
    "\"digest\":{\"sha256\":\"00\"},\"annotations\":{\"role\":\"material\"}}]},"
    "\"runDetails\":{\"builder\":{\"id\":\"b\"},\"metadata\":{\"startedOn\":"
    "\"2026-12-03T10:00:00Z\",\"finishedOn\":\"2026-12-03T10:01:00Z\"},\"byproducts\":["
    "{\"name\":\"session\",\"uri\":\"u\",\"annotations\":{\"role\":\"session\",\"denials\":2,"
    "\"completeness\":{\"events\":true,\"materials\":false}}}]}}}";

static int
eval(const char *rules, char *why, size_t whysz)
{
	struct gl_policy *p = load("p.json", rules, why, whysz);
	jv st = gl_json_parse(ST, sizeof ST - 1), viol = jv_invalid();
	int rc = p ? gl_policy_eval(p, st, &viol, why, whysz) : -2;

	jv_free(viol);
	jv_free(st);
	gl_policy_free(p);
	return rc;
}

int
main(void)
{
	char why[256];

	CHECK(mkdtemp(dir) != NULL);
	CHECK(eval("{\"require_sandbox\":true,\"allowed_profiles\":[\"konishi\"],"
	    "\"allowed_builders\":[\"b\"],\"require_materials\":true,\"max_denial_count\":2,"
	    "\"max_session_duration_secs\":60}", why, sizeof why) == 0);
	CHECK(strcmp(why, "6 rule(s) hold") == 0);
	CHECK(eval("{\"max_session_duration_secs\":59}", why, sizeof why) == 1);
	CHECK(strcmp(why, "policy 'max_session_duration_secs': session took 60s, more than 59s") == 0);
	CHECK(eval("{\"max_denial_count\":1}", why, sizeof why) == 1);
	CHECK(eval("{\"require_complete\":true}", why, sizeof why) == 1);
	CHECK(strstr(why, "not complete: materials") != NULL);
	CHECK(eval("{\"require_audit_log\":true}", why, sizeof why) == 1);
	CHECK(eval("{\"require_parent_attestation\":true}", why, sizeof why) == 1);
	CHECK(eval("{\"allowed_builders\":[]}", why, sizeof why) == 1);
	CHECK(eval("{\"require_audit_log\":true,\"max_denial_count\":0}", why, sizeof why) == 1);
	CHECK(strstr(why, "(and more)") != NULL);
	/* refused at load: unknown, mistyped, nothing in force */
	CHECK(eval("{\"require_sandbx\":true}", why, sizeof why) == -2);
	CHECK(strcmp(why, "require_sandbx: unknown rule") == 0);
	CHECK(eval("{\"require_sandbox\":1}", why, sizeof why) == -2);
	CHECK(eval("{\"max_denial_count\":1.5}", why, sizeof why) == -2);
	CHECK(eval("{\"allowed_profiles\":[\"a\",2]}", why, sizeof why) == -2);
	CHECK(strcmp(why, "allowed_profiles[1]: not a string") == 0);
	CHECK(eval("{}", why, sizeof why) == -2);
	CHECK(eval("{\"require_sandbox\":false}", why, sizeof why) == -2);
	CHECK(eval("{\"a\":1,\"a\":2}", why, sizeof why) == -2);
	CHECK(eval("[]", why, sizeof why) == -2);
	{
		int sys;
		CHECK(gl_policy_load("/nonexistent/p.json", why, sizeof why, &sys) == NULL && sys == 1);
	}
	{
		char path[128];
		snprintf(path, sizeof path, "%s/p.json", dir);
		unlink(path);
	}
	rmdir(dir);
	return t_done();
}
