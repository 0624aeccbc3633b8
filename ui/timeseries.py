"""Click the map, see the time series: the map tool "Time series at a point" and its chart dock.

- The map tool (a QgsMapToolEmitPoint) hands each click, in EPSG:4326, to the dock.
- The dock charts the chosen source's variable at the point: a Flux layer of the project (WMS or
  tiles: its spec gives the dataset, variable and the values shown of its other axes) or the
  dataset picked in the Flux dock. One EDR position query per point runs in a background task
  (progress and Cancel); up to MAX_LINES points are shown together, each with its coordinates in
  the legend. Forecasts are drawn over the lead times of one forecast start (x = valid time);
  data with a vertical axis also has a profile view (value against level).
- Export: CSV of every value, PNG or SVG of the chart, the values as an EDR point layer.
"""

import csv
from dataclasses import dataclass, field

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsPointXY,
    QgsProject,
)
from qgis.gui import QgsMapToolEmitPoint
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.dimensions import LEAD_TIME, VERTICAL, parse_iso
from ..core.errors import FluxCancelled, FluxError
from .chart import COLORS, ENVELOPE_BUCKETS, PROFILE_VIEW, TIME_VIEW, ChartWidget, Line, envelope, format_time

MAX_LINES = 5
DOCK_SOURCE = "__flux_dock__"


def tr(text):
    return QCoreApplication.translate("@default", text)


@dataclass
class Source:
    """What a click charts: an EDR location, a variable and how to slice its other axes."""

    location: object  # FluxLocation with protocol edr
    variable: str
    authcfg: str = ""
    dimensions: dict = field(default_factory=dict)  # sent as they are (member...)
    level: str = None  # the level of the time series when the data has a vertical axis
    level_units: str = ""
    levels_descending: bool = False
    starts: list = field(default_factory=list)  # forecast starts to choose from (forecasts only)
    start: str = ""  # the chosen forecast start ('' = not a forecast)
    name: str = ""

    @property
    def is_forecast(self):
        return bool(self.start)


def source_of_layer(layer):
    """The Source of a Flux map layer (WMS or tiles), or None for any other layer."""
    from ..flux_qgis import layers

    spec = layers.spec_of(layer)
    if spec is None:
        return None
    location = spec.location.with_(protocol="edr", service="")
    lead = spec.lead_dimension
    vertical = next((d for d in spec.dims if d.kind == VERTICAL), None)
    dims = {k: v for k, v in spec.selected.items()
            if (lead is None or k != lead.name) and (vertical is None or k != vertical.name)
            and any(d.name == k and d.kind != LEAD_TIME for d in spec.dims)}
    starts = spec.time_axis.strings(limit=500) if lead is not None else []
    return Source(location=location, variable=spec.variable, authcfg=layers.authcfg_of(layer), dimensions=dims,
                  level=spec.selected.get(vertical.name) if vertical is not None else None,
                  level_units=vertical.units if vertical is not None else "",
                  levels_descending=vertical is not None and (vertical.positive == "down" or "Pa" in vertical.units),
                  starts=starts, start=(spec.time or (starts[-1] if starts else "")) if lead is not None else "",
                  name=layer.name())


