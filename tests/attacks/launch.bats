#!/usr/bin/env bats
# Launch: what gl-jail runs to build the jail, and what it hands on.  A
# root caller's $PATH must not let another user's program stand in for
# bubblewrap (it would run the command unjailed under a report that says
# otherwise); OpenSSL that cannot be loaded leaves no report; the
# --netfilter words are taken out of the jail that gl-netfilter gets, and
# only those.

bats_require_minimum_version 1.5.0

load attack

# fake_bwrap DIR: a "bubblewrap" in DIR that leaves a mark and runs nothing
fake_bwrap() {
	mkdir -p "$1"
	printf '#!/bin/sh\ntouch %s/FAKE-BWRAP-RAN\nexit 0\n' "$T" > "$1/bwrap"
	chmod 755 "$1/bwrap"
}

@test "attack: a bubblewrap on a root caller's \$PATH that another user could replace is never run" {
	[ "$(id -u)" -eq 0 ] || skip "the jail's uid is dropped to only from root"
	jail_world
	chmod 755 "$T"
	# another user's directory, first on $PATH
	fake_bwrap "$T/user/bin"
	chown -R 1000:1000 "$T/user"
	run -0 --separate-stderr env PATH="$T/user/bin:/usr/bin:/bin" HOME="$HOME" \
		"$GL_BIN/gl-jail" -d "$P" -- sh -c 'echo ran'
	[ "$output" = ran ]
	[ ! -e "$T/FAKE-BWRAP-RAN" ]
	# root's file, but in a directory group-writable by another group
	fake_bwrap "$T/grp/bin"
	chown 0:1000 "$T/grp/bin"
	chmod 775 "$T/grp/bin"
	run -0 --separate-stderr env PATH="$T/grp/bin:/usr/bin:/bin" HOME="$HOME" \
		"$GL_BIN/gl-jail" -d "$P" -- sh -c 'echo ran'
	[ ! -e "$T/FAKE-BWRAP-RAN" ]
	# only such a one: refused, and $PATH is not searched as the jail's uid
	run -125 --separate-stderr env PATH="$T/user/bin" HOME="$HOME" \
		"$GL_BIN/gl-jail" -d "$P" -- /bin/echo ran
	[ -z "$output" ]
	[ ! -e "$T/FAKE-BWRAP-RAN" ]
	[[ "$stderr" == *"gl-jail: bwrap: none on \$PATH that only root can replace and any uid may run"* ]]
}

@test "attack: a bubblewrap the jail's uid cannot reach is passed over for the next one on \$PATH" {
	[ "$(id -u)" -eq 0 ] || skip "the jail's uid is dropped to only from root"
	jail_world
	# root's own, executable by all, but below a directory only root enters
	mkdir -p "$T/priv/bin"
	cp /usr/bin/bwrap "$T/priv/bin/bwrap"
	chmod 700 "$T/priv"
	chmod 755 "$T/priv/bin"
	run -0 --separate-stderr env PATH="$T/priv/bin:/usr/bin:/bin" HOME="$HOME" \
		"$GL_BIN/gl-jail" -d "$P" -- sh -c 'echo ran'
	[ "$output" = ran ]
}

@test "attack: gl-jail whose OpenSSL cannot be loaded writes no report and exits 125" {
	jail_world
	mkdir -p "$T/lib"
	echo "not a library" > "$T/lib/libcrypto.so.3"
	run -125 --separate-stderr env LD_LIBRARY_PATH="$T/lib" HOME="$HOME" \
		"$GL_BIN/gl-jail" -d "$P" --report "$T/r.json" -- true
	[[ "$stderr" == *"gl-jail: libcrypto.so.3: "* ]]
	[ ! -e "$T/r.json" ]
	[ -z "$(find "$T" -maxdepth 1 -name 'r.json*' -print)" ]
	run -125 --separate-stderr env LD_LIBRARY_PATH="$T/lib" HOME="$HOME" \
		"$GL_BIN/gl-jail" --print-profile
	[ -z "$output" ]
	# without a report nothing needs it: the jail runs
	run -0 --separate-stderr env LD_LIBRARY_PATH="$T/lib" HOME="$HOME" \
		"$GL_BIN/gl-jail" -d "$P" -- sh -c 'echo ran'
	[ "$output" = ran ]
}

