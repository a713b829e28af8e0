#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# discover and up --auto for real, in throw-away network namespaces: a veth pair stands in for
# the USB link, each "peer" in its own namespace. Needs root; no NetworkManager needed.
#
# Peers: (a) announces itself with gratuitous ARP; (b) silent at 192.168.2.15/24 (a profile's
# address); (c) silent at 169.254.0.1/16 with IPv6 off; (d) silent at 10.77.0.2/24, in no
# profile but in the sweep; (d2) silent at 10.123.45.67/24, in neither: its IPv4 address
# cannot be found (it answers ARP only for its own address, and nothing asks for that one),
# only IPv6 sees it; (e) serves DHCP (dnsmasq); (f) nobody: nothing answers.
#
# Env: USBNET_HOST (the built usbnet-host), USBNET_SRC (the source tree).
set -u

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
: "${USBNET_HOST:?the built usbnet-host}"
: "${USBNET_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
# shellcheck source=helpers/wait.sh
. "$USBNET_SRC/tests/netns/helpers/wait.sh"
# shellcheck source=helpers/pair.sh
. "$USBNET_SRC/tests/netns/helpers/pair.sh"
PY=/usr/bin/python3

PFX="ubh-$$"
TMP=$(mktemp -d /tmp/usbnet-discover-XXXXXX)
NSS=()
PIDS=()
fails=0
TIMEOUT=5

