#include "jqpolicy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jq.h>

#include "json.h"
#include "utf8.h"

/* One line, so compile error line numbers stay right.  libjq 1.6 treats
 * error(null) as empty and try/catch does not see it; $ENV and env expose
 * the environment; import/include read files (or abort without a library
 * path).  After "{} as $ENV |" an import is a syntax error. */
static const char prelude[] =
    "def error(m): if m == null then \"policy called error(null)\" | error "
    "else m | error end; def error: error(.); def env: {}; "
    "def input: \"input is not available to policies\" | error; "
    "def inputs: input; def debug: .; def stderr: .; "
    "def input_filename: null; def now: \"now is not available to policies\" "
    "| error; {} as $ENV | ";

struct gl_jqpolicy {
	jq_state *jq;
	char first[200];	/* the first compile message */
};

static void
on_error(void *ud, jv msg)
{
	struct gl_jqpolicy *p = ud;
	jv f = jq_format_error(msg);

	if (p->first[0] == '\0' && jv_get_kind(f) == JV_KIND_STRING)
		gl_utf8_sanitize(jv_string_value(f), strlen(jv_string_value(f)),
		    p->first, sizeof p->first);
	jv_free(f);
}

struct gl_jqpolicy *
gl_jqpolicy_compile(const char *program, size_t len, char *why, size_t whysz)
{
	struct gl_jqpolicy *p;
	char *src;

	if (!gl_utf8_valid(program, len)) {
		snprintf(why, whysz, "program is not UTF-8 text");
		return NULL;
	}
	if ((p = calloc(1, sizeof *p)) == NULL ||
	    (src = malloc(sizeof prelude + len)) == NULL) {
		free(p);
		snprintf(why, whysz, "out of memory");
		return NULL;
	}
	memcpy(src, prelude, sizeof prelude - 1);
	memcpy(src + sizeof prelude - 1, program, len);
	src[sizeof prelude - 1 + len] = '\0';
	if ((p->jq = jq_init()) == NULL) {
		free(src);
		free(p);
		snprintf(why, whysz, "out of memory");
		return NULL;
	}
	/* jq 1.6 leaves these uninitialised */
	jq_set_error_cb(p->jq, on_error, p);
	jq_set_input_cb(p->jq, NULL, NULL);
	jq_set_debug_cb(p->jq, NULL, NULL);
	jq_set_attr(p->jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
	if (!jq_compile_args(p->jq, src, jv_object())) {
		snprintf(why, whysz, "%s", p->first[0] ? p->first : "does not compile");
		free(src);
		gl_jqpolicy_free(p);
		return NULL;
	}
	free(src);
	return p;
}

static jv
add(jv viol, jv out)
{
	if (jv_get_kind(out) == JV_KIND_ARRAY)
		return jv_array_concat(viol, out);
	if (jv_get_kind(out) == JV_KIND_FALSE) {
		jv_free(out);
		out = jv_string("the policy yielded false");
	}
	return jv_array_append(viol, out);
}

int
gl_jqpolicy_run(struct gl_jqpolicy *p, jv st, jv *violations, char *why,
    size_t whysz)
{
	jv viol = jv_array(), r, m;
	int n = 0, rc;
	char *s;

	jq_start(p->jq, jv_copy(st), 0);
	/* never call jq_next again after it returned invalid: 1.6 aborts */
	while (jv_is_valid(r = jq_next(p->jq))) {
		if (++n > GL_JQPOLICY_MAX_OUT) {
			jv_free(r);
			jv_free(viol);
			snprintf(why, whysz, "more than %d outputs", GL_JQPOLICY_MAX_OUT);
			return -1;
		}
		if (jv_get_kind(r) == JV_KIND_TRUE)
			jv_free(r);
		else
			viol = add(viol, r);
	}
	if (jq_halted(p->jq)) {
		jv_free(r);
		jv_free(viol);
		jv_free(jq_get_exit_code(p->jq));
		jv_free(jq_get_error_message(p->jq));
		snprintf(why, whysz, "the program halted");
		return -1;
	}
	if (jv_invalid_has_msg(jv_copy(r))) {
		m = jv_invalid_get_msg(r);
		if (jv_get_kind(m) == JV_KIND_STRING)
			gl_utf8_sanitize(jv_string_value(m), strlen(jv_string_value(m)),
			    why, whysz);
		else if ((s = gl_json_dump(jv_copy(m), NULL)) != NULL) {
			gl_utf8_sanitize(s, strlen(s), why, whysz);
			free(s);
		}
		jv_free(m);
		jv_free(viol);
		return -1;
	}
	jv_free(r);
	if (n == 0) {
		jv_free(viol);
		snprintf(why, whysz, "the program yielded nothing (want true or violations)");
		return -1;
	}
	rc = jv_array_length(jv_copy(viol)) > 0;
	if (rc) {
		r = jv_array_get(jv_copy(viol), 0);
		if (jv_get_kind(r) == JV_KIND_STRING)
			gl_utf8_sanitize(jv_string_value(r), strlen(jv_string_value(r)),
			    why, whysz);
		else if ((s = gl_json_dump(jv_copy(r), NULL)) != NULL) {
			gl_utf8_sanitize(s, strlen(s), why, whysz);
			free(s);
		}
		jv_free(r);
		*violations = viol;
	} else {
		snprintf(why, whysz, "the program yielded true");
		jv_free(viol);
	}
	return rc;
}

void
gl_jqpolicy_free(struct gl_jqpolicy *p)
{
	if (p == NULL)
		return;
	jq_teardown(&p->jq);
	free(p);
}
