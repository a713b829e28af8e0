# The testbed's USB network peers: configfs gadgets on dummy_hcd's virtual ports, built from
# the reference table at the end of shared/GADGETS.md. The gadget-side netdev of each peer goes
# into its own network namespace, named after the peer, holding the device's address: that
# namespace *is* the device (the tablet, the token). Sourced by lib/testbed.sh.
#
#   peer_plug KIND [NAME]     create (if needed) and plug peer KIND as NAME (default: KIND);
#                             waits, bounded, for the host-side interface; sets PEER_IF
#   peer_if NAME              the host-side interface of NAME now (found by its USB port)
#   peer_unplug NAME          empty UDC; waits until the host-side interface is gone
#   PEER_NOWAIT=1 peer_plug/peer_unplug ...: the same without the wait for the host side, to
#                             plug or unplug many at once; then peer_wait_if NAME (sets
#                             PEER_IF) or peer_wait_gone NAME for each
#   peer_replug NAME          plug NAME again on the same port; sets PEER_IF
#   peer_reauthorize NAME     host-side replug without touching the gadget: the host's USB
#                             device authorized 0 then 1; waits for the new interface; PEER_IF
#   peer_remove NAME          unplug, stop its services, remove the gadget and the namespace
#   peer_remove_all
#   in_peer NAME CMD...       run CMD in the peer's namespace (the device side)
#
# KINDs: n810 n900 fobnail rndis dhcp-peer unknown (IDs in no profile, 10.77.0.2/24, silent
# in IPv4 until asked; IPv6 on, as a Linux gadget has it), and the hostile peers of scenarios
# 15-17: poisontap, hostile-strings, fake-fobnail (see peer_spec), and rpi: a Raspberry Pi
# running rpi-usb-gadget (see _rpi_ics; rpi_mode NAME says "shared" or "client", rpi_lease NAME
# the address it leased). PEER_SERIAL=… and PEER_ADDR=… (CIDR) in the environment of peer_plug
# override the table (two identical peers, many peers).
# shellcheck shell=bash

GADGETS=/sys/kernel/config/usb_gadget
PEERS_RUN=/run/testbed/peers

