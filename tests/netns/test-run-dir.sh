#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What usbnet-host trusts in its run directory and configuration file (issue 19).
#
#   refused:    a run directory writable by its group or others, or owned by another user
#               than root (and than the caller, when named explicitly): exit 2, named, nothing
#               written; a caller's own 0700 directory named explicitly is taken (as nobody)
#   pid-file:   the DNS forwarder (dnsmasq, running as nobody) leaves no file of nobody's in the
#               run directory: its pid file is root's, 0644
#   temporary:  "IF.state.PID.XXXXXX" of a writer that was killed is removed by the next up;
#               one of a live writer stays
#   config:     a FIFO at the configuration's path does not hang (exit 2 at once), a symbolic
#               link is not followed (exit 2, named), a file that is not a configuration file
#               is named and none of its text is printed
#
# Fails on main (909b5f7): the group-writable and foreign directories are used (exit 0), the pid
# file is nobody's, the killed writer's temporary file stays, the FIFO hangs (timeout), the
# symlink is read, the secret line is quoted.
#
# Env: USBNET_HOST (the built usbnet-host).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=helpers/lib.sh
. "$HERE/helpers/lib.sh"
core_init run-dir
for tool in dnsmasq setpriv timeout mkfifo; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps)"; exit 1; }
done

rd_refused() { # DESC DIR
	local desc=$1 dir=$2 before
	before=$(ls -A "$dir")
	OUT=$("$USBNET_HOST" list --config "" --run-dir "$dir" 2>&1)
	RC=$?
	expect_rc 2 "list, run dir $desc"
	check "list names $dir" said "$dir"
	OUT=$(ip netns exec "$H" "$USBNET_HOST" up veth0 --force --wait 0 --address 10.77.0.1/24 \
		--config "" --run-dir "$dir" 2>&1)
	RC=$?
	expect_rc 2 "up, run dir $desc"
	check "up names $dir" said "$dir"
	check "nothing was written in it" [ "$(ls -A "$dir")" = "$before" ]
	check "nothing was configured" not has_addr veth0 10.77.0.1 24
}

# ---------------------------------------------------------------------------------------------
new_case refused
make_host
mkdir -m 0775 "$W/group" "$W/others" "$W/foreign"
chmod 0775 "$W/group"
chmod 1777 "$W/others"
chmod 0755 "$W/foreign" && chown nobody "$W/foreign"
rd_refused "writable by its group" "$W/group"
rd_refused "writable by others (sticky)" "$W/others"
rd_refused "owned by nobody, named by root" "$W/foreign"
OUT=$("$USBNET_HOST" list --config "" --run-dir "$W/group" 2>&1)
check "the message says writable by its group" said "writable by its group"
OUT=$(USBNET_HOST_RUN_DIR="$W/others" "$USBNET_HOST" list --config "" 2>&1)
RC=$?
expect_rc 2 "USBNET_HOST_RUN_DIR writable by others"

# The caller's own directory, named: a test's. nobody runs a copy of the binary (and of the
# libraries it loads from the build tree) from a directory it can read.
ucopy=$W/nobody
mkdir -p "$ucopy/lib" "$ucopy/run"
cp "$USBNET_HOST" "$ucopy/usbnet-host"
ldd "$USBNET_HOST" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
	case "$lib" in /lib/* | /lib64/* | /usr/*) ;; *) cp "$lib" "$ucopy/lib/" ;; esac
done
chmod -R a+rX "$ucopy" && chmod 0755 "$W" "$TMP" "$ucopy"
chown nobody "$ucopy/run" && chmod 0700 "$ucopy/run"
OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups env LD_LIBRARY_PATH="$ucopy/lib" \
	"$ucopy/usbnet-host" list --config "" --run-dir "$ucopy/run" 2>&1)
RC=$?
expect_rc 0 "nobody's own 0700 run directory, named by nobody"
OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups env LD_LIBRARY_PATH="$ucopy/lib" \
	"$ucopy/usbnet-host" list --config "" --run-dir "$W/group" 2>&1)
RC=$?
expect_rc 2 "nobody, a root directory writable by its group"

# ---------------------------------------------------------------------------------------------
new_case pid-file
make_host
make_uplink
uh_resolv up veth0 --force --gateway --uplink up0 --dns --address 10.77.0.1/24 --wait 0
expect_rc 0 "up --gateway --dns"
pidf=$RUN/veth0.dnsmasq.pid
check "the forwarder runs as nobody" [ "$(ps -o user= -p "$(cat "$pidf" 2>/dev/null)" 2>/dev/null)" = nobody ]
DETAIL=$(ls -la "$RUN")
check "its pid file is root's, 0644" [ "$(stat -c '%u %a' "$pidf")" = "0 644" ]
check "nothing in the run directory is nobody's" [ -z "$(find "$RUN" -user nobody)" ]
check "no temporary file is left" [ -z "$(find "$RUN" -name '*.??????' ! -name '*.state' ! -name '*.lock' ! -name '*.record' ! -name '*.pid')" ]
uh down veth0
expect_rc 0 "down"
check "the forwarder is stopped" not dnsmasq_runs

# ---------------------------------------------------------------------------------------------
new_case temporary
make_host
mkdir -m 0755 "$RUN"
sleep 60 &
live=$!
sh -c 'exit 0' &
dead=$!
wait "$dead"
echo half >"$RUN/veth0.state.$dead.AbC123"
echo half >"$RUN/:gateway.record.$dead.XyZ789"
echo half >"$RUN/veth0.dnsmasq.pid.$dead.Pq0000"
echo half >"$RUN/veth9.state.$live.LiVe00"
uh up veth0 --force --wait 0 --address 10.77.0.1/24
expect_rc 0 "up"
check "the killed writer's record temporary is removed" [ ! -e "$RUN/veth0.state.$dead.AbC123" ]
check "the killed writer's gateway temporary is removed" [ ! -e "$RUN/:gateway.record.$dead.XyZ789" ]
check "the killed writer's pid file temporary is removed" [ ! -e "$RUN/veth0.dnsmasq.pid.$dead.Pq0000" ]
check "a live writer's temporary stays" [ -e "$RUN/veth9.state.$live.LiVe00" ]
kill "$live" 2>/dev/null
uh down veth0
expect_rc 0 "down"

# ---------------------------------------------------------------------------------------------
new_case config
mkdir -m 0755 "$RUN"
mkfifo "$W/fifo.conf"
OUT=$(timeout 20 "$USBNET_HOST" list --config "$W/fifo.conf" --run-dir "$RUN" 2>&1)
RC=$?
expect_rc 2 "a FIFO as the configuration (124: it hung)"
check "named as not a regular file" said "not a regular file"
printf '[peer a]\nusb=1234:4321\n' >"$W/real.conf"
ln -s "$W/real.conf" "$W/link.conf"
OUT=$("$USBNET_HOST" list --config "$W/link.conf" --run-dir "$RUN" 2>&1)
RC=$?
expect_rc 2 "a symbolic link as the configuration"
check "named as a symbolic link" said "symbolic link"
printf 'root:$y$j9T$TOPSECRETHASH:19000:0:99999:7:::\n' >"$W/shadow"
OUT=$("$USBNET_HOST" list --config "$W/shadow" --run-dir "$RUN" 2>&1)
RC=$?
expect_rc 2 "a file that is not a configuration file"
check "it is named" said "$W/shadow:1: not a usbnet-host configuration file"
check "none of its text is printed" not said "TOPSECRET"

core_finish
