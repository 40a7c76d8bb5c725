#!/usr/bin/env bats
# gl-verify: signatures against trusted keys, statement checks, files, chain.

load helpers

setup() {
	gl_setup
	gl_keys
	V="$FIX/dsse"
	TT=https://example.com/test/v1
	HELLO=5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
}

teardown() {
	gl_teardown
}

# stmt NAME SHA256 [PARENT_SHA256]: a SLSA statement with one subject
stmt() {
	jq -cn --arg n "$1" --arg d "$2" --arg p "${3:-}" '{_type:"https://in-toto.io/Statement/v1",
	    subject:[{name:$n,digest:{sha256:$d}}],predicateType:"https://slsa.dev/provenance/v1",
	    predicate:{buildDefinition:{resolvedDependencies:(if $p == "" then [] else
	    [{name:"attestation-parent.json",digest:{sha256:$p},annotations:{role:"parent-attestation"}}] end)}}}'
}

sign_d() {
	gl-sign -k "$K/d-ed25519.pem"
}

# payload sha256 of an envelope
pdigest() {
	jq -r .payload "$1" | base64 -d | sha256sum | cut -d' ' -f1
}

# mkenv_openssl PAYLOADFILE TYPE OUT: sign with the openssl CLI (case B20)
mkenv_openssl() {
	local n
	n=$(printf %s "$2" | wc -c)
	{ printf 'DSSEv1 %d %s %d ' "$n" "$2" "$(stat -c%s "$1")"; cat "$1"; } > "$T/pae.bin"
	openssl dgst -sha256 -sign "$K/e-p256.pem" -out "$T/sig.der" "$T/pae.bin"
	printf '{"payloadType":"%s","payload":"%s","signatures":[{"keyid":"","sig":"%s"}]}\n' \
	    "$2" "$(base64 -w0 "$1")" "$(base64 -w0 "$T/sig.der")" > "$3"
}

@test "gl-verify: --help prints the man page synopsis, exit 0; --version" {
	run -0 --separate-stderr gl-verify --help
	[[ "$output" == "usage: gl-verify [-q | --text] [-k pub.pem] ..."* ]]
	syn=$(mandoc -Tascii "$REPO/man/gl-verify.1" | col -b | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | tr -s ' \t\n' ' ')
	use=$(echo "$output" | sed 's/^usage: //' | tr -s ' \t\n' ' ')
	[[ "$syn" == *"${use% }"* ]]
	run -0 --separate-stderr gl-verify --version
	[[ "$output" == "gl-verify "[0-9]* ]]
}

@test "gl-verify: usage errors are 2; no trust anchor is 2 with a hint" {
	run -2 --separate-stderr gl-verify -k "$K/d-ed25519.pub"
	run -2 --separate-stderr gl-verify --bogus "$V/t2.json"
	run -2 --separate-stderr gl-verify "$V/t2.json"
	[[ "$stderr" == *"a key inside an envelope is never trusted"*"gl-verify: hint: give -k PUB.pem or --trust-dir DIR, or put keys in the trust store $HOME/.config/gleisner/trusted" ]]
	[ -z "$output" ]
	run -2 --separate-stderr gl-verify --threshold 0 -k "$K/d-ed25519.pub" "$V/t2.json"
	run -2 --separate-stderr gl-verify --threshold 2 -k "$K/d-ed25519.pub" "$V/t2.json"
	run -2 --separate-stderr gl-verify --payload-out "$T/p" -k "$K/d-ed25519.pub" "$V/t2.json" "$V/t2.json"
}

@test "gl-verify: T1 (ECDSA P-256 DER) and T2 (Ed25519) accepted" {
	run -0 --separate-stderr gl-verify -k "$K/e-p256.pub" --expect-type $TT "$V/t1.json"
	[ "$(jq -r .keyid_matched <<<"$output")" = f793580060562d6ff075d814ea698c282fcc779b0cde64d79ffc6301df00d14b ]
	[ "$(jq -r '.verified' <<<"$output")" = true ]
	[ "$(jq -r '[.checks[].check]|join(",")' <<<"$output")" = envelope,signature,payloadType,payload,statement,predicateType,subjects,files,audit-log,byproducts,chain,policy ]
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --expect-type $TT "$V/t2.json"
	[ "$(jq -r .keyid_matched <<<"$output")" = 06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9 ]
}

