/* profile: the INI profiles of gleisner-profile(5), read with inih. */
#ifndef GL_PROFILE_H
#define GL_PROFILE_H
#include <stddef.h>
#include <jv.h>

#include "digest.h"

struct gl_strv {
	char **v;
	size_t n;
};

#define GL_PROFILE_MAX_FILES 16

struct gl_profile {
	char *name, *description;
	/* [filesystem] */
	struct gl_strv readonly_bind, readwrite_bind, deny, tmpfs, protect;
	int protect_defaults;
	/* [network] */
	char *net_default;
	struct gl_strv allow_domains, allow_ports;
	int allow_dns;
	/* [process], [process.seccomp] */
	int pid_namespace, no_new_privileges;
	struct gl_strv allow_env;
	char *seccomp_preset, *seccomp_default_action;
	struct gl_strv allow_syscalls;
	/* [resources] */
	long long max_memory_mb, max_cpu_percent, max_pids, max_file_descriptors,
	    max_disk_write_mb;
	/* [plugins] */
	int skip_permissions;
	struct gl_strv add_dirs, disallowed_tools, mcp_network_domains;
	/* [landlock] */
	long long landlock_min_abi;

	/* the files read, outermost first, and the bytes that were parsed */
	size_t nfiles;
	char *files[GL_PROFILE_MAX_FILES];
	char *file_data[GL_PROFILE_MAX_FILES];
	size_t file_len[GL_PROFILE_MAX_FILES];
};

/* Resolve NAME or PATH (SPEC 4.1) into an absolute file name (malloc'ed);
 * NULL with errno ENOENT when no search directory has it. */
char *gl_profile_find(const char *arg);
/* Load arg (a name or a path) with its includes.  home expands "~/".  On
 * error returns -1 and writes "file:line: reason" to err. */
int gl_profile_load(struct gl_profile *p, const char *arg, const char *home,
    char *err, size_t errsz);
/* The resolved profile as JSON (p not changed). */
jv gl_profile_json(const struct gl_profile *p);
/* sha256 of the bytes parsed from files[i], computed when asked (OpenSSL
 * starts only for a report). */
int gl_profile_file_sha256(const struct gl_profile *p, size_t i, char out[GL_SHA256_HEX]);
/* sha256 of the compact sorted serialisation of gl_profile_json. */
int gl_profile_digest(const struct gl_profile *p, char out[GL_SHA256_HEX]);
/* Whether the profile lets anything out of the jail (default allow, or
 * domains): then gl-netfilter goes first, else loopback is the policy. */
int gl_profile_wants_egress(const struct gl_profile *p);
void gl_profile_free(struct gl_profile *p);
/* Append a copy of s to v. */
int gl_strv_push(struct gl_strv *v, const char *s);
void gl_strv_free(struct gl_strv *v);

#endif
