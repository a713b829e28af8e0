#!/bin/bash
# Scenario 5: the peer is unplugged (empty UDC) after `usbnet-host up`. `usbnet-host list`
# reads only: it reports the peer as vanished and changes nothing (issue 14); `down --all`, or
# `usbnet-host down IFACE`, then leaves no stale state: no file named after the interface in
# the run directory (lock included), the interface not listed; and the peer, plugged in again,
# is configured again by `up`.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
nm_start

# up_unplugged KIND: plugs KIND, `up`, checks it is configured, unplugs it; sets I.
up_unplugged() {
	peer_spec "$1"
	peer_plug "$1"
	I=$PEER_IF
	uh_ok up "$I"
	assert_cmd "$I has ${P_HOST_ADDR}" has_addr "$I" "$P_HOST_ADDR"
	expect_within 60 "$1 answers ping" pings "${P_ADDR%/*}"
	assert_cmd "a state record named after $I" test -n "$(state_files "$I")"
	log "state: $(state_files "$I" | tr '\n' ' ')"
	peer_unplug "$1"
	assert_cmd "$I is gone" link_gone "$I"
}

step "fobnail: up, unplug, then list (a read), then down --all"
up_unplugged fobnail
before=$(state_files "$I" | sort)
assert_eq "list --json reports $I as vanished" vanished "$(peer_field "$I" state)"
uh_ok list
assert_eq "list changed nothing in the run directory" "$before" "$(state_files "$I" | sort)"
uh_ok down --all
assert_cmd "no state record for $I after down --all" no_state_for "$I"
uh_ok list --json
assert_no_match "list --json no longer lists $I" "\"ifname\": *\"$I\"" "$UH_OUT"

step "n900: up, unplug, then down"
up_unplugged n900
uh down "$I"
case "$UH_RC" in
0 | 3) ok "down on the vanished $I: exit status $UH_RC" ;;
*) fail "down on the vanished $I: exit status $UH_RC, expected 0 (cleaned) or 3 (no such peer)" ;;
esac
assert_cmd "no state record for $I after down" no_state_for "$I"

step "n900 plugged in again: up configures it again"
peer_replug n900
uh_ok up "$PEER_IF"
assert_cmd "$PEER_IF has 192.168.2.14/24" has_addr "$PEER_IF" 192.168.2.14/24
assert_eq "only one interface has 192.168.2.14" 1 "$(ip -4 -o addr show | grep -c 'inet 192\.168\.2\.14/')"
expect_within 60 "n900 answers ping again" pings 192.168.2.15
uh_ok down "$PEER_IF"
assert_cmd "no state record for $PEER_IF after down" no_state_for "$PEER_IF"

step "the run directory holds nothing for the peers"
left=$(find "$USBNET_RUN_DIR" -type f 2>/dev/null | grep -vE '\.lock$' || true)
log "run directory: $(find "$USBNET_RUN_DIR" 2>/dev/null | tr '\n' ' ')"
assert_eq "state records left in $USBNET_RUN_DIR" "" "$left"
