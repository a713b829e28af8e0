#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The watcher never exits on a configuration error (issue 19): started with a broken file it
# says file, line and problem and keeps watching with the built-in profiles; SIGHUP rereads
# the file and says what changed; a file broken again on SIGHUP is said, and it goes on.
# Waits for states (lines of its log), never for durations.
#
# Fails on main (909b5f7): the watcher exits 2 at once on the broken file.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
: "${USBNET_HOST:?the built usbnet-host}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../netns/helpers/wait.sh
. "$HERE/../netns/helpers/wait.sh"
TMP=$(mktemp -d /tmp/usbnet-watch-config-XXXXXX)
W=
cleanup() {
	[ -n "$W" ] && kill "$W" 2>/dev/null && wait "$W" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "PASS: $*"; }

mkdir -m 0700 "$TMP/run"
printf '[peer x]\nusb=zz\n' >"$TMP/c.conf"
"$USBNET_HOST" watch --config "$TMP/c.conf" --run-dir "$TMP/run" >"$TMP/log" 2>&1 &
W=$!
logged() { grep -qF -- "$1" "$TMP/log"; }

if wait_until 60 logged "watching for USB network peers"; then
	pass "started with a broken configuration, it watches"
else
	fail "it does not watch: $(cat "$TMP/log")"
fi
logged "$TMP/c.conf:2: [peer x] usb: \"zz\" is not VID:PID" &&
	logged "going on with the built-in profiles" &&
	pass "the error names file, line and problem" ||
	fail "the error is not said: $(cat "$TMP/log")"
kill -0 "$W" 2>/dev/null && pass "it still runs" || fail "it exited: $(cat "$TMP/log")"

printf '[peer x]\nusb=1234:4321\naddress=10.9.0.1/24\n' >"$TMP/c.conf"
kill -HUP "$W"
wait_until 60 logged "reload: configuration read, [peer x] added" &&
	pass "SIGHUP reads the fixed file and says what changed" ||
	fail "no reload line: $(cat "$TMP/log")"

printf '[peer x]\nusb=1234:4321\naddress=10.9.0.2/24\n[peer y]\nmac=aa:bb:cc:dd:ee:ff\n' >"$TMP/c.conf"
kill -HUP "$W"
wait_until 60 logged "[peer x] changed, [peer y] added" &&
	pass "a second reload says what changed" || fail "no second reload line: $(cat "$TMP/log")"

kill -HUP "$W"
wait_until 60 logged "reload: configuration read, nothing changed" &&
	pass "an unchanged file: nothing changed" || fail "no unchanged line: $(cat "$TMP/log")"

printf 'password=hunter2\nnot a config\n' >"$TMP/c.conf"
kill -HUP "$W"
wait_until 60 logged "reload: configuration error: $TMP/c.conf:1: key=value before the first [group]" &&
	pass "a file broken again is said" || fail "no error on reload: $(cat "$TMP/log")"
logged "[peer x] removed, [peer y] removed" && pass "it says what it dropped" ||
	fail "it does not say what it dropped: $(cat "$TMP/log")"
logged hunter2 && fail "the file's text was printed"
kill -0 "$W" 2>/dev/null && pass "it still runs" || fail "it exited: $(cat "$TMP/log")"

kill -TERM "$W"
wait "$W"
rc=$?
W=
[ "$rc" = 0 ] && pass "SIGTERM: exit 0" || fail "SIGTERM: exit $rc"

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
