#!/bin/bash
# The guest half of bench/hotplug (run by the testbed as a scenario; not part of the test
# suite). Prints measured figures as lines starting with "BENCH". Settings from
# $TESTBED_OUT/bench.env (written by bench/hotplug): RUNS, PEERS, AUTO, IDLE_S, PARTS.
#
# a) hotplug latency, the Fobnail token (EEM): from the host interface's first RTM_NEWLINK to
#    RTM_NEWADDR of 169.254.0.8 on it, both as `ip -ts monitor link address` prints them, in
#    the guest. usbnet-host's watcher (its udev rule in place) against a NetworkManager keyfile
#    profile ([match] driver=cdc_eem, manual 169.254.0.8/16; the watcher stopped, usbnet-host's
#    udev rule and NetworkManager profile masked). RUNS plugs each, after one warm-up plug.
# b) PEERS EEM peers plugged at once (their UDC written one after the other, no wait between),
#    each with its own [peer] group (by serial) and /30: time from the last plug to the last
#    address assigned; per peer, link appearance to address (does it grow with the number of
#    peers already there?); all configured and answering ping.
#    The rule's program (udev's helper) timed against `usbnet-host udev-probe` and /bin/true.
#    b's gadgets are removed at its end (c needs the ports).
# c) AUTO mode=auto peers of unknown IDs (1209:0001), silent until asked, each on its own
#    10.(100+K).0.0/24: one alone, then AUTO plugged at once (see c_part).
# d) the idle watcher: utime+stime (/proc/PID/stat) over IDLE_S seconds with nothing happening
#    (every bench peer removed), and its VmRSS / VmHWM.
# testbed: udcs=17
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
RUNS=7 PEERS=16 AUTO=16 IDLE_S=60 PARTS=abcd
# shellcheck source=/dev/null
[ -f "$TESTBED_OUT/bench.env" ] && . "$TESTBED_OUT/bench.env"
bench() { echo "BENCH $*"; }
MON=$TESTBED_RUN/bench-monitor.log
CONF=/etc/usbnet-host/usbnet-host.conf
KEYFILE=/etc/NetworkManager/system-connections/bench-fobnail.nmconnection

UMON=$TESTBED_RUN/bench-udev.log
_mon_probe() {
	ip link add tb-mon type dummy 2>/dev/null || ip link add tb-mon type bridge
	ip link del tb-mon
	grep -q tb-mon "$MON" && grep -q tb-mon "$UMON"
}
mon_start() {
	: >"$MON"
	: >"$UMON"
	ip -ts monitor link address >"$MON" 2>&1 &
	MON_PID=$!
	# udev's own events for net devices (CLOCK_MONOTONIC stamps): where the time between the
	# link and the address goes (udev's rules, then the watcher or NetworkManager).
	stdbuf -oL udevadm monitor --udev --subsystem-match=net >"$UMON" 2>&1 &
	UMON_PID=$!
	# Listening yet? An event of our own (a link added and deleted, again until both monitors
	# show it: they may not have subscribed yet), waited for with a bound.
	expect_within 10 "ip monitor and udevadm monitor see events" _mon_probe
}
mon_stop() {
	kill "$MON_PID" 2>/dev/null || true
	wait "$MON_PID" 2>/dev/null || true
	kill "$UMON_PID" 2>/dev/null || true
	wait "$UMON_PID" 2>/dev/null || true
}

