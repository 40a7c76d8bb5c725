#!/usr/bin/env bats
# Credentials that reach the jail without a file: the environment, and
# the identity the jail runs as.

load attack

SECRETS=(AWS_SECRET_ACCESS_KEY=aws-env-secret GITHUB_TOKEN=ghp_envsecret
    ANTHROPIC_API_KEY=sk-ant-envsecret SSH_AUTH_SOCK=/tmp/agent-envsecret
    NPM_TOKEN=npm-envsecret GH_TOKEN=gh-envsecret)

a_env() {
	local s
	export "${SECRETS[@]}"
	injail 'env; tr "\0" "\n" < /proc/self/environ; tr "\0" "\n" < /proc/$PPID/environ 2>/dev/null; true'
	for s in "${SECRETS[@]}"; do
		unset "${s%%=*}"
		absent "${s#*=}"
		absent "${s%%=*}="
	done
}
@test "attack: AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN, ANTHROPIC_API_KEY, SSH_AUTH_SOCK do not leak in" { as_both a_env; }

a_env_all_profiles() {
	local s p
	export "${SECRETS[@]}"
	for p in konishi carter-zimmerman ashton-laval developer; do
		JP=$p injail 'env'
		for s in "${SECRETS[@]}"; do absent "${s#*=}"; done
	done
	for s in "${SECRETS[@]}"; do unset "${s%%=*}"; done
}
@test "attack: no bundled profile lets the host's secret variables in" { as_both a_env_all_profiles; }

a_env_allow_glob() {
	# allow_env names variables, it is no pattern: a * lets nothing else in
	export GITHUB_TOKEN=ghp_globsecret
	printf 'include = konishi\n[process]\nallow_env = GITHUB_*\nallow_env = *\n' > "$T/glob.ini"
	# refusing the profile (125) is a fine answer too
	JP=$T/glob.ini injail 'env' || [ "$status" -eq 125 ]
	unset GITHUB_TOKEN
	absent ghp_globsecret
}
@test "attack: allow_env = * or GITHUB_* does not open the environment" { as_both a_env_allow_glob; }

a_argv() {
	# secrets in the caller's own argv and environment stay out of /proc
	export GITHUB_TOKEN=ghp_argvsecret
	injail 'exec 2>/dev/null; for p in /proc/[0-9]*; do tr "\0" " " < $p/cmdline; tr "\0" " " < $p/environ; echo; done; true'
	unset GITHUB_TOKEN
	absent ghp_argvsecret
}
@test "attack: no process visible inside carries the caller's secret variables" { as_both a_argv; }

a_host_root() {
	local J pid i gj
	injail "id; touch /etc/gl-root-$$ 2>&1; echo x > /proc/sys/kernel/hostname 2>&1; true"
	[[ "$output" != *"uid=0("* ]]
	[ ! -e "/etc/gl-root-$$" ]
	# seen from the host: the jail's process runs as no uid 0 at all
	cp /usr/bin/sleep "$P/idle"
	jail_argv
	"${J[@]}" -d "$P" -- "$P/idle" 3 >/dev/null 2>&1 &
	gj=$!
	KILL_PIDS="${KILL_PIDS:-} $gj"
	for i in $(seq 50); do
		pid=$(pgrep -f -- "^$P/idle ") && break
		sleep 0.1
	done
	[ -n "$pid" ]
	grep -E '^(Uid|Gid):' "/proc/$pid/status"
	[ -z "$(awk '/^(Uid|Gid):/ { for (i = 2; i <= 5; i++) if ($i == 0) print }' "/proc/$pid/status")" ]
	kill "$gj"
}
@test "attack: the jail is never host root, even when the caller is root" { as_both a_host_root; }
