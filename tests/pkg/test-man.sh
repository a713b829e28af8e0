#!/usr/bin/env bash
# The man pages: both render with groff -ww and with man -l without a single warning, and they
# document what the code has: every subcommand and long option the command's --help shows,
# every configuration group and key lib/peer/config.c accepts, every environment variable the
# code reads, the exit statuses of cli/cli.h. The configuration examples of
# usbnet-host.conf(5) and README.md are accepted by the command.
set -u
bin=${USBNET_HOST:?USBNET_HOST must name the built usbnet-host}
man_dir=${USBNET_MAN_DIR:?USBNET_MAN_DIR must name docs/ in the build tree}
src=${USBNET_SRC:?USBNET_SRC must name the source tree}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

page8=$man_dir/usbnet-host.8
page5=$man_dir/usbnet-host.conf.5
for page in "$page8" "$page5"; do
	[ -s "$page" ] || {
		fail "$page was not generated"
		continue
	}
	name=$(basename "$page")
	# All warnings on (-ww); any line on stderr is a failure.
	if ! groff -ww -man -Tutf8 "$page" >"$tmp/$name.txt" 2>"$tmp/$name.err"; then
		fail "groff -ww -man exits non-zero on $name"
	fi
	if [ -s "$tmp/$name.err" ]; then
		fail "groff -ww -man warns on $name:"
		sed 's/^/  /' "$tmp/$name.err" >&2
	fi
	groff -ww -mandoc -Tutf8 "$page" >/dev/null 2>"$tmp/$name.err2"
	if [ -s "$tmp/$name.err2" ]; then
		fail "groff -ww -mandoc warns on $name:"
		sed 's/^/  /' "$tmp/$name.err2" >&2
	fi
	if command -v man >/dev/null; then
		MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings=w -l "$page" >"$tmp/$name.man" \
			2>"$tmp/$name.merr" </dev/null
		[ -s "$tmp/$name.merr" ] && {
			fail "man -l warns on $name:"
			sed 's/^/  /' "$tmp/$name.merr" >&2
		}
		[ -s "$tmp/$name.man" ] || fail "man -l renders nothing for $name"
	else
		fail "man (man-db) is not installed"
	fi
	# No markup left unconverted (a stray scdoc '*' or '_' shows as text).
	if grep -nE '(^|[[:space:]])\*[A-Za-z-]|[A-Za-z]\*($|[[:space:]])|_[A-Z]+_([^A-Z]|$)' \
		"$tmp/$name.txt" >"$tmp/stray"; then
		fail "$name shows scdoc markup as text:"
		sed 's/^/  /' "$tmp/stray" >&2
	fi
	grep -q '@[A-Z_]*@' "$page" && fail "$name has an unsubstituted @VARIABLE@"
done
# The text to grep: wide lines, no hyphenation, no overstriking.
plain() { groff -man -Tutf8 -P-cbou -rLL=250n -rHY=0 "$1" 2>/dev/null; }
text8=$(plain "$page8")
text5=$(plain "$page5")

has8() { grep -qF -- "$1" <<<"$text8" || fail "usbnet-host(8) does not mention '$1' ($2)"; }
has5() { grep -qF -- "$1" <<<"$text5" || fail "usbnet-host.conf(5) does not mention '$1' ($2)"; }

