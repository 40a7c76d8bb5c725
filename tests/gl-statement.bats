#!/usr/bin/env bats
# gl-statement: the in-toto Statement of a session, and git-state.

load helpers

setup() { gl_setup; }
teardown() { gl_teardown; }

S=$FIX/statement
ID=0b5f3c9e-1a2b-4c3d-8e9f-0123456789ab
base_args() {
	echo --invocation-id "$ID" --started 2026-12-03T10:15:16Z --finished 2026-12-03T10:15:19Z
}


@test "output is one line, valid JSON, the statement and predicate types exact" {
	run -0 --separate-stderr gl-statement $(base_args) --diff "$S/diff.json" -- true
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | jq -e '._type == "https://in-toto.io/Statement/v1" and
	    .predicateType == "https://slsa.dev/provenance/v1" and
	    .predicate.buildDefinition.buildType == "https://gleisner.dev/session/v1" and
	    (.predicate.runDetails.builder.id | startswith("https://gleisner.dev/gleisner@"))'
	# only the four Statement fields at the top
	echo "$output" | jq -e 'keys == ["_type","predicate","predicateType","subject"]'
}

@test "same inputs give byte-identical output" {
	gl-statement $(base_args) --diff "$S/diff.json" --events "$S/events.jsonl" \
	    --jail-report "$S/jail.json" --git "$S/git.json" -- a b > "$T/1"
	gl-statement $(base_args) --diff "$S/diff.json" --events "$S/events.jsonl" \
	    --jail-report "$S/jail.json" --git "$S/git.json" -- a b > "$T/2"
	cmp "$T/1" "$T/2"
	# sorted keys and compact: jq -cS reproduces the bytes
	jq -cS . "$T/1" | cmp - "$T/1"
}

@test "parent digest is sha256 of the decoded parent payload" {
	want=$(jq -r .payload "$S/attestation-0001.json" | base64 -d | sha256sum | cut -d' ' -f1)
	run -0 --separate-stderr gl-statement $(base_args) --parent "$S/attestation-0001.json" -- true
	echo "$output" | jq -e --arg w "$want" '[.predicate.buildDefinition.resolvedDependencies[]
	    | select(.annotations.role == "parent-attestation")] ==
	    [{"name":"attestation-0001.json","digest":{"sha256":$w},
	      "annotations":{"role":"parent-attestation"}}]'
}

@test "B19: invalid names are percent-encoded with raw bytes in path_b64, sorted by raw bytes" {
	run -0 --separate-stderr gl-statement $(base_args) --diff "$S/diff-b19.json" -- true
	echo "$output" | jq -e '[.subject[].name] == ["bad.txt","bad%FE.txt","bad%FF.txt","café","nl%0Aname"]'
	b=$(echo "$output" | jq -r '.subject[] | select(.name == "bad%FF.txt") | .annotations.path_b64')
	[ "$(printf '%s' "$b" | base64 -d | od -An -tx1 | tr -d ' \n')" = "626164ff2e747874" ]
	# valid names carry no path_b64
	echo "$output" | jq -e '[.subject[] | select(.annotations.path_b64 == null) | .name] == ["bad.txt","café"]'
	# the output is strict UTF-8 with no lone surrogates
	echo "$output" | iconv -f UTF-8 -t UTF-8 > /dev/null
	[[ "$output" != *[Uu][Dd][Cc]* ]]
}

@test "deleted files and renamed-from are byproducts with their last digest" {
	run -0 --separate-stderr gl-statement $(base_args) --diff "$S/diff.json" -- true
	gone=$(printf 'gone\n' | sha256sum | cut -d' ' -f1)
	echo "$output" | jq -e --arg g "$gone" '[.predicate.runDetails.byproducts[]
	    | select(.annotations.role == "deleted") | [.name, .digest.sha256]] ==
	    [["docs/a.md", (.predicate.runDetails.byproducts[] | select(.name=="docs/a.md") | .digest.sha256)],
	     ["old.txt", $g]]'
	echo "$output" | jq -e '[.subject[].name] | index("old.txt") == null'
}