# peer_spec KIND: sets P_FUNC P_VID P_PID P_MFR P_PRODUCT P_SERIAL P_ADDR P_HOST_ADDR
# P_DRIVER P_PROTO (what the host side must show) for a KIND of the reference table.
# shellcheck disable=SC2034 # the P_* are for the scenarios
peer_spec() {
	P_HOST_ADDR=
	case "$1" in
	n810)
		P_FUNC=ecm P_VID=0525 P_PID=a4a1 P_MFR="Nokia" P_PRODUCT="N810 Internet Tablet"
		P_SERIAL=SNN810 P_ADDR=192.168.2.15/24 P_HOST_ADDR=192.168.2.14/24
		P_DRIVER=cdc_ether P_PROTO=ecm
		;;
	n900)
		P_FUNC=ecm P_VID=0421 P_PID=01c8 P_MFR="Nokia" P_PRODUCT="N900 (PC-Suite Mode)"
		P_SERIAL=SNN900 P_ADDR=192.168.2.15/24 P_HOST_ADDR=192.168.2.14/24
		P_DRIVER=cdc_ether P_PROTO=ecm
		;;
	fobnail)
		P_FUNC=eem P_VID=1234 P_PID=4321 P_MFR="3mdeb" P_PRODUCT="Fobnail"
		P_SERIAL=TEST P_ADDR=169.254.0.1/16 P_HOST_ADDR=169.254.0.8/16
		P_DRIVER=cdc_eem P_PROTO=eem
		;;
	rndis)
		# 1d6b:0104: 0525:a4a2 alone is claimed by cdc_subset (GADGETS.md).
		P_FUNC=rndis P_VID=1d6b P_PID=0104 P_MFR="Linux" P_PRODUCT="RNDIS Gadget"
		P_SERIAL=RNDIS0001 P_ADDR=192.168.2.15/24
		P_DRIVER=rndis_host P_PROTO=rndis
		;;
	dhcp-peer)
		P_FUNC=ncm P_VID=1d6b P_PID=0104 P_MFR="postmarketOS" P_PRODUCT="NCM Gadget"
		P_SERIAL=PMOS0001 P_ADDR=172.16.42.1/24
		P_DRIVER=cdc_ncm P_PROTO=ncm
		;;
	unknown)
		# A board whose IDs no profile knows (pid.codes' test pair) and whose address its
		# image's author chose: what `discover` and `up --auto` are for.
		P_FUNC=ecm P_VID=1209 P_PID=0001 P_MFR="Example" P_PRODUCT="Unknown Gadget"
		P_SERIAL=UNK0001 P_ADDR=10.77.0.2/24
		P_DRIVER=cdc_ether P_PROTO=ecm
		;;
	poisontap)
		# A PoisonTap-like "network card": IDs no profile knows (pid.codes' test PID), a
		# DHCP server offering itself as router and DNS, with classless static routes
		# (option 121) for 0.0.0.0/1 and 128.0.0.0/1: the whole IPv4 internet through it.
		P_FUNC=ecm P_VID=1209 P_PID=0001 P_MFR="PoisonTap" P_PRODUCT="USB Ethernet"
		P_SERIAL=POISON0001 P_ADDR=10.99.0.1/24
		P_DRIVER=cdc_ether P_PROTO=ecm
		;;
	hostile-strings)
		# Strings made to hurt: shell metacharacters, newlines and an escape sequence, "../",
		# the longest string configfs takes (126 bytes: the USB limit is 126 UTF-16 units),
		# UTF-8 in and out of order. Manufacturer: invalid UTF-8 (0xff, a lone continuation
		# byte, a cut sequence): see what the kernel sends for it (scenario 16 logs it).
		P_FUNC=ecm P_VID=1209 P_PID=0002
		P_MFR=$'$(touch /tmp/pwned)\xff\x80;`touch /tmp/pwned`\xc3|\e[31mred\n'"'\"../"
		P_PRODUCT=$'../../../tmp/pwned;$(touch /tmp/pwned)\n`touch /tmp/pwned` \xc3\xa9\xe2\x82\xac \\x41 '
		local LC_ALL=C # lengths in bytes
		while [ "${#P_PRODUCT}" -lt 126 ]; do P_PRODUCT+=X; done
		P_SERIAL=$'../x;$(touch /tmp/pwned)\n\tEVIL`id`'
		P_ADDR=10.77.0.2/24 P_HOST_ADDR=10.77.0.1/24
		P_DRIVER=cdc_ether P_PROTO=ecm
		;;
	fake-fobnail)
		# A device with the Fobnail's IDs and product string that, unlike the token, serves
		# DHCP offering a default route, DNS and option 121 routes.
		P_FUNC=eem P_VID=1234 P_PID=4321 P_MFR="3mdeb" P_PRODUCT="Fobnail"
		P_SERIAL=FAKE0001 P_ADDR=169.254.0.1/16 P_HOST_ADDR=169.254.0.8/16
		P_DRIVER=cdc_eem P_PROTO=eem
		;;
	phone)
		# An Android phone with USB tethering on: AOSP's tethering IDs (18d1:4ee3, in
		# lib/peer/upstream.c's table), RNDIS, Android's own 192.168.42.129/24. An upstream
		# device: NetworkManager's unless a [peer] group names it (scenario 22).
		P_FUNC=rndis P_VID=18d1 P_PID=4ee3 P_MFR="Google" P_PRODUCT="Pixel"
		P_SERIAL=PHONE0001 P_ADDR=192.168.42.129/24 P_HOST_ADDR=192.168.42.1/24
		P_DRIVER=rndis_host P_PROTO=rndis
		;;
	rpi)
		# A Raspberry Pi with rpi-usb-gadget (2025): g_ether with its IDs and strings
		# (g_ether.conf), the ECM function a Linux host binds, the board's serial (16 hex
		# digits, /proc/cpuinfo's "Serial") as USB serial. Its address is not fixed: it
		# starts as the "shared" side (10.12.194.1/28, serving DHCP) and becomes a DHCP client
		# when a host answers its ARP probe (_rpi_ics).
		P_FUNC=ecm P_VID=2e8a P_PID=0013 P_MFR="Raspberry Pi Ltd." P_PRODUCT="Raspberry Pi USB Gadget"
		P_SERIAL=10000000a3b4c5d6 P_ADDR=10.12.194.1/28
		P_DRIVER=cdc_ether P_PROTO=ecm
		;;
	*)
		echo "peer_spec: unknown peer kind '$1' (n810 n900 fobnail rndis dhcp-peer unknown poisontap hostile-strings fake-fobnail phone rpi)" >&2
		return 2
		;;
	esac
	P_SERIAL=${PEER_SERIAL:-$P_SERIAL}
	P_ADDR=${PEER_ADDR:-$P_ADDR}
}

