#!/usr/bin/env bats
# Attacks through IPC and the network to listeners on the host: abstract
# and pathname unix sockets, loopback TCP and UDP, SysV and POSIX shm.

load attack

# listener KIND ADDR: a host listener as the caller for 10 s, logging to
# $T/listen.log; waits until it is bound
listener() {
	: > "$T/listen.log"
	[ -z "$AS" ] || chown 65534:65534 "$T/listen.log"
	bg "$PY" "$T/atk.py" listen "$1" "$2" "$T/listen.log" 10
	wait_for "$T/listen.log" ready
}

# control KIND ADDR: the same connection from the host reaches the listener,
# so a silent log below means the jail stopped it
control() {
	host "$PY" "$T/atk.py" connect "$1" "$2" >/dev/null
	wait_for "$T/listen.log" "escaped"
	: > "$T/listen.log"
}

# nothing_received: the listener outside logged no connection or datagram
nothing_received() {
	sleep 0.3
	if grep -q -E 'connected|datagram' "$T/listen.log"; then
		echo "ESCAPED: the listener outside received:"; cat "$T/listen.log"; return 1
	fi
}

a_abstract() {
	local name="gl-attack-$$-$RANDOM"
	listener abstract "$name"
	control abstract "$name"
	injail "$PY atk.py connect abstract $name"
	[[ "$output" == *refused:* ]]
	nothing_received
}
@test "attack: an abstract unix socket to a listener outside is refused" { as_both a_abstract; }

a_xdg() {
	local run="$T/xdg-run"
	mkdir -p "$run"; chmod 700 "$run"
	[ -z "$AS" ] || chown 65534:65534 "$run"
	export XDG_RUNTIME_DIR=$run
	listener path "$run/bus"
	control path "$run/bus"
	injail "echo \"xdg=\${XDG_RUNTIME_DIR:-unset}\"; $PY atk.py connect path $run/bus; ls $run"
	unset XDG_RUNTIME_DIR
	[[ "$output" == *xdg=unset* ]]
	[[ "$output" == *refused:* ]]
	absent bus
	nothing_received
}
@test "attack: a pathname socket in \$XDG_RUNTIME_DIR (a temp dir) is unreachable" { as_both a_xdg; }

a_run_user() {
	local uid=0 dir made=
	[ -z "$AS" ] || uid=65534
	dir=/run/user/$uid
	if [ ! -d "$dir" ]; then
		mkdir -p "$dir"; chown "$uid:$uid" "$dir"; chmod 700 "$dir"; made=1
	fi
	listener path "$dir/gl-attack-$$.sock"
	control path "$dir/gl-attack-$$.sock"
	injail "$PY atk.py connect path $dir/gl-attack-$$.sock; ls /run/user/ 2>&1"
	rm -f "$dir/gl-attack-$$.sock"
	[ -z "$made" ] || rm -rf "$dir"
	[[ "$output" == *refused:* ]]
	absent "gl-attack-$$"
	nothing_received
}
@test "attack: a pathname socket under /run/user/UID is unreachable" {
	[ "$(id -u)" -eq 0 ] || [ -d "/run/user/$(id -u)" ] || skip "no /run/user/$(id -u) and not root"
	as_both a_run_user
}

a_ssh_agent() {
	mkdir -p "$T/agent"
	[ -z "$AS" ] || chown 65534:65534 "$T/agent"
	export SSH_AUTH_SOCK=$T/agent/agent.sock
	listener path "$SSH_AUTH_SOCK"
	control path "$SSH_AUTH_SOCK"
	injail "echo \"sock=\${SSH_AUTH_SOCK:-unset}\"; $PY atk.py connect path $SSH_AUTH_SOCK"
	unset SSH_AUTH_SOCK
	[[ "$output" == *sock=unset* ]]
	[[ "$output" == *refused:* ]]
	nothing_received
}
@test "attack: the caller's ssh-agent socket (SSH_AUTH_SOCK) is unreachable" { as_both a_ssh_agent; }

a_tcp() {
	local port=$((20000 + RANDOM % 20000))
	listener tcp "127.0.0.1:$port"
	control tcp "127.0.0.1:$port"
	injail "$PY atk.py connect tcp 127.0.0.1:$port"
	[[ "$output" == *refused:* ]]
	nothing_received
}
@test "attack: TCP to a listener on the host's 127.0.0.1 gets nothing through" { as_both a_tcp; }

a_tcp6() {
	local port=$((20000 + RANDOM % 20000))
	host "$PY" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null ||
		skip "no IPv6 loopback on this host"
	listener tcp "::1:$port"
	control tcp "::1:$port"
	injail "$PY atk.py connect tcp ::1:$port"
	[[ "$output" == *refused:* ]]
	nothing_received
}
@test "attack: TCP to a listener on the host's ::1 gets nothing through" { as_both a_tcp6; }

a_udp() {
	local port=$((20000 + RANDOM % 20000))
	listener udp "127.0.0.1:$port"
	control udp "127.0.0.1:$port"
	injail "$PY atk.py connect udp 127.0.0.1:$port; $PY atk.py connect udp 127.0.0.1:$port"
	nothing_received
}
@test "attack: UDP to a listener on the host's 127.0.0.1 delivers nothing" { as_both a_udp; }

a_tcp_egress() {
	local port=$((20000 + RANDOM % 20000)) ip
	ip=$(hostname -I 2>/dev/null | awk '{print $1}')
	[ -n "$ip" ] || skip "the host has no non-loopback address"
	listener tcp "$ip:$port"
	control tcp "$ip:$port"
	# 443 is in konishi's allow_ports: the port filter alone would let it by
	injail "$PY atk.py connect tcp $ip:$port; $PY atk.py connect tcp 1.1.1.1:443"
	[[ "$output" != *$'\nconnected'* ]]
	nothing_received
}
@test "attack: TCP to the host's own address, or out to 1.1.1.1:443, gets nothing through" { as_both a_tcp_egress; }

a_sysv() {
	local key
	key=$(printf '0x6c%06x' $(( ($$ * 7 + RANDOM) % 16777216 )))
	host "$PY" "$T/atk.py" shm plant "$key" shm-secret >/dev/null
	run -0 host "$PY" "$T/atk.py" shm read "$key"
	[[ "$output" == *shm-secret* ]]
	injail "$PY atk.py shm read $key; ipcs -m"
	ipcrm -M "$key" 2>/dev/null || true
	absent shm-secret
}
@test "attack: a SysV shared memory segment on the host cannot be attached" { as_both a_sysv; }

a_devshm() {
	local f=/dev/shm/gl-attack-$$
	echo posix-shm-secret > "$f"
	chmod 666 "$f"
	injail "cat $f; ls /dev/shm; echo x > /dev/shm/gl-attack-in-$$; true"
	rm -f "$f"
	absent posix-shm-secret
	[ ! -e "/dev/shm/gl-attack-in-$$" ]
}
@test "attack: a POSIX shm file in the host's /dev/shm cannot be read or planted" { as_both a_devshm; }
