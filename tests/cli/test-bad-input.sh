#!/usr/bin/env bash
# Bad input everywhere, as a user (or a hand, or a full disk) gives it: every option with a bad
# value, unknown options, missing arguments; configuration files broken in many ways; state
# records edited, truncated or replaced by hand; a run directory that is a file or not
# writable. Each time: a message that names what is wrong, exit status 2 (1 where the run
# directory is unusable: nothing was changed, and the message says so), nothing changed (the
# run directory byte for byte as before). No command here can reach a network change: the
# interfaces named do not exist, or validation refuses first.
set -u
bin=${USBNET_HOST:?USBNET_HOST must name the built usbnet-host}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.conf"
export USBNET_HOST_RUN_DIR=$tmp/run USBNET_HOST_CONFIG=$tmp/empty.conf
mkdir -p "$tmp/run"
fails=0
nx=ubhnx$$ # an interface name nobody has
nx=${nx:0:15}

failed() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
snapshot() { (cd "$1" 2>/dev/null && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) || true; }

# bad STATUS WORDS DESCRIPTION -- CMD...: CMD exits STATUS, says WORDS on stderr (a single
# line, printable), prints nothing on stdout, and leaves the run directory as it was.
bad() {
	local want=$1 words=$2 what=$3 before got
	shift 4
	before=$(snapshot "$USBNET_HOST_RUN_DIR")
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		failed "$what: exit $got, expected $want; stderr: $(cat "$tmp/err")"
		return
	fi
	grep -qF -- "$words" "$tmp/err" || failed "$what: '$words' not in: $(cat "$tmp/err")"
	[ ! -s "$tmp/out" ] || failed "$what: printed on stdout: $(cat "$tmp/out")"
	! LC_ALL=C grep -q '[^ -~]' "$tmp/err" || failed "$what: stderr is not printable ASCII"
	[ "$(snapshot "$USBNET_HOST_RUN_DIR")" = "$before" ] || failed "$what: the run directory changed"
}

# --- options --------------------------------------------------------------------------------
for sub in list show up down watch udev-probe udev-rules; do
	bad 2 "--frobnicate" "$sub: an unknown option" -- "$bin" "$sub" --frobnicate
done
bad 2 "unknown command" "an unknown command" -- "$bin" lsit
bad 2 "--config" "--config without its file" -- "$bin" list --config
bad 2 "--run-dir" "--run-dir without its directory" -- "$bin" list --run-dir
bad 2 "--config" "udev-probe --config without its file" -- "$bin" udev-probe --config
bad 2 "--output" "udev-rules --output without its file" -- "$bin" udev-rules --output
bad 2 "--address" "up --address without a value" -- "$bin" up "$nx" --address
bad 2 "--peer" "up --peer without a value" -- "$bin" up "$nx" --peer
bad 2 "--wait" "up --wait without a value" -- "$bin" up "$nx" --wait
for v in 10.0.0.1 10.0.0.1/33 10.0.0.1/-1 10.0.0.1/ /24 10.0.0/24 10.0.0.256/24 1e1.0.0.1/8 \
	'10.0.0.1/24 ' ' 10.0.0.1/24' 10.0.0.1/24/24 010.0.0.1/24 10.0.0.1/0x18 '' "$(printf 'a%.0s' $(seq 300))"; do
	bad 2 "is not an IPv4 address" "up --address '$v'" -- "$bin" up "$nx" --address "$v"
done
for v in 10.0.0 10.0.0.1/24 256.1.1.1 '' ' 10.0.0.2' x; do
	bad 2 "not an IPv4 address" "up --peer '$v'" -- "$bin" up "$nx" --address 10.0.0.1/24 --peer "$v"
done
for v in -1 soon 3s 1e3 99999999999999999999 '' 0x10; do
	bad 2 "--wait" "up --wait '$v'" -- "$bin" up "$nx" --wait "$v"
done
bad 2 "interface name" "up with a 16-byte interface name" -- "$bin" up 0123456789abcdef --address 10.0.0.1/24
bad 2 "interface name" "up ../etc" -- "$bin" up ../etc --address 10.0.0.1/24
bad 2 "interface name" "down ../../tmp/x" -- "$bin" down ../../tmp/x
bad 2 "interface name" "show a/b" -- "$bin" show a/b
bad 2 "interface name" "down ''" -- "$bin" down ''
bad 2 "--all" "up IF --all" -- "$bin" up "$nx" --all
bad 2 "--all" "down IF --all" -- "$bin" down "$nx" --all
bad 2 "argument" "list with an argument" -- "$bin" list "$nx"
bad 2 "argument" "watch with an argument" -- "$bin" watch "$nx"
bad 2 "takes one interface name" "show with two interfaces" -- "$bin" show "$nx" "$nx"
bad 2 "takes one interface name" "down with two interfaces" -- "$bin" down "$nx" "$nx"
bad 2 "interface" "show without one" -- "$bin" show
bad 2 "--uplink" "up --gateway with a 16-byte uplink" -- "$bin" up "$nx" --gateway --uplink 0123456789abcdef
for v in '' a/b .. 'a b' 'x:1'; do
	bad 2 "--uplink" "up --uplink '$v'" -- "$bin" up "$nx" --gateway --uplink "$v"
	bad 2 "--bridge-name" "up --bridge-name '$v'" -- "$bin" up "$nx" --bridge --bridge-name "$v"
