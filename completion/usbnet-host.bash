# bash completion for usbnet-host(8)                                    -*- shell-script -*-
#
# Subcommands, each subcommand's options, and peer interface names and peer names from
# `usbnet-host list`.
# Needs nothing from the bash-completion package. Interface names come from the device side
# (a kernel name may hold any byte but '/', ':', white space and NUL): they never go through
# compgen -W (which expands $(...) and globs in its word list), and are quoted with printf %q.
# No process substitution: it needs /dev/fd, which a minimal system may lack.

_usbnet_host_peers()
{
	# The table's first column, after the header line; "No USB network peers found." is the
	# only line when there are none. Names cannot hold white space, so a field is a name.
	# The last column is the peer's name (usbnet-host takes it for IFACE too), "-" when none.
	local cur=$1 name line peer table named=0
	table=$(command usbnet-host list 2>/dev/null) || return 0
	[[ $table == *$'\n'* ]] || return 0
	[[ ${table%%$'\n'*} == *' NAME' ]] && named=1
	while IFS= read -r line; do
		name=${line%% *}
		peer=-
		((named)) && peer=${line##* }
		[[ -n $name && $name == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$name")")
		[[ -n $peer && $peer != - && $peer != "$name" && $peer == "$cur"* ]] &&
			COMPREPLY+=("$(printf '%q' "$peer")")
	done <<<"${table#*$'\n'}"
}

# _usbnet_host_reply TEXT: COMPREPLY from TEXT's lines (compgen's output), none when empty.
_usbnet_host_reply()
{
	COMPREPLY=()
	[[ -n $1 ]] && mapfile -t COMPREPLY <<<"$1"
}

_usbnet_host_links()
{
	local cur=$1 path name
	for path in /sys/class/net/*; do
		name=${path##*/}
		[[ -e $path && $name == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$name")")
	done
}

_usbnet_host()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands='status list show up down watch refresh discover check-config udev-probe udev-rules help'
	local common='--config --run-dir --verbose --quiet --help --version'
	local json='--json --json=pretty --json=short'
	local cmd='' i opts=''
	COMPREPLY=()

	# The first word that is not an option (nor the argument of --config or --run-dir).
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--config | --run-dir) ((i++)) ;;
		-*) ;;
		*)
			cmd=${COMP_WORDS[i]}
			break
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			# Common options go before the command too.
			_usbnet_host_reply "$(compgen -W "$common $json" -- "$cur")"
		elif [[ $prev == --config || $prev == --run-dir ]]; then
			compopt -o filenames 2>/dev/null
			_usbnet_host_reply "$(compgen -f -- "$cur")"
		else
			_usbnet_host_reply "$(compgen -W "$commands" -- "$cur")"
		fi
		return 0
	fi

	# The argument of the option before the cursor.
	case $prev in
	--config | --udev-rules)
		compopt -o filenames 2>/dev/null
		_usbnet_host_reply "$(compgen -f -- "$cur")"
		return 0
		;;
	--run-dir)
		compopt -o filenames 2>/dev/null
		_usbnet_host_reply "$(compgen -d -- "$cur")"
		return 0
		;;
	--uplink)
		_usbnet_host_links "$cur"
		return 0
		;;
	--ipv6)
		_usbnet_host_reply "$(compgen -W "on off" -- "$cur")"
		return 0
		;;
	--output | -o)
		if [[ $cmd == udev-rules ]]; then # a file
			compopt -o filenames 2>/dev/null
			_usbnet_host_reply "$(compgen -f -- "$cur")"
			return 0
		fi
		# COL,COL...: the columns of the command's --help, after the last comma.
		local cols pre=''
		[[ $cur == *,* ]] && pre=${cur%,*},
		cols=$(command usbnet-host "$cmd" --help 2>/dev/null | sed -n 's/^Columns: //p; s/^\([A-Z][A-Z-]* \)\{3,\}/&/p' | head -2)
		_usbnet_host_reply "$(compgen -P "$pre" -W "$cols" -- "${cur##*,}")"
		return 0
		;;
	--address | --peer | --wait | --timeout | --bridge-name)
		return 0
		;;
	esac

	case $cmd in
	help)
		_usbnet_host_reply "$(compgen -W "${commands% help}" -- "$cur")"
		return 0
		;;
	status) opts="$json $common" ;;
	list) opts="$json --output --noheadings --raw $common" ;;
	show) opts="$json $common" ;;
	up) opts="--all --address --peer --wait --force --gateway --uplink --dns --bridge
		  --bridge-name --auto --dhcp-server --ipv6 $common" ;;
	down) opts="--all $common" ;;
	watch) opts="--down-on-exit --udev-rules $common" ;;
	refresh) opts="$common" ;;
	check-config) opts="$common" ;;
	discover) opts="--timeout $json --output --noheadings --raw --force $common" ;;
	udev-probe) opts='--config --help' ;;
	udev-rules) opts="--output $common" ;;
	*) return 0 ;;
	esac

	if [[ $cur == -* ]]; then
		_usbnet_host_reply "$(compgen -W "$opts" -- "$cur")"
		return 0
	fi
	case $cmd in
	show | up | down | discover)
		_usbnet_host_peers "$cur"
		;;
	check-config)
		compopt -o filenames 2>/dev/null
		_usbnet_host_reply "$(compgen -f -- "$cur")"
		;;
	esac
	return 0
}

complete -F _usbnet_host usbnet-host
