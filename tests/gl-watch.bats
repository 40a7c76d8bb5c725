#!/usr/bin/env bats
# gl-watch: file and process events as JSONL; fanotify and the proc connector
# as root, recursive inotify and /proc polling otherwise (-b, -P force one).

load helpers

setup() {
	gl_setup
	mkdir -p "$T/p/.gleisner"
	W=
}

teardown() {
	[ -n "$W" ] && kill -KILL "$W" 2> /dev/null
	gl_teardown
}

# start_watch [OPTS...]: watch $T/p into $T/log, return once it is ready
start_watch() {
	mkfifo "$T/ready"
	gl-watch -o "$T/log" --ready-fd 5 "$@" "$T/p" 5> "$T/ready" 3>&- &
	W=$!
	run -0 timeout 5 head -n 1 "$T/ready"
	[ "$output" = ready ]
}

# stop_watch: SIGTERM, and its exit status in $rc
stop_watch() {
	kill -TERM "$W"
	rc=0
	wait "$W" || rc=$?
	W=
}

# ev JQ: the events of $T/log that match the jq condition
ev() {
	jq -c "select($1)" "$T/log"
}

# the backend auto picks for this uid
auto_backend() {
	if [ "$(id -u)" -eq 0 ]; then echo fanotify; else echo inotify; fi
}

@test "ready: session.start first, with root, pid, backends and watch count" {
	mkdir -p "$T/p/a/b"
	start_watch -b inotify
	first=$(head -n 1 "$T/log")
	echo "$first" | jq -e --arg r "$T/p" --argjson pid "$W" '.type == "session.start" and
	    .seq == 1 and .src == "gl-watch" and .root == $r and .pid == $pid and
	    .watches == 3 and .backend == "inotify" and .reads == true and .pids == false'
	stop_watch
	[ "$rc" -eq 0 ]
	rm "$T/ready" "$T/log"
	start_watch
	head -n 1 "$T/log" | jq -e --arg b "$(auto_backend)" '.backend == $b and
	    .proc_backend == (if $b == "fanotify" then "proc-connector" else "proc-poll" end)'
	stop_watch
}

# the file events of the log as "type<TAB>path" lines
file_events() {
	jq -r 'select(.type | startswith("file.")) | [.type, .path // (.from + ">" + .to)] | @tsv' "$T/log"
}

@test "inotify: create, write, rename, attrib, delete" {
	start_watch -b inotify --no-reads
	echo hi > "$T/p/f"
	mv "$T/p/f" "$T/p/g"
	chmod 600 "$T/p/g"
	rm "$T/p/g"
	stop_watch
	run -0 file_events
	[ "$output" = "$(printf 'file.create\tf\nfile.write\tf\nfile.rename\tf>g\nfile.attrib\tg\nfile.delete\tg')" ]
	ev '.type == "file.rename"' | jq -e '.cookie > 0'
	ev '.type == "file.attrib"' | jq -e '.mode == "0600" and .uid == '"$(id -u)"
}

@test "fanotify: create, write, rename, attrib, delete, each with its pid" {
	[ "$(id -u)" -eq 0 ] || skip "fanotify needs root"
	start_watch -b fanotify --no-reads
	sh -c 'echo $$ > "$1/../pid"; echo hi > "$1/f"; mv "$1/f" "$1/g"; chmod 600 "$1/g"; rm "$1/g"' sh "$T/p"
	stop_watch
	run -0 file_events
	[ "$output" = "$(printf 'file.create\tf\nfile.write\tf\nfile.rename\tf>g\nfile.attrib\tg\nfile.delete\tg')" ]
	ev '.type == "file.create"' | jq -e --argjson p "$(cat "$T/pid")" '.pid == $p'
	# mv, chmod and rm are processes of their own
	ev '.type == "file.rename"' | jq -e --argjson p "$(cat "$T/pid")" '.pid != $p and .pid > 0'
	ev '.type == "file.attrib"' | jq -e '.mode == "0600" and .uid == 0'
}

@test "reads and writes carry the digest of the content; our own reads are not reported" {
	echo data > "$T/p/in"
	for b in inotify $( [ "$(id -u)" -eq 0 ] && echo fanotify); do
		rm -f "$T/ready" "$T/log"
		start_watch -b "$b" -P none
		cat "$T/p/in" > /dev/null
		echo out > "$T/p/out"
		stop_watch
		ev '.type == "file.read"' | jq -e --arg s "$(sha256sum < "$T/p/in" | cut -c1-64)" \
		    '.path == "in" and .sha256 == $s'
		ev '.type == "file.write"' | jq -e --arg s "$(sha256sum < "$T/p/out" | cut -c1-64)" \
		    '.path == "out" and .sha256 == $s'
		# one read of in; out is written, never read: our hashing is not a read
		[ "$(ev '.type == "file.read"' | wc -l)" -eq 1 ] || { cat "$T/log"; false; }
		rm "$T/p/out"
	done
}