in_peer() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

_peer_get() { # NAME KEY: its one-line file in the peer's run directory
	local v=
	read -r v 2>/dev/null <"$PEERS_RUN/$1/$2" || [ -n "$v" ] || return 1
	echo "$v"
}

# The dummy_hcd host port wired to UDC dummy_udc.N is the platform device dummy_hcd.N.
_udc_port() { echo "dummy_hcd.${1#dummy_udc.}"; }

# Every fork costs under emulation (and these run in polls, and in a loop per peer): the
# helpers below use bash's globs and `read`, no external program.
_free_udc() {
	local f u i used=" "
	for f in "$GADGETS"/*/UDC; do
		[ -f "$f" ] && read -r u 2>/dev/null <"$f" && [ -n "$u" ] && used+="$u "
	done
	for ((i = 0; ; i++)); do
		u=dummy_udc.$i
		[ -e "/sys/class/udc/$u" ] || return 1
		[[ "$used" == *" $u "* ]] || {
			echo "$u"
			return 0
		}
	done
}

# _port_netdevs PORT: the sysfs directories of the host-side netdevs whose USB device hangs off
# PORT (dummy_hcd.N: /sys/devices/platform/dummy_hcd.N/usbB/B-1/B-1:1.I/net/IF), in PORT_NETDEVS.
_port_netdevs() {
	local n
	PORT_NETDEVS=()
	for n in /sys/devices/platform/"$1"/usb*/*/*/net/*; do
		[ -e "$n" ] && PORT_NETDEVS+=("$n")
	done
	return 0
}
# _port_empty PORT: no host-side netdev on PORT (its USB device gone, or unbound).
_port_empty() {
	_port_netdevs "$1"
	[ ${#PORT_NETDEVS[@]} = 0 ]
}

# _host_if_on PORT: the host-side netdev whose USB device hangs off PORT (dummy_hcd.N), once
# udev has finished with it (renamed, database written) when udevd runs.
_host_if_on() {
	local n idx
	_port_netdevs "$1"
	for n in "${PORT_NETDEVS[@]}"; do
		if [ -S /run/udev/control ]; then
			read -r idx 2>/dev/null <"$n/ifindex" || continue
			[ -e "/run/udev/data/n$idx" ] || continue
		fi
		echo "${n##*/}"
		return 0
	done
	return 1
}

peer_if() {
	local udc=
	read -r udc 2>/dev/null <"$PEERS_RUN/$1/udc" || [ -n "$udc" ] || return 1
	_host_if_on "dummy_hcd.${udc#dummy_udc.}"
}

# _configfs_put VALUE FILE: as bytes, without a newline (configfs counts it in its 126-byte
# limit), in one write(): configfs takes each write as the whole value, and bash writes line by
# line: a value with a newline goes through dd, one without is one write of bash's printf.
_configfs_put() {
	if [[ "$1" == *$'\n'* ]]; then
		printf '%s' "$1" | dd of="$2" bs=4096 iflag=fullblock status=none
	else
		printf '%s' "$1" >"$2"
	fi
}

_gadget_create() { # NAME
	local g=$GADGETS/$1
	[ -d "$g" ] && return 0
	mkdir "$g"
	echo "0x$P_VID" >"$g/idVendor"
	echo "0x$P_PID" >"$g/idProduct"
	echo 0x0200 >"$g/bcdUSB"
	# One mkdir for the groups (in this order: a parent before its child).
	mkdir "$g/strings/0x409" "$g/functions/$P_FUNC.usb0" "$g/configs/c.1" \
		"$g/configs/c.1/strings/0x409"
	_configfs_put "$P_MFR" "$g/strings/0x409/manufacturer"
	_configfs_put "$P_PRODUCT" "$g/strings/0x409/product"
	_configfs_put "$P_SERIAL" "$g/strings/0x409/serialnumber"
	echo "$P_FUNC" >"$g/configs/c.1/strings/0x409/configuration"
	echo 250 >"$g/configs/c.1/MaxPower"
	ln -s "$g/functions/$P_FUNC.usb0" "$g/configs/c.1/"
}

