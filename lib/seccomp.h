/* seccomp: the classic-BPF filter gl-jail hands to bubblewrap (x86-64). */
#ifndef GL_SECCOMP_H
#define GL_SECCOMP_H
#include <stddef.h>
#include <linux/filter.h>
#include <jv.h>

#include "profile.h"

/* Build the filter for [process.seccomp]: preset (disabled, nodejs, custom),
 * action (errno, log, kill) for what the preset does not allow, and allow,
 * the allow_syscalls names (custom: the list; nodejs: added to it).  The
 * deny list of gl-jail(1) comes first whatever the preset.  On success
 * *prog (malloc'ed, *len instructions) and *report (what it does) are set;
 * -1 with a one-line reason in err otherwise. */
int gl_seccomp_build(const char *preset, const char *action, const struct gl_strv *allow,
    struct sock_filter **prog, size_t *len, jv *report, char *err, size_t errsz);
/* A memfd at offset 0 holding prog, as bubblewrap's --seccomp reads it;
 * -1 with errno. */
int gl_seccomp_fd(const struct sock_filter *prog, size_t len);
/* The x86-64 number of a system call name, or -1. */
int gl_seccomp_nr(const char *name);
/* The name of an x86-64 system call number, or NULL. */
const char *gl_seccomp_name(int nr);

#endif
