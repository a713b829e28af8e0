#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# check-config (issue 15): a file that parses but cannot work is said, one line per problem
# "FILE:LINE: [group] key: problem", exit 2; a good file exits 0; an uplink this host does not
# have is a warning (said, exit 0 when it is the only problem); a missing, unreadable, FIFO,
# directory or foreign file is said with exit 2 and never blocks. The watcher logs the same
# problems as warnings on start and on reload, and goes on. Reads the host's addresses (ip -4
# addr), changes nothing.
#
# Fails on main (45a1939): there is no check-config command.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
: "${USBNET_HOST:?the built usbnet-host}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../netns/helpers/wait.sh
. "$HERE/../netns/helpers/wait.sh"
TMP=$(mktemp -d /tmp/usbnet-check-config-XXXXXX)
W=
cleanup() {
	[ -n "$W" ] && kill "$W" 2>/dev/null && wait "$W" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "PASS: $*"; }
nx=ucnx$$ # an interface name nobody has
nx=${nx:0:15}

# check WANT_STATUS FILE: runs check-config FILE into $TMP/out, $TMP/err; 1 on a wrong status.
check() {
	local want=$1 got
	shift
	timeout 30 "$USBNET_HOST" check-config "$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" != "$want" ]; then
		fail "check-config $*: exit $got, expected $want: $(cat "$TMP/out" "$TMP/err")"
		return 1
	fi
	return 0
}
said() { grep -qF -- "$1" "$TMP/out"; }
lines() { wc -l <"$TMP/out"; }

# bad_case DESCRIPTION EXPECTED_LINE: $TMP/c.conf is refused with exactly that one line.
bad_case() {
	check 2 "$TMP/c.conf" || return
	if said "$2" && [ "$(lines)" = 1 ]; then
		pass "$1"
	else
		fail "$1: expected only '$2', got: $(cat "$TMP/out")"
	fi
}

C=$TMP/c.conf
printf '[peer a]\nusb=1d6b:0104\n# static needs an address\nmode=static\n' >"$C"
bad_case "mode=static with no address=" "$C:4: [peer a] mode: static with no address="
printf '[peer a]\nusb=1d6b:0104\nmode=gateway\n' >"$C"
bad_case "mode=gateway with no address=" "$C:3: [peer a] mode: gateway with no address="
printf '[peer a]\nusb=1d6b:0104\nmode=dhcp\naddress=10.77.0.1/24\n' >"$C"
bad_case "mode=dhcp with address=" "$C:4: [peer a] address: does nothing with mode=dhcp"
printf '[peer a]\nusb=1d6b:0104\nuplink=lo\nmode=dhcp\n' >"$C"
bad_case "mode=dhcp with uplink=" "$C:3: [peer a] uplink: does nothing with mode=dhcp"
printf '[peer a]\nusb=1d6b:0104\n\n[peer b]\nusb=1d6b:0104\nserial=0123\n' >"$C"
bad_case "a group the one before always wins over" \
	"$C:4: [peer b]: never applies: every device it matches is matched first by [peer a] (line 1), which wins"
printf '[peer a]\nmac=AA:bb:cc:dd:ee:01\n[peer b]\nmac=aa:bb:cc:dd:ee:01\n' >"$C"
bad_case "the same mac= in two groups" "$C:3: [peer b]: never applies"
printf '[peer a]\nserial=X1\n[peer b]\nserial=X1\nusb=1d6b:0104\n' >"$C"
bad_case "the same serial= in two groups" "$C:3: [peer b]: never applies"
printf '[peer a]\nserial=X1\naddress=10.77.0.1/24\n[peer b]\nserial=X2\naddress=10.77.0.9/16\n' >"$C"
bad_case "addresses of two groups overlap" \
	"$C:6: [peer b] address: 10.77.0.9/16 overlaps 10.77.0.1/24 of [peer a] (line 3)"

# The host's own networks, as ip reads them (the first IPv4 address of this host).
read -r hif haddr < <(ip -4 -o addr show | awk '{ print $2, $4; exit }')
if [ -z "${haddr:-}" ]; then
	fail "this host has no IPv4 address to test an overlap with"
