"""End to end, as a user meets the plugin: its zip, the real QGIS window, the dock (`make e2e`).

The zip is built by pb_tool from pb_tool.cfg (what `make package` runs) and unpacked into a brand-new
profile's python/plugins folder, enabled in its QGIS3.ini; no QGIS_PLUGINPATH. The real `qgis` binary
starts under Xvfb with that profile and scripts/e2e_session.py (`qgis --code`), which clicks and types
through the dock against the local Flux server, takes a screenshot after each step and writes
result.json; this test reads that file and checks every step. Screenshots are kept in
tests/artifacts/e2e/ (docs-sized ones in tests/artifacts/e2e/docs/; set FLUX_E2E_DOCS_DIR=docs to
refresh the README's pictures from a run).
"""

import json
import os
import shutil
import subprocess
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from harness import ARTIFACTS, REPO_ROOT

QGIS = shutil.which("qgis")
XVFB = shutil.which("xvfb-run")
PLUGIN = "earthmover_flux"
SESSION = REPO_ROOT / "scripts" / "e2e_session.py"
DOCS = ("dock.png", "wms-layer-legend.png", "temporal-controller.png", "edr-result.png", "timeseries.png")
pytestmark = pytest.mark.skipif(not (QGIS and XVFB),
                                reason="machine capability missing: the qgis binary and xvfb-run are needed")

INI = """
[PythonPlugins]
earthmover_flux=true
[qgis]
showTips=false
checkVersion=false
dockAttributeTable=true
[app]
askToSaveMemoryLayers=false
[migration]
settings=true
fileVersion=3
"""


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory):
    from plugin_setup import build_plugin_zip

    return build_plugin_zip(tmp_path_factory.mktemp("package") / f"{PLUGIN}.zip")


def fresh_profile(root, plugin_zip):
    """<root>/profiles/default, found by QGIS 3.22 (--profiles-path root) and 3.40
    ($QGIS_CUSTOM_CONFIG_PATH=root), with the plugin unpacked from the zip and enabled."""
    profile = root / "profiles" / "default"
    plugins = profile / "python" / "plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(plugin_zip) as archive:
        archive.extractall(plugins)
    (profile / "QGIS").mkdir()
    (profile / "QGIS" / "QGIS3.ini").write_text(textwrap.dedent(INI).lstrip())
    return profile


def run_session(tmp_path, plugin_zip, flux):
    root = tmp_path / "qgis-config"
    profile = fresh_profile(root, plugin_zip)
    out = ARTIFACTS / "e2e"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    password = tmp_path / "master-password"
    password.write_text("e2e-master-password\n")
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), QGIS_CUSTOM_CONFIG_PATH=str(root),
               QGIS_AUTH_PASSWORD_FILE=str(password), FLUX_E2E_PASSWORD_FILE=str(password),
               XDG_RUNTIME_DIR=str(tmp_path),
               EARTHMOVER_FLUX_COMPUTE_URL=flux.base_url, EARTHMOVER_FLUX_API_URL=flux.api_url,
               FLUX_E2E_OUT=str(out), FLUX_E2E_ORG=flux.org, FLUX_E2E_KEY=flux.key,
               NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    for name in ("QT_QPA_PLATFORM", "QGIS_PLUGINPATH", "QGIS_AUTH_DB_DIR_PATH", "PYTHONPATH"):
        env.pop(name, None)
    command = [XVFB, "-a", "-s", "-screen 0 1600x1000x24", QGIS, "--profiles-path", str(root),
               "--nologo", "--noversioncheck", "--code", str(SESSION)]
    started = time.monotonic()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                          cwd=tmp_path)
    seconds = time.monotonic() - started
    (out / "qgis-stderr.txt").write_text(proc.stderr)
    result_file = out / "result.json"
    assert result_file.exists(), f"QGIS did not run the session (rc {proc.returncode}):\n{proc.stderr[-3000:]}"
    data = json.loads(result_file.read_text())
    data.update(wall_seconds=round(seconds, 1), returncode=proc.returncode, stderr_tail=proc.stderr[-1500:])
    result_file.write_text(json.dumps(data, indent=2))
    return data, proc, profile


def step(data, name):
    found = [s for s in data["steps"] if s["name"] == name]
    assert found, f"step {name!r} did not run: {[s['name'] for s in data['steps']]}, error: {data.get('error')}"
    record = found[0]
    if not record["ok"] and "error" not in record:
        progress = (ARTIFACTS / "e2e" / "progress.log").read_text().splitlines()[-4:]
        pytest.fail(f"QGIS stopped (exit status {data['returncode']}) during step {name!r}; its last actions:\n"
                    + "\n".join(progress) + f"\nstderr:\n{data['stderr_tail']}")
    assert record["ok"], f"step {name!r} failed:\n{record.get('error')}"
    assert (ARTIFACTS / "e2e" / record["screenshot"]).stat().st_size > 20000, "a real screenshot"
    return record.get("checks", {}), record


def looks_like_a_map(stats, min_colours=20, min_coloured=0.5):
    colours, coloured = stats
    return colours >= min_colours and coloured >= min_coloured


