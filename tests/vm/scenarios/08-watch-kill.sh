#!/bin/bash
# Scenario 8: the watcher is killed (SIGKILL: no handler runs) in the middle of configuring a
# peer, then started again (what the unit's Restart=on-failure does): the peers end up
# configured and nothing half-done is left: the record says "configured", for the interface as
# it is now; the interface has exactly one IPv4 address, the profile's; the peer answers.
#
# Twice, two ways of being "in the middle":
# - the token (fobnail) stays silent (its namespace drops ICMP and ARP) until the scenario lets
#   it answer, and the watcher's `up` waits for its answer for up to 600 s (a [peer] group with
#   wait=600, the most wait= takes): `up` sits in its reachability check, after writing its
#   record ahead and adding the address, with the record still saying "unconfigured", for as
#   long as the scenario keeps the token silent. The kill lands there by construction, however
#   slow or busy the machine. The token then answers, and the new watcher's reconcile carries
#   on from the record.
# - the N900 is plugged and the watcher killed the moment peer_plug has its interface (udev
#   done with it): wherever the watcher is then, which the log says (the event not read yet,
#   inside `up`, or done); each is a pass, what is checked is the end state.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
nm_start
# The token's own group: its profile's plan, but up waits for its answer as long as it may.
conf=$TESTBED_RUN/08-watch-kill.conf
printf '[peer slow-token]\nusb=1234:4321\nserial=TEST\nwait=600\n' >"$conf"
watch_start --config "$conf"

# settled IF HOST_CIDR: configured, with one address, the record of this very interface.
settled() {
	local i=$1 idx
	idx=$(cat "/sys/class/net/$i/ifindex" 2>/dev/null) || { echo "$i: gone" && return 1; }
	record_state_is "$i" configured || { echo "$i: record state '$(record_state "$i")'" && return 1; }
	grep -qx "ifindex $idx" "$USBNET_RUN_DIR/$i.state" || { echo "$i: record of another ifindex" && return 1; }
	has_addr "$i" "$2" || { echo "$i: no $2" && return 1; }
	[ "$(ipv4_count "$i")" = 1 ] || { echo "$i: $(ip -4 -o addr show dev "$i" | awk '{print $4}' | tr '\n' ' ')" && return 1; }
	[ "$(hosts_with "${2%/*}")" = 1 ] || { echo "$(hosts_with "${2%/*}") interfaces have ${2%/*}" && return 1; }
}
# half_done IF HOST_CIDR: up wrote its record ahead and added the address, not finished.
half_done() { record_state_is "$1" unconfigured && has_addr "$1" "$2"; }

step "fobnail, silent until let: the kill lands inside up"
peer_spec fobnail
fob_host=$P_HOST_ADDR fob_peer=${P_ADDR%/*}
# The token's namespace, made before peer_plug (which then keeps it), as peer_plug makes it,
# with a firewall that drops what the reachability check sends (ICMP echo, ARP).
ip netns add fobnail
ip -n fobnail link set lo up
in_peer fobnail sysctl -qw net.ipv6.conf.all.disable_ipv6=1
in_peer fobnail sysctl -qw net.ipv6.conf.default.disable_ipv6=1
in_peer fobnail nft -f - <<'EOF'
table inet silent {
	chain input { type filter hook input priority 0; policy drop; }
}
table arp silent {
	chain input { type filter hook input priority 0; policy drop; }
}
EOF
peer_plug fobnail
fob=$PEER_IF
expect_within 60 "the watcher is inside up on $fob: record 'unconfigured', $fob_host added" \
	half_done "$fob" "$fob_host"
assert_cmd "the watcher still runs (inside up, waiting for the token)" watch_running
watch_stop KILL
ok "the watcher was killed (SIGKILL) mid-configuration"
log "record left behind: $(tr '\n' ' ' <"$USBNET_RUN_DIR/$fob.state")"
assert_eq "the record says" unconfigured "$(record_state "$fob")"
in_peer fobnail nft delete table inet silent
in_peer fobnail nft delete table arp silent
log "the token may answer now"

step "n900: plugged, the watcher killed the moment its interface appears"
watch_start --config "$conf"
expect_within 60 "the restarted watcher finished $fob: configured, one address" settled "$fob" "$fob_host"
assert_cmd "the watcher's reconcile did it" watch_logged "$fob: present at start: configured"
expect_within 60 "fobnail answers ping" pings "$fob_peer"
expect_within 60 "fobnail answers the UDP echo" udp_echo "$fob_peer" 9400
peer_spec n900
n9_host=$P_HOST_ADDR n9_peer=${P_ADDR%/*}
peer_plug n900
watch_stop KILL
n9=$PEER_IF
ok "the watcher was killed (SIGKILL) as $n9 appeared (record now: '$(record_state "$n9")')"
watch_start --config "$conf"
expect_within 60 "after the restart, $n9 is configured, one address" settled "$n9" "$n9_host"
expect_within 60 "n900 answers ping" pings "$n9_peer"
assert_cmd "$fob is still configured, one address" settled "$fob" "$fob_host"
assert_cmd "fobnail still answers ping" pings "$fob_peer"
assert_eq "records in $USBNET_RUN_DIR" 2 "$(find "$USBNET_RUN_DIR" -name '*.state' | wc -l)"

step "a SIGTERM leaves the peers configured (a restart must not drop links)"
watch_stop TERM
assert_cmd "the watcher said so" watch_logged "stopping \(peers stay configured\)"
assert_cmd "$fob still configured" settled "$fob" "$fob_host"
assert_cmd "$n9 still configured" settled "$n9" "$n9_host"
