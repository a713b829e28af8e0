#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Gateway mode for real: nftables, forwarding and NAT in throw-away network namespaces.
#
#   peer (veth1 10.77.0.2, default via 10.77.0.1)
#     <-> host (veth0 = the "USB peer" link, up0/up1 = two uplinks, a0/b0 = two other links)
#     <-> upstream (u0 198.51.100.2, u1 192.0.2.2; the server 203.0.113.10 on lo, TCP 8080,
#                   answers with the address it sees the client come from)
#
# usbnet-host runs inside the host namespace (--force: veth is not a USB peer; a run directory
# of the test's own; no configuration). Needs root, nft, iptables-nft, socat.
#
# Shown to fail: with the guard never added, "nothing-else" fails (A reaches B through the
# host); with the dispatcher script's fast path removed, "dispatcher" fails; with refresh not
# checking the firewall again, "refresh-firewall" fails.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
: "${USBNET_HOST:?the built usbnet-host}"
for tool in nft iptables-nft socat; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps)"; exit 1; }
done

PFX="ubh-gw-$$"
TMP=$(mktemp -d /tmp/usbnet-gateway-XXXXXX)
NSS=()
PIDS=()
fails=0
SERVER=203.0.113.10

cleanup() {
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for ns in "${NSS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $T: $*"
	fails=$((fails + 1))
}

# The three namespaces of one case; $1 "fwd0" leaves the host's forwarding off (the default).
make_world() {
	H="$PFX-$T-h"
	P="$PFX-$T-p"
	U="$PFX-$T-u"
	NSS+=("$H" "$P" "$U")
	ip netns add "$H" && ip netns add "$P" && ip netns add "$U" || exit 1
	ip -n "$H" link set lo up
	ip -n "$P" link set lo up
	ip -n "$U" link set lo up
	# the peer
	ip -n "$H" link add veth0 type veth peer name veth1 netns "$P" || exit 1
	ip -n "$H" link set veth0 up && ip -n "$H" link set veth0 down
	ip -n "$P" link set veth1 up
	ip -n "$P" addr add 10.77.0.2/24 dev veth1
	ip -n "$P" route add default via 10.77.0.1
	# two uplinks to the upstream namespace
	ip -n "$H" link add up0 type veth peer name u0 netns "$U" || exit 1
	ip -n "$H" link add up1 type veth peer name u1 netns "$U" || exit 1
	ip -n "$H" addr add 198.51.100.1/24 dev up0
	ip -n "$H" addr add 192.0.2.1/24 dev up1
	ip -n "$H" link set up0 up
	ip -n "$H" link set up1 up
	ip -n "$U" addr add 198.51.100.2/24 dev u0
	ip -n "$U" addr add 192.0.2.2/24 dev u1
	ip -n "$U" link set u0 up
	ip -n "$U" link set u1 up
	ip -n "$U" addr add "$SERVER/32" dev lo
	ip -n "$H" route add default via 198.51.100.2 dev up0
	# the server: tells each client the address it came from
	ip netns exec "$U" socat TCP-LISTEN:8080,bind="$SERVER",fork,reuseaddr \
		SYSTEM:'echo "$SOCAT_PEERADDR"' 2>/dev/null &
	PIDS+=($!)
	RUN="$TMP/$T/run"
	mkdir -p "$TMP/$T"
	local i
	for i in $(seq 50); do
		ip netns exec "$U" ss -ltn | grep -q "$SERVER:8080" && return
		sleep 0.1
	done
	echo "FAIL: $T: the server did not start"
	exit 1
}

# Two other links of the host, to namespaces A and B, to see that nothing else is forwarded.
make_others() {
	A="$PFX-$T-a"
	B="$PFX-$T-b"
	NSS+=("$A" "$B")
	ip netns add "$A" && ip netns add "$B" || exit 1
	ip -n "$H" link add a0 type veth peer name a1 netns "$A"
	ip -n "$H" link add b0 type veth peer name b1 netns "$B"
	ip -n "$H" addr add 10.88.1.1/24 dev a0
	ip -n "$H" addr add 10.88.2.1/24 dev b0
	ip -n "$H" link set a0 up
	ip -n "$H" link set b0 up
	ip -n "$A" addr add 10.88.1.2/24 dev a1
	ip -n "$B" addr add 10.88.2.2/24 dev b1
	ip -n "$A" link set a1 up
	ip -n "$B" link set b1 up
	ip -n "$A" route add default via 10.88.1.1
	ip -n "$B" route add default via 10.88.2.1
}

