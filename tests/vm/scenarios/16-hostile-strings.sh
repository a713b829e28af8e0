#!/bin/bash
# Scenario 16: a gadget whose manufacturer, product and serial strings are made to hurt: shell
# metacharacters ($(touch /tmp/pwned), backticks, ";", "|"), newlines, a tab and a terminal
# escape, "../" paths, the longest string configfs takes (126 bytes) and invalid UTF-8. A
# [peer] group (matching its IDs only) has the watcher configure it, so the strings travel the
# whole way: udev's database, udev-probe, the watcher, the state record, list and show.
# Expected: udev's database holds the device and udev-probe's properties; `list` and `show`
# print one line per field, printable ASCII only, the device's bytes escaped as \xNN; `list
# --json` and `show --json` are valid JSON whose strings equal what the host's kernel has in
# sysfs (invalid UTF-8 as U+FFFD); the watcher's log is printable ASCII, one line per event;
# the run directory holds IF.state and IF.lock only, the record's serial escaped; nothing ran
# (no /tmp/pwned) and no file appeared outside the run directory.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host

peer_spec hostile-strings
conf=/etc/usbnet-host/usbnet-host.conf
[ ! -e "$conf" ] || fail "$conf exists already; this scenario writes its own"
mkdir -p /etc/usbnet-host
trap 'rm -f "$conf"' EXIT
printf '[peer hostile]\nusb=%s:%s\naddress=%s\npeer=%s\nwait=0\n' "$P_VID" "$P_PID" \
	"$P_HOST_ADDR" "${P_ADDR%/*}" >"$conf"
sed 's/^/    /' "$conf"
mark=$TESTBED_RUN/16-mark
touch "$mark"
# find -newer compares with the mark's time, which the file system's clock gives at its own
# granularity: wait until a file written now is newer than the mark.
past_mark() { touch "$mark.now" && [ "$mark.now" -nt "$mark" ]; }
expect_within 30 "a file written now is newer than the mark" past_mark

# printable_lines: stdin is printable ASCII (and newlines) only.
printable() { ! LC_ALL=C grep -q '[^ -~]'; }
bytes_of() { local v; v=$(cat) && printf '%q' "$v"; } # stdin, shown as bash would quote it

watch_start
step "plug the gadget with hostile strings"
log "manufacturer written: $(printf '%q' "$P_MFR")"
log "product written:      $(printf '%q' "$P_PRODUCT")"
log "serial written:       $(printf '%q' "$P_SERIAL")"
peer_plug hostile-strings
i=$PEER_IF
usb=$(peer_usb_dev hostile-strings)
for f in manufacturer product serial; do
	if [ -e "$usb/$f" ]; then
		log "the host's kernel has $f: $(bytes_of <"$usb/$f")"
	else
		log "the host's kernel has no $f (the gadget's string descriptor could not be read)"
	fi
done

step "udev: its database and udev-probe's properties"
props=$(udevadm info -q property "/sys/class/net/$i")
echo "$props" | grep -E '^(ID_VENDOR|ID_MODEL|ID_SERIAL|USBNET_HOST|NM_UNMANAGED)' | sed 's/^/    /'
assert_match "udev-probe classified it by the [peer] group" 'USBNET_HOST_MODE=static' "$props"
assert_match "and set NM_UNMANAGED" 'NM_UNMANAGED=1' "$props"
# udev keeps valid UTF-8 and escapes the rest in *_ENC: each property one line, none injected.
props_lines() { ! grep -vqE '^[A-Z0-9_]+=' <<<"$props" && [ "$(grep -c '^USBNET_HOST_MODE=' <<<"$props")" = 1 ]; }
assert_cmd "udev's database: one KEY=VALUE per line, one USBNET_HOST_MODE" props_lines

configured() { record_state_is "$i" configured && has_addr "$i" "$P_HOST_ADDR"; }
expect_within 60 "the watcher configured $i with $P_HOST_ADDR" configured

