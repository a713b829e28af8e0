#!/bin/bash
# Scenario 10: gateway mode with a real USB peer. The Fobnail token (its namespace, default
# route via the host's 169.254.0.8) reaches a server in an "upstream" namespace through the
# guest, which shares its default route's interface with `usbnet-host up IF`, gateway mode
# coming from a [peer] group of the configuration (mode=gateway, uplink=auto): the
# token pings the server, and the server sees the guest's uplink address (masquerade). The
# default route then moves to a second uplink; NetworkManager's dispatcher script (run by hand
# here, as NetworkManager would on "up") calls `usbnet-host refresh`, and the token still
# reaches the server, now through the second uplink. `down` leaves no table and forwarding as
# it was.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host

UP=tb-upstream
SERVER=203.0.113.10
DISPATCHER=/usr/lib/NetworkManager/dispatcher.d/90-usbnet-host
CONF=/run/testbed-gateway.conf
printf '[peer token]\nproduct=Fobnail\nmode=gateway\nuplink=auto\n' >"$CONF"

cleanup() {
	set +e # under the scenario's set -e a failed kill here would become its exit status
	ip netns pids "$UP" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$UP" 2>/dev/null
	rm -f "$CONF"
	return 0
}
trap cleanup EXIT

step "an upstream namespace with a server, two uplinks from the guest (tb-up0, tb-up1)"
assert_cmd "the guest has no default route of its own" test -z "$(ip -4 route show default)"
ip netns add "$UP"
ip -n "$UP" link set lo up
ip -n "$UP" addr add "$SERVER/32" dev lo
ip link add tb-up0 type veth peer name u0 netns "$UP"
ip link add tb-up1 type veth peer name u1 netns "$UP"
ip addr add 198.51.100.1/24 dev tb-up0
ip addr add 192.0.2.1/24 dev tb-up1
ip link set tb-up0 up
ip link set tb-up1 up
ip -n "$UP" addr add 198.51.100.2/24 dev u0
ip -n "$UP" addr add 192.0.2.2/24 dev u1
ip -n "$UP" link set u0 up
ip -n "$UP" link set u1 up
ip route add default via 198.51.100.2 dev tb-up0
# the server tells each client the address it came from
ip netns exec "$UP" socat TCP-LISTEN:8080,bind="$SERVER",fork,reuseaddr \
	SYSTEM:'echo "$SOCAT_PEERADDR"' >/dev/null 2>&1 &
listening() { ip netns exec "$UP" ss -Hltn "sport = :8080" | grep -q 8080; }
expect_within 30 "the server listens on $SERVER:8080" listening
forward_before=$(cat /proc/sys/net/ipv4/ip_forward)

step "plug the Fobnail token; its default route goes to the host"
peer_plug fobnail
hif=$PEER_IF
in_peer fobnail ip route add default via 169.254.0.8
server_ping() { in_peer fobnail ping -c 1 -W 1 "$SERVER" >/dev/null; }
# One way (-u): with stdin at EOF, `socat - TCP` waits only 0.5 s for the server's answer.
seen_by_server() { in_peer fobnail timeout 60 socat -u -T 30 "TCP:$SERVER:8080,connect-timeout=30" - 2>/dev/null; }
assert_not_cmd "the token cannot reach the server before up" server_ping

step "usbnet-host up $hif (mode=gateway, uplink=auto in its [peer] group)"
# up returns as soon as the token answers; --wait is only how long it may take.
uh_ok up "$hif" --config "$CONF" --wait 60
assert_match "up says the device's gateway and the uplink" "gateway for the device: 169.254.0.8, sharing tb-up0" "$UH_OUT"
assert_eq "list --json: $hif uplink" tb-up0 "$(peer_field "$hif" uplink)"
assert_eq "list --json: $hif gateway" 169.254.0.8 "$(peer_field "$hif" gateway)"
assert_eq "list --json: $hif state" configured "$(peer_field "$hif" state)"
assert_eq "list --json: $hif mode" gateway "$(peer_field "$hif" mode)"
expect_within 60 "the token pings the upstream server $SERVER" server_ping
assert_eq "the server sees the uplink's address" 198.51.100.1 "$(seen_by_server)"
assert_cmd "nftables: table ip usbnet_host has chain forward-$hif" nft list chain ip usbnet_host "forward-$hif"

step "the default route moves to tb-up1; the dispatcher script runs refresh"
ip route replace default via 192.0.2.2 dev tb-up1
assert_cmd "the dispatcher script is installed and executable" test -x "$DISPATCHER"
"$DISPATCHER" tb-up1 up
assert_eq "list --json: $hif uplink after refresh" tb-up1 "$(peer_field "$hif" uplink)"
expect_within 60 "the token still pings the upstream server" server_ping
assert_eq "the server sees the second uplink's address" 192.0.2.1 "$(seen_by_server)"

step "usbnet-host down $hif"
uh_ok down "$hif" --config "$CONF"
assert_not_cmd "no table ip usbnet_host is left" nft list table ip usbnet_host
assert_eq "net.ipv4.ip_forward as before up" "$forward_before" "$(cat /proc/sys/net/ipv4/ip_forward)"
assert_not_cmd "the token no longer reaches the server" server_ping
assert_cmd "no state record for $hif is left" no_state_for "$hif"
