#!/bin/bash
# Scenario 14: the Debian packages, installed as a user installs them. The guest normally has
# the build tree's `cmake --install`; this scenario takes that away (every file of the build
# tree's install_manifest.txt), installs BUILD/deb/*.deb (scripts/deb BUILD builds them;
# scripts/test does before the VM suite) with `dpkg -i`, and checks that the package put
# everything in place. The packaged watcher is started as its unit would start it (its
# ExecStart; the guest has no systemd), a Fobnail token is plugged: the packaged udev rule tags
# it (USBNET_HOST_MODE=static, NM_UNMANAGED=1) and the packaged watcher configures it
# (169.254.0.8/16, it answers ping). Then `dpkg -r` (the watcher stopped first, as the unit's
# prerm stop would): no file the packages listed (`dpkg -L` before removal) is left but the
# conffile, no udev rule, no run directory, and the token's address is gone (prerm undid it);
# `dpkg -P`: the conffile and every trace of the packages go.
# On exit, whatever happened, the packages are purged and the `cmake --install` is put back
# for the scenarios after this one.
. "$TESTBED_VM_DIR/lib/testbed.sh"

pkgs=(usbnet-host libusbnet-host0 libusbnet-host0-nm libusbnet-host-dev)
debdir=${TESTBED_BUILD:?the testbed was given no --build-dir}/deb
manifest=$TESTBED_BUILD/install_manifest.txt
files=$TESTBED_RUN/deb-files
conffiles=$TESTBED_RUN/deb-conffiles

restore_cmake_install() {
	set +e
	trap - ERR
	watch_stop
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'installed\|config-files' &&
			dpkg -P "$p" >/dev/null 2>&1
	done
	cmake --install "$TESTBED_BUILD" >/dev/null 2>&1 || echo "could not put the cmake --install back"
	ldconfig
	udevadm control --reload
}
trap restore_cmake_install EXIT

debs=()
for p in "${pkgs[@]}"; do
	d=$(ls "$debdir/${p}"_*.deb 2>/dev/null | head -n1) || true
	[ -n "$d" ] || fail "no $p package in $debdir: build them with scripts/deb $TESTBED_BUILD (scripts/test does)"
	debs+=("$d")
done
log "packages: ${debs[*]##*/}"

step "take away what cmake --install put in the guest"
[ -s "$manifest" ] || fail "no $manifest: the guest did not run cmake --install"
n=0
while IFS= read -r f; do
	rm -f "$f" && n=$((n + 1))
done <"$manifest"
# No ldconfig here (slow over 9p): a stale cache entry for a removed library is skipped by
# the loader, and dpkg's libc-bin trigger runs ldconfig anyway.
udevadm control --reload
ok "removed the $n files of $manifest"
assert_not_cmd "no usbnet-host command left" command -v usbnet-host
assert_eq "usbnet-host udev rules left" "" "$(usbnet_udev_rules)"

step "dpkg -i"
# man-db rebuilds its whole index after every install (a minute under emulation); the test
# is not about man-db. The guest's /var/lib is its own overlay.
rm -f /var/lib/man-db/auto-update
_now && t0=$NOW
out=$(dpkg -i "${debs[@]}" 2>&1) || fail "dpkg -i failed: $out"
echo "$out" | sed 's/^/    /'
_now && _fmt took $((NOW - t0)) && log "dpkg -i took ${took}s"
for p in "${pkgs[@]}"; do
	assert_match "dpkg: $p" '^install ok installed$' "$(dpkg-query -W -f='${Status}' "$p")"
done
# Every file (not directory) the packages own, and the conffiles, before they go.
dpkg -L "${pkgs[@]}" | while IFS= read -r f; do
	[ -d "$f" ] || echo "$f"
done | sort -u >"$files"
dpkg-query -W -f='${Conffiles}\n' "${pkgs[@]}" | awk 'NF { print $1 }' >"$conffiles"
log "the packages own $(wc -l <"$files") files; conffiles: $(tr '\n' ' ' <"$conffiles")"
missing=$(while IFS= read -r f; do if [ ! -e "$f" ] && [ ! -L "$f" ]; then echo "$f"; fi; done <"$files")
assert_eq "files of dpkg -L missing on disk" "" "$missing"
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
for f in /usr/bin/usbnet-host /lib/udev/rules.d/85-usbnet-host.rules \
	/lib/systemd/system/usbnet-host.service \
	/usr/lib/NetworkManager/system-connections/usbnet-host-untrusted-peer.nmconnection \
	/etc/usbnet-host/usbnet-host.conf /usr/share/man/man8/usbnet-host.8.gz \
	/usr/share/man/man5/usbnet-host.conf.5.gz /usr/share/bash-completion/completions/usbnet-host \
	"/usr/lib/$arch/libusbnet-host.so.0" "/usr/lib/$arch/usbnet-host/networkmanager.so" \
	/usr/include/usbnet-host/usbnet.h "/usr/lib/$arch/pkgconfig/usbnet-host.pc"; do
	grep -qxF "$f" "$files" || fail "the packages do not own $f"
done
ok "binary, library, NetworkManager module, header, pc file, udev rule, unit, profile, conffile, man pages, completion in place"
assert_match "the NetworkManager module is libusbnet-host0-nm's" "^libusbnet-host0-nm(:[a-z0-9]+)?: " \
	"$(dpkg -S "/usr/lib/$arch/usbnet-host/networkmanager.so")"
for f in $(find /usr/lib/NetworkManager/dispatcher.d -name '*usbnet*' 2>/dev/null); do
	grep -qxF "$f" "$files" || fail "$f is there but no package owns it"
