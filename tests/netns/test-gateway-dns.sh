#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Gateway mode with its DNS forwarder, for real: `up --gateway --dns` in throw-away namespaces.
#
#   peer (veth1 192.168.2.15, default via 192.168.2.14, nameserver 192.168.2.14)
#     <-> host (veth0 = the "USB peer" link, up0 = its uplink)
#     <-> upstream (u0 198.51.100.2: a DNS server answering usbnet.test with 198.51.100.7)
#
# usbnet-host runs inside the host namespace, in a mount namespace of its own where
# /etc/resolv.conf names the upstream's server (the forwarder reads the host's resolv.conf).
# Shows: the device resolves through the host's address; show says its gateway and nameserver;
# the forwarder outlives the up command; down stops it and leaves the ruleset, routes and
# forwarding as they were; --dns without --gateway changes nothing (exit 2).
#
# Shown to fail: with dns_apply's call removed from up.c, "resolve" and "show" fail; with
# STEP_DNSMASQ left out of a vanished peer's host steps (down.c), "unplugged" fails.
#
# Env: USBNET_HOST (the built usbnet-host), USBNET_SRC (the source tree).
set -u

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
: "${USBNET_HOST:?the built usbnet-host}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QUERY="$HERE/dns-query.py"
# shellcheck source=helpers/wait.sh
. "$HERE/helpers/wait.sh"
for tool in nft dnsmasq python3 unshare; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps)"; exit 1; }
done

PFX="ubh-gd-$$"
TMP=$(mktemp -d /tmp/usbnet-gateway-dns-XXXXXX)
NSS=()
PIDS=()
fails=0

cleanup() {
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	[ -f "$TMP/run/veth0.dnsmasq.pid" ] && kill "$(cat "$TMP/run/veth0.dnsmasq.pid")" 2>/dev/null
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
U="$PFX-u"
NSS+=("$H" "$P" "$U")
ip netns add "$H" && ip netns add "$P" && ip netns add "$U" || exit 1
for ns in "$H" "$P" "$U"; do ip -n "$ns" link set lo up; done
# No duplicate address detection: a "tentative" IPv6 address in the first snapshot and not in
# the second would be the kernel's timing, not usbnet-host's doing.
ip netns exec "$H" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
ip -n "$H" link add veth0 type veth peer name veth1 netns "$P" || exit 1
ip -n "$H" link set veth0 up && ip -n "$H" link set veth0 down
ip -n "$P" link set veth1 up
ip -n "$P" addr add 192.168.2.15/24 dev veth1
ip -n "$P" route add default via 192.168.2.14
ip -n "$H" link add up0 type veth peer name u0 netns "$U" || exit 1
ip -n "$H" addr add 198.51.100.1/24 dev up0
ip -n "$H" link set up0 up
ip -n "$U" addr add 198.51.100.2/24 dev u0
ip -n "$U" link set u0 up
ip -n "$H" route add default via 198.51.100.2 dev up0
ip netns exec "$U" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--listen-address=198.51.100.2 --bind-interfaces --address=/usbnet.test/198.51.100.7 \
	--pid-file="$TMP/upstream.pid" 2>"$TMP/upstream.log" &
PIDS+=($!)
upstream_listens() { ip netns exec "$U" ss -Hlun | grep -q '198\.51\.100\.2:53 '; }
wait_until 30 upstream_listens || { echo "FAIL: the upstream dnsmasq does not listen: $(cat "$TMP/upstream.log")" && exit 1; }
echo "nameserver 198.51.100.2" >"$TMP/resolv.conf"
RUN="$TMP/run"

uh() { # usbnet-host in the host namespace, resolv.conf naming the upstream; $OUT, $RC
	OUT=$(ip netns exec "$H" unshare -m sh -c \
		'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' sh "$TMP/resolv.conf" \
		"$USBNET_HOST" "$@" --config "" --run-dir "$RUN" 2>&1)
	RC=$?
}

snapshot() {
	{
		ip netns exec "$H" nft list ruleset
		ip -n "$H" -j route show table all
		ip -n "$H" -j addr
		ip netns exec "$H" cat /proc/sys/net/ipv4/ip_forward
	} >"$1"
}

T=refuse
snapshot "$TMP/before"
uh up veth0 --force --address 192.168.2.14/24 --dns --wait 0
[ "$RC" = 2 ] || fail "--dns without gateway mode: exit $RC, not 2: $OUT"
case "$OUT" in *"--dns is for gateway mode"*) ;; *) fail "the message does not say why: $OUT" ;; esac
snapshot "$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || fail "the refused up changed something"
[ -z "$(ls -A "$RUN" 2>/dev/null | grep -v '\.lock$')" ] || fail "a record was left: $(ls "$RUN")"

