#!/usr/bin/env bats
# gl-netfilter: egress by domain, against a fake internet (tests/net.bash):
# real namespaces, nftables, the resolver, NFLOG; never the outside network.

load helpers
load net

setup_file() {
	if net_have; then
		net_world_up
	fi
}

teardown_file() {
	net_world_down
}

setup() {
	gl_setup
	net_have || skip "needs root, ip(8), dnsmasq and python3 for the fake internet"
	[ -n "${NET_H:-}" ] || skip "the fake internet did not start"
	net_profile p deny 443 allowed.test share1.test share2.test
}

teardown() {
	[ -n "${HOST_SERVER:-}" ] && kill "$HOST_SERVER" 2>/dev/null
	gl_teardown
}

# nf ARGS... -- CMD: gl-netfilter in the fake host, events and report in $T
nf() {
	in_host "$GL_BIN/gl-netfilter" --upstream 198.51.100.53 --events "$T/ev.jsonl" \
		--report "$T/rep.json" "$@"
}

# jail_filesystem [DIR...]: append to $T/p.ini the [filesystem] a gl-jail
# under gl-netfilter needs: the system read-only, the DIRs too, a /tmp
jail_filesystem() {
	local d
	{
		printf '\n[filesystem]\n'
		for d in /usr /etc /bin /lib /lib64 "$@" "$REPO/tests/fixtures"; do
			printf 'readonly_bind = %s\n' "$d"
		done
		printf 'tmpfs = /tmp\n'
	} >> "$T/p.ini"
}

# probe CMD...: one client.py command under gl-netfilter -p $T/p.ini
probe() {
	nf -p "$T/p.ini" "${NF_ARGS[@]}" -- $NET_CLIENT "$@"
}

NF_ARGS=()

# ev FILTER [jq options]: FILTER (select(...) | test) holds for some event
# of $T/ev.jsonl (jq -e alone looks only at the last line's result)
# the host has no table of ours and forwards nothing (as before the session)
host_nat_gone() {
	run -0 in_host nft list tables
	[[ "$output" != *gleisner* ]] || return 1
	[ "$(in_host sysctl -n net.ipv4.ip_forward)" = 0 ] || return 1
	[ "$(in_host sysctl -n net.ipv6.conf.all.forwarding)" = 0 ]
}

ev() {
	local f=$1
	shift
	jq -se "$@" "[.[] | $f] | any" "$T/ev.jsonl" > /dev/null
}

@test "gl-netfilter: an allowed name is reachable on an allowed port, over IPv4 and IPv6" {
	run -0 --separate-stderr probe tcp -4 allowed.test 443
	[ "$output" = "hello 198.51.100.10 443" ]
	run -0 --separate-stderr probe tcp -6 allowed.test 443
	[ "$output" = "hello 2001:db8:200::10 443" ]
	ev 'select(.type == "net.dns" and .name == "allowed.test" and .qtype == "AAAA")
	    | .decision == "allow" and .answers == ["2001:db8:200::10"] and .ttl == 30'
}

@test "gl-netfilter: the same name on another port is blocked, and the denial is an event" {
	run -0 --separate-stderr probe tcp -4 allowed.test 8443
	[ "$output" = "fail ConnectionRefusedError" ]
	ev 'select(.type == "net.deny") | .daddr == "198.51.100.10" and .dport == 8443 and
	    .proto == "tcp" and .rule == "deny" and .src == "gl-netfilter"'
	run ! grep -q "tcp 198.51.100.10 8443" "$NET_DIR/world.log"
	[ "$(jq .counts.denied "$T/rep.json")" -ge 1 ]
}

@test "gl-netfilter: an unlisted name is refused and its query never reaches the world's DNS" {
	local n="s3cr3t-$RANDOM.other.test"
	run -0 --separate-stderr probe dns "$n" A
	[ "$output" = "REFUSED" ]
	run -0 --separate-stderr probe tcp "$n" 443
	[[ "$output" == "fail resolve"* ]]
	run ! world_saw_query "$n"
	ev 'select(.name == $n) | .decision == "refuse" and
	    .reason == "name not allowed"' --arg n "$n"
}

