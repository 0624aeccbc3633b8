"""EDR queries from the dock: typed and clicked points, a point layer, a drawn polygon."""

import pytest
import qgis.utils
from earthmover_flux import api
from earthmover_flux.core import edr as core_edr
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, Qt
from test_edr import assert_same_rows, csv_rows


@pytest.fixture
def dock(iface, flux, credentials, project, qtbot):
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    widget = qgis.utils.plugins["earthmover_flux"].show_dock()
    widget.org_edit.setText(flux.org)
    widget.protocol_combo.setCurrentText("edr")
    widget.service_combo.setEditText("edr")
    widget.repo_combo.setEditText("climate")
    widget.ref_combo.setEditText("main")
    widget.group_combo.setEditText("")
    qtbot.waitUntil(lambda: not widget.busy(), timeout=60000)  # lists that load by themselves
    canvas = iface.mapCanvas()
    canvas.resize(800, 600)
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    canvas.setExtent(QgsRectangle(-40, -30, 60, 45))
    canvas.refresh()
    yield widget
    qgis.utils.unloadPlugin("earthmover_flux")


def wait_idle(qtbot, dock):
    qtbot.waitUntil(lambda: not dock.busy(), timeout=60000)


def flux_layers():
    return [layer for layer in QgsProject.instance().mapLayers().values() if layer.name().startswith("EDR")]


def values(layer, field="air"):
    return sorted((f["time"].toString("yyyy-MM-dd"), round(f[field], 4)) for f in layer.getFeatures())


def test_list_parameters_and_query_a_typed_point(dock, flux, qtbot):
    qtbot.mouseClick(dock.variables_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    assert dock.edr_panel.parameters_edit.text() == "air"
    assert dock.add_button.text() == "EDR queries…"
    qtbot.mouseClick(dock.add_button, Qt.LeftButton)  # edr's action is on its own page
    assert dock.tabs.currentWidget() is dock.edr_page
    assert "climate@main" in dock.edr_panel.dataset_label.text()
    flux.clear_log()
    qtbot.keyClicks(dock.edr_panel.point_edit, "10, 20")
    qtbot.mouseClick(dock.edr_panel.point_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    (layer,) = flux_layers()
    assert layer.featureCount() == 4, dock.status_label.text()
    assert layer.temporalProperties().isActive()
    assert all(e["auth"] == "valid" for e in flux.log())
    # the oracle is the server's own CSV for the point (not the plugin's parser): grid cell (11, 21)
    url = core_edr.position_url(api.location(flux.org, "climate", "main", "", "edr"), [(10.0, 20.0)], ["air"], None)
    expected = csv_rows(flux, url)
    assert {(lat, lon) for _, lat, lon, _ in expected} == {(21.0, 11.0)} and len(expected) == 4
    actual = [(f["time"].toUTC().toString("yyyy-MM-ddTHH:mm:ssZ"), f["grid_lat"], f["grid_lon"], {"air": f["air"]})
              for f in layer.getFeatures()]
    assert_same_rows(actual, expected)


def test_time_range_limits_the_steps(dock, flux, qtbot):
    dock.edr_panel.parameters_edit.setText("air")
    dock.edr_panel.start_edit.setText("2024-01-02")
    dock.edr_panel.end_edit.setText("2024-01-03")
    dock.edr_panel.point_edit.setText("10, 20")
    qtbot.mouseClick(dock.edr_panel.point_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    (layer,) = flux_layers()
    assert [t for t, _ in values(layer)] == ["2024-01-02", "2024-01-03"]


def test_pick_a_point_on_the_map(dock, flux, qtbot, iface):
    canvas = iface.mapCanvas()
    qtbot.mouseClick(dock.edr_panel.pick_button, Qt.LeftButton)
    assert canvas.mapTool() is dock.edr_panel.tool
    pixel = canvas.getCoordinateTransform().transform(QgsPointXY(10, 20))
    event = QgsMapMouseEvent(canvas, QEvent.MouseButtonRelease, QPoint(int(pixel.x()), int(pixel.y())),
                             Qt.LeftButton, Qt.LeftButton, Qt.NoModifier)
    dock.edr_panel.tool.canvasReleaseEvent(event)
    lon, lat = (float(v) for v in dock.edr_panel.point_edit.text().split(","))
    assert abs(lon - 10) < 0.2 and abs(lat - 20) < 0.2
    wait_idle(qtbot, dock)
    (layer,) = flux_layers()
    assert layer.featureCount() == 4


def test_points_of_a_layer_in_another_crs(dock, flux, qtbot):
    points = QgsVectorLayer("Point?crs=EPSG:3857&field=name:string", "stations", "memory")
    features = []
    for name, (x, y) in {"a": (1113195, 2273031), "b": (-2226390, 0), "c": (5565975, -3503549)}.items():
        feature = QgsFeature(points.fields())
        feature.setAttributes([name])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        features.append(feature)
    points.dataProvider().addFeatures(features)
    QgsProject.instance().addMapLayer(points)
    dock.edr_panel.layer_combo.setLayer(points)
    dock.edr_panel.parameters_edit.setText("air")
    flux.clear_log()
    qtbot.mouseClick(dock.edr_panel.layer_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    (layer,) = flux_layers()
    assert layer.featureCount() == 3 * 4
    data_requests = [e for e in flux.log() if e["path"].endswith("/position")]
    assert len(data_requests) == 1, "three points, one MULTIPOINT request"


def test_draw_a_polygon_and_query_the_area(dock, flux, qtbot, iface):
    canvas = iface.mapCanvas()
    qtbot.mouseClick(dock.edr_panel.draw_button, Qt.LeftButton)
    tool = dock.edr_panel.tool
    transform = canvas.getCoordinateTransform()
    for lon, lat in ((0, 0), (8, 0), (8, 6), (0, 6)):
        pixel = transform.transform(QgsPointXY(lon, lat))
        tool.canvasReleaseEvent(QgsMapMouseEvent(canvas, QEvent.MouseButtonRelease,
                                                 QPoint(int(pixel.x()), int(pixel.y())), Qt.LeftButton,
                                                 Qt.LeftButton, Qt.NoModifier))
    tool.canvasReleaseEvent(QgsMapMouseEvent(canvas, QEvent.MouseButtonRelease, QPoint(1, 1), Qt.RightButton,
                                             Qt.RightButton, Qt.NoModifier))
    assert dock.edr_panel.polygon_wkt.startswith("Polygon")
    dock.edr_panel.parameters_edit.setText("air")
    qtbot.mouseClick(dock.edr_panel.area_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    (layer,) = flux_layers()
    assert layer.featureCount() > 0 and layer.featureCount() % 4 == 0
    polygon = QgsGeometry.fromWkt(dock.edr_panel.polygon_wkt).buffer(1.01, 4)
    for feature in layer.getFeatures():
        assert polygon.contains(QgsGeometry.fromPointXY(QgsPointXY(feature["grid_lon"], feature["grid_lat"])))


@pytest.mark.parametrize("text", ["", "ten, twenty", "200, 10", "1 2 3"])
def test_bad_point_text_is_a_sentence(dock, flux, qtbot, text):
    dock.edr_panel.point_edit.setText(text)
    flux.clear_log()
    qtbot.mouseClick(dock.edr_panel.point_button, Qt.LeftButton)
    assert "longitude" in dock.status_label.text()
    assert dock.task is None and flux.log() == [] and not flux_layers()