uh() { # usbnet-host in the host namespace; output in $OUT, status in $RC
	OUT=$(ip netns exec "$H" "$USBNET_HOST" "$@" --config "" --run-dir "$RUN" 2>&1)
	RC=$?
}

up_gateway() {
	uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 30 --gateway "$@"
}

# What the server saw as the client's address, asked from the peer; "" when unreachable.
ask_server() {
	ip netns exec "$P" timeout 5 socat -T 3 - "TCP:$SERVER:8080,connect-timeout=3" </dev/null 2>/dev/null
}

forwarding() { ip netns exec "$H" cat /proc/sys/net/ipv4/ip_forward; }

snapshot() { # $1: name
	ip netns exec "$H" nft list ruleset >"$TMP/$T/$1.nft"
	forwarding >"$TMP/$T/$1.fwd"
	ip -n "$H" -j route >"$TMP/$T/$1.route"
	ip -n "$H" -4 -j addr >"$TMP/$T/$1.addr"
}

same_as() { # $1, $2: snapshot names
	local what
	for what in nft fwd route addr; do
		if ! cmp -s "$TMP/$T/$1.$what" "$TMP/$T/$2.$what"; then
			fail "$what differs between $1 and $2"
			diff "$TMP/$T/$1.$what" "$TMP/$T/$2.$what" | head -20
		fi
	done
}

T=share
make_world
snapshot before
[ "$(ask_server)" = "" ] || fail "the peer reaches the server before up"
up_gateway
[ "$RC" = 0 ] || fail "up --gateway: exit $RC: $OUT"
echo "$OUT" | grep -q "gateway for the device: 10.77.0.1, sharing up0" || fail "up does not say the gateway: $OUT"
[ "$(forwarding)" = 1 ] || fail "forwarding is not on"
seen=$(ask_server)
[ "$seen" = 198.51.100.1 ] || fail "the server saw '$seen', not the uplink's 198.51.100.1"
ip netns exec "$H" nft list table ip usbnet_host >"$TMP/$T/table" || fail "no table ip usbnet_host"
grep -q 'chain forward-veth0' "$TMP/$T/table" || fail "no chain forward-veth0"
grep -q 'chain postrouting-veth0' "$TMP/$T/table" || fail "no chain postrouting-veth0"
grep -q 'oifname "up0" ip saddr 10.77.0.0/24 masquerade' "$TMP/$T/table" || fail "no masquerade rule"
grep -q "step nft up0 10.77.0.0/24 auto" "$RUN/veth0.state" || fail "the nft step is not recorded"
grep -q "step forwarding" "$RUN/veth0.state" || fail "the forwarding step is not recorded"
uh show veth0 --json
echo "$OUT" | grep -q '"gateway":"10.77.0.1"' || fail "show --json lacks the gateway: $OUT"
echo "$OUT" | grep -q '"uplink":"up0"' || fail "show --json lacks the uplink: $OUT"
echo "$OUT" | grep -q '"mode":"gateway"' || fail "show --json does not say mode gateway: $OUT"
uh show veth0
echo "$OUT" | grep -q "gateway *10.77.0.1" || fail "show lacks the gateway: $OUT"
# idempotent
snapshot first
up_gateway
[ "$RC" = 0 ] && echo "$OUT" | grep -q "already configured" || fail "second up: exit $RC: $OUT"
snapshot second
same_as first second
uh down veth0
[ "$RC" = 0 ] || fail "down: exit $RC: $OUT"
snapshot after
same_as before after
[ -e "$RUN/veth0.state" ] && fail "the state record is still there"
[ -e "$RUN/:gateway.record" ] && fail "the gateway record is still there"
[ "$(ask_server)" = "" ] || fail "the peer still reaches the server after down"

