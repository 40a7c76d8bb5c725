#!/usr/bin/env bats
# gl-jail: resources, lifetime, fail-closed and --probe.

load helpers
load jail

setup() { gl_setup; }
teardown() { gl_teardown; }

# profile NAME KEY=VALUE...: konishi with [resources] (or, after a
# '[section]' argument, other) overrides
profile() {
	local name=$1 kv
	shift
	{
		echo "include = konishi"
		echo "[resources]"
		for kv in "$@"; do
			case $kv in
			\[*) echo "$kv" ;;
			*) echo "${kv%%=*} = ${kv#*=}" ;;
			esac
		done
	} > "$T/$name.ini"
	chmod 644 "$T/$name.ini"
}

# The caller can have its memory and pids limited by some cgroup.
cgroup_ok() {
	"$GL_BIN/gl-jail" --probe | jq -e '.cgroup.limits.memory != null and .cgroup.limits.pids != null' >/dev/null
}

# nobody_cgroup_ok: uid 65534 could be limited (delegation)
nobody_cgroup_ok() {
	nobody_copies
	as_nobody "$NB_BIN/gl-jail" --probe | jq -e '.cgroup.limits.memory != null and .cgroup.limits.pids != null' >/dev/null
}

# gone PATTERN: wait up to 5 s until no process matches the full command line
gone() {
	local i
	for i in $(seq 50); do
		pgrep -f "$1" >/dev/null || return 0
		sleep 0.1
	done
	pgrep -af "$1"
	return 1
}

@test "gl-jail --probe: one JSON line naming every layer, exit 0" {
	run -0 --separate-stderr gl-jail --probe
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | jq -e '
		(.kernel | type == "string") and
		(.userns.unprivileged | type == "boolean") and
		(.userns | has("apparmor_restrict_unprivileged_userns") and has("max_user_namespaces")) and
		(.landlock.abi | type == "number") and (.landlock | has("errata")) and
		(.seccomp.available | type == "boolean") and (.seccomp.actions | type == "array") and
		(.cgroup.v2 | has("path")) and (.cgroup.v1 | has("memory") and has("pids")) and
		(.cgroup.limits | has("memory") and has("pids") and has("cpu")) and
		(.cgroup.favordynmods | type == "boolean") and
		(.bubblewrap | has("version")) and
		(.netfilter.netlink | type == "boolean") and
		(.ipv6.available | type == "boolean")'
	# what it says agrees with the machine
	want=false
	grep -q ' - cgroup2\? .*favordynmods' /proc/self/mountinfo && want=true
	echo "$output" | jq -e --argjson w "$want" '.cgroup.favordynmods == $w'
	if [ "$(id -u)" -eq 0 ] && [ "$want" = false ] && mkdir "$T/cg" &&
		mount -t cgroup -o none,name=gl-test-fdm,favordynmods cgroup "$T/cg" 2>/dev/null; then
		run -0 gl-jail --probe
		umount "$T/cg"
		echo "$output" | jq -e '.cgroup.favordynmods == true'
	fi
	[ "$(echo "$output" | jq -r .bubblewrap.version)" = "$(bwrap --version | cut -d' ' -f2)" ]
	[ "$(echo "$output" | jq -r .ipv6.available)" = "$([ -e /proc/net/if_inet6 ] && echo true || echo false)" ]
	# probing leaves no cgroup behind
	[ -z "$(find /sys/fs/cgroup -maxdepth 6 -name 'gl-jail-probe-*' 2>/dev/null)" ]
}

@test "gl-jail --probe --human: a short summary, one line a layer" {
	run -0 --separate-stderr gl-jail --probe --human
	[[ "$output" == *"landlock:"*"ABI "* ]]
	[[ "$output" == *"cgroup v2:"* && "$output" == *"cgroup v1:"* && "$output" == *"bubblewrap:"* ]]
	run -125 --separate-stderr gl-jail --probe -- true
	run -125 --separate-stderr sh -c 'gl-jail --probe >/dev/full'
	run -125 --separate-stderr sh -c 'gl-jail --probe --human >/dev/full'
}

@test "gl-jail: the report says which cgroup mechanism held the jail, with each limit read back" {
	cgroup_ok || skip "no cgroup can limit this caller"
	jail_world
	profile small max_memory_mb=64 max_pids=32 max_cpu_percent=50
	run -0 --separate-stderr jail -p "$T/small.ini" -d "$P" --report "$T/r.json" -- true
	jq -e '.cgroup.enforced and (.cgroup.mechanism == "v1" or .cgroup.mechanism == "v2")' "$T/r.json"
	jq -e '.cgroup.joined and .cgroup.removed' "$T/r.json"
	jq -e '.cgroup.limits.memory | .enforced and .written == "67108864" and .read == "67108864"' "$T/r.json"
	jq -e '.cgroup.limits.pids | .enforced and .written == "32" and .read == "32"' "$T/r.json"
	jq -e '.cgroup.limits.cpu | (.enforced and (.read == "50000 100000" or .read == "50000")) or (.enforced == false and (.reason | length > 0))' "$T/r.json"
	jq -e '.cgroup.stats.pids_peak >= 1 and .cgroup.stats.memory_peak_bytes > 0' "$T/r.json"
	jq -e '.degraded == []' "$T/r.json"
	# the cgroup directories are gone
	for d in $(jq -r '.cgroup.paths[]' "$T/r.json"); do [ ! -e "$d" ]; done
}

