#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Gateway mode sharing IPv6 for real (issue 17), in throw-away network namespaces:
#
#   peer (veth1: SLAAC from the host's router advertisements)
#     <-> host (veth0 = the "USB peer" link; up0 = the uplink, SLAAC from the upstream)
#     <-> upstream (u0 2001:db8:1::2/64, forwarding on, dnsmasq sending RAs for
#                   2001:db8:1::/64; the server 2001:db8:ff::10 on lo, TCP 8080, answers
#                   with the address it sees the client come from)
#
# Case nat: no ipv6-prefix=: the peer gets an address in its stable ULA /64 (fdXX:...) and
# reaches the server masqueraded (the server sees the host's SLAAC address on up0).
# Case routed: ipv6-prefix=2001:db8:77::/64 in the peer's [peer] group, the upstream routes it
# to the host: the server sees the peer's own address in that prefix.
# Both: the host keeps its RA-learnt default route on up0 throughout (accept_ra=2 while it
# forwards); hosts A and B on other links of the host are not routed to each other (guard);
# after down every sysctl of the host, its addresses, routes, links and the nft ruleset are as
# before (lifetimes, which count down, left out).
# With a second upstream behind up1: refresh moving both with IPv4's default route; IPv6's own
# uplink (its default route through up1, IPv4's through up0) at up; refresh moving IPv6 alone.
# refresh-ipv6-appears: no IPv6 default route at up, one later: refresh starts IPv6 sharing.
set -u
. "$(dirname "$0")/helpers/lib.sh"
core_init gateway-ipv6
for tool in socat dnsmasq; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps)"; exit 1; }
done
SERVER=2001:db8:ff::10
PIDS=()
ipv6_cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	core_cleanup
}
trap ipv6_cleanup EXIT

# upstream_link NS HOSTIF NSIF V4 V6 NAME [no-ra]: an upstream router in NS behind the host's
# HOSTIF: V4.1/24 on HOSTIF, V4.2/24 and V6::2/64 on NSIF, forwarding on, RAs for V6::/64
# (upstream_ra; not yet with no-ra), and the server at $SERVER answering with the client's
# address.
upstream_link() {
	local ns=$1 hif=$2 nif=$3 v4=$4 v6=$5 name=$6 ra=${7:-ra}
	ip -n "$H" link add "$hif" type veth peer name "$nif" netns "$ns" || exit 1
	ip -n "$H" addr add "$v4.1/24" brd + dev "$hif"
	ip -n "$H" link set "$hif" up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$ns" addr add "$v4.2/24" brd + dev "$nif"
	ip -n "$ns" addr add "$v6::2/64" dev "$nif"
	ip -n "$ns" link set "$nif" up
	ip -n "$ns" addr add "$SERVER/128" dev lo
	[ "$ra" = no-ra ] || upstream_ra "$ns" "$nif" "$v6" "$name"
	ip netns exec "$ns" socat TCP6-LISTEN:8080,bind="[$SERVER]",fork,reuseaddr \
		SYSTEM:'echo "$SOCAT_PEERADDR"' 2>/dev/null &
	PIDS+=($!)
}

# upstream_ra NS NSIF V6 NAME: RAs on NSIF for V6::/64 (every 3 s, router lifetime 1800 s,
# infinite prefix lifetimes; dnsmasq, its pid file W/NAME.pid).
upstream_ra() {
	local ns=$1 nif=$2 v6=$3 name=$4
	ip netns exec "$ns" dnsmasq --conf-file=/dev/null --pid-file="$W/$name.pid" --port=0 \
		--interface="$nif" --bind-interfaces --enable-ra --leasefile-ro \
		--dhcp-range="$v6::,ra-only,64,infinite" --ra-param="$nif,high,3,1800" ||
		{ echo "FAIL: $T: the upstream dnsmasq on $nif did not start"; exit 1; }
}

# The upstream router: RAs on u0 for 2001:db8:1::/64 (every 3 s, router lifetime 1800 s,
# infinite prefix lifetimes), forwarding on, the server; a second pair of namespaces A and B
# behind the host to see that nothing else is forwarded.
make_world() {
	make_host
	new_ns "$U"
	ip netns exec "$H" sysctl -qw net.ipv6.conf.all.forwarding=0 net.ipv6.conf.default.accept_ra=1
	upstream_link "$U" up0 u0 198.51.100 2001:db8:1 up-ra
	ip -n "$H" route add default via 198.51.100.2 dev up0
	A="$PFX-$T-a"
	B="$PFX-$T-b"
	new_ns "$A"
	new_ns "$B"
	ip -n "$H" link add a0 type veth peer name a1 netns "$A"
	ip -n "$H" link add b0 type veth peer name b1 netns "$B"
	ip -n "$H" addr add 2001:db8:a::1/64 dev a0
	ip -n "$H" addr add 2001:db8:b::1/64 dev b0
	ip -n "$H" link set a0 up
	ip -n "$H" link set b0 up
	ip -n "$A" addr add 2001:db8:a::2/64 dev a1
	ip -n "$B" addr add 2001:db8:b::2/64 dev b1
	ip -n "$A" link set a1 up
	ip -n "$B" link set b1 up
	ip -n "$A" route add default via 2001:db8:a::1
	ip -n "$B" route add default via 2001:db8:b::1
	local _
	for _ in $(seq 600); do
		host_default6 && host_global6 >/dev/null && return 0
		sleep 0.1
	done
	echo "FAIL: $T: the host got no IPv6 default route from the upstream's RAs in 60 s"
	exit 1
}

