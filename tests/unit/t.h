/* A minimal unit-test harness: CHECK(cond) and a closing line. */
#ifndef GL_T_H
#define GL_T_H
#include <stdio.h>

static int t_pass, t_fail;

#define CHECK(c) do { \
	if (c) t_pass++; \
	else { t_fail++; fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); } \
} while (0)

static int
t_done(void)
{
	printf("%d passed, %d failed\n", t_pass, t_fail);
	return t_fail != 0;
}
#endif
