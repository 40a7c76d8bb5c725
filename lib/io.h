/* io: capped reads, complete writes, atomic file replacement. */
#ifndef GL_IO_H
#define GL_IO_H
#include <stddef.h>
#include <sys/types.h>

/* Read all of fd, at most cap bytes; more is EFBIG.  *buf is NUL-terminated
 * (not counted in *len) and must be freed. */
int gl_io_read_fd(int fd, size_t cap, char **buf, size_t *len);
/* Read a file ("-" is stdin), at most cap bytes. */
int gl_io_read_file(const char *path, size_t cap, char **buf, size_t *len);
/* Write all len bytes to fd, retrying on EINTR and short writes. */
int gl_io_write_all(int fd, const void *buf, size_t len);
/* Write buf to path through a temporary name in the same directory, fsync,
 * rename.  "-" writes to stdout.  Nothing is left behind on failure.  A
 * device or FIFO at path is written through, never replaced; a symbolic
 * link's target is replaced, not the link. */
int gl_io_write_atomic(const char *path, const void *buf, size_t len, mode_t mode);
/* Write the string s to an existing file (a /proc or cgroup knob): one
 * open, all of s, close; no temporary name. */
int gl_io_write_str(const char *path, const char *s);
/* A descriptor named on a command line: an open fd above 2, or -1. */
int gl_io_fd_arg(const char *s);
/* Close every fd above 2 except those listed (keep may be NULL). */
void gl_io_close_from(int lowfd, const int *keep, size_t nkeep);
/* Gleisner's configuration directory (keys, trust store, profiles):
 * $XDG_CONFIG_HOME/gleisner when that is absolute, else home/.config/gleisner
 * (home NULL: $HOME).  -1 (EINVAL, ENAMETOOLONG) when there is none. */
int gl_io_config_dir(const char *home, char *buf, size_t bufsz);
/* mkdir -p, each created directory with mode. */
int gl_io_mkdirs(const char *path, mode_t mode);

#endif
