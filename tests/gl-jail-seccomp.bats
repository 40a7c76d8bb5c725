#!/usr/bin/env bats
# gl-jail: the seccomp filter holds, as root and as an unprivileged user.

load helpers
load jail

setup() { gl_setup; }
teardown() { gl_teardown; }

PY3=/usr/bin/python3
# sc NR ARG...: a raw system call; prints ok or the errno's text
SC='import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def sc(nr, *a):
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(x) for x in a])
    return "ok" if r >= 0 else os.strerror(ctypes.get_errno())
buf = ctypes.addressof(ctypes.create_string_buffer(256))
'

# in_tty CMD: CMD under script(1), a real terminal whose input stays open
in_tty() {
	sleep 2 | $AS env HOME="$HOME" GLEISNER_PROFILE_PATH="${NB_PROFILES:-$GLEISNER_PROFILE_PATH}" \
		PY="$PY" SHELL=/bin/bash script -qec "$1" /dev/null
}

# the gl-jail binary the current identity runs
jailbin() {
	if [ -n "${AS:-}" ]; then
		nobody_copies
		# no cgroup is delegated to uid 65534 here: see tests/jail.bash
		echo "$NB_BIN/gl-jail --allow-degraded cgroup"
	else
		echo "$GL_BIN/gl-jail"
	fi
}

check_tiocsti_tty() {
	local gj
	gj=$(jailbin)
	# a real terminal: whatever the jail pushes into it, the shell after it reads
	export PY='import fcntl, termios
for c in b"echo PWNED\n": fcntl.ioctl(0, termios.TIOCSTI, bytes([c]))'
	run -0 in_tty "$gj -d $P -- $PY3 -c \"\$PY\"; read -t 1 l; echo got=\$l"
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *got=* ]]
	[[ "$output" != *"got=echo PWNED"* ]]
}
@test "gl-jail: TIOCSTI into the caller's terminal is denied (root and unprivileged)" {
	# the attack works outside the jail, so the test can fail
	export PY='import fcntl, termios
for c in b"echo PWNED\n": fcntl.ioctl(0, termios.TIOCSTI, bytes([c]))'
	AS= run -0 in_tty "$PY3 -c \"\$PY\"; read -t 1 l; echo got=\$l"
	[[ "$output" == *"got=echo PWNED"* ]]
	both check_tiocsti_tty
}

# a session of its own with a terminal of its own: the kernel allows TIOCSTI
# there, only the filter stops it; with high bits set in the command too
STI='import ctypes, fcntl, os, termios
libc = ctypes.CDLL(None, use_errno=True)
try:
    os.setsid()
except OSError:
    pass
m, s = os.openpty()
fcntl.ioctl(s, termios.TIOCSCTTY, 0)
c = ctypes.c_char(b"x")
for cmd in (0x5412, 0x5412 | 0xdeadbeef00000000, 0x541C | 0xdeadbeef00000000):
    r = libc.syscall(ctypes.c_long(16), ctypes.c_long(s), ctypes.c_ulong(cmd), ctypes.byref(c))
    print("%x:%s" % (cmd, "ok" if r == 0 else os.strerror(ctypes.get_errno())))
'
check_tiocsti_own() {
	run -0 --separate-stderr jail -d "$P" -- $PY3 -c "$STI"
	[ "${lines[0]}" = "5412:Operation not permitted" ]
	[ "${lines[1]}" = "deadbeef00005412:Operation not permitted" ]
	[ "${lines[2]}" = "deadbeef0000541c:Operation not permitted" ]
}
@test "gl-jail: TIOCSTI and TIOCLINUX are denied on any terminal, also with high bits set (root and unprivileged)" {
	run -0 $PY3 -c "$STI"
	[ "${lines[1]}" = "deadbeef00005412:ok" ]
	both check_tiocsti_own
}

check_userns() {
	run -1 --separate-stderr jail -d "$P" -- unshare -U true
	# EPERM is the filter's: bubblewrap's --disable-userns alone says ENOSPC
	[[ "$stderr" == *"Operation not permitted"* ]]
	run -0 --separate-stderr jail -d "$P" -- $PY3 -c "$SC
print(sc(272, 0x10000000), sc(56, 0x10000000 | 17, 0, 0, 0, 0), sc(272, 0x20000))"
	[ "$output" = "Operation not permitted Operation not permitted Operation not permitted" ]
}
@test "gl-jail: nested user namespaces are denied: unshare -U, clone, unshare (root and unprivileged)" { both check_userns; }

