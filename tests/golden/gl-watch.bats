#!/usr/bin/env bats
# gl-watch: golden cases, tests/golden/gl-watch/CASE.{args,in,out,err,rc}, compared byte for byte.

load ../helpers

setup() { gl_setup; }
teardown() { gl_teardown; }

@test "gl-watch golden: missing-dir" { golden gl-watch missing-dir; }
@test "gl-watch golden: no-dir" { golden gl-watch no-dir; }

@test "gl-watch golden: every case in tests/golden/gl-watch/ has a test here" {
	local c n=0
	for c in "$REPO"/tests/golden/gl-watch/*.args; do
		grep -q "golden gl-watch $(basename "$c" .args);" "$BATS_TEST_FILENAME" || { echo "no test: $c"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