@test "gl-verify: T3 payloadType swapped, T4 raw-payload signature, T6b char-length PAE: 1" {
	for t in t3 t4 t6b; do
		run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --expect-type $TT "$V/$t.json"
		[ "$stderr" = "gl-verify: $V/$t.json: no signature verifies with a trusted key" ]
		[ "$(jq -r .verified <<<"$output")" = false ]
		[ "$(jq -r .keyid_matched <<<"$output")" = null ]
	done
}

@test "gl-verify: T5 no signatures is 1" {
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --expect-type $TT "$V/t5.json"
	[ "$stderr" = "gl-verify: $V/t5.json: envelope has no signatures" ]
}

@test "gl-verify: T6a valid signature, unsupported payloadType is 1" {
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" "$V/t6a.json"
	[ "$stderr" = "gl-verify: $V/t6a.json: payloadType is not application/vnd.in-toto+json" ]
}

@test "gl-verify: T7 one key twice does not meet --threshold 2" {
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --expect-type $TT "$V/t7.json"
	run -1 --separate-stderr gl-verify --threshold 2 -k "$K/d-ed25519.pub" -k "$K/e-p256.pub" --expect-type $TT "$V/t7.json"
	[ "$stderr" = "gl-verify: $V/t7.json: 1 distinct trusted key(s) signed, 2 needed" ]
}

@test "gl-verify: --threshold 2 met by two distinct keys" {
	jq -c --slurpfile b "$V/t1.json" '.signatures += $b[0].signatures' "$V/t2.json" > "$T/two.json"
	run -0 --separate-stderr gl-verify --threshold 2 -k "$K/d-ed25519.pub" -k "$K/e-p256.pub" --expect-type $TT "$T/two.json"
}

@test "gl-verify: the same key given twice counts once" {
	cp "$K/d-ed25519.pub" "$T/copy.pem"
	run -2 --separate-stderr gl-verify --threshold 2 -k "$K/d-ed25519.pub" -k "$T/copy.pem" "$V/t7.json"
	[[ "$stderr" == *"only 1 distinct trusted key(s)" ]]
}

@test "gl-verify: T8 URL-safe base64 accepted" {
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --expect-type $TT "$V/t8.json"
}

@test "gl-verify: T9 duplicate payload member is malformed (3)" {
	run -3 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --expect-type $TT "$V/t9.json"
	[[ "$stderr" == *'duplicate key "payload"' ]]
}

@test "gl-verify: T10 high-S ECDSA accepted, same payload digest as T1" {
	run -0 --separate-stderr gl-verify -k "$K/e-p256.pub" --expect-type $TT "$V/t10.json"
	[ "$(pdigest "$V/t10.json")" = "$(pdigest "$V/t1.json")" ]
	run -1 cmp -s "$V/t1.json" "$V/t10.json"
}

@test "gl-verify: T11 non-canonical DER and T12 Ed25519 S+L are 1" {
	run -1 --separate-stderr gl-verify -k "$K/e-p256.pub" --expect-type $TT "$V/t11.json"
	[[ "$stderr" == *"no signature verifies with a trusted key" ]]
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --expect-type $TT "$V/t12.json"
	[[ "$stderr" == *"no signature verifies with a trusted key" ]]
}

@test "gl-verify: B20 e1-e4 rejected, each with its own reason" {
	local tp=application/vnd.in-toto+json
	printf 'this is not json' > "$T/p1"
	mkenv_openssl "$T/p1" $tp "$T/e1.json"
	printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"%s"}}],"predicateType":"https://example.test/other/v1","predicate":{}}' \
	    "$(printf x | sha256sum | cut -d' ' -f1)" > "$T/p2"
	mkenv_openssl "$T/p2" $tp "$T/e2.json"
	sed 's/"_type":"[^"]*"/"_type":"https:\/\/example.test\/NotAStatement"/' "$T/p2" > "$T/p3"
	mkenv_openssl "$T/p3" $tp "$T/e3.json"
	head -c 40 "$T/e2.json" > "$T/e4.json"
	printf x > "$T/x"
	reasons=()
	for e in e1 e2 e3 e4; do
		run --separate-stderr gl-verify -k "$K/e-p256.pub" --check-files "$T" "$T/$e.json"
		[ "$status" -ne 0 ]
		[ "$(echo "$stderr" | wc -l)" -eq 1 ]
		[[ "$stderr" == "gl-verify: $T/$e.json: "* ]]
		reasons+=("${stderr#*: *: }")
		[ "$e" != e4 ] || [ "$status" -eq 3 ]
		[ "$e" = e4 ] || [ "$status" -eq 1 ]
	done
	[[ "${reasons[0]}" == "payload is not strict JSON: "* ]]
	[[ "${reasons[1]}" == 'predicateType "https://example.test/other/v1" is not the expected "https://slsa.dev/provenance/v1"' ]]
	[[ "${reasons[2]}" == "payload is not an in-toto Statement: _type is not https://in-toto.io/Statement/v1" ]]
	[[ "${reasons[3]}" == "envelope is not valid JSON: "* ]]
	# control: the same pipeline with the right type verifies, files included
	run -0 --separate-stderr gl-verify -k "$K/e-p256.pub" --expect-type https://example.test/other/v1 --check-files "$T" "$T/e2.json"
}

