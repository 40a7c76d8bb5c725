#!/usr/bin/env bats
# gl-jail: golden cases, tests/golden/gl-jail/CASE.{args,in,out,err,rc}, compared byte for byte.

load ../helpers

setup() { gl_setup; }
teardown() { gl_teardown; }

@test "gl-jail golden: command-allowlist" { golden gl-jail command-allowlist; }
@test "gl-jail golden: host-uid-zero" { golden gl-jail host-uid-zero; }
@test "gl-jail golden: no-profile" { golden gl-jail no-profile; }
@test "gl-jail golden: unknown-key" { golden gl-jail unknown-key; }

@test "gl-jail golden: every case in tests/golden/gl-jail/ has a test here" {
	local c n=0
	for c in "$REPO"/tests/golden/gl-jail/*.args; do
		grep -q "golden gl-jail $(basename "$c" .args);" "$BATS_TEST_FILENAME" || { echo "no test: $c"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
