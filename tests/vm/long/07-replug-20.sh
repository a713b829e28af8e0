#!/bin/bash
# Scenario 7 (replug) with the count: 20 rounds per peer (19 through UDC, 1 through
# authorized), 40 replugs in all, the watcher's VmRSS compared after round 1 and round 20.
# Too long for the suite CI runs on every push (161 s here, 180 s with the boot), so it lives outside
# tests/vm/scenarios/:
#   tests/vm/testbed --build-dir BUILD --scenario-timeout 600 tests/vm/long/07-replug-20.sh
ROUNDS=20 exec bash "$TESTBED_VM_DIR/scenarios/07-replug.sh"
