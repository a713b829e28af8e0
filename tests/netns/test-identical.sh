#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Identical peers side by side (issue 18): three "devices" with the same address, 192.168.2.15/24
# (veths whose far ends are in namespaces of their own), each answering TCP and UDP with its
# own identity. After up of all three, the host reaches each one at its reach address (the
# first at 192.168.2.15, the others at aliases from the pool) by ping, TCP and UDP, from
# plain programs, and gets that peer's identity back; down of the middle one leaves the two
# others reachable; down --all leaves the host's routes, rules, ruleset and links as they
# were, byte for byte. Strict reverse-path filtering is on, as on many hosts. NAME.usbnet
# resolves through the NSS module of the build tree (when USBNET_NSS_DIR is given).
#
# Env: USBNET_HOST (the built usbnet-host), USBNET_NSS_DIR (the directory of the built
# libnss_usbnet.so.2; optional).
set -u

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
: "${USBNET_HOST:?the built usbnet-host}"
for t in socat nft ping; do
	command -v "$t" >/dev/null || {
		echo "FAIL: $t is missing (scripts/install-deps)"
		exit 1
	}
done

H="usbnet-id-$$-h"
TMP=$(mktemp -d /tmp/usbnet-identical-XXXXXX)
RUN="$TMP/run"
NSS=("$H")
fails=0
cleanup() {
	for ns in "${NSS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
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
hx() { ip netns exec "$H" "$@"; }

snapshot() { # $1: name
	hx ip -j route show table all >"$TMP/$1.route"
	hx ip -j rule >"$TMP/$1.rule"
	hx nft list ruleset >"$TMP/$1.nft"
	hx ip -j link >"$TMP/$1.link"
	hx ip -j addr >"$TMP/$1.addr"
	hx sysctl -a 2>/dev/null | grep -E '^net\.ipv4\.conf\..*\.rp_filter' >"$TMP/$1.sysctl"
}
same_as() {
	local what
	for what in route rule nft link addr sysctl; do
		cmp -s "$TMP/$1.$what" "$TMP/$2.$what" || {
			fail "$what differs between $1 and $2"
			diff <(tr ',' '\n' <"$TMP/$1.$what") <(tr ',' '\n' <"$TMP/$2.$what") | head -20
		}
	done
}

ip netns add "$H" || exit 1
hx ip link set lo up
hx sysctl -qw net.ipv4.conf.all.rp_filter=1
: >"$TMP/conf"
for d in a b c; do
	P="usbnet-id-$$-$d"
	NSS+=("$P")
	ip netns add "$P" || exit 1
	hx ip link add "usb-$d" type veth peer name eth0 netns "$P" || exit 1
	hx ip link set "usb-$d" up
	hx ip link set "usb-$d" down
	ip -n "$P" link set lo up
	ip -n "$P" link set eth0 up
	ip -n "$P" addr add 192.168.2.15/24 dev eth0
	# each answers with its own identity, on TCP 7000 and UDP 7001
	ip netns exec "$P" socat TCP-LISTEN:7000,fork,reuseaddr SYSTEM:"echo peer-$d" &
	# (UDP: the answer reads the datagram first; an echo that ended before socat wrote the
	# datagram to it made socat stop on EPIPE without answering, on a busy host)
	ip netns exec "$P" socat UDP-RECVFROM:7001,fork SYSTEM:"read -r _; echo peer-$d" &
	mac=$(hx cat "/sys/class/net/usb-$d/address")
	printf '[peer dev-%s]\nmac=%s\nmode=static\naddress=192.168.2.14/24\npeer=192.168.2.15\n\n' \
		"$d" "$mac" >>"$TMP/conf"
done
sleep 0.3
snapshot before

declare -A REACH
for d in a b c; do
	uh up "usb-$d" --force --wait 30
	[ "$RC" = 0 ] || fail "up usb-$d: exit $RC: $OUT"
	uh show "dev-$d" --json
	REACH[$d]=$(echo "$OUT" | sed -n 's/.*"reach_address":"\([0-9.]*\)".*/\1/p')
	[ -n "${REACH[$d]}" ] || fail "show dev-$d has no reach_address: $OUT"
	echo "$OUT" | grep -q '"state":"configured"' || fail "dev-$d is not configured: $OUT"
done
echo "reach: a=${REACH[a]} b=${REACH[b]} c=${REACH[c]}"
[ "${REACH[a]}" = 192.168.2.15 ] || fail "the first peer is not reached at its own address"
[ "${REACH[b]}" != 192.168.2.15 ] && [ "${REACH[c]}" != 192.168.2.15 ] &&
	[ "${REACH[b]}" != "${REACH[c]}" ] || fail "the others have no aliases of their own"
uh list --json
[ "$(echo "$OUT" | grep -o '"reach_address":"[0-9.]*"' | sort -u | wc -l)" = 3 ] ||
	fail "list --json does not give three reach addresses: $OUT"

reaches() { # $1: device letter; $2: what (for the message)
	local d=$1 a=${REACH[$1]} got
	hx ping -c1 -W10 "$a" >/dev/null || fail "$2: no ping to dev-$d at $a"
	# socat gives up 0.5 s after its stdin ends (-t): too short for a forked echo on a busy
	# host. TCP: the peer closes when it has answered. UDP has no end: one datagram, one
	# answer awaited (both bounded, both end when answered).
	got=$(hx timeout 40 socat -t 30 -T 30 - "TCP:$a:7000" </dev/null 2>&1)
	[ "$got" = "peer-$d" ] || fail "$2: TCP to $a answered '$got', not peer-$d"
	got=$(hx timeout 40 python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(30)
s.sendto(b"hello\n", (sys.argv[1], 7001))
print(s.recv(100).decode().strip())' "$a" 2>&1)
	[ "$got" = "peer-$d" ] || fail "$2: UDP to $a answered '$got', not peer-$d"
	if [ -n "${USBNET_NSS_DIR:-}" ]; then
		got=$(nss_getent "dev-$d.usbnet")
		[ "$got" = "$a" ] || fail "$2: getent hosts dev-$d.usbnet gave '$got', not $a"
	fi
}

# getent through the build tree's NSS module: a mount namespace where /etc/nsswitch.conf
# says "hosts: usbnet", and the module found by LD_LIBRARY_PATH.
nss_getent() {
	printf 'hosts: usbnet\n' >"$TMP/nsswitch.conf"
	hx unshare -m sh -c "mount --bind '$TMP/nsswitch.conf' /etc/nsswitch.conf &&
		USBNET_HOST_RUN_DIR='$RUN' LD_LIBRARY_PATH='$USBNET_NSS_DIR' getent hosts '$1'" |
		awk '{print $1}'
}

for d in a b c; do reaches "$d" "all three up"; done

uh down dev-b
[ "$RC" = 0 ] || fail "down dev-b: exit $RC: $OUT"
for d in a c; do reaches "$d" "after down of dev-b"; done
hx ping -c1 -W1 "${REACH[b]}" >/dev/null 2>&1 && fail "dev-b's alias still answers"

uh down --all
[ "$RC" = 0 ] || fail "down --all: exit $RC: $OUT"
snapshot after
same_as before after

[ "$fails" -eq 0 ] && echo "PASS: identical peers" && exit 0
exit 1
