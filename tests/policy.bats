#!/usr/bin/env bats
# gl-verify --policy: JSON rules and jq programs over verified statements,
# the shipped examples of contrib/policies/ on recorded sessions, and the
# libjq 1.6 traps.

load helpers

setup() {
	gl_setup
	gl_keys
	S="$FIX/statement"
	C="$REPO/contrib/policies"
}

teardown() {
	gl_teardown
}

# a session as gleisner record attests it, from the fixtures: jail report
# (konishi), git, diff, audit log with reads; parent optional
session() {	# session OUT [gl-statement options]
	local out=$1
	shift
	gl-statement --invocation-id 0b5f3c9e-1a2b-4c3d-8e9f-0123456789ab \
	    --started 2026-12-03T10:15:16Z --finished 2026-12-03T10:15:19Z \
	    --jail-report "$S/jail.json" --git "$S/git.json" --events "$S/events-reads.jsonl" \
	    --diff "$S/diff.json" "$@" -- claude -p hi |
	    gl-sign -k "$K/d-ed25519.pem" -o "$out"
}

pol() {	# pol POLICYFILE ENVELOPE: gl-verify with that policy
	run --separate-stderr gl-verify -k "$K/d-ed25519.pub" --policy "$1" "$2"
}

@test "policy: JSON rules that hold pass, with the policy check recorded" {
	session "$T/a.json"
	echo '{"require_sandbox":true,"allowed_profiles":["konishi"],"require_audit_log":true,
	    "allowed_builders":["https://gleisner.dev/gleisner@0.1.0"],"require_materials":true,
	    "max_denial_count":2,"max_session_duration_secs":3}' > "$T/p.json"
	pol "$T/p.json" "$T/a.json"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.checks[-1] | .check + " " + .status + " " + .reason' <<<"$output")" = "policy pass 7 rule(s) hold" ]
	[ "$(jq -r '.checks[-1].policy' <<<"$output")" = "$T/p.json" ]
}

@test "policy: each JSON rule fails with its own reason" {
	session "$T/a.json"
	while IFS='|' read -r rule want; do
		printf '{%s}\n' "$rule" > "$T/p.json"
		pol "$T/p.json" "$T/a.json"
		[ "$status" -eq 1 ] || { echo "$rule: status $status"; return 1; }
		[[ "$stderr" == *"$want"* ]] || { echo "$rule: $stderr"; return 1; }
		[ "$(jq -r '.checks[-1].violations | length' <<<"$output")" -ge 1 ]
	done <<'EOF2'
"allowed_profiles":["ashton-laval"]|policy 'allowed_profiles': profile 'konishi' is not in the allowed list
"allowed_builders":["https://example.com/other"]|builder 'https://gleisner.dev/gleisner@0.1.0' is not in the allowed list
"max_denial_count":1|2 denials, more than 1
"max_session_duration_secs":2|session took 3s, more than 2s
"require_parent_attestation":true|no parent attestation: the session is a chain root
EOF2
	gl-statement --invocation-id 0b5f3c9e-1a2b-4c3d-8e9f-0123456789ab --started 2026-12-03T10:15:16Z \
	    --finished 2026-12-03T10:15:19Z -- true | gl-sign -k "$K/d-ed25519.pem" -o "$T/bare.json"
	for r in require_sandbox require_audit_log require_materials require_complete; do
		printf '{"%s":true}\n' "$r" > "$T/p.json"
		pol "$T/p.json" "$T/bare.json"
		[ "$status" -eq 1 ] || { echo "$r passed on a bare statement"; return 1; }
	done
}

@test "policy: the git commit alone is not a material (the original counted it)" {
	gl-statement --invocation-id 0b5f3c9e-1a2b-4c3d-8e9f-0123456789ab --started 2026-12-03T10:15:16Z \
	    --finished 2026-12-03T10:15:19Z --git "$S/git.json" -- true | gl-sign -k "$K/d-ed25519.pem" -o "$T/g.json"
	echo '{"require_materials":true}' > "$T/p.json"
	pol "$T/p.json" "$T/g.json"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no materials (files read) recorded" ]]
}

