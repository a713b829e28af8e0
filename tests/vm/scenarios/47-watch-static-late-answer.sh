#!/bin/bash
# Scenario 47: a static peer that answers only after 8 s goes from degraded to configured without
# any command (issue 20). An N900 (its built-in profile: the host 192.168.2.14/24, the peer
# 192.168.2.15, checked for 3 s) plugged with the watcher running, its side up but without its
# address: the watcher's up records it degraded (did not answer). 8 s after the plug the device
# takes its address; the watcher's timed look (its carrier never changed) finds it answering:
# configured, no command run meanwhile.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host

step "make the gadget: plugged once with the watcher stopped, then unplugged, address removed"
peer_plug n900
peer_unplug n900
ip -n n900 addr flush dev usb0
watch_start

step "plugged: it does not answer, the watcher records it degraded"
_now
plugged_at=$NOW
peer_replug n900
i=$(peer_if n900)
expect_within 60 "$i degraded (the peer did not answer)" record_state_is "$i" degraded
assert_cmd "the host has 192.168.2.14/24 all the same" has_addr "$i" 192.168.2.14/24
_now
left=$((8000000 - (NOW - plugged_at)))
((left > 0)) && sleep "$((left / 1000000)).$(printf %06d $((left % 1000000)))"
log "the device takes its address"
ip -n n900 addr add 192.168.2.15/24 dev usb0

step "the watcher looks again by itself"
expect_within 120 "$i configured, no command run" record_state_is "$i" configured
assert_cmd "the peer answers" pings 192.168.2.15
assert_cmd "the watcher says why it looked" watch_logged "$i: no answer yet: looking at it again"
log "the watcher's lines about $i: $(grep -F "$i:" "$(watch_log)" | tr '\n' '|')"
peer_unplug n900
expect_within 60 "$i's state is cleaned" no_state_for "$i"
