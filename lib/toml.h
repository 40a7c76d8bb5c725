/* toml: TOML 1.0 documents (poetry.lock, uv.lock) as jv values.  Strings,
 * integers, booleans, arrays, inline tables, [tables] and [[arrays of
 * tables]]; floats and dates are kept as their text. */
#ifndef GL_TOML_H
#define GL_TOML_H
#include <stddef.h>
#include <jv.h>

/* Every table made by a [[header]] has this member: its line number. */
#define GL_TOML_LINE "\001line"

/* The document as an object, or invalid with "LINE: what" ("!out of
 * memory" when that was the failure). */
jv gl_toml_parse(const char *buf, size_t len);

#endif
