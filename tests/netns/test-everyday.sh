#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Everyday use (issue 15): up checks a peer address it is given; a probe says when there was no
# carrier; progress lines only on a terminal.
#
#   up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2 (no --wait): the peer answers,
#   exit 0, "answered in". With --peer 10.77.0.9 (nobody): exit 0, degraded, and the message
#   says the peer did not answer within 3 s (the documented default check).
#   veth1 (the peer's side) down: discover says "No carrier on veth0: is the device's interface
#   up?" (exit 1); up --auto keeps its link-local fallback, reports degraded ("no peer
#   answered; the host has 169.254.x.y/16"), exit 0, and says there was no carrier.
#   discover through a pseudo-terminal (script(1)) draws its progress line (carriage return,
#   "asking:"); not with -q, and never when stderr is not a terminal.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
core_init everyday

new_case check
make_host
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2
expect_rc 0 "up with an answering peer"
DETAIL=$OUT check "up checked the peer by default (answered in)" said "peer 10.77.0.2 answered in"
uh down veth0
uh up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.9
expect_rc 0 "up with a silent peer"
DETAIL=$OUT check "up with a silent peer says degraded" said "(degraded)"
DETAIL=$OUT check "and that the peer did not answer within 3 s" said "peer 10.77.0.9 did not answer within 3 s"
uh down veth0

new_case nocarrier
make_host
ip -n "$P" link set veth1 down
uh discover veth0 --force --timeout 1
expect_rc 1 "discover with the peer's side down"
DETAIL=$OUT check "discover says there was no carrier" said "No carrier on veth0: is the device's interface up?"
DETAIL=$OUT check "discover draws no progress when stderr is not a terminal" not said "asking:"
uh up veth0 --force --auto
expect_rc 0 "up --auto with the peer's side down"
DETAIL=$OUT check "up --auto that found nothing reports degraded with the link-local address" \
	grep -qE "no peer answered; the host has 169\.254\.[0-9]+\.[0-9]+/16 \(degraded\)" <<<"$OUT"
DETAIL=$OUT check "up --auto says there was no carrier" said "No carrier on veth0"
uh down veth0
expect_rc 0 "down veth0"

new_case progress
make_host
# script(1) gives the command a terminal; its output is the terminal's.
tty_run() {
	OUT=$(ip netns exec "$H" script -qec "$(printf '%q ' "$USBNET_HOST" "$@" --config "" --run-dir "$RUN")" /dev/null 2>&1)
	RC=$?
}
tty_run discover veth0 --force --timeout 1
DETAIL=$OUT check "discover on a terminal draws its progress line" said "asking: ARP"
DETAIL=$OUT check "the line is replaced in place (carriage return, erase)" grep -q $'\r\033\\[K' <<<"$OUT"
DETAIL=$OUT check "the progress says what answered" said "answered: "
tty_run discover veth0 --force --timeout 1 -q
DETAIL=$OUT check "discover -q draws no progress" not said "asking:"
core_finish
