#!/usr/bin/env bats
# gleisner: the front-end composes the tools into record, verify, inspect.

load helpers

setup() {
	gl_setup
	P=$T/proj
	mkdir -p "$P"
	echo in > "$P/in.txt"
	echo old > "$P/old.txt"
	PUB=$HOME/.config/gleisner/keys/local.pub.pem
}
teardown() { gl_teardown; }

record() {
	gleisner record -d "$P" "$@"
}

att() {	# the newest attestation
	local f a=
	for f in "$P"/.gleisner/attestation-*.json; do a=$f; done
	printf '%s\n' "$a"
}

payload() {
	jq -r .payload "$1" | base64 -d
}

@test "gleisner record: the statement names out.txt with its sha256 and records old.txt deleted" {
	run -0 --separate-stderr record -- sh -c 'cat in.txt > out.txt; rm old.txt'
	a=$(att)
	[ -f "$a" ]
	run -0 --separate-stderr gleisner verify --public-key "$PUB" "$a"
	want=$(sha256sum "$P/out.txt" | cut -d' ' -f1)
	payload "$a" | jq -e --arg d "$want" '[.subject[] | {name, digest}] == [{"name":"out.txt","digest":{"sha256":$d}}]'
	old=$(printf 'old\n' | sha256sum | cut -d' ' -f1)
	payload "$a" | jq -e --arg d "$old" \
		'.predicate.runDetails.byproducts[] | select(.annotations.role == "deleted") | .name == "old.txt" and .digest.sha256 == $d'
	# the audit log it names is the one on disk
	log=$(payload "$a" | jq -r '.predicate.runDetails.byproducts[] | select(.annotations.role == "audit-log") | .name')
	sum=$(payload "$a" | jq -r '.predicate.runDetails.byproducts[] | select(.annotations.role == "audit-log") | .digest.sha256')
	[ "$(sha256sum "$P/.gleisner/$log" | cut -d' ' -f1)" = "$sum" ]
	# the session's processes only: none of the front-end's own helpers
	run -0 jq -r 'select(.type == "proc.exec") | .argv[0] | sub(".*/"; "")' "$P/.gleisner/$log"
	[[ "$output" == *gl-jail* && "$output" == *cat* ]]
	run -1 grep -qx 'date\|dirname\|mkfifo\|id' <<< "$output"
	# and --check-files finds the files beside .gleisner/
	run -0 --separate-stderr gleisner verify --public-key "$PUB" --check-files "$a"
}

@test "gleisner record: the attestation says what was enforced, and what was not" {
	run -0 --separate-stderr record -- true
	payload "$(att)" | jq -e '.predicate.buildDefinition.internalParameters.sandbox as $s |
		($s.jail.seccomp.enforced | type) == "boolean" and ($s.jail.cgroup.enforced | type) == "boolean" and
		$s.jail.measured.namespaces.user == true and $s.jail.measured.host_uid != 0'
	if [ "$("$GL_BIN/gl-landlock" --probe | jq .abi)" -ge 1 ]; then
		payload "$(att)" | jq -e '.predicate.buildDefinition.internalParameters.sandbox.landlock.enforced == true'
	fi
}

@test "gleisner record: a failing command is still recorded and signed, and its status kept" {
	run -3 --separate-stderr record -- sh -c 'echo x > made.txt; exit 3'
	a=$(att)
	run -0 --separate-stderr gleisner verify --public-key "$PUB" "$a"
	payload "$a" | jq -e '[.predicate.runDetails.byproducts[] | select(.annotations.role == "session") | .annotations.exit.code] == [3]'
}

@test "gleisner record: sessions chain by the sha256 of the parent's payload" {
	run -0 --separate-stderr record -- sh -c 'echo 1 > a.txt'
	first=$(att)
	run -0 --separate-stderr record -- sh -c 'echo 2 > b.txt'
	second=$(att)
	[ "$first" != "$second" ]
	want=$(jq -r .payload "$first" | base64 -d | sha256sum | cut -d' ' -f1)
	payload "$second" | jq -e --arg d "$want" \
		'[.predicate.buildDefinition.resolvedDependencies[] | select(.annotations.role == "parent-attestation") | .digest.sha256] == [$d]'
	payload "$first" | jq -e '[.predicate.buildDefinition.resolvedDependencies[] | select(.annotations.role == "parent-attestation")] == []'
	run -0 --separate-stderr gleisner verify --chain --public-key "$PUB" "$second"
	# --no-chain records a new root
	run -0 --separate-stderr record --no-chain -- true
	payload "$(att)" | jq -e '[.predicate.buildDefinition.resolvedDependencies[] | select(.annotations.role == "parent-attestation")] == []'
}