done
bad 2 "one of them" "up --gateway --bridge" -- "$bin" up "$nx" --gateway --bridge
bad 2 "one of them" "up --auto --gateway" -- "$bin" up "$nx" --auto --gateway
bad 2 "interface name" "discover ../x" -- "$bin" discover ../x
bad 2 "--timeout" "discover --timeout soon" -- "$bin" discover "$nx" --timeout soon

# --- configuration files --------------------------------------------------------------------
conf() { # WORDS DESCRIPTION CONTENT (printf %b)
	printf '%b' "$3" >"$tmp/bad.conf"
	bad 2 "$1" "configuration: $2" -- "$bin" list --config "$tmp/bad.conf"
	bad 2 "$1" "configuration: $2 (down --all)" -- "$bin" down --all --config "$tmp/bad.conf"
}
conf "bad.conf:1" "binary garbage" '\x7fELF\x02\x01\x01\x00\x00\x00\n'
conf "bad.conf:2" "a NUL byte" '[general]\nauto=no\x00ne\n'
conf "bad.conf:2" "invalid UTF-8 in a value" '[peer a]\nproduct=\xff\xfe\nusb=1234:4321\n'
conf "bad.conf:1" "an empty group name" '[peer ]\nusb=1234:4321\n'
conf "bad.conf:1" "a [peer] group that matches nothing" '[peer a]\nmode=static\n'
conf "bad.conf:2" "prefix 33" '[peer a]\naddress=10.0.0.1/33\nusb=1234:4321\n'
conf "bad.conf:2" "a bad usb=" '[peer a]\nusb=zzzz:1\n'
conf "bad.conf:2" "a bad mac=" '[peer a]\nmac=02:00:00:00:00\n'
conf "bad.conf:3" "wait=-1" '[peer a]\nusb=1234:4321\nwait=-1\n'
conf "bad.conf:3" "trusted=maybe" '[peer a]\nusb=1234:4321\ntrusted=maybe\n'
conf "bad.conf:2" "auto=sometimes" '[general]\nauto=sometimes\n'
conf "bad.conf:1" "an unknown group" '[peers a]\nusb=1234:4321\n'
conf "bad.conf:3" "a key twice" '[peer a]\nusb=1234:4321\nusb=1234:4322\n'
conf "bad.conf:2" "a key outside any group" '# comment\nusb=1234:4321\n'
conf "bad.conf:1" "an unclosed group" '[peer a\nusb=1234:4321\n'
conf "bad.conf:2" "a line of 100 kB" "[general]\n$(head -c 100000 /dev/zero | tr '\0' x)\n"
bad 2 "not a regular file" "configuration: a directory" -- "$bin" list --config "$tmp"
bad 2 "absent.conf" "configuration: a missing file" -- "$bin" list --config "$tmp/absent.conf"

