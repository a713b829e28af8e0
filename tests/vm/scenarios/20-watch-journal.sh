#!/bin/bash
# Scenario 20: the watcher's log in the journal (issue 15). systemd-journald runs in the guest
# (lib/testbed.sh journald_start: by hand, with its own sockets). The watcher runs as its unit
# runs it: the unit's ExecStart= in the unit's sandbox (lib/unit-sandbox.sh), its stdout and
# stderr a journal stream (systemd-cat, as StandardOutput=/StandardError=journal connect them)
# and JOURNAL_STREAM naming that stream, as systemd sets it. Then, each read back with
# `journalctl -o json`:
#   start:    "watching for USB network peers", priority notice (5)
#   plug:     the N900 (serial SNN900): "IF: plugged: configured 192.168.2.14/24", notice (5),
#             USBNET_IFNAME=IF, USBNET_SERIAL=SNN900
#   replug:   "IF: unplugged, its state was cleaned", notice (5), with both fields (the device
#             is gone from udev by then), then configured again on the new interface
#   failures: the Fobnail (serial TEST) whose [peer] group names a peer address nobody answers
#             at: "IF: plugged: configured 169.254.0.8/16, degraded: ...", warning (4); the N900
#             plugged while another link (tb-j20) holds 192.168.2.1/24: "IF: plugged: ...
#             clashes with ...", err (3); each with its USBNET_IFNAME= and USBNET_SERIAL=
# and: `journalctl USBNET_SERIAL=SNN900` gives the N900's history, in order, and nothing of the
# Fobnail (USBNET_SERIAL=TEST the reverse); `journalctl -p warning` has the two failures and no
# success; every line of the watcher came through sd_journal (_TRANSPORT=journal), none as text
# on its stderr stream (which journald would keep at priority info, "usbnet-host:" in front).
# Written against a gap of main (33976db), read in its code: the unplug line had no
# USBNET_SERIAL= (the worker asked udev for the serial once the device was gone), so the N900's
# history lacked its unplugs; and a configuration error at start went to the stream as text.
. "$TESTBED_VM_DIR/lib/testbed.sh"
. "$TESTBED_VM_DIR/lib/unit-sandbox.sh"
need_usbnet_host
{ command -v systemd-cat && command -v journalctl; } >/dev/null ||
	fail "systemd-cat or journalctl missing in the guest (the systemd package)"

CONF=$SYSTEM_CONF
system_conf_save 20
W20=
cleanup() {
	# Whatever fails here, the configuration file is put back (14-deb's dpkg -i stops at a
	# conffile it did not expect).
	set +e
	[ -n "$W20" ] && kill "$W20" 2>/dev/null
	ip link del tb-j20 2>/dev/null
	system_conf_restore
	return 0
}
trap cleanup EXIT

# The Fobnail's group: its profile's host address, a peer address where nobody answers. The
# N900 keeps its built-in profile (192.168.2.14/24, peer 192.168.2.15).
cat >"$CONF" <<'EOF'
[peer fobnail-silent]
usb=1234:4321
address=169.254.0.8/16
peer=169.254.0.99
EOF

step "systemd-journald in the guest"
journald_start
# Everything this scenario reads comes after this entry (journald may have run before in this
# boot: its files stay). Its time, not its cursor: journalctl 252's --after-cursor with a match
# the cursor's entry does not have drops the first entry that matches (it skips two).
echo "testbed: scenario 20 begins" | systemd-cat -t testbed-20
_mark_time() {
	J_MARK=$(journalctl --no-pager -o json -t testbed-20 -n 1 2>/dev/null |
		python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["__REALTIME_TIMESTAMP"])' 2>/dev/null) &&
		[ -n "$J_MARK" ]
}
expect_within 30 "the journal has the scenario's first entry" _mark_time

# jcheck WHAT ARGS...: the journal checker below, on the watcher's entries since the mark.
JCHECK=$TESTBED_RUN/20-jcheck.py
cat >"$JCHECK" <<'EOF'
import json, re, subprocess, sys

