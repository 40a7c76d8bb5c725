#!/usr/bin/env bats
# gl-snapshot: hash tree of a directory, and diff (SPEC 4.3; cases B16, B18, B19)

load helpers

setup() {
	gl_setup
	P="$T/p"
	mkdir -p "$P"
}

teardown() {
	gl_teardown
}

snap() {
	gl-snapshot "$@"
}

# the entry for path $2 in snapshot file $1
entry() {
	jq -c --arg p "$2" '.entries[] | select(.path == $p)' "$1"
}

@test "--help and --version exit 0 on stdout" {
	run -0 --separate-stderr gl-snapshot --help
	[[ $output == usage:* ]]
	run -0 --separate-stderr gl-snapshot --version
	[[ $output == "gl-snapshot "* ]]
}

@test "usage errors exit 2" {
	run -2 --separate-stderr gl-snapshot
	run -2 --separate-stderr gl-snapshot a b
	run -2 --separate-stderr gl-snapshot --ignore ../x "$P"
	run -2 --separate-stderr gl-snapshot --ignore /etc "$P"
	run -2 --separate-stderr gl-snapshot --cache "$T/x" diff a b
}

@test "output is one line of strict JSON with the documented top level" {
	echo hi > "$P/a"
	mkdir "$P/d"
	run -0 --separate-stderr snap "$P"
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" > "$T/s.json"
	run -0 jq -c 'keys' "$T/s.json"
	[ "$output" = '["algorithm","complete","entries","ignored","root","skipped","started"]' ]
	run -0 jq -c .ignored "$T/s.json"
	[ "$output" = '{"by":{},"count":0}' ]
	run -0 jq -r '.root, .algorithm, .complete, (.entries | length)' "$T/s.json"
	[ "$output" = "$(printf '%s\nsha256\ntrue\n2' "$P")" ]
	run -0 entry "$T/s.json" a
	[[ $output == *'"sha256":"98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4"'* ]]
	[[ $output == *'"size":3'* && $output == *'"type":"file"'* && $output == *'"mode":"0644"'* ]]
	run -0 entry "$T/s.json" d
	[[ $output != *sha256* && $output == *'"type":"dir"'* ]]
}

@test "B16: FIFOs, sockets and devices are recorded, never opened, and the walk is fast" {
	echo hi > "$P/f.txt"
	mkfifo "$P/pipe" "$P/notes.md"
	python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$P/sock"
	if [ "$(id -u)" = 0 ]; then mknod "$P/null" c 1 3; fi
	SECONDS=0
	run -0 --separate-stderr timeout 10 gl-snapshot "$P"
	[ "$SECONDS" -lt 5 ]
	echo "$output" > "$T/s.json"
	[ "$(jq -r '.entries[] | select(.path=="pipe" or .path=="notes.md") | .type' "$T/s.json")" = "$(printf 'fifo\nfifo')" ]
	[ "$(jq -r '.entries[] | select(.path=="sock") | .type' "$T/s.json")" = socket ]
	[ "$(jq '[.entries[] | select(.type != "file" and .sha256 != null)] | length' "$T/s.json")" = 0 ]
	[ "$(jq -r .complete "$T/s.json")" = true ]
	if [ "$(id -u)" = 0 ]; then
		[ "$(jq -r '.entries[] | select(.path=="null") | .type + " " + .rdev' "$T/s.json")" = "chardev 1:3" ]
	fi
}

