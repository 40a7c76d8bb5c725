#include <stdlib.h>
#include <string.h>

#include "watch.h"
#include "t.h"

int
main(void)
{
	struct gl_watch w = { 0 };
	const struct gl_watch_dir *d;
	size_t n;
	int *wds;
	char *s;

	CHECK(gl_watch_put(&w, 1, "", 0) == 0);
	CHECK(gl_watch_put(&w, 2, "a", 1) == 0);
	CHECK(gl_watch_put(&w, 3, "a/b", 3) == 0);
	CHECK(gl_watch_put(&w, 4, "ab", 2) == 0);
	CHECK(gl_watch_put(&w, 300, "z", 1) == 0);	/* grows the table */
	CHECK(w.n == 5);
	CHECK(gl_watch_put(&w, -1, "x", 1) < 0);
	CHECK((d = gl_watch_get(&w, 3)) != NULL && strcmp(d->rel, "a/b") == 0);
	CHECK(gl_watch_get(&w, 5) == NULL);
	CHECK(gl_watch_get(&w, 100000) == NULL);

	CHECK(gl_watch_is_under("a/b", 3, "a", 1));
	CHECK(gl_watch_is_under("a", 1, "a", 1));
	CHECK(!gl_watch_is_under("ab", 2, "a", 1));
	CHECK(gl_watch_is_under("x", 1, "", 0));

	/* renaming "a" moves a and a/b, never ab */
	CHECK(gl_watch_rename(&w, "a", 1, "new", 3) == 2);
	CHECK(strcmp(gl_watch_get(&w, 2)->rel, "new") == 0);
	CHECK(strcmp(gl_watch_get(&w, 3)->rel, "new/b") == 0);
	CHECK(gl_watch_get(&w, 3)->len == 5);
	CHECK(strcmp(gl_watch_get(&w, 4)->rel, "ab") == 0);

	CHECK(gl_watch_under(&w, "new", 3, &wds) == 2);
	CHECK(wds[0] == 2 && wds[1] == 3);
	free(wds);
	CHECK(gl_watch_under(&w, "", 0, &wds) == 5);
	free(wds);

	gl_watch_del(&w, 3);
	gl_watch_del(&w, 3);
	CHECK(w.n == 4 && gl_watch_get(&w, 3) == NULL);
	CHECK(gl_watch_put(&w, 2, "again", 5) == 0 && w.n == 4);

	s = gl_watch_join("", 0, "f", 1, &n);
	CHECK(strcmp(s, "f") == 0 && n == 1);
	free(s);
	s = gl_watch_join("d/e", 3, "f\xff", 2, &n);
	CHECK(n == 6 && memcmp(s, "d/e/f\xff", 6) == 0);
	free(s);
	gl_watch_free(&w);
	CHECK(w.n == 0 && gl_watch_get(&w, 1) == NULL);
	return t_done();
}
