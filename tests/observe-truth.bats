#!/usr/bin/env bats
# Ground truth for what a session records: a scripted session with known
# reads, writes, appends, deletes, renames (a directory too), a directory
# created and filled at once, a chmod, a non-UTF-8 name and short-lived
# processes (exit 0, exit 3, SIGKILL) runs in the real jail with gl-watch
# alongside, as `gleisner record` runs them; the audit log and the snapshot
# diff are checked against the truth.
#
# What each backend must reach:
#   fanotify (root): every write with its digest, every delete, rename,
#     create (the filled directory's contents too), the chmod, every read with
#     its digest, and the pid of the process behind each event.
#   inotify (uid 65534): the same file events, without pids.
#   proc connector: every exec (argv, ppid, cwd) and every exit status
#     or signal of the session's processes; as root the watcher runs ahead
#     of the session (SCHED_FIFO), unprivileged a short-lived process may be
#     gone before its argv is read (then only its name, comm, if that).
#   (from Linux 6.6 the proc connector is open to uid 65534 too)
#   /proc polling (without the connector): says it is partial; what it catches is right,
#     but short-lived processes may be missed, and exit statuses are unknown.
#   Both: no event for a path the session did not touch, no false change in
#   the diff, complete == true.

load helpers
load jail

setup() {
	gl_setup
}

teardown() {
	[ -n "${W:-}" ] && kill -KILL "$W" 2> /dev/null
	gl_teardown
}

# The session.  $$ is escaped: the inner sh's own pid is killed.
SCRIPT='set -e
cat read-me.txt > /dev/null
echo new > created.txt
echo more >> append.txt
echo new-content > modify.txt
rm delete-me.txt
mv rename-from.txt rename-to.txt
mv dir-from dir-to
mkdir -p fresh/a/b && echo deep > fresh/a/b/leaf.txt
chmod 755 script.sh
echo odd > "$(printf "odd\377name")"
sh -c "exit 0"
sh -c "exit 3" || true
sh -c "kill -9 \$\$" || true
'
ODD_B64=$(printf 'odd\377name' | base64)

tree() {
	P=$T/proj
	mkdir -p "$P/.gleisner" "$P/dir-from/sub"
	echo "read me" > "$P/read-me.txt"
	echo base > "$P/append.txt"
	echo old > "$P/modify.txt"
	echo bye > "$P/delete-me.txt"
	echo moving > "$P/rename-from.txt"
	echo inside > "$P/dir-from/sub/f.txt"
	printf '#!/bin/sh\n' > "$P/script.sh"
	chmod 644 "$P/script.sh"
	if [ -n "${AS:-}" ]; then chown -R 65534:65534 "$T"; fi
}

# tool NAME ARGS...: one of our tools as the current identity
tool() {
	local t=$1
	shift
	if [ -n "${AS:-}" ]; then
		nobody_copies
		$AS env HOME="$HOME" "$NB_BIN/$t" "$@"
	else
		"$GL_BIN/$t" "$@"
	fi
}

# watch ARGS...: start gl-watch in the background (W) as the current identity
# (not through a function: $! would be a subshell), and wait until it is ready
watch() {
	mkfifo "$T/ready"
	if [ -n "${AS:-}" ]; then
		chown 65534 "$T/ready"
		nobody_copies
		# setpriv itself, not as_nobody: $! must be gl-watch, not a subshell
		setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		    env HOME="$HOME" "$NB_BIN/gl-watch" -o "$T/audit.jsonl" --ready-fd 5 "$@" "$P" 5> "$T/ready" 3>&- &
	else
		"$GL_BIN/gl-watch" -o "$T/audit.jsonl" --ready-fd 5 "$@" "$P" 5> "$T/ready" 3>&- &
	fi
	W=$!
	read -r line < "$T/ready"
	[ "$line" = ready ]
}

# record: what `gleisner record` does, step by step (SPEC 2)
record() {
	tool gl-snapshot "$P" > "$T/pre.json"
	watch
	jail -d "$P" -- sh -c "$SCRIPT"
	kill -TERM "$W"
	wait "$W"
	W=
	tool gl-snapshot --cache "$T/pre.json" "$P" > "$T/post.json"
	tool gl-snapshot diff "$T/pre.json" "$T/post.json" > "$T/diff.json"
}

ev() {
	jq -c "select($1)" "$T/audit.jsonl"
}

sha() {
	sha256sum < "$1" | cut -c1-64
}

# the last event of type $1 for path $2 (or path_b64 $3) has digest $4
has_digest() {
	jq -e -s --arg t "$1" --arg p "$2" --arg b "$3" --arg s "$4" \
	    '[.[] | select(.type == $t and (.path == $p or (.path_b64 == $b and $b != "")))] |
	     last | .sha256 == $s' "$T/audit.jsonl" > /dev/null ||
	    { echo "no $1 of $2 with digest $4"; return 1; }
}

