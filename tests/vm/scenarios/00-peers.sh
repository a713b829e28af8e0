#!/bin/bash
# Scenario 0: the testbed's own check, with neither NetworkManager nor usbnet-host involved.
# Every reference peer enumerates with the right host driver, answers ping once the host side
# has the address by hand, the fobnail peer echoes UDP on 9400 and has IPv6 off, and the
# dhcp-peer offers a lease with a router and a DNS server. If this fails, the other scenarios
# mean nothing.
. "$TESTBED_VM_DIR/lib/testbed.sh"

# The host side's DHCP client for this check: prints what it was offered, configures nothing.
cat >"$TESTBED_RUN/udhcpc.sh" <<'EOF'
#!/bin/sh
[ "$1" = bound ] && echo "lease ip=$ip router=$router dns=$dns" >>/run/testbed/udhcpc.out
exit 0
EOF
chmod 755 "$TESTBED_RUN/udhcpc.sh"

for kind in n810 n900 fobnail rndis dhcp-peer; do
	step "$kind"
	peer_spec "$kind"
	peer_plug "$kind"
	hif=$PEER_IF
	drv=$(basename "$(readlink -f "/sys/class/net/$hif/device/driver")")
	assert_eq "$kind: host driver" "$P_DRIVER" "$drv"
	usb=$(readlink -f "/sys/class/net/$hif/device/..")
	assert_eq "$kind: USB IDs" "$P_VID:$P_PID" "$(cat "$usb/idVendor"):$(cat "$usb/idProduct")"
	assert_eq "$kind: serial" "$P_SERIAL" "$(cat "$usb/serial")"
	ip link set "$hif" up
	if [ -n "$P_HOST_ADDR" ]; then
		ip addr add "$P_HOST_ADDR" dev "$hif"
		expect_within 60 "$kind: the peer answers ping at ${P_ADDR%/*}" pings "${P_ADDR%/*}"
		if [ "$kind" = fobnail ]; then
			expect_within 30 "fobnail: UDP echo on 9400" udp_echo 169.254.0.1 9400
			assert_eq "fobnail: IPv6 off on the token" 1 \
				"$(in_peer fobnail sysctl -n net.ipv6.conf.usb0.disable_ipv6)"
		fi
		ip addr del "$P_HOST_ADDR" dev "$hif"
	elif [ "$kind" = dhcp-peer ]; then
		rm -f "$TESTBED_RUN/udhcpc.out"
		assert_cmd "dhcp-peer: offers a lease" busybox udhcpc -i "$hif" -f -q -n -t 30 -T 1 \
			-s "$TESTBED_RUN/udhcpc.sh"
		assert_eq "dhcp-peer: its lease" "lease ip=172.16.42.2 router=172.16.42.1 dns=172.16.42.1" \
			"$(cat "$TESTBED_RUN/udhcpc.out")"
		ip addr add 172.16.42.2/24 dev "$hif"
		expect_within 60 "dhcp-peer: answers ping at 172.16.42.1" pings 172.16.42.1
		ip addr del 172.16.42.2/24 dev "$hif"
	else
		# rndis: static like the N900, tried once the others are off the subnet.
		ip addr add 192.168.2.14/24 dev "$hif"
		expect_within 60 "$kind: answers ping at 192.168.2.15" pings 192.168.2.15
		ip addr del 192.168.2.14/24 dev "$hif"
	fi
	if [ "$kind" = n900 ]; then
		peer_unplug "$kind"
		assert_cmd "$kind: no host-side interface after unplug" link_gone "$hif"
		peer_replug "$kind"
		ok "$kind: replugged as $PEER_IF"
		ip link set "$PEER_IF" up
		ip addr add "$P_HOST_ADDR" dev "$PEER_IF"
		expect_within 60 "$kind: the peer answers ping again" pings "${P_ADDR%/*}"
	fi
	peer_remove "$kind"
done
ok "all reference peers work"
