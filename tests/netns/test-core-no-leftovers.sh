#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# When a peer's configuration is undone, the run directory keeps nothing of that interface:
# no record (IF.state), no lock (IF.lock), no pid file, nothing named after it.
#
#   updown:     `up veth0` then `down veth0`
#   gateway:    `up veth0 --gateway --dns` then `down veth0` (a pid file too)
#   down-all:   `up veth0`, veth0 deleted, `down --all`
#   next-up:    `up veth0`, veth0 deleted, then `up veth2` (another interface): it prunes veth0
#   next-down:  `up veth0` and `up veth2`, veth0 deleted, then `down veth2`: it prunes veth0
#
# Fails on main (b0e7556): down leaves IF.lock behind (only list's prune removes the locks of
# interfaces that are gone), and up and down of another interface prune nothing.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
core_init no-leftovers
command -v dnsmasq >/dev/null || { echo "FAIL: dnsmasq is missing (scripts/install-deps)"; exit 1; }

STATIC=(--force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 0)
STATIC2=(--force --address 10.78.0.1/24 --peer 10.78.0.2 --wait 0)

named_after() { # IF: the run directory's entries IF and IF.*
	[ -d "$RUN" ] && find "$RUN" -mindepth 1 -maxdepth 1 \( -name "$1" -o -name "$1.*" \) -printf '%f\n'
}

nothing_of() { # IF: no entry of the run directory is named after IF
	local files
	files=$(run_files)
	check "the run directory holds nothing of $1 (it holds: ${files:-nothing})" \
		[ -z "$(named_after "$1")" ]
}

# ---------------------------------------------------------------------------------------------
new_case updown
make_host
uh up veth0 "${STATIC[@]}"
expect_rc 0 "up veth0"
check "up wrote something of veth0 to the run directory ($(run_files))" [ -n "$(named_after veth0)" ]
uh down veth0
expect_rc 0 "down veth0"
nothing_of veth0

# ---------------------------------------------------------------------------------------------
new_case gateway
make_host
make_uplink
uh_resolv up veth0 "${STATIC[@]}" --gateway --dns
expect_rc 0 "up veth0 --gateway --dns"
check "a dnsmasq runs" dnsmasq_runs
uh down veth0
expect_rc 0 "down veth0"
nothing_of veth0

# ---------------------------------------------------------------------------------------------
new_case down-all
make_host
uh up veth0 "${STATIC[@]}"
expect_rc 0 "up veth0"
unplug veth0
uh down --all
expect_rc 0 "down --all"
nothing_of veth0

# ---------------------------------------------------------------------------------------------
new_case next-up
make_host
plug veth2 veth3
uh up veth0 "${STATIC[@]}"
expect_rc 0 "up veth0"
unplug veth0
uh up veth2 "${STATIC2[@]}"
expect_rc 0 "up veth2"
nothing_of veth0
uh down veth2
expect_rc 0 "down veth2"
nothing_of veth2

# ---------------------------------------------------------------------------------------------
new_case next-down
make_host
plug veth2 veth3
uh up veth0 "${STATIC[@]}"
expect_rc 0 "up veth0"
uh up veth2 "${STATIC2[@]}"
expect_rc 0 "up veth2"
unplug veth0
uh down veth2
expect_rc 0 "down veth2"
nothing_of veth0
nothing_of veth2

core_finish
