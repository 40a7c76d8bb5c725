# Shared bats helpers.  Load with: load helpers
# shellcheck shell=bash

bats_require_minimum_version 1.5.0

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GL_BIN=${GL_BIN:-$REPO/build}
export PATH="$GL_BIN:$PATH"
export GLEISNER_PROFILE_PATH="$REPO/profiles"
FIX="$REPO/tests/fixtures"

# Each test gets its own scratch directory and $HOME.
gl_setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/gl.XXXXXX")
	chmod 755 "$T"
	export HOME="$T/home"
	mkdir -p "$HOME"
	unset XDG_CONFIG_HOME
}

gl_teardown() {
	[ -n "${T:-}" ] && rm -rf "$T"
}

# golden TOOL CASE: run tests/golden/TOOL/CASE.args (one argument a line;
# @FIX@ and @T@ are replaced) with CASE.in on stdin, compare stdout, stderr
# and the exit status with CASE.out, CASE.err, CASE.rc byte for byte.
golden() {
	local tool=$1 case=$2 dir="$REPO/tests/golden/$1" args=() line rc_want=0
	if [ -f "$dir/$case.args" ]; then
		while IFS= read -r line || [ -n "$line" ]; do
			line=${line//@FIX@/$FIX}
			line=${line//@T@/$T}
			args+=("$line")
		done < "$dir/$case.args"
	fi
	[ -f "$dir/$case.rc" ] && rc_want=$(cat "$dir/$case.rc")
	local in=/dev/null
	[ -f "$dir/$case.in" ] && in="$dir/$case.in"
	"$tool" "${args[@]}" < "$in" > "$T/golden.out" 2> "$T/golden.err" && rc=0 || rc=$?
	if [ "$rc" != "$rc_want" ]; then
		echo "exit status $rc, want $rc_want"; cat "$T/golden.err"; return 1
	fi
	if [ -f "$dir/$case.out" ]; then
		diff -u "$dir/$case.out" "$T/golden.out" || return 1
	fi
	if [ -f "$dir/$case.err" ]; then
		sed "s|$T|@T@|g; s|$FIX|@FIX@|g" "$T/golden.err" > "$T/golden.err.n"
		diff -u "$dir/$case.err" "$T/golden.err.n" || return 1
	fi
}

# gl_keys: the fixture keys in $K (a copy: private keys must be 0600 and
# git checks them out 0644)
gl_keys() {
	K="$T/keys"
	mkdir -p "$K"
	cp "$FIX"/keys/* "$K/"
	chmod 600 "$K"/*.pem
}

# Run a command as an unprivileged uid (65534) when we are root.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

# The checkout may sit below a directory uid 65534 cannot enter: give the
# unprivileged runs copies of the binaries and profiles in a world-readable
# place.  Sets NB_BIN and NB_PROFILES.
nobody_copies() {
	local d="${BATS_RUN_TMPDIR:-/tmp}/nobody"
	if [ ! -x "$d/bin/gl-jail" ]; then
		mkdir -p "$d/bin" "$d/profiles"
		cp "$GL_BIN"/gl-* "$GL_BIN"/gleisner "$d/bin/" 2>/dev/null || cp "$GL_BIN"/gl-* "$d/bin/"
		cp "$REPO"/profiles/*.ini "$d/profiles/"
		chmod -R a+rX "$d"
		chmod a+x "${BATS_RUN_TMPDIR:-/tmp}"
	fi
	export NB_BIN=$d/bin
	export NB_PROFILES=$d/profiles
}
