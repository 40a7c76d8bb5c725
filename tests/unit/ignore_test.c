#include <string.h>

#include "ignore.h"
#include "t.h"

#define G(p, s) gl_ignore_glob(p, s, strlen(s))

int
main(void)
{
	struct gl_ignore g;
	char big[3000];

	CHECK(G("*.o", "a.o") && !G("*.o", "a.c") && !G("*.o", "d/a.o"));
	CHECK(G("a?c", "abc") && !G("a?c", "a/c"));
	CHECK(G("[ab]x", "bx") && !G("[!ab]x", "ax") && G("[a-c]", "b") && !G("[a-c]", "d"));
	CHECK(G("**/x", "x") && G("**/x", "a/b/x") && !G("**/x", "a/bx"));
	CHECK(G("a/**", "a/b/c") && !G("a/**", "b/c"));
	CHECK(G("a/**/b", "a/b") && G("a/**/b", "a/x/y/b") && !G("a/**/b", "a/xb"));
	CHECK(G("\\*", "*") && !G("\\*", "x"));
	CHECK(G("[", "[") || !G("[", "x"));	/* an unclosed class is literal */
	/* a pathological pattern stays fast (memoised) */
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK(!G("*a*a*a*a*a*a*a*a*a*a*a*b", big));

	CHECK(gl_ignore_init(&g, "", 0) == 0);
	static const char rules[] = "# c\n\n*.log\nbuild/\n/top\n!keep.log\ndoc/*.tmp  \n";
	CHECK(gl_ignore_parse(&g, rules, sizeof rules - 1) == 0);
	CHECK(g.n == 5);
	CHECK(gl_ignore_match(&g, "x.log", 5, 0) == 1);
	CHECK(gl_ignore_match(&g, "d/x.log", 7, 0) == 1);
	CHECK(gl_ignore_match(&g, "d/keep.log", 10, 0) == 0);
	CHECK(gl_ignore_match(&g, "build", 5, 1) == 1);
	CHECK(gl_ignore_match(&g, "build", 5, 0) == -1);	/* a file named build */
	CHECK(gl_ignore_match(&g, "top", 3, 0) == 1);
	CHECK(gl_ignore_match(&g, "d/top", 5, 0) == -1);	/* anchored */
	CHECK(gl_ignore_match(&g, "doc/a.tmp", 9, 0) == 1);
	CHECK(gl_ignore_match(&g, "doc/s/a.tmp", 11, 0) == -1);
	gl_ignore_free(&g);

	/* the rules of sub/.gitignore apply below sub only */
	CHECK(gl_ignore_init(&g, "sub", 3) == 0);
	CHECK(gl_ignore_add(&g, "/x", 2) == 0 && gl_ignore_add(&g, "y", 1) == 0);
	CHECK(gl_ignore_match(&g, "sub/x", 5, 0) == 1);
	CHECK(gl_ignore_match(&g, "x", 1, 0) == -1);
	CHECK(gl_ignore_match(&g, "sub/a/y", 7, 0) == 1);
	CHECK(gl_ignore_match(&g, "subx/y", 6, 0) == -1);
	gl_ignore_free(&g);
	return t_done();
}