# _gadget_netdev_moved NAME FUNC: once the gadget is bound, moves its netdev into the
# namespace NAME as usb0 (only the first time: it stays there across unplug/replug).
_gadget_netdev_moved() {
	local gif
	[ -f "$PEERS_RUN/$1/moved" ] && return 0
	read -r gif 2>/dev/null <"$GADGETS/$1/functions/$2.usb0/ifname" || return 1
	if [ -e "/sys/class/net/$gif" ]; then
		ip link set "$gif" netns "$1" && ip -n "$1" link set "$gif" name usb0 &&
			: >"$PEERS_RUN/$1/moved"
		return
	fi
	in_peer "$1" ip link show usb0 >/dev/null 2>&1 && : >"$PEERS_RUN/$1/moved"
}

# _carrier_keeper NAME PORT: for the peers whose link state travels in a CDC notification
# (ECM, NCM). Under dummy_hcd, a NETWORK_CONNECTION notification the gadget queued before the
# host side was opened is now and then lost (about 1 plug in 5 here: the host interface comes
# up with NO-CARRIER for good, though the gadget side is up). A real device's link goes up long
# after the host enumerated it; this plays that part: when the host side has been
# administratively up without a carrier for a second, it takes the gadget side down and up
# once, which sends a fresh notification to the now listening host. Each kick is logged in
# the peer's run directory ("kicks") and shown by peer_remove. A file "hold-down" in the peer's
# run directory stops it while the scenario keeps the device's side down itself.
_carrier_keeper() {
	local name=$1 port=$2 n flags carrier polls=0
	set +e
	trap - ERR
	while [ -d "$PEERS_RUN/$name" ]; do
		_port_netdevs "$port"
		for n in "${PORT_NETDEVS[@]}"; do
			read -r flags 2>/dev/null <"$n/flags" || break
			if (((flags & 1) == 0)); then polls=0 && break; fi
			# The scenario holds the device's side down on purpose (a late device).
			if [ -e "$PEERS_RUN/$name/hold-down" ]; then polls=0 && break; fi
			read -r carrier 2>/dev/null <"$n/carrier" || carrier=0
			if [ "$carrier" = 1 ]; then polls=0 && break; fi
			polls=$((polls + 1))
			if ((polls >= 3)); then
				echo "$(date +%T) ${n##*/}: up without carrier: gadget side down/up" >>"$PEERS_RUN/$name/kicks"
				ip -n "$name" link set usb0 down 2>/dev/null
				ip -n "$name" link set usb0 up 2>/dev/null
				polls=0
			fi
			break
		done
		_nap 0.5
	done
}

# _dnsmasq NAME ADDR OPTION...: a DHCP server in the peer's namespace leasing ADDR (/24 or /16
# as the peer's own), with these --dhcp-option=s.
_dnsmasq() {
	local d=$PEERS_RUN/$1 addr=$2 o opts=()
	shift 2
	for o in "$@"; do opts+=("--dhcp-option=$o"); done
	ip netns exec "$(basename "$d")" dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--interface=usb0 --bind-interfaces --except-interface=lo --port=0 \
		--dhcp-range="$addr,$addr,$(_netmask "$P_ADDR"),1h" "${opts[@]}" \
		--dhcp-leasefile="$d/leases" --dhcp-authoritative --log-dhcp \
		--pid-file="$d/dnsmasq.pid" --user=root --log-facility=- >"$d/dnsmasq.log" 2>&1 &
	echo $! >>"$d/pids"
}
_netmask() { case "${1#*/}" in 16) echo 255.255.0.0 ;; *) echo 255.255.255.0 ;; esac; }

