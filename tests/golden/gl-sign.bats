#!/usr/bin/env bats
# gl-sign: golden cases, tests/golden/gl-sign/CASE.{args,in,out,err,rc}, compared byte for byte.

load ../helpers

# private keys must be 0600: git checks them out 0644
setup() {
	gl_setup
	mkdir -p "$T/keys"
	cp "$FIX"/keys/* "$T/keys/"
	chmod 600 "$T"/keys/*.pem
}
teardown() { gl_teardown; }

@test "gl-sign golden: badopt" { golden gl-sign badopt; }
@test "gl-sign golden: ed25519" { golden gl-sign ed25519; }
@test "gl-sign golden: not-json" { golden gl-sign not-json; }
@test "gl-sign golden: p384" { golden gl-sign p384; }
@test "gl-sign golden: raw-type" { golden gl-sign raw-type; }
@test "gl-sign golden: truncated" { golden gl-sign truncated; }

@test "gl-sign golden: every case in tests/golden/gl-sign/ has a test here" {
	local c n=0
	for c in "$REPO"/tests/golden/gl-sign/*.args; do
		grep -q "golden gl-sign $(basename "$c" .args);" "$BATS_TEST_FILENAME" || { echo "no test: $c"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