@test "gl-netfilter: no data through other types or labels of an allowed name (no exfiltration)" {
	run -0 --separate-stderr probe dns allowed.test TXT
	[ "$output" = "NOERROR" ]
	run ! grep -q "query\[TXT\] allowed.test" "$NET_DIR/dns.log"
	run -0 --separate-stderr probe dns "leak-$RANDOM.allowed.test" A
	[ "$output" = "REFUSED" ]
	run ! grep -q "leak-.*allowed.test" "$NET_DIR/dns.log"
}

@test "gl-netfilter: the direct address of an unlisted server is blocked, IPv4 and IPv6" {
	run -0 --separate-stderr probe tcp 198.51.100.20 443
	[ "$output" = "fail ConnectionRefusedError" ]
	run -0 --separate-stderr probe tcp 2001:db8:200::20 443
	[ "$output" = "fail ConnectionRefusedError" ]
	run ! grep -q "tcp .*::20 443\|tcp 198.51.100.20 443" "$NET_DIR/world.log"
	ev 'select(.type == "net.deny" and .daddr == "2001:db8:200::20") | .dport == 443'
}

@test "gl-netfilter: DNS to any other server is blocked (UDP and TCP 53, DoT 853)" {
	local n="direct-$RANDOM.allowed.test"
	run -0 --separate-stderr probe dns "$n" A 198.51.100.53
	[[ "$output" == fail* ]]
	run -0 --separate-stderr probe dns "$n" A 2001:db8:200::53
	[[ "$output" == fail* ]]
	run ! world_saw_query "$n"
	run -0 --separate-stderr probe tcp 198.51.100.20 53
	[ "$output" = "fail ConnectionRefusedError" ]
	run -0 --separate-stderr probe tcp 198.51.100.10 853
	[ "$output" = "fail ConnectionRefusedError" ]
	run -0 --separate-stderr probe udp 198.51.100.10 853
	[[ "$output" == fail* ]]
	run ! grep -q " 53$\| 853$" "$NET_DIR/world.log"
	ev 'select(.type == "net.deny" and .dport == 853 and .proto == "udp") | .rule == "dns"'
}

@test "gl-netfilter: an allowed name pointing at loopback, metadata, private or the host is refused" {
	NF_ARGS=(--allow-domain loop.test --allow-domain meta.test --allow-domain priv.test
	    --allow-domain self.test --allow-domain mixed.test)
	local n
	for n in loop.test meta.test priv.test self.test; do
		run -0 --separate-stderr probe dns "$n" A
		[ "$output" = "REFUSED" ]
		ev 'select(.name == $n) | .decision == "refuse" and
		    .reason == "forbidden address"' --arg n "$n"
	done
	ev 'select(.name == "self.test") | .dropped[0] | startswith("198.51.100.2 (the host")'
	run -0 --separate-stderr probe dns meta.test A
	ev 'select(.name == "meta.test") | .dropped[0] | startswith("169.254.169.254")'
	# one good and one bad address: only the good one is handed out
	run -0 --separate-stderr probe dns mixed.test A
	[ "$output" = "NOERROR 198.51.100.10" ]
	# the rules refuse them too, whatever a name says
	run -0 --separate-stderr probe tcp 169.254.169.254 443
	[[ "$output" == fail* ]]
}

@test "gl-netfilter: IPv4-mapped IPv6 forms are refused" {
	NF_ARGS=(--allow-domain mapped.test)
	run -0 --separate-stderr probe dns mapped.test AAAA
	[ "$output" = "REFUSED" ]
	ev 'select(.name == "mapped.test") | .dropped[0] | test("IPv4-mapped")'
}

