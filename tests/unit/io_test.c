#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "t.h"

int
main(void)
{
	char dir[] = "/tmp/gl-io-test.XXXXXX", a[300], b[300], *buf;
	struct stat st;
	size_t n;
	int fd;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(a, sizeof a, "%s/file", dir);
	CHECK(gl_io_write_atomic(a, "one", 3, 0640) == 0);
	CHECK(gl_io_read_file(a, 100, &buf, &n) == 0 && n == 3 && memcmp(buf, "one", 3) == 0);
	free(buf);
	CHECK(stat(a, &st) == 0 && (st.st_mode & 0777) == 0640);
	/* the cap */
	CHECK(gl_io_read_file(a, 2, &buf, &n) < 0);

	/* a symbolic link: its target is written, the link stays */
	snprintf(b, sizeof b, "%s/link", dir);
	CHECK(symlink("file", b) == 0);
	CHECK(gl_io_write_atomic(b, "two", 3, 0644) == 0);
	CHECK(lstat(b, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(gl_io_read_file(a, 100, &buf, &n) == 0 && n == 3 && memcmp(buf, "two", 3) == 0);
	free(buf);
	/* a dangling one: the file it names is created */
	snprintf(b, sizeof b, "%s/dangling", dir);
	CHECK(symlink("made", b) == 0);
	CHECK(gl_io_write_atomic(b, "x", 1, 0644) == 0);
	snprintf(a, sizeof a, "%s/made", dir);
	CHECK(stat(a, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 1);
	/* a device is written through, never replaced */
	CHECK(gl_io_write_atomic("/dev/null", "x", 1, 0644) == 0);
	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
	/* a directory is refused */
	CHECK(gl_io_write_atomic(dir, "x", 1, 0644) < 0);

	/* close_from keeps what it is told to */
	fd = open("/dev/null", O_RDONLY);
	int keep = open("/dev/null", O_RDONLY);
	gl_io_close_from(fd, &keep, 1);
	CHECK(fcntl(fd, F_GETFD) < 0 && fcntl(keep, F_GETFD) >= 0);
	close(keep);

	snprintf(a, sizeof a, "rm -rf %s", dir);
	if (system(a) != 0)
		return 1;
	return t_done();
}
