/*
 * gl-jail: run a command in a bubblewrap jail built from a profile, with
 * gl-landlock inside, and report from outside what was really enforced.
 * A chain tool: exit status is the command's, 125 when the jail failed.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "gl.h"
#include "io.h"
#include "jail.h"
#include "json.h"
#include "ns.h"
#include "profile.h"

#define MAXKEEP 16
#define HOST_UID_BASE 2147352576U	/* 0x7ffe0000: root callers' jails */

static volatile pid_t child;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: gl-jail [-p profile] [-d project] [--report file] [--landlock-report-fd fd]\n"
	    "               [--keep-fd fd]... [--allow-path path]... [--no-landlock]\n"
	    "               [--host-uid uid] -- command [arg ...]\n"
	    "       gl-jail [-p profile] --print-profile\n");
}

static void
forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static int
fdarg(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*end != '\0' || n < 3 || n > INT_MAX || fcntl((int)n, F_GETFD) < 0)
		errx(GL_EX_SETUP, "%s: not an open file descriptor above 2", s);
	return (int)n;
}

/* The profile: name, digest of the resolved profile, each file's digest. */
static jv
profile_json(const struct gl_profile *pr)
{
	char digest[GL_SHA256_HEX];
	jv a = jv_array(), prof;
	size_t i;

	for (i = 0; i < pr->nfiles; i++) {
		jv f = jv_object_set(jv_object(), jv_string("path"), jv_string(pr->files[i]));
		a = jv_array_append(a, jv_object_set(f, jv_string("digest"), jv_object_set(
		    jv_object(), jv_string("sha256"), jv_string(pr->file_sha256[i]))));
	}
	gl_profile_digest(pr, digest);
	prof = jv_object_set(jv_object(), jv_string("name"), jv_string(pr->name));
	prof = jv_object_set(prof, jv_string("digest"), jv_object_set(jv_object(),
	    jv_string("sha256"), jv_string(digest)));
	prof = jv_object_set(prof, jv_string("files"), a);
	return jv_object_set(prof, jv_string("resolved"), gl_profile_json(pr));
}

/* The report: the profile, what bubblewrap set up, and what we measured. */
static jv
report(const struct gl_profile *pr, struct gl_jail *j, char **cmd, jv measured, int code)
{
	jv o = jv_object(), a;
	size_t i;

	o = jv_object_set(o, jv_string("tool"), jv_string("gl-jail"));
	o = jv_object_set(o, jv_string("version"), jv_string(GL_VERSION));
	o = jv_object_set(o, jv_string("profile"), profile_json(pr));
	a = jv_array();
	for (i = 0; cmd[i] != NULL; i++)
		a = jv_array_append(a, jv_string(cmd[i]));
	o = jv_object_set(o, jv_string("command"), a);
	o = jv_object_set(o, jv_string("project"), jv_string(j->project));
	o = jv_object_set(o, jv_string("measured"), measured);
	o = jv_object_set(o, jv_string("filesystem"), jv_copy(j->fs));
	o = jv_object_set(o, jv_string("environment"), jv_copy(j->env));
	o = jv_object_set(o, jv_string("landlock"), jv_object_set(jv_object(),
	    jv_string("requested"), jv_bool(j->landlock != NULL)));
	o = jv_object_set(o, jv_string("seccomp"), jv_object_set(jv_object_set(jv_object(),
	    jv_string("enforced"), jv_false()), jv_string("reason"),
	    jv_string("not implemented in this version")));
	o = jv_object_set(o, jv_string("cgroup"), jv_object_set(jv_object_set(jv_object(),
	    jv_string("enforced"), jv_false()), jv_string("reason"),
	    jv_string("not implemented in this version")));
	o = jv_object_set(o, jv_string("rlimits"), jv_object_set(jv_object_set(jv_object(),
	    jv_string("enforced"), jv_false()), jv_string("reason"),
	    jv_string("not implemented in this version")));
	o = jv_object_set(o, jv_string("network"), jv_object_set(jv_object_set(jv_object(),
	    jv_string("mode"), jv_string("loopback-only")), jv_string("egress"),
	    jv_string("none: the domain allowlist is not implemented yet, so nothing leaves")));
	if (code < 0)
		o = jv_object_set(o, jv_string("exit"), jv_null());
	else if (code > GL_EX_SIGNAL && code < GL_EX_SIGNAL + 65)
		o = jv_object_set(o, jv_string("exit"), jv_object_set(jv_object(),
		    jv_string("signal"), jv_number(code - GL_EX_SIGNAL)));
	else
		o = jv_object_set(o, jv_string("exit"), jv_object_set(jv_object(),
		    jv_string("code"), jv_number(code)));
	return o;
}