@test "gl-netfilter: look-alike names, upper case, trailing dot, wildcards on a dot boundary" {
	NF_ARGS=(--allow-domain '*.wild.test')
	local n
	for n in evilallowed.test allowed.test.evil.test wild.test; do
		run -0 --separate-stderr probe dns "$n" A
		[ "$output" = "REFUSED" ]
		run ! world_saw_query "$n"
	done
	run -0 --separate-stderr probe dns ALLOWED.Test A
	[ "$output" = "NOERROR 198.51.100.10" ]
	run -0 --separate-stderr probe dns allowed.test. A
	[ "$output" = "NOERROR 198.51.100.10" ]
	run -0 --separate-stderr probe tcp -4 a.wild.test 443
	[ "$output" = "hello 198.51.100.10 443" ]
}

@test "gl-netfilter: two allowed names sharing one address both work" {
	run -0 --separate-stderr nf -p "$T/p.ini" -- sh -c \
	    "$NET_CLIENT tcp -4 share1.test 443 && $NET_CLIENT tcp -4 share2.test 443"
	[ "$output" = "hello 198.51.100.10 443
hello 198.51.100.10 443" ]
}

@test "gl-netfilter: an answer's address expires from the allow set after its TTL" {
	run -0 --separate-stderr nf -p "$T/p.ini" --allow-domain short.test -- sh -c \
	    "$NET_CLIENT dns short.test A; $NET_CLIENT tcp 198.51.100.10 443; sleep 3;
	     $NET_CLIENT tcp 198.51.100.10 443"
	[ "${lines[0]}" = "NOERROR 198.51.100.10" ]
	[ "${lines[1]}" = "hello 198.51.100.10 443" ]
	[ "${lines[2]}" = "fail ConnectionRefusedError" ]
	ev 'select(.name == "short.test") | .ttl == 2'
}

@test "gl-netfilter: without a lookup, an allowed server's address is not reachable" {
	run -0 --separate-stderr probe tcp 198.51.100.10 443
	[ "$output" = "fail ConnectionRefusedError" ]
}

@test "gl-netfilter: UDP (QUIC) and ICMP to unlisted hosts are blocked" {
	local before
	before=$(world_echo_count)
	run -0 --separate-stderr probe udp 198.51.100.20 443
	[[ "$output" == fail* ]]
	run -0 --separate-stderr probe icmp 2001:db8:200::20
	[[ "$output" == fail* ]]
	run -0 --separate-stderr probe icmp 198.51.100.20
	[[ "$output" == fail* ]]
	ev 'select(.type == "net.deny" and .proto == "icmp") | .daddr == "198.51.100.20"'
	[ "$(world_echo_count)" = "$before" ]
	run ! grep -q "udp 198.51.100.20 443" "$NET_DIR/world.log"
	# while UDP to an allowed name's port goes through
	run -0 --separate-stderr probe udp allowed.test 443
	[[ "$output" == "reply probe" ]]
}

@test "gl-netfilter: allow_dns = false: names resolved once at the start, pinned, in /etc/hosts" {
	printf 'name = nodns\n\n[network]\ndefault = deny\nallow_dns = false\n%s\n%s\n%s\n' \
	    'allow_domains = allowed.test' 'allow_domains = loop.test' 'allow_ports = 443' > "$T/nodns.ini"
	run -0 --separate-stderr nf -p "$T/nodns.ini" -- sh -c "
		grep -c allowed.test /etc/hosts
		$NET_CLIENT tcp -4 allowed.test 443
		$NET_CLIENT tcp -6 allowed.test 443
		$NET_CLIENT dns allowed.test A 127.0.0.1
		$NET_CLIENT tcp 198.51.100.20 443"
	[ "${lines[0]}" = 2 ]
	[ "${lines[1]}" = "hello 198.51.100.10 443" ]
	[ "${lines[2]}" = "hello 2001:db8:200::10 443" ]
	[[ "${lines[3]}" == fail* ]]
	[ "${lines[4]}" = "fail ConnectionRefusedError" ]
	[[ "$stderr" == *"loop.test: no usable address; it stays unreachable"* ]]
	jq -e '.resolver == null and .pinned == [{"name": "allowed.test",
	    "addresses": ["198.51.100.10", "2001:db8:200::10"]}, {"name": "loop.test", "addresses": []}]' \
	    "$T/rep.json"
}