T=user-rules
# a user's own table and an iptables-nft NAT rule: the same after up and after down
make_world
ip netns exec "$H" nft -f - <<'NFT'
table inet mine {
	chain input {
		type filter hook input priority 10; policy accept;
		tcp dport 22 counter accept
	}
}
NFT
ip netns exec "$H" iptables-nft -t nat -A POSTROUTING -s 10.99.0.0/16 -o up0 -j MASQUERADE
ip netns exec "$H" nft list table inet mine >"$TMP/$T/mine.before"
ip netns exec "$H" iptables-nft -t nat -S >"$TMP/$T/ipt.before"
snapshot before
up_gateway
[ "$RC" = 0 ] || fail "up --gateway: exit $RC: $OUT"
[ "$(ask_server)" = 198.51.100.1 ] || fail "the peer does not reach the server"
ip netns exec "$H" nft list table inet mine | cmp -s - "$TMP/$T/mine.before" || fail "inet mine changed by up"
ip netns exec "$H" iptables-nft -t nat -S | cmp -s - "$TMP/$T/ipt.before" || fail "iptables' nat table changed by up"
uh down veth0
[ "$RC" = 0 ] || fail "down: exit $RC: $OUT"
ip netns exec "$H" nft list table inet mine | cmp -s - "$TMP/$T/mine.before" || fail "inet mine changed by down"
ip netns exec "$H" iptables-nft -t nat -S | cmp -s - "$TMP/$T/ipt.before" || fail "iptables' nat table changed by down"
snapshot after
same_as before after

T=forward-on-before
# forwarding was on: it stays on after down, and there is no guard
make_world
ip netns exec "$H" sysctl -qw net.ipv4.ip_forward=1
snapshot before
up_gateway
[ "$RC" = 0 ] || fail "up --gateway: exit $RC: $OUT"
ip netns exec "$H" nft list table ip usbnet_host | grep -q "chain guard" && fail "a guard although forwarding was on"
uh down veth0
snapshot after
same_as before after

T=nothing-else
# forwarding was off: after up, two other links of the host still do not reach each other
make_world
make_others
ip netns exec "$H" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$A" ping -c1 -W2 10.88.2.2 >/dev/null || fail "control: A does not reach B with forwarding on"
ip netns exec "$H" sysctl -qw net.ipv4.ip_forward=0
ip netns exec "$A" ping -c1 -W1 10.88.2.2 >/dev/null && fail "control: A reaches B with forwarding off"
snapshot before
up_gateway
[ "$RC" = 0 ] || fail "up --gateway: exit $RC: $OUT"
[ "$(forwarding)" = 1 ] || fail "forwarding is not on"
[ "$(ask_server)" = 198.51.100.1 ] || fail "the peer does not reach the server"
ip netns exec "$A" ping -c1 -W2 10.88.2.2 >/dev/null && fail "A reaches B through the host after up"
ip netns exec "$A" ping -c1 -W2 10.88.1.1 >/dev/null || fail "A no longer reaches the host itself"
ip netns exec "$P" ping -c1 -W2 10.88.2.2 >/dev/null && fail "the peer reaches B (not its uplink)"
uh down veth0
[ "$RC" = 0 ] || fail "down: exit $RC: $OUT"
snapshot after
same_as before after

T=firewall
# forward chains with policy drop: named, state degraded, exit 0
make_world
ip netns exec "$H" nft add table ip fw
ip netns exec "$H" nft add chain ip fw block '{ type filter hook forward priority 0; policy drop; }'
ip netns exec "$H" iptables-nft -P FORWARD DROP
snapshot before
up_gateway
[ "$RC" = 0 ] || fail "up --gateway: exit $RC: $OUT"
echo "$OUT" | grep -q "nftables chain ip fw block (hook forward, policy drop)" || fail "ip fw block not named: $OUT"
echo "$OUT" | grep -q "ip filter FORWARD" || fail "iptables' FORWARD not named: $OUT"
echo "$OUT" | grep -q "degraded" || fail "not degraded: $OUT"
grep -qx "state degraded" "$RUN/veth0.state" || fail "not recorded as degraded"
uh show veth0
echo "$OUT" | grep -q "ip fw block" || fail "show does not name the chain: $OUT"
[ "$(ask_server)" = "" ] || fail "the peer passed a policy drop chain"
uh down veth0
snapshot after
same_as before after

T=firewall-legacy
# iptables-legacy's FORWARD policy DROP (its tables loaded), and firewalld's table
make_world
ip netns exec "$H" iptables-legacy -P FORWARD DROP || fail "cannot set iptables-legacy's policy"
ip netns exec "$H" nft add table inet firewalld
snapshot before
up_gateway
[ "$RC" = 0 ] || fail "up --gateway: exit $RC: $OUT"
echo "$OUT" | grep -q "iptables-legacy's FORWARD chain (table filter) has policy DROP" ||
	fail "iptables-legacy's policy not named: $OUT"
echo "$OUT" | grep -q "firewalld is running (nftables table inet firewalld)" || fail "firewalld not named: $OUT"
uh down veth0
snapshot after
same_as before after
ip netns exec "$H" iptables-legacy -P FORWARD ACCEPT
ip netns exec "$H" nft delete table inet firewalld
up_gateway
echo "$OUT" | grep -q "degraded" && fail "degraded with nothing in the way: $OUT"
uh down veth0