class TimeSeriesTool(QgsMapToolEmitPoint):
    """'Time series at a point': each left click goes to ``on_point(lon, lat)`` in EPSG:4326; a click
    on a polygon of the active layer (a polygon layer) goes to ``on_polygon(feature, crs)`` instead:
    the chart of its zonal mean."""

    def __init__(self, canvas, on_point, on_polygon=None, active_layer=None):
        super().__init__(canvas)
        self.on_point = on_point
        self.on_polygon = on_polygon
        self.active_layer = active_layer  # callable: the layer the Layers panel has selected
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.canvasClicked.connect(self._clicked)

    def _clicked(self, point, button):
        if button != Qt.MouseButton.LeftButton:
            return
        feature, layer = self._polygon_at(point)
        if feature is not None:
            self.on_polygon(feature, layer)
            return
        crs = self.canvas().mapSettings().destinationCrs()
        wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
        if crs.isValid() and crs != wgs84:  # (a canvas without a CRS shows lon/lat)
            point = QgsCoordinateTransform(crs, wgs84, QgsProject.instance()).transform(point)
        self.on_point(point.x(), point.y())


    def _polygon_at(self, point):
        """(feature, layer) of the active polygon layer's polygon under ``point`` (map CRS), or (None, None)."""
        from qgis.core import QgsGeometry, QgsRectangle, QgsVectorLayer, QgsWkbTypes

        layer = self.active_layer() if self.active_layer is not None and self.on_polygon is not None else None
        if not isinstance(layer, QgsVectorLayer) or layer.geometryType() != QgsWkbTypes.GeometryType.PolygonGeometry:
            return None, None
        to_layer = QgsCoordinateTransform(self.canvas().mapSettings().destinationCrs(), layer.crs(),
                                          QgsProject.instance())
        where = QgsGeometry.fromPointXY(to_layer.transform(point))
        box = where.boundingBox()
        for feature in layer.getFeatures(QgsRectangle(box.xMinimum(), box.yMinimum(), box.xMaximum(),
                                                      box.yMaximum())):
            if feature.geometry().contains(where):
                return feature, layer
        return None, None