@test "gl-verify: wrong key, changed payload byte, replaced signature are 1" {
	stmt a $HELLO | sign_d > "$T/e.json"
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" "$T/e.json"
	run -1 --separate-stderr gl-verify -k "$K/other-ed25519.pub" "$T/e.json"
	[[ "$stderr" == *"no signature verifies with a trusted key" ]]
	# one byte of the payload: subject name a -> b
	p=$(jq -r .payload "$T/e.json" | base64 -d | sed 's/"name":"a"/"name":"b"/' | base64 -w0)
	jq -c --arg p "$p" '.payload=$p' "$T/e.json" > "$T/m.json"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" "$T/m.json"
	[[ "$stderr" == *"no signature verifies with a trusted key" ]]
	# the signature of another key over the same payload
	stmt a $HELLO | gl-sign -k "$K/other-ed25519.pem" > "$T/o.json"
	jq -c --slurpfile o "$T/o.json" '.signatures=$o[0].signatures' "$T/e.json" > "$T/r.json"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" "$T/r.json"
}

@test "gl-verify: a key embedded in the envelope is never trusted" {
	stmt a $HELLO | gl-sign -k "$K/other-ed25519.pem" |
	    jq -c --arg k "$(cat "$K/other-ed25519.pub")" '.publicKey=$k | .signatures[0].keyid="other"' > "$T/e.json"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" "$T/e.json"
}

@test "gl-verify: bad statements are 1, each with its reason" {
	check() {
		# signed with openssl: gl-sign refuses to sign duplicate keys
		printf '%s' "$1" > "$T/x.in"
		mkenv_openssl "$T/x.in" application/vnd.in-toto+json "$T/x.json"
		run -1 --separate-stderr gl-verify -k "$K/e-p256.pub" "$T/x.json"
		[[ "$stderr" == *"$2"* ]] || { echo "$stderr"; return 1; }
	}
	s='{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1","subject":'
	check '{"_type":"https://in-toto.io/Statement/v0.1","subject":[]}' '_type is not https://in-toto.io/Statement/v1'
	check '{"_type":"link"}' '_type is not'
	check "${s}[],\"predicateType\":\"x\"}" 'payload is not strict JSON: byte 125: duplicate key "predicateType"'
	check "${s}[],\"_type\":\"https://in-toto.io/Statement/v1\"}" 'duplicate key "_type"'
	check "${s}[{\"name\":\"a\",\"digest\":{\"sha256\":\"${HELLO^^}\"}}]}" 'is not 64 lowercase hex digits'
	check "${s}[{\"name\":\"a\",\"digest\":{\"sha256\":\"${HELLO}0\"}}]}" 'is not 64 lowercase hex digits'
	check "${s}[{\"name\":\"a\",\"digest\":{\"sha1\":\"$HELLO\"}}]}" 'digest.sha256'
	check "${s}[{\"name\":\"/etc/passwd\",\"digest\":{\"sha256\":\"$HELLO\"}}]}" '"/etc/passwd": name is not a relative path'
	check "${s}[{\"name\":\"a/../../b\",\"digest\":{\"sha256\":\"$HELLO\"}}]}" 'name is not a relative path'
	check "${s}[{\"name\":\"a\",\"digest\":{\"sha256\":\"$HELLO\"}},{\"name\":\"a\",\"digest\":{\"sha256\":\"$HELLO\"}}]}" 'appears twice'
	check '{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1.0","subject":[]}' 'is not the expected'
}

