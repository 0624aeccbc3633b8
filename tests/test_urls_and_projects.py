"""Pasted URLs, 'Copy as', several layers in one group, and adding layers to any project
(another QgsProject, a standalone script, qgis_process --PROJECT_PATH)."""

import subprocess
from pathlib import Path

import pytest
import qgis.utils
from earthmover_flux import api
from earthmover_flux.flux_qgis import auth
from harness import MASTER_PASSWORD, PLUGINS_DIR, PROFILE_DIR
from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsProject
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QApplication, QLineEdit
from render import image_stats, render
from subprocess_qgis import QGIS_PROCESS, new_profile, qgis_process_env, run_qgis_process, run_qgis_script


@pytest.fixture
def dock(iface, flux, master_password, project, qtbot):
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    widget = qgis.utils.plugins["earthmover_flux"].show_dock()
    yield widget
    qgis.utils.unloadPlugin("earthmover_flux")


def test_pasted_url_fills_fields_and_moves_the_key(dock, flux, qtbot, profile_dir):
    auth.remove_credentials(flux.org)
    host = flux.base_url.split("//", 1)[1]
    url = (f"http://{flux.org}:{flux.key}@{host}/v1/services/tiles/{flux.org}/climate/dev/forecast/surface/"
           "tiles/WebMercatorQuad/1/0/0?variables=wind_speed&style=raster/viridis&f=png")
    qtbot.keyClicks(dock.url_edit, url)
    qtbot.keyClick(dock.url_edit, Qt.Key_Return)
    assert dock.url_edit.text() == ""
    fields = dock.current_fields()
    assert fields == {"org": flux.org, "repo": "climate", "ref": "dev", "group": "forecast/surface",
                      "protocol": "tiles", "service": "tiles"}
    assert dock.selected_variable() == "wind_speed"
    assert "moved into the QGIS authentication database" in dock.status_label.text()
    cfg = auth.find_config(flux.org)
    stored = QgsAuthMethodConfig()
    assert QgsApplication.authManager().loadAuthenticationConfig(cfg, stored, True)
    assert stored.config("username") == flux.org and stored.config("password") == flux.key
    for edit in dock.findChildren(QLineEdit):
        assert flux.key not in edit.text()
    for path in profile_dir.rglob("*.ini"):
        assert flux.key not in path.read_text(errors="replace")
    qtbot.mouseClick(dock.add_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dock.task is None, timeout=60000)
    (layer,) = QgsProject.instance().mapLayers().values()
    assert layer.name() == "wind_speed (climate@dev/forecast/surface, tiles)"
    assert flux.key not in layer.source()


@pytest.mark.parametrize("url, part", [
    ("not a url", "not an http(s) URL"),
    ("https://compute.earthmover.io/v1/services/wms/acme", "stops before the repository"),
    ("https://compute.earthmover.io/v1/services/wms/acme/climate/main/nothing", "names no protocol"),
])
def test_pasted_bad_url_says_which_part_is_wrong(dock, qtbot, url, part, iface):
    qtbot.keyClicks(dock.url_edit, url)
    qtbot.keyClick(dock.url_edit, Qt.Key_Return)
    assert part in dock.status_label.text()
    assert any(part in m for m in iface.messages)


def test_url_user_must_be_the_org(master_password):
    with pytest.raises(ValueError, match="is not its organization"):
        api.from_url("https://someone:key@compute.earthmover.io/v1/services/wms/acme/climate/main/wms")