@test "a permission-only change is still a subject; dirs and symlinks are listed apart" {
	run -0 --separate-stderr gl-statement $(base_args) --diff "$S/diff.json" -- true
	echo "$output" | jq -e '.subject[] | select(.name == "run.sh") | .annotations.changes == ["mode"]'
	echo "$output" | jq -e '[.predicate.runDetails.byproducts[] | select(.name == "session")
	    | .annotations.otherChanges[] | [.path, .type]] == [["build","dir"],["link","symlink"]]'
	# subjects are never absolute or ..
	echo "$output" | jq -e 'all(.subject[].name; (startswith("/") or test("(^|/)\\.\\.(/|$)")) | not)'
}

@test "exit status from the jail report, else --exit-code, else null" {
	run -0 --separate-stderr gl-statement $(base_args) --jail-report "$S/jail.json" --exit-code 7 -- true
	echo "$output" | jq -e '.predicate.runDetails.byproducts[-1].annotations.exit == {"code":0}'
	run -0 --separate-stderr gl-statement $(base_args) --exit-code 7 -- true
	echo "$output" | jq -e '.predicate.runDetails.byproducts[-1].annotations.exit == {"code":7}'
	echo '{"exit":{"signal":9}}' > "$T/j.json"
	run -0 --separate-stderr gl-statement $(base_args) --jail-report "$T/j.json" -- true
	echo "$output" | jq -e '.predicate.runDetails.byproducts[-1].annotations.exit == {"signal":9}'
	run -0 --separate-stderr gl-statement $(base_args) -- true
	echo "$output" | jq -e '.predicate.runDetails.byproducts[-1].annotations.exit == null'
}

@test "the command comes from argv, else from the jail report; neither is usage (2)" {
	run -0 --separate-stderr gl-statement $(base_args) --jail-report "$S/jail.json"
	echo "$output" | jq -e '.predicate.buildDefinition.externalParameters.command ==
	    ["claude","--dangerously-skip-permissions"]'
	run -2 --separate-stderr gl-statement $(base_args)
	[[ "$stderr" == *"no COMMAND"* ]]
}

@test "audit log digest, size and counts" {
	want=$(sha256sum < "$S/events.jsonl" | cut -d' ' -f1)
	size=$(wc -c < "$S/events.jsonl")
	run -0 --separate-stderr gl-statement $(base_args) --events "$S/events.jsonl" -- true
	echo "$output" | jq -e --arg w "$want" --argjson s "$size" '.predicate.runDetails.byproducts[0]
	    | .name == "events.jsonl" and .digest.sha256 == $w and .annotations.size == $s
	    and .annotations.role == "audit-log" and .annotations.complete == true
	    and .annotations.counts["file.write"] == 1'
	echo "$output" | jq -e '.predicate.runDetails.byproducts[-1].annotations.completeness
	    == {"events":true,"materials":false,"subjects":false}'
}

@test "denials are counted from *.deny events" {
	{ head -1 "$S/events.jsonl"
	  echo '{"seq":2,"src":"gl-watch","type":"landlock.deny","path":"x"}'
	  echo '{"seq":1,"src":"gl-netfilter","type":"net.deny","addr":"10.0.0.1","port":443,"proto":"tcp"}'
	} > "$T/e.jsonl"
	run -0 --separate-stderr gl-statement $(base_args) --events "$T/e.jsonl" -- true
	echo "$output" | jq -e '.predicate.runDetails.byproducts[-1].annotations.denials == 2'
}

@test "seq that does not increase is bad input (3) with the line" {
	{ head -2 "$S/events.jsonl"; head -2 "$S/events.jsonl" | tail -1; } > "$T/e.jsonl"
	run -3 --separate-stderr gl-statement $(base_args) --events "$T/e.jsonl" -- true
	[ "$stderr" = "gl-statement: $T/e.jsonl:3: seq does not increase" ]
	[ -z "$output" ]
}

@test "an empty line in the audit log is bad input (3)" {
	{ head -1 "$S/events.jsonl"; echo; } > "$T/e.jsonl"
	echo >> "$T/e.jsonl"
	run -3 --separate-stderr gl-statement $(base_args) --events "$T/e.jsonl" -- true
	[ "$stderr" = "gl-statement: $T/e.jsonl:2: empty line" ]
}