@test "--no-reads: no file.read events, and session.start says so" {
	echo data > "$T/p/in"
	start_watch --no-reads
	cat "$T/p/in" > /dev/null
	stop_watch
	[ -z "$(ev '.type == "file.read"')" ]
	head -n 1 "$T/log" | jq -e '.reads == false'
}

@test "more directories: events there have absolute paths" {
	mkdir "$T/q"
	mkfifo "$T/ready"
	gl-watch -o "$T/log" --ready-fd 5 "$T/p" "$T/q" 5> "$T/ready" 3>&- &
	W=$!
	read -r line < "$T/ready"
	touch "$T/q/x" "$T/p/y"
	stop_watch
	ev '.type == "file.create" and .path == "'"$T/q/x"'"' | grep -q .
	ev '.type == "file.create" and .path == "y"' | grep -q .
	head -n 1 "$T/log" | jq -e --arg q "$T/q" '.extra == [{"path": $q}]'
}

@test "processes: exec with argv, ppid and cwd; exit code and signal" {
	start_watch -b inotify --no-reads
	(cd "$T/p" && sh -c 'exit 3'; sh -c 'kill -9 $$'; sleep 0.05) || true
	sleep 0.1
	stop_watch
	if [ "$(id -u)" -ne 0 ]; then
		head -n 1 "$T/log" | jq -e '.proc_backend == "proc-poll" and .proc_partial == true'
		ev '.type == "proc.exec" and .argv == ["sleep", "0.05"]' | grep -q .
		return 0
	fi
	head -n 1 "$T/log" | jq -e '.proc_backend == "proc-connector"'
	pid=$(ev '.type == "proc.exec" and .argv == ["sh", "-c", "exit 3"]' | jq -e --arg d "$T/p" \
	    'select(.cwd == $d and .ppid > 1 and .exe == "/usr/bin/dash") | .pid')
	ev ".type == \"proc.exit\" and .pid == $pid" | jq -e '.code == 3'
	pid=$(ev '.type == "proc.exec" and .argv[2] == "kill -9 $$"' | jq .pid)
	ev ".type == \"proc.exit\" and .pid == $pid" | jq -e '.signal == 9 and .code == null'
	pid=$(ev '.type == "proc.exec" and .argv == ["sleep", "0.05"]' | jq .pid)
	ev ".type == \"proc.exit\" and .pid == $pid" | jq -e '.code == 0'
}

@test "processes: --procs poll sees a process that lives a while; exits are unknown" {
	start_watch -P poll -b inotify
	sleep 0.3
	stop_watch
	head -n 1 "$T/log" | jq -e '.proc_backend == "proc-poll" and .proc_partial == true'
	pid=$(ev '.type == "proc.exec" and .argv == ["sleep", "0.3"]' | jq .pid)
	ev ".type == \"proc.exit\" and .pid == $pid" | jq -e '.status == "unknown"'
}

@test "secrets in argv are redacted and counted" {
	[ "$(id -u)" -eq 0 ] || skip "the /proc poller may miss a short-lived process"
	start_watch -b inotify
	env GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789 sh -c : --password hunter2 \
	    "Authorization: Bearer abc.def" --token=s3cret
	stop_watch
	ev '.type == "proc.exec" and .argv[0] == "env"' | jq -e '.argv == ["env",
	    "GITHUB_TOKEN=[REDACTED]", "sh", "-c", ":", "--password", "[REDACTED]",
	    "Authorization: Bearer [REDACTED]", "--token=[REDACTED]"]'
	run -1 grep -q 'hunter2\|s3cret\|ghp_\|abc\.def' "$T/log"
	# env's argv, then sh's after env execs it
	tail -n 1 "$T/log" | jq -e '.redactions == 7'
}

@test "SIGTERM: session.end last with counts, exit 0" {
	start_watch
	touch "$T/p/x"
	stop_watch
	[ "$rc" -eq 0 ]
	tail -n 1 "$T/log" | jq -e '.type == "session.end" and .complete == true and
	    .overflows == 0 and .counts["file.create"] == 1 and .counts["session.start"] == 1'
}

