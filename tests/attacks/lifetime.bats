#!/usr/bin/env bats
# Lifetime and resources: nothing started inside outlives the jail, also
# when gl-jail is SIGKILLed; fork bombs, memory hogs and huge files are
# bounded by the profile's [resources].

load attack

# survivors: host processes still running the marker binary $P/surv
survivors() {
	pgrep -f -- "^$P/surv " || true
}

# none_survive: within 3 s no marker process is left
none_survive() {
	local i
	for i in $(seq 30); do
		[ -z "$(survivors)" ] && return 0
		sleep 0.1
	done
	echo "ESCAPED: processes from the jail survive it:"
	ps -o pid,uid,stat,args -p "$(survivors | paste -sd, -)"
	pkill -9 -f -- "^$P/surv " || true
	return 1
}

marker() {
	cp /usr/bin/sleep "$P/surv"
	[ -z "$AS" ] || chown 65534:65534 "$P/surv"
}

a_background() {
	marker
	injail "$P/surv 30 & $P/surv 31 </dev/null >/dev/null 2>&1 & echo started"
	[[ "$output" == *started* ]]
	none_survive
}
@test "attack: background processes do not survive the jail's exit" { as_both a_background; }

a_daemon() {
	marker
	injail "setsid sh -c '$P/surv 32 </dev/null >/dev/null 2>&1 &' & nohup $P/surv 33 >/dev/null 2>&1 &
		$PY -c 'import os,sys
if os.fork(): sys.exit(0)
os.setsid()
if os.fork(): sys.exit(0)
os.closerange(0, 256)
os.execv(\"$P/surv\", [\"$P/surv\", \"34\"])'
		sleep 0.3; echo started"
	[[ "$output" == *started* ]]
	none_survive
}
@test "attack: double-forked setsid daemons do not survive the jail's exit" { as_both a_daemon; }

a_sigkill() {
	local J i gj before
	marker
	before=$(ls -d /dev/shm/.gl-jail.* /tmp/.gl-jail.* 2>/dev/null | wc -l)
	jail_argv
	"${J[@]}" -d "$P" -- sh -c "$P/surv 35 & $P/surv 36 & wait" >/dev/null 2>&1 &
	gj=$!
	KILL_PIDS="${KILL_PIDS:-} $gj"
	for i in $(seq 50); do
		[ "$(survivors | wc -l)" -ge 2 ] && break
		sleep 0.1
	done
	[ "$(survivors | wc -l)" -ge 2 ] || { echo "the jail never started its children"; return 1; }
	kill -9 "$gj"
	wait "$gj" 2>/dev/null || true
	none_survive
	# a root caller's staging is a tmpfs of its own mount namespace: no
	# directory is left on the host either
	[ "$(ls -d /dev/shm/.gl-jail.* /tmp/.gl-jail.* 2>/dev/null | wc -l)" -eq "$before" ]
}
@test "attack: after SIGKILL of gl-jail nothing started inside survives" { as_both a_sigkill; }

a_forkbomb() {
	printf 'include = konishi\n[resources]\nmax_pids = 32\n' > "$T/pids.ini"
	JP=$T/pids.ini injail "$PY atk.py forkbomb 300"
	[[ "$output" == *forked* ]]
	local n
	n=$(sed -n 's/^forked \([0-9]*\)$/\1/p' <<<"$output")
	[ "$n" -le 32 ] || known_gap cgroup "a fork bomb started $n processes with max_pids = 32"
}
@test "attack: a fork bomb is bounded by max_pids" { as_both a_forkbomb; }

a_memhog() {
	printf 'include = konishi\n[resources]\nmax_memory_mb = 64\n' > "$T/mem.ini"
	JP=$T/mem.ini injail "$PY atk.py memhog 256; echo hog=\$?"
	[[ "$output" == *hog=* ]]
	[[ "$output" != *"allocated 256"* ]] ||
		known_gap cgroup "a memory hog touched 256 MB with max_memory_mb = 64"
}
@test "attack: a memory hog is bounded by max_memory_mb" { as_both a_memhog; }

a_bigfile() {
	printf 'include = konishi\n[resources]\nmax_disk_write_mb = 1\n' > "$T/fsize.ini"
	JP=$T/fsize.ini injail "head -c 3145728 /dev/zero > big; echo wrote=\$?"
	[[ "$output" == *wrote=* ]]
	local size
	size=$(stat -c %s "$P/big")
	[ "$size" -le 1048576 ] ||
		known_gap rlimits "a 3 MB file was written with max_disk_write_mb = 1 ($size bytes)"
}
@test "attack: one huge file is bounded by max_disk_write_mb" { as_both a_bigfile; }

a_fds() {
	printf 'include = konishi\n[resources]\nmax_file_descriptors = 64\n' > "$T/nofile.ini"
	JP=$T/nofile.ini injail "$PY -c '
import os
fds = []
try:
    for _ in range(500):
        fds.append(os.open(\"/dev/null\", os.O_RDONLY))
except OSError:
    pass
print(\"opened\", len(fds))'"
	local n
	n=$(sed -n 's/^opened \([0-9]*\)$/\1/p' <<<"$output")
	[ -n "$n" ]
	[ "$n" -le 64 ] || known_gap rlimits "$n descriptors opened with max_file_descriptors = 64"
}
@test "attack: descriptor exhaustion is bounded by max_file_descriptors" { as_both a_fds; }
