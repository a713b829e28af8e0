#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bridge mode for real, in throw-away network namespaces:
#
#   LAN ns:  lan0 10.88.0.1/24, dnsmasq serving DHCP (10.88.0.100-150): the LAN and its host
#   host ns: eth0 (veth into the LAN) 10.88.0.5/24, default route via 10.88.0.1, plus
#            veth0/veth2: the USB links (veths, so usbnet-host runs with --force)
#   peer ns: veth1 behind veth0 (and a second peer ns behind veth2): the devices
#
# up --bridge: the peer gets a lease from the LAN's dnsmasq and reaches the LAN host; the host
# reaches it from its moved address, with a measured gap under 1 s; down gives the host's
# `ip -j addr/route/link` and its permanent neighbours back byte for byte. The host's IPv4
# neighbour cache moves with its address both ways (the LAN host answers with ARP dropped).
# Two peers share the bridge; a user's bridge is joined and left in place; unfit uplinks are
# refused with exit 2 and nothing changed.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
# shellcheck source=helpers/wait.sh
. "$(dirname "$0")/helpers/wait.sh"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
: "${USBNET_HOST:?the built usbnet-host}"
if ! command -v dnsmasq >/dev/null || ! busybox udhcpc --help >/dev/null 2>&1; then
	echo "FAIL: needs dnsmasq and busybox's udhcpc (scripts/install-deps)"
	exit 1
fi