@test "SIGINT also drains and ends the session" {
	start_watch
	touch "$T/p/x"
	kill -INT "$W"
	rc=0; wait "$W" || rc=$?; W=
	[ "$rc" -eq 0 ]
	tail -n 1 "$T/log" | jq -e '.type == "session.end"'
	ev '.type == "file.create"' | jq -e '.path == "x"'
}

@test "every line is valid JSON and seq increases strictly from 1" {
	start_watch
	for i in 1 2 3 4 5; do echo $i > "$T/p/f$i"; mkdir "$T/p/d$i"; done
	stop_watch
	jq -e . "$T/log" > /dev/null
	jq -s -e '[.[].seq] == [range(1; length + 1)]' "$T/log"
	jq -s -e 'all(.[]; .ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z$"))' "$T/log"
}

@test "B12: files created right after mkdir -p are reported, deep watches exist" {
	start_watch -b inotify
	for i in $(seq 30); do mkdir -p "$T/p/r$i/a/b" && echo x > "$T/p/r$i/a/b/f"; done
	touch "$T/p/r30/a/b/late"
	mkdir "$T/p/gone" && touch "$T/p/gone/x" && rm -rf "$T/p/gone"
	sleep 0.2
	stop_watch
	[ "$rc" -eq 0 ]
	for i in $(seq 30); do
		for p in "r$i" "r$i/a" "r$i/a/b" "r$i/a/b/f"; do
			ev ".type == \"file.create\" and .path == \"$p\"" | grep -q . ||
			    { echo "missing create $p"; return 1; }
		done
	done
	ev '.path == "r30/a/b/late"' | grep -q .
}

@test "synthetic creates are marked" {
	start_watch -b inotify
	mkdir "$T/p/s"
	# make files inside before the watcher can add its watch: rename a full tree in
	mkdir -p "$T/outside/t/u" && touch "$T/outside/t/u/v"
	mv "$T/outside/t" "$T/p/t"
	sleep 0.1
	touch "$T/p/t/u/w"
	stop_watch
	ev '.path == "t"' | jq -e '.type == "file.create" and .moved_in == true and .dir == true'
	ev '.path == "t/u"' | jq -e '.synthetic == true and .dir == true'
	ev '.path == "t/u/v"' | jq -e '.synthetic == true'
	ev '.path == "t/u/w" and .type == "file.create"' | jq -e '.synthetic == null'
}

@test "move out of the tree is a delete, move in a create" {
	mkdir -p "$T/outside" "$T/p/sub"
	echo a > "$T/outside/in.txt"
	echo b > "$T/p/out.txt"
	touch "$T/p/sub/f"
	start_watch -b inotify
	mv "$T/outside/in.txt" "$T/p/in.txt"
	mv "$T/p/out.txt" "$T/outside/out.txt"
	mv "$T/p/sub" "$T/outside/sub"
	touch "$T/outside/sub/after"
	mv "$T/p/in.txt" "$T/p/renamed.txt"
	stop_watch
	ev '.path == "in.txt"' | jq -e '.type == "file.create" and .moved_in == true'
	ev '.path == "out.txt"' | jq -e '.type == "file.delete" and .moved_out == true'
	ev '.path == "sub"' | jq -e '.type == "file.delete" and .moved_out == true and .dir == true'
	[ -z "$(ev '.path == "sub/after"')" ]
	ev '.type == "file.rename"' | jq -e '.from == "in.txt" and .to == "renamed.txt"'
	tail -n 1 "$T/log" | jq -e '.watches == 1'
}

@test "fanotify: moves in and out, a renamed-in directory's contents, a deleted tree" {
	[ "$(id -u)" -eq 0 ] || skip "fanotify needs root"
	mkdir -p "$T/outside/t/u" "$T/p/sub"
	echo a > "$T/outside/in.txt"; touch "$T/outside/t/u/v" "$T/p/sub/f"
	echo b > "$T/p/out.txt"
	start_watch -b fanotify -P none --no-reads
	mv "$T/outside/in.txt" "$T/p/in.txt"
	mv "$T/p/out.txt" "$T/outside/out.txt"
	mv "$T/outside/t" "$T/p/t"
	mkdir "$T/p/d" && touch "$T/p/d/x" && rm -rf "$T/p/d"
	stop_watch
	ev '.path == "in.txt"' | jq -e '.type == "file.create" and .moved_in == true'
	ev '.path == "out.txt"' | jq -e '.type == "file.delete" and .moved_out == true'
	ev '.path == "t"' | jq -e '.moved_in == true and .dir == true'
	ev '.path == "t/u/v"' | jq -e '.synthetic == true'
	# d was gone before its events were read: still named, from the cache
	ev '.path == "d/x"' | jq -s -e 'first.type == "file.create" and last.type == "file.delete"'
	ev '.path == "d"' | jq -s -e 'map(.type) == ["file.create", "file.delete"]'
}

