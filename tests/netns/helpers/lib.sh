# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared setup of the tests/netns/test-core-*.sh scripts: throw-away namespaces, usbnet-host
# run in the host namespace with a run directory of the test's own, and whole-host snapshots
# compared byte for byte. Sourced, never run; the older tests keep their own copies.
#
#   core_init NAME        root or skip (77); TMP, the cleanup trap, the failure count
#   new_case NAME         a case: $T, its directory $W and run directory $RUN
#   make_host             namespace $H (the host) and $P (the peer); veth0 <-> veth1 10.77.0.2/24
#   make_uplink           namespace $U; up0 198.51.100.1/24 <-> u0 198.51.100.2, default route
#   plug IF PEERIF [ARGS] a veth IF in $H (ARGS: more words for `ip link add`, e.g. index N),
#                         its other end PEERIF in $P
#   uh ARGS...            usbnet-host ARGS in $H; output in $OUT, exit status in $RC
#   uh_resolv ARGS...     the same with /etc/resolv.conf naming 198.51.100.2 (for --dns)
#   snapshot NAME         the host, settled: ip -j addr, ip -j route show table all, ip -j link,
#                         nft list ruleset, ip_forward, this case's dnsmasq processes, and the run
#                         directory's files (names and contents; lock files aside)
#   same_as A B [PARTS]   PASS/FAIL per part (default: all) of two snapshots, with a diff
#   same_without IF A B   the same, IF's own entries left out of addr, route and link
#   same_dev IF A B       only IF's entries of addr, route and link
#   check DESC CMD...     PASS when CMD succeeds, else FAIL (and $DETAIL, when set);
#                         `check DESC not CMD...` for the opposite
#   expect_rc N DESC      PASS when the last uh exited N, else FAIL with its output
#   pass DESC / fail DESC one PASS or FAIL line; core_finish: the exit status
#   and small predicates for check: has_addr IF A N, is_up IF, link_exists IF, master_of IF,
#   has_table, has_guard, dnsmasq_runs, said TEXT, route_has SEL TEXT, json_field IF KEY
#   (of the JSON in $OUT), json_is IF KEY VALUE, json_has IF
#
# Env: USBNET_HOST (the built usbnet-host); USBNET_HOST_NM_MODULE passes through.

PARTS_ALL="addr route link nft fwd dns run"

core_init() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root (network namespaces)"
		exit 77
	fi
	: "${USBNET_HOST:?the built usbnet-host}"
	local tool
	for tool in ip nft python3 pgrep; do
		command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps)"; exit 1; }
	done
	# The system's python3 when there is one: a version manager's shim costs 0.3 s a start.
	PY=python3
	[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
	CORE_NAME=$1
	PFX="uc-$1-$$" # namespace names are file names, not interface names: no 15-byte limit
	TMP=$(mktemp -d "/tmp/usbnet-$1-XXXXXX")
	NSS=()
	fails=0
	checks=0
	T=setup
	trap core_cleanup EXIT
}

# The dnsmasq processes usbnet-host started for this test: their command line names its
# run directory (--pid-file=RUN/IF.dnsmasq.pid).
core_dnsmasq() { # $1: a directory; prints "pid cmdline" lines
	pgrep -a -x dnsmasq | grep -F -- "$1/" || true
}

core_cleanup() {
	local pid ns
	for pid in $(core_dnsmasq "$TMP" | cut -d' ' -f1); do
		kill "$pid" 2>/dev/null
	done
	for ns in "${NSS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}

pass() {
	checks=$((checks + 1))
	echo "PASS: $T: $*"
}

fail() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "FAIL: $T: $*"
}

check() { # DESC CMD... ($DETAIL, when set, is printed under a FAIL)
	local desc=$1
	shift
	if "$@"; then
		pass "$desc"
	else
		fail "$desc"
		[ -n "${DETAIL:-}" ] && printf '%s\n' "$DETAIL" | head -20 | sed 's/^/    /'
	fi
	return 0
}

not() { ! "$@"; } # for check: check "no table" not has_table

expect_rc() { # WANT DESC: the last uh's exit status
	if [ "$RC" = "$1" ]; then
		pass "$2: exit $RC"
	else
		fail "$2: exit $RC, not $1: $OUT"
	fi
}

core_finish() {
	if [ "$fails" -gt 0 ]; then
		echo "$CORE_NAME: $fails of $checks check(s) failed"
		exit 1
	fi
	echo "$CORE_NAME: all $checks checks passed"
	exit 0
}

