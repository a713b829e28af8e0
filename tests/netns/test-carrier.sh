#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The watcher follows the peers' carrier (issue 20): a peer recorded degraded is looked at again,
# without any command, when its carrier comes or (a static peer that did not answer) on a timer.
#
#   static-carrier  the peer's side is down: up leaves veth0 degraded; the watcher runs; show
#                   and status say "waiting for carrier", their --json waiting_for_carrier
#                   true; the peer brings its side up -> configured, the same address and
#                   route, no carrier note left (waiting_for_carrier false).
#   static-late     the peer's side is up but answers nothing (no address); up: degraded; the
#                   watcher runs; the peer takes its address 8 s later -> configured (the
#                   watcher's timed look: no carrier change at all).
#   auto-fallback   mode=auto, the peer silent: discovery finds nothing, the host has a
#                   link-local fallback (degraded); the watcher runs; the peer takes its side down,
#                   takes 192.168.2.15/24 (the maemo profile's device address) and brings it up
#                   again -> discovered again: configured 192.168.2.14/24, the fallback gone.
#
# The interfaces are veth (up --force); their plans come from [peer] groups matching their MAC,
# so that the watcher's look (an up of the same record) makes the same plan. The waits are
# bounded states (tests/netns/helpers/wait.sh), never durations.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
# shellcheck source-path=SCRIPTDIR source=helpers/wait.sh
. "$HERE/helpers/wait.sh"
core_init carrier

WPID=
stop_watcher() {
	[ -n "$WPID" ] || return 0
	kill -TERM "$WPID" 2>/dev/null
	wait "$WPID" 2>/dev/null
	WPID=
}
trap 'stop_watcher; core_cleanup' EXIT

uc() { # usbnet-host with this case's configuration
	OUT=$(ip netns exec "$H" "$USBNET_HOST" "$@" --config "$W/conf" --run-dir "$RUN" 2>&1)
	RC=$?
}

start_watcher() {
	ip netns exec "$H" "$USBNET_HOST" watch --verbose --config "$W/conf" --run-dir "$RUN" \
		2>>"$W/watch.log" &
	WPID=$!
	wait_until 30 grep -q "watching for USB network peers" "$W/watch.log" ||
		fail "the watcher did not start: $(cat "$W/watch.log")"
}

state_is() { # STATE: show veth0 says it
	uc show veth0
	printf '%s\n' "$OUT" | grep -Eq "^ *state +$1\$"
}
carrier_note_in() { # show|status
	if [ "$1" = show ]; then uc show veth0; else uc status; fi
	said "waiting for carrier"
}

json_waiting_is() { # show|status true|false: --json's waiting_for_carrier for veth0 is it
	local filter=.waiting_for_carrier
	[ "$1" = status ] && filter='.peers[] | select(.ifname == "veth0") | .waiting_for_carrier'
	if [ "$1" = show ]; then set -- "$2" show veth0; else set -- "$2" status; fi
	local want=$1
	shift
	OUT=$(ip netns exec "$H" "$USBNET_HOST" "$@" --json --config "$W/conf" --run-dir "$RUN" 2>/dev/null) &&
		[ "$(printf '%s' "$OUT" | jq -r "$filter")" = "$want" ]
}

json_has() { printf '%s' "$OUT" | jq -e "$1" >/dev/null; } # FILTER: the last JSON passes it

pings() { ip netns exec "$H" ping -c1 -W2 -q "$1" >/dev/null; }

conf() { # the [peer] group for veth0, then its keys
	{
		echo "[peer link]"
		echo "mac=$(mac_of veth0)"
		printf '%s\n' "$@"
	} >"$W/conf"
}

# ---- a static peer whose side comes up later --------------------------------------------------
new_case static-carrier
make_host
conf mode=static address=10.77.0.1/24 peer=10.77.0.2 wait=2
ip -n "$P" link set veth1 down
uc up veth0 --force
expect_rc 0 "up with the peer's side down"
check "degraded" state_is degraded
start_watcher
# The watcher runs and follows veth0 (degraded, no carrier): what show and status say meanwhile.
check "still degraded with the watcher running" state_is degraded
DETAIL=$OUT check "show says waiting for carrier" carrier_note_in show
DETAIL=$OUT check "status says waiting for carrier" carrier_note_in status
DETAIL=$OUT check "show --json: waiting_for_carrier true" json_waiting_is show true
DETAIL=$OUT check "status --json: veth0's waiting_for_carrier true" json_waiting_is status true
json_waiting_is show true # OUT: show --json again, for the next check
DETAIL=$OUT check "show --json keeps its other keys: carrier false, state degraded" \
	json_has '.carrier == false and .state == "degraded"'
ip -n "$P" link set veth1 up
DETAIL=$(cat "$W/watch.log") check "configured once the peer's side is up, no command" \
	wait_until 90 state_is configured
check "the address is in place" has_addr veth0 10.77.0.1 24
DETAIL=$OUT check "show no longer says waiting for carrier" not carrier_note_in show
check "status no longer says waiting for carrier" not carrier_note_in status
DETAIL=$OUT check "show --json: waiting_for_carrier false" json_waiting_is show false
DETAIL=$OUT check "status --json: veth0's waiting_for_carrier false" json_waiting_is status false
check "the watcher says it looked again" grep -q "veth0: carrier came: looking at it again" \
	"$W/watch.log"
stop_watcher
uc down veth0
expect_rc 0 "down"

# ---- a static peer that answers only later, carrier steady -----------------------------------
new_case static-late
make_host
conf mode=static address=10.77.0.1/24 peer=10.77.0.2 wait=2
ip -n "$P" addr flush dev veth1
uc up veth0 --force
expect_rc 0 "up with a peer that does not answer"
check "degraded" state_is degraded
DETAIL=$OUT check "show does not say waiting for carrier (it has carrier)" not carrier_note_in show
DETAIL=$OUT check "show --json: waiting_for_carrier false (it has carrier)" json_waiting_is show false
start_watcher
sleep 8 # the device's own delay (set-up, not a measurement)
ip -n "$P" addr add 10.77.0.2/24 dev veth1
DETAIL=$(cat "$W/watch.log") check "configured once the peer answers, no command" \
	wait_until 90 state_is configured
check "the watcher looked again on its timer" grep -q "veth0: no answer yet: looking at it again" \
	"$W/watch.log"
stop_watcher
uc down veth0
expect_rc 0 "down"

# ---- mode=auto: the fallback replaced by what discovery finds later ---------------------------
new_case auto-fallback
make_host
conf mode=auto
ip -n "$P" addr flush dev veth1
uc up veth0 --force
expect_rc 0 "up --auto with a silent peer"
check "degraded" state_is degraded
DETAIL=$OUT check "it fell back to link-local" said "none link-local"
check "a link-local address on veth0" bash -c "ip -n '$H' -4 addr show dev veth0 | grep -q 'inet 169\.254\.'"
start_watcher
ip -n "$P" link set veth1 down
ip -n "$P" addr add 192.168.2.15/24 dev veth1
ip -n "$P" link set veth1 up
DETAIL=$(cat "$W/watch.log") check "configured with the peer's subnet, no command" \
	wait_until 120 state_is configured
check "the host has 192.168.2.14/24" has_addr veth0 192.168.2.14 24
check "the link-local fallback is gone" not bash -c "ip -n '$H' -4 addr show dev veth0 | grep -q 'inet 169\.254\.'"
check "the peer answers" pings 192.168.2.15
stop_watcher
uc down veth0
expect_rc 0 "down"
check "nothing left on veth0" not bash -c "ip -n '$H' -4 addr show dev veth0 | grep -q inet"

core_finish
