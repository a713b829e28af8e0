#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A peer's name (issue 18): up gives the interface the peer's name as an altname (here a
# [peer] group's, matched by the veth's MAC), every command takes the name for the interface,
# and down takes the altname away with the rest. Needs root; veths in throw-away namespaces.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
: "${USBNET_HOST:?the built usbnet-host}"

H="usbnet-nm-$$-h"
P="usbnet-nm-$$-p"
TMP=$(mktemp -d /tmp/usbnet-names-XXXXXX)
RUN="$TMP/run"
fails=0
cleanup() {
	ip netns del "$H" 2>/dev/null
	ip netns del "$P" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
uh() { # usbnet-host in the host namespace; output in $OUT, status in $RC
	OUT=$(ip netns exec "$H" "$USBNET_HOST" "$@" --config "$TMP/conf" --run-dir "$RUN" 2>&1)
	RC=$?
}

ip netns add "$H" && ip netns add "$P" || exit 1
ip -n "$H" link add veth0 type veth peer name veth1 netns "$P" || exit 1
ip -n "$H" link set veth0 up && ip -n "$H" link set veth0 down
ip -n "$P" link set lo up
ip -n "$P" link set veth1 up
ip -n "$P" addr add 192.168.2.15/24 dev veth1
mac=$(cat "/proc/$$/root/sys/class/net/veth0/address" 2>/dev/null ||
	ip netns exec "$H" cat /sys/class/net/veth0/address)
cat >"$TMP/conf" <<CONF
[peer Lab_Board]
mac=$mac
mode=static
address=192.168.2.14/24
peer=192.168.2.15
CONF
ip -n "$H" -j link >"$TMP/before.link"

uh up veth0 --force --wait 30
[ "$RC" = 0 ] || fail "up: exit $RC: $OUT"
ip -n "$H" link show lab-board >/dev/null 2>&1 || fail "no interface answers to lab-board"
ip -n "$H" -j link show veth0 | grep -q '"altnames":\["lab-board"\]' ||
	fail "veth0 has not the altname lab-board: $(ip -n "$H" -j link show veth0)"
ip netns exec "$H" ping -c1 -W2 -I lab-board 192.168.2.15 >/dev/null || fail "ping -I lab-board"
grep -qx "step altname lab-board" "$RUN/veth0.state" || fail "the altname is not recorded"

for n in lab-board lab-board.usbnet; do
	uh show "$n" --json
	[ "$RC" = 0 ] || fail "show $n: exit $RC: $OUT"
	echo "$OUT" | grep -q '"ifname":"veth0"' || fail "show $n is not veth0's: $OUT"
	echo "$OUT" | grep -q '"name":"lab-board"' || fail "show $n has no name: $OUT"
done
uh show lab-board
echo "$OUT" | grep -Eq '^  name +lab-board$' || fail "show prints no name: $OUT"
uh list
echo "$OUT" | grep -Eq "^veth0 .* lab-board( |$)" || fail "list does not name veth0 lab-board: $OUT"
uh up lab-board --force --wait 30
echo "$OUT" | grep -q "already configured" || fail "up by name is not the same peer: $OUT"
# a name nobody has, too long to be an interface's: bad input, nothing changed
uh show no-such-peer-by-this-name
[ "$RC" = 2 ] || fail "show of an unknown long name: exit $RC, expected 2: $OUT"
uh down no-such-peer-by-this-name
[ "$RC" = 2 ] || fail "down of an unknown long name: exit $RC, expected 2: $OUT"

uh down lab-board
[ "$RC" = 0 ] || fail "down lab-board: exit $RC: $OUT"
echo "$OUT" | grep -q "^veth0: undone" || fail "down by name did not undo veth0: $OUT"
ip -n "$H" link show lab-board >/dev/null 2>&1 && fail "the altname lab-board is still there"
ip -n "$H" -j link >"$TMP/after.link"
cmp -s "$TMP/before.link" "$TMP/after.link" || {
	fail "ip -j link differs after down"
	diff <(tr ',' '\n' <"$TMP/before.link") <(tr ',' '\n' <"$TMP/after.link") | head
}
[ -e "$RUN/veth0.state" ] && fail "the state record is still there"

# A name another interface holds already: up still works, without the name.
ip -n "$H" link add dummy0 type veth peer name dummy1
ip -n "$H" link property add dev dummy0 altname lab-board
uh up veth0 --force --wait 30
[ "$RC" = 0 ] || fail "up with its name taken: exit $RC: $OUT"
ip -n "$H" -j link show dummy0 | grep -q '"altnames":\["lab-board"\]' || fail "dummy0 lost its name"
grep -q "^step altname" "$RUN/veth0.state" && fail "someone else's name recorded as ours"
uh down veth0
ip -n "$H" -j link show dummy0 | grep -q '"altnames":\["lab-board"\]' ||
	fail "down took dummy0's name"

[ "$fails" -eq 0 ] && echo "PASS: names" && exit 0
exit 1
