#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# State records edited or truncated by hand, met by up, show and down on a real interface (a
# veth pair in throw-away network namespaces, configured for real first): each command
# refuses the record with exit status 2 and a message naming it (show reports the interface
# as failed, naming the record), the interface keeps exactly
# what it had (ip -j addr/route/link byte for byte), the record stays as the hand left it.
# Needs root.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
: "${USBNET_HOST:?the built usbnet-host}"

PFX="ubh-bad-$$"
TMP=$(mktemp -d /tmp/usbnet-badstate-XXXXXX)
NSS=()
fails=0
cleanup() {
	for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $T: $*"
	fails=$((fails + 1))
}

# One namespace pair per case: veth0 on the host side, configured by up for real.
setup_case() {
	H="$PFX-$1-h" P="$PFX-$1-p" RUN="$TMP/$1/run"
	NSS+=("$H" "$P")
	ip netns add "$H" && ip netns add "$P" || exit 1
	ip -n "$H" link add veth0 type veth peer name veth1 netns "$P" || exit 1
	ip -n "$P" link set veth1 up
	ip -n "$P" addr add 192.168.2.15/24 dev veth1
	mkdir -p "$TMP/$1"
	uh up veth0 --force --address 192.168.2.14/24 --peer 192.168.9.1 --wait 0
	[ "$RC" = 0 ] || { fail "the first up: exit $RC: $OUT" && return 1; }
	settle
}
# IPv6 duplicate address detection and the carrier settle after the link went up.
settle() {
	local i
	for i in $(seq 50); do
		! ip -n "$H" -j addr show veth0 | grep -q tentative &&
			ip -n "$H" -j link show veth0 | grep -q '"operstate":"UP"' && return 0
		sleep 0.1
	done
}
uh() { # usbnet-host in the host namespace; output in $OUT, status in $RC
	OUT=$(ip netns exec "$H" "$USBNET_HOST" "$@" --run-dir "$RUN" 2>&1)
	RC=$?
}
world() { ip -n "$H" -j addr; ip -n "$H" -j route show table all; ip -n "$H" -j link; }

# refused WHAT CMD...: exit 2, the record named, nothing changed (interface and record).
refused() {
	local what=$1 before record
	shift
	before=$(world)
	record=$(sha256sum <"$RUN/veth0.state")
	uh "$@"
	[ "$RC" = 2 ] || fail "$what: exit $RC, expected 2: $OUT"
	echo "$OUT" | grep -qF "$RUN/veth0.state" || fail "$what: the record is not named: $OUT"
	[ "$(world)" = "$before" ] || fail "$what: the interface changed"
	[ "$(sha256sum <"$RUN/veth0.state")" = "$record" ] || fail "$what: the record changed"
}

# edit NAME SED|truncate:N: damage the record as a hand would
n=0
for damage in 's/^step addr 192.168.2.14\/24$/step addr 192.168.2.99\/24\nstep addr 10.1.1.1\/8x/' \
	's/^ifindex .*/ifindex seven/' 's/^state configured$/state done/' '/^end$/d' \
	'truncate:150' 'truncate:0' 's/^step route .*/step route 0.0.0.0\/0/' 's/^mode .*/mode turbo/'; do
	n=$((n + 1))
	T="damage-$n ($damage)"
	setup_case "$n" || continue
	case "$damage" in
	truncate:*) truncate -s "${damage#truncate:}" "$RUN/veth0.state" ;;
	*) sed -i "$damage" "$RUN/veth0.state" ;;
	esac
	refused "down" down veth0
	refused "down --all" down --all
	refused "up" up veth0 --force --address 192.168.2.14/24 --peer 192.168.9.1 --wait 0
	# show reports it as failed, naming the record (a veth is no USB peer: without a record
	# show would refuse it)
	for json in "" --json; do
		before=$(world)
		uh show veth0 $json
		[ "$RC" = 0 ] || fail "show $json: exit $RC: $OUT"
		echo "$OUT" | grep -qF "$RUN/veth0.state is damaged" || fail "show $json: the record is not named: $OUT"
		echo "$OUT" | grep -qE 'state +failed|"state":"failed"' || fail "show $json: not failed: $OUT"
		[ "$(world)" = "$before" ] || fail "show $json: the interface changed"
	done
	# list: not a USB peer, so not listed; it must not fail on (or prune) the damaged record
	before=$(sha256sum <"$RUN/veth0.state")
	uh list
	[ "$RC" = 0 ] || fail "list: exit $RC: $OUT"
	[ "$(sha256sum <"$RUN/veth0.state" 2>/dev/null)" = "$before" ] || fail "list changed the record"
done

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
