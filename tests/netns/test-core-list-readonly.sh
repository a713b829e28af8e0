#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# list and show only read: the record of a vanished gateway peer stays until down releases it.
#
#   `up veth0 --gateway` with forwarding off before (the gateway record keeps the 0, forwarding
#   is on, table ip usbnet_host holds a guard), then veth0 deleted: `show veth0`,
#   `show veth0 --json`, `list` and `list --json` change nothing (ip_forward stays 1, the
#   ruleset, addresses, routes, links and the run directory's files, names and contents, stay
#   byte for byte), and `list --json` reports veth0 with "state": "vanished". Then `down veth0`
#   releases it: forwarding back to 0, the table gone, the host as before the up.
#
# Fails on main (b0e7556): list prunes vanished records (usbnet_report_all calls
# prune_vanished, which runs down): a plain list sets ip_forward back to 0, drops the table and
# the record, and list --json then does not report veth0.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
core_init list-readonly

new_case vanished
make_host
make_uplink
snapshot before
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 0 --gateway
expect_rc 0 "up veth0 --gateway"
check "the gateway up turned forwarding on" [ "$(forwarding)" = 1 ]
check "the gateway up made table ip usbnet_host with its guard" has_guard
unplug veth0
snapshot vanished
ls -A "$RUN" >"$W/vanished.files"

prev=vanished
for cmd in "show veth0" "show veth0 --json" "list" "list --json"; do
	name=$(echo "$cmd" | tr -s ' -' '-') # show-veth0, show-veth0-json, list, list-json
	# shellcheck disable=SC2086 # the words are the command
	uh $cmd
	echo "    $cmd: exit $RC: $(printf '%s' "$OUT" | head -c 300)"
	snapshot "$name"
	echo "  after '$cmd':"
	same_as "$prev" "$name"
	ls -A "$RUN" >"$W/$name.files"
	core_cmp "the run directory's file list, locks included, after '$cmd'" "$W/$prev.files" "$W/$name.files"
	if [ "$cmd" = "list --json" ]; then
		expect_rc 0 "list --json"
		DETAIL=$OUT check "list --json reports veth0 with \"state\": \"vanished\"" \
			[ "$(json_field veth0 state)" = '"vanished"' ]
	fi
	prev=$name
done
check "ip_forward is still 1 after show and list" [ "$(forwarding)" = 1 ]
check "table ip usbnet_host is still there after show and list" has_table

uh down veth0
expect_rc 0 "down veth0"
DETAIL=$OUT check "down veth0 found the record (did not say that nothing was recorded)" \
	not said "nothing recorded"
check "down gave forwarding back (0)" [ "$(forwarding)" = 0 ]
check "down removed table ip usbnet_host" not has_table
snapshot after
same_without veth0 before after

core_finish
