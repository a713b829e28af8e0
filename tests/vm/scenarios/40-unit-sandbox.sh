#!/bin/bash
# Scenario 40: the real commands under the INSTALLED unit's own sandbox (issue 19). systemd is
# not PID 1 in the guest: lib/unit-sandbox.sh reads CapabilityBoundingSet=, NoNewPrivileges=,
# ProtectSystem=, ReadWritePaths=, PrivateTmp=, ProtectHome=... from usbnet-host.service as
# `cmake --install` put it, and reproduces them with unshare and setpriv (what it cannot, the
# seccomp filters, it logs); a key it does not know fails the scenario. The watcher (the unit's
# ExecStart=) runs in it with a [peer] group that makes the N900 a gateway peer with DNS:
#   plug:    the N900 is configured, its forwarder (dnsmasq, as nobody) answers it
#   unplug:  everything of it is undone: no forwarder, no nftables table, forwarding as before
#   replug:  configured again, answered again (an orphaned forwarder would hold port 53)
#   down --all (in the same sandbox) after the watcher stopped: nothing left (ruleset,
#            ip_forward, processes, run directory but its empty :gateway.lock)
# Fails on main (909b5f7): its unit has no CAP_KILL, so the unplug cannot stop the forwarder
# (EPERM) and undoes nothing else either.
. "$TESTBED_VM_DIR/lib/testbed.sh"
. "$TESTBED_VM_DIR/lib/unit-sandbox.sh"
need_usbnet_host

UP=tb-upstream40
QUERY=$TESTBED_VM_DIR/../netns/dns-query.py
CONF=$SYSTEM_CONF
system_conf_save 40
SAVED=$SYSTEM_CONF_SAVED
cp -a /etc/resolv.conf "$SAVED/resolv.conf" 2>/dev/null
W40=

cleanup() {
	set +e # under the scenario's set -e a failed command here would become its exit status
	[ -n "$W40" ] && kill "$W40" 2>/dev/null
	ip netns pids "$UP" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$UP" 2>/dev/null
	cat "$SAVED/resolv.conf" >/etc/resolv.conf 2>/dev/null
	system_conf_restore
	return 0
}
trap cleanup EXIT

step "the unit as installed, and its sandbox"
UNIT=$(unit_path) || fail "no usbnet-host.service in the unit directories"
log "unit: $UNIT"
assert_cmd "every key of its [Service] is known to the sandbox" unit_check_known "$UNIT"
unit_sandbox_log "$UNIT"
read -r -a EXEC <<<"$(unit_exec "$UNIT" ExecStart)"
assert_match "ExecStart= runs usbnet-host watch" "usbnet-host watch" "${EXEC[*]}"
in_sandbox() { (unit_sandbox "$UNIT" "$@"); }
assert_not_cmd "in the sandbox /etc is read-only" in_sandbox touch /etc/usbnet-host-40-probe
assert_cmd "in the sandbox the run directory is writable" in_sandbox sh -c 'touch /run/usbnet-host/.40 && rm /run/usbnet-host/.40'

step "an uplink with a DNS server behind it (usbnet.test -> 198.51.100.7)"
ip netns add "$UP"
ip -n "$UP" link set lo up
ip link add tb-up40 type veth peer name u0 netns "$UP"
ip addr add 198.51.100.1/24 dev tb-up40
ip link set tb-up40 up
ip -n "$UP" addr add 198.51.100.2/24 dev u0
ip -n "$UP" link set u0 up
ip route add default via 198.51.100.2 dev tb-up40
ip netns exec "$UP" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--listen-address=198.51.100.2 --bind-interfaces --address=/usbnet.test/198.51.100.7 \
	--pid-file= >/dev/null 2>&1 &