host_default6() { ip -n "$H" -6 route show default | grep -q 'dev up0 proto ra'; }
host_global6() { # the host's SLAAC address on up0
	ip -n "$H" -6 -o addr show dev up0 scope global | awk '{ sub("/.*", "", $4); print $4; exit }' | grep .
}
peer_addr6() { # $1: a prefix's start ("fd", "2001:db8:77:"): the peer's SLAAC address in it
	ip -n "$P" -6 -o addr show dev veth1 scope global | awk '{ sub("/.*", "", $4); print $4 }' |
		grep -i "^$1" | head -1
}
wait_peer_addr6() {
	local _
	for _ in $(seq 600); do
		PEER6=$(peer_addr6 "$1") && [ -n "$PEER6" ] && return 0
		sleep 0.1
	done
	return 1
}
ask_server() { # what the server saw as the client's address (compressed), asked from the peer
	ip netns exec "$P" timeout 6 socat -T 3 - "TCP6:[$SERVER]:8080,connect-timeout=3" </dev/null 2>/dev/null |
		tr -d '[]' | "$PY" -c 'import ipaddress,sys
for l in sys.stdin:
    print(ipaddress.ip_address(l.strip()))'
}
said_re() { printf '%s\n' "$OUT" | grep -Eq -- "$1"; } # ERE: a line of the last output
said_in() { printf '%s' "$1" | grep -qF -- "$2"; } # TEXT WANTED
HERE=$(cd "$(dirname "$0")" && pwd)
a_reaches_b() { ip netns exec "$A" ping -6 -c 1 -W 1 2001:db8:b::2 >/dev/null 2>&1; }

# Every sysctl of net.ipv6 and net.ipv4 in the host (the neighbour tables' aside), and the
# addresses and routes with their counting-down lifetimes left out.
sysctls() {
	ip netns exec "$H" sh -c 'cd /proc/sys/net && for f in ipv4/ip_forward ipv4/conf/*/* ipv6/conf/*/*; do
		[ -r "$f" ] && printf "%s=%s\n" "$f" "$(tr "\n" " " <"$f")"; done' 2>/dev/null
}
v6_state() {
	ip -n "$H" -j addr | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
for l in d:
    for a in l.get("addr_info", []):
        a.pop("valid_life_time", None); a.pop("preferred_life_time", None)
print(json.dumps(d, sort_keys=True))'
	# The routes sorted: an RA route learnt again after down (forwarding had dropped it) comes
	# back after the routes of the same metric that stayed. (Without -6, "table all" lists
	# both families.)
	ip -n "$H" -j route show table all | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
for r in d:
    r.pop("expires", None)
print(json.dumps(sorted(d, key=lambda r: json.dumps(r, sort_keys=True)), sort_keys=True))'
	ip -n "$H" -6 -j route show table all | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
for r in d:
    r.pop("expires", None)
print(json.dumps(sorted(d, key=lambda r: json.dumps(r, sort_keys=True)), sort_keys=True))'
	ip -n "$H" -j link
}
snap() { # $1: name
	sysctls >"$W/$1.sysctl"
	v6_state >"$W/$1.state"
	ip netns exec "$H" nft list ruleset >"$W/$1.nft"
}
same_snap() { # A B
	local part
	for part in sysctl state nft; do
		core_cmp "$part after '$2' as after '$1'" "$W/$1.$part" "$W/$2.$part"
	done
}

up_gateway() { # [more words]
	uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 3 --gateway "$@"
}

