#!/bin/bash
# Scenario 15: a PoisonTap-like gadget (IDs no profile knows, ECM) whose DHCP server offers
# itself as router and DNS server, with classless static routes (option 121) for 0.0.0.0/1 and
# 128.0.0.0/1, which would send all of the host's IPv4 traffic through it. With usbnet-host
# installed (its udev rule and NetworkManager profile) and NetworkManager running, and no
# command run: NetworkManager takes the lease, but the host's routes (every table, IPv4 and
# IPv6, apart from the peer's own link: its subnet, its local and broadcast addresses, IPv6
# link-local), its DNS (resolv.conf, NetworkManager's) and its nftables ruleset are as before.
# Then a [peer] group trusts it (mode=dhcp, trusted=yes) and `up` hands it to NetworkManager
# under a trusted profile: the routes and the DNS server arrive (the control works both
# ways); `down` takes them away again.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
nm_start

# routes_except IF: every route of every table, IPv4 and IPv6, but IF's own, sorted, as JSON.
routes_except() {
	{ ip -4 -j route show table all; ip -6 -j route show table all; } |
		python3 -c '
import json, sys
out = []
for line in sys.stdin:
    out += [r for r in json.loads(line) if r.get("dev") != sys.argv[1]]
print("\n".join(sorted(json.dumps(r, sort_keys=True) for r in out)))' "$1"
}
# foreign_routes_on IF NET: IF's routes that are not its own subnet NET (or addresses in it),
# nor IPv6 link-local or multicast: what the peer would have added.
foreign_routes_on() {
	{ ip -4 -j route show table all dev "$1"; ip -6 -j route show table all dev "$1"; } |
		python3 -c '
import ipaddress, json, sys
net = ipaddress.ip_network(sys.argv[1])
ll = [ipaddress.ip_network("fe80::/64"), ipaddress.ip_network("ff00::/8")]
bad = []
for line in sys.stdin:
    for r in json.loads(line):
        dst = r.get("dst", "")
        try:
            d = ipaddress.ip_network("0.0.0.0/0" if dst == "default" else dst, strict=False)
        except ValueError:
            bad.append(dst); continue
        if d.version == 4 and d.subnet_of(net):
            continue
        if d.version == 6 and (d.subnet_of(ll[0]) or d.subnet_of(ll[1])):
            continue
        bad.append(dst + (" via " + r["gateway"] if "gateway" in r else ""))
print(" ".join(bad))' "$2"
}
dns_of() { nmcli -g IP4.DNS device show "$1" 2>/dev/null || true; }

peer_spec poisontap
step "before: the host's routes, DNS and firewall"
nft_before=$(nft list ruleset)
resolv_before=$(cat /etc/resolv.conf)
nm_dns_before=$(nmcli -g DNS dev show 2>/dev/null | sort -u | tr '\n' ' ' || true)
log "ip route: $(ip route | tr '\n' ';')"

step "plug the PoisonTap-like gadget ($P_VID:$P_PID); nothing is run by hand"
peer_plug poisontap
i=$PEER_IF
routes_before=$(routes_except "$i")
log "udev: $(udevadm info -q property "/sys/class/net/$i" | grep -E '^(USBNET_HOST|NM_UNMANAGED)' | tr '\n' ' ')"
assert_eq "udev-probe's mode for unknown IDs" ignore \
	"$(udevadm info -q property "/sys/class/net/$i" | sed -n 's/^USBNET_HOST_MODE=//p')"
expect_within 60 "NetworkManager manages $i (left to it)" nm_managed "$i"
expect_within 120 "NetworkManager took the gadget's lease 10.99.0.2 on $i" has_addr "$i" 10.99.0.2/24
nm_connected() { [[ "$(nm_state "$1")" == "100 (connected)" ]]; }
expect_within 90 "NetworkManager finished activating $i" nm_connected "$i"
log "NetworkManager's connection on $i: $(nmcli -g GENERAL.CONNECTION device show "$i")"
grep -E 'DHCPACK|121|classless|router|dns-server' "$PEERS_RUN/poisontap/dnsmasq.log" | tail -n 8 | sed 's/^/    /'
assert_cmd "the gadget offered option 121 (dnsmasq's log)" \
	grep -qiE 'sent.*(121|classless)' "$PEERS_RUN/poisontap/dnsmasq.log"

# untouched: everything but the peer's own link as before, nothing foreign on its link.
untouched() {
	local r f
	r=$(routes_except "$i")
	[ "$r" = "$routes_before" ] || { echo "routes changed: $(diff <(echo "$routes_before") <(echo "$r") | grep '^[<>]' | tr '\n' ' ')" && return 1; }
	f=$(foreign_routes_on "$i" 10.99.0.0/24)
	[ -z "$f" ] || { echo "routes from the peer on $i: $f" && return 1; }
	[ "$(cat /etc/resolv.conf)" = "$resolv_before" ] || { echo "resolv.conf: $(grep -v '^#' /etc/resolv.conf | tr '\n' ' ')" && return 1; }
	[ -z "$(dns_of "$i")" ] || { echo "NetworkManager DNS on $i: $(dns_of "$i")" && return 1; }
	[ "$(nft list ruleset)" = "$nft_before" ] || { echo "nft ruleset changed" && return 1; }
}
step "the host's routes, DNS and firewall are as before"
log "ip route: $(ip route | tr '\n' ';')"
log "ip -6 route: $(ip -6 route | tr '\n' ';')"
assert_cmd "no route through the gadget, DNS and nftables unchanged" untouched
expect_steady 4 "and nothing arrives later" untouched
log "NetworkManager DNS (all devices): before '$nm_dns_before', now '$(nmcli -g DNS dev show 2>/dev/null | sort -u | tr '\n' ' ' || true)'"

step "a [peer] group trusts it: up hands it to NetworkManager under a trusted profile"
conf=$TESTBED_RUN/15-trust.conf
printf '[peer poisontap]\nusb=%s:%s\nmode=dhcp\ntrusted=yes\n' "$P_VID" "$P_PID" >"$conf"
sed 's/^/    /' "$conf"
uh_ok up "$i" --config "$conf"
trusted_routes() {
	ip -4 route show exact 0.0.0.0/1 | grep -q "via 10.99.0.1 dev $i" &&
		ip -4 route show exact 128.0.0.0/1 | grep -q "via 10.99.0.1 dev $i"
}
trusted_dns() { dns_of "$i" | grep -qx 10.99.0.1; }
expect_within 120 "the gadget's routes 0.0.0.0/1 and 128.0.0.0/1 via 10.99.0.1" trusted_routes
expect_within 60 "the gadget's DNS server 10.99.0.1 (NetworkManager)" trusted_dns
log "ip route: $(ip route | tr '\n' ';')"
log "resolv.conf: $(grep -v '^#' /etc/resolv.conf | tr '\n' ' ')"

step "down: the trust goes with the profile"
uh_ok down "$i" --config "$conf"
gone() { ! trusted_routes && ! ip -4 route show exact 0.0.0.0/1 | grep -q . && ! trusted_dns; }
expect_within 120 "no route or DNS server from the gadget after down" gone
