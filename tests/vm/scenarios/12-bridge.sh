#!/bin/bash
# Scenario 12: bridge mode. A LAN namespace (tb-lan: 10.88.0.1, dnsmasq serving DHCP) reached
# through a veth, tb-uplink, the guest's LAN interface (10.88.0.5/24, a static route through
# the LAN's router). A [peer] group puts the N810 in bridge mode with that uplink; `up` makes
# the bridge (the uplink's MAC, forward delay 0, STP off), moves the address and the route
# onto it; the N810's device side (its namespace) then gets a lease from the LAN's dnsmasq and
# reaches the LAN host, and the host still reaches the LAN from 10.88.0.5. `down` gives the
# uplink back as it was and removes the bridge and every record.
#
# NetworkManager runs (as on a desktop): the N810 is kept off it by usbnet-host's udev rule,
# and tb-uplink by NetworkManager's own rule for veths (85-nm-unmanaged.rules: a veth not
# named eth* is unmanaged), which the scenario checks first: usbnet-host refuses an uplink
# NetworkManager manages (see the README), so a managed uplink would fail here loudly.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
nm_start

LAN=tb-lan
CONF=$TESTBED_RUN/bridge.conf
LEASE=$TESTBED_RUN/bridge-lease
# The LAN namespace is this scenario's own: testbed_reset knows tb-* links, not namespaces.
cleanup_lan() {
	set +e # under the scenario's set -e a failed command here would become its exit status
	[ -f "$TESTBED_RUN/lan-dnsmasq.pid" ] && kill "$(cat "$TESTBED_RUN/lan-dnsmasq.pid")" 2>/dev/null
	ip netns del "$LAN" 2>/dev/null
	return 0
}
trap cleanup_lan EXIT

step "a LAN: $LAN with dnsmasq, and tb-uplink into it"
ip netns add "$LAN"
ip -n "$LAN" link set lo up
ip link add tb-uplink type veth peer name lan0 netns "$LAN"
ip -n "$LAN" addr add 10.88.0.1/24 brd + dev lan0
ip -n "$LAN" link set lan0 up
ip addr add 10.88.0.5/24 brd + dev tb-uplink
ip link set tb-uplink up
ip route add 10.99.0.0/16 via 10.88.0.1 dev tb-uplink metric 50 proto static
# --no-ping: dnsmasq would spend 3 s pinging a new address before offering it.
ip netns exec "$LAN" dnsmasq --conf-file=/dev/null --pid-file="$TESTBED_RUN/lan-dnsmasq.pid" \
	--interface=lan0 --bind-interfaces --except-interface=lo --port=0 \
	--dhcp-range=10.88.0.100,10.88.0.150,255.255.255.0,5m --no-ping \
	--dhcp-leasefile="$TESTBED_RUN/lan-leases" --log-facility="$TESTBED_RUN/lan-dnsmasq.log"
expect_within 30 "the guest reaches the LAN host through tb-uplink" pings 10.88.0.1 -I tb-uplink
expect_within 60 "NetworkManager leaves tb-uplink alone (its own rule for veths)" nm_unmanaged tb-uplink
uplink_mac=$(cat /sys/class/net/tb-uplink/address)
addr_before=$(ip -4 -o addr show dev tb-uplink | awk '{ print $4, $5, $6 }')
route_before=$(ip -4 route show dev tb-uplink)

cat >"$CONF" <<'CONF'
[peer n810-on-the-lan]
usb=0525:a4a1
mode=bridge
uplink=tb-uplink
CONF
# Every usbnet-host of this scenario (list --json too) reads it.
export USBNET_HOST_CONFIG=$CONF

step "plug the N810; up puts it on the LAN (mode=bridge from its [peer] group)"
peer_plug n810
i=$PEER_IF
uh_ok up "$i"
master_of() { # IF: the bridge IF is a port of, "" when none
	if [ -e "/sys/class/net/$1/master" ]; then basename "$(readlink -f "/sys/class/net/$1/master")"; fi
}
assert_eq "tb-uplink is a port of" usbnet-br0 "$(master_of tb-uplink)"
assert_eq "$i is a port of" usbnet-br0 "$(master_of "$i")"
assert_eq "the bridge's MAC is the uplink's" "$uplink_mac" "$(cat /sys/class/net/usbnet-br0/address)"
assert_eq "forward delay" 0 "$(cat /sys/class/net/usbnet-br0/bridge/forward_delay)"
assert_eq "STP" 0 "$(cat /sys/class/net/usbnet-br0/bridge/stp_state)"
assert_cmd "10.88.0.5/24 moved to usbnet-br0" has_addr usbnet-br0 10.88.0.5/24
assert_cmd "no IPv4 address is left on tb-uplink" has_no_addr tb-uplink 10.88.0.5/24
assert_match "the route through the LAN's router moved, metric and protocol kept" \
	"10.99.0.0/16 via 10.88.0.1 proto static metric 50" "$(ip -4 route show dev usbnet-br0)"
assert_eq "list --json: $i mode" bridge "$(peer_field "$i" mode)"
assert_eq "list --json: $i state" configured "$(peer_field "$i" state)"
assert_eq "list --json: $i host_address (none: the peer is on the LAN)" null "$(peer_field "$i" host_address)"

step "the N810 asks the LAN for an address"
cat >"$TESTBED_RUN/udhcpc.sh" <<'SCRIPT'
#!/bin/sh
case "$1" in
bound | renew) ip addr add "$ip/$subnet" dev "$interface" && echo "$ip" >"$LEASE_FILE" ;;
esac
exit 0
SCRIPT
chmod +x "$TESTBED_RUN/udhcpc.sh"
rm -f "$LEASE"
LEASE_FILE=$LEASE in_peer n810 busybox udhcpc -i usb0 -n -q -f -t 30 -T 1 \
	-s "$TESTBED_RUN/udhcpc.sh" 2>&1 | sed 's/^/    /' || true
leased=$(cat "$LEASE" 2>/dev/null || true)
assert_match "the N810 leased an address from the LAN's dnsmasq" '^10\.88\.0\.(1[0-4][0-9]|150)$' "$leased"
assert_cmd "dnsmasq's lease file names it" grep -q " $leased " "$TESTBED_RUN/lan-leases"
expect_within 30 "the N810 reaches the LAN host 10.88.0.1" in_peer n810 ping -c 1 -W 1 10.88.0.1
assert_cmd "the host still reaches the LAN host from 10.88.0.5" pings 10.88.0.1 -I 10.88.0.5
assert_cmd "the host reaches the N810 at $leased" pings "$leased"
uh_ok up "$i"
assert_match "up again: nothing changed" "already configured" "$UH_OUT"

step "down gives tb-uplink back"
uh_ok down "$i"
assert_cmd "the bridge is gone" link_gone usbnet-br0
assert_eq "tb-uplink is nobody's port" "" "$(master_of tb-uplink)"
assert_eq "tb-uplink's address, as before" "$addr_before" "$(ip -4 -o addr show dev tb-uplink | awk '{ print $4, $5, $6 }')"
assert_eq "tb-uplink's routes, as before" "$route_before" "$(ip -4 route show dev tb-uplink)"
assert_cmd "the guest reaches the LAN host through tb-uplink again" pings 10.88.0.1 -I tb-uplink
assert_cmd "no state record for $i" no_state_for "$i"
assert_cmd "no bridge record" test ! -e "$USBNET_RUN_DIR/usbnet-br0.bridge"
