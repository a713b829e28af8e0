# Guest-side helpers for the testbed's scenarios: bounded waits, assertions that say what they
# expected and what they saw, NetworkManager and usbnet-host helpers. Source it first:
#
#   . "$TESTBED_VM_DIR/lib/testbed.sh"
#
# It also sources lib/gadget.sh (the peers). A scenario runs under `set -euo pipefail`: an
# assertion that fails prints FAIL and exits 1; an unexpected error prints where it happened.
# shellcheck shell=bash

set -euo pipefail
TESTBED_VM_DIR=${TESTBED_VM_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
TESTBED_RUN=/run/testbed
NM_LOG=$TESTBED_RUN/nm.log
USBNET_RUN_DIR=${USBNET_HOST_RUN_DIR:-/run/usbnet-host}
mkdir -p "$TESTBED_RUN"

# Time without forking (every fork costs under emulation): bash's EPOCHREALTIME, in µs.
_now() { # sets NOW (µs)
	NOW=${EPOCHREALTIME/./}
	NOW=$((10#$NOW))
}
_now
_t0=$NOW
# _nap SECONDS: sleep without forking: a read with a timeout on a FIFO nobody writes to (this
# shell holds it open for reading and writing, so the read never sees an end; opened once,
# shared with the subshells and jobs; its name is removed at once). A FIFO, not <(:): the
# guest has no /dev/fd.
_nap_fifo=$TESTBED_RUN/nap.$$.$RANDOM
mkfifo "$_nap_fifo"
exec {_NAP_FD}<>"$_nap_fifo"
rm -f "$_nap_fifo"
_nap() { read -r -t "$1" -u "$_NAP_FD" 2>/dev/null || :; }
_fmt() { printf -v "$1" '%d.%02d' $(($2 / 1000000)) $(($2 % 1000000 / 10000)); } # VAR µs
_us() {                                                                          # SECONDS → US (µs)
	local i=${1%.*} f=
	[[ "$1" == *.* ]] && f=${1#*.}
	f=${f}000000
	US=$((10#${i:-0} * 1000000 + 10#${f:0:6}))
}
_ts() { # sets TS: the time since the scenario started
	_now
	_fmt TS $((NOW - _t0))
}
log() { _ts && printf '[%6s] %s\n' "$TS" "$*"; }
step() { _ts && printf '\n[%6s] --- %s\n' "$TS" "$*"; }
ok() { _ts && printf '[%6s] ok: %s\n' "$TS" "$*"; }

fail() {
	_ts
	printf '[%6s] FAIL: %s\n' "$TS" "$*"
	# Context for whoever reads the log: what the host side looks like now.
	{
		echo "--- ip -br addr"
		ip -br addr 2>&1
		echo "--- ip route"
		ip route 2>&1
		if nm_running; then
			echo "--- nmcli device"
			nmcli device 2>&1
			echo "--- NetworkManager log (last 15 lines)"
			tail -n 15 "$NM_LOG" 2>&1
		fi
		if [ -d "$USBNET_RUN_DIR" ]; then
			echo "--- $USBNET_RUN_DIR"
			ls -la "$USBNET_RUN_DIR" 2>&1
		fi
		if [ -f "$(watch_log)" ]; then
			echo "--- the watcher's log (last 15 lines of $(watch_log))"
			tail -n 15 "$(watch_log)" 2>&1
		fi
	} | sed 's/^/    /'
	exit 1
}
# shellcheck disable=SC2154 # rc is set in the trap itself
trap 'rc=$?; _ts; printf "[%6s] ERROR: \"%s\" failed with status %s (%s line %s)\n" "$TS" "$BASH_COMMAND" "$rc" "${BASH_SOURCE[0]##*/}" "$LINENO"' ERR

# wait_until TIMEOUT CMD...: runs CMD every 0.1 s until it succeeds (0) or TIMEOUT seconds
# (decimals allowed) have passed (1). Never waits longer than TIMEOUT plus one CMD run.
# A scenario waits for states, never for durations: TIMEOUT is a safety net for a state that
# never comes, wide enough for a machine twice as slow and busy as the developers' (a wait
# that succeeds ends as soon as CMD does).
# A CMD that takes longer than 0.1 s (nmcli, python3, usbnet-host under emulation) is run
# again after a pause as long as its run (1 s at most): the poll takes at most half a vCPU
# from what it waits for (NetworkManager answering nmcli, the watcher, udev).
wait_until() {
	local deadline t0 nap
	_us "$1"
	_now
	deadline=$((NOW + US))
	shift
	while :; do
		t0=$NOW
		if "$@" >/dev/null 2>&1; then return 0; fi
		_now
		((NOW >= deadline)) && return 1
		nap=$((NOW - t0))
		((nap < 100000)) && nap=100000
		((nap > 1000000)) && nap=1000000
		((nap > deadline - NOW)) && nap=$((deadline - NOW))
		_fmt nap "$nap"
		_nap "$nap"
		_now
	done
}

# holds_for WINDOW CMD...: CMD keeps succeeding for WINDOW seconds (checked every 0.2 s).
# Returns 1 at the first time it does not.
holds_for() {
	local deadline
	_us "$1"
	_now
	deadline=$((NOW + US))
	shift
	while :; do
		"$@" >/dev/null 2>&1 || return 1
		_now
		((NOW >= deadline)) && return 0
		_nap 0.2
	done
}

# expect_within TIMEOUT WHAT CMD...: wait_until, or fail saying WHAT was expected and what CMD
# printed the last time.
expect_within() {
	local timeout=$1 what=$2
	shift 2
	local t0 took
	_now
	t0=$NOW
	if wait_until "$timeout" "$@"; then
		_now
		_fmt took $((NOW - t0))
		ok "$what (${took}s)"
		return 0
	fi
	fail "$what: not within ${timeout}s; last: $("$@" 2>&1 | tail -n 5 | tr '\n' ' ')"
}

# expect_steady WINDOW WHAT CMD...: CMD keeps succeeding over the whole WINDOW.
expect_steady() {
	local window=$1 what=$2
	shift 2
	if holds_for "$window" "$@"; then
		ok "$what (held for ${window}s)"
		return 0
	fi
	fail "$what: stopped holding within ${window}s; saw: $("$@" 2>&1 | tail -n 5 | tr '\n' ' ')"
}

assert_eq() { # WHAT EXPECTED ACTUAL
	if [ "$2" == "$3" ]; then
		ok "$1 = '$3'"
	else
		fail "$1: expected '$2', saw '$3'"
	fi
}

assert_match() { # WHAT REGEX ACTUAL
	if [[ "$3" =~ $2 ]]; then
		ok "$1 ~ /$2/"
	else
		fail "$1: expected to match /$2/, saw '$3'"
	fi
}

assert_no_match() { # WHAT REGEX ACTUAL
	if [[ "$3" =~ $2 ]]; then
		fail "$1: expected no /$2/, saw '$3'"
	else
		ok "$1: no /$2/"
	fi
}

assert_cmd() { # WHAT CMD...: CMD succeeds
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$what"
	else
		fail "$what: '$*' failed: $(echo "$out" | tail -n 5 | tr '\n' ' ')"
	fi
}

assert_not_cmd() { # WHAT CMD...: CMD fails
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		fail "$what: '$*' succeeded: $(echo "$out" | tail -n 5 | tr '\n' ' ')"
	else
		ok "$what"
	fi
}

# --- host-side addresses and links -----------------------------------------------------------
has_addr() { ip -4 -o addr show dev "$1" 2>/dev/null | grep -qw "inet $2"; }
has_no_addr() { ! ip -4 -o addr show dev "$1" 2>/dev/null | grep -qw "inet $2"; }
link_exists() { [ -e "/sys/class/net/$1" ]; }
link_gone() { [ ! -e "/sys/class/net/$1" ]; }
# pings ADDR [-I IF]: one echo request, answered within 5 s (a wide bound: a few ms here, under
# emulation; an answer that needs more is not coming).
pings() { ping -c 1 -W 5 "$@"; }

# udp_echo ADDR PORT: sends a line, succeeds when the same line comes back within 5 s.
udp_echo() {
	local want reply
	want="testbed-$$-$RANDOM"
	reply=$(echo "$want" | timeout 6 socat -T 5 - "UDP4:$1:$2" 2>/dev/null) || true
	[ "$reply" = "$want" ]
}

# --- NetworkManager ---------------------------------------------------------------------------
nm_running() { [ -f "$TESTBED_RUN/nm.pid" ] && kill -0 "$(cat "$TESTBED_RUN/nm.pid")" 2>/dev/null; }

# nm_start: NetworkManager in the foreground of a background job, its log in $NM_LOG.
# Idempotent; waits (bounded) until nmcli answers.
nm_start() {
	nm_running && return 0
	mkdir -p /var/lib/NetworkManager /run/NetworkManager
	# --debug: stay in the foreground and log to stderr (not syslog, which the guest has not).
	NetworkManager --debug --log-level=INFO >>"$NM_LOG" 2>&1 &
	echo $! >"$TESTBED_RUN/nm.pid"
	disown
	expect_within 120 "NetworkManager answers on D-Bus" nmcli -t general status
	expect_within 120 "NetworkManager finished starting up" nm_started
}
nm_started() { nmcli -t -f STARTUP general status 2>/dev/null | grep -q '^started$'; }

nm_stop() {
	nm_running || return 0
	local pid
	pid=$(cat "$TESTBED_RUN/nm.pid")
	kill "$pid"
	wait_until 60 sh -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
	rm -f "$TESTBED_RUN/nm.pid"
}

# nm_state IF: NetworkManager's state of IF, e.g. "10 (unmanaged)", "70 (connecting (getting
# IP configuration))", "100 (connected)"; empty when NetworkManager does not know IF.
nm_state() { nmcli -g GENERAL.STATE device show "$1" 2>/dev/null || true; }
nm_unmanaged() { [[ "$(nm_state "$1")" == "10 (unmanaged)" ]]; }
nm_managed() {
	local s
	s=$(nm_state "$1")
	[ -n "$s" ] && [[ "$s" != "10 (unmanaged)" ]]
}
nm_getting_ip() { [[ "$(nm_state "$1")" == *"getting IP configuration"* ]]; }
# NetworkManager's DHCPv4 transactions started on IF so far (its log).
nm_dhcp_count() { grep -cE "dhcp4 \($1\).*beginning transaction" "$NM_LOG" 2>/dev/null || true; }
nm_dhcp_began() { [ "$(nm_dhcp_count "$1")" -gt 0 ]; }
nm_dhcp_count_is() { [ "$(nm_dhcp_count "$1")" -eq "$2" ]; }

# --- the journal ------------------------------------------------------------------------------
# The guest has no systemd as PID 1: journald_start runs systemd-journald by hand. Given no
# sockets, it makes its own in /run/systemd/journal (socket: the native protocol of sd_journal;
# stdout: the streams systemd connects a unit's stderr to, which systemd-cat connects a program
# to here). Volatile (/run/log/journal, a drop-in in /run/systemd/journald.conf.d): the guest's
# root is the machine's, under an overlay. Its own output goes to journald.log in $TESTBED_RUN;
# waits (bounded) until journalctl reads it. Idempotent; journald_stop (testbed_reset) ends it.
JOURNALD_PIDFILE=$TESTBED_RUN/journald.pid
journald_running() { [ -f "$JOURNALD_PIDFILE" ] && kill -0 "$(cat "$JOURNALD_PIDFILE")" 2>/dev/null; }
# Ready when its stream socket takes a connection (bound is not yet listening: systemd-cat
# then says "Connection refused") and journalctl reads the journal.
_journald_ready() {
	[ -S /run/systemd/journal/socket ] && systemd-cat -t testbed true 2>/dev/null &&
		journalctl --no-pager -q -n 1 >/dev/null 2>&1
}
journald_start() {
	local bin
	journald_running && return 0
	for bin in /lib/systemd/systemd-journald /usr/lib/systemd/systemd-journald ""; do
		[ -x "$bin" ] && break
	done
	[ -n "$bin" ] || fail "no systemd-journald in the guest (the systemd package)"
	# journald exits at start without a cgroup file system ("Failed to acquire cgroup root
	# path: No medium found"); the guest mounts none: cgroup2 for as long as journald runs.
	if ! mountpoint -q /sys/fs/cgroup; then
		mount -t cgroup2 cgroup2 /sys/fs/cgroup && touch "$TESTBED_RUN/journald-cgroup"
	fi
	mkdir -p /run/systemd/journal /run/systemd/journald.conf.d
	printf '[Journal]\nStorage=volatile\n' >/run/systemd/journald.conf.d/testbed.conf
	"$bin" >>"$TESTBED_RUN/journald.log" 2>&1 &
	echo $! >"$JOURNALD_PIDFILE"
	disown
	expect_within 60 "systemd-journald ($bin, pid $(cat "$JOURNALD_PIDFILE")) takes entries" _journald_ready
}
journald_stop() {
	local pid
	if journald_running; then
		pid=$(cat "$JOURNALD_PIDFILE")
		kill "$pid"
		wait_until 60 sh -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$JOURNALD_PIDFILE"
	if [ -f "$TESTBED_RUN/journald-cgroup" ]; then
		umount /sys/fs/cgroup 2>/dev/null
		rm -f "$TESTBED_RUN/journald-cgroup"
	fi
	return 0
}

# --- usbnet-host ------------------------------------------------------------------------------
have_usbnet_host() { command -v usbnet-host >/dev/null; }
need_usbnet_host() {
	have_usbnet_host ||
		fail "usbnet-host is not installed in the guest (was the testbed given --build-dir with a built tree?)"
}

# uh ARGS...: runs usbnet-host, shows the command, its output and status; sets UH_RC, UH_OUT.
uh() {
	log "\$ usbnet-host $*"
	UH_RC=0
	UH_OUT=$(usbnet-host "$@" 2>&1) || UH_RC=$?
	if [ -n "$UH_OUT" ]; then echo "$UH_OUT" | sed 's/^/    /'; fi
	log "  (exit status $UH_RC)"
}
# uh_ok ARGS...: usbnet-host ARGS must exit 0.
uh_ok() {
	uh "$@"
	[ "$UH_RC" = 0 ] || fail "usbnet-host $*: exit status $UH_RC, expected 0"
}

# peer_field IF FIELD: FIELD of IF's object in `usbnet-host list --json` (JSON null → "null",
# true/false → "true"/"false"); status 3 when IF is not listed.
peer_field() {
	usbnet-host list --json | python3 -c '
import json, sys
peers = json.load(sys.stdin)
for p in peers:
    if p.get("ifname") == sys.argv[1]:
        v = p.get(sys.argv[2], "<absent>")
        print("null" if v is None else str(v).lower() if isinstance(v, bool) else v)
        sys.exit(0)
sys.exit(3)' "$1" "$2"
}

# state_files IF: the files in the run directory named after IF: its state record, its lock
# file, a forwarder's pid file... After a down or an unplug nothing of IF may be left, lock
# files included (issue 14: a Fobnail's new enx... name on every plug left one more lock).
state_files() { find "$USBNET_RUN_DIR" -name "$1.*" 2>/dev/null; }
no_state_for() { [ -z "$(state_files "$1")" ]; }

# --- the hotplug watcher ----------------------------------------------------------------------
# The guest has no systemd: watch_start runs `usbnet-host watch ARGS...` in the background as
# the unit runs it, its stderr (one line per action) appended to watch-SCENARIO.log in the
# results directory (its stdout too: a job left holding the scenario's stdout would keep the
# guest's tee of the scenario log open); waits (bounded) for its "watching" line.
# testbed_reset stops it (SIGTERM).
WATCH_PIDFILE=$TESTBED_RUN/watch.pid
watch_log() { echo "${TESTBED_OUT:-$TESTBED_RUN}/watch-$(basename "$0" .sh).log"; }
watch_pid() { cat "$WATCH_PIDFILE" 2>/dev/null; }
watch_running() { [ -f "$WATCH_PIDFILE" ] && kill -0 "$(watch_pid)" 2>/dev/null; }
_watch_starts() {
	local n
	n=$(grep -c 'watching for USB network peers' "$1" 2>/dev/null) || true
	echo "${n:-0}"
}
_watch_started() { [ "$(_watch_starts "$1")" -gt "$2" ]; }
watch_start() {
	local log n
	log=$(watch_log)
	n=$(_watch_starts "$log")
	echo "--- $(date +%T.%N) usbnet-host watch $*" >>"$log"
	usbnet-host watch "$@" >>"$log" 2>&1 &
	echo $! >"$WATCH_PIDFILE"
	disown
	expect_within 60 "the watcher (pid $(watch_pid)) is watching" _watch_started "$log" "$n"
}
# watch_stop [SIGNAL]: SIGTERM (default) or e.g. KILL; waits (bounded) until it is gone.
# shellcheck disable=SC2120 # the scenarios pass a signal, testbed_reset does not
watch_stop() {
	local pid sig=${1:-TERM}
	[ -f "$WATCH_PIDFILE" ] || return 0
	pid=$(watch_pid)
	kill -"$sig" "$pid" 2>/dev/null || true
	wait_until 60 sh -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null || true
	rm -f "$WATCH_PIDFILE"
}
# watch_rss_kb: the watcher's resident memory (VmRSS, kB).
watch_rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$(watch_pid)/status"; }
# watch_logged REGEX: the watcher's log (this scenario's) has a line matching REGEX (grep -E).
watch_logged() { grep -qE "$1" "$(watch_log)"; }

# record_state IF: the "state" line of IF's state record ("configured", "conflict", ...).
record_state() { sed -n 's/^state //p' "$USBNET_RUN_DIR/$1.state" 2>/dev/null; }
record_state_is() { [ "$(record_state "$1")" = "$2" ]; }
# ipv4_count IF: how many IPv4 addresses IF has.
ipv4_count() { ip -4 -o addr show dev "$1" 2>/dev/null | grep -c ' inet ' || true; }
# hosts_with ADDR: how many interfaces of the host have the address ADDR (no prefix).
hosts_with() { ip -4 -o addr show 2>/dev/null | grep -c " inet ${1//./\\.}/" || true; }

# NetworkManager's log from a mark on (the log spans the whole boot, interface names recur).
nm_log_mark() { NM_LOG_MARK=$(wc -l <"$NM_LOG" 2>/dev/null || echo 0); }
nm_log_since_mark() { tail -n +"$((${NM_LOG_MARK:-0} + 1))" "$NM_LOG" 2>/dev/null; }
# nm_dhcp4_lines IF: NetworkManager's "dhcp4 (IF)" lines since the mark.
nm_dhcp4_lines() { nm_log_since_mark | grep -cF "dhcp4 ($1)" || true; }

# --- the system's configuration file ----------------------------------------------------------
# Scenarios that write /etc/usbnet-host/usbnet-host.conf save it first (system_conf_save NN: into
# $TESTBED_RUN/NN-saved, which the scenario may use for more) and give it back, or remove the
# one they made, from their exit trap (system_conf_restore).
SYSTEM_CONF=/etc/usbnet-host/usbnet-host.conf
system_conf_save() { # NN
	SYSTEM_CONF_SAVED=$TESTBED_RUN/$1-saved
	mkdir -p "$SYSTEM_CONF_SAVED" "${SYSTEM_CONF%/*}"
	_system_conf_existed=0
	if [ -e "$SYSTEM_CONF" ]; then
		_system_conf_existed=1
		cp -a "$SYSTEM_CONF" "$SYSTEM_CONF_SAVED/conf"
	fi
}
system_conf_restore() {
	if [ "${_system_conf_existed:-0}" = 1 ]; then
		cp -a "$SYSTEM_CONF_SAVED/conf" "$SYSTEM_CONF"
	else
		rm -f "$SYSTEM_CONF"
	fi
}

# --- what udev holds of a device, against udev-probe -----------------------------------------
# udev_usbnet_props IF: USBNET_HOST_* and NM_UNMANAGED as udev holds them, sorted.
udev_usbnet_props() {
	udevadm info -q property -p "/sys/class/net/$1" |
		grep -E '^(USBNET_HOST_(MODE|PROFILE|AUTO)|NM_UNMANAGED)=' | sort || true
}
# udev_probe_says IF: what `usbnet-host udev-probe` prints for the same environment (udev's
# other properties), sorted.
udev_probe_says() {
	local envv
	# (a here-string, not a process substitution: the guest has no /dev/fd)
	mapfile -t envv <<<"$(udevadm info -q property -p "/sys/class/net/$1" |
		grep -Ev '^(USBNET_HOST_(MODE|PROFILE|AUTO)|NM_UNMANAGED)=')"
	env -i "${envv[@]}" "$(command -v usbnet-host)" udev-probe | sort
}
# udev_tagged IF: udev holds the usbnet-host tag for it.
udev_tagged() {
	udevadm info -q all -p "/sys/class/net/$1" | grep -q '^G: usbnet-host$' ||
		udevadm info -q property -p "/sys/class/net/$1" | grep -q '^TAGS=.*:usbnet-host:'
}

# --- the installed udev rule ------------------------------------------------------------------
# The rule files usbnet-host installed (any udev rules directory).
usbnet_udev_rules() {
	# (find fails on a directory that does not exist: not this function's failure)
	{ find /etc/udev/rules.d /usr/local/lib/udev/rules.d /usr/lib/udev/rules.d /lib/udev/rules.d \
		-maxdepth 1 -name '*usbnet-host*' ! -lname /dev/null 2>/dev/null || true; } |
		awk -F/ '!seen[$NF]++' # /lib is /usr/lib: one file, one name
}

# mask_usbnet_udev_rule: udev's own masking (a /etc/udev/rules.d link of the same name to
# /dev/null), as an administrator would; undone by unmask_usbnet_udev_rule or testbed_reset.
mask_usbnet_udev_rule() {
	local r
	for r in $(usbnet_udev_rules); do
		case "$r" in
		/etc/udev/rules.d/*) mv "$r" "$TESTBED_RUN/$(basename "$r").moved" ;;
		*) ln -sf /dev/null "/etc/udev/rules.d/$(basename "$r")" ;;
		esac
		echo "$r" >>"$TESTBED_RUN/masked-rules"
		log "masked udev rule $r"
	done
	udevadm control --reload
}
unmask_usbnet_udev_rule() {
	local r
	[ -f "$TESTBED_RUN/masked-rules" ] || return 0
	while read -r r; do
		case "$r" in
		/etc/udev/rules.d/*) mv "$TESTBED_RUN/$(basename "$r").moved" "$r" ;;
		*) rm -f "/etc/udev/rules.d/$(basename "$r")" ;;
		esac
	done <"$TESTBED_RUN/masked-rules"
	rm -f "$TESTBED_RUN/masked-rules"
	udevadm control --reload
}

# The NetworkManager profiles usbnet-host installed (keyfiles), and their masking: moved
# aside while masked (NetworkManager has no mask for a read-only profile), then reloaded.
usbnet_nm_profiles() {
	find /usr/lib/NetworkManager/system-connections /etc/NetworkManager/system-connections \
		-maxdepth 1 -name '*usbnet-host*' 2>/dev/null
}
mask_usbnet_nm_profiles() {
	local p
	mkdir -p "$TESTBED_RUN/masked-profiles.d"
	for p in $(usbnet_nm_profiles); do
		mv "$p" "$TESTBED_RUN/masked-profiles.d/"
		echo "$p" >>"$TESTBED_RUN/masked-profiles"
		log "masked NetworkManager profile $p"
	done
	if nm_running; then nmcli connection reload; fi
}
unmask_usbnet_nm_profiles() {
	local p
	[ -f "$TESTBED_RUN/masked-profiles" ] || return 0
	while read -r p; do
		mv "$TESTBED_RUN/masked-profiles.d/$(basename "$p")" "$p"
	done <"$TESTBED_RUN/masked-profiles"
	rm -f "$TESTBED_RUN/masked-profiles"
	if nm_running; then nmcli connection reload; fi
}

# testbed_reset: back to the state the guest init left: no watcher, no journald, no peers, no
# test links, the udev rule and NetworkManager profiles in place, no usbnet-host state.
# NetworkManager keeps running if it was.
testbed_reset() {
	trap - ERR
	set +e
	watch_stop
	# the watcher's generated udev rules: a watcher killed (not stopped) leaves them
	if [ -e /run/udev/rules.d/85-usbnet-host.rules ]; then
		rm -f /run/udev/rules.d/85-usbnet-host.rules
		udevadm control --reload
	fi
	journald_stop
	have_usbnet_host && usbnet-host down --all >/dev/null 2>&1
	peer_remove_all
	local l
	for l in $(ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | cut -d@ -f1); do
		case "$l" in tb-*) ip link del "$l" 2>/dev/null ;; esac
	done
	unmask_usbnet_udev_rule
	unmask_usbnet_nm_profiles
	rm -rf "${USBNET_RUN_DIR:?}"/* 2>/dev/null
	return 0
}

# shellcheck source=gadget.sh
. "$TESTBED_VM_DIR/lib/gadget.sh"
