#!/bin/bash
# Scenario 4: a peer that serves DHCP (NCM, 172.16.42.1, dnsmasq offering a router and a DNS
# server: a postmarketOS phone, or a rogue "network card" as in PoisonTap) is left to
# NetworkManager, which takes its lease; but no default route and no DNS server from it is
# installed on the host ("never accept a default route or DNS servers from a peer unless the
# configuration trusts it"). Whether the udev rule, udev-probe or a NetworkManager setting does
# it is the library's choice: this checks only the effect, with usbnet-host installed and no
# command run.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
nm_start

routes_before=$(ip -4 route show default)
log "default routes before: ${routes_before:-none}"
log "resolv.conf before: $(grep -v '^#' /etc/resolv.conf | tr '\n' ' ')"

step "plug the DHCP-serving peer"
peer_plug dhcp-peer
i=$PEER_IF
log "udev: $(udevadm info -q property "/sys/class/net/$i" | grep -E '^(USBNET_HOST|NM_UNMANAGED)' | tr '\n' ' ')"
expect_within 60 "NetworkManager manages $i (left to it)" nm_managed "$i"
expect_within 120 "NetworkManager took the peer's lease 172.16.42.2 on $i" has_addr "$i" 172.16.42.2/24
nm_connected() { [[ "$(nm_state "$1")" == "100 (connected)" ]]; }
expect_within 90 "NetworkManager finished activating $i" nm_connected "$i"
grep -E "dhcp4 \($i\)" "$NM_LOG" | tail -n 4 | sed 's/^/    /'
assert_cmd "the peer answers ping at 172.16.42.1" pings 172.16.42.1

no_default_from_peer() {
	! ip -4 route show default | grep -qE "via 172\.16\.42\.1|dev $i( |$)" &&
		! ip -6 route show default | grep -qE "dev $i( |$)"
}
no_dns_from_peer() {
	! grep -qE '^nameserver +172\.16\.42\.1' /etc/resolv.conf &&
		[ -z "$(nmcli -g IP4.DNS device show "$i")" ]
}
step "no default route, no DNS server from the peer"
log "ip route: $(ip -4 route | tr '\n' ';')"
log "resolv.conf: $(grep -v '^#' /etc/resolv.conf | tr '\n' ' ')"
log "nmcli: IP4.GATEWAY='$(nmcli -g IP4.GATEWAY device show "$i")' IP4.DNS='$(nmcli -g IP4.DNS device show "$i")'"
assert_cmd "no default route through the peer" no_default_from_peer
assert_cmd "no DNS server from the peer (resolv.conf, nmcli IP4.DNS)" no_dns_from_peer
assert_eq "the default routes are as before" "$routes_before" "$(ip -4 route show default)"
both() { no_default_from_peer && no_dns_from_peer; }
expect_steady 5 "and none appears later" both