@test "B18: permission-only changes show in the diff; a pure touch does not" {
	printf '#!/bin/sh\necho hi\n' > "$P/run.sh"
	chmod 644 "$P/run.sh"
	mkdir "$P/d"
	chmod 755 "$P/d"
	echo same > "$P/touched"
	cp /bin/true "$P/tool"
	snap "$P" > "$T/pre.json"
	chmod 755 "$P/run.sh"
	chmod 700 "$P/d"
	touch -d '2001-01-01' "$P/touched"
	if [ "$(id -u)" = 0 ]; then
		chmod u+s "$P/tool"
		chown 1234:1234 "$P/run.sh"
	fi
	snap "$P" > "$T/post.json"
	run -0 --separate-stderr gl-snapshot diff "$T/pre.json" "$T/post.json"
	echo "$output" > "$T/d.json"
	[ "$(jq -r '.modified[] | select(.path=="d") | .before.mode + ">" + .after.mode' "$T/d.json")" = "0755>0700" ]
	[ "$(jq -r '.modified[] | select(.path=="touched") | .path' "$T/d.json")" = "" ]
	[ "$(jq '[.modified[].changes[] | select(. == "content")] | length' "$T/d.json")" = 0 ]
	if [ "$(id -u)" = 0 ]; then
		[ "$(jq -c '.modified[] | select(.path=="run.sh") | .changes' "$T/d.json")" = '["gid","mode","uid"]' ]
		[ "$(jq -r '.modified[] | select(.path=="tool") | .after.mode' "$T/d.json")" = 4755 ]
	else
		[ "$(jq -c '.modified[] | select(.path=="run.sh") | .changes' "$T/d.json")" = '["mode"]' ]
	fi
}

@test "B18: a security.capability xattr change shows (root, setcap)" {
	[ "$(id -u)" = 0 ] || skip "needs root"
	command -v setcap >/dev/null || skip "no setcap"
	cp /bin/true "$P/tool"
	snap "$P" > "$T/pre.json"
	setcap cap_net_raw+ep "$P/tool" || skip "setcap not supported here"
	snap "$P" > "$T/post.json"
	run -0 --separate-stderr gl-snapshot diff "$T/pre.json" "$T/post.json"
	[ "$(echo "$output" | jq -c '.modified[0] | [.path, .changes, (.after.xattrs | keys)]')" = '["tool",["xattrs"],["security.capability"]]' ]
}

@test "B18: a user xattr change shows" {
	echo x > "$P/f"
	python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.probe", b"1")' "$P/f" 2>/dev/null ||
		skip "no user xattrs on this filesystem"
	snap "$P" > "$T/pre.json"
	python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.probe", b"2")' "$P/f"
	snap "$P" > "$T/post.json"
	run -0 --separate-stderr gl-snapshot diff "$T/pre.json" "$T/post.json"
	[ "$(echo "$output" | jq -c '.modified[0].changes')" = '["xattrs"]' ]
	[ "$(jq -r '.entries[0].xattrs["user.probe"]' "$T/post.json")" = "$(printf 2 | sha256sum | cut -c1-64)" ]
}

@test "B19: non-UTF-8 and newline names round-trip byte-exact in strict one-line JSON" {
	printf 1 > "$P/$(printf 'bad\377.txt')"
	printf 2 > "$P/$(printf 'bad\376.txt')"
	printf 3 > "$P/$(printf 'nl\nname')"
	printf 4 > "$P/$(printf 'caf\303\251')"
	snap "$P" > "$T/s.json"
	[ "$(wc -l < "$T/s.json")" -eq 1 ]
	python3 - "$T/s.json" "$P" <<'PY'
import base64, json, os, sys
raw = open(sys.argv[1], 'rb').read()
raw.decode('utf-8')
assert b'\\udc' not in raw.lower(), 'lone surrogates'
doc = json.loads(raw)
got = set()
for e in doc['entries']:
    got.add(base64.b64decode(e['path_b64']) if 'path_b64' in e else e['path'].encode())
want = set(os.listdir(os.fsencode(sys.argv[2])))
assert got == want, (got, want)
assert 'café' in [e.get('path') for e in doc['entries']]
assert sum('path_b64' in e for e in doc['entries']) == 2
PY
}

@test "a symlink is recorded with its target and never followed" {
	ln -s /etc/passwd "$P/pw"
	ln -s "$(printf 'x\377')" "$P/odd"
	snap "$P" > "$T/s.json"
	[ "$(entry "$T/s.json" pw | jq -c '[.type, .target, .sha256, .size]')" = '["symlink","/etc/passwd",null,null]' ]
	[ "$(entry "$T/s.json" odd | jq -r .target_b64 | base64 -d | od -An -tx1 | tr -d ' ')" = 78ff ]
}

