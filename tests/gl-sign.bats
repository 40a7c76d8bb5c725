#!/usr/bin/env bats
# gl-sign: DSSE signing, key generation, public keys.

load helpers

setup() {
	gl_setup
	gl_keys
	S1="$FIX/s1.json"
	SLSA=https://example.com/test/v1
}

teardown() {
	gl_teardown
}

payload_of() {
	jq -r .payload "$1" | base64 -d
}

@test "gl-sign: --help prints the synopsis of the man page, exit 0" {
	run -0 --separate-stderr gl-sign --help
	[[ "$output" == "usage: gl-sign [-k key.pem] [-t payload-type] [--raw] [-o file]"* ]]
	syn=$(mandoc -Tascii "$REPO/man/gl-sign.1" | col -b | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | tr -s ' \t\n' ' ')
	[[ "$syn" == *"gl-sign [-k key.pem] [-t payload-type] [--raw] [-o file]"* ]]
	[[ "$syn" == *"gl-sign keygen [--ed25519] --private file --public file"* ]]
	[[ "$syn" == *"gl-sign pubkey [-k key.pem]"* ]]
}

@test "gl-sign: --version" {
	run -0 --separate-stderr gl-sign --version
	[[ "$output" == "gl-sign "[0-9]* ]]
}

@test "gl-sign: Ed25519 over S1 reproduces reference vector T2 exactly" {
	run -0 --separate-stderr gl-sign -k "$K/d-ed25519.pem" < "$S1"
	[ "$(jq -r '.signatures[0].sig' <<<"$output")" = "j+8RYR2vnLtTqF4C11LAJSj6U3C4gqW7MBbPWtNmpD2itw6K2paPxEo3Io8R8wSCXRl38a8fAu8LORUmyXwIAQ==" ]
	[ "$(jq -r '.signatures[0].keyid' <<<"$output")" = "" ]
	[ "$(jq -r .payloadType <<<"$output")" = application/vnd.in-toto+json ]
}

@test "gl-sign: one compact line with sorted keys" {
	gl-sign -k "$K/d-ed25519.pem" < "$S1" > "$T/e.json"
	[ "$(wc -l < "$T/e.json")" -eq 1 ]
	[ "$(jq -cS . "$T/e.json")" = "$(cat "$T/e.json")" ]
}

@test "gl-sign: ECDSA P-256 round trip through gl-verify (signatures are random)" {
	gl-sign -k "$K/e-p256.pem" < "$S1" > "$T/a.json"
	gl-sign -k "$K/e-p256.pem" < "$S1" > "$T/b.json"
	run -1 cmp -s "$T/a.json" "$T/b.json"
	run -0 --separate-stderr gl-verify -k "$K/e-p256.pub" --expect-type "$SLSA" "$T/a.json" "$T/b.json"
	# DER: starts with SEQUENCE 0x30
	jq -r '.signatures[0].sig' "$T/a.json" | base64 -d | head -c1 | od -An -tx1 | grep -q 30
}

@test "gl-sign: removes exactly one trailing newline" {
	{ cat "$S1"; printf '\n\n'; } | gl-sign -k "$K/d-ed25519.pem" > "$T/e.json"
	payload_of "$T/e.json" > "$T/p"
	{ cat "$S1"; printf '\n'; } | cmp - "$T/p"
	gl-sign -k "$K/d-ed25519.pem" < "$S1" > "$T/e2.json"
	payload_of "$T/e2.json" | cmp - "$S1"
}

@test "gl-sign: --raw keeps the newline" {
	{ cat "$S1"; echo; } | gl-sign --raw -k "$K/d-ed25519.pem" > "$T/e.json"
	{ cat "$S1"; echo; } | cmp - <(payload_of "$T/e.json")
}

@test "gl-sign: refuses to sign a non-JSON in-toto payload (3), other types are bytes" {
	run -3 --separate-stderr gl-sign -k "$K/d-ed25519.pem" <<<'{"a":1,"a":2}'
	[[ "$stderr" == "gl-sign: stdin: payload is not strict JSON: "*"duplicate key"* ]]
	[ -z "$output" ]
	run -0 --separate-stderr gl-sign -t application/octet-stream -k "$K/d-ed25519.pem" <<<'not json'
}

@test "gl-sign: unsupported and encrypted keys are data errors (3), missing key is 4" {
	run -3 --separate-stderr gl-sign -k "$K/rsa.pem" < "$S1"
	[[ "$stderr" == *"key type not supported"* ]]
	run -3 --separate-stderr gl-sign -k "$K/encrypted.pem" < "$S1"
	[[ "$stderr" == *"not an unencrypted PEM private key" ]]
	run -3 --separate-stderr gl-sign -k "$K/d-ed25519.pub" < "$S1"
	run -4 --separate-stderr gl-sign -k "$T/nope.pem" < "$S1"
	[ "$stderr" = "gl-sign: $T/nope.pem: No such file or directory" ]
}

