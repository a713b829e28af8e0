#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A peer unplugged and plugged back while no watcher runs, then configured again with another
# plan: the new up takes the old record over and undoes what outlived the old interface.
#
#   gateway: `up veth0 --gateway --dns` (forwarding off before: a guard, forwarding on, the
#            gateway record, a dnsmasq), veth0 deleted and made again under the same name,
#            then a plain static `up veth0`: the nftables table, forwarding, the gateway record
#            and the dnsmasq are gone, the static address is there; `down veth0` leaves the
#            host as before the first up (the new veth0 as it was when plugged).
#   bridge:  `up veth0 --bridge --uplink up0`, the same replug, the plain `up veth0`: up0 is no
#            port of usbnet-br0 any more, the bridge is gone, up0 has its addresses and routes
#            back; `down --all` leaves the host as before.
#
# Fails on main (b0e7556): up's take_over_record only removes the stale record, so the
# host-wide steps it held (and the bridge) are left behind with no record.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
core_init replug-takeover
command -v dnsmasq >/dev/null || { echo "FAIL: dnsmasq is missing (scripts/install-deps)"; exit 1; }

STATIC=(--force --address 10.77.0.1/24 --peer 10.77.0.2 --wait 0)

# shellcheck disable=SC2317 # called through check
static_record() { # the last show --json: veth0 configured as static, nothing of a gateway
	json_is veth0 state '"configured"' && json_is veth0 host_address '"10.77.0.1/24"' &&
		json_is veth0 uplink null && json_is veth0 dns_forwarder null
}

replug() { # veth0 unplugged and plugged back: a new interface of the same name
	local old
	old=$(ifindex_of veth0)
	unplug veth0
	plug veth0 veth1
	check "the replugged veth0 is a new interface (ifindex $old -> $(ifindex_of veth0))" \
		[ "$(ifindex_of veth0)" != "$old" ]
}

# ---------------------------------------------------------------------------------------------
new_case gateway
make_host
make_uplink
snapshot before
uh_resolv up veth0 "${STATIC[@]}" --gateway --dns
expect_rc 0 "up veth0 --gateway --dns"
check "the gateway up made table ip usbnet_host with its guard chain" has_guard
check "the gateway up turned forwarding on" [ "$(forwarding)" = 1 ]
check "the gateway up wrote RUN/:gateway.record" [ -e "$RUN/:gateway.record" ]
check "the gateway up started a dnsmasq" dnsmasq_runs

replug
snapshot replugged
uh up veth0 "${STATIC[@]}"
expect_rc 0 "plain up veth0 after the replug"
DETAIL=$(ip netns exec "$H" nft list ruleset) check "no table ip usbnet_host after the plain up" \
	not has_table
check "ip_forward back to its value from before ($(cat "$W/before.fwd")), is $(forwarding)" \
	[ "$(forwarding)" = "$(cat "$W/before.fwd")" ]
check "no RUN/:gateway.record after the plain up (run dir: $(run_files))" [ ! -e "$RUN/:gateway.record" ]
DETAIL=$(core_dnsmasq "$RUN") check "no dnsmasq of the old record runs after the plain up" \
	not dnsmasq_runs
check "the static 10.77.0.1/24 is on veth0" has_addr veth0 10.77.0.1 24
check "veth0 is up" is_up veth0
uh show veth0 --json
DETAIL=$OUT check "show veth0 --json: configured, 10.77.0.1/24, no uplink, no DNS forwarder" \
	static_record
uh down veth0
expect_rc 0 "down veth0"
snapshot after
# The host outside veth0 as before the first up; the new veth0 as it was when plugged.
same_without veth0 before after
same_dev veth0 replugged after

# ---------------------------------------------------------------------------------------------
new_case bridge
make_host
make_uplink
snapshot before
uh up veth0 --force --bridge --uplink up0
expect_rc 0 "up veth0 --bridge --uplink up0"
check "the bridge up made up0 a port of usbnet-br0" [ "$(master_of up0)" = usbnet-br0 ]
check "the bridge up moved 198.51.100.1/24 to usbnet-br0" has_addr usbnet-br0 198.51.100.1 24

replug
snapshot replugged
uh up veth0 "${STATIC[@]}"
expect_rc 0 "plain up veth0 after the replug"
snapshot plain
check "up0 is no port of a bridge after the plain up (master: '$(master_of up0)')" [ -z "$(master_of up0)" ]
check "usbnet-br0 is gone after the plain up" not link_exists usbnet-br0
same_dev up0 before plain
check "the static 10.77.0.1/24 is on veth0" has_addr veth0 10.77.0.1 24
uh down --all
expect_rc 0 "down --all"
snapshot after
same_without veth0 before after
same_dev veth0 replugged after

core_finish
