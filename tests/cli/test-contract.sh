#!/usr/bin/env bash
# The command-line contract of DESIGN.md: exit statuses, udev-probe's output, configuration
# errors that name file, line and problem, list on a machine without USB peers.
set -u
bin=${USBNET_HOST:?USBNET_HOST must name the built usbnet-host}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.conf"
export USBNET_HOST_RUN_DIR=$tmp/run USBNET_HOST_CONFIG=$tmp/empty.conf
fails=0

# expect STATUS DESCRIPTION -- CMD...: runs CMD, checks its exit status; output in $out/$err.
expect() {
	local want=$1 what=$2
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, expected $want" >&2
		echo "  stdout: $out" >&2
		echo "  stderr: $err" >&2
		fails=$((fails + 1))
		return 1
	fi
}
contains() { # HAYSTACK NEEDLE DESCRIPTION
	case "$1" in
	*"$2"*) ;;
	*)
		echo "FAIL: $3: '$2' not in: $1" >&2
		fails=$((fails + 1))
		;;
	esac
}
lacks() {
	case "$1" in
	*"$2"*)
		echo "FAIL: $3: '$2' should not be in: $1" >&2
		fails=$((fails + 1))
		;;
	esac
}

# --- version, help, usage ---
expect 0 "--version" -- "$bin" --version && contains "$out" "usbnet-host 0." "--version"
expect 0 "--help" -- "$bin" --help && contains "$out" "udev-probe" "--help lists commands"
expect 0 "no command: status" -- "$bin" && contains "$out" "On the host:" "the command alone shows the status"
expect 2 "unknown command" -- "$bin" frobnicate && contains "$err" "unknown command 'frobnicate'" "unknown command"
expect 2 "unknown option" -- "$bin" list --frob
expect 2 "bad --address" -- "$bin" up usb0 --address 192.168.2.300/24 &&
	contains "$err" "'192.168.2.300/24' is not an IPv4 address" "bad --address named"
expect 2 "--address without prefix" -- "$bin" up usb0 --address 192.168.2.14
expect 2 "bad --peer" -- "$bin" up usb0 --peer 1.2.3
expect 2 "bad --wait" -- "$bin" up usb0 --wait soon
expect 2 "--all with an interface" -- "$bin" up usb0 --all
expect 2 "show without interface" -- "$bin" show
expect 2 "empty --uplink" -- "$bin" up usb0 --bridge --uplink "" &&
	contains "$err" "--uplink: '' is not an interface name" "empty --uplink named"
expect 2 "too long --bridge-name" -- "$bin" up usb0 --bridge --bridge-name abcdefghijklmnop &&
	contains "$err" "is not an interface name" "long --bridge-name named"
expect 0 "up --help" -- "$bin" up --help && contains "$out" "--bridge-name NAME" "up --help lists --bridge-name"

# --- no such peer: exit 3 ---
expect 3 "up on a missing interface" -- "$bin" up nosuch0 --address 10.9.9.1/24 &&
	contains "$err" "nosuch0" "missing interface named"
expect 3 "show a missing interface" -- "$bin" show nosuch0

# --- not a USB peer: exit 2, nothing changed ---
expect 2 "show lo" -- "$bin" show lo && contains "$err" "not a USB network peer" "lo refused"
# show says why: an upstream device (the recorded tethering phone, under umockdev-run) or a
# driver that is no USB network peer's
fix=$(dirname "$0")/../fixtures/umockdev
expect 2 "show a tethering phone" -- umockdev-run -d "$fix/android-tethering-18d1-4ee3.umockdev" \
	-d "$fix/pci-e1000e-8086-15bb.umockdev" -- "$bin" show enx3e220067e4e6 &&
	contains "$err" "is an upstream device (a tethering phone or a modem)" "show names the phone upstream"
expect 2 "show a PCI card" -- umockdev-run -d "$fix/android-tethering-18d1-4ee3.umockdev" \
	-d "$fix/pci-e1000e-8086-15bb.umockdev" -- "$bin" show eno1 &&
	contains "$err" "not a USB network peer (driver: e1000e)" "show names the PCI card's driver"
expect 2 "up lo without --force" -- "$bin" up lo --address 10.9.9.1/24 &&
	contains "$err" "--force" "the message names --force"
