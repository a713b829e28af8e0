#!/bin/bash
# Scenario 13: a gadget whose IDs no profile knows (1209:0001, ECM) at 10.77.0.2/24, silent in
# IPv4 until asked (IPv6 stays on, as on a Linux gadget: discovery may use it, and reports it).
# `discover` finds its address by the ARP sweep and leaves the link as it was (down);
# `up --auto` takes 10.77.0.1/24, the lowest free address of its /24, and the peer answers
# ping; `down` undoes it. Then the watcher, with a [peer] group that says mode=auto for these
# IDs, does the same by itself when the gadget is plugged again.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
CONF=/etc/usbnet-host/usbnet-host.conf
[ -e "$CONF" ] && fail "$CONF exists already; this scenario writes its own"
trap 'rm -f "$CONF"' EXIT
# Without NetworkManager: it would take an unknown peer under usbnet-host's untrusted DHCP
# profile and set its link up (scenario 04's subject), and this one starts from a down link.
nm_stop

link_down() {
	local flags
	flags=$(cat "/sys/class/net/$1/flags")
	(((flags & 1) == 0))
}

step "plug a gadget with unknown IDs at 10.77.0.2/24"
peer_plug unknown
i=$PEER_IF
assert_eq "list --json: $i mode" ignore "$(peer_field "$i" mode)"
assert_cmd "$i is down before discover" link_down "$i"

step "usbnet-host discover $i"
t0=$EPOCHREALTIME
uh_ok discover "$i" --json
t1=$EPOCHREALTIME
assert_match "found 10.77.0.2 by the ARP sweep" '"method":"arp-sweep","ipv4":"10.77.0.2"' "$UH_OUT"
ms=$(echo "$UH_OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["elapsed_ms"])')
log "discover took $ms ms by its own count, $(( (${t1/./} - ${t0/./}) / 1000 )) ms of wall time"
[ "$ms" -le 5200 ] || fail "discover took $ms ms, over its 5 s default timeout"
assert_cmd "$i is down again after discover" link_down "$i"
assert_cmd "no IPv4 address on $i" test -z "$(ip -4 -o addr show dev "$i")"

step "usbnet-host up $i --auto"
uh_ok up "$i" --auto
assert_cmd "$i has 10.77.0.1/24" has_addr "$i" 10.77.0.1/24
expect_within 5 "the peer answers ping at 10.77.0.2" pings 10.77.0.2
assert_eq "list --json: $i state" configured "$(peer_field "$i" state)"
assert_eq "list --json: $i discovered" "arp-sweep lowest-free" "$(peer_field "$i" discovered)"
uh_ok down "$i"
assert_cmd "10.77.0.1/24 is gone" has_no_addr "$i" 10.77.0.1/24
assert_cmd "$i is down again" link_down "$i"

step "the watcher, with [peer unknown] mode=auto; plug the gadget again"
mkdir -p /etc/usbnet-host
printf '[peer unknown]\nusb=1209:0001\nmode=auto\n' >"$CONF"
watch_start
peer_unplug unknown
peer_replug unknown
i=$PEER_IF
expect_within 15 "the watcher configured $i with 10.77.0.1/24" has_addr "$i" 10.77.0.1/24
expect_within 5 "the peer answers ping at 10.77.0.2" pings 10.77.0.2
expect_within 5 "the watcher logged how" watch_logged "$i: plugged: addresses discovered: arp-sweep lowest-free"
