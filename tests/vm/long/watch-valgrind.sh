#!/bin/bash
# The hotplug watcher under valgrind (memcheck) through a replug loop: `usbnet-host watch` runs
# as `valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99`; the
# Fobnail token and the N900 are plugged, then replugged ROUNDS times each (every round but
# the last through the gadget's UDC, the last through the host's `authorized`), configured by
# the watcher every time; then the watcher gets SIGTERM and must exit 0: no memory error, no
# definite leak (valgrind's log: results directory, valgrind-watch.log).
#   tests/vm/testbed --build-dir BUILD --scenario-timeout 900 tests/vm/long/watch-valgrind.sh
#   ROUNDS=N in the guest's environment is not passed: edit the default below to change it.
# Outside the default suite: memcheck under QEMU's TCG is slow (see tests/vm/README.md for
# the measured time).
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host
ROUNDS=${ROUNDS:-3}
command -v valgrind >/dev/null || fail "valgrind is not installed on the machine (the guest runs on its root)"
log "valgrind $(valgrind --version) seen through the machine's root"

vlog=${TESTBED_OUT:-$TESTBED_RUN}/valgrind-watch.log
wlog=$(watch_log)
_now
t_start=$NOW
step "the watcher under valgrind"
echo "--- $(date +%T.%N) valgrind usbnet-host watch" >>"$wlog"
valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
	--log-file="$vlog" usbnet-host watch >>"$wlog" 2>&1 &
vpid=$!
echo "$vpid" >"$WATCH_PIDFILE" # testbed_reset stops it if this scenario fails
expect_within 120 "the watcher under valgrind is watching" grep -q 'watching for USB network peers' "$wlog"

configured() { # IF HOST_CIDR
	record_state_is "$1" configured && has_addr "$1" "$2" && [ "$(ipv4_count "$1")" = 1 ]
}
cleaned() { link_gone "$1" && no_state_for "$1"; }
declare -A hif=() host_addr=()
for kind in fobnail n900; do
	step "plug $kind"
	peer_spec "$kind"
	peer_plug "$kind"
	hif[$kind]=$PEER_IF host_addr[$kind]=$P_HOST_ADDR
	expect_within 60 "the watcher configured $PEER_IF ($kind)" configured "$PEER_IF" "$P_HOST_ADDR"
done
for ((round = 1; round <= ROUNDS; round++)); do
	for kind in fobnail n900; do
		old=${hif[$kind]}
		if ((round < ROUNDS)); then
			step "round $round/$ROUNDS: $kind: UDC"
			peer_unplug "$kind"
			expect_within 60 "$old gone and cleaned" cleaned "$old"
			peer_replug "$kind"
		else
			step "round $round/$ROUNDS: $kind: authorized 0/1"
			peer_reauthorize "$kind"
		fi
		hif[$kind]=$PEER_IF
		expect_within 60 "configured $PEER_IF ($kind) again" configured "$PEER_IF" "${host_addr[$kind]}"
	done
done

step "SIGTERM: valgrind's verdict"
kill -TERM "$vpid"
rc=0
wait "$vpid" || rc=$?
rm -f "$WATCH_PIDFILE"
_now
_fmt took $((NOW - t_start))
grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|All heap blocks' "$vlog" | sed 's/^/    /'
log "the watcher ran ${took}s under valgrind for $((2 * ROUNDS)) replugs"
assert_eq "valgrind's exit status (99: errors or definite leaks)" 0 "$rc"
assert_match "no memory errors" 'ERROR SUMMARY: 0 errors' "$(cat "$vlog")"
assert_no_match "no definite leak" 'definitely lost: [1-9]' "$(cat "$vlog")"
