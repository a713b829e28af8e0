#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The NetworkManager module is a package of its own (libusbnet-host0-nm, recommended): without
# it, usbnet-host works and says so only where it matters (issue 15).
#
#   USBNET_HOST_NM_MODULE names a file that does not exist (the package not installed). Each
#   case runs usbnet-host in a PID namespace of its own (unshare --pid --mount-proc), so that a
#   process there is all it can see:
#   - no NetworkManager process: `up veth0 --force ...` configures the link, exit 0, and says
#     nothing of NetworkManager (a host without it needs no module);
#   - a process named NetworkManager (a copy of sleep(1), so named: what the library looks for):
#     the same up configures the link, exit 0, and warns "NetworkManager support not installed;
#     install libusbnet-host0-nm"; `down` undoes it;
#   - the module there but not loadable (a file that is no ELF object) with NetworkManager
#     "running": the warning names the load failure, not a missing package.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
core_init nm-absent
command -v unshare >/dev/null || { echo "FAIL: unshare is missing (util-linux)"; exit 1; }

FAKE_NM=$TMP/bin/NetworkManager
mkdir -p "$TMP/bin"
cp "$(command -v sleep)" "$FAKE_NM"

# uh_pidns MODULE WITH_NM ARGS...: usbnet-host ARGS in $H and a PID namespace of its own, with
# USBNET_HOST_NM_MODULE=MODULE, beside a process named NetworkManager when WITH_NM is 1.
uh_pidns() {
	local module=$1 with_nm=$2
	shift 2
	# shellcheck disable=SC2016 # expanded by the inner bash
	OUT=$(ip netns exec "$H" unshare --pid --fork --mount-proc env USBNET_HOST_NM_MODULE="$module" \
		bash -c 'fake=$1 with_nm=$2; shift 2
		if [ "$with_nm" = 1 ]; then
			"$fake" 600 & nm=$!
			for _ in $(seq 100); do
				[ "$(cat /proc/$nm/comm 2>/dev/null)" = NetworkManager ] && break
				sleep 0.05
			done
		fi
		"$@"; rc=$?
		[ "$with_nm" = 1 ] && kill "$nm"
		exit $rc' bash "$FAKE_NM" "$with_nm" "$USBNET_HOST" "$@" --config "" --run-dir "$RUN" 2>&1)
	RC=$?
}

new_case no-daemon
make_host
uh_pidns "$TMP/absent/networkmanager.so" 0 up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2
expect_rc 0 "up without the module, NetworkManager not running"
check "veth0 has 10.77.0.1/24" has_addr veth0 10.77.0.1 24
DETAIL=$OUT check "up says nothing of NetworkManager" not said "NetworkManager"
uh_pidns "$TMP/absent/networkmanager.so" 0 down veth0
expect_rc 0 "down without the module"
check "veth0 no longer has 10.77.0.1/24" not has_addr veth0 10.77.0.1 24

new_case daemon
make_host
uh_pidns "$TMP/absent/networkmanager.so" 1 up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2
expect_rc 0 "up without the module, NetworkManager running"
check "veth0 has 10.77.0.1/24" has_addr veth0 10.77.0.1 24
DETAIL=$OUT check "up warns: NetworkManager support not installed; install libusbnet-host0-nm" \
	said "warning: NetworkManager support not installed; install libusbnet-host0-nm"
uh_pidns "$TMP/absent/networkmanager.so" 1 down veth0
expect_rc 0 "down without the module, NetworkManager running"
check "veth0 no longer has 10.77.0.1/24" not has_addr veth0 10.77.0.1 24

new_case broken-module
make_host
echo "not a shared object" >"$W/networkmanager.so"
uh_pidns "$W/networkmanager.so" 1 up veth0 --force --address 10.77.0.1/24 --peer 10.77.0.2
expect_rc 0 "up with a module that does not load, NetworkManager running"
DETAIL=$OUT check "up says the module cannot be loaded" said "warning: cannot load NetworkManager support: $W/networkmanager.so"
DETAIL=$OUT check "and does not call it a missing package" not said "not installed"
uh_pidns "$W/networkmanager.so" 1 down veth0

core_finish