@test "gl-netfilter: inside gl-jail --share-net the rules cannot be changed (no capability)" {
	"$GL_BIN/gl-jail" --help | grep -q -- --share-net || skip "gl-jail has no --share-net"
	jail_filesystem /sbin
	mkdir "$T/proj"
	run -0 --separate-stderr nf -p "$T/p.ini" -- "$GL_BIN/gl-jail" --share-net -p "$T/p.ini" \
	    -d "$T/proj" -- sh -c "
		nft flush ruleset 2>/dev/null; echo nft=\$?
		ip route add 198.51.100.0/24 dev lo 2>/dev/null; echo route=\$?
		ip link set lo down 2>/dev/null; echo link=\$?
		ip link add x type dummy 2>/dev/null; echo add=\$?
		$NET_CLIENT tcp -4 allowed.test 443
		$NET_CLIENT tcp 198.51.100.20 443"
	[ "${lines[0]}" != "nft=0" ]
	[ "${lines[1]}" != "route=0" ]
	[ "${lines[2]}" != "link=0" ]
	[ "${lines[3]}" != "add=0" ]
	[ "${lines[4]}" = "hello 198.51.100.10 443" ]
	[ "${lines[5]}" = "fail ConnectionRefusedError" ]
}

@test "gl-netfilter: default = allow still gets its own namespace, never the host's addresses" {
	net_profile open allow 443
	# not through in_host: $! must be the server (ip netns exec execs it)
	ip netns exec "$NET_H" /usr/bin/python3 "$REPO/tests/fixtures/net/world.py" "$T/host.log" \
	    8443 8443 198.51.100.2 > "$T/host.ready" 2>&1 3>&- &
	HOST_SERVER=$!
	local i
	for i in $(seq 30); do grep -q ready "$T/host.ready" && break; sleep 0.1; done
	run -0 --separate-stderr nf -p "$T/open.ini" -- sh -c "
		$NET_CLIENT tcp -4 other.test 443
		$NET_CLIENT tcp 198.51.100.2 8443
		readlink /proc/self/ns/net"
	[ "${lines[0]}" = "hello 198.51.100.20 443" ]
	[[ "${lines[1]}" == fail* ]]
	[ "${lines[2]}" != "$(in_host readlink /proc/self/ns/net)" ]
	[ ! -s "$T/host.log" ]
}

@test "gl-netfilter: the host side is torn down after the run (--wait)" {
	NF_ARGS=(--wait)
	run -0 --separate-stderr probe tcp -4 allowed.test 443
	# at once: the NAT table and forwarding
	host_nat_gone
	# soon after: the veth
	local i
	for i in $(seq 30); do in_host ip -o link | grep -q glh || break; sleep 0.1; done
	run -0 in_host ip -o link
	[[ "$output" != *glh* ]]
}

@test "gl-netfilter: killed with SIGKILL, its guard still tears the host side down" {
	ip netns exec "$NET_H" "$GL_BIN/gl-netfilter" --upstream 198.51.100.53 -p "$T/p.ini" -- sleep 30 3>&- &
	local pid=$! i
	for i in $(seq 50); do in_host ip -o link | grep -q glh && break; sleep 0.1; done
	in_host ip -o link | grep -q glh
	kill -KILL "$pid"
	for i in $(seq 50); do
		in_host ip -o link | grep -q glh || break
		sleep 0.1
	done
	run -0 in_host ip -o link
	[[ "$output" != *glh* ]]
	run -0 in_host nft list tables
	[[ "$output" != *gleisner* ]]
}

@test "gl-netfilter: a SIGKILL of its whole process group does not reach the guard" {
	ip netns exec "$NET_H" setsid "$GL_BIN/gl-netfilter" --upstream 198.51.100.53 \
		-p "$T/p.ini" -- sleep 20 3>&- &
	local pid=$! i idx
	for i in $(seq 50); do in_host nft list tables | grep -q gleisner_ && break; sleep 0.1; done
	idx=$(in_host nft list tables | sed -n 's/.*gleisner_//p')
	[ -n "$idx" ]
	[ -e "/run/gl-netfilter-$idx.resolv" ]
	[ "$(in_host sysctl -n net.ipv4.ip_forward)" = 1 ]
	kill -KILL -- "-$pid"
	for i in $(seq 50); do
		in_host nft list tables | grep -q gleisner || break
		sleep 0.1
	done
	host_nat_gone
	[ ! -e "/run/gl-netfilter-$idx.resolv" ]
}