@test "gl-verify: malformed envelopes are 3" {
	m() {
		printf '%s' "$1" > "$T/x.json"
		run -3 --separate-stderr gl-verify -k "$K/d-ed25519.pub" "$T/x.json"
		[[ "$stderr" == *"$2" ]] || { echo "$stderr"; return 1; }
		[ "$(jq -r .verified <<<"$output")" = false ]
	}
	m 'not json' 'envelope is not valid JSON: byte 0: unexpected character'
	m '[]' 'not a DSSE envelope: not an object'
	m '{"payload":"e30=","payloadType":"x"}' 'payload, payloadType and signatures are required'
	m '{"payload":"e30=","payloadType":"x","signatures":null}' 'signatures is not an array'
	m '{"payload":1,"payloadType":"x","signatures":[]}' 'payload is not a string'
	m '{"payload":"e30=","payloadType":"x","signatures":[{"keyid":""}]}' 'each signature needs a string sig'
}

@test "gl-verify: malformed base64 is 1" {
	jq -c '.payload="e30=\n"' "$V/t2.json" > "$T/x.json"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" "$T/x.json"
	[[ "$stderr" == *"payload is not base64" ]]
	jq -c '.signatures[0].sig="***"' "$V/t2.json" > "$T/x.json"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" "$T/x.json"
	[[ "$stderr" == *"signature 1 is not base64" ]]
}

@test "gl-verify: system failures are 4" {
	run -4 --separate-stderr gl-verify -k "$K/d-ed25519.pub" "$T/missing.json"
	[ "$stderr" = "gl-verify: $T/missing.json: No such file or directory" ]
	run -4 --separate-stderr gl-verify -k "$T/missing.pub" "$V/t2.json"
	run -4 --separate-stderr sh -c 'gl-verify -k "$1" --expect-type "$2" "$3" > /dev/full' sh "$K/d-ed25519.pub" $TT "$V/t2.json"
}

@test "gl-verify: private or unsupported keys as anchors are 3" {
	run -3 --separate-stderr gl-verify -k "$K/d-ed25519.pem" "$V/t2.json"
	[[ "$stderr" == *"not a PEM public key" ]]
	run -3 --separate-stderr gl-verify -k "$K/p384.pub" "$V/t2.json"
	[[ "$stderr" == *"key type not supported"* ]]
}

@test "gl-verify: --trust-dir loads *.pem; a missing one only warns; a bad one is 3" {
	mkdir "$T/trust"
	cp "$K/d-ed25519.pub" "$T/trust/d.pem"
	cp "$K/e-p256.pub" "$T/trust/e.pub"   # not *.pem: ignored
	run -0 --separate-stderr gl-verify --trust-dir "$T/trust" --expect-type $TT "$V/t2.json"
	run -1 --separate-stderr gl-verify --trust-dir "$T/trust" --expect-type $TT "$V/t1.json"
	run -2 --separate-stderr gl-verify --trust-dir "$T/none" "$V/t2.json"
	[[ "$stderr" == "gl-verify: warning: $T/none: trust directory does not exist"* ]]
	echo junk > "$T/trust/bad.pem"
	run -3 --separate-stderr gl-verify --trust-dir "$T/trust" "$V/t2.json"
}

@test "gl-verify: several envelopes: one line each, the worst status" {
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --expect-type $TT "$V/t2.json" "$V/t3.json" "$V/t8.json"
	[ "${#lines[@]}" -eq 3 ]
	[ "$(jq -r .verified <<<"${lines[0]}")$(jq -r .verified <<<"${lines[1]}")" = truefalse ]
	run -3 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --expect-type $TT "$V/t3.json" "$V/t9.json"
}

@test "gl-verify: -q prints nothing on stdout; - reads stdin" {
	run -0 --separate-stderr gl-verify -q -k "$K/d-ed25519.pub" --expect-type $TT - < "$V/t2.json"
	[ -z "$output" ]
}

@test "gl-verify: --payload-out writes exactly the verified bytes, only on success" {
	run -0 --separate-stderr gl-verify -q -k "$K/d-ed25519.pub" --expect-type $TT --payload-out "$T/p.json" "$V/t2.json"
	cmp "$T/p.json" "$FIX/s1.json"
	run -1 --separate-stderr gl-verify -q -k "$K/d-ed25519.pub" --payload-out "$T/q.json" "$V/t2.json"
	[ ! -e "$T/q.json" ]
}