PFX="ubb-$$"
TMP=$(mktemp -d /tmp/usbnet-bridge-XXXXXX)
NSS=()
PIDS=()
fails=0

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "$TMP"/*/dnsmasq.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
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

# udhcpc's script: apply the lease (and nothing else: no default route, no DNS).
cat >"$TMP/udhcpc.sh" <<'SCRIPT'
#!/bin/sh
case "$1" in
bound | renew) ip addr add "$ip/$subnet" dev "$interface" && echo "$ip" >"$LEASE_FILE" ;;
esac
exit 0
SCRIPT
chmod +x "$TMP/udhcpc.sh"

# The LAN, the host with its uplink and default route, one peer behind veth0.
make_world() {
	L="$PFX-$T-l" H="$PFX-$T-h" P="$PFX-$T-p" P2="$PFX-$T-q"
	NSS+=("$L" "$H" "$P" "$P2")
	W="$TMP/$T"
	RUN="$W/run"
	mkdir -p "$W"
	for ns in "$L" "$H" "$P" "$P2"; do
		ip netns add "$ns" || exit 1
		ip -n "$ns" link set lo up
	done
	ip -n "$L" link add lan0 type veth peer name eth0 netns "$H" || exit 1
	ip -n "$L" addr add 10.88.0.1/24 brd + dev lan0
	ip -n "$L" link set lan0 up
	ip -n "$H" addr add 10.88.0.5/24 brd + dev eth0
	ip -n "$H" link set eth0 up
	ip -n "$H" route add default via 10.88.0.1 dev eth0 metric 100
	ip -n "$H" route add 10.99.0.0/16 via 10.88.0.1 dev eth0 metric 50 proto static
	ip -n "$H" link add veth0 type veth peer name veth1 netns "$P" || exit 1
	ip -n "$H" link add veth2 type veth peer name veth3 netns "$P2" || exit 1
	# The kernel gives a link its default qdisc on its first up and keeps it: its doing.
	ip -n "$H" link set veth0 up && ip -n "$H" link set veth0 down
	ip -n "$H" link set veth2 up && ip -n "$H" link set veth2 down
	ip -n "$P" link set veth1 up
	ip -n "$P2" link set veth3 up
	# --no-ping: dnsmasq would ping a new address for 3 s before offering it (not the bridge's
	# delay: with it, a lease took 3.07 s here; without, 0.09 s).
	ip netns exec "$L" dnsmasq --conf-file=/dev/null --pid-file="$W/dnsmasq.pid" \
		--interface=lan0 --bind-interfaces --except-interface=lo \
		--dhcp-range=10.88.0.100,10.88.0.150,255.255.255.0,5m --no-ping \
		--dhcp-leasefile="$W/leases" --port=0 --log-facility="$W/dnsmasq.log" ||
		fail "dnsmasq did not start"
}

# Link state and IPv6 link-local addresses follow an up asynchronously (carrier, DAD).
settle() {
	local i
	for i in $(seq 50); do
		ip -n "$H" -j addr | grep -q tentative || return
		sleep 0.1
	done
}

snapshot() { # $1: name
	settle
	ip -n "$H" -j addr >"$W/$1.addr"
	{ ip -n "$H" -j route && ip -n "$H" -j route show table 100; } >"$W/$1.route"
	ip -n "$H" -j link >"$W/$1.link"
	ip -n "$H" -j neigh show nud permanent >"$W/$1.neigh"
}

same_as() { # $1, $2: snapshot names
	local what
	for what in addr route link neigh; do
		if ! cmp -s "$W/$1.$what" "$W/$2.$what"; then
			fail "ip -j $what differs between $1 and $2"
			diff <(tr ',' '\n' <"$W/$1.$what") <(tr ',' '\n' <"$W/$2.$what") | head -20
		fi
	done
}

uh() { # usbnet-host in the host namespace; output in $OUT, status in $RC
	OUT=$(ip netns exec "$H" "$USBNET_HOST" "$@" --run-dir "$RUN" 2>&1)
	RC=$?
}

lease() { # $1: namespace, $2: interface; prints the leased address
	rm -f "$W/lease"
	LEASE_FILE="$W/lease" ip netns exec "$1" busybox udhcpc -i "$2" -n -q -f -t 6 -T 1 \
		-s "$TMP/udhcpc.sh" >"$W/udhcpc.log" 2>&1
	cat "$W/lease" 2>/dev/null
}

master_of() { ip -n "$H" -j link show "$1" | grep -o '"master":"[^"]*"' | cut -d'"' -f4; }
mac_of() { ip -n "$H" -j link show "$1" | grep -o '"address":"[^"]*"' | head -1 | cut -d'"' -f4; }

# Ping the LAN host from the host every 10 ms, with timestamps, until stop_probe.
start_probe() {
	ip netns exec "$H" ping -n -D -i 0.01 10.88.0.1 >"$W/probe.log" 2>&1 &
	PROBE=$!
	PIDS+=("$PROBE")
}
probe_answers() { grep -c 'bytes from' "$W/probe.log"; }
# probe_answered_since N: the LAN host answered the probe after its first N answers.
probe_answered_since() { [ "$(probe_answers)" -gt "$1" ]; }
stop_probe() { # prints the longest time between two answers, in seconds
	kill -INT "$PROBE" 2>/dev/null
	wait "$PROBE" 2>/dev/null
	awk -F'[][]' '/bytes from/ { t = $2 + 0; if (p && t - p > m) m = t - p; p = t }
		END { printf "%.3f\n", m }' "$W/probe.log"
}

no_records() { ! ls "$RUN"/*.state "$RUN"/*.bridge >/dev/null 2>&1; }

# ---------------------------------------------------------------------------------------------
T=roundtrip
make_world
# More for the move to keep: a secondary address (deleted first, given back after its primary),
# a route with a preferred source, one in another table, an onlink one.
ip -n "$H" addr add 10.88.0.6/24 brd + dev eth0
ip -n "$H" route add 10.77.0.0/16 via 10.88.0.1 dev eth0 src 10.88.0.6 metric 7 proto static
ip -n "$H" route add 10.66.0.0/16 via 10.88.0.1 dev eth0 table 100
ip -n "$H" route add 10.55.0.0/16 via 10.88.0.254 dev eth0 onlink
# and the user's own neighbour entry (the kernel flushes it with the uplink's last address)
ip -n "$H" neigh add 10.88.0.77 lladdr 02:00:5e:00:0a:77 dev eth0 nud permanent
snapshot before
eth0_mac=$(mac_of eth0)
start_probe
wait_until 30 probe_answered_since 0 || fail "the LAN host does not answer the probe before up"
uh up veth0 --force --bridge
[ "$RC" = 0 ] || fail "up: exit $RC: $OUT"
echo "$OUT" | grep -q "port of usbnet-br0, uplink eth0" || fail "up does not say what it did: $OUT"
n=$(probe_answers)
wait_until 30 probe_answered_since "$n" || fail "the LAN host does not answer the probe after up"
[ "$(master_of eth0)" = usbnet-br0 ] || fail "eth0 is not a port of usbnet-br0"
[ "$(master_of veth0)" = usbnet-br0 ] || fail "veth0 is not a port of usbnet-br0"
[ "$(mac_of usbnet-br0)" = "$eth0_mac" ] || fail "the bridge's MAC is not eth0's ($eth0_mac)"
ip -n "$H" -j addr show dev usbnet-br0 | grep -q '"local":"10.88.0.5","prefixlen":24' ||
	fail "10.88.0.5/24 is not on the bridge"
ip -n "$H" -j addr show dev eth0 | grep -q '"family":"inet"' && fail "eth0 kept an IPv4 address"
ip -n "$H" route show default | grep -q "via 10.88.0.1 dev usbnet-br0 metric 100" ||
	fail "the default route did not move: $(ip -n "$H" route)"
ip -n "$H" route show 10.99.0.0/16 | grep -q "via 10.88.0.1 dev usbnet-br0 proto static metric 50" ||
	fail "10.99.0.0/16 did not move with its protocol and metric: $(ip -n "$H" route)"
ip -n "$H" route show table 100 | grep -q "10.66.0.0/16 via 10.88.0.1 dev usbnet-br0" ||
	fail "the route of table 100 did not move: $(ip -n "$H" route show table 100)"
ip -n "$H" route show 10.77.0.0/16 | grep -q "dev usbnet-br0 proto static src 10.88.0.6 metric 7" ||
	fail "the route with a preferred source did not move as it was: $(ip -n "$H" route)"
ip -n "$H" route show 10.55.0.0/16 | grep -q "dev usbnet-br0 onlink" ||
	fail "the onlink route did not move as it was: $(ip -n "$H" route)"
ip -n "$H" -j -d link show usbnet-br0 | grep -q '"forward_delay":0' || fail "forward delay is not 0"
ip -n "$H" -j -d link show usbnet-br0 | grep -q '"stp_state":0' || fail "STP is on"
grep -q "^step bridge-port usbnet-br0$" "$RUN/veth0.state" || fail "no bridge-port step recorded"
ip -n "$H" neigh show dev usbnet-br0 nud permanent | grep -q "^10.88.0.77 lladdr 02:00:5e:00:0a:77" ||
	fail "the user's permanent neighbour did not move to the bridge: $(ip -n "$H" neigh)"
grep -q "^user veth0 " "$RUN/usbnet-br0.bridge" || fail "veth0 is not a user in the bridge record"
got=$(lease "$P" veth1)
case "$got" in
10.88.0.1[0-4][0-9] | 10.88.0.150) echo "peer leased $got from the LAN's dnsmasq" ;;
*) fail "the peer got no lease from the LAN: '$got' ($(cat "$W/udhcpc.log"))" ;;
esac
ip netns exec "$P" ping -c1 -W2 10.88.0.1 >/dev/null || fail "the peer does not reach the LAN host"
ip netns exec "$H" ping -c1 -W2 -I 10.88.0.5 10.88.0.1 >/dev/null ||
	fail "the host does not reach the LAN host from 10.88.0.5"
[ -n "$got" ] && { ip netns exec "$H" ping -c1 -W2 "$got" >/dev/null || fail "the host does not reach the peer at $got"; }
uh show veth0 --json
echo "$OUT" | grep -q '"mode":"bridge"' || fail "show does not say bridge: $OUT"
echo "$OUT" | grep -q '"host_address":null' || fail "show gives the peer a host address: $OUT"
uh up veth0 --force --bridge
[ "$RC" = 0 ] && echo "$OUT" | grep -q "already configured" || fail "second up: exit $RC: $OUT"
uh down veth0
[ "$RC" = 0 ] || fail "down: exit $RC: $OUT"
n=$(probe_answers)
wait_until 30 probe_answered_since "$n" || fail "the LAN host does not answer the probe after down"
gap=$(stop_probe)
echo "longest gap between answers of the LAN host over up and down: ${gap} s"
# The one time bound here is functional, and wide: the bridge issue's "under 1 s" (21-32 ms
# here). Answers after up and after down were waited for: a gap that never closes fails above.
awk -v g="$gap" 'BEGIN { exit !(g > 0 && g < 1.0) }' || fail "connectivity gap ${gap} s (limit 1 s)"
ip -n "$H" link show usbnet-br0 >/dev/null 2>&1 && fail "the bridge is still there"
snapshot after
same_as before after
no_records || fail "records left: $(ls "$RUN")"

# ---------------------------------------------------------------------------------------------
T=neighbours
# The host's IPv4 neighbour cache moves with its address: the LAN host, once known, answers the
# host from the bridge after up and from the uplink after down with no ARP exchange at all (its
# namespace drops every ARP packet from here on; it knows the host's MAC, the uplink's, for good).
make_world
ip netns exec "$H" ping -c1 -W2 10.88.0.1 >/dev/null || fail "the LAN host does not answer before up"
ip -n "$L" neigh replace 10.88.0.5 lladdr "$(mac_of eth0)" dev lan0 nud permanent
ip netns exec "$L" nft -f - <<'NFT' || fail "cannot drop ARP in the LAN namespace"
table arp usbnet_test {
	chain drop_all { type filter hook input priority 0; policy drop; }
}
NFT
uh up veth0 --force --bridge
[ "$RC" = 0 ] || fail "up: exit $RC: $OUT"
ip -n "$H" neigh show dev usbnet-br0 10.88.0.1 | grep -q "lladdr" ||
	fail "the bridge does not know the LAN host's MAC: $(ip -n "$H" neigh)"
ip netns exec "$H" ping -c1 -W2 10.88.0.1 >/dev/null ||
	fail "the LAN host does not answer the host on the bridge without ARP"
uh down veth0
[ "$RC" = 0 ] || fail "down: exit $RC: $OUT"
ip netns exec "$H" ping -c1 -W2 10.88.0.1 >/dev/null ||
	fail "the LAN host does not answer the host on the uplink without ARP after down"
no_records || fail "records left: $(ls "$RUN")"

# ---------------------------------------------------------------------------------------------
T=two-peers
make_world
snapshot before
uh up veth0 --force --bridge
[ "$RC" = 0 ] || fail "up veth0: exit $RC: $OUT"
uh up veth2 --force --bridge
[ "$RC" = 0 ] || fail "up veth2: exit $RC: $OUT"
[ "$(master_of veth2)" = usbnet-br0 ] || fail "veth2 did not join usbnet-br0"
[ "$(grep -c '^user ' "$RUN/usbnet-br0.bridge")" = 2 ] || fail "the bridge record lacks a user"
got=$(lease "$P2" veth3)
[ -n "$got" ] || fail "the second peer got no lease"
uh down veth0
[ "$RC" = 0 ] || fail "down veth0: exit $RC: $OUT"
[ "$(master_of eth0)" = usbnet-br0 ] || fail "the bridge went with the first peer"
ip netns exec "$P2" ping -c1 -W2 10.88.0.1 >/dev/null || fail "the second peer lost the LAN"
uh down veth2
[ "$RC" = 0 ] || fail "down veth2: exit $RC: $OUT"
ip -n "$H" link show usbnet-br0 >/dev/null 2>&1 && fail "the bridge outlived its last peer"
snapshot after
same_as before after
no_records || fail "records left: $(ls "$RUN")"

# ---------------------------------------------------------------------------------------------
T=concurrent
make_world
snapshot before
(ip netns exec "$H" "$USBNET_HOST" up veth0 --force --bridge --run-dir "$RUN" >"$W/a.out" 2>&1; echo $? >"$W/a.rc") &
a=$!
(ip netns exec "$H" "$USBNET_HOST" up veth2 --force --bridge --uplink eth0 --run-dir "$RUN" >"$W/b.out" 2>&1; echo $? >"$W/b.rc") &
b=$!
wait "$a" "$b"
[ "$(cat "$W/a.rc")" = 0 ] || fail "up veth0 beside up veth2: $(cat "$W/a.out")"
[ "$(cat "$W/b.rc")" = 0 ] || fail "up veth2 beside up veth0: $(cat "$W/b.out")"
[ "$(master_of veth0)" = usbnet-br0 ] && [ "$(master_of veth2)" = usbnet-br0 ] ||
	fail "not both ports of one bridge: $(ip -n "$H" -br link)"
[ "$(ip -n "$H" -j addr | grep -o '"local":"10.88.0.5"' | wc -l)" = 1 ] || fail "10.88.0.5 twice"
uh down veth2
uh down veth0
snapshot after
same_as before after
no_records || fail "records left: $(ls "$RUN")"

# ---------------------------------------------------------------------------------------------
T=user-bridge
make_world
# The user's own bridge already holds the uplink and the host's address.
ip -n "$H" link add br-user type bridge
ip -n "$H" link set br-user address "$(mac_of eth0)"
ip -n "$H" link set eth0 master br-user
ip -n "$H" addr del 10.88.0.5/24 dev eth0
ip -n "$H" addr add 10.88.0.5/24 brd + dev br-user
ip -n "$H" link set br-user up
ip -n "$H" route add default via 10.88.0.1 dev br-user metric 100
snapshot before
uh up veth0 --force --bridge
[ "$RC" = 0 ] || fail "up: exit $RC: $OUT"
[ "$(master_of veth0)" = br-user ] || fail "veth0 did not join the user's br-user"
ip -n "$H" link show usbnet-br0 >/dev/null 2>&1 && fail "a bridge of ours was made beside br-user"
got=$(lease "$P" veth1)
[ -n "$got" ] || fail "the peer got no lease through br-user"
uh down veth0
[ "$RC" = 0 ] || fail "down: exit $RC: $OUT"
ip -n "$H" link show br-user >/dev/null 2>&1 || fail "the user's bridge was deleted"
snapshot after
same_as before after
no_records || fail "records left: $(ls "$RUN")"

# ---------------------------------------------------------------------------------------------
T=gateway-beside
# A gateway peer (uplink auto) beside a bridged one: up --bridge moves the default route onto the
# bridge, and refresh (the watcher's route listener runs it too) moves the gateway peer's NAT
# there; down gives the route back to eth0, and refresh follows it again. The gateway peer
# reaches the LAN host all along, and downs leave the host as it was.
make_world
ip -n "$P2" addr add 10.77.0.2/24 dev veth3
ip -n "$P2" route add default via 10.77.0.1
snapshot before
uh up veth2 --force --gateway --address 10.77.0.1/24 --peer 10.77.0.2
[ "$RC" = 0 ] || fail "up veth2 --gateway: exit $RC: $OUT"
grep -q "^step nft eth0 " "$RUN/veth2.state" || fail "the gateway peer's NAT is not on eth0: $(cat "$RUN/veth2.state")"
ip netns exec "$P2" ping -c1 -W2 10.88.0.1 >/dev/null || fail "the gateway peer does not reach the LAN host"
uh up veth0 --force --bridge
[ "$RC" = 0 ] || fail "up veth0 --bridge: exit $RC: $OUT"
uh refresh
[ "$RC" = 0 ] || fail "refresh: exit $RC: $OUT"
grep -q "^step nft usbnet-br0 " "$RUN/veth2.state" ||
	fail "refresh did not move the gateway peer's NAT onto the bridge: $OUT; $(grep '^step nft ' "$RUN/veth2.state")"
ip netns exec "$P2" ping -c1 -W2 10.88.0.1 >/dev/null ||
	fail "the gateway peer does not reach the LAN host through the bridge"
uh down veth0
[ "$RC" = 0 ] || fail "down veth0: exit $RC: $OUT"
uh refresh
[ "$RC" = 0 ] || fail "refresh after down: exit $RC: $OUT"
grep -q "^step nft eth0 " "$RUN/veth2.state" ||
	fail "refresh did not move the gateway peer's NAT back to eth0: $OUT; $(grep '^step nft ' "$RUN/veth2.state")"
ip netns exec "$P2" ping -c1 -W2 10.88.0.1 >/dev/null ||
	fail "the gateway peer does not reach the LAN host after the bridge went"
uh down veth2
[ "$RC" = 0 ] || fail "down veth2: exit $RC: $OUT"
snapshot after
same_as before after
no_records || fail "records left: $(ls "$RUN")"

# ---------------------------------------------------------------------------------------------
T=refusals
make_world
ip -n "$H" link add vx0 type veth peer name vx1
ip -n "$H" link add br-other type bridge
ip -n "$H" link set vx0 master br-other
snapshot before
for args in "--uplink veth0" "--uplink nosuch0" "--uplink lo" "--uplink vx0" \
	"--uplink eth0 --bridge-name eth0" "--uplink br-other --bridge-name usbnet-br0"; do
	# shellcheck disable=SC2086 # the words are the options
	uh up veth0 --force --bridge $args
	[ "$RC" = 2 ] || fail "up --bridge $args: exit $RC (not 2): $OUT"
	echo "$OUT" | grep -q "nothing was changed" || fail "up --bridge $args does not say so: $OUT"
	no_records || fail "up --bridge $args left records: $(ls "$RUN")"
	echo "refused, exit 2: --bridge $args: ${OUT#*: }" | cut -c1-160
done
# no default route and no --uplink: nothing to bridge with
ip -n "$H" route del default
ip -n "$H" route del 10.99.0.0/16
uh up veth0 --force --bridge
[ "$RC" = 2 ] || fail "up --bridge without a default route: exit $RC: $OUT"
ip -n "$H" route add default via 10.88.0.1 dev eth0 metric 100
ip -n "$H" route add 10.99.0.0/16 via 10.88.0.1 dev eth0 metric 50 proto static
# a lease on the uplink (a DHCP client owns it): refused
ip -n "$H" addr add 10.88.0.77/24 dev eth0 valid_lft 600 preferred_lft 600
uh up veth0 --force --bridge
[ "$RC" = 2 ] && echo "$OUT" | grep -q "lifetime" || fail "an uplink with a lease: exit $RC: $OUT"
ip -n "$H" addr del 10.88.0.77/24 dev eth0
snapshot after
same_as before after
no_records || fail "records left: $(ls "$RUN")"

if [ "$fails" -gt 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
echo "all bridge cases passed"