@test "a hard link names the first entry of its group" {
	echo x > "$P/a"
	ln "$P/a" "$P/b"
	snap "$P" > "$T/s.json"
	[ "$(entry "$T/s.json" a | jq -r '.hardlink // "none"')" = none ]
	[ "$(entry "$T/s.json" b | jq -r .hardlink)" = a ]
}

@test "ignore rules: .gleisner, the contents of .git/objects, and --ignore NAME" {
	mkdir -p "$P/.gleisner" "$P/.git/objects/ab" "$P/build/x" "$P/buildx" "$P/sub/.gleisner"
	touch "$P/.gleisner/a" "$P/.git/objects/ab/cd" "$P/.git/HEAD" "$P/build/x/y" "$P/buildx/z" "$P/sub/.gleisner/k"
	run -0 --separate-stderr gl-snapshot --ignore ./build/ "$P"
	[ "$(echo "$output" | jq -c '[.entries[].path]')" = '[".git",".git/HEAD",".git/objects","buildx","buildx/z","sub","sub/.gleisner","sub/.gleisner/k"]' ]
}

@test "unreadable files and directories are skipped, reported, and make complete false" {
	[ "$(id -u)" = 0 ] || skip "needs root to switch to an unprivileged uid"
	echo secret > "$P/locked"
	chmod 000 "$P/locked"
	mkdir "$P/closed"
	touch "$P/closed/inner"
	chmod 000 "$P/closed"
	echo ok > "$P/open"
	run -0 --separate-stderr as_nobody gl-snapshot "$P"
	echo "$output" > "$T/s.json"
	[ "$(jq -c '[.complete, [.skipped[] | .path + ": " + .reason]]' "$T/s.json")" = '[false,["closed: open: Permission denied","locked: open: Permission denied"]]' ]
	[ "$(entry "$T/s.json" locked | jq -c '[.type, .sha256]')" = '["file",null]' ]
	[ "$(entry "$T/s.json" open | jq -r '.sha256 | length')" = 64 ]
	[[ $stderr == *"gl-snapshot: warning: locked: open: Permission denied"* ]]
}

@test "--cache reuses a digest only for the same path, size, ino and an old enough ctime" {
	echo hello > "$P/a"
	echo world > "$P/b"
	snap "$P" > "$T/pre.json"
	Z=0000000000000000000000000000000000000000000000000000000000000000
	# a trusted cache: its snapshot started long after both files last changed
	jq --arg z "$Z" '.started = "2099-01-01T00:00:00.000000000Z" | .entries[].sha256 = $z' "$T/pre.json" > "$T/fake.json"
	run -0 --separate-stderr gl-snapshot --cache "$T/fake.json" "$P"
	[ "$(echo "$output" | jq -r '.entries[].sha256' | sort -u)" = "$Z" ]
	# the same cache with the start time of the real walk: racy, so re-hashed
	jq --arg z "$Z" '.entries[].sha256 = $z' "$T/pre.json" > "$T/racy.json"
	run -0 --separate-stderr gl-snapshot --cache "$T/racy.json" "$P"
	[ "$(echo "$output" | jq -c '[.entries[].sha256] == ([.entries[].sha256] | map(select(. != "'$Z'")))')" = true ]
	# content changed (ctime moves): re-hashed even with a trusted cache
	echo HELLO > "$P/a"
	run -0 --separate-stderr gl-snapshot --cache "$T/fake.json" "$P"
	[ "$(echo "$output" | jq -r '.entries[] | select(.path=="a") | .sha256')" = "$(echo HELLO | sha256sum | cut -c1-64)" ]
	[ "$(echo "$output" | jq -r '.entries[] | select(.path=="b") | .sha256')" = "$Z" ]
}