@test "policy: unknown rules, wrong types and empty policies are 3, before any verification" {
	session "$T/a.json"
	for p in '{"require_sandbx":true}' '{"require_sandbox":"yes"}' '{"max_denial_count":-1}' \
	    '{"max_session_duration_secs":0}' '{"allowed_profiles":"konishi"}' '{"allowed_profiles":[1]}' \
	    '{}' '{"require_sandbox":false}' '[]' '{"require_sandbox":true,"require_sandbox":false}'; do
		printf '%s\n' "$p" > "$T/p.json"
		pol "$T/p.json" "$T/a.json"
		[ "$status" -eq 3 ] || { echo "$p: status $status"; return 1; }
		[ -z "$output" ]
	done
	printf '{"require_sandbx":true}\n' > "$T/p.json"
	pol "$T/p.json" "$T/a.json"
	[ "$stderr" = "gl-verify: $T/p.json: require_sandbx: unknown rule" ]
	run -4 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --policy "$T/none.json" "$T/a.json"
}

@test "policy: jq yields true, [] or violations" {
	session "$T/a.json"
	echo 'true' > "$T/t.jq"
	pol "$T/t.jq" "$T/a.json"
	[ "$status" -eq 0 ]
	echo '[]' > "$T/e.jq"
	pol "$T/e.jq" "$T/a.json"
	[ "$status" -eq 0 ]
	echo '"one", {rule:"two"}, ["three"]' > "$T/v.jq"
	pol "$T/v.jq" "$T/a.json"
	[ "$status" -eq 1 ]
	[ "$(jq -c '.checks[-1].violations' <<<"$output")" = '["one",{"rule":"two"},"three"]' ]
	[ "$stderr" = "gl-verify: $T/a.json: $T/v.jq: one" ]
	echo 'false' > "$T/f.jq"
	pol "$T/f.jq" "$T/a.json"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"the policy yielded false" ]]
}

@test "policy: jq fails closed on error(null), no output, errors, halt, floods" {
	session "$T/a.json"
	while IFS='	' read -r prog want; do
		printf '%s\n' "$prog" > "$T/p.jq"
		pol "$T/p.jq" "$T/a.json"
		[ "$status" -eq 1 ] || { echo "$prog: status $status"; return 1; }
		[[ "$stderr" == *"$want"* ]] || { echo "$prog: $stderr"; return 1; }
	done <<'EOF2'
error(null)	policy called error(null)
true, error(null)	policy called error(null)
null | error	policy called error(null)
try error(null) catch empty	the program yielded nothing
empty	the program yielded nothing
.subject.x | true	Cannot index array
error("bad")	bad (policy error)
halt	the program halted
range(2000) | true	more than 1000 outputs
input	input is not available to policies
now	now is not available to policies
EOF2
}

@test "policy: jq sees no environment and cannot import files" {
	session "$T/a.json"
	echo 'if $ENV == {} and env == {} then true else "environment visible" end' > "$T/env.jq"
	SECRET=hunter2 pol "$T/env.jq" "$T/a.json"
	[ "$status" -eq 0 ]
	echo '{"x":1}' > "$T/data.json"
	for prog in 'import "data" as $d; true' 'include "x"; true' 'import "x" as x; true'; do
		printf '%s\n' "$prog" > "$T/i.jq"
		pol "$T/i.jq" "$T/a.json"
		[ "$status" -eq 3 ] || { echo "$prog: status $status"; return 1; }
		[[ "$stderr" == "gl-verify: $T/i.jq: "* ]]
	done
	echo 'this is not jq (' > "$T/bad.jq"
	pol "$T/bad.jq" "$T/a.json"
	[ "$status" -eq 3 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "policy: a failing policy stops at the first; every policy given must pass" {
	session "$T/a.json"
	echo true > "$T/t.jq"
	echo '"no"' > "$T/n.jq"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --policy "$T/t.jq" --policy "$T/n.jq" "$T/a.json"
	[ "$(jq -r '[.checks[] | select(.check == "policy") | .status] | join(",")' <<<"$output")" = pass,fail ]
}

@test "policy: contrib/policies pass and fail on a session from the fixtures" {
	session "$T/root.json"
	session "$T/child.json" --parent "$T/root.json"
	for p in basic.json require-sandbox-konishi.jq max-duration-1h.jq; do
		pol "$C/$p" "$T/child.json"
		[ "$status" -eq 0 ] || { echo "$p: $stderr"; return 1; }
	done
	pol "$C/require-parent.jq" "$T/child.json"
	[ "$status" -eq 0 ]
	pol "$C/require-parent.jq" "$T/root.json"
	[ "$status" -eq 1 ]
	pol "$C/no-writes-outside-src.jq" "$T/child.json"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"wrote README outside src/" ]]
	pol "$C/strict.json" "$T/child.json"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"policy 'max_denial_count': 2 denials, more than 0"* ]]
}

