#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# up and down for real, over rtnetlink, in throw-away network namespaces: a veth pair stands in
# for the USB link, its far end in a "peer" namespace. Needs root; no NetworkManager needed.
#
# Env: USBNET_HOST (the built usbnet-host), USBNET_SRC (the source tree).
set -u

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
: "${USBNET_HOST:?the built usbnet-host}"
: "${USBNET_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
# shellcheck source=helpers/pair.sh
. "$USBNET_SRC/tests/netns/helpers/pair.sh"

PFX="usbnet-t-$$"
TMP=$(mktemp -d /tmp/usbnet-updown-XXXXXX)
NSS=()
fails=0

cleanup() {
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

uh() { # usbnet-host in the host namespace; output in $OUT, status in $RC
	OUT=$(ip netns exec "$H" "$USBNET_HOST" "$@" --run-dir "$RUN" 2>&1)
	RC=$?
}

has_addr() { ip -n "$H" -j addr show dev veth0 | grep -q "\"local\":\"$1\",\"prefixlen\":$2"; }

T=roundtrip
make_pair 192.168.2.15/24
snapshot before
uh up veth0 --force --address 192.168.2.14/24 --peer 192.168.2.15 --wait 30
[ "$RC" = 0 ] || fail "up: exit $RC: $OUT"
echo "$OUT" | grep -q "answered in" || fail "the peer did not answer: $OUT"
has_addr 192.168.2.14 24 || fail "no 192.168.2.14/24 on veth0"
ip -n "$H" -j link show veth0 | grep -q '"UP"' || fail "veth0 is not up"
ip netns exec "$H" ping -c1 -W2 192.168.2.15 >/dev/null || fail "no ping to the peer"
grep -qx "state configured" "$RUN/veth0.state" || fail "not recorded as configured"
grep -q "^rtt_us [0-9]" "$RUN/veth0.state" || fail "no round-trip time recorded"
# show reports a --force interface that has a record: state, address, round-trip time
uh show veth0 --json
[ "$RC" = 0 ] || fail "show: exit $RC: $OUT"
echo "$OUT" | grep -q '"state":"configured"' || fail "show does not say configured: $OUT"
echo "$OUT" | grep -q '"host_address":"192.168.2.14/24"' || fail "show lacks the address: $OUT"
echo "$OUT" | grep -q '"rtt_ms":[0-9]' || fail "show lacks the round-trip time: $OUT"
uh down veth0
[ "$RC" = 0 ] || fail "down: exit $RC: $OUT"
snapshot after
same_as before after
[ -e "$RUN/veth0.state" ] && fail "the state record is still there"

T=second-up
make_pair 192.168.2.15/24
uh up veth0 --force --address 192.168.2.14/24 --peer 192.168.2.15 --wait 30
[ "$RC" = 0 ] || fail "up: exit $RC: $OUT"
snapshot first
uh up veth0 --force --address 192.168.2.14/24 --peer 192.168.2.15 --wait 30
[ "$RC" = 0 ] || fail "second up: exit $RC: $OUT"
echo "$OUT" | grep -q "already configured" || fail "second up did not say so: $OUT"
snapshot second
same_as first second

T=user-address
make_pair 192.168.2.15/24
snapshot before
uh up veth0 --force --address 192.168.2.14/24 --peer 192.168.2.15 --wait 30
[ "$RC" = 0 ] || fail "up: exit $RC: $OUT"
# one in our subnet (a secondary of ours: the kernel would take it with ours) and one outside
ip -n "$H" addr add 192.168.2.99/24 dev veth0
ip -n "$H" addr add 10.44.0.1/16 dev veth0
uh down veth0
[ "$RC" = 0 ] || fail "down: exit $RC: $OUT"
has_addr 192.168.2.99 24 || fail "the user's 192.168.2.99/24 is gone"
has_addr 10.44.0.1 16 || fail "the user's 10.44.0.1/16 is gone"
has_addr 192.168.2.14 24 && fail "192.168.2.14/24 is still there"
ip -n "$H" -j link show veth0 | grep -q '"UP"' && fail "veth0 was left up"
ip netns exec "$H" sysctl -n net.ipv4.conf.veth0.promote_secondaries | grep -qx 0 ||
	fail "promote_secondaries was not given back"
ip -n "$H" addr del 192.168.2.99/24 dev veth0
ip -n "$H" addr del 10.44.0.1/16 dev veth0
snapshot after
same_as before after

T=route
# The peer outside the host's subnet: a /32 route to it, removed by down.
make_pair 10.77.0.1/32
ip -n "$P" route add 192.168.2.0/24 dev veth1
snapshot before
uh up veth0 --force --address 192.168.2.14/24 --peer 10.77.0.1 --wait 30
[ "$RC" = 0 ] || fail "up: exit $RC: $OUT"
ip -n "$H" -j route | grep -q '"dst":"10.77.0.1","dev":"veth0","protocol":"static","scope":"link"' ||
	fail "no route to the peer: $(ip -n "$H" route)"
echo "$OUT" | grep -q "answered in" || fail "the peer did not answer: $OUT"
uh down veth0
snapshot after
same_as before after

T=not-a-peer
make_pair 192.168.2.15/24
snapshot before
uh up veth0 --address 192.168.2.14/24 --peer 192.168.2.15 --wait 1
[ "$RC" = 2 ] || fail "up without --force: exit $RC, not 2: $OUT"
echo "$OUT" | grep -q -- "--force" || fail "no hint about --force: $OUT"
snapshot after
same_as before after

T=clash
make_pair 192.168.2.15/24
ip -n "$H" link add lan0 type veth peer name lan1
ip -n "$H" addr add 192.168.2.1/24 dev lan0
snapshot before
uh up veth0 --force --address 192.168.2.14/24 --peer 192.168.2.15 --wait 1
[ "$RC" = 2 ] || fail "clashing subnet: exit $RC, not 2: $OUT"
echo "$OUT" | grep -q "192.168.2.1/24 on lan0" || fail "the clash is not named: $OUT"
snapshot after
same_as before after
[ -e "$RUN/veth0.state" ] && fail "a state record was left"

T=bad-input
make_pair 192.168.2.15/24
snapshot before
for args in "--address 192.168.2.14/24 --peer 192.168.2.14" "--address 192.168.2.0/24" \
	"--address 192.168.2.255/24"; do
	# shellcheck disable=SC2086
	uh up veth0 --force $args --wait 0
	[ "$RC" = 2 ] || fail "up $args: exit $RC, not 2: $OUT"
done
uh up nosuchif0 --force --address 192.168.2.14/24
[ "$RC" = 3 ] || fail "no such interface: exit $RC, not 3: $OUT"
snapshot after
same_as before after

T=degraded
make_pair "" # nobody answers
uh up veth0 --force --address 192.168.2.14/24 --peer 192.168.2.15 --wait 1
[ "$RC" = 0 ] || fail "up: exit $RC: $OUT"
echo "$OUT" | grep -q "did not answer within 1 s" || fail "not reported as degraded: $OUT"
grep -qx "state degraded" "$RUN/veth0.state" || fail "not recorded as degraded"
has_addr 192.168.2.14 24 || fail "a degraded peer was rolled back"
uh down veth0

T=damaged-record
make_pair 192.168.2.15/24
uh up veth0 --force --address 192.168.2.14/24 --peer 192.168.2.15 --wait 0
snapshot up
head -c 40 "$RUN/veth0.state" >"$RUN/veth0.state.cut" && mv "$RUN/veth0.state.cut" "$RUN/veth0.state"
uh down veth0
[ "$RC" = 2 ] || fail "down of a truncated record: exit $RC, not 2: $OUT"
echo "$OUT" | grep -q "veth0.state" || fail "the record is not named: $OUT"
snapshot after
same_as up after

T=replug
make_pair 192.168.2.15/24
uh up veth0 --force --address 192.168.2.14/24 --peer 192.168.2.15 --wait 0
# unplug and plug: a new interface of the same name
ip -n "$H" link del veth0
ip -n "$H" link add veth0 type veth peer name veth1b netns "$P"
ip -n "$H" link set veth0 up && ip -n "$H" link set veth0 down
snapshot before
uh down veth0
[ "$RC" = 0 ] || fail "down after replug: exit $RC: $OUT"
[ -e "$RUN/veth0.state" ] && fail "the stale record is still there"
snapshot after
same_as before after

T=unplugged
make_pair 192.168.2.15/24
uh up veth0 --force --address 192.168.2.14/24 --peer 192.168.2.15 --wait 0
[ -e "$RUN/veth0.lock" ] || fail "up left no lock file (the check below would prove nothing)"
ip -n "$H" link del veth0 # unplugged for good
# A read changes nothing (issue 14): list reports the record as vanished and keeps it; the
# next up or down, down --all and the watcher release it (usbnet_prune).
uh list --json
[ "$RC" = 0 ] || fail "list: exit $RC: $OUT"
echo "$OUT" | grep -q '"state": *"vanished"' || fail "list does not report veth0 as vanished: $OUT"
[ -e "$RUN/veth0.state" ] || fail "list removed the record of an interface that is gone"
uh down --all
[ "$RC" = 0 ] || fail "down --all: exit $RC: $OUT"
[ -e "$RUN/veth0.state" ] && fail "down --all left the record of an interface that is gone"
[ -e "$RUN/veth0.lock" ] && fail "down --all left the lock file of an interface that is gone"

if [ "$fails" -gt 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
echo "all passed"