@test "gl-sign: a secret in a broken key file is never printed" {
	printf -- '-----BEGIN PRIVATE KEY-----\nSECRETMARKxx\n-----END PRIVATE KEY-----\n' > "$T/bad.pem"
	run -3 --separate-stderr gl-sign -k "$T/bad.pem" < "$S1"
	[[ "$stderr$output" != *SECRETMARK* ]]
}

@test "gl-sign: the default key is ~/.config/gleisner/keys/local.pem" {
	run -4 --separate-stderr gl-sign < "$S1"
	[[ "$stderr" == *"$HOME/.config/gleisner/keys/local.pem"* ]]
	mkdir -p "$HOME/.config/gleisner/keys"
	cp "$K/d-ed25519.pem" "$HOME/.config/gleisner/keys/local.pem"
	run -0 --separate-stderr gl-sign < "$S1"
	cmp <(echo "$output") "$REPO/tests/golden/gl-sign/ed25519.out"
}

@test "gl-sign: -o writes the file whole, nothing on stdout, no temporary left" {
	run -0 --separate-stderr gl-sign -k "$K/d-ed25519.pem" -o "$T/out.json" < "$S1"
	[ -z "$output" ]
	cmp "$T/out.json" "$REPO/tests/golden/gl-sign/ed25519.out"
	[ "$(ls "$T")" = "$(printf 'home\nkeys\nout.json')" ]
	run -4 --separate-stderr gl-sign -k "$K/d-ed25519.pem" -o "$T/no/dir/x.json" < "$S1"
	[[ "$stderr" == "gl-sign: $T/no/dir/x.json: No such file or directory" ]]
}

@test "gl-sign: a full stdout is 4" {
	run -4 --separate-stderr sh -c 'gl-sign -k "$1" < "$2" > /dev/full' sh "$K/d-ed25519.pem" "$S1"
	run -4 --separate-stderr sh -c 'gl-sign pubkey -k "$1" > /dev/full' sh "$K/d-ed25519.pem"
}

@test "gl-sign: payload above the 64 MiB cap is 3" {
	run -3 --separate-stderr sh -c 'head -c 67108865 /dev/zero | gl-sign -k "$1"' sh "$K/d-ed25519.pem"
	[[ "$stderr" == *"payload larger than"* ]]
}

@test "gl-sign: usage errors are 2" {
	run -2 --separate-stderr gl-sign extra-arg
	run -2 --separate-stderr gl-sign keygen --private "$T/k"
	run -2 --separate-stderr gl-sign keygen --private "$T/k" --public "$T/k"
	[ ! -e "$T/k" ]
	run -2 --separate-stderr gl-sign --ed25519 < "$S1"
	run -2 --separate-stderr gl-sign pubkey --raw -k "$K/d-ed25519.pem"
	run -2 --separate-stderr gl-sign -t $'\xff' -k "$K/d-ed25519.pem" < "$S1"
}

@test "gl-sign keygen: P-256 by default, private 0600, public 0644, usable" {
	run -0 --separate-stderr gl-sign keygen --private "$T/k.pem" --public "$T/k.pub"
	[ "$(stat -c %a "$T/k.pem")" = 600 ]
	[ "$(stat -c %a "$T/k.pub")" = 644 ]
	head -1 "$T/k.pem" | grep -qx -- '-----BEGIN PRIVATE KEY-----'
	openssl pkey -in "$T/k.pem" -noout -text | grep -q 'NIST CURVE: P-256'
	gl-sign -k "$T/k.pem" < "$S1" | gl-verify -q -k "$T/k.pub" --expect-type "$SLSA" -
}

@test "gl-sign keygen --ed25519" {
	gl-sign keygen --ed25519 --private "$T/k.pem" --public "$T/k.pub"
	openssl pkey -in "$T/k.pem" -noout -text | grep -q 'ED25519'
	gl-sign -k "$T/k.pem" < "$S1" | gl-verify -q -k "$T/k.pub" --expect-type "$SLSA" -
}

@test "gl-sign keygen: never overwrites a key, never follows a symlink (4)" {
	gl-sign keygen --private "$T/k.pem" --public "$T/k.pub"
	cp "$T/k.pem" "$T/orig"
	run -4 --separate-stderr gl-sign keygen --private "$T/k.pem" --public "$T/k2.pub"
	[ "$stderr" = "gl-sign: $T/k.pem: exists, refusing to overwrite a key" ]
	cmp "$T/k.pem" "$T/orig"
	[ ! -e "$T/k2.pub" ]
	ln -s "$T/target" "$T/link.pem"
	run -4 --separate-stderr gl-sign keygen --private "$T/link.pem" --public "$T/k3.pub"
	[ ! -e "$T/target" ]
}

