#!/bin/sh
# make bench, SBOM part: gl-sbom against @cyclonedx/cdxgen (npm) on the same
# large package-lock.json (tests/fixtures/lockfiles-large, >= 1000 packages),
# both from one run, as a ratio (goal: gl-sbom >= 50x faster); then the two
# component lists and graphs compared (run by tests/bench/run.sh).
# cdxgen runs in its pre-build lifecycle: it reads the lockfile and installs
# nothing, as gl-sbom does.  Warm caches: each command runs once untimed.
set -eu

bin=${GL_BIN:?GL_BIN must name the build directory}
work=${BENCH_WORK:?BENCH_WORK must name a scratch directory}/sbom
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${BENCH_RUNS:-20}
np=${GL_NODE_PATH:-$top/tests/node_modules}
cdxgen=$np/@cyclonedx/cdxgen/bin/cdxgen.js

if ! command -v node > /dev/null || [ ! -f "$cdxgen" ]; then
	echo "bench: sbom: cdxgen not installed (tests/schema-deps.sh): skipped"
	exit 0
fi
mkdir -p "$work/proj"
cp "$top/tests/fixtures/lockfiles-large/package.json" \
    "$top/tests/fixtures/lockfiles-large/package-lock.json" "$work/proj/"
packages=$(jq '.packages | length' "$work/proj/package-lock.json")

now() { date +%s%N; }

# best_of N CMD...: the fastest of N runs, in microseconds (after a warm-up)
best_of() {
	n=$1
	shift
	"$@" > /dev/null 2>&1 || { echo "bench: sbom: failed: $*" >&2; exit 1; }
	best=
	i=0
	while [ "$i" -lt "$n" ]; do
		t0=$(now)
		"$@" > /dev/null 2>&1
		t=$(( ($(now) - t0) / 1000 ))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
		i=$((i + 1))
	done
	echo "$best"
}

run_cdxgen() {
	(cd "$work/proj" && FETCH_LICENSE=false CDXGEN_DEBUG_MODE=none node "$cdxgen" -t js \
	    --lifecycle pre-build --spec-version 1.5 --no-install-deps -o "$work/cdxgen.json" .)
}

gl=$(best_of "$runs" "$bin/gl-sbom" "$work/proj")
cdx=$(best_of 3 run_cdxgen)
"$bin/gl-sbom" "$work/proj" > "$work/gl.json"
ratio=$(awk -v a="$cdx" -v b="$gl" 'BEGIN { printf "%.1f", a / b }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 50) ? "met" : "NOT met" }')
printf 'bench: sbom: package-lock.json with %d packages; best of %d (gl-sbom), 3 (cdxgen)\n' \
    "$packages" "$runs"
printf 'bench: sbom: gl-sbom                 %9d us  1.00x (reference)\n' "$gl"
printf 'bench: sbom: cdxgen --lifecycle pre-build %6d us  %sx slower (goal >= 50x: %s)\n' \
    "$cdx" "$ratio" "$verdict"

# the component lists: name (with its scope or group), version, purl
list() {
	jq -r '.components[] | [((if (.group // "") != "" then .group + "/" else "" end) + .name),
	    .version, .purl] | @tsv' "$1" | sort
}
list "$work/gl.json" > "$work/gl.tsv"
list "$work/cdxgen.json" > "$work/cdxgen.tsv"
both=$(comm -12 "$work/gl.tsv" "$work/cdxgen.tsv" | wc -l)
only_gl=$(comm -23 "$work/gl.tsv" "$work/cdxgen.tsv" | wc -l)
only_cdx=$(comm -13 "$work/gl.tsv" "$work/cdxgen.tsv" | wc -l)
printf 'bench: sbom: components: %d the same (name, version, purl), %d only gl-sbom, %d only cdxgen\n' \
    "$both" "$only_gl" "$only_cdx"
comm -3 "$work/gl.tsv" "$work/cdxgen.tsv" | head -5 | sed 's/^/bench: sbom:   differs: /'

# hashes and the graph, with each side's bom-refs mapped to purls (cdxgen's
# bom-refs leave the @ of a scope unencoded; its root is its own)
hashes() {
	jq -r '.components[] | [.purl, ((.hashes // []) | map(.alg + ":" + .content) | sort
	    | join(","))] | @tsv' "$1" | sort
}
edges() {
	jq -r '(.components | map({(.["bom-ref"]): .purl}) | add) as $p
	    | .dependencies[] | select($p[.ref]) | $p[.ref] as $r
	    | .dependsOn[] | "\($r) \($p[.] // .)"' "$1" | sort
}
hashes "$work/gl.json" > "$work/gl.h"
hashes "$work/cdxgen.json" > "$work/cdxgen.h"
edges "$work/gl.json" > "$work/gl.e"
edges "$work/cdxgen.json" > "$work/cdxgen.e"
printf 'bench: sbom: hashes: %d components differ; graph: %d edges gl-sbom, %d cdxgen, %d differ\n' \
    "$(comm -3 "$work/gl.h" "$work/cdxgen.h" | cut -f1 | sort -u | wc -l)" \
    "$(wc -l < "$work/gl.e")" "$(wc -l < "$work/cdxgen.e")" \
    "$(comm -3 "$work/gl.e" "$work/cdxgen.e" | wc -l)"
printf 'bench: sbom: scope excluded: gl-sbom %d, cdxgen %d (cdxgen guesses @types/* are dev; the lockfile says none is)\n' \
    "$(jq '[.components[] | select(.scope == "excluded")] | length' "$work/gl.json")" \
    "$(jq '[.components[] | select(.scope == "excluded")] | length' "$work/cdxgen.json")"
