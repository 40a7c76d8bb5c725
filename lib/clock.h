/* clock: RFC 3339 UTC time stamps. */
#ifndef GL_CLOCK_H
#define GL_CLOCK_H
#include <stddef.h>
#include <time.h>

#define GL_CLOCK_LEN 40

/* "2026-12-03T10:15:17.123456789Z" (nanos=1) or "2026-12-03T10:15:17Z" */
int gl_clock_format(const struct timespec *ts, int nanos, char *buf, size_t bufsz);
/* now, CLOCK_REALTIME */
int gl_clock_now(char *buf, size_t bufsz, int nanos);
/* Parse "YYYY-MM-DDTHH:MM:SS[.frac]Z" into *t; -1 if malformed. */
int gl_clock_parse(const char *s, struct timespec *t);

#endif
