#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The watcher's generated udev rules (issue 20): with --udev-rules FILE it writes the rules of
# its configuration to FILE at start (what `udev-rules` prints), writes them again on SIGHUP
# (the new groups; the built-in profiles alone for a broken file), and removes FILE when it
# stops. A FILE it cannot write is a warning, never fatal. Without --udev-rules, a watcher with
# its own --run-dir writes none (only the system's writes /run/udev/rules.d). Waits for
# states (lines of its log), never for durations.
#
# Fails on main (731ec54): watch has no --udev-rules.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
: "${USBNET_HOST:?the built usbnet-host}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../netns/helpers/wait.sh
. "$HERE/../netns/helpers/wait.sh"
TMP=$(mktemp -d /tmp/usbnet-watch-rules-XXXXXX)
W=
cleanup() {
	[ -n "$W" ] && kill "$W" 2>/dev/null && wait "$W" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "PASS: $*"; }
logged() { grep -qF -- "$1" "$TMP/log"; }
start() { # ARGS...: the watcher, until it watches
	: >"$TMP/log"
	"$USBNET_HOST" watch --config "$TMP/c.conf" --run-dir "$TMP/run" "$@" >"$TMP/log" 2>&1 &
	W=$!
	wait_until 60 logged "watching for USB network peers" || fail "it does not watch: $(cat "$TMP/log")"
}
stop() {
	kill -TERM "$W"
	wait "$W"
	rc=$?
	W=
	[ "$rc" = 0 ] || fail "SIGTERM: exit $rc: $(cat "$TMP/log")"
}

mkdir -m 0700 "$TMP/run" "$TMP/rules.d"
R=$TMP/rules.d/85-usbnet-host.rules
printf '[peer a]\nusb=1234:5678\nmode=gateway\n' >"$TMP/c.conf"
start --udev-rules "$R"
[ -s "$R" ] && pass "it wrote the rules at start" || fail "no $R: $(cat "$TMP/log")"
"$USBNET_HOST" udev-rules --config "$TMP/c.conf" | cmp -s - "$R" &&
	pass "they are what udev-rules prints" || fail "they differ from udev-rules'"
logged "udev rules written to $R" && pass "it said so" || fail "not said: $(cat "$TMP/log")"

printf '[peer b]\nserial=XYZ\n' >"$TMP/c.conf"
kill -HUP "$W"
wait_until 60 grep -q '^# \[peer b\]' "$R" && ! grep -q '^# \[peer a\]' "$R" &&
	pass "SIGHUP: the new configuration's rules" || fail "not rewritten on SIGHUP: $(cat "$TMP/log")"

printf '[peer c]\nusb=zz\n' >"$TMP/c.conf"
kill -HUP "$W"
wait_until 60 logged "reload: configuration error" || fail "no reload error: $(cat "$TMP/log")"
wait_until 60 sh -c "! grep -q '^# \[peer' '$R'" && grep -q '^# fobnail' "$R" &&
	pass "a broken file: the built-in profiles alone" || fail "broken: $(grep '^# \[' "$R")"
[ "$(find "$TMP/rules.d" -mindepth 1 | wc -l)" = 1 ] && pass "no temporary file left" ||
	fail "left: $(ls -A "$TMP/rules.d")"
stop
[ ! -e "$R" ] && pass "SIGTERM: the rules are removed" || fail "$R is still there"

printf '[peer a]\nusb=1234:5678\n' >"$TMP/c.conf"
start --udev-rules "$TMP/nonexistent/dir/x.rules"
logged "udev rules: cannot" && pass "an unwritable FILE is a warning" ||
	fail "no warning: $(cat "$TMP/log")"
kill -0 "$W" 2>/dev/null && pass "and it goes on" || fail "it exited: $(cat "$TMP/log")"
stop

start
logged "udev rules" && fail "a watcher with its own --run-dir wrote rules: $(cat "$TMP/log")"
[ -z "$(ls -A "$TMP/rules.d")" ] && pass "with its own --run-dir: no rules" || fail "rules.d: $(ls -A "$TMP/rules.d")"
stop

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