else
	printf '[peer a]\nserial=X1\naddress=%s/32\n' "${haddr%/*}" >"$C"
	bad_case "an address in one of the host's networks" \
		"$C:3: [peer a] address: ${haddr%/*}/32 overlaps $haddr on $hif, a network of this host"
	# Exactly the address on a link (the group's own, once up gave it): not another network.
	printf '[peer a]\nserial=X1\naddress=%s\n' "$haddr" >"$C"
	check 0 "$C" && [ "$(lines)" = 0 ] && pass "the group's own address, present, is fine" ||
		fail "the group's own address is said: $(cat "$TMP/out")"
fi

# An uplink this host does not have: a warning, exit 0; with an error beside it, exit 2.
printf '[peer a]\nserial=X1\nmode=gateway\naddress=10.77.0.1/24\nuplink=%s\n' "$nx" >"$C"
if check 0 "$C"; then
	said "$C:5: [peer a] uplink: warning: no interface $nx on this host now" && [ "$(lines)" = 1 ] &&
		pass "a missing uplink is a warning, exit 0" || fail "no uplink warning: $(cat "$TMP/out")"
fi
check 0 "$C" -q && [ "$(lines)" = 0 ] && pass "-q leaves warnings out" ||
	fail "-q printed: $(cat "$TMP/out")"
printf '[peer a]\nserial=X1\nmode=gateway\nuplink=%s\n' "$nx" >"$C"
check 2 "$C" && said "[peer a] uplink: warning" && said "[peer a] mode: gateway with no" &&
	pass "a warning beside an error: both said, exit 2" ||
	fail "warning and error: $(cat "$TMP/out")"

# A good file: every mode, an uplink that exists, groups that differ.
cat >"$TMP/good.conf" <<EOT
[general]
auto=profiles
[peer a]
usb=1d6b:0104
serial=A
mode=gateway
address=10.77.0.1/24
uplink=lo
[peer b]
usb=1d6b:0104
serial=B
mode=static
address=10.78.0.1/24
[peer c]
mac=aa:bb:cc:dd:ee:ff
mode=dhcp
[peer d]
usb=1d6b:0104
mode=auto
EOT
check 0 "$TMP/good.conf" && [ "$(lines)" = 0 ] && pass "a good file: exit 0, nothing said" ||
	fail "a good file: $(cat "$TMP/out")"
# The file the other commands read: --config, then USBNET_HOST_CONFIG.
check 0 --config "$TMP/good.conf" && pass "--config names the file"
USBNET_HOST_CONFIG=$C check 2 && said "$C:4:" && pass "USBNET_HOST_CONFIG names the file" ||
	fail "USBNET_HOST_CONFIG: $(cat "$TMP/out")"
USBNET_HOST_CONFIG=$C check 0 "$TMP/good.conf" && pass "FILE wins over USBNET_HOST_CONFIG"

# Syntax still comes first.
printf '[peer a]\nusb=zz\nmode=static\n' >"$C"
bad_case "a syntax error" "$C:2: [peer a] usb: \"zz\" is not VID:PID"

# Files that are no configuration at all.
check 2 "$TMP/none.conf" && said "$TMP/none.conf: no such file" && pass "a missing file" ||
	fail "a missing file: $(cat "$TMP/out")"
mkfifo "$TMP/fifo"
check 2 "$TMP/fifo" && said "$TMP/fifo: not a regular file" && pass "a FIFO: said, not blocked on" ||
	fail "a FIFO: $(cat "$TMP/out")"
check 2 "$TMP" && said "$TMP: not a regular file" && pass "a directory" ||
	fail "a directory: $(cat "$TMP/out")"
printf 'root:hunter2:0:0\n' >"$TMP/other"
check 2 "$TMP/other" && said "$TMP/other:1: not a usbnet-host configuration file" &&
	! grep -q hunter2 "$TMP/out" && pass "a file that is not a configuration file, not quoted" ||
	fail "a foreign file: $(cat "$TMP/out")"