class TimeSeriesDock(QDockWidget):
    def __init__(self, iface, parent=None):  # noqa: QGS105 (the plugin hands it over; tests give their own window)
        super().__init__(tr("Earthmover Flux time series"), parent)
        self.setObjectName("EarthmoverFluxTimeSeriesDock")
        self.iface = iface
        self.series = []  # TimeSeries shown, oldest first
        self.tasks = []
        self.dock_source = None  # the dataset picked in the Flux dock
        self.current = None  # the Source of the lines shown
        self.markers = []  # the clicked points on the map, in their lines' colours
        self._build()
        canvas = self._canvas()
        if canvas is not None:
            canvas.temporalRangeChanged.connect(self._temporal_changed)
        project = QgsProject.instance()
        project.layersAdded.connect(self._refresh_sources)
        project.layersRemoved.connect(self._refresh_sources)
        self._refresh_sources()
        self._temporal_changed()

    # ------------------------------------------------------------------ widgets
    def _build(self):
        body = QWidget()
        column = QVBoxLayout(body)
        column.addLayout(self._build_source_row())
        column.addLayout(self._build_view_row())
        self.chart = ChartWidget()
        self.chart.set_message(tr("Click the map with the tool “Time series at a point”."))
        column.addWidget(self.chart, 1)
        column.addLayout(self._build_status_row())
        self.setWidget(body)

        self.source_combo.currentIndexChanged.connect(self._source_changed)
        self.start_combo.currentIndexChanged.connect(self._start_changed)
        self.view_combo.currentIndexChanged.connect(self._view_changed)
        self.level_combo.currentIndexChanged.connect(self._level_changed)
        self.clear_button.clicked.connect(self.clear)
        self.csv_button.clicked.connect(self._ask_csv)
        self.image_button.clicked.connect(self._ask_image)
        self.layer_button.clicked.connect(self.add_point_layer)
        self.cancel_button.clicked.connect(self.cancel)
        self._update_controls()

    def _build_source_row(self):
        """The data (layer or dock dataset), forecast start and the time range."""
        row = QHBoxLayout()
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("timeSeriesSource")
        self.source_combo.setToolTip(tr("The Flux layer (or the dataset of the Flux dock) whose values are charted"))
        row.addWidget(QLabel(tr("Data")))
        row.addWidget(self.source_combo, 1)
        self.start_combo = QComboBox()
        self.start_combo.setObjectName("timeSeriesStart")
        self.start_label = QLabel(tr("Forecast start"))
        row.addWidget(self.start_label)
        row.addWidget(self.start_combo)
        self.from_edit = QLineEdit()
        self.from_edit.setObjectName("timeSeriesFrom")
        self.from_edit.setPlaceholderText(tr("first step"))
        self.to_edit = QLineEdit()
        self.to_edit.setObjectName("timeSeriesTo")
        self.to_edit.setPlaceholderText(tr("last step"))
        self.range_label = QLabel(tr("From"))
        self.to_label = QLabel(tr("to"))
        for widget in (self.range_label, self.from_edit, self.to_label, self.to_edit):
            row.addWidget(widget)
        return row

    def _build_view_row(self):
        """Time series or profile, the level, and Clear / CSV / Image / point layer."""
        row = QHBoxLayout()
        self.view_combo = QComboBox()
        self.view_combo.setObjectName("timeSeriesView")
        self.view_combo.addItem(tr("Time series"), TIME_VIEW)
        self.view_combo.addItem(tr("Profile (value against level)"), PROFILE_VIEW)
        self.level_combo = QComboBox()
        self.level_combo.setObjectName("timeSeriesLevel")
        self.level_label = QLabel(tr("Level"))
        row.addWidget(self.view_combo)
        row.addWidget(self.level_label)
        row.addWidget(self.level_combo)
        row.addStretch(1)
        self.clear_button = QPushButton(tr("Clear"))
        self.clear_button.setObjectName("timeSeriesClear")
        self.csv_button = QPushButton(tr("CSV…"))
        self.csv_button.setObjectName("timeSeriesCsv")
        self.csv_button.setToolTip(tr("Save every value as CSV"))
        self.image_button = QPushButton(tr("Image…"))
        self.image_button.setObjectName("timeSeriesImage")
        self.image_button.setToolTip(tr("Save the chart as PNG or SVG"))
        self.layer_button = QPushButton(tr("Add as point layer"))
        self.layer_button.setObjectName("timeSeriesLayer")
        for widget in (self.clear_button, self.csv_button, self.image_button, self.layer_button):
            row.addWidget(widget)
        return row

    def _build_status_row(self):
        row = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setObjectName("timeSeriesStatus")
        self.status_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("timeSeriesProgress")
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setObjectName("timeSeriesCancel")
        self.cancel_button.hide()
        row.addWidget(self.status_label, 1)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        return row

    def _canvas(self):
        return self.iface.mapCanvas() if self.iface is not None else None

    # ------------------------------------------------------------------ sources
    def _refresh_sources(self, *_):
        from ..flux_qgis import layers

        wanted = self.source_combo.currentData()
        active = self.iface.activeLayer() if self.iface is not None and hasattr(self.iface, "activeLayer") else None
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        for layer in QgsProject.instance().mapLayers().values():
            if layers.spec_of(layer) is not None:
                self.source_combo.addItem(layer.name(), layer.id())
        if self.dock_source is not None:
            self.source_combo.addItem(tr("{name} (from the Flux dock)").format(name=self.dock_source.name),
                                      DOCK_SOURCE)
        pick = wanted if wanted is not None else (active.id() if active is not None else None)
        index = self.source_combo.findData(pick) if pick is not None else -1
        self.source_combo.setCurrentIndex(index if index >= 0 else (0 if self.source_combo.count() else -1))
        self.source_combo.blockSignals(False)
        if self.source_combo.currentData() != wanted:
            self._source_changed()

    def select_layer(self, layer):
        index = self.source_combo.findData(layer.id())
        if index >= 0:
            self.source_combo.setCurrentIndex(index)

    def set_dataset(self, location, variable, authcfg=""):
        """Chart ``variable`` of the dataset at ``location`` (from the Flux dock) on the next clicks."""
        self.dock_source = Source(location=location.with_(protocol="edr", service=""), variable=variable,
                                  authcfg=authcfg, name=f"{variable} ({location.display_name()})")
        self._refresh_sources()
        self.source_combo.setCurrentIndex(self.source_combo.findData(DOCK_SOURCE))

    def source(self):
        """The Source the next click charts (with the forecast start chosen), or None."""
        data = self.source_combo.currentData()
        if data == DOCK_SOURCE:
            return self.dock_source
        layer = QgsProject.instance().mapLayer(data) if data else None
        source = source_of_layer(layer) if layer is not None else None
        if source is not None and source.is_forecast and self.start_combo.currentText():
            source.start = self.start_combo.currentText()
        return source

    def _source_changed(self, *_):
        data = self.source_combo.currentData()
        layer = QgsProject.instance().mapLayer(data) if data and data != DOCK_SOURCE else None
        source = source_of_layer(layer) if layer is not None else (self.dock_source if data == DOCK_SOURCE else None)
        self.start_combo.blockSignals(True)
        self.start_combo.clear()
        if source is not None and source.is_forecast:
            self.start_combo.addItems(source.starts or [source.start])
            self.start_combo.setCurrentIndex(max(0, self.start_combo.findText(source.start)))
        self.start_combo.blockSignals(False)
        if self.series and (source is None or self.current is None or source.location != self.current.location
                            or source.variable != self.current.variable
                            or source.dimensions != self.current.dimensions):
            self.clear()  # lines of another variable would share the axis
        self._update_controls()

    def _start_changed(self, *_):
        if self.series:
            points = [(s.lon, s.lat) for s in self.series]
            self.clear()
            for lon, lat in points:  # the same points, for the other forecast
                self.add_point(lon, lat)

    def _update_controls(self):
        data = self.source_combo.currentData()
        forecast = self.start_combo.count() > 0
        self.start_label.setVisible(forecast)
        self.start_combo.setVisible(forecast)
        for widget in (self.range_label, self.from_edit, self.to_label, self.to_edit):
            widget.setVisible(not forecast)
        levels = self.series[0].levels if self.series else []
        self.level_label.setVisible(len(levels) > 1)
        self.level_combo.setVisible(len(levels) > 1)
        self.view_combo.setEnabled(len(levels) > 1)
        if len(levels) <= 1 and self.view_combo.currentIndex() != 0:
            self.view_combo.setCurrentIndex(0)
        has = bool(self.series)
        for button in (self.csv_button, self.image_button, self.layer_button, self.clear_button):
            button.setEnabled(has)
        if data is None and not self.series and not self.busy():
            self.status_label.setText(tr("Add an Earthmover Flux layer (WMS or tiles), or pick a dataset in the "
                                         "Flux dock, then click the map."))

    # ------------------------------------------------------------------ fetching
    def busy(self):
        return bool(self.tasks)

    def time_range(self):
        start, end = self.from_edit.text().strip(), self.to_edit.text().strip()
        if not start and not end:
            return None
        return (start or None, end or None)

    def add_point(self, lon, lat):
        """Fetch and chart the source's values at (lon, lat) (EPSG:4326) in a background task."""
        from ..flux_qgis.timeseries import fetch_series

        source = self.source()
        if source is None:
            self.report(tr("Add an Earthmover Flux layer (WMS or tiles), or pick a dataset in the Flux dock, "
                           "then click the map."), Qgis.Warning)
            return None
        time_range = None if source.is_forecast else self.time_range()
        lon = ((lon + 180.0) % 360.0) - 180.0 if not -180.0 <= lon <= 180.0 else lon

        def work(feedback):
            series = fetch_series(source.location, source.variable, lon, lat, time_range=time_range,
                                  dimensions=source.dimensions, start=source.start or None, level=source.level,
                                  authcfg=source.authcfg, feedback=feedback)
            # the drawing envelope of a long series, here rather than on the UI thread
            points = envelope(series.seconds, series.values) if len(series.seconds) > ENVELOPE_BUCKETS else None
            return series, points

        return self._run(tr("Earthmover Flux: time series of {v} at {lon:.3f}, {lat:.3f}").format(
            v=source.variable, lon=lon, lat=lat), work, source,
            tr("Fetching {v} at {lon:.3f}, {lat:.3f}…").format(v=source.variable, lon=lon, lat=lat))

    def add_polygon(self, feature, layer):
        """Chart a polygon's zonal mean over time, its cells' min..max as a band (background task)."""
        from ..flux_qgis import zonal

        source = self.source()
        if source is None:
            self.report(tr("Add an Earthmover Flux layer (WMS or tiles), or pick a dataset in the Flux dock, "
                           "then click a polygon."), Qgis.Warning)
            return None
        if source.is_forecast:
            self.report(tr("A polygon's chart follows one time axis: choose a layer that is no forecast, or "
                           "click a point for the forecast's lead times."), Qgis.Warning)
            return None
        zones, invalid = zonal.zones_from_features([feature], layer.crs(), QgsProject.instance().transformContext())
        if not zones:
            self.report(tr("This polygon cannot be summarised: {why}.").format(why=invalid[0][1]), Qgis.Warning)
            return None
        attributes = [str(a) for a in feature.attributes() if a not in (None, "")]
        label = attributes[0] if attributes else tr("feature {fid}").format(fid=feature.id())
        time_range = self.time_range()

        def work(feedback):
            return zonal.zone_series(source.location, source.variable, zones[0], label=label, time_range=time_range,
                                     dimensions=source.dimensions, authcfg=source.authcfg, feedback=feedback), None

        return self._run(tr("Earthmover Flux: {v} over {zone}").format(v=source.variable, zone=label), work, source,
                         tr("Summarising {v} over {zone}…").format(v=source.variable, zone=label))

    def _run(self, description, work, source, status):
        from ..flux_qgis.tasks import run_in_background

        task = None

        def done(result, error):
            if task in self.tasks:
                self.tasks.remove(task)
            self._set_busy()
            if error is not None:
                self.report(str(error), Qgis.Info if isinstance(error, FluxCancelled) else Qgis.Warning)
                return
            self.show_series(source, *result)

        task = run_in_background(description, work, done)
        task.progressChanged.connect(lambda value: self.progress.setValue(int(value)))
        self.tasks.append(task)
        self._set_busy()
        self.status_label.setText(status)
        return task

    def _set_busy(self):
        busy = self.busy()
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 100)

    def cancel(self):
        for task in list(self.tasks):
            task.cancel()

    def show_series(self, source, series, points=None):
        if self.current is not None and (source.location != self.current.location
                                         or source.variable != self.current.variable):
            self.series = []
        self.current = source
        self.series.append(series)
        self._envelopes = getattr(self, "_envelopes", {})
        self._envelopes[id(series)] = points
        dropped = ""
        while len(self.series) > MAX_LINES:
            old = self.series.pop(0)
            self._envelopes.pop(id(old), None)
            dropped = tr(" (the oldest line was dropped: at most {n} lines)").format(n=MAX_LINES)
        if series.levels:
            self.level_combo.blockSignals(True)
            self.level_combo.clear()
            self.level_combo.addItems(series.levels)
            self.level_combo.setCurrentIndex(max(0, self.level_combo.findText(series.level)))
            self.level_combo.blockSignals(False)
        self._redraw()
        self._update_controls()
        count = len(series.seconds)
        self.status_label.setText(tr("{v} at {where}: {n} values in {r} request(s){dropped}.").format(
            v=series.variable, where=series.label(), n=f"{count:,}", r=series.requests, dropped=dropped))

    def _redraw(self):
        lines = []
        for i, series in enumerate(self.series):
            label = series.label()
            if series.grid_lon is not None and not getattr(series, "band", None):
                label += f" (cell {series.grid_lon:g}, {series.grid_lat:g})"
            points = self._envelopes.get(id(series)) if hasattr(self, "_envelopes") else None
            lines.append(Line(label, series.seconds, series.values, COLORS[i % len(COLORS)], points,
                              series.profile if series.levels else None, getattr(series, "band", None)))
        first = self.series[0] if self.series else None
        title, y_label = "", ""
        if first is not None:
            units = f" [{first.units}]" if first.units else ""
            y_label = f"{first.variable}{units}"
            title = f"{first.variable}{units}, {first.location.display_name()}"
            if first.start:
                title += tr(", forecast from {start} UTC (x: valid time)").format(
                    start=format_time(parse_iso(first.start)))
            extra = ", ".join(f"{k} {v}" for k, v in first.dimensions.items())
            if extra:
                title += f", {extra}"
            if first.levels:
                title += f", level {first.level} {first.level_units}".rstrip()
            self.chart.level_label = f"level [{first.level_units}]" if first.level_units else "level"
            self.chart.levels_descending = bool(self.current and self.current.levels_descending) or \
                "Pa" in (first.level_units or "")
        self.chart.set_lines(lines, y_label=y_label, title=title)
        self._mark_points()
        self.chart.set_message("" if lines else tr("Click the map with the tool “Time series at a point”."))

    def _mark_points(self):
        """A marker on the map at each charted point, in its line's colour."""
        from qgis.gui import QgsVertexMarker
        from qgis.PyQt.QtGui import QColor

        canvas = self._canvas()
        for marker in self.markers:
            if canvas is not None:
                canvas.scene().removeItem(marker)
        self.markers = []
        if canvas is None:
            return
        crs = canvas.mapSettings().destinationCrs()
        wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
        transform = QgsCoordinateTransform(wgs84, crs, QgsProject.instance()) if crs.isValid() and crs != wgs84 \
            else None
        for i, series in enumerate(self.series):
            point = QgsPointXY(series.lon, series.lat)
            marker = QgsVertexMarker(canvas)
            marker.setCenter(transform.transform(point) if transform is not None else point)
            marker.setIconType(QgsVertexMarker.ICON_CIRCLE)
            marker.setColor(QColor(COLORS[i % len(COLORS)]))
            marker.setIconSize(12)
            marker.setPenWidth(3)
            self.markers.append(marker)

    def _temporal_changed(self, *_):
        canvas = self._canvas()
        if canvas is None:
            return
        window = canvas.temporalRange()
        begin = window.begin() if window is not None else None
        seconds = begin.toMSecsSinceEpoch() / 1000.0 if begin is not None and begin.isValid() else None
        self.chart.set_marker(seconds)

    def _view_changed(self, *_):
        self.chart.set_view(self.view_combo.currentData())

    def _level_changed(self, *_):
        level = self.level_combo.currentText()
        for series in self.series:
            if level in series.by_level:
                series.level = level
                series.values = series.by_level[level]
        self._envelopes = {}
        self._redraw()

    def clear(self):
        self.series = []
        self._envelopes = {}
        self.current = None
        self._redraw()
        self._update_controls()
        self.status_label.setText("")

    # ------------------------------------------------------------------ export
    def report(self, text, level=Qgis.Info):
        self.status_label.setText(text)
        bar = self.iface.messageBar() if self.iface is not None and hasattr(self.iface, "messageBar") else None
        if bar is not None and level != Qgis.Info:
            bar.pushMessage(tr("Earthmover Flux"), text, level, 8)

    def export_csv(self, path):
        """Every value of every line (all levels, all steps): one row per point, time (and level)."""
        if not self.series:
            raise FluxError(tr("There is nothing to export yet: click the map first."))
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            header_written = False
            for number, series in enumerate(self.series, start=1):
                for header, row in series.csv_rows():
                    if not header_written:
                        writer.writerow(["point"] + header)
                        header_written = True
                    writer.writerow([number] + row)
        return path

    def export_image(self, path, width=1200, height=600):
        path = str(path)
        ok = self.chart.save_svg(path, width, height) if path.lower().endswith(".svg") else \
            self.chart.save_png(path, width, height)
        if not ok:
            raise FluxError(tr("Could not write the image {path}: check the folder exists and is writable.").format(
                path=path))
        return path

    def add_point_layer(self):
        """The values of every line as EDR point layers (temporal), added to the project."""
        from .. import api

        added = []
        for series in self.series:
            name = f"{series.variable} at {series.label()}"
            added.append(api.edr_layer(series.to_edr_result(), name=name))
        if added:
            self.report(tr("{n} point layer(s) added.").format(n=len(added)))
        return added

    def _ask_csv(self):
        path, _ = QFileDialog.getSaveFileName(self, tr("Save the values as CSV"), "timeseries.csv",
                                              tr("CSV (*.csv)"))
        if path:
            self._guarded(self.export_csv, path)

    def _ask_image(self):
        path, _ = QFileDialog.getSaveFileName(self, tr("Save the chart"), "timeseries.png",
                                              tr("PNG image (*.png);;SVG image (*.svg)"))
        if path:
            self._guarded(self.export_image, path)

    def _guarded(self, action, *args):
        try:
            action(*args)
            self.report(tr("Saved {path}.").format(path=args[0]))
        except (FluxError, OSError) as exc:
            self.report(str(exc), Qgis.Warning)

    def shutdown(self):
        self.cancel()
        self.series = []
        self._mark_points()
        canvas = self._canvas()
        try:
            if canvas is not None:
                canvas.temporalRangeChanged.disconnect(self._temporal_changed)
            QgsProject.instance().layersAdded.disconnect(self._refresh_sources)
            QgsProject.instance().layersRemoved.disconnect(self._refresh_sources)
        except (TypeError, RuntimeError):
            pass


