#!/usr/bin/env bats
# A chain of 10 recorded sessions: deleting, editing, re-signing with an
# untrusted key, reordering, forking or planting any link is detected, and
# the failing link is named.

load helpers

setup() {
	gl_setup
	gl_keys
	D="$T/proj/.gleisner"
	mkdir -p "$D"
}

teardown() {
	gl_teardown
}

id_of() {	# id_of N: the session id of link N (sortable)
	printf '20261203T1000%02d000000000Z' "$1"
}

# session N [PARENT-FILE] [gl-statement options]: record link N the way
# gleisner record does: audit log, statement with its parent, signature
session() {
	local n=$1 parent=${2:-} id
	shift 2 || shift $#
	id=$(id_of "$n")
	printf '{"backend":"inotify","seq":1,"src":"gl-watch","ts":"2026-12-03T10:00:%02d.000000000Z","type":"session.start"}\n{"complete":true,"overflows":0,"seq":2,"src":"gl-watch","ts":"2026-12-03T10:00:%02d.500000000Z","type":"session.end"}\n' \
	    "$n" "$n" > "$D/audit-$id.jsonl"
	gl-statement --invocation-id "$(printf '00000000-0000-4000-8000-0000000000%02d' "$n")" \
	    --started "$(printf '2026-12-03T10:00:%02dZ' "$n")" \
	    --finished "$(printf '2026-12-03T10:00:%02dZ' "$n")" \
	    --events "$D/audit-$id.jsonl" ${parent:+--parent "$parent"} "$@" -- make step"$n" |
	    gl-sign -k "${SIGNKEY:-$K/d-ed25519.pem}" -o "$D/attestation-$id.json"
}

chain10() {
	local k prev=
	for k in 1 2 3 4 5 6 7 8 9 10; do
		session "$k" "$prev"
		prev="$D/attestation-$(id_of "$k").json"
	done
}

att() {
	printf '%s/attestation-%s.json\n' "$D" "$(id_of "$1")"
}

verify_chain() {
	run --separate-stderr gl-verify -k "$K/d-ed25519.pub" --chain "$D"
}

@test "chain: 10 sessions verify from the newest back to the root" {
	chain10
	verify_chain
	[ "$status" -eq 0 ]
	[ "$(jq '.chain | length' <<<"$output")" -eq 10 ]
	[ "$(jq -r .envelope <<<"$output")" = "$(att 10)" ]
	[ "$(jq -r '.checks[] | select(.check == "chain") | .reason' <<<"$output")" = \
	    "10 link(s) back to a root, every attestation in $D on it" ]
	# the audit log beside each attestation is checked
	[ "$(jq -r '.checks[] | select(.check == "audit-log") | .status' <<<"$output")" = pass ]
	# verifying an older link walks only its own ancestors
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --chain "$D" "$(att 4)"
	[ "$(jq '.chain | length' <<<"$output")" -eq 4 ]
}

@test "chain: deleting any link is detected, naming where the chain breaks" {
	chain10
	cp -a "$D" "$T/orig"
	for L in 1 2 3 4 5 6 7 8 9 10; do
		rm -rf "$D"
		cp -a "$T/orig" "$D"
		rm "$(att "$L")"
		verify_chain
		[ "$status" -eq 1 ] || { echo "link $L deleted: status $status"; return 1; }
		if [ "$L" -eq 10 ]; then
			[[ "$stderr" == *"audit-$(id_of 10).jsonl has no attestation on the chain"* ]]
		else
			[[ "$stderr" == *"link attestation-$(id_of $((L + 1))).json: parent with payload sha256"*"not found"* ]] ||
			    { echo "link $L: $stderr"; return 1; }
		fi
	done
}

@test "chain: editing any link (payload or signature) is detected" {
	chain10
	cp -a "$D" "$T/orig"
	for L in 1 5 10; do
		rm -rf "$D"
		cp -a "$T/orig" "$D"
		jq -c '.payload |= (@base64d | sub("make"; "mAke") | @base64)' "$(att "$L")" > "$T/e.json"
		mv "$T/e.json" "$(att "$L")"
		verify_chain
		[ "$status" -eq 1 ] || { echo "link $L edited: status $status"; return 1; }
		if [ "$L" -eq 10 ]; then
			[[ "$stderr" == *"no signature verifies with a trusted key" ]]
		else
			[[ "$stderr" == *"parent"*"not found"* ]] || { echo "$stderr"; return 1; }
		fi
	done
	rm -rf "$D"
	cp -a "$T/orig" "$D"
	jq -c '.signatures[0].sig |= (.[0:10] + "AAAA" + .[14:])' "$(att 3)" > "$T/e.json"
	mv "$T/e.json" "$(att 3)"
	verify_chain
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"link attestation-$(id_of 4).json: parent attestation-$(id_of 3).json: no signature verifies with a trusted key" ]]
}

