# The fake internet for gl-netfilter's tests: a "world" namespace with DNS
# (dnsmasq) and TCP/UDP servers on IPv4 and IPv6, linked to a throwaway
# "host" namespace in which gl-netfilter runs, so that its veth, NAT and
# forwarding changes never touch the machine's real network.
# shellcheck shell=bash
#
# net_world_up (in setup_file) / net_world_down (in teardown_file);
# in_host CMD...: run CMD in the fake host.
#
# World addresses (TEST-NET-2 and the documentation IPv6 prefix, which
# gl-netfilter does not treat as private):
#   198.51.100.1   the world's side of the link; .2 is the host's
#   198.51.100.10  allowed.test, share1.test, share2.test, a.wild.test,
#                  short.test (TTL 2; every other name has TTL 30)
#   198.51.100.20  other.test and the look-alikes (never allowed)
#   198.51.100.53  the world's DNS (dnsmasq, logs every query)
#   2001:db8:200::10 / ::20 / ::53 the same, IPv6 (2001:db8:100::/64 is the link)

NET_CLIENT="/usr/bin/python3 $REPO/tests/fixtures/net/client.py"
export NET_CLIENT

net_have() {
	[ "$(id -u)" = 0 ] && command -v ip >/dev/null && [ -x /usr/sbin/dnsmasq ] &&
		[ -x /usr/bin/python3 ]
}

net_world_up() {
	local d=${BATS_FILE_TMPDIR:?}
	NET_ID=$$
	NET_H=gl-host-$NET_ID
	NET_W=gl-world-$NET_ID
	NET_DIR=$d
	export NET_ID NET_H NET_W NET_DIR
	ip netns add "$NET_H"
	ip netns add "$NET_W"
	ip link add "glwh$NET_ID" type veth peer name "glww$NET_ID"
	ip link set "glwh$NET_ID" netns "$NET_H"
	ip link set "glww$NET_ID" netns "$NET_W"
	ip -n "$NET_W" link set lo up
	ip -n "$NET_W" link set "glww$NET_ID" up
	ip -n "$NET_W" addr add 198.51.100.1/24 dev "glww$NET_ID"
	ip -n "$NET_W" -6 addr add 2001:db8:100::1/64 dev "glww$NET_ID" nodad
	local a
	for a in 10 20 53; do
		ip -n "$NET_W" addr add "198.51.100.$a/32" dev lo
		ip -n "$NET_W" -6 addr add "2001:db8:200::$a/128" dev lo
	done
	ip -n "$NET_H" link set lo up
	ip -n "$NET_H" link set "glwh$NET_ID" up
	ip -n "$NET_H" addr add 198.51.100.2/24 dev "glwh$NET_ID"
	ip -n "$NET_H" -6 addr add 2001:db8:100::2/64 dev "glwh$NET_ID" nodad
	ip -n "$NET_H" route add default via 198.51.100.1
	ip -n "$NET_H" -6 route add default via 2001:db8:100::1
	# ip netns exec binds this over /etc/resolv.conf in the fake host
	mkdir -p "/etc/netns/$NET_H"
	echo "nameserver 198.51.100.53" > "/etc/netns/$NET_H/resolv.conf"
	# answers come back to the host's NAT through the world's link
	ip -n "$NET_W" route add 10.0.0.0/8 via 198.51.100.2 2>/dev/null || true
	# ICMP echo requests that reach the world are counted
	ip netns exec "$NET_W" nft -f - <<-'EOF'
		table inet world {
			counter echo { }
			chain in { type filter hook input priority 0; policy accept;
				icmp type echo-request counter name echo
				icmpv6 type echo-request counter name echo
			}
		}
	EOF
	ip netns exec "$NET_W" /usr/sbin/dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--bind-interfaces --listen-address=198.51.100.53 --listen-address=2001:db8:200::53 \
		--port=53 --local-ttl=30 --log-queries \
		--log-facility="$d/dns.log" --pid-file="$d/dnsmasq.pid" --user=root \
		--host-record=allowed.test,198.51.100.10,2001:db8:200::10 \
		--host-record=api.anthropic.com,198.51.100.10 \
		--host-record=short.test,198.51.100.10,2 \
		--host-record=share1.test,198.51.100.10 --host-record=share2.test,198.51.100.10 \
		--host-record=a.wild.test,198.51.100.10 --host-record=wild.test,198.51.100.20 \
		--host-record=other.test,198.51.100.20,2001:db8:200::20 \
		--host-record=evilallowed.test,198.51.100.20 \
		--host-record=allowed.test.evil.test,198.51.100.20 \
		--host-record=loop.test,127.0.0.1 --host-record=meta.test,169.254.169.254 \
		--host-record=mapped.test,::ffff:127.0.0.1 --host-record=priv.test,10.1.2.3 \
		--host-record=self.test,198.51.100.2 --host-record=v6only.test,2001:db8:200::10 \
		--address=/mixed.test/198.51.100.10 --address=/mixed.test/127.0.0.1 \
		--txt-record=allowed.test,secret 3>&- &
	echo $! > "$d/dnsmasq.bgpid"
	ip netns exec "$NET_W" /usr/bin/python3 "$REPO/tests/fixtures/net/world.py" "$d/world.log" \
		443,8443,53,853 443,53,853 > "$d/world.ready" 2>"$d/world.err" 3>&- &
	echo $! > "$d/world.pid"
	local _
	for _ in $(seq 50); do
		grep -q ready "$d/world.ready" 2>/dev/null && [ -s "$d/dns.log" ] && return 0
		sleep 0.1
	done
	echo "the fake world did not start" >&2
	cat "$d/world.err" >&2
	return 1
}

net_world_down() {
	local d=${BATS_FILE_TMPDIR:-/nonexistent} f
	for f in "$d/dnsmasq.bgpid" "$d/world.pid"; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	if [ -n "${NET_H:-}" ]; then
		rm -rf "/etc/netns/$NET_H"
		ip netns del "$NET_H" 2>/dev/null
		ip netns del "$NET_W" 2>/dev/null
	fi
	return 0
}

in_host() {
	ip netns exec "$NET_H" "$@"
}

# The world's DNS log: did it ever see a query for NAME?
world_saw_query() {
	grep -q "query\[[A-Z]*\] $1 from" "$NET_DIR/dns.log"
}

world_echo_count() {
	ip netns exec "$NET_W" nft list counter inet world echo | awk '/packets/ { print $2 }'
}

# A profile in $T/NAME.ini: net_profile NAME DEFAULT PORTS DOMAIN...
net_profile() {
	local name=$1 def=$2 ports=$3 d p
	shift 3
	{
		printf 'name = %s\n\n[network]\ndefault = %s\nallow_dns = true\n' "$name" "$def"
		for d in "$@"; do printf 'allow_domains = %s\n' "$d"; done
		for p in $ports; do printf 'allow_ports = %s\n' "$p"; done
	} > "$T/$name.ini"
}
