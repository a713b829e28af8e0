#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The DHCP server for a peer that is a DHCP client (issue 16), for real, in throw-away
# namespaces, with busybox udhcpc as the peer's client:
#
#   peer P (veth1) <-> host H: veth0 = the "USB peer" link; veth2 <-> Q (veth3), another link
#                             up0 <-> upstream U (198.51.100.2), for gateway mode
#
# - static --dhcp-server: the peer gets exactly the plan's address, the mask, no router, no
#   name server; show and show --json say the lease (address, MAC, since);
# - a client on the other link (Q) gets nothing from it;
# - a server that died: show and status say so, up again starts it; with the watcher running
#   it is started again at once (same lease file: the peer keeps its lease);
# - down: no dnsmasq left, no pid file, no lease file;
# - gateway --dhcp-server: the router option (the host's address), no name server; with --dns:
#   both;
# - bad input (no --peer, a peer outside the host's subnet, bridge mode) changes nothing, exit 2;
# - up --auto on a peer that only sends DHCPDISCOVERs: a free 10.42.N.0/24 (the host .1, the
#   peer .2) past those the host's routes (any table) and addresses touch, the peer leased and
#   answering ping.
#
# Shown to fail: with the --interface argument dropped from dhcp-server.c's argv, "other-link"
# fails; with --dhcp-option=3 always given the host's address, "static" fails; with
# dhcp_server_stop's unlink removed, "down" fails; with the supervisor's table
# (lib/dns/dns-supervise.c) cut to the DNS forwarder alone, "watcher" fails.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
: "${USBNET_HOST:?the built usbnet-host}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=helpers/wait.sh
. "$HERE/helpers/wait.sh"
for tool in nft dnsmasq busybox unshare; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps)"; exit 1; }
done

PFX="ubh-dh-$$"
TMP=$(mktemp -d /tmp/usbnet-dhcp-server-XXXXXX)
RUN="$TMP/run"
NSS=()
PIDS=()
fails=0

