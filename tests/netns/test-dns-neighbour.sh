#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The DNS forwarder of a gateway peer answers the peer's own link only (issue 19).
#
#   peer P (veth1 10.77.0.2) <-> host H (veth0 10.77.0.1, the "USB peer" link; up0 uplink)
#     <-> U (u0 198.51.100.2): the upstream DNS server (usbnet.test -> 198.51.100.7), and the
#         hostile neighbour on the uplink's link, with a route to 10.77.0.0/24 via the host
#
# Linux takes a packet for any of its addresses on any interface, so without usbnet-host's input
# chain U reaches the forwarder on 10.77.0.1 (shown below: with the chain deleted by hand, U's
# UDP and TCP queries are answered). With it: U gets nothing over UDP or TCP while the peer still
# resolves over both; U still reaches the host on 10.77.0.1 otherwise (ping, another UDP port:
# the chain drops nothing else); down leaves the ruleset as it was.
#
# Fails on main (909b5f7): U's queries to 10.77.0.1 are answered ("neighbour" checks).
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QUERY="$HERE/dns-query.py"
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
# shellcheck source-path=SCRIPTDIR source=helpers/wait.sh
. "$HERE/helpers/wait.sh"
core_init dns-neighbour
for tool in dnsmasq unshare ping; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps)"; exit 1; }
done

answers() { # NS [--tcp] SERVER: the query of usbnet.test is answered with 198.51.100.7
	local ns=$1
	shift
	DETAIL=$(ip netns exec "$ns" "$PY" "$QUERY" "$@" usbnet.test 2)
	case $DETAIL in *"A 198.51.100.7"*) return 0 ;; esac
	return 1
}
no_answer() { # NS [--tcp] SERVER: nothing comes back
	local ns=$1 out
	shift
	out=$(ip netns exec "$ns" "$PY" "$QUERY" "$@" usbnet.test 2)
	DETAIL=$out
	case $out in "no answer"*) return 0 ;; esac
	return 1
}

new_case neighbour
make_host
make_uplink
ip netns exec "$U" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--listen-address=198.51.100.2 --bind-interfaces --address=/usbnet.test/198.51.100.7 \
	--pid-file="$W/upstream.pid" 2>"$W/upstream.log" &
UPSTREAM=$!
# shellcheck disable=SC2064 # expanded now: this upstream's pid
trap "kill $UPSTREAM 2>/dev/null; core_cleanup" EXIT
upstream_listens() { ip netns exec "$U" ss -Hlun | grep -q '198\.51\.100\.2:53 '; }
wait_until 30 upstream_listens || { echo "FAIL: the upstream dnsmasq does not listen: $(cat "$W/upstream.log")"; exit 1; }
# The neighbour routes the peer's subnet through the host, as a LAN's router might.
ip -n "$U" route add 10.77.0.0/24 via 198.51.100.1

snapshot before
uh_resolv up veth0 --force --gateway --uplink up0 --dns --address 10.77.0.1/24 --peer 10.77.0.2 --wait 0
expect_rc 0 "up --gateway --dns"
fwd_listens() { ip netns exec "$H" ss -Hlun | grep -q '10\.77\.0\.1:53 '; }
check "the forwarder listens on 10.77.0.1:53" wait_until 30 fwd_listens

check "the peer resolves through the host (UDP)" answers "$P" 10.77.0.1
check "the peer resolves through the host (TCP)" answers "$P" --tcp 10.77.0.1
check "the host itself may ask it (lo)" answers "$H" 10.77.0.1
check "the neighbour on the uplink gets nothing (UDP)" no_answer "$U" 10.77.0.1
check "the neighbour on the uplink gets nothing (TCP)" no_answer "$U" --tcp 10.77.0.1

# Nothing else of the host's is dropped: the neighbour still pings 10.77.0.1 and reaches a UDP
# service on another port of it.
pings() { ip netns exec "$U" ping -q -c1 -W2 10.77.0.1 >/dev/null; }
check "the neighbour still pings 10.77.0.1" pings
ip netns exec "$H" "$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.0.1", 54))
s.settimeout(10)
data, peer = s.recvfrom(100)
s.sendto(data, peer)
' &
ECHO=$!
echo_listens() { ip netns exec "$H" ss -Hlun | grep -q '10\.77\.0\.1:54 '; }
wait_until 60 echo_listens
udp54() {
	ip netns exec "$U" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"hello", ("10.77.0.1", 54))
sys.exit(0 if s.recv(100) == b"hello" else 1)
'
}
check "the neighbour still reaches UDP port 54 of 10.77.0.1" udp54
wait "$ECHO" 2>/dev/null

# The control: without the input chain, the neighbour is answered (the test can fail).
DETAIL=$(ip netns exec "$H" nft list table ip usbnet_host 2>&1)
has_input() { ip netns exec "$H" nft list chain ip usbnet_host input-veth0 >/dev/null; }
check "the table holds the input chain of veth0" has_input
ip netns exec "$H" nft delete chain ip usbnet_host input-veth0
check "without the chain, the neighbour is answered (UDP)" answers "$U" 10.77.0.1
check "without the chain, the neighbour is answered (TCP)" answers "$U" --tcp 10.77.0.1

uh down veth0
expect_rc 0 "down (the input chain already gone)"
snapshot after
same_as before after nft fwd dns run

# Again, with down taking the chain away itself.
uh_resolv up veth0 --force --gateway --uplink up0 --dns --address 10.77.0.1/24 --peer 10.77.0.2 --wait 0
expect_rc 0 "up again"
check "the neighbour gets nothing again (UDP)" no_answer "$U" 10.77.0.1
uh down veth0
expect_rc 0 "down"
snapshot after2
same_as before after2 nft fwd dns run

core_finish