# --- state records edited, truncated or replaced by hand ------------------------------------
good="usbnet-host-state 1
ifname $nx
ifindex 7
usb_path 1-1
serial 0123
mode static
trusted no
state configured
host 192.168.2.14/24
peer 192.168.2.15
rtt_us 412
message 
step link-up
step addr 192.168.2.14/24
end"
record() { # DESCRIPTION CONTENT: down refuses the record, names it, leaves it
	rm -rf "${USBNET_HOST_RUN_DIR:?}"/*
	printf '%s' "$2" >"$USBNET_HOST_RUN_DIR/$nx.state"
	: >"$USBNET_HOST_RUN_DIR/$nx.lock"
	bad 2 "$USBNET_HOST_RUN_DIR/$nx.state is damaged" "record $1: down IF" -- "$bin" down "$nx"
	bad 2 "$USBNET_HOST_RUN_DIR/$nx.state is damaged" "record $1: down --all" -- "$bin" down --all
}
record "empty" ""
record "truncated in the middle of a line" "${good:0:100}"
record "truncated before end" "${good%end}"
record "without its last newline" "$good"
record "with a default route added" "$(printf '%s\n' "$good" | sed 's/^end$/step route 0.0.0.0\/0\nend/')
"
record "with an unknown step" "$(printf '%s\n' "$good" | sed 's/^step link-up$/step flush-all/')
"
record "with a step's address edited to a non-canonical form" "$(printf '%s\n' "$good" | sed 's/^step addr .*/step addr 192.168.002.014\/24/')
"
record "with keys out of order" "$(printf '%s\n' "$good" | sed '2{h;d};3{G}')
"
record "of another interface (moved by hand)" "$(printf '%s\n' "$good" | sed "s/^ifname .*/ifname other0/")
"
record "with an escaped path in the serial" "$(printf '%s\n' "$good" | sed 's/^serial .*/serial ..\/..\/x\n\/etc\/passwd/')
"
record "with CRLF line ends" "$(printf '%s\n' "$good" | sed 's/$/\r/')
"
record "of 100 kB" "$(printf '%s\n' "$good" | sed 's/^message $/message '"$(head -c 100000 /dev/zero | tr '\0' x)"'/')
"
rm -rf "${USBNET_HOST_RUN_DIR:?}"/*
printf '%s\n' "$good" >"$tmp/elsewhere.state"
ln -s "$tmp/elsewhere.state" "$USBNET_HOST_RUN_DIR/$nx.state"
: >"$USBNET_HOST_RUN_DIR/$nx.lock"
bad 2 "$nx.state" "a record that is a symbolic link: down IF" -- "$bin" down "$nx"
[ -f "$tmp/elsewhere.state" ] || failed "the symbolic link's target was removed"
rm -f "$USBNET_HOST_RUN_DIR/$nx.state"
mkdir "$USBNET_HOST_RUN_DIR/$nx.state"
bad 2 "$nx.state" "a record that is a directory: down IF" -- "$bin" down "$nx"
rm -rf "${USBNET_HOST_RUN_DIR:?}"/*

# --- the run directory: a file, under a file, not writable ---------------------------------
: >"$tmp/afile"
for rd in "$tmp/afile" "$tmp/afile/sub"; do
	bad 1 "must be a writable directory" "run dir $rd: down IF" -- "$bin" down "$nx" --run-dir "$rd"
	bad 1 "must be a writable directory" "run dir $rd: down --all" -- "$bin" down --all --run-dir "$rd"
done
[ "$(stat -c %s "$tmp/afile")" = 0 ] || failed "the run directory that is a file was written to"
if [ "$(id -u)" = 0 ]; then
	# root writes anywhere: a user who cannot write to it stands in for a read-only one. That
	# user may not be able to reach the build tree (a clone under a 0700 directory, as from
	# `mktemp -d`): it runs a copy of the binary and of the libraries it loads from the tree,
	# with an empty configuration, in a directory of mode 0755 under /tmp.
	command -v setpriv >/dev/null || failed "setpriv is missing (util-linux): cannot run as nobody"
	ucopy=$(mktemp -d /tmp/usbnet-bad-input-XXXXXX)
	trap 'rm -rf "$tmp" "$ucopy"' EXIT
	mkdir "$ucopy/lib" "$ucopy/ro"
	cp "$bin" "$ucopy/usbnet-host"
	ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
		case "$lib" in
		/lib/* | /lib64/* | /usr/*) ;; # the system's: readable by every user
		*) cp "$lib" "$ucopy/lib/" ;;
		esac
	done
	: >"$ucopy/empty.conf"
	uenv=(LD_LIBRARY_PATH="$ucopy/lib" USBNET_HOST_CONFIG="$ucopy/empty.conf")
	if [ -f "${USBNET_HOST_NM_MODULE:-}" ]; then
		cp "$USBNET_HOST_NM_MODULE" "$ucopy/lib/"
		uenv+=(USBNET_HOST_NM_MODULE="$ucopy/lib/$(basename "$USBNET_HOST_NM_MODULE")")
	fi
	chmod -R a+rX "$ucopy" && chmod 755 "$ucopy"
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env "${uenv[@]}" "$@"; }
	# The copy runs as that user, or what follows would test nothing.
	v=$(as_nobody "$ucopy/usbnet-host" --version 2>&1) ||
		failed "nobody cannot run the copy in $ucopy: $v"
	bad 1 "must be a writable directory" "run dir not writable: down IF" -- \
		as_nobody "$ucopy/usbnet-host" down "$nx" --run-dir "$ucopy/ro"
	[ -z "$(ls -A "$ucopy/ro")" ] || failed "the unwritable run directory got files: $(ls -A "$ucopy/ro")"
else
	ro=$(mktemp -d) && chmod 555 "$ro"
	bad 1 "must be a writable directory" "run dir not writable: down IF" -- "$bin" down "$nx" --run-dir "$ro"
	rmdir "$ro"
fi

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed" >&2
	exit 1
fi
echo "all checks passed"
