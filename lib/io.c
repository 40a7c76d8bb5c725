#include "io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int
gl_io_read_fd(int fd, size_t cap, char **buf, size_t *len)
{
	size_t n = 0, sz = 4096;
	char *p = malloc(sz + 1), *q;
	ssize_t r;

	if (p == NULL)
		return -1;
	for (;;) {
		if (n == sz) {
			if (sz > cap) {
				free(p);
				errno = EFBIG;
				return -1;
			}
			sz *= 2;
			if ((q = realloc(p, sz + 1)) == NULL) {
				free(p);
				return -1;
			}
			p = q;
		}
		r = read(fd, p + n, sz - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(p);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > cap) {
			free(p);
			errno = EFBIG;
			return -1;
		}
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

int
gl_io_read_file(const char *path, size_t cap, char **buf, size_t *len)
{
	int fd, rc, saved;

	if (strcmp(path, "-") == 0)
		return gl_io_read_fd(STDIN_FILENO, cap, buf, len);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
		return -1;
	rc = gl_io_read_fd(fd, cap, buf, len);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
gl_io_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int
gl_io_write_atomic(const char *path, const void *buf, size_t len, mode_t mode)
{
	char tmp[PATH_MAX], real[PATH_MAX];
	struct stat st;
	int fd, saved;

	if (strcmp(path, "-") == 0)
		return gl_io_write_all(STDOUT_FILENO, buf, len);
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISLNK(st.st_mode)) {
			/* replace the file the link names, not the link */
			char target[PATH_MAX], *slash;
			ssize_t n;
			if (realpath(path, real) != NULL)
				return gl_io_write_atomic(real, buf, len, mode);
			if (errno != ENOENT || (n = readlink(path, target, sizeof target - 1)) < 0)
				return -1;
			target[n] = '\0';
			slash = strrchr(path, '/');
			if (target[0] == '/' || slash == NULL)
				snprintf(real, sizeof real, "%s", target);
			else if (snprintf(real, sizeof real, "%.*s/%s", (int)(slash - path),
			    path, target) >= (int)sizeof real) {
				errno = ENAMETOOLONG;
				return -1;
			}
			if (lstat(real, &st) == 0) {
				errno = ELOOP;	/* a chain of dangling links */
				return -1;
			}
			return gl_io_write_atomic(real, buf, len, mode);
		} else if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return -1;
		} else {
			/* a device or a FIFO: write through it, never replace it */
			if ((fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)) < 0)
				return -1;
			if (gl_io_write_all(fd, buf, len) < 0) {
				saved = errno;
				close(fd);
				errno = saved;
				return -1;
			}
			return close(fd);
		}
	}
	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return -1;
	if (fchmod(fd, mode) < 0 || gl_io_write_all(fd, buf, len) < 0 ||
	    fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int
gl_io_fd_arg(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || n < 3 || n > INT_MAX || fcntl((int)n, F_GETFD) < 0)
		return -1;
	return (int)n;
}

int
gl_io_write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY), rc, saved;

	if (fd < 0)
		return -1;
	rc = gl_io_write_all(fd, s, strlen(s));
	saved = errno;
	if (close(fd) < 0 && rc == 0)
		rc = -1;
	else
		errno = saved;
	return rc;
}

static int
intcmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* close [lo, hi]: close_range(2), or one by one on an older kernel */
static void
close_span(int lo, int hi)
{
	DIR *d;
	struct dirent *e;
	int fd, dfd;

	if (lo > hi)
		return;
	if (syscall(SYS_close_range, (unsigned)lo, (unsigned)hi, 0) == 0)
		return;
	if ((d = opendir("/proc/self/fd")) == NULL) {
		for (fd = lo; fd <= hi && fd < 65536; fd++)
			close(fd);
		return;
	}
	dfd = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		fd = atoi(e->d_name);
		if (fd >= lo && fd <= hi && fd != dfd && e->d_name[0] != '.')
			close(fd);
	}
	closedir(d);
}

void
gl_io_close_from(int lowfd, const int *keep, size_t nkeep)
{
	int sorted[256], lo = lowfd;
	size_t i, n = nkeep < 256 ? nkeep : 256;

	memcpy(sorted, keep, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, intcmp);
	for (i = 0; i < n; i++) {
		if (sorted[i] < lo)
			continue;
		close_span(lo, sorted[i] - 1);
		lo = sorted[i] + 1;
	}
	close_span(lo, INT_MAX);
}

int
gl_io_config_dir(const char *home, char *buf, size_t bufsz)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	int n;

	if (home == NULL)
		home = getenv("HOME");
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, bufsz, "%s/gleisner", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, bufsz, "%s/.config/gleisner", home);
	else {
		errno = EINVAL;
		return -1;
	}
	if (n < 0 || (size_t)n >= bufsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
gl_io_mkdirs(const char *path, mode_t mode)
{
	char buf[PATH_MAX], *p;

	if (strlen(path) >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(buf, path);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}