@test "gl-jail: a memory hog (2x max_memory_mb) is killed or bounded, the host is fine" {
	cgroup_ok || skip "no cgroup can limit this caller"
	command -v python3 >/dev/null || skip "no python3"
	jail_world
	profile small max_memory_mb=64
	run --separate-stderr timeout 30 "$GL_BIN/gl-jail" -p "$T/small.ini" -d "$P" --report "$T/r.json" -- \
		python3 -c 'b = b"x" * (128 << 20); print(len(b))'
	[ "$status" -ne 0 ] && [ "$status" -ne 124 ]
	[ -z "$output" ]
	jq -e '.cgroup.stats.memory_peak_bytes <= 67108864' "$T/r.json"
	jq -e '.cgroup.stats.oom_kills >= 1 or .exit.code == 1' "$T/r.json"
	for d in $(jq -r '.cgroup.paths[]' "$T/r.json"); do [ ! -e "$d" ]; done
}

@test "gl-jail: a fork bomb is bounded by max_pids, and nothing of it survives" {
	cgroup_ok || skip "no cgroup can limit this caller"
	jail_world
	profile small max_pids=32
	M=$((7000 + $$ % 500))
	run --separate-stderr timeout 30 "$GL_BIN/gl-jail" -p "$T/small.ini" -d "$P" --report "$T/r.json" -- \
		sh -c "i=0; while [ \$i -lt 200 ]; do sleep $M & i=\$((i+1)); done; wait"
	[ "$status" -ne 124 ] && [ "$status" -ne 0 ]
	[[ "$stderr" == *"fork"* ]]
	# pids.max, or for a root caller RLIMIT_NPROC (the same number), said no
	jq -e '.cgroup.stats.pids_peak <= 32' "$T/r.json"
	gone "^sleep $M\$"
	# the host still forks
	run -0 sh -c 'echo ok'
}

check_fsize() {
	profile fsize max_disk_write_mb=1
	run -1 --separate-stderr jail -p "$T/fsize.ini" -d "$P" -- \
		sh -c 'trap "" XFSZ; dd if=/dev/zero of=big bs=64k count=32 2>&1 >/dev/null; exit 1'
	[[ "$output" == *"File too large"* ]]
	[ "$(stat -c %s "$P/big")" -eq 1048576 ]
	# without the trap the kernel's SIGXFSZ stops the writer: 128 + 25
	run -153 --separate-stderr jail -p "$T/fsize.ini" -d "$P" -- dd if=/dev/zero of=big2 bs=64k count=32
}
@test "gl-jail: max_disk_write_mb is RLIMIT_FSIZE, a write beyond it fails with EFBIG (root and unprivileged)" { both check_fsize; }

