#!/usr/bin/env bash
# make demo: sample data, the local Flux server, then QGIS with the plugin in a throwaway profile.
# With a display, QGIS opens with the dock and a Flux WMS layer; without one, the same steps run
# headless and a map image is written. Set EARTHMOVER_ORG and EARTHMOVER_API_KEY (and optionally
# EARTHMOVER_REPO, EARTHMOVER_VARIABLE, EARTHMOVER_GROUP) to use your real Earthmover account instead.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO_ROOT=$PWD
DEMO_DIR=${DEMO_DIR:-$REPO_ROOT/build/demo}
DATA_DIR=${FLUX_DATA_DIR:-$HOME/.cache/earthmover-flux-dev/data}
rm -rf "$DEMO_DIR/profiles" && mkdir -p "$DEMO_DIR/plugins" "$DEMO_DIR/profiles/profiles/default/QGIS"
ln -sfn "$REPO_ROOT" "$DEMO_DIR/plugins/earthmover_flux"
cleanup() { if [ -n "${server:-}" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; }
trap cleanup EXIT

if [ -n "${EARTHMOVER_ORG:-}" ] && [ -n "${EARTHMOVER_API_KEY:-}" ]; then
  echo "Using your Earthmover account: organization $EARTHMOVER_ORG"
  export FLUX_DEMO_ORG=$EARTHMOVER_ORG FLUX_DEMO_KEY=$EARTHMOVER_API_KEY
  export FLUX_DEMO_REPO=${EARTHMOVER_REPO:?set EARTHMOVER_REPO to one of your repositories}
  export FLUX_DEMO_VARIABLE=${EARTHMOVER_VARIABLE:-} FLUX_DEMO_GROUP=${EARTHMOVER_GROUP:-}
else
  echo "No Earthmover account configured (EARTHMOVER_ORG, EARTHMOVER_API_KEY): using the bundled local server"
  .venv-server/bin/python -m flux_server.build_data "$DATA_DIR"
  ready="$DEMO_DIR/server-ready.json"; rm -f "$ready"
  .venv-server/bin/python -m flux_server --data "$DATA_DIR" --port "${PORT:-0}" --ready-file "$ready" \
    --log-file "$DEMO_DIR/server-requests.log" > "$DEMO_DIR/server.out" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do [ -s "$ready" ] && break; sleep 0.2; done
  [ -s "$ready" ] || { echo "the local server did not start:"; tail -30 "$DEMO_DIR/server.out"; exit 1; }
  eval "$(python3 -c "import json,sys; d=json.load(open('$ready')); print(f'export EARTHMOVER_FLUX_COMPUTE_URL={d[\"base_url\"]} EARTHMOVER_FLUX_API_URL={d[\"api_url\"]} FLUX_DEMO_ORG={d[\"org\"]} FLUX_DEMO_KEY={d[\"key\"]}')")"
  export FLUX_DEMO_REPO=climate FLUX_DEMO_VARIABLE=air FLUX_DEMO_GROUP= FLUX_DEMO_FORECAST=1
  echo "Local Flux server: $EARTHMOVER_FLUX_COMPUTE_URL  (org $FLUX_DEMO_ORG, key $FLUX_DEMO_KEY)"
fi

# the throwaway profile's auth database gets a master password from this file (never a prompt)
umask 077
echo "demo-master-password" > "$DEMO_DIR/master-password"
export QGIS_AUTH_PASSWORD_FILE="$DEMO_DIR/master-password" FLUX_DEMO_PASSWORD_FILE="$DEMO_DIR/master-password"
export QGIS_PLUGINPATH="$DEMO_DIR/plugins"
printf '[PythonPlugins]\nearthmover_flux=true\n[qgis]\nshowTips=false\ncheckVersion=false\n[migration]\nsettings=true\nfileVersion=3\n' \
  > "$DEMO_DIR/profiles/profiles/default/QGIS/QGIS3.ini"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${FLUX_DEMO_HEADLESS:-}" ]; then
  echo "Starting QGIS with the plugin (profile in $DEMO_DIR/profiles; close QGIS to stop the demo)"
  qgis --profiles-path "$DEMO_DIR/profiles" --nologo --noversioncheck --code scripts/demo_startup.py
else
  echo "No display: running the same steps headless"
  QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/demo_headless.py "$DEMO_DIR"
fi
