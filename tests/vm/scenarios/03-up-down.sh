#!/bin/bash
# Scenario 3: `usbnet-host up` on the N900 and on the Fobnail token while NetworkManager runs
# its DHCP loop on them: afterwards NetworkManager reports them unmanaged, the profile's host
# address is there, the peer answers ping (and the token's UDP echo on 9400), NetworkManager's
# DHCP stops and does not come back; `usbnet-host down` restores everything: the address is
# gone, NetworkManager manages the device again as before `up`, no state is left.
#
# The installed udev rule tags these known profiles NM_UNMANAGED=1 from their first event (the
# hotplug half of the fix), and NetworkManager would never start DHCP on them. This scenario is
# about `up` itself, on a device NetworkManager is busy with (plugged in before usbnet-host was
# installed, say): so the rule is masked while the peers are plugged, as in scenario 1, and
# NetworkManager is checked to manage them and to run DHCP on them before `up`.
# (`nmcli device set IF managed yes` on a tagged device is not the same: NetworkManager then
# "assumes" the link as it is, down, and waits for a carrier that never comes.)
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
mask_usbnet_udev_rule
nm_start

declare -A hif=() host_addr=() peer_addr=() dhcp_seen=()
for kind in n900 fobnail; do
	step "plug $kind and let NetworkManager manage it"
	peer_plug "$kind"
	peer_spec "$kind"
	hif[$kind]=$PEER_IF host_addr[$kind]=$P_HOST_ADDR peer_addr[$kind]=${P_ADDR%/*}
	expect_within 60 "NetworkManager manages ${hif[$kind]}" nm_managed "${hif[$kind]}"
	expect_within 90 "NetworkManager runs DHCP on ${hif[$kind]}" nm_dhcp_began "${hif[$kind]}"
done

# configured KIND DHCP_COUNT: the state `up` must leave, and keep; says what is wrong if not.
configured() {
	local i=${hif[$1]}
	nm_unmanaged "$i" || { echo "$i: NetworkManager state '$(nm_state "$i")'" && return 1; }
	has_addr "$i" "${host_addr[$1]}" || { echo "$i: ${host_addr[$1]} gone" && return 1; }
	nm_dhcp_count_is "$i" "$2" || { echo "$i: $(nm_dhcp_count "$i") DHCP transactions, $2 before" && return 1; }
	(($(cat "/sys/class/net/$i/flags") & 1)) || { echo "$i: link down" && return 1; }
}

for kind in n900 fobnail; do
	i=${hif[$kind]}
	step "usbnet-host up $i ($kind)"
	# up returns as soon as the peer answers; --wait is only how long it may take (the default,
	# 3 s, decides "configured" or "degraded": not this scenario's question).
	uh_ok up "$i" --wait 60
	expect_within 30 "NetworkManager reports $i unmanaged" nm_unmanaged "$i"
	assert_cmd "$i has the profile's host address ${host_addr[$kind]}" has_addr "$i" "${host_addr[$kind]}"
	expect_within 60 "$kind answers ping at ${peer_addr[$kind]}" pings "${peer_addr[$kind]}"
	if [ "$kind" = fobnail ]; then
		expect_within 30 "fobnail answers the UDP echo on 9400" udp_echo "${peer_addr[$kind]}" 9400
	fi
	assert_eq "list --json: $i state" configured "$(peer_field "$i" state)"
	assert_eq "list --json: $i nm_managed" false "$(peer_field "$i" nm_managed)"
	assert_eq "list --json: $i host_address" "${host_addr[$kind]}" "$(peer_field "$i" host_address)"
	assert_cmd "a state record named after $i in $USBNET_RUN_DIR" test -n "$(state_files "$i")"
	if [ "$kind" = n900 ]; then
		assert_cmd "up on ${hif[n900]} left ${hif[fobnail]} to NetworkManager" nm_managed "${hif[fobnail]}"
	fi
	uh_ok up "$i"
	ok "up again on $i: exit status 0 (idempotent)"
	dhcp_seen[$kind]=$(nm_dhcp_count "$i")
done

step "NetworkManager's DHCP does not come back (both peers, over a window)"
both_configured() { configured n900 "${dhcp_seen[n900]}" && configured fobnail "${dhcp_seen[fobnail]}"; }
expect_steady 12 "n900 and fobnail stay unmanaged, addressed, with no new DHCP transaction" \
	both_configured
assert_cmd "n900 still answers ping" pings "${peer_addr[n900]}"
assert_cmd "fobnail still answers ping" pings "${peer_addr[fobnail]}"

for kind in n900 fobnail; do
	i=${hif[$kind]}
	step "usbnet-host down $i ($kind)"
	uh_ok down "$i"
	assert_cmd "the host address ${host_addr[$kind]} is gone from $i" has_no_addr "$i" "${host_addr[$kind]}"
	expect_within 60 "NetworkManager manages $i again, as before up" nm_managed "$i"
	assert_cmd "no state record for $i is left" no_state_for "$i"
	assert_eq "list --json: $i state" unconfigured "$(peer_field "$i" state)"
	uh_ok down "$i"
	ok "down again on $i: exit status 0, nothing to undo"
done
