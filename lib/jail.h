/* jail: the bubblewrap argv and gl-landlock rules for a profile. */
#ifndef GL_JAIL_H
#define GL_JAIL_H
#include <stddef.h>
#include <sys/types.h>
#include <jv.h>

#include "profile.h"

#define GL_JAIL_LANDLOCK "/run/gleisner/gl-landlock"
#define GL_JAIL_MAXFDS 64

struct gl_jail {
	/* in */
	const struct gl_profile *prof;
	const char *project;		/* absolute, resolved */
	const char *home;		/* the caller's home */
	const char *user;		/* the caller's name, for USER */
	const char *gl_config;		/* ~/.config/gleisner: always hidden */
	struct gl_strv allow_paths;	/* extra read-write paths */
	const char *landlock;		/* host path of gl-landlock, or NULL */
	int landlock_disabled;		/* run it with --disabled (no rules) */
	int landlock_fd;		/* its report fd, or -1 */
	int share_net;			/* keep the caller's network namespace */
	struct gl_strv hide;		/* masked whatever: e.g. the signing key */
	struct gl_strv forbidden;	/* out: must not appear (git commondir …) */
	uid_t uid;			/* ids inside */
	gid_t gid;
	int idmap;			/* root caller: writable trees idmapped */
	char stage[64];			/* where the idmapped trees are attached */
	int stage_private;		/* stage is a tmpfs of our mount namespace */
	int userns_fd;			/* the idmap */
	/* out */
	struct gl_strv bw;		/* bubblewrap options, before "--" */
	struct gl_strv ll;		/* the gl-landlock argv prefix */
	int datafds[GL_JAIL_MAXFDS];	/* fds bubblewrap reads (file masks) */
	size_t ndatafds;
	size_t nstaged;			/* idmapped trees attached under stage */
	jv fs;				/* report: what is bound, masked, skipped */
	jv env;				/* report: names of variables passed */
	jv seccomp;			/* report: the filter gl_jail_plan built */
};

/* A root caller's jail (never host root inside, SPEC 7.1): a private mount
 * namespace, the idmap user namespace for j->uid/gid, and j->stage: a tmpfs
 * of our own on a fixed root-owned directory (nothing per session on the
 * host, nothing to leave behind if gl-jail is killed), else a mkdtemp(3)
 * directory.  -1 with a one-line reason in err. */
int gl_jail_stage(struct gl_jail *j, char *err, size_t errsz);
/* --netfilter (gl-jail(1)): the profile lets traffic out, so gl-netfilter
 * goes first, outside the jail (SPEC 2): execute netfilter -p profile
 * nfargs... -- this gl-jail --share-net, then argv[1..argc) but the words
 * drop marks.  Only an absolute path root alone could have placed.
 * Returns only on failure: -1, a one-line reason in err. */
int gl_jail_handover(const char *netfilter, const char *profile, const struct gl_strv *nfargs,
    int argc, char *argv[], const unsigned char *drop, char *err, size_t errsz);
/* Build j->bw, j->ll, j->fs, j->env from the inputs.  In idmap mode this
 * also attaches the idmapped trees under j->stage (the caller must be in a
 * private mount namespace).  -1 with a one-line reason in err. */
int gl_jail_plan(struct gl_jail *j, char *err, size_t errsz);
/* After the jail: move aside each forbidden path the command created
 * (a .git/commondir would hand git an agent's config), note it in the
 * report; the number moved. */
int gl_jail_quarantine(struct gl_jail *j);
/* Detach and remove what gl_jail_plan attached under j->stage. */
void gl_jail_unstage(struct gl_jail *j);
void gl_jail_free(struct gl_jail *j);
/* The profile as reports show it: name, digest, files, resolved values;
 * invalid when a digest cannot be made. */
jv gl_jail_profile_json(const struct gl_profile *p);
/* What gl-jail measured or decided outside the plan, for the report. */
struct gl_jail_enforced {
	jv measured;		/* identity and namespaces of the jail */
	jv cgroup;		/* gl_cgroup_report */
	jv rlimits;		/* gl_rlimit_report */
	jv degraded;		/* layers let go by --allow-degraded */
	int landlock_abi;	/* the kernel's */
};

/* gl-jail's report around profile (gl_jail_profile_json); profile and e's
 * values are consumed; code < 0: the jail never ran. */
jv gl_jail_report(jv profile, const struct gl_jail *j, char **cmd,
    struct gl_jail_enforced *e, int code);

#endif