@test "--cache: any layout of the cache, any name" {
	printf 1 > "$P/$(printf 'bad\377')"
	printf 2 > "$P/$(printf 'caf\303\251 \360\237\230\200 "q"\\')"
	printf 3 > "$P/$(printf 'nl\nx')"
	snap "$P" > "$T/pre.json"
	Z=0000000000000000000000000000000000000000000000000000000000000000
	# pretty-printed, ASCII only (\u escapes, a surrogate pair), keys unsorted
	jq -a --arg z "$Z" '{entries: [.entries[] | .sha256 = $z], algorithm, complete,
	    started: "2099-01-01T00:00:00.000000000Z"}' "$T/pre.json" > "$T/fake.json"
	grep -q 'u00e9' "$T/fake.json"
	run -0 --separate-stderr gl-snapshot --cache "$T/fake.json" "$P"
	[ "$(echo "$output" | jq -r '.entries[].sha256' | sort -u)" = "$Z" ]
	[ "$(echo "$output" | jq '.entries | length')" -eq 3 ]
	# not a snapshot: bad input
	echo '[]' > "$T/arr.json"
	run -3 --separate-stderr gl-snapshot --cache "$T/arr.json" "$P"
	[ "$stderr" = "gl-snapshot: $T/arr.json: not a snapshot object" ]
}

@test "--cache: a malformed cache is bad input (3), a missing one a system error (4)" {
	printf '{"algorithm":"sha256","entries":[' > "$T/bad.json"
	run -3 --separate-stderr gl-snapshot --cache "$T/bad.json" "$P"
	[[ $stderr == "gl-snapshot: $T/bad.json: "* ]]
	[ -z "$output" ]
	run -4 --separate-stderr gl-snapshot --cache "$T/none.json" "$P"
}

@test "diff of two real trees: added, deleted, modified, renamed, type change" {
	mkdir "$P/d"
	echo one > "$P/keep"
	echo moved > "$P/d/old"
	echo bye > "$P/gone"
	echo x > "$P/swap"
	snap "$P" > "$T/pre.json"
	echo two > "$P/keep"
	mv "$P/d/old" "$P/new"
	rm "$P/gone" "$P/swap"
	mkfifo "$P/swap"
	echo hi > "$P/added"
	snap "$P" > "$T/post.json"
	run -0 --separate-stderr gl-snapshot diff "$T/pre.json" "$T/post.json"
	echo "$output" > "$T/d.json"
	[ "$(jq -c '[.added[].path]' "$T/d.json")" = '["added"]' ]
	[ "$(jq -c '[.deleted[].path]' "$T/d.json")" = '["gone"]' ]
	[ "$(jq -c '[.renamed[] | [.from.path, .to.path]]' "$T/d.json")" = '[["d/old","new"]]' ]
	[ "$(jq -c '[.modified[] | [.path, .changes]]' "$T/d.json")" = '[["keep",["content"]],["swap",["content","size","type"]]]' ]
}

@test "diff: a renamed directory is one rename, with its subdirectories; different content is not" {
	mkdir -p "$P/old/sub" "$P/other/x" "$P/empty1"
	echo a > "$P/old/sub/f"; echo b > "$P/old/g"; echo c > "$P/other/x/h"
	snap "$P" > "$T/pre.json"
	mv "$P/old" "$P/new"
	mv "$P/other" "$P/moved"; echo changed > "$P/moved/x/h"
	mv "$P/empty1" "$P/empty2"
	snap "$P" > "$T/post.json"
	run -0 gl-snapshot diff "$T/pre.json" "$T/post.json"
	echo "$output" > "$T/d.json"
	[ "$(jq -c '[.renamed[] | [.from.path, .to.path]]' "$T/d.json")" = \
	    '[["old","new"],["old/g","new/g"],["old/sub","new/sub"],["old/sub/f","new/sub/f"]]' ]
	# a directory whose content changed, and an empty one, are a delete and an add
	[ "$(jq -c '[.added[].path]' "$T/d.json")" = '["empty2","moved","moved/x","moved/x/h"]' ]
	[ "$(jq -c '[.deleted[].path]' "$T/d.json")" = '["empty1","other","other/x","other/x/h"]' ]
}