@test "gleisner record: a parent that does not verify is skipped, named, and the next one back used" {
	run -0 --separate-stderr record -- true
	good=$(att)
	run -0 --separate-stderr record --no-chain -- true
	bad=$(att)
	# break the newest one's signature
	jq -c '.signatures[0].sig = "AAAA"' "$bad" > "$T/b" && cp "$T/b" "$bad"
	run -0 --separate-stderr record -- true
	[[ "$stderr" == *"$(basename "$bad") does not verify"* ]]
	want=$(jq -r .payload "$good" | base64 -d | sha256sum | cut -d' ' -f1)
	payload "$(att)" | jq -e --arg d "$want" \
		'[.predicate.buildDefinition.resolvedDependencies[] | select(.annotations.role == "parent-attestation") | .digest.sha256] == [$d]'
}

@test "gleisner record: two sessions in quick succession get distinct ids" {
	run -0 --separate-stderr record -- true
	run -0 --separate-stderr record -- true
	n=$(ls "$P"/.gleisner/attestation-*.json | wc -l)
	[ "$n" -eq 2 ]
	[ "$(ls "$P"/.gleisner/audit-*.jsonl | wc -l)" -eq 2 ]
}

@test "gleisner verify: one changed payload byte, a replaced signature, another key: each exits 1 with one line" {
	run -0 --separate-stderr record -- sh -c 'cat in.txt > out.txt'
	a=$(att)
	# one byte of the payload
	payload "$a" | sed 's/out\.txt/out.txu/' | base64 -w0 > "$T/p64"
	jq -c --rawfile p "$T/p64" '.payload = $p' "$a" > "$T/tampered.json"
	run -1 --separate-stderr gleisner verify --public-key "$PUB" "$T/tampered.json"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == gl-verify:*signature* ]]
	# the signature replaced by one over other bytes
	printf 'other' > "$T/other"
	gl-sign -k "$HOME/.config/gleisner/keys/local.pem" --raw -t text/plain < "$T/other" > "$T/o.json"
	jq -c --slurpfile o "$T/o.json" '.signatures = $o[0].signatures' "$a" > "$T/resigned.json"
	run -1 --separate-stderr gleisner verify --public-key "$PUB" "$T/resigned.json"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	# another key
	gl-sign keygen --private "$T/k2.pem" --public "$T/k2.pub"
	run -1 --separate-stderr gleisner verify --public-key "$T/k2.pub" "$a"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$output" == "NOT verified: $a" ]]
}

@test "gleisner verify: a changed subject file fails --check-files" {
	run -0 --separate-stderr record -- sh -c 'cat in.txt > out.txt'
	echo changed > "$P/out.txt"
	run -1 --separate-stderr gleisner verify --public-key "$PUB" --check-files "$(att)"
	run -0 --separate-stderr gleisner verify --public-key "$PUB" "$(att)"
}