new_case() {
	T=$1
	W="$TMP/$T"
	RUN="$W/run"
	mkdir -p "$W"
	H="$PFX-$T-h"
	P="$PFX-$T-p"
	U="$PFX-$T-u"
}

new_ns() { # $1: name
	NSS+=("$1")
	ip netns add "$1" || { echo "FAIL: $T: cannot add namespace $1"; exit 1; }
	ip -n "$1" link set lo up
	# No duplicate address detection: a "tentative" IPv6 address in one snapshot and not in
	# the next would be the kernel's timing, not usbnet-host's doing.
	ip netns exec "$1" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
}

# The host and the peer's namespace; veth0 the peer's link, its other end veth1 (10.77.0.2/24,
# default route via 10.77.0.1). Forwarding off in the host, said explicitly.
make_host() {
	new_ns "$H"
	new_ns "$P"
	ip netns exec "$H" sysctl -qw net.ipv4.ip_forward=0
	plug veth0 veth1
}

plug() { # IF PEERIF [more words for ip link add]
	local ifname=$1 peerif=$2
	shift 2
	ip -n "$H" link add "$ifname" "$@" type veth peer name "$peerif" netns "$P" ||
		{ echo "FAIL: $T: cannot add $ifname"; exit 1; }
	# The kernel gives a link its default qdisc on its first up and keeps it: its doing.
	ip -n "$H" link set "$ifname" up && ip -n "$H" link set "$ifname" down
	ip -n "$P" link set "$peerif" up
	case $ifname in
	veth0) ip -n "$P" addr add 10.77.0.2/24 dev "$peerif" && ip -n "$P" route add default via 10.77.0.1 ;;
	esac
}

unplug() { ip -n "$H" link del "$1"; }

# An upstream namespace behind the uplink up0, which carries the host's default route.
make_uplink() {
	new_ns "$U"
	ip -n "$H" link add up0 type veth peer name u0 netns "$U" || { echo "FAIL: $T: cannot add up0"; exit 1; }
	ip -n "$H" addr add 198.51.100.1/24 brd + dev up0
	ip -n "$H" link set up0 up
	ip -n "$U" addr add 198.51.100.2/24 brd + dev u0
	ip -n "$U" link set u0 up
	ip -n "$H" route add default via 198.51.100.2 dev up0
}

uh() { # usbnet-host in the host namespace; output in $OUT, status in $RC
	OUT=$(ip netns exec "$H" "$USBNET_HOST" "$@" --config "" --run-dir "$RUN" 2>&1)
	RC=$?
}

# The same, in a mount namespace of its own where /etc/resolv.conf names the upstream's
# 198.51.100.2 (a DNS forwarder reads the host's resolv.conf): the test does not depend on the
# machine's.
uh_resolv() {
	echo "nameserver 198.51.100.2" >"$W/resolv.conf"
	# shellcheck disable=SC2016 # expanded by the inner sh
	OUT=$(ip netns exec "$H" unshare -m sh -c \
		'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' sh "$W/resolv.conf" \
		"$USBNET_HOST" "$@" --config "" --run-dir "$RUN" 2>&1)
	RC=$?
}

link_field() { # IF KEY: a field of ip -j link show IF, "" when none (or no such link)
	ip -n "$H" -j link show "$1" 2>/dev/null |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin)[0].get(sys.argv[1], ""))' "$2" 2>/dev/null
}
ifindex_of() { link_field "$1" ifindex; }
mac_of() { link_field "$1" address; }
master_of() { link_field "$1" master; }
link_exists() { ip -n "$H" link show "$1" >/dev/null 2>&1; }
said() { printf '%s' "$OUT" | grep -qF -- "$1"; } # TEXT: the last uh's output has it
route_has() { ip -n "$H" route show "$1" 2>/dev/null | grep -qF -- "$2"; } # SELECTOR TEXT
forwarding() { ip netns exec "$H" cat /proc/sys/net/ipv4/ip_forward; }
has_addr() { # IF A.B.C.D N
	ip -n "$H" -j addr show dev "$1" 2>/dev/null | grep -q "\"local\":\"$2\",\"prefixlen\":$3"
}
is_up() { ip -n "$H" -j link show "$1" 2>/dev/null | grep -q '"flags":\[[^]]*"UP"'; }
has_table() { ip netns exec "$H" nft list table ip usbnet_host >/dev/null 2>&1; }
has_guard() { ip netns exec "$H" nft list table ip usbnet_host 2>/dev/null | grep -q 'chain guard'; }
dnsmasq_runs() { [ -n "$(core_dnsmasq "$RUN")" ]; }
run_files() { # the run directory's entries, on one line
	[ -d "$RUN" ] && find "$RUN" -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort | tr '\n' ' '
}

