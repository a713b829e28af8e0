#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The watcher follows the host's default routes: gateway peers whose uplink is auto follow them
# with no NetworkManager and no `usbnet-host refresh` run by anyone.
#
#   peer (veth1 10.77.0.2, default via 10.77.0.1)
#     <-> host (veth0 = the "USB peer" link; up0, up1 = two uplinks)
#     <-> upstream (u0 198.51.100.2 2001:db8:1::2, u1 192.0.2.2; the servers 203.0.113.10 and
#                   2001:db8:ff::10 on lo, TCP 8080, answer with the client's address)
#
#   move4        a gateway peer (up --force --gateway, uplink auto), the watcher running; the
#                default route moved from up0 to up1 by `ip route replace` -> the peer's nft
#                step names up1 and the server sees it come from up1's 192.0.2.1.
#   ipv6-appears the same peer, no IPv6 default route at its up; `ip -6 route add default` ->
#                the peer's IPv6 sharing starts (nft6 step) and it reaches the IPv6 server.
#   no-follower  a static peer alone: a default route change makes no refresh worker (the
#                watcher says at debug level that no gateway peer follows the route, and
#                nothing else).
#
# In each, the watcher's refresh at start (the routes may have moved while none ran) is seen to
# end first, in its own words. Each fails without the watcher's route listener (nothing follows the route). The waits are
# bounded states (helpers/wait.sh), never durations.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
# shellcheck source-path=SCRIPTDIR source=helpers/wait.sh
. "$HERE/helpers/wait.sh"
core_init route-watch
command -v socat >/dev/null || { echo "FAIL: socat is missing (scripts/install-deps)"; exit 1; }
SERVER=203.0.113.10
SERVER6=2001:db8:ff::10

WPID=
PIDS=()
stop_watcher() {
	[ -n "$WPID" ] || return 0
	kill -TERM "$WPID" 2>/dev/null
	wait "$WPID" 2>/dev/null
	WPID=
}
rw_cleanup() {
	stop_watcher
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	core_cleanup
}
trap rw_cleanup EXIT

start_watcher() { # debug level: the no-follower case reads what the watcher decided
	ip netns exec "$H" "$USBNET_HOST" watch --verbose --verbose --config "" --run-dir "$RUN" \
		2>>"$W/watch.log" &
	WPID=$!
	wait_until 30 grep -q "watching for USB network peers" "$W/watch.log" ||
		fail "the watcher did not start: $(cat "$W/watch.log")"
}

# The host, the peer, and the upstream behind up0 (default route) and up1; IPv6 on up0 but no
# IPv6 default route (no RAs: the host's routes are the test's own).
make_world() {
	make_host
	new_ns "$U"
	ip netns exec "$H" sysctl -qw net.ipv6.conf.all.forwarding=0
	ip -n "$H" link add up0 type veth peer name u0 netns "$U" || exit 1
	ip -n "$H" link add up1 type veth peer name u1 netns "$U" || exit 1
	ip -n "$H" addr add 198.51.100.1/24 brd + dev up0
	ip -n "$H" addr add 2001:db8:1::1/64 dev up0
	ip -n "$H" addr add 192.0.2.1/24 brd + dev up1
	ip -n "$H" link set up0 up
	ip -n "$H" link set up1 up
	ip -n "$U" addr add 198.51.100.2/24 brd + dev u0
	ip -n "$U" addr add 2001:db8:1::2/64 dev u0
	ip -n "$U" addr add 192.0.2.2/24 brd + dev u1
	ip -n "$U" link set u0 up
	ip -n "$U" link set u1 up
	ip -n "$U" addr add "$SERVER/32" dev lo
	ip -n "$U" addr add "$SERVER6/128" dev lo
	ip -n "$H" route add default via 198.51.100.2 dev up0
	ip netns exec "$U" socat TCP-LISTEN:8080,bind="$SERVER",fork,reuseaddr \
		SYSTEM:'echo "$SOCAT_PEERADDR"' 2>/dev/null &
	PIDS+=($!)
	ip netns exec "$U" socat TCP6-LISTEN:8080,bind="[$SERVER6]",fork,reuseaddr \
		SYSTEM:'echo "$SOCAT_PEERADDR"' 2>/dev/null &
	PIDS+=($!)
	wait_until 10 sh -c "ip netns exec '$U' ss -ltn | grep -q '$SERVER:8080'" ||
		{ echo "FAIL: $T: the server did not start"; exit 1; }
}

