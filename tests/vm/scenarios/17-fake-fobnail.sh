#!/bin/bash
# Scenario 17: a gadget that claims to be a Fobnail token (its IDs 1234:4321 and product string
# "Fobnail", CDC EEM) but, unlike the token, runs a DHCP server offering itself as router and
# DNS server, with option 121 routes for 0.0.0.0/1 and 128.0.0.0/1. With NetworkManager and the
# watcher running and nothing run by hand, it gets exactly what the Fobnail profile gives: the
# host address 169.254.0.8/16, link-scoped, as the only IPv4 address on its link; no route
# beyond its subnet (every table, IPv4 and IPv6: only 169.254.0.0/16 and IPv6 link-local); no
# DHCP at all from NetworkManager; the forwarding sysctls, the nftables ruleset, resolv.conf
# and the rest of the routing table as before.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
nm_start
nm_log_mark

sysctls() {
	local k
	for k in net.ipv4.ip_forward net.ipv4.conf.all.forwarding net.ipv4.conf.default.forwarding \
		net.ipv6.conf.all.forwarding net.ipv6.conf.default.forwarding; do
		printf '%s=%s ' "$k" "$(sysctl -n "$k")"
	done
}
# routes IF: every route of every table, IPv4 and IPv6, sorted JSON lines: with IF's (WHICH=on)
# or without them (WHICH=off).
routes() {
	{ ip -4 -j route show table all; ip -6 -j route show table all; } |
		python3 -c '
import json, sys
out = []
for line in sys.stdin:
    out += [r for r in json.loads(line) if (r.get("dev") == sys.argv[1]) == (sys.argv[2] == "on")]
print("\n".join(sorted(json.dumps(r, sort_keys=True) for r in out)))' "$1" "$2"
}
# beyond_subnet IF: IF's routes outside 169.254.0.0/16 and IPv6 link-local/multicast.
beyond_subnet() {
	routes "$1" on | python3 -c '
import ipaddress, json, sys
ok = [ipaddress.ip_network(n) for n in ("169.254.0.0/16", "fe80::/64", "ff00::/8")]
for line in sys.stdin:
    if not line.strip():
        continue
    r = json.loads(line)
    d = "0.0.0.0/0" if r["dst"] == "default" else r["dst"]
    n = ipaddress.ip_network(d, strict=False)
    if not any(n.version == o.version and n.subnet_of(o) for o in ok):
        print(r["dst"], r.get("gateway", ""))'
}

step "before: sysctls, nftables, DNS"
sysctl_before=$(sysctls)
nft_before=$(nft list ruleset)
resolv_before=$(cat /etc/resolv.conf)
log "$sysctl_before"
watch_start

step "plug a fake Fobnail that serves DHCP with a default route"
peer_spec fake-fobnail
peer_plug fake-fobnail
i=$PEER_IF
routes_before=$(routes "$i" off)
log "udev: $(udevadm info -q property "/sys/class/net/$i" | grep -E '^(USBNET_HOST|NM_UNMANAGED)' | tr '\n' ' ')"
configured() { record_state_is "$i" configured && has_addr "$i" "$P_HOST_ADDR"; }
expect_within 60 "the watcher configured $i by the Fobnail profile" configured
assert_eq "its plan's profile" fobnail "$(peer_field "$i" profile)"
assert_eq "its plan's mode" static "$(peer_field "$i" mode)"

# only_the_profile: the whole claim of this scenario, checked at once.
only_the_profile() {
	local a b
	a=$(ip -4 -j addr show dev "$i" | python3 -c '
import json, sys
print(" ".join("%s/%s %s" % (a["local"], a["prefixlen"], a["scope"])
               for l in json.load(sys.stdin) for a in l.get("addr_info", [])))')
	[ "$a" = "169.254.0.8/16 link" ] || { echo "IPv4 on $i: '$a'" && return 1; }
	b=$(beyond_subnet "$i")
	[ -z "$b" ] || { echo "routes beyond the subnet on $i: $b" && return 1; }
	! ip -4 route show table all | grep -q '^default' || { echo "a default route: $(ip -4 route show table all | grep ^default)" && return 1; }
	[ "$(routes "$i" off)" = "$routes_before" ] || { echo "other routes changed" && return 1; }
	[ "$(sysctls)" = "$sysctl_before" ] || { echo "sysctls: $(sysctls)" && return 1; }
	[ "$(nft list ruleset)" = "$nft_before" ] || { echo "the nftables ruleset changed" && return 1; }
	[ "$(cat /etc/resolv.conf)" = "$resolv_before" ] || { echo "resolv.conf changed" && return 1; }
	nm_unmanaged "$i" || { echo "NetworkManager: $(nm_state "$i")" && return 1; }
	[ "$(nm_dhcp4_lines "$i")" = 0 ] || { echo "NetworkManager ran DHCP on $i" && return 1; }
	! grep -q DHCPDISCOVER "$PEERS_RUN/fake-fobnail/dnsmasq.log" || { echo "someone asked its DHCP server: $(grep DHCP "$PEERS_RUN/fake-fobnail/dnsmasq.log" | tail -n 2)" && return 1; }
}
step "it has what the Fobnail profile gives, and nothing else"
log "ip -4 addr: $(ip -4 -br addr show dev "$i")"
log "its routes: $(routes "$i" on | tr '\n' ' ')"
assert_cmd "one link-scoped 169.254.0.8/16; no route beyond 169.254.0.0/16; forwarding, nftables, DNS, other routes unchanged; no DHCP" only_the_profile
assert_cmd "the fake token answers ping at 169.254.0.1" pings 169.254.0.1
expect_steady 5 "and it stays so" only_the_profile
