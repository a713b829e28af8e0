#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --peer must be new to the host (issue 19): not one of its own addresses, not the next hop
# of its routes through another interface (the default gateway), not an address it reaches
# through another interface by a route as specific as the one up would add or more (but for a
# link-local peer beside another link's link-local subnet route or address). Each refusal: exit 2, the
# interface that reaches it named, the host unchanged (addresses, routes, links, ruleset,
# forwarding, run directory). (peer= of a [peer] group lands in the same plan and the same
# check, mode_static_check: a forced veth matches no group here.)
#
#   host H: up0 198.51.100.1/24, default via 198.51.100.2 (namespace U); veth0 the peer's link
#
# Fails on main (909b5f7): each refused case exits 0 and adds a /32 route through veth0 that
# takes the host's traffic to its gateway (or its own address) away from up0.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
core_init peer-check

refused() { # DESC WHO ARGS...: exit 2, WHO named, nothing changed
	local desc=$1 who=$2
	shift 2
	snapshot before
	uh up veth0 --force --wait 0 "$@"
	expect_rc 2 "$desc"
	check "$desc: the message names $who" said "$who"
	snapshot after
	same_as before after
}

new_case gateway
make_host
make_uplink
refused "--peer at the default gateway" "up0" --address 10.66.0.1/24 --peer 198.51.100.2
check "it says default gateway" said "default gateway"
refused "--peer at the default gateway, gateway mode" "up0" --gateway --uplink up0 \
	--address 10.66.0.1/24 --peer 198.51.100.2
refused "--peer at the host's uplink address" "up0" --address 10.66.0.1/24 --peer 198.51.100.1
ip -n "$H" addr add 192.0.2.7/32 dev lo
refused "--peer at the host's address on lo" "lo" --address 10.66.0.1/24 --peer 192.0.2.7
ip -n "$H" route add 203.0.113.9/32 via 198.51.100.2 dev up0
refused "--peer reached by a /32 through up0" "up0" --address 10.66.0.1/24 --peer 203.0.113.9
ip -n "$H" route add 10.66.0.0/24 via 198.51.100.2 dev up0
refused "--peer in its subnet, reached by an equal route through up0" "up0" \
	--address 10.66.0.1/24 --peer 10.66.0.2
ip -n "$H" route add 10.66.0.0/25 via 198.51.100.2 dev up0
refused "--peer in its subnet, reached by a more specific route through up0" "up0" \
	--address 10.66.0.1/24 --peer 10.66.0.2

# What is new to the host is taken: a peer in a subnet no other interface reaches, and one
# outside it that the host reaches only by a less specific route (the /24 of up0's LAN).
uh up veth0 --force --wait 0 --address 10.68.0.1/24 --peer 10.68.0.2
expect_rc 0 "--peer new to the host"
uh down veth0
expect_rc 0 "down"
uh up veth0 --force --wait 0 --address 10.68.0.1/24 --peer 198.51.100.77
expect_rc 0 "--peer on up0's LAN, a /32 more specific than the /24 through up0"
check "the /32 route to it goes through veth0" route_has 198.51.100.77 veth0
uh down veth0
expect_rc 0 "down"

# A link-local peer beside another link's link-local route (avahi-autoipd's and
# NetworkManager's "169.254.0.0/16 dev eth0 metric 1000" on many desktops; here one of metric 0,
# which the kernel would prefer to the peer's own): a link-local address means something on its
# own link only. The Fobnail's plan is taken, with a /32 to the peer through its link, the peer
# answers through it, and down leaves the host as it was. A /32 through the other link stays a
# refusal.
new_case link-local
make_host
make_uplink
ip -n "$H" route add 169.254.0.0/16 dev up0 scope link
ip -n "$P" addr add 169.254.0.1/16 dev veth1
ip -n "$P" link set veth1 up
snapshot before
uh up veth0 --force --wait 3 --address 169.254.0.8/16 --peer 169.254.0.1
expect_rc 0 "--peer 169.254.0.1 beside up0's 169.254.0.0/16 route"
DETAIL=$(ip -n "$H" route get 169.254.0.1 2>&1)
check "the host routes 169.254.0.1 through veth0 (a /32)" route_has 169.254.0.1 veth0
check "the host reaches the peer through veth0" \
	sh -c "ip netns exec '$H' ping -c 1 -W 2 169.254.0.1 >/dev/null 2>&1"
DETAIL=
uh down veth0
expect_rc 0 "down"
snapshot after
same_as before after
ip -n "$H" route add 169.254.0.1/32 dev up0 scope link
refused "a link-local --peer that a /32 through up0 reaches" "up0" \
	--address 169.254.0.8/16 --peer 169.254.0.1

# A link-local address on another link (NetworkManager's ipv4.method=link-local, avahi-autoipd:
# 169.254.23.45/16 on up0, with its kernel subnet route): the Fobnail's 169.254.0.8/16 no longer
# clashes. veth0 gets 169.254.0.8 alone (a /32, no second 169.254.0.0/16 route) and a /32 to the
# peer; the peer answers through veth0, up0's link-local neighbour still through up0, and down
# leaves the host as it was. The very same address on up0 stays a clash.
new_case link-local-address
make_host
make_uplink
ip -n "$H" addr add 169.254.23.45/16 dev up0
ip -n "$U" addr add 169.254.23.46/16 dev u0
ip -n "$P" addr add 169.254.0.1/16 dev veth1
ip -n "$P" link set veth1 up
snapshot before
uh up veth0 --force --wait 3 --address 169.254.0.8/16 --peer 169.254.0.1
expect_rc 0 "169.254.0.8/16 beside up0's 169.254.23.45/16"
DETAIL=$(ip -n "$H" -br addr show dev veth0; ip -n "$H" route 2>&1)
check "veth0 has 169.254.0.8 alone (a /32)" has_addr veth0 169.254.0.8 32
check "the only 169.254.0.0/16 route is up0's" sh -c \
	"[ \"\$(ip -n '$H' route show 169.254.0.0/16 | grep -c .)\" = 1 ] && ip -n '$H' route show 169.254.0.0/16 | grep -q 'dev up0'"
check "the host routes 169.254.0.1 through veth0 (a /32)" route_has 169.254.0.1 veth0
check "the host reaches the peer through veth0" \
	sh -c "ip netns exec '$H' ping -c 1 -W 2 169.254.0.1 >/dev/null 2>&1"
check "the host still reaches up0's link-local neighbour" \
	sh -c "ip netns exec '$H' ping -c 1 -W 2 169.254.23.46 >/dev/null 2>&1"
DETAIL=
uh up veth0 --force --wait 3 --address 169.254.0.8/16 --peer 169.254.0.1
expect_rc 0 "a second up"
check "a second up finds it in place" said "already configured"
uh down veth0
expect_rc 0 "down"
snapshot after
same_as before after
ip -n "$H" addr add 169.254.0.8/16 dev up0
refused "the very same link-local address on up0" "up0" \
	--address 169.254.0.8/16 --peer 169.254.0.1

core_finish
