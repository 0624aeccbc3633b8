"""Change a Flux layer after adding it: the "Earthmover Flux" page of Layer Properties
(ui/layer_properties.py) and api.update_layer.

Each change is checked where it matters: the request that reached the server (its log), the
values read back from the image (the ``gray`` colormap over a known range makes a pixel's grey
level its value; flux_server/samples.py says what each cell holds), a saved and reopened project,
and the old source back after choosing the old values again.
"""

import json
from urllib.parse import unquote_plus

import pytest
from earthmover_flux import api
from earthmover_flux.flux_qgis import layers
from earthmover_flux.flux_server import samples
from earthmover_flux.ui.layer_properties import FluxLayerPageFactory, view_bbox
from harness import ARTIFACTS
from qgis.core import QgsCoordinateReferenceSystem, QgsDataSourceUri, QgsProject, QgsRasterLayer, QgsRectangle
from qgis.gui import QgsMapCanvas
from render import render
from subprocess_qgis import NO_REAL_WINDOW, QGIS, XVFB, real_window_profile, run_real_window

CRS_4326 = QgsCoordinateReferenceSystem("EPSG:4326")
EXTENT = QgsRectangle(60, 20, 140, 60)  # 4 pixels per degree at SIZE
SIZE = (320, 160)
GRAY = (150.0, 350.0)
POINTS = [(100.0, 50.0), (80.0, 30.0), (130.0, 40.0)]  # gfs cell centres (2-degree grid)


def value_at(image, lon, lat, value_range=GRAY):
    x = int((lon - EXTENT.xMinimum()) / EXTENT.width() * SIZE[0])
    y = int((EXTENT.yMaximum() - lat) / EXTENT.height() * SIZE[1])
    pixel = image.pixelColor(x, y)
    assert pixel.alpha() == 255 and pixel.red() == pixel.green() == pixel.blue(), f"not gray data: {pixel.name()}"
    low, high = value_range
    return low + pixel.red() / 255.0 * (high - low)


def assert_values(layer, label, **expected_args):
    image = render([layer], extent=EXTENT, size=SIZE, crs=CRS_4326)
    for lon, lat in POINTS:
        want = samples.expected("gfs", "t", lon=lon, lat=lat, **expected_args)
        got = value_at(image, lon, lat)
        assert abs(got - want) <= 1.0, f"{label}: at ({lon}, {lat}) the map shows {got:.1f}, the data holds {want}"


def requests_of(flux):
    """Decoded queries of the map requests (GetMap or tiles) that reached the server."""
    return [unquote_plus(e["query"]) for e in flux.log()
            if e["status"] == 200 and ("GetMap" in e["query"] or "/tiles/WebMercatorQuad/" in e["path"])]


@pytest.fixture
def gfs_layer(flux, credentials, project, request):
    protocol = getattr(request, "param", "wms")
    layer = api.add_layer(flux.org, samples.REPO, "main", "gfs", protocol, "t", colormap="viridis",
                          value_range=(200, 300), time=samples.GFS_TIMES[0],
                          dimensions={"step": "0 hours", "level": "1000"})
    return layer


def url_of(layer):
    """The layer's request URL (QGIS adds provider defaults such as crs= to a source it reads back)."""
    uri = QgsDataSourceUri()
    uri.setEncodedUri(layer.source())
    return uri.param("url"), uri.param("styles"), uri.authConfigId()


def page_for(layer, canvas=None):
    factory = FluxLayerPageFactory()
    assert factory.supportsLayer(layer)
    return factory.createWidget(layer, canvas, False, None)


def test_the_page_is_offered_for_flux_layers_only(gfs_layer):
    factory = FluxLayerPageFactory()
    assert factory.supportLayerPropertiesDialog() and factory.title() == "Earthmover Flux"
    assert factory.supportsLayer(gfs_layer)
    other = QgsRasterLayer("type=xyz&url=http://127.0.0.1:9/{z}/{x}/{y}.png", "osm", "wms")
    assert not factory.supportsLayer(other)


