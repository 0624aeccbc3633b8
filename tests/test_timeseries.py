"""Click the map, see the time series (issue 15): the map tool, the chart dock, exports, the API.

Real QGIS (offscreen, a real QgsMapCanvas in tests/qgis_window.py) and the local Flux server:
clicks are real mouse events on the canvas, values are compared with the sample data's formula
(flux_server/samples.py) for every step, and the server's request log shows what was sent.
"""

import csv
import math
from urllib.parse import parse_qs

import pytest
from earthmover_flux import api
from earthmover_flux.core.dimensions import parse_iso
from earthmover_flux.flux_qgis import timeseries as flux_timeseries
from earthmover_flux.flux_server import samples
from harness import ARTIFACTS
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDateTimeRange,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QDateTime, QPoint, Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QApplication

REPO = samples.REPO


@pytest.fixture
def chart(iface, flux, credentials, project, qtbot):
    """The plugin's time-series controller (its map tool active on the test window's canvas)."""
    from earthmover_flux.ui import timeseries

    flux_timeseries.forget_collections()
    control = timeseries.TimeSeriesController(iface)
    dock = control.set_active(True)
    dock.resize(900, 420)
    yield control
    control.unload()


def click(qtbot, canvas, lon, lat):
    """A real left click on the canvas where (lon, lat) is drawn, in whatever CRS the canvas has
    (the first layer added makes the project EPSG:3857); returns the point clicked in EPSG:4326."""
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # two clicks in a row are two clicks, not a double click
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    crs = canvas.mapSettings().destinationCrs()
    to_canvas = QgsCoordinateTransform(wgs84, crs, QgsProject.instance())
    centre = to_canvas.transform(QgsPointXY(lon, lat))
    half = 200_000.0 if crs.isValid() and not crs.isGeographic() else 2.0  # a small window: sub-cell pixels
    canvas.setExtent(QgsRectangle(centre.x() - half, centre.y() - half, centre.x() + half, centre.y() + half))
    pixel = canvas.getCoordinateTransform().transform(centre)
    where = QPoint(int(round(pixel.x())), int(round(pixel.y())))
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=where)
    point = canvas.getCoordinateTransform().toMapCoordinates(where)
    return QgsCoordinateTransform(crs, wgs84, QgsProject.instance()).transform(point)


def wait_done(qtbot, dock, timeout=60000):
    qtbot.waitUntil(lambda: not dock.busy(), timeout=timeout)


def positions(flux):
    return [parse_qs(e["query"]) for e in flux.log() if e["path"].endswith("/edr/position")]


def metadata(flux):
    return [e for e in flux.log() if e["path"].endswith("/edr/")]


