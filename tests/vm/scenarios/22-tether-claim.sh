#!/bin/bash
# Scenario 22: a [peer] group that names a tethering phone claims it, on real udev (session 8).
# The phone is a gadget with AOSP's tethering IDs (18d1:4ee3, RNDIS, serial PHONE0001):
#   no configuration, the watcher running (its generated rules): udev gives the phone no
#     USBNET_HOST_* property and no NM_UNMANAGED (NetworkManager's, as a phone is), no tag,
#     and the watcher leaves it alone;
#   a [peer] group naming it by serial= and the unit's reload (SIGHUP), the phone plugged again:
#     udev's properties are udev-probe's for the same environment (static, NM_UNMANAGED=1),
#     the tag is set, the watcher configures it (192.168.42.1/24) and the phone answers ping;
#   the watcher stopped, the phone plugged again: the packaged rule's helper gives the same.
# Before the s8-tether merge udev-probe and the rules dropped the phone before the configuration
# was read (no properties, no tag, never configured); this scenario was written after it and not
# run on that tree (cli/test-udev-rules and cli/test-contract fail there).
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host

CONF=$SYSTEM_CONF
system_conf_save 22
cleanup() {
	set +e # under the scenario's set -e a failed command here would become its exit status
	system_conf_restore
	return 0
}
trap cleanup EXIT
rm -f "$CONF"

props() { udev_usbnet_props "$@"; }
probe_says() { udev_probe_says "$@"; }
tagged() { udev_tagged "$@"; }

peer_spec phone
PHONE_ADDR=${P_ADDR%/*}

step "the watcher, no configuration; plug the phone"
watch_start
peer_plug phone
ph=$PEER_IF
log "the phone is $ph ($(udevadm info -q property -p "/sys/class/net/$ph" | grep -E '^ID_(VENDOR|MODEL)_ID=|^ID_SERIAL_SHORT=|^ID_NET_DRIVER=' | tr '\n' ' '))"
assert_eq "udev gives the unclaimed phone no usbnet-host property" "" "$(props "$ph")"
assert_eq "udev-probe says nothing for it either" "" "$(probe_says "$ph")"
assert_not_cmd "the unclaimed phone is not tagged" tagged "$ph"
expect_steady 3 "the watcher leaves it alone (no record, no address)" \
	sh -c "[ -z \"\$(find '$USBNET_RUN_DIR' -name '$ph.state')\" ] && ! ip -4 -o addr show dev '$ph' | grep -q inet"

step "a [peer] group that names the phone by serial; the unit's reload"
printf '[peer lab-phone]\nserial=%s\nmode=static\naddress=%s\npeer=%s\n' \
	"$P_SERIAL" "$P_HOST_ADDR" "$PHONE_ADDR" >"$CONF"
kill -HUP "$(watch_pid)"
expect_within 60 "the watcher read it" watch_logged "reload: configuration read, \[peer lab-phone\] added"
peer_unplug phone
peer_replug phone
ph=$PEER_IF
got=$(props "$ph")
log "udev has [${got//$'\n'/ }]"
assert_eq "udev's properties are udev-probe's" "$(probe_says "$ph")" "$got"
assert_match "the group's mode" "USBNET_HOST_MODE=static" "$got"
assert_match "kept off NetworkManager" "NM_UNMANAGED=1" "$got"
assert_cmd "the claimed phone is tagged usbnet-host" tagged "$ph"
expect_within 60 "the watcher configured $ph with $P_HOST_ADDR" has_addr "$ph" "$P_HOST_ADDR"
expect_within 60 "the phone answers ping at $PHONE_ADDR" pings "$PHONE_ADDR"

step "the watcher stopped: the packaged rule's helper claims it too"
watch_stop
uh_ok down "$ph"
peer_unplug phone
peer_replug phone
ph=$PEER_IF
got=$(props "$ph")
assert_eq "udev's properties (through the helper) are udev-probe's" "$(probe_says "$ph")" "$got"
assert_match "the group's mode, through the helper" "USBNET_HOST_MODE=static" "$got"
assert_cmd "tagged, through the helper" tagged "$ph"
