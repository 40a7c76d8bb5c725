# Helpers for the attack suite.  Load with: load attack
# shellcheck shell=bash
# shellcheck disable=SC2154 # bats' run sets $status, $output and $stderr
#
# Every attack runs through `both` (tests/jail.bash): as the caller, and again
# as uid 65534 when the caller is root.  $AS is empty or as_nobody; `host`
# runs a host-side process as that same identity, which is the one a real
# agent's neighbours would have.  Each attack checks the effect on the host,
# and that the hostile half really ran inside (its "ran" line), so a jail
# that did not start never counts as a jail that held.

load ../helpers
load ../jail

export PY=/usr/bin/python3
ATK="$BATS_TEST_DIRNAME/atk.py"

setup() { gl_setup; }
teardown() {
	local p
	for p in ${KILL_PIDS:-}; do kill -9 "$p" 2>/dev/null || true; done
	gl_teardown
}

# as_both FN: the attack FN as the caller, then as uid 65534 when root, each
# time in a fresh hostile world.  Unlike `both`, FN runs under errexit, so
# every check in it counts, not only its last command.
as_both() {
	AS=
	jail_world
	plant
	echo "# attack as uid $(id -u)"
	"$1"
	if [ "$(id -u)" -eq 0 ]; then
		rm -rf "$T"
		T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/gl.XXXXXX")
		chmod 755 "$T"
		export HOME="$T/home"
		mkdir -p "$HOME"
		AS=as_nobody
		jail_world
		plant
		echo "# attack as uid 65534"
		"$1"
	fi
}

# plant: more secrets where agents look, and the attack program
plant() {
	mkdir -p "$HOME/.aws" "$P/.git/hooks"
	echo "aws-secret" > "$HOME/.aws/credentials"
	echo "machine example.com login u password netrc-secret" > "$HOME/.netrc"
	echo "//registry.npmjs.org/:_authToken=npmrc-secret" > "$HOME/.npmrc"
	echo "https://u:gitcred-secret@github.com" > "$HOME/.git-credentials"
	echo "host-rc" > "$HOME/.bashrc"
	echo "[core]" > "$P/.git/config"
	cp "$ATK" "$P/atk.py"
	cp "$ATK" "$T/atk.py"
	chmod a+r "$P/atk.py" "$T/atk.py"
	[ -z "${AS:-}" ] || chown -R 65534:65534 "$T"
}

# host CMD...: run CMD on the host as the jail's caller
host() {
	if [ -n "${AS:-}" ]; then as_nobody "$@"; else "$@"; fi
}

# jail_argv [bare]: set J to gl-jail as an argv for the current identity;
# bare: without the switch to it (for a command already run through host)
jail_argv() {
	if [ -n "${AS:-}" ]; then
		nobody_copies
		# no cgroup is delegated to uid 65534 here: without the flag
		# gl-jail fails closed (the limits' attacks then check the report)
		J=(env HOME="$HOME" GLEISNER_PROFILE_PATH="$NB_PROFILES" TERM=dumb "$NB_BIN/gl-jail"
		    --allow-degraded cgroup)
		[ "${1:-}" = bare ] || J=(setpriv --reuid=65534 --regid=65534 --clear-groups -- "${J[@]}")
	else
		J=(env HOME="$HOME" GLEISNER_PROFILE_PATH="$GLEISNER_PROFILE_PATH" TERM=dumb
		    "$GL_BIN/gl-jail")
	fi
}

# injail SCRIPT: run sh -c SCRIPT in the jail on the project, with profile
# $JP (default konishi) and --report $JREPORT when set, for at most 20 s.
# Sets $status, $output, $stderr and checks the script started.
injail() {
	local J
	jail_argv
	run --separate-stderr timeout -k 2 20 "${J[@]}" -p "${JP:-konishi}" -d "$P" \
	    ${JREPORT:+--report "$JREPORT"} -- sh -c "echo ran; $1"
	ran
}

# ran: the hostile half started inside
ran() {
	[[ "$output" == ran* ]] || { echo "the attack never ran: status $status: $stderr"; return 1; }
}

# absent TEXT: TEXT appears neither in the jail's stdout nor stderr
absent() {
	if [[ "$output$stderr" == *"$1"* ]]; then
		echo "ESCAPED: '$1' seen inside the jail:"; echo "$output"; echo "$stderr"
		return 1
	fi
}

# jail_cmd: gl-jail as one shell command line, for a shell already started
# through host (script(1))
jail_cmd() {
	local J
	jail_argv bare
	printf '%q ' "${J[@]}"
}

# wait_for FILE TEXT: up to 5 s for TEXT in FILE
wait_for() {
	local _
	for _ in $(seq 50); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "timed out waiting for '$2' in $1"; return 1
}

# bg CMD...: start a host process as the caller, killed in teardown; $! is it
bg() {
	host "$@" &
	KILL_PIDS="${KILL_PIDS:-} $!"
}

# layer_enforced LAYER: the jail's own report says LAYER (seccomp, cgroup,
# rlimits) is enforced
layer_enforced() {
	local r="$T/layer-$1.json" rc=0
	JREPORT=$r injail true || true
	jq -e --arg l "$1" '.[$l].enforced == true' "$r" >/dev/null 2>&1 || rc=1
	return $rc
}

# known_gap LAYER WHAT: the attack just escaped.  While the jail reports
# LAYER as not enforced this is a known gap of issue 3: skip, naming it
# (GL_ATTACK_NOSKIP=1 turns the skip into a failure).  Once LAYER claims to
# be enforced, the escape fails the test.
known_gap() {
	local out=$output err=$stderr
	if [ -z "${GL_ATTACK_NOSKIP:-}" ] && ! layer_enforced "$1"; then
		# uid 65534 runs with --allow-degraded cgroup: no cgroup is
		# delegated to it here, and the report says the limits were off
		[ -n "${AS:-}" ] && [ "$1" = cgroup ] &&
			skip "as uid 65534 no cgroup is delegated on this machine (run degraded, reported): $2"
		skip "escapes today: $2; fixed by $1"
	fi
	echo "ESCAPED ($1 reported enforced, or GL_ATTACK_NOSKIP set): $2"
	echo "$out"; echo "$err"
	return 1
}

# alive PID: the host process still runs and is not stopped or traced
alive() {
	local st
	st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || true
	[ -n "$st" ] || { echo "host process $1 is gone"; return 1; }
	case $st in T|t|Z|X) echo "host process $1 is in state $st"; return 1 ;; esac
	if grep -q '^TracerPid:[[:space:]]*[1-9]' "/proc/$1/status"; then
		echo "host process $1 is traced"; return 1
	fi
}
