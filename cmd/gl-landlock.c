/*
 * gl-landlock: apply Landlock filesystem, TCP-port and scope rules to
 * itself, report what the kernel really enforced, then exec the rest of
 * argv.  A chain tool: exit status is the program's, or 125/126/127.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "gl.h"
#include "io.h"
#include "json.h"
#include "landlock.h"

#define MAXRULES 256

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: gl-landlock [--ro PATH]... [--rw PATH]... [--connect-tcp PORT]...\n"
	    "                   [--bind-tcp PORT]... [--no-net] [--no-scope] [--audit]\n"
	    "                   [--require-abi N] [--report FILE | --report-fd FD]\n"
	    "                   [--disabled] -- command [arg ...]\n"
	    "       gl-landlock --probe\n");
}

static long
port(const char *s)
{
	char *end;
	long p;

	errno = 0;
	p = strtol(s, &end, 10);
	if (errno || *end != '\0' || p < 0 || p > 65535 || s[0] == '\0')
		errx(GL_EX_SETUP, "%s: not a TCP port", s);
	return p;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "ro", required_argument, NULL, 'r' },
		{ "rw", required_argument, NULL, 'w' },
		{ "connect-tcp", required_argument, NULL, 'c' },
		{ "bind-tcp", required_argument, NULL, 'b' },
		{ "no-net", no_argument, NULL, 'N' },
		{ "no-scope", no_argument, NULL, 'S' },
		{ "audit", no_argument, NULL, 'A' },
		{ "require-abi", required_argument, NULL, 'a' },
		{ "report", required_argument, NULL, 'o' },
		{ "report-fd", required_argument, NULL, 'f' },
		{ "probe", no_argument, NULL, 'P' },
		{ "disabled", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct {
		const char *ro[MAXRULES], *rw[MAXRULES];	/* path rules */
		long connect[MAXRULES], bind[MAXRULES];		/* port rules */
		size_t nro, nrw, nconnect, nbind;
		int net;		/* handle TCP (default on) */
		int scope;		/* scope abstract sockets, signals */
		int audit;		/* ABI 7 audit of the exec'd program */
		int min_abi;		/* --require-abi */
		const char *report;	/* --report FILE */
		int report_fd;		/* --report-fd FD */
		int probe;		/* --probe */
		int disabled;		/* --disabled: report, restrict nothing */
	} o = { .net = 1, .scope = 1, .min_abi = 1, .report_fd = -1 };
	struct gl_landlock_req req;
	jv rep;
	char msg[256], *end, *s;
	size_t n;
	int ch, statusfd;

	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
		case 'w':
			/* relative paths are resolved now, landrun-style */
			if (optarg[0] != '/' && (s = realpath(optarg, NULL)) != NULL)
				optarg = s;
			else if (optarg[0] != '/')
				err(GL_EX_SETUP, "%s", optarg);
			if ((ch == 'r' ? o.nro : o.nrw) == MAXRULES)
				errx(GL_EX_SETUP, "too many rules");
			if (ch == 'r')
				o.ro[o.nro++] = optarg;
			else
				o.rw[o.nrw++] = optarg;
			break;
		case 'c':
		case 'b':
			if ((ch == 'c' ? o.nconnect : o.nbind) == MAXRULES)
				errx(GL_EX_SETUP, "too many port rules");
			if (ch == 'c')
				o.connect[o.nconnect++] = port(optarg);
			else
				o.bind[o.nbind++] = port(optarg);
			break;
		case 'N': o.net = 0; break;
		case 'S': o.scope = 0; break;
		case 'A': o.audit = 1; break;
		case 'a':
			o.min_abi = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o.min_abi < 1 || o.min_abi > 64)
				errx(GL_EX_SETUP, "--require-abi: %s: not an ABI number", optarg);
			break;
		case 'o': o.report = optarg; break;
		case 'f':
			if ((o.report_fd = gl_io_fd_arg(optarg)) < 0)
				errx(GL_EX_SETUP, "--report-fd: %s: not an open descriptor above 2", optarg);
			break;
		case 'P': o.probe = 1; break;
		case 'D': o.disabled = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("gl-landlock %s\n", GL_VERSION); return 0;
		default: usage(stderr); return GL_EX_SETUP;
		}
	}
	argc -= optind;
	argv += optind;
	if (o.probe) {
		rep = jv_object_set(jv_object(), jv_string("abi"), jv_number(gl_landlock_abi()));
		if (gl_json_write_line(stdout, rep) < 0 || fclose(stdout) == EOF)
			err(GL_EX_SYS, "stdout");
		return 0;
	}
	if (argc == 0) {
		usage(stderr);
		return GL_EX_SETUP;
	}
	if (o.report != NULL && o.report_fd >= 0)
		errx(GL_EX_SETUP, "--report and --report-fd exclude each other");

	memset(&req, 0, sizeof req);
	req.ro = o.ro;
	req.nro = o.nro;
	req.rw = o.rw;
	req.nrw = o.nrw;
	req.connect_tcp = o.connect;
	req.nconnect = o.nconnect;
	req.bind_tcp = o.bind;
	req.nbind = o.nbind;
	req.handle_net = o.net;
	req.scope = o.scope;
	req.audit = o.audit;
	req.min_abi = o.min_abi;
	/* the report file is opened before the rules apply, so that they need
	 * not grant its directory (it is therefore not written atomically) */
	if (o.report != NULL && (o.report_fd = open(o.report,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0)
		err(GL_EX_SETUP, "%s", o.report);
	/* opened before the rules apply: they need not grant /proc */
	if ((statusfd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)) < 0)
		err(GL_EX_SETUP, "/proc/self/status");
	if (o.disabled) {
		rep = jv_object_set(jv_object(), jv_string("abi"), jv_number(gl_landlock_abi()));
		rep = jv_object_set(rep, jv_string("enforced"), jv_false());
		rep = jv_object_set(rep, jv_string("reason"), jv_string("disabled on request (--disabled)"));
	} else
		rep = gl_landlock_apply(&req);
	if (!jv_is_valid(rep)) {
		warnx("%s", gl_json_errmsg(rep, msg, sizeof msg));
		fprintf(stderr, "gl-landlock: hint: boot with lsm=...,landlock or lower --require-abi\n");
		return GL_EX_SETUP;
	}
	/* measured after the restriction: what the program will start with */
	rep = jv_object_set(rep, jv_string("process"), gl_landlock_self_status(statusfd));
	close(statusfd);
	rep = jv_object_set(rep, jv_string("tool"), jv_string("gl-landlock"));
	rep = jv_object_set(rep, jv_string("version"), jv_string(GL_VERSION));
	if (o.report_fd >= 0) {
		if ((s = gl_json_dump(rep, &n)) == NULL)
			errx(GL_EX_SETUP, "out of memory");
		s[n++] = '\n';
		if (gl_io_write_all(o.report_fd, s, n) < 0 || close(o.report_fd) < 0)
			err(GL_EX_SETUP, "%s", o.report ? o.report : "report fd");
		/* closed: the program can neither read nor forge it */
		free(s);
	} else
		jv_free(rep);
	ch = gl_exec(argv);
	warn("%s", argv[0]);
	/* restricted now: no exit handlers (a leak checker could not read /proc) */
	fflush(stderr);
	_exit(ch);
}
