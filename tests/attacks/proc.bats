#!/usr/bin/env bats
# Attacks on processes outside the jail and on the kernel: /proc, signals,
# ptrace, namespaces, mounts, io_uring and the other syscalls issue 3 denies.

load attack

# victim: a host process of the caller's identity holding a secret in its
# environment; $V is its pid
victim() {
	bg env VICTIM_TOKEN=victim-secret sleep 60
	V=$!
	local i
	for i in $(seq 50); do
		grep -q VICTIM_TOKEN "/proc/$V/environ" 2>/dev/null && return 0
		sleep 0.1
	done
}

a_environ() {
	victim
	injail "$PY atk.py environ $V; cat /proc/$V/environ; true"
	absent victim-secret
	alive "$V"
}
@test "attack: /proc/<outside pid>/environ and mem of a host process leak no secret" { as_both a_environ; }

a_vmread() {
	victim
	injail "$PY atk.py vmread $V"
	absent victim-secret
}
@test "attack: process_vm_readv of a host process reads nothing" { as_both a_vmread; }

a_ptrace_out() {
	victim
	injail "$PY atk.py ptrace $V; timeout 2 strace -p $V; gdb -batch -p $V 2>&1 | head -3; true"
	absent victim-secret
	alive "$V"
}
@test "attack: ptrace, strace and gdb cannot attach to a host process" { as_both a_ptrace_out; }

a_kill_pid() {
	victim
	injail "kill -9 $V; kill -STOP $V; $PY -c 'import os; os.kill($V, 9)'; true"
	sleep 0.2
	alive "$V"
}
@test "attack: kill -9 and -STOP of a host process's pid do not reach it" { as_both a_kill_pid; }

a_kill_all() {
	victim
	injail 'kill -9 -1; true'
	sleep 0.2
	alive "$V"
	# nor gl-jail's own parent, this shell
	alive $$
}
@test "attack: kill -9 -1 inside reaches no host process of the same uid" { as_both a_kill_all; }

a_proc_root() {
	victim
	injail "exec 2>/dev/null; cat /proc/$V/root$HOME/.ssh/id_ed25519; cat /proc/$V/cwd/../outside/secret;
		ls /proc/$V/root/; for p in /proc/[0-9]*; do cat \$p/root$HOME/.ssh/id_ed25519; done; true"
	absent ssh-secret
	absent outside-secret
}
@test "attack: /proc/<pid>/root of a host process does not lead to host files" { as_both a_proc_root; }

a_proc1() {
	export GITHUB_TOKEN=ghp_proc1secret
	injail 'exec 2>/dev/null; for p in /proc/[0-9]*; do tr "\0" "\n" < $p/environ; done; true'
	unset GITHUB_TOKEN
	absent ghp_proc1secret
}
@test "attack: /proc/1/environ (bubblewrap, pid 1 inside) holds no host secret" { as_both a_proc1; }

a_userns() {
	echo log > "$P/.gleisner/audit-1.jsonl" 2>/dev/null || { mkdir -p "$P/.gleisner"; echo log > "$P/.gleisner/audit-1.jsonl"; }
	[ -z "$AS" ] || chown -R 65534:65534 "$P/.gleisner"
	injail 'unshare -Ur sh -c "id -u; umount -l .gleisner; echo forged >> .gleisner/audit-1.jsonl"
		unshare -Urm sh -c "mount -o remount,rw,bind .gleisner; echo forged >> .gleisner/audit-1.jsonl; cat ~/.ssh/id_ed25519"
		'"$PY"' atk.py syscalls unshare_user; true'
	[ "$(cat "$P/.gleisner/audit-1.jsonl")" = log ]
	absent ssh-secret
	[[ "$output" == *"unshare_user errno"* ]]
}
@test "attack: a nested user namespace (unshare -Ur) then umount or remount fails" { as_both a_userns; }