# Every check reads `journalctl -o json SYSLOG_IDENTIFIER=usbnet-host [MATCH...]` and keeps the
# entries after MARK (__REALTIME_TIMESTAMP, µs).
# jcheck.py MARK has PRIO REGEX IFNAME SERIAL [MATCH...]
#   an entry of usbnet-host's (SYSLOG_IDENTIFIER) after MARK, matching MATCH... (journalctl
#   matches), whose MESSAGE matches REGEX, at PRIORITY PRIO, with USBNET_IFNAME=IFNAME and
#   USBNET_SERIAL=SERIAL ("-": the field is absent)
# jcheck.py MARK seq SERIAL IFNAME:REGEX...
#   `journalctl USBNET_SERIAL=SERIAL`: these messages in this order (others may be between), and
#   every entry it gives has USBNET_SERIAL=SERIAL
# jcheck.py MARK none REGEX [MATCH...]
#   no entry of usbnet-host's (after MARK, matching MATCH...) whose MESSAGE matches REGEX
# jcheck.py MARK transport
#   every entry of usbnet-host's came through sd_journal (_TRANSPORT=journal), and none has
#   "usbnet-host:" in front of its MESSAGE
# jcheck.py MARK dump: the entries, one line each (for the log)
def entries(mark, matches):
    out = subprocess.run(["journalctl", "--no-pager", "-o", "json",
                          "SYSLOG_IDENTIFIER=usbnet-host"] + matches,
                         capture_output=True, text=True, check=True).stdout
    es = [json.loads(l) for l in out.splitlines() if l.strip()]
    return [e for e in es if int(e["__REALTIME_TIMESTAMP"]) > int(mark)]

def show(e):
    return "prio %s %s/%s [%s] %r" % (e.get("PRIORITY"), e.get("USBNET_IFNAME", "-"),
                                      e.get("USBNET_SERIAL", "-"), e.get("_TRANSPORT"),
                                      e.get("MESSAGE"))

mark, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
if what == "has":
    prio, rx, ifname, serial = args[:4]
    es = entries(mark, args[4:])
    for e in es:
        if re.search(rx, e.get("MESSAGE", "")) and e.get("PRIORITY") == prio \
           and e.get("USBNET_IFNAME", "-") == ifname and e.get("USBNET_SERIAL", "-") == serial:
            print("found: " + show(e))
            sys.exit(0)
    near = [show(e) for e in es if re.search(rx, e.get("MESSAGE", ""))]
    print("no entry at priority %s with %s/%s matching %r; with that message: %s"
          % (prio, ifname, serial, rx, near or "none"))
    sys.exit(1)
if what == "seq":
    serial, want = args[0], args[1:]
    es = entries(mark, ["USBNET_SERIAL=" + serial])
    other = [show(e) for e in es if e.get("USBNET_SERIAL") != serial]
    if other:
        print("journalctl USBNET_SERIAL=%s gave other devices' entries: %s" % (serial, other))
        sys.exit(1)
    i = 0
    for e in es:
        if i < len(want):
            ifname, rx = want[i].split(":", 1)
            if e.get("USBNET_IFNAME") == ifname and re.search(rx, e.get("MESSAGE", "")):
                i += 1
    for e in es:
        print("  " + show(e))
    if i < len(want):
        print("journalctl USBNET_SERIAL=%s: no %r after the first %d of the history"
              % (serial, want[i], i))
        sys.exit(1)
    sys.exit(0)
if what == "none":
    rx = args[0]
    bad = [show(e) for e in entries(mark, args[1:]) if re.search(rx, e.get("MESSAGE", ""))]
    if bad:
        print("entries matching %r: %s" % (rx, bad))
        sys.exit(1)
    sys.exit(0)
if what == "transport":
    bad = [show(e) for e in entries(mark, [])
           if e.get("_TRANSPORT") != "journal" or e.get("MESSAGE", "").startswith("usbnet-host:")]
    if bad:
        print("entries not written through sd_journal: %s" % bad)
        sys.exit(1)
    sys.exit(0)
if what == "dump":
    for e in entries(mark, []):
        print("  " + show(e))
    sys.exit(0)
sys.exit(2)
EOF
jcheck() { python3 "$JCHECK" "$J_MARK" "$@"; }
# jhas PRIO REGEX IFNAME SERIAL: quiet, for expect_within.
jhas() { jcheck has "$@" >/dev/null; }

step "the watcher as its unit runs it, its output a journal stream"
UNIT=$(unit_path) || fail "no usbnet-host.service in the unit directories"
read -r -a EXEC <<<"$(unit_exec "$UNIT" ExecStart)"
assert_match "ExecStart= runs usbnet-host watch" "usbnet-host watch" "${EXEC[*]}"
log "\$ systemd-cat -t usbnet-host -- (JOURNAL_STREAM=DEV:INODE of its stderr) ${EXEC[*]} (unit sandbox)"
# The pid is the watcher's: systemd-cat, bash, unshare and setpriv each exec the next.
(
	# shellcheck disable=SC2016 # expanded by the inner bash
	exec systemd-cat -t usbnet-host -- bash -c '
		. "$1/lib/unit-sandbox.sh"
		JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) || exit 1
		export JOURNAL_STREAM
		unit="$2"
		shift 2
		unit_sandbox "$unit" "$@"' bash "$TESTBED_VM_DIR" "$UNIT" "${EXEC[@]}"
) &
W20=$!
echo "$W20" >"$WATCH_PIDFILE" # testbed_reset stops it too
expect_within 60 "the watcher (pid $W20) says it is watching, at priority notice (5)" \
	jhas 5 "^watching for USB network peers$" - -
