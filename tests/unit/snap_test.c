#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "snap.h"
#include "t.h"

#define H1 "\"1111111111111111111111111111111111111111111111111111111111111111\""
#define H2 "\"2222222222222222222222222222222222222222222222222222222222222222\""

static jv
J(const char *s)
{
	return gl_json_parse(s, strlen(s));
}

static int
chk(const char *s)
{
	char why[200];
	jv v = J(s);
	int r = gl_snap_check(v, why, sizeof why);

	jv_free(v);
	return r;
}

/* gl_snap_walk_line writes what jv would (sorted keys, jq's escapes),
 * whatever the names; the exclude rules leave out what they match */
static void
walk_line(void)
{
	char dir[] = "/tmp/snap_test.XXXXXX", p[256], *line, *ex[] = { "*.o" };
	struct gl_snap_opts o = { .prog = "snap_test", .threads = 3 };
	size_t n, dn;
	char *dump;
	jv v;
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(p, sizeof p, "%s/q\"\\\001\x7f", dir);
	CHECK((fd = open(p, O_WRONLY | O_CREAT, 0600)) >= 0 && write(fd, "x", 1) == 1);
	close(fd);
	snprintf(p, sizeof p, "%s/bad\xff", dir);
	CHECK((fd = open(p, O_WRONLY | O_CREAT, 0644)) >= 0);
	close(fd);
	snprintf(p, sizeof p, "%s/x.o", dir);
	CHECK((fd = open(p, O_WRONLY | O_CREAT, 0644)) >= 0);
	close(fd);
	snprintf(p, sizeof p, "%s/d", dir);
	CHECK(mkdir(p, 0700) == 0);
	snprintf(p, sizeof p, "%s/d/l", dir);
	CHECK(symlink("t\nx", p) == 0);
	o.exclude = ex;
	o.nexclude = 1;

	line = gl_snap_walk_line(dir, &o, &n);
	CHECK(line != NULL && n > 0 && line[n - 1] == '\n');
	v = gl_json_parse(line, n - 1);
	CHECK(jv_is_valid(v));
	dump = gl_json_dump(v, &dn);
	CHECK(dump != NULL && dn == n - 1 && memcmp(dump, line, dn) == 0);
	free(dump);
	CHECK(strstr(line, "\"path\":\"q\\\"\\\\\\u0001\\u007f\"") != NULL);
	CHECK(strstr(line, "\"path_b64\":\"YmFk/w==\"") != NULL);
	CHECK(strstr(line, "\"target\":\"t\\nx\"") != NULL);
	CHECK(strstr(line, "\"ignored\":{\"by\":{\"exclude\":1},\"count\":1}") != NULL);
	CHECK(strstr(line, "x.o") == NULL);
	free(line);
	/* a missing directory: NULL and errno */
	snprintf(p, sizeof p, "%s/none", dir);
	CHECK(gl_snap_walk_line(p, &o, &n) == NULL && errno == ENOENT);
	snprintf(p, sizeof p, "rm -rf '%s'", dir);
	CHECK(system(p) == 0);
}

/* the --cache reader takes any layout of strict JSON */
static void
cache(void)
{
	static const char pretty[] =
	    "{ \"entries\" : [\n"
	    "  { \"type\": \"dir\", \"path\": \"d\" },\n"
	    "  { \"sha256\": " H1 ", \"path\": \"caf\\u00e9 \\ud83d\\ude00\\\"\",\n"
	    "    \"size\": 12, \"ino\": \"77\", \"type\": \"file\",\n"
	    "    \"ctime\": \"2026-01-01T00:00:00.5Z\", \"xattrs\": {\"user.k\": " H2 "} },\n"
	    "  { \"path_b64\": \"YmFk/w==\", \"type\": \"file\", \"size\": 0, \"ino\": \"8\",\n"
	    "    \"ctime\": \"2026-01-01T00:00:00Z\", \"sha256\": " H2 ", \"extra\": [1, {\"a\": []}] },\n"
	    "  { \"path\": \"no-digest\", \"type\": \"file\", \"size\": 1, \"ino\": \"9\",\n"
	    "    \"ctime\": \"2026-01-01T00:00:00Z\" }\n"
	    "], \"algorithm\": \"sha256\", \"complete\": true,\n"
	    "  \"ignored\": {\"count\": 0, \"by\": {}, \"gitignore\": [{\"base\": \"\", \"rules\": \"x\"}]},\n"
	    "  \"started\": \"2026-01-02T00:00:00Z\" }";
	struct gl_snap_cache *c;
	char why[100];

	c = gl_snap_cache_load(pretty, sizeof pretty - 1, why, sizeof why);
	CHECK(c != NULL && gl_snap_cache_usable(c));
	gl_snap_cache_free(c);
	c = gl_snap_cache_load("{\"algorithm\":\"sha256\",\"complete\":true,\"entries\":[]}", 50, why, sizeof why);
	CHECK(c != NULL && !gl_snap_cache_usable(c));
	gl_snap_cache_free(c);
	CHECK(gl_snap_cache_load("[]", 2, why, sizeof why) == NULL &&
	    strcmp(why, "not a snapshot object") == 0);
	CHECK(gl_snap_cache_load("{\"algorithm\":\"md5\",\"entries\":[]}", 33, why, sizeof why) == NULL);
	CHECK(gl_snap_cache_load("{\"algorithm\":\"sha256\"}", 22, why, sizeof why) == NULL &&
	    strcmp(why, "entries: not an array") == 0);
}

