#!/usr/bin/env bats
# Terminal injection: the jail runs in a real pty (script(1)) whose outer
# shell reads its terminal after the jail exits, as an interactive shell
# would, and runs what it read.  Nothing pushed from inside may arrive.

load attack

# pty_run INNER: in a fresh pty, bash runs INNER, then reads its terminal
# for a second and evaluates the line.  Sets $output.
pty_run() {
	local fifo=$T/pty-stdin outer
	rm -f "$fifo"; mkfifo "$fifo"
	[ -z "$AS" ] || chown 65534:65534 "$fifo"
	outer="$1; read -t 1 line; echo \"outer read: [\$line]\"; eval \"\$line\""
	# the fifo, open for reading and writing, never ends script's input
	run host timeout -k 2 20 script -qec "bash -c $(printf %q "$outer")" /dev/null 0<>"$fifo"
}

# inject ARGS...: atk.py tiocsti ARGS inside the jail; the pushed line would
# create $P/pwned when the outer shell runs it
inject() {
	local cmd
	cmd="$(jail_cmd) -d $(printf %q "$P") -- $PY atk.py tiocsti $* $(printf %q "touch $P/pwned")"
	pty_run "$cmd"
	[[ "$output" == *pushed* ]] || { echo "the attack never ran: $output"; return 1; }
	if [[ "$output" == *"outer read: [touch"* ]] || [ -e "$P/pwned" ]; then
		echo "ESCAPED: the keystrokes reached the caller's terminal:"; echo "$output"; return 1
	fi
}

# harness: outside any jail the same push does arrive, when the kernel
# allows TIOCSTI at all, so the checks above can see an injection
harness() {
	[ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null)" = 1 ] || return 0
	pty_run "$PY $(printf %q "$T/atk.py") tiocsti $1 $(printf %q "touch $T/control")"
	[[ "$output" == *"outer read: [touch $T/control]"* ]] ||
		{ echo "harness: injection outside the jail did not arrive: $output"; return 1; }
	[ -e "$T/control" ]
	rm -f "$T/control"
}

a_tiocsti() {
	harness 0x5412
	inject 0x5412
	[[ "$output" == *"pushed 0"* ]]
}
@test "attack: TIOCSTI injects nothing into the caller's terminal" { as_both a_tiocsti; }

a_tiocsti_high() {
	harness 0xffffffff00005412
	inject 0xffffffff00005412
	[[ "$output" == *"pushed 0"* ]]
}
@test "attack: TIOCSTI with high bits set (0xffffffff00005412) injects nothing" { as_both a_tiocsti_high; }

a_tiocsti_devtty() {
	inject 0x5412 dev-tty
	[[ "$output" == *"pushed 0"* ]]
}
@test "attack: TIOCSTI through /dev/tty opened inside injects nothing" { as_both a_tiocsti_devtty; }

a_tiocsti_sctty() {
	inject 0x5412 sctty
	[[ "$output" == *"pushed 0"* ]]
}
@test "attack: TIOCSCTTY to steal the caller's terminal, then TIOCSTI, injects nothing" { as_both a_tiocsti_sctty; }

a_tioclinux() {
	local cmd
	cmd="$(jail_cmd) -d $(printf %q "$P") -- $PY atk.py tioclinux"
	pty_run "$cmd"
	[[ "$output" == *"TIOCLINUX 3"* ]]
	[[ "$output" == *"outer read: []"* ]]
	[[ "$output" != *"TIOCLINUX 3 (0"* ]]
}
@test "attack: TIOCLINUX (set and paste selection) injects nothing" { as_both a_tioclinux; }