@test "a duplicate key in the diff is bad input (3)" {
	echo '{"added":[],"added":[]}' > "$T/d.json"
	run -3 --separate-stderr gl-statement $(base_args) --diff "$T/d.json" -- true
	[[ "$stderr" == "gl-statement: $T/d.json: "*"duplicate key"* ]]
}

@test "an unknown key in the diff is bad input (3)" {
	echo '{"added":[],"changed":[]}' > "$T/d.json"
	run -3 --separate-stderr gl-statement $(base_args) --diff "$T/d.json" -- true
	[ "$stderr" = "gl-statement: $T/d.json: changed: unknown key" ]
}

@test "a file entry without a lowercase sha256 is bad input (3)" {
	echo '{"added":[{"path":"a","type":"file","sha256":"ABC"}]}' > "$T/d.json"
	run -3 --separate-stderr gl-statement $(base_args) --diff "$T/d.json" -- true
	[ "$stderr" = "gl-statement: $T/d.json: added[0]: sha256 is not 64 lowercase hex digits" ]
}

@test "an absolute path in the diff is bad input (3)" {
	h=$(printf x | sha256sum | cut -d' ' -f1)
	echo '{"added":[{"path":"/etc/passwd","type":"file","sha256":"'"$h"'"}]}' > "$T/d.json"
	run -3 --separate-stderr gl-statement $(base_args) --diff "$T/d.json" -- true
}

@test "an envelope without signatures is bad input (3)" {
	echo '{"payload":"eA==","payloadType":"application/vnd.in-toto+json","signatures":[]}' > "$T/p.json"
	run -3 --separate-stderr gl-statement $(base_args) --parent "$T/p.json" -- true
	[ "$stderr" = "gl-statement: $T/p.json: not a DSSE envelope (no signatures)" ]
}

@test "a jail report that is not an object, or has a bad profile, is bad input (3)" {
	echo '[1]' > "$T/j.json"
	run -3 --separate-stderr gl-statement $(base_args) --jail-report "$T/j.json" -- true
	echo '{"profile":{"name":"x","digest":{"sha256":"00"}}}' > "$T/j.json"
	run -3 --separate-stderr gl-statement $(base_args) --jail-report "$T/j.json" -- true
	[ "$stderr" = "gl-statement: $T/j.json: profile needs a name and digest.sha256" ]
}

@test "landlock report is copied under internalParameters.sandbox.landlock" {
	run -0 --separate-stderr gl-statement $(base_args) --landlock-report "$S/landlock.json" -- true
	echo "$output" | jq -e --slurpfile l "$S/landlock.json" \
	    '.predicate.buildDefinition.internalParameters.sandbox.landlock == $l[0]'
}

@test "profile goes to externalParameters and resolvedDependencies" {
	run -0 --separate-stderr gl-statement $(base_args) --jail-report "$S/jail.json" -- true
	echo "$output" | jq -e '.predicate.buildDefinition.externalParameters.profile.name == "konishi"'
	echo "$output" | jq -e '[.predicate.buildDefinition.resolvedDependencies[]
	    | select(.annotations.role == "profile") | .name] == ["konishi"]'
	echo "$output" | jq -e '.predicate.buildDefinition.externalParameters.project == "proj"'
}

@test "jq 1.6 fromdateiso8601 accepts startedOn and finishedOn" {
	run -0 --separate-stderr gl-statement $(base_args) -- true
	echo "$output" | jq -e '.predicate.runDetails.metadata
	    | (.finishedOn | fromdateiso8601) - (.startedOn | fromdateiso8601) == 3'
}

@test "--finished before --started is usage (2)" {
	run -2 --separate-stderr gl-statement --invocation-id "$ID" \
	    --started 2026-12-03T10:15:19Z --finished 2026-12-03T10:15:16Z -- true
}

@test "an impossible date is usage (2)" {
	run -2 --separate-stderr gl-statement --invocation-id "$ID" \
	    --started 2026-02-30T10:15:19Z --finished 2026-03-03T10:15:16Z -- true
}

@test "a write error is a system failure (4)" {
	run -4 --separate-stderr sh -c "gl-statement $(base_args) -- true > /dev/full"
	[[ "$stderr" == "gl-statement: stdout: No space left on device" ]]
}

