#include "watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Watch descriptors are small integers handed out in increasing order by
 * each inotify instance, so the table is a plain array indexed by them. */

int
gl_watch_put(struct gl_watch *w, int wd, const char *rel, size_t len)
{
	struct gl_watch_dir *q;
	size_t ncap;
	char *s;

	if (wd < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((size_t)wd >= w->cap) {
		ncap = w->cap ? w->cap : 64;
		while (ncap <= (size_t)wd)
			ncap *= 2;
		if ((q = realloc(w->d, ncap * sizeof *q)) == NULL)
			return -1;
		memset(q + w->cap, 0, (ncap - w->cap) * sizeof *q);
		w->d = q;
		w->cap = ncap;
	}
	if ((s = malloc(len + 1)) == NULL)
		return -1;
	memcpy(s, rel, len);
	s[len] = '\0';
	if (w->d[wd].rel == NULL)
		w->n++;
	free(w->d[wd].rel);
	w->d[wd].rel = s;
	w->d[wd].len = len;
	return 0;
}

const struct gl_watch_dir *
gl_watch_get(const struct gl_watch *w, int wd)
{
	if (wd < 0 || (size_t)wd >= w->cap || w->d[wd].rel == NULL)
		return NULL;
	return &w->d[wd];
}

void
gl_watch_del(struct gl_watch *w, int wd)
{
	if (gl_watch_get(w, wd) == NULL)
		return;
	free(w->d[wd].rel);
	w->d[wd].rel = NULL;
	w->d[wd].len = 0;
	w->n--;
}

int
gl_watch_is_under(const char *path, size_t len, const char *p, size_t plen)
{
	if (plen == 0)
		return 1;
	if (len < plen || memcmp(path, p, plen) != 0)
		return 0;
	return len == plen || path[plen] == '/';
}

int
gl_watch_rename(struct gl_watch *w, const char *from, size_t flen,
    const char *to, size_t tlen)
{
	struct gl_watch_dir *e;
	size_t i, nlen;
	char *s;
	int n = 0;

	for (i = 0; i < w->cap; i++) {
		e = &w->d[i];
		if (e->rel == NULL || !gl_watch_is_under(e->rel, e->len, from, flen))
			continue;
		nlen = tlen + (e->len - flen);
		if ((s = malloc(nlen + 1)) == NULL)
			return -1;
		memcpy(s, to, tlen);
		memcpy(s + tlen, e->rel + flen, e->len - flen);
		s[nlen] = '\0';
		free(e->rel);
		e->rel = s;
		e->len = nlen;
		n++;
	}
	return n;
}

long
gl_watch_under(const struct gl_watch *w, const char *p, size_t plen, int **out)
{
	size_t i;
	long n = 0;
	int *v;

	if ((v = malloc((w->n + 1) * sizeof *v)) == NULL)
		return -1;
	for (i = 0; i < w->cap; i++)
		if (w->d[i].rel != NULL &&
		    gl_watch_is_under(w->d[i].rel, w->d[i].len, p, plen))
			v[n++] = (int)i;
	*out = v;
	return n;
}

char *
gl_watch_join(const char *rel, size_t len, const char *name, size_t nlen,
    size_t *outlen)
{
	size_t n = len ? len + 1 + nlen : nlen;
	char *s = malloc(n + 1);

	if (s == NULL)
		return NULL;
	if (len) {
		memcpy(s, rel, len);
		s[len] = '/';
		memcpy(s + len + 1, name, nlen);
	} else
		memcpy(s, name, nlen);
	s[n] = '\0';
	*outlen = n;
	return s;
}

void
gl_watch_free(struct gl_watch *w)
{
	size_t i;

	for (i = 0; i < w->cap; i++)
		free(w->d[i].rel);
	free(w->d);
	w->d = NULL;
	w->cap = w->n = 0;
}