def test_click_charts_a_forecast_over_valid_times_in_one_request(chart, flux, qtbot, iface):
    layer = api.add_layer(flux.org, REPO, "main", "gfs", "wms", "t2m", time=samples.GFS_TIMES[0])
    dock = chart.dock
    dock.select_layer(layer)
    assert dock.start_combo.isVisibleTo(dock) and dock.start_combo.currentText() == samples.GFS_TIMES[0]
    flux.clear_log()
    clicked = click(qtbot, iface.mapCanvas(), -30.0, 10.0)
    wait_done(qtbot, dock)
    assert len(dock.chart.lines) == 1, dock.status_label.text()
    series = dock.series[0]
    assert (series.grid_lon, series.grid_lat) == (-30.0, 10.0)
    start = parse_iso(samples.GFS_TIMES[0])
    assert dock.chart.lines[0].xs == [start + h * 3600 for h in samples.GFS_STEPS_HOURS], "x = valid time"
    assert series.valid_times == [f"2024-06-01T{h:02d}:00:00Z" for h in samples.GFS_STEPS_HOURS]
    assert series.lead_times == [f"{h} hours" for h in samples.GFS_STEPS_HOURS]
    want = [samples.expected("gfs", "t2m", lon=clicked.x(), lat=clicked.y(), time_index=0, step_hours=h)
            for h in samples.GFS_STEPS_HOURS]
    assert dock.chart.lines[0].ys == pytest.approx(want, abs=1e-3)
    assert dock.chart.y_label == "t2m [K]"
    sent = positions(flux)
    assert len(sent) == 1 and len(metadata(flux)) == 1, "the metadata once, then one request for one point"
    lon_sent, lat_sent = (float(v) for v in sent[0]["coords"][0][len("POINT("):-1].split())
    assert (lon_sent, lat_sent) == pytest.approx((clicked.x() % 360, clicked.y()), abs=1e-5), "0..360 data: 330"
    assert sent[0]["datetime"] == ["2024-06-01T00:00:00"]
    assert "step" not in sent[0], "every lead time of the forecast in the one answer"
    # a second point: one more request, no metadata; the legend tells the two apart
    flux.clear_log()
    click(qtbot, iface.mapCanvas(), 100.0, 50.0)
    wait_done(qtbot, dock)
    assert len(positions(flux)) == 1 and not metadata(flux)
    labels = [line.label for line in dock.chart.lines]
    assert len(labels) == 2 and labels[0].startswith(f"{clicked.y():.2f}°N 30.00°W") and "(cell -30, 10)" in labels[0]
    assert "°N 100.00°E (cell 100, 50)" in labels[1], labels
    # the other forecast start: the same points again, values of that run
    flux.clear_log()
    dock.start_combo.setCurrentIndex(dock.start_combo.findText(samples.GFS_TIMES[1]))
    wait_done(qtbot, dock)
    qtbot.waitUntil(lambda: len(dock.chart.lines) == 2)
    assert len(positions(flux)) == 2
    first = next(s for s in dock.series if s.grid_lat == 10.0)
    assert first.values == pytest.approx([samples.expected("gfs", "t2m", lon=-30, lat=10, time_index=1, step_hours=h)
                                          for h in samples.GFS_STEPS_HOURS], abs=1e-3)
    # the Temporal Controller's time is marked; the value under the mouse is shown
    moment = QDateTime.fromString("2024-06-01T18:00:00Z", Qt.DateFormat.ISODate)
    iface.mapCanvas().setTemporalRange(QgsDateTimeRange(moment, moment.addSecs(3600)))
    assert dock.chart.marker == parse_iso("2024-06-01T18:00:00Z")
    plot = dock.chart.plot_rect(dock.chart.rect())
    text = dock.chart.hover_at(plot.left() + 1)
    assert "2024-06-01 12:00 UTC" in text and f"{first.values[0]:.6g} K" in text, text
    dock.clear()
    assert not dock.chart.lines and not dock.series


def test_fifty_thousand_hourly_steps_every_value_and_a_decimated_drawing(chart, flux, qtbot, iface):
    api.add_layer(flux.org, REPO, "main", "era5", "wms", "t2m", time="2003-06-01T10:00:00Z")
    dock = chart.dock
    flux.clear_log()
    clicked = click(qtbot, iface.mapCanvas(), 121.0, 31.0)
    wait_done(qtbot, dock, timeout=120000)
    assert len(dock.series) == 1, dock.status_label.text()
    series = dock.series[0]
    assert len(series.values) == samples.ERA5_COUNT == len(dock.chart.lines[0].xs)
    start = parse_iso(samples.ERA5_START)
    assert series.seconds == [start + i * 3600 for i in range(samples.ERA5_COUNT)]
    for i in range(samples.ERA5_COUNT):  # every step
        want = samples.expected("era5", "t2m", lon=clicked.x(), lat=clicked.y(), time_index=i)
        assert abs(series.values[i] - want) < 1e-3, (i, series.values[i], want)
    assert len(positions(flux)) == 1, "52,608 steps in one request"
    assert "datetime" not in positions(flux)[0], "all steps: no datetime sent"
    # drawn from an envelope: at most 4 points per pixel column, whatever the length
    dock.chart.repaint()
    plot = dock.chart.plot_rect(dock.chart.rect())
    pieces = dock.chart._polylines(dock.chart.lines[0], plot, *dock.chart._time_ranges())
    assert pieces and sum(p.count() for p in pieces) <= 4 * (plot.width() + 2)
    # the PNG: the line's colour where the data is, the range of the values on the y axis
    path = ARTIFACTS / "timeseries-era5.png"
    dock.export_image(path)
    from qgis.PyQt.QtGui import QImage

    image = QImage(str(path))
    assert image.width() == 1200 and image.height() == 600
    blue = QColor(dock.chart.lines[0].color)
    hits = sum(1 for x in range(0, 1200, 3) for y in range(0, 600, 3)
               if _close(image.pixelColor(x, y), blue))
    assert hits > 200, "the series is drawn in its colour"
    svg = ARTIFACTS / "timeseries-era5.svg"
    dock.export_image(svg)
    assert "<svg" in svg.read_text()[:2000] and "polyline" in svg.read_text()


