#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `usbnet-host status` and `usbnet-host` alone (issue 15): one screen of what matters now.
#
#   veth0 configured with `up --force --gateway` (not a USB peer: list does not show it):
#   status shows veth0's line (configured, gateway, 10.77.0.1/24, peer 10.77.0.2, uplink up0,
#   how long), then on the host: IPv4 forwarding on, held by veth0, off before; the nftables
#   chains of table ip usbnet_host. --json holds the same (peers, host.records with holdings
#   of kinds nft and forwarding, ip_forward 1, ip_forward_before 0). The command alone prints
#   the same as status. status changes nothing (a snapshot before and after). veth0 unplugged:
#   the record is listed as vanished. down: nothing held, forwarding off.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
core_init status

new_case status
make_host
make_uplink
uh status
expect_rc 0 "status with nothing configured"
DETAIL=$OUT check "status with nothing configured says so" said "No USB network peers found, and no state records"
DETAIL=$OUT check "status: forwarding off, not usbnet-host's" said "off (not usbnet-host's)"

uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 30 --gateway --uplink up0
expect_rc 0 "up veth0 --gateway"
snapshot before
uh status
expect_rc 0 "status"
text=$OUT
line=$(printf '%s\n' "$OUT" | grep '^veth0 ')
DETAIL=$OUT check "status has a line for veth0" [ -n "$line" ]
for word in configured gateway 10.77.0.1/24 10.77.0.2 up0; do
	DETAIL=$line check "veth0's line says $word" grep -qw -- "$word" <<<"$line"
done
DETAIL=$line check "veth0's line says how long (seconds)" grep -qE ' [0-9]+s$' <<<"$line"
DETAIL=$OUT check "status: forwarding on, held by veth0, off before" said "on (held by veth0; off before the first gateway peer)"
DETAIL=$OUT check "status: the nftables chains" said "nftables chains in table ip usbnet_host"
uh
# (the age may have moved on by a second)
DETAIL=$OUT check "the command alone prints what status prints" \
	[ "$(sed -E 's/ [0-9]+s$//' <<<"$OUT")" = "$(sed -E 's/ [0-9]+s$//' <<<"$text")" ]
uh status --json
expect_rc 0 "status --json"
DETAIL=$OUT check "status --json: peers, records, holdings, forwarding" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert isinstance(d["peers"], list)
rec = [r for r in d["host"]["records"] if r["ifname"] == "veth0"][0]
assert rec["state"] == "configured" and rec["mode"] == "gateway", rec
assert rec["host_address"] == "10.77.0.1/24" and rec["peer_address"] == "10.77.0.2/32", rec
assert rec["uplink"] == "up0" and rec["since"] > 0, rec
kinds = {h["kind"] for h in rec["holdings"]}
assert {"addr", "nft", "forwarding"} <= kinds, kinds
assert all(h["what"] for h in rec["holdings"])
assert d["host"]["ip_forward"] == 1 and d["host"]["ip_forward_before"] == 0, d["host"]
' "$OUT"
uh status --json=pretty
DETAIL=$OUT check "status --json=pretty is indented JSON" python3 -c '
import json, sys
json.loads(sys.argv[1]); assert "\n  \"host\": {" in sys.argv[1]' "$OUT"
snapshot after
same_as before after

unplug veth0
uh status
DETAIL=$OUT check "status lists the vanished record" said "vanished"
DETAIL=$OUT check "the vanished line names veth0" grep -q "vanished.*veth0" <<<"$OUT"
uh down veth0
expect_rc 0 "down veth0"
uh status
DETAIL=$OUT check "after down: no records" said "no state records"
check "after down: forwarding off" [ "$(forwarding)" = 0 ]
core_finish
