#!/usr/bin/env bash
# The bash completion: sourced into bash, `usbnet-host <Tab>` offers every subcommand,
# `usbnet-host up --<Tab>` up's options, and interface names come from `usbnet-host list`
# quoted for the command line, whatever bytes they hold (a name is never expanded or globbed).
set -u
bin=${USBNET_HOST:?USBNET_HOST must name the built usbnet-host}
src=${USBNET_SRC:?USBNET_SRC must name the source tree}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# complete WORD... : the completions bash offers for the command line "WORD... " with the
# cursor on the last word (give "" for an empty one), one per line.
complete_line() {
	PATH=$path bash --norc --noprofile -c '
		. "$1/completion/usbnet-host.bash" || exit 1
		shift
		complete -p usbnet-host | grep -q -- "-F _usbnet_host" || exit 1
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="${COMP_WORDS[*]}"
		COMP_POINT=${#COMP_LINE}
		_usbnet_host usbnet-host "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$src" "$@"
}
# offers WANT LIST: every word of WANT is a line of LIST.
offers() {
	local what=$1 want=$2 got=$3 w
	for w in $want; do
		grep -qxF -- "$w" <<<"$got" || fail "$what: '$w' not offered (offered: $(echo $got))"
	done
}

# Process substitution needs /dev/fd, which minimal systems (the testbed guest) lack.
grep -n '<(' "$src/completion/usbnet-host.bash" &&
	fail "the completion uses process substitution"

mkdir "$tmp/bin"
ln -s "$bin" "$tmp/bin/usbnet-host"
path=$tmp/bin:$PATH

# Subcommands: those of the command's own --help, and those DESIGN.md and the issues add.
cmds=$("$bin" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
[ -n "$cmds" ] || fail "usbnet-host --help lists no command"
got=$(complete_line usbnet-host "")
offers "usbnet-host <Tab>" "$cmds refresh discover" "$got"
# Exactly those, and "help" (usbnet-host help COMMAND).
offers "usbnet-host <Tab>" "help" "$got"
[ "$(wc -l <<<"$got")" = "$(($(wc -w <<<"$cmds") + 1))" ] ||
	fail "usbnet-host <Tab>: expected $(echo $cmds) help, got: $(echo $got)"
got=$(complete_line usbnet-host help s)
[ "$(echo "$got" | sort | xargs)" = "$(echo "$cmds" | grep '^s' | sort | xargs)" ] || fail "usbnet-host help s<Tab>: got '$(echo $got)'"
# Common options before the command, and the command after them.
got=$(complete_line usbnet-host --q)
[ "$(echo $got)" = "--quiet" ] || fail "usbnet-host --q<Tab>: got '$(echo $got)'"
got=$(complete_line usbnet-host --config /dev/null li)
[ "$(echo $got)" = "list" ] || fail "usbnet-host --config FILE li<Tab>: got '$(echo $got)'"
got=$(complete_line usbnet-host list --json=)
offers "usbnet-host list --json=<Tab>" "--json=pretty --json=short" "$got"
got=$(complete_line usbnet-host u)
[ "$(echo $got)" = "up udev-probe udev-rules" ] || fail "usbnet-host u<Tab>: got '$(echo $got)'"
got=$(complete_line usbnet-host --verbose l)
[ "$(echo $got)" = "list" ] || fail "usbnet-host --verbose l<Tab>: got '$(echo $got)'"

# Options per subcommand: every long option of its --help, and the issues' additions for up.
for c in $cmds; do
	want=$("$bin" "$c" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u)
	got=$(complete_line usbnet-host "$c" --)
	offers "usbnet-host $c --<Tab>" "$want" "$got"
done
got=$(complete_line usbnet-host up --)
offers "usbnet-host up --<Tab>" "--address --peer --wait --force --all --gateway --uplink --dns
	--bridge --bridge-name --auto --config --run-dir --verbose --help" "$got"
got=$(complete_line usbnet-host up --b)
[ "$(echo $got)" = "--bridge --bridge-name" ] || fail "usbnet-host up --b<Tab>: got '$(echo $got)'"
got=$(complete_line usbnet-host discover --)
offers "usbnet-host discover --<Tab>" "--timeout --json" "$got"
got=$(complete_line usbnet-host list --)
grep -qxF -- --address <<<"$got" && fail "usbnet-host list --<Tab> offers up's --address"
got=$(complete_line usbnet-host up --address "")
[ -z "$got" ] || fail "usbnet-host up --address <Tab>: expected nothing, got '$(echo $got)'"
got=$(complete_line usbnet-host up --uplink l)
offers "usbnet-host up --uplink l<Tab>" "lo" "$got"

# Interface names and peer names (the last column) from `usbnet-host list`: a stand-in prints
# a table with odd names.
rm "$tmp/bin/usbnet-host"
cat >"$tmp/bin/usbnet-host" <<'STUB'
#!/bin/sh
[ "$1" = list ] || exit 2
cat <<'TABLE'
IFACE            DRIVER     PROTO  USB-ID    PRODUCT              PROFILE      MODE      STATE        HOST               PEER            NAME
enx9a6b4c3d2e1f  cdc_ether  ecm    0421:01c8 N900                 n900         static    unconfigured -                  -               n900-snn900b
usb0             cdc_eem    eem    1234:4321 Fobnail              fobnail      static    configured   169.254.0.8/16     169.254.0.1     fobnail-0123456789
u$(touch${IFS}pwned)  cdc_eem    eem    1234:4321 -       -            ignore    unconfigured -                  -               -
u*               cdc_eem    eem    1234:4321 -                    -            ignore    unconfigured -                  -               -
u'q"\x           cdc_eem    eem    1234:4321 -                    -            ignore    unconfigured -                  -               -
TABLE
STUB
chmod +x "$tmp/bin/usbnet-host"
: >"$tmp/ux-glob-bait"
got=$(cd "$tmp" && complete_line usbnet-host up "")
want=$(printf '%q\n' enx9a6b4c3d2e1f n900-snn900b usb0 fobnail-0123456789 'u$(touch${IFS}pwned)' \
	'u*' "u'q\"\\x")
[ "$got" = "$want" ] || fail "usbnet-host up <Tab> with odd names: got
$got
expected
$want"
[ -e "$tmp/pwned" ] && fail "an interface name was executed"
got=$(complete_line usbnet-host show us)
[ "$got" = usb0 ] || fail "usbnet-host show us<Tab>: got '$(echo $got)'"
got=$(complete_line usbnet-host down --all "")
offers "usbnet-host down <Tab>" "usb0" "$got"
# No peers: nothing offered, no error.
printf '#!/bin/sh\necho "No USB network peers found."\n' >"$tmp/bin/usbnet-host"
got=$(complete_line usbnet-host up "")
[ -z "$got" ] || fail "usbnet-host up <Tab> without peers: got '$(echo $got)'"

if [ "$fails" -gt 0 ]; then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "completion: subcommands, options per subcommand, interface names (odd ones quoted, never expanded)"
