# Helpers for the jail suites.  Load after helpers.
# shellcheck shell=bash

# A project and a hostile host around it: secrets in $HOME, a signing key,
# a file outside everything the profile binds.
jail_world() {
	P=$T/proj
	mkdir -p "$P" "$HOME/.ssh" "$HOME/.config/gleisner/keys" "$HOME/.config/gleisner/trusted" "$T/outside"
	echo "in" > "$P/in.txt"
	echo "old" > "$P/old.txt"
	echo "ssh-secret" > "$HOME/.ssh/id_ed25519"
	echo "signing-secret" > "$HOME/.config/gleisner/keys/local.pem"
	echo "outside-secret" > "$T/outside/secret"
	if [ -n "${AS:-}" ]; then
		chown -R 65534:65534 "$T"
	fi
}

# jail ARGS...: gl-jail as the current identity ($AS empty) or as nobody
jail() {
	if [ -n "${AS:-}" ]; then
		nobody_copies
		# uid 65534 has no cgroup delegated to it: without the flag gl-jail
		# fails closed on the profiles' memory and pids limits
		$AS env HOME="$HOME" GLEISNER_PROFILE_PATH="$NB_PROFILES" TERM=dumb \
			"$NB_BIN/gl-jail" --allow-degraded cgroup "$@"
	else
		env HOME="$HOME" TERM=dumb "$GL_BIN/gl-jail" "$@"
	fi
}

# both FN: run FN as the caller, and again as an unprivileged user when root.
# FN is called plainly: inside `FN || ...` bash would ignore errexit, and
# only FN's last command could fail the test.
both() {
	AS=
	jail_world
	echo "# as uid $(id -u)"
	"$1"
	if [ "$(id -u)" -eq 0 ]; then
		rm -rf "$T"; T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/gl.XXXXXX"); chmod 755 "$T"
		export HOME="$T/home"; mkdir -p "$HOME"
		AS=as_nobody
		jail_world
		echo "# as uid 65534"
		"$1"
	fi
}