@test "attack: --netfilter hands gl-netfilter the jail less its own words, whatever they look like" {
	[ "$(id -u)" -eq 0 ] || skip "the hand-over is for a root caller"
	jail_world
	printf '#!/bin/sh\nfor a; do printf "[%%s]" "$a"; done; echo\n' > "$T/nf"
	chmod 755 "$T/nf"
	run -0 --separate-stderr env HOME="$HOME" "$GL_BIN/gl-jail" --netfilter="$T/nf" \
		--netfilter-a=-x --netfilter-arg --y -d "$P" -- echo --netfilter "$T/nf" --netfilter-arg z
	[ "$output" = "[-p][konishi][-x][--y][--][$GL_BIN/gl-jail][--share-net][-d][$P][--][echo][--netfilter][$T/nf][--netfilter-arg][z]" ]
	# an abbreviation that could be either is refused, not guessed
	run -125 --separate-stderr env HOME="$HOME" "$GL_BIN/gl-jail" --netf "$T/nf" -d "$P" -- true
	[[ "$stderr" == *"ambiguous"* ]]
	# the jail gl-netfilter starts does not hand itself over again
	run -125 --separate-stderr env HOME="$HOME" "$GL_BIN/gl-jail" --share-net \
		--netfilter "$T/nf" -d "$P" -- true
	[[ "$output" != *"[--share-net]"* ]]
	[[ "$stderr" == *"--share-net: this is the host's network namespace"* ]]
}

@test "attack: a gl-netfilter the agent left in the project is not run by root as --netfilter's bare name" {
	[ "$(id -u)" -eq 0 ] || skip "the hand-over is for a root caller"
	jail_world
	printf '#!/bin/sh\ntouch %s/PWNED\n' "$T" > "$P/gl-netfilter"
	chmod 755 "$P/gl-netfilter"
	cd "$P"
	run -125 --separate-stderr env HOME="$HOME" "$GL_BIN/gl-jail" --netfilter gl-netfilter -d . -- true
	[ ! -e "$T/PWNED" ]
	[[ "$stderr" == *"gl-jail: --netfilter gl-netfilter: not an absolute path"* ]]
	run -125 --separate-stderr env HOME="$HOME" "$GL_BIN/gl-jail" --netfilter ./gl-netfilter -d . -- true
	[ ! -e "$T/PWNED" ]
	# a profile that lets nothing out never needs it
	sed '/^allow_domains/d' "$REPO/profiles/konishi.ini" > "$T/closed.ini"
	run -0 --separate-stderr env HOME="$HOME" "$GL_BIN/gl-jail" --netfilter gl-netfilter \
		-p "$T/closed.ini" -d . -- true
	[ ! -e "$T/PWNED" ]
	# an absolute path another user owns (or could replace) is not run either
	mkdir -p "$T/theirs"
	cp "$P/gl-netfilter" "$T/theirs/gl-netfilter"
	chown 65534:65534 "$T/theirs/gl-netfilter"
	run -125 --separate-stderr env HOME="$HOME" "$GL_BIN/gl-jail" --netfilter "$T/theirs/gl-netfilter" -d . -- true
	[[ "$stderr" == *"not root's, or writable by others on its way"* ]]
	chown 0:0 "$T/theirs/gl-netfilter"
	chown 65534:65534 "$T/theirs"
	run -125 --separate-stderr env HOME="$HOME" "$GL_BIN/gl-jail" --netfilter "$T/theirs/gl-netfilter" -d . -- true
	[ ! -e "$T/PWNED" ]
}