[ ! -e "$tmp/run/lo.state" ] || { echo "FAIL: up lo left a state record" >&2; fails=$((fails + 1)); }

# --- list on a machine without USB peers ---
if ! ls /sys/bus/usb/devices/*:*/net >/dev/null 2>&1; then
	expect 0 "list --json without peers" -- "$bin" list --json && contains "[$out]" "[[]]" "list --json prints []"
	expect 0 "list without peers" -- "$bin" list && contains "$out" "No USB network peers" "list says none"
fi

# --- udev-probe: the environment udev gives (from tests/fixtures/umockdev) ---
fobnail_env=(SUBSYSTEM=net INTERFACE=usb7 IFINDEX=10 ID_BUS=usb ID_USB_DRIVER=cdc_eem
	ID_NET_DRIVER=cdc_eem ID_VENDOR_ID=1234 ID_MODEL_ID=4321 ID_MODEL_ENC=Fobnail
	ID_VENDOR_ENC=Fobnail ID_SERIAL_SHORT=TEST ID_USB_INTERFACES=:020c07:
	DEVPATH=/devices/platform/dummy_hcd.1/usb2/2-1/2-1:1.0/net/usb7)
expect 0 "udev-probe fobnail" -- env -i "${fobnail_env[@]}" "$bin" udev-probe
contains "$out" "USBNET_HOST_MODE=static" "fobnail is static"
contains "$out" "USBNET_HOST_PROFILE=fobnail" "fobnail profile"
contains "$out" "NM_UNMANAGED=1" "fobnail unmanaged"

unknown_env=(SUBSYSTEM=net INTERFACE=enx1a2b3c4d5e6f IFINDEX=11 ID_BUS=usb ID_USB_DRIVER=cdc_ncm
	ID_NET_DRIVER=cdc_ncm ID_VENDOR_ID=1d6b ID_MODEL_ID=0104 ID_MODEL_ENC=Board
	ID_USB_INTERFACES=:020d00:0a0001:
	DEVPATH=/devices/platform/dummy_hcd.2/usb3/3-1/3-1:1.0/net/enx1a2b3c4d5e6f)
expect 0 "udev-probe unknown gadget" -- env -i "${unknown_env[@]}" "$bin" udev-probe
contains "$out" "USBNET_HOST_MODE=ignore" "unknown gadget is ignored"
lacks "$out" "NM_UNMANAGED" "unknown gadget stays with NetworkManager"

android_env=(SUBSYSTEM=net INTERFACE=enx0a0b0c0d0e0f IFINDEX=12 ID_BUS=usb ID_USB_DRIVER=rndis_host
	ID_NET_DRIVER=rndis_host ID_VENDOR_ID=18d1 ID_MODEL_ID=4ee3 ID_USB_INTERFACES=:e00103:0a0000:)
expect 0 "udev-probe android phone" -- env -i "${android_env[@]}" "$bin" udev-probe
[ -z "$out" ] || { echo "FAIL: a tethering phone got properties: $out" >&2; fails=$((fails + 1)); }

# A [peer] group that names the phone (serial=, usb= or mac=) claims it, as list and up do; one
# that matches first on driver= alone, or names another device, leaves it to NetworkManager.
phone_env=("${android_env[@]}" ID_SERIAL_SHORT=SNPHONE ID_NET_NAME_MAC=enx0a0b0c0d0e0f)
printf '[peer lab-phone]\nserial=SNPHONE\naddress=10.79.0.1/24\npeer=10.79.0.2\n' >"$tmp/phone.conf"
expect 0 "udev-probe phone claimed by serial=" -- env -i "${phone_env[@]}" USBNET_HOST_CONFIG="$tmp/phone.conf" "$bin" udev-probe
[ "$out" = $'USBNET_HOST_MODE=static\nUSBNET_HOST_AUTO=1\nNM_UNMANAGED=1' ] ||
	{ echo "FAIL: the claimed phone got [$out]" >&2; fails=$((fails + 1)); }