T=two-peers
# two gateway peers share forwarding: the first down keeps it on, the last gives it back
make_world
P2="$PFX-$T-p2"
NSS+=("$P2")
ip netns add "$P2"
ip -n "$H" link add veth2 type veth peer name veth3 netns "$P2"
ip -n "$H" link set veth2 up && ip -n "$H" link set veth2 down
ip -n "$P2" link set veth3 up
ip -n "$P2" addr add 10.78.0.2/24 dev veth3
ip -n "$P2" route add default via 10.78.0.1
snapshot before
up_gateway
[ "$RC" = 0 ] || fail "up veth0: exit $RC: $OUT"
uh up veth2 --force --address 10.78.0.1/24 --peer 10.78.0.2 --wait 30 --gateway
[ "$RC" = 0 ] || fail "up veth2: exit $RC: $OUT"
seen=$(ip netns exec "$P2" timeout 5 socat -T 3 - "TCP:$SERVER:8080,connect-timeout=3" </dev/null 2>/dev/null)
[ "$seen" = 198.51.100.1 ] || fail "the second peer: the server saw '$seen'"
ip netns exec "$P2" ping -c1 -W2 10.77.0.2 >/dev/null && fail "one peer reaches the other"
uh down veth0
[ "$RC" = 0 ] || fail "down veth0: exit $RC: $OUT"
[ "$(forwarding)" = 1 ] || fail "forwarding off while veth2 is still a gateway peer"
seen=$(ip netns exec "$P2" timeout 5 socat -T 3 - "TCP:$SERVER:8080,connect-timeout=3" </dev/null 2>/dev/null)
[ "$seen" = 198.51.100.1 ] || fail "the second peer lost its way out when the first went down"
uh down veth2
[ "$RC" = 0 ] || fail "down veth2: exit $RC: $OUT"
snapshot after
same_as before after

T=refresh
# the default route moves to up1: refresh moves the peer with it
make_world
snapshot before
up_gateway
[ "$RC" = 0 ] || fail "up --gateway: exit $RC: $OUT"
[ "$(ask_server)" = 198.51.100.1 ] || fail "the peer does not reach the server through up0"
uh refresh
[ "$RC" = 0 ] || fail "refresh with nothing to do: exit $RC: $OUT"
ip -n "$H" route replace default via 192.0.2.2 dev up1
uh refresh
[ "$RC" = 0 ] || fail "refresh: exit $RC: $OUT"
seen=$(ask_server)
[ "$seen" = 192.0.2.1 ] || fail "after refresh the server saw '$seen', not up1's 192.0.2.1"
grep -q "step nft up1 " "$RUN/veth0.state" || fail "the record does not name up1"
uh down veth0
[ "$RC" = 0 ] || fail "down: exit $RC: $OUT"
ip -n "$H" route replace default via 198.51.100.2 dev up0
snapshot after
same_as before after

T=refresh-firewall
# the default route moves to up1, where a foreign chain (another firewall, started after up)
# drops what is forwarded out of up1: refresh checks the firewall again for the new uplink,
# says what drops the peer's traffic and records it as up does; back on up0 the finding goes
make_world
snapshot before
up_gateway
[ "$RC" = 0 ] || fail "up --gateway: exit $RC: $OUT"
echo "$OUT" | grep -q "degraded" && fail "degraded with nothing in the way: $OUT"
ip netns exec "$H" nft -f - <<'NFT'
table ip fw {
	chain block {
		type filter hook forward priority 0; policy drop;
		oifname "up0" accept
		iifname "up0" accept
	}
}
NFT
ip -n "$H" route replace default via 192.0.2.2 dev up1
uh refresh
[ "$RC" = 0 ] || fail "refresh: exit $RC: $OUT"
echo "$OUT" | grep -q "nftables chain ip fw block (hook forward, policy drop)" ||
	fail "refresh does not name the chain: $OUT"