# ---------------------------------------------------------------------------------------------
new_case nat
make_world
sleep 0.5
snap before
reaches() { [ -n "$(ask_server)" ]; }
check "no route from the peer to the server before up" not reaches
up_gateway
expect_rc 0 "up --gateway"
check "step accept-ra recorded" grep -qx "step accept-ra up0 2 1" "$RUN/veth0.state"
check "step nft6 recorded (nat)" grep -Eq "^step nft6 up0 fd[0-9a-f:]+::/64 nat$" "$RUN/veth0.state"
check "step forwarding6 recorded" grep -qx "step forwarding6" "$RUN/veth0.state"
check "step ra recorded" grep -Eq "^step ra [0-9]+ [0-9]+ fd[0-9a-f:]+::/64 " "$RUN/veth0.state"
check "IPv6 forwarding on" test "$(ip netns exec "$H" cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1
check "up0 accept_ra 2" test "$(ip netns exec "$H" cat /proc/sys/net/ipv6/conf/up0/accept_ra)" = 2
check "table ip6 usbnet_host has a masquerade rule" sh -c \
	"ip netns exec '$H' nft list table ip6 usbnet_host | grep -q 'oifname \"up0\" ip6 saddr fd.*::/64 masquerade'"
DETAIL="$(ip -n "$P" -6 addr show dev veth1)"
check "the peer got an address in the ULA /64" wait_peer_addr6 fd
DETAIL=
seen=$(ask_server)
hostaddr=$(host_global6)
DETAIL="the server saw '$seen', the host's up0 is '$hostaddr'"
check "the peer reaches the server, masqueraded as the host's SLAAC address" test -n "$seen" -a "$seen" = "$hostaddr"
DETAIL=
sleep 4 # one more of the upstream's RAs: the host takes it with forwarding on
check "the host keeps its RA default route on up0" host_default6
check "A does not reach B through the host (guard)" not a_reaches_b
uh show veth0 --json
check "show --json says the link's prefix" said '"ipv6_prefix":"fd'
check "show --json says it is masqueraded" said '"ipv6_sharing":"nat"'
check "show --json names no IPv6 nameserver without --dns" said '"nameserver6":null'
DETAIL="$OUT"
check "show --json lists the peer's address in the prefix" said "\"$PEER6\""
prefix=$(printf '%s' "$OUT" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["ipv6_prefix"])')
check "show --json's prefix is a /64 of fd00::/8" expr "$prefix" : 'fd[0-9a-f:]*/64$'
uh show veth0
DETAIL="$OUT"
check "show says the link's prefix" said_re "^  ipv6 prefix +$prefix "
check "show says it is masqueraded" said_re "^  ipv6 sharing +nat "
check "show lists the peer's address in the prefix" said_re "^  (ipv6 addresses)? +$PEER6$"
DETAIL=
uh down veth0
expect_rc 0 "down"
sleep 0.5
snap after
same_snap before after
check "the gateway6 record is gone" test ! -e "$RUN/:gateway6.record"
check "no dnsmasq of ours left" not dnsmasq_runs

