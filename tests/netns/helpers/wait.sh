# Sourced by the namespace tests: waits for a state, bounded, never for a duration.
# shellcheck shell=bash

# wait_until SECONDS CMD...: runs CMD every 0.05 s until it succeeds (0) or SECONDS (decimals
# allowed) have passed (1). The limit is a safety net for a state that never comes: make it
# wide, a wait that succeeds ends as soon as CMD does.
wait_until() {
	local now deadline s=$1
	shift
	now=${EPOCHREALTIME/./}
	deadline=$((10#$now + $(awk -v s="$s" 'BEGIN { printf "%d", s * 1000000 }')))
	while :; do
		"$@" && return 0
		now=${EPOCHREALTIME/./}
		((10#$now >= deadline)) && return 1
		sleep 0.05
	done
}
