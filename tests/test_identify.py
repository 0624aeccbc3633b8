"""Identify on Flux layers returns the value of the cell under the point (flux_qgis/identify.py),
with units, time and the other dimensions, and QGIS's Identify tool on the map canvas shows it
(ui/identify.py). Values are compared with flux_server/samples.py at known points, including a
longitude west of 0 on the 0..360 gfs grid and the time a temporal render asks for.
"""

import json

import pytest
from earthmover_flux import api
from earthmover_flux.flux_qgis import identify
from earthmover_flux.flux_server import samples
from earthmover_flux.ui.identify import IdentifyHook
from harness import ARTIFACTS
from qgis.core import QgsCoordinateReferenceSystem, QgsDateTimeRange, QgsPointXY, QgsRectangle
from qgis.gui import QgsMapToolIdentify, QgsMapToolPan
from qgis.PyQt.QtCore import QDateTime, QPoint, Qt
from subprocess_qgis import NO_REAL_WINDOW, QGIS, XVFB, real_window_profile, run_real_window

CRS_4326 = QgsCoordinateReferenceSystem("EPSG:4326")
POINTS = [(100.3, 50.4), (-30.6, 10.2), (10.7, -45.3)]


def edr_positions(flux):
    return [e for e in flux.log() if e["path"].endswith("/edr/position")]


@pytest.mark.parametrize("protocol", ["wms", "tiles"])
def test_identify_gives_the_cells_value_for_the_layers_step_and_level(flux, credentials, project, protocol):
    layer = api.add_layer(flux.org, samples.REPO, "main", "gfs", protocol, "t", time=samples.GFS_TIMES[1],
                          dimensions={"step": "6 hours", "level": "850"})
    flux.clear_log()
    for lon, lat in POINTS:
        result = identify.identify(layer, QgsPointXY(lon, lat))
        want = samples.expected("gfs", "t", lon=lon, lat=lat, time_index=1, step_hours=6, level=850)
        assert result.value == pytest.approx(want, abs=1e-3), f"({lon}, {lat})"
        cell = samples.nearest_cell("gfs", lon, lat)
        assert result.cell == pytest.approx(((cell["lon"] + 180) % 360 - 180, cell["lat"]))
        assert result.units == "K" and result.time.startswith("2024-06-01T12:00:00")
        assert result.dimensions.get("step") == "6 hours"
        assert any(str(v).startswith("850") for k, v in result.dimensions.items() if k != "step"), result.dimensions
        assert result.variable == "t" and f"{want:.6g} K" in result.text()
    asked = edr_positions(flux)
    assert len(asked) == len(POINTS) and all(e["status"] == 200 and e["auth"] == "valid" for e in asked)


def air(lat, lon, t):
    return samples.air(lon, lat, t)


def test_identify_on_a_wms_layer_uses_the_renders_time(flux, credentials, project):
    layer = api.add_layer(flux.org, "climate", "main", "", "wms", "air", value_range=(240, 310))
    begin = QDateTime.fromString("2024-01-03T06:00:00Z", Qt.DateFormat.ISODate)
    third_day = QgsDateTimeRange(begin, begin.addSecs(3600), True, False)
    # the climate grid: cell centres at odd degrees (lat 89..-89, lon -179..179)
    result = identify.identify(layer, QgsPointXY(10.4, 20.6), temporal_range=third_day)
    assert result.time.startswith("2024-01-03T00:00:00")
    assert result.value == pytest.approx(air(21, 11, 2), abs=0.01)
    without = identify.identify(layer, QgsPointXY(10.4, 20.6))  # not temporal: the layer's own step
    assert without.time.startswith("2024-01-01") and without.value == pytest.approx(air(21, 11, 0), abs=0.01)


def click(qtbot, canvas, lon, lat):
    pixel = canvas.getCoordinateTransform().transform(QgsPointXY(lon, lat))
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(pixel.x()), int(pixel.y())))


