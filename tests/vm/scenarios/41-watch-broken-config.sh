#!/bin/bash
# Scenario 41: a configuration error never stops the watcher (issue 19). It starts, in the
# installed unit's sandbox (lib/unit-sandbox.sh), with [peer x] / usb=zz in the configuration:
# it logs file, line and problem, keeps running, and configures a plugged N900 from its built-in
# profile (192.168.2.14/24), as udev-probe marks it. The file is then fixed (a [peer n900]
# group with 192.168.2.13/24) and the unit's own ExecReload= (SIGHUP) is run: the watcher says
# the group was added, and the N900 plugged again gets 192.168.2.13/24, without a restart.
# Fails on main (909b5f7): the watcher exits 2 on the broken file; it has no reload.
. "$TESTBED_VM_DIR/lib/testbed.sh"
. "$TESTBED_VM_DIR/lib/unit-sandbox.sh"
need_usbnet_host

CONF=$SYSTEM_CONF
system_conf_save 41
W41=
cleanup() {
	set +e # under the scenario's set -e a failed command here would become its exit status
	[ -n "$W41" ] && kill "$W41" 2>/dev/null
	system_conf_restore
	return 0
}
trap cleanup EXIT

UNIT=$(unit_path) || fail "no usbnet-host.service in the unit directories"
read -r -a EXEC <<<"$(unit_exec "$UNIT" ExecStart)"
RELOAD=$(unit_exec "$UNIT" ExecReload)
assert_match "the unit has ExecReload=" "kill -HUP" "$RELOAD"

step "the watcher starts with a broken configuration"
printf '[peer x]\nusb=zz\n' >"$CONF"
LOG=$(watch_log)
echo "--- $(date +%T.%N) ${EXEC[*]} (unit sandbox)" >>"$LOG"
(unit_sandbox "$UNIT" "${EXEC[@]}") >>"$LOG" 2>&1 &
W41=$!
expect_within 60 "the watcher (pid $W41) is watching" watch_logged "watching for USB network peers"
assert_cmd "it logged file, line and problem" \
	watch_logged "configuration error: $CONF:2: \[peer x\] usb: \"zz\" is not VID:PID"
assert_cmd "it goes on with the built-in profiles" watch_logged "going on with the built-in profiles"
expect_steady 2 "it keeps running" kill -0 "$W41"

step "plug the N900: configured from its built-in profile"
peer_plug n900
hif=$PEER_IF
configured() { has_addr "$1" "$2" && record_state_is "$1" configured; }
expect_within 60 "$hif configured with 192.168.2.14/24 (built-in profile)" configured "$hif" 192.168.2.14/24
expect_within 60 "the N900 answers ping" pings 192.168.2.15

step "fix the file; the unit's ExecReload=: $RELOAD"
printf '[peer n900]\nusb=0421:01c8\naddress=192.168.2.13/24\npeer=192.168.2.15\n' >"$CONF"
MAINPID=$W41
read -r -a RCMD <<<"${RELOAD//\$MAINPID/$MAINPID}"
"${RCMD[@]}"
expect_within 60 "the watcher says the group was added" watch_logged "reload: configuration read, \[peer n900\] added"
assert_cmd "it still runs" kill -0 "$W41"

step "plug the N900 again: the fixed file's plan"
peer_unplug n900
expect_within 60 "$hif's record is gone" no_state_for "$hif"
peer_replug n900
hif=$PEER_IF
expect_within 60 "$hif configured with 192.168.2.13/24 (the [peer n900] group)" configured "$hif" 192.168.2.13/24
assert_cmd "not with the built-in profile's address" has_no_addr "$hif" 192.168.2.14/24
expect_within 60 "the N900 answers ping" pings 192.168.2.15
