#!/bin/bash
# Scenario 35 (issue 18): two identical N900s (the same IDs, profile and address, 192.168.2.15;
# serials SNN900 and SNN900B) plugged one after the other with the watcher running. Both are
# configured; the interfaces carry the peers' names as altnames (n900-snn900, n900-snn900b);
# each answers ping and a TCP connection (an ssh-like listener on port 22 that says which
# device it is) at NAME.usbnet, resolved by the installed NSS module, from plain programs.
# Unplugging the second leaves the first as it was.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
nm_start
watch_start

# The NSS module cmake --install put in the guest, on the hosts: line (the guest's /etc is a
# throw-away overlay).
# (ls of the three globs fails, under pipefail, when any of them matches nothing)
for nss in /usr/local/lib/*/libnss_usbnet.so.2 /usr/local/lib/libnss_usbnet.so.2 \
	/usr/lib/*/libnss_usbnet.so.2 ""; do
	[ -e "$nss" ] && break
done
[ -n "$nss" ] || fail "libnss_usbnet.so.2 is not installed in the guest"
export LD_LIBRARY_PATH=${nss%/*}
printf 'hosts: files usbnet\n' >/etc/nsswitch.conf

# tcp_says HOST WHAT: a TCP connection to HOST:22 is answered with WHAT.
# One way (-u): with stdin at EOF, `socat - TCP` waits only 0.5 s for the answer.
tcp_says() { [ "$(timeout 60 socat -u -T 30 "TCP:$1:22,connect-timeout=30" - 2>/dev/null)" = "$2" ]; }

step "the first N900 (serial SNN900)"
peer_spec n900
peer_plug n900
first=$PEER_IF
# The listeners' output goes away: a job left holding the scenario's stdout keeps the guest's
# tee of the scenario log open, and the scenario "runs" until its limit.
ip netns exec n900 socat TCP-LISTEN:22,fork,reuseaddr SYSTEM:'echo first-n900' >/dev/null 2>&1 &
echo $! >>"$PEERS_RUN/n900/pids"
expect_within 60 "the watcher configured $first" record_state_is "$first" configured
expect_within 30 "$first is named n900-snn900" sh -c "ip link show n900-snn900 | grep -q ' $first:'"

step "the second N900: same IDs, same address, serial SNN900B"
PEER_SERIAL=SNN900B peer_plug n900 n900b
second=$PEER_IF
ip netns exec n900b socat TCP-LISTEN:22,fork,reuseaddr SYSTEM:'echo second-n900' >/dev/null 2>&1 &
echo $! >>"$PEERS_RUN/n900b/pids"
expect_within 60 "the watcher configured $second too" record_state_is "$second" configured
expect_within 30 "$second is named n900-snn900b" sh -c "ip link show n900-snn900b | grep -q ' $second:'"
reach=$(peer_field "$second" reach_address)
log "$second: reached at $reach"
assert_eq "the first is reached at its own address" 192.168.2.15 "$(peer_field "$first" reach_address)"
assert_match "the second is reached at an alias of the pool" '^10\.189\.0\.[0-9]+$' "$reach"
assert_eq "n900-snn900b.usbnet resolves to the alias" "$reach" \
	"$(getent hosts n900-snn900b.usbnet | awk '{print $1}')"
for n in n900-snn900:first n900-snn900b:second; do
	name=${n%%:*} who=${n#*:}
	expect_within 60 "the $who N900 answers ping at $name.usbnet" pings "$name.usbnet"
	expect_within 60 "the $who N900 answers TCP at $name.usbnet" tcp_says "$name.usbnet" "$who-n900"
done

step "unplug the second: the first stays reachable"
peer_unplug n900b
expect_within 30 "no record for $second" no_state_for "$second"
assert_cmd "the first N900 answers ping at n900-snn900.usbnet" pings n900-snn900.usbnet
assert_cmd "the first N900 answers TCP at n900-snn900.usbnet" tcp_says n900-snn900.usbnet first-n900
