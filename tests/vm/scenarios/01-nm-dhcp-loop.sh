#!/bin/bash
# Scenario 1: the problem, reproduced. NetworkManager runs, usbnet-host is installed but plays
# no part (its udev rule and NetworkManager profile masked), and a static-only peer is plugged
# in: NetworkManager makes a "Wired connection" for it and starts its DHCP loop (DHCP that
# nobody answers, 45 s, then again).
#
# The peer is the N810 (Maemo g_ether, ECM 0525:a4a1), the classic case. usbnet-host's
# installed udev rule knows that profile and would tag it NM_UNMANAGED=1: that is the fix, so
# to show the problem the rule is masked the way an administrator masks a rule (a link of the
# same name to /dev/null in /etc/udev/rules.d): usbnet-host is then installed but plays no
# part. (A peer of an ID no profile knows would show the same with the rule in place, but
# whether the library leaves a given unknown ID to NetworkManager is its decision, so this
# scenario does not depend on it.)
. "$TESTBED_VM_DIR/lib/testbed.sh"

step "usbnet-host installed, its udev rule masked, NetworkManager running"
if have_usbnet_host; then
	ok "usbnet-host is installed: $(command -v usbnet-host)"
else
	log "note: usbnet-host is not installed (no --build-dir): the problem shows all the same"
fi
mask_usbnet_udev_rule
# Its NetworkManager profile for the peers it leaves to NetworkManager (no default route or DNS
# from them) would take the place of "Wired connection N": masked too, until the next scenario.
mask_usbnet_nm_profiles
nm_start

step "plug the static-only peer (n810 at 192.168.2.15, no DHCP server)"
peer_plug n810
hif=$PEER_IF

expect_within 60 "NetworkManager manages $hif" nm_managed "$hif"
expect_within 90 "NetworkManager is getting IP configuration on $hif" nm_getting_ip "$hif"
expect_within 60 "NetworkManager's log: dhcp4 ($hif) beginning transaction" nm_dhcp_began "$hif"
log "$(grep -E "dhcp4 \($hif\).*beginning transaction" "$NM_LOG" | tail -n 1)"
conn=$(nmcli -g GENERAL.CONNECTION device show "$hif")
assert_match "the connection NetworkManager made for $hif" '^Wired connection [0-9]+$' "$conn"

assert_cmd "the peer does not answer (the host has no address on its subnet)" \
	sh -c "! ping -c 1 -W 1 192.168.2.15"
ok "the testbed shows NetworkManager's DHCP loop on a static peer"
