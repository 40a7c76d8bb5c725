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

# The jail's stages, measured interleaved: each round runs every command of
# the set five times in a row, so that load from elsewhere falls on all of
# them alike; a command's figure is the median over the rounds of its
# per-run mean, less the cost of taking the two timestamps.
rounds=$(( n / 5 > 5 ? n / 5 : 5 ))

# block NAME CMD...: append one round's per-run mean (us) to $work/NAME
block() {
	name=$1
	shift
	t0=$(now)
	"$@" > /dev/null 2>&1
	"$@" > /dev/null 2>&1
	"$@" > /dev/null 2>&1
	"$@" > /dev/null 2>&1
	"$@" > /dev/null 2>&1
	t1=$(now)
	echo $(( (t1 - t0 - stamp) / 5000 )) >> "$work/$name"
}
median() { sort -n "$work/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# what two timestamps cost (a fork and an exec of date(1) each)
t0=$(now)
t1=$(now)
t2=$(now)
stamp=$(( (t2 - t0) / 2 ))
[ "$stamp" -lt "$(( t1 - t0 ))" ] || stamp=$(( t1 - t0 ))

sed -e 's/^max_memory_mb = .*/max_memory_mb = 0/' -e 's/^max_pids = .*/max_pids = 0/' \
	-e 's/^max_cpu_percent = .*/max_cpu_percent = 0/' "$top/profiles/konishi.ini" > "$work/nocg.ini"
# konishi without its domains: the jail alone (gl-netfilter's cost is
# netfilter.sh's to measure, in a namespace of its own)
sed '/^allow_domains/d' "$top/profiles/konishi.ini" > "$work/nonet.ini"
# (called by name, from jail_runs)
# shellcheck disable=SC2317
bare() { bwrap --ro-bind / / --unshare-all --unshare-user --die-with-parent --new-session "$@"; }
# the floor of this shape on this machine: the same chain of process starts
# (sh, a chain stage, bubblewrap, a stage inside, the command), doing nothing
printf '#!/bin/sh\nexec env "$@"\n' > "$work/front"
chmod 755 "$work/front"
# shellcheck disable=SC2317
floor() { "$work/front" bwrap --ro-bind / / --unshare-all --unshare-user --die-with-parent \
	--new-session env true; }
# shellcheck disable=SC2317
plain() { "$bin/gl-jail" -p "$work/nocg.ini" --no-landlock -d "$work/proj" -- true; }
# shellcheck disable=SC2317
jail() { "$bin/gl-jail" -p "$work/nonet.ini" -d "$work/proj" -- true; }
# shellcheck disable=SC2317
wrap() { "$bin/gleisner" wrap -p "$work/nonet.ini" -d "$work/proj" -- true; }

# jail_runs LABEL: the reference and the stages, one line each
jail_runs() {
	for f in bare floor plain jail wrap; do
		"$f" true > /dev/null 2>&1 || { echo "bench: $f failed" >&2; exit 1; }
		rm -f "$work/$f"
	done
	r=0
	while [ "$r" -lt "$rounds" ]; do
		for f in bare floor plain jail wrap; do
			block "$f" "$f" true
		done
		r=$((r + 1))
	done
	b=$(median bare)
	w=$(median wrap)
	rw=$(ratio "$w" "$b")
	verdict=$(awk -v r="$rw" 'BEGIN { print (r <= 2) ? "met" : "NOT met" }')
	printf 'bench: %d rounds of 5 runs each, interleaved; cgroup joins %s\n' "$rounds" "$1"
	printf 'bench: bwrap --unshare-all true     %6d us  1.00x (reference)\n' "$b"
	printf 'bench: the same 5 process starts     %6d us  %sx (floor: sh, stage, bwrap, stage, true)\n' \
	    "$(median floor)" "$(ratio "$(median floor)" "$b")"
	printf 'bench: gl-jail, no cgroup/landlock  %6d us  %sx\n' "$(median plain)" "$(ratio "$(median plain)" "$b")"
	printf 'bench: gl-jail -- true              %6d us  %sx\n' "$(median jail)" "$(ratio "$(median jail)" "$b")"
	printf 'bench: gleisner wrap -- true        %6d us  %sx (target <= 2x: %s)\n' "$w" "$rw" "$verdict"
}

if "$bin/gl-jail" --probe | jq -e '.cgroup.favordynmods' > /dev/null; then
	jail_runs "fast (favordynmods)"
else
	jail_runs "slow (no favordynmods: a migration can wait for an RCU grace period)"
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
