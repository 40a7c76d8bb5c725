/*
 * gl-jail: run a command in a bubblewrap jail built from a profile, with
 * gl-landlock inside, and report from outside what was really enforced.
 * A chain tool: exit status is the command's, 125 when the jail failed.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "exec.h"
#include "gl.h"
#include "io.h"
#include "jail.h"
#include "jailrun.h"
#include "json.h"
#include "landlock.h"
#include "ns.h"
#include "probe.h"
#include "profile.h"
#include "rlimit.h"

#define MAXKEEP 16
#define HOST_UID_BASE 2147352576U	/* 0x7ffe0000: root callers' jails */
#define DEGRADE_CGROUP 1		/* --allow-degraded layers */
#define DEGRADE_LANDLOCK 2

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: gl-jail [-p profile] [-d project] [--report file] [--landlock-report-fd fd]\n"
	    "               [--keep-fd fd]... [--allow-path path]... [--hide path]... [--no-landlock]\n"
	    "               [--allow-degraded layer[,layer]] [--host-uid uid] [--share-net]\n"
	    "               [--netfilter path [--netfilter-arg arg]...] -- command [arg ...]\n"
	    "       gl-jail [-p profile] --print-profile\n"
	    "       gl-jail --probe [--human]\n");
}

/* A layer the profile asks for cannot be set up: fail closed (SPEC 5). */
static void
refuse(const char *why, const char *hint)
{
	warnx("%s", why);
	fprintf(stderr, "gl-jail: hint: %s\n", hint);
	exit(GL_EX_SETUP);
}

static int
degrade_arg(const char *s)
{
	char buf[128], *tok, *save;
	int m = 0;

	snprintf(buf, sizeof buf, "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "cgroup") == 0)
			m |= DEGRADE_CGROUP;
		else if (strcmp(tok, "landlock") == 0)
			m |= DEGRADE_LANDLOCK;
		else
			errx(GL_EX_SETUP, "--allow-degraded: %s: unknown layer (cgroup, landlock)", tok);
	}
	return m;
}

static jv
degrade(jv a, const char *layer, const char *why)
{
	if (jv_get_kind(a) != JV_KIND_ARRAY) {
		jv_free(a);
		a = jv_array();
	}
	return jv_array_append(a, jv_object_set(jv_object_set(jv_object(), jv_string("layer"),
	    jv_string(layer)), jv_string("reason"), jv_string(why)));
}

/* --probe: what this machine can enforce */
static int
probe(int human)
{
	jv p = gl_probe();
	int rc = human ? gl_probe_human(stdout, p) : gl_json_write_line(stdout, p);

	if (rc < 0 || fclose(stdout) == EOF) {
		warn("stdout");
		return GL_EX_SETUP;
	}
	return 0;
}

static int
fdarg(const char *s)
{
	int fd = gl_io_fd_arg(s);

	if (fd < 0)
		errx(GL_EX_SETUP, "%s: not an open file descriptor above 2", s);
	return fd;
}

/* $HOME, or the passwd entry's: where "~/" in a profile points */
static const char *
caller_home(const struct passwd *pw)
{
	const char *home = getenv("HOME");

	if (home == NULL || home[0] != '/')
		home = pw != NULL ? pw->pw_dir : "/";
	return home;
}

