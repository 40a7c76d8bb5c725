#!/usr/bin/env bats
# The git state a session records of a work tree whose .git/index and
# .git/refs/ an earlier session could write: an edit hidden from git status
# must still make it dirty, and the commit must be HEAD's own.

bats_require_minimum_version 1.5.0

load ../helpers

setup() { gl_setup; }
teardown() { gl_teardown; }

repo() {
	git init -q -b main "$T/r"
	echo hello > "$T/r/f.txt"
	git -C "$T/r" add f.txt
	git -C "$T/r" -c user.email=t@t -c user.name=t commit -q -m f
	run -0 --separate-stderr gl-statement git-state "$T/r"
	echo "$output" | jq -e '.dirty == false'
}

@test "git-state: an index entry given the edited file's stat data but HEAD's blob is dirty" {
	repo
	sleep 1.1
	echo HACKD > "$T/r/f.txt"
	sleep 1.1
	# what an agent can do to a writable .git/index: the entry's stat data
	# made the edited file's, its blob left HEAD's, the checksum made anew
	(cd "$T/r" && /usr/bin/python3 - f.txt) <<'PY'
import hashlib, os, struct, sys
d = bytearray(open('.git/index', 'rb').read())
off = 12
for _ in range(struct.unpack('>I', d[8:12])[0]):
    nl = struct.unpack('>H', d[off + 60:off + 62])[0] & 0xfff
    name = bytes(d[off + 62:off + 62 + nl])
    if name == sys.argv[1].encode():
        st = os.stat(name)
        struct.pack_into('>10I', d, off, int(st.st_ctime), st.st_ctime_ns % 10**9,
                         int(st.st_mtime), st.st_mtime_ns % 10**9, st.st_dev & 0xffffffff,
                         st.st_ino & 0xffffffff, st.st_mode, st.st_uid, st.st_gid, st.st_size)
    off += (62 + nl + 8) & ~7
open('.git/index', 'wb').write(d[:-20] + hashlib.sha1(d[:-20]).digest())
PY
	# git itself is fooled, and nothing is flagged skip-worktree or assume-unchanged
	[ -z "$(git -C "$T/r" status --porcelain)" ]
	run -0 git -C "$T/r" ls-files -v
	[ "$output" = "H f.txt" ]
	run -0 --separate-stderr gl-statement git-state "$T/r"
	echo "$output" | jq -e '.dirty == true'
	# and the tree put back is clean again
	echo hello > "$T/r/f.txt"
	git -C "$T/r" update-index --really-refresh -q || true
	run -0 --separate-stderr gl-statement git-state "$T/r"
	echo "$output" | jq -e '.dirty == false'
}

@test "git-state: a replace ref for HEAD (git replace HEAD X, X holding the edit) is dirty, and the commit is HEAD's" {
	repo
	local head c
	head=$(git -C "$T/r" rev-parse HEAD)
	echo EVIL > "$T/r/f.txt"
	git -C "$T/r" add f.txt
	c=$(git -C "$T/r" -c user.email=t@t -c user.name=t commit-tree -p "$head" -m x "$(git -C "$T/r" write-tree)")
	git -C "$T/r" replace -f "$head" "$c"
	[ -z "$(git -C "$T/r" status --porcelain)" ]
	run -0 --separate-stderr gl-statement git-state "$T/r"
	echo "$output" | jq -e --arg h "$head" '.dirty == true and .commit == $h'
}

@test "git-state: a new file only .git/info/exclude hides is dirty; what .gitignore or the caller's excludes file ignores is not" {
	repo
	echo evil > "$T/r/backdoor.c"
	echo backdoor.c >> "$T/r/.git/info/exclude"
	[ -z "$(git -C "$T/r" status --porcelain)" ]
	run -0 --separate-stderr gl-statement git-state "$T/r"
	echo "$output" | jq -e '.dirty == true'
	rm "$T/r/backdoor.c"
	echo '*.o' > "$T/r/.gitignore"
	git -C "$T/r" add .gitignore
	git -C "$T/r" -c user.email=t@t -c user.name=t commit -q -m ignore
	touch "$T/r/a.o"
	mkdir -p "$HOME/.config/git"
	echo '*.swp' > "$HOME/.config/git/ignore"
	touch "$T/r/f.txt.swp"
	run -0 --separate-stderr env -u XDG_CONFIG_HOME gl-statement git-state "$T/r"
	echo "$output" | jq -e '.dirty == false'
}
