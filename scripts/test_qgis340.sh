#!/usr/bin/env bash
# Run the pytest suite on QGIS 3.40 (Debian 13 chroot, scripts/qgis340.sh), against a local Flux
# server started here on the host: the server's Python 3.12 venv does not run inside the chroot,
# but the chroot shares the host's loopback, so the tests reach it through FLUX_SERVER_URL_FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER_PY=${FLUX_SERVER_PYTHON:-.venv-server/bin/python}
DATA_DIR=${FLUX_DATA_DIR:-$HOME/.cache/earthmover-flux-dev/data}
if [ "$(id -u)" != 0 ] || ! command -v chroot >/dev/null; then
  # scripts/qgis340.sh prints the reason, and fails in CI
  exec scripts/qgis340.sh "$@"
fi
work=$(mktemp -d /tmp/flux-qgis340-XXXXXX)
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
env -u FLUX_DATA_DIR FLUX_SERVER_URL_FILE="$ready" FLUX_TEST_ARTIFACTS="$PWD/tests/artifacts/qgis340" \
  scripts/qgis340.sh "$@"