check_mount() {
	run -32 --separate-stderr jail -d "$P" -- mount -t tmpfs none /tmp
	# mount, umount2, pivot_root, fsopen, open_tree, fspick, mount_setattr
	run -0 --separate-stderr jail -d "$P" -- $PY3 -c "$SC
print(sc(165, buf, buf, buf, 0, 0), sc(166, buf, 0), sc(155, buf, buf), sc(430, buf, 0),
    sc(428, -100, buf, 0), sc(433, -100, buf, 0), sc(442, -100, buf, 0, buf, 32))"
	[ "$output" = "$(printf 'Operation not permitted %.0s' 1 2 3 4 5 6)Operation not permitted" ]
}
@test "gl-jail: the mount system calls, old and new, are denied (root and unprivileged)" { both check_mount; }

check_ptrace() {
	run -0 --separate-stderr jail -d "$P" -- $PY3 -c "$SC
print(sc(101, 0, 0, 0, 0), sc(310, 1, buf, 1, buf, 1, 0), sc(311, 1, buf, 1, buf, 1, 0), sc(312, 1, 1, 0, 0, 0))"
	[ "$output" = "Operation not permitted Operation not permitted Operation not permitted Operation not permitted" ]
	run --separate-stderr jail -d "$P" -- strace -o /dev/null true
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"Operation not permitted"* ]]
}
@test "gl-jail: ptrace, process_vm_readv/writev and kcmp are denied; strace fails (root and unprivileged)" {
	# PTRACE_TRACEME works outside
	run -0 $PY3 -c "$SC
print(sc(101, 0, 0, 0, 0))"
	[ "$output" = ok ]
	both check_ptrace
}

check_io_uring() {
	run -0 --separate-stderr jail -d "$P" -- $PY3 -c "$SC
print(sc(425, 8, buf), sc(426, 0, 0, 0, 0, 0, 0), sc(427, 0, 0, 0, 0))"
	[ "$output" = "Operation not permitted Operation not permitted Operation not permitted" ]
}
@test "gl-jail: io_uring is denied (root and unprivileged)" {
	run -0 $PY3 -c "$SC
print(sc(425, 8, buf))"
	[ "$output" = ok ]
	both check_io_uring
}

check_kernel() {
	# bpf, perf_event_open, userfaultfd, keyctl, add_key, request_key, setns
	run -0 --separate-stderr jail -d "$P" -- $PY3 -c "$SC
print(sc(321, 0, buf, 72), sc(298, buf, 0, -1, -1, 0), sc(323, 0), sc(250, 0, -3, 0),
    sc(248, buf, buf, 0, 0, -3), sc(249, buf, buf, 0, -3), sc(308, 0, 0))"
	[ "$output" = "$(printf 'Operation not permitted %.0s' 1 2 3 4 5 6)Operation not permitted" ]
}
@test "gl-jail: bpf, perf_event_open, userfaultfd, the keyctl family and setns are denied (root and unprivileged)" {
	# the session keyring answers outside
	run -0 $PY3 -c "$SC
print(sc(250, 0, -3, 0))"
	[ "$output" = ok ]
	both check_kernel
}

check_kill() {
	# x32 and i386 entry points, kexec and modules: the process dies of SIGSYS
	run -159 --separate-stderr jail -d "$P" -- $PY3 -c "$SC
sc(0x40000000 | 39)"
	run -159 --separate-stderr jail -d "$P" -- $PY3 -c "$SC
sc(313, -1, buf, 0)"
	run -159 --separate-stderr jail -d "$P" -- $PY3 -c "$SC
sc(246, 0, 0, 0, 0)"
}
@test "gl-jail: x32 system calls, kexec and module loading kill the process (root and unprivileged)" { both check_kill; }

check_programs() {
	local p
	for p in konishi carter-zimmerman ashton-laval developer; do
		run -0 --separate-stderr jail -p "$p" -d "$P" -- sh -c \
			'x=$(echo hi) && [ "$x" = hi ] && make --version >/dev/null && python3 -c "print(6*7)" && ls -l . >/dev/null'
		[ "$output" = 42 ] || { echo "profile $p: $output $stderr"; return 1; }
		if command -v node >/dev/null; then
			run -0 --separate-stderr jail -p "$p" -d "$P" -- node -e 'require("child_process").execSync("true"); console.log("n")'
			[ "$output" = n ] || { echo "profile $p: node: $stderr"; return 1; }
		fi
		if command -v claude >/dev/null; then
			run -0 --separate-stderr jail -p "$p" -d "$P" -- claude --version
			[[ "$output" == *"Claude Code"* ]] || { echo "profile $p: claude: $stderr"; return 1; }
		fi
	done
}
@test "gl-jail: sh, make, python3, node and claude still work under each bundled profile (root and unprivileged)" { both check_programs; }

