#!/bin/sh
# make bench, observation part: gl-snapshot and gl-watch against references
# measured in the same run, printed as ratios (run by tests/bench/run.sh).
#   1. gl-snapshot of a generated tree (>= 20k files, >= 1 GB) against
#      find | xargs -P$(nproc) sha256sum, and against OpenSSL's own
#      single-buffer SHA-256 speed times the number of cores;
#   2. the incremental re-snapshot (--cache) of the unchanged tree against
#      a bare stat walk (find -printf of size, inode, mtime, ctime);
#   3. the wall-clock overhead of gl-watch on a real build (libgl.a).
# Warm page cache throughout: each command runs once before it is timed.
set -eu

bin=${GL_BIN:?GL_BIN must name the build directory}
work=${BENCH_WORK:?BENCH_WORK must name a scratch directory}/snapshot
top=$(cd "$(dirname "$0")/../.." && pwd)
cores=$(nproc)
mkdir -p "$work"

now() { date +%s%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v g="$2" -v op="$3" 'BEGIN {
	ok = (op == "le") ? (r <= g) : (r >= g); print ok ? "met" : "NOT met" }'; }

# best_of N CMD...: the fastest of N runs, in milliseconds (after a warm-up)
best_of() {
	runs=$1
	shift
	"$@" > /dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }
	best=
	i=0
	while [ "$i" -lt "$runs" ]; do
		t0=$(now)
		"$@" > /dev/null 2>&1
		t=$(( ($(now) - t0) / 1000000 ))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
		i=$((i + 1))
	done
	echo "$best"
}

# the tree: 20 directories of 1000 files of 4 KiB, and 100 files of 10 MiB
tree=$work/tree
mkdir -p "$tree/big"
d=0
while [ "$d" -lt 20 ]; do
	mkdir -p "$tree/d$d"
	head -c $((1000 * 4096)) /dev/urandom | (cd "$tree/d$d" && split -b 4096 -a 3 - f)
	d=$((d + 1))
done
head -c $((100 * 10485760)) /dev/urandom | (cd "$tree/big" && split -b 10485760 -a 2 - b)
files=$(find "$tree" -type f | wc -l)
mib=$(du -sm "$tree" | cut -f1)

hashall() { find "$tree" -type f -print0 | xargs -0 -P"$cores" sha256sum; }
statwalk() { find "$tree" -printf '%s %i %T@ %C@\n'; }

# OpenSSL's single-buffer SHA-256 speed, bytes per second (1 MiB blocks)
ossl=$(openssl speed -seconds 2 -bytes 1048576 -evp sha256 2>/dev/null |
	awk '/^sha256/ { v = $NF; sub(/k$/, "", v); printf "%d", v * 1000 }')

# CPU seconds (user + system) of the shell's children in file $1, which
# holds what times(1) printed (in this shell: a subshell has no children)
child_cpu() {
	sed -n 2p "$1" | tr 'ms' '  ' | awk '{ printf "%.3f", $1 * 60 + $2 + $3 * 60 + $4 }'
}
snap_ms=$(best_of 3 "$bin/gl-snapshot" "$tree")
# and its CPU time (all threads), which other load on the machine leaves alone
times > "$work/t0"
"$bin/gl-snapshot" "$tree" > /dev/null
times > "$work/t1"
snap_cpu_ms=$(awk -v a="$(child_cpu "$work/t0")" -v b="$(child_cpu "$work/t1")" \
    'BEGIN { printf "%d", (b - a) * 1000 }')
sum_ms=$(best_of 3 hashall)
# what OpenSSL alone would take on all cores for the same bytes
bytes=$(find "$tree" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s }')
ideal_ms=$(awk -v b="$bytes" -v s="$ossl" -v c="$cores" 'BEGIN { printf "%d", b / (s * c) * 1000 }')

# the incremental snapshot: the cache must be older than the files' ctimes
# by the racy margin (2 s), so wait before the snapshot it reads
sleep 3
"$bin/gl-snapshot" "$tree" > "$work/pre.json"
inc_ms=$(best_of 3 "$bin/gl-snapshot" --cache "$work/pre.json" "$tree")
stat_ms=$(best_of 3 statwalk)
# the cache was used: every digest came from it
"$bin/gl-snapshot" --cache "$work/pre.json" "$tree" > "$work/post.json"
cmp -s "$work/pre.json" "$work/post.json" ||
	jq -e -n --slurpfile a "$work/pre.json" --slurpfile b "$work/post.json" \
	    '$a[0].entries == $b[0].entries' > /dev/null ||
	{ echo "bench: the incremental snapshot differs from the first" >&2; exit 1; }