def test_the_page_changes_colormap_range_step_and_level_and_the_project_keeps_it(flux, gfs_layer, tmp_path):
    layer = gfs_layer
    original = url_of(layer)
    page = page_for(layer)
    assert page.colormap_combo.currentText() == "viridis" and page.dimension_combos["step"].currentText() == "0 hours"
    page.colormap_combo.setEditText("gray")
    page.min_spin.setValue(GRAY[0])
    page.max_spin.setValue(GRAY[1])
    page.time_combo.setCurrentText(samples.GFS_TIMES[1])
    page.dimension_combos["step"].setCurrentText("6 hours")
    vertical = next(name for name in page.dimension_combos if name != "step")
    page.dimension_combos[vertical].setCurrentText("850")
    flux.clear_log()
    assert page.apply_changes() is True, page.status.text()

    assert_values(layer, "after Apply", time_index=1, step_hours=6, level=850)
    # (a map canvas of an earlier test may still be drawing the layer as it was added: only the
    # requests of the new style are looked at; the values above show which one was drawn)
    sent = [q for q in requests_of(flux) if "raster/gray" in q]
    assert sent, f"no map request with the new colormap reached the server after Apply: {requests_of(flux)}"
    for query in sent:
        assert "colorscalerange=150,350" in query, query
        assert "step=6 hours" in query and "=850" in query and "2024-06-01T12:00:00" in query, query
    spec = layers.spec_of(layer)
    assert (spec.colormap, spec.value_range, spec.time) == ("gray", GRAY, samples.GFS_TIMES[1])
    assert spec.selected["step"] == "6 hours" and spec.selected[vertical] == "850"

    # saved and reopened: the same request and the same values
    path = tmp_path / "changed.qgz"
    assert QgsProject.instance().write(str(path))
    changed_source = url_of(layer)
    QgsProject.instance().clear()
    assert QgsProject.instance().read(str(path))
    (reopened,) = QgsProject.instance().mapLayers().values()
    assert url_of(reopened) == changed_source and layers.spec_of(reopened).selected == spec.selected
    assert_values(reopened, "reopened", time_index=1, step_hours=6, level=850)

    # the old values again: the old source, the old values
    page = page_for(reopened)
    page.colormap_combo.setEditText("viridis")
    page.min_spin.setValue(200)
    page.max_spin.setValue(300)
    page.time_combo.setCurrentText(samples.GFS_TIMES[0])
    page.dimension_combos["step"].setCurrentText("0 hours")
    page.dimension_combos[vertical].setCurrentText("1000")
    assert page.apply_changes() is True
    assert url_of(reopened) == original


@pytest.mark.parametrize("gfs_layer", ["tiles", "wms"], indirect=True)
def test_update_layer_changes_what_is_requested_and_drawn(flux, gfs_layer):
    layer = gfs_layer
    flux.clear_log()
    assert api.update_layer(layer, colormap="gray", value_range=GRAY, dimensions={"step": "9h", "level": 500})
    assert_values(layer, "after update_layer", time_index=0, step_hours=9, level=500)
    sent = [q for q in requests_of(flux) if "raster/gray" in q]
    assert sent and all("step=9 hours" in q and "=500" in q for q in sent), requests_of(flux)
    assert api.update_layer(layer, time=samples.GFS_TIMES[1]) is True
    assert_values(layer, "next run", time_index=1, step_hours=9, level=500)
    assert api.update_layer(layer, time=samples.GFS_TIMES[1]) is False  # nothing changed


def test_a_bad_value_on_the_page_says_what_is_wrong_and_changes_nothing(gfs_layer):
    before = gfs_layer.source()
    page = page_for(gfs_layer)
    page.colormap_combo.setEditText("virdis")
    assert page.apply_changes() is False
    assert "Unknown colormap 'virdis'" in page.status.text() and "viridis" in page.status.text()
    page.colormap_combo.setEditText("viridis")
    page.min_spin.setValue(300)
    page.max_spin.setValue(200)
    assert page.apply_changes() is False and "minimum must be below the maximum" in page.status.text()
    assert gfs_layer.source() == before


