#!/usr/bin/env bats
# gleisner inspect and gleisner diff: verify first when a key is there, say
# so when not, then show (text or --json) the statement or the changes.

load helpers

setup() {
	gl_setup
	S="$FIX/statement"
	cfg=$HOME/.config/gleisner
	mkdir -p "$cfg/keys" "$cfg/trusted" "$T/p/.gleisner"
	cp "$FIX/keys/d-ed25519.pem" "$cfg/keys/local.pem"
	chmod 600 "$cfg/keys/local.pem"
	cp "$FIX/keys/d-ed25519.pub" "$cfg/trusted/local.pub.pem"
	G="$T/p/.gleisner"
}

teardown() {
	gl_teardown
}

# att N [gl-statement options]: attestation N of the project, as recorded
att() {
	local n=$1
	shift
	gl-statement --invocation-id "$(printf '00000000-0000-4000-8000-0000000000%02d' "$n")" \
	    --started 2026-12-03T10:15:16Z --finished "$(printf '2026-12-03T10:15:%02dZ' $((16 + n)))" \
	    --jail-report "$S/jail.json" --landlock-report "$S/landlock.json" --git "$S/git.json" \
	    --tool-version '2.1.76 (Claude Code)' "$@" -- claude -p hi |
	    gl-sign -k "$cfg/keys/local.pem" -o "$G/attestation-$n.json"
}

@test "inspect: a verified attestation, summary and --detailed" {
	att 1 --diff "$S/diff.json" --events "$S/events-reads.jsonl"
	run -0 --separate-stderr gleisner inspect "$G/attestation-1.json"
	[ -z "$stderr" ]
	[ "${lines[0]}" = "Attestation Summary" ]
	[ "${lines[2]}" = "Signature:       verified with a trusted key" ]
	[[ "$output" == *"Predicate type:  https://slsa.dev/provenance/v1"* ]]
	[[ "$output" == *"Command:         'claude' '-p' 'hi'"* ]]
	[[ "$output" == *"Exit:            0"* ]]
	[[ "$output" == *"Tool version:    2.1.76 (Claude Code)"* ]]
	[[ "$output" == *"Subjects:        5"* ]]
	[[ "$output" == *"Materials:       4"* ]]
	[[ "$output" == *"Deleted:         2"* ]]
	[[ "$output" == *"Sandbox profile: konishi"* ]]
	[[ "$output" == *"  landlock:      ABI 4 (enforced)"* ]]
	[[ "$output" == *"Git:             0123456789abcdef0123456789abcdef01234567 (main, dirty)"* ]]
	[[ "$output" == *"Parent:          none (chain root)"* ]]
	[[ "$output" == *"Complete:        events yes, materials yes, subjects yes"* ]]
	[[ "$output" == *"Subjects:        5"*"  src/new.c  sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"* ]]
	[[ "$output" != *"  src/main.c  sha256:"* ]]
	run -0 --separate-stderr gleisner inspect --detailed "$G/attestation-1.json"
	[[ "$output" == *"Materials:"*"  src/main.c  sha256:"* ]]
	[[ "$output" == *"Deleted:"*"  old.txt  sha256:"* ]]
	[[ "$output" == *"Notes:"*"  (none)"* ]]
}

@test "inspect --json: the verified statement, and how it was checked" {
	att 1 --diff "$S/diff.json"
	run -0 --separate-stderr gleisner inspect --json "$G/attestation-1.json"
	[ "$(jq -c '[.verified, .signature, .reason]' <<<"$output")" = '[true,"verified",null]' ]
	[ "$(jq -c .statement <<<"$output")" = "$(jq -r .payload "$G/attestation-1.json" | base64 -d | jq -c .)" ]
}

@test "inspect: a forged attestation is shown marked NOT VERIFIED, status 1" {
	att 1 --diff "$S/diff.json"
	cp "$FIX/keys/other-ed25519.pem" "$T/other.pem"
	chmod 600 "$T/other.pem"
	jq -r .payload "$G/attestation-1.json" | base64 -d | gl-sign -k "$T/other.pem" --raw -o "$G/forged.json"
	run -1 --separate-stderr gleisner inspect "$G/forged.json"
	[ "${lines[2]}" = "Signature:       NOT VERIFIED: $G/forged.json: no signature verifies with a trusted key" ]
	[[ "$stderr" == *"gleisner: warning: $G/forged.json: showing an UNVERIFIED payload"* ]]
	run -1 --separate-stderr gleisner inspect --json "$G/forged.json"
	[ "$(jq -c '[.verified, .signature]' <<<"$output")" = '[false,"failed"]' ]
}

@test "inspect: without any trusted key it says the signature was not checked, status 1" {
	att 1
	rm "$cfg/trusted/local.pub.pem"
	run -1 --separate-stderr gleisner inspect "$G/attestation-1.json"
	[[ "${lines[2]}" == "Signature:       NOT VERIFIED (not checked: no trusted key: pass --public-key PEM, or run gleisner keygen)" ]]
	[[ "$stderr" == *"showing an UNVERIFIED payload: no trusted key"* ]]
	run -1 --separate-stderr gleisner inspect --json "$G/attestation-1.json"
	[ "$(jq -c '[.verified, .signature]' <<<"$output")" = '[false,"unchecked"]' ]
	# a key given on the command line checks it
	run -0 --separate-stderr gleisner inspect --public-key "$FIX/keys/d-ed25519.pub" "$G/attestation-1.json"
	[ "${lines[2]}" = "Signature:       verified with a trusted key" ]
	run -1 --separate-stderr gleisner inspect --public-key "$FIX/keys/other-ed25519.pub" "$G/attestation-1.json"
}

