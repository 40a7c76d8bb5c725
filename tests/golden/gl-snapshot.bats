#!/usr/bin/env bats
# gl-snapshot: golden cases, tests/golden/gl-snapshot/CASE.{args,in,out,err,rc}, compared byte for byte.

load ../helpers

setup() { gl_setup; }
teardown() { gl_teardown; }

@test "gl-snapshot golden: bad-option" { golden gl-snapshot bad-option; }
@test "gl-snapshot golden: diff-md5" { golden gl-snapshot diff-md5; }
@test "gl-snapshot golden: diff-one-arg" { golden gl-snapshot diff-one-arg; }
@test "gl-snapshot golden: diff-same" { golden gl-snapshot diff-same; }
@test "gl-snapshot golden: diff-truncated" { golden gl-snapshot diff-truncated; }
@test "gl-snapshot golden: diff" { golden gl-snapshot diff; }
@test "gl-snapshot golden: missing-dir" { golden gl-snapshot missing-dir; }
@test "gl-snapshot golden: not-a-dir" { golden gl-snapshot not-a-dir; }

@test "gl-snapshot golden: every case in tests/golden/gl-snapshot/ has a test here" {
	local c n=0
	for c in "$REPO"/tests/golden/gl-snapshot/*.args; do
		grep -q "golden gl-snapshot $(basename "$c" .args);" "$BATS_TEST_FILENAME" || { echo "no test: $c"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