@test "a renamed directory keeps being watched under its new name" {
	mkdir -p "$T/p/old/deep"
	start_watch
	mv "$T/p/old" "$T/p/new"
	touch "$T/p/new/deep/k"
	stop_watch
	ev '.type == "file.rename"' | jq -e '.from == "old" and .to == "new" and .dir == true'
	ev '.type == "file.create"' | jq -e '.path == "new/deep/k"'
}

@test "B19: non-UTF-8 and newline names are carried losslessly" {
	start_watch
	touch "$T/p/$(printf 'new\377')" "$T/p/$(printf 'nl\nname')" "$T/p/café"
	stop_watch
	iconv -f UTF-8 -t UTF-8 "$T/log" > /dev/null
	run -1 grep -qi 'udc\|\\ufffd' "$T/log"
	b=$(ev '.type == "file.create" and .path_b64' | jq -r .path_b64)
	[ "$(printf '%s' "$b" | base64 -d | od -An -tx1 | tr -d ' \n')" = "6e6577ff" ]
	ev '.type == "file.create" and .path == "nl\nname"' | grep -q .
	ev '.type == "file.create" and .path == "café"' | grep -q .
}

@test ".gleisner at the top and --ignore names are not reported" {
	mkdir -p "$T/p/sub/.gleisner" "$T/p/node_modules"
	start_watch --ignore node_modules
	touch "$T/p/.gleisner/audit" "$T/p/node_modules/x" "$T/p/sub/.gleisner/seen"
	mkdir -p "$T/p/sub/node_modules" && touch "$T/p/sub/node_modules/y"
	stop_watch
	[ -z "$(ev '.path | strings | test("^\\.gleisner|node_modules")')" ]
	ev '.path == "sub/.gleisner/seen"' | grep -q .
}

@test "the audit log is appended to, never truncated" {
	echo '{"earlier":true}' > "$T/log"
	start_watch
	stop_watch
	head -n 1 "$T/log" | jq -e '.earlier'
	sed -n 2p "$T/log" | jq -e '.type == "session.start"'
}

@test "events go to stdout without -o, one line each as they happen" {
	gl-watch "$T/p" > "$T/out" 3>&- &
	W=$!
	for i in $(seq 50); do grep -q session.start "$T/out" 2> /dev/null && break; sleep 0.05; done
	touch "$T/p/z"
	for i in $(seq 50); do grep -q '"z"' "$T/out" && break; sleep 0.05; done
	grep -q '"path":"z"' "$T/out"
	stop_watch
	tail -n 1 "$T/out" | jq -e '.type == "session.end"'
}

# overflow BACKEND N [OPTION...]: N files appear while gl-watch is stopped;
# the overflow is reported by BACKEND and the session is incomplete.
overflow() {
	b=$1 n=$2
	shift 2
	start_watch -b "$b" "$@"
	kill -STOP "$W"
	(cd "$T/p" && seq 1 "$n" | xargs touch)
	kill -CONT "$W"
	stop_watch
	[ "$rc" -eq 0 ]
	ev '.type == "watch.overflow"' | jq -e --arg b "$b" '.backend == $b'
	tail -n 1 "$T/log" | jq -e '.complete == false and .overflows >= 1'
}

@test "B15: a queue overflow is reported and the session is incomplete" {
	q=$(cat /proc/sys/fs/inotify/max_queued_events)
	[ "$q" -le 20000 ] || skip "max_queued_events $q is too large to overflow quickly"
	overflow inotify $((q / 2 + 500))
}

@test "B15: a fanotify queue overflow is reported too" {
	[ "$(id -u)" -eq 0 ] || skip "fanotify needs root"
	q=$(cat /proc/sys/fs/fanotify/max_queued_events)
	[ "$q" -le 20000 ] || skip "max_queued_events $q is too large to overflow quickly"
	overflow fanotify $((q + 2000)) -P none
}

@test "-b fanotify without the privilege is a system failure (4)" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to become uid 65534"
	nobody_copies
	chmod 777 "$T/p"
	run -4 --separate-stderr as_nobody "$NB_BIN/gl-watch" -b fanotify "$T/p"
	[ "$stderr" = "gl-watch: $T/p: fanotify filesystem mark: Operation not permitted" ]
}