printf '[general]\nauto=none\n[peer lab-phone]\nmac=0a:0b:0c:0d:0e:0f\nmode=gateway\n' >"$tmp/phone-mac.conf"
expect 0 "udev-probe phone claimed by mac=" -- env -i "${phone_env[@]}" USBNET_HOST_CONFIG="$tmp/phone-mac.conf" "$bin" udev-probe
[ "$out" = $'USBNET_HOST_MODE=gateway\nUSBNET_HOST_AUTO=1\nNM_UNMANAGED=1' ] ||
	{ echo "FAIL: the phone claimed by mac= got [$out]" >&2; fails=$((fails + 1)); }
printf '[peer other]\nserial=OTHER\nmode=static\naddress=10.79.1.1/24\n' >"$tmp/phone-other.conf"
printf '[peer gadgets]\ndriver=rndis_host\nmode=dhcp\n[peer lab-phone]\nusb=18d1:4ee3\naddress=10.79.0.1/24\n' >"$tmp/phone-driver.conf"
for c in phone-other phone-driver; do
	expect 0 "udev-probe phone with $c.conf" -- env -i "${phone_env[@]}" USBNET_HOST_CONFIG="$tmp/$c.conf" "$bin" udev-probe
	[ -z "$out" ] || { echo "FAIL: $c.conf: an unclaimed phone got properties: $out" >&2; fails=$((fails + 1)); }
done

expect 0 "udev-probe pci card" -- env -i SUBSYSTEM=net INTERFACE=eno1 ID_NET_DRIVER=e1000e "$bin" udev-probe
[ -z "$out" ] || { echo "FAIL: a PCI card got properties: $out" >&2; fails=$((fails + 1)); }

# A [peer] group claims the unknown gadget; auto=none drops the profile's automatic plan.
printf '[general]\nauto=none\n[peer board]\nusb=1d6b:0104\naddress=10.77.0.1/24\npeer=10.77.0.2\n' >"$tmp/claim.conf"
expect 0 "udev-probe with a [peer] group" -- env -i "${unknown_env[@]}" USBNET_HOST_CONFIG="$tmp/claim.conf" "$bin" udev-probe
contains "$out" "USBNET_HOST_MODE=static" "the group claims the gadget"
contains "$out" "NM_UNMANAGED=1" "the claimed gadget is unmanaged"
expect 0 "udev-probe fobnail with auto=none" -- env -i "${fobnail_env[@]}" USBNET_HOST_CONFIG="$tmp/claim.conf" "$bin" udev-probe
contains "$out" "USBNET_HOST_AUTO=0" "auto=none: not automatic"
lacks "$out" "NM_UNMANAGED" "auto=none leaves the profile peer to NetworkManager"

# A broken configuration does not take the profiles away from udev (udev drops a failed
# program's output), and says why on stderr.
printf '[peer x]\nusb=1234:4321\naddress=nonsense\n' >"$tmp/broken.conf"
expect 0 "udev-probe with a broken config" -- env -i "${fobnail_env[@]}" USBNET_HOST_CONFIG="$tmp/broken.conf" "$bin" udev-probe
contains "$out" "NM_UNMANAGED=1" "profiles still apply"
contains "$err" "broken.conf:3" "the broken line is named"

# --- configuration errors: exit 2, file, line and problem named ---
conf_error() { # DESCRIPTION EXPECTED-SUBSTRING TEXT
	printf '%b' "$3" >"$tmp/bad.conf"
	expect 2 "$1" -- "$bin" list --config "$tmp/bad.conf" && contains "$err" "$2" "$1"
}
conf_error "bad address" "bad.conf:3: [peer n900] address" '[peer n900]\nusb=0421:01c8\naddress=192.168.2.300/24\n'
conf_error "unknown key" 'bad.conf:3: [peer n900]: unknown key "adress"' '[peer n900]\nusb=0421:01c8\nadress=192.168.2.14/24\n'
conf_error "duplicate group" "bad.conf:3" '[peer a]\nusb=0421:01c8\n[peer a]\nserial=x\n'
conf_error "syntax error" "bad.conf:2" '[general]\nthis is not a key\n'
conf_error "bad mode" "bad.conf:3: [peer a] mode" '[peer a]\nusb=0421:01c8\nmode=turbo\n'
expect 2 "missing named config" -- "$bin" list --config "$tmp/absent.conf" && contains "$err" "absent.conf" "missing file named"
expect 2 "missing config via environment" -- env USBNET_HOST_CONFIG="$tmp/absent.conf" "$bin" list

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed" >&2
	exit 1
fi
echo "all checks passed"