def test_copy_as_snippets_hold_a_placeholder_and_work(dock, flux, credentials, qtbot):
    dock.org_edit.setText(flux.org)
    dock.protocol_combo.setCurrentText("tiles")
    dock.service_combo.setEditText("tiles")
    dock.repo_combo.setEditText("climate")
    dock.ref_combo.setEditText("main")
    texts = {}
    for kind in ("url", "curl", "python", "mapbox"):
        texts[kind] = dock.copy_as(kind)
        assert QApplication.clipboard().text() == texts[kind]
        assert flux.key not in texts[kind]
    assert texts["url"] == f"{flux.base_url}/v1/services/tiles/{flux.org}/climate/main/tiles/"
    assert f"-u '{flux.org}:YOUR_API_KEY'" in texts["curl"]
    assert "auth=('flux-demo', 'YOUR_API_KEY')" in texts["python"]
    assert "btoa('flux-demo:YOUR_API_KEY')" in texts["mapbox"]
    # with the placeholder replaced, the curl command really answers (and without, 401)
    command = texts["curl"].replace("curl ", "curl -s -o /dev/null -w '%{http_code}' ", 1)
    with_key = subprocess.run(command.replace("YOUR_API_KEY", flux.key), shell=True, capture_output=True, text=True)
    assert with_key.stdout == "200"
    without = subprocess.run(command, shell=True, capture_output=True, text=True)
    assert without.stdout == "401"


def test_add_layers_makes_one_group_in_another_project(flux, credentials, project, tmp_path):
    other = QgsProject()
    made = api.add_layers(flux.org, "climate", "v1", "forecast/surface", "wms", ["wind_speed"], project=other)
    assert len(made) == 1 and not QgsProject.instance().mapLayers(), "the current project is untouched"
    group = other.layerTreeRoot().findGroup("climate/v1/forecast/surface")
    assert group is not None and [n.layerId() for n in group.findLayers()] == [made[0].id()]
    assert image_stats(render(made))[0] > 10
    path = tmp_path / "other.qgz"
    assert other.write(str(path))
    reopened = QgsProject()
    assert reopened.read(str(path))
    assert reopened.layerTreeRoot().findGroup("climate/v1/forecast/surface") is not None
    (layer,) = reopened.mapLayers().values()
    assert layer.isValid() and image_stats(render([layer]))[0] > 10


STANDALONE = """
from qgis.core import QgsProject
from earthmover_flux import api
project = QgsProject()
layer = api.add_layer({org!r}, "ocean", "main", "", "tiles", "sst", project=project, value_range=(270, 305))
emit({{"written": project.write({path!r}), "valid": layer.isValid()}})
"""


def test_standalone_script_adds_to_a_project_file(flux, credentials, tmp_path):
    profile = new_profile(tmp_path / "script")
    import shutil

    shutil.copy(PROFILE_DIR / "qgis-auth.db", profile / "qgis-auth.db")
    path = tmp_path / "from-script.qgs"
    data, result = run_qgis_script(STANDALONE.format(org=flux.org, path=str(path)), profile, PLUGINS_DIR,
                                   master_password=MASTER_PASSWORD)
    assert data == {"written": True, "valid": True}, result.stderr[-2000:]
    reopened = QgsProject()
    assert reopened.read(str(path))
    (layer,) = reopened.mapLayers().values()
    assert layer.name() == "sst (ocean@main, tiles)" and image_stats(render([layer]))[0] > 10
    assert flux.key not in path.read_text() and flux.key not in result.stdout + result.stderr


@pytest.mark.skipif(not Path(QGIS_PROCESS).exists(), reason="machine capability missing: qgis_process.bin")
def test_qgis_process_adds_to_the_project_path(flux, credentials, tmp_path):
    path = tmp_path / "qp.qgs"
    empty = QgsProject()
    assert empty.write(str(path))
    env = qgis_process_env(tmp_path, PROFILE_DIR / "qgis-auth.db", MASTER_PASSWORD, PLUGINS_DIR, flux)
    result = run_qgis_process(env, "run", "earthmover_flux:add_layer", f"--PROJECT_PATH={path}", "--",
                              f"ORG={flux.org}", "REPO=climate", "REF=main", "PROTOCOL=1", "VARIABLE=air",
                              f"AUTHCFG={credentials}", "MINIMUM=230", "MAXIMUM=320", "SAVE_PROJECT=true")
    assert result.returncode == 0 and "Added to" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]
    reopened = QgsProject()
    assert reopened.read(str(path))
    (layer,) = reopened.mapLayers().values()
    assert layer.isValid() and f"authcfg={credentials}" in layer.source()
    assert image_stats(render([layer]))[0] > 10
    assert flux.key not in path.read_text() and flux.key not in result.stdout + result.stderr