@test "inspect: a Sigstore bundle is inspected like an envelope" {
	gl-statement --invocation-id 00000000-0000-4000-8000-000000000001 --started 2026-12-03T10:15:16Z \
	    --finished 2026-12-03T10:15:19Z -- true | gl-sign -k "$cfg/keys/local.pem" -o /dev/null --bundle "$T/b.json"
	run -0 --separate-stderr gleisner inspect "$T/b.json"
	[ "${lines[2]}" = "Signature:       verified with a trusted key" ]
}

@test "inspect: not an envelope is 3, unreadable is 4, usage is 2" {
	echo '{"x":1}' > "$T/x.json"
	run -3 --separate-stderr gleisner inspect "$T/x.json"
	[[ "$stderr" == "gleisner: "*"not a DSSE envelope"* ]]
	run -4 --separate-stderr gleisner inspect "$T/none.json"
	run -2 --separate-stderr gleisner inspect
	run -2 --separate-stderr gleisner inspect --bogus "$T/x.json"
	att 1
	run -4 --separate-stderr sh -c 'gleisner inspect "$1" > /dev/full' _ "$G/attestation-1.json"
}

@test "diff: subjects, materials, environment and timing between two sessions" {
	att 1 --diff "$S/diff.json" --events "$S/events.jsonl"
	jq -c '.profile.name = "developer"' "$S/jail.json" > "$T/jail2.json"
	att 2 --diff "$S/diff-b19.json" --events "$S/events-reads.jsonl" --parent "$G/attestation-1.json" \
	    --jail-report "$T/jail2.json"
	run -0 --separate-stderr gleisner diff --json "$G/attestation-1.json" "$G/attestation-2.json"
	[ "$(jq -c '.subjects_added | map(.name)' <<<"$output")" = '["bad.txt","bad%FE.txt","bad%FF.txt","café","nl%0Aname"]' ]
	[ "$(jq -c '.subjects_removed | map(.name)' <<<"$output")" = '["README","a%b.txt","docs/b.md","run.sh","src/new.c"]' ]
	[ "$(jq '.materials_added | length' <<<"$output")" -eq 4 ]
	[ "$(jq -c '.environment_changes | map(.field)' <<<"$output")" = '["chain_parent","profile"]' ]
	[ "$(jq -c '.environment_changes[1] | [.before, .after]' <<<"$output")" = '["konishi","developer"]' ]
	[ "$(jq -c '.timing | [.before_duration_secs, .after_duration_secs]' <<<"$output")" = '[1,2]' ]
	[ "$(jq -c .signatures <<<"$output")" = '{"before":"verified","after":"verified"}' ]
	run -0 --separate-stderr gleisner diff "$G/attestation-1.json" "$G/attestation-2.json"
	[ "${lines[0]}" = "Subjects:" ]
	[[ "$output" == *"  + café (4b9f2c32577b)"* ]]
	[[ "$output" == *"  - src/new.c (5891b5b522d5)"* ]]
	[[ "$output" == *"Materials:"*"  + src/main.c (01d09d19c213)"* ]]
	[[ "$output" == *"Environment:"*"  profile: konishi -> developer"* ]]
	[[ "$output" == *"  duration: 1s -> 2s (+1s)" ]]
}

@test "diff: the same attestation twice has no differences; a forged side is 1" {
	att 1 --diff "$S/diff.json"
	run -0 --separate-stderr gleisner diff "$G/attestation-1.json" "$G/attestation-1.json"
	[ "$output" = "$(printf 'Timing:\n  before: 2026-12-03T10:15:16Z .. 2026-12-03T10:15:17Z\n  after:  2026-12-03T10:15:16Z .. 2026-12-03T10:15:17Z\n  duration: 1s -> 1s (+0s)')" ]
	# only when all four times are one is the timing no difference
	gl-statement --invocation-id 00000000-0000-4000-8000-000000000009 --started 2026-12-03T10:15:16Z \
	    --finished 2026-12-03T10:15:16Z -- true | gl-sign -k "$cfg/keys/local.pem" -o "$T/same.json"
	run -0 --separate-stderr gleisner diff "$T/same.json" "$T/same.json"
	[ "$output" = "No differences." ]
	cp "$FIX/keys/other-ed25519.pem" "$T/other.pem"
	chmod 600 "$T/other.pem"
	jq -r .payload "$G/attestation-1.json" | base64 -d | gl-sign -k "$T/other.pem" --raw -o "$T/forged.json"
	run -1 --separate-stderr gleisner diff "$G/attestation-1.json" "$T/forged.json"
	[[ "$output" == "Timing:"* ]]
	[[ "$stderr" == *"$T/forged.json: comparing an UNVERIFIED payload"* ]]
	run -2 --separate-stderr gleisner diff "$G/attestation-1.json"
	run -2 --separate-stderr gleisner diff --detailed "$G/attestation-1.json" "$T/forged.json"
}
