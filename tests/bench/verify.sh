#!/bin/sh
# The cost of verifying a 1000-link chain (gl-verify --chain), against the
# openssl command line verifying one envelope, scaled to 1000, measured in
# the same run.  Goal: the whole chain in 1 s or less.
set -eu

bin=${GL_BIN:?GL_BIN must name the build directory}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/gl-bench.XXXXXX")}
links=${BENCH_LINKS:-1000}
runs=${BENCH_RUNS:-3}
mkdir -p "$work/verify/.gleisner"
d=$work/verify/.gleisner
key=$work/verify/key.pem
cp "$top/tests/fixtures/keys/d-ed25519.pem" "$key"
chmod 600 "$key"
pub=$top/tests/fixtures/keys/d-ed25519.pub

now() { date +%s%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# the chain, built as gleisner record builds it
prev=
i=1
while [ "$i" -le "$links" ]; do
	id=$(printf '20261203T%09dZ' "$i")
	printf '{"seq":1,"src":"gl-watch","type":"session.start"}\n{"complete":true,"overflows":0,"seq":2,"src":"gl-watch","type":"session.end"}\n' \
		> "$d/audit-$id.jsonl"
	"$bin/gl-statement" --invocation-id "$(printf '00000000-0000-4000-8000-%012d' "$i")" \
		--started 2026-12-03T10:00:00Z --finished 2026-12-03T10:00:01Z \
		--events "$d/audit-$id.jsonl" ${prev:+--parent "$prev"} -- make step |
		"$bin/gl-sign" -k "$key" -o "$d/attestation-$id.json"
	prev=$d/attestation-$id.json
	i=$((i + 1))
done

# gl-verify over the whole chain, best of $runs
best=
r=0
while [ "$r" -lt "$runs" ]; do
	t0=$(now)
	"$bin/gl-verify" -q -k "$pub" --chain "$d" || { echo "bench: chain did not verify" >&2; exit 1; }
	t1=$(now)
	t=$(( (t1 - t0) / 1000 ))
	if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	r=$((r + 1))
done

# the reference: openssl pkeyutl verifying one link's signature over its
# PAE (built once), per run, scaled to $links
env=$d/attestation-$(printf '20261203T%09dZ' 1).json
jq -j .payload "$env" | base64 -d > "$work/verify/body"
jq -j '.signatures[0].sig' "$env" | base64 -d > "$work/verify/sig"
{ printf 'DSSEv1 28 application/vnd.in-toto+json %d ' "$(wc -c < "$work/verify/body")"
  cat "$work/verify/body"; } > "$work/verify/pae"
n=50
t0=$(now)
i=0
while [ "$i" -lt "$n" ]; do
	openssl pkeyutl -verify -pubin -inkey "$pub" -rawin -in "$work/verify/pae" \
		-sigfile "$work/verify/sig" > /dev/null
	i=$((i + 1))
done
t1=$(now)
one=$(( (t1 - t0) / n / 1000 ))
ref=$((one * links))

verdict=$(awk -v t="$best" 'BEGIN { print (t <= 1000000) ? "met" : "NOT met" }')
printf 'bench: openssl pkeyutl -verify x%d      %8d us  1.00x (reference, %d us each)\n' "$links" "$ref" "$one"
printf 'bench: gl-verify --chain (%d links)    %8d us  %sx (%d us a link; goal <= 1 s: %s)\n' \
	"$links" "$best" "$(ratio "$best" "$ref")" $((best / links)) "$verdict"
if [ -z "${BENCH_WORK:-}" ]; then rm -rf "$work"; else rm -rf "$work/verify"; fi
