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
#    peers already there?); all configured and answering ping. RUNS times with the watcher,
#    then RUNS times with NetworkManager (a keyfile per peer matching its port, ID_PATH;
#    usbnet-host's rule and profiles masked): medians and their ratio.
#    The rule's program (udev's helper) timed against `usbnet-host udev-probe` and /bin/true.
#    b's gadgets are removed at its end (c needs the ports).
# c) AUTO mode=auto peers of unknown IDs (1209:0001), silent until asked, each on its own
#    10.(100+K).0.0/24: one alone, then AUTO plugged at once (see c_part).
# d) the idle watcher: its CPU time over IDLE_S seconds with nothing happening, and its VmRSS /
#    VmHWM, at the start and after b and c (every bench peer removed); NetworkManager's over
#    the same window.
# testbed: udcs=17
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
RUNS=7 PEERS=32 AUTO=16 IDLE_S=60 PARTS=abcd
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
	# All at once (the host enumerates them side by side), then all waited for.
	for ((k = 0; k <= AUTO; k++)); do
		PEER_NOWAIT=1 PEER_SERIAL=$(printf UNK%04d "$((100 + k))") PEER_ADDR=$(c_net "$k").2/24 \
			peer_plug unknown "ua$k"
	done
	for ((k = 0; k <= AUTO; k++)); do peer_wait_if "ua$k"; done
	for ((k = 0; k <= AUTO; k++)); do PEER_NOWAIT=1 peer_unplug "ua$k"; done
	for ((k = 0; k <= AUTO; k++)); do peer_wait_gone "ua$k"; done
	watch_start
	rss_c0=$(watch_rss_kb)

	step "c) one mode=auto peer alone"
	cw0=$(children_ms "$(watch_pid)")
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
	expect_within 30 "the watcher's workers finished" sh -c "[ \$(pgrep -c -P $(watch_pid)) = 0 ]"
	cw1=$(children_ms "$(watch_pid)")
	bench "c one mode=auto peer alone: its workers' CPU time (up and down): $((cw1 - cw0)) ms"

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
	expect_within 30 "the watcher's workers finished" sh -c "[ \$(pgrep -c -P $(watch_pid)) = 0 ]"
	bench "c $AUTO mode=auto peers: their workers' CPU time (the ups): $(($(children_ms "$(watch_pid)") - cw1)) ms"
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
	peer_remove_all
}

# d) the idle watcher, next to NetworkManager idle in the same window: d_idle WHEN. CPU time
# from /proc/PID/schedstat (ns on the CPU; utime+stime ticks when the kernel has no
# schedstat), resident memory from /proc/PID/status.
cpu_ns() { # PID
	local ns st
	if read -r ns _ <"/proc/$1/schedstat" 2>/dev/null; then
		echo "$ns"
	else
		read -r -a st <"/proc/$1/stat"
		echo $(((st[13] + st[14]) * 1000000000 / $(getconf CLK_TCK)))
	fi
}
# children_ms PID: CPU time (user + system, ms) of PID's children it has reaped: the watcher's
# workers that have finished.
children_ms() {
	local st
	read -r -a st <"/proc/$1/stat"
	echo $(((st[15] + st[16]) * 1000 / $(getconf CLK_TCK)))
}
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; } # PID FIELD
d_idle() {
	local when=$1 pid nmpid w0 w1 n0 n1
	step "d) idle over ${IDLE_S}s, $when"
	pid=$(watch_pid)
	nmpid=$(cat "$TESTBED_RUN/nm.pid")
	w0=$(cpu_ns "$pid") n0=$(cpu_ns "$nmpid")
	expect_steady "$IDLE_S" "the watcher keeps running with nothing happening" watch_running
	w1=$(cpu_ns "$pid") n1=$(cpu_ns "$nmpid")
	bench "d $when: over ${IDLE_S} s idle: the watcher $(((w1 - w0) / 1000)) us of CPU (since it started: $((w1 / 1000000)) ms), NetworkManager $(((n1 - n0) / 1000)) us (since it started: $((n1 / 1000000)) ms); VmRSS: the watcher $(status_kb "$pid" VmRSS) kB (VmHWM $(status_kb "$pid" VmHWM) kB, $(status_kb "$pid" Threads) threads), NetworkManager $(status_kb "$nmpid" VmRSS) kB; ratio NetworkManager/watcher: RSS $(awk -v a="$(status_kb "$nmpid" VmRSS)" -v b="$(status_kb "$pid" VmRSS)" 'BEGIN { printf "%.1f", a / b }')"
}

nm_start
watch_start
rss_start=$(watch_rss_kb)
if [[ "$PARTS" == *d* ]]; then
	d_idle "at the start"
fi

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