def test_qgis_identify_tool_shows_the_value_at_the_clicked_point(flux, credentials, project, iface, qtbot):
    layer = api.add_layer(flux.org, samples.REPO, "main", "gfs", "tiles", "t2m", time=samples.GFS_TIMES[0],
                          dimensions={"step": "3 hours"})
    canvas = iface.mapCanvas()
    iface.active = layer  # QGIS's default identify mode answers for the active layer
    project.setCrs(CRS_4326)  # the layer tree bridge gives the canvas the project's CRS
    qtbot.wait(50)
    canvas.setDestinationCrs(CRS_4326)
    canvas.setLayers([layer])
    canvas.setExtent(QgsRectangle(-60, -40, 140, 70))
    qtbot.wait(50)
    canvas.setExtent(QgsRectangle(-60, -40, 140, 70))  # again, once the canvas has its size
    assert canvas.extent().contains(QgsPointXY(-30.6, 10.2)) and canvas.extent().contains(QgsPointXY(100.3, 50.4))
    hook = IdentifyHook(iface)
    try:
        pan = QgsMapToolPan(canvas)
        canvas.setMapTool(pan)
        flux.clear_log()
        click(qtbot, canvas, 100.3, 50.4)
        assert hook.tasks == [] and edr_positions(flux) == [], "only the Identify tool identifies"

        tool = QgsMapToolIdentify(canvas)
        canvas.setMapTool(tool)
        for lon, lat in [(100.3, 50.4), (-30.6, 10.2)]:
            click(qtbot, canvas, lon, lat)
            qtbot.waitUntil(lambda: not hook.tasks, timeout=60000)
            assert not hook.errors, hook.errors
            (result,) = hook.last_results
            want = samples.expected("gfs", "t2m", lon=lon, lat=lat, time_index=0, step_hours=3)
            assert result.value == pytest.approx(want, abs=1e-3)
            assert result.point == pytest.approx((lon, lat), abs=0.5)  # one canvas pixel
            # no Identify Results panel in this small window: the message bar shows it
            assert f"{want:.6g} K" in iface.messages[-1] and "step 3 hours" in iface.messages[-1]
        assert len(edr_positions(flux)) == 2
    finally:
        canvas.unsetMapTool(canvas.mapTool())
        hook.unload()
        canvas.setRenderFlag(False)  # the window is only deleted later: it must not draw later tests' layers


# ---------------------------------------------------------------------------- the real QGIS window