check_nofile() {
	profile nofile max_file_descriptors=64
	run -0 --separate-stderr jail -p "$T/nofile.ini" -d "$P" -- sh -c 'ulimit -n; ulimit -c'
	[ "$output" = "64
0" ]
	run -1 --separate-stderr jail -p "$T/nofile.ini" -d "$P" -- python3 -c 'import os
for _ in range(100): os.open("/dev/null", 0)'
	[[ "$stderr" == *"Too many open files"* ]]
	run -0 --separate-stderr jail -p "$T/nofile.ini" -d "$P" --report "$T/r.json" -- true
	jq -e '.rlimits.enforced and .rlimits.limits.nofile.soft == 64 and .rlimits.limits.nofile.hard == 64' "$T/r.json"
	jq -e '.rlimits.limits.core.hard == 0 and .rlimits.limits.fsize.requested == 10737418240' "$T/r.json"
	if [ -z "$AS" ]; then
		# a root caller's jail has a uid of its own: RLIMIT_NPROC = max_pids
		jq -e '.rlimits.limits.nproc | .enforced and .soft == 256' "$T/r.json"
	else
		jq -e '.rlimits.limits.nproc | .enforced == false and (.reason | test("caller"))' "$T/r.json"
	fi
}
@test "gl-jail: max_file_descriptors is RLIMIT_NOFILE, cores are off, the report reads them back (root and unprivileged)" { both check_nofile; }

check_survivors() {
	M=$((8000 + $$ % 500 + ${#AS}))
	run -0 --separate-stderr jail -d "$P" -- sh -c "setsid sh -c 'sleep $M &'; nohup sleep $((M+1)) >/dev/null 2>&1 & exit 0"
	gone "^sleep ($M|$((M+1)))\$"
}
@test "gl-jail: a double-forked daemon does not outlive the jail (root and unprivileged)" { both check_survivors; }

@test "gl-jail: after kill -9 of gl-jail nothing of the jail remains, nor its cgroup (root and unprivileged)" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to pick the jail's uid"
	jail_world
	M=$((9000 + $$ % 500))
	env HOME="$HOME" TERM=dumb "$GL_BIN/gl-jail" --host-uid 4243 -d "$P" -- \
		sh -c "setsid sh -c 'sleep $M &'; sleep $((M+1))" 2>/dev/null &
	J=$!
	for i in $(seq 50); do pgrep -u 4243 -f "^sleep $((M+1))\$" >/dev/null && break; sleep 0.1; done
	pgrep -u 4243 -f "^sleep $M\$"
	kill -9 "$J"
	gone "^sleep ($M|$((M+1)))\$"
	for i in $(seq 50); do [ -z "$(pgrep -u 4243)" ] && break; sleep 0.1; done
	[ -z "$(pgrep -u 4243)" ]
	# the guard removed the cgroup
	for i in $(seq 50); do [ -z "$(find /sys/fs/cgroup -maxdepth 6 -name "gl-jail-$J" 2>/dev/null)" ] && break; sleep 0.1; done
	[ -z "$(find /sys/fs/cgroup -maxdepth 6 -name "gl-jail-$J" 2>/dev/null)" ]

	# and as an unprivileged caller
	nobody_copies
	chown -R 65534:65534 "$T"
	# setpriv itself, not the as_nobody function: $! must be gl-jail
	setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME="$HOME" \
		GLEISNER_PROFILE_PATH="$NB_PROFILES" TERM=dumb "$NB_BIN/gl-jail" \
		--allow-degraded cgroup -d "$P" -- sh -c "setsid sh -c 'sleep $((M+2)) &'; sleep $((M+3))" 2>/dev/null &
	J=$!
	for i in $(seq 50); do pgrep -f "^sleep $((M+3))\$" >/dev/null && break; sleep 0.1; done
	pgrep -f "^sleep $((M+2))\$"
	kill -9 "$J"
	gone "^sleep ($((M+2))|$((M+3)))\$"
}

@test "gl-jail: no cgroup delegation fails closed with 125 and a hint; --allow-degraded cgroup runs and says so" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to become uid 65534"
	nobody_cgroup_ok && skip "uid 65534 has a cgroup delegated here"
	AS=as_nobody
	jail_world
	run -125 --separate-stderr as_nobody env HOME="$HOME" GLEISNER_PROFILE_PATH="$NB_PROFILES" \
		"$NB_BIN/gl-jail" -d "$P" --report "$T/r.json" -- true
	[[ "$stderr" == *"gl-jail: cgroup: cannot enforce max_memory_mb and max_pids: "* ]]
	[[ "$stderr" == *"gl-jail: hint: "*"--allow-degraded cgroup"* ]]
	[ ! -e "$T/r.json" ]
	run -0 --separate-stderr as_nobody env HOME="$HOME" GLEISNER_PROFILE_PATH="$NB_PROFILES" \
		"$NB_BIN/gl-jail" --allow-degraded cgroup -d "$P" --report "$T/r.json" -- true
	[[ "$stderr" == *"gl-jail: warning: cgroup: "*"memory and pids are not limited"* ]]
	jq -e '.cgroup.enforced == false and .cgroup.mechanism == null and .cgroup.required' "$T/r.json"
	jq -e '.degraded | length == 1 and .[0].layer == "cgroup" and (.[0].reason | length > 0)' "$T/r.json"
	# limits of 0 ask for no cgroup: nothing to fail on
	profile nolimits max_memory_mb=0 max_pids=0 max_cpu_percent=0
	run -0 --separate-stderr as_nobody env HOME="$HOME" "$NB_BIN/gl-jail" -p "$T/nolimits.ini" -d "$P" -- true
}

@test "gl-jail: a Landlock ABI below the profile's min_abi fails closed; --allow-degraded landlock says so" {
	jail_world
	profile newll '[landlock]' min_abi=64
	run -125 --separate-stderr jail -p "$T/newll.ini" -d "$P" -- true
	[[ "$stderr" == *"gl-jail: landlock: the kernel offers ABI "*", the profile needs 64"* ]]
	[[ "$stderr" == *"gl-jail: hint: "*"--allow-degraded landlock"* ]]
	run -0 --separate-stderr jail -p "$T/newll.ini" -d "$P" --allow-degraded landlock,cgroup --report "$T/r.json" -- true
	jq -e '.landlock.requested == false and (.landlock.abi | type == "number")' "$T/r.json"
	jq -e '[.degraded[].layer] | index("landlock") != null' "$T/r.json"
	run -125 --separate-stderr jail --allow-degraded seccomp,nonsense -d "$P" -- true
	[[ "$stderr" == *"unknown layer"* ]]
}

@test "gl-jail(1) EXAMPLES: the probe's limits, and a degraded run" {
	run -0 --separate-stderr sh -c 'gl-jail --probe | jq -c .cgroup.limits'
	echo "$output" | jq -e 'has("memory") and has("pids") and has("cpu")'
	jail_world
	run -0 --separate-stderr jail --allow-degraded cgroup -d "$P" -- echo hello
	[ "$output" = hello ]
}