@test "gl-sign keygen: a failing public write removes the new private key" {
	run -4 --separate-stderr gl-sign keygen --private "$T/k.pem" --public "$T/no/such/k.pub"
	[ ! -e "$T/k.pem" ]
}

@test "gl-sign pubkey: prints the SPKI PEM" {
	run -0 --separate-stderr gl-sign pubkey -k "$K/e-p256.pem"
	[ "$output" = "$(cat "$K/e-p256.pub")" ]
	gl-sign pubkey -k "$K/d-ed25519.pem" | cmp - "$K/d-ed25519.pub"
}

@test "gl-sign(1) EXAMPLES" {
	cd "$T"
	jq -n '{_type:"https://in-toto.io/Statement/v1",subject:[],predicateType:"https://slsa.dev/provenance/v1",predicate:{}}' > statement.json
	# examples, verbatim
	gl-sign keygen --private key.pem --public key.pub
	jq -c . statement.json | gl-sign -k key.pem -o attestation-1.json
	jq -r .payload attestation-1.json | base64 -d | jq -e ._type
	gl-sign pubkey -k key.pem | cmp - key.pub
	jq -c . statement.json |
	    gl-sign -k key.pem -o attestation-1.json --bundle attestation-1.sigstore.json
	gl-verify -q -k key.pub attestation-1.sigstore.json
	jq -c . statement.json | gl-sign -k key.pem | gl-verify -q -k key.pub -
}

@test "gl-sign: a private key its group or others may read is refused (3) with a hint" {
	cp "$K/d-ed25519.pem" "$T/k.pem"
	for m in 640 604 660 644; do
		chmod "$m" "$T/k.pem"
		run -3 --separate-stderr gl-sign -k "$T/k.pem" < "$S1"
		[ -z "$output" ]
		[ "$stderr" = "gl-sign: $T/k.pem: private key is not a regular file only its owner may use
gl-sign: hint: chmod 600 $T/k.pem" ]
	done
	chmod 400 "$T/k.pem"
	run -0 --separate-stderr gl-sign -k "$T/k.pem" < "$S1"
	# a symlink to a good key is refused too (never followed)
	ln -s "$K/d-ed25519.pem" "$T/link.pem"
	run -4 --separate-stderr gl-sign -k "$T/link.pem" < "$S1"
}

@test "gl-sign --bundle: a Sigstore bundle v0.3 beside the envelope, same signature" {
	run -0 --separate-stderr gl-sign -k "$K/d-ed25519.pem" -o "$T/e.json" --bundle "$T/b.json" < "$S1"
	[ -z "$output" ]
	cmp "$T/e.json" "$REPO/tests/golden/gl-sign/ed25519.out"
	[ "$(jq -r .mediaType "$T/b.json")" = application/vnd.dev.sigstore.bundle.v0.3+json ]
	[ "$(jq -c .verificationMaterial "$T/b.json")" = '{"publicKey":{"hint":"SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8"},"tlogEntries":[]}' ]
	[ "$(jq -c '.dsseEnvelope | del(.signatures[0].keyid)' "$T/b.json")" = "$(jq -c '. | del(.signatures[0].keyid)' "$T/e.json")" ]
	run -2 --separate-stderr gl-sign -k "$K/d-ed25519.pem" -o "$T/x.json" --bundle "$T/x.json" < "$S1"
	run -4 --separate-stderr gl-sign -k "$K/d-ed25519.pem" -o "$T/y.json" --bundle "$T/no/dir/b.json" < "$S1"
	[ ! -e "$T/y.json" ]
	run -2 --separate-stderr gl-sign keygen --private "$T/p.pem" --public "$T/p.pub" --bundle "$T/b2.json"
}

@test "gl-sign keygen: no temporary file is left, and an existing key is kept byte for byte" {
	mkdir "$T/k"
	run -0 --separate-stderr gl-sign keygen --private "$T/k/a.pem" --public "$T/k/a.pub"
	[ "$(ls "$T/k")" = "$(printf 'a.pem\na.pub')" ]
	[ "$(stat -c %a "$T/k/a.pem")" = 600 ]
	cp "$T/k/a.pem" "$T/saved.pem"
	run -4 --separate-stderr gl-sign keygen --private "$T/k/a.pem" --public "$T/k/b.pub"
	cmp "$T/k/a.pem" "$T/saved.pem"
	[ "$(ls "$T/k")" = "$(printf 'a.pem\na.pub')" ]
}