# --- the Raspberry Pi's side (rpi-usb-gadget's ics-watch.c and rpi-usb-gadget script, 2025) ---
# ics-watch ticks every 4 s. SHARED (the start): NetworkManager's "shared" profile, the Pi at
# 10.12.194.1/28 serving DHCP (dnsmasq, 120 s leases, itself as router and DNS); on each tick
# (after any backoff) it ARP-asks 192.168.137.1, 192.168.2.1 and 10.42.0.1 in turn
# (`arping -q -c 1 -w 1 -I usb0 GW`) and when one answers it switches to CLIENT: the shared
# profile down (address and DHCP server gone), the client profile up (DHCP, 6 s timeout). CLIENT
# keeps the lease only with a non-link-local address AND a gateway that answers ARP within 15 s
# of the switch, else it goes back to SHARED with a 15 s backoff; a gateway that stops answering
# for 10 s sends it back too. Here busybox plays NetworkManager: udhcpc for the client profile
# (it renews the lease as NetworkManager's client would), dnsmasq for the shared one. Each
# transition is logged in the peer's run directory (ics.log); "mode" says shared or client,
# "lease" what the client holds (ip=, mask=, router=).
# ics-watch's timings (RPI_ARP_WAIT: arping's -w); a scenario may set its own before peer_plug
# (under TCG at load a 1 s ARP round trip is not certain).
RPI_ICS_GWS="192.168.137.1 192.168.2.1 10.42.0.1"
: "${RPI_TICK:=4}" "${RPI_CLIENT_WINDOW:=15}" "${RPI_BACKOFF:=15}" "${RPI_GW_GRACE:=10}" "${RPI_ARP_WAIT:=1}"

_rpi_log() { echo "$(date +%T) $2" >>"$PEERS_RUN/$1/ics.log"; }

_rpi_shared_on() { # NAME
	local d=$PEERS_RUN/$1
	ip -n "$1" addr flush dev usb0
	ip -n "$1" addr add 10.12.194.1/28 dev usb0
	ip netns exec "$1" dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--interface=usb0 --bind-interfaces --except-interface=lo --port=0 \
		--dhcp-range=10.12.194.2,10.12.194.14,255.255.255.240,2m \
		--dhcp-option=option:router,10.12.194.1 --dhcp-option=option:dns-server,10.12.194.1 \
		--dhcp-leasefile="$d/shared.leases" --dhcp-authoritative --log-dhcp \
		--pid-file="$d/shared.pid" --user=root --log-facility=- >>"$d/shared.log" 2>&1 &
	echo $! >"$d/shared.job"
	echo shared >"$d/mode"
}

_rpi_shared_off() { # NAME
	local d=$PEERS_RUN/$1
	[ -f "$d/shared.job" ] && kill "$(cat "$d/shared.job")" 2>/dev/null
	rm -f "$d/shared.job"
	ip -n "$1" addr flush dev usb0
}

_rpi_client_on() { # NAME
	local d=$PEERS_RUN/$1
	rm -f "$d/lease"
	cat >"$d/udhcpc.sh" <<EOS
#!/bin/sh
case "\$1" in
bound|renew)
	# As NetworkManager does: the leased address stays on the link through a renewal (replace
	# only refreshes it); any other address goes (first: deleting a primary address takes the
	# secondaries of its subnet with it). A flush and add here left the Pi without an address
	# for a moment at every renewal (each minute), and a ping sent then went unanswered.
	for a in \$(ip -4 -o addr show dev "\$interface" | awk '{print \$4}'); do
		[ "\$a" = "\$ip/\$mask" ] || ip addr del "\$a" dev "\$interface"
	done
	ip addr replace "\$ip/\$mask" dev "\$interface"
	if [ -n "\$router" ]; then
		ip route replace default via "\${router%% *}" dev "\$interface"
	else
		ip route del default dev "\$interface" 2>/dev/null
	fi
	printf 'ip=%s\nmask=%s\nrouter=%s\ndns=%s\n' "\$ip" "\$mask" "\${router:-}" "\${dns:-}" >"$d/lease.new"
	mv "$d/lease.new" "$d/lease"
	[ "\$1" = renew ] && echo "\$(date +%T) \$ip" >>"$d/renewals"
	;;
deconfig)
	ip addr flush dev "\$interface"
	rm -f "$d/lease"
	;;
esac
exit 0
EOS
	chmod +x "$d/udhcpc.sh"
	ip netns exec "$1" busybox udhcpc -i usb0 -f -t 3 -T 2 -A 1 -s "$d/udhcpc.sh" \
		>>"$d/udhcpc.log" 2>&1 &
	echo $! >"$d/client.job"
	echo client-trying >"$d/mode"
}

_rpi_client_off() { # NAME
	local d=$PEERS_RUN/$1
	[ -f "$d/client.job" ] && kill "$(cat "$d/client.job")" 2>/dev/null
	rm -f "$d/client.job" "$d/lease"
	ip -n "$1" addr flush dev usb0
	ip -n "$1" route flush dev usb0 2>/dev/null
}

