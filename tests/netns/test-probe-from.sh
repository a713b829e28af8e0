#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Raspberry Pi's probe (issue 16): its ics-watch ARP-asks for 10.42.0.1, the host's address
# on its link, from 10.12.194.1, its own shared-mode address. Linux answers only when
# reverse-path filtering accepts that sender. In throw-away namespaces, a host with no default
# route (an offline lab machine) and all.rp_filter=1 (strict), then =2 (loose, systemd's
# default), two "Pis" (veths matched by MAC, probe-from=10.12.194.0/28 as the rpi-gadget
# profile says; the veths match no USB profile):
#
# - with probe-from=no, up leaves the probe unanswered (what a host did before);
# - with probe-from, up answers both Pis' probes: the link's rp_filter is 2 when it was
#   strict, untouched when it was loose, and each link holds a route to 10.12.194.0/28 with
#   its own metric (the ifindex);
# - down gives routes and rp_filter settings back byte for byte;
# - a host whose own network holds 10.12.194.0/28 (a link with 10.12.194.5/28) gets no
#   such route, show says why, and the probe is answered through the host's own route.
#
# Shown to fail: with probe_from_steps()'s route step left out, "strict" and "loose" fail (no
# reply to either Pi); with its rpfilter step left out, "strict" fails on the link's rp_filter
# and "own-network" on the reply (strict filtering and the route on another link). On this
# kernel (6.x) strict filtering answered both Pis through their own link routes alone, the
# second one's at a higher metric too.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
: "${USBNET_HOST:?the built usbnet-host}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ASK="$HERE/helpers/arp-ask.py"
command -v python3 >/dev/null || { echo "FAIL: python3 is missing"; exit 1; }

PFX="ubh-pf-$$"
TMP=$(mktemp -d /tmp/usbnet-probe-from-XXXXXX)
RUN="$TMP/run"
NSS=()
fails=0
T=setup

