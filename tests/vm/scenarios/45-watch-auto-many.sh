#!/bin/bash
# Scenario 45: the watcher works on peers concurrently (issue 20). Gadgets whose IDs no profile
# knows (1209:0001, ECM), silent in IPv4 until asked, each at 10.N.0.2/24 (N = 70 + its number:
# a subnet of its own, in discovery's sweep), and one [peer] group that says mode=auto for
# these IDs: the watcher discovers each and takes 10.N.0.1/24.
# - One alone first: its link to address (ip -ts monitor's stamps of the link's first
#   RTM_NEWLINK and of the address's RTM_NEWADDR) is the reference.
# - Then 8 plugged at once (their UDC written one after the other) and a ninth with them that
#   is unplugged once the watcher's up on it has begun (its record), inside its discovery
#   (3.5 s and more) or after it: the 8 are all configured and each answers
#   ping; each one's link to address stays within twice the lone peer's (a watcher that did
#   one peer at a time queued them behind each other's discovery: 5.7 to 12.9 s for 8 against
#   4.9 s alone; a functional check of concurrency with the issue's wide margin, not a
#   benchmark); nothing of the ninth is left (no record, no address), and the watcher still
#   runs.
# testbed: udcs=10
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
CONF=/etc/usbnet-host/usbnet-host.conf
[ -e "$CONF" ] && fail "$CONF exists already; this scenario writes its own"
MON=$TESTBED_RUN/45-monitor.log
trap 'rm -f "$CONF"; [ -n "${MON_PID:-}" ] && kill "$MON_PID" 2>/dev/null; true' EXIT
mkdir -p "$(dirname "$CONF")"
printf '[peer unknown]\nusb=1209:0001\nmode=auto\n' >"$CONF"

N=8
net() { echo "10.$((70 + $1)).0"; } # peer number -> its /24 (0: the lone one, N+1: unplugged)

