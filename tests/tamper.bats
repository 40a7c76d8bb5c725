#!/usr/bin/env bats
# Tampered and forged attestations (reference/attestation-standards.md
# section 7 and the vectors of section 1.6): every one is rejected by
# gl-verify with a one-line reason, none is accepted.

load helpers

setup() {
	gl_setup
	gl_keys
	V="$FIX/dsse"
	IT=application/vnd.in-toto+json
	HELLO=5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
}

teardown() {
	gl_teardown
}

# stmt [JQ-EDIT]: a good SLSA statement, compact, edited by the jq program
stmt() {
	jq -cn --arg h "$HELLO" '{_type:"https://in-toto.io/Statement/v1",
	    subject:[{name:"hello.txt",digest:{sha256:$h}}],
	    predicateType:"https://slsa.dev/provenance/v1",
	    predicate:{buildDefinition:{buildType:"https://gleisner.dev/session/v1"}}}' |
	    jq -c "${1:-.}"
}

# sign_bytes PAYLOADFILE TYPE OUT [KEY] [PAE-LENGTH-OF-TYPE]: an envelope
# signed with the openssl command line (Ed25519), so any payload bytes,
# even ones gl-sign refuses, can be signed; the last argument forges the
# type length written into the PAE
sign_bytes() {
	local key=${4:-$K/d-ed25519.pem} tl
	tl=${5:-$(printf %s "$2" | wc -c)}
	{ printf 'DSSEv1 %s %s %d ' "$tl" "$2" "$(stat -c%s "$1")"; cat "$1"; } > "$T/pae.bin"
	openssl pkeyutl -sign -rawin -inkey "$key" -in "$T/pae.bin" -out "$T/sig.bin"
	printf '{"payload":"%s","payloadType":"%s","signatures":[{"keyid":"","sig":"%s"}]}\n' \
	    "$(base64 -w0 "$1")" "$2" "$(base64 -w0 "$T/sig.bin")" > "$3"
}

# signed_stmt JQ-EDIT OUT: the statement edited, then signed by the trusted key
signed_stmt() {
	stmt "$1" | tr -d '\n' > "$T/p.json"
	sign_bytes "$T/p.json" "$IT" "$2"
}

# reject FILE WANT [gl-verify options]: not accepted (1 or 3), exactly one
# line on stderr naming the file, containing WANT
reject() {
	local f=$1 want=$2
	shift 2
	run --separate-stderr gl-verify -k "$K/d-ed25519.pub" "$@" "$f"
	[ "$status" -eq 1 ] || [ "$status" -eq 3 ] || { echo "status $status"; return 1; }
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "stderr: $stderr"; return 1; }
	[[ "$stderr" == "gl-verify: $f: "*"$want"* ]] || { echo "stderr: $stderr"; return 1; }
	if [ -n "$output" ]; then
		[ "$(jq -r .verified <<<"$output")" = false ]
	fi
}

@test "tamper: the untampered statement verifies (the baseline every case edits)" {
	signed_stmt . "$T/good.json"
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" "$T/good.json"
	[ "$(jq -r .verified <<<"$output")" = true ]
}

@test "tamper 01 (T3): payloadType swapped after signing" { reject "$V/t3.json" "no signature verifies"; }
@test "tamper 02 (T4): signature over the raw payload, not PAE" { reject "$V/t4.json" "no signature verifies"; }
@test "tamper 03 (T5): no signatures" { reject "$V/t5.json" "envelope has no signatures"; }

@test "tamper 04: signatures null, or missing" {
	jq -c '.signatures = null' "$V/t2.json" > "$T/n.json"
	reject "$T/n.json" "signatures is not an array"
	jq -c 'del(.signatures)' "$V/t2.json" > "$T/m.json"
	reject "$T/m.json" "payload, payloadType and signatures are required"
}

@test "tamper 05 (T6b): PAE with the type's character length, not byte length" {
	reject "$V/t6b.json" "no signature verifies" --payload-type 'tést/v1'
}

@test "tamper 06 (T7): threshold 2 met by one key's signature twice" {
	reject "$V/t7.json" "1 distinct trusted key(s) signed, 2 needed" \
	    -k "$K/other-ed25519.pub" --threshold 2
}

