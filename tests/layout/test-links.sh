#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# No cycles between lib/'s folders: from each folder's static library, the symbols it needs
# that another folder defines (nm). core/ needs no other folder; no folder but watch/ needs
# updown/, none needs watch/; and the graph of the rest has no cycle. Prints the graph.
#
# Env: USBNET_LIB_BUILD (the build tree's lib/ directory).
set -u
lib=${USBNET_LIB_BUILD:?the build tree lib/ directory}
folders=(core peer netlink nm gateway dns bridge probe updown watch)
fails=0
declare -A deps
for f in "${folders[@]}"; do
	[ -f "$lib/libusbnet-$f.a" ] || {
		echo "FAIL: no $lib/libusbnet-$f.a"
		exit 1
	}
done
for f in "${folders[@]}"; do
	und=$(nm -u --format=just-symbols "$lib/libusbnet-$f.a" 2>/dev/null | sort -u)
	for g in "${folders[@]}"; do
		[ "$g" = "$f" ] && continue
		def=$(nm --defined-only --format=just-symbols "$lib/libusbnet-$g.a" 2>/dev/null | sort -u)
		if [ -n "$(comm -12 <(echo "$und") <(echo "$def"))" ]; then
			deps[$f]+=" $g"
		fi
	done
	echo "$f ->${deps[$f]:- (nothing)}"
done
[ -z "${deps[core]:-}" ] || { echo "FAIL: core/ needs${deps[core]}"; fails=$((fails + 1)); }
for f in "${folders[@]}"; do
	for g in ${deps[$f]:-}; do
		if [ "$g" = watch ] || { [ "$g" = updown ] && [ "$f" != watch ]; }; then
			echo "FAIL: $f/ needs $g/"
			fails=$((fails + 1))
		fi
	done
done
# Cycles: depth-first search over the graph.
declare -A state
visit() {
	local f=$1 g
	state[$f]=active
	for g in ${deps[$f]:-}; do
		if [ "${state[$g]:-}" = active ]; then
			echo "FAIL: a cycle through $f/ and $g/"
			fails=$((fails + 1))
		elif [ -z "${state[$g]:-}" ]; then
			visit "$g"
		fi
	done
	state[$f]=done
}
for f in "${folders[@]}"; do
	[ -z "${state[$f]:-}" ] && visit "$f"
done
[ "$fails" -eq 0 ] && echo "PASS: the folders depend on each other without a cycle"
exit $((fails > 0))
