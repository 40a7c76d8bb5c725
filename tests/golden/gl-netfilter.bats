#!/usr/bin/env bats
# gl-netfilter: golden cases, tests/golden/gl-netfilter/CASE.{args,in,out,err,rc}, compared byte for byte.

load ../helpers

setup() { gl_setup; }
teardown() { gl_teardown; }

@test "gl-netfilter golden: bad-domain" { golden gl-netfilter bad-domain; }
@test "gl-netfilter golden: bad-option" { golden gl-netfilter bad-option; }
@test "gl-netfilter golden: bad-upstream" { golden gl-netfilter bad-upstream; }
@test "gl-netfilter golden: dry-run-report" { golden gl-netfilter dry-run-report; }
@test "gl-netfilter golden: help" { golden gl-netfilter help; }
@test "gl-netfilter golden: no-command" { golden gl-netfilter no-command; }

@test "gl-netfilter golden: every case in tests/golden/gl-netfilter/ has a test here" {
	local c n=0
	for c in "$REPO"/tests/golden/gl-netfilter/*.args; do
		grep -q "golden gl-netfilter $(basename "$c" .args);" "$BATS_TEST_FILENAME" || { echo "no test: $c"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

@test "gl-netfilter golden: usage() is the man page's SYNOPSIS" {
	local man use
	man=$(mandoc -Tascii "$REPO/man/gl-netfilter.1" | col -b | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' |
	    sed '1d;$d' | tr -s ' \t\n' ' ')
	use=$(gl-netfilter --help | sed 's/^usage: //' | tr -s ' \t\n' ' ')
	[ "$man" = " $use" ] || [ "$man" = "$use" ] || { echo "man: $man"; echo "use: $use"; return 1; }
}