@test "gl-netfilter: a dead session's NAT table, forwarding and files are cleared by the next run" {
	# what a session killed with its guard leaves: its table (no veth
	# glh16383), the forwarding it turned on, its resolv.conf copy
	in_host nft add table inet gleisner_16383 '{ comment "gl-netfilter forwarding=3"; }'
	in_host sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	touch /run/gl-netfilter-16383.resolv
	NF_ARGS=(--wait)
	run -0 --separate-stderr probe tcp -4 allowed.test 443
	host_nat_gone
	[ ! -e /run/gl-netfilter-16383.resolv ]
}

@test "gl-netfilter: a live session's NAT table keeps forwarding on" {
	in_host ip link add glh16382 type veth peer name glp16382
	in_host nft add table inet gleisner_16382 '{ comment "gl-netfilter forwarding=0"; }'
	NF_ARGS=(--wait)
	run -0 --separate-stderr probe tcp -4 allowed.test 443
	run -0 in_host nft list tables
	[[ "$output" == *gleisner_16382* ]]
	[ "$(in_host sysctl -n net.ipv4.ip_forward)" = 1 ]
	in_host nft delete table inet gleisner_16382
	in_host ip link del glh16382
	in_host sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
}

@test "gl-netfilter: the command's exit status, 128+n for a signal, 126 and 127" {
	run -7 --separate-stderr nf -p "$T/p.ini" -- sh -c 'exit 7'
	run -143 --separate-stderr nf -p "$T/p.ini" -- sh -c 'kill -TERM $$'
	run -127 --separate-stderr nf -p "$T/p.ini" -- /nonexistent/cmd
	[[ "$stderr" == *"gl-netfilter: /nonexistent/cmd: No such file or directory"* ]]
	run -126 --separate-stderr nf -p "$T/p.ini" -- "$T/p.ini"
	[ "$(jq .exit_status "$T/rep.json")" = 126 ]
}

@test "gl-netfilter: SIGTERM is passed on to the command" {
	ip netns exec "$NET_H" "$GL_BIN/gl-netfilter" --upstream 198.51.100.53 -p "$T/p.ini" -- \
	    sh -c 'trap "exit 42" TERM; touch '"$T"'/up; while :; do sleep 0.1; done' 3>&- &
	local pid=$! i rc=0
	for i in $(seq 50); do [ -e "$T/up" ] && break; sleep 0.1; done
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	[ "$rc" = 42 ]
}

@test "gl-netfilter: the report says what was enforced and counts the events" {
	run -0 --separate-stderr nf -p "$T/p.ini" -- sh -c \
	    "$NET_CLIENT tcp -4 allowed.test 443; $NET_CLIENT dns other.test A; $NET_CLIENT tcp 198.51.100.20 443"
	jq -e '.tool == "gl-netfilter" and .enforced == true and .mode == "netns" and
	    .default == "deny" and .allow_ports == [443] and .ruleset.family == "inet" and
	    (.ruleset.rules | index("chain output { type filter hook output priority 0; policy drop; }")) and
	    .resolver.upstream == "198.51.100.53:53" and .counts.dns_refused == 1 and
	    .counts.denied >= 1 and .exit_status == 0' "$T/rep.json"
	[ "$(jq -s '[.[] | select(.type == "net.deny")] | length' "$T/ev.jsonl")" = \
	    "$(jq .counts.denied "$T/rep.json")" ]
	jq -se 'map(.seq) == [range(1; length + 1)]' "$T/ev.jsonl"
}