echo "$OUT" | grep -q "oifname up1 accept" || fail "refresh's advice does not name up1: $OUT"
[ "$(ask_server)" = "" ] || fail "the peer passed a policy drop chain"
grep -qx "state degraded" "$RUN/veth0.state" || fail "not recorded as degraded after refresh"
uh show veth0
echo "$OUT" | grep -q "ip fw block" || fail "show does not name the chain after refresh: $OUT"
# (the check names any policy drop on the forward hook, not only one that matches the uplink)
ip netns exec "$H" nft delete table ip fw
ip -n "$H" route replace default via 198.51.100.2 dev up0
uh refresh
[ "$RC" = 0 ] || fail "refresh back to up0: exit $RC: $OUT"
echo "$OUT" | grep -q "firewall" && fail "refresh back to up0 still warns: $OUT"
grep -qx "state degraded" "$RUN/veth0.state" && fail "still degraded after the move back"
[ "$(ask_server)" = 198.51.100.1 ] || fail "the peer does not reach the server through up0 again"
uh down veth0
[ "$RC" = 0 ] || fail "down: exit $RC: $OUT"
snapshot after
same_as before after

T=dispatcher
# NetworkManager's dispatcher script: refresh only on the five actions and only with a gateway
# peer that follows the default route; NetworkManager's arguments never reach a shell. The
# built script with its usbnet-host replaced by a stub that logs its arguments.
make_world
script="$(dirname "$(dirname "$USBNET_HOST")")/nm-dispatcher/90-usbnet-host"
[ -f "$script" ] || fail "no built dispatcher script at $script"
stub="$TMP/$T/stub"
printf '#!/bin/sh\necho "$*" >>"%s"\n' "$TMP/$T/calls" >"$stub"
chmod +x "$stub"
sed "s|^exec \".*/usbnet-host\"|exec \"$stub\"|" "$script" >"$TMP/$T/90-usbnet-host"
grep -q "exec \"$stub\" refresh" "$TMP/$T/90-usbnet-host" || fail "cannot stub the script's exec line"
disp() { USBNET_HOST_RUN_DIR="$RUN" sh "$TMP/$T/90-usbnet-host" "$@"; }
disp up0 up || fail "the script failed with no gateway peer"
[ -e "$TMP/$T/calls" ] && fail "refresh was called with no gateway peer"
up_gateway
disp up0 pre-up
disp up0 hostname
[ -e "$TMP/$T/calls" ] && fail "refresh was called for another action"
for action in up down dhcp4-change dhcp6-change connectivity-change; do
	disp up0 "$action" || fail "the script failed on $action"
done
[ "$(cat "$TMP/$T/calls" 2>/dev/null)" = "$(printf 'refresh\nrefresh\nrefresh\nrefresh\nrefresh')" ] ||
	fail "refresh not called once per action: $(cat "$TMP/$T/calls" 2>/dev/null)"
rm -f "$TMP/$T/calls"
disp "\$(touch $TMP/$T/pwned)" up
disp up0 "up; touch $TMP/$T/pwned"
[ -e "$TMP/$T/pwned" ] && fail "an argument of NetworkManager's was run"
uh down veth0

T=fixed-uplink
# --uplink names it (routing must send the traffic there: usbnet-host does not route); refresh
# leaves it where it is
make_world
ip -n "$H" route replace default via 192.0.2.2 dev up1
up_gateway --uplink up1
[ "$RC" = 0 ] || fail "up --gateway --uplink up1: exit $RC: $OUT"
[ "$(ask_server)" = 192.0.2.1 ] || fail "the peer does not go out through up1"
ip -n "$H" route replace default via 198.51.100.2 dev up0
uh refresh
[ "$(ask_server)" = "" ] || fail "the peer goes out of up0, which it was not given"
grep -q "step nft up1 10.77.0.0/24 fixed" "$RUN/veth0.state" || fail "refresh moved a fixed uplink"
uh down veth0

T=bad-input
make_world
snapshot before
up_gateway --uplink nosuch0
[ "$RC" = 2 ] || fail "unknown uplink: exit $RC, not 2: $OUT"
echo "$OUT" | grep -q "nosuch0" || fail "the message does not name the uplink: $OUT"
up_gateway --uplink veth0
[ "$RC" = 2 ] || fail "uplink = peer: exit $RC, not 2: $OUT"
ip -n "$H" route del default
snapshot before-noroute
up_gateway
[ "$RC" = 2 ] || fail "no default route: exit $RC, not 2: $OUT"
echo "$OUT" | grep -q "default route" || fail "the message does not say why: $OUT"
snapshot after-noroute
same_as before-noroute after-noroute
ip -n "$H" route add default via 198.51.100.2 dev up0
snapshot after
same_as before after
[ -e "$RUN/veth0.state" ] && fail "a state record after bad input"

if [ "$fails" -gt 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
echo "PASS"
