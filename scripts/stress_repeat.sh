#!/usr/bin/env bash
# The two stress tests of tests/test_network_threads.py (deadlock with UI churn, stale reply
# wrappers), N times in a row on each QGIS version, each in a fresh QGIS process:
#   scripts/stress_repeat.sh [N] [versions...]      (default 10; 3.22 3.40 3.44)
# Every run's figures go to tests/artifacts/stress-runs.txt; a failed or hung run ends the loop
# with its exit code (the watchdog writes the stacks, scripts/hang_report.sh prints them).
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
shift || true
versions=("${@:-3.22 3.40 3.44}")
read -r -a versions <<<"${versions[*]}"
out=tests/artifacts/stress-runs.txt
mkdir -p tests/artifacts
: >"$out"
tests="tests/test_network_threads.py::test_public_api_from_three_tasks_never_deadlocks_with_ui_churn tests/test_network_threads.py::test_edr_batches_from_two_tasks_never_meet_a_deleted_reply"
for version in "${versions[@]}"; do
  for i in $(seq 1 "$runs"); do
    log=$(mktemp)
    if [ "$version" = 3.22 ]; then
      QT_QPA_PLATFORM=offscreen .venv-qgis/bin/python -m pytest -q -s -p no:cacheprovider $tests >"$log" 2>&1
    else
      scripts/test_qgis_chroot.sh "$version" -q -s -p no:cacheprovider $tests >"$log" 2>&1
    fi
    rc=$?
    figures=$(grep -E "^stress [0-9]+ s:|EDR batches in" "$log" | tr '\n' ' ')
    result=$(grep -E "^[0-9]+ (passed|failed)" "$log" | tail -1)
    echo "QGIS $version run $i/$runs: rc=$rc; $result; $figures" | tee -a "$out"
    if [ $rc != 0 ]; then
      tail -40 "$log"
      rm -f "$log"
      exit $rc
    fi
    rm -f "$log"
  done
done
echo "all $runs runs on each of ${versions[*]} passed: $out"
