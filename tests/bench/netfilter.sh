#!/bin/sh
# The set-up cost gl-netfilter adds to a jail run (goal: <= 20 ms), measured
# in a throwaway network namespace so that the veth, NAT table and
# forwarding it changes are never the host's.  Run by tests/bench/run.sh.
set -eu

bin=${GL_BIN:?GL_BIN must name the build directory}
work=${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/gl-bench-nf.XXXXXX")}
n=${BENCH_RUNS:-20}
top=$(cd "$(dirname "$0")/../.." && pwd)
export GLEISNER_PROFILE_PATH="$top/profiles"

if [ "$(id -u)" != 0 ] || ! command -v ip > /dev/null; then
	echo "bench: gl-netfilter skipped (needs root and ip(8))"
	exit 0
fi
ns=gl-bench-$$
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT INT TERM
ip -n "$ns" link set lo up
mkdir -p "$work/nf-proj" "$work/home"
export HOME="$work/home"
sed -e 's/^max_memory_mb = .*/max_memory_mb = 0/' -e 's/^max_pids = .*/max_pids = 0/' \
	-e 's/^max_cpu_percent = .*/max_cpu_percent = 0/' "$top/profiles/konishi.ini" > "$work/nf.ini"

now() { date +%s%N; }

# mean wall time of n runs of CMD in the namespace, in microseconds
time_runs() {
	ip netns exec "$ns" "$@" > /dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }
	t0=$(now)
	i=0
	while [ "$i" -lt "$n" ]; do
		ip netns exec "$ns" "$@" > /dev/null 2>&1
		i=$((i + 1))
	done
	echo $(( ($(now) - t0) / n / 1000 ))
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

nf="$bin/gl-netfilter"
bare=$(time_runs true)
alone=$(time_runs "$nf" -p "$work/nf.ini" --upstream 127.0.0.1 -- true)
jail=$(time_runs "$bin/gl-jail" -p "$work/nf.ini" -d "$work/nf-proj" -- true)
both=$(time_runs "$nf" -p "$work/nf.ini" --upstream 127.0.0.1 -- \
	"$bin/gl-jail" --share-net -p "$work/nf.ini" -d "$work/nf-proj" -- true)
added=$((both - jail))
verdict=$(awk -v a="$added" 'BEGIN { print (a <= 20000) ? "met" : "NOT met" }')
printf 'bench: true (in a netns)                 %6d us  1.00x (reference)\n' "$bare"
printf 'bench: gl-netfilter -- true              %6d us  %sx\n' "$alone" "$(ratio "$alone" "$bare")"
printf 'bench: gl-jail -- true                   %6d us  1.00x (reference)\n' "$jail"
printf 'bench: gl-netfilter -- gl-jail -- true   %6d us  %sx (+%d us; goal <= 20000 us: %s)\n' \
	"$both" "$(ratio "$both" "$jail")" "$added" "$verdict"