@test "tamper 07 (T9): duplicate payload member" { reject "$V/t9.json" 'duplicate key "payload"'; }
@test "tamper 08 (T11): non-canonical DER ECDSA signature" {
	run -1 --separate-stderr gl-verify -k "$K/e-p256.pub" --expect-type https://example.com/test/v1 "$V/t11.json"
	[[ "$stderr" == *"no signature verifies with a trusted key" ]]
}
@test "tamper 09 (T12): Ed25519 signature with S + L" { reject "$V/t12.json" "no signature verifies"; }

@test "tamper 10: a length with a leading zero in the PAE" {
	stmt | tr -d '\n' > "$T/p.json"
	sign_bytes "$T/p.json" "$IT" "$T/x.json" "" 028
	reject "$T/x.json" "no signature verifies"
}

@test "tamper 11: a valid signature over payloadType application/json" {
	stmt | tr -d '\n' > "$T/p.json"
	sign_bytes "$T/p.json" application/json "$T/x.json"
	reject "$T/x.json" "payloadType is not application/vnd.in-toto+json"
}

@test "tamper 12: re-signed with an untrusted key, which the envelope carries itself" {
	stmt | tr -d '\n' > "$T/p.json"
	sign_bytes "$T/p.json" "$IT" "$T/x.json" "$K/other-ed25519.pem"
	jq -c --rawfile k "$K/other-ed25519.pub" '.publicKey = $k | .signatures[0].keyid = "other"' \
	    "$T/x.json" > "$T/y.json"
	reject "$T/y.json" "no signature verifies with a trusted key"
}

@test "tamper 13: a signed payload with a duplicate _type" {
	stmt | sed 's/^{/{"_type":"link",/' | tr -d '\n' > "$T/p.json"
	sign_bytes "$T/p.json" "$IT" "$T/x.json"
	reject "$T/x.json" 'duplicate key "_type"'
}

@test "tamper 14: a signed payload with a duplicate digest.sha256" {
	stmt | sed "s/{\"sha256\":/{\"sha256\":\"$HELLO\",\"sha256\":/" | tr -d '\n' > "$T/p.json"
	sign_bytes "$T/p.json" "$IT" "$T/x.json"
	reject "$T/x.json" 'duplicate key "sha256"'
}

@test "tamper 15: \"Subject\" in place of \"subject\" (case-insensitive matching)" {
	signed_stmt '.Subject = .subject | del(.subject)' "$T/x.json"
	reject "$T/x.json" "subject is not an array"
}

@test "tamper 16: a legacy link (_type link) where a Statement v1 is required" {
	signed_stmt '._type = "link"' "$T/x.json"
	reject "$T/x.json" "not an in-toto Statement"
}

@test "tamper 17: Statement v0.1" {
	signed_stmt '._type = "https://in-toto.io/Statement/v0.1"' "$T/x.json"
	reject "$T/x.json" "not an in-toto Statement"
}

@test "tamper 18: predicateType https://slsa.dev/provenance/v1.0 (witness's)" {
	signed_stmt '.predicateType = "https://slsa.dev/provenance/v1.0"' "$T/x.json"
	reject "$T/x.json" 'is not the expected "https://slsa.dev/provenance/v1"'
}

@test "tamper 19: predicateType v0.2" {
	signed_stmt '.predicateType = "https://slsa.dev/provenance/v0.2"' "$T/x.json"
	reject "$T/x.json" "is not the expected"
}

@test "tamper 20: a predicate that is not an object" {
	signed_stmt '.predicate = "x"' "$T/x.json"
	reject "$T/x.json" "predicate is not an object"
}

@test "tamper 21: an uppercase hex subject digest" {
	signed_stmt '.subject[0].digest.sha256 |= ascii_upcase' "$T/x.json"
	reject "$T/x.json" "digest.sha256 is not 64 lowercase hex digits"
}