@test "--help (0), --version (0), unknown option (2)" {
	run -0 --separate-stderr gl-statement --help
	[[ "$output" == "usage: gl-statement"* ]]
	run -0 --separate-stderr gl-statement --version
	[ "$output" = "gl-statement 0.1.0" ]
	run -2 --separate-stderr gl-statement --bogus
	[[ "$stderr" == *"usage: gl-statement"* ]]
}

git_repo() {
	git init -q -b main "$1"
	git -C "$1" -c user.email=t@t -c user.name=t commit -q --allow-empty -m init
}

@test "git-state: clean repository" {
	git_repo "$T/r"
	git -C "$T/r" remote add origin https://user:secret@example.com/r.git
	run -0 --separate-stderr gl-statement git-state "$T/r"
	echo "$output" | jq -e --arg c "$(git -C "$T/r" rev-parse HEAD)" \
	    '. == {"commit":$c,"branch":"main","dirty":false,"remote":"https://example.com/r.git"}'
}

@test "git-state: dirty repository, and its statement entry" {
	git_repo "$T/r"
	echo x > "$T/r/new"
	gl-statement git-state "$T/r" > "$T/g.json"
	jq -e '.dirty == true and .remote == null' "$T/g.json"
	run -0 --separate-stderr gl-statement $(base_args) --git "$T/g.json" --project "$T/r" -- true
	echo "$output" | jq -e --arg c "$(git -C "$T/r" rev-parse HEAD)" --arg u "git+file://$T/r" \
	    '.predicate.buildDefinition.resolvedDependencies[0] ==
	     {"uri":$u,"digest":{"gitCommit":$c},"annotations":{"role":"git","branch":"main","dirty":true}}'
}

@test "git-state: not a repository gives nulls and exit 0" {
	mkdir "$T/plain"
	run -0 --separate-stderr gl-statement git-state "$T/plain"
	[ "$output" = '{"branch":null,"commit":null,"dirty":false,"remote":null}' ]
	echo "$output" > "$T/g.json"
	run -0 --separate-stderr gl-statement $(base_args) --git "$T/g.json" -- true
	echo "$output" | jq -e '.predicate.buildDefinition.resolvedDependencies == []'
}

@test "git-state: hooks and fsmonitor in .git/config never run" {
	git_repo "$T/r"
	git -C "$T/r" config core.fsmonitor "touch $T/pwned-fsmonitor; false"
	mkdir -p "$T/r/.git/hooks"
	printf '#!/bin/sh\ntouch %s/pwned-hook\n' "$T" > "$T/r/.git/hooks/post-index-change"
	chmod +x "$T/r/.git/hooks/post-index-change"
	run -0 --separate-stderr gl-statement git-state "$T/r"
	[ ! -e "$T/pwned-fsmonitor" ] && [ ! -e "$T/pwned-hook" ]
}

@test "git-state: missing directory (4), no directory (2)" {
	run -4 --separate-stderr gl-statement git-state "$T/none"
	run -2 --separate-stderr gl-statement git-state
}

@test "EXAMPLE: statement from a recorded session, signed payload bytes" {
	git_repo "$T/p"
	gl-statement git-state "$T/p" > "$T/git.json"
	gl-statement --invocation-id "$ID" --started 2026-12-03T10:15:16Z \
	    --finished 2026-12-03T10:15:19Z --diff "$S/diff.json" \
	    --events "$S/events.jsonl" --git "$T/git.json" --project "$T/p" \
	    -- claude -p 'fix the tests' > "$T/statement.json"
	jq -e '.subject | length == 5' "$T/statement.json"
	# the DSSE payload is the line without its newline
	head -c -1 "$T/statement.json" | jq -e . > /dev/null
	[ "$(tail -c 1 "$T/statement.json" | od -An -tx1 | tr -d ' ')" = 0a ]
}

@test "EXAMPLE: list what a session wrote, and what it read" {
	gl-statement $(base_args) --diff "$S/diff.json" --events "$S/events-reads.jsonl" -- true > "$T/statement.json"
	run -0 --separate-stderr jq -r '.subject[] | [.digest.sha256, .name] | @tsv' "$T/statement.json"
	[ "${lines[4]}" = "$(printf '%s\tsrc/new.c' "$(printf 'hello\n' | sha256sum | cut -d' ' -f1)")" ]
	run -0 --separate-stderr jq -r '.predicate.buildDefinition.resolvedDependencies[] |
	    select(.annotations.role == "material") | .name' "$T/statement.json"
	[ "$output" = "$(printf 'README\nbad%%FE.txt\nsrc/main.c\nsrc/main.c')" ]
}

