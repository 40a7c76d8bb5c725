#include <stdlib.h>
#include <string.h>

#include "git.h"
#include "json.h"
#include "provenance.h"
#include "t.h"

#define H "e258d248fda94c63753607f7c4494ee0fcbe92f1a76bfdac795c9d84101eb317"

static jv
parse(const char *s)
{
	return gl_json_parse(s, strlen(s));
}

static jv
events(const char *s, unsigned long *line)
{
	return gl_provenance_events(s, strlen(s), line);
}

static int
diff_fails(const char *s, const char *want)
{
	char msg[256];
	jv v = gl_provenance_diff(parse(s));

	if (jv_is_valid(v)) {
		jv_free(v);
		return 0;
	}
	gl_json_errmsg(v, msg, sizeof msg);
	return strstr(msg, want) != NULL;
}

int
main(void)
{
	unsigned long line;
	char *s, msg[256];
	jv v;

	CHECK(gl_provenance_relpath_ok("a/b.c", 5));
	CHECK(gl_provenance_relpath_ok("..a/b..", 7));
	CHECK(!gl_provenance_relpath_ok("", 0));
	CHECK(!gl_provenance_relpath_ok("/a", 2));
	CHECK(!gl_provenance_relpath_ok("a/", 2));
	CHECK(!gl_provenance_relpath_ok("a//b", 4));
	CHECK(!gl_provenance_relpath_ok("a/../b", 6));
	CHECK(!gl_provenance_relpath_ok("..", 2));
	CHECK(!gl_provenance_relpath_ok("./a", 3));
	CHECK(!gl_provenance_relpath_ok("a\0b", 3));

	v = gl_provenance_name(jv_object(), "x%y", 3);
	CHECK(strcmp(gl_json_str(v, "name"), "x%y") == 0);
	CHECK(!jv_object_has(jv_copy(v), jv_string("annotations")));
	jv_free(v);
	v = gl_provenance_name(jv_object(), "x%\xff", 3);
	CHECK(strcmp(gl_json_str(v, "name"), "x%25%FF") == 0);
	s = gl_json_dump(v, NULL);
	CHECK(strcmp(s, "{\"annotations\":{\"path_b64\":\"eCX/\"},\"name\":\"x%25%FF\"}") == 0);
	free(s);

	/* subjects sorted by raw bytes: "b" < "b\x01"... and 0xff last */
	v = gl_provenance_diff(parse("{\"added\":[{\"path_b64\":\"/w==\",\"type\":\"file\",\"sha256\":\"" H "\"},"
	    "{\"path\":\"b\",\"type\":\"file\",\"sha256\":\"" H "\"},"
	    "{\"path\":\"a\",\"type\":\"dir\"}],"
	    "\"deleted\":[{\"path\":\"z\",\"type\":\"file\",\"sha256\":\"" H "\"}]}"));
	CHECK(jv_is_valid(v));
	s = gl_json_dump(jv_copy(v), NULL);
	CHECK(strstr(s, "\"subjects\":[{\"annotations\":{\"change\":\"added\"},\"digest\":{\"sha256\":\"" H
	    "\"},\"name\":\"b\"},{\"annotations\":{\"change\":\"added\",\"path_b64\":\"/w==\"}") != NULL);
	CHECK(strstr(s, "\"other\":[{\"change\":\"added\",\"path\":\"a\",\"type\":\"dir\"}]") != NULL);
	CHECK(strstr(s, "\"name\":\"z\"") != NULL);
	free(s);
	jv_free(v);
	CHECK(diff_fails("[]", "not a JSON object"));
	CHECK(diff_fails("{\"added\":{}}", "added: not an array"));
	CHECK(diff_fails("{\"added\":[{\"path\":\"a/../b\",\"type\":\"dir\"}]}", "added[0]: path"));
	CHECK(diff_fails("{\"deleted\":[{\"path\":\"a\"}]}", "deleted[0]: no type"));
	CHECK(diff_fails("{\"added\":[{\"path\":\"a\",\"type\":\"file\",\"sha256\":\"" H "\"},"
	    "{\"path\":\"a\",\"type\":\"file\",\"sha256\":\"" H "\"}]}", "subject twice"));
	CHECK(diff_fails("{\"modified\":[{\"path\":\"a\",\"before\":{\"path\":\"a\",\"type\":\"dir\"},"
	    "\"after\":{\"path\":\"b\",\"type\":\"dir\"}}]}", "different paths"));

	/* events */
	v = events("{\"seq\":1,\"type\":\"session.start\"}\n"
	    "{\"seq\":2,\"type\":\"landlock.deny\"}\n"
	    "{\"seq\":3,\"type\":\"session.end\",\"complete\":true,\"overflows\":0}\n", &line);
	CHECK(jv_is_valid(v));
	s = gl_json_dump(v, NULL);
	CHECK(strcmp(s, "{\"complete\":true,\"counts\":{\"landlock.deny\":1,\"session.end\":1,"
	    "\"session.start\":1},\"denials\":1,\"errors\":0,\"materials\":[],\"overflows\":0,"
	    "\"reads\":false,\"sessionEnd\":true,\"unreadMaterials\":0}") == 0);
	free(s);
	/* materials: each (name, digest) once, sorted by name then digest */
	v = events("{\"seq\":1,\"type\":\"session.start\",\"reads\":true,\"backend\":\"fanotify\"}\n"
	    "{\"seq\":2,\"type\":\"file.read\",\"path\":\"b\",\"sha256\":\"" H "\"}\n"
	    "{\"seq\":3,\"type\":\"file.read\",\"path\":\"a\",\"sha256\":\"" H "\"}\n"
	    "{\"seq\":4,\"type\":\"file.read\",\"path\":\"b\",\"sha256\":\"" H "\"}\n"
	    "{\"seq\":5,\"type\":\"file.read\",\"path\":\"/etc/x\",\"error\":\"EACCES\"}\n"
	    "{\"seq\":6,\"type\":\"watch.error\",\"path\":\"d\",\"error\":\"x\"}\n"
	    "{\"seq\":7,\"type\":\"session.end\",\"complete\":true,\"overflows\":0}\n", &line);
	CHECK(jv_is_valid(v));
	s = gl_json_dump(jv_copy(v), NULL);
	CHECK(strstr(s, "\"materials\":[{\"annotations\":{\"role\":\"material\"},\"digest\":{\"sha256\":\""
	    H "\"},\"name\":\"a\"},{\"annotations\":{\"role\":\"material\"},\"digest\":{\"sha256\":\""
	    H "\"},\"name\":\"b\"}]") != NULL);
	CHECK(strstr(s, "\"complete\":false") != NULL && strstr(s, "\"errors\":1") != NULL);
	CHECK(strstr(s, "\"unreadMaterials\":1") != NULL && strstr(s, "\"reads\":true") != NULL);
	CHECK(strstr(s, "\"backend\":\"fanotify\"") != NULL);
	free(s);
	jv_free(v);
	v = events("{\"seq\":1,\"type\":\"file.read\",\"path\":\"a\",\"sha256\":\"ABC\"}\n", &line);
	CHECK(!jv_is_valid(v) && line == 1);
	CHECK(strcmp(gl_json_errmsg(v, msg, sizeof msg), "file.read sha256 is not 64 lowercase hex digits") == 0);
	v = events("{\"seq\":1,\"type\":\"file.read\",\"path\":\"a\"}\n", &line);
	CHECK(strcmp(gl_json_errmsg(v, msg, sizeof msg), "file.read has neither sha256 nor error") == 0);
	v = events("{\"seq\":1,\"type\":\"a\"}\n{\"seq\":1,\"type\":\"b\"}\n", &line);
	CHECK(!jv_is_valid(v) && line == 2);
	CHECK(strcmp(gl_json_errmsg(v, msg, sizeof msg), "seq does not increase") == 0);
	v = events("{\"seq\":1,\"type\":\"a\"", &line);
	CHECK(!jv_is_valid(v) && line == 1);
	jv_free(v);
	v = gl_provenance_events("", 0, &line);
	CHECK(jv_get_kind(jv_object_get(jv_copy(v), jv_string("sessionEnd"))) == JV_KIND_FALSE);
	jv_free(v);

	/* parent: sha256("x") */
	s = "{\"payload\":\"eA==\",\"payloadType\":\"t\",\"signatures\":[{}]}";
	v = gl_provenance_parent(s, strlen(s));
	CHECK(jv_get_kind(v) == JV_KIND_STRING && strcmp(jv_string_value(v),
	    "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881") == 0);
	jv_free(v);
	s = "{\"payload\":\"eA==\",\"payloadType\":\"t\"}";
	v = gl_provenance_parent(s, strlen(s));
	CHECK(!jv_is_valid(v));
	jv_free(v);

	/* git */
	v = gl_provenance_git(parse("{\"commit\":null,\"branch\":null,\"dirty\":false,\"remote\":null}"), NULL);
	CHECK(jv_get_kind(v) == JV_KIND_NULL);
	v = gl_provenance_git(parse("{\"commit\":\"0123456789abcdef0123456789abcdef01234567\","
	    "\"branch\":null,\"dirty\":false,\"remote\":null}"), "/p");
	CHECK(strcmp(gl_json_str(v, "uri"), "git+file:///p") == 0);
	jv_free(v);
	v = gl_provenance_git(parse("{\"commit\":null,\"branch\":null,\"dirty\":false}"), NULL);
	CHECK(!jv_is_valid(v));
	jv_free(v);
	v = gl_provenance_git(parse("{\"commit\":null,\"branch\":null,\"dirty\":0,\"remote\":null}"), NULL);
	CHECK(!jv_is_valid(v));
	jv_free(v);

	s = gl_git_strip_userinfo("https://u:tok@host/x@y");
	CHECK(strcmp(s, "https://host/x@y") == 0);
	free(s);
	s = gl_git_strip_userinfo("git@github.com:a/b.git");
	CHECK(strcmp(s, "git@github.com:a/b.git") == 0);
	free(s);
	v = gl_git_state("/");
	CHECK(jv_is_valid(v));
	jv_free(v);

	CHECK(gl_provenance_uuid_ok("0b5f3c9e-1a2b-4c3d-8e9f-0123456789ab"));
	CHECK(!gl_provenance_uuid_ok("0B5F3C9E-1a2b-4c3d-8e9f-0123456789ab"));
	CHECK(!gl_provenance_uuid_ok("0b5f3c9e1a2b-4c3d-8e9f-0123456789ab0"));
	CHECK(gl_provenance_time_ok("2026-12-03T10:15:17Z"));
	CHECK(!gl_provenance_time_ok("2026-12-03T10:15:17.5Z"));
	CHECK(!gl_provenance_time_ok("2026-02-30T10:15:17Z"));
	CHECK(!gl_provenance_time_ok("2026-12-03 10:15:17Z"));
	return t_done();
}