_rpi_arping() { ip netns exec "$1" busybox arping -q -c 1 -w "$RPI_ARP_WAIT" -I usb0 "$2" >/dev/null 2>&1; }

_rpi_ics() { # NAME
	local name=$1 d=$PEERS_RUN/$1 mode=shared backoff_until=0 deadline=0 gw_ok=0 ok_said=0
	local gw ip router found
	set +e
	trap - ERR
	_rpi_shared_on "$name"
	_rpi_log "$name" "no active profile: SHARED (10.12.194.1/28, DHCP server)"
	while [ -d "$d" ]; do
		sleep "$RPI_TICK"
		[ "$(ip netns exec "$name" cat /sys/class/net/usb0/carrier 2>/dev/null)" = 1 ] || continue
		if [ "$mode" = shared ]; then
			((EPOCHSECONDS >= backoff_until)) || continue
			found=
			for gw in $RPI_ICS_GWS; do
				_rpi_arping "$name" "$gw" && found=$gw && break
			done
			[ -n "$found" ] || continue
			_rpi_log "$name" "SHARED: ICS gateway $found answered ARP: trying CLIENT"
			_rpi_shared_off "$name"
			_rpi_client_on "$name"
			mode=client deadline=$((EPOCHSECONDS + RPI_CLIENT_WINDOW)) gw_ok=0 ok_said=0
			continue
		fi
		ip=$(sed -n 's/^ip=//p' "$d/lease" 2>/dev/null)
		router=$(sed -n 's/^router=//p' "$d/lease" 2>/dev/null)
		router=${router%% *}
		if [ -z "$ip" ] || [[ "$ip" == 169.254.* ]] || [ -z "$router" ]; then
			((EPOCHSECONDS < deadline)) && continue
			_rpi_log "$name" "CLIENT failed (lease '${ip:-none}', gateway '${router:-none}'): back to SHARED, backoff ${RPI_BACKOFF}s"
		elif _rpi_arping "$name" "$router"; then
			gw_ok=$EPOCHSECONDS
			if [ "$ok_said" = 0 ]; then
				_rpi_log "$name" "CLIENT OK: $ip gateway $router"
				echo client >"$d/mode"
				ok_said=1
			fi
			continue
		else
			((gw_ok == 0)) && gw_ok=$EPOCHSECONDS
			((EPOCHSECONDS - gw_ok < RPI_GW_GRACE)) && continue
			_rpi_log "$name" "CLIENT: gateway $router lost for ${RPI_GW_GRACE}s: back to SHARED, backoff ${RPI_BACKOFF}s"
		fi
		_rpi_client_off "$name"
		_rpi_shared_on "$name"
		mode=shared backoff_until=$((EPOCHSECONDS + RPI_BACKOFF))
	done
	_rpi_client_off "$name"
	_rpi_shared_off "$name"
}

# rpi_renew NAME: the Pi's DHCP client renews its lease now (what it does at half the lease
# time: busybox udhcpc's SIGUSR1), so a scenario waits for the renewal, not for the timer.
rpi_renew() {
	local pid=
	read -r pid 2>/dev/null <"$PEERS_RUN/$1/client.job" || return 1
	kill -USR1 "$pid"
}

# rpi_mode NAME: "shared", "client-trying" or "client" (leased, its gateway answers ARP).
rpi_mode() { cat "$PEERS_RUN/$1/mode" 2>/dev/null; }
# rpi_lease NAME [FIELD]: the address (or FIELD: mask, router, dns) the Pi's client holds.
rpi_lease() { sed -n "s/^${2:-ip}=//p" "$PEERS_RUN/$1/lease" 2>/dev/null; }
rpi_is_client() { [ "$(rpi_mode "$1")" = client ]; }

