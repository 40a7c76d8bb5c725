#!/usr/bin/env bats
# gl-verify: golden cases, tests/golden/gl-verify/CASE.{args,in,out,err,rc}, compared byte for byte.

load ../helpers

setup() { gl_setup; }
teardown() { gl_teardown; }

@test "gl-verify golden: t2-accept" { golden gl-verify t2-accept; }
@test "gl-verify golden: t2-wrong-predicate" { golden gl-verify t2-wrong-predicate; }
@test "gl-verify golden: t3-type-swap" { golden gl-verify t3-type-swap; }
@test "gl-verify golden: t5-no-sigs" { golden gl-verify t5-no-sigs; }
@test "gl-verify golden: t6a-unsupported-type" { golden gl-verify t6a-unsupported-type; }
@test "gl-verify golden: t9-dup-payload" { golden gl-verify t9-dup-payload; }
@test "gl-verify golden: truncated" { golden gl-verify truncated; }

@test "gl-verify golden: bundle-accept" { golden gl-verify bundle-accept; }
@test "gl-verify golden: t2-text" { golden gl-verify t2-text; }
@test "gl-verify golden: t3-text" { golden gl-verify t3-text; }
@test "gl-verify golden: policy-typo" { golden gl-verify policy-typo; }
@test "gl-verify golden: spec-vector" { golden gl-verify spec-vector; }
@test "gl-verify golden: chain-empty" { golden gl-verify chain-empty; }
@test "gl-verify golden: every case in tests/golden/gl-verify/ has a test here" {
	local c n=0
	for c in "$REPO"/tests/golden/gl-verify/*.args; do
		grep -q "golden gl-verify $(basename "$c" .args);" "$BATS_TEST_FILENAME" || { echo "no test: $c"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
