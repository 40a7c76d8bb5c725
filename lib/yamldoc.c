#include "yamldoc.h"

#include <yaml.h>

#define MAX_DEPTH 64
#define MAX_NODES 8000000L

static jv
node(yaml_document_t *d, yaml_node_t *n, int depth, long *budget)
{
	yaml_node_item_t *it;
	yaml_node_pair_t *pr;
	jv v;

	if (n == NULL || depth > MAX_DEPTH || --*budget < 0)
		return jv_invalid();
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return jv_string_sized((const char *)n->data.scalar.value,
		    (int)n->data.scalar.length);
	case YAML_SEQUENCE_NODE:
		v = jv_array();
		for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
			jv x = node(d, yaml_document_get_node(d, *it), depth + 1, budget);
			if (!jv_is_valid(x)) {
				jv_free(v);
				return x;
			}
			v = jv_array_append(v, x);
		}
		return v;
	case YAML_MAPPING_NODE:
		v = jv_object();
		for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
			jv k = node(d, yaml_document_get_node(d, pr->key), depth + 1, budget), x;
			if (!jv_is_valid(k) || jv_get_kind(k) != JV_KIND_STRING) {
				jv_free(k);
				jv_free(v);
				return jv_invalid();
			}
			x = node(d, yaml_document_get_node(d, pr->value), depth + 1, budget);
			if (!jv_is_valid(x)) {
				jv_free(k);
				jv_free(v);
				return x;
			}
			v = jv_object_set(v, k, x);
		}
		return v;
	default:
		return jv_invalid();
	}
}

jv
gl_yamldoc_parse(const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_document_t d;
	yaml_node_t *root;
	long budget = MAX_NODES;
	jv v;

	if (!yaml_parser_initialize(&p))
		return jv_invalid_with_msg(jv_string("!out of memory"));
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&p, &d)) {
		v = jv_invalid_with_msg(jv_string_fmt("%lu: %s", (unsigned long)p.problem_mark.line + 1,
		    p.problem ? p.problem : "not YAML"));
		yaml_parser_delete(&p);
		return v;
	}
	root = yaml_document_get_root_node(&d);
	if (root == NULL)
		v = jv_object();
	else if (!jv_is_valid(v = node(&d, root, 0, &budget))) {
		jv_free(v);
		v = jv_invalid_with_msg(jv_string_fmt("%lu: %s", (unsigned long)root->start_mark.line +
		    1, budget < 0 ? "too many nodes (aliases?)" : "nested too deeply or a key that "
		    "is not a string"));
	}
	yaml_document_delete(&d);
	yaml_parser_delete(&p);
	return v;
}
