#include "clock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int
gl_clock_format(const struct timespec *ts, int nanos, char *buf, size_t bufsz)
{
	struct tm tm;
	char base[32];

	if (gmtime_r(&ts->tv_sec, &tm) == NULL)
		return -1;
	if (strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return -1;
	if (nanos)
		snprintf(buf, bufsz, "%s.%09ldZ", base, ts->tv_nsec);
	else
		snprintf(buf, bufsz, "%sZ", base);
	return 0;
}

int
gl_clock_now(char *buf, size_t bufsz, int nanos)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return -1;
	return gl_clock_format(&ts, nanos, buf, bufsz);
}

int
gl_clock_parse(const char *s, struct timespec *t)
{
	struct tm tm;
	const char *p;
	long ns = 0, scale = 100000000;

	memset(&tm, 0, sizeof tm);
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (p == NULL || strlen(s) < 20 || s[4] != '-' || s[10] != 'T')
		goto bad;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto bad;
		while (*p >= '0' && *p <= '9') {
			if (scale > 0) {
				ns += (*p - '0') * scale;
				scale /= 10;
			}
			p++;
		}
	}
	if (p[0] != 'Z' || p[1] != '\0')
		goto bad;
	t->tv_sec = timegm(&tm);
	t->tv_nsec = ns;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}