check_report() {
	exec 5>"$T/ll.json"
	run -0 --separate-stderr jail -p ashton-laval -d "$P" --report "$T/r.json" --landlock-report-fd 5 -- true
	exec 5>&-
	# measured inside, after the filter is on
	jq -e '.process.seccomp == "filter"' "$T/ll.json"
	jq -e '.seccomp | .enforced == true and .preset == "nodejs" and .default_action == "kill" and
		.allowed > 189 and .arch.x32 == "kill" and
		(.deny | map(select(.syscall == "ioctl"))[0].action == "EPERM") and
		(.added | index("landlock_restrict_self") != null)' "$T/r.json"
}
@test "gl-jail: the report says which filter was installed; gl-landlock measures Seccomp: 2 inside (root and unprivileged)" { both check_report; }

check_default_action() {
	# getcpu is not in the nodejs list
	run -0 --separate-stderr jail -d "$P" -- $PY3 -c "$SC
print(sc(309, buf, 0, 0))"
	[ "$output" = "Operation not permitted" ]
	run -159 --separate-stderr jail -p ashton-laval -d "$P" -- $PY3 -c "$SC
print(sc(309, buf, 0, 0))"
	cat > "$T/log.ini" <<INI
include = konishi
[process.seccomp]
default_action = log
INI
	run -0 --separate-stderr jail -p "$T/log.ini" -d "$P" -- $PY3 -c "$SC
print(sc(309, buf, 0, 0))"
	[ "$output" = ok ]
}
@test "gl-jail: what the preset does not list gets default_action: errno, kill, log (root and unprivileged)" { both check_default_action; }

check_presets() {
	cat > "$T/off.ini" <<INI
include = konishi
[process.seccomp]
preset = disabled
INI
	# disabled: everything but the deny list
	run -0 --separate-stderr jail -p "$T/off.ini" -d "$P" -- $PY3 -c "$SC
print(sc(309, buf, 0, 0), sc(250, 0, -3, 0), sc(272, 0x10000000))"
	[ "$output" = "ok Operation not permitted Operation not permitted" ]
	cat > "$T/custom.ini" <<INI
include = konishi
[process.seccomp]
preset = custom
default_action = kill
allow_syscalls = getcpu
INI
	# custom: the names and what the jail needs to reach the command
	run -0 --separate-stderr jail -p "$T/custom.ini" -d "$P" --report "$T/r.json" -- /bin/echo hi
	[ "$output" = hi ]
	jq -e '.seccomp.preset == "custom" and (.seccomp.added | index("execve") != null)' "$T/r.json"
	run -159 --separate-stderr jail -p "$T/custom.ini" -d "$P" -- sh -c 'echo $(echo x)'
}
@test "gl-jail: preset disabled keeps the deny list; custom allows its names and the jail's own (root and unprivileged)" { both check_presets; }

@test "gl-jail: a seccomp name that is unknown or always denied is 125 with one line" {
	jail_world
	cat > "$T/bad.ini" <<INI
include = konishi
[process.seccomp]
preset = custom
allow_syscalls = read
allow_syscalls = frobnicate
INI
	run -125 --separate-stderr jail -p "$T/bad.ini" -d "$P" -- true
	[ "$stderr" = "gl-jail: seccomp: allow_syscalls frobnicate: unknown system call" ]
	sed -i 's/frobnicate/ptrace/' "$T/bad.ini"
	run -125 --separate-stderr jail -p "$T/bad.ini" -d "$P" -- true
	[ "$stderr" = "gl-jail: seccomp: allow_syscalls ptrace: always denied, it cannot be allowed" ]
	sed -i 's/preset = custom/preset = strict/' "$T/bad.ini"
	run -125 --separate-stderr jail -p "$T/bad.ini" -d "$P" -- true
	[[ "$stderr" == *strict* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "gl-jail(1) EXAMPLES: what the seccomp filter denies, and how" {
	jail_world
	cd "$P"
	run -0 --separate-stderr sh -c 'gl-jail --report r.json -- true &&
	    jq -r '"'"'.seccomp.deny[] | "\(.action) \(.syscall)"'"'"' r.json'
	[[ "$output" == *"EPERM ioctl"* ]]
	[[ "$output" == *"ENOSYS clone3"* ]]
	[[ "$output" == *"kill kexec_load"* ]]
}

check_everyday_tools() {
	printf 'all:\n\techo recipe-ran; echo $$((6*7))\n' > "$P/Makefile"
	echo a > "$P/a"
	[ -z "$AS" ] || chown -R 65534:65534 "$P"
	for prof in konishi carter-zimmerman ashton-laval developer; do
		# make runs recipes through posix_spawn (setresuid), cp -a and
		# sed -i try extended attributes: all must work under each preset
		run -0 --separate-stderr jail -p "$prof" -d "$P" -- sh -c \
			'make -s && cp -a a b && sed -i s/a/c/ b && install -m 644 a d && cat b'
		[[ "$output" == *recipe-ran*42*c* ]]
	done
}
@test "gl-jail: make recipes, cp -a, sed -i and install work under every bundled profile (root and unprivileged)" { both check_everyday_tools; }