upstream_listens() { ip netns exec "$UP" ss -Hlun | grep -q '198\.51\.100\.2:53 '; }
expect_within 60 "the upstream DNS server listens" upstream_listens
echo "nameserver 198.51.100.2" >/etc/resolv.conf
mkdir -p "${CONF%/*}"
printf '[peer n900]\nusb=0421:01c8\nmode=gateway\nuplink=auto\ndns=yes\n' >"$CONF"
ruleset_before=$(nft list ruleset)
forward_before=$(cat /proc/sys/net/ipv4/ip_forward)

step "the watcher, in the unit's sandbox"
LOG=$(watch_log)
echo "--- $(date +%T.%N) ${EXEC[*]} (unit sandbox)" >>"$LOG"
(unit_sandbox "$UNIT" "${EXEC[@]}") >>"$LOG" 2>&1 &
W40=$!
expect_within 60 "the watcher (pid $W40) is watching" watch_logged "watching for USB network peers"
assert_eq "its bounding set is the unit's" "$(awk '/^CapBnd/ { print $2 }' /proc/$W40/status)" \
	"$(in_sandbox awk '/^CapBnd/ { print $2 }' /proc/self/status)"

forwarders() { pgrep -a -x dnsmasq | grep -F -- "--pid-file=$USBNET_RUN_DIR/" || true; }
gateway_up() { # IF
	record_state_is "$1" configured && [ -n "$(forwarders)" ] && nft list table ip usbnet_host >/dev/null 2>&1
}
resolves() { in_peer n900 python3 "$QUERY" 192.168.2.14 usbnet.test 2 | grep -q 'A 198\.51\.100\.7'; }
all_gone() { # IF
	[ -z "$(forwarders)" ] && ! nft list table ip usbnet_host >/dev/null 2>&1 &&
		[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$forward_before" ] && no_state_for "$1"
}

step "plug the N900: a gateway peer with DNS"
peer_plug n900
hif=$PEER_IF
expect_within 60 "the watcher configured $hif as a gateway with its forwarder" gateway_up "$hif"
assert_eq "the forwarder runs as nobody" nobody "$(ps -o user= -p "$(forwarders | awk 'NR == 1 { print $1 }')" | tr -d ' ')"
expect_within 60 "the N900 resolves usbnet.test through the host (192.168.2.14)" resolves

step "unplug: everything of it is undone"
peer_unplug n900
expect_within 60 "no forwarder, no table, forwarding as before, no record of $hif" all_gone "$hif"
if [ -n "$(forwarders)" ]; then log "still running: $(forwarders)"; fi
assert_cmd "the watcher still runs" kill -0 "$W40"

step "replug: configured and answered again"
peer_replug n900
hif=$PEER_IF
expect_within 60 "the watcher configured $hif again" gateway_up "$hif"
expect_within 60 "the N900 resolves again" resolves

step "the watcher stops (peers stay), then down --all in the same sandbox"
kill -TERM "$W40"
gone() { ! kill -0 "$W40" 2>/dev/null; }
expect_within 60 "the watcher exited" gone
W40=
assert_cmd "the peer stayed configured" gateway_up "$hif"
read -r -a BIN <<<"${EXEC[0]}"
in_sandbox "${BIN[0]}" down --all >"$TESTBED_RUN/40-down.log" 2>&1
rc=$?
sed 's/^/    /' "$TESTBED_RUN/40-down.log"
assert_eq "down --all under the unit's sandbox: exit status" 0 "$rc"
expect_within 60 "nothing of the peer is left" all_gone "$hif"
assert_eq "the ruleset is as before" "$ruleset_before" "$(nft list ruleset)"
assert_eq "ip_forward is as before" "$forward_before" "$(cat /proc/sys/net/ipv4/ip_forward)"
assert_eq "no forwarder runs" "" "$(forwarders)"
# The gateway lock (an empty file, the gateway peers' mutex) outlives them: nothing else may.
assert_eq "the run directory holds nothing but the empty gateway lock" "" \
	"$(find "$USBNET_RUN_DIR" -mindepth 1 ! \( -name :gateway.lock -empty \) -printf '%f ')"
