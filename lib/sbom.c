#include "sbom.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gl.h"
#include "json.h"
#include "utf8.h"
#include "uuid.h"

static jv
fail(jv doc, const char *what)
{
	int e = errno;

	jv_free(doc);
	doc = jv_invalid_with_msg(jv_string(what));
	errno = e;
	return doc;
}

jv
gl_sbom_document(jv comps, jv deps, const char *spec, const char *ts,
    const char *base)
{
	char serial[GL_UUID_LEN + 9], *body, *name;
	jv doc, meta, list, keys, tool, root;
	size_t len;

	/* components and dependencies, sorted by bom-ref (jv_keys sorts) */
	list = jv_array();
	keys = jv_keys(jv_copy(comps));
	jv_array_foreach(keys, k, key)
		list = jv_array_append(list, jv_object_get(jv_copy(comps), key));
	jv_free(keys);
	jv_free(comps);
	comps = list;
	list = jv_array();
	keys = jv_keys(jv_copy(deps));
	jv_array_foreach(keys, k, key) {
		jv d = jv_object_set(jv_object(), jv_string("ref"), jv_copy(key));
		d = jv_object_set(d, jv_string("dependsOn"),
		    jv_keys(jv_object_get(jv_copy(deps), key)));
		list = jv_array_append(list, d);
	}
	jv_free(keys);
	jv_free(deps);
	deps = list;

	if ((name = gl_utf8_pct_encode(base, strlen(base))) == NULL) {
		jv_free(comps);
		return fail(deps, "malloc");
	}
	tool = jv_object_set(jv_object(), jv_string("type"), jv_string("application"));
	tool = jv_object_set(tool, jv_string("name"), jv_string("gl-sbom"));
	tool = jv_object_set(tool, jv_string("version"), jv_string(GL_VERSION));
	root = jv_object_set(jv_object(), jv_string("type"), jv_string("application"));
	root = jv_object_set(root, jv_string("bom-ref"), jv_string("project"));
	root = jv_object_set(root, jv_string("name"), jv_string(*name ? name : "project"));
	meta = jv_object_set(jv_object(), jv_string("timestamp"), jv_string(ts));
	meta = jv_object_set(meta, jv_string("tools"),
	    jv_object_set(jv_object(), jv_string("components"), JV_ARRAY(tool)));
	meta = jv_object_set(meta, jv_string("component"), root);
	meta = jv_object_set(meta, jv_string("lifecycles"),
	    JV_ARRAY(jv_object_set(jv_object(), jv_string("phase"), jv_string("pre-build"))));
	free(name);

	doc = jv_object_set(jv_object(), jv_string("bomFormat"), jv_string("CycloneDX"));
	doc = jv_object_set(doc, jv_string("specVersion"), jv_string(spec));
	doc = jv_object_set(doc, jv_string("version"), jv_number(1));
	doc = jv_object_set(doc, jv_string("metadata"), meta);
	doc = jv_object_set(doc, jv_string("components"), comps);
	doc = jv_object_set(doc, jv_string("dependencies"), deps);

	/* the serial number names the rest of the document */
	if ((body = gl_json_dump(jv_copy(doc), &len)) == NULL)
		return fail(doc, "malloc");
	memcpy(serial, "urn:uuid:", 9);
	if (gl_uuid_v5(gl_uuid_ns_sbom, body, len, serial + 9) < 0) {
		free(body);
		return fail(doc, "uuid");
	}
	free(body);
	return jv_object_set(doc, jv_string("serialNumber"), jv_string(serial));
}
