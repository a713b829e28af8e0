#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ipv6=off (up --ipv6 off) for real: IPv6 is disabled on the host's side of the link before the
# link is set up, so the peer receives not one IPv6 frame from the host, even when it asks for
# one (it pings all nodes, ff02::1, on the link). The peer's side is captured with an AF_PACKET
# socket in its namespace (helpers/frames.py). The same run with IPv6 on is the control: the
# capture does see the host's IPv6 frames then (MLD reports, router solicitations, the echo
# replies). After down, every sysctl of the link is as before, and addresses, routes and links
# are byte for byte as before.
set -u
. "$(dirname "$0")/helpers/lib.sh"
core_init ipv6-off
FRAMES="$(cd "$(dirname "$0")" && pwd)/helpers/frames.py"

capture_start() { # NS IF: what IF receives, in namespace NS, into $W/cap
	local _
	rm -f "$W/cap" "$W/cap.ready"
	ip netns exec "$1" "$PY" "$FRAMES" "$2" "$W/cap" &
	CAP=$!
	for _ in $(seq 50); do
		[ -e "$W/cap.ready" ] && return 0
		sleep 0.1
	done
	echo "FAIL: $T: the capture did not start"
	exit 1
}
capture_stop() {
	kill -TERM "$CAP"
	wait "$CAP"
}
frames() { awk -v k="$1" '$1 == k && NF == 2 { print $2 }' "$W/cap"; } # ipv4|arp|ipv6|other
no_ipv6_frames() { DETAIL=$(cat "$W/cap"); [ "$(frames ipv6)" = 0 ]; }
some_ipv6_frames() { DETAIL=$(cat "$W/cap"); [ "$(frames ipv6)" -gt 0 ]; }
some_ipv4_frames() { DETAIL=$(cat "$W/cap"); [ "$(frames ipv4)" -gt 0 ]; }

# What makes an IPv6 host speak: the peer pings all nodes on the link; then the time for the
# host's own router solicitation (delayed up to 1 s) and MLD reports (1 s apart).
provoke_and_wait() {
	ip netns exec "$P" ping -6 -c 3 -i 0.3 -W 1 ff02::1%veth1 >/dev/null 2>&1
	sleep 2
}

sysctl6() { ip netns exec "$H" cat "/proc/sys/net/ipv6/conf/veth0/$1"; }
link_sysctls() { # every net.ipv4.conf.veth0.* and net.ipv6.conf.veth0.* (neigh aside)
	ip netns exec "$H" sh -c 'for f in /proc/sys/net/ipv4/conf/veth0/* /proc/sys/net/ipv6/conf/veth0/*; do
		[ -r "$f" ] && printf "%s=%s\n" "$f" "$(tr "\n" " " <"$f")"; done' 2>/dev/null
}
disabled() { [ "$(sysctl6 disable_ipv6)" = 1 ]; }
enabled() { [ "$(sysctl6 disable_ipv6)" = 0 ]; }
recorded() { grep -qx "step link-sysctl ipv6 disable_ipv6 1 0" "$RUN/veth0.state"; }
pings() { ip netns exec "$H" ping -c 1 -W 2 10.77.0.2 >/dev/null; }

new_case off
make_host
snapshot before
link_sysctls >"$W/before.sysctl"
capture_start "$P" veth1
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 30 --ipv6 off
expect_rc 0 "up --ipv6 off"
check "the peer answered" said "answered in"
check "net.ipv6.conf.veth0.disable_ipv6 is 1" disabled
check "the record holds the step with the value from before (0)" recorded
DETAIL=$(cat "$RUN/veth0.state")
check "link-sysctl is recorded before link-up" sh -c \
	"grep -n '^step ' '$RUN/veth0.state' | grep -B99 'link-up' | grep -q link-sysctl"
check "ping over IPv4 works" pings
provoke_and_wait
capture_stop
check "the peer received no IPv6 frame from the host" no_ipv6_frames
check "the capture saw the host's IPv4 frames (it works)" some_ipv4_frames
uh show veth0 --json
check "show --json says ipv6 off" json_is veth0 ipv6 '"off"'
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 0 --ipv6 off
check "a second up is already configured" said "already configured"
uh down veth0
expect_rc 0 "down"
check "net.ipv6.conf.veth0.disable_ipv6 is 0 again" enabled
link_sysctls >"$W/after.sysctl"
core_cmp "every sysctl of veth0 after down as before up" "$W/before.sysctl" "$W/after.sysctl"
snapshot after
same_as before after addr route link nft fwd

# The control: with IPv6 on (the default) the same capture sees the host's IPv6 frames.
new_case on
make_host
capture_start "$P" veth1
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 30
expect_rc 0 "up (IPv6 on)"
check "net.ipv6.conf.veth0.disable_ipv6 stays 0" enabled
check "no link-sysctl step recorded" not grep -q link-sysctl "$RUN/veth0.state"
provoke_and_wait
capture_stop
check "the capture saw the host's IPv6 frames (the test can see them)" some_ipv6_frames
uh show veth0 --json
check "show --json says ipv6 on" json_is veth0 ipv6 '"on"'
# The plan changes to ipv6=off: the record is undone and made again, IPv6 off this time.
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 0 --ipv6 off
expect_rc 0 "up --ipv6 off over an up with IPv6 on"
check "IPv6 is off now" disabled
check "and recorded" recorded
uh down veth0
check "down gives IPv6 back" enabled

# IPv6 already off on the link (the administrator's doing): nothing recorded, and down leaves
# it off.
new_case already-off
make_host
ip netns exec "$H" sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 0 --ipv6 off
expect_rc 0 "up --ipv6 off"
check "no link-sysctl step recorded (not ours)" not grep -q link-sysctl "$RUN/veth0.state"
uh down veth0
check "down leaves it off" disabled

# Bad input changes nothing.
new_case bad-input
make_host
snapshot before
uh up veth0 --force --address 10.77.0.1/24 --ipv6 maybe
expect_rc 2 "up --ipv6 maybe"
check "the message names the option" said "--ipv6: 'maybe' is not on or off"
snapshot after
same_as before after

core_finish