/* --print-profile: the resolved profile and its digests, for gleisner(1) */
static int
print_profile(const char *name)
{
	struct gl_profile prof;
	struct passwd *pw = getpwuid(getuid());
	const char *home = getenv("HOME");
	char errbuf[512];
	int rc = 0;

	if (home == NULL || home[0] != '/')
		home = pw != NULL ? pw->pw_dir : "/";
	if (gl_profile_load(&prof, name, home, errbuf, sizeof errbuf) < 0)
		errx(GL_EX_SETUP, "%s", errbuf);
	if (gl_json_write_line(stdout, profile_json(&prof)) < 0 || fclose(stdout) == EOF) {
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
		{ "host-uid", required_argument, NULL, 'u' },
		{ "print-profile", no_argument, NULL, 'P' },
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
		int print;		/* --print-profile */
	} o = { .profile = "konishi", .project = ".", .llfd = -1, .host_uid = -1 };
	struct gl_profile prof;
	struct gl_jail j;
	struct passwd *pw;
	struct sigaction sa;
	char errbuf[512], stage[] = "/tmp/.gl-jail.XXXXXX", *project, *dir, llpath[PATH_MAX];
	char cfg[PATH_MAX], fdstr[2][16], line[512], *s;
	const char *home;
	jv measured = jv_null(), rep;
	int ch, argsfd, sp[2], code = -1, wst;
	size_t i, n;
	FILE *sf;

	while ((ch = getopt_long(argc, argv, "+p:d:h", longopts, NULL)) != -1) {
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
		case 'P': o.print = 1; break;
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
	argc -= optind;
	argv += optind;
	if (o.print && argc == 0)
		return print_profile(o.profile);
	if (argc == 0 || o.print) {
		usage(stderr);
		return GL_EX_SETUP;
	}
	if (o.host_uid >= 0 && geteuid() != 0)
		errx(GL_EX_SETUP, "--host-uid needs a root caller");

	/* everything is checked before anything is changed */
	if ((project = realpath(o.project, NULL)) == NULL)
		err(GL_EX_SETUP, "project directory %s", o.project);
	pw = getpwuid(getuid());
	home = getenv("HOME");
	if (home == NULL || home[0] != '/')
		home = pw != NULL ? pw->pw_dir : "/";
	if (gl_profile_load(&prof, o.profile, home, errbuf, sizeof errbuf) < 0)
		errx(GL_EX_SETUP, "%s", errbuf);
	if ((s = getenv("XDG_CONFIG_HOME")) != NULL && s[0] == '/')
		snprintf(cfg, sizeof cfg, "%s/gleisner", s);
	else
		snprintf(cfg, sizeof cfg, "%s/.config/gleisner", home);
	llpath[0] = '\0';
	if (!o.no_landlock) {
		if ((dir = gl_exec_selfdir()) == NULL)
			err(GL_EX_SETUP, "/proc/self/exe");
		snprintf(llpath, sizeof llpath, "%s/gl-landlock", dir);
		free(dir);
		if (access(llpath, X_OK) < 0)
			err(GL_EX_SETUP, "%s", llpath);
	}

	memset(&j, 0, sizeof j);
	j.prof = &prof;
	j.project = project;
	j.home = home;
	j.user = pw != NULL ? pw->pw_name : "gleisner";
	j.gl_config = cfg;
	j.allow_paths = o.allow;
	j.landlock = o.no_landlock ? NULL : llpath;
	j.landlock_fd = o.llfd;
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
		j.idmap = 1;
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			err(GL_EX_SETUP, "private mount namespace");
		if ((j.userns_fd = gl_ns_idmap_userns(j.uid, j.gid)) < 0)
			err(GL_EX_SETUP, "idmap user namespace");
		if (mkdtemp(stage) == NULL || chmod(stage, 0711) < 0)
			err(GL_EX_SETUP, "%s", stage);
		j.stage = stage;
	}
	if (gl_jail_plan(&j, errbuf, sizeof errbuf) < 0) {
		gl_jail_unstage(&j);
		errx(GL_EX_SETUP, "%s", errbuf);
	}

	/* bubblewrap's options through a memfd (--args), never a shell string */
	if ((argsfd = memfd_create("gl-jail-args", 0)) < 0)
		err(GL_EX_SETUP, "memfd_create");
	for (i = 0; i < j.bw.n; i++)
		if (gl_io_write_all(argsfd, j.bw.v[i], strlen(j.bw.v[i]) + 1) < 0)
			err(GL_EX_SETUP, "memfd");
	if (lseek(argsfd, 0, SEEK_SET) < 0 || pipe2(sp, O_CLOEXEC) < 0)
		err(GL_EX_SETUP, "pipe");
	if (fcntl(sp[1], F_SETFD, 0) < 0)
		err(GL_EX_SETUP, "fcntl");

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = forward;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);

	pid_t parent = getpid();
	if ((child = fork()) < 0)
		err(GL_EX_SETUP, "fork");
	if (child == 0) {
		int keep[MAXKEEP + GL_JAIL_MAXFDS + 2];
		size_t nk = 0;
		char **av;

		if (j.idmap && (setgroups(0, NULL) < 0 || setresgid(j.gid, j.gid, j.gid) < 0 ||
		    setresuid(j.uid, j.uid, j.uid) < 0 || getuid() != j.uid))
			err(GL_EX_SETUP, "dropping to uid %u", (unsigned)j.uid);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(GL_EX_SETUP);
		keep[nk++] = argsfd;
		keep[nk++] = sp[1];
		for (i = 0; i < o.nkeep; i++)
			keep[nk++] = o.keep[i];
		for (i = 0; i < j.ndatafds; i++)
			keep[nk++] = j.datafds[i];
		gl_io_close_from(3, keep, nk);
		snprintf(fdstr[0], sizeof fdstr[0], "%d", argsfd);
		snprintf(fdstr[1], sizeof fdstr[1], "%d", sp[1]);
		n = 0;
		if ((av = calloc(6 + j.ll.n + (size_t)argc + 1, sizeof *av)) == NULL)
			_exit(GL_EX_SETUP);
		av[n++] = "bwrap";
		av[n++] = "--args";
		av[n++] = fdstr[0];
		av[n++] = "--json-status-fd";
		av[n++] = fdstr[1];
		av[n++] = "--";
		for (i = 0; i < j.ll.n; i++)
			av[n++] = j.ll.v[i];
		for (i = 0; i < (size_t)argc; i++)
			av[n++] = argv[i];
		execvp("bwrap", av);
		warn("bwrap");
		fprintf(stderr, "gl-jail: hint: install bubblewrap (apt-get install bubblewrap)\n");
		_exit(GL_EX_SETUP);
	}
	close(sp[1]);
	close(argsfd);
	for (i = 0; i < j.ndatafds; i++)
		close(j.datafds[i]);
	j.ndatafds = 0;

	/* bubblewrap's status lines: the jail's pid, later the exit code */
	if ((sf = fdopen(sp[0], "r")) == NULL)
		err(GL_EX_SETUP, "fdopen");
	while (fgets(line, sizeof line, sf) != NULL) {
		jv v = jv_parse(line);
		jv pid = gl_json_get(v, "child-pid"), ec = gl_json_get(v, "exit-code");
		if (jv_get_kind(pid) == JV_KIND_NUMBER) {
			pid_t jp = (pid_t)jv_number_value(pid);
			jv_free(measured);
			measured = jv_object_set(gl_ns_identity(jp), jv_string("namespaces"),
			    gl_ns_measure(jp));
		}
		if (jv_get_kind(ec) == JV_KIND_NUMBER)
			code = (int)jv_number_value(ec);
		jv_free(pid);
		jv_free(ec);
		jv_free(v);
	}
	fclose(sf);
	while (waitpid(child, &wst, 0) < 0 && errno == EINTR)
		;
	if (code < 0)
		warnx("the jail could not be set up (bubblewrap status %d)", gl_exec_status(wst));
	if (jv_get_kind(measured) != JV_KIND_OBJECT) {
		jv_free(measured);
		measured = jv_object();
	}
	measured = jv_object_set(measured, jv_string("idmapped"), jv_bool(j.idmap));
	gl_jail_unstage(&j);

	if (o.report != NULL) {
		rep = report(&prof, &j, argv, measured, code);
		if ((s = gl_json_dump(rep, &n)) == NULL)
			errx(GL_EX_SETUP, "out of memory");
		s[n++] = '\n';
		if (gl_io_write_atomic(o.report, s, n, 0644) < 0)
			err(GL_EX_SETUP, "%s", o.report);
		free(s);
	} else
		jv_free(measured);
	gl_jail_free(&j);
	gl_profile_free(&prof);
	gl_strv_free(&o.allow);
	free(project);
	return code < 0 ? GL_EX_SETUP : code;
}