@test "gleisner verify: with no key it trusts only the trust store" {
	run -0 --separate-stderr record -- true
	run -0 --separate-stderr gleisner verify "$(att)"
	# another key in the store is no anchor for this one
	gl-sign keygen --private "$T/k2.pem" --public "$T/k2.pub"
	rm "$HOME"/.config/gleisner/trusted/*
	cp "$T/k2.pub" "$HOME/.config/gleisner/trusted/other.pem"
	run -1 --separate-stderr gleisner verify "$(att)"
	# an empty trust store is a usage error with a hint
	rm "$HOME"/.config/gleisner/trusted/*
	run -2 --separate-stderr gleisner verify "$(att)"
	run -2 --separate-stderr gleisner verify
	run -0 --separate-stderr gleisner verify --json --public-key "$PUB" "$(att)"
	echo "$output" | jq -e '.verified == true'
}

@test "gleisner inspect: shows a verified summary, and marks an unverified one" {
	run -0 --separate-stderr record -- sh -c 'cat in.txt > out.txt'
	run -0 --separate-stderr gleisner inspect "$(att)"
	[[ "$output" == *"Signature:       verified with a trusted key"* ]]
	[[ "$output" == *"  out.txt  sha256:"* ]]
	[[ "$output" == *"Exit:            0"* ]]
	run -0 --separate-stderr gleisner inspect --json "$(att)"
	echo "$output" | jq -e '.verified == true and .statement.subject[0].name == "out.txt"'
	rm "$HOME"/.config/gleisner/trusted/*
	run -1 --separate-stderr gleisner inspect "$(att)"
	[[ "$output" == *"NOT VERIFIED"* ]]
	[[ "$stderr" == *UNVERIFIED* ]]
	echo '{"payload":' > "$T/trunc.json"
	run -3 --separate-stderr gleisner inspect "$T/trunc.json"
	run -4 --separate-stderr gleisner inspect "$T/missing.json"
}

@test "gleisner wrap: runs the command in the jail with its exit status" {
	run -5 --separate-stderr gleisner wrap -d "$P" -- sh -c 'cat in.txt; exit 5'
	[ "$output" = in ]
	run -1 --separate-stderr gleisner wrap -d "$P" -- cat /etc/shadow
	[ ! -e "$P/.gleisner/attestation-"* ] || false
}

@test "gleisner wrap: rejects record-only flags with 125" {
	for f in "-o x" "--audit-log x" "--signing-key x" "--no-chain"; do
		# shellcheck disable=SC2086
		run -125 --separate-stderr gleisner wrap -d "$P" $f -- true
		[[ "$stderr" == *"record option"* ]]
	done
	run -125 --separate-stderr gleisner wrap --allow-network -- true
	run -125 --separate-stderr gleisner wrap --allow-network -bad.test -- true
	[[ "$stderr" == *"-bad.test: not a host name"* ]]
	run -125 --separate-stderr gleisner wrap --bogus -- true
	run -125 --separate-stderr gleisner record -d "$T/nowhere" -- true
}

@test "gleisner wrap: with no command it runs claude with the profile's plugin flags" {
	# a stand-in claude shows the arguments it was given
	mkdir -p "$T/bin" "$HOME/.claude/exo-self"
	printf '#!/bin/sh\nprintf "%%s\\n" "$@"\n' > "$T/bin/claude"
	chmod 755 "$T/bin/claude"
	printf 'include = konishi\n[filesystem]\nreadonly_bind = %s\n' "$T/bin" > "$T/p.ini"
	run -0 --separate-stderr gleisner wrap -p "$T/p.ini" -d "$P" --claude-bin "$T/bin/claude"
	[ "${lines[0]}" = --dangerously-skip-permissions ]
	[ "${lines[1]}" = --disallowedTools ]
	[ "${lines[2]}" = mcp__plugin_serena_serena__execute_shell_command,mcp__plugin_serena_serena__create_text_file ]
	[ "${lines[3]}" = --add-dir ]
	[ "${lines[4]}" = "$HOME/.claude/exo-self" ]
	[ "${#lines[@]}" -eq 5 ]
}

@test "gleisner wrap: the real Claude Code starts inside the jail" {
	command -v claude >/dev/null || skip "claude is not installed"
	run -0 --separate-stderr gleisner wrap -d "$P" -- claude --version
	[[ "$output" == *"(Claude Code)"* ]]
}

@test "gleisner keygen: creates a 0600 key, trusts its public key, never overwrites" {
	run -0 --separate-stderr gleisner keygen
	[ "$(stat -c %a "$HOME/.config/gleisner/keys/local.pem")" = 600 ]
	[ -f "$HOME/.config/gleisner/trusted/local.pub.pem" ]
	run -1 --separate-stderr gleisner keygen
	[[ "$stderr" == *exists* ]]
	XDG_CONFIG_HOME=$T/xdg run -0 --separate-stderr gleisner keygen --ed25519
	[ -f "$T/xdg/gleisner/keys/local.pem" ]
}

@test "gleisner sbom: a CycloneDX document from the project's Cargo.lock" {
	cp "$REPO"/tests/fixtures/gl-sbom/simple/Cargo.lock "$P/" 2>/dev/null ||
		printf 'version = 3\n\n[[package]]\nname = "a"\nversion = "1.0.0"\n' > "$P/Cargo.lock"
	run -0 --separate-stderr gleisner sbom -d "$P"
	echo "$output" | jq -e '.bomFormat == "CycloneDX"'
	run -0 --separate-stderr gleisner sbom -d "$P" -o "$T/sbom.json"
	jq -e '.specVersion == "1.5"' "$T/sbom.json"
}

@test "gleisner: usage and version" {
	run -2 --separate-stderr gleisner
	run -2 --separate-stderr gleisner frobnicate
	run -0 gleisner --help
	[[ "$output" == usage:* ]]
	run -0 gleisner --version
	[[ "$output" == "gleisner "* ]]
}

@test "gleisner: the front-end is POSIX sh: it runs under dash" {
	command -v dash >/dev/null || skip "dash is not installed"
	run -0 --separate-stderr dash "$GL_BIN/gleisner" record -d "$P" -- sh -c 'echo d > dash.txt'
	run -0 --separate-stderr dash "$GL_BIN/gleisner" verify --check-files "$(att)"
}

@test "gleisner record: as an unprivileged user too" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to uid 65534"
	nobody_copies
	chown -R 65534:65534 "$T"
	run -0 --separate-stderr as_nobody env HOME="$HOME" GLEISNER_PROFILE_PATH="$NB_PROFILES" \
		PATH="$NB_BIN:$PATH" gleisner record --allow-degraded cgroup -d "$P" -- sh -c 'cat in.txt > out.txt; rm old.txt'
	run -0 --separate-stderr as_nobody env HOME="$HOME" PATH="$NB_BIN:$PATH" \
		gleisner verify --check-files "$(att)"
	[ "$(stat -c %u "$P/out.txt")" = 65534 ]
	# filtered egress needs root here: konishi's domains are not granted,
	# the jail has loopback only, and the caller is told; an explicit
	# --allow-network that cannot be honoured is 125
	[[ "$stderr" != *"needs root"* ]]
	run -0 --separate-stderr as_nobody env HOME="$HOME" GLEISNER_PROFILE_PATH="$NB_PROFILES" \
		PATH="$NB_BIN:$PATH" gleisner wrap --allow-degraded cgroup -d "$P" -- cat /proc/net/dev
	[[ "$stderr" == *"egress by domain needs root on this machine; the jail has loopback only"* ]]
	[[ "$output" != *eth* ]]
	run -125 --separate-stderr as_nobody env HOME="$HOME" GLEISNER_PROFILE_PATH="$NB_PROFILES" \
		PATH="$NB_BIN:$PATH" gleisner wrap --allow-degraded cgroup --allow-network example.com -d "$P" -- true
	[[ "$stderr" == *"--allow-network: egress by domain needs root"* ]]
}

@test "gleisner-profile(5): the EXAMPLES profile resolves as shown" {
	printf 'include = konishi\nname = mine\n\n[filesystem]\ndeny = ~/src/app/.env\n' > "$T/mine.ini"
	run -0 --separate-stderr "$GL_BIN/gl-jail" -p "$T/mine.ini" --print-profile
	echo "$output" | jq -e --arg h "$HOME" '.resolved.filesystem.deny | index($h + "/src/app/.env") and index($h + "/.ssh")'
	echo "$output" | jq -e '.name == "mine" and (.files | length == 2)'
}

@test "make install honours PREFIX and DESTDIR; installed tools find their profiles; uninstall removes them" {
	# the build's own PREFIX: another would recompile the tools under test
	# with another share directory
	san='' b=$GL_BIN
	case $GL_BIN in *-san) san=SANITIZE=1; b=${GL_BIN%-san} ;; esac
	prefix=${PREFIX:-/usr/local}
	run -0 make -s -C "$REPO" install BUILD="$b" $san DESTDIR="$T/dest"
	d=$T/dest$prefix
	for t in gleisner gl-jail gl-landlock gl-watch gl-snapshot gl-statement gl-sign gl-verify gl-sbom; do
		[ -x "$d/bin/$t" ]
	done
	[ -f "$d/share/gleisner/profiles/konishi.ini" ]
	[ -f "$d/share/man/man1/gleisner.1" ] && [ -f "$d/share/man/man5/gleisner-profile.5" ]
	# moved elsewhere: the tools still find their profiles beside them
	mv "$T/dest" "$T/moved"
	d=$T/moved$prefix
	run -0 --separate-stderr env -u GLEISNER_PROFILE_PATH "$d/bin/gl-jail" -p ashton-laval --print-profile
	echo "$output" | jq -e --arg f "$d/share/gleisner/profiles/ashton-laval.ini" '.files[0].path == $f'
	run -0 make -s -C "$REPO" uninstall BUILD="$b" $san DESTDIR="$T/moved"
	[ ! -e "$d/bin/gleisner" ] && [ ! -e "$d/share/gleisner" ] && [ ! -e "$d/share/man/man1/gl-jail.1" ]
}

@test "gleisner(1) EXAMPLES: the pipeline stage by stage verifies" {
	cd "$P"
	w=$(mktemp -d "$T/w.XXXXXX")
	gl-sign keygen --private "$w/key.pem" --public "$w/key.pub.pem"
	gl-snapshot . > "$w/pre.json"
	gl-jail --report "$w/jail.json" --landlock-report-fd 3 \
	    -- sh -c 'cat in.txt > made.txt' 3> "$w/landlock.json"
	gl-snapshot . > "$w/post.json"
	gl-snapshot diff "$w/pre.json" "$w/post.json" > "$w/diff.json"
	gl-statement --diff "$w/diff.json" --jail-report "$w/jail.json" \
	    --landlock-report "$w/landlock.json" \
	    --invocation-id "$(cat /proc/sys/kernel/random/uuid)" \
	    --started 2026-12-03T10:00:00Z --finished 2026-12-03T10:01:00Z \
	    -- make > "$w/statement.json"
	gl-sign -k "$w/key.pem" < "$w/statement.json" > "$w/attestation.json"
	run -0 --separate-stderr gl-verify -k "$w/key.pub.pem" --check-files . "$w/attestation.json"
}

@test "gleisner(1) EXAMPLES: what did the last session write" {
	run -0 --separate-stderr record -- sh -c 'echo 1 > first.txt'
	run -0 --separate-stderr record -- sh -c 'echo 2 > second.txt'
	cd "$P"
	last=$(ls .gleisner/attestation-*.json | tail -n 1)
	run -0 --separate-stderr sh -c "gleisner inspect --json '$last' | jq -r 'select(.verified) | .statement.subject[].name'"
	[ "$output" = second.txt ]
}

@test "gleisner record: a jail that never ran its command leaves no attestation and no audit log" {
	printf 'name = bare\n' > "$T/bare.ini"
	run -125 --separate-stderr record -p "$T/bare.ini" -- true
	[ -z "$(ls "$P/.gleisner")" ]
}

@test "gleisner record: a second session on the same project is refused while one runs" {
	record -- sh -c 'sleep 2' 2>/dev/null &
	first=$!
	for _ in $(seq 50); do [ -e "$P/.gleisner/.lock" ] && break; sleep 0.1; done
	sleep 0.3
	run -125 --separate-stderr record -- true
	[[ "$stderr" == *"another gleisner record is running"* ]]
	wait "$first"
	[ "$(ls "$P"/.gleisner/attestation-*.json | wc -l)" -eq 1 ]
}

@test "gleisner record: a .gleisner that is a symbolic link is refused before anything is written" {
	mkdir "$T/elsewhere"
	ln -s "$T/elsewhere" "$P/.gleisner"
	run -125 --separate-stderr record -- true
	[[ "$stderr" == *"symbolic link"* ]]
	[ -z "$(ls -A "$T/elsewhere")" ]
}

@test "gleisner verify and inspect: a write error on stdout is 4" {
	[ -w /dev/full ] || skip "no /dev/full"
	run -0 --separate-stderr record -- true
	run -4 --separate-stderr sh -c "gleisner verify '$(att)' > /dev/full"
	run -4 --separate-stderr sh -c "gleisner inspect '$(att)' > /dev/full"
}

# a copy of the tools in which one stage is replaced by a wrapper
tools_with() {	# NAME SCRIPT
	mkdir -p "$T/tools"
	cp "$GL_BIN"/gl-* "$GL_BIN"/gleisner "$T/tools/"
	mv "$T/tools/$1" "$T/tools/$1.real"
	printf '#!/bin/sh\n%s\n' "$2" > "$T/tools/$1"
	chmod 755 "$T/tools/$1"
}

@test "gleisner record: a snapshot that cannot be diffed still yields an attestation saying so" {
	tools_with gl-snapshot 'if [ "$1" = diff ]; then echo "gl-snapshot: post.json: input too large" >&2; exit 3; fi
exec "$0.real" "$@"'
	run -0 --separate-stderr "$T/tools/gleisner" record -d "$P" -- sh -c 'echo x > made.txt'
	[[ "$stderr" == *"the snapshot diff failed"* ]]
	run -0 --separate-stderr gleisner verify "$(att)"
	payload "$(att)" | jq -e '.subject == [] and ([.predicate.runDetails.byproducts[] | select(.annotations.role == "session")
		| .annotations.completenessNotes[] | select(test("^subjects: the snapshot diff failed: .*input too large"))] | length == 1)'
}

@test "gleisner record: an audit log that cannot be read as events is named, and the gap noted" {
	tools_with gl-watch 'out=; prev=; for a; do [ "$prev" = -o ] && out=$a; prev=$a; done
"$0.real" "$@" & w=$!
trap "kill -TERM $w" TERM
wait $w; wait $w; echo "not json" >> "$out"'
	run -0 --separate-stderr "$T/tools/gleisner" record -d "$P" -- true
	payload "$(att)" | jq -e '[.predicate.runDetails.byproducts[] | select(.annotations.role == "session")
		| .annotations | .completeness.events == false and (.completenessNotes | any(test("^events: ")))] == [true]'
}

@test "gleisner record: a --signing-key inside the project cannot be read in the jail" {
	mkdir -p "$P/keys"
	gl-sign keygen --private "$P/keys/sk.pem" --public "$P/keys/sk.pub"
	run -1 --separate-stderr record --signing-key "$P/keys/sk.pem" -- cat keys/sk.pem
	[[ "$output" != *PRIVATE* ]]
	run -0 --separate-stderr gleisner verify --public-key "$P/keys/sk.pub" "$(att)"
}

@test "gleisner record --no-landlock: the command cannot forge the Landlock report" {
	run -0 --separate-stderr record --no-landlock -- sh -c 'echo "{\"abi\":7,\"enforced\":true,\"status\":\"full\"}" >&4; true'
	payload "$(att)" | jq -e '.predicate.buildDefinition.internalParameters.sandbox.landlock.enforced == false'
}

@test "gleisner record: killing the front-end leaves no jail and no watcher behind" {
	gleisner record -d "$P" -- sh -c 'echo started > started.txt; exec sleep 61' 2>/dev/null &
	fe=$!
	for _ in $(seq 100); do [ -e "$P/started.txt" ] && break; sleep 0.1; done
	[ -e "$P/started.txt" ]
	run -0 pgrep -f "gl-watch.*$P"
	kill -9 "$fe"
	for _ in $(seq 50); do
		pgrep -f "gl-watch.*$P" >/dev/null || pgrep -f "sleep 61" >/dev/null || break
		sleep 0.1
	done
	run -1 pgrep -f "gl-watch.*$P"
	run -1 pgrep -f "gl-jail.*$P"
	run -1 pgrep -f "sleep 61"
}

@test "gleisner doctor: what this machine can enforce, for people and as JSON" {
	run -0 --separate-stderr gleisner doctor
	[[ "$output" == *"landlock:"* && "$output" == *"seccomp:"* && "$output" == *"bubblewrap:"* ]]
	run -0 --separate-stderr gleisner doctor --json
	echo "$output" | jq -e '(.landlock.abi | type) == "number" and has("userns") and has("cgroup")'
	run -2 --separate-stderr gleisner doctor --bogus
}

@test "gleisner record: Ctrl-C during the session still ends in a signed attestation" {
	setsid sh -c "exec env PATH='$PATH' HOME='$HOME' GLEISNER_PROFILE_PATH='$GLEISNER_PROFILE_PATH' gleisner record -d '$P' -- sh -c 'echo evil > payload; sleep 20'" 2>/dev/null &
	leader=$!
	for _ in $(seq 100); do [ -e "$P/payload" ] && break; sleep 0.1; done
	[ -e "$P/payload" ]
	kill -INT -- -"$leader"
	wait "$leader" || st=$?
	[ "${st:-0}" -eq 130 ]
	run -0 --separate-stderr gleisner verify "$(att)"
	payload "$(att)" | jq -e '([.subject[].name] | index("payload") != null) and
		([.predicate.runDetails.byproducts[] | select(.annotations.role == "session") | .annotations.exit.signal] == [2])'
}

@test "gleisner record: the SBOM after the session names the dependency it added and is signed as a byproduct; the bundle verifies; verify takes the directory and a policy" {
	cp "$FIX/lockfiles/cargo/Cargo.lock" "$P/Cargo.lock"
	run -0 --separate-stderr gleisner record -d "$P" -- sh -c 'printf "\n[[package]]\nname = \"added-crate\"\nversion = \"1.2.3\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"%064d\"\n" 0 >> Cargo.lock'
	a=$(att)
	payload "$a" | jq -e '[.predicate.runDetails.byproducts[] | select(.annotations.role == "sbom-summary") | .annotations.summary.added[].name] == ["added-crate"]'
	sbom=$(ls "$P"/.gleisner/sbom-*.cdx.json)
	want=$(sha256sum "$sbom" | cut -d' ' -f1)
	payload "$a" | jq -e --arg d "$want" --arg n "${sbom##*/}" '[.predicate.runDetails.byproducts[] | select(.name == $n) | .digest.sha256] == [$d]'
	jq -e '[.components[] | select(.name == "added-crate") | .properties[] | select(.name == "gleisner:change") | .value] == ["added"]' "$sbom"
	b=$(ls "$P"/.gleisner/bundle-*.sigstore.json)
	run -0 --separate-stderr gl-verify -k "$HOME/.config/gleisner/keys/local.pub.pem" "$b"
	run -0 --separate-stderr gleisner verify --policy "$REPO/contrib/policies/basic.json" "$P/.gleisner"
	[[ "$output" == "verified: $P/.gleisner (a chain of 1 attestations back to its root)" ]]
	printf '{"allowed_profiles": ["developer"]}' > "$T/none.json"
	run -1 --separate-stderr gleisner verify --policy "$T/none.json" "$P/.gleisner"
	# the SBOM beside the attestation is checked like the audit log
	echo ' ' >> "$sbom"
	run -1 --separate-stderr gl-verify -k "$HOME/.config/gleisner/keys/local.pub.pem" "$a"
	[[ "$stderr" == *"${sbom##*/}: sha256"*"is not the attested"* ]]
}

