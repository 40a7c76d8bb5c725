#!/usr/bin/env bats
# gl-jail: the jail holds, as root and as an unprivileged user.

load helpers
load jail

setup() { gl_setup; }
teardown() { gl_teardown; }

check_ssh() {
	run -1 --separate-stderr jail -d "$P" -- cat "$HOME/.ssh/id_ed25519"
	[[ "$output" != *ssh-secret* ]]
}
@test "gl-jail: a file under ~/.ssh cannot be read (root and unprivileged)" { both check_ssh; }

check_key() {
	run -1 --separate-stderr jail -d "$P" -- cat "$HOME/.config/gleisner/keys/local.pem"
	[[ "$output" != *signing-secret* ]]
	run -2 --separate-stderr jail -d "$P" -- ls "$HOME/.config/gleisner/trusted"
}
@test "gl-jail: the signing key and the trust store are hidden (root and unprivileged)" { both check_key; }

check_key_in_project() {
	# even when a profile binds the home directory itself, the keys stay hidden
	cat > "$T/home.ini" <<INI
include = konishi
[filesystem]
readwrite_bind = $HOME
INI
	run -1 --separate-stderr jail -p "$T/home.ini" -d "$P" -- cat "$HOME/.config/gleisner/keys/local.pem"
	[[ "$output" != *signing-secret* ]]
	run -2 --separate-stderr jail -p "$T/home.ini" -d "$P" -- sh -c "echo planted > $HOME/.config/gleisner/trusted/evil.pem"
	[ ! -e "$HOME/.config/gleisner/trusted/evil.pem" ]
	run -1 --separate-stderr jail -p "$T/home.ini" -d "$P" -- cat "$HOME/.ssh/id_ed25519"
	[[ "$output" != *ssh-secret* ]]
}
@test "gl-jail: keys, trust store and deny entries stay hidden when \$HOME is bound (root and unprivileged)" { both check_key_in_project; }

check_outside() {
	run -1 --separate-stderr jail -d "$P" -- cat "$T/outside/secret"
	[[ "$output" != *outside-secret* ]]
}
@test "gl-jail: a host path outside the project and the profile cannot be read (root and unprivileged)" { both check_outside; }

check_write_outside() {
	run -2 --separate-stderr jail -d "$P" -- sh -c "echo x > /usr/gl-escape"
	[ ! -e /usr/gl-escape ]
	run -2 --separate-stderr jail -d "$P" -- sh -c "echo x > /etc/gl-escape"
	[ ! -e /etc/gl-escape ]
	run -2 --separate-stderr jail -d "$P" -- sh -c "echo x > $T/outside/new"
	[ ! -e "$T/outside/new" ]
	# /tmp inside is a fresh tmpfs: nothing reaches the host's
	run -0 --separate-stderr jail -d "$P" -- sh -c "echo x > /tmp/gl-escape-$$"
	[ ! -e "/tmp/gl-escape-$$" ]
}
@test "gl-jail: no host path outside the project can be written (root and unprivileged)" { both check_write_outside; }

check_shadow() {
	run -1 --separate-stderr jail -d "$P" -- cat /etc/shadow
	[[ "$stderr" == *"Permission denied"* ]]
	run -0 --separate-stderr jail -d "$P" -- id -u
	[ "$output" != 0 ]
}
@test "gl-jail: /etc/shadow cannot be read, even when the caller is root (root and unprivileged)" { both check_shadow; }

check_gleisner_ro() {
	mkdir -p "$P/.gleisner"; echo log > "$P/.gleisner/audit-1.jsonl"
	[ -z "$AS" ] || chown -R 65534:65534 "$P/.gleisner"
	run -2 --separate-stderr jail -d "$P" -- sh -c 'echo forged >> .gleisner/audit-1.jsonl'
	run -1 --separate-stderr jail -d "$P" -- rm .gleisner/audit-1.jsonl
	run -1 --separate-stderr jail -d "$P" -- mv .gleisner .gleisner-old
	run -1 --separate-stderr jail -d "$P" -- touch .gleisner/attestation-0.json
	[ "$(cat "$P/.gleisner/audit-1.jsonl")" = log ]
	[ ! -e "$P/.gleisner/attestation-0.json" ]
}
@test "gl-jail: .gleisner/ cannot be modified (root and unprivileged)" { both check_gleisner_ro; }

