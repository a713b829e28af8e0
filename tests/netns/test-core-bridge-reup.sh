#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A bridged peer taken off its bridge by hand, then the same `up --bridge` again: up repairs
# what is missing and leaves what is in place.
#
#   A LAN (namespace $U: lan0 10.88.0.1/24) behind the uplink up0 (10.88.0.5/24, default route
#   via 10.88.0.1). `up veth0 --bridge --uplink up0`, then `ip link set veth0 nomaster`, then
#   the same up again: exit 0, veth0 a port of usbnet-br0 again, up0 still a port with its
#   addresses and routes on the bridge: the host as after the first up, byte for byte. `down
#   veth0` then leaves the host as before the first up.
#
# Fails on main (b0e7556): the second up finds the record not in place, undoes it (the bridge
# goes, up0's addresses move back) and then refuses with exit 2 ("nothing was changed").
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
core_init bridge-reup

new_case reup
new_ns "$H"
new_ns "$P"
new_ns "$U"
ip netns exec "$H" sysctl -qw net.ipv4.ip_forward=0
plug veth0 veth1
# the LAN: up0 is the host's uplink into it
ip -n "$H" link add up0 type veth peer name lan0 netns "$U" || { fail "cannot add up0"; core_finish; }
ip -n "$U" addr add 10.88.0.1/24 brd + dev lan0
ip -n "$U" link set lan0 up
ip -n "$H" addr add 10.88.0.5/24 brd + dev up0
ip -n "$H" link set up0 up
ip -n "$H" route add default via 10.88.0.1 dev up0 metric 100
ip -n "$H" route add 10.99.0.0/16 via 10.88.0.1 dev up0 metric 50 proto static

snapshot before
uh up veth0 --force --bridge --uplink up0
expect_rc 0 "up veth0 --bridge --uplink up0"
check "veth0 is a port of usbnet-br0" [ "$(master_of veth0)" = usbnet-br0 ]
check "up0 is a port of usbnet-br0" [ "$(master_of up0)" = usbnet-br0 ]
check "10.88.0.5/24 is on usbnet-br0" has_addr usbnet-br0 10.88.0.5 24
snapshot first

ip -n "$H" link set veth0 nomaster
check "veth0 detached by hand" [ -z "$(master_of veth0)" ]
uh up veth0 --force --bridge --uplink up0
expect_rc 0 "the same up again"
check "veth0 is a port of usbnet-br0 again (master: '$(master_of veth0)')" [ "$(master_of veth0)" = usbnet-br0 ]
check "up0 is still a port of usbnet-br0 (master: '$(master_of up0)')" [ "$(master_of up0)" = usbnet-br0 ]
check "10.88.0.5/24 is still on usbnet-br0" has_addr usbnet-br0 10.88.0.5 24
check "and not on up0" not has_addr up0 10.88.0.5 24
check "the default route is still through usbnet-br0" \
	route_has default "via 10.88.0.1 dev usbnet-br0"
check "the host reaches the LAN host from 10.88.0.5" \
	ip netns exec "$H" ping -q -c1 -W2 -I 10.88.0.5 10.88.0.1
snapshot second
# (the record's text aside: how the repair is written down is the record's business)
same_as first second addr route link nft fwd dns

uh down veth0
expect_rc 0 "down veth0"
snapshot after
same_as before after

core_finish