@test "policy: contrib/policies on a recorded session (gleisner record)" {
	P="$T/proj"
	mkdir -p "$P/src"
	echo 'int main(void) { return 0; }' > "$P/src/main.c"
	gleisner record -d "$P" -- sh -c 'cat src/main.c > /dev/null; echo x > src/out.txt' 2> "$T/rec.err" ||
	    skip "gleisner record cannot run here: $(tail -n 1 "$T/rec.err")"
	gleisner record -d "$P" -- sh -c 'echo y > notes.txt' 2>> "$T/rec.err"
	new=
	for f in "$P"/.gleisner/attestation-*.json; do old=$new; new=$f; done
	pub=$HOME/.config/gleisner/keys/local.pub.pem
	for p in basic.json require-sandbox-konishi.jq max-duration-1h.jq require-parent.jq; do
		run --separate-stderr gl-verify -k "$pub" --policy "$C/$p" --chain "$P/.gleisner"
		[ "$status" -eq 0 ] || { echo "$p: $stderr"; return 1; }
	done
	# konishi lets its API domains out where gl-netfilter can run (root);
	# elsewhere the jail had loopback only
	if jq -r .payload "$new" | base64 -d | jq -e '.predicate.buildDefinition.internalParameters.sandbox.network.allow_domains | length > 0' > /dev/null; then
		run -1 --separate-stderr gl-verify -k "$pub" --policy "$C/no-network.jq" "$new"
		[[ "$stderr" == *"egress was allowed to api.anthropic.com"* ]]
	else
		run -0 --separate-stderr gl-verify -k "$pub" --policy "$C/no-network.jq" "$new"
	fi
	run -0 --separate-stderr gl-verify -k "$pub" --policy "$C/no-writes-outside-src.jq" "$old"
	run -1 --separate-stderr gl-verify -k "$pub" --policy "$C/no-writes-outside-src.jq" "$new"
	[[ "$stderr" == *"wrote notes.txt outside src/" ]]
	run -1 --separate-stderr gl-verify -k "$pub" --policy "$C/require-parent.jq" "$old"
	run -0 --separate-stderr gl-verify -k "$pub" --check-files "$P" --check-materials "$old"
	[ "$(jq -r '.checks[] | select(.check == "materials") | .status' <<<"$output")" = pass ]
}

@test "policy: a name with a NUL inside is not its prefix (allowed_profiles, allowed_builders)" {
	session "$T/a.json"
	jq -r .payload "$T/a.json" | base64 -d |
	    jq -c '.predicate.buildDefinition.externalParameters.profile.name = "konishi\u0000evil" |
	        .predicate.runDetails.builder.id += "\u0000x"' |
	    gl-sign -k "$K/d-ed25519.pem" -o "$T/nul.json"
	echo '{"allowed_profiles":["konishi"]}' > "$T/p.json"
	pol "$T/p.json" "$T/nul.json"
	[ "$status" -eq 1 ]
	echo '{"allowed_builders":["https://gleisner.dev/gleisner@0.1.0"]}' > "$T/p.json"
	pol "$T/p.json" "$T/nul.json"
	[ "$status" -eq 1 ]
	# and the prefix of a listed name with a NUL is not allowed either
	echo '{"allowed_profiles":["konishi\u0000x"]}' > "$T/p.json"
	pol "$T/p.json" "$T/a.json"
	[ "$status" -eq 1 ]
}
