#!/usr/bin/env bats
# Interoperability: the DSSE specification's test vector, an independent
# check of our envelopes with the openssl command line, @sigstore/verify
# (sigstore-js) on our bundles, and the in-toto/SLSA shape against a JSON
# schema.

load helpers

setup() {
	gl_setup
	gl_keys
	S1="$FIX/s1.json"
	TT=https://example.com/test/v1
	NODE_MODULES="$REPO/tests/node_modules"
}

teardown() {
	gl_teardown
}

need_node() {
	command -v node > /dev/null || skip "node is not installed"
	[ -d "$NODE_MODULES/$1" ] || skip "$1 is not installed (tests/schema-deps.sh)"
}

# The vector of secure-systems-lab/dsse protocol.md, its signature in DER
vector() {
	printf '{"payload":"aGVsbG8gd29ybGQ=","payloadType":"http://example.com/HelloWorld","signatures":[{"sig":"%s"}]}\n' "$1"
}

@test "interop: the DSSE specification's test vector verifies (signature in DER)" {
	vector MEQCIANyarEBrVbCdjtsaqyOSHJ14qeRk6CdxfhZ2fjvPEo7AiBR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA== > "$T/v.json"
	run -0 --separate-stderr gl-verify -k "$K/e-p256.pub" --payload-type http://example.com/HelloWorld "$T/v.json"
	[ "$(jq -r .verified <<<"$output")" = true ]
	[ "$(jq -r '.checks[] | select(.check == "payload") | .reason' <<<"$output")" = \
	    "11 bytes, sha256 $(printf 'hello world' | sha256sum | cut -d' ' -f1)" ]
	# the PAE the spec prints, byte for byte, and its sha256
	pae=$(printf 'DSSEv1 %d %s %d %s' 29 http://example.com/HelloWorld 11 'hello world' | od -An -tx1 | tr -d ' \n')
	[ "$pae" = 44535345763120323920687474703a2f2f6578616d706c652e636f6d2f48656c6c6f576f726c642031312068656c6c6f20776f726c64 ]
	# as published, the raw r||s form is refused: the scheme is DER
	vector A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA== > "$T/raw.json"
	run -1 --separate-stderr gl-verify -k "$K/e-p256.pub" --payload-type http://example.com/HelloWorld "$T/raw.json"
	# and the type is bound: as an in-toto envelope it is not accepted
	run -1 --separate-stderr gl-verify -k "$K/e-p256.pub" "$T/v.json"
}

# openssl_verify ENVELOPE PUB: rebuild the PAE from the envelope with the
# shell and check the signature with the openssl command line alone
openssl_verify() {
	local type n
	type=$(jq -j .payloadType "$1")
	jq -j .payload "$1" | base64 -d > "$T/body"
	jq -j '.signatures[0].sig' "$1" | base64 -d > "$T/sig"
	n=$(printf %s "$type" | wc -c)
	{ printf 'DSSEv1 %d %s %d ' "$n" "$type" "$(stat -c%s "$T/body")"; cat "$T/body"; } > "$T/pae"
	if openssl pkey -pubin -in "$2" -noout -text 2>/dev/null | grep -q ED25519; then
		openssl pkeyutl -verify -pubin -inkey "$2" -rawin -in "$T/pae" -sigfile "$T/sig"
	else
		openssl dgst -sha256 -verify "$2" -signature "$T/sig" "$T/pae"
	fi
}

@test "interop: our envelopes verify with the openssl command line (PAE built here)" {
	for k in e-p256 d-ed25519; do
		gl-sign -k "$K/$k.pem" < "$S1" > "$T/$k.json"
		run -0 openssl_verify "$T/$k.json" "$K/$k.pub"
		[[ "$output" == *"Verified OK"* || "$output" == *"Signature Verified Successfully"* ]]
		# and fail with another key, or with one byte of the payload changed
		run -1 openssl_verify "$T/$k.json" "$K/other-${k#*-}.pub"
		jq -c '.payload |= (@base64d | sub("hello"; "jello") | @base64)' "$T/$k.json" > "$T/x.json"
		run -1 openssl_verify "$T/x.json" "$K/$k.pub"
	done
	# raw payloads too, with a non-ASCII type (byte lengths in the PAE)
	printf 'hello' | gl-sign -k "$K/d-ed25519.pem" -t 'tést/v1' --raw > "$T/raw.json"
	run -0 openssl_verify "$T/raw.json" "$K/d-ed25519.pub"
}

@test "interop: the keyid is empty in envelopes, the SSH fingerprint in bundles" {
	gl-sign -k "$K/e-p256.pem" --bundle "$T/e.sigstore.json" < "$S1" > "$T/e.json"
	gl-sign -k "$K/d-ed25519.pem" --bundle "$T/d.sigstore.json" < "$S1" > "$T/d.json"
	[ "$(jq -r '.signatures[0].keyid' "$T/e.json")" = "" ]
	[ "$(jq -r '.verificationMaterial.publicKey.hint' "$T/e.sigstore.json")" = SHA256:f4AuBLdH4Lj/dIuwAUXXebzoI9B/cJ4iSQ3/qByIl4M ]
	[ "$(jq -r '.dsseEnvelope.signatures[0].keyid' "$T/e.sigstore.json")" = SHA256:f4AuBLdH4Lj/dIuwAUXXebzoI9B/cJ4iSQ3/qByIl4M ]
	[ "$(jq -r '.verificationMaterial.publicKey.hint' "$T/d.sigstore.json")" = SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8 ]
	# exactly the fields of a key-only v0.3 bundle
	[ "$(jq -c '[paths | map(tostring) | join(".")]' "$T/d.sigstore.json")" = \
	    '["dsseEnvelope","dsseEnvelope.payload","dsseEnvelope.payloadType","dsseEnvelope.signatures","dsseEnvelope.signatures.0","dsseEnvelope.signatures.0.keyid","dsseEnvelope.signatures.0.sig","mediaType","verificationMaterial","verificationMaterial.publicKey","verificationMaterial.publicKey.hint","verificationMaterial.tlogEntries"]' ]
	# the same signature and payload as the envelope; gl-verify reads both
	[ "$(jq -r '.dsseEnvelope.signatures[0].sig' "$T/d.sigstore.json")" = "$(jq -r '.signatures[0].sig' "$T/d.json")" ]
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --expect-type $TT "$T/d.sigstore.json"
	[ "$(jq -r '.checks[0].check' <<<"$output")" = bundle ]
}

@test "interop: @sigstore/verify (sigstore-js) accepts our bundles with the public key" {
	need_node @sigstore/verify
	for k in e-p256 d-ed25519; do
		gl-sign -k "$K/$k.pem" --bundle "$T/$k.sigstore.json" -o /dev/null < "$S1"
		run -0 node "$REPO/tests/sigstore-verify.js" "$T/$k.sigstore.json" "$K/$k.pub"
		[ "$output" = "sigstore-js: verified" ]
		# a wrong key, or a changed payload, is rejected by it too
		run -1 node "$REPO/tests/sigstore-verify.js" "$T/$k.sigstore.json" "$K/other-${k#*-}.pub"
		jq -c '.dsseEnvelope.payload |= (@base64d | sub("hello"; "jello") | @base64)' \
		    "$T/$k.sigstore.json" > "$T/x.json"
		run -1 node "$REPO/tests/sigstore-verify.js" "$T/x.json" "$K/$k.pub"
	done
}

@test "interop: statements of gl-statement validate against the in-toto/SLSA v1 schema" {
	need_node ajv
	for c in full reads b19 overflow noend watch-error; do
		cp "$REPO/tests/golden/gl-statement/$c.out" "$T/$c.json"
	done
	run -0 node "$REPO/tests/slsa-validate.js" "$T"/*.json
	# and the schema is not a rubber stamp
	jq -c '.subject[0].digest.sha256 |= ascii_upcase | .predicate.extra = 1 | .extra = 1' "$T/full.json" > "$T/bad.json"
	run -1 --separate-stderr node "$REPO/tests/slsa-validate.js" "$T/bad.json"
	[[ "$stderr" == *"/subject/0/digest/sha256 must match pattern"* ]]
	[[ "$stderr" == *"must NOT have additional properties"* ]]
}
