#!/usr/bin/env bats
# gl-landlock: Landlock applied to itself, an honest report, then exec.

load helpers

setup() {
	gl_setup
	abi=$("$GL_BIN/gl-landlock" --probe | jq .abi)
	[ "$abi" -ge 1 ] || skip "Landlock is not available on this kernel"
	mkdir -p "$T/rw" "$T/ro"
	echo ro-data > "$T/ro/file"
	SYS=(--ro /usr --ro /lib --ro /lib64 --ro /bin --ro /etc)
}
teardown() { gl_teardown; }

@test "gl-landlock: --probe reports the ABI as JSON" {
	run -0 --separate-stderr "$GL_BIN/gl-landlock" --probe
	echo "$output" | jq -e '.abi >= 1'
}

@test "gl-landlock: writes are confined to --rw paths, reads to --ro paths" {
	run -0 --separate-stderr "$GL_BIN/gl-landlock" "${SYS[@]}" --ro "$T/ro" --rw "$T/rw" -- \
		sh -c "cat $T/ro/file > $T/rw/copy"
	[ "$(cat "$T/rw/copy")" = ro-data ]
	run -2 --separate-stderr "$GL_BIN/gl-landlock" "${SYS[@]}" --ro "$T/ro" --rw "$T/rw" -- \
		sh -c "echo x > $T/ro/new"
	[ ! -e "$T/ro/new" ]
	run -1 --separate-stderr "$GL_BIN/gl-landlock" "${SYS[@]}" --rw "$T/rw" -- cat "$T/ro/file"
	[[ "$stderr" == *"Permission denied"* ]]
}

@test "gl-landlock: renames across directories inside a --rw tree work (REFER handled)" {
	[ "$abi" -ge 2 ] || skip "REFER needs ABI 2"
	mkdir -p "$T/rw/a" "$T/rw/b"; echo x > "$T/rw/a/f"
	run -0 --separate-stderr "$GL_BIN/gl-landlock" "${SYS[@]}" --rw "$T/rw" -- mv "$T/rw/a/f" "$T/rw/b/f"
	[ -e "$T/rw/b/f" ]
}

@test "gl-landlock: the report names the ABI, the rights handled and each rule" {
	run -0 --separate-stderr "$GL_BIN/gl-landlock" "${SYS[@]}" --rw "$T/rw" --ro "$T/missing" \
		--connect-tcp 443 --report "$T/rep.json" -- true
	jq -e --argjson abi "$abi" '.abi == $abi and .enforced == true' "$T/rep.json"
	jq -e '.handled_fs | index("read_file") and index("write_file")' "$T/rep.json"
	jq -e --arg p "$T/missing" '.rules[] | select(.path == $p) | .skipped' "$T/rep.json"
	jq -e '.process.no_new_privs == true' "$T/rep.json"
	if [ "$abi" -ge 7 ]; then
		jq -e '.status == "full" and (.dropped_fs | length == 0)' "$T/rep.json"
		jq -e '.handled_fs | index("truncate") and index("ioctl_dev") and index("refer")' "$T/rep.json"
		jq -e '.scoped == ["abstract_unix_socket","signal"] and .connect_tcp == [443]' "$T/rep.json"
	fi
}

@test "gl-landlock: --report-fd is written, then closed before the program runs" {
	run -0 --separate-stderr "$GL_BIN/gl-landlock" "${SYS[@]}" --ro /proc --report-fd 5 -- \
		sh -c 'ls -l /proc/self/fd' 5> "$T/rep.json"
	[[ "$output" != *rep.json* ]]
	jq -e '.enforced' "$T/rep.json"
}

@test "gl-landlock: --require-abi above the kernel's refuses to run (125)" {
	run -125 --separate-stderr "$GL_BIN/gl-landlock" --require-abi 64 -- true
	[[ "$stderr" == *"below the required 64"* ]]
}

@test "gl-landlock: TCP connect is denied unless the port is allowed" {
	[ "$abi" -ge 4 ] || skip "TCP rules need ABI 4"
	command -v python3 >/dev/null || skip "python3 needed for the listener"
	python3 -c 'import socket,sys
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(5); print(s.getsockname()[1]); sys.stdout.flush()
import time; time.sleep(10)' > "$T/port" &
	lpid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$T/port" ] && break; sleep 0.2; done
	port=$(cat "$T/port")
	probe="import socket; socket.create_connection(('127.0.0.1', $port), 2)"
	run -1 --separate-stderr "$GL_BIN/gl-landlock" "${SYS[@]}" -- python3 -c "$probe"
	run -0 --separate-stderr "$GL_BIN/gl-landlock" "${SYS[@]}" --connect-tcp "$port" -- python3 -c "$probe"
	kill "$lpid"
}

@test "gl-landlock: exit codes: program's own, 127 missing, 126 not executable, 125 usage" {
	run -3 --separate-stderr "$GL_BIN/gl-landlock" "${SYS[@]}" -- sh -c 'exit 3'
	run -127 --separate-stderr "$GL_BIN/gl-landlock" "${SYS[@]}" -- no-such-program
	run -126 --separate-stderr "$GL_BIN/gl-landlock" "${SYS[@]}" -- /etc/passwd
	run -125 --separate-stderr "$GL_BIN/gl-landlock" --ro no/such/relative -- true
	run -125 --separate-stderr "$GL_BIN/gl-landlock" --bogus -- true
	run -125 --separate-stderr "$GL_BIN/gl-landlock"
	run -125 --separate-stderr "$GL_BIN/gl-landlock" --report-fd 9 -- true
	run -0 "$GL_BIN/gl-landlock" --help
	run -0 "$GL_BIN/gl-landlock" --version
}

@test "gl-landlock: the EXAMPLES pipeline of the man page runs" {
	mkdir -p "$T/work"
	cd "$T/work"
	run -0 --separate-stderr "$GL_BIN/gl-landlock" --ro /usr --ro /lib --ro /lib64 --ro /bin --ro /etc \
		--rw . --report "$T/ll.json" -- sh -c 'echo built > out'
	[ -e out ]
	jq -e '.enforced' "$T/ll.json"
}

@test "gl-landlock: --disabled restricts nothing, says so, and keeps 126/127" {
	run -0 --separate-stderr "$GL_BIN/gl-landlock" --disabled --report "$T/rep.json" -- cat "$T/ro/file"
	[ "$output" = ro-data ]
	jq -e '.enforced == false and (.reason | test("disabled"))' "$T/rep.json"
	run -127 --separate-stderr "$GL_BIN/gl-landlock" --disabled -- no-such-program
}
