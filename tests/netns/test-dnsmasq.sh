#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The DNS forwarder of a gateway peer (lib/dns/dnsmasq.c, lib/dns/dns-supervise.c) for real, in
# throw-away namespaces: peer <-> host <-> upstream. The upstream namespace runs a dnsmasq that
# answers usbnet.test with 198.51.100.7; the host runs the forwarder through the library
# (tests/netns/dns-tool.c), bound to its peer-side address, forwarding to the upstream one.
#
# Env: USBNET_DNS_TOOL (the built test program), USBNET_HOST (the built usbnet-host).
set -u

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
: "${USBNET_DNS_TOOL:?the built usbnet-dns-tool}"
: "${USBNET_HOST:?the built usbnet-host}"
command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] || {
	echo "FAIL: dnsmasq is not installed (scripts/install-deps installs dnsmasq-base)"
	exit 1
}

HERE=$(cd "$(dirname "$0")" && pwd)
QUERY="$HERE/dns-query.py"
PFX="ubh-$$"
H="$PFX-dns-h"
P="$PFX-dns-p"
U="$PFX-dns-u"
TMP=$(mktemp -d /tmp/usbnet-dns-XXXXXX)
RUN="$TMP/run"
BG=()
fails=0

# Only processes this test started: by the pid files it named, and each checked to be a
# dnsmasq running with that very pid file.
kill_ours() {
	local f pid
	for f in "$TMP"/upstream.pid "$RUN"/*.dnsmasq.pid; do
		[ -s "$f" ] || continue
		pid=$(cat "$f")
		if tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qx -- "--pid-file=$f"; then
			kill "$pid" 2>/dev/null
		fi
	done
	for pid in "${BG[@]}"; do
		kill "$pid" 2>/dev/null
	done
}
cleanup() {
	kill_ours
	wait 2>/dev/null
	for ns in "$H" "$P" "$U"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $T: $*"
	fails=$((fails + 1))
}

# shellcheck source=helpers/wait.sh
. "$HERE/helpers/wait.sh"

for ns in "$H" "$P" "$U"; do
	ip netns add "$ns" || exit 1
	ip -n "$ns" link set lo up
done
ip -n "$H" link add veth0 type veth peer name veth1 netns "$P" || exit 1
ip -n "$H" link add up0 type veth peer name up1 netns "$U" || exit 1
ip -n "$H" addr add 192.168.2.14/24 dev veth0
ip -n "$H" addr add 10.77.0.1/24 dev up0
ip -n "$P" addr add 192.168.2.15/24 dev veth1
ip -n "$U" addr add 10.77.0.2/24 dev up1
for l in veth0 up0; do ip -n "$H" link set "$l" up; done
ip -n "$P" link set veth1 up
ip -n "$U" link set up1 up
ip -n "$P" route add default via 192.168.2.14
mkdir -p "$RUN"

ip netns exec "$U" dnsmasq --conf-file=/dev/null --pid-file="$TMP/upstream.pid" \
	--listen-address=10.77.0.2 --bind-interfaces --no-resolv --no-hosts \
	--address=/usbnet.test/198.51.100.7 || exit 1

tool() { ip netns exec "$H" "$USBNET_DNS_TOOL" "$@"; }
ask() { # namespace server name: the answer line, status 0 when answered
	ip netns exec "$1" python3 "$QUERY" "$2" "$3" "${4:-1}"
}
pid_of_file() { cat "$RUN/veth0.dnsmasq.pid" 2>/dev/null; }
# A process that runs (kill -0 also succeeds on a zombie, which a killed process stays until
# its parent, or init, reaps it).
runs() { [ -e "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^[ZX]'; }
runs_dnsmasq() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = dnsmasq ] && runs "$1"; }

# ---- start: bound to the peer-side address alone, answers the peer --------------------------
T=start
OUT=$(tool start "$RUN" veth0 192.168.2.14 10.77.0.2 2>"$TMP/err")
[ $? = 0 ] || fail "start failed: $OUT $(cat "$TMP/err")"
read -r PID START <<<"$OUT"
[ "$(pid_of_file)" = "$PID" ] || fail "the pid file $RUN/veth0.dnsmasq.pid does not name $PID"
[ "$(cat "/proc/$PID/comm" 2>/dev/null)" = dnsmasq ] || fail "pid $PID is not a dnsmasq"
[ "$(awk '{print $22}' "/proc/$PID/stat")" = "$START" ] || fail "start time is not field 22"
tool alive "$PID" "$START" || fail "alive says no for the running forwarder"
# it dropped root (dnsmasq's default user, nobody)
[ "$(awk '/^Uid:/ {print $2}' "/proc/$PID/status")" != 0 ] || fail "the forwarder runs as root"
# its sockets: 192.168.2.14:53 (UDP and TCP) and nothing else
SOCKS=$(ip netns exec "$H" ss -Htulpn | grep "pid=$PID," | awk '{print $1, $5}' | sort | tr '\n' ,)
[ "$SOCKS" = "tcp 192.168.2.14:53,udp 192.168.2.14:53," ] ||
	fail "the forwarder listens on: $SOCKS (want 192.168.2.14:53 over UDP and TCP only)"
A=$(ask "$P" 192.168.2.14 usbnet.test) || fail "no answer from the peer's side: $A"
[ "$A" = "rcode 0 answers 1 A 198.51.100.7" ] || fail "the peer got: $A"
# not on the host's other address, nor on loopback
A=$(ask "$H" 10.77.0.1 usbnet.test) && fail "answered on the uplink address: $A"
A=$(ask "$U" 10.77.0.1 usbnet.test) && fail "answered the upstream side on 10.77.0.1: $A"
A=$(ask "$H" 127.0.0.1 usbnet.test) && fail "answered on loopback: $A"
# a plain name (no dot) is not forwarded upstream (--domain-needed)
A=$(ask "$P" 192.168.2.14 usbnet) && [ "${A#rcode 0 answers 1}" != "$A" ] &&
	fail "a dotless name was answered: $A"

# ---- port 53 already taken on the address: dnsmasq's own words --------------------------------
T=port-taken
ip netns exec "$H" python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.0.1", 53))
time.sleep(600)' &
BG+=($!)
wait_until 60 sh -c "ip netns exec $H ss -Hlun | grep -q '10.77.0.1:53'" || fail "no port taker"
ip netns exec "$H" ip link add tk0 type veth peer name tk1
ip -n "$H" link set tk0 up
ip -n "$H" addr add 10.66.0.1/24 dev tk0
OUT=$(tool start "$RUN" up0 10.77.0.1 10.77.0.2 2>"$TMP/err")
RC=$?
[ "$RC" = 1 ] || fail "start on a taken port: exit $RC ($OUT)"
[ "$OUT" = EBUSY ] || fail "start on a taken port: $OUT, want EBUSY"
grep -q "failed to create listening socket for 10.77.0.1: Address already in use" "$TMP/err" ||
	fail "dnsmasq's words are not passed on: $(cat "$TMP/err")"
[ -e "$RUN/up0.dnsmasq.pid" ] && fail "a pid file is left after the failed start"
kill "${BG[-1]}" 2>/dev/null
tool alive "$PID" "$START" || fail "the first forwarder went with the failed start"

# ---- the address is not the interface's, or not there at all ---------------------------------
T=address
OUT=$(tool start "$RUN" tk0 192.168.2.99 10.77.0.2 2>"$TMP/err")
[ "$OUT" = EADDRNOTAVAIL ] || fail "an address on no interface: $OUT"
grep -q "192.168.2.99 is on no interface" "$TMP/err" || fail "message: $(cat "$TMP/err")"
OUT=$(tool start "$RUN" tk0 10.77.0.1 10.77.0.2 2>"$TMP/err")
[ "$OUT" = EADDRNOTAVAIL ] || fail "the uplink's address for tk0: $OUT"
grep -q "10.77.0.1 is on up0, not on tk0" "$TMP/err" || fail "message: $(cat "$TMP/err")"

# ---- dnsmasq not installed: the package is named ----------------------------------------------
T=not-installed
OUT=$(USBNET_DNS_TOOL_DNSMASQ=$TMP/no/dnsmasq tool start "$RUN" tk0 10.66.0.1 2>"$TMP/err")
[ "$OUT" = ENOENT ] || fail "missing dnsmasq: $OUT"
grep -q "dnsmasq is not installed.*install the package dnsmasq-base" "$TMP/err" ||
	fail "message: $(cat "$TMP/err")"

# ---- stop never signals a process that is not the recorded dnsmasq ---------------------------
T=stop-others
UPID=$(cat "$TMP/upstream.pid")
USTART=$(awk '{print $22}' "/proc/$UPID/stat")
sleep 600 &
SPID=$!
BG+=("$SPID")
SSTART=$(awk '{print $22}' "/proc/$SPID/stat")
# a pid that now belongs to another program (same start time even: the name differs)
tool stop "$RUN" tk0 "$SPID" "$SSTART" || fail "stop of a reused pid failed"
runs "$SPID" || fail "stop killed a process that is not a dnsmasq"
# a dnsmasq, but not the one recorded (another start time)
tool stop "$RUN" tk0 "$UPID" $((USTART + 1)) || fail "stop of a stale handle failed"
runs_dnsmasq "$UPID" || fail "stop killed another dnsmasq (start time differs)"
# "-" (recorded ahead of the start): a pid file naming a dnsmasq of another pid file
cp "$TMP/upstream.pid" "$RUN/tk0.dnsmasq.pid"
tool stop "$RUN" tk0 - || fail "stop - failed"
runs_dnsmasq "$UPID" || fail "stop - killed the dnsmasq of another pid file"
kill "$SPID"

# ---- stop: the forwarder is gone, its pid file too -------------------------------------------
T=stop
tool stop "$RUN" veth0 "$PID" "$START" || fail "stop failed"
runs_dnsmasq "$PID" && fail "the forwarder still runs"
tool alive "$PID" "$START" && fail "alive says yes after stop"
[ -e "$RUN/veth0.dnsmasq.pid" ] && fail "the pid file is left"
tool stop "$RUN" veth0 "$PID" "$START" || fail "a second stop is not 0"
A=$(ask "$P" 192.168.2.14 usbnet.test) && fail "still answered after stop: $A"
# "-" finds a forwarder by its pid file (an up that died before recording the pid)
OUT=$(tool start "$RUN" veth0 192.168.2.14 10.77.0.2) || fail "start again: $OUT"
read -r PID START <<<"$OUT"
tool stop "$RUN" veth0 - || fail "stop - failed"
tool alive "$PID" "$START" && fail "stop - left the forwarder running"

# ---- supervision: a forwarder that dies is started again; down stops it for good -------------
T=supervise
OUT=$(tool start "$RUN" veth0 192.168.2.14 10.77.0.2) || fail "start: $OUT"
read -r PID START <<<"$OUT"
tool record "$RUN" veth0 192.168.2.14/24 "$PID" "$START" || fail "cannot write the record"
ip netns exec "$H" "$USBNET_DNS_TOOL" supervise "$RUN" 40 10.77.0.2 2>"$TMP/supervise.log" &
SUP=$!
BG+=("$SUP")
wait_until 60 grep -q "^supervising" "$TMP/supervise.log" || fail "the supervisor did not start"
t0=$(date +%s%N)
kill -9 "$PID"
recorded_pid() { sed -n 's/^step dnsmasq \([0-9]*\) .*/\1/p' "$RUN/veth0.state"; }
restarted() { local p; p=$(recorded_pid); [ -n "$p" ] && [ "$p" != "$PID" ]; }
wait_until 60 restarted || fail "not restarted: $(cat "$TMP/supervise.log")"
answered() { ask "$P" 192.168.2.14 usbnet.test 0.2 >/dev/null; }
wait_until 60 answered || fail "the restarted forwarder does not answer"
t1=$(date +%s%N)
echo "measured: killed forwarder answering again after $(((t1 - t0) / 1000000)) ms"
NPID=$(recorded_pid)
[ "$(pid_of_file)" = "$NPID" ] || fail "the pid file does not name the new forwarder"
# a record written while the supervisor runs (an up by hand), its forwarder not running
kill "$NPID"
wait_until 60 sh -c "[ \"\$(sed -n 's/^step dnsmasq \([0-9]*\) .*/\1/p' $RUN/veth0.state)\" != $NPID ]" ||
	fail "a stopped (SIGTERM) forwarder was not restarted"
NPID=$(recorded_pid)
# down (the real command) stops it, and the supervisor leaves it stopped
OUT=$(ip netns exec "$H" "$USBNET_HOST" down veth0 --run-dir "$RUN" 2>&1) ||
	fail "down: $OUT"
[ -e "$RUN/veth0.state" ] && fail "down left the record"
gone() { ! runs_dnsmasq "$NPID"; }
wait_until 60 gone || fail "down left the forwarder running"
sleep 1
[ -e "$RUN/veth0.dnsmasq.pid" ] && fail "a forwarder was started after down: $(pid_of_file)"
# a record that appears while the supervisor runs, with "-" (the pid not known): started
tool record "$RUN" veth0 192.168.2.14/24 - - || fail "cannot write the record"
wait_until 60 sh -c "grep -q '^step dnsmasq [0-9]' $RUN/veth0.state" ||
	fail "the forwarder of a new record was not started: $(cat "$TMP/supervise.log")"
wait_until 60 answered || fail "the forwarder of the new record does not answer"
OUT=$(ip netns exec "$H" "$USBNET_HOST" down veth0 --run-dir "$RUN" 2>&1) || fail "down: $OUT"
kill "$SUP" 2>/dev/null
wait "$SUP" 2>/dev/null
grep -q "had stopped; started again" "$TMP/supervise.log" || fail "the restart was not logged"

# ---- the watcher supervises: usbnet-host watch restarts a recorded forwarder that died --------
T=watcher
# Its forwarders read resolv.conf: the upstream's, bound over /etc/resolv.conf in a mount
# namespace of the watcher's own (the machine's file is not touched).
echo "nameserver 10.77.0.2" >"$TMP/resolv.conf"
OUT=$(tool start "$RUN" veth0 192.168.2.14 10.77.0.2) || fail "start: $OUT"
read -r PID START <<<"$OUT"
tool record "$RUN" veth0 192.168.2.14/24 "$PID" "$START" || fail "cannot write the record"
ip netns exec "$H" unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && exec "$2" watch --config "" --run-dir "$3"' \
	sh "$TMP/resolv.conf" "$USBNET_HOST" "$RUN" 2>"$TMP/watch.log" &
WPID=$!
BG+=("$WPID")
wait_until 60 grep -q "watching for USB network peers" "$TMP/watch.log" ||
	fail "the watcher did not start: $(cat "$TMP/watch.log")"
kill -9 "$PID"
wait_until 60 restarted || fail "the watcher did not restart it: $(cat "$TMP/watch.log")"
wait_until 60 answered || fail "the forwarder the watcher restarted does not answer"
NPID=$(recorded_pid)
# the watcher blocks SIGTERM for its signalfd; the forwarder must not inherit that
grep -q "^SigBlk:[[:space:]]*0*$" "/proc/$NPID/status" ||
	fail "the forwarder inherited blocked signals: $(grep SigBlk "/proc/$NPID/status")"
OUT=$(ip netns exec "$H" "$USBNET_HOST" down veth0 --run-dir "$RUN" 2>&1) || fail "down: $OUT"
wait_until 60 gone || fail "down left the forwarder running"
sleep 1
[ -e "$RUN/veth0.dnsmasq.pid" ] && fail "the watcher started a forwarder after down"
kill "$WPID"
wait "$WPID" 2>/dev/null

if [ "$fails" -gt 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
echo "PASS"