SESSION = r"""
import json, os, traceback
from qgis.PyQt.QtCore import QTimer, QPoint, Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QTreeWidget
from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY,
                       QgsProject, QgsRectangle)
from qgis.utils import iface, plugins

OUT, SHOT, ORG, KEY, POINT, PASSWORD = @OUT@, @SHOT@, @ORG@, @KEY@, @POINT@, @PASSWORD@
result = {}

def done():
    json.dump(result, open(OUT, "w"))
    QgsProject.instance().setDirty(False)  # no "save changes?" question on exit
    QTimer.singleShot(300, iface.actionExit().trigger)
    QTimer.singleShot(5000, lambda: os._exit(0))  # a dialog nobody answers: leave anyway

def watchdog():
    result.setdefault("error", "the session did not finish within 150 s")
    done()

def start():
    try:
        manager = QgsApplication.authManager()
        manager.setPasswordHelperEnabled(False)
        # a brand-new profile: the hash of the password file's password is stored once (scripts/e2e_session.py)
        result["master"] = manager.setMasterPassword(open(PASSWORD).readline().strip(), True)
        from earthmover_flux import api
        api.store_credentials(ORG, KEY)
        layer = api.add_layer(ORG, "weather", "main", "gfs", "wms", "t", time="2024-06-01T12:00:00Z",
                              dimensions={"step": "6 hours", "level": "850"})
        canvas = iface.mapCanvas()
        wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
        QgsProject.instance().setCrs(wgs84)
        canvas.setDestinationCrs(wgs84)
        canvas.setExtent(QgsRectangle(-60, -40, 140, 70))
        iface.setActiveLayer(layer)
        iface.actionIdentify().trigger()
        def click():
            crs = canvas.mapSettings().destinationCrs()  # QGIS may have chosen another CRS for the project
            result["canvas_crs"] = crs.authid()
            to_canvas = QgsCoordinateTransform(wgs84, crs, QgsProject.instance())
            canvas.setExtent(to_canvas.transformBoundingBox(QgsRectangle(-60, -40, 140, 70)))
            pixel = canvas.getCoordinateTransform().transform(to_canvas.transform(QgsPointXY(*POINT)))
            QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             QPoint(int(pixel.x()), int(pixel.y())))
            QTimer.singleShot(200, wait)
        tries = [0]
        def wait():
            hook = plugins["earthmover_flux"].identify_hook
            tries[0] += 1
            if (hook.tasks or not hook.last_results) and tries[0] < 300:
                QTimer.singleShot(100, wait)
                return
            result["results"] = [r.text() for r in hook.last_results]
            result["errors"] = hook.errors
            tree = iface.mainWindow().findChild(QTreeWidget, "lstResults")
            result["panel"] = tree is not None
            if tree is not None:
                items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
                result["items"] = [[it.text(0)] + [[it.child(j).text(0), it.child(j).text(1)]
                                                   for j in range(it.childCount())] for it in items]
                result["panel_visible"] = tree.isVisible()
                if items:
                    tree.setCurrentItem(items[-1].child(0))  # QGIS's own handlers run on our item
            QTimer.singleShot(500, shoot)
        def shoot():
            iface.mainWindow().grab().save(SHOT)
            done()
        QTimer.singleShot(2500, click)
    except Exception:
        result["error"] = traceback.format_exc()
        done()

QTimer.singleShot(2000, start)
QTimer.singleShot(150000, watchdog)
"""


@pytest.mark.skipif(not (QGIS and XVFB), reason=NO_REAL_WINDOW)
def test_identify_results_panel_of_the_real_qgis_window(tmp_path, flux):
    real_window_profile(tmp_path)
    out, shot = tmp_path / "result.json", ARTIFACTS / "identify-results-panel.png"
    point = (100.3, 50.4)
    script = tmp_path / "session.py"
    password = tmp_path / "master-password"
    password.write_text("identify-master-password\n")
    script.write_text(SESSION.replace("@OUT@", repr(str(out))).replace("@SHOT@", repr(str(shot)))
                      .replace("@ORG@", repr(flux.org)).replace("@KEY@", repr(flux.key))
                      .replace("@POINT@", repr(point)).replace("@PASSWORD@", repr(str(password))))
    run = run_real_window(tmp_path, script, delete_script=True,  # it holds the key
                          env={"QGIS_AUTH_PASSWORD_FILE": str(password), "EARTHMOVER_FLUX_COMPUTE_URL": flux.base_url,
                               "EARTHMOVER_FLUX_API_URL": flux.api_url})
    assert out.exists(), f"QGIS did not run the session (rc {run.returncode}):\n{run.stderr[-3000:]}"
    data = json.loads(out.read_text())
    assert "error" not in data, data.get("error")
    want = samples.expected("gfs", "t", lon=point[0], lat=point[1], time_index=1, step_hours=6, level=850)
    assert not data["errors"] and len(data["results"]) == 1 and f"{want:.6g} K" in data["results"][0], data
    assert data["panel"] and data["panel_visible"], data
    (item,) = [i for i in data["items"] if i[0].startswith("t (weather@main/gfs, wms)")]
    rows = dict(tuple(r) for r in item[1:])
    assert rows["t"] == f"{want:.6g} K" and rows["time"].startswith("2024-06-01T12:00:00"), rows
    assert rows["step"] == "6 hours" and rows["elevation"] == "850", rows
    assert flux.key not in run.stdout + run.stderr