_peer_services_start() { # NAME KIND
	local d=$PEERS_RUN/$1
	case "$P_FUNC" in
	ecm | ncm)
		_carrier_keeper "$1" "$(_udc_port "$(_peer_get "$1" udc)")" >/dev/null 2>&1 &
		echo $! >>"$d/pids"
		;;
	esac
	case "$2" in
	fobnail)
		# The Fobnail proof of concept's UDP echo on port 9400.
		ip netns exec "$1" socat UDP4-RECVFROM:9400,fork PIPE >"$d/echo.log" 2>&1 &
		echo $! >>"$d/pids"
		;;
	dhcp-peer)
		# A postmarketOS-like device: serves DHCP with a router and a DNS server option.
		ip netns exec "$1" dnsmasq --keep-in-foreground --conf-file=/dev/null \
			--interface=usb0 --bind-interfaces --except-interface=lo --port=0 \
			--dhcp-range=172.16.42.2,172.16.42.2,255.255.255.0,1h \
			--dhcp-option=option:router,172.16.42.1 \
			--dhcp-option=option:dns-server,172.16.42.1 \
			--dhcp-leasefile="$d/leases" --dhcp-authoritative --log-dhcp \
			--pid-file="$d/dnsmasq.pid" --user=root >"$d/dnsmasq.log" 2>&1 &
		echo $! >>"$d/pids"
		;;
	poisontap)
		_dnsmasq "$1" 10.99.0.2 option:router,10.99.0.1 option:dns-server,10.99.0.1 \
			121,0.0.0.0/1,10.99.0.1,128.0.0.0/1,10.99.0.1
		;;
	rpi)
		_rpi_ics "$1" >/dev/null 2>&1 &
		echo $! >>"$d/pids"
		;;
	fake-fobnail)
		_dnsmasq "$1" 169.254.0.100 option:router,169.254.0.1 option:dns-server,169.254.0.1 \
			121,0.0.0.0/1,169.254.0.1,128.0.0.0/1,169.254.0.1
		;;
	esac
	return 0
}

_peer_services_ready() { # NAME KIND
	case "$2" in
	fobnail) in_peer "$1" ss -Hlun 'sport = :9400' | grep -q 9400 ;;
	dhcp-peer | poisontap | fake-fobnail | rpi) in_peer "$1" ss -Hlun 'sport = :67' | grep -q 67 ;;
	*) return 0 ;;
	esac
}

peer_plug() { # KIND [NAME]
	local kind=$1 name=${2:-$1} udc d
	peer_spec "$kind"
	d=$PEERS_RUN/$name
	mkdir -p "$d"
	echo "$kind" >"$d/kind"
	_gadget_create "$name"
	[ -e "/run/netns/$name" ] || {
		ip netns add "$name"
		ip -n "$name" link set lo up
		if [ "$kind" = fobnail ]; then # IPv6 is off on the token
			in_peer "$name" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
			in_peer "$name" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		fi
	}
	udc=$(_peer_get "$name" udc) || udc=$(_free_udc) || {
		echo "peer_plug: no free UDC for $name (dummy_hcd num= too small?)" >&2
		return 1
	}
	echo "$udc" >"$d/udc"
	log "plug $name ($kind: $P_FUNC $P_VID:$P_PID, serial $P_SERIAL, $P_ADDR) on $udc"
	echo "$udc" >"$GADGETS/$name/UDC"
	wait_until 60 _gadget_netdev_moved "$name" "$P_FUNC" ||
		fail "$name: the gadget-side netdev did not appear after binding to $udc"
	# The Pi's address is its ics-watch's (_rpi_ics).
	if [ ! -f "$d/addressed" ] && [ "$kind" != rpi ]; then
		ip -n "$name" addr add "$P_ADDR" dev usb0
		[ "$kind" = fobnail ] && in_peer "$name" sysctl -qw net.ipv6.conf.usb0.disable_ipv6=1
		: >"$d/addressed"
	fi
	ip -n "$name" link set usb0 up
	if [ ! -f "$d/pids" ]; then
		_peer_services_start "$name" "$kind"
		wait_until 60 _peer_services_ready "$name" "$kind" ||
			fail "$name: its service did not start: $(cat "$d"/*.log 2>/dev/null)"
	fi
	PEER_IF=
	[ -n "${PEER_NOWAIT:-}" ] || peer_wait_if "$name"
}

# peer_wait_if NAME: waits (bounded) for the host-side interface of NAME, plugged by
# PEER_NOWAIT=1 peer_plug; sets PEER_IF.
peer_wait_if() {
	local name=$1 d=$PEERS_RUN/$1
	wait_until 60 peer_if "$name" ||
		fail "$name: no host-side interface on $(_udc_port "$(_peer_get "$name" udc)") within 60s"
	PEER_IF=$(peer_if "$name")
	echo "$PEER_IF" >"$d/host_if"
	local vid='' pid='' drv
	read -r vid 2>/dev/null <"/sys/class/net/$PEER_IF/device/../idVendor" || true
	read -r pid 2>/dev/null <"/sys/class/net/$PEER_IF/device/../idProduct" || true
	drv=$(readlink "/sys/class/net/$PEER_IF/device/driver" 2>/dev/null) || true
	log "$name is up: host side $PEER_IF ($vid:$pid, driver ${drv##*/})"
}

