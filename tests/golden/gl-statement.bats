#!/usr/bin/env bats
# gl-statement: golden cases, tests/golden/gl-statement/CASE.{args,in,out,err,rc}, compared byte for byte.

load ../helpers

setup() { gl_setup; }
teardown() { gl_teardown; }

@test "golden: full statement from every input" { golden gl-statement full; }
@test "golden: B19 non-UTF-8 subject names" { golden gl-statement b19; }
@test "golden: overflowed audit log is incomplete" { golden gl-statement overflow; }
@test "golden: audit log without session.end is incomplete" { golden gl-statement noend; }
@test "golden: malformed JSONL names file and line (3)" { golden gl-statement bad-events; }
@test "golden: .. in a diff path is refused (3)" { golden gl-statement bad-diff; }
@test "golden: malformed parent envelope (3)" { golden gl-statement bad-parent; }
@test "golden: malformed git state (3)" { golden gl-statement bad-git; }
@test "golden: truncated JSON report (3)" { golden gl-statement truncated; }
@test "golden: uppercase invocation id (2)" { golden gl-statement bad-uuid; }
@test "golden: fractional seconds in --started (2)" { golden gl-statement bad-time; }
@test "golden: missing --invocation-id (2)" { golden gl-statement no-id; }
@test "golden: unreadable input file (4)" { golden gl-statement missing; }
@test "golden: materials from file.read, network report, SBOM summary, byproduct" { golden gl-statement reads; }
@test "golden: watch.error and an unhashed read make events and materials incomplete" { golden gl-statement watch-error; }
@test "golden: an SBOM summary with an unknown key (3)" { golden gl-statement bad-sbom; }
@test "golden: a file.read path with .. (3)" { golden gl-statement bad-read; }

@test "gl-statement golden: every case in tests/golden/gl-statement/ has a test here" {
	local c n=0
	for c in "$REPO"/tests/golden/gl-statement/*.args; do
		grep -q "golden gl-statement $(basename "$c" .args);" "$BATS_TEST_FILENAME" || { echo "no test: $c"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
