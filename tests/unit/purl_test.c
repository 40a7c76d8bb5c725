#include <stdlib.h>
#include <string.h>

#include "purl.h"
#include "uuid.h"
#include "t.h"

static int
is(char *got, const char *want)
{
	int r = got != NULL && strcmp(got, want) == 0;

	if (!r)
		fprintf(stderr, "got %s, want %s\n", got ? got : "(null)", want);
	free(got);
	return r;
}

int
main(void)
{
	char u[GL_UUID_LEN], *vcs;

	CHECK(is(gl_purl_encode("a+b@c/d e:f~_.-%"), "a%2Bb%40c%2Fd%20e:f~_.-%25"));
	CHECK(is(gl_purl_encode("caf\xc3\xa9"), "caf%C3%A9"));
	CHECK(is(gl_purl_cargo("rand", "0.7.2", "registry+https://github.com/rust-lang/crates.io-index", NULL),
	    "pkg:cargo/rand@0.7.2"));
	CHECK(is(gl_purl_cargo("rand", "0.7.2", "sparse+https://index.crates.io/", NULL),
	    "pkg:cargo/rand@0.7.2"));
	CHECK(is(gl_purl_cargo("x", "1.0.0+meta", "registry+https://my.reg/index", NULL),
	    "pkg:cargo/x@1.0.0%2Bmeta?repository_url=https:%2F%2Fmy.reg%2Findex"));
	CHECK(is(gl_purl_cargo("foo", "0.1.0",
	    "git+https://github.com/o/r?branch=main#0123456789abcdef0123456789abcdef01234567", &vcs),
	    "pkg:cargo/foo@0.1.0?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fo%2Fr%400123456789abcdef0123456789abcdef01234567"));
	CHECK(is(vcs, "https://github.com/o/r"));
	CHECK(gl_purl_cargo("foo", "1", "git+https://github.com/o/r", &vcs) == NULL && vcs == NULL);
	CHECK(gl_purl_cargo("foo", "1", "path+file:///x", NULL) == NULL);
	CHECK(gl_purl_cargo("foo", "1", "git+#abc", NULL) == NULL);

	/* RFC 9562 / Python uuid.uuid5(NAMESPACE_DNS, "python.org") */
	CHECK(gl_uuid_v5(gl_uuid_ns_dns, "python.org", 10, u) == 0);
	CHECK(strcmp(u, "886313e1-3b8a-5372-9b90-0c9aee199e5d") == 0);
	CHECK(gl_uuid_v5(gl_uuid_ns_sbom, "", 0, u) == 0 && u[14] == '5' && strchr("89ab", u[19]) != NULL);
	return t_done();
}