def air(lat, lon, t=0):
    return samples.air(lon, lat, t)


def test_range_from_the_current_view(flux, credentials, project, qtbot):
    layer = api.add_layer(flux.org, "climate", "main", "", "wms", "air", value_range=(240, 310))
    canvas = QgsMapCanvas()
    canvas.resize(600, 400)
    canvas.setDestinationCrs(CRS_4326)
    canvas.setExtent(QgsRectangle(0, 0, 60, 40))
    west, south, east, north = view_bbox(canvas)
    page = page_for(layer, canvas)
    flux.clear_log()
    page.range_from_view()
    qtbot.waitUntil(lambda: page.task is None, timeout=60000)
    asked = [unquote_plus(e["query"]) for e in flux.log() if "GetMetadata" in e["query"]]
    assert len(asked) == 1 and "item=minmax" in asked[0] and "bbox=" in asked[0], asked
    # the data's cells (2 degrees, centres at odd degrees) inside the view (the server widens the bbox
    # it is sent by 15% each side: the page sends a smaller one, so this is the view's range)
    cells = [air(lat, lon) for lat in range(-89, 90, 2) for lon in range(-179, 180, 2)
             if south <= lat <= north and west <= lon <= east]
    low, high = page.min_spin.value(), page.max_spin.value()
    assert abs(low - min(cells)) < 2.0 and abs(high - max(cells)) < 2.0, (low, high, min(cells), max(cells))
    everywhere = [air(lat, lon) for lat in range(-89, 90, 2) for lon in range(-179, 180, 2)]
    assert low > min(everywhere) + 10, "the range is the view's, not the whole layer's"
    assert page.fixed_range.isChecked()
    assert page.apply_changes() is True
    assert layers.spec_of(layer).value_range == (low, high)


# ---------------------------------------------------------------------------- the real QGIS window