# gl-watch on a real build: libgl.a from a copy of the sources, in the
# watched project, with and without the watcher
proj=$work/proj
mkdir -p "$proj"
cp -R "$top/lib" "$top/cmd" "$top/Makefile" "$proj/"
build() { rm -rf "$proj/b"; make -s -C "$proj" BUILD="$proj/b" -j"$cores" "$proj/b/libgl.a"; }
# CPU seconds of process $1 so far (utime + stime of /proc/PID/stat)
proc_cpu() {
	sed 's/.*) //' "/proc/$1/stat" |
	    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($12 + $13) / hz }'
}
watched() {
	mkfifo "$work/ready"
	"$bin/gl-watch" -o "$work/audit.jsonl" --ready-fd 5 "$proj" 5> "$work/ready" &
	w=$!
	read -r _ < "$work/ready"
	rm -f "$work/ready"
	times > "$work/t0"
	build
	times > "$work/t1"
	c0=$(child_cpu "$work/t0")
	c1=$(child_cpu "$work/t1")
	# what the watcher cost, in CPU time, against what the build did
	awk -v w="$(proc_cpu "$w")" -v b="$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }')" \
	    'BEGIN { printf "%.1f\n", w * 100 / b }' > "$work/cpu"
	kill -TERM "$w"
	wait "$w"
}
# alternate the two, best of three each: other load on the machine hits both
build > /dev/null 2>&1 || { echo "bench: the build failed" >&2; exit 1; }
plain_ms=
watch_ms=
for _ in 1 2 3; do
	t0=$(now); build > /dev/null 2>&1; t=$(( ($(now) - t0) / 1000000 ))
	if [ -z "$plain_ms" ] || [ "$t" -lt "$plain_ms" ]; then plain_ms=$t; fi
	t0=$(now); watched > /dev/null 2>&1; t=$(( ($(now) - t0) / 1000000 ))
	if [ -z "$watch_ms" ] || [ "$t" -lt "$watch_ms" ]; then watch_ms=$t; fi
	cpu=$(cat "$work/cpu")
	if [ -z "${wcpu:-}" ] || awk -v a="$cpu" -v b="$wcpu" 'BEGIN { exit !(a < b) }'; then wcpu=$cpu; fi
done
events=$(wc -l < "$work/audit.jsonl")
backend=$(head -n 1 "$work/audit.jsonl" | jq -r '.backend + "+" + .proc_backend')

r1=$(ratio "$sum_ms" "$snap_ms")
r2=$(ratio "$snap_ms" "$ideal_ms")
r3=$(ratio "$inc_ms" "$stat_ms")
r4=$(ratio "$watch_ms" "$plain_ms")
over=$(awk -v a="$watch_ms" -v b="$plain_ms" 'BEGIN { printf "%.1f", (a - b) * 100 / b }')
printf 'bench: snapshot tree: %d files, %d MiB, %d cores, OpenSSL SHA-256 %d MB/s a core\n' \
	"$files" "$mib" "$cores" "$((ossl / 1000000))"
printf 'bench: gl-snapshot                  %6d ms\n' "$snap_ms"
printf 'bench: find|xargs -P%d sha256sum     %6d ms  %sx slower than gl-snapshot (goal >= 5x: %s)\n' \
	"$cores" "$sum_ms" "$r1" "$(verdict "$r1" 5 ge)"
printf 'bench: OpenSSL x %d cores (ideal)    %6d ms  gl-snapshot at %sx of it (goal <= 1.4x: %s)\n' \
	"$cores" "$ideal_ms" "$r2" "$(verdict "$r2" 1.4 le)"
r5=$(ratio "$snap_cpu_ms" "$(awk -v i="$ideal_ms" -v c="$cores" 'BEGIN { print i * c }')")
printf 'bench: gl-snapshot CPU time          %6d ms  %sx OpenSSL'"'"'s own for the bytes (load-independent)\n' \
	"$snap_cpu_ms" "$r5"
printf 'bench: gl-snapshot --cache          %6d ms  %sx a bare stat walk of %d ms (goal <= 3x: %s)\n' \
	"$inc_ms" "$r3" "$stat_ms" "$(verdict "$r3" 3 le)"
printf 'bench: build of libgl.a             %6d ms\n' "$plain_ms"
printf 'bench: ... with gl-watch (%s) %6d ms  %sx, %s%% overhead (goal <= 5%%: %s)\n' \
	"$backend" "$watch_ms" "$r4" "$over" "$(verdict "$r4" 1.05 le)"
printf 'bench: gl-watch CPU time: %s%% of the build'"'"'s (%d events), load-independent (goal <= 5%%: %s)\n' \
	"$wcpu" "$events" "$(verdict "$wcpu" 5 le)"
rm -rf "$work"
