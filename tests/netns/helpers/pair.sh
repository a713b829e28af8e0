# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# shellcheck disable=SC2034 # H, P, PEER_MAC, RUN: set for the test that sources it
# Shared setup of the veth-pair tests (test-updown.sh, test-discover.sh): one host namespace
# and one peer namespace per case, and snapshots of the host's addresses, routes and links.
# Sourced, never run. (helpers/lib.sh is the test-core-*.sh scripts' setup: its snapshot and
# same_as compare the whole host and count checks, these only fail.)
#
#   make_pair CIDR [noipv6]  namespaces $H (veth0, down, its qdisc settled) and $P (veth1 up
#                            holding CIDR, "" for none; "noipv6": IPv6 off in the peer);
#                            $PEER_MAC, $RUN (the case's run directory under $TMP/$T)
#   settle                   wait until veth0 has settled (no tentative address; up or down)
#   snapshot NAME            ip -j addr, route and link of $H, settled, under $TMP/$T
#   same_as A B              fail (the test's own) for each of them that differs, with a diff
#
# The test sets PFX, TMP, T and NSS (the namespaces to delete) and defines fail.

make_pair() {
	local peer_addr=$1
	H="$PFX-$T-h"
	P="$PFX-$T-p"
	NSS+=("$H" "$P")
	ip netns add "$H" && ip netns add "$P" || exit 1
	ip -n "$H" link add veth0 type veth peer name veth1 netns "$P" || exit 1
	# The kernel gives a link its default qdisc on its first up and keeps it: its doing.
	ip -n "$H" link set veth0 up && ip -n "$H" link set veth0 down
	ip -n "$P" link set lo up
	if [ "${2:-}" = noipv6 ]; then
		ip netns exec "$P" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip netns exec "$P" sysctl -qw net.ipv6.conf.veth1.disable_ipv6=1
	fi
	ip -n "$P" link set veth1 up
	[ -n "$peer_addr" ] && ip -n "$P" addr add "$peer_addr" dev veth1
	PEER_MAC=$(ip -n "$P" -j link show veth1 | jq -r '.[0].address')
	RUN="$TMP/$T/run"
	mkdir -p "$TMP/$T"
}

# Link state and IPv6 link-local addresses follow an up asynchronously (carrier, DAD).
settle() {
	local _ l a
	for _ in $(seq 50); do
		l=$(ip -n "$H" -j link show veth0 2>/dev/null)
		a=$(ip -n "$H" -j addr show veth0 2>/dev/null)
		if ! echo "$a" | grep -q tentative &&
			{ ! echo "$l" | grep -q '"UP"' || echo "$l" | grep -q '"operstate":"UP"'; }; then
			return
		fi
		sleep 0.1
	done
}

snapshot() { # $1: name
	settle
	ip -n "$H" -j addr >"$TMP/$T/$1.addr"
	ip -n "$H" -j route >"$TMP/$T/$1.route"
	ip -n "$H" -j link >"$TMP/$T/$1.link"
}

same_as() { # $1, $2: snapshot names
	local what
	for what in addr route link; do
		if ! cmp -s "$TMP/$T/$1.$what" "$TMP/$T/$2.$what"; then
			fail "ip -j $what differs between $1 and $2"
			diff <(tr ',' '\n' <"$TMP/$T/$1.$what") <(tr ',' '\n' <"$TMP/$T/$2.$what") | head -20
		fi
	done
}
