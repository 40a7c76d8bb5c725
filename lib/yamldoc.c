#include "yamldoc.h"

#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64
#define MAX_NODES 8000000L

/* The document is built from libyaml's events, not from yaml_parser_load's
 * tree: the depth limit then stops the parser at the 65th open collection,
 * before libyaml's scanner, which is quadratic in the flow nesting, has
 * read any further. */
struct ydoc {
	yaml_parser_t p;
	jv anchors;		/* name: [value, nodes it stands for] */
	long budget;		/* nodes left, aliases counted expanded */
	jv err;			/* "LINE: what", or invalid while none */
};

static void
fail(struct ydoc *y, const yaml_mark_t *m, const char *what)
{
	if (!jv_is_valid(y->err)) {
		jv_free(y->err);
		y->err = jv_string_fmt("%lu: %s", (unsigned long)m->line + 1, what);
	}
}

static int
next(struct ydoc *y, yaml_event_t *ev)
{
	if (yaml_parser_parse(&y->p, ev))
		return 0;
	if (y->p.error == YAML_MEMORY_ERROR) {
		jv_free(y->err);
		y->err = jv_string("!out of memory");
	} else
		fail(y, &y->p.problem_mark, y->p.problem ? y->p.problem : "not YAML");
	return -1;
}

static void
anchor(struct ydoc *y, jv name, jv v, long n)
{
	if (jv_is_valid(name))
		y->anchors = jv_object_set(y->anchors, name, JV_ARRAY(v, jv_number((double)n)));
	else {
		jv_free(name);
		jv_free(v);
	}
}

static jv
anchor_name(const yaml_char_t *a)
{
	return a != NULL ? jv_string((const char *)a) : jv_invalid();
}

/* The node that ev (consumed) starts; *n gets how many nodes it stands for. */
static jv
node(struct ydoc *y, yaml_event_t *ev, int depth, long *n)
{
	yaml_event_t sub;
	jv name = jv_invalid();
	yaml_event_type_t end;
	jv v = jv_invalid(), k = jv_invalid();
	long sn;

	*n = 1;
	if (--y->budget < 0) {
		fail(y, &ev->start_mark, "too many nodes (aliases?)");
		yaml_event_delete(ev);
		return jv_invalid();
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.length > (size_t)0x7fffffff)
			fail(y, &ev->start_mark, "a scalar too long");
		else if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL)
			fail(y, &ev->start_mark, "a NUL character in a string");
		else {
			v = jv_string_sized((const char *)ev->data.scalar.value,
			    (int)ev->data.scalar.length);
			anchor(y, anchor_name(ev->data.scalar.anchor), jv_copy(v), 1);
		}
		yaml_event_delete(ev);
		return v;
	case YAML_ALIAS_EVENT:
		v = jv_object_get(jv_copy(y->anchors), jv_string((const char *)ev->data.alias.anchor));
		if (!jv_is_valid(v))
			fail(y, &ev->start_mark, "an alias of no anchor before it");
		else {
			*n = (long)jv_number_value(jv_array_get(jv_copy(v), 1));
			if ((y->budget -= *n - 1) < 0) {
				fail(y, &ev->start_mark, "too many nodes (aliases?)");
				jv_free(v);
				v = jv_invalid();
			} else
				v = jv_array_get(v, 0);
		}
		yaml_event_delete(ev);
		return v;
	case YAML_SEQUENCE_START_EVENT:
		name = anchor_name(ev->data.sequence_start.anchor);
		v = jv_array();
		end = YAML_SEQUENCE_END_EVENT;
		break;
	case YAML_MAPPING_START_EVENT:
		name = anchor_name(ev->data.mapping_start.anchor);
		v = jv_object();
		end = YAML_MAPPING_END_EVENT;
		break;
	default:
		fail(y, &ev->start_mark, "not a node");
		yaml_event_delete(ev);
		return jv_invalid();
	}
	if (depth >= MAX_DEPTH) {
		fail(y, &ev->start_mark, "nested too deeply");
		goto bad;
	}
	yaml_event_delete(ev);
	for (;;) {
		jv x;

		if (next(y, &sub) < 0)
			goto bad;
		if (sub.type == end) {
			yaml_event_delete(&sub);
			break;
		}
		if (end == YAML_MAPPING_END_EVENT && !jv_is_valid(k)) {
			yaml_mark_t at = sub.start_mark;

			jv_free(k);
			k = node(y, &sub, depth + 1, &sn);
			if (!jv_is_valid(k))
				goto bad;
			if (jv_get_kind(k) != JV_KIND_STRING) {
				fail(y, &at, "a key that is not a string");
				goto bad;
			}
			*n += sn;
			continue;
		}
		if (!jv_is_valid(x = node(y, &sub, depth + 1, &sn)))
			goto bad;
		*n += sn;
		if (end == YAML_MAPPING_END_EVENT) {
			v = jv_object_set(v, k, x);
			k = jv_invalid();
		} else
			v = jv_array_append(v, x);
	}
	anchor(y, name, jv_copy(v), *n);
	jv_free(k);
	return v;
bad:
	jv_free(name);
	if (ev->type != YAML_NO_EVENT)
		yaml_event_delete(ev);
	jv_free(k);
	jv_free(v);
	return jv_invalid();
}

jv
gl_yamldoc_parse(const char *buf, size_t len)
{
	struct ydoc y;
	yaml_event_t ev;
	jv v = jv_invalid();
	long n;

	memset(&y, 0, sizeof y);
	if (!yaml_parser_initialize(&y.p))
		return jv_invalid_with_msg(jv_string("!out of memory"));
	yaml_parser_set_input_string(&y.p, (const unsigned char *)buf, len);
	y.anchors = jv_object();
	y.budget = MAX_NODES;
	y.err = jv_invalid();
	/* STREAM-START, then DOCUMENT-START or, for no document, STREAM-END */
	if (next(&y, &ev) == 0) {
		yaml_event_delete(&ev);
		if (next(&y, &ev) == 0) {
			if (ev.type == YAML_STREAM_END_EVENT)
				v = jv_object();
			else {
				yaml_event_delete(&ev);
				if (next(&y, &ev) == 0)
					v = node(&y, &ev, 0, &n);
				/* the document's end: an error there is an error */
				if (jv_is_valid(v) && next(&y, &ev) == 0)
					yaml_event_delete(&ev);
			}
			if (ev.type == YAML_STREAM_END_EVENT)
				yaml_event_delete(&ev);
		}
	}
	if (jv_is_valid(y.err)) {
		jv_free(v);
		v = jv_invalid_with_msg(y.err);
	} else if (!jv_is_valid(v)) {
		jv_free(v);
		v = jv_invalid_with_msg(jv_string("1: not YAML"));
	} else
		jv_free(y.err);
	jv_free(y.anchors);
	yaml_parser_delete(&y.p);
	return v;
}
