#!/usr/bin/env bash
# udev's helper (udev/udev-probe-helper.c, what the rule runs) against `usbnet-host udev-probe`
# (the command, kept for compatibility): for every umockdev fixture (tests/fixtures/umockdev, the
# environment udev gave the recorded interface) and every built-in profile (a matching device
# and near misses, from profile-envs), under configurations that claim, ignore, restrict and
# break, both give the same properties (NM_UNMANAGED, USBNET_HOST_MODE, _PROFILE, _AUTO), the
# same exit status and the same warnings. And the helper links nothing but libc.
set -u
bin=${USBNET_HOST:?USBNET_HOST must name the built usbnet-host}
helper=${USBNET_HOST_UDEV_HELPER:?USBNET_HOST_UDEV_HELPER must name the built udev helper}
gen=${USBNET_PROFILE_ENVS:?USBNET_PROFILE_ENVS must name the built profile-envs}
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export USBNET_HOST_RUN_DIR=$tmp/run
fails=0 compared=0 unmanaged=0 silent=0
fail() { echo "FAIL: $*" >&2 && fails=$((fails + 1)); }

# --- what the helper loads: libc alone (a sanitizer build adds its runtimes) ---
needed=$(readelf -d "$helper" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -Ev '^lib(a|ub)san\.so' | tr '\n' ' ')
[ "$needed" = "libc.so.6 " ] || fail "the helper needs '$needed', not libc.so.6 alone"