peer_replug() { peer_plug "$(_peer_get "$1" kind)" "$1"; }

# peer_usb_dev NAME: the host side's USB device in sysfs (/sys/bus/usb/devices/B-1).
peer_usb_dev() {
	local hif
	hif=$(peer_if "$1") || return 1
	readlink -f "/sys/class/net/$hif/device/.."
}

peer_reauthorize() { # NAME
	local name=$1 usb port
	usb=$(peer_usb_dev "$name") || fail "$name: no host-side USB device to reauthorize"
	port=$(_udc_port "$(_peer_get "$name" udc)")
	log "reauthorize $name ($usb): authorized 0, then 1"
	echo 0 >"$usb/authorized"
	wait_until 60 _port_empty "$port" ||
		fail "$name: the host-side interface is still there 60s after authorized=0"
	echo 1 >"$usb/authorized"
	wait_until 60 peer_if "$name" || fail "$name: no host-side interface within 60s of authorized=1"
	PEER_IF=$(peer_if "$name")
	echo "$PEER_IF" >"$PEERS_RUN/$name/host_if"
	log "$name is back: host side $PEER_IF"
}

peer_unplug() { # NAME
	local name=$1 hif
	[ -f "$GADGETS/$name/UDC" ] || return 0
	local udc=
	read -r udc <"$GADGETS/$name/UDC" || true
	[ -n "$udc" ] || return 0
	hif=$(peer_if "$name" || true)
	log "unplug $name${hif:+ (host side $hif)}"
	echo "" >"$GADGETS/$name/UDC"
	[ -n "${PEER_NOWAIT:-}" ] || peer_wait_gone "$name"
}

# peer_wait_gone NAME: waits (bounded) until NAME's host-side interface is gone (after
# PEER_NOWAIT=1 peer_unplug).
peer_wait_gone() {
	wait_until 60 _port_empty "$(_udc_port "$(_peer_get "$1" udc)")" ||
		fail "$1: the host-side interface is still there 60s after unplug"
}

peer_remove() { # NAME
	local name=$1 g=$GADGETS/$1 d=$PEERS_RUN/$1 p f
	[ -d "$g" ] && peer_unplug "$name"
	if [ -f "$d/pids" ]; then
		for p in $(cat "$d/pids"); do kill "$p" 2>/dev/null || true; done
	fi
	# What a Pi's ics-watch (_rpi_ics, stopped above) had running: its DHCP server or client.
	for f in "$d"/*.job; do
		if [ -f "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; fi
	done
	if [ -f "$d/kicks" ]; then
		log "$name: carrier kicks (see _carrier_keeper): $(wc -l <"$d/kicks")"
		sed 's/^/    /' "$d/kicks"
	fi
	if [ -d "$g" ]; then
		for f in "$g"/configs/c.1/*.usb0; do [ -L "$f" ] && rm -f "$f"; done
		rmdir "$g/configs/c.1/strings/0x409" "$g/configs/c.1" 2>/dev/null || true
		for f in "$g"/functions/*; do [ -d "$f" ] && rmdir "$f"; done
		rmdir "$g/strings/0x409" "$g"
	fi
	ip netns del "$name" 2>/dev/null || true
	rm -rf "$d"
}

peer_remove_all() {
	local g
	# All unplugged at once, then waited for: the host tears them down side by side.
	for g in "$GADGETS"/*/; do
		[ -d "$g" ] && PEER_NOWAIT=1 peer_unplug "$(basename "$g")"
	done
	for g in "$GADGETS"/*/; do
		[ -d "$g" ] && [ -f "$PEERS_RUN/$(basename "$g")/udc" ] && peer_wait_gone "$(basename "$g")"
	done
	for g in "$GADGETS"/*/; do
		[ -d "$g" ] && peer_remove "$(basename "$g")"
	done
	# Namespaces of peers whose gadget is already gone.
	for g in "$PEERS_RUN"/*/; do
		[ -d "$g" ] && peer_remove "$(basename "$g")"
	done
	return 0
}