@test "gl-verify: --check-files: match, changed, missing, symlink escape" {
	mkdir -p "$T/proj/sub"
	echo hello > "$T/proj/sub/hello.txt"
	stmt sub/hello.txt $HELLO | sign_d > "$T/e.json"
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --check-files "$T/proj" "$T/e.json"
	[ "$(jq -r '.checks[7].check' <<<"$output")" = files ]
	echo changed > "$T/proj/sub/hello.txt"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --check-files "$T/proj" "$T/e.json"
	[[ "$stderr" == *"sub/hello.txt: sha256 "*" does not match the subject digest" ]]
	rm "$T/proj/sub/hello.txt"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --check-files "$T/proj" "$T/e.json"
	[[ "$stderr" == *"sub/hello.txt: missing" ]]
	# a symlink escaping the directory to a file with the right content
	mkdir "$T/outside"
	echo hello > "$T/outside/hello.txt"
	rmdir "$T/proj/sub"
	ln -s "$T/outside" "$T/proj/sub"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --check-files "$T/proj" "$T/e.json"
	[[ "$stderr" == *"sub/hello.txt: is or passes through a symlink" ]]
	rm "$T/proj/sub"; mkdir "$T/proj/sub"
	ln -s "$T/outside/hello.txt" "$T/proj/sub/hello.txt"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --check-files "$T/proj" "$T/e.json"
	[[ "$stderr" == *"is or passes through a symlink" ]]
}

@test "gl-verify: --check-files uses annotations.path_b64 for a non-UTF-8 name" {
	mkdir "$T/proj"
	echo hello > "$T/proj/"$'\xff'
	jq -cn --arg d $HELLO '{_type:"https://in-toto.io/Statement/v1",predicateType:"https://slsa.dev/provenance/v1",
	    subject:[{name:"%FF",digest:{sha256:$d},annotations:{path_b64:"/w=="}}],predicate:{}}' | sign_d > "$T/e.json"
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --check-files "$T/proj" "$T/e.json"
}

# chain3: root <- mid <- leaf in $T/att
chain3() {
	mkdir -p "$T/att"
	stmt a $HELLO | sign_d > "$T/att/attestation-1.json"
	stmt a $HELLO "$(pdigest "$T/att/attestation-1.json")" | sign_d > "$T/att/attestation-2.json"
	stmt a $HELLO "$(pdigest "$T/att/attestation-2.json")" | sign_d > "$T/att/attestation-3.json"
}

@test "gl-verify: --chain follows parents to the root" {
	chain3
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --chain "$T/att" "$T/att/attestation-3.json"
	[ "$(jq -r '.chain|length' <<<"$output")" = 3 ]
	[ "$(jq -r '.chain[2].path' <<<"$output")" = "$T/att/attestation-1.json" ]
	[ "$(jq -r '.chain[1].payloadDigest' <<<"$output")" = "$(pdigest "$T/att/attestation-2.json")" ]
	[ "$(jq -r '.checks[-2].reason' <<<"$output")" = "3 link(s) back to a root, every attestation in $T/att on it" ]
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --chain "$T/att" "$T/att/attestation-1.json"
	[ "$(jq -r '.chain|length' <<<"$output")" = 1 ]
}

@test "gl-verify: --chain: a re-encoded parent envelope still links (digest of the payload)" {
	chain3
	gl-sign -k "$K/d-ed25519.pem" < <(jq -r .payload "$T/att/attestation-2.json" | base64 -d) |
	    jq -c '.extra=1' > "$T/x"
	mv "$T/x" "$T/att/attestation-2.json"
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --chain "$T/att" "$T/att/attestation-3.json"
}

@test "gl-verify: --chain: missing parent, bad parent signature, untrusted parent are 1" {
	chain3
	mv "$T/att/attestation-1.json" "$T/gone.json"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --chain "$T/att" "$T/att/attestation-3.json"
	[[ "$stderr" == *"parent with payload sha256 $(pdigest "$T/gone.json") not found in $T/att"* ]]
	# the parent's signature broken (same payload, so the digest still matches)
	jq -c --slurpfile b "$V/t12.json" '.signatures=$b[0].signatures' "$T/gone.json" > "$T/att/attestation-1.json"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --chain "$T/att" "$T/att/attestation-3.json"
	[[ "$stderr" == *"parent attestation-1.json: no signature verifies with a trusted key" ]]
	# the parent signed by a key we do not trust
	gl-sign -k "$K/other-ed25519.pem" < <(jq -r .payload "$T/gone.json" | base64 -d) > "$T/att/attestation-1.json"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --chain "$T/att" "$T/att/attestation-3.json"
	[[ "$stderr" == *"no signature verifies with a trusted key" ]]
	# ...but with that key trusted too, it verifies
	run -0 --separate-stderr gl-verify -k "$K/d-ed25519.pub" -k "$K/other-ed25519.pub" --chain "$T/att" "$T/att/attestation-3.json"
}