@test "missing DIR is a system failure (4)" {
	run -4 --separate-stderr gl-watch "$T/none"
	[ "$stderr" = "gl-watch: $T/none: No such file or directory" ]
	touch "$T/file"
	run -4 --separate-stderr gl-watch "$T/file"
	[ "$stderr" = "gl-watch: $T/file: Not a directory" ]
}

@test "unwritable output is a system failure (4)" {
	run -4 --separate-stderr sh -c "gl-watch '$T/p' > /dev/full"
	[ "$stderr" = "gl-watch: stdout: No space left on device" ]
	run -4 --separate-stderr gl-watch -o "$T/nodir/log" "$T/p"
}

USAGE="usage: gl-watch [-o FILE] [--ready-fd N] [--ignore NAME]... [-b BACKEND]
                [-P PROCS] [--pid PID] [--no-reads] DIR [DIR...]"

@test "usage errors (2); --help and --version (0)" {
	run -2 --separate-stderr gl-watch
	[ "$stderr" = "$USAGE" ]
	run -2 --separate-stderr gl-watch -b bogus "$T/p"
	[ "$stderr" = "gl-watch: --backend bogus: not auto, fanotify or inotify" ]
	run -2 --separate-stderr gl-watch -P bogus "$T/p"
	run -2 --separate-stderr gl-watch --pid 0 "$T/p"
	run -2 --separate-stderr gl-watch --ready-fd x "$T/p"
	run -2 --separate-stderr gl-watch --ready-fd 9 "$T/p"
	[ "$stderr" = "gl-watch: --ready-fd 9: Bad file descriptor" ]
	run -2 --separate-stderr gl-watch --ignore a/b "$T/p"
	run -2 --separate-stderr gl-watch --bogus "$T/p"
	run -0 --separate-stderr gl-watch --help
	[ "$output" = "$USAGE" ]
	run -0 --separate-stderr gl-watch --version
	[ "$output" = "gl-watch 0.1.0" ]
}

@test "EXAMPLE: watch a project while a command runs, then summarise" {
	mkfifo "$T/ready"
	gl-watch -o "$T/p/.gleisner/audit-1.jsonl" --ready-fd 5 "$T/p" 5> "$T/ready" 3>&- &
	W=$!
	read -r line < "$T/ready"
	sh -c "cd '$T/p' && echo built > out.txt"
	stop_watch
	run -0 jq -s -c 'map(.type) | group_by(.) | map({(.[0]): length}) | add' \
	    "$T/p/.gleisner/audit-1.jsonl"
	echo "$output" | jq -e '.["file.create"] == 1 and .["file.write"] == 1 and .["session.end"] == 1'
}

@test "EXAMPLE: the files a session read, with their digests" {
	echo data > "$T/p/in"
	start_watch -P none
	cat "$T/p/in" > /dev/null
	stop_watch
	run -0 sh -c "jq -r 'select(.type == \"file.read\") | \"\\(.sha256)  \\(.path)\"' '$T/log' | sort -u"
	[ "$output" = "$(cd "$T/p" && sha256sum in)" ]
	# gleisner-events.5: the materials
	run -0 jq -r 'select(.type == "file.read" and .sha256) | "\(.sha256)  \(.path)"' "$T/log"
	[ "$output" = "$(cd "$T/p" && sha256sum in)" ]
}

@test "EXAMPLE: which commands failed, and how" {
	[ "$(id -u)" -eq 0 ] || skip "exit statuses need the proc connector"
	start_watch -b inotify --no-reads -P connector
	sh -c 'exit 3' || true
	sh -c 'kill -9 $$' || true
	true
	stop_watch
	run -0 jq -s -r 'INDEX(.[] | select(.type == "proc.exec"); .pid) as $exec |
	    .[] | select(.type == "proc.exit" and ((.code // 0) != 0 or .signal)) |
	    "\($exec[.pid | tostring].argv | join(" ")): \(.code // "signal \(.signal)")"' "$T/log"
	[ "$output" = "$(printf 'sh -c exit 3: 3\nsh -c kill -9 $$: signal 9')" ]
}

@test "EXAMPLE: gleisner-events.5, recover a raw file name" {
	start_watch
	touch "$T/p/$(printf 'bad\377')"
	stop_watch
	jq -r 'select(.path_b64) | .path_b64' "$T/log" | head -n 1 | base64 -d > "$T/name"
	[ "$(od -An -tx1 "$T/name" | tr -d ' \n')" = "626164ff" ]
}