_mon_probe() {
	ip link add tb-mon45 type dummy 2>/dev/null || ip link add tb-mon45 type bridge
	ip link del tb-mon45
	grep -q tb-mon45 "$MON"
}
mon_start() {
	: >"$MON"
	ip -ts monitor link address >"$MON" 2>&1 &
	MON_PID=$!
	expect_within 60 "ip monitor sees events" _mon_probe
}
mon_stop() {
	kill "$MON_PID" 2>/dev/null || true
	wait "$MON_PID" 2>/dev/null || true
	MON_PID=
}
# link_to_addr IF ADDR [IF ADDR...]: for each pair, "IF SECONDS": seconds from IF's first link
# line in the monitor log to the first "inet ADDR/" line of the same ifindex. One python for
# all of them (a python start costs seconds under emulation).
link_to_addr() {
	local args=()
	while [ $# -ge 2 ]; do
		args+=("$1" "$(cat "/sys/class/net/$1/ifindex")" "$2")
		shift 2
	done
	python3 - "$MON" "${args[@]}" <<'EOF'
import re, sys
from datetime import datetime
mon, rest = sys.argv[1], sys.argv[2:]
want = {rest[i + 1]: (rest[i], rest[i + 2]) for i in range(0, len(rest), 3)}
link, got = {}, {}
for line in open(mon, errors="replace"):
    m = re.match(r"^\[([0-9T:.-]+)\] (Deleted )?(\d+): ", line)
    if not m or m.group(2) or m.group(3) not in want:
        continue
    idx = m.group(3)
    t = datetime.fromisoformat(m.group(1)).timestamp()
    link.setdefault(idx, t)
    if idx not in got and re.search(r"\binet " + re.escape(want[idx][1]) + "/", line):
        got[idx] = t
bad = [want[i][0] for i in want if i not in link or i not in got]
if bad:
    sys.exit("not in the monitor log (link or address): " + " ".join(bad))
for idx, (ifname, _) in want.items():
    print("%s %.3f" % (ifname, got[idx] - link[idx]))
EOF
}
# configured IF NET: the watcher's result for a peer at NET.2.
configured() {
	has_addr "$1" "$2.1/24" || { echo "$1: no $2.1/24 ($(ip -4 -br addr show dev "$1"))" && return 1; }
	record_state_is "$1" configured || { echo "$1: record state '$(record_state "$1")'" && return 1; }
}
plug() { # K: plug peer aK (made before) by its UDC, no wait; the device side up at once
	cat "$PEERS_RUN/a$1/udc" >"$GADGETS/a$1/UDC"
	ip -n "a$1" link set usb0 up 2>/dev/null || true # its netdev stays in the namespace
}

step "make the gadgets: each plugged once with the watcher stopped, then unplugged"
# All at once (the host enumerates them side by side), then all waited for.
for ((k = 0; k <= N + 1; k++)); do
	PEER_NOWAIT=1 PEER_SERIAL=$(printf UNK%04d "$((100 + k))") PEER_ADDR=$(net "$k").2/24 \
		peer_plug unknown "a$k"
done
for ((k = 0; k <= N + 1; k++)); do peer_wait_if "a$k"; done
for ((k = 0; k <= N + 1; k++)); do PEER_NOWAIT=1 peer_unplug "a$k"; done
for ((k = 0; k <= N + 1; k++)); do peer_wait_gone "a$k"; done
watch_start

step "one mode=auto peer alone"
mon_start
plug 0
wait_until 60 peer_if a0 || fail "a0: no host-side interface within 60s"
i0=$(peer_if a0)
expect_within 90 "the watcher configured $i0 with $(net 0).1/24" configured "$i0" "$(net 0)"
expect_within 30 "the monitor saw the address" grep -q "inet $(net 0).1/" "$MON"
lone=$(link_to_addr "$i0" "$(net 0).1") || fail "no latency for $i0: $lone"
lone=${lone#* }
log "the lone peer: link to address $lone s"
assert_cmd "a0 answers ping at $(net 0).2" pings "$(net 0).2"
peer_unplug a0
expect_within 60 "a0's state is cleaned" no_state_for "$i0"
mon_stop

step "$N mode=auto peers plugged at once, and a ninth unplugged during its up"
mon_start
for ((k = 1; k <= N + 1; k++)); do plug "$k"; done
log "all $((N + 1)) plugged"
last=$((N + 1))
wait_until 90 peer_if "a$last" || fail "a$last: no host-side interface within 90s"
i9=$(peer_if "a$last")
# Its up writes the record ahead of its discovery (3.5 s and more): unplugged once the record
# is there, its up has run, inside or to its end (the log says which); what is checked below
# is the end state either way.
expect_within 120 "the watcher's up on $i9 has begun (its record)" test -e "$USBNET_RUN_DIR/$i9.state"
log "unplug a$last ($i9), its up begun; the watcher's record of it: '$(record_state "$i9")', its log: $(grep -F "$i9:" "$(watch_log)" | tail -n 1)"
peer_unplug "a$last"

declare -A hif=()
all_configured() {
	local k i
	for ((k = 1; k <= N; k++)); do
		i=$(peer_if "a$k") || { echo "a$k: no interface" && return 1; }
		hif[$k]=$i
		configured "$i" "$(net "$k")" || return 1
	done
}
expect_within 120 "all $N peers are configured, each with its own 10.N.0.1/24" all_configured
for ((k = 1; k <= N; k++)); do
	expect_within 60 "a$k answers ping at $(net "$k").2" pings "$(net "$k").2"
done
expect_within 30 "the monitor saw the last address" sh -c "[ \$(grep -c ' inet 10\.7[1-9]\.0\.1/' '$MON') -ge $N ]"
bound=$(awk -v l="$lone" 'BEGIN { printf "%.3f", 2 * l }')
worst=0
pairs=()
for ((k = 1; k <= N; k++)); do pairs+=("${hif[$k]}" "$(net "$k").1"); done
lat=$(link_to_addr "${pairs[@]}") || fail "no latency: $lat"
for ((k = 1; k <= N; k++)); do
	t=$(awk -v i="${hif[$k]}" '$1 == i { print $2 }' <<<"$lat")
	[ -n "$t" ] || fail "no latency for a$k (${hif[$k]}) in: $lat"
	log "a$k (${hif[$k]}): link to address $t s"
	awk -v t="$t" -v b="$bound" 'BEGIN { exit !(t <= b) }' ||
		fail "a$k: link to address $t s, over twice the lone peer's ($lone s): queued behind the others?"
	worst=$(awk -v t="$t" -v w="$worst" 'BEGIN { print (t > w) ? t : w }')
done
ok "every peer's link to address is within twice the lone peer's ($bound s): the slowest $worst s"
mon_stop

step "nothing is left of the peer unplugged during its up"
expect_within 60 "the watcher worked on $i9 (its up ran)" watch_logged "$i9: "
expect_within 60 "no state for $i9 (its up undone)" no_state_for "$i9"
assert_eq "interfaces with $(net "$last").1" 0 "$(hosts_with "$(net "$last").1")"
assert_cmd "the watcher still runs" watch_running
log "the watcher's lines about $i9: $(grep -F "$i9:" "$(watch_log)" | tr '\n' '|')"
assert_eq "records in $USBNET_RUN_DIR" "$N" "$(find "$USBNET_RUN_DIR" -name '*.state' | wc -l)"

step "unplug them all: every record goes"
for ((k = 1; k <= N; k++)); do PEER_NOWAIT=1 peer_unplug "a$k"; done
for ((k = 1; k <= N; k++)); do peer_wait_gone "a$k"; done
expect_within 90 "no record left" sh -c "[ -z \"\$(find '$USBNET_RUN_DIR' -name '*.state')\" ]"
for ((k = 1; k <= N; k++)); do assert_eq "interfaces with $(net "$k").1" 0 "$(hosts_with "$(net "$k").1")"; done
