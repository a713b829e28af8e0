#!/bin/bash
# Scenario 30: the Fobnail token has no IPv6 (its smoltcp logs "unrecognized packet" for every
# IPv6 frame), and the host sends it none. With NetworkManager running, the token plugged with
# no watcher stays down (NM_UNMANAGED=1 from the udev rule keeps NetworkManager off it, and the
# kernel never sets a link up by itself): nothing leaves the host on it. Then a capture on the
# token's side (an AF_PACKET socket in its namespace) runs from before the watcher configures
# it to after the last unplug, across two replugs: the watcher turns IPv6 off on the host's
# side (net.ipv6.conf.IF.disable_ipv6=1, recorded) before it sets the link up, each time; the
# token answers ping and its UDP echo (the capture sees the IPv4 frames), and the capture saw
# not one IPv6 frame from the host.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
FRAMES=$TESTBED_VM_DIR/../netns/helpers/frames.py
CAP=$TESTBED_RUN/fobnail-frames
nm_start

link_down() { ((($(cat "/sys/class/net/$1/flags") & 1) == 0)); }
ipv6_off_on() { [ "$(cat "/proc/sys/net/ipv6/conf/$1/disable_ipv6")" = 1 ]; }
configured() {
	record_state_is "$1" configured && has_addr "$1" 169.254.0.8/16 && ipv6_off_on "$1" &&
		grep -q '^step link-sysctl ipv6 disable_ipv6 1 0$' "$USBNET_RUN_DIR/$1.state"
}

step "plug the token with no watcher: nobody sets its link up"
peer_plug fobnail
i=$PEER_IF
log "udev: $(udevadm info -q property "/sys/class/net/$i" | grep -E '^(USBNET_HOST|NM_UNMANAGED)' | tr '\n' ' ')"
expect_steady 3 "$i stays down (NetworkManager keeps off it)" link_down "$i"
assert_cmd "and NetworkManager shows it unmanaged" nm_unmanaged "$i"

step "capture what the token receives, from now until the last unplug"
rm -f "$CAP" "$CAP.ready"
ip netns exec fobnail python3 "$FRAMES" any "$CAP" &
cap_pid=$!
expect_within 60 "the capture listens" test -e "$CAP.ready"

step "start the watcher: it configures the token present"
watch_start
expect_within 60 "the watcher configured $i, IPv6 off first" configured "$i"
expect_within 60 "the token answers ping" pings 169.254.0.1
expect_within 30 "and its UDP echo" udp_echo 169.254.0.1 9400
# the host's router solicitation comes within 1 s of the link going up, MLD reports 1 s apart:
# a window of 3 s (the kernel's timers, not this machine's speed) for any of them to show
expect_steady 3 "$i stays configured, IPv6 off" configured "$i"

for round in 1 2; do
	step "unplug and plug again ($round)"
	peer_unplug fobnail
	peer_replug fobnail
	i=$PEER_IF
	expect_within 60 "the watcher configured $i again, IPv6 off first" configured "$i"
	expect_within 60 "the token answers ping" pings 169.254.0.1
	expect_steady 3 "$i stays configured, IPv6 off" configured "$i"
done
peer_unplug fobnail

step "the capture, plug to unplug"
kill -TERM "$cap_pid"
wait "$cap_pid" || true
log "$(tr '\n' ' ' <"$CAP")"
frames() { awk -v k="$1" '$1 == k && NF == 2 { print $2 }' "$CAP"; }
assert_eq "IPv6 frames the token received from the host" 0 "$(frames ipv6)"
assert_cmd "the capture saw the host's IPv4 frames (it works: $(frames ipv4))" test "$(frames ipv4)" -gt 0