@test "gl-netfilter: the upstream defaults to the host's resolv.conf" {
	run -0 --separate-stderr in_host "$GL_BIN/gl-netfilter" -p "$T/p.ini" --report "$T/rep.json" \
	    -- $NET_CLIENT tcp -4 allowed.test 443
	[ "$output" = "hello 198.51.100.10 443" ]
	jq -e '.resolver.upstream == "198.51.100.53:53"' "$T/rep.json"
}

@test "gl-netfilter: fails closed: with no working upstream nothing runs" {
	run -125 --separate-stderr in_host "$GL_BIN/gl-netfilter" -p "$T/p.ini" --upstream nonsense \
	    -- touch "$T/ran"
	[ ! -e "$T/ran" ]
	[[ "$stderr" == *"--upstream nonsense: not an address"* ]]
}

@test "gl-netfilter: fails closed: a bad name in the allowlist is 125" {
	run -125 --separate-stderr "$GL_BIN/gl-netfilter" -p "$T/p.ini" --allow-domain 'a b' \
	    -- touch "$T/ran"
	[ ! -e "$T/ran" ]
	[ "$stderr" = "gl-netfilter: --allow-domain: a b: not a host name or *.domain" ]
}

@test "gl-netfilter: unprivileged: 125 and a hint, nothing runs" {
	nobody_copies
	chmod 755 "$T"
	chmod 644 "$T/p.ini"
	run -125 --separate-stderr as_nobody "$NB_BIN/gl-netfilter" -p "$T/p.ini" \
	    --upstream 198.51.100.53 -- touch "$T/ran"
	[ ! -e "$T/ran" ]
	[[ "$stderr" == *"gl-netfilter: hint: "* ]]
}

@test "gl-netfilter: --dry-run prints the ruleset and resolver and changes nothing (also unprivileged)" {
	nobody_copies
	chmod 755 "$T"
	chmod 644 "$T/p.ini"
	run -0 --separate-stderr as_nobody "$NB_BIN/gl-netfilter" -p "$T/p.ini" \
	    --upstream '[2001:db8:200::53]:5353' --allow-domain '*.wild.test' --dry-run
	echo "$output" | jq -e '.enforced == false and .resolver.upstream == "[2001:db8:200::53]:5353"
	    and .resolver.names == ["allowed.test", "share1.test", "share2.test", "*.wild.test"]
	    and (.ruleset.rules | map(select(test("@allow6"))) | length) == 2
	    and (has("counts") | not)'
	run -0 in_host ip -o link
	[[ "$output" != *glh* ]]
}

@test "gl-netfilter: --dry-run to a full stdout is 125" {
	run -125 --separate-stderr sh -c '"$0" -p "$1" --upstream 198.51.100.53 --dry-run > /dev/full' \
	    "$GL_BIN/gl-netfilter" "$T/p.ini"
	[[ "$stderr" == *"stdout: No space left on device"* ]]
}

@test "gl-netfilter: --help and --version" {
	run -0 --separate-stderr "$GL_BIN/gl-netfilter" --help
	[[ "$output" == "usage: gl-netfilter "* ]]
	run -0 --separate-stderr "$GL_BIN/gl-netfilter" --version
	[ "$output" = "gl-netfilter 0.1.0" ] || [[ "$output" == "gl-netfilter "* ]]
}

@test "gl-netfilter: usage errors are 125" {
	run -125 --separate-stderr "$GL_BIN/gl-netfilter" -p "$T/p.ini"
	run -125 --separate-stderr "$GL_BIN/gl-netfilter" --bogus -- true
	run -125 --separate-stderr "$GL_BIN/gl-netfilter" --dry-run -- true
	run -125 --separate-stderr "$GL_BIN/gl-netfilter" -p "$T/nonexistent.ini" -- true
}

