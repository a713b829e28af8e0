# shellcheck shell=bash
# The systemd unit's sandbox without systemd as PID 1 (the testbed guest has none): read from
# the unit file as installed, reproduced with unshare (a mount namespace) and setpriv. Sourced
# by the scenarios that run usbnet-host as its unit would (40, 41).
#
#   unit_path                  the installed usbnet-host.service (the first of the unit
#                              directories that holds it)
#   unit_get FILE KEY          KEY='s value in [Service] (the last assignment; "" resets)
#   unit_list FILE KEY         the same for a list key: assignments add up, "" resets
#   unit_exec FILE KEY         ExecStart=/ExecReload='s command line, without its prefixes
#   unit_start_pre FILE        runs ExecStartPre='s commands as systemd would before the
#                              sandbox ('+': with full privileges, outside it; '-': a failure
#                              ignored); unit_sandbox runs it first
#   unit_check_known FILE      fails when [Service] holds a key this file neither reproduces
#                              nor lists as not reproducible: a new setting is never untested
#   unit_sandbox FILE CMD...   runs CMD in the sandbox (exec: the pid is CMD's)
#
# Reproduced: CapabilityBoundingSet= (setpriv --bounding-set), NoNewPrivileges= (setpriv
# --no-new-privs), ProtectSystem= (strict: every mount but /proc, /sys, /dev read-only; full and
# yes: /usr, /boot, /efi, and /etc for full), ReadWritePaths= (bound writable again; '-': not
# when absent), ExecStartPre= (unit_start_pre),
# RuntimeDirectory= (made 0755 before), PrivateTmp= (a tmpfs on /tmp and /var/tmp), ProtectHome=
# (empty read-only tmpfs on /home, /root, /run/user), ProtectControlGroups= (/sys/fs/cgroup
# read-only), ProtectKernelModules= (/lib/modules hidden), ProtectKernelTunables= (/proc/sys
# read-only), PrivateMounts= (the mount namespace, propagation slave).
# Not reproducible without systemd (seccomp and personality filters it installs itself):
# SystemCallFilter=, SystemCallArchitectures=, RestrictAddressFamilies=, MemoryDenyWriteExecute=,
# LockPersonality=, RestrictNamespaces=, RestrictRealtime=, RestrictSUIDSGID=, ProtectClock=,
# ProtectHostname=, ProtectKernelLogs=. Each is logged as such.

UNIT_REPRODUCED="CapabilityBoundingSet NoNewPrivileges ProtectSystem ReadWritePaths RuntimeDirectory
RuntimeDirectoryPreserve PrivateTmp ProtectHome ProtectControlGroups ProtectKernelModules
ProtectKernelTunables PrivateMounts"
UNIT_NOT_REPRODUCIBLE="SystemCallFilter SystemCallArchitectures RestrictAddressFamilies
MemoryDenyWriteExecute LockPersonality RestrictNamespaces RestrictRealtime RestrictSUIDSGID
ProtectClock ProtectHostname ProtectKernelLogs"
UNIT_NOT_SANDBOX="Type ExecStartPre ExecStart ExecReload Restart RestartSec"

unit_path() {
	local d
	for d in /etc/systemd/system /usr/local/lib/systemd/system /lib/systemd/system /usr/lib/systemd/system; do
		[ -f "$d/usbnet-host.service" ] && { echo "$d/usbnet-host.service"; return 0; }
	done
	return 1
}

_unit_service_lines() { # FILE: KEY=VALUE lines of [Service], comments and blanks left out
	awk '/^[[:space:]]*[#;]/ || /^[[:space:]]*$/ { next }
	     /^\[/ { sec = $0; next }
	     sec == "[Service]" { print }' "$1"
}

unit_get() {
	_unit_service_lines "$1" | awk -v k="$2" 'index($0, k "=") == 1 { v = substr($0, length(k) + 2) } END { print v }'
}

unit_list() {
	_unit_service_lines "$1" | awk -v k="$2" 'index($0, k "=") == 1 {
		v = substr($0, length(k) + 2); acc = (v == "" ? "" : (acc == "" ? v : acc " " v)) } END { print acc }'
}

unit_exec() {
	unit_get "$1" "$2" | sed -E 's/^[-@+!:]+//'
}

unit_check_known() {
	local key bad=
	for key in $(_unit_service_lines "$1" | cut -d= -f1 | sort -u); do
		case " $(echo $UNIT_REPRODUCED $UNIT_NOT_REPRODUCIBLE $UNIT_NOT_SANDBOX) " in
		*" $key "*) ;;
		*) bad="$bad $key" ;;
		esac
	done
	[ -z "$bad" ] || { echo "keys of [Service] the sandbox does not know:$bad"; return 1; }
}

_yes() { case "$1" in yes | true | on | 1) return 0 ;; esac; return 1; }

