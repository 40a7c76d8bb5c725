/* ignore: .gitignore-style patterns for gl-snapshot(1): "*", "?", "[...]"
 * within a name, "**" across directories, "!" to re-include, a trailing
 * "/" for directories only, a "/" elsewhere anchors the pattern to the
 * directory of its file.  Matching takes time linear in pattern x path. */
#ifndef GL_IGNORE_H
#define GL_IGNORE_H
#include <stddef.h>

struct gl_ignore_rule {
	char *pat;		/* without "!", leading and trailing "/" */
	int neg, dironly, anchored;
};

struct gl_ignore {
	struct gl_ignore_rule *r;
	size_t n;
	char *base;		/* the directory the rules are relative to, "" the top */
	size_t blen;
};

/* Start a rule set for base (copied). */
int gl_ignore_init(struct gl_ignore *g, const char *base, size_t blen);
/* Add one line in .gitignore syntax; blank lines and comments add nothing. */
int gl_ignore_add(struct gl_ignore *g, const char *line, size_t len);
/* Add every line of buf. */
int gl_ignore_parse(struct gl_ignore *g, const char *buf, size_t len);
/* For path (relative to the top, len bytes): 1 ignored, 0 re-included by
 * a "!" rule, -1 no rule of g says anything. */
int gl_ignore_match(const struct gl_ignore *g, const char *path, size_t len, int isdir);
/* 1 when the glob pat matches all of s[0..slen). */
int gl_ignore_glob(const char *pat, const char *s, size_t slen);
void gl_ignore_free(struct gl_ignore *g);

#endif
