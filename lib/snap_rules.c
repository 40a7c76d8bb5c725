/* snap_rules: what gl-snapshot leaves out (.gleisner, .git/objects,
 * --ignore, --exclude, .gitignore), and the count of it. */
#include "snap_walk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "utf8.h"

#define GITIGNORE_CAP (1 << 20)

static const char *const igname[GL_SNAP_IG_N] = { ".gleisner", ".git/objects", "ignore",
	"exclude", "gitignore" };

int
gl_snap_rules_init(struct gl_snap_walk *w)
{
	size_t i;

	if (gl_ignore_init(&w->excl, "", 0) < 0)
		return -1;
	for (i = 0; i < w->o->nexclude; i++)
		if (gl_ignore_add(&w->excl, w->o->exclude[i], strlen(w->o->exclude[i])) < 0)
			return -1;
	return 0;
}

int
gl_snap_rules_name(const struct gl_snap_walk *w, const char *path, size_t len)
{
	size_t i;

	if (gl_snap_under(path, len, ".gleisner"))
		return GL_SNAP_IG_GLEISNER;
	if (len > 12 && memcmp(path, ".git/objects/", 13) == 0)
		return GL_SNAP_IG_GITOBJ;
	for (i = 0; i < w->o->nignore; i++)
		if (gl_snap_under(path, len, w->o->ignore[i]))
			return GL_SNAP_IG_IGNORE;
	return -1;
}

/* (a pattern may want to know a directory) */
int
gl_snap_rules_pattern(const struct gl_snap_walk *w, const char *path, size_t len, int isdir)
{
	size_t i;
	int r;

	if (w->excl.n > 0 && gl_ignore_match(&w->excl, path, len, isdir) == 1)
		return GL_SNAP_IG_EXCLUDE;
	for (i = w->ngi; i-- > 0;)	/* the innermost .gitignore decides */
		if ((r = gl_ignore_match(&w->gi[i], path, len, isdir)) >= 0)
			return r ? GL_SNAP_IG_GITIGNORE : -1;
	return -1;
}

/* The .gitignore of directory pre (open as dfd): pushed on w->gi.  From
 * the cache's record when there is one, never from what the session left. */
int
gl_snap_rules_push(struct gl_snap_walk *w, int dfd, const char *pre, size_t plen)
{
	struct gl_ignore *q;
	char *buf = NULL, *base;
	size_t len = 0, blen, i, n;
	struct stat st;
	int fd, rc = 0;
	jv r;

	if (!w->o->gitignore)
		return 0;
	if (jv_get_kind(w->cachegi) == JV_KIND_ARRAY) {
		n = (size_t)jv_array_length(jv_copy(w->cachegi));
		for (i = 0; i < n && buf == NULL; i++) {
			r = jv_array_get(jv_copy(w->cachegi), (int)i);
			base = gl_utf8_get_name(r, "base", &blen);
			if (base != NULL && gl_snap_pathcmp(base, blen, pre, plen) == 0)
				buf = gl_utf8_get_name(r, "rules", &len);
			free(base);
			jv_free(r);
		}
		if (buf == NULL)
			return 0;
	} else {
		fd = openat(dfd, ".gitignore", O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return 0;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
		    gl_io_read_fd(fd, GITIGNORE_CAP, &buf, &len) < 0) {
			close(fd);
			gl_snap_skip(w, pre, plen, ".gitignore", errno);
			return 0;
		}
		close(fd);
	}
	if (w->ngi == w->gicap) {
		w->gicap = w->gicap ? w->gicap * 2 : 8;
		if ((q = realloc(w->gi, w->gicap * sizeof *q)) == NULL) {
			free(buf);
			return -1;
		}
		w->gi = q;
	}
	if (gl_ignore_init(&w->gi[w->ngi], pre, plen) < 0) {
		free(buf);
		return -1;
	}
	w->ngi++;
	if (gl_ignore_parse(&w->gi[w->ngi - 1], buf, len) < 0)
		rc = -1;
	r = gl_utf8_set_name(jv_object(), "base", pre, plen);
	w->girules = jv_array_append(w->girules, gl_utf8_set_name(r, "rules", buf, len));
	free(buf);
	return rc < 0 ? -1 : 1;
}

void
gl_snap_rules_pop(struct gl_snap_walk *w)
{
	gl_ignore_free(&w->gi[--w->ngi]);
}

/* "ignored": how many entries each rule kept out, and the .gitignore
 * rules used (so that a later --cache walk applies the same ones) */
jv
gl_snap_rules_summary(struct gl_snap_walk *w)
{
	unsigned long long total = 0;
	jv by = jv_object(), o;
	int i;

	for (i = 0; i < GL_SNAP_IG_N; i++) {
		total += w->ign[i];
		if (w->ign[i])
			by = jv_object_set(by, jv_string(igname[i]), jv_number((double)w->ign[i]));
	}
	o = jv_object_set(jv_object(), jv_string("count"), jv_number((double)total));
	o = jv_object_set(o, jv_string("by"), by);
	if (w->o->gitignore) {
		o = jv_object_set(o, jv_string("gitignore"), w->girules);
		w->girules = jv_null();
	}
	return o;
}