check_project_rw() {
	run -0 --separate-stderr jail -d "$P" -- sh -c 'cat in.txt > out.txt; rm old.txt'
	[ "$(cat "$P/out.txt")" = in ]
	[ ! -e "$P/old.txt" ]
	# files land owned by the caller, also when the jail ran as another uid
	[ "$(stat -c %u "$P/out.txt")" = "$(stat -c %u "$P")" ]
}
@test "gl-jail: the project is writable and new files belong to the caller (root and unprivileged)" { both check_project_rw; }

@test "gl-jail: a project under /tmp is visible although /tmp is a fresh tmpfs" {
	jail_world
	case $P in /tmp/*) ;; *) skip "scratch dir not under /tmp" ;; esac
	run -0 --separate-stderr jail -d "$P" -- cat in.txt
	[ "$output" = in ]
}

@test "gl-jail: deny entries inside the project are masked, files and directories alike" {
	jail_world
	mkdir -p "$P/secrets"; echo dir-secret > "$P/secrets/a"; echo file-secret > "$P/token.txt"
	cat > "$T/deny.ini" <<INI
include = konishi
[filesystem]
deny = $P/secrets
deny = $P/token.txt
deny = $P/not-yet
INI
	run -0 --separate-stderr jail -p "$T/deny.ini" --report "$T/r.json" -d "$P" -- sh -c 'cat token.txt; ls secrets; cat secrets/a; true'
	[[ "$output" != *secret* ]]
	run -2 --separate-stderr jail -p "$T/deny.ini" -d "$P" -- sh -c 'echo x > token.txt'
	run -2 --separate-stderr jail -p "$T/deny.ini" -d "$P" -- sh -c 'echo x > secrets/b'
	[ "$(cat "$P/token.txt")" = file-secret ]
	# a deny entry that does not exist is reported, never created on the host (B04)
	[ ! -e "$P/not-yet" ]
	jq -e --arg p "$P/not-yet" '.filesystem.unmasked | map(.path) | index($p)' "$T/r.json"
	jq -e --arg p "$P/token.txt" '.filesystem.masked[] | select(.path == $p) | .kind == "file"' "$T/r.json"
}

check_env() {
	export GITHUB_TOKEN=ghp_secret AWS_SECRET_ACCESS_KEY=aws_secret MY_SETTING=visible
	run -0 --separate-stderr jail -d "$P" -- env
	[[ "$output" != *ghp_secret* ]]
	[[ "$output" != *aws_secret* ]]
	[[ "$output" != *MY_SETTING* ]]
	[[ "$output" == *"HOME=$HOME"* ]]
	printf 'include = konishi\n[process]\nallow_env = MY_SETTING\n' > "$T/env.ini"
	run -0 --separate-stderr jail -p "$T/env.ini" -d "$P" -- env
	[[ "$output" == *MY_SETTING=visible* ]]
	[[ "$output" != *ghp_secret* ]]
}
@test "gl-jail: the environment is cleared but for the fixed names and allow_env (root and unprivileged)" { both check_env; }

@test "gl-jail: file descriptors above 2 are closed, but for --keep-fd" {
	jail_world
	exec 7>"$T/seven" 8>"$T/eight"
	run -0 --separate-stderr jail -d "$P" --keep-fd 8 -- sh -c 'ls -l /proc/self/fd'
	exec 7>&- 8>&-
	[[ "$output" != *seven* ]]
	[[ "$output" == *eight* ]]
}

@test "gl-jail: the report says what was measured from outside" {
	jail_world
	run -0 --separate-stderr jail -d "$P" --report "$T/r.json" -- true
	jq -e '.measured.namespaces | .user and .mnt and .pid and .net and .ipc and .uts' "$T/r.json"
	jq -e '.measured.host_uid != 0' "$T/r.json"
	jq -e '.profile.name == "konishi" and (.profile.digest.sha256 | length == 64)' "$T/r.json"
	jq -e '.seccomp.enforced == true and .seccomp.preset == "nodejs"' "$T/r.json"
	jq -e '.exit.code == 0' "$T/r.json"
}

@test "gl-jail: exit status is the command's; signals are 128+n" {
	jail_world
	run -7 --separate-stderr jail -d "$P" -- sh -c 'exit 7'
	run -137 --separate-stderr jail -d "$P" --report "$T/r.json" -- sh -c 'kill -9 $$'
	jq -e '.exit.signal == 9' "$T/r.json"
}

@test "gl-jail: 127 for a missing command, 126 for one that cannot run" {
	jail_world
	run -127 --separate-stderr jail -d "$P" -- no-such-command-here
	run -126 --separate-stderr jail -d "$P" -- /etc/passwd
}

@test "gl-jail: setup failures are 125 with one clear line" {
	jail_world
	run -125 --separate-stderr jail -d "$T/missing" -- true
	[[ "$stderr" == *"project directory"* ]]
	run -125 --separate-stderr jail -p no-such-profile -d "$P" -- true
	[[ "$stderr" == *"no-such-profile: profile not found"* ]]
	printf 'name = x\n[filesystem]\nreadonly_bnd = /usr\n' > "$T/typo.ini"
	run -125 --separate-stderr jail -p "$T/typo.ini" -d "$P" -- true
	[ "$stderr" = "gl-jail: $T/typo.ini:3: unknown key 'readonly_bnd' in [filesystem]" ]
	run -125 --separate-stderr jail --bogus -- true
	run -125 --separate-stderr jail -d "$P"
	run -0 jail --help
	[[ "$output" == usage:* ]]
}

@test "gl-jail: --print-profile prints the resolved profile and its digests, of the bytes it parsed, with OpenSSL loaded only then" {
	run -0 --separate-stderr "$GL_BIN/gl-jail" -p konishi --print-profile
	echo "$output" | jq -e '.name == "konishi" and (.files | length == 1) and .resolved.network.default == "deny"'
	want=$(sha256sum "$REPO/profiles/konishi.ini" | cut -d' ' -f1)
	echo "$output" | jq -e --arg d "$want" '.files[0].digest.sha256 == $d and (.digest.sha256 | test("^[0-9a-f]{64}$"))'
	# every session starts gl-jail: it does not pay for libcrypto at start
	run -0 ldd "$GL_BIN/gl-jail"
	[[ "$output" != *libcrypto* ]]
	# a profile that is a FIFO is refused, not waited on
	mkfifo "$T/fifo.ini"
	run -125 --separate-stderr timeout 5 "$GL_BIN/gl-jail" -p "$T/fifo.ini" --print-profile
	[[ "$stderr" == *"fifo.ini: not a regular file"* ]]
}

@test "gl-jail: the real Claude Code starts inside the jail" {
	command -v claude >/dev/null || skip "claude is not installed"
	jail_world
	AS=
	[ "$(id -u)" -ne 0 ] || AS=""
	run -0 --separate-stderr jail -d "$P" -- claude --version
	[[ "$output" == *"(Claude Code)"* ]]
}

check_git_escape() {
	g() { git -c safe.directory='*' -C "$P" "$@"; }
	g init -q && g -c user.name=t -c user.email=t@t commit -q --allow-empty -m init
	rm -rf "$P/.git/hooks"
	[ -z "$AS" ] || chown -R 65534:65534 "$P"
	# rebuild .git under a new name, plant hooks and an fsmonitor
	run --separate-stderr jail -d "$P" -- sh -c 'mv .git .gitold'
	[ "$status" -ne 0 ]
	run --separate-stderr jail -d "$P" -- sh -c 'printf "#!/bin/sh\necho PWNED >> '"$T"'/pwned\n" > .git/hooks/pre-commit'
	[ "$status" -ne 0 ]
	run --separate-stderr jail -d "$P" -- sh -c 'printf "[core]\n\tfsmonitor = \"echo PWNED >> '"$T"'/pwned\"\n" >> .git/config'
	[ "$status" -ne 0 ]
	# the agent can still commit
	run -0 --separate-stderr jail -d "$P" -- sh -c 'echo x > f && git add f && git -c user.name=a -c user.email=a@a commit -qm agent'
	g status --short > /dev/null
	g -c user.name=t -c user.email=t@t commit -q --allow-empty -m host
	[ ! -e "$T/pwned" ]
	[ -d "$P/.git/hooks" ] && [ -z "$(ls -A "$P/.git/hooks")" ]
}
@test "gl-jail: .git cannot be renamed and rebuilt, nor its hooks and config written (root and unprivileged)" { both check_git_escape; }

@test "gl-jail: a nested repository's hooks and config and the project's Claude settings are read-only" {
	jail_world
	mkdir -p "$P/sub/.git/hooks" "$P/.claude"
	echo '[core]' > "$P/sub/.git/config"
	echo '{}' > "$P/.claude/settings.json"
	run -2 --separate-stderr jail -d "$P" -- sh -c 'echo "[core]" >> sub/.git/config'
	run -2 --separate-stderr jail -d "$P" -- sh -c 'echo x > sub/.git/hooks/post-checkout'
	run -2 --separate-stderr jail -d "$P" -- sh -c 'echo "{\"hooks\":{}}" > .claude/settings.json'
	[ "$(cat "$P/.claude/settings.json")" = '{}' ]
	run -0 --separate-stderr jail -d "$P" --report "$T/r.json" -- true
	jq -e --arg g "$P/sub/.git" '.filesystem.repositories | index($g)' "$T/r.json"
}

check_bind_into_hidden() {
	run -125 --separate-stderr jail -d "$HOME/.config/gleisner/keys" -- cat local.pem
	[[ "$output" != *signing-secret* ]]
	[[ "$stderr" == *"which the jail hides"* ]]
	mkdir -p "$P/x"
	run -125 --separate-stderr jail -d "$P" --allow-path "$HOME/.config/gleisner/trusted" -- true
	run -125 --separate-stderr jail -d "$HOME/.ssh" -- true
}
@test "gl-jail: a project or bind inside the key store or a deny entry is refused (root and unprivileged)" { both check_bind_into_hidden; }

@test "gl-jail: a deny entry that is a symbolic link is refused with a clear reason" {
	jail_world
	ln -s "$T/outside" "$P/linked"
	printf 'include = konishi\n[filesystem]\ndeny = %s/linked\n' "$P" > "$T/l.ini"
	run -125 --separate-stderr jail -p "$T/l.ini" -d "$P" -- true
	[[ "$stderr" == *"deny entry is a symbolic link"* ]]
}

@test "gl-jail: pid_namespace = false is refused: processes could outlive the jail" {
	jail_world
	printf 'include = konishi\n[process]\npid_namespace = false\n' > "$T/nopid.ini"
	run -125 --separate-stderr jail -p "$T/nopid.ini" -d "$P" -- true
	[[ "$stderr" == *"pid_namespace = false is not supported"* ]]
}

@test "gl-jail: every list of the report's filesystem section is an array, even when empty" {
	jail_world
	run -0 --separate-stderr jail -d "$P" --report "$T/r.json" -- true
	jq -e '.filesystem | [.masked, .unmasked, .protected, .skipped, .repositories] | all(type == "array")' "$T/r.json"
}

check_git_commondir() {
	g() { git -c safe.directory='*' -C "$P" "$@"; }
	g init -q && echo a > "$P/a" && g add a && g -c user.name=t -c user.email=t@t commit -qm init
	mkdir -p "$P/.git/modules/sub/info"
	echo '[core]' > "$P/.git/modules/sub/config"
	[ -z "$AS" ] || chown -R 65534:65534 "$P"
	# point git at a config of the agent's, with a filter that runs code
	run -0 --separate-stderr jail -d "$P" --report "$T/r.json" -- sh -c '
		mkdir -p evil/info && cp -r .git/objects .git/refs .git/HEAD evil/
		{ cat .git/config; printf "[filter \"x\"]\n\tclean = sh -c \"id > '"$T"'/pwned; cat\"\n"; } > evil/config
		echo "* filter=x" > evil/info/attributes
		echo ../evil > .git/commondir
		echo "[core]" > .git/config.worktree
		echo "* filter=x" >> .git/info/attributes || true
		printf "[filter \"y\"]\n\tclean = id > '"$T"'/pwned\n" >> .git/modules/sub/config || true
		touch a; true'
	[ ! -e "$P/.git/commondir" ] && [ -e "$P/.git/commondir.gleisner-quarantine" ]
	[ ! -e "$P/.git/config.worktree" ]
	jq -e --arg f "$P/.git/commondir" '.filesystem.quarantined | map(.path) | index($f) != null' "$T/r.json"
	[ "$(cat "$P/.git/modules/sub/config")" = '[core]' ]
	# the host's git, and gl-statement git-state before the next session, run nothing
	run -0 --separate-stderr gl-statement git-state "$P"
	g status --short > /dev/null
	[ ! -e "$T/pwned" ]
}
@test "gl-jail: a .git/commondir, config.worktree or submodule config planted for git to run code is stopped (root and unprivileged)" { both check_git_commondir; }

@test "gl-jail: repositories nested in dot-directories and vendor/ are protected too" {
	jail_world
	for r in vendor/lib .hidden/r a/b/c; do mkdir -p "$P/$r/.git/hooks"; echo '[core]' > "$P/$r/.git/config"; done
	for r in vendor/lib .hidden/r a/b/c; do
		run -2 --separate-stderr jail -d "$P" -- sh -c "echo x >> $r/.git/config"
	done
}

@test "gl-jail --netfilter: a profile that lets domains out goes to gl-netfilter first (root), a closed one does not, unprivileged keeps loopback and is told" {
	[ "$(id -u)" -eq 0 ] || skip "gl-netfilter needs root here"
	jail_world
	run -0 --separate-stderr jail --netfilter "$GL_BIN/gl-netfilter" --netfilter-arg --report \
		--netfilter-arg "$T/nf.json" -p konishi -d "$P" --report "$T/r.json" -- cat /etc/resolv.conf
	[[ "$output" == *"gl-netfilter: the session's resolver"* ]]
	jq -e '.enforced == true and (.allow_domains | index("api.anthropic.com") != null)' "$T/nf.json"
	jq -e '.network.mode == "shared"' "$T/r.json"
	# nothing to let out: the jail runs as it is, the path is never executed
	sed '/^allow_domains/d' "$REPO/profiles/konishi.ini" > "$T/closed.ini"
	run -0 jail --netfilter /nonexistent/gl-netfilter -p "$T/closed.ini" -d "$P" --report "$T/r2.json" -- true
	jq -e '.network.mode == "loopback-only"' "$T/r2.json"
	run -125 --separate-stderr jail --netfilter /nonexistent/gl-netfilter -p konishi -d "$P" -- true
	[[ "$stderr" == *"--netfilter /nonexistent/gl-netfilter: No such file or directory"* ]]
	run -125 --separate-stderr jail --netfilter-arg --report -d "$P" -- true
	[[ "$stderr" == *"--netfilter-arg needs --netfilter"* ]]
	# unprivileged, the link would need /dev/net/tun: loopback only, said
	AS=as_nobody
	jail_world
	nobody_copies
	run -0 --separate-stderr jail --netfilter "$NB_BIN/gl-netfilter" -p konishi -d "$P" -- cat /proc/net/dev
	[[ "$stderr" == *"egress by domain needs root on this machine; the jail has loopback only"* ]]
	[[ "$output" == *lo:* && "$output" != *eth* && "$output" != *glj* ]]
}

@test "gl-jail: --share-net keeps the caller's network namespace, which the jail cannot reconfigure; in the host's it is refused" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to make a network namespace"
	jail_world
	ns=gl-share-$$
	ip netns add "$ns"
	ip -n "$ns" link add gl-dummy0 type veth peer name gl-dummy1
	ip -n "$ns" addr add 10.213.0.1/24 dev gl-dummy0
	run --separate-stderr nsenter --net="/run/netns/$ns" "$GL_BIN/gl-jail" --share-net -d "$P" --report "$T/r.json" -- \
		sh -c 'cat /proc/net/dev; ip link set gl-dummy0 down && echo LINK-CHANGED; ip addr flush dev gl-dummy0 && echo ADDR-FLUSHED; nft flush ruleset && echo NFT-FLUSHED; true'
	ip netns del "$ns"
	[ "$status" -eq 0 ]
	[[ "$output" == *gl-dummy0* ]]
	[[ "$output" != *CHANGED* && "$output" != *FLUSHED* ]]
	jq -e '.network.mode == "shared"' "$T/r.json"
	# without a namespace of its own the flag would hand over the host's network
	run -125 --separate-stderr "$GL_BIN/gl-jail" --share-net -d "$P" -- true
	[[ "$stderr" == *"host's network namespace"* ]]
	# and without the flag the jail has loopback only
	run -0 jail -d "$P" --report "$T/r.json" -- cat /proc/net/dev
	[[ "$output" != *eth* ]]
	jq -e '.network.mode == "loopback-only"' "$T/r.json"
}