@test "EXAMPLE: with the network and SBOM reports of the session, and the SBOM itself" {
	cd "$T"
	cp "$S/network.json" net.json
	cp "$S/sbom-summary.json" sbom-diff.json
	cp "$S/sbom.json" sbom.cdx.json
	gl-statement --invocation-id "$(cat /proc/sys/kernel/random/uuid)" \
	    --started 2026-12-03T10:15:16Z --finished 2026-12-03T10:15:19Z \
	    --network-report net.json --sbom-summary sbom-diff.json \
	    --byproduct sbom.cdx.json=sbom.cdx.json -- make > statement.json
	jq -e --slurpfile n net.json '.predicate.buildDefinition.internalParameters.sandbox.network == $n[0]' statement.json
	jq -e '[.predicate.runDetails.byproducts[] | .annotations.role] | index("sbom-summary") and index("byproduct")' statement.json
	[ "$(jq -r '.predicate.runDetails.byproducts[] | select(.name == "sbom.cdx.json") | .digest.sha256' statement.json)" = \
	    "$(sha256sum < sbom.cdx.json | cut -d' ' -f1)" ]
}

@test "gl-statement: --network-report replaces the jail report's network section" {
	jq -c '.network = {mode:"loopback-only"}' "$S/jail.json" > "$T/jail.json"
	gl-statement $(base_args) --jail-report "$T/jail.json" -- true > "$T/a.json"
	jq -e '.predicate.buildDefinition.internalParameters.sandbox.jail.network.mode == "loopback-only"' "$T/a.json"
	gl-statement $(base_args) --jail-report "$T/jail.json" --network-report "$S/network.json" -- true > "$T/b.json"
	jq -e '.predicate.buildDefinition.internalParameters.sandbox | (.jail | has("network") | not) and .network.mode == "allowlist"' "$T/b.json"
	echo '[]' > "$T/bad.json"
	run -3 --separate-stderr gl-statement $(base_args) --network-report "$T/bad.json" -- true
	[ "$stderr" = "gl-statement: $T/bad.json: not a JSON object" ]
}

@test "gl-statement: --byproduct needs NAME=FILE, a new name and a readable file" {
	run -2 --separate-stderr gl-statement $(base_args) --byproduct nofile -- true
	run -2 --separate-stderr gl-statement $(base_args) --byproduct =x -- true
	run -4 --separate-stderr gl-statement $(base_args) --byproduct a=$T/none -- true
	echo x > "$T/f"
	run -3 --separate-stderr gl-statement $(base_args) --byproduct a=$T/f --byproduct a=$T/f -- true
	[ "$stderr" = "gl-statement: $T/f: the name is already a byproduct" ]
	run -0 --separate-stderr gl-statement $(base_args) --byproduct a=$T/f --byproduct b=$T/f -- true
}

@test "gl-statement: materials are complete only with reads observed, nothing lost, every read hashed" {
	gl-statement $(base_args) --events "$S/events-reads.jsonl" -- true > "$T/a.json"
	jq -e '.predicate.runDetails.byproducts[] | select(.annotations.role == "session") | .annotations.completeness.materials == true' "$T/a.json"
	gl-statement $(base_args) --events "$S/events.jsonl" -- true > "$T/b.json"
	jq -e '.predicate.runDetails.byproducts[] | select(.annotations.role == "session") | .annotations | .completeness.materials == false and (.completenessNotes | index("materials: the watcher did not observe file reads"))' "$T/b.json"
	gl-statement $(base_args) --events "$S/events-error.jsonl" -- true > "$T/c.json"
	jq -e '.predicate.runDetails.byproducts[] | select(.annotations.role == "session") | .annotations.completeness | .materials == false and .events == false' "$T/c.json"
}