step "list and show: escaped in the tables, valid JSON"
uh_ok list
assert_cmd "list's table is printable ASCII" printable <<<"$UH_OUT"
assert_eq "list's table: a header and one line per peer" 2 "$(wc -l <<<"$UH_OUT")"
uh_ok show "$i"
assert_cmd "show's table is printable ASCII" printable <<<"$UH_OUT"
assert_match "show prints the serial escaped" 'x;\$\(touch /tmp/pwned\)\\x0a\\x09EVIL`id`' "$UH_OUT"
# json_same_as_sysfs FILE...: each is valid JSON (a list or an object) whose strings equal the
# kernel's (sysfs; invalid UTF-8 as U+FFFD). One python for all: each start costs a second here.
json_same_as_sysfs() {
	python3 -c '
import json, os, sys
usb, bad = sys.argv[1], []
for f in sys.argv[2:]:
    doc = json.load(open(f))
    p = doc[0] if isinstance(doc, list) else doc
    for key, attr in (("manufacturer", "manufacturer"), ("product", "product"), ("serial", "serial")):
        path = os.path.join(usb, attr)
        raw = open(path, "rb").read().rstrip(b"\n") if os.path.exists(path) else b""
        want, got = raw.decode("utf-8", "replace"), p.get(key) or ""
        if got != want and got.replace("\ufffd", "") != want.replace("\ufffd", ""):
            bad.append("%s %s: json %r, sysfs %r" % (f, key, got, raw))
    print(f, {k: p.get(k) for k in ("manufacturer", "product", "serial")})
if bad:
    print("; ".join(bad)); sys.exit(1)' "$@"
}
usbnet-host list --json >"$TESTBED_RUN/16-list.json"
usbnet-host show "$i" --json >"$TESTBED_RUN/16-show.json"
assert_cmd "list --json is valid JSON (python3 -m json.tool)" python3 -m json.tool "$TESTBED_RUN/16-list.json"
json_same_as_sysfs "$usb" "$TESTBED_RUN/16-list.json" "$TESTBED_RUN/16-show.json" | sed 's/^/    /' || true
assert_cmd "list --json and show --json: valid, the strings as the kernel has them" \
	json_same_as_sysfs "$usb" "$TESTBED_RUN/16-list.json" "$TESTBED_RUN/16-show.json"

step "up and down by hand on it"
uh_ok up "$i"
assert_match "up: already configured" 'already configured' "$UH_OUT"

step "the watcher's log, the run directory, and nothing executed"
sed 's/^/    /' "$(watch_log)"
assert_cmd "the watcher's log is printable ASCII" printable <"$(watch_log)"
assert_cmd "the watcher logged the device's serial, escaped" \
	grep -qF 'serial "../x;$(touch /tmp/pwned)\x0a\x09EVIL`id`"' "$(watch_log)"
assert_eq "the run directory holds this interface's record and lock only" \
	"$i.lock $i.state" "$(ls -A "$USBNET_RUN_DIR" | sort | tr '\n' ' ' | sed 's/ $//')"
assert_cmd "the record is printable ASCII" printable <"$USBNET_RUN_DIR/$i.state"
assert_match "the record's serial is escaped" \
	'serial \.\./x;\$\(touch /tmp/pwned\)\\x0a\\x09EVIL`id`' "$(cat "$USBNET_RUN_DIR/$i.state")"
uh_ok down "$i"
uh_ok down "$i" # nothing recorded: still fine
# Where a name from the device could land: the top of the tree, and the writable places of
# the guest. /tmp, /etc and /var/tmp are the overlay, whose lower layer is the machine's own
# tree (over 9p: slow to walk, and other jobs' files come and go there): what the guest wrote
# is in the upper layer, which the initramfs binds at /testbed-upper. /run and /dev/shm are the
# guest's alone.
upper=/testbed-upper
[ -d "$upper/etc" ] || fail "$upper is not the overlay's upper layer (the initramfs binds it)"
# find exits 1 when an entry vanishes under it: its output is what counts.
found=$(find / /root -xdev -maxdepth 1 -name '*pwned*' -printf 'P %p\n' 2>/dev/null || true
	for d in /tmp /etc /var/tmp; do
		[ -d "$upper$d" ] || continue
		find "$upper$d" -xdev \( -name '*pwned*' -printf 'P %p\n' \) -o \
			\( -type f -newer "$mark" -printf 'N %p\n' \) 2>/dev/null || true
	done
	find /run /dev/shm -xdev \( -name '*pwned*' -printf 'P %p\n' \) -o \
		\( -type f -newer "$mark" -printf 'N %p\n' \) 2>/dev/null || true)
new_files=$(awk '$1 == "N" { sub("^'"$upper"'", "", $2); print $2 }' <<<"$found" |
	grep -vE "^($TESTBED_RUN|/run/udev|/run/netns|/run/dbus|$USBNET_RUN_DIR)/|^$conf$" || true)
log "files the guest created since the gadget came (less udev's, the testbed's, ours): ${new_files:-none}"
assert_eq "no file created outside the run directory" "" "$new_files"