assert_cmd "it is the watcher: /proc/$W20 runs usbnet-host" \
	grep -q "usbnet-host" "/proc/$W20/cmdline"

step "plug: the N900"
peer_plug n900
if1=$PEER_IF
expect_within 60 "journal: $if1 configured, notice (5), USBNET_IFNAME=$if1 USBNET_SERIAL=SNN900" \
	jhas 5 "^$if1: plugged: configured 192\.168\.2\.14/24" "$if1" SNN900
jcheck has 5 "^$if1: plugged: configured" "$if1" SNN900
assert_cmd "$if1 has 192.168.2.14/24" has_addr "$if1" 192.168.2.14/24

step "replug: the N900 unplugged and plugged again"
peer_unplug n900
expect_within 60 "journal: $if1 unplugged, notice (5), USBNET_IFNAME=$if1 USBNET_SERIAL=SNN900 (from its record)" \
	jhas 5 "^$if1: unplugged, its state was cleaned$" "$if1" SNN900
peer_replug n900
if2=$PEER_IF
expect_within 60 "journal: $if2 configured again, notice (5), USBNET_IFNAME=$if2 USBNET_SERIAL=SNN900" \
	jhas 5 "^$if2: plugged: configured 192\.168\.2\.14/24" "$if2" SNN900

step "failure: the Fobnail's peer address does not answer"
peer_plug fobnail
fif=$PEER_IF
expect_within 90 "journal: $fif degraded, warning (4), USBNET_IFNAME=$fif USBNET_SERIAL=TEST" \
	jhas 4 "^$fif: plugged: configured 169\.254\.0\.8/16, degraded: .*169\.254\.0\.99" "$fif" TEST
jcheck has 4 "^$fif: plugged: configured 169\.254\.0\.8/16, degraded" "$fif" TEST

step "failure: the N900 plugged while another link holds its subnet"
peer_unplug n900
expect_within 60 "journal: $if2 unplugged, notice (5), USBNET_SERIAL=SNN900" \
	jhas 5 "^$if2: unplugged, its state was cleaned$" "$if2" SNN900
ip link add tb-j20 type dummy
ip addr add 192.168.2.1/24 dev tb-j20
ip link set tb-j20 up
peer_replug n900
if3=$PEER_IF
expect_within 60 "journal: $if3's up failed, err (3), USBNET_IFNAME=$if3 USBNET_SERIAL=SNN900" \
	jhas 3 "^$if3: plugged: .*clashes with 192\.168\.2\.1/24 on tb-j20" "$if3" SNN900
jcheck has 3 "^$if3: plugged: .*clashes with" "$if3" SNN900
assert_cmd "$if3 did not get 192.168.2.14/24" has_no_addr "$if3" 192.168.2.14/24

step "one device's history: journalctl USBNET_SERIAL=..."
log "the watcher's entries since the mark:"
jcheck dump
log "\$ journalctl USBNET_SERIAL=SNN900"
journalctl --no-pager USBNET_SERIAL=SNN900 | sed 's/^/    /'
assert_cmd "the N900's history, in order: plug, unplug, plug, unplug, the failed plug" \
	jcheck seq SNN900 "$if1:^$if1: plugged: configured" "$if1:^$if1: unplugged" \
	"$if2:^$if2: plugged: configured" "$if2:^$if2: unplugged" "$if3:^$if3: plugged: .*clashes"
assert_cmd "and nothing of the Fobnail's" jcheck none "169\.254\.0\." USBNET_SERIAL=SNN900
log "\$ journalctl USBNET_SERIAL=TEST"
journalctl --no-pager USBNET_SERIAL=TEST | sed 's/^/    /'
assert_cmd "the Fobnail's history: its degraded plug" \
	jcheck seq TEST "$fif:^$fif: plugged: configured 169\.254\.0\.8/16, degraded"
assert_cmd "and nothing of the N900's" jcheck none "192\.168\.2\.|unplugged" USBNET_SERIAL=TEST

step "priorities: journalctl -p warning"
assert_cmd "-p warning has the degraded plug" jcheck has 4 "^$fif: plugged: .*degraded" "$fif" TEST -p warning
assert_cmd "-p warning has the failed plug" jcheck has 3 "^$if3: plugged: .*clashes" "$if3" SNN900 -p warning
assert_cmd "-p warning has no successful plug or unplug" \
	jcheck none "configured 192\.168\.2\.14/24|its state was cleaned" -p warning
assert_cmd "every line of the watcher came through sd_journal (none as text on its stderr)" \
	jcheck transport
