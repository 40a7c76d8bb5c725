/*
 * gl-netfilter: give a command its own network namespace whose only way
 * out is an upstream link filtered by nftables rules it cannot change, and
 * a resolver that serves only the profile's domains; supervise it, tear
 * everything down, exit with its status.  A chain tool (125: setup failed).
 */
#include <err.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "egress.h"
#include "gl.h"
#include "json.h"
#include "profile.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: gl-netfilter [-p profile] [--allow-domain name] [--allow-private]\n"
	    "                    [--upstream addr] [--report file] [--events file] [--wait]\n"
	    "                    -- command [arg ...]\n"
	    "       gl-netfilter [-p profile] [--allow-domain name] [--allow-private]\n"
	    "                    [--upstream addr] --dry-run\n"
	    "       gl-netfilter [-p profile] [--allow-domain name] --needed\n");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "report", required_argument, NULL, 'r' },
		{ "events", required_argument, NULL, 'e' },
		{ "upstream", required_argument, NULL, 'u' },
		{ "allow-domain", required_argument, NULL, 'a' },
		{ "allow-private", no_argument, NULL, 'P' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "wait", no_argument, NULL, 'w' },
		{ "needed", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct gl_egress_opts o = { .profile = "konishi" };
	struct gl_profile prof;
	struct gl_egress s;
	char errbuf[512];
	const char *home;
	int ch, code, needed = 0;

	while ((ch = getopt_long(argc, argv, "+p:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': o.profile = optarg; break;
		case 'r': o.report = optarg; break;
		case 'e': o.events = optarg; break;
		case 'u': o.upstream = optarg; break;
		case 'a':
			if (gl_strv_push(&o.domains, optarg) < 0)
				err(GL_EX_SETUP, "--allow-domain");
			break;
		case 'P': o.allow_private = 1; break;
		case 'n': o.dry_run = 1; break;
		case 'w': o.wait_teardown = 1; break;
		case 'N': needed = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("gl-netfilter %s\n", GL_VERSION); return 0;
		default: usage(stderr); return GL_EX_SETUP;
		}
	}
	argc -= optind;
	argv += optind;
	if (needed && (argc != 0 || o.dry_run || o.report != NULL || o.events != NULL)) {
		usage(stderr);
		return GL_EX_SETUP;
	}
	if (!needed && ((argc == 0) != o.dry_run ||
	    (o.dry_run && (o.report != NULL || o.events != NULL)))) {
		usage(stderr);
		return GL_EX_SETUP;
	}

	/* the session ends with whoever started it (a killed front-end):
	 * SIGTERM is passed on to the command, and the teardown runs */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		err(GL_EX_SETUP, "prctl(PR_SET_PDEATHSIG)");
	/* everything is checked before anything is changed */
	home = getenv("HOME");
	if (home == NULL || home[0] != '/') {
		struct passwd *pw = getpwuid(getuid());

		home = pw != NULL ? pw->pw_dir : "/";
	}
	if (gl_profile_load(&prof, o.profile, home, errbuf, sizeof errbuf) < 0)
		errx(GL_EX_SETUP, "%s", errbuf);
	if (needed) {
		/* does the profile let anything out?  If not, gl-jail alone
		 * (loopback only) is the whole of the network policy */
		code = gl_profile_wants_egress(&prof) || o.domains.n > 0 ? 0 : 1;
		gl_profile_free(&prof);
		gl_strv_free(&o.domains);
		return code;
	}
	code = GL_EX_SETUP;
	if (gl_egress_plan(&s, &o, &prof, errbuf, sizeof errbuf) < 0) {
		warnx("%s", errbuf);
		goto out;
	}
	if (o.dry_run) {
		if (gl_json_write_line(stdout, gl_egress_report(&s)) < 0 || fclose(stdout) == EOF)
			warn("stdout");
		else
			code = 0;
		goto out;
	}
	if (geteuid() != 0) {
		/* the unprivileged link would be pasta(1), which needs the tun
		 * device; root gets veth + NAT instead */
		warnx("filtered egress needs root (veth + NAT); an unprivileged upstream link "
		    "is not supported yet");
		s.hint = access("/dev/net/tun", R_OK | W_OK) < 0 ?
		    "run as root; a user-mode link (pasta) would also need /dev/net/tun, "
		    "which this user cannot open" :
		    "run as root, or use a profile with default = deny and no allow_domains "
		    "(gl-jail alone gives no network)";
		goto out;
	}
	/* fail closed: nothing runs unless the namespace, link, rules and
	 * resolver are all in place */
	if (gl_egress_setup(&s, errbuf, sizeof errbuf) < 0) {
		warnx("%s", errbuf);
		gl_egress_teardown(&s);
		goto out;
	}
	code = gl_egress_run(&s, argv, errbuf, sizeof errbuf);
	if (code < 0)
		warnx("%s", errbuf);
	gl_egress_teardown(&s);
	if (o.report != NULL && code >= 0 && gl_egress_write_report(&s, o.report) < 0) {
		warn("%s", o.report);
		code = -1;
	}
	if (code < 0)
		code = GL_EX_SETUP;
out:
	if (code == GL_EX_SETUP && s.hint != NULL)
		fprintf(stderr, "gl-netfilter: hint: %s\n", s.hint);
	gl_egress_free(&s);
	gl_profile_free(&prof);
	gl_strv_free(&o.domains);
	return code;
}