class TimeSeriesController:
    """The map tool, its toolbar action and the chart dock (made on first use)."""

    def __init__(self, iface, action=None):  # noqa: QGS105
        self.iface = iface
        self.action = action
        self.dock = None
        self.tool = None

    def ensure_dock(self):
        if self.dock is None:
            self.dock = TimeSeriesDock(self.iface, self.iface.mainWindow())
            self.iface.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.show()
        self.dock.raise_()
        return self.dock

    def set_active(self, active=True):
        canvas = self.iface.mapCanvas()
        if active:
            dock = self.ensure_dock()
            if self.tool is None:
                self.tool = TimeSeriesTool(canvas, self._clicked, self._polygon_clicked,
                                           getattr(self.iface, "activeLayer", None))
                if self.action is not None:
                    self.tool.setAction(self.action)  # the action unchecks when another tool is chosen
            if canvas.mapTool() is not self.tool:
                canvas.setMapTool(self.tool)
            return dock
        if self.tool is not None and canvas.mapTool() is self.tool:
            canvas.unsetMapTool(self.tool)
        return self.dock

    def _clicked(self, lon, lat):
        self.ensure_dock().add_point(lon, lat)

    def _polygon_clicked(self, feature, layer):
        self.ensure_dock().add_polygon(feature, layer)

    def unload(self):
        self.set_active(False)
        if self.dock is not None:
            self.dock.shutdown()
            self.iface.removeDockWidget(self.dock)
            self.dock.setParent(None)
            self.dock.deleteLater()
            self.dock = None
        self.tool = None


