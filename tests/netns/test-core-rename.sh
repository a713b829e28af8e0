#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A configured peer renamed (as udev or the administrator renames an interface): the record
# follows the device, not its old name.
#
#   `up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2`, then veth0 set down, renamed
#   usbx and set up again: `show usbx --json` and `list --json` report it under its new name as
#   configured (the record is not lost, not even by list), `down usbx` removes 10.77.0.1/24
#   and exits 0; renamed back, the host is byte for byte as before the up.
#
# Fails on main (b0e7556): the record is kept under the old name; list prunes it as vanished
# (the address stays on usbx), show usbx knows nothing, down usbx says nothing is recorded.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
core_init rename

# shellcheck disable=SC2317 # called through check
configured_with() { # IF CIDR: the last show/list JSON says IF is configured (or degraded)
	case $(json_field "$1" state) in
	'"configured"' | '"degraded"') json_is "$1" host_address "\"$2\"" ;;
	*) return 1 ;;
	esac
}

new_case rename
make_host
snapshot before
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 0
expect_rc 0 "up veth0"
ip -n "$H" link set veth0 down
ip -n "$H" link set veth0 name usbx || { fail "cannot rename veth0"; core_finish; }
ip -n "$H" link set usbx up
check "10.77.0.1/24 went with the rename to usbx" has_addr usbx 10.77.0.1 24

uh show usbx --json
expect_rc 0 "show usbx --json"
DETAIL=$OUT check "show usbx --json: configured, host_address 10.77.0.1/24" \
	configured_with usbx 10.77.0.1/24
uh list --json
expect_rc 0 "list --json"
DETAIL=$OUT check "list --json reports usbx, configured with 10.77.0.1/24" configured_with usbx 10.77.0.1/24
DETAIL=$OUT check "list --json does not report the old name veth0" not json_has veth0
uh list
expect_rc 0 "list"
uh show usbx --json
DETAIL=$OUT check "show usbx --json after list: still configured (list kept the record)" \
	configured_with usbx 10.77.0.1/24
check "10.77.0.1/24 is still on usbx after list and show" has_addr usbx 10.77.0.1 24

uh down usbx
expect_rc 0 "down usbx"
DETAIL=$OUT check "down usbx did not say that nothing was recorded" \
	not said "nothing recorded"
check "down usbx removed 10.77.0.1/24" not has_addr usbx 10.77.0.1 24
check "down usbx set it down again (up set it up)" not is_up usbx
ip -n "$H" link set usbx down
ip -n "$H" link set usbx name veth0 || fail "cannot rename usbx back to veth0"
snapshot after
same_as before after

core_finish
