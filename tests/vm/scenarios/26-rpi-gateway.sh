#!/bin/bash
# Scenario 26 (issue 16): the Raspberry Pi (rpi-usb-gadget's behaviour, lib/gadget.sh _rpi_ics)
# in gateway mode from a [peer] group (usb=2e8a:0013, mode=gateway, uplink=auto), with
# NetworkManager and the watcher running: the Pi leases its address from the host with the
# host (10.42.0.1) as router, and through the host it reaches a server in an "upstream"
# namespace behind the guest's default route; the server sees the guest's uplink address
# (masquerade). Unplug: no nftables table of the Pi's, forwarding as it was, no DHCP server.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
# The Pi's ARP checks of its gateway get 3 s (ics-watch: 1 s) and it gives up on the gateway
# after 40 s (10 s): under TCG at load a CLIENT Pi otherwise falls back to shared mode while
# the host is fine (the likely cause of 26 and 27 failing their TCP checks in a loaded boot).
# Its DHCP client gets 60 s to lease (ics-watch: 15 s): in a loaded boot of this branch a Pi
# with the host's server running failed three 15 s windows in a row (udhcpc and dnsmasq under
# TCG), and reached CLIENT 217 s into a 240 s bound.
export RPI_ARP_WAIT=3 RPI_GW_GRACE=40 RPI_CLIENT_WINDOW=60

UP=tb-upstream
SERVER=203.0.113.10
CONF=/run/testbed-rpi-gateway.conf
printf '[peer pi]\nusb=2e8a:0013\nmode=gateway\nuplink=auto\n' >"$CONF"

# Runs at exit under the scenario's `set -e`: a command failing here would become the
# scenario's exit status (no ERR trap message in a function). `ip link del tb-up0` fails
# whenever the kernel has already destroyed the namespace and with it u0's peer tb-up0 (which
# ip netns del leaves to the kernel's own timing): that made a passing scenario exit 1.
cleanup() {
	set +e
	ip netns pids "$UP" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$UP" 2>/dev/null
	ip link del tb-up0 2>/dev/null
	rm -f "$CONF"
	return 0
}
trap cleanup EXIT

step "an upstream namespace with a server behind the guest's default route (tb-up0)"
assert_cmd "the guest has no default route of its own" test -z "$(ip -4 route show default)"
ip netns add "$UP"
ip -n "$UP" link set lo up
ip -n "$UP" addr add "$SERVER/32" dev lo
ip link add tb-up0 type veth peer name u0 netns "$UP"
ip addr add 198.51.100.1/24 dev tb-up0
ip link set tb-up0 up
ip -n "$UP" addr add 198.51.100.2/24 dev u0
ip -n "$UP" link set u0 up
ip route add default via 198.51.100.2 dev tb-up0
ip netns exec "$UP" socat TCP-LISTEN:8080,bind="$SERVER",fork,reuseaddr \
	SYSTEM:'echo "$SOCAT_PEERADDR"' >/dev/null 2>&1 &
listening() { ip netns exec "$UP" ss -Hltn "sport = :8080" | grep -q 8080; }
expect_within 30 "the server listens on $SERVER:8080" listening
forward_before=$(cat /proc/sys/net/ipv4/ip_forward)

nm_start
watch_start --config "$CONF"

step "plug the Pi; nothing is run by hand"
peer_plug rpi
hif=$PEER_IF
expect_within 60 "the watcher configured $hif" record_state_is "$hif" configured
assert_eq "list --json: $hif mode" gateway "$(peer_field "$hif" mode)"
assert_eq "list --json: $hif uplink" tb-up0 "$(peer_field "$hif" uplink)"
expect_within 240 "the Pi became a DHCP client and kept its lease" rpi_is_client rpi
log "the Pi's side: $(tr '\n' ' ' <"$PEERS_RUN/rpi/ics.log")"
lease=$(rpi_lease rpi)
assert_eq "the Pi leased 10.42.0.2" 10.42.0.2 "$lease"
assert_eq "its router is the host" 10.42.0.1 "$(rpi_lease rpi router)"
assert_match "its default route goes to the host" "default via 10.42.0.1 dev usb0" "$(in_peer rpi ip route)"
expect_within 30 "the host pings the Pi at $lease" pings "$lease"
server_ping() { in_peer rpi ping -c 1 -W 2 "$SERVER" >/dev/null; }
# One way (-u): with stdin at EOF, `socat - TCP` waits only 0.5 s for the server's answer.
seen_by_server() { in_peer rpi timeout 60 socat -u -T 30 "TCP:$SERVER:8080,connect-timeout=30" - 2>/dev/null; }
expect_within 60 "the Pi pings the upstream server $SERVER through the host" server_ping
# What the Pi looks like when the server does not see it (its mode, address, routes, ics-watch).
sees_uplink() {
	local seen
	seen=$(seen_by_server || true)
	[ "$seen" = 198.51.100.1 ] && return 0
	echo "saw '$seen'; the Pi: $(rpi_mode rpi), $(in_peer rpi ip -4 -br addr show usb0 | tr -s ' '), routes: $(in_peer rpi ip route | tr '\n' ';') ics: $(tail -n 2 "$PEERS_RUN/rpi/ics.log" | tr '\n' ' ')"
	return 1
}
expect_within 120 "the server sees the uplink's address 198.51.100.1 (a TCP connection from the Pi)" sees_uplink

step "unplug: the host as it was"
pid=$(cat "$USBNET_RUN_DIR/$hif.dhcp.pid")
peer_unplug rpi
expect_within 60 "the watcher released $hif" no_state_for "$hif"
# gone, or a zombie its parent has not reaped yet
proc_gone() { [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
expect_within 30 "the DHCP server (pid $pid) is gone" proc_gone "$pid"
assert_not_cmd "no nftables chain of $hif" nft list chain ip usbnet_host "forward-$hif"
assert_eq "ip_forward as it was" "$forward_before" "$(cat /proc/sys/net/ipv4/ip_forward)"
peer_remove rpi