@test "write errors exit 4" {
	run -4 --separate-stderr sh -c 'gl-snapshot "$1" > /dev/full' sh "$P"
	[[ $stderr == *"gl-snapshot: stdout: No space left on device"* ]]
	run -4 --separate-stderr sh -c 'gl-snapshot diff "$1" "$1" > /dev/full' sh "$FIX/gl-snapshot/pre.json"
}

@test "a progress line only when stderr is a terminal and the walk is long; --progress at once" {
	command -v script >/dev/null || skip "no script(1)"
	echo x > "$P/a"
	run -0 --separate-stderr gl-snapshot "$P"
	[ -z "$stderr" ]
	# a terminal, but a walk of well under a second: no line
	run -0 script -qec "gl-snapshot '$P' > '$T/out.json'" /dev/null
	[[ $output != *"entries"* ]]
	run -0 script -qec "gl-snapshot --progress '$P' > '$T/out.json'" /dev/null
	[[ $output == *"gl-snapshot: 1 entries, "*" files hashed, 0 MiB"* ]]
	[ "$(jq -r .complete "$T/out.json")" = true ]
}

@test "the line is what jq -cS prints for it: sorted keys, jq's escapes, any name" {
	touch "$P/$(printf 'ctl\001\037\177')" "$P/$(printf 'q"b\\s')" "$P/$(printf 'bad\377')" "$P/café"
	mkdir "$P/d"; ln -s "$(printf 'to\nx')" "$P/l"; ln "$P/café" "$P/h"
	if [ "$(id -u)" = 0 ]; then mknod "$P/null" c 1 3; fi
	setfattr -n user.k -v v "$P/d" 2> /dev/null || true
	snap "$P" > "$T/s.json"
	jq -cS . "$T/s.json" | cmp - "$T/s.json"
	# and the same entries as the library's jv form (gl-snapshot diff sees no change)
	run -0 gl-snapshot diff "$T/s.json" "$T/s.json"
	[ "$(echo "$output" | jq -c '[.added, .deleted, .modified, .renamed]')" = '[[],[],[],[]]' ]
}

@test "hashing in threads: big and small files, the same result with one thread or many" {
	head -c 5000000 /dev/urandom > "$P/big"	# several 1 MiB chunks
	for i in $(seq 50); do echo "$i" > "$P/f$i"; done
	snap -j 1 "$P" | jq -c 'del(.started)' > "$T/one.json"
	snap -j 8 "$P" | jq -c 'del(.started)' > "$T/eight.json"
	cmp "$T/one.json" "$T/eight.json"
	[ "$(entry "$T/one.json" big | jq -r .sha256)" = "$(sha256sum < "$P/big" | cut -c1-64)" ]
	[ "$(entry "$T/one.json" f7 | jq -r .sha256)" = "$(echo 7 | sha256sum | cut -c1-64)" ]
	run -2 --separate-stderr gl-snapshot -j 0 "$P"
	[ "$stderr" != "${stderr#gl-snapshot: -j 0: not a number of threads}" ]
}

@test "hashing in threads: queued files are open, at most a quarter of the descriptor limit" {
	for d in a b c; do
		mkdir -p "$P/$d/deep/er"
		for i in $(seq 200); do echo "$d$i" > "$P/$d/deep/er/f$i"; done
	done
	head -c 3000000 /dev/urandom > "$P/a/big"
	snap -j 4 "$P" | jq -c 'del(.started)' > "$T/free.json"
	# 40 descriptors: 10 queued; 24: 6, too few for a batch, so one thread
	for n in 40 24; do
		(ulimit -n "$n" && snap -j 4 "$P") | jq -c 'del(.started)' > "$T/low.json"
		cmp "$T/free.json" "$T/low.json"
	done
	[ "$(jq '[.entries[] | select(.type == "file" and .sha256 != null)] | length' "$T/free.json")" = 601 ]
	[ "$(jq .complete "$T/free.json")" = true ]
}