# b) PEERS peers plugged at once: b_plug_all WHO RUN (WHO: watcher or NetworkManager, the one
# configuring them). Their gadgets are made and unplugged; plugs them all, waits for every
# address, prints WHO's figures and sets B_LAST (last plug to last address, s); unplugs them.
b_configured() {
	local n i
	for ((n = 1; n <= PEERS; n++)); do
		i=$(peer_if "bp$n") || return 1
		record_state_is "$i" configured || return 1
	done
}
b_addressed() { [ "$(ip -4 -o addr | grep -c ' inet 10\.99\.')" = "$PEERS" ]; }
b_plug_all() {
	local who=$1 run=$2 n t_last_plug figures
	mon_start
	step "b) $who: plug all $PEERS at once"
	for ((n = 1; n <= PEERS; n++)); do
		cat "$PEERS_RUN/bp$n/udc" >"$GADGETS/bp$n/UDC"
	done
	_now
	t_last_plug=$NOW
	for ((n = 1; n <= PEERS; n++)); do in_peer "bp$n" ip link set usb0 up; done
	if [ "$who" = watcher ]; then
		expect_within 120 "$who: all $PEERS host addresses assigned" b_addressed
	elif ! wait_until 120 b_addressed; then
		# Not the bench's subject: said, and the bench goes on (c, d) without its figures.
		mon_stop
		bench "b $who $run: not every address within 120 s ($(ip -4 -o addr | grep -c ' inet 10\.99\.') of $PEERS): no figures"
		for ((n = 1; n <= PEERS; n++)); do peer_unplug "bp$n"; done
		return 1
	fi
	expect_within 10 "$who: the monitor saw the last one" sh -c "[ \$(grep -c ' inet 10\.99\.' $MON) -ge $PEERS ]"
	mon_stop
	if [ "$who" = watcher ]; then
		expect_within 60 "all $PEERS records say configured" b_configured
	fi
	for ((n = 1; n <= PEERS; n++)); do
		expect_within 10 "$who: bp$n answers ping at 10.99.$n.2" pings "10.99.$n.2"
	done
	figures=$(python3 - "$MON" "$t_last_plug" "$PEERS" "$UMON" "$who $run" <<'EOF'
import re, sys, time
from datetime import datetime
mon, t_plug, peers, umon, who = sys.argv[1], int(sys.argv[2]) / 1e6, int(sys.argv[3]), sys.argv[4], sys.argv[5]
mono_to_real = time.time() - time.monotonic()
link, addr, name, ev = {}, {}, {}, {}
def bench(s):
    print("BENCH b %s: %s" % (who, s))
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
    sys.exit("BENCH b %s: only %d of %d peers seen in the monitor log" % (who, len(rows), peers))
first_link = rows[0][0]
last_addr = max(r[1] for r in rows)
bench("%d peers: last plug to last address assigned: %.2f s" % (peers, last_addr - t_plug))
bench("first link to last link: %.2f s; first link to last address: %.2f s"
      % (rows[-1][0] - first_link, last_addr - first_link))
per = [r[1] - r[0] for r in rows]
for k, (l, a, n) in enumerate(rows, 1):
    bench("peer %2d (bench-%02d): link at +%.3f s, address at +%.3f s, link to address %.3f s"
          % (k, n, l - first_link, a - first_link, a - l))
q = min(8, max(1, peers // 4))
bench("link to address, the first %d to appear: mean %.3f s; the last %d: mean %.3f s"
      % (q, sum(per[:q]) / q, q, sum(per[-q:]) / q))
# What comes after udev: its add event (the rules ran) to the address, in the order the
# events came: the cost of one more peer when k are there already.
evs = sorted((ev[name[i]], addr[i][0], addr[i][1]) for i in addr if i in name and name[i] in ev)
if len(evs) == peers:
    for k, (e, a, n) in enumerate(evs, 1):
        bench("event %2d (bench-%02d): udev's add event at +%.3f s, address %.3f s later"
              % (k, n, e - first_link, a - e))
    w = [a - e for e, a, n in evs]
    bench("udev's add event to address, the first %d events: mean %.3f s; the last %d: mean %.3f s; all: max %.3f s"
          % (q, sum(w[:q]) / q, q, sum(w[-q:]) / q, max(w)))
else:
    bench("udev's add events: %d of %d peers seen" % (len(evs), peers))
print("LAST %.4f" % (last_addr - t_plug))
EOF
) || fail "b $who: no figures: $figures"
	printf '%s\n' "$figures" | grep '^BENCH '
	B_LAST=$(printf '%s\n' "$figures" | sed -n 's/^LAST //p')
	for ((n = 1; n <= PEERS; n++)); do PEER_NOWAIT=1 peer_unplug "bp$n"; done
	for ((n = 1; n <= PEERS; n++)); do peer_wait_gone "bp$n"; done
	expect_within 60 "b $who: all cleaned" sh -c "! ip -4 -o addr | grep -q ' inet 10\.99\.'"
}

if [[ "$PARTS" == *b* ]]; then
	step "b) $PEERS EEM peers, each its own [peer] group (by serial) and /30"
	watch_stop TERM
	mkdir -p "$(dirname "$CONF")"
	for ((n = 1; n <= PEERS; n++)); do
		printf '[peer bench-%02d]\nserial=BENCH%02d\nmode=static\naddress=10.99.%d.1/30\npeer=10.99.%d.2\n\n' \
			"$n" "$n" "$n" "$n"
	done >"$CONF"
	watch_start
	# Each peer once (gadget, namespace, address, echo service), all made side by side and
	# waited for, then unplugged: what b measures is the plug of all of them at once.
	# NetworkManager's profiles match each by its port (udev's ID_PATH; an EEM host side has
	# no MAC of its own: usbnet gives every one the same).
	b_path=()
	for ((n = 1; n <= PEERS; n++)); do
		PEER_NOWAIT=1 PEER_SERIAL=$(printf BENCH%02d "$n") PEER_ADDR=10.99.$n.2/30 peer_plug fobnail "bp$n"
	done
	for ((n = 1; n <= PEERS; n++)); do
		peer_wait_if "bp$n"
		expect_within 60 "bp$n configured" has_addr "$PEER_IF" "10.99.$n.1/30"
		b_path[n]=$(udevadm info -q property "/sys/class/net/$PEER_IF" | sed -n 's/^ID_PATH=//p')
		[ -n "${b_path[n]}" ] || fail "bp$n: no ID_PATH for $PEER_IF (NetworkManager's profile matches it)"
	done
	for ((n = 1; n <= PEERS; n++)); do PEER_NOWAIT=1 peer_unplug "bp$n"; done
	for ((n = 1; n <= PEERS; n++)); do peer_wait_gone "bp$n"; done
	expect_within 15 "all cleaned" sh -c "[ \$(ip -4 -o addr | grep -c ' 10\.99\.') = 0 ]"
	rss_b0=$(watch_rss_kb)

	b_last_w=() b_last_nm=()
	for ((r = 1; r <= RUNS; r++)); do
		b_plug_all watcher "run $r"
		b_last_w+=("$B_LAST")
	done
	bench "b the watcher's VmRSS before the $PEERS plugs: ${rss_b0} kB, after: $(watch_rss_kb) kB"

	step "b) NetworkManager: watcher stopped, usbnet-host's rule and profiles masked, a keyfile per peer (its port)"
	watch_stop TERM
	mask_usbnet_udev_rule
	mask_usbnet_nm_profiles
	mkdir -p "$(dirname "$KEYFILE")"
	for ((n = 1; n <= PEERS; n++)); do
		(umask 077 && cat >"/etc/NetworkManager/system-connections/bench-b$n.nmconnection") <<EOF
[connection]
id=bench-b$n
type=ethernet
autoconnect=true

[match]
path=${b_path[n]}

[ipv4]
method=manual
address1=10.99.$n.1/30

[ipv6]
method=disabled
EOF
	done
	nmcli connection reload
	expect_within 10 "NetworkManager has the $PEERS keyfiles" sh -c "[ \$(nmcli -g NAME connection show | grep -c '^bench-b') = $PEERS ]"
	for ((r = 1; r <= RUNS; r++)); do
		b_plug_all NetworkManager "run $r" || break
		b_last_nm+=("$B_LAST")
	done
	rm -f /etc/NetworkManager/system-connections/bench-b*.nmconnection
	nmcli connection reload
	unmask_usbnet_nm_profiles
	unmask_usbnet_udev_rule
	watch_start
	peer_remove_all
	bw=$(median "${b_last_w[@]}")
	bench "b $PEERS peers at once, last plug to last address, runs (s): watcher ${b_last_w[*]}; NetworkManager ${b_last_nm[*]:-none}"
	if [ "${#b_last_nm[@]}" = "$RUNS" ]; then
		bn=$(median "${b_last_nm[@]}")
		bench "b median: watcher ${bw} s, NetworkManager ${bn} s, ratio NetworkManager/watcher $(awk -v a="$bn" -v b="$bw" 'BEGIN { printf "%.2f", a / b }')"
	else
		bench "b median: watcher ${bw} s; NetworkManager did not finish its runs: no ratio"
	fi
fi

if [[ "$PARTS" == *c* ]]; then
	c_part
fi

if [[ "$PARTS" == *d* ]]; then
	d_idle "at the end, after parts $PARTS (the watcher the last part started)"
	bench "d the watcher at the start: VmRSS ${rss_start} kB; linked: $(awk '$6 ~ /\.so/ { print $6 }' "/proc/$(watch_pid)/maps" | sort -u | xargs -n1 basename | tr '\n' ' ')"
fi
rm -f "$CONF"