# The shell text that sets the mount namespace up (run as full root inside unshare -m).
_unit_mount_setup() { # FILE
	local f=$1 ps rw p
	ps=$(unit_get "$f" ProtectSystem)
	rw=$(unit_list "$f" ReadWritePaths)
	echo 'set -e'
	for p in $rw; do
		case $p in
		-*) echo "[ ! -e '${p#-}' ] || mount --bind '${p#-}' '${p#-}'" ;;
		*) echo "mount --bind '$p' '$p'" ;;
		esac
	done
	case $ps in
	strict)
		# every mount point but the API file systems and the writable paths, read-only
		echo 'awk '\''{ print $5 }'\'' /proc/self/mountinfo | while read -r m; do'
		echo '  case "$m" in /proc | /proc/* | /sys | /sys/* | /dev | /dev/*) continue ;; esac'
		for p in $rw; do
			p=${p#-}
			echo "  case \"\$m\" in '$p' | '$p'/*) continue ;; esac"
		done
		echo '  mount -o remount,bind,ro "$m" 2>/dev/null || true'
		echo 'done'
		;;
	full | yes | true)
		for p in /usr /boot /efi $([ "$ps" = full ] && echo /etc); do
			echo "[ -d '$p' ] && mount --bind '$p' '$p' && mount -o remount,bind,ro '$p' || true"
		done
		;;
	esac
	if _yes "$(unit_get "$f" PrivateTmp)"; then
		echo 'mount -t tmpfs -o mode=1777 tmpfs /tmp'
		echo '[ -d /var/tmp ] && mount -t tmpfs -o mode=1777 tmpfs /var/tmp || true'
	fi
	case $(unit_get "$f" ProtectHome) in
	yes | true | read-only | tmpfs)
		for p in /home /root /run/user; do
			echo "[ -d '$p' ] && mount -t tmpfs -o ro,mode=0755 tmpfs '$p' || true"
		done
		;;
	esac
	_yes "$(unit_get "$f" ProtectControlGroups)" &&
		echo 'mountpoint -q /sys/fs/cgroup && mount -o remount,bind,ro /sys/fs/cgroup || true'
	if _yes "$(unit_get "$f" ProtectKernelModules)"; then
		for p in /lib/modules /usr/lib/modules; do
			echo "[ -d '$p' ] && mount -t tmpfs -o ro,mode=0755 tmpfs '$p' || true"
		done
	fi
	_yes "$(unit_get "$f" ProtectKernelTunables)" &&
		echo 'mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys'
	echo 'set +e'
}

# setpriv's arguments for the capabilities and no_new_privs.
_unit_setpriv_args() { # FILE
	local f=$1 caps c list=-all
	caps=$(unit_list "$f" CapabilityBoundingSet)
	if [ -n "$caps" ]; then
		for c in $caps; do
			c=${c#CAP_}
			list="$list,+${c,,}"
		done
		printf -- '--bounding-set=%s --inh-caps=-all ' "$list"
	fi
	_yes "$(unit_get "$f" NoNewPrivileges)" && printf -- '--no-new-privs '
	return 0
}

unit_sandbox_log() { # FILE: what is reproduced and what is not, for the scenario's log
	local f=$1 k
	for k in $UNIT_REPRODUCED; do
		[ -n "$(unit_list "$f" "$k")" ] && log "sandbox: $k=$(unit_list "$f" "$k") (reproduced)"
	done
	for k in $UNIT_NOT_REPRODUCIBLE; do
		[ -n "$(unit_list "$f" "$k")" ] && log "sandbox: $k=$(unit_list "$f" "$k") (not reproducible without systemd)"
	done
	return 0
}

unit_start_pre() { # FILE
	local line cmd prefix lines
	# Not a process substitution: the guest has no /dev/fd.
	lines=$(_unit_service_lines "$1" | awk 'index($0, "ExecStartPre=") == 1 { print substr($0, 14) }')
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		cmd=$(printf '%s\n' "$line" | sed -E 's/^[-@+!:]+//')
		prefix=${line%%"$cmd"}
		case $prefix in
		*+*) ;;
		*) echo "unit_start_pre: only '+' commands are reproduced: $line" >&2 && return 1 ;;
		esac
		# shellcheck disable=SC2086 # the command line is words, as systemd splits it
		if ! $cmd; then
			case $prefix in *-*) ;; *) return 1 ;; esac
		fi
	done <<<"$lines"
}

unit_sandbox() { # FILE CMD...
	local f=$1 rd
	shift
	unit_start_pre "$f" || return 1
	rd=$(unit_get "$f" RuntimeDirectory)
	[ -n "$rd" ] && mkdir -p -m 0755 "/run/$rd"
	# shellcheck disable=SC2046 # setpriv's arguments are words
	exec unshare -m --propagation slave -- bash -c "$(_unit_mount_setup "$f")
exec setpriv $(_unit_setpriv_args "$f") -- \"\$@\"" sh "$@"
}