done
assert_eq "the command on PATH" /usr/bin/usbnet-host "$(command -v usbnet-host)"
assert_match "it runs, from the packaged library" "^usbnet-host [0-9]" "$(usbnet-host --version)"
assert_match "ldd: libusbnet-host.so.0" "libusbnet-host\.so\.0 => (/usr)?/lib/$arch/libusbnet-host\.so\.0" \
	"$(ldd /usr/bin/usbnet-host)"
assert_match "pkg-config finds the library" "^-lusbnet-host *$" "$(pkg-config --libs usbnet-host)"
assert_match "man finds usbnet-host(8)" "^/usr/share/man/man8/usbnet-host\.8\.gz$" "$(man -w usbnet-host)"
assert_match "man renders usbnet-host.conf(5)" "auto=profiles" \
	"$(MANWIDTH=80 man 5 usbnet-host.conf 2>&1 | sed 's/.\x08//g')"
assert_match "the completion completes subcommands" "discover" \
	"$(bash -c '. /usr/share/bash-completion/completions/usbnet-host; COMP_WORDS=(usbnet-host ""); COMP_CWORD=1; _usbnet_host; echo "${COMPREPLY[*]}"')"

step "the packaged watcher, started as its unit starts it"
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/usbnet-host.service)
assert_eq "the unit's ExecStart" "/usr/bin/usbnet-host watch" "$exec_start"
mkdir -p /run/usbnet-host # RuntimeDirectory=usbnet-host
wlog=$(watch_log)
echo "--- $(date +%T.%N) $exec_start" >>"$wlog"
$exec_start >>"$wlog" 2>&1 &
echo $! >"$WATCH_PIDFILE"
disown
expect_within 60 "the packaged watcher (pid $(watch_pid)) is watching" \
	grep -q 'watching for USB network peers' "$wlog"

step "plug the Fobnail token"
peer_spec fobnail
peer_plug fobnail
i=$PEER_IF
has_prop() { udevadm info -q property "/sys/class/net/$i" | grep -qxE "$1"; }
assert_cmd "the packaged rule: USBNET_HOST_MODE=static" has_prop 'USBNET_HOST_MODE=static'
assert_cmd "the packaged rule: NM_UNMANAGED=1" has_prop 'NM_UNMANAGED=1'
assert_cmd "the packaged rule: tagged for the watcher" has_prop 'TAGS=.*:usbnet-host:.*'
configured() { has_addr "$i" 169.254.0.8/16 && record_state_is "$i" configured; }
expect_within 60 "the packaged watcher configured $i with 169.254.0.8/16" configured
assert_cmd "the watcher logged it" watch_logged "$i: plugged: configured 169\.254\.0\.8"
expect_within 60 "the token answers ping at 169.254.0.1" pings 169.254.0.1

step "dpkg -r"
watch_stop # the unit's stop, which prerm asks systemd for
out=$(dpkg -r "${pkgs[@]}" 2>&1) || fail "dpkg -r failed: $out"
echo "$out" | sed 's/^/    /'
hash -r
# exists FILE: it is there (a dangling link too).
exists() { [ -e "$1" ] || [ -L "$1" ]; }
left=$(while IFS= read -r f; do
	if ! grep -qxF "$f" "$conffiles" && exists "$f"; then echo "$f"; fi
done <"$files")
assert_eq "files of the packages left after dpkg -r (conffiles aside)" "" "$left"
assert_eq "usbnet-host udev rules left" "" "$(usbnet_udev_rules)"
assert_not_cmd "no usbnet-host command left" command -v usbnet-host
assert_not_cmd "no run directory left (/run/usbnet-host)" test -e /run/usbnet-host
assert_cmd "the token's interface is still there" link_exists "$i"
assert_cmd "prerm undid the configuration: no 169.254.0.8 on $i" has_no_addr "$i" 169.254.0.8/16
assert_cmd "the conffile stays until purge" test -f /etc/usbnet-host/usbnet-host.conf

step "dpkg -P"
# What dpkg still knows after -r: the packages with conffiles (the libraries are gone).
# (dpkg-query exits 1 when it knows some of them no more.)
known=$({ dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null || true; } |
	awk '/config-files$/ { print $1 }')
assert_eq "packages left in state config-files after dpkg -r" usbnet-host "$(echo $known)"
out=$(dpkg -P $known 2>&1) || fail "dpkg -P failed: $out"
echo "$out" | sed 's/^/    /'
left=$(while IFS= read -r f; do if exists "$f"; then echo "$f"; fi; done <"$files")
assert_eq "files of the packages left after dpkg -P" "" "$left"
assert_not_cmd "no /etc/usbnet-host left" test -e /etc/usbnet-host
for p in "${pkgs[@]}"; do
	assert_eq "dpkg knows nothing of $p" "" "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -v 'not-installed' || true)"
done
# Beyond dpkg -L: what maintainer scripts make (deb-systemd-helper's enable links and state).
places=(/etc /var/lib/systemd /usr/bin /lib/udev/rules.d /lib/systemd/system /usr/lib/NetworkManager
	/usr/share/doc /usr/share/man/man5 /usr/share/man/man8 /usr/share/bash-completion/completions
	/usr/include "/usr/lib/$arch")
traces=$(find "${places[@]}" -maxdepth 4 -name '*usbnet-host*' 2>/dev/null || true)
assert_eq "files named after usbnet-host in ${places[*]}" "" "$traces"
assert_eq "dpkg's own records of the packages" "" "$(ls /var/lib/dpkg/info | grep -E '^(lib)?usbnet-host' || true)"