# latency IFINDEX IF ADDR: "TOTAL UDEV": seconds from IFINDEX's first link line to its first
# "inet ADDR/" line, and from that link line to udev's "add" event for IF.
latency() {
	python3 - "$MON" "$1" "$3" "$UMON" "$2" <<'EOF'
import re, sys, time
from datetime import datetime
mon, idx, addr, umon, ifname = sys.argv[1:6]
mono_to_real = time.time() - time.monotonic()
link = got = None
for line in open(mon, errors="replace"):
    m = re.match(r"^\[([0-9T:.-]+)\] (Deleted )?(\d+): (\S+?):? ", line)
    if not m or m.group(3) != idx or m.group(2):
        continue
    t = datetime.fromisoformat(m.group(1)).timestamp()
    if link is None:
        link = t
    if got is None and re.search(r"\binet " + re.escape(addr) + "/", line):
        got = t
if link is None or got is None:
    sys.exit("link %s or address %s not in the monitor log" % (idx, addr))
ev = None
for line in open(umon, errors="replace"):
    m = re.match(r"^UDEV +\[([0-9.]+)\] add +(\S+) \(net\)", line)
    if m and m.group(2).endswith("/net/" + ifname):
        ev = float(m.group(1)) + mono_to_real
        break
print("%.4f %s" % (got - link, "%.4f" % (ev - link) if ev is not None else "?"))
EOF
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# one_plug: plug the token (it is unplugged), wait until 169.254.0.8 is on it, unplug; LAT.
one_plug() {
	local idx
	mon_start
	peer_replug fobnail
	idx=$(cat "/sys/class/net/$PEER_IF/ifindex")
	expect_within 15 "169.254.0.8 on $PEER_IF" has_addr "$PEER_IF" 169.254.0.8/16
	expect_within 5 "the monitor saw it" grep -q "inet 169.254.0.8/" "$MON"
	mon_stop
	LAT=$(latency "$idx" "$PEER_IF" 169.254.0.8) || fail "no latency: $LAT; monitor log: $(head -c 2000 "$MON")"
	UDEV=${LAT#* } LAT=${LAT%% *}
	expect_within 10 "fobnail answers ping" pings 169.254.0.1
	peer_unplug fobnail
}

# c) AUTO mode=auto peers plugged at once: gadgets whose IDs no profile knows (1209:0001,
# ECM), silent in IPv4 until asked (ARP), each at 10.(100+K).0.2/24, a subnet of its own in
# discovery's sweep; one [peer] group says mode=auto for the IDs. First one alone (its link to
# address), then AUTO at once: last plug to the last address; each one's link to address.
c_net() { echo "10.$((100 + $1)).0"; }
c_configured() { has_addr "$1" "$2.1/24" && record_state_is "$1" configured; }
c_all() {
	local k i
	for ((k = 1; k <= AUTO; k++)); do
		i=$(peer_if "ua$k") || return 1
		c_configured "$i" "$(c_net "$k")" || return 1
	done
}
c_part() {
	local k i t_last_plug
	step "c) $AUTO mode=auto peers of unknown IDs: the gadgets, each plugged once with the watcher stopped"
	watch_stop TERM
	mkdir -p "$(dirname "$CONF")"
	printf '[peer unknown]\nusb=1209:0001\nmode=auto\n' >"$CONF"
	for ((k = 0; k <= AUTO; k++)); do
		PEER_SERIAL=$(printf UNK%04d "$((100 + k))") PEER_ADDR=$(c_net "$k").2/24 peer_plug unknown "ua$k"
	done
	for ((k = 0; k <= AUTO; k++)); do peer_unplug "ua$k"; done
	watch_start
	rss_c0=$(watch_rss_kb)

	step "c) one mode=auto peer alone"
	mon_start
	cat "$PEERS_RUN/ua0/udc" >"$GADGETS/ua0/UDC"
	ip -n ua0 link set usb0 up 2>/dev/null || true
	wait_until 60 peer_if ua0 || fail "ua0: no host-side interface within 60s"
	i=$(peer_if ua0)
	expect_within 90 "the watcher configured $i with $(c_net 0).1/24" c_configured "$i" "$(c_net 0)"
	expect_within 30 "the monitor saw the address" grep -q "inet $(c_net 0).1/" "$MON"
	mon_stop
	LAT=$(latency "$(cat "/sys/class/net/$i/ifindex")" "$i" "$(c_net 0).1") || fail "no latency: $LAT"
	c_lone=${LAT%% *}
	bench "c one mode=auto peer alone: link to address ${c_lone} s (link to udev's add event ${LAT#* } s)"
	peer_unplug ua0
	expect_within 60 "ua0 cleaned" sh -c "! ip -4 -o addr | grep -q ' inet 10\.100\.0\.1/'"

	step "c) $AUTO mode=auto peers plugged at once"
	mon_start
	for ((k = 1; k <= AUTO; k++)); do
		cat "$PEERS_RUN/ua$k/udc" >"$GADGETS/ua$k/UDC"
	done
	_now
	t_last_plug=$NOW
	for ((k = 1; k <= AUTO; k++)); do ip -n "ua$k" link set usb0 up 2>/dev/null || true; done
	expect_within 300 "all $AUTO auto peers configured" c_all
	expect_within 30 "the monitor saw the last one" sh -c "[ \$(grep -cE ' inet 10\.1[0-9][0-9]\.0\.1/24' $MON) -ge $AUTO ]"
	mon_stop
	for ((k = 1; k <= AUTO; k++)); do
		expect_within 20 "ua$k answers ping at $(c_net "$k").2" pings "$(c_net "$k").2"
	done
	python3 - "$MON" "$t_last_plug" "$AUTO" "$c_lone" <<'EOF'
import re, sys
from datetime import datetime
mon, t_plug, n, lone = sys.argv[1], int(sys.argv[2]) / 1e6, int(sys.argv[3]), float(sys.argv[4])
link, addr = {}, {}
for line in open(mon, errors="replace"):
    m = re.match(r"^\[([0-9T:.-]+)\] (Deleted )?(\d+): (\S+?):? ", line)
    if not m or m.group(2):
        continue
    t, idx = datetime.fromisoformat(m.group(1)).timestamp(), m.group(3)
    a = re.search(r"\binet 10\.(1\d\d)\.0\.1/24", line)
    if a:
        addr.setdefault(idx, (t, int(a.group(1)) - 100))
    elif "<" in line:
        link.setdefault(idx, t)
rows = sorted((link[i], addr[i][0], addr[i][1]) for i in addr if i in link)
if len(rows) != n:
    sys.exit("BENCH c: only %d of %d peers seen in the monitor log" % (len(rows), n))
last = max(r[1] for r in rows)
print("BENCH c %d mode=auto peers: last plug to last address assigned: %.2f s; one alone: link to address %.2f s; difference %.2f s"
      % (n, last - t_plug, lone, last - t_plug - lone))
print("BENCH c first link to last link: %.2f s; first link to last address: %.2f s"
      % (rows[-1][0] - rows[0][0], last - rows[0][0]))
per = [r[1] - r[0] for r in rows]
for k, (l, a, p) in enumerate(rows, 1):
    print("BENCH c peer %2d (ua%d): link at +%.3f s, link to address %.3f s" % (k, p, l - rows[0][0], a - l))
print("BENCH c link to address: min %.3f s, median %.3f s, max %.3f s (one alone %.3f s)"
      % (min(per), sorted(per)[len(per) // 2], max(per), lone))
EOF
	bench "c the watcher's VmRSS before the $AUTO auto peers: ${rss_c0} kB, after: $(watch_rss_kb) kB"
	for ((k = 0; k <= AUTO; k++)); do peer_remove "ua$k"; done
}

nm_start
watch_start
rss_start=$(watch_rss_kb)

if [[ "$PARTS" == *a* ]]; then
	step "a) warm-up plug of the token (its gadget, namespace and echo service)"
	peer_plug fobnail
	expect_within 15 "the watcher configured $PEER_IF" has_addr "$PEER_IF" 169.254.0.8/16
	peer_unplug fobnail
	expect_within 10 "cleaned" sh -c "[ \$(ip -4 -o addr | grep -c ' 169\.254\.0\.8/') = 0 ]"

	watcher=() watcher_udev=()
	for ((r = 1; r <= RUNS; r++)); do
		step "a) watcher run $r/$RUNS"
		one_plug
		watcher+=("$LAT") watcher_udev+=("$UDEV")
		bench "a watcher run $r: link to address ${LAT} s (link to udev's add event ${UDEV} s)"
		expect_within 10 "cleaned" sh -c "[ \$(ip -4 -o addr | grep -c ' 169\.254\.0\.8/') = 0 ]"
	done

	step "a) NetworkManager: watcher stopped, usbnet-host's rule and profile masked, a keyfile"
	watch_stop TERM
	mask_usbnet_udev_rule
	mask_usbnet_nm_profiles
	mkdir -p "$(dirname "$KEYFILE")"
	(umask 077 && cat >"$KEYFILE") <<'EOF'
[connection]
id=bench-fobnail
type=ethernet
autoconnect=true
autoconnect-priority=100

[match]
driver=cdc_eem

[ipv4]
method=manual
address1=169.254.0.8/16

[ipv6]
method=disabled
EOF
	nmcli connection reload
	expect_within 10 "NetworkManager has the keyfile" sh -c "nmcli -g NAME connection show | grep -qx bench-fobnail"
	nm=() nm_udev=()
	for ((r = 1; r <= RUNS; r++)); do
		step "a) NetworkManager run $r/$RUNS"
		one_plug
		nm+=("$LAT") nm_udev+=("$UDEV")
		bench "a NetworkManager run $r: link to address ${LAT} s (link to udev's add event ${UDEV} s)"
		expect_within 15 "cleaned" sh -c "[ \$(ip -4 -o addr | grep -c ' 169\.254\.0\.8/') = 0 ]"
	done
	rm -f "$KEYFILE"
	nmcli connection reload
	unmask_usbnet_nm_profiles
	unmask_usbnet_udev_rule
	peer_remove fobnail
	mw=$(median "${watcher[@]}") mn=$(median "${nm[@]}")
	bench "a watcher runs (s): ${watcher[*]}"
	bench "a NetworkManager runs (s): ${nm[*]}"
	bench "a median: watcher ${mw} s, NetworkManager ${mn} s, ratio NetworkManager/watcher $(awk -v a="$mn" -v b="$mw" 'BEGIN { printf "%.1f", a / b }')"
	uw=$(median "${watcher_udev[@]}") un=$(median "${nm_udev[@]}")
	bench "a median link to udev's add event: ${uw} s (watcher runs), ${un} s (NetworkManager runs)"
	bench "a median udev's add event to address: watcher $(awk -v a="$mw" -v b="$uw" 'BEGIN { printf "%.4f", a - b }') s, NetworkManager $(awk -v a="$mn" -v b="$un" 'BEGIN { printf "%.4f", a - b }') s"
	watch_start

	# Where udev's time goes: the rule's IMPORT{program} runs once per interface, before
	# udev sends the event on. Ten runs each with the environment udev gives it: the program
	# the installed rule names (udev's helper), the command `usbnet-host udev-probe`, and a
	# process that does nothing.
	probe_env=(SUBSYSTEM=net INTERFACE=usb7 ID_USB_DRIVER=cdc_eem ID_VENDOR_ID=1234
		ID_MODEL_ID=4321 ID_MODEL_ENC=Fobnail)
	uh_bin=$(command -v usbnet-host)
	# shellcheck disable=SC2046
	rule_prog=$(sed -n 's/.*IMPORT{program}="\([^" ]*\).*/\1/p' $(usbnet_udev_rules) | head -n1)
	_now && t0=$NOW
	for ((r = 0; r < 10; r++)); do env -i "${probe_env[@]}" "$rule_prog" >/dev/null; done
	_now && t1=$NOW
	for ((r = 0; r < 10; r++)); do env -i "${probe_env[@]}" "$uh_bin" udev-probe >/dev/null; done
	_now && t2=$NOW
	for ((r = 0; r < 10; r++)); do env -i "${probe_env[@]}" /bin/true; done
	_now && t3=$NOW
	bench "a the rule runs $rule_prog: $(((t1 - t0) / 10000)) ms per run in the guest, $(ldd "$rule_prog" 2>/dev/null | wc -l) lines of ldd; usbnet-host udev-probe: $(((t2 - t1) / 10000)) ms, $(ldd "$uh_bin" | wc -l) lines of ldd; env -i ... /bin/true: $(((t3 - t2) / 10000)) ms"
fi

if [[ "$PARTS" == *b* ]]; then
	step "b) $PEERS EEM peers, each its own [peer] group (by serial) and /30"
	watch_stop TERM
	mkdir -p "$(dirname "$CONF")"
	for ((n = 1; n <= PEERS; n++)); do
		printf '[peer bench-%02d]\nserial=BENCH%02d\nmode=static\naddress=10.99.%d.1/30\npeer=10.99.%d.2\n\n' \
			"$n" "$n" "$n" "$n"
	done >"$CONF"
	watch_start
	# Each peer once, one after the other (gadget, namespace, address, echo service), then
	# unplugged: what b measures is the plug of all of them at once.
	for ((n = 1; n <= PEERS; n++)); do
		PEER_SERIAL=$(printf BENCH%02d "$n") PEER_ADDR=10.99.$n.2/30 peer_plug fobnail "bp$n"
		expect_within 15 "bp$n configured" has_addr "$PEER_IF" "10.99.$n.1/30"
	done
	for ((n = 1; n <= PEERS; n++)); do peer_unplug "bp$n"; done
	expect_within 15 "all cleaned" sh -c "[ \$(ip -4 -o addr | grep -c ' 10\.99\.') = 0 ]"
	rss_b0=$(watch_rss_kb)

	mon_start
	step "b) plug all $PEERS at once"
	for ((n = 1; n <= PEERS; n++)); do
		cat "$PEERS_RUN/bp$n/udc" >"$GADGETS/bp$n/UDC"
	done
	_now
	t_last_plug=$NOW
	all_addressed() { [ "$(ip -4 -o addr | grep -c ' inet 10\.99\.')" = "$PEERS" ]; }
	expect_within 120 "all $PEERS host addresses assigned" all_addressed
	for ((n = 1; n <= PEERS; n++)); do in_peer "bp$n" ip link set usb0 up; done
	expect_within 10 "the monitor saw the last one" sh -c "[ \$(grep -c ' inet 10\.99\.' $MON) -ge $PEERS ]"
	mon_stop
	all_configured() {
		local n i
		for ((n = 1; n <= PEERS; n++)); do
			i=$(peer_if "bp$n") || return 1
			record_state_is "$i" configured || return 1
		done
	}
	expect_within 60 "all $PEERS records say configured" all_configured
	for ((n = 1; n <= PEERS; n++)); do
		expect_within 10 "bp$n answers ping at 10.99.$n.2" pings "10.99.$n.2"
	done
	python3 - "$MON" "$t_last_plug" "$PEERS" "$UMON" <<'EOF'
import re, sys, time
from datetime import datetime
mon, t_plug, peers, umon = sys.argv[1], int(sys.argv[2]) / 1e6, int(sys.argv[3]), sys.argv[4]
mono_to_real = time.time() - time.monotonic()
link, addr, name, ev = {}, {}, {}, {}
for line in open(umon, errors="replace"):
    m = re.match(r"^UDEV +\[([0-9.]+)\] add +\S+/net/(\S+) \(net\)", line)
    if m:
        ev.setdefault(m.group(2), float(m.group(1)) + mono_to_real)
for line in open(mon, errors="replace"):
    m = re.match(r"^\[([0-9T:.-]+)\] (Deleted )?(\d+): (\S+?):? ", line)
    if not m or m.group(2):
        continue
    t, idx = datetime.fromisoformat(m.group(1)).timestamp(), m.group(3)
    a = re.search(r"\binet 10\.99\.(\d+)\.1/30", line)
    if a:
        addr.setdefault(idx, (t, int(a.group(1))))
    elif "<" in line:
        link.setdefault(idx, t)
        name.setdefault(idx, m.group(4).split("@")[0])
rows = sorted((link[i], addr[i][0], addr[i][1]) for i in addr if i in link)
if len(rows) != peers:
    sys.exit("BENCH b: only %d of %d peers seen in the monitor log" % (len(rows), peers))
first_link = rows[0][0]
last_addr = max(r[1] for r in rows)
print("BENCH b %d peers: last plug to last address assigned: %.2f s" % (peers, last_addr - t_plug))
print("BENCH b first link to last link: %.2f s; first link to last address: %.2f s"
      % (rows[-1][0] - first_link, last_addr - first_link))
per = [r[1] - r[0] for r in rows]
for k, (l, a, n) in enumerate(rows, 1):
    print("BENCH b peer %2d (bench-%02d): link at +%.3f s, address at +%.3f s, link to address %.3f s"
          % (k, n, l - first_link, a - first_link, a - l))
q = max(1, peers // 4)
print("BENCH b link to address, the first %d to appear: mean %.3f s; the last %d: mean %.3f s"
      % (q, sum(per[:q]) / q, q, sum(per[-q:]) / q))
# The watcher's own part: udev's add event (after the rules ran) to the address, in the
# order the events came: the cost of one more peer when k are there already.
evs = sorted((ev[name[i]], addr[i][0], addr[i][1]) for i in addr if i in name and name[i] in ev)
if len(evs) == peers:
    for k, (e, a, n) in enumerate(evs, 1):
        print("BENCH b event %2d (bench-%02d): udev's add event at +%.3f s, address %.3f s later"
              % (k, n, e - first_link, a - e))
    w = [a - e for e, a, n in evs]
    print("BENCH b udev's add event to address, the first %d events: mean %.3f s; the last %d: mean %.3f s; all: max %.3f s"
          % (q, sum(w[:q]) / q, q, sum(w[-q:]) / q, max(w)))
else:
    print("BENCH b udev's add events: %d of %d peers seen" % (len(evs), peers))
EOF
	bench "b the watcher's VmRSS before the $PEERS plugs: ${rss_b0} kB, after: $(watch_rss_kb) kB"
	for ((n = 1; n <= PEERS; n++)); do peer_remove "bp$n"; done
	expect_within 60 "all b peers cleaned" sh -c "! ip -4 -o addr | grep -q ' inet 10\.99\.'"
fi

if [[ "$PARTS" == *c* ]]; then
	c_part
fi

if [[ "$PARTS" == *d* ]]; then
	step "d) the idle watcher over ${IDLE_S}s"
	pid=$(watch_pid)
	read -r -a st <"/proc/$pid/stat"
	cpu0=$((st[13] + st[14]))
	expect_steady "$IDLE_S" "the watcher keeps running with nothing happening" watch_running
	read -r -a st <"/proc/$pid/stat"
	cpu1=$((st[13] + st[14]))
	hz=$(getconf CLK_TCK)
	bench "d idle over ${IDLE_S} s: utime+stime grew by $((cpu1 - cpu0)) ticks (1 tick = 1/${hz} s); total since start $((cpu1)) ticks"
	bench "d VmRSS $(watch_rss_kb) kB, VmHWM $(awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status") kB (VmRSS at start: ${rss_start} kB); $(sed -n 's/^Threads:\s*/threads /p' "/proc/$pid/status")"
	bench "d linked: $(awk '$6 ~ /\.so/ { print $6 }' "/proc/$pid/maps" | sort -u | xargs -n1 basename | tr '\n' ' ')"
fi
rm -f "$CONF"