@test "gleisner record -o: the audit log, SBOM and bundle go beside the attestation, and the project's chain stays whole" {
	run -0 --separate-stderr gleisner record -d "$P" -- sh -c 'echo a > a.txt'
	mkdir "$T/out"
	run -0 --separate-stderr gleisner record -d "$P" -o "$T/out/att.json" -- sh -c 'echo b > b.txt'
	ls "$T"/out/audit-*.jsonl "$T"/out/sbom-*.cdx.json "$T/out/att.sigstore.json"
	[ "$(ls "$P"/.gleisner/audit-*.jsonl | wc -l)" -eq 1 ]
	run -0 --separate-stderr gleisner verify "$P/.gleisner"
	run -0 --separate-stderr gl-verify --audit-log "$(ls "$T"/out/audit-*.jsonl)" "$T/out/att.json"
}

@test "gleisner verify --check-files DIR: the directory is the operand when nothing follows; the files of the newest session are checked" {
	run -0 --separate-stderr gleisner record -d "$P" -- sh -c 'echo 1 > a.txt'
	run -0 --separate-stderr gleisner record -d "$P" -- sh -c 'echo 2 > a.txt; echo x > b.txt'
	run -0 --separate-stderr gleisner verify --check-files "$P/.gleisner"
	run -0 --separate-stderr gleisner verify --check-files "$P" "$P/.gleisner"
	run -0 --separate-stderr gleisner verify --check-files="$P" "$P/.gleisner"
	# two chains: the first is an operand too, not the files' directory
	mkdir -p "$T/q"
	run -0 --separate-stderr gleisner record -d "$T/q" -- sh -c 'echo q > q.txt'
	run -0 --separate-stderr gleisner verify --check-files "$P/.gleisner" "$T/q/.gleisner"
	[[ "$stderr" != *"q.txt"* ]]
	echo changed > "$P/b.txt"
	run -1 --separate-stderr gleisner verify --check-files "$P/.gleisner"
	run -1 --separate-stderr gleisner verify --check-files "$T/q/.gleisner" "$P/.gleisner"
}

