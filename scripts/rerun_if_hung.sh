#!/usr/bin/env bash
# Run one QGIS version's test command; if a test hung (tests/conftest.py's watchdog wrote
# ARTIFACT_DIR/hang-stacks.txt and ended the process), print where and every thread's stack, keep
# them as hang-stacks-N.txt, and run the command again, at most FLUX_HANG_RERUNS (default 2) more
# times. Only a hang gets another run, and each one is reported; any other failure, or a hang in
# the last run, is the command's own exit code. Why a hang is rerun at all: a rare deadlock on QGIS
# 3.40 inside QgsNetworkAccessManager's request creation in a task thread (README, Tests).
#
#   scripts/rerun_if_hung.sh ARTIFACT_DIR COMMAND [ARGS...]
set -uo pipefail
dir=${1:?usage: $0 ARTIFACT_DIR COMMAND [ARGS...]}
shift
reruns=${FLUX_HANG_RERUNS:-2}
mkdir -p "$dir"
stacks="$dir/hang-stacks.txt"
rm -f "$stacks" "$dir"/hang-stacks-*.txt
attempt=0
while :; do
    "$@"
    rc=$?
    [ "$rc" != 0 ] && [ -s "$stacks" ] || exit $rc
    attempt=$((attempt + 1))
    echo
    echo "=================== $(head -1 "$stacks")"
    tail -n +2 "$stacks"
    mv "$stacks" "$dir/hang-stacks-$attempt.txt"
    if [ "$attempt" -gt "$reruns" ]; then
        echo "=================== hung in $attempt runs (stacks in $dir/hang-stacks-*.txt): failing"
        exit $rc
    fi
    echo "=================== run $attempt hung (stacks kept in $dir/hang-stacks-$attempt.txt); running it again"
done
