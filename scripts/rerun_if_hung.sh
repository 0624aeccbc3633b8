#!/usr/bin/env bash
# Run one QGIS version's test command; if a test hung (tests/conftest.py's watchdog wrote
# ARTIFACT_DIR/hang-stacks.txt and ended the process), print where and every thread's stack, keep
# them as hang-stacks-1.txt, and run the command once more. A second hang, or any other failure,
# is the command's own exit code: only a hang gets one more run, and it is always reported.
#
#   scripts/rerun_if_hung.sh ARTIFACT_DIR COMMAND [ARGS...]
set -uo pipefail
dir=${1:?usage: $0 ARTIFACT_DIR COMMAND [ARGS...]}
shift
mkdir -p "$dir"
stacks="$dir/hang-stacks.txt"
rm -f "$stacks" "$dir/hang-stacks-1.txt"
"$@"
rc=$?
if [ "$rc" != 0 ] && [ -s "$stacks" ]; then
    echo
    echo "=================== $(head -1 "$stacks")"
    tail -n +2 "$stacks"
    echo "=================== the run above hung (stacks kept in $dir/hang-stacks-1.txt); running it once more"
    mv "$stacks" "$dir/hang-stacks-1.txt"
    "$@"
    rc=$?
    [ -s "$stacks" ] && { echo "=================== hung again: $(head -1 "$stacks")"; tail -n +2 "$stacks"; }
fi
exit $rc
