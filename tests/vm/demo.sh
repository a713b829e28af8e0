#!/bin/bash
# The demo (scripts/demo): a host with NetworkManager running and usbnet-host installed (its
# udev rule too), a Nokia N900 and a Fobnail token plugged in. The user lists the peers, brings
# them up, pings them, talks to the token's UDP echo, and takes them down again.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host

# shell CMD...: shows a command as a user types it, and its output.
shell() {
	local rc=0
	printf '\n$ %s\n' "$*"
	"$@" 2>&1 | sed 's/^/  /' || rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || fail "'$*' exited with status $rc"
}

step "the host: NetworkManager running, usbnet-host $(usbnet-host --version 2>/dev/null | head -n1) installed"
nm_start
step "plug in a Nokia N900 (PC-Suite mode, CDC ECM) and a Fobnail token (CDC EEM)"
peer_plug n900
n900=$PEER_IF
peer_plug fobnail
fobnail=$PEER_IF
for i in "$n900" "$fobnail"; do
	wait_until 60 sh -c "nmcli -g GENERAL.STATE device show $i | grep -q ." || true
done

step "what the user sees"
shell nmcli device
shell usbnet-host list
shell usbnet-host show "$n900"

step "bring them up"
shell usbnet-host up --all
shell usbnet-host list
shell ip -br addr show dev "$n900"
shell ip -br addr show dev "$fobnail"
shell nmcli device

step "talk to them"
expect_within 60 "the N900 answers at 192.168.2.15" pings 192.168.2.15
shell ping -c 3 -i 0.3 192.168.2.15
expect_within 60 "the Fobnail token answers at 169.254.0.1" pings 169.254.0.1
shell ping -c 3 -i 0.3 169.254.0.1
printf '\n$ echo hello fobnail | socat - UDP4:169.254.0.1:9400\n'
reply=$(echo "hello fobnail" | timeout 6 socat -T 5 - UDP4:169.254.0.1:9400)
echo "  $reply"
assert_eq "the token's UDP echo" "hello fobnail" "$reply"

step "and take them down again"
shell usbnet-host down --all
shell usbnet-host list
assert_cmd "192.168.2.14 is gone from $n900" has_no_addr "$n900" 192.168.2.14/24
assert_cmd "169.254.0.8 is gone from $fobnail" has_no_addr "$fobnail" 169.254.0.8/16
ok "demo done"