@test "gleisner record -o or --audit-log inside the project (outside .gleisner/) is refused: the agent could plant a link there or edit the log" {
	mkdir -p "$P/out"
	run -125 --separate-stderr gleisner record -d "$P" -o "$P/out/att.json" -- true
	[[ "$stderr" == *"inside the project, where the agent can write"* ]]
	run -125 --separate-stderr gleisner record -d "$P" --audit-log "$P/log.jsonl" -- true
	run -125 --separate-stderr gleisner record -d "$P" -o "$T/x.json" --audit-log "$T/x.json" -- true
	[[ "$stderr" == *"must be two files"* ]]
	[ ! -e "$T/x.json" ]
	run -0 --separate-stderr gleisner record -d "$P" -o "$P/.gleisner/mine.json" -- true
}

@test "gleisner verify of .gleisner/: an edited SBOM of an older session fails too" {
	cp "$FIX/lockfiles/cargo/Cargo.lock" "$P/Cargo.lock"
	run -0 --separate-stderr gleisner record -d "$P" -- true
	run -0 --separate-stderr gleisner record -d "$P" -- true
	run -0 --separate-stderr gleisner verify "$P/.gleisner"
	old=$(ls "$P"/.gleisner/sbom-*.cdx.json | head -n 1)
	echo ' ' >> "$old"
	run -1 --separate-stderr gleisner verify "$P/.gleisner"
	[[ "$output$stderr" == *"${old##*/}"* ]]
}