int
main(void)
{
	jv d, m;
	char *s;

	walk_line();
	cache();

	CHECK(gl_snap_under("a/b", 3, "a"));
	CHECK(gl_snap_under("a", 1, "a"));
	CHECK(!gl_snap_under("ab", 2, "a"));
	CHECK(!gl_snap_under("a", 1, "a/b"));

	CHECK(chk("{\"algorithm\":\"sha256\",\"complete\":true,\"entries\":[]}") == 0);
	CHECK(chk("{\"algorithm\":\"md5\",\"complete\":true,\"entries\":[]}") < 0);
	CHECK(chk("{\"algorithm\":\"sha256\",\"entries\":[]}") < 0);
	CHECK(chk("{\"algorithm\":\"sha256\",\"complete\":true,\"entries\":"
	    "[{\"path\":\"b\",\"type\":\"dir\"},{\"path\":\"a\",\"type\":\"dir\"}]}") < 0);
	CHECK(chk("{\"algorithm\":\"sha256\",\"complete\":true,\"entries\":"
	    "[{\"path\":\"a\",\"type\":\"door\"}]}") < 0);
	CHECK(chk("{\"algorithm\":\"sha256\",\"complete\":true,\"entries\":"
	    "[{\"path\":\"a\",\"type\":\"file\",\"sha256\":\"x\"}]}") < 0);
	/* "a/b" sorts after "a-b" by bytes; path_b64 "/w==" is byte 0xff */
	CHECK(chk("{\"algorithm\":\"sha256\",\"complete\":true,\"entries\":"
	    "[{\"path\":\"a-b\",\"type\":\"dir\"},{\"path\":\"a/b\",\"type\":\"dir\"},"
	    "{\"path_b64\":\"/w==\",\"type\":\"fifo\"}]}") == 0);

	d = gl_snap_diff(
	    J("{\"algorithm\":\"sha256\",\"complete\":true,\"entries\":["
	    "{\"path\":\"e1\",\"type\":\"file\",\"size\":0,\"sha256\":" H1 "},"
	    "{\"path\":\"gone\",\"type\":\"dir\",\"mode\":\"0755\"},"
	    "{\"path\":\"m\",\"type\":\"file\",\"mode\":\"0644\",\"size\":1,\"sha256\":" H1 ",\"ino\":\"1\"},"
	    "{\"path\":\"old\",\"type\":\"file\",\"size\":3,\"sha256\":" H2 "}]}"),
	    J("{\"algorithm\":\"sha256\",\"complete\":false,\"entries\":["
	    "{\"path\":\"e2\",\"type\":\"file\",\"size\":0,\"sha256\":" H1 "},"
	    "{\"path\":\"m\",\"type\":\"file\",\"mode\":\"4755\",\"size\":1,\"sha256\":" H1 ",\"ino\":\"2\"},"
	    "{\"path\":\"new1\",\"type\":\"file\",\"size\":3,\"sha256\":" H2 "},"
	    "{\"path\":\"new2\",\"type\":\"file\",\"size\":3,\"sha256\":" H2 "}]}"));
	CHECK(jv_is_valid(d));
	m = jv_copy(d);
	s = gl_json_dump(jv_object_delete(jv_object_delete(m, jv_string("modified")),
	    jv_string("renamed")), NULL);
	/* empty files are never renames; one deleted file pairs with one added */
	CHECK(strcmp(s, "{\"added\":[{\"path\":\"e2\",\"sha256\":" H1 ",\"size\":0,\"type\":\"file\"},"
	    "{\"path\":\"new2\",\"sha256\":" H2 ",\"size\":3,\"type\":\"file\"}],"
	    "\"complete\":false,"
	    "\"deleted\":[{\"path\":\"e1\",\"sha256\":" H1 ",\"size\":0,\"type\":\"file\"},"
	    "{\"mode\":\"0755\",\"path\":\"gone\",\"type\":\"dir\"}]}") == 0);
	free(s);
	s = gl_json_dump(jv_object_get(jv_copy(d), jv_string("renamed")), NULL);
	CHECK(strcmp(s, "[{\"from\":{\"path\":\"old\",\"sha256\":" H2 ",\"size\":3,\"type\":\"file\"},"
	    "\"to\":{\"path\":\"new1\",\"sha256\":" H2 ",\"size\":3,\"type\":\"file\"}}]") == 0);
	free(s);
	/* ino is a cache key, not a change */
	s = gl_json_dump(jv_object_get(jv_array_get(jv_object_get(jv_copy(d),
	    jv_string("modified")), 0), jv_string("changes")), NULL);
	CHECK(strcmp(s, "[\"mode\"]") == 0);
	free(s);
	jv_free(d);
	return t_done();
}
