#!/usr/bin/env bats
# gl-sbom: golden cases, tests/golden/gl-sbom/CASE.{args,in,out,err,rc}, compared byte for byte.

load ../helpers

setup() {
	gl_setup
	export SOURCE_DATE_EPOCH=1700000000
}
teardown() { gl_teardown; }

@test "gl-sbom golden: bad-checksum" { golden gl-sbom bad-checksum; }
@test "gl-sbom golden: bad-dep" { golden gl-sbom bad-dep; }
@test "gl-sbom golden: bad-source" { golden gl-sbom bad-source; }
@test "gl-sbom golden: bad-spec" { golden gl-sbom bad-spec; }
@test "gl-sbom golden: bad-syntax" { golden gl-sbom bad-syntax; }
@test "gl-sbom golden: missing-dir" { golden gl-sbom missing-dir; }
@test "gl-sbom golden: none" { golden gl-sbom none; }
@test "gl-sbom golden: v1-spec16" { golden gl-sbom v1-spec16; }
@test "gl-sbom golden: v1" { golden gl-sbom v1; }
@test "gl-sbom golden: ws" { golden gl-sbom ws; }

@test "gl-sbom golden: every case in tests/golden/gl-sbom/ has a test here" {
	local c n=0
	for c in "$REPO"/tests/golden/gl-sbom/*.args; do
		grep -q "golden gl-sbom $(basename "$c" .args);" "$BATS_TEST_FILENAME" || { echo "no test: $c"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