@test "gl-verify: --chain: a parent with the wrong predicateType, or a malformed link, is 1" {
	mkdir -p "$T/att"
	printf '{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[]}' | sign_d > "$T/att/attestation-1.json"
	stmt a $HELLO "$(pdigest "$T/att/attestation-1.json")" | sign_d > "$T/att/attestation-2.json"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --chain "$T/att" "$T/att/attestation-2.json"
	[[ "$stderr" == *"parent attestation-1.json: predicateType"* ]]
	stmt a $HELLO "${HELLO^^}" | sign_d > "$T/att/attestation-3.json"
	run -1 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --chain "$T/att" "$T/att/attestation-3.json"
	[[ "$stderr" == *"parent-attestation digest.sha256 is not 64 lowercase hex digits" ]]
	run -4 --separate-stderr gl-verify -k "$K/d-ed25519.pub" --chain "$T/nodir" "$T/att/attestation-3.json"
}

@test "gl-verify(1) EXAMPLES" {
	chain3
	mkdir -p "$T/proj/.gleisner" "$HOME/.config/gleisner/trusted"
	cp "$T"/att/* "$T/proj/.gleisner/"
	cp "$K/d-ed25519.pub" "$HOME/.config/gleisner/trusted/signing.pem"
	cp "$K/d-ed25519.pub" "$T/proj/key.pub"
	echo hello > "$T/proj/a"
	cd "$T/proj"
	# examples, verbatim
	gl-verify -k key.pub .gleisner/attestation-3.json
	gl-verify --trust-dir ~/.config/gleisner/trusted --check-files . --chain .gleisner .gleisner/attestation-*.json
	gl-verify -q -k key.pub --payload-out stmt.json .gleisner/attestation-3.json && jq -e .subject stmt.json
	gl-verify -k key.pub .gleisner/attestation-3.json | jq -r '.checks[] | select(.status == "fail") | .reason'
	[ -z "$(gl-verify -k key.pub .gleisner/attestation-3.json | jq -r '.checks[] | select(.status == "fail") | .reason')" ]
	gl-verify --text --chain .gleisner
	[ "$(gl-verify --text --chain .gleisner | tail -n 1)" = "Verification PASSED" ]
	mkdir -p contrib
	cp -r "$REPO/contrib/policies" contrib/
	echo '{"require_sandbox":true,"allowed_profiles":["konishi"]}' > p.json
	# these statements record no sandbox: the policy denies
	run -1 --separate-stderr gl-verify -k key.pub --policy p.json \
	    --policy contrib/policies/no-writes-outside-src.jq \
	    .gleisner/attestation-3.json
	[[ "$stderr" == *"policy 'require_sandbox': session was NOT sandboxed"* ]]
	jq -r .payload .gleisner/attestation-3.json | base64 -d |
	    gl-sign -k "$K/d-ed25519.pem" --raw -o /dev/null --bundle att.sigstore.json
	gl-verify -k key.pub att.sigstore.json
}

@test "gl-verify: one key in two encodings (compressed point, explicit parameters) counts once; a file with two keys is refused" {
	openssl ec -pubin -in "$K/e-p256.pub" -conv_form compressed -pubout -out "$T/compressed.pub" 2>/dev/null
	openssl ec -pubin -in "$K/e-p256.pub" -param_enc explicit -pubout -out "$T/explicit.pub" 2>/dev/null
	install -m 600 "$K/e-p256.pem" "$T/e.pem"
	gl-sign -k "$T/e.pem" -o "$T/one.json" < "$FIX/s1.json"
	jq -c '.signatures += .signatures' "$T/one.json" > "$T/twice.json"
	run -0 --separate-stderr gl-verify -k "$T/compressed.pub" --expect-type $TT "$T/twice.json"
	run -2 --separate-stderr gl-verify --threshold 2 -k "$K/e-p256.pub" -k "$T/compressed.pub" --expect-type $TT "$T/twice.json"
	[[ "$stderr" == *"only 1 distinct trusted key(s)" ]]
	run -2 --separate-stderr gl-verify --threshold 2 -k "$K/e-p256.pub" -k "$T/explicit.pub" "$T/twice.json"
	cat "$K/e-p256.pub" "$K/d-ed25519.pub" > "$T/two.pub"
	run -3 --separate-stderr gl-verify -k "$T/two.pub" "$T/one.json"
	[ "$stderr" = "gl-verify: $T/two.pub: more than one key in one file; give each its own" ]
}
