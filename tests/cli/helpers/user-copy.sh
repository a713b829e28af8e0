# SPDX-License-Identifier: GPL-2.0-or-later
# For tests that run the built usbnet-host as another user (setpriv): that user may not reach
# the build tree (a clone under a 0700 `mktemp -d` directory), so it runs a copy of the binary
# and of the libraries it loads from the tree, in a directory of mode 0755.
#
#   user_copy DIR     copies into DIR (made, mode 0755; the caller removes it); sets USER_BIN
#                     (the copy) and USER_ENV (an array of VAR=value for env: its libraries,
#                     and the NetworkManager module when USBNET_HOST_NM_MODULE names one)
user_copy() {
	local dir=$1 lib
	mkdir -p "$dir/lib" || return 1
	cp "$USBNET_HOST" "$dir/usbnet-host" || return 1
	while read -r lib; do
		case "$lib" in
		/lib/* | /lib64/* | /usr/*) ;; # the system's: readable by every user
		*) cp "$lib" "$dir/lib/" || return 1 ;;
		esac
	done < <(ldd "$USBNET_HOST" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')
	USER_ENV=(LD_LIBRARY_PATH="$dir/lib")
	if [ -f "${USBNET_HOST_NM_MODULE:-}" ]; then
		cp "$USBNET_HOST_NM_MODULE" "$dir/lib/" || return 1
		USER_ENV+=(USBNET_HOST_NM_MODULE="$dir/lib/$(basename "$USBNET_HOST_NM_MODULE")")
	fi
	chmod -R a+rX "$dir" && chmod 755 "$dir" || return 1
	USER_BIN=$dir/usbnet-host
}