def _close(a, b):
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 60


def test_cancel_stops_a_slow_series(chart, flux, qtbot, iface):
    api.add_layer(flux.org, REPO, "main", "gfs", "wms", "t2m", time=samples.GFS_TIMES[0])
    dock = chart.dock
    flux.set_faults({"match": "/edr/position", "latency": 20})
    click(qtbot, iface.mapCanvas(), -30.0, 10.0)
    qtbot.waitUntil(lambda: dock.busy() and dock.cancel_button.isVisibleTo(dock), timeout=5000)
    qtbot.wait(300)
    (task,) = dock.tasks
    qtbot.mouseClick(dock.cancel_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, dock, timeout=5000)
    assert "cancel" in dock.status_label.text().lower(), dock.status_label.text()
    assert not dock.chart.lines and not dock.cancel_button.isVisibleTo(dock)
    # the request itself is aborted: the task ends long before the 20 s answer (this task: test_dock's
    # cancel test sometimes leaves its own slow task running)
    from qgis.core import QgsApplication

    manager = QgsApplication.taskManager()
    qtbot.waitUntil(lambda: all(t is not task for t in manager.activeTasks()), timeout=10000)


def test_levels_give_a_profile_and_exports_hold_every_value(chart, flux, qtbot, iface, tmp_path):
    layer = api.add_layer(flux.org, REPO, "main", "gfs", "tiles", "t", time=samples.GFS_TIMES[1],
                          dimensions={"level": "850", "step": "3 hours"})
    dock = chart.dock
    dock.select_layer(layer)
    flux.clear_log()
    clicked = click(qtbot, iface.mapCanvas(), 178.6, -40.2)
    wait_done(qtbot, dock)
    series = dock.series[0]
    assert series.levels == ["1000", "850", "500"] and series.level == "850"
    assert len(positions(flux)) == 1 and "z" not in positions(flux)[0], "every level in the one answer"
    lon, lat = clicked.x(), clicked.y()
    for level in samples.GFS_LEVELS:
        want = [samples.expected("gfs", "t", lon=lon, lat=lat, time_index=1, step_hours=h, level=level)
                for h in samples.GFS_STEPS_HOURS]
        assert series.by_level[str(level)] == pytest.approx(want, abs=1e-3)
    assert dock.chart.lines[0].ys == pytest.approx(series.by_level["850"])
    # the profile at 18:00 valid time (lead 6 hours): value against level
    dock.view_combo.setCurrentIndex(1)
    dock.chart.set_marker(parse_iso("2024-06-01T18:00:00Z"))
    ((_, profile),) = dock.chart.profiles()
    assert profile == pytest.approx([(float(z), samples.expected("gfs", "t", lon=lon, lat=lat, time_index=1,
                                                                 step_hours=6, level=z)) for z in (500, 850, 1000)],
                                    abs=1e-3)
    assert dock.chart.levels_descending, "hPa: 1000 at the bottom"
    dock.chart.save_png(ARTIFACTS / "timeseries-profile.png")
    # another level for the time series: no request
    flux.clear_log()
    dock.level_combo.setCurrentIndex(dock.level_combo.findText("500"))
    assert dock.chart.lines[0].ys == pytest.approx(series.by_level["500"]) and not positions(flux)
    # CSV: every value of every level, with valid time, start and lead time
    path = dock.export_csv(tmp_path / "t.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["point", "lon", "lat", "grid_lon", "grid_lat", "time", "forecast_start", "step", "level",
                       "t [K]"]
    assert len(rows) == 1 + 3 * 5
    for row in rows[1:]:
        hours = int(row[7].split()[0])
        want = samples.expected("gfs", "t", lon=lon, lat=lat, time_index=1, step_hours=hours, level=float(row[8]))
        assert float(row[9]) == pytest.approx(want, abs=1e-3)
        assert parse_iso(row[5]) == parse_iso(samples.GFS_TIMES[1]) + hours * 3600, "time is the valid time"
        assert row[6] == samples.GFS_TIMES[1] and (row[3], row[4]) == ("178", "-40")
    # as a point layer: the existing EDR layer, one feature per value
    (point_layer,) = dock.add_point_layer()
    features = list(point_layer.getFeatures())
    assert len(features) == 15 and point_layer.temporalProperties().isActive()
    some = next(f for f in features if f["step"] == "9 hours" and f["z"] == 1000)
    assert some["t"] == pytest.approx(samples.expected("gfs", "t", lon=lon, lat=lat, time_index=1, step_hours=9,
                                                       level=1000), abs=1e-3)


