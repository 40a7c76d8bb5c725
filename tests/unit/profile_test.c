#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"
#include "t.h"

static char dir[] = "/tmp/gl-profile-test.XXXXXX";

static const char *
put(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

/* load text as a profile; returns the error (or "") */
static const char *
load(const char *text, struct gl_profile *p)
{
	static char err[512];
	const char *path = put("t.ini", text);

	err[0] = '\0';
	if (gl_profile_load(p, path, "/home/u", err, sizeof err) == 0)
		return "";
	return strstr(err, "t.ini:") ? strstr(err, "t.ini:") : err;
}

static int
fails(const char *text, const char *want)
{
	struct gl_profile p;
	const char *e = load(text, &p);
	int ok = strstr(e, want) != NULL;

	if (!ok)
		fprintf(stderr, "got: %s\nwant: %s\n", e, want);
	gl_profile_free(&p);
	return ok;
}

int
main(void)
{
	struct gl_profile p;
	char longline[300], digest[GL_SHA256_HEX], d2[GL_SHA256_HEX];

	if (mkdtemp(dir) == NULL)
		return 1;
	setenv("GLEISNER_PROFILE_PATH", dir, 1);

	CHECK(strcmp(load("name = a\n[filesystem]\ndeny = ~/.ssh\ndeny = /x\nreadwrite_bind =\n"
	    "[network]\nallow_ports = 443\n", &p), "") == 0);
	CHECK(p.deny.n == 2 && strcmp(p.deny.v[0], "/home/u/.ssh") == 0);
	CHECK(p.readwrite_bind.n == 0);
	CHECK(strcmp(p.net_default, "deny") == 0 && p.pid_namespace == 1);
	CHECK(gl_profile_digest(&p, digest) == 0 && strlen(digest) == 64);
	gl_profile_free(&p);

	CHECK(fails("name = a\n[filesystem]\nreadonly_bnd = /usr\n", "t.ini:3: unknown key 'readonly_bnd' in [filesystem]"));
	CHECK(fails("name = a\n\n[filesytem]\n", "t.ini:3: unknown section [filesytem]"));
	CHECK(fails("name = a\n[]\n", "t.ini:2: unknown section []"));
	CHECK(fails("name = a\n[process]\ncommand_allowlist = ls\n", "t.ini:3: command_allowlist is not supported"));
	CHECK(fails("name = a\n[filesystem]\ndeny = ~/.ssh/*\n", "t.ini:3: ~/.ssh/*: globs are not supported"));
	CHECK(fails("name = a\n[filesystem]\ndeny = /a/../b\n", "t.ini:3: /a/../b: '.' and '..' are not allowed"));
	CHECK(fails("name = a\n[filesystem]\ndeny = relative\n", "t.ini:3: relative: path must be absolute"));
	CHECK(fails("name = a\nname = b\n", "t.ini:2: 'name' set twice"));
	CHECK(fails("name = a\n[network]\nallow_dns = yes\n", "t.ini:3: allow_dns: 'yes' is not true or false"));
	CHECK(fails("name = a\n[network]\nallow_ports = 70000\n", "t.ini:3: allow_ports: not a port number"));
	CHECK(fails("name = a\n[network]\ndefault = maybe\n", "t.ini:3: default: 'maybe' is not one of: deny allow"));
	CHECK(fails("name = a\n[resources]\nmax_pids = -1\n", "t.ini:3: max_pids"));
	/* domains: names, or "*." and a suffix; nothing else of glob syntax */
	CHECK(strcmp(load("name = a\n[network]\nallow_domains = *.github.com\n"
	    "allow_domains = registry.npmjs.org\n", &p), "") == 0);
	CHECK(p.allow_domains.n == 2 && strcmp(p.allow_domains.v[0], "*.github.com") == 0);
	gl_profile_free(&p);
	CHECK(fails("name = a\n[network]\nallow_domains = *github.com\n", "t.ini:3: allow_domains: *github.com is not a domain name"));
	CHECK(fails("name = a\n[network]\nallow_domains = a.*.com\n", "t.ini:3: allow_domains: a.*.com is not a domain name"));
	CHECK(fails("name = a\n[network]\nallow_domains = *.\n", "t.ini:3: allow_domains: *. is not a domain name"));
	CHECK(fails("name = a\n[network]\nallow_domains = a..b\n", "t.ini:3: allow_domains: a..b is not a domain name"));
	CHECK(fails("name = a\nbroken line\n", "t.ini:2: syntax error"));
	CHECK(fails("description = only\n", "missing required key 'name'"));
	memset(longline, 'x', sizeof longline);
	memcpy(longline, "name = ", 7);
	longline[250] = '\n';
	longline[251] = '\0';
	CHECK(fails(longline, "t.ini:1: line too long"));

	/* include: lists append, a scalar overrides, an empty value removes nothing */
	put("base.ini", "name = base\n[filesystem]\ndeny = /secret\n[resources]\nmax_pids = 5\n");
	CHECK(strcmp(load("include = base\nname = child\n[filesystem]\ndeny =\ndeny = /other\n"
	    "[resources]\nmax_pids = 7\n", &p), "") == 0);
	CHECK(strcmp(p.name, "child") == 0 && p.max_pids == 7);
	CHECK(p.deny.n == 2 && strcmp(p.deny.v[0], "/secret") == 0);
	CHECK(p.nfiles == 2);
	gl_profile_free(&p);
	CHECK(fails("name = a\ninclude = base\n", "t.ini:2: include must come before any other key"));
	put("loop.ini", "include = t\nname = loop\n");
	CHECK(fails("include = loop\nname = t\n", "loop.ini:1: include = t: include loop"));
	CHECK(fails("include = nowhere\nname = t\n", "t.ini:1: include = nowhere: profile not found"));
	CHECK(fails("name = a\n\tb\n", "t.ini:2: 'name' takes one value"));
	CHECK(fails("name = \xff\xfe\n", "t.ini:1: invalid UTF-8"));
	{
		const char nul[] = "name = t\0x\n";
		FILE *f;
		char path[300];
		snprintf(path, sizeof path, "%s/nul.ini", dir);
		f = fopen(path, "w");
		fwrite(nul, 1, sizeof nul - 1, f);
		fclose(f);
		char err[512];
		CHECK(gl_profile_load(&p, path, "/h", err, sizeof err) < 0 && strstr(err, "nul.ini:1: NUL byte") != NULL);
		gl_profile_free(&p);
		CHECK(gl_profile_load(&p, "/dev/zero", "/h", err, sizeof err) < 0 && strstr(err, "not a regular file") != NULL);
		gl_profile_free(&p);
	}

	/* the digest is over the resolved profile: same values, same digest */
	load("name = a\n[network]\nallow_ports = 443\n", &p);
	gl_profile_digest(&p, digest);
	gl_profile_free(&p);
	load("; a comment\nname = a\n\n[network]\nallow_ports = 443 ; inline\n", &p);
	gl_profile_digest(&p, d2);
	gl_profile_free(&p);
	CHECK(strcmp(digest, d2) == 0);

	/* the bundled profiles load */
	setenv("GLEISNER_PROFILE_PATH", "profiles", 1);
	for (const char *const *n = (const char *const[]){ "konishi", "carter-zimmerman",
	    "ashton-laval", "developer", NULL }; *n != NULL; n++) {
		char err[512];
		CHECK(gl_profile_load(&p, *n, "/home/u", err, sizeof err) == 0);
		gl_profile_free(&p);
	}
	gl_profile_load(&p, "developer", "/home/u", longline, sizeof longline);
	CHECK(p.disallowed_tools.n == 36 && p.allow_domains.n == 19);
	gl_profile_free(&p);

	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return t_done();
}
