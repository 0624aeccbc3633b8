#!/usr/bin/env bash
# After a failed test run: if a test hung (tests/watchdog.py wrote ARTIFACT_DIR/hang-stacks.txt and
# ended the run), print which test and every thread's Python and native stack. A hang is a failure
# like any other: nothing is run again.
#   scripts/hang_report.sh ARTIFACT_DIR
stacks="${1:?usage: $0 ARTIFACT_DIR}/hang-stacks.txt"
if [ -s "$stacks" ]; then
    echo
    echo "=================== $(head -1 "$stacks")"
    tail -n +2 "$stacks"
    echo "=================== (kept in $stacks)"
fi
