#!/bin/bash
# Scenario 13: a gadget whose IDs no profile knows (1209:0001, ECM) at 10.77.0.2/24, silent in
# IPv4 until asked (IPv6 stays on, as on a Linux gadget: discovery may use it, and reports it).
# NetworkManager runs, as on a desktop: with no plan for the gadget, it keeps managing it under
# usbnet-host's untrusted DHCP profile (the link up, no lease: the gadget serves none).
# `discover` finds the gadget's address by the ARP sweep and leaves the link as it was (up,
# no IPv4 address); `up --auto` takes it from NetworkManager, takes 10.77.0.1/24 (the lowest
# free address of its /24), and the peer answers ping; `down` gives it back. Then the watcher,
# with a [peer] group that says mode=auto for these IDs, does the same by itself when the
# gadget is plugged again.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
CONF=/etc/usbnet-host/usbnet-host.conf
[ -e "$CONF" ] && fail "$CONF exists already; this scenario writes its own"
trap 'rm -f "$CONF"' EXIT
nm_start

link_up() {
	local flags
	flags=$(cat "/sys/class/net/$1/flags")
	(((flags & 1) == 1))
}
nm_has_it_up() { nm_managed "$1" && link_up "$1"; }
no_ipv4() { [ -z "$(ip -4 -o addr show dev "$1")" ]; }

step "plug a gadget with unknown IDs at 10.77.0.2/24"
peer_plug unknown
i=$PEER_IF
assert_eq "list --json: $i mode" ignore "$(peer_field "$i" mode)"
expect_within 60 "NetworkManager manages $i and has set it up" nm_has_it_up "$i"

step "usbnet-host discover $i"
t0=$EPOCHREALTIME
uh_ok discover "$i" --json
t1=$EPOCHREALTIME
assert_match "found 10.77.0.2 by the ARP sweep" '"method":"arp-sweep","ipv4":"10.77.0.2"' "$UH_OUT"
read -r ms tmo <<<"$(echo "$UH_OUT" | python3 -c 'import json,sys; r = json.load(sys.stdin); print(r["elapsed_ms"], r["timeout_ms"])')"
log "discover took $ms ms by its own count (timeout $tmo ms), $(((${t1/./} - ${t0/./}) / 1000)) ms of wall time"
# A wide bound, not a figure: it stops at its timeout, by its own clock; twice that is a
# deadline not kept.
[ "$ms" -le $((2 * tmo)) ] || fail "discover listened $ms ms, over twice its timeout of $tmo ms"
assert_cmd "$i is still up" link_up "$i"
assert_cmd "no IPv4 address on $i" no_ipv4 "$i"
assert_cmd "NetworkManager still manages $i" nm_managed "$i"

step "usbnet-host up $i --auto"
# --wait: how long up may wait for the peer's answer (it returns as soon as it has it).
uh_ok up "$i" --auto --wait 60
assert_cmd "$i has 10.77.0.1/24" has_addr "$i" 10.77.0.1/24
expect_within 30 "the peer answers ping at 10.77.0.2" pings 10.77.0.2
expect_within 30 "NetworkManager reports $i unmanaged" nm_unmanaged "$i"
assert_eq "list --json: $i state" configured "$(peer_field "$i" state)"
assert_eq "list --json: $i discovered" "arp-sweep lowest-free" "$(peer_field "$i" discovered)"
uh_ok down "$i"
assert_cmd "10.77.0.1/24 is gone" has_no_addr "$i" 10.77.0.1/24
expect_within 60 "NetworkManager manages $i again" nm_managed "$i"

step "the watcher, with [peer unknown] mode=auto; plug the gadget again"
mkdir -p /etc/usbnet-host
printf '[peer unknown]\nusb=1209:0001\nmode=auto\n' >"$CONF"
watch_start
peer_unplug unknown
peer_replug unknown
i=$PEER_IF
# up --auto's discovery alone takes 3.5-5.5 s natively, more under emulation.
expect_within 90 "the watcher configured $i with 10.77.0.1/24" has_addr "$i" 10.77.0.1/24
expect_within 30 "the peer answers ping at 10.77.0.2" pings 10.77.0.2
expect_within 30 "the watcher logged how" watch_logged "$i: plugged: addresses discovered: arp-sweep lowest-free"
assert_cmd "NetworkManager leaves $i alone (the udev rule's NM_UNMANAGED=1)" nm_unmanaged "$i"