snap_once() { # $1: file prefix
	ip -n "$H" -j addr >"$1.addr"
	ip -n "$H" -j route show table all >"$1.route"
	ip -n "$H" -j link >"$1.link"
	ip netns exec "$H" nft list ruleset >"$1.nft"
	forwarding >"$1.fwd"
	core_dnsmasq "$RUN" >"$1.dns"
	if [ -d "$RUN" ]; then
		(cd "$RUN" && find . -type f ! -name '*.lock' | LC_ALL=C sort | while read -r f; do
			echo "== $f"
			cat "$f"
		done) >"$1.run"
	else
		: >"$1.run"
	fi
}

# Link state and IPv6 addresses follow an up asynchronously (carrier, link-local): a snapshot
# is taken once two in a row, 0.1 s apart, are the same.
snapshot() { # $1: name
	local _ p part same
	for _ in $(seq 50); do
		snap_once "$W/$1"
		sleep 0.1
		snap_once "$W/$1.again"
		same=1
		for part in $PARTS_ALL; do
			cmp -s "$W/$1.$part" "$W/$1.again.$part" || same=0
		done
		[ "$same" = 1 ] && break
	done
	for p in $PARTS_ALL; do rm -f "$W/$1.again.$p"; done
}

# Compare two files of parts; PASS or FAIL per part.
core_cmp() { # LABEL A-FILE B-FILE
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1"
		diff <(tr ',' '\n' <"$2") <(tr ',' '\n' <"$3") | head -30 | sed 's/^/    /'
	fi
}

same_as() { # A B [PARTS]
	local a=$1 b=$2 part parts
	shift 2
	parts=${*:-$PARTS_ALL}
	for part in $parts; do
		core_cmp "$(part_name "$part") after '$b' as after '$a'" "$W/$a.$part" "$W/$b.$part"
	done
}

part_name() {
	case $1 in
	addr) echo "ip -j addr" ;;
	route) echo "ip -j route show table all" ;;
	link) echo "ip -j link" ;;
	nft) echo "nft list ruleset" ;;
	fwd) echo "ip_forward" ;;
	dns) echo "dnsmasq processes" ;;
	run) echo "run directory" ;;
	esac
}

# ip -j output without (or with only) the entries of one interface, one object a line.
ip_filter() { # without|only IF FILE
	"$PY" - "$@" <<'PY'
import json, sys
mode, ifname, path = sys.argv[1:4]
with open(path) as f:
    data = json.load(f)
for o in data:
    mine = o.get("ifname") == ifname or o.get("dev") == ifname
    if mine == (mode == "only"):
        print(json.dumps(o))
PY
}

same_without() { # IF A B
	local ifname=$1 a=$2 b=$3 part
	for part in addr route link; do
		ip_filter without "$ifname" "$W/$a.$part" >"$W/$a.$part.without-$ifname"
		ip_filter without "$ifname" "$W/$b.$part" >"$W/$b.$part.without-$ifname"
		core_cmp "$(part_name "$part") (all but $ifname) after '$b' as after '$a'" \
			"$W/$a.$part.without-$ifname" "$W/$b.$part.without-$ifname"
	done
	same_as "$a" "$b" nft fwd dns run
}

same_dev() { # IF A B
	local ifname=$1 a=$2 b=$3 part
	for part in addr route link; do
		ip_filter only "$ifname" "$W/$a.$part" >"$W/$a.$part.only-$ifname"
		ip_filter only "$ifname" "$W/$b.$part" >"$W/$b.$part.only-$ifname"
		core_cmp "$(part_name "$part") of $ifname after '$b' as after '$a'" \
			"$W/$a.$part.only-$ifname" "$W/$b.$part.only-$ifname"
	done
}

json_is() { [ "$(json_field "$1" "$2")" = "$3" ]; } # IF KEY JSON-VALUE
json_has() { json_field "$1" ifname >/dev/null; }    # IF: an object of IF is in $OUT

# One object of list --json / show --json: prints KEY's value of the object whose ifname is IF
# (JSON-encoded), or nothing when there is no such object or the output is not JSON.
json_field() { # IF KEY (JSON in $OUT)
	printf '%s' "$OUT" | "$PY" -c '
import json, sys
try:
    data = json.load(sys.stdin)
except ValueError:
    sys.exit(1)
if isinstance(data, dict):
    data = [data]
for o in data:
    if isinstance(o, dict) and o.get("ifname") == sys.argv[1]:
        print(json.dumps(o.get(sys.argv[2])))
        sys.exit(0)
sys.exit(1)
' "$1" "$2"
}
