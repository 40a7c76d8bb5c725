#!/usr/bin/env bats
# gl-landlock: golden cases, tests/golden/gl-landlock/CASE.{args,in,out,err,rc}, compared byte for byte.

load ../helpers

setup() { gl_setup; }
teardown() { gl_teardown; }

@test "gl-landlock golden: abi-too-high" { golden gl-landlock abi-too-high; }
@test "gl-landlock golden: bad-port" { golden gl-landlock bad-port; }
@test "gl-landlock golden: disabled" { golden gl-landlock disabled; }

@test "gl-landlock golden: every case in tests/golden/gl-landlock/ has a test here" {
	local c n=0
	for c in "$REPO"/tests/golden/gl-landlock/*.args; do
		grep -q "golden gl-landlock $(basename "$c" .args);" "$BATS_TEST_FILENAME" || { echo "no test: $c"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