a_mount() {
	mkdir -p "$P/.gleisner"
	echo log > "$P/.gleisner/audit-1.jsonl"
	[ -z "$AS" ] || chown -R 65534:65534 "$P/.gleisner"
	injail 'mount -o remount,rw,bind .gleisner; umount .gleisner; mount -t tmpfs none ~/.ssh;
		echo forged >> .gleisner/audit-1.jsonl; '"$PY"' atk.py syscalls mount fsopen open_tree move_mount; true'
	[ "$(cat "$P/.gleisner/audit-1.jsonl")" = log ]
	[[ "$output" == *"mount errno"* ]]
	[[ "$output" == *"fsopen errno"* ]]
	[[ "$output" == *"open_tree errno"* ]]
	[[ "$output" == *"move_mount errno"* ]]
}
@test "attack: mount(2) and the new mount API (fsopen, open_tree, move_mount) are denied" { as_both a_mount; }

a_io_uring() {
	injail "$PY atk.py syscalls io_uring"
	[[ "$output" == *"io_uring "* ]]
	[[ "$output" != *"io_uring ok"* ]] || known_gap seccomp "io_uring_setup succeeds inside"
}
@test "attack: io_uring_setup (syscall 425) is denied" { as_both a_io_uring; }

a_ptrace_in() {
	injail "timeout 5 strace -f -o /dev/null true; echo strace=\$?; $PY atk.py syscalls ptrace_traceme"
	[[ "$output" == *"ptrace_traceme "* ]]
	[[ "$output" != *"ptrace_traceme ok"* && "$output" == *"strace=1"* ]] ||
		known_gap seccomp "ptrace works inside the jail (strace of a child, PTRACE_TRACEME)"
}
@test "attack: ptrace inside the jail (strace, PTRACE_TRACEME) is denied" { as_both a_ptrace_in; }

a_keyring() {
	local J
	jail_argv bare
	run --separate-stderr host timeout 20 "$PY" "$T/atk.py" keyring plant "${J[@]}" -d "$P" -- \
	    sh -c "echo ran; $PY atk.py keyring read"
	ran
	[[ "$output" == *"search -3"* || "$output" == *"read -3"* ]]
	if [[ "$output" == *keyring-secret* ]]; then
		known_gap seccomp "keyctl reads a secret from the caller's session keyring"
	fi
}
@test "attack: keyctl reads no secret from the caller's session or user keyring" { as_both a_keyring; }

a_bpf_etc() {
	# one process per call: seccomp kills a process for kexec_load and
	# init_module, which counts as denied (exit 159 = 128 + SIGSYS)
	injail "for s in bpf perf userfaultfd kexec_load init_module; do
		$PY atk.py syscalls \$s || echo \"\$s killed=\$?\"; done"
	local s
	for s in bpf perf userfaultfd kexec_load init_module; do
		[[ "$output" == *"$s errno"* || "$output" == *"$s killed=159"* ]] ||
			known_gap seccomp "$s succeeds inside"
	done
}
@test "attack: bpf, perf_event_open, userfaultfd, kexec_load, init_module are denied" { as_both a_bpf_etc; }

a_caps() {
	injail "id -u; grep -E '^(CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status;
		$PY -c 'import os; os.setuid(0)' 2>&1 | tail -1; setpriv --reuid=0 id -u 2>&1 | tail -1"
	[[ "$(sed -n 2p <<<"$output")" =~ ^[1-9][0-9]*$ ]]
	[[ "$output" == *"CapEff:	0000000000000000"* ]]
	[[ "$output" == *"CapBnd:	0000000000000000"* ]]
	[[ "$output" == *"NoNewPrivs:	1"* ]]
	# uid 0 is not even mapped, and seccomp refuses: an error, never success
	[[ "$output" == *"Error: [Errno "* ]]
	[[ "$output" == *"setpriv: "*"Operation not permitted"* || "$output" == *"setpriv: setresuid failed"* ]]
	[[ "$output" != *$'\n0' ]]
}
@test "attack: setuid(0) inside fails; no uid 0, no capabilities, no_new_privs" { as_both a_caps; }