cleanup() {
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
uh() { # usbnet-host in the host namespace; output in $OUT, status in $RC
	OUT=$(ip netns exec "$H" "$USBNET_HOST" "$@" --config "$TMP/conf" --run-dir "$RUN" 2>&1)
	RC=$?
}
hx() { ip netns exec "$H" "$@"; }
snapshot() { # $1: name
	hx ip -j route show table all >"$TMP/$1.route"
	hx sysctl -a 2>/dev/null | grep -E '^net\.ipv4\.conf\..*\.rp_filter' >"$TMP/$1.sysctl"
}
same_as() {
	local what
	for what in route sysctl; do
		cmp -s "$TMP/$1.$what" "$TMP/$2.$what" || {
			fail "$what differs between $1 and $2"
			diff <(tr ',' '\n' <"$TMP/$1.$what") <(tr ',' '\n' <"$TMP/$2.$what") | head -20
		}
	done
}
# ask PI: does the host answer PI's probe for 10.42.0.1 from 10.12.194.1?
ask() { ip netns exec "$PFX-$1" python3 "$ASK" eth0 10.12.194.1 10.42.0.1 "${2:-3}" >/dev/null; }
conf() { # $1: the probe-from= value
	: >"$TMP/conf"
	for pi in a b; do
		printf '[peer pi-%s]\nmac=%s\nmode=static\naddress=10.42.0.1/24\npeer=10.42.0.2\n' \
			"$pi" "$(hx cat "/sys/class/net/usb-$pi/address")" >>"$TMP/conf"
		printf 'dhcp-server=yes\nprobe-from=%s\n\n' "$1" >>"$TMP/conf"
	done
}
up_all() {
	local pi
	for pi in a b; do
		uh up "usb-$pi" --force --wait 0
		[ "$RC" = 0 ] || fail "up usb-$pi: exit $RC: $OUT"
	done
}
down_all() {
	local pi
	for pi in a b; do
		uh down "usb-$pi"
		[ "$RC" = 0 ] || fail "down usb-$pi: exit $RC: $OUT"
	done
}

# A fresh host for each case: $1 = all.rp_filter. Two Pis on usb-a and usb-b; no default route.
new_host() {
	local pi
	[ -n "${H:-}" ] && ip netns del "$H"
	for pi in a b; do ip netns del "$PFX-$pi" 2>/dev/null; done
	rm -rf "$RUN"
	H="$PFX-h$1"
	NSS+=("$H" "$PFX-a" "$PFX-b")
	ip netns add "$H" || exit 1
	hx ip link set lo up
	hx sysctl -qw net.ipv4.conf.all.rp_filter="$1" net.ipv4.conf.default.rp_filter=0
	for pi in a b; do
		ip netns add "$PFX-$pi" || exit 1
		ip -n "$PFX-$pi" link set lo up
		hx ip link add "usb-$pi" type veth peer name eth0 netns "$PFX-$pi" || exit 1
		ip -n "$PFX-$pi" link set eth0 up
		ip netns exec "$PFX-$pi" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	done
	hx ip route show default | grep -q . && fail "the host namespace has a default route"
}

for rp in 1 2; do
	[ "$rp" = 1 ] && T=strict || T=loose
	new_host "$rp"
	snapshot "before-$rp"

	# What a host did before: the address, no route to the probe's source.
	conf no
	up_all
	for pi in a b; do
		ask "$pi" 2 && fail "the host answered $pi's probe with probe-from=no (rp_filter=$rp)"
	done
	down_all
	snapshot "down-no-$rp"
	same_as "before-$rp" "down-no-$rp"

	conf 10.12.194.0/28
	up_all
	for pi in a b; do
		ask "$pi" 5 || fail "the host did not answer $pi's probe (all.rp_filter=$rp)"
		idx=$(hx cat "/sys/class/net/usb-$pi/ifindex")
		hx ip route show 10.12.194.0/28 dev "usb-$pi" | grep -q "metric $idx\b" ||
			fail "no route to 10.12.194.0/28 on usb-$pi with metric $idx: $(hx ip route)"
		own=$(hx sysctl -n "net.ipv4.conf.usb-$pi.rp_filter")
		want=$([ "$rp" = 1 ] && echo 2 || echo 0)
		[ "$own" = "$want" ] || fail "usb-$pi's rp_filter is $own, not $want"
	done
	down_all
	snapshot "down-$rp"
	same_as "before-$rp" "down-$rp"
	for pi in a b; do
		ask "$pi" 1 && fail "the host still answered $pi's probe after down"
	done
done

# The host's own network holds the prefix: no route of ours, said; answered through its own.
T="own-network"
new_host 1
# (a veth pair: kernels without the dummy module have veths all the same)
hx ip link add lab0 type veth peer name lab1 || exit 1
hx sysctl -qw net.ipv6.conf.lab0.disable_ipv6=1 net.ipv6.conf.lab1.disable_ipv6=1
hx ip addr add 10.12.194.5/28 dev lab0
hx ip link set lab1 up
hx ip link set lab0 up
snapshot before-own
conf 10.12.194.0/28
uh up usb-a --force --wait 0
[ "$RC" = 0 ] || fail "up usb-a: exit $RC: $OUT"
hx ip route show 10.12.194.0/28 | grep -q "dev usb-a" && fail "a route on usb-a: $(hx ip route)"
uh show usb-a
echo "$OUT" | grep -q "no route to the peer's probe source 10.12.194.0/28" ||
	fail "show does not say why there is no route: $OUT"
ask a 5 || fail "the host did not answer a's probe through its own route"
uh down usb-a
[ "$RC" = 0 ] || fail "down usb-a: exit $RC: $OUT"
snapshot down-own
same_as before-own down-own

if [ "$fails" != 0 ]; then
	echo "FAIL: $fails check(s) failed"
	exit 1
fi
echo "PASS: test-probe-from"