cleanup() {
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for f in "$RUN"/*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
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

H="$PFX-h"
P="$PFX-p"
Q="$PFX-q"
U="$PFX-u"
NSS+=("$H" "$P" "$Q" "$U")
for ns in "$H" "$P" "$Q" "$U"; do
	ip netns add "$ns" || exit 1
	ip -n "$ns" link set lo up
done
# No duplicate address detection: a "tentative" IPv6 address in the first snapshot and not in
# the second would be the kernel's timing, not usbnet-host's doing.
ip netns exec "$H" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
ip -n "$H" link add veth0 type veth peer name veth1 netns "$P" || exit 1
ip -n "$H" link set veth0 up && ip -n "$H" link set veth0 down
ip -n "$H" link add veth2 type veth peer name veth3 netns "$Q" || exit 1
ip -n "$H" addr add 10.88.0.1/24 dev veth2
ip -n "$H" link set veth2 up
ip -n "$P" link set veth1 up
ip -n "$Q" link set veth3 up
ip -n "$H" link add up0 type veth peer name u0 netns "$U" || exit 1
ip -n "$H" addr add 198.51.100.1/24 dev up0
ip -n "$H" link set up0 up
ip -n "$U" addr add 198.51.100.2/24 dev u0
ip -n "$U" link set u0 up
ip -n "$H" route add default via 198.51.100.2 dev up0
echo "nameserver 198.51.100.2" >"$TMP/resolv.conf"

# The client's script: what it was given, and (bound) the address on its link.
cat >"$TMP/udhcpc.sh" <<'EOS'
#!/bin/sh
case "$1" in
bound|renew)
	{ echo "ip=$ip"; echo "mask=$mask"; echo "router=${router:-}"; echo "dns=${dns:-}";
	  echo "broadcast=${broadcast:-}"; echo "domain=${domain:-}"; } >"$LEASE_OUT"
	ip addr flush dev "$interface"
	ip addr add "$ip/$mask" dev "$interface"
	;;
deconfig)
	ip addr flush dev "$interface"
	;;
esac
exit 0
EOS
chmod +x "$TMP/udhcpc.sh"

uh() { # usbnet-host in the host namespace; $OUT, $RC
	OUT=$(ip netns exec "$H" unshare -m sh -c \
		'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' sh "$TMP/resolv.conf" \
		"$USBNET_HOST" "$@" --config "" --run-dir "$RUN" 2>&1)
	RC=$?
}

# client NS IF NAME: one udhcpc run (3 discovers, 1 s apart); $TMP/NAME.lease when leased.
client() {
	rm -f "$TMP/$3.lease"
	ip netns exec "$1" env LEASE_OUT="$TMP/$3.lease" busybox udhcpc -i "$2" -n -q -f -t 3 \
		-T 1 -s "$TMP/udhcpc.sh" >"$TMP/$3.log" 2>&1
}
lease_has() { grep -qx "$2" "$TMP/$1.lease" 2>/dev/null; }

snapshot() {
	{
		ip netns exec "$H" nft list ruleset
		ip -n "$H" -j route show table all
		ip -n "$H" -j addr
		ip netns exec "$H" cat /proc/sys/net/ipv4/ip_forward
	} >"$1"
}

gone() { [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }

# the down of T: no process, no file of ours, the host as before
check_down() {
	local pid=$1
	uh down veth0
	[ "$RC" = 0 ] || fail "down: exit $RC: $OUT"
	wait_until 60 gone "$pid" || fail "the DHCP server (pid $pid) still runs after down"
	[ -e "$RUN/veth0.dhcp.pid" ] && fail "its pid file is left"
	[ -e "$RUN/veth0.dhcp.leases" ] && fail "its lease file is left"
	snapshot "$TMP/after"
	cmp -s "$TMP/before" "$TMP/after" ||
		fail "down did not restore: $(diff "$TMP/before" "$TMP/after" | head -c 2000)"
}

snapshot "$TMP/before"

T=refuse
for args in "--address 10.77.0.1/24 --dhcp-server" \
	"--address 10.77.0.1/24 --peer 10.78.0.2 --dhcp-server" \
	"--bridge --uplink up0 --dhcp-server"; do
	# shellcheck disable=SC2086
	uh up veth0 --force $args --wait 0
	[ "$RC" = 2 ] || fail "up $args: exit $RC, not 2: $OUT"
	case "$OUT" in *"nothing was changed"*) ;; *) fail "up $args does not say nothing changed: $OUT" ;; esac
done
snapshot "$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || fail "a refused up changed something"
pgrep -f "$RUN/veth0.dhcp" >/dev/null && fail "a refused up left a dnsmasq"

T=static
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --dhcp-server --wait 0
[ "$RC" = 0 ] || fail "up --dhcp-server: exit $RC: $OUT"
pid=$(cat "$RUN/veth0.dhcp.pid" 2>/dev/null)
[ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = dnsmasq ] ||
	fail "no dnsmasq runs after up returned (pid file: '$pid')"
T=other-link
# First, while the address is free: a client on another link gets nothing, even where the
# host has an address that the range fits (a server listening everywhere would answer it).
ip -n "$H" addr add 10.77.0.100/32 dev veth2
client "$Q" veth3 q
[ -e "$TMP/q.lease" ] && fail "a client on another link got a lease: $(cat "$TMP/q.lease")"
grep -q "obtained" "$TMP/q.log" && fail "a client on another link was answered: $(cat "$TMP/q.log")"
ip -n "$H" addr del 10.77.0.100/32 dev veth2

T=static
client "$P" veth1 p
lease_has p "ip=10.77.0.2" || fail "the peer did not get 10.77.0.2: $(cat "$TMP/p.log" "$TMP/p.lease" 2>&1)"
lease_has p "mask=24" || fail "not the host's /24: $(cat "$TMP/p.lease" 2>&1)"
lease_has p "router=" || fail "a router option outside gateway mode: $(cat "$TMP/p.lease" 2>&1)"
lease_has p "dns=" || fail "a DNS option without --dns: $(cat "$TMP/p.lease" 2>&1)"
lease_has p "broadcast=" || fail "an option beyond the mask: $(cat "$TMP/p.lease" 2>&1)"
mac=$(ip -n "$P" -br link show veth1 | awk '{print $3}')
ip netns exec "$H" ping -c1 -W2 10.77.0.2 >/dev/null || fail "the leased peer does not answer ping"

T=show
uh show veth0 --json
echo "$OUT" | python3 -c '
import json, sys, time
r = json.load(sys.stdin)
d = r["dhcp_server"]
assert d["pid"] == int(sys.argv[1]) and d["running"] is True, d
l = d["lease"]
assert l["address"] == "10.77.0.2" and l["mac"] == sys.argv[2], l
assert abs(l["since"] - time.time()) < 60 and l["expires"] > l["since"], l
' "$pid" "$mac" || fail "show --json does not say the server and the lease: $OUT"
uh show veth0
case "$OUT" in *"lease "*"10.77.0.2 to $mac since "*) ;; *) fail "show does not say the lease: $OUT" ;; esac
# (list --json lists USB peers only, never a veth: VM 25 checks its lease on a real gadget.)

T=again
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --dhcp-server --wait 0
case "$OUT" in *"already configured"*) ;; *) fail "second up did something: $OUT" ;; esac
[ "$(cat "$RUN/veth0.dhcp.pid" 2>/dev/null)" = "$pid" ] || fail "second up replaced the server"

T=dead
# A DHCP server that died with no watcher running: show says so, and up again starts it.
kill -9 "$pid"
wait_until 60 gone "$pid" || fail "kill -9 did not end the DHCP server"
uh show veth0 --json
echo "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)["dhcp_server"]
assert d["running"] is False, d
' || fail "show --json does not say the dead server is not running: $OUT"
uh show veth0
case "$OUT" in *"dhcp server"*"stopped"*) ;; *) fail "show does not say the server stopped: $OUT" ;; esac
uh status
case "$OUT" in *"DHCP server"*"not running"*) ;; *) fail "status does not say the server stopped: $OUT" ;; esac
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --dhcp-server --wait 0
[ "$RC" = 0 ] || fail "up again: exit $RC: $OUT"
npid=$(cat "$RUN/veth0.dhcp.pid" 2>/dev/null)
[ -n "$npid" ] && [ "$npid" != "$pid" ] && [ "$(cat /proc/"$npid"/comm 2>/dev/null)" = dnsmasq ] ||
	fail "up again did not start the DHCP server (pid file: '$npid')"
pid=$npid
client "$P" veth1 p
lease_has p "ip=10.77.0.2" || fail "the peer did not get 10.77.0.2 again: $(cat "$TMP/p.log" "$TMP/p.lease" 2>&1)"

T=watcher
# The watcher restarts a recorded peer's DHCP server that died (as it does the DNS forwarder),
# with the same lease file: the lease the peer holds is the new server's.
ip netns exec "$H" "$USBNET_HOST" watch --config "" --run-dir "$RUN" 2>"$TMP/watch.log" &
WPID=$!
PIDS+=("$WPID")
wait_until 60 grep -q "watching for USB network peers" "$TMP/watch.log" ||
	fail "the watcher did not start: $(cat "$TMP/watch.log")"
kill -9 "$pid"
restarted() {
	local p
	p=$(cat "$RUN/veth0.dhcp.pid" 2>/dev/null) && [ -n "$p" ] && [ "$p" != "$pid" ] &&
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = dnsmasq ]
}
wait_until 60 restarted || fail "the watcher did not restart the DHCP server: $(cat "$TMP/watch.log")"
grep -q "veth0: the DHCP server on 10.77.0.1 (pid $pid) had stopped; started again" "$TMP/watch.log" ||
	fail "the watcher did not say it: $(cat "$TMP/watch.log")"
pid=$(cat "$RUN/veth0.dhcp.pid" 2>/dev/null)
uh show veth0 --json
echo "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)["dhcp_server"]
assert d["running"] is True and d["pid"] == int(sys.argv[1]), d
assert d["lease"]["address"] == "10.77.0.2", d
' "$pid" || fail "show --json after the restart: $OUT"
client "$P" veth1 p
lease_has p "ip=10.77.0.2" || fail "the restarted server did not lease 10.77.0.2: $(cat "$TMP/p.log" "$TMP/p.lease" 2>&1)"

T=watcher-busy
# It dies while another run holds the interface's lock and that run leaves the record as it
# was (a discover, an up that found nothing to do): the watcher does not wait behind the lock,
# and it does not forget either: once the lock is free it restarts the server.
exec {LOCKFD}>"$RUN/veth0.lock"
flock "$LOCKFD"
kill -9 "$pid"
wait_until 60 gone "$pid" || fail "kill -9 did not end the DHCP server"
# The watcher has seen the exit (its pidfd) and found the lock taken; give it that moment.
sleep 1
restarted && fail "restarted while the lock was held"
flock -u "$LOCKFD"
exec {LOCKFD}>&-
wait_until 60 restarted || fail "the watcher did not restart the DHCP server once the lock was free: $(cat "$TMP/watch.log")"
grep -q "veth0: the DHCP server on 10.77.0.1 (pid $pid) had stopped; started again" "$TMP/watch.log" ||
	fail "the watcher did not say it: $(cat "$TMP/watch.log")"
pid=$(cat "$RUN/veth0.dhcp.pid" 2>/dev/null)
kill "$WPID"
wait "$WPID" 2>/dev/null

T=down
ip netns exec "$P" ip addr flush dev veth1
check_down "$pid"

T=gateway
uh up veth0 --force --gateway --uplink up0 --address 10.77.0.1/24 --peer 10.77.0.2 --dhcp-server --wait 0
[ "$RC" = 0 ] || fail "up --gateway --dhcp-server: exit $RC: $OUT"
pid=$(cat "$RUN/veth0.dhcp.pid" 2>/dev/null)
client "$P" veth1 p
lease_has p "ip=10.77.0.2" || fail "the peer did not get 10.77.0.2: $(cat "$TMP/p.log" "$TMP/p.lease" 2>&1)"
lease_has p "router=10.77.0.1" || fail "no router option in gateway mode: $(cat "$TMP/p.lease" 2>&1)"
lease_has p "dns=" || fail "a DNS option without --dns: $(cat "$TMP/p.lease" 2>&1)"
ip netns exec "$P" ip route replace default via 10.77.0.1
ip netns exec "$P" ping -c1 -W2 198.51.100.2 >/dev/null || fail "the leased peer does not reach the upstream"
ip netns exec "$P" ip addr flush dev veth1
check_down "$pid"

T=gateway-dns
uh up veth0 --force --gateway --uplink up0 --dns --address 10.77.0.1/24 --peer 10.77.0.2 --dhcp-server --wait 0
[ "$RC" = 0 ] || fail "up --gateway --dns --dhcp-server: exit $RC: $OUT"
pid=$(cat "$RUN/veth0.dhcp.pid" 2>/dev/null)
client "$P" veth1 p
lease_has p "router=10.77.0.1" || fail "no router option in gateway mode: $(cat "$TMP/p.lease" 2>&1)"
lease_has p "dns=10.77.0.1" || fail "no DNS option with --dns: $(cat "$TMP/p.lease" 2>&1)"
ip netns exec "$P" ip addr flush dev veth1
check_down "$pid"
[ -e "$RUN/veth0.dnsmasq.pid" ] && fail "the DNS forwarder's pid file is left"

T=auto
# What the host uses already: a route (main table), an address, a route in another table.
ip -n "$H" route add 10.42.1.0/24 via 198.51.100.2
ip -n "$H" addr add 10.42.2.7/24 dev veth2
ip -n "$H" route add 10.42.3.0/25 dev up0 table 100
snapshot "$TMP/before"
# A peer that only asks: udhcpc discovering every second, nothing else (no address).
ip netns exec "$P" env LEASE_OUT="$TMP/a.lease" busybox udhcpc -i veth1 -f -t 1000 -T 1 -A 1 \
	-s "$TMP/udhcpc.sh" >"$TMP/a.log" 2>&1 &
PIDS+=($!)
uh up veth0 --force --auto
[ "$RC" = 0 ] || fail "up --auto: exit $RC: $OUT"
uh show veth0 --json
echo "$OUT" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["discovered"] == "dhcp-client dhcp-server", r.get("discovered")
assert r["host_address"] == "10.42.4.1/24", r["host_address"]
assert r["peer_address"] == "10.42.4.2/24", r["peer_address"]
' || fail "up --auto did not choose the first free 10.42.N.0/24 (10.42.4) for the DHCP client: $OUT"
peer=$(echo "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["peer_address"].split("/")[0])')
leased() { lease_has a "ip=$peer"; }
wait_until 30 leased || fail "the peer was not leased $peer: $(cat "$TMP/a.log")"
ip netns exec "$H" ping -c1 -W2 "$peer" >/dev/null || fail "the peer does not answer ping at $peer"
uh show veth0 --json
echo "$OUT" | python3 -c '
import json, sys
assert json.load(sys.stdin)["dhcp_server"]["lease"]["address"] == sys.argv[1]
' "$peer" || fail "show does not say the lease: $OUT"
pid=$(cat "$RUN/veth0.dhcp.pid" 2>/dev/null)
kill "${PIDS[-1]}"
ip netns exec "$P" ip addr flush dev veth1
check_down "$pid"

if [ "$fails" = 0 ]; then
	echo "PASS: DHCP server: static, show, other link, idempotent, dead, watcher, watcher-busy, down, gateway, gateway+dns, refusal, auto"
	exit 0
fi
exit 1