ask_server() { # what the server saw as the client's address, asked from the peer
	ip netns exec "$P" timeout 5 socat -T 3 - "TCP:$SERVER:8080,connect-timeout=3" </dev/null 2>/dev/null
}
ask_server6() { # compressed (socat writes every digit)
	ip netns exec "$P" timeout 5 socat -T 3 - "TCP6:[$SERVER6]:8080,connect-timeout=3" </dev/null 2>/dev/null |
		tr -d '[]' | "$PY" -c 'import ipaddress,sys
for l in sys.stdin:
    print(ipaddress.ip_address(l.strip()))'
}
server_saw() { [ "$(ask_server)" = "$1" ]; }
server6_saw() { [ "$(ask_server6)" = "$1" ]; }
peer_has_ula() { ip -n "$P" -6 -o addr show dev veth1 scope global | grep -q ' fd'; }
forwarding6_is() { [ "$(ip netns exec "$H" cat /proc/sys/net/ipv6/conf/all/forwarding)" = "$1" ]; }
logged() { grep -qF -- "$1" "$W/watch.log"; }
record_has() { grep -Eq -- "$1" "$RUN/veth0.state"; }

up_gateway() {
	uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 30 --gateway
}

# ---- IPv4: the default route moves to up1 ----------------------------------------------------
new_case move4
make_world
up_gateway
expect_rc 0 "up --gateway (uplink auto)"
check "the nft step names up0, auto" record_has "^step nft up0 10\.77\.0\.0/24 auto$"
DETAIL="the server saw '$(ask_server)'" check "the peer reaches the server through up0" \
	server_saw 198.51.100.1
start_watcher
# its refresh at start (the routes may have moved while no watcher ran) first: nothing moved
DETAIL="$(cat "$W/watch.log")" check "the watcher's refresh at start found the peer in place" \
	wait_until 30 logged "watcher started: the gateway peers are where it is"
ip -n "$H" route replace default via 192.0.2.2 dev up1
# (the record is written ahead of the change: what follows waits for the change itself)
DETAIL="$(cat "$W/watch.log")" check "the nft step names up1, no command run" \
	wait_until 30 record_has "^step nft up1 10\.77\.0\.0/24 auto$"
DETAIL="the server saw '$(ask_server)'" check "the peer reaches the server through up1" \
	wait_until 30 server_saw 192.0.2.1
check "the watcher says the peer moved" wait_until 30 logged "veth0: gateway moved from up0 to up1"
check "the watcher says what the refresh changed" \
	wait_until 30 logged "default route changed: 1 gateway peer changed with it"
# No loop: the refresh made no route event of its own that moved anything again. Back on up0:
ip -n "$H" route replace default via 198.51.100.2 dev up0
DETAIL="$(cat "$W/watch.log")" check "back on up0 with the route" \
	wait_until 30 record_has "^step nft up0 10\.77\.0\.0/24 auto$"
check "the peer reaches the server through up0 again" wait_until 30 server_saw 198.51.100.1
stop_watcher
uh down veth0
expect_rc 0 "down"

# ---- IPv6: a default route appears alone -----------------------------------------------------
new_case ipv6-appears
make_world
up_gateway
expect_rc 0 "up --gateway with no IPv6 default route"
DETAIL="$(cat "$RUN/veth0.state")" check "no IPv6 step at up" not record_has "^step (nft6|forwarding6|ra) "
start_watcher
DETAIL="$(cat "$W/watch.log")" check "the watcher's refresh at start found nothing to do" \
	wait_until 30 logged "watcher started: the gateway peers are where it is"
ip -n "$H" -6 route add default via 2001:db8:1::2 dev up0
DETAIL="$(cat "$W/watch.log")" check "IPv6 sharing started, no command run" \
	wait_until 30 record_has "^step nft6 up0 fd[0-9a-f:]+::/64 nat$"
check "the watcher says IPv6 is shared now" wait_until 30 logged "veth0: IPv6 shared now, through up0"
check "IPv6 forwarding on" wait_until 30 forwarding6_is 1
DETAIL="$(ip -n "$P" -6 addr show dev veth1)" check "the peer got an address in the ULA /64" \
	wait_until 30 peer_has_ula
DETAIL="the server saw '$(ask_server6)'" check "the peer reaches the IPv6 server (masqueraded as up0)" \
	wait_until 30 server6_saw 2001:db8:1::1
stop_watcher
uh down veth0
expect_rc 0 "down"
check "IPv6 forwarding off again" forwarding6_is 0

# ---- no gateway peer: no refresh work ----------------------------------------------------------
new_case no-follower
make_world
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 30
expect_rc 0 "up (static)"
start_watcher
# its look at start (the routes may have moved while no watcher ran), apart from the change's
DETAIL="$(cat "$W/watch.log")" check "the watcher looked at start and found no gateway peer" \
	wait_until 30 logged "watcher started; no gateway peer follows the default route, nothing to refresh"
ip -n "$H" route replace default via 192.0.2.2 dev up1
DETAIL="$(cat "$W/watch.log")" check "the watcher saw the change and found no gateway peer" \
	wait_until 30 logged "default route changed; no gateway peer follows the default route, nothing to refresh"
DETAIL="$(cat "$W/watch.log")" check "no refresh worker ran" not grep -Eq "refresh|gateway peers? (are|changed)" \
	<(grep -v "nothing to refresh" "$W/watch.log")
stop_watcher
uh down veth0
expect_rc 0 "down"

core_finish
