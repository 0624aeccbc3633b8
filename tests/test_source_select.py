"""*Earthmover Flux* in the Data Source Manager (Ctrl+L): pick, Add (issue 24).

The page comes from QGIS's own source-select registry, as the Data Source Manager builds it; its
lists load in the background from the local server; Add makes the same layer the dock makes, and
its pixels show the data (warm equator, cold poles)."""

import json

import pytest
import qgis.utils
from harness import ARTIFACTS
from qgis.core import QgsProject
from qgis.gui import QgsGui
from qgis.PyQt.QtCore import Qt
from render import render
from subprocess_qgis import NO_REAL_WINDOW, QGIS, XVFB, real_window_profile


def wait_lists(qtbot, page):
    qtbot.waitUntil(lambda: not page.busy(), timeout=30000)


def test_the_data_source_manager_page_adds_a_layer_that_renders(iface, flux, credentials, project, qtbot):
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    try:
        registry = QgsGui.sourceSelectProviderRegistry()
        provider = next(p for p in registry.providers() if p.providerKey() == "earthmover_flux")
        assert provider.text() == "Earthmover Flux"
        page = provider.createDataSourceWidget(None)
        page.show()
        wait_lists(qtbot, page)
        combos = page.combos
        assert combos["org"].currentText() == flux.org
        assert [combos["repo"].itemText(i) for i in range(combos["repo"].count())] == ["climate", "ocean", "weather"]
        combos["repo"].setCurrentText("climate")
        wait_lists(qtbot, page)
        combos["ref"].setCurrentText("main")
        wait_lists(qtbot, page)
        combos["group"].setCurrentIndex(combos["group"].findData(""))
        wait_lists(qtbot, page)
        combos["variable"].setCurrentIndex(combos["variable"].findData("air"))
        assert page.choice("variable") == "air" and page.add_button.isEnabled()
        flux.clear_log()
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(project.mapLayers()) or "rror" in page.status.text(), timeout=30000)
        (layer,) = project.mapLayers().values()
        assert layer.isValid() and "authcfg=" in layer.source() and flux.key not in layer.source()
        image = render([layer])
        image.save(str(ARTIFACTS / "source-select-layer.png"))
        equator = image.pixelColor(image.width() // 2, image.height() // 2)
        polar = image.pixelColor(image.width() // 2, 8)
        assert equator.alpha() > 0 and polar.alpha() > 0 and equator.green() > polar.green() + 60
        page.close()
    finally:
        qgis.utils.unloadPlugin("earthmover_flux")
    assert not [p for p in QgsGui.sourceSelectProviderRegistry().providers() if p.providerKey() == "earthmover_flux"]
    QgsProject.instance().clear()


# -- the real window (issue 24): saved credentials, a dock that lists by itself, Ctrl+L > Add -------
SAVE_STARTUP = """
import json, traceback
from qgis.PyQt.QtCore import QTimer
from qgis.core import QgsApplication
from qgis.utils import iface

def save():
    result = {{}}
    try:
        QgsApplication.authManager().setMasterPassword({password!r}, True)
        from earthmover_flux import api
        result["authcfg"] = api.store_credentials({org!r}, {key!r})
    except Exception:
        result["error"] = traceback.format_exc()
    json.dump(result, open({out!r}, "w"))
    QTimer.singleShot(200, iface.actionExit().trigger)

QTimer.singleShot(2000, save)
"""

READY_STARTUP = """
import json, time, traceback
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QAction, QApplication, QComboBox, QDockWidget, QListWidget, QPushButton
from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY,
                       QgsProject)
from qgis.utils import iface

result = {{"steps": []}}
state = {{}}
window = iface.mainWindow()

def save(error=None):
    if error:
        result["error"] = error
    json.dump(result, open({out!r}, "w"))

def end(error=None):
    if state.get("ended"):
        return
    state["ended"] = True
    save(error)
    QgsProject.instance().clear()  # no "save the project?" question on the way out
    QTimer.singleShot(300, iface.actionExit().trigger)

def combo_items(combo):
    return [combo.itemText(i) for i in range(combo.count())]

def dsm():
    found = [w for w in QApplication.topLevelWidgets()
             if w.metaObject().className() == "QgsDataSourceManagerDialog" and w.isVisible()]
    return found[0] if found else None

def steps():
    # 1. the toolbar button, nothing else: the dock lists what the saved key can see
    QgsApplication.authManager().setMasterPassword({password!r}, True)
    action = window.findChild(QAction, "earthmoverFluxAction")
    action.trigger()
    dock = [d for d in window.findChildren(QDockWidget) if d.objectName() == "EarthmoverFluxDock"][0]
    repo_combo = dock.findChild(QComboBox, "repoCombo")
    start = time.monotonic()
    while repo_combo.count() < 3 and time.monotonic() - start < 30:
        yield
    result["dock_repos"] = combo_items(repo_combo)
    result["dock_seconds"] = round(time.monotonic() - start, 2)
    result["dock_visible"] = dock.isVisible()
    window.grab().save({dock_shot!r})
    # 2. Layer > Data Source Manager (Ctrl+L), the Earthmover Flux page in its list
    QTimer.singleShot(0, window.findChild(QAction, "mActionDataSourceManager").trigger)  # may be modal
    start = time.monotonic()
    while dsm() is None and time.monotonic() - start < 20:
        yield
    dialog = dsm()
    result["dsm_title"] = dialog.windowTitle()
    pages = dialog.findChild(QListWidget, "mOptionsListWidget")
    rows = [pages.item(i).text() for i in range(pages.count())]
    result["dsm_pages"] = rows
    pages.setCurrentRow(rows.index("Earthmover Flux"))
    combos = {{key: dialog.findChild(QComboBox, "flux_" + key) for key in ("org", "repo", "ref", "group", "variable")}}
    start = time.monotonic()
    while combos["repo"].count() < 3 and time.monotonic() - start < 30:
        yield
    result["dsm_org"] = combos["org"].currentText()
    result["dsm_repos"] = combos_repos = combo_items(combos["repo"])
    combos["repo"].setCurrentText("climate")
    while combos["ref"].findText("main") < 0 and time.monotonic() - start < 60:
        yield
    combos["ref"].setCurrentText("main")
    while combos["group"].findData("") < 0 and time.monotonic() - start < 60:
        yield
    combos["group"].setCurrentIndex(combos["group"].findData(""))
    while combos["variable"].findData("air") < 0 and time.monotonic() - start < 60:
        yield
    combos["variable"].setCurrentIndex(combos["variable"].findData("air"))
    window.grab().save({dsm_shot!r})
    dialog.grab().save({dsm_page_shot!r})
    add = dialog.findChild(QPushButton, "flux_add")
    result["add_buttons"] = len([b for b in dialog.findChildren(QPushButton)
                                 if b.text().replace("&", "") == "Add" and b.isVisible()])
    result["add_enabled"] = add.isEnabled()
    add.click()
    start = time.monotonic()
    while not QgsProject.instance().mapLayers() and time.monotonic() - start < 30:
        yield
    (layer,) = QgsProject.instance().mapLayers().values()
    result["layer"] = {{"name": layer.name(), "valid": layer.isValid(), "source": layer.source()}}
    # 3. Close, as on QGIS's own pages
    close = [b for b in dialog.findChildren(QPushButton) if b.text().replace("&", "") == "Close" and b.isVisible()]
    close[0].click()
    start = time.monotonic()
    while dsm() is not None and time.monotonic() - start < 10:
        yield
    result["dsm_closed"] = dsm() is None
    # 4. the layer on the map: warm equator, cold high latitudes, at the pixels of those places
    canvas = iface.mapCanvas()
    done = []
    canvas.mapCanvasRefreshed.connect(lambda: done.append(1))
    canvas.refreshAllLayers()
    start = time.monotonic()
    while not done and time.monotonic() - start < 30:
        yield
    for _ in range(5):
        yield
    image = canvas.grab().toImage()
    image.save({canvas_shot!r})
    to_map = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), canvas.mapSettings().destinationCrs(),
                                    QgsProject.instance())
    colours = {{}}
    for name, lon, lat in (("equator", 0, 0), ("north", 0, 70), ("south", 0, -70)):
        point = canvas.getCoordinateTransform().transform(to_map.transform(QgsPointXY(lon, lat)))
        colour = image.pixelColor(int(point.x() * image.width() / canvas.width()),
                                  int(point.y() * image.height() / canvas.height()))
        colours[name] = [colour.red(), colour.green(), colour.blue(), colour.alpha()]
    result["colours"] = colours
    result["canvas_crs"] = canvas.mapSettings().destinationCrs().authid()

def drive(gen=steps()):
    try:
        next(gen)
        QTimer.singleShot(200, lambda: drive(gen))
    except StopIteration:
        end()
    except Exception:
        end(traceback.format_exc())

QTimer.singleShot(2000, drive)
QTimer.singleShot(150000, lambda: end("gave up after 150 s"))
"""


def _real_window_run(tmp_path, script_text, name):
    from subprocess_qgis import run_real_window

    script = tmp_path / f"{name}.py"
    script.write_text(script_text)
    run = run_real_window(tmp_path, script, delete_script=True)  # the first script holds the key
    return run


@pytest.mark.skipif(not (QGIS and XVFB), reason=NO_REAL_WINDOW)
def test_in_the_real_window_saved_credentials_make_a_ready_dock_and_ctrl_l_adds_a_layer(tmp_path, flux):
    """A fresh profile, the key saved in one QGIS session; in the next (its auth database unlocked,
    as the keychain or QGIS_AUTH_PASSWORD_FILE does at start-up), the toolbar button alone
    lists the repositories, and Layer > Data Source Manager > Earthmover Flux adds a layer that
    draws the data where it belongs (warm at the equator, cold at 70 N and 70 S)."""
    real_window_profile(tmp_path)
    password = "xvfb-master"
    saved = tmp_path / "saved.json"
    run = _real_window_run(tmp_path, SAVE_STARTUP.format(password=password, org=flux.org, key=flux.key,
                                                         out=str(saved)), "save")
    assert saved.exists(), f"QGIS did not run the saving script (rc {run.returncode}):\n{run.stderr[-3000:]}"
    assert "error" not in json.loads(saved.read_text()), saved.read_text()
    flux.clear_log()
    out = tmp_path / "ready.json"
    shots = {name: str(ARTIFACTS / f"{name}.png") for name in ("ready-dock", "dsm-window", "dsm-page", "dsm-canvas")}
    run = _real_window_run(tmp_path, READY_STARTUP.format(
        password=password, out=str(out), dock_shot=shots["ready-dock"], dsm_shot=shots["dsm-window"],
        dsm_page_shot=shots["dsm-page"], canvas_shot=shots["dsm-canvas"]), "ready")
    assert out.exists(), f"QGIS did not run the script (rc {run.returncode}):\n{run.stderr[-3000:]}"
    data = json.loads(out.read_text())
    assert "error" not in data, data["error"]
    assert data["dock_visible"] and data["dock_repos"] == ["climate", "ocean", "weather"], data
    assert data["dsm_title"].startswith("Data Source Manager") and "Earthmover Flux" in data["dsm_pages"], data
    assert data["dsm_org"] == flux.org and data["dsm_repos"] == ["climate", "ocean", "weather"], data
    assert data["add_enabled"] and data["add_buttons"] == 1 and data["dsm_closed"], data
    layer = data["layer"]
    assert layer["valid"] and "authcfg=" in layer["source"] and flux.key not in layer["source"], layer
    colours = data["colours"]
    assert all(c[3] > 0 for c in colours.values()), colours
    assert colours["equator"][1] > colours["north"][1] + 60 and colours["equator"][1] > colours["south"][1] + 60, \
        colours
    maps = [e for e in flux.log() if "GetMap" in e["query"]]
    assert maps and all(e["auth"] == "valid" and e["status"] == 200 for e in maps), flux.log()[-5:]
    assert flux.key not in out.read_text() and flux.key not in run.stderr
