#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The architecture as lib/CMakeLists.txt states it: a folder of lib/ includes only core/, its own
# headers and the public header; updown/ and watch/ (where the subsystems meet) may include any
# folder, and core/ nothing but itself. Fails naming each include that breaks it.
#
# Env: USBNET_SRC (the source tree; default: this script's).
set -u
src=${USBNET_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src/lib" || exit 1
fails=0
for f in */*.c */*.h; do
	folder=${f%%/*}
	case $folder in updown | watch) continue ;; esac
	while IFS= read -r line; do
		inc=${line#*\"}
		inc=${inc%%\"*}
		case $inc in
		usbnet-host/* | core/* | "$folder"/*) ;;
		*)
			echo "FAIL: lib/$f includes \"$inc\": $folder/ may include only core/ and $folder/"
			fails=$((fails + 1))
			;;
		esac
	done < <(grep -E '^#[[:space:]]*include[[:space:]]+"' "$f")
done
# No cycles either: a folder's objects may not need another folder's symbols (but core's).
# That is checked by linking each folder alone with core (tests/layout/CMakeLists.txt).
[ "$fails" -eq 0 ] && echo "PASS: every folder includes only core/ and itself"
exit $((fails > 0))