@test "tamper 22: a digest of 63 hex digits, and one with a sha256: prefix" {
	signed_stmt '.subject[0].digest.sha256 |= .[1:]' "$T/x.json"
	reject "$T/x.json" "not 64 lowercase hex digits"
	signed_stmt '.subject[0].digest.sha256 |= "sha256:" + .' "$T/y.json"
	reject "$T/y.json" "not 64 lowercase hex digits"
}

@test "tamper 23: a non-hex digest" {
	signed_stmt '.subject[0].digest.sha256 |= "g" + .[1:]' "$T/x.json"
	reject "$T/x.json" "not 64 lowercase hex digits"
}

@test "tamper 24: a weak-only (sha1) subject digest" {
	signed_stmt '.subject[0].digest = {sha1:"da39a3ee5e6b4b0d3255bfef95601890afd80709"}' "$T/x.json"
	reject "$T/x.json" "digest.sha256"
}

@test "tamper 25: \"SHA256\" and \"sha256 \" are not sha256" {
	signed_stmt '.subject[0].digest = {SHA256:.subject[0].digest.sha256}' "$T/x.json"
	reject "$T/x.json" "digest.sha256"
	signed_stmt '.subject[0].digest = {"sha256 ":.subject[0].digest.sha256}' "$T/y.json"
	reject "$T/y.json" "digest.sha256"
}

@test "tamper 26: subject names ../x, /etc/passwd, a/../b, ./a, a//b, a/" {
	local nm
	for nm in ../x /etc/passwd a/../b ./a a//b a/; do
		signed_stmt ".subject[0].name = \"$nm\"" "$T/x.json"
		reject "$T/x.json" "name is not a relative path" || { echo "accepted: $nm"; return 1; }
	done
}

@test "tamper 27: a subject name with NUL" {
	signed_stmt '.subject[0].name = "a\u0000b"' "$T/x.json"
	reject "$T/x.json" "name is not a relative path"
}

@test "tamper 28: the same subject name twice" {
	signed_stmt '.subject += [.subject[0] | .digest.sha256 = ("0" * 64)]' "$T/x.json"
	reject "$T/x.json" "appears twice"
}

@test "tamper 29: the second subject is bad (every subject is checked)" {
	signed_stmt '.subject += [{name:"b", digest:{sha256:"XYZ"}}]' "$T/x.json"
	reject "$T/x.json" 'subject "b"'
}

@test "tamper 30: payload with junk in its base64, or a line break" {
	jq -c '.payload |= "*" + .' "$V/t2.json" > "$T/x.json"
	reject "$T/x.json" "payload is not base64"
	jq -c '.payload |= .[0:20] + "\n" + .[20:]' "$V/t2.json" > "$T/y.json"
	reject "$T/y.json" "payload is not base64"
}

@test "tamper 31: a valid signature over a payload that is not strict JSON" {
	printf '{"_type":"https://in-toto.io/Statement/v1","n":1.5}' > "$T/p.json"
	sign_bytes "$T/p.json" "$IT" "$T/x.json"
	reject "$T/x.json" "payload is not strict JSON"
	printf 'not json' > "$T/q.json"
	sign_bytes "$T/q.json" "$IT" "$T/y.json"
	reject "$T/y.json" "payload is not strict JSON"
}

@test "tamper 32: the envelope is not JSON, or cut short (3)" {
	printf 'garbage' > "$T/x.json"
	reject "$T/x.json" "envelope is not valid JSON"
	[ "$status" -eq 3 ]
	head -c 100 "$V/t2.json" > "$T/y.json"
	reject "$T/y.json" "envelope is not valid JSON"
	[ "$status" -eq 3 ]
}

@test "tamper 33: nesting 100000 deep is a bounded rejection" {
	python3 -c 'print("[" * 100000 + "]" * 100000)' > "$T/x.json"
	reject "$T/x.json" "envelope is not valid JSON"
}

@test "tamper 34: another statement's payload under a valid signature" {
	signed_stmt . "$T/a.json"
	signed_stmt '.subject[0].name = "evil.txt"' "$T/b.json"
	jq -c --slurpfile b "$T/b.json" '.payload = $b[0].payload' "$T/a.json" > "$T/x.json"
	reject "$T/x.json" "no signature verifies"
}