/* --print-profile: the resolved profile and its digests, for gleisner(1) */
static int
print_profile(const char *name)
{
	struct gl_profile prof;
	char errbuf[512];
	int rc = 0;
	jv pj;

	if (gl_profile_load(&prof, name, caller_home(getpwuid(getuid())), errbuf,
	    sizeof errbuf) < 0)
		errx(GL_EX_SETUP, "%s", errbuf);
	pj = gl_jail_profile_json(&prof);
	if (!jv_is_valid(pj))
		errx(GL_EX_SETUP, "%s: %s", name, gl_json_errmsg(pj, errbuf, sizeof errbuf));
	if (gl_json_write_line(stdout, pj) < 0 || fclose(stdout) == EOF) {
		warn("stdout");
		rc = GL_EX_SETUP;
	}
	gl_profile_free(&prof);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "project-dir", required_argument, NULL, 'd' },
		{ "report", required_argument, NULL, 'r' },
		{ "landlock-report-fd", required_argument, NULL, 'L' },
		{ "keep-fd", required_argument, NULL, 'k' },
		{ "allow-path", required_argument, NULL, 'a' },
		{ "no-landlock", no_argument, NULL, 'N' },
		{ "hide", required_argument, NULL, 'x' },
		{ "host-uid", required_argument, NULL, 'u' },
		{ "print-profile", no_argument, NULL, 'P' },
		{ "allow-degraded", required_argument, NULL, 'D' },
		{ "probe", no_argument, NULL, 'R' },
		{ "share-net", no_argument, NULL, 'S' },
		{ "netfilter", required_argument, NULL, 'n' },
		{ "netfilter-arg", required_argument, NULL, 'A' },
		{ "human", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct {
		const char *profile;	/* -p: name or path */
		const char *project;	/* -d */
		const char *report;	/* --report FILE */
		int keep[MAXKEEP];	/* --keep-fd, and the landlock report fd */
		size_t nkeep;
		int llfd;		/* --landlock-report-fd */
		int no_landlock;	/* --no-landlock */
		long host_uid;		/* --host-uid, root callers only */
		struct gl_strv allow;	/* --allow-path */
		struct gl_strv hide;	/* --hide: masked whatever */
		int print;		/* --print-profile */
		int degrade;		/* --allow-degraded: DEGRADE_* */
		int probe, human;	/* --probe [--human] */
		int share_net;		/* --share-net: gl-netfilter made the netns */
		const char *netfilter;	/* --netfilter: gl-netfilter, when wanted */
		struct gl_strv nfargs;	/* --netfilter-arg */
	} o = { .profile = "konishi", .project = ".", .llfd = -1, .host_uid = -1 };
	struct gl_profile prof;
	struct gl_jail j;
	struct gl_jailrun run;
	struct gl_jail_enforced en;
	struct gl_cgroup cg;
	struct gl_cgroup_limits lim;
	struct gl_rlimits rl;
	int abi = 0, minabi;
	jv degraded = jv_null();	/* the layers --allow-degraded let go */
	struct passwd *pw;
	char errbuf[512], *project, *dir, llpath[PATH_MAX];
	char cfg[PATH_MAX], line[1024], *s;
	const char *home;
	jv rep, profjson;
	int ch, code, nolandlock, at, argc0;
	char **argv0;
	/* the --netfilter options' words in argv (static: reachable at exit) */
	static unsigned char *drop;

	if ((drop = calloc((size_t)argc + 1, 1)) == NULL)
		err(GL_EX_SETUP, "out of memory");
	for (at = optind; (ch = getopt_long(argc, argv, "+p:d:h", longopts, NULL)) != -1;
	    at = optind) {
		if (ch == 'n' || ch == 'A')
			memset(drop + at, 1, (size_t)(optind - at));
		switch (ch) {
		case 'p': o.profile = optarg; break;
		case 'd': o.project = optarg; break;
		case 'r': o.report = optarg; break;
		case 'L': o.llfd = fdarg(optarg); /* FALLTHROUGH */
		case 'k':
			if (o.nkeep == MAXKEEP)
				errx(GL_EX_SETUP, "too many --keep-fd");
			o.keep[o.nkeep++] = ch == 'L' ? o.llfd : fdarg(optarg);
			break;
		case 'a':
			if ((s = realpath(optarg, NULL)) == NULL)
				err(GL_EX_SETUP, "--allow-path %s", optarg);
			gl_strv_push(&o.allow, s);
			free(s);
			break;
		case 'N': o.no_landlock = 1; break;
		case 'S': o.share_net = 1; break;
		case 'n': o.netfilter = optarg; break;
		case 'A': gl_strv_push(&o.nfargs, optarg); break;
		case 'x':
			if (optarg[0] != '/')
				errx(GL_EX_SETUP, "--hide %s: not an absolute path", optarg);
			s = realpath(optarg, NULL);
			gl_strv_push(&o.hide, s != NULL ? s : optarg);
			free(s);
			break;
		case 'P': o.print = 1; break;
		case 'D': o.degrade |= degrade_arg(optarg); break;
		case 'R': o.probe = 1; break;
		case 'H': o.human = 1; break;
		case 'u':
			o.host_uid = strtol(optarg, &s, 10);
			if (*s != '\0' || o.host_uid < 1 || o.host_uid >= 4294967295L)
				errx(GL_EX_SETUP, "--host-uid: %s: not a non-root uid", optarg);
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("gl-jail %s\n", GL_VERSION); return 0;
		default: usage(stderr); return GL_EX_SETUP;
		}
	}
	argc0 = argc;
	argv0 = argv;
	argc -= optind;
	argv += optind;
	if (argc == 0 || o.netfilter == NULL) {
		free(drop);	/* only a jail to hand over needs it */
		drop = NULL;
	}
	if (o.probe && argc == 0 && !o.print)
		return probe(o.human);
	if (o.print && argc == 0 && !o.probe && !o.human)
		return print_profile(o.profile);
	if (argc == 0 || o.print || o.probe || o.human) {
		usage(stderr);
		return GL_EX_SETUP;
	}
	if (o.host_uid >= 0 && geteuid() != 0)
		errx(GL_EX_SETUP, "--host-uid needs a root caller");
	if (o.nfargs.n > 0 && o.netfilter == NULL)
		errx(GL_EX_SETUP, "--netfilter-arg needs --netfilter");
	/* the jail ends with whoever started it (a killed front-end, say):
	 * SIGTERM is forwarded to bubblewrap, and the cleanup runs */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		err(GL_EX_SETUP, "prctl(PR_SET_PDEATHSIG)");

	/* everything is checked before anything is changed */
	if ((project = realpath(o.project, NULL)) == NULL)
		err(GL_EX_SETUP, "project directory %s", o.project);
	pw = getpwuid(getuid());
	home = caller_home(pw);
	if (gl_profile_load(&prof, o.profile, home, errbuf, sizeof errbuf) < 0)
		errx(GL_EX_SETUP, "%s", errbuf);
	if (o.netfilter != NULL && !o.share_net && gl_profile_wants_egress(&prof)) {
		if (geteuid() == 0 && drop != NULL)
			if (gl_jail_handover(o.netfilter, o.profile, &o.nfargs, argc0, argv0,
			    drop, errbuf, sizeof errbuf) < 0)
				errx(GL_EX_SETUP, "%s", errbuf);
		/* the unprivileged link would need the tun device (gl-netfilter(1)) */
		warnx("warning: egress by domain needs root on this machine; the jail has "
		    "loopback only");
	}
	free(drop);
	gl_strv_free(&o.nfargs);
	/* a report's digests are made now: if OpenSSL cannot make them, the
	 * command has not run yet */
	profjson = jv_null();
	if (o.report != NULL) {
		profjson = gl_jail_profile_json(&prof);
		if (!jv_is_valid(profjson))
			errx(GL_EX_SETUP, "%s: %s", o.profile, gl_json_errmsg(profjson, errbuf,
			    sizeof errbuf));
	}
	if (gl_io_config_dir(home, cfg, sizeof cfg) < 0)
		err(GL_EX_SETUP, "the configuration directory");
	/* gl-landlock runs in every jail; with --no-landlock it restricts
	 * nothing, but still closes its report fd and maps 126/127 */
	if ((dir = gl_exec_selfdir()) == NULL)
		err(GL_EX_SETUP, "/proc/self/exe");
	snprintf(llpath, sizeof llpath, "%s/gl-landlock", dir);
	free(dir);
	if (access(llpath, X_OK) < 0)
		err(GL_EX_SETUP, "%s", llpath);
	nolandlock = o.no_landlock;
	if (!o.no_landlock) {
		/* gl-landlock would refuse inside; say so here, before anything */
		abi = gl_landlock_abi();
		minabi = prof.landlock_min_abi > 0 ? (int)prof.landlock_min_abi : 1;
		if (abi < minabi) {
			snprintf(line, sizeof line, "landlock: the kernel offers ABI %d, the profile "
			    "needs %d", abi, minabi);
			if (!(o.degrade & DEGRADE_LANDLOCK))
				refuse(line, "use a kernel with Landlock enabled (lsm=landlock), lower "
				    "[landlock] min_abi, or pass --allow-degraded landlock");
			warnx("warning: %s; running without Landlock (--allow-degraded landlock)", line);
			degraded = degrade(degraded, "landlock", line);
			nolandlock = 1;
		}
	}

	memset(&j, 0, sizeof j);
	j.prof = &prof;
	j.project = project;
	j.home = home;
	j.user = pw != NULL ? pw->pw_name : "gleisner";
	j.gl_config = cfg;
	j.allow_paths = o.allow;
	j.landlock = llpath;
	j.landlock_disabled = nolandlock;
	j.share_net = o.share_net;
	if (o.share_net && gl_ns_is_host("net") == 1)
		refuse("--share-net: this is the host's network namespace, not one of gl-netfilter's",
		    "run gl-jail under gl-netfilter, or drop --share-net");
	j.landlock_fd = o.llfd;
	j.hide = o.hide;
	j.uid = getuid();
	j.gid = getgid();
	j.userns_fd = -1;

	/* .gleisner exists on the host before any jail, so the agent cannot make it */
	snprintf(line, sizeof line, "%s/.gleisner", project);
	if (mkdir(line, 0755) < 0 && errno != EEXIST)
		err(GL_EX_SETUP, "%s", line);

	if (geteuid() == 0) {
		/* never host root inside (SPEC 7.1): an unprivileged uid of the
		 * jail's own, and the writable trees through idmapped mounts */
		j.uid = o.host_uid >= 0 ? (uid_t)o.host_uid :
		    HOST_UID_BASE + ((unsigned)getpid() & 0xffff);
		j.gid = (gid_t)j.uid;
		if (gl_jail_stage(&j, errbuf, sizeof errbuf) < 0) {
			gl_jail_unstage(&j);
			errx(GL_EX_SETUP, "%s", errbuf);
		}
	}
	if (gl_jail_plan(&j, errbuf, sizeof errbuf) < 0) {
		gl_jail_unstage(&j);
		errx(GL_EX_SETUP, "%s", errbuf);
	}

	/* the session cgroup and the rlimits; memory and pids fail closed */
	lim.memory_mb = prof.max_memory_mb;
	lim.pids = prof.max_pids;
	lim.cpu_percent = prof.max_cpu_percent;
	if (gl_cgroup_create(&cg, &lim, errbuf, sizeof errbuf) < 0 && (lim.memory_mb > 0 || lim.pids > 0)) {
		if (!(o.degrade & DEGRADE_CGROUP)) {
			gl_jail_unstage(&j);
			snprintf(line, sizeof line, "cgroup: cannot enforce max_memory_mb and max_pids: %s",
			    errbuf);
			refuse(line, "delegate a cgroup v2 subtree with memory and pids to this user "
			    "(systemd-run --user -p Delegate=yes), set them to 0 in the profile, "
			    "or pass --allow-degraded cgroup");
		}
		warnx("warning: cgroup: %s; memory and pids are not limited (--allow-degraded cgroup)",
		    errbuf);
		degraded = degrade(degraded, "cgroup", errbuf);
	}
	if (gl_cgroup_guard(&cg) < 0)
		warn("warning: cgroup guard");
	gl_rlimit_plan(&rl, &prof, j.idmap);

	memset(&run, 0, sizeof run);
	run.j = &j;
	run.cg = &cg;
	run.rl = &rl;
	run.cmd = argv;
	run.keep = o.keep;
	run.nkeep = o.nkeep;
	if ((code = gl_jailrun(&run, errbuf, sizeof errbuf)) < 0)
		warnx("%s", errbuf);
	en.measured = run.measured;
	en.cgroup = run.cgroup;
	en.rlimits = run.rlimits;
	en.degraded = degraded;
	en.landlock_abi = abi;
	if (o.report != NULL) {
		rep = gl_jail_report(profjson, &j, argv, &en, code);
		if (gl_json_write_file(o.report, rep) < 0)
			err(GL_EX_SETUP, "%s", o.report);
	} else {
		jv_free(en.measured);
		jv_free(en.cgroup);
		jv_free(en.rlimits);
		jv_free(en.degraded);
	}
	gl_jail_free(&j);
	gl_profile_free(&prof);
	gl_strv_free(&o.allow);
	gl_strv_free(&o.hide);
	free(project);
	return code < 0 ? GL_EX_SETUP : code;
}
