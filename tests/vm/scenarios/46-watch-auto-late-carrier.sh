#!/bin/bash
# Scenario 46: a mode=auto gadget whose device side comes up late gets its real subnet (issue 20).
# An unknown ECM gadget (1209:0001, silent until asked, 10.84.0.2/24: a subnet of discovery's
# sweep) and a [peer] group that says mode=auto for its IDs; the watcher runs.
# - late: plugged with its side of the link held down; `show` and `status` say "waiting for
#   carrier"; its side comes up 8 s after the plug -> configured 10.84.0.1/24, no link-local
#   address, the peer answers. (The testbed saw 169.254.172.178/16 for such a gadget.)
# - silent, then addressed: unplugged and plugged again with its side up but no IPv4 address:
#   discovery finds nothing, the host falls back to link-local (degraded); the device takes its
#   side down, takes 10.84.0.2/24 and brings it up again -> the watcher discovers again without
#   any command: 10.84.0.1/24 replaces the fallback.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
CONF=/etc/usbnet-host/usbnet-host.conf
[ -e "$CONF" ] && fail "$CONF exists already; this scenario writes its own"
trap 'rm -f "$CONF" "$PEERS_RUN/late/hold-down"; true' EXIT
mkdir -p "$(dirname "$CONF")"
printf '[peer unknown]\nusb=1209:0001\nmode=auto\n' >"$CONF"

linklocal() { ip -4 -o addr show dev "$1" 2>/dev/null | grep -q " inet 169\.254\."; }
configured() { # IF
	has_addr "$1" 10.84.0.1/24 && record_state_is "$1" configured && ! linklocal "$1"
}
says_waiting() { # show IF | status
	UH_OUT=$(usbnet-host "$@" 2>&1) && printf '%s' "$UH_OUT" | grep -q "waiting for carrier"
}

step "make the gadget: plugged once with the watcher stopped, then unplugged"
PEER_SERIAL=LATE0001 PEER_ADDR=10.84.0.2/24 peer_plug unknown late
peer_unplug late
watch_start

step "late: its side held down at the plug, up 8 s later"
touch "$PEERS_RUN/late/hold-down"
ip -n late link set usb0 down
_now
plugged_at=$NOW
cat "$PEERS_RUN/late/udc" >"$GADGETS/late/UDC"
wait_until 60 peer_if late || fail "late: no host-side interface within 60s"
i=$(peer_if late)
expect_within 60 "the watcher's up on $i has begun (its record)" test -e "$USBNET_RUN_DIR/$i.state"
expect_within 30 "show $i says waiting for carrier" says_waiting show "$i"
assert_cmd "status says waiting for carrier" says_waiting status
_now
left=$((8000000 - (NOW - plugged_at)))
((left > 0)) && sleep "$((left / 1000000)).$(printf %06d $((left % 1000000)))"
log "the device brings its side up"
ip -n late link set usb0 up
rm -f "$PEERS_RUN/late/hold-down"
expect_within 90 "$i configured with 10.84.0.1/24, no link-local address" configured "$i"
assert_cmd "the peer answers at 10.84.0.2" pings 10.84.0.2
assert_not_cmd "show no longer says waiting for carrier" says_waiting show "$i"
log "the watcher's lines about $i: $(grep -F "$i:" "$(watch_log)" | tr '\n' '|')"

step "silent, then addressed: the link-local fallback replaced without a command"
peer_unplug late
expect_within 60 "$i's state is cleaned" no_state_for "$i"
ip -n late addr flush dev usb0
peer_replug late
i=$(peer_if late)
expect_within 90 "$i degraded on a link-local fallback" sh -c \
	"grep -q '^state degraded' '$USBNET_RUN_DIR/$i.state' && ip -4 -o addr show dev '$i' | grep -q ' inet 169\.254\.'"
touch "$PEERS_RUN/late/hold-down"
ip -n late link set usb0 down
ip -n late addr add 10.84.0.2/24 dev usb0
sleep 2 # the device is down for a moment, as a rebooting one is (set-up, not a measurement)
ip -n late link set usb0 up
rm -f "$PEERS_RUN/late/hold-down"
expect_within 90 "$i configured with 10.84.0.1/24, the fallback gone" configured "$i"
assert_cmd "the peer answers at 10.84.0.2" pings 10.84.0.2
expect_within 10 "the watcher says it looked again" watch_logged "$i: carrier came"
peer_unplug late
expect_within 60 "$i's state is cleaned" no_state_for "$i"
assert_cmd "the watcher still runs" watch_running