# Sigstore bundles around a good envelope
bundle() {	# bundle JQ-EDIT OUT
	stmt | gl-sign -k "$K/d-ed25519.pem" --bundle "$T/b0.json" -o /dev/null
	jq -c "$1" "$T/b0.json" > "$2"
}

@test "tamper 35: a bundle with two signatures (one valid)" {
	bundle '.dsseEnvelope.signatures += [.dsseEnvelope.signatures[0]]' "$T/x.json"
	reject "$T/x.json" "does not have exactly one signature"
}

@test "tamper 36: a bundle with both a public key and a certificate" {
	bundle '.verificationMaterial.certificate = {rawBytes:"AAAA"}' "$T/x.json"
	reject "$T/x.json" "certificate"
}

@test "tamper 37: a bundle whose hint and envelope keyid differ" {
	bundle '.dsseEnvelope.signatures[0].keyid = "SHA256:other"' "$T/x.json"
	reject "$T/x.json" "key hint and envelope keyid differ"
}

@test "tamper 38: a bundle with both dsseEnvelope and messageSignature" {
	bundle '.messageSignature = {signature:"AAAA"}' "$T/x.json"
	reject "$T/x.json" "both dsseEnvelope and messageSignature"
}

@test "tamper 39: a bundle of media type v0.4" {
	bundle '.mediaType = "application/vnd.dev.sigstore.bundle.v0.4+json"' "$T/x.json"
	reject "$T/x.json" "bundle mediaType"
}

@test "tamper 40: a subject changed on disk, or replaced by a symlink out of the tree" {
	mkdir -p "$T/p"
	printf 'hello\n' > "$T/p/hello.txt"
	signed_stmt . "$T/x.json"
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --check-files "$T/p" "$T/x.json"
	printf 'hellO\n' > "$T/p/hello.txt"
	reject "$T/x.json" "does not match the subject digest" --check-files "$T/p"
	rm "$T/p/hello.txt"
	printf 'hello\n' > "$T/elsewhere"
	ln -s "$T/elsewhere" "$T/p/hello.txt"
	reject "$T/x.json" "symlink" --check-files "$T/p"
}

@test "tamper 41: an audit log edited after the session" {
	printf '{"seq":1,"src":"gl-watch","type":"session.start"}\n' > "$T/audit-1.jsonl"
	h=$(sha256sum < "$T/audit-1.jsonl" | cut -d' ' -f1)
	signed_stmt ".predicate.runDetails.byproducts = [{name:\"audit-1.jsonl\",
	    digest:{sha256:\"$h\"},annotations:{role:\"audit-log\"}}]" "$T/attestation-1.json"
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" "$T/attestation-1.json"
	[ "$(jq -r '.checks[] | select(.check == "audit-log") | .status' <<<"$output")" = pass ]
	printf '{"seq":2,"src":"gl-watch","type":"file.write","path":"x"}\n' >> "$T/audit-1.jsonl"
	reject "$T/attestation-1.json" "is not the attested"
	rm "$T/audit-1.jsonl"
	reject "$T/attestation-1.json" "No such file" --audit-log "$T/audit-1.jsonl"
}

@test "tamper 42: 200000 subjects with one repeated at the end: rejected, quickly" {
	python3 -c '
import json, sys
h = "0" * 64
subj = [{"name": "f%06d" % i, "digest": {"sha256": h}} for i in range(200000)]
subj.append({"name": "f000007", "digest": {"sha256": h}})
sys.stdout.write(json.dumps({"_type": "https://in-toto.io/Statement/v1", "subject": subj,
    "predicateType": "https://slsa.dev/provenance/v1", "predicate": {}}, separators=(",", ":")))
' > "$T/p.json"
	sign_bytes "$T/p.json" "$IT" "$T/x.json"
	s0=$(date +%s)
	reject "$T/x.json" 'subject "f000007" appears twice'
	[ $(( $(date +%s) - s0 )) -lt 20 ]
}

@test "tamper: none of the cases above was accepted, and there are at least 30" {
	n=$(grep -c '^@test "tamper [0-9]' "$BATS_TEST_FILENAME")
	[ "$n" -ge 30 ]
}
