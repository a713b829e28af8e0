#!/bin/bash
# Scenario 21: udev's generated rules (issue 20: the udev path no longer costs a process per
# interface). The watcher, started as its unit starts it, writes /run/udev/rules.d/
# 85-usbnet-host.rules (its configuration's rules: `usbnet-host udev-rules`) and has udev read
# them. udev's helper is replaced (bind mount) by a wrapper that records every run and then runs
# it, so that a run cannot go unseen:
#   a Fobnail and an unknown gadget (1209:0001, in no profile) plugged: each gets exactly the
#     USBNET_HOST_* and NM_UNMANAGED properties (udevadm info) that `usbnet-host udev-probe`
#     prints for its udev environment, the Fobnail the tag; the helper ran for neither;
#   a [peer] group for the Fobnail (mode=ignore) and the unit's reload (SIGHUP): the file holds
#     the group, the Fobnail plugged again gets its properties, still without the helper;
#   the watcher stopped (SIGTERM): the file is gone, and the unknown gadget plugged again gets
#     its properties from the packaged rule, through the helper (the wrapper saw it: the
#     control that the wrapper records runs).
# Fails on main (731ec54): the watcher writes no rules; the helper runs for every plug.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host

GEN=/run/udev/rules.d/85-usbnet-host.rules
CONF=$SYSTEM_CONF
RUNS=$TESTBED_RUN/21-helper-runs
system_conf_save 21
SAVED=$SYSTEM_CONF_SAVED
HELPER=
cleanup() {
	set +e # under the scenario's set -e a failed command here would become its exit status
	[ -n "$HELPER" ] && umount "$HELPER" 2>/dev/null
	system_conf_restore
	return 0
}
trap cleanup EXIT

step "udev's helper, wrapped so that every run is recorded"
PACKAGED=$(usbnet_udev_rules | sed -n 1p)
[ -n "$PACKAGED" ] || fail "no packaged 85-usbnet-host.rules installed"
HELPER=$(sed -n 's/.*IMPORT{program}="\([^" ]*\).*/\1/p' "$PACKAGED" | head -n 1)
[ -x "$HELPER" ] || fail "the packaged rule's helper '$HELPER' is not there"
cp "$HELPER" "$SAVED/udev-probe.real"
cat >"$SAVED/udev-probe.wrap" <<WRAP
#!/bin/sh
echo "\${INTERFACE:-?} \$*" >>"$RUNS"
exec "$SAVED/udev-probe.real" "\$@"
WRAP
chmod 0755 "$SAVED/udev-probe.wrap"
mount --bind "$SAVED/udev-probe.wrap" "$HELPER" || fail "cannot bind the wrapper over $HELPER"
: >"$RUNS"
rm -f "$CONF"

step "the watcher, as the unit runs it"
watch_start
assert_cmd "it wrote $GEN" test -s "$GEN"
assert_cmd "it said so" watch_logged "udev rules written to $GEN"
assert_cmd "the file is what udev-rules prints now" \
	sh -c "usbnet-host udev-rules | cmp -s - '$GEN'"
assert_eq "one IMPORT{program} line (the fallback's)" 1 "$(grep -c 'IMPORT{program}' "$GEN")"
assert_cmd "the Fobnail's profile is matched by the rules" \
	grep -q 'ENV{ID_VENDOR_ID}=="1234", ENV{ID_MODEL_ID}=="4321", ENV{ID_USB_DRIVER}=="cdc_eem", ENV{ID_MODEL_ENC}=="Fobnail"' "$GEN"

props() { udev_usbnet_props "$@"; }
probe_says() { udev_probe_says "$@"; }
tagged() { udev_tagged "$@"; }
same_as_probe() { # IF KIND
	local got want
	got=$(props "$1")
	want=$(probe_says "$1")
	log "$2 ($1): udev has [${got//$'\n'/ }], udev-probe says [${want//$'\n'/ }]"
	assert_eq "$2: udev's properties are udev-probe's" "$want" "$got"
}
no_helper_runs() { # WHAT
	assert_eq "$1: udev's helper ran for no device" "" "$(cat "$RUNS")"
}

step "plug the Fobnail and the unknown gadget"
peer_plug fobnail
fob=$PEER_IF
peer_plug unknown
unk=$PEER_IF
same_as_probe "$fob" fobnail
assert_match "the Fobnail is the fobnail profile's" "USBNET_HOST_PROFILE=fobnail" "$(props "$fob")"
assert_match "the Fobnail is the watcher's" "USBNET_HOST_AUTO=1" "$(props "$fob")"
assert_cmd "the Fobnail is tagged usbnet-host" tagged "$fob"
same_as_probe "$unk" unknown
assert_match "the unknown gadget is left alone" "USBNET_HOST_MODE=ignore" "$(props "$unk")"
assert_not_cmd "the unknown gadget is not tagged" tagged "$unk"
no_helper_runs "the two plugs"

step "a [peer] group for the Fobnail; the unit's reload (SIGHUP)"
printf '[peer fob]\nusb=1234:4321\nmode=ignore\n' >"$CONF"
kill -HUP "$(watch_pid)"
expect_within 60 "the watcher read it" watch_logged "reload: configuration read, \[peer fob\] added"
expect_within 30 "the file holds the group" grep -q '^# \[peer fob\]' "$GEN"
peer_unplug fobnail
peer_replug fobnail
fob=$PEER_IF
same_as_probe "$fob" "fobnail, replugged"
assert_match "the group's mode" "USBNET_HOST_MODE=ignore" "$(props "$fob")"
assert_not_cmd "the Fobnail is no longer tagged" tagged "$fob"
no_helper_runs "the replug"

step "the watcher stops: the packaged rule (the helper) answers again"
watch_stop
assert_not_cmd "$GEN is gone" test -e "$GEN"
peer_unplug unknown
peer_replug unknown
unk=$PEER_IF
same_as_probe "$unk" "unknown, through the helper"
assert_cmd "the helper ran (the wrapper recorded it)" test -s "$RUNS"
log "helper runs: $(tr '\n' ';' <"$RUNS")"
