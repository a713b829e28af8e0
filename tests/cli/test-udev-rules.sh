#!/usr/bin/env bash
# `usbnet-host udev-rules` (issue 20): the generated rules give every environment the
# properties and the tag udev-probe gives it, and run udev's helper exactly where they mean to
# (udev-rules-eval.py evaluates them as udev would, for the umockdev fixtures, the built-in
# profiles' devices and made environments, under configurations with every match key). And the
# command: --output writes the file whole, mode 0644; bad options exit 2.
set -u
bin=${USBNET_HOST:?USBNET_HOST must name the built usbnet-host}
gen=${USBNET_PROFILE_ENVS:?USBNET_PROFILE_ENVS must name the built profile-envs}
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export USBNET_HOST_RUN_DIR=$tmp/run
fails=0
fail() { echo "FAIL: $*" >&2 && fails=$((fails + 1)); }
pass() { echo "PASS: $*"; }

python3 "$src/tests/cli/udev-rules-eval.py" "$bin" "$gen" "$src" "$tmp" ||
	fail "the rules and udev-probe differ (above)"

# --- the command ---
printf '[peer a]\nusb=1234:5678\nmode=gateway\n' >"$tmp/a.conf"
"$bin" udev-rules --config "$tmp/a.conf" >"$tmp/stdout.rules" 2>"$tmp/err" ||
	fail "udev-rules failed: $(cat "$tmp/err")"
grep -q '^# \[peer a\]' "$tmp/stdout.rules" && grep -q 'ENV{ID_MODEL_ID}=="5678"' "$tmp/stdout.rules" &&
	pass "the rules hold the configuration's group" || fail "no [peer a] in the rules"
(umask 077 && "$bin" udev-rules --config "$tmp/a.conf" --output "$tmp/out/85-x.rules" 2>"$tmp/err")
[ $? = 0 ] || fail "--output failed: $(cat "$tmp/err")"
cmp -s "$tmp/stdout.rules" "$tmp/out/85-x.rules" && pass "--output writes what is printed" ||
	fail "--output wrote something else"
[ "$(stat -c %a "$tmp/out/85-x.rules")" = 644 ] && pass "mode 0644 whatever the umask" ||
	fail "mode $(stat -c %a "$tmp/out/85-x.rules")"
[ "$(find "$tmp/out" -mindepth 1 | wc -l)" = 1 ] && pass "no temporary file left" ||
	fail "left: $(ls -A "$tmp/out")"
# a file that is there is replaced whole (rename): a reader holding the old one keeps it
exec 3<"$tmp/out/85-x.rules"
printf '[peer b]\nserial=XYZ\n' >"$tmp/b.conf"
"$bin" udev-rules --config "$tmp/b.conf" --output "$tmp/out/85-x.rules" 2>"$tmp/err" ||
	fail "--output over a file failed: $(cat "$tmp/err")"
grep -q '^# \[peer b\]' "$tmp/out/85-x.rules" && ! grep -q '^# \[peer a\]' "$tmp/out/85-x.rules" &&
	grep -q '^# \[peer a\]' <&3 && pass "the file is replaced, not rewritten in place" ||
	fail "the file was not replaced whole"
exec 3<&-
if [ "$(id -u)" != 0 ]; then
	mkdir -m 0555 "$tmp/ro"
	"$bin" udev-rules --output "$tmp/ro/x.rules" --config "$tmp/a.conf" >"$tmp/out.txt" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 1 ] && grep -q "$tmp/ro" "$tmp/err" && [ ! -s "$tmp/out.txt" ] &&
		pass "an unwritable directory: exit 1, said" || fail "unwritable: exit $rc, [$(cat "$tmp/err")]"
fi
for args in "--bogus" "--output" "extra" "--output="; do
	# shellcheck disable=SC2086
	"$bin" udev-rules $args >"$tmp/out.txt" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 2 ] && [ -s "$tmp/err" ] && [ ! -s "$tmp/out.txt" ] && pass "udev-rules $args: exit 2" ||
		fail "udev-rules $args: exit $rc [$(cat "$tmp/out.txt" "$tmp/err")]"
done
"$bin" udev-rules --help | grep -q -- '--output FILE' && pass "--help" || fail "--help says no --output"
# a broken file: the built-in profiles alone, said, exit 0 (as udev-probe)
printf '[peer x]\nusb=zz\n' >"$tmp/broken.conf"
"$bin" udev-rules --config "$tmp/broken.conf" >"$tmp/out.txt" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && grep -q 'broken.conf:2' "$tmp/err" && grep -q '^# fobnail' "$tmp/out.txt" &&
	! grep -q '^# \[peer' "$tmp/out.txt" && pass "a broken file: the built-in profiles, said" ||
	fail "broken: exit $rc [$(cat "$tmp/err")]"

echo "$fails failures"
[ "$fails" = 0 ]