def test_member_of_the_layer_is_charted(chart, flux, qtbot, iface):
    layer = api.add_layer(flux.org, REPO, "main", "gfs", "wms", "t2m_ens", time=samples.GFS_TIMES[0],
                          dimensions={"member": "2"})
    dock = chart.dock
    dock.select_layer(layer)
    flux.clear_log()
    clicked = click(qtbot, iface.mapCanvas(), 90.0, 20.0)
    wait_done(qtbot, dock)
    assert positions(flux)[0]["member"] == ["2"]
    assert dock.series[0].values == pytest.approx(
        [samples.expected("gfs", "t2m_ens", lon=clicked.x(), lat=clicked.y(), time_index=0, step_hours=h, member=2)
         for h in samples.GFS_STEPS_HOURS], abs=1e-3)


def test_api_time_series(flux, credentials, project):
    flux_timeseries.forget_collections()
    flux.clear_log()
    series = api.time_series(flux.org, REPO, "main", "gfs", "t2m", -30, 10, time_range=samples.GFS_TIMES[1])
    assert series.start == samples.GFS_TIMES[1] and series.units == "K"
    assert series.times == series.valid_times == [f"2024-06-01T{12 + h:02d}:00:00Z" if h < 12 else
                                                  "2024-06-02T00:00:00Z" for h in samples.GFS_STEPS_HOURS]
    assert series.values == pytest.approx([samples.expected("gfs", "t2m", lon=-30, lat=10, time_index=1,
                                                            step_hours=h) for h in samples.GFS_STEPS_HOURS], abs=1e-3)
    newest = api.time_series(flux.org, REPO, "main", "gfs", "t2m", 330, 10)
    assert newest.start == samples.GFS_TIMES[-1], "a forecast defaults to its newest run"
    assert len(positions(flux)) == 2 and len(metadata(flux)) == 1
    era5 = api.time_series(flux.org, REPO, "main", "era5", "t2m", -60, -30,
                           time_range=("2003-06-01T00:00:00Z", "2003-06-02T23:00:00Z"))
    first = int((parse_iso("2003-06-01T00:00:00Z") - parse_iso(samples.ERA5_START)) / 3600)
    assert len(era5.values) == 48 and era5.start is None and era5.lead_times is None
    assert era5.times[0] == "2003-06-01T00:00:00Z"
    assert era5.values == pytest.approx([samples.expected("era5", "t2m", lon=-60, lat=-30, time_index=first + i)
                                         for i in range(48)], abs=1e-3)
    levels = api.time_series(flux.org, REPO, "main", "gfs", "t", -30, 10, dimensions={"step": "3 hours"},
                             level=500)
    assert levels.start is None and levels.level == "500"
    assert levels.times == ["2024-06-01T03:00:00Z", "2024-06-01T15:00:00Z"], \
        "with a step given: one value per forecast start, at its valid time"
    assert levels.values == pytest.approx([samples.expected("gfs", "t", lon=-30, lat=10, time_index=i, step_hours=3,
                                                            level=500) for i in (0, 1)], abs=1e-3)
    assert not any(math.isnan(v) for v in levels.values)