@test "--exclude patterns: .gitignore syntax, counted in ignored" {
	mkdir -p "$P/src/gen" "$P/build" "$P/logs"
	touch "$P/src/a.c" "$P/src/a.o" "$P/src/gen/x.o" "$P/build/out" "$P/logs/1.log" "$P/keep.log"
	run -0 --separate-stderr gl-snapshot --exclude '*.o' --exclude 'build/' \
	    --exclude '/logs' --exclude '!keep.log' "$P"
	echo "$output" > "$T/s.json"
	[ "$(jq -c '[.entries[].path]' "$T/s.json")" = '["keep.log","src","src/a.c","src/gen"]' ]
	[ "$(jq -c .ignored "$T/s.json")" = '{"by":{"exclude":4},"count":4}' ]
	run -2 --separate-stderr gl-snapshot --exclude '' "$P"
}

@test "--gitignore: rules of every .gitignore, innermost wins; with --cache the rules come from the cache" {
	mkdir -p "$P/sub" "$P/.gleisner"
	printf '*.tmp\n/out/\n' > "$P/.gitignore"
	printf '!keep.tmp\n' > "$P/sub/.gitignore"
	mkdir "$P/out"; touch "$P/out/x" "$P/a.tmp" "$P/sub/keep.tmp" "$P/sub/b.tmp" "$P/.gleisner/log"
	snap --gitignore "$P" > "$T/pre.json"
	[ "$(jq -c '[.entries[].path]' "$T/pre.json")" = '[".gitignore","sub","sub/.gitignore","sub/keep.tmp"]' ]
	[ "$(jq -c '.ignored | [.count, .by]' "$T/pre.json")" = '[4,{".gleisner":1,"gitignore":3}]' ]
	[ "$(jq -c '[.ignored.gitignore[] | .base]' "$T/pre.json")" = '["","sub"]' ]
	# without --gitignore the files count
	[ "$(snap "$P" | jq '.entries | length')" -eq 8 ]
	# the session rewrites .gitignore to hide what it wrote: the post snapshot
	# keeps using the rules recorded before it
	echo '*' > "$P/.gitignore"
	echo evil > "$P/new.sh"
	snap --gitignore --cache "$T/pre.json" "$P" > "$T/post.json"
	jq -e '[.entries[].path] | index("new.sh") != null' "$T/post.json"
	run -0 gl-snapshot diff "$T/pre.json" "$T/post.json"
	echo "$output" | jq -e '[.added[].path] == ["new.sh"] and [.modified[].path] == [".gitignore"]'
}

# EXAMPLES in man/gl-snapshot.1
@test "EXAMPLE: what a session changed" {
	cd "$P"
	echo a > f
	gl-snapshot . > "$T/pre.json"
	chmod +x f
	echo new > g
	gl-snapshot --cache "$T/pre.json" . > "$T/post.json"
	run -0 sh -c "gl-snapshot diff '$T/pre.json' '$T/post.json' |
	    jq -r '.modified[] | \"\\(.path) \\(.changes | join(\",\"))\"'"
	[ "$output" = "f mode" ]
}

@test "EXAMPLE: list setuid and setgid files" {
	cd "$P"
	touch plain suid
	chmod 4755 suid
	run -0 sh -c "gl-snapshot . | jq -r '.entries[] | select(.mode >= \"2000\") | .path'"
	[ "$output" = suid ]
}

@test "EXAMPLE: leave out build output and what git ignores" {
	cd "$P"
	mkdir -p target/debug
	touch target/debug/app a.log keep.c
	echo '*.log' > .gitignore
	run -0 sh -c "gl-snapshot --gitignore --exclude 'target/' . | jq -c .ignored"
	[ "$output" = '{"by":{"exclude":1,"gitignore":1},"count":2,"gitignore":[{"base":"","rules":"*.log\n"}]}' ]
}

@test "EXAMPLE: fail when anything could not be read" {
	cd "$P"
	touch a
	run -0 sh -c 'gl-snapshot --ignore target . | jq -e .complete > /dev/null && echo complete'
	[ "$output" = complete ]
}
