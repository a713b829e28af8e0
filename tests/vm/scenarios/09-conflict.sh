#!/bin/bash
# Scenario 9: two identical peers, two N900s (the same IDs, profile and subnet: 192.168.2.15
# on each; serials SNN900 and SNN900B), plugged one after the other with the watcher running,
# and an alias pool with no free address (alias-pool=192.168.2.0/30: the first peer's route
# covers it all; with room, the second is reached at an alias: scenario 35).
# The first is configured and keeps working: its address, its record, its route and its ping
# unchanged while the second comes and goes. The second ends with state "conflict" in
# `usbnet-host list --json`, a message naming a `[peer …]` group that separates them (matching
# its serial), and nothing of ours on its interface. Unplugging the second cleans its record
# and still leaves the first alone.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
nm_start
CONF=$TESTBED_RUN/conflict.conf
printf '[general]\nalias-pool=192.168.2.0/30\n' >"$CONF"
watch_start --config "$CONF"

step "the first N900"
peer_spec n900
host=$P_HOST_ADDR peer=${P_ADDR%/*}
peer_plug n900
first=$PEER_IF
expect_within 60 "the watcher configured $first" \
	sh -c "grep -qx 'state configured' $USBNET_RUN_DIR/$first.state && ip -4 -o addr show dev $first | grep -qw 'inet $host'"
expect_within 60 "the first N900 answers ping through $first" pings "$peer" -I "$first"
first_record=$(cat "$USBNET_RUN_DIR/$first.state")
first_addrs=$(ip -4 -o addr show dev "$first" | awk '{ print $4 }')
first_route=$(ip -4 route show dev "$first")
log "$first: addresses $first_addrs; routes: $first_route"

# first_undisturbed: everything the first had, as it was.
first_undisturbed() {
	[ "$(cat "$USBNET_RUN_DIR/$first.state" 2>/dev/null)" = "$first_record" ] || { echo "$first: its record changed" && return 1; }
	[ "$(ip -4 -o addr show dev "$first" | awk '{ print $4 }')" = "$first_addrs" ] || { echo "$first: addresses now $(ip -4 -o addr show dev "$first" | awk '{ print $4 }')" && return 1; }
	[ "$(ip -4 route show dev "$first")" = "$first_route" ] || { echo "$first: routes now $(ip -4 route show dev "$first")" && return 1; }
	nm_unmanaged "$first" || { echo "$first: NetworkManager state '$(nm_state "$first")'" && return 1; }
}

step "the second N900: same IDs, same subnet, serial SNN900B"
PEER_SERIAL=SNN900B peer_plug n900 n900b
second=$PEER_IF
[ "$second" != "$first" ] || fail "the second N900 got the first's interface name $first"
expect_within 60 "list --json: $second state conflict" \
	sh -c "[ \"\$(usbnet-host list --json | python3 -c 'import json,sys; print([p.get(\"state\") for p in json.load(sys.stdin) if p.get(\"ifname\") == \"$second\"][0])')\" = conflict ]"
msg=$(peer_field "$second" message)
log "$second: message: $msg"
assert_match "the message names a [peer] group" '\[peer [^]]+\]' "$msg"
assert_match "the group matches the second's serial" 'serial=SNN900B' "$msg"
assert_cmd "the watcher logged the conflict" watch_logged "$second: conflict: "
assert_eq "IPv4 addresses on $second" 0 "$(ipv4_count "$second")"
assert_eq "interfaces with ${host%/*}" 1 "$(hosts_with "${host%/*}")"
assert_eq "list --json: $first state" configured "$(peer_field "$first" state)"
expect_steady 3 "the first N900's record, address, route and NetworkManager state are as before" \
	first_undisturbed
assert_cmd "the first N900 still answers ping through $first" pings "$peer" -I "$first"

step "unplug the second: its record goes, the first stays as it was"
peer_unplug n900b
expect_within 30 "no record for $second" no_state_for "$second"
assert_cmd "the first is undisturbed" first_undisturbed
assert_cmd "the first N900 still answers ping through $first" pings "$peer" -I "$first"