@test "chain: any link re-signed with an untrusted key is detected" {
	chain10
	cp -a "$D" "$T/orig"
	for L in 1 2 3 4 5 6 7 8 9 10; do
		rm -rf "$D"
		cp -a "$T/orig" "$D"
		jq -r .payload "$(att "$L")" | base64 -d |
		    gl-sign -k "$K/other-ed25519.pem" --raw -o "$(att "$L")"
		verify_chain
		[ "$status" -eq 1 ] || { echo "link $L: status $status"; return 1; }
		[[ "$stderr" == *"no signature verifies with a trusted key" ]] || { echo "$stderr"; return 1; }
	done
}

@test "chain: reordering links (renaming their files) is detected" {
	chain10
	mv "$(att 4)" "$T/x"
	mv "$(att 6)" "$(att 4)"
	mv "$T/x" "$(att 6)"
	verify_chain
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"does not sort before it (links reordered)"* ]]
}

@test "chain: a fork (two sessions claiming one parent) is detected" {
	chain10
	session 11 "$(att 5)"
	verify_chain
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"fork: attestation-$(id_of 6).json and attestation-$(id_of 11).json both claim attestation-$(id_of 5).json as their parent"* ]]
}

@test "chain: a planted root signed with the trusted key is not on the chain" {
	chain10
	id=20261203T100003500000000Z
	gl-statement --invocation-id 00000000-0000-4000-8000-000000000099 --started 2026-12-03T10:00:03Z \
	    --finished 2026-12-03T10:00:03Z -- true | gl-sign -k "$K/d-ed25519.pem" -o "$D/attestation-$id.json"
	verify_chain
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"attestation-$id.json is not on the chain (a link was removed, replaced or planted)" ]]
	# a file that is not an envelope is named too
	rm "$D/attestation-$id.json"
	echo junk > "$D/attestation-$id.json"
	verify_chain
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"attestation-$id.json is not on the chain (not a DSSE envelope)" ]]
}

@test "chain: an audit log edited under a link is detected" {
	chain10
	echo '{"x":1}' >> "$D/audit-$(id_of 10).jsonl"
	verify_chain
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"audit-$(id_of 10).jsonl: sha256"*"is not the attested"* ]]
}

@test "chain: a parent passed over as untrusted (SPEC 7.13) is allowed when the child names it" {
	session 1 ""
	SIGNKEY="$K/other-ed25519.pem" session 2 "$(att 1)"
	session 3 "$(att 1)" --skipped-parent "$(att 2)"
	verify_chain
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ "$(jq '.chain | length' <<<"$output")" -eq 2 ]
	# but not when it was replaced after the child named it
	jq -c '.signatures[0].keyid = "x"' "$(att 2)" > "$T/e.json"
	mv "$T/e.json" "$(att 2)"
	verify_chain
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"fork: attestation-$(id_of 2).json and attestation-$(id_of 3).json both claim"* ]]
}

@test "chain: Sigstore bundles beside the attestations are not links" {
	chain10
	gl-sign -k "$K/d-ed25519.pem" --bundle "$D/attestation-$(id_of 10).sigstore.json" -o /dev/null < "$FIX/s1.json"
	verify_chain
	[ "$status" -eq 0 ]
	[ "$(jq -r .envelope <<<"$output")" = "$(att 10)" ]
}

@test "chain: --chain on an empty directory is 3" {
	run -3 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --chain "$D"
	[ "$stderr" = "gl-verify: $D: no attestation-*.json to verify" ]
}

@test "chain: an edited audit log of any older link fails, naming that link" {
	chain10
	for k in 1 5 9; do
		cp "$D/audit-$(id_of "$k").jsonl" "$T/saved"
		echo '{}' >> "$D/audit-$(id_of "$k").jsonl"
		verify_chain
		[ "$status" -eq 1 ] || { echo "link $k: status $status"; return 1; }
		[[ "$stderr" == *"audit-$(id_of "$k").jsonl: sha256"* ]] || { echo "link $k: $stderr"; return 1; }
		cp "$T/saved" "$D/audit-$(id_of "$k").jsonl"
	done
	verify_chain
	[ "$status" -eq 0 ]
}