@test "EXAMPLE: gl-statement.1 and gleisner-attestation.5, signed and linked by hand" {
	command -v gl-sign > /dev/null || skip "gl-sign is not built"
	cd "$T"
	gl-sign keygen --ed25519 --private key.pem --public key.pub
	gl-statement $(base_args) -- true | gl-sign -k key.pem -o attestation-0.json
	gl-statement $(base_args) --parent attestation-0.json --diff "$S/diff.json" \
	    -- claude -p 'fix the tests' > statement.json
	gl-sign -k key.pem -o attestation-1.json < statement.json
	run -0 sh -c "jq -r .payload attestation-1.json | base64 -d |
	    jq -r '.subject[] | [.digest.sha256, .name] | @tsv'"
	[ "${#lines[@]}" -eq 5 ]
	a=$(jq -r .payload attestation-0.json | base64 -d | sha256sum | cut -d' ' -f1)
	b=$(jq -r .payload attestation-1.json | base64 -d | jq -r \
	    '.predicate.buildDefinition.resolvedDependencies[]
	     | select(.annotations.role == "parent-attestation") | .digest.sha256')
	[ "$a" = "$b" ]
	# the payload is the statement line without its newline
	jq -r .payload attestation-1.json | base64 -d | cmp - <(head -c -1 statement.json)
}

@test "a diff whose snapshots skipped paths makes the subjects incomplete" {
	echo '{"added":[],"complete":false}' > "$T/d.json"
	run -0 --separate-stderr gl-statement $(base_args) --diff "$T/d.json" -- true
	echo "$output" | jq -e '.predicate.runDetails.byproducts[-1].annotations
	    | .completeness.subjects == false and (.completenessNotes | index("the snapshots skipped paths"))'
	echo '{"complete":"yes"}' > "$T/d.json"
	run -3 --separate-stderr gl-statement $(base_args) --diff "$T/d.json" -- true
	[ "$stderr" = "gl-statement: $T/d.json: complete: not a boolean" ]
}

@test "with gl-snapshot: watch, change, diff, statement" {
	command -v gl-snapshot > /dev/null || skip "gl-snapshot is not built"
	mkdir -p "$T/p/.gleisner"
	echo a > "$T/p/a"; echo b > "$T/p/b"; echo c > "$T/p/c"
	gl-snapshot "$T/p" > "$T/pre.json"
	mkfifo "$T/ready"
	gl-watch -o "$T/p/.gleisner/audit-1.jsonl" --ready-fd 5 "$T/p" 5> "$T/ready" 3>&- &
	w=$!
	read -r line < "$T/ready"
	echo x > "$T/p/a"; chmod 755 "$T/p/b"; rm "$T/p/c"; printf '1' > "$T/p/$(printf 'n\377')"
	kill -TERM "$w"; wait "$w"
	gl-snapshot "$T/p" > "$T/post.json"
	gl-snapshot diff "$T/pre.json" "$T/post.json" > "$T/diff.json"
	run -0 --separate-stderr gl-statement $(base_args) --diff "$T/diff.json" \
	    --events "$T/p/.gleisner/audit-1.jsonl" --project "$T/p" -- sh -c edit
	echo "$output" | jq -e '[.subject[].name] == ["a","b","n%FF"]'
	echo "$output" | jq -e '[.predicate.runDetails.byproducts[] | select(.annotations.role == "deleted") | .name] == ["c"]'
	# materials are complete only where the watcher sees reads (fanotify)
	reads=$(jq -r 'select(.type == "session.start") | .reads // false' "$T/p/.gleisner/audit-1.jsonl")
	echo "$output" | jq -e --argjson r "$reads" '.predicate.runDetails.byproducts[-1].annotations.completeness
	    == {"events":true,"materials":$r,"subjects":true}'
}

@test "gl-statement: --note adds completeness notes; without --diff subjects are incomplete" {
	run -0 --separate-stderr gl-statement --invocation-id 3f0c1a5e-1111-4222-8333-944455556666 \
		--started 2026-12-03T10:00:00Z --finished 2026-12-03T10:00:01Z \
		--note "the snapshot diff failed: input too large" -- true
	echo "$output" | jq -e '.predicate.runDetails.byproducts[] | select(.annotations.role == "session") | .annotations |
		(.completenessNotes | index("the snapshot diff failed: input too large")) and .completeness.subjects == false'
}

@test "EXAMPLE: gleisner-attestation.5, what a session read and the SBOM changes it made" {
	cd "$T"
	cp "$FIX/keys/d-ed25519.pem" key.pem
	chmod 600 key.pem
	gl-statement $(base_args) --events "$S/events-reads.jsonl" --sbom-summary "$S/sbom-summary.json" -- true |
	    gl-sign -k key.pem -o attestation-1.json
	run -0 sh -c "jq -r .payload attestation-1.json | base64 -d | jq -r \
	    '.predicate.buildDefinition.resolvedDependencies[]
	     | select(.annotations.role == \"material\") | .name'"
	[ "${#lines[@]}" -eq 4 ]
	run -0 sh -c "jq -r .payload attestation-1.json | base64 -d | jq -c \
	    '.predicate.runDetails.byproducts[]
	     | select(.annotations.role == \"sbom-summary\") | .annotations.summary.counts'"
	[ "$output" = '{"added":1,"changed":0,"components":12,"removed":0}' ]
}

@test "secret-looking command values are redacted, in the command and in the jail report it carries" {
	jq -c '.command = ["curl", "-H", "Authorization: Bearer xyz", "--password", "hunter2", "https://u:pw@example.com/x"]' \
	    "$S/jail.json" > "$T/jail.json"
	gl-statement $(base_args) --jail-report "$T/jail.json" -- tool --token ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ok > "$T/st.json"
	jq -e '.predicate.buildDefinition.externalParameters.command == ["tool", "--token", "[REDACTED]", "ok"]' "$T/st.json"
	jq -e '.predicate.buildDefinition.internalParameters.sandbox.jail.command | (index("hunter2") == null) and .[0] == "curl" and
	    (map(select(test("REDACTED"))) | length) == 3' "$T/st.json"
	run -1 grep -q -e hunter2 -e xyz -e 'u:pw' -e ghp_ "$T/st.json"
	# without COMMAND, the jail's (redacted) command is the command
	gl-statement $(base_args) --jail-report "$T/jail.json" > "$T/st2.json"
	run -1 grep -q hunter2 "$T/st2.json"
}

@test "git-state: a file git was told not to look at (skip-worktree, assume-unchanged) makes it dirty: an edit behind the flag would pass as clean" {
	git_repo "$T/r"
	echo one > "$T/r/f.txt"
	git -C "$T/r" add f.txt
	git -C "$T/r" -c user.email=t@t -c user.name=t commit -q -m f
	run -0 --separate-stderr gl-statement git-state "$T/r"
	echo "$output" | jq -e '.dirty == false'
	git -C "$T/r" update-index --skip-worktree f.txt
	echo two > "$T/r/f.txt"
	[ -z "$(git -C "$T/r" status --porcelain)" ]
	run -0 --separate-stderr gl-statement git-state "$T/r"
	echo "$output" | jq -e '.dirty == true'
	git -C "$T/r" update-index --no-skip-worktree f.txt
	git -C "$T/r" checkout -q f.txt
	git -C "$T/r" update-index --assume-unchanged f.txt
	run -0 --separate-stderr gl-statement git-state "$T/r"
	echo "$output" | jq -e '.dirty == true'
}

@test "git-state: the project's own .gleisner/ does not make it dirty; anything else does, in a subdirectory project too" {
	git_repo "$T/r"
	mkdir -p "$T/r/.gleisner"
	touch "$T/r/.gleisner/audit-1.jsonl"
	run -0 --separate-stderr gl-statement git-state "$T/r"
	echo "$output" | jq -e '.dirty == false'
	mkdir -p "$T/r/app/.gleisner"
	touch "$T/r/app/.gleisner/audit-1.jsonl"
	run -0 --separate-stderr gl-statement git-state "$T/r"
	echo "$output" | jq -e '.dirty == true'
	# the project app/: its own record is not a change, the top one is
	run -0 --separate-stderr gl-statement git-state "$T/r/app"
	echo "$output" | jq -e '.dirty == true'
	rm -r "$T/r/.gleisner"
	run -0 --separate-stderr gl-statement git-state "$T/r/app"
	echo "$output" | jq -e '.dirty == false'
	touch "$T/r/app/new.txt"
	run -0 --separate-stderr gl-statement git-state "$T/r/app"
	echo "$output" | jq -e '.dirty == true'
}