# --- the environments: one file per device, one KEY=VALUE a line ---
mkdir "$tmp/envs"
n_fixtures=0
for f in "$src"/tests/fixtures/umockdev/*.umockdev; do
	# The net device's record: P: is its DEVPATH, E: its udev properties.
	awk '/^P: / { net = ($2 ~ /\/net\//); if (net) { print "DEVPATH=" $2; print "ACTION=add" } next }
	     /^$/ { if (net) exit; next }
	     net && /^E: / { sub(/^E: /, ""); print }' "$f" >"$tmp/envs/fixture-$(basename "$f" .umockdev).env"
	grep -q '^INTERFACE=' "$tmp/envs/fixture-$(basename "$f" .umockdev).env" ||
		fail "$(basename "$f"): no net device record found"
	n_fixtures=$((n_fixtures + 1))
done
[ "$n_fixtures" -ge 6 ] || fail "only $n_fixtures fixtures"
n_profiles=$("$gen" "$tmp/envs") || fail "profile-envs failed"
[ "${n_profiles:-0}" -ge 5 ] || fail "profile-envs wrote ${n_profiles:-0} matchable profiles"

# --- the configurations ---
: >"$tmp/empty.conf"
printf '[general]\nauto=none\n' >"$tmp/auto-none.conf"
printf '[peer x]\nusb=1234:4321\naddress=nonsense\n' >"$tmp/broken.conf"
# Groups that name devices by what the environments carry: USB IDs, serial, driver, product.
{
	n=0
	for e in "$tmp"/envs/*.env; do
		vid=$(sed -n 's/^ID_\(USB_\)\{0,1\}VENDOR_ID=//p' "$e" | head -n1)
		pid=$(sed -n 's/^ID_\(USB_\)\{0,1\}MODEL_ID=//p' "$e" | head -n1)
		ser=$(sed -n 's/^ID_\(USB_\)\{0,1\}SERIAL_SHORT=//p' "$e" | head -n1)
		[ -n "$vid" ] && [ -n "$pid" ] || continue
		n=$((n + 1))
		modes=(static gateway ignore dhcp bridge auto)
		mode=${modes[$((n % 6))]}
		if [ -n "$ser" ] && ((n % 2)); then
			printf '[peer s%d]\nserial=%s\nmode=%s\n\n' "$n" "$ser" "$mode"
		elif ((n % 3 == 0)); then
			printf '[peer u%d]\nusb=%s:%s\naddress=10.77.%d.1/24\npeer=10.77.%d.2\n\n' "$n" "$vid" "$pid" "$n" "$n"
		fi
	done
	printf '[peer ncm]\ndriver=cdc_ncm\naddress=10.78.0.1/24\n\n'
	printf '[peer fob]\nproduct=Fobnail\nmode=gateway\n\n'
} >"$tmp/groups.conf"
{
	printf '[general]\nauto=none\n\n'
	cat "$tmp/groups.conf"
} >"$tmp/groups-auto-none.conf"

# run NAME ENVFILE CONFIG-MODE: both programs, same environment; compares status, out, err.
compare() {
	local e=$1 how=$2 conf=$3 envv a b
	mapfile -t envv <"$e"
	case "$how" in
	env) envv+=("USBNET_HOST_CONFIG=$conf") ;;
	opt) set -- --config "$conf" ;;
	opt=) set -- "--config=$conf" ;;
	esac
	[ "$how" = env ] && set --
	env -i "${envv[@]}" USBNET_HOST_RUN_DIR="$USBNET_HOST_RUN_DIR" "$bin" udev-probe "$@" >"$tmp/a.out" 2>"$tmp/a.err"
	a=$?
	env -i "${envv[@]}" USBNET_HOST_RUN_DIR="$USBNET_HOST_RUN_DIR" "$helper" "$@" >"$tmp/b.out" 2>"$tmp/b.err"
	b=$?
	compared=$((compared + 1))
	local what
	what="$(basename "$e" .env) with ${conf:-no configuration} ($how)"
	[ "$a" = "$b" ] || fail "$what: exit $a (udev-probe) against $b (helper)"
	cmp -s "$tmp/a.out" "$tmp/b.out" ||
		fail "$what: udev-probe printed [$(tr '\n' ' ' <"$tmp/a.out")], the helper [$(tr '\n' ' ' <"$tmp/b.out")]"
	cmp -s "$tmp/a.err" "$tmp/b.err" ||
		fail "$what: udev-probe said [$(cat "$tmp/a.err")], the helper [$(cat "$tmp/b.err")]"
	grep -q '^NM_UNMANAGED=1$' "$tmp/a.out" && unmanaged=$((unmanaged + 1))
	[ -s "$tmp/a.out" ] || silent=$((silent + 1))
}

for e in "$tmp"/envs/*.env; do
	for c in empty auto-none broken groups groups-auto-none; do
		compare "$e" env "$tmp/$c.conf"
	done
	compare "$e" env "$tmp/missing.conf" # named, absent: an error, the profiles alone
	compare "$e" opt= "$tmp/groups.conf"
	compare "$e" opt= "" # --config=: no file at all
done
# Arguments: the same refusals.
for args in "extra" "--bogus" "--config" "--help"; do
	# shellcheck disable=SC2086
	env -i SUBSYSTEM=net "$bin" udev-probe $args >"$tmp/a.out" 2>"$tmp/a.err"
	a=$?
	# shellcheck disable=SC2086
	env -i SUBSYSTEM=net "$helper" $args >"$tmp/b.out" 2>"$tmp/b.err"
	b=$?
	[ "$a" = "$b" ] && cmp -s "$tmp/a.out" "$tmp/b.out" && cmp -s "$tmp/a.err" "$tmp/b.err" ||
		fail "udev-probe $args: exit $a [$(cat "$tmp/a.out" "$tmp/a.err")], helper: exit $b [$(cat "$tmp/b.out" "$tmp/b.err")]"
done

# The comparisons covered both answers: devices usbnet-host owns and devices it leaves alone.
[ "$unmanaged" -gt 0 ] || fail "no comparison had NM_UNMANAGED=1"
[ "$silent" -gt 0 ] || fail "no comparison had an empty answer (a device left alone)"
echo "compared $compared runs ($n_fixtures fixtures, $n_profiles profiles x 5 devices, 8 configurations): $unmanaged with NM_UNMANAGED=1, $silent with no properties; $fails failures"
[ "$fails" = 0 ]