def test_a_users_session_in_the_qgis_window(tmp_path, plugin_zip, flux):
    data, proc, profile = run_session(tmp_path, plugin_zip, flux)
    print(f"e2e session: {data['wall_seconds']} s wall, {data.get('seconds')} s in QGIS, QGIS {data['qgis_version']}")
    assert data.get("plugin_loaded"), proc.stderr[-3000:]
    assert data["master_password_set"] and data["master_password_in_database"]
    assert not data.get("unexpected_dialogs"), f"QGIS asked something nobody answers: {data['unexpected_dialogs']}"

    checks, _ = step(data, "open the dock")
    assert checks["dock_visible"]
    assert checks["plugin_file"].startswith(str(profile / "python" / "plugins" / PLUGIN)), \
        "the plugin came from the zip unpacked into the fresh profile"
    assert Path(checks["settings_dir"]).resolve() == profile.resolve()

    checks, _ = step(data, "save credentials")
    assert not checks["key_left_in_widget"] and checks["authcfg"]
    assert f"({checks['authcfg']})" in checks["status"]
    # no Test connection needed: Save lists them and shows the Data page
    assert checks["repos_after_save"] == ["climate", "ocean", "weather"], checks
    assert checks["page_after_save"] == "dataPage"

    checks, _ = step(data, "test connection")
    assert checks["repos"] == ["climate", "ocean", "weather"]
    assert "wms (wms, private, available)" in checks["services"] and len(checks["services"]) == 4
    assert f"Connected to '{flux.org}'" in checks["status"]

    checks, _ = step(data, "add a WMS layer")
    layer = checks["layer"]
    assert layer["name"] == "air (climate@main, wms)" and layer["valid"] and layer["protocol"] == "wms"
    assert layer["authcfg_in_source"] and not layer["key_in_source"]
    assert layer["temporal_active"] and layer["time"].startswith("2024-01-01")
    assert layer["colormap"] == "viridis" and layer["value_range"]
    assert checks["legend_entries"] >= 1, "the Layers panel shows the colour legend"
    # the WMS-T layer is EPSG:4326 and, as the first layer, makes the project EPSG:4326: the 2:1
    # world then fills about 42% of this canvas
    assert looks_like_a_map(checks["canvas"], min_coloured=0.35), checks["canvas"]

    checks, _ = step(data, "add a tiles layer")
    layer = checks["layer"]
    assert layer["name"] == "air (climate@main, tiles)" and layer["valid"] and layer["colormap"] == "plasma"
    assert layer["authcfg_in_source"] and not layer["key_in_source"]
    assert looks_like_a_map(checks["canvas_tiles_alone"], min_coloured=0.35), checks["canvas_tiles_alone"]
    assert looks_like_a_map(checks["canvas"], min_coloured=0.35), checks["canvas"]

    checks, _ = step(data, "temporal controller step")
    assert checks["frame"] == 1 and checks["frame_begin"].startswith("2024-01-02")
    assert all(t.startswith("2024-01-01") for t in checks["times_before"].values()), checks
    assert all(t.startswith("2024-01-02") for t in checks["times_after"].values()), checks
    assert checks["panel_visible"]
    assert looks_like_a_map(checks["canvas"]) and checks["changed"] > 0.05, checks

    checks, record = step(data, "EDR point query")
    assert "skipped" not in record, record.get("skipped")
    assert checks["parameters"] == "air"
    layer = checks["layer"]
    assert layer["name"] == "EDR at 10, 20" and layer["valid"] and layer["features"] == 4
    assert layer["temporal_active"] and not layer["key_in_source"]
    assert {"location", "time", "air"} <= set(checks["fields"])
    assert sorted(r["time"][:10] for r in checks["rows"]) == ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]
    assert checks["attribute_table"]

    checks, _ = step(data, "make a service public")
    assert "EVERY repository" in checks["confirmation"]["text"] and flux.org in checks["confirmation"]["text"]
    assert checks["service"] == "tiles-public"
    assert "tiles-public (tiles, public, available)" in checks["services"]
    assert "is now public" in checks["status"]
    posts = [e for e in flux.log() if e["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["path"] == f"/api/compute/orgs/{flux.org}/services"

    checks, _ = step(data, "time series at two points")
    assert checks["tool_active"] and checks["y_label"].startswith("air") and checks["markers"] == 2
    assert checks["grid"] == [[11.0, 21.0], [31.0, 35.0]], "each click charts the cell under it"
    assert len(checks["lines"]) == 2 and checks["lines"][0].endswith("(cell 11, 21)") and "°N" in checks["lines"][1]
    assert [[t[:10] for t in times] for times in checks["times"]] == [["2024-01-01", "2024-01-02", "2024-01-03",
                                                                       "2024-01-04"]] * 2
    assert all(len(v) == 4 and all(x == x for x in v) for v in checks["values"]) and \
        checks["values"][0] != checks["values"][1]
    charted = [e for e in flux.log() if e["path"].endswith("/edr/position") and "POINT(10%2020)" not in e["query"]]
    assert len(charted) == 2, [e["query"] for e in charted]

    assert data["finished"] and not data.get("error"), data.get("error")
    assert not data.get("exit_blocked"), data["exit_blocked"]
    assert data["python_errors"] == [], "\n\n".join(data["python_errors"])
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert all(layer["valid"] for layer in data["layers"]) and len(data["layers"]) == 3
    assert not any(layer["key_in_source"] for layer in data["layers"])

    docs = ARTIFACTS / "e2e" / "docs"
    for name in DOCS:
        assert (docs / name).stat().st_size > 20000, name
    target = os.environ.get("FLUX_E2E_DOCS_DIR")
    if target:
        for name in DOCS:
            shutil.copy(docs / name, Path(target) / name)
