#!/usr/bin/env bats
# gl-sbom: golden cases, tests/golden/gl-sbom/CASE.{args,in,out,err,rc}, compared byte for byte.

load ../helpers

setup() {
	gl_setup
	export SOURCE_DATE_EPOCH=1700000000
}
teardown() { gl_teardown; }

@test "gl-sbom golden: all-spec16" { golden gl-sbom all-spec16; }
@test "gl-sbom golden: bad-checksum" { golden gl-sbom bad-checksum; }
@test "gl-sbom golden: bad-dep" { golden gl-sbom bad-dep; }
@test "gl-sbom golden: bad-gosum" { golden gl-sbom bad-gosum; }
@test "gl-sbom golden: bad-npm" { golden gl-sbom bad-npm; }
@test "gl-sbom golden: bad-source" { golden gl-sbom bad-source; }
@test "gl-sbom golden: bad-spec" { golden gl-sbom bad-spec; }
@test "gl-sbom golden: bad-syntax" { golden gl-sbom bad-syntax; }
@test "gl-sbom golden: bad-yarn" { golden gl-sbom bad-yarn; }
@test "gl-sbom golden: composer" { golden gl-sbom composer; }
@test "gl-sbom golden: gemfile" { golden gl-sbom gemfile; }
@test "gl-sbom golden: go" { golden gl-sbom go; }
@test "gl-sbom golden: missing-dir" { golden gl-sbom missing-dir; }
@test "gl-sbom golden: none" { golden gl-sbom none; }
@test "gl-sbom golden: npm-v1" { golden gl-sbom npm-v1; }
@test "gl-sbom golden: npm-v3" { golden gl-sbom npm-v3; }
@test "gl-sbom golden: pipenv" { golden gl-sbom pipenv; }
@test "gl-sbom golden: pnpm-v5" { golden gl-sbom pnpm-v5; }
@test "gl-sbom golden: pnpm-v6" { golden gl-sbom pnpm-v6; }
@test "gl-sbom golden: pnpm-v9" { golden gl-sbom pnpm-v9; }
@test "gl-sbom golden: poetry" { golden gl-sbom poetry; }
@test "gl-sbom golden: requirements" { golden gl-sbom requirements; }
@test "gl-sbom golden: unsupported" { golden gl-sbom unsupported; }
@test "gl-sbom golden: uv" { golden gl-sbom uv; }
@test "gl-sbom golden: v1" { golden gl-sbom v1; }
@test "gl-sbom golden: v1-spec16" { golden gl-sbom v1-spec16; }
@test "gl-sbom golden: ws" { golden gl-sbom ws; }
@test "gl-sbom golden: yarn-berry" { golden gl-sbom yarn-berry; }
@test "gl-sbom golden: yarn-v1" { golden gl-sbom yarn-v1; }

@test "gl-sbom golden: every case in tests/golden/gl-sbom/ has a test here" {
	local c n=0
	for c in "$REPO"/tests/golden/gl-sbom/*.args; do
		grep -q "golden gl-sbom $(basename "$c" .args);" "$BATS_TEST_FILENAME" || { echo "no test: $c"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
