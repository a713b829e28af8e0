#!/bin/bash
# Scenario 6: "no command at all". NetworkManager and the hotplug watcher run (the watcher
# started as its unit starts it: `usbnet-host watch`, stderr to watch-06-watch-hotplug.log in
# the results directory), and the Fobnail token and the N900 are plugged in. Nobody runs
# usbnet-host by hand: the watcher configures both (169.254.0.8/16 on the token's interface,
# 192.168.2.14/24 on the N900's, state records "configured", one IPv4 address each), both answer
# ping, the token its UDP echo on 9400; NetworkManager shows them unmanaged and never started
# DHCP on them (no "dhcp4 (IF)" line in its log since the scenario began: the udev rule's
# NM_UNMANAGED=1 kept it away from the first event).
# Then NetworkManager restarts while the peers are configured: they stay unmanaged, keep their
# address and answer ping (NetworkManager forgets run-time flags on restart; the udev property
# is what it reads again).
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
nm_start
nm_log_mark
step "the watcher, as the unit runs it"
watch_start

declare -A hif=() host_addr=() peer_addr=()

# configured_by_watcher IF HOST_CIDR: what the watcher must leave, and keep.
configured_by_watcher() {
	local i=$1
	has_addr "$i" "$2" || { echo "$i: no $2 ($(ip -4 -br addr show dev "$i"))" && return 1; }
	[ "$(ipv4_count "$i")" = 1 ] || { echo "$i: $(ipv4_count "$i") IPv4 addresses" && return 1; }
	record_state_is "$i" configured || { echo "$i: record state '$(record_state "$i")'" && return 1; }
	nm_unmanaged "$i" || { echo "$i: NetworkManager state '$(nm_state "$i")'" && return 1; }
	[ "$(nm_dhcp4_lines "$i")" = 0 ] || { echo "$i: NetworkManager log: $(nm_log_since_mark | grep -F "dhcp4 ($i)" | tail -n 1)" && return 1; }
	(($(cat "/sys/class/net/$i/flags") & 1)) || { echo "$i: link down" && return 1; }
}

for kind in fobnail n900; do
	step "plug $kind; nothing is run by hand"
	peer_spec "$kind"
	peer_plug "$kind"
	i=$PEER_IF
	hif[$kind]=$i host_addr[$kind]=$P_HOST_ADDR peer_addr[$kind]=${P_ADDR%/*}
	expect_within 60 "the watcher configured $i ($kind) with $P_HOST_ADDR" \
		configured_by_watcher "$i" "$P_HOST_ADDR"
	assert_cmd "the watcher logged it" watch_logged "$i: plugged: configured ${P_HOST_ADDR%/*}"
	expect_within 60 "$kind answers ping at ${peer_addr[$kind]}" pings "${peer_addr[$kind]}"
	if [ "$kind" = fobnail ]; then
		expect_within 30 "fobnail answers the UDP echo on 9400" udp_echo "${peer_addr[$kind]}" 9400
	fi
	assert_eq "list --json: $i state" configured "$(peer_field "$i" state)"
	assert_eq "list --json: $i nm_managed" false "$(peer_field "$i" nm_managed)"
	assert_eq "NetworkManager's dhcp4 ($i) lines since the scenario began" 0 "$(nm_dhcp4_lines "$i")"
done

both() {
	configured_by_watcher "${hif[fobnail]}" "${host_addr[fobnail]}" &&
		configured_by_watcher "${hif[n900]}" "${host_addr[n900]}"
}
expect_steady 3 "both stay configured, unmanaged, with no DHCP from NetworkManager" both

step "restart NetworkManager while both are configured"
nm_stop
ok "NetworkManager stopped"
for kind in fobnail n900; do
	assert_cmd "${hif[$kind]} keeps ${host_addr[$kind]} with NetworkManager gone" \
		has_addr "${hif[$kind]}" "${host_addr[$kind]}"
done
nm_start
expect_within 60 "NetworkManager knows both devices again" \
	sh -c "[ -n \"\$(nmcli -g GENERAL.STATE device show ${hif[fobnail]} 2>/dev/null)\" ] && [ -n \"\$(nmcli -g GENERAL.STATE device show ${hif[n900]} 2>/dev/null)\" ]"
expect_steady 4 "after the restart both stay unmanaged and configured, no DHCP" both
assert_cmd "fobnail answers ping" pings "${peer_addr[fobnail]}"
assert_cmd "fobnail answers the UDP echo" udp_echo "${peer_addr[fobnail]}" 9400
assert_cmd "n900 answers ping" pings "${peer_addr[n900]}"
assert_cmd "the watcher still runs" watch_running