_controller = [None]


def controller(iface=None, action=None):  # noqa: QGS105
    """The session's TimeSeriesController (made by the plugin's action or the Flux dock's button)."""
    if _controller[0] is None and iface is not None:
        _controller[0] = TimeSeriesController(iface, action)
    elif _controller[0] is not None and action is not None and _controller[0].action is None:
        _controller[0].action = action
        if _controller[0].tool is not None:
            _controller[0].tool.setAction(action)
    return _controller[0]


def open_from_dock(flux_dock):
    """The Flux dock's "Time series…": chart its chosen dataset and variable at the next clicks."""
    from .. import api

    fields = flux_dock.current_fields()
    variable = flux_dock.selected_variable()
    if not fields["org"] or not fields["repo"] or not variable:
        flux_dock.status_label.setText(tr("Choose an organization, repository, group and variable first (List "
                                          "variables), then press Time series… and click the map."))
        return None
    try:
        location = api.location(fields["org"], fields["repo"], fields["ref"], fields["group"], "edr")
    except ValueError as exc:
        flux_dock.status_label.setText(str(exc))
        return None
    plugin, plugin_action, control = None, None, None
    try:
        import qgis.utils

        plugin = qgis.utils.plugins.get("earthmover_flux")
        plugin_action = getattr(plugin, "timeseries_action", None)
        control = getattr(plugin, "timeseries_controller", None)  # the one its action made, if any
    except ImportError:
        pass
    control = control or controller(flux_dock.iface, plugin_action)
    if plugin is not None and getattr(plugin, "timeseries_controller", False) is None:
        plugin.timeseries_controller = control
    dock = control.set_active(True)
    if plugin_action is not None:
        plugin_action.setChecked(True)
    dock.set_dataset(location, variable, flux_dock.authcfg())
    return dock


def unload():
    if _controller[0] is not None:
        _controller[0].unload()
        _controller[0] = None
