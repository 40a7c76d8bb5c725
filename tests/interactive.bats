#!/usr/bin/env bats
# An interactive program still works inside the jail: tmux types into a
# shell under `gleisner wrap` and reads the screen.

load helpers

setup() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	gl_setup
	mkdir -p "$T/proj"
	S=gl-test-$$-$BATS_TEST_NUMBER
	export TMUX_TMPDIR=$T
}

teardown() {
	tmux kill-session -t "$S" 2>/dev/null || true
	gl_teardown
}

# screen_has TEXT: wait up to 5 s for TEXT on the pane
screen_has() {
	for _ in $(seq 50); do
		tmux capture-pane -p -t "$S" | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "not on screen: $1"; tmux capture-pane -p -t "$S"
	return 1
}

@test "interactive: a shell in gleisner wrap reads what is typed and answers" {
	tmux new-session -d -s "$S" -x 100 -y 20 \
		"env PATH='$PATH' HOME='$HOME' GLEISNER_PROFILE_PATH='$GLEISNER_PROFILE_PATH' gleisner wrap -d '$T/proj' -- sh -c 'PS1=jail-prompt: exec sh -i'; echo jail-exit=\$?; sleep 30"
	screen_has jail-prompt:
	tmux send-keys -t "$S" 'echo answer-$((6*7)) > typed.txt; cat typed.txt' Enter
	screen_has answer-42
	tmux send-keys -t "$S" 'exit 3' Enter
	screen_has jail-exit=3
	[ "$(cat "$T/proj/typed.txt")" = answer-42 ]
}

@test "interactive: the terminal's size and line discipline reach the jailed program" {
	tmux new-session -d -s "$S" -x 91 -y 23 \
		"env PATH='$PATH' HOME='$HOME' GLEISNER_PROFILE_PATH='$GLEISNER_PROFILE_PATH' gleisner wrap -d '$T/proj' -- sh -c 'stty size; read -r line; echo got:\$line'; sleep 30"
	screen_has '23 91'
	tmux send-keys -t "$S" 'typed line' Enter
	screen_has 'got:typed line'
}
