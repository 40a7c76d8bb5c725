#!/usr/bin/env bats
# gl-sbom: CycloneDX 1.5/1.6 from Cargo.lock (SPEC 4.7)

load helpers

setup() {
	gl_setup
	export SOURCE_DATE_EPOCH=1700000000
}

teardown() {
	gl_teardown
}

@test "--help and --version exit 0 on stdout; usage errors exit 2" {
	run -0 --separate-stderr gl-sbom --help
	[ "$output" = "usage: gl-sbom [--spec-version 1.5|1.6] DIR" ]
	run -0 --separate-stderr gl-sbom --version
	[[ $output == "gl-sbom "* ]]
	run -2 --separate-stderr gl-sbom
	run -2 --separate-stderr gl-sbom a b
	run -2 --separate-stderr gl-sbom --nope "$FIX/gl-sbom/ws"
	SOURCE_DATE_EPOCH=yesterday run -2 --separate-stderr gl-sbom "$FIX/gl-sbom/ws"
	[ "$stderr" = "gl-sbom: SOURCE_DATE_EPOCH: not a number of seconds" ]
}

@test "workspace: purls, hashes, two versions, git and alternative registry sources" {
	run -0 --separate-stderr gl-sbom "$FIX/gl-sbom/ws"
	echo "$output" > "$T/bom.json"
	[ "$(jq -r '.components[] | select(.purl) | .purl' "$T/bom.json" | sort)" = "$(sort <<'X'
pkg:cargo/aho-corasick@1.1.3
pkg:cargo/internal-crate@2.0.0%2Bbuild.5?repository_url=sparse%2Bhttps:%2F%2Fcrates.example.com%2Findex%2F
pkg:cargo/libc@0.2.155
pkg:cargo/memchr@2.7.2
pkg:cargo/regex@0.2.11
pkg:cargo/regex@1.10.4
pkg:cargo/toml@0.8.14?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Ftoml-rs%2Ftoml.git%409e406273177740fa85b86b78e6d5105e932edef0
X
)" ]
	# path and workspace crates: no purl, never a bare crates.io one
	[ "$(jq -c '[.components[] | select(.purl == null) | .["bom-ref"]]' "$T/bom.json")" = '["cargo-local:Cargo.lock#app@0.1.0","cargo-local:Cargo.lock#helper@0.1.0","cargo-local:fuzz/Cargo.lock#app-fuzz@0.0.0"]' ]
	# vendored trees were not searched
	[ "$(jq '[.components[] | select(.name == "vendored")] | length' "$T/bom.json")" = 0 ]
	[ "$(jq -r '.components[] | select(.name=="libc") | .hashes[0].alg' "$T/bom.json")" = SHA-256 ]
	[ "$(jq '[.components[] | select(.name=="toml") | .hashes] | .[0]' "$T/bom.json")" = null ]
	# each "name" / "name version" edge resolved to the right version
	[ "$(jq -c '.dependencies[] | select(.ref == "cargo-local:Cargo.lock#helper@0.1.0") | .dependsOn' "$T/bom.json")" = '["pkg:cargo/libc@0.2.155","pkg:cargo/regex@0.2.11"]' ]
	[ "$(jq -c '.dependencies[] | select(.ref == "project") | .dependsOn' "$T/bom.json")" = '["cargo-local:Cargo.lock#app@0.1.0","cargo-local:fuzz/Cargo.lock#app-fuzz@0.0.0"]' ]
	# every component appears once in components and once in dependencies
	[ "$(jq '[.components[]["bom-ref"]] | (length == (unique | length))' "$T/bom.json")" = true ]
	[ "$(jq '([.dependencies[].ref] | sort) == ([.components[]["bom-ref"]] + ["project"] | sort)' "$T/bom.json")" = true ]
	[ "$(jq '[.dependencies[].dependsOn[]] - [.components[]["bom-ref"]] | length' "$T/bom.json")" = 0 ]
	[ "$(jq -c '.metadata.tools.components[0] | [.type, .name]' "$T/bom.json")" = '["application","gl-sbom"]' ]
	[ "$(jq -r .metadata.timestamp "$T/bom.json")" = 2023-11-14T22:13:20Z ]
}

@test "serialNumber is a version 5 UUID over the rest of the document" {
	run -0 --separate-stderr gl-sbom "$FIX/gl-sbom/ws"
	echo "$output" > "$T/bom.json"
	python3 - "$T/bom.json" <<'PY'
import json, sys, uuid
d = json.load(open(sys.argv[1]))
s = d.pop('serialNumber')
body = json.dumps(d, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode()
ns = uuid.uuid5(uuid.NAMESPACE_URL, 'https://gleisner.dev/ns/sbom')
assert s == 'urn:uuid:' + str(uuid.uuid5(ns, body.decode())), s
PY
}

@test "determinism: the same bytes twice with SOURCE_DATE_EPOCH, another serial with another time" {
	gl-sbom "$FIX/gl-sbom/ws" > "$T/a.json"
	gl-sbom "$FIX/gl-sbom/ws" > "$T/b.json"
	cmp "$T/a.json" "$T/b.json"
	SOURCE_DATE_EPOCH=1700000001 gl-sbom "$FIX/gl-sbom/ws" > "$T/c.json"
	[ "$(jq -r .serialNumber "$T/a.json")" != "$(jq -r .serialNumber "$T/c.json")" ]
	unset SOURCE_DATE_EPOCH
	run -0 --separate-stderr gl-sbom "$FIX/gl-sbom/ws"
	[[ $(echo "$output" | jq -r .metadata.timestamp) =~ ^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]{8}Z$ ]]
}

@test "--spec-version 1.6 changes only specVersion (and the serial)" {
	gl-sbom "$FIX/gl-sbom/ws" | jq -S 'del(.serialNumber)' > "$T/15.json"
	gl-sbom --spec-version 1.6 "$FIX/gl-sbom/ws" | jq -S 'del(.serialNumber) | .specVersion = "1.5"' > "$T/16.json"
	cmp "$T/15.json" "$T/16.json"
}

@test "malformed lockfiles exit 3 naming file:line" {
	mkdir -p "$T/p"
	printf 'version = 4\n[[package]]\nname = "a"\nversion = "1"\nfeatures = []\n' > "$T/p/Cargo.lock"
	run -3 --separate-stderr gl-sbom "$T/p"
	[ "$stderr" = "gl-sbom: $T/p/Cargo.lock:5: unknown key \"features\" (or wrong type)" ]
	[ -z "$output" ]
	printf '[[package]]\nname = "a"\nversion = "1"\nchecksum = "abc"\n' > "$T/p/Cargo.lock"
	run -3 --separate-stderr gl-sbom "$T/p"
	[ "$stderr" = "gl-sbom: $T/p/Cargo.lock:4: checksum is not 64 lowercase hex digits" ]
	head -c 40 "$FIX/gl-sbom/ws/Cargo.lock" > "$T/p/Cargo.lock"
	printf '\n[[package]]\nname = "a' >> "$T/p/Cargo.lock"
	run -3 --separate-stderr gl-sbom "$T/p"
	[[ $stderr == "gl-sbom: $T/p/Cargo.lock:3: unterminated string" ]]
	printf 'version = 4\n\xff\n' > "$T/p/Cargo.lock"
	run -3 --separate-stderr gl-sbom "$T/p"
	[[ $stderr == *"Cargo.lock:2: invalid UTF-8"* ]]
}

@test "a Cargo.lock that is a symlink is skipped with a warning" {
	mkdir -p "$T/p"
	ln -s "$FIX/gl-sbom/ws/Cargo.lock" "$T/p/Cargo.lock"
	run -0 --separate-stderr gl-sbom "$T/p"
	[ "$(echo "$output" | jq '.components | length')" = 0 ]
	[[ $stderr == *"Cargo.lock: not a regular file: skipped"* ]]
}

@test "a missing or unreadable directory exits 4; write errors exit 4" {
	run -4 --separate-stderr gl-sbom "$T/missing"
	run -4 --separate-stderr sh -c 'gl-sbom "$1" > /dev/full' sh "$FIX/gl-sbom/ws"
	[ "$stderr" = "gl-sbom: stdout: No space left on device" ]
}

@test "valid against the official CycloneDX 1.5 and 1.6 schemas (ajv)" {
	local np=${GL_NODE_PATH:-$REPO/tests/node_modules}
	local schema=$np/@cyclonedx/cyclonedx-library/res/schema
	[ -d "$schema" ] || skip "CycloneDX schemas not installed (see tests/schema-deps.sh)"
	command -v node >/dev/null || skip "node not installed"
	gl-sbom "$FIX/gl-sbom/ws" > "$T/15.json"
	gl-sbom --spec-version 1.6 "$FIX/gl-sbom/ws" > "$T/16.json"
	NODE_PATH=$np run -0 node "$REPO/tests/cdx-validate.js" "$schema" "$T/15.json" "$T/16.json"
}

# EXAMPLES in man/gl-sbom.1
@test "EXAMPLE: a reproducible SBOM" {
	cd "$FIX/gl-sbom/ws"
	SOURCE_DATE_EPOCH=0 gl-sbom . > "$T/bom.json"
	[ "$(jq -r .metadata.timestamp "$T/bom.json")" = 1970-01-01T00:00:00Z ]
}

@test "EXAMPLE: list the purls" {
	cd "$FIX/gl-sbom/ws"
	run -0 sh -c "gl-sbom . | jq -r '.components[] | select(.purl) | .purl' | grep -c '^pkg:cargo/'"
	[ "$output" = 7 ]
}

@test "EXAMPLE: components without a checksum" {
	cd "$FIX/gl-sbom/ws"
	run -0 sh -c "gl-sbom . | jq -r '.components[] | select(.purl and .hashes == null) | .name'"
	[ "$output" = toml ]
}
