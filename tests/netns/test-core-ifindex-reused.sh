#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A record's interface replaced by another device that has the same name and the same ifindex
# (a new MAC address): down must not take the administrator's configuration of that device
# for its own.
#
#   static:  `up veth9 --force --address 10.79.0.1/24 --peer 10.79.0.2` (ifindex N), veth9
#            deleted and made again with index N, the administrator puts their own
#            10.79.0.1/24 on it and sets it up; `down veth9` exits 0 (or 1 with a message),
#            10.79.0.1/24 stays, the link stays up, the record is gone.
#   gateway: the same with `--gateway` (forwarding off before): down releases the host-wide
#            steps (table ip usbnet_host, forwarding back to 0) and leaves the link alone.
#
# Fails on main (b0e7556): down compares the ifindex alone, takes the new device for the old
# one and removes the administrator's address and sets the link down.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
core_init ifindex-reused

# veth9 made again with its own ifindex and a new MAC; the administrator's 10.79.0.1/24 on it.
replace_veth9() {
	local index mac
	index=$(ifindex_of veth9)
	mac=$(mac_of veth9)
	unplug veth9
	plug veth9 veth9p index "$index"
	# a random MAC of the kernel's; the same twice would prove nothing
	[ "$(mac_of veth9)" = "$mac" ] && ip -n "$H" link set veth9 address 02:00:00:79:79:79
	check "veth9 made again with the same ifindex $index" [ "$(ifindex_of veth9)" = "$index" ]
	check "and a new MAC address ($mac -> $(mac_of veth9))" [ "$(mac_of veth9)" != "$mac" ]
	ip -n "$H" addr add 10.79.0.1/24 dev veth9
	ip -n "$H" link set veth9 up
}

down_releases() {
	uh down veth9
	case $RC in
	0) pass "down veth9: exit 0" ;;
	1) DETAIL=$OUT check "down veth9: exit 1 with a message" [ -n "$OUT" ] ;;
	*) fail "down veth9: exit $RC, not 0 (or 1): $OUT" ;;
	esac
	echo "    down said: $OUT"
	check "the administrator's 10.79.0.1/24 is still on veth9" has_addr veth9 10.79.0.1 24
	check "veth9 is still up" is_up veth9
}

# ---------------------------------------------------------------------------------------------
new_case static
make_host
plug veth9 veth9p
ip -n "$P" addr add 10.79.0.2/24 dev veth9p
snapshot before
uh up veth9 --force --address 10.79.0.1/24 --peer 10.79.0.2 --wait 0
expect_rc 0 "up veth9"
replace_veth9
snapshot admin
down_releases
snapshot after
# The whole host as the administrator left it, but for the record (gone, as before the up).
same_as admin after addr route link nft fwd dns
same_as before after run

# ---------------------------------------------------------------------------------------------
new_case gateway
make_host
make_uplink
plug veth9 veth9p
ip -n "$P" addr add 10.79.0.2/24 dev veth9p
snapshot before
uh up veth9 --force --address 10.79.0.1/24 --peer 10.79.0.2 --wait 0 --gateway
expect_rc 0 "up veth9 --gateway"
check "the gateway up made table ip usbnet_host" has_table
check "the gateway up turned forwarding on" [ "$(forwarding)" = 1 ]
replace_veth9
snapshot admin
down_releases
check "down released table ip usbnet_host" not has_table
check "down gave forwarding back (0)" [ "$(forwarding)" = 0 ]
snapshot after
# The links as the administrator left them; the host-wide steps and the record gone.
same_as admin after addr route link
same_as before after nft fwd dns run

core_finish
