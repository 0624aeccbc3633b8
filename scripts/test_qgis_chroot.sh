#!/usr/bin/env bash
# Run the pytest suite on a QGIS from a Debian chroot (scripts/qgis_chroot.sh):
#   scripts/test_qgis_chroot.sh 3.40|3.44 [pytest args...]
# against a local Flux server started here on the host: the server's Python 3.12 venv does not run
# inside the chroot, but the chroot shares the host's loopback, so the tests reach it through
# FLUX_SERVER_URL_FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: $0 3.40|3.44 [pytest args...]}
shift
SERVER_PY=${FLUX_SERVER_PYTHON:-.venv-server/bin/python}
DATA_DIR=${FLUX_DATA_DIR:-$HOME/.cache/earthmover-flux-dev/data}
if [ "$(id -u)" != 0 ] || ! command -v chroot >/dev/null; then
  # scripts/qgis_chroot.sh prints the reason, and fails in CI
  exec scripts/qgis_chroot.sh "$version" "$@"
fi
tag="qgis${version/./}"
work=$(mktemp -d "/tmp/flux-$tag-XXXXXX")
ready="$work/ready.json"
"$SERVER_PY" -m flux_server.build_data "$DATA_DIR" >/dev/null
"$SERVER_PY" -m flux_server --data "$DATA_DIR" --port 0 --ready-file "$ready" \
  --log-file "$work/server-requests.log" >"$work/server.out" 2>"$work/server.err" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
  [ -s "$ready" ] && break
  kill -0 $server 2>/dev/null || { echo "local Flux server failed:"; tail -40 "$work/server.err"; exit 1; }
  sleep 0.2
done
[ -s "$ready" ] || { echo "local Flux server not ready"; exit 1; }
env -u FLUX_DATA_DIR FLUX_SERVER_URL_FILE="$ready" FLUX_TEST_ARTIFACTS="$PWD/tests/artifacts/$tag" \
  scripts/qgis_chroot.sh "$version" "$@"