printf 'password=hunter2\n' >"$TMP/other"
check 2 "$TMP/other" && said "$TMP/other:1: key=value before the first [group]" &&
	! grep -q hunter2 "$TMP/out" && pass "key=value with no group, not quoted" ||
	fail "key=value with no group: $(cat "$TMP/out")"
cp "$TMP/good.conf" "$TMP/locked.conf"
chmod 000 "$TMP/locked.conf"
if [ "$(id -u)" = 0 ]; then
	# nobody may not reach the build tree: a copy it can (tests/cli/helpers/user-copy.sh)
	. "$(dirname "$0")/helpers/user-copy.sh"
	chmod 755 "$TMP"
	user_copy "$TMP/ucopy" || fail "cannot copy the binary for nobody"
	env "${USER_ENV[@]}" setpriv --reuid=65534 --regid=65534 --clear-groups -- "$USER_BIN" \
		check-config "$TMP/locked.conf" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	chmod 700 "$TMP"
else
	"$USBNET_HOST" check-config "$TMP/locked.conf" >"$TMP/out" 2>"$TMP/err"
	rc=$?
fi
[ "$rc" = 2 ] && said "$TMP/locked.conf: Permission denied" && pass "an unreadable file" ||
	fail "an unreadable file: exit $rc: $(cat "$TMP/out" "$TMP/err")"
check 2 "$TMP/good.conf" "$TMP/good.conf" && grep -qF "one FILE at most" "$TMP/err" &&
	pass "two files: a usage error" || fail "two files: $(cat "$TMP/err")"

# udev-probe says the same problems on stderr and prints the same properties.
unknown_env=(SUBSYSTEM=net INTERFACE=enx1a2b3c4d5e6f IFINDEX=11 ID_BUS=usb ID_USB_DRIVER=cdc_ncm
	ID_NET_DRIVER=cdc_ncm ID_VENDOR_ID=1d6b ID_MODEL_ID=0104 ID_MODEL_ENC=Board
	ID_USB_INTERFACES=:020d00:0a0001:
	DEVPATH=/devices/platform/dummy_hcd.2/usb3/3-1/3-1:1.0/net/enx1a2b3c4d5e6f)
printf '[peer a]\nusb=1d6b:0104\nmode=gateway\n' >"$C"
env -i "${unknown_env[@]}" USBNET_HOST_CONFIG="$C" "$USBNET_HOST" udev-probe >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" = 0 ] && grep -qF "USBNET_HOST_MODE=gateway" "$TMP/out" &&
	grep -qF "warning: configuration: $C:3: [peer a] mode: gateway with no address=" "$TMP/err" &&
	pass "udev-probe says the problem on stderr, prints the group's mode" ||
	fail "udev-probe: exit $rc: $(cat "$TMP/out" "$TMP/err")"

# The watcher says the same problems as warnings on start and on reload, and goes on.
mkdir -m 0700 "$TMP/run"
printf '[peer a]\nusb=1d6b:0104\nmode=static\n' >"$C"
"$USBNET_HOST" watch --config "$C" --run-dir "$TMP/run" >"$TMP/log" 2>&1 &
W=$!
logged() { grep -qF -- "$1" "$TMP/log"; }
wait_until 60 logged "watching for USB network peers" || fail "the watcher does not watch: $(cat "$TMP/log")"
logged "warning: configuration: $C:3: [peer a] mode: static with no address=" &&
	pass "the watcher warns on start" || fail "no warning on start: $(cat "$TMP/log")"
printf '[peer a]\nusb=1d6b:0104\nmode=dhcp\naddress=10.77.0.1/24\n' >"$C"
kill -HUP "$W"
wait_until 60 logged "configuration: $C:4: [peer a] address: does nothing with mode=dhcp" &&
	pass "the watcher warns on reload" || fail "no warning on reload: $(cat "$TMP/log")"
kill -0 "$W" 2>/dev/null && pass "the watcher still runs" || fail "the watcher exited: $(cat "$TMP/log")"

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