# ---------------------------------------------------------------------------------------------
new_case routed
make_world
sleep 0.5
snap before
hostll=$(ip -n "$H" -6 -o addr show dev up0 scope link | awk '{ sub("/.*", "", $4); print $4; exit }')
ip -n "$U" -6 route add 2001:db8:77::/64 via "$hostll" dev u0
cat >"$W/conf" <<CONF
[peer lab]
mac=$(ip -n "$H" -j link show veth0 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
ipv6-prefix=2001:db8:77::/64
CONF
OUT=$(ip netns exec "$H" "$USBNET_HOST" up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 \
	--wait 3 --gateway --config "$W/conf" --run-dir "$RUN" 2>&1)
RC=$?
expect_rc 0 "up --gateway with ipv6-prefix="
check "step nft6 recorded (routed)" grep -qx "step nft6 up0 2001:db8:77::/64 routed" "$RUN/veth0.state"
check "no masquerade in table ip6 usbnet_host" not sh -c \
	"ip netns exec '$H' nft list table ip6 usbnet_host | grep -q masquerade"
DETAIL="$(ip -n "$P" -6 addr show dev veth1)"
check "the peer got an address in 2001:db8:77::/64" wait_peer_addr6 2001:db8:77:
DETAIL=
seen=$(ask_server)
DETAIL="the server saw '$seen', the peer is '$PEER6'"
check "the peer reaches the server with its own address" test -n "$seen" -a "$seen" = "$PEER6"
DETAIL=
sleep 4
check "the host keeps its RA default route on up0" host_default6
check "A does not reach B through the host (guard)" not a_reaches_b
OUT=$(ip netns exec "$H" "$USBNET_HOST" show veth0 --json --config "$W/conf" --run-dir "$RUN" 2>&1)
check "show --json says the prefix is routed" said '"ipv6_prefix":"2001:db8:77::/64","ipv6_sharing":"routed"'
OUT=$(ip netns exec "$H" "$USBNET_HOST" show veth0 --config "$W/conf" --run-dir "$RUN" 2>&1)
DETAIL="$OUT"
check "show says the prefix" said_re "^  ipv6 prefix +2001:db8:77::/64 "
check "show says it is routed" said_re "^  ipv6 sharing +routed "
check "show lists the peer's address in the prefix" said_re "^  (ipv6 addresses)? +$PEER6$"
DETAIL=
OUT=$(ip netns exec "$H" "$USBNET_HOST" down veth0 --config "$W/conf" --run-dir "$RUN" 2>&1)
RC=$?
expect_rc 0 "down"
ip -n "$U" -6 route del 2001:db8:77::/64 via "$hostll" dev u0
sleep 0.5
snap after
same_snap before after

# ---------------------------------------------------------------------------------------------
# With --dns and --dhcp-server beside it: three dnsmasq of the peer's (forwarder, DHCP server,
# RAs) side by side on one link. The advertisements name the forwarder (RDNSS PREFIX::1), which
# listens there too and answers the peer over IPv6, and nobody on another link of the host.
new_case with-dns
make_world
# The upstream's name server (the host's resolv.conf names it, uh_resolv)
ip netns exec "$U" dnsmasq --conf-file=/dev/null --pid-file="$W/up-dns.pid" --no-resolv --no-hosts \
	--listen-address=198.51.100.2 --bind-interfaces --address=/usbnet.test/198.51.100.7 ||
	{ echo "FAIL: $T: the upstream name server did not start"; exit 1; }
sleep 0.5
snap before
uh_resolv up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 3 --gateway --dns --dhcp-server
expect_rc 0 "up --gateway --dns --dhcp-server"
check "step ra recorded with RDNSS" grep -Eq "^step ra [0-9]+ [0-9]+ fd[0-9a-f:]+::/64 fd[0-9a-f:]+::1 10.77.0.1 dns=yes$" "$RUN/veth0.state"
check "step nft6-dns recorded" grep -Eq "^step nft6-dns fd[0-9a-f:]+::1$" "$RUN/veth0.state"
check "step dnsmasq recorded with the link's IPv6 address" grep -Eq "^step dnsmasq [0-9]+ [0-9]+ fd[0-9a-f:]+::1$" "$RUN/veth0.state"
DETAIL="$(core_dnsmasq "$RUN")"
check "three dnsmasq of the peer's run" test "$(core_dnsmasq "$RUN" | wc -l)" = 3
DETAIL="$(ip -n "$P" -6 addr show dev veth1)"
check "the peer got an address in the ULA /64" wait_peer_addr6 fd
DETAIL=
check "the peer reaches the server" reaches
ra=$(ip netns exec "$P" "$PY" "$HERE/ra-rdnss.py" veth1 10)
host6=$(sed -n 's/^step nft6-dns //p' "$RUN/veth0.state")
DETAIL="$ra"
check "the peer's RA names the host's $host6 as its name server (RDNSS)" \
	test -n "$host6" -a "$(printf '%s\n' "$ra" | sed -n 's/^rdnss //p')" = "$host6"
uh show veth0 --json
DETAIL="$OUT"
check "show --json's nameserver6 is $host6" said "\"nameserver\":\"10.77.0.1\",\"nameserver6\":\"$host6\""
uh show veth0
DETAIL="$OUT"
check "show's nameserver line names $host6 too" said_re "^  nameserver +10\.77\.0\.1 and $host6 \(DNS forwarder, dnsmasq pid [0-9]+\)$"
ans=$(ip netns exec "$P" "$PY" "$HERE/dns-query.py" "$host6" usbnet.test 3)
DETAIL="$ans"
check "the peer resolves through the forwarder on $host6 (UDP)" said_in "$ans" "A 198.51.100.7"
ans=$(ip netns exec "$P" "$PY" "$HERE/dns-query.py" --tcp "$host6" usbnet.test 3)
DETAIL="$ans"
check "the peer resolves through the forwarder on $host6 (TCP)" said_in "$ans" "A 198.51.100.7"
ans=$(ip netns exec "$A" "$PY" "$HERE/dns-query.py" "$host6" usbnet.test 2)
DETAIL="$ans"
check "a host on another link gets no answer from $host6 (ip6 input chain)" said_in "$ans" "no answer"
ans=$(ip netns exec "$H" "$PY" "$HERE/dns-query.py" "$host6" usbnet.test 3)
DETAIL="$ans"
check "the host itself is answered on $host6" said_in "$ans" "A 198.51.100.7"
DETAIL="$(ip netns exec "$H" nft list table ip6 usbnet_host 2>&1)"
check "table ip6 usbnet_host has the input chain of veth0" sh -c \
	"ip netns exec '$H' nft list chain ip6 usbnet_host input-veth0 | grep -q 'ip6 daddr $host6 udp dport 53 drop'"
DETAIL=
uh down veth0
expect_rc 0 "down"
sleep 0.5
snap after
same_snap before after
check "no dnsmasq of ours left" not dnsmasq_runs

# ---------------------------------------------------------------------------------------------
# refresh: the IPv4 default route moves from up0 to up1 (up0's cable pulled), a second upstream
# behind up1 sends RAs for 2001:db8:2::/64 and holds the same server address. refresh moves the
# IPv6 sharing with IPv4's: the ip6 chains name up1, up1's accept_ra goes to 2 (the host takes
# its RA default route there while it forwards), up0's goes back to 1, and the peer reaches the
# server masqueraded as the host's up1 address. After down, every sysctl and the ruleset are as
# before.
# A second upstream U2 behind the host's up1 (192.0.2.1/24 there): RAs for 2001:db8:2::/64
# (the host takes a SLAAC address on up1, and an RA default route while it does not forward),
# the same server address as the first upstream's, so that what the server sees says which
# uplink the peer's traffic left by.
make_second_upstream() {
	U2="$PFX-$T-u2"
	new_ns "$U2"
	upstream_link "$U2" up1 u1 192.0.2 2001:db8:2 up2-ra
	wait_for 600 up1_global6 >/dev/null || { echo "FAIL: $T: no SLAAC address on up1 in 60 s"; exit 1; }
}
up1_global6() {
	ip -n "$H" -6 -o addr show dev up1 scope global | awk '{ sub("/.*", "", $4); print $4; exit }' | grep .
}
default6_on() { ip -n "$H" -6 route show default | grep -q "dev $1 proto ra"; }
# A default route from RAs waits for the router's next unsolicited RA: dnsmasq sends them 5 to
# 20 s apart in its first minute (radv.c's new_timeout), whatever --ra-param says, and every
# case here runs in that minute. So those waits take up to 60 s (they end when it comes; 10 s
# failed 3 runs in 3 with the gateway tests side by side).
wait_for() { # TENTHS CMD...
	local n=$1 _
	shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	return 1
}
ip6_table() { ip netns exec "$H" nft list table ip6 usbnet_host 2>&1; }
ip4_table() { ip netns exec "$H" nft list table ip usbnet_host 2>&1; }
masquerades_out_of() { ip6_table | grep -q "oifname \"$1\" ip6 saddr fd.*::/64 masquerade"; }
names() { # TABLE-FUNCTION IF: a rule of that table names IF
	"$1" | grep -q "\"$2\""
}
through() { # IF ADDRESS-FUNCTION: the peer reaches the server, which sees the host's IF address
	seen=$(ask_server)
	local want
	want=$("$2")
	DETAIL="the server saw '$seen', the host's $1 is '$want'"
	test -n "$seen" -a "$seen" = "$want"
}

new_case refresh
make_world
make_second_upstream
sleep 0.5
snap before
up_gateway
expect_rc 0 "up --gateway (uplink auto: up0)"
check "step nft6 names up0" grep -Eq "^step nft6 up0 fd[0-9a-f:]+::/64 nat$" "$RUN/veth0.state"
DETAIL="$(ip -n "$P" -6 addr show dev veth1)"
check "the peer got an address in the ULA /64" wait_peer_addr6 fd
DETAIL=
seen=$(ask_server)
DETAIL="the server saw '$seen', the host's up0 is '$(host_global6)'"
check "through up0: the server sees the host's up0 address" test -n "$seen" -a "$seen" = "$(host_global6)"
DETAIL=
ip -n "$H" link set up0 down
ip -n "$H" route replace default via 192.0.2.2 dev up1
uh refresh
expect_rc 0 "refresh"
DETAIL="$(cat "$RUN/veth0.state")"
check "step nft recorded on up1" grep -Eq "^step nft up1 " "$RUN/veth0.state"
check "step nft6 recorded on up1" grep -Eq "^step nft6 up1 fd[0-9a-f:]+::/64 nat$" "$RUN/veth0.state"
check "step accept-ra recorded on up1" grep -qx "step accept-ra up1 2 1" "$RUN/veth0.state"
check "no step of up0's left" not grep -q " up0 " "$RUN/veth0.state"
DETAIL=
check "up0 accept_ra back to 1" test "$(ip netns exec "$H" cat /proc/sys/net/ipv6/conf/up0/accept_ra)" = 1
check "up1 accept_ra 2" test "$(ip netns exec "$H" cat /proc/sys/net/ipv6/conf/up1/accept_ra)" = 2
check "IPv6 forwarding still on" test "$(ip netns exec "$H" cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1
DETAIL="$(ip netns exec "$H" nft list table ip6 usbnet_host 2>&1)"
check "the masquerade rule names up1" sh -c \
	"ip netns exec '$H' nft list table ip6 usbnet_host | grep -q 'oifname \"up1\" ip6 saddr fd.*::/64 masquerade'"
check "no rule names up0" not sh -c "ip netns exec '$H' nft list table ip6 usbnet_host | grep -q up0"
DETAIL="$(ip -n "$H" -6 route show default)"
check "the host takes its RA default route on up1 (accept_ra 2 with forwarding on)" wait_for 600 default6_on up1
DETAIL=
seen=$(ask_server)
DETAIL="the server saw '$seen', the host's up1 is '$(up1_global6)'"
check "through up1: the server sees the host's up1 address" test -n "$seen" -a "$seen" = "$(up1_global6)"
DETAIL=
uh down veth0
expect_rc 0 "down"
sleep 0.5
snap after
core_cmp "sysctl after 'after' as after 'before'" "$W/before.sysctl" "$W/after.sysctl"
core_cmp "nft after 'after' as after 'before'" "$W/before.nft" "$W/after.nft"
check "no dnsmasq of ours left" not dnsmasq_runs

# ---------------------------------------------------------------------------------------------
# IPv6 leaves by another interface than IPv4 at up: IPv4's default route is up0's, IPv6's a
# static one through up1 (metric 100, ahead of the RA routes' 1024: a tunnel's, or a second
# ISP's). With the uplink auto, the IPv6 sharing is up1's from the start (the ip6 chains, the
# masquerade, accept_ra), IPv4's stays up0's; show says the IPv6 uplink. After down, and once
# up0 has its RA default route again (forwarding on dropped it: accept_ra 1 there), the host is
# as before.
new_case uplink6-at-up
make_world
make_second_upstream
ip -n "$H" -6 route add default via 2001:db8:2::2 dev up1 metric 100
sleep 0.5
snap before
up_gateway
expect_rc 0 "up --gateway (uplink auto: IPv4 up0, IPv6 up1)"
DETAIL="$OUT"
check "up says IPv6 leaves by up1" said "sharing up0 (follows the default route), IPv6 through up1"
DETAIL="$(cat "$RUN/veth0.state")"
check "step nft names up0 (IPv4's default route)" grep -Eq "^step nft up0 10.77.0.0/24 auto$" "$RUN/veth0.state"
check "step nft6 names up1 (IPv6's default route)" grep -Eq "^step nft6 up1 fd[0-9a-f:]+::/64 nat$" "$RUN/veth0.state"
check "step accept-ra names up1" grep -qx "step accept-ra up1 2 1" "$RUN/veth0.state"
DETAIL="$(ip6_table)"
check "the ip6 masquerade is out of up1" masquerades_out_of up1
check "no ip6 rule names up0" not names ip6_table up0
DETAIL="$(ip4_table)"
check "the ip table still names up0" names ip4_table up0
check "no ip rule names up1" not names ip4_table up1
DETAIL=
check "up1 accept_ra 2" test "$(ip netns exec "$H" cat /proc/sys/net/ipv6/conf/up1/accept_ra)" = 2
check "up0 accept_ra still 1" test "$(ip netns exec "$H" cat /proc/sys/net/ipv6/conf/up0/accept_ra)" = 1
DETAIL="$(ip -n "$P" -6 addr show dev veth1)"
check "the peer got an address in the ULA /64" wait_peer_addr6 fd
DETAIL=
check "through up1: the server sees the host's up1 address" through up1 up1_global6
DETAIL=
uh show veth0 --json
DETAIL="$OUT"
check "show --json says the IPv6 uplink" said '"uplink":"up0","uplink_auto":true,"uplink6":"up1"'
uh show veth0
DETAIL="$OUT"
check "show says the IPv6 uplink" said_re "^  ipv6 uplink +up1 \(follows the IPv6 default route\)$"
DETAIL=
uh down veth0
expect_rc 0 "down"
DETAIL="$(ip -n "$H" -6 route show default)"
check "up0 takes its RA default route again" wait_for 600 default6_on up0
DETAIL=
sleep 0.5
snap after
same_snap before after
check "no dnsmasq of ours left" not dnsmasq_runs

# ---------------------------------------------------------------------------------------------
# refresh when only the IPv6 default route moves: both leave by up0 at up (the RA routes of up0
# and up1 tie at metric 1024: IPv4's uplink is taken), then a static IPv6 default route through
# up1 comes (a tunnel up) while IPv4's stays on up0. refresh moves the IPv6 sharing alone: the
# ip6 chains and accept_ra to up1, table ip untouched; the peer's IPv6 leaves by up1. A route
# through up0 of a lower metric still: refresh moves it back. After down, every sysctl and the
# ruleset are as before.
new_case refresh-ipv6-alone
make_world
make_second_upstream
sleep 0.5
snap before
up_gateway
expect_rc 0 "up --gateway (uplink auto: up0)"
check "step nft6 names up0" grep -Eq "^step nft6 up0 fd[0-9a-f:]+::/64 nat$" "$RUN/veth0.state"
DETAIL="$(ip -n "$P" -6 addr show dev veth1)"
check "the peer got an address in the ULA /64" wait_peer_addr6 fd
DETAIL=
check "through up0: the server sees the host's up0 address" through up0 host_global6
DETAIL=
ip4_before=$(ip4_table)
ip -n "$H" -6 route add default via 2001:db8:2::2 dev up1 metric 100
uh refresh
expect_rc 0 "refresh (IPv6's default route on up1, IPv4's on up0)"
DETAIL="$(cat "$RUN/veth0.state")"
check "step nft still names up0" grep -Eq "^step nft up0 10.77.0.0/24 auto$" "$RUN/veth0.state"
check "step nft6 recorded on up1" grep -Eq "^step nft6 up1 fd[0-9a-f:]+::/64 nat$" "$RUN/veth0.state"
check "step accept-ra recorded on up1" grep -qx "step accept-ra up1 2 1" "$RUN/veth0.state"
DETAIL=
check "up0 accept_ra back to 1" test "$(ip netns exec "$H" cat /proc/sys/net/ipv6/conf/up0/accept_ra)" = 1
check "up1 accept_ra 2" test "$(ip netns exec "$H" cat /proc/sys/net/ipv6/conf/up1/accept_ra)" = 2
DETAIL="$(ip6_table)"
check "the ip6 masquerade is out of up1" masquerades_out_of up1
check "no ip6 rule names up0" not names ip6_table up0
DETAIL="$(ip4_table)"
check "table ip as it was" test "$(ip4_table)" = "$ip4_before"
DETAIL=
check "through up1: the server sees the host's up1 address" through up1 up1_global6
DETAIL=
uh show veth0 --json
DETAIL="$OUT"
check "show --json says the IPv6 uplink" said '"uplink":"up0","uplink_auto":true,"uplink6":"up1"'
DETAIL=
uh refresh
expect_rc 0 "refresh again"
check "nothing moved the second time" not said "moved"
# Back through up0, by a route of a lower metric still: the RA routes of up0 and up1 (up1 takes
# advertisements again with accept_ra 2) would tie, and which the kernel uses then is its own
ip -n "$H" -6 route add default via 2001:db8:1::2 dev up0 metric 50
uh refresh
expect_rc 0 "refresh (IPv6's default route on up0 again)"
DETAIL="$(cat "$RUN/veth0.state"; ip -n "$H" -6 route show default)"
check "step nft6 back on up0" grep -Eq "^step nft6 up0 fd[0-9a-f:]+::/64 nat$" "$RUN/veth0.state"
check "step accept-ra back on up0" grep -qx "step accept-ra up0 2 1" "$RUN/veth0.state"
DETAIL="$(ip6_table)"
check "the ip6 masquerade is out of up0 again" masquerades_out_of up0
DETAIL=
check "through up0 again: the server sees the host's up0 address" through up0 host_global6
DETAIL=
uh show veth0 --json
check "show --json says no IPv6 uplink of its own" said '"uplink":"up0","uplink_auto":true,"uplink6":null'
uh down veth0
expect_rc 0 "down"
ip -n "$H" -6 route del default via 2001:db8:1::2 dev up0 metric 50
ip -n "$H" -6 route del default via 2001:db8:2::2 dev up1 metric 100
sleep 0.5
snap after
core_cmp "sysctl after 'after' as after 'before'" "$W/before.sysctl" "$W/after.sysctl"
core_cmp "nft after 'after' as after 'before'" "$W/before.nft" "$W/after.nft"
check "no dnsmasq of ours left" not dnsmasq_runs

# ---------------------------------------------------------------------------------------------
# The host has no IPv6 default route at up (its upstream router not advertising yet): up shares
# IPv4 alone. The router starts advertising, the host takes its SLAAC address and RA default
# route on up0: refresh starts the IPv6 sharing as up would have (accept_ra 2 on up0, the ip6
# chains, forwarding, P::1 and the advertisements, with --dns the forwarder on P::1 too and its
# input chain), says so, and the peer reaches the server; down gives it all back: every sysctl
# and the ruleset as before up, and once the router stops and the host forgets what it learnt
# from it, its addresses and routes too.
new_case refresh-ipv6-appears
make_host
new_ns "$U"
ip netns exec "$H" sysctl -qw net.ipv6.conf.all.forwarding=0 net.ipv6.conf.default.accept_ra=1
upstream_link "$U" up0 u0 198.51.100 2001:db8:1 up-ra no-ra
ip -n "$H" route add default via 198.51.100.2 dev up0
ip netns exec "$U" dnsmasq --conf-file=/dev/null --pid-file="$W/up-dns.pid" --no-resolv --no-hosts \
	--listen-address=198.51.100.2 --bind-interfaces --address=/usbnet.test/198.51.100.7 ||
	{ echo "FAIL: $T: the upstream name server did not start"; exit 1; }
sleep 0.5
snap before
uh_resolv up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 3 --gateway --dns
expect_rc 0 "up --gateway --dns (no IPv6 default route)"
DETAIL="$(cat "$RUN/veth0.state")"
check "no IPv6 step recorded at up" not grep -Eq "^step (nft6|accept-ra|forwarding6|ra) " "$RUN/veth0.state"
DETAIL=
uh refresh
expect_rc 0 "refresh with no IPv6 default route yet"
check "refresh shares no IPv6 without a default route" not grep -q "^step nft6 " "$RUN/veth0.state"
upstream_ra "$U" u0 2001:db8:1 up-ra
DETAIL="$(ip -n "$H" -6 route show default)"
check "the host takes its RA default route on up0" wait_for 600 host_default6
DETAIL=
uh_resolv refresh
expect_rc 0 "refresh (an IPv6 default route on up0 now)"
DETAIL="$OUT"
check "refresh says IPv6 is shared now" said_re "veth0: IPv6 shared now, through up0 \(fd[0-9a-f:]+::/64, nat\)"
DETAIL="$(cat "$RUN/veth0.state")"
check "step accept-ra recorded" grep -qx "step accept-ra up0 2 1" "$RUN/veth0.state"
check "step nft6 recorded (nat)" grep -Eq "^step nft6 up0 fd[0-9a-f:]+::/64 nat$" "$RUN/veth0.state"
check "step forwarding6 recorded" grep -qx "step forwarding6" "$RUN/veth0.state"
check "step ra recorded with RDNSS" grep -Eq "^step ra [0-9]+ [0-9]+ fd[0-9a-f:]+::/64 fd[0-9a-f:]+::1 10.77.0.1 dns=yes$" "$RUN/veth0.state"
check "step dnsmasq recorded with the link's IPv6 address" grep -Eq "^step dnsmasq [0-9]+ [0-9]+ fd[0-9a-f:]+::1$" "$RUN/veth0.state"
check "the forwarder's step after nft6-dns" sh -c "grep -Eo '^step (nft6-dns|dnsmasq)' '$RUN/veth0.state' | tr '\n' , | grep -qx 'step nft6-dns,step dnsmasq,'"
check "the plan's words say IPv6" grep -Eq "^plan gateway .* ipv6=fd[0-9a-f:]+::/64\(nat\)$" "$RUN/veth0.state"
DETAIL=
check "IPv6 forwarding on" test "$(ip netns exec "$H" cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1
check "up0 accept_ra 2" test "$(ip netns exec "$H" cat /proc/sys/net/ipv6/conf/up0/accept_ra)" = 2
DETAIL="$(ip -n "$P" -6 addr show dev veth1)"
check "the peer got an address in the ULA /64" wait_peer_addr6 fd
DETAIL=
check "through up0: the server sees the host's up0 address" through up0 host_global6
DETAIL=
host6=$(sed -n 's/^step nft6-dns //p' "$RUN/veth0.state")
ans=$(ip netns exec "$P" "$PY" "$HERE/dns-query.py" "$host6" usbnet.test 3)
DETAIL="$ans"
check "the peer resolves through the forwarder on $host6" said_in "$ans" "A 198.51.100.7"
DETAIL=
sleep 4 # one more of the upstream's RAs: the host takes it with forwarding on
check "the host keeps its RA default route on up0" host_default6
uh_resolv up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 3 --gateway --dns
DETAIL="$OUT"
check "up after refresh finds it configured" said "already configured"
DETAIL=
uh refresh
expect_rc 0 "refresh again"
check "nothing changed the second time" not said "changed"
uh down veth0
expect_rc 0 "down"
check "no dnsmasq of ours left" not dnsmasq_runs
# what the host learnt from the router after up, forgotten: then all is as before up
kill "$(cat "$W/up-ra.pid")"
sleep 0.5
ip -n "$H" -6 route flush dev up0 proto ra
ip -n "$H" -6 addr flush dev up0 scope global
ip -n "$H" -6 route del 2001:db8:1::/64 dev up0 proto kernel 2>/dev/null # the RA's on-link prefix
sleep 0.5
snap after
same_snap before after

# ---------------------------------------------------------------------------------------------
new_case bad-prefix
make_host
printf '[peer lab]\nmac=02:00:00:00:00:01\nipv6-prefix=2001:db8:77::1/64\n' >"$W/conf"
OUT=$(ip netns exec "$H" "$USBNET_HOST" check-config --config "$W/conf" 2>&1)
RC=$?
expect_rc 2 "check-config of a prefix with host bits"
check "it names the file and line" said "$W/conf:3"
printf '[peer lab]\nmac=02:00:00:00:00:01\nipv6-prefix=2001:db8:77::/48\n' >"$W/conf"
OUT=$(ip netns exec "$H" "$USBNET_HOST" check-config --config "$W/conf" 2>&1)
RC=$?
expect_rc 2 "check-config of a /48"

core_finish
