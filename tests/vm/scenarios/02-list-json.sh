#!/bin/bash
# Scenario 2: `usbnet-host list --json` lists every reference peer with the right driver,
# protocol, USB IDs, strings, serial and profile; the interfaces that are not USB network
# peers (loopback, a veth pair, a dummy, a bridge) are not listed.
. "$TESTBED_VM_DIR/lib/testbed.sh"
need_usbnet_host

step "non-peer interfaces"
modprobe dummy
ip link add tb-veth0 type veth peer name tb-veth1
ip link add tb-dummy0 type dummy
ip link add tb-br0 type bridge
ip link set tb-veth0 up
ip link set tb-dummy0 up

step "plug every reference peer"
declare -A hif=()
for kind in n810 n900 fobnail rndis dhcp-peer; do
	peer_plug "$kind"
	hif[$kind]=$PEER_IF
done

step "usbnet-host list --json"
uh_ok list --json
printf '%s\n' "$UH_OUT" >"$TESTBED_RUN/list.json"

# The expected values: what the reference table says and what the kernel shows (the random
# MAC, the USB path). Profiles: GADGETS.md's known peers; 1d6b:0104 identifies no device
# (every configfs gadget has it), so the rndis and dhcp-peer peers match no profile.
expect=$TESTBED_RUN/expect.json
{
	echo "["
	sep=
	for kind in n810 n900 fobnail rndis dhcp-peer; do
		peer_spec "$kind"
		case "$kind" in
		n810) profile='"maemo"' ;;
		n900) profile='"n900"' ;;
		fobnail) profile='"fobnail"' ;;
		*) profile=null ;;
		esac
		mac=$(cat "/sys/class/net/${hif[$kind]}/address")
		printf '%s{"ifname": "%s", "driver": "%s", "protocol": "%s", "vendor_id": "%s", "product_id": "%s", "manufacturer": "%s", "product": "%s", "serial": "%s", "mac": "%s", "profile": %s}\n' \
			"$sep" "${hif[$kind]}" "$P_DRIVER" "$P_PROTO" "$P_VID" "$P_PID" "$P_MFR" "$P_PRODUCT" "$P_SERIAL" "$mac" "$profile"
		sep=,
	done
	echo "]"
} >"$expect"

python3 - "$TESTBED_RUN/list.json" "$expect" <<'EOF'
import json, sys

listed = json.load(open(sys.argv[1]))
expected = json.load(open(sys.argv[2]))
problems = []
if not isinstance(listed, list):
    sys.exit(f"FAIL: list --json printed a {type(listed).__name__}, expected an array")
by_name = {p.get("ifname"): p for p in listed}
required = ["ifname", "driver", "protocol", "vendor_id", "product_id", "manufacturer", "product",
            "serial", "usb_path", "speed_mbps", "mac", "carrier", "profile", "mode", "nm_managed",
            "host_address", "peer_address", "state"]
for want in expected:
    name = want["ifname"]
    got = by_name.get(name)
    if got is None:
        problems.append(f"{name} ({want['product']}): not listed")
        continue
    missing = [k for k in required if k not in got]
    if missing:
        problems.append(f"{name}: fields missing: {', '.join(missing)}")
    for k, v in want.items():
        if got.get(k) != v:
            problems.append(f"{name}: {k}: expected {v!r}, saw {got.get(k)!r}")
        else:
            print(f"ok: {name}: {k} = {v!r}")
    if got.get("state") not in ("unconfigured", "configured", "degraded", "failed"):
        problems.append(f"{name}: state: expected one of unconfigured/configured/degraded/failed, saw {got.get('state')!r}")
    if got.get("speed_mbps") != 480:
        problems.append(f"{name}: speed_mbps: expected 480 (dummy_hcd is high speed), saw {got.get('speed_mbps')!r}")
    if not got.get("usb_path"):
        problems.append(f"{name}: usb_path: expected a USB path, saw {got.get('usb_path')!r}")
    if got.get("profile") is not None:
        if got.get("mode") != "static":
            problems.append(f"{name}: mode: expected 'static' for profile {got.get('profile')}, saw {got.get('mode')!r}")
        host = {"maemo": "192.168.2.14/24", "n900": "192.168.2.14/24", "fobnail": "169.254.0.8/16"}
        if got.get("host_address") != host.get(got["profile"]):
            problems.append(f"{name}: host_address: expected {host.get(got['profile'])!r}, saw {got.get('host_address')!r}")
for name in by_name:
    if name == "lo" or (name or "").startswith("tb-"):
        problems.append(f"{name}: listed, but it is not a USB network peer")
extra = set(by_name) - {w["ifname"] for w in expected}
for name in sorted(extra):
    if not (name == "lo" or name.startswith("tb-")):
        problems.append(f"{name}: listed, but no peer of the testbed is there")
for p in problems:
    print("FAIL: " + p)
sys.exit(1 if problems else 0)
EOF
ok "list --json: every peer as expected, no non-peer"

step "usbnet-host list (text) names every peer"
uh_ok list
for kind in n810 n900 fobnail rndis dhcp-peer; do
	assert_match "list shows ${hif[$kind]}" "${hif[$kind]}" "$UH_OUT"
done
assert_no_match "list does not show the test links" 'tb-(veth|dummy|br)' "$UH_OUT"
