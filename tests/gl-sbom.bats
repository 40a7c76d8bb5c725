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

# write $T/p/FILE from the printf format CONTENT, expect gl-sbom "$T/p" to exit 3
# (its stderr is left in $stderr), and remove FILE again
lock_fails() {
	printf -- "$2" > "$T/p/$1"
	run -3 --separate-stderr gl-sbom "$T/p"
	rm "$T/p/$1"
}

@test "--help and --version exit 0 on stdout; usage errors exit 2" {
	run -0 --separate-stderr gl-sbom --help
	[ "$output" = "usage: gl-sbom [--spec 1.5|1.6] [--compare BEFORE [--summary FILE]] DIR
       gl-sbom --check FILE" ]
	run -0 --separate-stderr gl-sbom --version
	[[ $output == "gl-sbom "* ]]
	run -2 --separate-stderr gl-sbom
	run -2 --separate-stderr gl-sbom a b
	run -2 --separate-stderr gl-sbom --nope "$FIX/gl-sbom/ws"
	SOURCE_DATE_EPOCH=yesterday run -2 --separate-stderr gl-sbom "$FIX/gl-sbom/ws"
	[ "$stderr" = "gl-sbom: SOURCE_DATE_EPOCH: not a number of seconds" ]
	run -2 --separate-stderr gl-sbom --summary "$T/s.json" "$FIX/gl-sbom/ws"
	[[ $stderr == "gl-sbom: --summary needs --compare"* ]]
	run -2 --separate-stderr gl-sbom --check "$T/x.json" "$FIX/gl-sbom/ws"
	run -2 --separate-stderr gl-sbom --spec 1.4 "$FIX/gl-sbom/ws"
	# --spec-version is the old spelling of --spec
	run -0 --separate-stderr gl-sbom --spec-version 1.6 "$FIX/gl-sbom/ws"
	[ "$(echo "$output" | jq -r .specVersion)" = 1.6 ]
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
	# ... and are marked as local
	[ "$(jq '[.components[] | select(.purl == null) | .properties[] | select(.name == "gl-sbom:local")] | length' "$T/bom.json")" = 3 ]
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

@test "deeply nested YAML is refused at the depth limit, at once, naming file and line" {
	mkdir -p "$T/p" "$T/b"
	# 160000 brackets took libyaml's scanner minutes before the limit was checked
	{ printf "lockfileVersion: '9.0'\npackages: "
	  head -c 160000 /dev/zero | tr '\0' '['; head -c 160000 /dev/zero | tr '\0' ']'; } \
	    > "$T/p/pnpm-lock.yaml"
	run -3 --separate-stderr timeout 10 gl-sbom "$T/p"
	[ "$stderr" = "gl-sbom: $T/p/pnpm-lock.yaml:2: nested too deeply" ]
	[ -z "$output" ]
	{ printf '__metadata:\n  version: 6\n\n"a@npm:1":\n  version: '
	  head -c 40000 /dev/zero | tr '\0' '['; head -c 40000 /dev/zero | tr '\0' ']'; } \
	    > "$T/b/yarn.lock"
	run -3 --separate-stderr timeout 10 gl-sbom "$T/b"
	[ "$stderr" = "gl-sbom: $T/b/yarn.lock:5: nested too deeply" ]
	# 64 levels in all are still read
	{ printf "lockfileVersion: '9.0'\nsettings:\n  x: "
	  head -c 62 /dev/zero | tr '\0' '['; head -c 62 /dev/zero | tr '\0' ']'; echo; } \
	    > "$T/p/pnpm-lock.yaml"
	run -0 --separate-stderr timeout 10 gl-sbom "$T/p"
}

@test "a NUL in a JSON lockfile's string is exit 3 naming file and key, not cut short" {
	mkdir -p "$T/p"
	printf '{"lockfileVersion":3,"packages":{"":{"name":"x"},"node_modules/a":{"version":"1.0.0\\u0000x","resolved":"https://registry.npmjs.org/a/-/a-1.0.0.tgz"}}}' \
	    > "$T/p/package-lock.json"
	run -3 --separate-stderr gl-sbom "$T/p"
	[ "$stderr" = "gl-sbom: $T/p/package-lock.json: packages[\"node_modules/a\"].version: a NUL character in a string" ]
	[ -z "$output" ]
	printf '{"lockfileVersion":3,"packages":{"":{"name":"x"},"node_modules/a\\u0000b":{"version":"1.0.0"}}}' \
	    > "$T/p/package-lock.json"
	run -3 --separate-stderr gl-sbom "$T/p"
	[ "$stderr" = "gl-sbom: $T/p/package-lock.json: packages[\"node_modules/a\\u0000b\"]: a NUL character in a string" ]
	# an escaped backslash before u0000 is no NUL
	printf '{"lockfileVersion":3,"packages":{"":{"name":"x\\\\u0000"}}}' > "$T/p/package-lock.json"
	run -0 --separate-stderr gl-sbom "$T/p"
	rm "$T/p/package-lock.json"
	printf '{"packages":[{"name":"v/a","version":"1.0.0","dist":{"type":"zip","url":"https://x/a.zip","reference":"abc","shasum":"\\u0000"}}]}' \
	    > "$T/p/composer.lock"
	run -3 --separate-stderr gl-sbom "$T/p"
	[ "$stderr" = "gl-sbom: $T/p/composer.lock: packages[0].dist.shasum: a NUL character in a string" ]
	rm "$T/p/composer.lock"
	printf '{"_meta":{},"default":{"requests":{"version":"==2.0\\u0000"}},"develop":{}}' > "$T/p/Pipfile.lock"
	run -3 --separate-stderr gl-sbom "$T/p"
	[ "$stderr" = "gl-sbom: $T/p/Pipfile.lock: default.requests.version: a NUL character in a string" ]
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

@test "valid against the official CycloneDX 1.5 and 1.6 schemas (ajv), every ecosystem" {
	local np=${GL_NODE_PATH:-$REPO/tests/node_modules} d n=0
	# the upstream schema files as cdxgen ships them; else the library's copies
	local schema=$np/@cyclonedx/cdxgen/data
	[ -f "$schema/bom-1.5.schema.json" ] || schema=$np/@cyclonedx/cyclonedx-library/res/schema
	[ -d "$schema" ] || skip "CycloneDX schemas not installed (see tests/schema-deps.sh)"
	command -v node >/dev/null || skip "node not installed"
	gl-sbom "$FIX/gl-sbom/ws" > "$T/ws-15.json"
	gl-sbom --spec 1.6 "$FIX/gl-sbom/ws" > "$T/ws-16.json"
	for d in "$FIX"/lockfiles/*/ "$FIX/lockfiles"; do
		n=$((n + 1))
		gl-sbom "$d" > "$T/$n-15.json"
		gl-sbom --spec 1.6 "$d" > "$T/$n-16.json"
	done
	[ "$n" -ge 14 ]
	NODE_PATH=$np run -0 node "$REPO/tests/cdx-validate.js" "$schema" "$T"/*.json
	[ "$(grep -c ': valid CycloneDX 1.[56]' <<< "$output")" = $((2 * n + 2)) ]
	# and the checks the schema cannot make
	for d in "$T"/*.json; do
		run -0 --separate-stderr gl-sbom --check "$d"
	done
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

# ---- every ecosystem, from real lockfiles (tests/fixtures/lockfiles) ----

# purl<TAB>scope of every component that has a purl
purls() {
	jq -r '.components[] | select(.purl) | [.purl, .scope // "required"] | @tsv' "$1"
}

@test "B23: a scoped npm package is %40scope/name, SRI hashes become hex, the root is the project" {
	local z
	z=$(head -c64 /dev/zero | base64 -w0)
	mkdir -p "$T/b23"
	cat > "$T/b23/package-lock.json" <<X
{"name":"app","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{
  "":{"name":"app","version":"1.0.0","dependencies":{"@angular/animations":"9.1.4","left-pad":"1.3.0"}},
  "node_modules/@angular/animations":{"version":"9.1.4","resolved":"https://registry.npmjs.org/@angular/animations/-/animations-9.1.4.tgz","integrity":"sha512-$z"},
  "node_modules/left-pad":{"version":"1.3.0","resolved":"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz","integrity":"sha512-$z","dependencies":{"@types/node":"20.1.0"}},
  "node_modules/left-pad/node_modules/@types/node":{"version":"20.1.0","resolved":"https://registry.npmjs.org/@types/node/-/node-20.1.0.tgz","integrity":"sha512-$z"}}}
X
	gl-sbom "$T/b23" > "$T/bom.json"
	[ "$(jq -r '.components[] | [.group // "", .name, .version, .purl, .hashes[0].alg, .hashes[0].content] | @tsv' "$T/bom.json")" = "$(printf '%s\t%s\t%s\t%s\tSHA-512\t%0128d\n' \
	    @angular animations 9.1.4 pkg:npm/%40angular/animations@9.1.4 0 \
	    @types node 20.1.0 pkg:npm/%40types/node@20.1.0 0 \
	    '' left-pad 1.3.0 pkg:npm/left-pad@1.3.0 0)" ]
	[ "$(jq -c '.dependencies[] | select(.ref == "pkg:npm/left-pad@1.3.0") | .dependsOn' "$T/bom.json")" = '["pkg:npm/%40types/node@20.1.0"]' ]
	[ "$(jq -c '.dependencies[] | select(.ref == "project") | .dependsOn' "$T/bom.json")" = '["pkg:npm/%40angular/animations@9.1.4","pkg:npm/left-pad@1.3.0"]' ]
	[ "$(jq '[.components[] | select(.name == "app")] | length' "$T/bom.json")" = 0 ]
}

@test "npm: lockfileVersion 1, 2 and 3 of one project give the same components" {
	local v
	for v in 1 2 3; do
		gl-sbom "$FIX/lockfiles/npm-v$v" > "$T/v$v.json"
		purls "$T/v$v.json" > "$T/v$v.tsv"
	done
	cmp "$T/v2.tsv" "$T/v3.tsv"
	cmp "$T/v1.tsv" "$T/v3.tsv"
	[ "$(wc -l < "$T/v3.tsv")" = 24 ]
	# the alias my-chalk is chalk 4.1.2; the nested ms 2.0.0 is debug's
	grep -qx 'pkg:npm/chalk@4.1.2	required' "$T/v3.tsv"
	! grep -q my-chalk "$T/v3.tsv"
	[ "$(jq -c '.dependencies[] | select(.ref == "pkg:npm/debug@2.6.9") | .dependsOn' "$T/v3.json")" = '["pkg:npm/ms@2.0.0"]' ]
	# dev, optional; the workspace is local and has no purl
	grep -qx 'pkg:npm/ms@2.1.3	excluded' "$T/v3.tsv"
	grep -qx 'pkg:npm/is-number@7.0.0	optional' "$T/v3.tsv"
	[ "$(jq -c '.components[] | select(.name == "util") | [.group, .purl, (.properties[] | select(.name == "gl-sbom:local") | .value)]' "$T/v3.json")" = '["@fixture",null,"packages/util"]' ]
	[ "$(jq -c '.dependencies[] | select(.ref == "npm-local:package-lock.json#@fixture/util@0.2.0") | .dependsOn' "$T/v3.json")" = '["pkg:npm/left-pad@1.3.0","pkg:npm/ms@2.0.0"]' ]
	# every SRI became lowercase hex of the right length
	[ "$(jq '[.components[].hashes[]? | select(.alg != "SHA-512" or (.content | test("^[0-9a-f]{128}$") | not))] | length' "$T/v3.json")" = 0 ]
}

@test "yarn v1, yarn Berry and pnpm 5, 6 and 9 agree with package-lock.json on the same project" {
	gl-sbom "$FIX/lockfiles/npm-v3" > "$T/npm.json"
	purls "$T/npm.json" > "$T/npm.tsv"
	gl-sbom "$FIX/lockfiles/pnpm-v9" > "$T/pnpm.json"
	purls "$T/pnpm.json" | cmp - "$T/npm.tsv"
	# pnpm 8 writes lockfileVersion 6.0, pnpm 7 5.4 (and installs no peers)
	gl-sbom "$FIX/lockfiles/pnpm-v6" | purls /dev/stdin | cmp - "$T/npm.tsv"
	# yarn installs no peer dependencies: lodash.noop is not in yarn.lock
	grep -v lodash.noop "$T/npm.tsv" > "$T/npm-nopeer.tsv"
	gl-sbom "$FIX/lockfiles/pnpm-v5" | purls /dev/stdin | cmp - "$T/npm-nopeer.tsv"
	gl-sbom "$FIX/lockfiles/yarn-v1" > "$T/y1.json"
	purls "$T/y1.json" | cmp - "$T/npm-nopeer.tsv"
	gl-sbom "$FIX/lockfiles/yarn-berry" > "$T/berry.json"
	purls "$T/berry.json" | cmp - "$T/npm-nopeer.tsv"
	# the same hashes where the lockfile has SRI; Berry's checksum is not one
	[ "$(jq -c '[.components[] | select(.purl) | .hashes]' "$T/pnpm.json")" = "$(jq -c '[.components[] | select(.purl) | .hashes]' "$T/npm.json")" ]
	[ "$(jq '[.components[] | select(.hashes)] | length' "$T/berry.json")" = 0 ]
	[ "$(jq '[.components[].properties[] | select(.name == "gl-sbom:yarn:checksum")] | length' "$T/berry.json")" = 23 ]
	# the graph too
	[ "$(jq -c '.dependencies[] | select(.ref == "pkg:npm/chalk@4.1.2")' "$T/pnpm.json")" = "$(jq -c '.dependencies[] | select(.ref == "pkg:npm/chalk@4.1.2")' "$T/npm.json")" ]
	[ "$(jq -c '.dependencies[] | select(.ref == "pkg:npm/chalk@4.1.2")' "$T/y1.json")" = "$(jq -c '.dependencies[] | select(.ref == "pkg:npm/chalk@4.1.2")' "$T/npm.json")" ]
}

@test "B25: go.mod lists the modules once, go.sum gives only h1 properties, never a SHA-256" {
	gl-sbom "$FIX/lockfiles/go" > "$T/bom.json"
	[ "$(jq -r '.components[] | select(.purl) | .purl' "$T/bom.json")" = "pkg:golang/github.com/Azure/go-autorest@v14.2.0%2Bincompatible
pkg:golang/github.com/docker/docker@v20.10.7%2Bincompatible
pkg:golang/github.com/pkg/errors@v0.9.1" ]
	[ "$(jq '[.components[] | select(.hashes)] | length' "$T/bom.json")" = 0 ]
	[ "$(jq -r '.components[] | select(.name == "github.com/pkg/errors") | .properties[] | select(.name == "gl-sbom:go:h1") | .value' "$T/bom.json")" = "h1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=" ]
	# a module with only a /go.mod line in go.sum is not in the build
	! grep -q golang.org/x/text "$T/bom.json"
	[ "$(jq '[.dependencies[] | (.dependsOn | length == (unique | length))] | all' "$T/bom.json")" = true ]
	# a local replacement has no purl and no hash
	[ "$(jq -c '.components[] | select(.name == "example.test/local") | [.purl, (.properties[] | select(.name == "gl-sbom:local") | .value)]' "$T/bom.json")" = '[null,"./local"]' ]
	# go.mod has no graph: the modules are direct, their own needs unknown
	[ "$(jq '.dependencies | length' "$T/bom.json")" = 1 ]
}

@test "Python: requirements.txt, Pipfile.lock, poetry.lock and uv.lock" {
	gl-sbom "$FIX/lockfiles/requirements" > "$T/req.json"
	[ "$(purls "$T/req.json")" = "pkg:pypi/django@4.2.11	required
pkg:pypi/flask	required
pkg:pypi/requests@2.31.0	required
pkg:pypi/rpkg?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fo%2Fr.git%400123456789abcdef	required
pkg:pypi/torch@2.1.0%2Bcu118	required" ]
	[ "$(jq -c '[.components[] | select(.name == "django") | .hashes[].alg]' "$T/req.json")" = '["SHA-256","SHA-256"]' ]
	[ "$(jq -r '.components[] | select(.name == "flask") | .properties[] | select(.name == "gl-sbom:pypi:pinned") | .value' "$T/req.json")" = false ]
	gl-sbom "$FIX/lockfiles/pipenv" > "$T/pip.json"
	grep -qx 'pkg:pypi/pytest@8.0.0	excluded' <(purls "$T/pip.json")
	gl-sbom "$FIX/lockfiles/poetry" > "$T/poetry.json"
	# PEP 503 names, git with the resolved commit, a directory package is local
	[ "$(purls "$T/poetry.json")" = "pkg:pypi/certifi@2024.2.2	required
pkg:pypi/charset-normalizer@3.3.2	optional
pkg:pypi/gitdep@1.0.0?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fo%2Fgitdep.git%400123456789abcdef0123456789abcdef01234567	required
pkg:pypi/requests@2.31.0	required
pkg:pypi/urllib3@2.2.1	required" ]
	[ "$(jq -c '.dependencies[] | select(.ref == "pkg:pypi/requests@2.31.0") | .dependsOn' "$T/poetry.json")" = '["pkg:pypi/certifi@2024.2.2","pkg:pypi/charset-normalizer@3.3.2","pkg:pypi/urllib3@2.2.1"]' ]
	# per-file hashes go on the distribution references
	[ "$(jq -c '.components[] | select(.name == "certifi") | [.hashes, [.externalReferences[] | .type, .url, .hashes[0].alg]]' "$T/poetry.json")" = '[null,["distribution","certifi-2024.2.2-py3-none-any.whl","SHA-256","distribution","certifi-2024.2.2.tar.gz","SHA-256"]]' ]
	gl-sbom "$FIX/lockfiles/uv" > "$T/uv.json"
	[ "$(jq -c '.dependencies[] | select(.ref == "project") | .dependsOn' "$T/uv.json")" = '["pkg:pypi/anyio@4.3.0"]' ]
	[ "$(jq '[.components[] | select(.name == "myproj")] | length' "$T/uv.json")" = 0 ]
	grep -q 'pkg:pypi/sniffio@1.3.1?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fpython-trio%2Fsniffio%400123456789abcdef0123456789abcdef01234567' "$T/uv.json"
}

@test "Ruby and PHP: Gemfile.lock and composer.lock" {
	gl-sbom "$FIX/lockfiles/gemfile" > "$T/gem.json"
	[ "$(purls "$T/gem.json" | cut -f1)" = "pkg:gem/activesupport@7.2.0.alpha?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Frails%2Frails.git%400123456789abcdef0123456789abcdef01234567
pkg:gem/concurrent-ruby@1.2.3
pkg:gem/nokogiri@1.16.0?platform=arm64-darwin
pkg:gem/nokogiri@1.16.0?platform=x86_64-linux
pkg:gem/racc@1.7.3
pkg:gem/rack@3.0.8" ]
	[ "$(jq -r '.components[] | select(.name == "rack") | .hashes[0].alg' "$T/gem.json")" = SHA-256 ]
	[ "$(jq -c '.dependencies[] | select(.ref == "gem-local:Gemfile.lock#myapp@0.1.0") | .dependsOn' "$T/gem.json")" = '["pkg:gem/rack@3.0.8"]' ]
	gl-sbom "$FIX/lockfiles/composer" > "$T/php.json"
	[ "$(purls "$T/php.json")" = "pkg:composer/acme/tools@dev-main?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Facme%2Ftools.git%400123456789abcdef0123456789abcdef01234567	required
pkg:composer/monolog/monolog@3.5.0	required
pkg:composer/phpunit/phpunit@10.5.10	excluded
pkg:composer/psr/log@3.0.0	required" ]
	[ "$(jq -c '.components[] | select(.purl == "pkg:composer/monolog/monolog@3.5.0") | .hashes' "$T/php.json")" = '[{"alg":"SHA-1","content":"86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"}]' ]
	[ "$(jq -c '.dependencies[] | select(.ref == "pkg:composer/monolog/monolog@3.5.0") | .dependsOn' "$T/php.json")" = '["pkg:composer/psr/log@3.0.0"]' ]
}

@test "the fixtures together: every ecosystem listed, bom-refs unique, every ref resolvable" {
	gl-sbom "$FIX/lockfiles" > "$T/all.json"
	[ "$(jq -r '[.components[].purl // empty | capture("^pkg:(?<t>[a-z]+)/").t] | unique | join(" ")' "$T/all.json")" = "cargo composer gem golang npm pypi" ]
	[ "$(jq '[.components[]["bom-ref"]] | length == (unique | length)' "$T/all.json")" = true ]
	[ "$(jq '[.dependencies[].dependsOn[]] - [.components[]["bom-ref"], "project"] | length' "$T/all.json")" = 0 ]
	[ "$(jq '[.dependencies[].ref] | length == (unique | length)' "$T/all.json")" = true ]
	# no host path anywhere
	! grep -q "$FIX" "$T/all.json"
	gl-sbom "$FIX/lockfiles" | cmp - "$T/all.json"
}

@test "a lockfile it cannot parse is exit 3 naming file and line" {
	mkdir -p "$T/p"
	head -c 300 "$FIX/lockfiles/npm-v3/package-lock.json" > "$T/p/package-lock.json"
	run -3 --separate-stderr gl-sbom "$T/p"
	[[ $stderr == "gl-sbom: $T/p/package-lock.json:"[0-9]*": "* ]]
	[ -z "$output" ]
	rm "$T/p/package-lock.json"
	lock_fails npm-shrinkwrap.json '{"lockfileVersion":7,"packages":{}}'
	[ "$stderr" = "gl-sbom: $T/p/npm-shrinkwrap.json: lockfileVersion: not 1, 2 or 3" ]
	lock_fails yarn.lock '"a@1":\n  version "1"\n    bogus\n'
	[ "$stderr" = "gl-sbom: $T/p/yarn.lock:3: not a yarn.lock entry line" ]
	lock_fails pnpm-lock.yaml "lockfileVersion: '9.0'\npackages:\n  a@1: [\n"
	[[ $stderr == "gl-sbom: $T/p/pnpm-lock.yaml:4: "* ]]
	lock_fails go.mod 'module m\n\nrequire (\n\tgithub.com/a/b\n)\n'
	[ "$stderr" = "gl-sbom: $T/p/go.mod:4: malformed directive" ]
	printf 'module m\nrequire github.com/a/b v1.0.0\n' > "$T/p/go.mod"
	lock_fails go.sum 'github.com/a/b v1.0.0 h1:short\n'
	[ "$stderr" = "gl-sbom: $T/p/go.sum:1: not \"MODULE VERSION h1:HASH\"" ]
	rm "$T/p/go.mod"
	lock_fails requirements.txt 'ok==1.0\n==2.0\n'
	[ "$stderr" = "gl-sbom: $T/p/requirements.txt:2: malformed requirement" ]
	lock_fails poetry.lock '[[package]]\nname = "a"\nversion = 1.0.0"\n'
	[[ $stderr == "gl-sbom: $T/p/poetry.lock:3: "* ]]
	lock_fails Gemfile.lock 'GEM\n  remote: https://rubygems.org/\n  specs:\n    rack 3.0.8\n'
	[ "$stderr" = "gl-sbom: $T/p/Gemfile.lock:4: malformed line in GEM" ]
	lock_fails composer.lock '{"packages":[{"name":"nameonly"}]}'
	[ "$stderr" = "gl-sbom: $T/p/composer.lock: packages[0]: no vendor/name or version" ]
}

@test "an unknown ecosystem is reported, not guessed; npm-shrinkwrap.json wins over package-lock.json" {
	mkdir -p "$T/p"
	cp "$FIX/lockfiles/npm-v3/package-lock.json" "$T/p/"
	: > "$T/p/bun.lockb"
	run -0 --separate-stderr gl-sbom "$T/p"
	[ "$stderr" = "gl-sbom: warning: $T/p/bun.lockb: bun lockfiles are not supported: not listed" ]
	[ "$(echo "$output" | jq -c '.properties')" = '[{"name":"gl-sbom:unsupported","value":"bun.lockb"}]' ]
	rm "$T/p/bun.lockb"
	cp "$FIX/lockfiles/npm-v1/package-lock.json" "$T/p/npm-shrinkwrap.json"
	run -0 --separate-stderr gl-sbom "$T/p"
	[ "$stderr" = "gl-sbom: warning: $T/p/package-lock.json: npm-shrinkwrap.json beside it wins: not listed" ]
	[ "$(echo "$output" | jq -r '[.components[].properties[] | select(.name == "gl-sbom:lockfile") | .value] | unique | join(" ")')" = npm-shrinkwrap.json ]
}

# ---- --check ----

@test "--check: duplicate bom-refs, dangling refs, hash length against alg, non-canonical purls" {
	gl-sbom "$FIX/lockfiles/npm-v3" > "$T/bom.json"
	run -0 --separate-stderr gl-sbom --check "$T/bom.json"
	[ "$output" = '{"problems":[],"valid":true}' ]
	jq -c '.components += [.components[0]]
	    | .dependencies[0].dependsOn += ["pkg:npm/nowhere@1"]
	    | .components[1].hashes[0] = {"alg":"SHA-384","content":("0" * 64)}
	    | .components[2].purl = "pkg:npm/@babel/highlight@7.25.9"' "$T/bom.json" > "$T/bad.json"
	run -1 --separate-stderr gl-sbom --check "$T/bad.json"
	[ "$(echo "$output" | jq -r '.problems[]')" = "duplicate bom-ref npm-local:package-lock.json#@fixture/util@0.2.0
npm-local:package-lock.json#@fixture/util@0.2.0: dependsOn pkg:npm/nowhere@1 names no component
pkg:npm/%40babel/code-frame@7.24.2: hash SHA-384 does not fit its algorithm
pkg:npm/%40babel/helper-validator-identifier@7.29.7: purl pkg:npm/@babel/highlight@7.25.9 is not canonical" ] || { echo "$output"; false; }
	[ "$(echo "$output" | jq .valid)" = false ]
	printf '{"bomFormat":"CycloneDX"' > "$T/trunc.json"
	run -3 --separate-stderr gl-sbom --check "$T/trunc.json"
	printf '{"bomFormat":"SPDX"}' > "$T/spdx.json"
	run -3 --separate-stderr gl-sbom --check "$T/spdx.json"
	[ "$stderr" = "gl-sbom: $T/spdx.json: not a CycloneDX BOM (bomFormat)" ]
	run -4 --separate-stderr gl-sbom --check "$T/missing.json"
	run -4 --separate-stderr sh -c 'gl-sbom --check "$1" > /dev/full' sh "$T/bom.json"
}

# ---- --compare: what a session introduced ----

# a copy of the npm-v3 fixture in which a session added debug's sibling
# "new-dep" (from git), upgraded left-pad and removed is-number
session() {
	mkdir -p "$T/after"
	jq '.packages["node_modules/new-dep"] = {"version":"1.0.0","resolved":"git+ssh://git@github.com/o/new-dep.git#0123456789abcdef0123456789abcdef01234567"}
	    | .packages[""].dependencies["new-dep"] = "github:o/new-dep"
	    | .packages["node_modules/left-pad"].version = "1.3.1"
	    | del(.packages["node_modules/is-number"])' \
	    "$FIX/lockfiles/npm-v3/package-lock.json" > "$T/after/package-lock.json"
}

@test "--compare marks what was added, changed and removed, and --summary says so" {
	gl-sbom "$FIX/lockfiles/npm-v3" > "$T/before.json"
	session
	run -0 --separate-stderr gl-sbom --compare "$T/before.json" --summary "$T/summary.json" "$T/after"
	echo "$output" > "$T/bom.json"
	[ "$(jq -r '.components[] | select(.properties[]?.name == "gleisner:change") | [.["bom-ref"], (.properties[] | select(.name == "gleisner:change") | .value)] | @tsv' "$T/bom.json")" = "pkg:npm/left-pad@1.3.1	changed
pkg:npm/new-dep@1.0.0?vcs_url=git%2Bssh:%2F%2Fgit%40github.com%2Fo%2Fnew-dep.git%230123456789abcdef0123456789abcdef01234567	added" ]
	[ "$(jq -c .properties "$T/bom.json")" = '[{"name":"gleisner:removed","value":"pkg:npm/is-number@7.0.0"}]' ]
	[ "$(jq -c .counts "$T/summary.json")" = '{"added":1,"changed":1,"components":25,"removed":1}' ]
	[ "$(jq -c '.added[] | [.name, .version, .source]' "$T/summary.json")" = '["new-dep","1.0.0","git"]' ]
	[ "$(jq -c '.changed[] | [.name, .from.version, .to.version]' "$T/summary.json")" = '["left-pad","1.3.0","1.3.1"]' ]
	[ "$(jq -c '.removed[] | [.["bom-ref"], .source]' "$T/summary.json")" = '["pkg:npm/is-number@7.0.0","registry"]' ]
	# a policy: "no new git dependencies"
	run -1 jq -e '[.added[] | select(.source == "git")] | length == 0' "$T/summary.json"
	# the annotated SBOM is still valid and passes --check
	run -0 --separate-stderr gl-sbom --check "$T/bom.json"
}

@test "--compare: a changed hash is a change; nothing changed is an empty summary" {
	gl-sbom "$FIX/lockfiles/npm-v3" > "$T/before.json"
	run -0 --separate-stderr gl-sbom --compare "$T/before.json" --summary "$T/s.json" "$FIX/lockfiles/npm-v3"
	[ "$(jq -c . "$T/s.json")" = '{"added":[],"changed":[],"counts":{"added":0,"changed":0,"components":25,"removed":0},"removed":[]}' ]
	[ "$(echo "$output" | jq '[.components[].properties[] | select(.name | startswith("gleisner:"))] | length')" = 0 ]
	mkdir -p "$T/after"
	jq '.packages["node_modules/left-pad"].integrity = "sha512-" + ("A" * 86) + "=="' \
	    "$FIX/lockfiles/npm-v3/package-lock.json" > "$T/after/package-lock.json"
	run -0 --separate-stderr gl-sbom --compare "$T/before.json" --summary "$T/s.json" "$T/after"
	[ "$(jq -c '.changed[] | [.["bom-ref"], .from.version == .to.version, .from.hashes != .to.hashes]' "$T/s.json")" = '["pkg:npm/left-pad@1.3.0",true,true]' ]
}

@test "--compare: a BEFORE that is not a CycloneDX BOM is 3, an unwritable summary 4" {
	printf '{"bomFormat":"CycloneDX"' > "$T/trunc.json"
	run -3 --separate-stderr gl-sbom --compare "$T/trunc.json" "$FIX/lockfiles/npm-v3"
	[ -z "$output" ]
	printf '[]' > "$T/arr.json"
	run -3 --separate-stderr gl-sbom --compare "$T/arr.json" "$FIX/lockfiles/npm-v3"
	gl-sbom "$FIX/lockfiles/npm-v3" > "$T/before.json"
	run -4 --separate-stderr gl-sbom --compare "$T/before.json" --summary "$T/no/such/dir/s.json" "$FIX/lockfiles/npm-v3"
	[ -z "$output" ]
	run -4 --separate-stderr gl-sbom --compare "$T/missing.json" "$FIX/lockfiles/npm-v3"
}

@test "EXAMPLE: what did the session pull in" {
	gl-sbom "$FIX/lockfiles/npm-v3" > "$T/before.json"
	session
	cd "$T/after"
	run -0 sh -c 'gl-sbom --compare "$1" --summary summary.json . > sbom.json &&
	    jq -r ".added[] | \"\(.source) \(.purl)\"" summary.json' sh "$T/before.json"
	[ "$output" = "git pkg:npm/new-dep@1.0.0?vcs_url=git%2Bssh:%2F%2Fgit%40github.com%2Fo%2Fnew-dep.git%230123456789abcdef0123456789abcdef01234567" ]
}

@test "EXAMPLE: check an SBOM from another tool" {
	gl-sbom "$FIX/lockfiles" > "$T/bom.json"
	run -0 sh -c 'gl-sbom --check "$1" | jq -r ".problems[]"' sh "$T/bom.json"
	[ -z "$output" ]
}

@test "a directory it cannot enter is a warning, not a failure (uid 65534)" {
	[ "$(id -u)" = 0 ] || skip "needs root to switch to uid 65534"
	nobody_copies
	mkdir -p "$T/p/locked" "$T/p/open"
	cp "$FIX/lockfiles/go/go.mod" "$FIX/lockfiles/go/go.sum" "$T/p/locked/"
	cp "$FIX/lockfiles/gemfile/Gemfile.lock" "$T/p/open/"
	chmod -R a+rX "$T/p"
	chmod 700 "$T/p/locked"
	run -0 --separate-stderr as_nobody "$NB_BIN/gl-sbom" "$T/p"
	[ "$stderr" = "gl-sbom: warning: $T/p/locked: not searched: Permission denied" ]
	[ "$(echo "$output" | jq -r '[.components[].purl // empty | select(startswith("pkg:gem/"))] | length')" = 6 ]
}