SESSION = r"""
import json, os, traceback
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QTextEdit, QWidget
from qgis.core import QgsApplication, QgsProject
from qgis.utils import iface

OUT, SHOT, ORG, KEY, PASSWORD, SAVED = @OUT@, @SHOT@, @ORG@, @KEY@, @PASSWORD@, @SAVED@
result = {}

def done():
    json.dump(result, open(OUT, "w"))
    QgsProject.instance().setDirty(False)
    QTimer.singleShot(300, iface.actionExit().trigger)
    QTimer.singleShot(5000, lambda: os._exit(0))

def page_dialog():
    for widget in QApplication.topLevelWidgets():
        # QGIS 3.44 puts a plugin page in a scroll area that takes the page's object name
        pages = [w for w in widget.findChildren(QWidget, "fluxLayerPage") if hasattr(w, "view_button")]
        if pages and widget.isVisible():
            return widget, pages[0]
    return None, None

def inspect(tries=[0]):
    try:
        dialog, page = page_dialog()
        if page is None and tries[0] < 50:
            tries[0] += 1
            QTimer.singleShot(100, inspect)
            return
        result["page"] = page is not None
        if page is None:
            return
        result["dialog"] = type(dialog).__name__
        result["page_shown"] = page.isVisible()  # showLayerProperties(layer, page name) opened it
        result["view_button"] = page.view_button.isEnabled()  # the dialog gives no canvas: the main one
        page.findChild(QComboBox, "fluxColormapCombo").setEditText("gray")
        page.findChild(QComboBox, "fluxDimension_step").setCurrentText("6 hours")
        dialog.grab().save(SHOT)
        ok = [b.button(QDialogButtonBox.StandardButton.Ok) for b in dialog.findChildren(QDialogButtonBox)]
        # the dialog's OK (3.44 pages hold button boxes too). Applying a WMS source runs QGIS's own
        # capabilities download in a nested event loop inside click(): `after` must not end the
        # session from in there (QGIS 3.40 crashed quitting with the dialog's accept on the stack)
        [b for b in ok if b is not None][0].click()
        result["clicked"] = True
    except Exception:
        result["error"] = traceback.format_exc()

def start():
    try:
        manager = QgsApplication.authManager()
        manager.setPasswordHelperEnabled(False)
        manager.setMasterPassword(open(PASSWORD).readline().strip(), True)
        from earthmover_flux import api
        from earthmover_flux.flux_qgis.layers import spec_of
        api.store_credentials(ORG, KEY)
        layer = api.add_layer(ORG, "weather", "main", "gfs", "wms", "t", colormap="viridis", value_range=(200, 300),
                              time="2024-06-01T00:00:00Z", dimensions={"step": "0 hours", "level": "850"})
        QTimer.singleShot(1000, inspect)
        iface.showLayerProperties(layer, "fluxLayerPage")
        def after(tries=[0]):
            modal = QApplication.activeModalWidget()  # QGIS's Python error dialog, opened under OK
            if modal is not None and modal.objectName() == "QgsMessageViewer" and not result.get("modal"):
                result["modal"] = " ".join(t.toPlainText() for t in modal.findChildren(QTextEdit))[:300]
                modal.close()
            # not modal here: wait for it to close and for the OK click to have returned
            if (page_dialog()[1] is not None or not result.get("clicked")) and tries[0] < 100:
                tries[0] += 1
                QTimer.singleShot(100, after)
                return
            spec = spec_of(layer)
            result["after"] = {"colormap": spec.colormap, "selected": spec.selected,
                               "gray_in_source": "raster/gray" in layer.source()}
            QgsProject.instance().write(SAVED)
            QgsProject.instance().clear()
            QgsProject.instance().read(SAVED)
            (reopened,) = QgsProject.instance().mapLayers().values()
            result["reopened"] = {"colormap": spec_of(reopened).colormap, "selected": spec_of(reopened).selected}
            done()
        QTimer.singleShot(500, after)
    except Exception:
        result["error"] = traceback.format_exc()
        done()

QTimer.singleShot(2000, start)
QTimer.singleShot(150000, lambda: (result.setdefault("error", "no end within 150 s"), done()))
"""


@pytest.mark.skipif(not (QGIS and XVFB), reason=NO_REAL_WINDOW)
def test_the_page_in_the_real_layer_properties_dialog(tmp_path, flux):
    real_window_profile(tmp_path)
    out, shot = tmp_path / "result.json", ARTIFACTS / "layer-properties-page.png"
    password = tmp_path / "master-password"
    password.write_text("page-master-password\n")
    script = tmp_path / "session.py"
    script.write_text(SESSION.replace("@OUT@", repr(str(out))).replace("@SHOT@", repr(str(shot)))
                      .replace("@ORG@", repr(flux.org)).replace("@KEY@", repr(flux.key))
                      .replace("@PASSWORD@", repr(str(password))).replace("@SAVED@", repr(str(tmp_path / "p.qgz"))))
    run = run_real_window(tmp_path, script, delete_script=True,  # it holds the key
                          env={"QGIS_AUTH_PASSWORD_FILE": str(password), "EARTHMOVER_FLUX_COMPUTE_URL": flux.base_url,
                               "EARTHMOVER_FLUX_API_URL": flux.api_url})
    assert out.exists(), f"QGIS did not run the session (rc {run.returncode}):\n{run.stderr[-3000:]}"
    data = json.loads(out.read_text())
    assert "error" not in data, data.get("error")
    assert "modal" not in data, f"OK opened a dialog: {data['modal']}"
    assert data.get("clicked"), "the OK click returned"
    assert data["page"] and data["page_shown"] and data["view_button"], data
    assert data["after"] == {"colormap": "gray", "selected": {"step": "6 hours", "elevation": "850"},
                             "gray_in_source": True}, data
    assert data["reopened"] == {"colormap": "gray", "selected": {"step": "6 hours", "elevation": "850"}}, data