def test_plugin_action_and_the_flux_dock_dataset(iface, flux, credentials, project, qtbot):
    """The toolbar action activates the map tool; the Flux dock's "Time series…" charts the dataset
    chosen there (no layer needed); unloading the plugin removes both."""
    import qgis.utils

    flux_timeseries.forget_collections()
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    try:
        plugin = qgis.utils.plugins["earthmover_flux"]
        action = plugin.timeseries_action
        assert action in iface.toolbar.actions()
        action.trigger()
        control = plugin.timeseries_controller
        assert iface.mapCanvas().mapTool() is control.tool and action.isChecked()
        flux_dock = plugin.show_dock()
        flux_dock.org_edit.setText(flux.org)
        flux_dock.repo_combo.setEditText(REPO)
        flux_dock.ref_combo.setEditText("main")
        flux_dock.group_combo.setEditText("era5")
        flux_dock.variable_combo.setEditText("t2m")
        qtbot.mouseClick(flux_dock.timeseries_button, Qt.MouseButton.LeftButton)
        dock = control.dock
        source = dock.source()
        assert source is not None, (flux_dock.status_label.text(), flux_dock.current_fields(),
                                    flux_dock.selected_variable(), dock.source_combo.count())
        assert source.variable == "t2m" and source.location.group == "era5"
        dock.from_edit.setText("2001-03-01T00:00:00Z")
        dock.to_edit.setText("2001-03-01T23:00:00Z")
        clicked = click(qtbot, iface.mapCanvas(), -75.0, 55.0)
        wait_done(qtbot, dock)
        series = dock.series[0]
        first = int((parse_iso("2001-03-01T00:00:00Z") - parse_iso(samples.ERA5_START)) / 3600)
        assert series.values == pytest.approx([samples.expected("era5", "t2m", lon=clicked.x(), lat=clicked.y(),
                                                                time_index=first + i) for i in range(24)], abs=1e-3)
    finally:
        qgis.utils.unloadPlugin("earthmover_flux")
    assert action not in iface.toolbar.actions() and plugin.timeseries_controller is None
    assert control.dock is None and control.tool is None and iface.mapCanvas().mapTool() is None


def test_at_most_five_lines_the_oldest_goes(chart, flux, qtbot, iface):
    api.add_layer(flux.org, REPO, "main", "gfs", "wms", "t2m", time=samples.GFS_TIMES[0])
    dock = chart.dock
    for i in range(6):
        dock.add_point(-30.0 + 4 * i, 10.0)
        wait_done(qtbot, dock)
    assert len(dock.chart.lines) == 5 and [s.grid_lon for s in dock.series] == [-26.0, -22.0, -18.0, -14.0, -10.0]
    assert "oldest line was dropped" in dock.status_label.text()
    assert len(dock.markers) == 5, "one marker on the map per line"
    dock.clear_button.click()
    assert not dock.chart.lines and not dock.markers