@test "gleisner verify of .gleisner/: a deleted audit log or SBOM is lost evidence, not a skip" {
	cp "$FIX/lockfiles/cargo/Cargo.lock" "$P/Cargo.lock"
	run -0 --separate-stderr gleisner record -d "$P" -- true
	run -0 --separate-stderr gleisner record -d "$P" -- true
	sbom=$(ls "$P"/.gleisner/sbom-*.cdx.json | tail -n 1)
	mv "$sbom" "$T/saved"
	run -1 --separate-stderr gleisner verify "$P/.gleisner"
	[[ "$output$stderr" == *"${sbom##*/}: attested, but missing"* ]]
	mv "$T/saved" "$sbom"
	log=$(ls "$P"/.gleisner/audit-*.jsonl | head -n 1)
	mv "$log" "$T/saved"
	run -1 --separate-stderr gleisner verify "$P/.gleisner"
	[[ "$output$stderr" == *"${log##*/}: attested, but missing"* ]]
	mv "$T/saved" "$log"
	run -0 --separate-stderr gleisner verify "$P/.gleisner"
}

@test "gleisner wrap where gl-netfilter is not installed: a profile that needs it stops with 125 and says which path; a closed one runs; nothing is run from the project" {
	[ "$(id -u)" -eq 0 ] || skip "the hand-over to gl-netfilter is root's"
	d=$T/partial
	mkdir -p "$d"
	cp "$GL_BIN/gleisner" "$GL_BIN/gl-jail" "$GL_BIN/gl-landlock" "$d/"
	printf '#!/bin/sh\ntouch %s/PWNED\n' "$T" > "$P/gl-netfilter"
	chmod 755 "$P/gl-netfilter"
	cd "$P"
	run -125 --separate-stderr env PATH=/usr/bin:/bin dash "$d/gleisner" wrap -- true
	[[ "$stderr" == *"--netfilter $d/gl-netfilter: No such file or directory"* ]]
	sed '/^allow_domains/d' "$REPO/profiles/konishi.ini" > "$T/closed.ini"
	run -0 --separate-stderr env PATH=/usr/bin:/bin dash "$d/gleisner" wrap -p "$T/closed.ini" -- true
	[ ! -e "$T/PWNED" ]
}
