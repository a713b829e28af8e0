#!/usr/bin/env bash
# list's table (issue 15), on the recorded interfaces of tests/fixtures/umockdev (umockdev-run:
# the real libudev reads them): at COLUMNS=80 no line is longer than 80 and the cut cells end
# with the mark; a CARRIER column; the RNDIS-only gadget that cdc_subset claimed has its
# warning (in the NOTE column when the table is wide, in full on stderr); a matching [peer]
# group shows as PROFILE [NAME]; --output, --noheadings, --raw; an unknown column is bad usage.
set -u
bin=${USBNET_HOST:?USBNET_HOST must name the built usbnet-host}
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
command -v umockdev-run >/dev/null || { echo "FAIL: umockdev-run is missing (scripts/install-deps)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.conf"
export USBNET_HOST_RUN_DIR=$tmp/run USBNET_HOST_CONFIG=$tmp/empty.conf LC_ALL=C
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
devs=()
for f in "$src"/tests/fixtures/umockdev/*.umockdev; do devs+=(-d "$f"); done
# uh ARGS: usbnet-host on the recorded devices; $out, $err, $rc.
uh() {
	umockdev-run "${devs[@]}" -- "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

uh list --json
n_peers=$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$tmp/out")
[ "$n_peers" -ge 6 ] || fail "the fixtures give $n_peers peers, expected at least 6"

COLUMNS=80 uh list
[ "$rc" = 0 ] || fail "list at 80 columns: exit $rc: $err"
[ "$(wc -l <<<"$out")" = $((n_peers + 1)) ] || fail "list at 80 columns: not one line per peer and a header: $out"
long=$(awk 'length($0) > 80' <<<"$out")
[ -z "$long" ] || fail "list at COLUMNS=80 has lines longer than 80: $long"
grep -q '~' <<<"$out" || fail "list at COLUMNS=80 cut no cell with the mark '~' (C locale): $out"
head -1 <<<"$out" | grep -qw CARRIER || fail "no CARRIER column: $(head -1 <<<"$out")"
grep -q "warning: usb6: cdc_subset claimed this RNDIS-only gadget" <<<"$err" ||
	fail "no warning for the RNDIS-only gadget on stderr: $err"
COLUMNS=80 uh list -q
[ -z "$err" ] || fail "list -q still warns: $err"

COLUMNS=250 uh list
grep -E '^usb6 .*warning: cdc_subset claimed' <<<"$out" >/dev/null || fail "a wide table has no warning in usb6's line: $out"
grep -E '^usb7 .*fobnail' <<<"$out" >/dev/null || fail "usb7's line does not show its profile: $out"
long=$(awk 'length($0) > 250' <<<"$out")
[ -z "$long" ] || fail "list at COLUMNS=250 has longer lines: $long"

# A matching [peer] group: PROFILE shows its name.
printf '[peer board]\nusb=1d6b:0104\naddress=10.77.0.1/24\npeer=10.77.0.2\n' >"$tmp/group.conf"
COLUMNS=200 uh list --config "$tmp/group.conf" -o IFACE,PROFILE,MODE
grep -qE '^enx[0-9a-f]+ +\[board\] +static' <<<"$out" || fail "the [peer board] group is not shown: $out"

# --output, --noheadings, --raw
uh list -n -o IFACE
[ "$(wc -l <<<"$out")" = "$n_peers" ] || fail "list -n -o IFACE: not one name a line: $out"
grep -qx usb7 <<<"$out" || fail "list -n -o IFACE lacks usb7: $out"
uh list --output iface,carrier --noheadings --raw
grep -qx 'usb7 no' <<<"$out" || fail "list --output iface,carrier --raw: $out"
uh list --raw -o PRODUCT
grep -qxF 'N900\x20(PC-Suite\x20Mode)' <<<"$out" || fail "--raw does not escape the spaces of a cell: $out"
uh list -o +SERIAL
head -1 <<<"$out" | grep -qE 'NOTE +SERIAL$' || fail "-o +SERIAL does not add to the default columns: $(head -1 <<<"$out")"
uh list -o IFACE,BOGUS
[ "$rc" = 2 ] || fail "list -o IFACE,BOGUS: exit $rc, expected 2"
grep -qF "unknown column 'BOGUS'" <<<"$err" || fail "list -o BOGUS does not name the column: $err"
[ -z "$out" ] || fail "list -o BOGUS printed: $out"

# status at 80 columns too.
COLUMNS=80 uh status
[ "$rc" = 0 ] || fail "status: exit $rc: $err"
long=$(awk 'length($0) > 80' <<<"$(sed -n '1,/^$/p' <<<"$out")")
[ -z "$long" ] || fail "status's peer table at COLUMNS=80 has lines longer than 80: $long"

[ "$fails" = 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "table: fits 80 columns with cut marks, CARRIER, warnings, [peer] groups, --output/-n/-r"