T=up
uh up veth0 --force --gateway --uplink up0 --dns --address 192.168.2.14/24 --peer 192.168.2.15
[ "$RC" = 0 ] || fail "up --gateway --dns: exit $RC: $OUT"
pid=$(cat "$RUN/veth0.dnsmasq.pid" 2>/dev/null)
[ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = dnsmasq ] ||
	fail "no dnsmasq runs after up returned (pid file: '$pid')"

T=resolve
ans=$(ip netns exec "$P" python3 "$QUERY" 192.168.2.14 usbnet.test 3)
case "$ans" in *"A 198.51.100.7"*) ;; *) fail "the peer did not resolve through the host: $ans" ;; esac

T=show
uh show veth0 --json
[ "$RC" = 0 ] || fail "show --json: exit $RC: $OUT"
echo "$OUT" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["gateway"] == "192.168.2.14", r["gateway"]
assert r["nameserver"] == "192.168.2.14", r["nameserver"]
assert r["dns_forwarder"]["running"] is True, r["dns_forwarder"]
assert r["dns_forwarder"]["pid"] == int(sys.argv[1]), r["dns_forwarder"]
' "$pid" || fail "show --json does not say gateway, nameserver and the forwarder: $OUT"
uh show veth0
case "$OUT" in *nameserver*192.168.2.14*dnsmasq*) ;; *) fail "show does not name the nameserver: $OUT" ;; esac

T=again
uh up veth0 --force --gateway --uplink up0 --dns --address 192.168.2.14/24 --peer 192.168.2.15
[ "$RC" = 0 ] || fail "second up: exit $RC: $OUT"
case "$OUT" in *"already configured"*) ;; *) fail "second up did something: $OUT" ;; esac
[ "$(cat "$RUN/veth0.dnsmasq.pid" 2>/dev/null)" = "$pid" ] || fail "second up replaced the forwarder"

T=down
uh down veth0
[ "$RC" = 0 ] || fail "down: exit $RC: $OUT"
for i in $(seq 50); do
	[ -e "/proc/$pid" ] || break
	sleep 0.1
done
[ -e "/proc/$pid" ] && fail "the forwarder (pid $pid) still runs after down"
[ -e "$RUN/veth0.dnsmasq.pid" ] && fail "its pid file is left"
snapshot "$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || fail "down did not restore: $(diff "$TMP/before" "$TMP/after" | head -c 3000)"

T=unplugged
uh up veth0 --force --gateway --uplink up0 --dns --address 192.168.2.14/24 --wait 0
[ "$RC" = 0 ] || fail "up: exit $RC: $OUT"
pid=$(cat "$RUN/veth0.dnsmasq.pid" 2>/dev/null)
ip -n "$H" link del veth0
uh down veth0
[ "$RC" = 0 ] || fail "down of the vanished link: exit $RC: $OUT"
for i in $(seq 50); do
	[ -e "/proc/$pid" ] || break
	sleep 0.1
done
[ -n "$pid" ] && [ -e "/proc/$pid" ] && fail "the vanished peer's forwarder (pid $pid) still runs"
[ -z "$(ip netns exec "$H" nft list ruleset)" ] ||
	fail "nftables not empty after the vanished peer's down: $(ip netns exec "$H" nft list ruleset)"

if [ "$fails" = 0 ]; then
	echo "PASS: gateway with DNS: resolve, show, idempotent, down, unplugged, refusal"
	exit 0
fi
exit 1
