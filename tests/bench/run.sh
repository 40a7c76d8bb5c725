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

# jail_runs: the reference and gl-jail's parts, one line each
jail_runs() {
	bare=$(time_runs bwrap bwrap --ro-bind / / --unshare-all --unshare-user \
		--die-with-parent --new-session true)
	sed -e 's/^max_memory_mb = .*/max_memory_mb = 0/' -e 's/^max_pids = .*/max_pids = 0/' \
		-e 's/^max_cpu_percent = .*/max_cpu_percent = 0/' "$top/profiles/konishi.ini" > "$work/nocg.ini"
	plain=$(time_runs gl-jail-plain "$bin/gl-jail" -p "$work/nocg.ini" --no-landlock -d "$work/proj" -- true)
	jail=$(time_runs gl-jail "$bin/gl-jail" -d "$work/proj" -- true)
	# konishi without its domains: the jail alone (gl-netfilter's cost is
	# netfilter.sh's to measure, in a namespace of its own)
	sed '/^allow_domains/d' "$top/profiles/konishi.ini" > "$work/nonet.ini"
	wrap=$(time_runs wrap "$bin/gleisner" wrap -p "$work/nonet.ini" -d "$work/proj" -- true)
	r=$(ratio "$wrap" "$bare")
	verdict=$(awk -v r="$r" 'BEGIN { print (r <= 2) ? "met" : "NOT met" }')
	printf 'bench: %d runs each; cgroup joins %s\n' "$n" "$1"
	printf 'bench: bwrap --unshare-all true     %6d us  1.00x (reference)\n' "$bare"
	printf 'bench: gl-jail, no cgroup/landlock  %6d us  %sx\n' "$plain" "$(ratio "$plain" "$bare")"
	printf 'bench: gl-jail -- true              %6d us  %sx\n' "$jail" "$(ratio "$jail" "$bare")"
	printf 'bench: gleisner wrap -- true        %6d us  %sx (target <= 2x: %s)\n' "$wrap" "$r" "$verdict"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

if "$bin/gl-jail" --probe | jq -e '.cgroup.favordynmods' > /dev/null; then
	jail_runs "fast (favordynmods)"
else
	jail_runs "slow (no favordynmods: an RCU grace period per session)"
	# what the same runs cost on a host tuned as gl-jail(1) suggests: a
	# named hierarchy with favordynmods, mounted for this measure only
	if [ "$(id -u)" -eq 0 ] && mkdir "$work/cg" &&
		mount -t cgroup -o none,name=gleisner-bench,favordynmods cgroup "$work/cg" 2> /dev/null; then
		trap 'umount "$work/cg"; rm -rf "$work"' EXIT
		jail_runs "fast (favordynmods, mounted for this measure)"
		umount "$work/cg" && trap 'rm -rf "$work"' EXIT
	fi
fi

# the other stages' benchmarks: each tests/bench/*.sh beside this one runs
# with the same GL_BIN, work directory and run count, and prints its own ratios
here=$(cd "$(dirname "$0")" && pwd)
for part in "$here"/*.sh; do
	[ "$part" = "$here/run.sh" ] && continue
	BENCH_WORK="$work" BENCH_RUNS="$n" GL_BIN="$bin" sh "$part" || status=1
done
exit "${status:-0}"