check_files() {
	local backend=$1 f
	echo "# backend $backend"
	head -n 1 "$T/audit.jsonl" | jq -e --arg b "$backend" '.type == "session.start" and .backend == $b'
	tail -n 1 "$T/audit.jsonl" | jq -e '.type == "session.end" and .complete == true and .overflows == 0'
	jq -s -e '[.[].seq] == [range(1; length + 1)]' "$T/audit.jsonl"
	iconv -f UTF-8 -t UTF-8 "$T/audit.jsonl" > /dev/null

	# 100 % of writes, with the digest of the final content
	for f in created.txt append.txt modify.txt fresh/a/b/leaf.txt; do
		has_digest file.write "$f" "" "$(sha "$P/$f")"
	done
	has_digest file.write "" "$ODD_B64" "$(echo odd | sha256sum | cut -c1-64)"
	# the read, with the digest at read time
	has_digest file.read read-me.txt "" "$(sha "$P/read-me.txt")"
	# the directory created and filled at once: every level
	for f in created.txt fresh fresh/a fresh/a/b fresh/a/b/leaf.txt; do
		ev ".type == \"file.create\" and .path == \"$f\"" | grep -q . || { echo "no create $f"; return 1; }
	done
	ev '.type == "file.delete" and .path == "delete-me.txt"' | grep -q .
	ev '.type == "file.rename"' | jq -s -e 'map({from, to, dir}) ==
	    [{"from": "rename-from.txt", "to": "rename-to.txt", "dir": null},
	     {"from": "dir-from", "to": "dir-to", "dir": true}]'
	ev '.type == "file.attrib" and .path == "script.sh"' | jq -s -e 'any(.mode == "0755")'
	# nothing the session did not touch, and nothing in .gleisner
	jq -r 'select(.type | startswith("file.")) | .path // .path_b64 // (.from + ">" + .to)' \
	    "$T/audit.jsonl" | sort -u > "$T/touched"
	printf '%s\n' append.txt created.txt delete-me.txt "dir-from>dir-to" fresh fresh/a \
	    fresh/a/b fresh/a/b/leaf.txt modify.txt "$ODD_B64" read-me.txt \
	    "rename-from.txt>rename-to.txt" script.sh | sort -u > "$T/truth"
	diff -u "$T/truth" "$T/touched"

	# the diff: exactly the truth, no false change
	jq -e --arg odd "$ODD_B64" '
	    ([.added[] | .path // .path_b64] | sort) ==
	        (["created.txt", "fresh", "fresh/a", "fresh/a/b", "fresh/a/b/leaf.txt", $odd] | sort) and
	    ([.deleted[].path] | sort) == ["delete-me.txt"] and
	    [.renamed[] | [.from.path, .to.path]] ==
	        [["dir-from", "dir-to"], ["dir-from/sub", "dir-to/sub"],
	         ["dir-from/sub/f.txt", "dir-to/sub/f.txt"], ["rename-from.txt", "rename-to.txt"]] and
	    ([.modified[] | [.path, .changes]] | sort) ==
	        [["append.txt", ["content", "size"]], ["modify.txt", ["content", "size"]],
	         ["script.sh", ["mode"]]] and
	    .complete == true' "$T/diff.json"
}

# the exec of argv $1 (a JSON array) exited with $2 (a jq condition)
exited() {
	local pid
	if ! pid=$(ev ".type == \"proc.exec\" and .argv == $1" | jq -s -e 'length == 1 and .[0].ppid > 1' > /dev/null &&
	    ev ".type == \"proc.exec\" and .argv == $1" | jq .pid); then
		# a process can be gone before its argv is read (a watcher slowed
		# down, by ASan say): its exec is still there, by name and marked
		# with the reason, and its exit status is known
		for pid in $(ev ".type == \"proc.exec\" and .argv == null and .error != null and .comm == ($1)[0]" | jq .pid); do
			ev ".type == \"proc.exit\" and .pid == $pid" | jq -e "$2" > /dev/null && return 0
		done
		echo "no exec of $1"
		return 1
	fi
	ev ".type == \"proc.exit\" and .pid == $pid" | jq -e "$2" > /dev/null ||
	    { echo "exit of $1 is not $2"; return 1; }
}

# pid_of ARGV: the pid of the exec of argv (a JSON array), empty if its argv was lost
pid_of() {
	ev ".type == \"proc.exec\" and .argv == $1" | jq .pid
}

check_procs() {
	head -n 1 "$T/audit.jsonl" | jq -e '.proc_backend == "proc-connector" and .proc_partial == null'
	# every exec has its exit, every exit its exec
	jq -s -e '([.[] | select(.type == "proc.exec") | .pid] | unique) ==
	    ([.[] | select(.type == "proc.exit") | .pid] | unique)' "$T/audit.jsonl"
	if [ -z "$pids" ]; then
		# unprivileged, the watcher cannot run ahead of the session: a
		# process may be gone before its argv is read (then only its name,
		# or nothing, is known), but no exec and no exit status is lost
		jq -s -e '[.[] | select(.type == "proc.exit") | {code, signal}] |
		    (index({"code": 0, "signal": null}) != null) and (index({"code": 3, "signal": null}) != null) and
		    (index({"code": null, "signal": 9}) != null)' "$T/audit.jsonl"
		jq -s -e 'all(.[] | select(.type == "proc.exec"); .argv or .error)' "$T/audit.jsonl"
		return 0
	fi
	exited '["sh", "-c", "exit 0"]' '.code == 0'
	exited '["sh", "-c", "exit 3"]' '.code == 3'
	exited '["sh", "-c", "kill -9 $$"]' '.signal == 9'
	exited '["cat", "read-me.txt"]' '.code == 0'
	exited '["rm", "delete-me.txt"]' '.code == 0'
	exited '["chmod", "755", "script.sh"]' '.code == 0'
	exited '["mkdir", "-p", "fresh/a/b"]' '.code == 0'
	# with its working directory, and pids tie file events to the
	# processes behind them (where the argv was read in time)
	pid=$(pid_of '["cat", "read-me.txt"]')
	if [ -n "$pid" ]; then
		ev ".type == \"proc.exec\" and .pid == $pid" | jq -e --arg d "$P" '.cwd == $d'
		ev '.type == "file.read" and .path == "read-me.txt"' | jq -e --argjson p "$pid" '.pid == $p'
	fi
	pid=$(pid_of '["rm", "delete-me.txt"]')
	if [ -n "$pid" ]; then
		ev '.type == "file.delete" and .path == "delete-me.txt"' | jq -e --argjson p "$pid" '.pid == $p'
	fi
	# and most argvs are read in time: a watcher that lost them all fails
	[ "$(ev '.type == "proc.exec" and .argv != null' | jq -s length)" -ge 5 ]
}

check_poll() {
	# partial by its own account; what it reports is well-formed
	head -n 1 "$T/audit.jsonl" | jq -e '.proc_backend == "proc-poll" and .proc_partial == true'
	jq -s -e 'all(.[] | select(.type == "proc.exit"); .status == "unknown")' "$T/audit.jsonl"
	jq -s -e 'all(.[] | select(.type == "proc.exec"); .pid > 1 and .ppid > 0)' "$T/audit.jsonl"
}

session() {
	tree
	record
	if [ -z "${AS:-}" ] && [ "$(id -u)" -eq 0 ]; then
		check_files fanotify
		ev '.type | startswith("file.")' | jq -s -e 'all(.pid > 1)'
		pids=1
	else
		check_files inotify
		pids=
	fi
	# unprivileged listeners may use the proc connector from Linux 6.6 on
	if head -n 1 "$T/audit.jsonl" | jq -e '.proc_backend == "proc-connector"' > /dev/null; then
		check_procs
	else
		check_poll
	fi
}

@test "ground truth: a scripted session in the jail is recorded in full (root: fanotify, proc connector; uid 65534: inotify, polling)" {
	both session
}

# a burst far above the queue, with the watcher stopped: the overflow is an
# event, session.end says incomplete, and so does the attestation
overflow() {
	tree
	local backend=inotify q
	q=$(cat /proc/sys/fs/inotify/max_queued_events)
	if [ -z "${AS:-}" ] && [ "$(id -u)" -eq 0 ]; then
		backend=fanotify
		q=$(cat /proc/sys/fs/fanotify/max_queued_events)
	fi
	[ "$q" -le 40000 ] || skip "max_queued_events $q is too large to overflow quickly"
	# a watched directory (inotify would scan a new one after the burst)
	mkdir "$P/burst"
	if [ -n "${AS:-}" ]; then chown 65534:65534 "$P/burst"; fi
	tool gl-snapshot "$P" > "$T/pre.json"
	watch -P none
	kill -STOP "$W"
	jail -d "$P" -- sh -c "cd burst && seq 1 $((q * 2)) | xargs touch"
	kill -CONT "$W"
	kill -TERM "$W"
	wait "$W"
	W=
	tool gl-snapshot --cache "$T/pre.json" "$P" > "$T/post.json"
	tool gl-snapshot diff "$T/pre.json" "$T/post.json" > "$T/diff.json"
	ev '.type == "watch.overflow"' | jq -s -e --arg b "$backend" 'length >= 1 and all(.backend == $b)'
	tail -n 1 "$T/audit.jsonl" | jq -e '.complete == false and .overflows >= 1'
	"$GL_BIN/gl-statement" --invocation-id 4c1f7a52-3d5e-4f6a-9b7c-8d9e0f1a2b3c \
	    --started 2026-12-03T10:00:00Z --finished 2026-12-03T10:01:00Z \
	    --diff "$T/diff.json" --events "$T/audit.jsonl" --project "$P" -- sh > "$T/statement.json"
	# some completeness flag of the predicate is false, and a note says why
	jq -e '[.predicate | paths(type == "boolean") as $p |
	    select($p | map(tostring) | join(".") | test("complete")) | getpath($p)] | any(. == false)' \
	    "$T/statement.json"
	grep -q 'lost events\|overflow' "$T/statement.json"
}

@test "overflow: a burst far above the queue size shows in the log and in the attestation" {
	both overflow
}
