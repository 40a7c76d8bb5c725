#!/bin/sh
# make bench: the cost of a jail, as ratios against a bare bubblewrap run
# measured in the same invocation (never absolute targets in unit tests).
set -eu

bin=${GL_BIN:?GL_BIN must name the build directory}
top=$(cd "$(dirname "$0")/../.." && pwd)
export GLEISNER_PROFILE_PATH="$top/profiles"
n=${BENCH_RUNS:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/gl-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/proj" "$work/home"
export HOME="$work/home"

now() { date +%s%N; }

# time_runs NAME CMD...: mean wall time of n runs, in microseconds
time_runs() {
	name=$1
	shift
	"$@" > /dev/null 2>&1 || { echo "bench: $name failed: $*" >&2; exit 1; }
	t0=$(now)
	i=0
	while [ "$i" -lt "$n" ]; do
		"$@" > /dev/null 2>&1
		i=$((i + 1))
	done
	t1=$(now)
	echo $(( (t1 - t0) / n / 1000 ))
}

bare=$(time_runs bwrap bwrap --ro-bind / / --unshare-all --unshare-user \
	--die-with-parent --new-session true)
jail=$(time_runs gl-jail "$bin/gl-jail" -d "$work/proj" -- true)
wrap=$(time_runs wrap "$bin/gleisner" wrap -d "$work/proj" -- true)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf 'bench: %d runs each\n' "$n"
printf 'bench: bwrap --unshare-all true     %6d us  1.00x (reference)\n' "$bare"
printf 'bench: gl-jail -- true              %6d us  %sx\n' "$jail" "$(ratio "$jail" "$bare")"
r=$(ratio "$wrap" "$bare")
verdict=$(awk -v r="$r" 'BEGIN { print (r <= 2) ? "met" : "NOT met" }')
printf 'bench: gleisner wrap -- true        %6d us  %sx (target <= 2x: %s)\n' "$wrap" "$r" "$verdict"

# the other stages' benchmarks: each tests/bench/*.sh beside this one runs
# with the same GL_BIN, work directory and run count, and prints its own ratios
here=$(cd "$(dirname "$0")" && pwd)
for part in "$here"/*.sh; do
	[ "$part" = "$here/run.sh" ] && continue
	BENCH_WORK="$work" BENCH_RUNS="$n" GL_BIN="$bin" sh "$part" || status=1
done
exit "${status:-0}"