# Every subcommand of the command's own help, and the ones DESIGN.md and the issues add.
cmds=$("$bin" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
[ -n "$cmds" ] || fail "usbnet-host --help lists no command"
for c in $cmds refresh discover; do
	grep -qE "^ {0,8}usbnet-host $c( |$)" <<<"$text8" || fail "usbnet-host(8) SYNOPSIS lacks '$c'"
	grep -qE "^ {7}$c( |$)" <<<"$text8" || fail "usbnet-host(8) COMMANDS lacks an entry for '$c'"
done
# Every long option each subcommand's --help names (and those of gateway, bridge, discovery).
for c in $cmds; do
	for o in $("$bin" "$c" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
		has8 "$o" "in '$c --help'"
	done
done
for o in --gateway --uplink --dns --bridge --bridge-name --auto --timeout --down-on-exit; do
	has8 "$o" "an option of the issues"
done
# Exit statuses: every EXIT_* of cli/cli.h, as a numbered entry of EXIT STATUS.
exits=$(sed -n '/^# EXIT STATUS/,/^# ENVIRONMENT/p' "$src/docs/usbnet-host.8.scd")
for n in $(sed -n 's/^\s*EXIT_[A-Z_]* = \([0-9]\+\),.*/\1/p' "$src/cli/cli.h"); do
	grep -qx "\*$n\*" <<<"$exits" || fail "usbnet-host(8) EXIT STATUS lacks $n"
done
# Environment: every variable the code reads.
for v in $(grep -rhoE '(secure_)?getenv\("[A-Z_]+"\)' "$src/lib" "$src/cli" | sed 's/.*("\(.*\)")/\1/' | sort -u); do
	grep -A40 '^ENVIRONMENT' <<<"$text8" | grep -qF "$v" ||
		fail "usbnet-host(8) ENVIRONMENT lacks $v (the code reads it)"
done
for f in /etc/usbnet-host/usbnet-host.conf /run/usbnet-host 85-usbnet-host.rules usbnet-host.service \
	usbnet-host-untrusted-peer.nmconnection dispatcher.d networkmanager.so; do
	has8 "$f" "FILES"
done
for e in 192.168.2.14 192.168.2.15 169.254.0.8 169.254.0.1 "--gateway --dns" "--bridge --uplink"; do
	has8 "$e" "EXAMPLES"
done

# Every group and key lib/peer/config.c accepts.
keys=$(sed -n '/^static const char \*const \(general\|peer\)_keys/,/};/p' "$src/lib/peer/config.c" |
	grep -oE '"[a-z]+"' | tr -d '"')
[ "$(wc -w <<<"$keys")" -ge 10 ] || fail "could not read the keys of lib/peer/config.c"
for k in $keys; do
	grep -qE "^ {7}$k=" <<<"$text5" || fail "usbnet-host.conf(5) has no entry for the key '$k='"
done
has5 "[general]" "group"
has5 "[peer NAME]" "group"
for m in static gateway bridge dhcp ignore auto; do
	grep -qF "$m" <<<"$text5" || fail "usbnet-host.conf(5) does not name mode $m"
done

# The configuration examples are valid configuration.
awk -v dir="$tmp" '
	/^# EXAMPLES/ { on = 1 }
	/^# / && !/^# EXAMPLES/ { on = 0 }
	on && /^```/ { if (inblk) { inblk = 0; close(f) } else { inblk = 1; f = dir "/example" ++n ".conf" }; next }
	inblk { print > f }
' "$src/docs/usbnet-host.conf.5.scd"
n=0
for ex in "$tmp"/example*.conf; do
	[ -e "$ex" ] || break
	n=$((n + 1))
	USBNET_HOST_RUN_DIR=$tmp/run "$bin" list --config "$ex" >"$tmp/out" 2>&1 ||
		fail "example $(basename "$ex") of usbnet-host.conf(5) is refused: $(cat "$tmp/out")"
done
[ "$n" -ge 5 ] || fail "found $n configuration examples in usbnet-host.conf(5), expected at least 5"
# And the README's.
awk '/^```ini$/ { on = 1; next } on && /^```$/ { on = 0 } on' "$src/README.md" >"$tmp/readme.conf"
[ -s "$tmp/readme.conf" ] || fail "no \`\`\`ini block in README.md"
USBNET_HOST_RUN_DIR=$tmp/run "$bin" list --config "$tmp/readme.conf" >"$tmp/out" 2>&1 ||
	fail "README.md's configuration example is refused: $(cat "$tmp/out")"

if [ "$fails" -gt 0 ]; then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "man pages: both render without warnings; subcommands, options, keys, environment, exit statuses documented; $n configuration examples accepted"
