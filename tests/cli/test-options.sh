#!/usr/bin/env bash
# The options every command shares (issue 15): -h -v -q -j where they make sense, `help CMD`,
# common options before or after the command, and a wrong option named alone with a pointer to
# the command's --help (not the whole usage). As a user, no root: nothing here changes the
# network.
set -u
bin=${USBNET_HOST:?USBNET_HOST must name the built usbnet-host}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.conf"
export USBNET_HOST_RUN_DIR=$tmp/run USBNET_HOST_CONFIG=$tmp/empty.conf
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
# run STATUS DESCRIPTION CMD...: CMD exits STATUS; its output in $out, $err.
run() {
	local want=$1 what=$2 got
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	[ "$got" = "$want" ] || fail "$what: exit $got, expected $want; stderr: $err"
	[ "$got" = "$want" ]
}

cmds=$("$bin" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
[ -n "$cmds" ] || fail "--help lists no command"

for c in $cmds; do
	run 0 "$c --help" "$bin" "$c" --help || continue
	long=$out
	run 0 "$c -h" "$bin" "$c" -h && [ "$out" = "$long" ] || fail "$c -h differs from $c --help"
	run 0 "help $c" "$bin" help "$c" && [ "$out" = "$long" ] || fail "help $c differs from $c --help"
	run 0 "-h $c (before the command)" "$bin" -h "$c" && [ "$out" = "$long" ] ||
		fail "-h $c differs from $c --help"
	# A misspelled option: one line naming it, one pointing to --help; not the usage.
	if run 2 "$c --frobnicate" "$bin" "$c" --frobnicate; then
		[ "$(wc -l <<<"$err")" = 2 ] || fail "$c --frobnicate: not two lines: $err"
		grep -qF -- "'--frobnicate'" <<<"$err" || fail "$c --frobnicate: the option is not named: $err"
		grep -qF -- "Try 'usbnet-host $c --help'" <<<"$err" || fail "$c --frobnicate: no pointer to --help: $err"
		[ -z "$out" ] || fail "$c --frobnicate printed on stdout"
	fi
done

# Short options: an unknown one named alone.
run 2 "up -x" "$bin" up -x && grep -qF -- "unknown option '-x'" <<<"$err" || fail "up -x: $err"
run 2 "list --config (no argument)" "$bin" list --config &&
	grep -qF -- "option '--config' needs an argument" <<<"$err" || fail "list --config: $err"
run 2 "list --verbose=2" "$bin" list --verbose=2 &&
	grep -qF -- "'--verbose' takes no argument" <<<"$err" || fail "list --verbose=2: $err"
run 2 "list --json=yaml" "$bin" list --json=yaml &&
	grep -qF -- "'yaml' is not short, pretty or off" <<<"$err" || fail "list --json=yaml: $err"
run 2 "help nosuch" "$bin" help nosuch && grep -qF "unknown command 'nosuch'" <<<"$err" ||
	fail "help nosuch: $err"
run 0 "help" "$bin" help && grep -q "^Commands:" <<<"$out" || fail "help: no command list"

# -j, --json=short, --json=pretty: the same JSON; short is one line, pretty indented.
run 0 "list --json" "$bin" list --json && short=$out
run 0 "list -j (stdout not a terminal: short)" "$bin" list -j && [ "$out" = "$short" ] ||
	fail "list -j off a terminal is not --json=short"
run 0 "list --json=short" "$bin" list --json=short && [ "$out" = "$short" ] || fail "--json=short differs"
run 0 "list --json=pretty" "$bin" list --json=pretty
[ "$(tr -d ' \n' <<<"$out")" = "$(tr -d ' \n' <<<"$short")" ] || fail "--json=pretty is not the same JSON: $out"
run 0 "list --json=off" "$bin" list --json=off && [ "${out:0:1}" != "[" ] || fail "--json=off printed JSON"

# Common options before the command: the same as after it.
run 0 "list --json" "$bin" list --json --config "$tmp/empty.conf" && after=$out
run 0 "--json --config FILE list" "$bin" --json --config "$tmp/empty.conf" list &&
	[ "$out" = "$after" ] || fail "options before the command: '$out', after: '$after'"
run 0 "-v -q list -j" "$bin" -v -q list -j && [ "$out" = "$short" ] || fail "-v -q list -j: $out"
run 2 "--config without its file, before the command" "$bin" --config
run 2 "--frob before the command" "$bin" --frob list && grep -qF "usbnet-host list: unknown option '--frob'" <<<"$err" ||
	fail "--frob list: $err"
printf '[peer x]\nusb=1234:4321\naddress=nonsense\n' >"$tmp/broken.conf"
run 2 "--config BROKEN before the command is read" "$bin" --config "$tmp/broken.conf" list &&
	grep -qF "broken.conf:3" <<<"$err" || fail "--config before list was not used: $err"
# The options of one command are its own: --json is not up's.
run 2 "--json up" "$bin" --json up lo && grep -qF "up: unknown option '--json'" <<<"$err" || fail "--json up: $err"

# Every option --help shows is in the man page's and completion's lists (test-man and
# test-completion check that); here: the short ones exist where --help says.
for c in list show discover; do
	"$bin" "$c" --help | grep -q -- "-j" || fail "$c --help does not show -j"
done

# Not root: the message names the missing privilege first. A run directory in a directory
# that is not the user's; as root the command runs as nobody (setpriv).
mkdir -p "$tmp/rootonly" && chmod 755 "$tmp/rootonly" "$tmp"
as_user=() ubin=$bin USER_ENV=()
if [ "$(id -u)" = 0 ]; then
	# nobody may not reach the build tree: a copy it can (tests/cli/helpers/user-copy.sh)
	. "$(dirname "$0")/helpers/user-copy.sh"
	user_copy "$tmp/ucopy" || fail "cannot copy the binary for nobody"
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups) ubin=$USER_BIN
fi
run 1 "up as a user" env "${USER_ENV[@]}" USBNET_HOST_RUN_DIR="$tmp/rootonly/run" "${as_user[@]}" "$ubin" up lo --force --address 10.99.0.1/24 &&
	grep -q "^usbnet-host: run it as root (CAP_NET_ADMIN): " <<<"$err" || fail "up as a user: $err"
[ ! -e "$tmp/rootonly/run" ] || fail "up as a user made the run directory"

[ "$fails" = 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "options: -h -j -v -q, help CMD, common options before the command, wrong options named alone"