cleanup() {
	local p ns
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for ns in "${NSS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "${KEEP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $T: $*"
	fails=$((fails + 1))
}

uh() { # usbnet-host in the host namespace; output in $OUT, status in $RC
	OUT=$(ip netns exec "$H" "$USBNET_HOST" "$@" --run-dir "$RUN" 2>"$TMP/$T/stderr")
	RC=$?
	ERR=$(cat "$TMP/$T/stderr")
}

discover() { # discover veth0 --json; its wall time (printed, not judged) in WALL_MS
	local t0
	t0=${EPOCHREALTIME/./}
	uh discover veth0 --force --json --timeout "$TIMEOUT" "$@"
	WALL_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
}

# has_finding METHOD KEY VALUE: a finding of METHOD whose KEY is VALUE
has_finding() {
	echo "$OUT" | jq -e --arg m "$1" --arg k "$2" --arg v "$3" \
		'[.findings[] | select(.method == $m and .[$k] == $v)] | length > 0' >/dev/null
}

dhcp_listens() { [ -n "$(ip netns exec "$P" ss -Hlun 'sport = :67')" ]; }

peer_rx() { ip -n "$P" -s -j link show veth1 | jq '.[0].stats64.rx.packets'; }

# discover listens for a bounded time: the timeout asked for, and by its own count it stopped
# there. A wide bound, not a figure: it overshoots by a poll's wake-up (a few ms here); twice
# the timeout is a deadline not kept, on any machine.
within_timeout() {
	local ms want
	ms=$(echo "$OUT" | jq -r .elapsed_ms)
	want=$(awk -v t="$TIMEOUT" 'BEGIN { printf "%d", t * 1000 }')
	[ "$(echo "$OUT" | jq -r .timeout_ms)" = "$want" ] || fail "timeout_ms is not $want: $OUT"
	[ "$ms" -le $((2 * want)) ] || fail "elapsed_ms $ms: listened over twice its ${TIMEOUT} s timeout"
	ELAPSED=$ms
}

# ---- discover --------------------------------------------------------------------------------

T=a-announce
make_pair 10.99.0.7/24
ip netns exec "$P" "$PY" "$USBNET_SRC/tests/netns/helpers/garp.py" veth1 10.99.0.7 0.3 60 &
PIDS+=($!)
snapshot before
discover
[ "$RC" = 0 ] || fail "exit $RC: $ERR"
has_finding arp-announce ipv4 10.99.0.7 || fail "no arp-announce of 10.99.0.7: $OUT"
has_finding arp-announce mac "$PEER_MAC" || fail "the announcement is not from $PEER_MAC: $OUT"
within_timeout
echo "$OUT" | jq -e '.certain' >/dev/null || fail "did not stop early although certain: $OUT"
snapshot after
same_as before after
echo "a: $(echo "$OUT" | jq -c '[.findings[] | {method, ipv4, at_ms}]') in ${ELAPSED} ms (wall ${WALL_MS} ms)"

T=b-silent-profile
make_pair 192.168.2.15/24
snapshot before
discover
[ "$RC" = 0 ] || fail "exit $RC: $ERR"
has_finding arp-probe ipv4 192.168.2.15 || fail "no arp-probe answer from 192.168.2.15: $OUT"
echo "$OUT" | jq -e '.findings[] | select(.method == "arp-probe") | .profile == "maemo"' \
	>/dev/null || fail "the answer does not name the profile: $OUT"
echo "$OUT" | jq -e '.findings | map(select(.method == "arp-announce" or .method == "ipv4-traffic")) | length == 0' \
	>/dev/null || fail "a silent peer was seen announcing: $OUT"
# A profile's address answered within its first two rounds: no sweep (1536 ARP requests) on
# the link. On a busy host the peer's side of a veth can take longer to come up (its carrier
# is handled by a kernel work queue): then the sweep may go, but it stops when .15 answers and
# never comes round again.
at=$(echo "$OUT" | jq '[.findings[] | select(.method == "arp-probe") | .at_ms] | min // 99999')
if [ "$at" -lt 600 ]; then
	[ "$(peer_rx)" -lt 200 ] || fail "the peer received $(peer_rx) frames: the sweep went although .15 answered at $at ms"
else
	echo "b: .15 answered late ($at ms): the peer's side of the link came up late"
	[ "$(peer_rx)" -lt 1736 ] || fail "the peer received $(peer_rx) frames: the sweep went on after .15 answered at $at ms"
fi
within_timeout
snapshot after
same_as before after
echo "b: $(echo "$OUT" | jq -c '[.findings[] | {method, ipv4, ipv6, at_ms}]') in ${ELAPSED} ms (wall ${WALL_MS} ms)"
# The human table says the same
uh discover veth0 --force --timeout "$TIMEOUT"
[ "$RC" = 0 ] || fail "table: exit $RC: $ERR"
echo "$OUT" | grep -q "^arp-probe  *192.168.2.15  *profile maemo" || fail "table: $OUT"

T=c-silent-linklocal-noipv6
make_pair 169.254.0.1/16 noipv6
snapshot before
discover
[ "$RC" = 0 ] || fail "exit $RC: $ERR"
has_finding arp-probe ipv4 169.254.0.1 || fail "no arp-probe answer from 169.254.0.1: $OUT"
echo "$OUT" | jq -e '.findings[] | select(.method == "arp-probe") | .profile == "fobnail"' \
	>/dev/null || fail "the answer does not name the fobnail profile: $OUT"
echo "$OUT" | jq -e '[.findings[] | select(.method == "ipv6-all-nodes")] | length == 0' \
	>/dev/null || fail "IPv6 is off on this peer, yet it answered: $OUT"
within_timeout
snapshot after
same_as before after
echo "c: $(echo "$OUT" | jq -c '[.findings[] | {method, ipv4, at_ms}]') in ${ELAPSED} ms (wall ${WALL_MS} ms)"

T=d-silent-sweep
make_pair 10.77.0.2/24
snapshot before
discover
[ "$RC" = 0 ] || fail "exit $RC: $ERR"
has_finding arp-sweep ipv4 10.77.0.2 || fail "the sweep did not find 10.77.0.2: $OUT"
# The sweep stops once 10.77.0.2 answered (about halfway through its 1536 requests): the rest
# would be noise on the link.
[ "$(peer_rx)" -lt 1536 ] || fail "the peer received $(peer_rx) frames: the sweep went on after 10.77.0.2 answered"
within_timeout
snapshot after
same_as before after
echo "d: $(echo "$OUT" | jq -c '[.findings[] | {method, ipv4, ipv6, at_ms}]') in ${ELAPSED} ms (wall ${WALL_MS} ms)"

T=d2-silent-ipv6-only
make_pair 10.123.45.67/24
snapshot before
discover
[ "$RC" = 0 ] || fail "exit $RC: $ERR"
has_finding ipv6-all-nodes mac "$PEER_MAC" || fail "no IPv6 answer from $PEER_MAC: $OUT"
PEER_LL=$(ip -n "$P" -j addr show veth1 | jq -r '.[0].addr_info[] | select(.scope == "link") | .local')
has_finding ipv6-all-nodes ipv6 "$PEER_LL" || fail "not the peer's link-local $PEER_LL: $OUT"
echo "$OUT" | jq -e '[.findings[] | select(.ipv4)] | length == 0' >/dev/null ||
	fail "an IPv4 address was reported for a peer outside the probes: $OUT"
echo "$OUT" | jq -e '.certain == false' >/dev/null || fail "said certain without IPv4: $OUT"
within_timeout
snapshot after
same_as before after
echo "d2: $(echo "$OUT" | jq -c '[.findings[] | {method, ipv6, mac, at_ms}]') in ${ELAPSED} ms (wall ${WALL_MS} ms)"

T=e-dhcp-server
make_pair 172.16.42.1/24
ip netns exec "$P" dnsmasq --conf-file=/dev/null --keep-in-foreground --port=0 \
	--interface=veth1 --bind-interfaces --dhcp-range=172.16.42.2,172.16.42.2,255.255.255.0,1h \
	--dhcp-leasefile="$TMP/$T/leases" --pid-file="$TMP/$T/dnsmasq.pid" --no-ping \
	--log-facility="$TMP/$T/dnsmasq.log" --log-dhcp &
PIDS+=($!)
wait_until 30 dhcp_listens || fail "dnsmasq does not listen on port 67: $(cat "$TMP/$T/dnsmasq.log")"
snapshot before
discover
[ "$RC" = 0 ] || fail "exit $RC: $ERR"
echo "$OUT" | jq -e '.findings[] | select(.method == "dhcp-offer") | .server == "172.16.42.1" and .offered == "172.16.42.2" and .offered_prefix == 24' \
	>/dev/null || fail "no offer from 172.16.42.1 of 172.16.42.2/24: $OUT"
within_timeout
echo "$OUT" | jq -e '.certain' >/dev/null || fail "an offer did not end the probe: $OUT"
grep -q DHCPREQUEST "$TMP/$T/dnsmasq.log" && fail "a DHCPREQUEST reached the server"
[ -s "$TMP/$T/leases" ] && fail "the server recorded a lease: $(cat "$TMP/$T/leases")"
snapshot after
same_as before after
echo "e: $(echo "$OUT" | jq -c '[.findings[] | {method, ipv4, server, offered, at_ms}]') in ${ELAPSED} ms (wall ${WALL_MS} ms)"

T=f-nothing
make_pair "" noipv6
snapshot before
TIMEOUT=1.5
discover
[ "$RC" = 1 ] || fail "nothing answered, yet exit $RC: $OUT $ERR"
echo "$ERR" | grep -q "nothing answered within 1.5 s" || fail "no such message: $ERR"
within_timeout
# Nothing answered: it listened for the whole of its timeout, by its own clock.
[ "$ELAPSED" -ge 1500 ] || fail "gave up after ${ELAPSED} ms of a 1.5 s timeout"
echo "f: nothing answered; listened ${ELAPSED} ms (wall ${WALL_MS} ms)"
snapshot after
same_as before after
TIMEOUT=5

T=link-up-before
# A link that was up stays up, with what it had.
make_pair 192.168.2.15/24
ip -n "$H" link set veth0 up
snapshot before
discover
[ "$RC" = 0 ] || fail "exit $RC: $ERR"
snapshot after
same_as before after

T=usage
make_pair ""
uh discover veth0
[ "$RC" = 2 ] || fail "a veth without --force: exit $RC, not 2: $ERR"
echo "$ERR" | grep -q "not a USB network peer" || fail "no reason given: $ERR"
uh discover nosuch0 --force
[ "$RC" = 3 ] || fail "no such interface: exit $RC, not 3: $ERR"
uh discover veth0 --force --timeout 0
[ "$RC" = 2 ] || fail "--timeout 0: exit $RC, not 2"
uh discover veth0 --force --timeout abc
[ "$RC" = 2 ] || fail "--timeout abc: exit $RC, not 2"
uh discover
[ "$RC" = 2 ] || fail "no interface: exit $RC, not 2"
ip -n "$H" -j link show veth0 | grep -q '"UP"' && fail "a refused discover set veth0 up"

# ---- up --auto -------------------------------------------------------------------------------

has_addr() { ip -n "$H" -j addr show dev veth0 | grep -q "\"local\":\"$1\",\"prefixlen\":$2"; }

up_auto() { # its wall time (printed, not judged) in WALL_MS
	local t0
	t0=${EPOCHREALTIME/./}
	uh up veth0 --force --auto
	WALL_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
}

T=auto-b-profile
make_pair 192.168.2.15/24
snapshot before
up_auto
[ "$RC" = 0 ] || fail "up --auto: exit $RC: $OUT $ERR"
has_addr 192.168.2.14 24 || fail "no 192.168.2.14/24: $(ip -n "$H" -br addr)"
echo "$OUT" | grep -q "peer 192.168.2.15 answered" || fail "the peer did not answer: $OUT"
ip netns exec "$H" ping -c1 -W2 192.168.2.15 >/dev/null || fail "no ping to the peer"
grep -qx "discovered arp-probe profile" "$RUN/veth0.state" || fail "record: $(cat "$RUN/veth0.state")"
grep -qx "step link-up" "$RUN/veth0.state" || fail "the link-up step is not recorded"
echo "auto b: $OUT (${WALL_MS} ms)"
uh up veth0 --force --auto
echo "$OUT" | grep -q "already configured" || fail "second up --auto: $OUT"
uh show veth0 --json
echo "$OUT" | jq -e '.discovered == "arp-probe profile"' >/dev/null || fail "show: $OUT"
uh down veth0
[ "$RC" = 0 ] || fail "down: exit $RC: $ERR"
snapshot after
same_as before after

T=auto-d-lowest-free
# 10.77.0.1 is taken by a second address on the peer: the host must not take it.
make_pair 10.77.0.2/24
ip -n "$P" addr add 10.77.0.1/24 dev veth1
snapshot before
up_auto
[ "$RC" = 0 ] || fail "up --auto: exit $RC: $OUT $ERR"
has_addr 10.77.0.3 24 || fail "not 10.77.0.3/24 (10.77.0.1 is taken): $(ip -n "$H" -br addr)"
ip netns exec "$H" ping -c1 -W2 10.77.0.2 >/dev/null || fail "no ping to the peer"
grep -qx "discovered arp-sweep lowest-free" "$RUN/veth0.state" ||
	grep -qx "discovered arp-probe lowest-free" "$RUN/veth0.state" ||
	fail "record: $(cat "$RUN/veth0.state")"
echo "auto d: $OUT (${WALL_MS} ms)"
uh down veth0
snapshot after
same_as before after

T=auto-c-linklocal
make_pair 169.254.0.1/16 noipv6
up_auto
[ "$RC" = 0 ] || fail "up --auto: exit $RC: $OUT $ERR"
has_addr 169.254.0.8 16 || fail "not the fobnail profile's 169.254.0.8/16: $(ip -n "$H" -br addr)"
ip netns exec "$H" ping -c1 -W2 169.254.0.1 >/dev/null || fail "no ping to the peer"
echo "auto c: $OUT (${WALL_MS} ms)"

T=auto-late-carrier
# The device brings its side up 6 s after the link appeared (a booting board), later than
# discovery's 5 s: up --auto waits for the carrier, says so in the record meanwhile, and its
# timeout counts from the carrier: the peer is found (not a link-local fallback).
make_pair 10.78.0.2/24
ip -n "$P" link set veth1 down
ip netns exec "$H" "$USBNET_HOST" up veth0 --force --auto --run-dir "$RUN" \
	>"$TMP/$T/late.out" 2>&1 &
late_pid=$!
waiting=
for _ in $(seq 50); do
	uh show veth0 --json
	if echo "$OUT" | jq -e '.message | test("waiting for carrier")' >/dev/null 2>&1; then
		waiting=yes
		break
	fi
	sleep 0.1
done
[ -n "$waiting" ] || fail "show did not say 'waiting for carrier' while up --auto waited: $OUT"
sleep 6
kill -0 "$late_pid" 2>/dev/null || fail "up --auto gave up before the carrier came: $(cat "$TMP/$T/late.out")"
ip -n "$P" link set veth1 up
wait "$late_pid"
RC=$?
[ "$RC" = 0 ] || fail "up --auto: exit $RC: $(cat "$TMP/$T/late.out")"
has_addr 10.78.0.1 24 || fail "not 10.78.0.1/24 (the peer's subnet): $(ip -n "$H" -br addr)"
ip netns exec "$H" ping -c1 -W2 10.78.0.2 >/dev/null || fail "no ping to the peer"
uh show veth0 --json
echo "$OUT" | jq -e '.state == "configured" and (.message // "" | test("waiting") | not)' >/dev/null ||
	fail "show after the carrier came: $OUT"
echo "auto late carrier: $(cat "$TMP/$T/late.out")"
uh down veth0

T=auto-d2-nothing-ipv4
# Only IPv6 answers: an RFC 3927 link-local address, nobody to check.
make_pair 10.123.45.67/24
up_auto
[ "$RC" = 0 ] || fail "up --auto: exit $RC: $OUT $ERR"
ip -n "$H" -j addr show dev veth0 | jq -e '[.[0].addr_info[] | select(.family == "inet" and (.local | startswith("169.254.")) and .prefixlen == 16)] | length == 1' \
	>/dev/null || fail "no link-local address: $(ip -n "$H" -br addr)"
grep -qx "discovered none link-local" "$RUN/veth0.state" || fail "record: $(cat "$RUN/veth0.state")"
grep -q "no peer answered; the host has 169.254.*(degraded)" <<<"$OUT" || fail "up --auto that found nothing does not say degraded: $OUT"
echo "auto d2: $OUT (${WALL_MS} ms)"

T=auto-e-dhcp-no-nm
# A DHCP server and no NetworkManager to take the lease: nothing done, the host as it was.
make_pair 172.16.42.1/24
ip netns exec "$P" dnsmasq --conf-file=/dev/null --keep-in-foreground --port=0 \
	--interface=veth1 --bind-interfaces --dhcp-range=172.16.42.2,172.16.42.2,255.255.255.0,1h \
	--dhcp-leasefile="$TMP/$T/leases" --pid-file="$TMP/$T/dnsmasq.pid" --no-ping \
	--log-facility="$TMP/$T/dnsmasq.log" --log-dhcp &
PIDS+=($!)
wait_until 30 dhcp_listens || fail "dnsmasq does not listen on port 67: $(cat "$TMP/$T/dnsmasq.log")"
snapshot before
up_auto
[ "$RC" = 0 ] || fail "up --auto: exit $RC: $OUT $ERR"
echo "$OUT" | grep -q "nothing to do" || fail "not 'nothing to do': $OUT"
[ -e "$RUN/veth0.state" ] && fail "a record was left: $(cat "$RUN/veth0.state")"
grep -q DHCPREQUEST "$TMP/$T/dnsmasq.log" && fail "a DHCPREQUEST reached the server"
snapshot after
same_as before after

T=auto-usage
make_pair ""
uh up veth0 --force --auto --address 10.0.0.1/24
[ "$RC" = 2 ] || fail "--auto with --address: exit $RC, not 2"

if [ "$fails" -gt 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
echo "PASS"