@test "gl-netfilter(1) EXAMPLES: the jail under gl-netfilter, the report to gl-statement's input" {
	"$GL_BIN/gl-jail" --help | grep -q -- --share-net || skip "gl-jail has no --share-net"
	mkdir "$T/proj"
	jail_filesystem
	cd "$T/proj"
	run -0 --separate-stderr in_host "$GL_BIN/gl-netfilter" -p "$T/p.ini" --upstream 198.51.100.53 \
	    --report "$T/net.json" --events "$T/net.jsonl" -- \
	    "$GL_BIN/gl-jail" --share-net -p "$T/p.ini" -- $NET_CLIENT tcp -4 allowed.test 443
	[ "$output" = "hello 198.51.100.10 443" ]
	jq -e '.enforced' "$T/net.json"
	# how to debug a blocked name from the events
	run -0 --separate-stderr in_host "$GL_BIN/gl-netfilter" -p "$T/p.ini" --upstream 198.51.100.53 \
	    --events "$T/net.jsonl" -- $NET_CLIENT tcp other.test 443
	run -0 jq -r 'select(.decision == "refuse" or .type == "net.deny")
	    | [.type, .name // .daddr, .reason // .rule] | @tsv' "$T/net.jsonl"
	[ -n "$output" ]
	[ "$(echo "$output" | sort -u)" = "$(printf 'net.dns\tother.test\tname not allowed')" ]
}

@test "gl-netfilter --needed: 0 when the profile lets anything out, 1 when nothing, 125 for a bad profile" {
	run -0 gl-netfilter -p konishi --needed
	printf 'name = closed\n[network]\ndefault = deny\n' > "$T/closed.ini"
	run -1 gl-netfilter -p "$T/closed.ini" --needed
	run -0 gl-netfilter -p "$T/closed.ini" --allow-domain example.test --needed
	printf 'name = open\n[network]\ndefault = allow\n' > "$T/open.ini"
	run -0 gl-netfilter -p "$T/open.ini" --needed
	run -125 --separate-stderr gl-netfilter -p "$T/missing.ini" --needed
	[[ "$stderr" == *"profile not found"* ]]
	run -125 gl-netfilter -p konishi --needed -- true
}

@test "gleisner wrap -p konishi reaches only what konishi lists; record attests the egress and its decisions" {
	# the fake world serves konishi's api.anthropic.com at 198.51.100.10;
	# ip netns exec remounts /sys, so the cgroup layer is let go here
	P=$T/proj
	mkdir -p "$P"
	# the client goes with the project: the jail sees no other part of the tree
	cp "$REPO/tests/fixtures/net/client.py" "$P/"
	local NET_CLIENT="/usr/bin/python3 client.py"
	run -0 --separate-stderr in_host "$GL_BIN/gleisner" wrap --allow-degraded cgroup -d "$P" -- \
		sh -c "$NET_CLIENT tcp -4 api.anthropic.com 443; $NET_CLIENT tcp -4 notkonishi.test 443; $NET_CLIENT tcp 198.51.100.20 443"
	[ "${lines[0]}" = "hello 198.51.100.10 443" ]
	[[ "${lines[1]}" == fail* ]]
	[[ "${lines[2]}" == fail* ]]
	run ! world_saw_query notkonishi.test
	run -0 --separate-stderr in_host "$GL_BIN/gleisner" record --allow-degraded cgroup -d "$P" -- \
		sh -c "$NET_CLIENT tcp -4 api.anthropic.com 443; $NET_CLIENT tcp -4 other.test 443; true"
	a=$(ls "$P"/.gleisner/attestation-*.json)
	jq -r .payload "$a" | base64 -d > "$T/st.json"
	jq -e '.predicate.buildDefinition.internalParameters.sandbox.network |
		.mode == "netns" and .enforced == true and (.allow_domains | index("api.anthropic.com") != null)
		and .counts.dns_refused >= 1' "$T/st.json"
	log=$(ls "$P"/.gleisner/audit-*.jsonl)
	jq -se 'map(select(.type == "net.dns" and .name == "other.test")) | length >= 1 and all(.decision == "refuse")' "$log"
	jq -se 'map(select(.type == "net.dns" and .name == "api.anthropic.com" and .decision == "allow")) | length >= 1' "$log"
	# the attestation verifies, net events and all
	run -0 --separate-stderr in_host "$GL_BIN/gleisner" verify --check-files "$a"
}
