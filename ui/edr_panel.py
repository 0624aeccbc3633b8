"""EDR queries from the dock: a point (typed or clicked), a point layer's points, or a polygon
(drawn on the map, or the selected/first polygon of a layer), for chosen parameters and time range.

Network runs in the dock's background task (api.prepare_edr_*); the layer is built on the UI
thread (api.edr_layer).
"""

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsMapLayerProxyModel,
    QgsPointXY,
    QgsProject,
    QgsWkbTypes,
)
from qgis.gui import QgsFileWidget, QgsMapLayerComboBox, QgsMapTool, QgsRubberBand
from qgis.PyQt.QtCore import QCoreApplication, Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from .. import api
from ..core.errors import FluxError, FluxInputError

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")


def tr(text):
    return QCoreApplication.translate("@default", text)  # where pylupdate5 files bare tr() calls


def parse_lonlat(text):
    """'lon, lat' (or 'lon lat') -> (lon, lat), with a sentence when it is not that."""
    parts = text.replace(",", " ").split()
    try:
        lon, lat = (float(p) for p in parts)
    except ValueError:
        raise FluxInputError(tr("Type the point as 'longitude, latitude', for example '10, 20'.")) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise FluxInputError(tr("The point {lon:g}, {lat:g} is outside longitude -180..180 / latitude -90..90.")
                             .format(lon=lon, lat=lat))
    return lon, lat


class PointTool(QgsMapTool):
    """One click on the map -> a point in EPSG:4326."""

    picked = pyqtSignal(float, float)

    def canvasReleaseEvent(self, event):  # noqa: N802 (Qt API)
        point = self.toMapCoordinates(event.pos())
        transform = QgsCoordinateTransform(self.canvas().mapSettings().destinationCrs(), WGS84, QgsProject.instance())
        lonlat = transform.transform(point)
        self.picked.emit(lonlat.x(), lonlat.y())


class PolygonTool(QgsMapTool):
    """Left clicks add vertices, a right click closes the polygon (EPSG:4326 WKT)."""

    drawn = pyqtSignal(str)

    def __init__(self, canvas):
        super().__init__(canvas)
        self.points = []
        self.band = QgsRubberBand(canvas, QgsWkbTypes.PolygonGeometry)
        self.band.setColor(QColor(255, 80, 0, 90))

    def canvasReleaseEvent(self, event):  # noqa: N802 (Qt API)
        if event.button() == Qt.MouseButton.RightButton:
            self.finish()
            return
        self.points.append(self.toMapCoordinates(event.pos()))
        self.band.addPoint(self.points[-1])

    def finish(self):
        if len(self.points) >= 3:
            transform = QgsCoordinateTransform(self.canvas().mapSettings().destinationCrs(), WGS84,
                                               QgsProject.instance())
            ring = [transform.transform(p) for p in self.points]
            self.drawn.emit(QgsGeometry.fromPolygonXY([ring + [ring[0]]]).asWkt(6))
        self.points = []

    def deactivate(self):
        self.band.reset(QgsWkbTypes.PolygonGeometry)
        super().deactivate()


class EdrPanel(QWidget):
    """The dock's EDR page: queries on the dataset chosen on the Data page."""

    def __init__(self, dock):
        super().__init__()
        self.dock = dock
        self.polygon_wkt = ""
        self.tool = None
        column = QVBoxLayout(self)
        self.dataset_label = QLabel()
        self.dataset_label.setObjectName("edrDatasetLabel")
        self.dataset_label.setWordWrap(True)
        column.addWidget(self.dataset_label)
        form = QFormLayout()
        column.addLayout(form)
        column.addStretch(1)
        self.parameters_edit = QLineEdit()
        self.parameters_edit.setObjectName("edrParametersEdit")
        self.parameters_edit.setPlaceholderText(tr("parameter names, comma separated (empty: all)"))
        self.start_edit = QLineEdit()
        self.start_edit.setObjectName("edrStartEdit")
        self.start_edit.setPlaceholderText(tr("start, e.g. 2024-01-02 (empty: from the first step)"))
        self.end_edit = QLineEdit()
        self.end_edit.setObjectName("edrEndEdit")
        self.end_edit.setPlaceholderText(tr("end (empty: to the last step)"))
        form.addRow(tr("Parameters"), self.parameters_edit)
        form.addRow(tr("From"), self.start_edit)
        form.addRow(tr("To"), self.end_edit)
        self._build_targets(form)
        self.output_widget = QgsFileWidget()
        self.output_widget.setObjectName("edrOutput")
        self.output_widget.setStorageMode(QgsFileWidget.SaveFile)
        self.output_widget.setFilter(tr("GeoPackage (*.gpkg)"))
        form.addRow(tr("Keep in (optional)"), self.output_widget)
        self._connect()

    def _build_targets(self, form):
        """What to query: a point (typed or picked), a layer's points or polygon, a drawn polygon."""
        self.point_edit = QLineEdit()
        self.point_edit.setObjectName("edrPointEdit")
        self.point_edit.setPlaceholderText(tr("longitude, latitude"))
        self.pick_button = QPushButton(tr("Pick on map"))
        self.pick_button.setObjectName("edrPickButton")
        self.point_button = QPushButton(tr("Query point"))
        self.point_button.setObjectName("edrQueryPointButton")
        row = QHBoxLayout()
        row.addWidget(self.point_edit)
        row.addWidget(self.pick_button)
        row.addWidget(self.point_button)
        form.addRow(tr("Point"), row)

        self.layer_combo = QgsMapLayerComboBox()
        self.layer_combo.setObjectName("edrLayerCombo")
        if Qgis.QGIS_VERSION_INT >= 33400:  # Qgis.LayerFilter since 3.34; the old flags are deprecated
            self.layer_combo.setFilters(Qgis.LayerFilters(Qgis.LayerFilter.PointLayer | Qgis.LayerFilter.PolygonLayer))
        else:
            self.layer_combo.setFilters(QgsMapLayerProxyModel.PointLayer | QgsMapLayerProxyModel.PolygonLayer)
        self.layer_button = QPushButton(tr("Query its points / polygon"))
        self.layer_button.setObjectName("edrQueryLayerButton")
        form.addRow(tr("Layer"), self.layer_combo)
        form.addRow(self.layer_button)

        self.draw_button = QPushButton(tr("Draw a polygon (right click ends)"))
        self.draw_button.setObjectName("edrDrawButton")
        self.area_button = QPushButton(tr("Query drawn polygon"))
        self.area_button.setObjectName("edrQueryAreaButton")
        row = QHBoxLayout()
        row.addWidget(self.draw_button)
        row.addWidget(self.area_button)
        form.addRow(row)

    def _connect(self):
        """Tooltips, and each button to what it does."""
        self.parameters_edit.setToolTip(tr("List the variables on the Data page (protocol edr) to fill this."))
        self.pick_button.setToolTip(tr("Click a point on the map: it is queried at once."))
        self.layer_button.setToolTip(tr("The selected (else all) points of the layer, in one request; or its "
                                        "selected (else first) polygon."))
        self.output_widget.setToolTip(tr("A GeoPackage to keep the values in; empty: a temporary layer."))
        self.pick_button.clicked.connect(self.pick_point)
        self.point_button.clicked.connect(self.query_point)
        self.layer_button.clicked.connect(self.query_layer)
        self.draw_button.clicked.connect(self.draw_polygon)
        self.area_button.clicked.connect(self.query_area)

    def show_dataset(self, text):
        self.dataset_label.setText(text)

    # ------------------------------------------------------------ inputs
    def _canvas(self):
        return self.dock.iface.mapCanvas() if self.dock.iface is not None else None

    def pick_point(self):
        canvas = self._canvas()
        self.tool = PointTool(canvas)
        self.tool.picked.connect(self._picked)
        canvas.setMapTool(self.tool)
        self.dock.status_label.setText(tr("Click a point on the map."))

    def _picked(self, lon, lat):
        self.point_edit.setText(f"{lon:.5f}, {lat:.5f}")
        self._canvas().unsetMapTool(self.tool)
        self.query_point()

    def draw_polygon(self):
        canvas = self._canvas()
        self.tool = PolygonTool(canvas)
        self.tool.drawn.connect(self._drawn)
        canvas.setMapTool(self.tool)
        self.dock.status_label.setText(tr("Click the polygon's corners on the map; right click to close it."))

    def _drawn(self, wkt):
        self.polygon_wkt = wkt
        self._canvas().unsetMapTool(self.tool)
        self.dock.status_label.setText(tr("Polygon drawn: press 'Query drawn polygon'."))

    def _common(self):
        fields = self.dock.current_fields()
        service = fields["service"] if fields["protocol"] == "edr" else "edr"
        parameters = [p.strip() for p in self.parameters_edit.text().split(",") if p.strip()] or None
        start, end = self.start_edit.text().strip(), self.end_edit.text().strip()
        time_range = (start or None, end or None) if (start or end) else None
        output = self.output_widget.filePath().strip() or None
        return fields, service, parameters, time_range, output

    # ------------------------------------------------------------ queries
    def _run(self, description, fetch, name):
        try:
            fields, service, parameters, time_range, output = self._common()
            api.location(fields["org"], fields["repo"], fields["ref"], fields["group"], "edr", service)
            cfg = self.dock.authcfg()
            self.dock._unlock(cfg)
        except FluxError as exc:
            self.dock.report_error(exc)
            return None

        def work(feedback):
            return fetch(fields, service, parameters, time_range, cfg, feedback)

        def add(result):
            layer = api.edr_layer(result, output=output, name=name)
            n = layer.featureCount()
            self.dock.report((tr("Added {name}: 1 value.") if n == 1 else tr("Added {name}: {n} values."))
                             .format(name=layer.name(), n=n))

        return self.dock.start(description, work, add)

    def query_point(self):
        try:
            lon, lat = parse_lonlat(self.point_edit.text())
        except FluxError as exc:
            self.dock.report_error(exc)
            return None

        def fetch(fields, service, parameters, time_range, cfg, feedback):
            return api.prepare_edr_position(fields["org"], fields["repo"], fields["ref"], fields["group"],
                                            [(lon, lat)], parameters, time_range=time_range, service=service,
                                            authcfg=cfg, feedback=feedback)

        return self._run(tr("EDR query at a point"), fetch, tr("EDR at {lon:g}, {lat:g}").format(lon=lon, lat=lat))

    def query_layer(self):
        layer = self.layer_combo.currentLayer()
        if layer is None:
            self.dock.report_error(FluxInputError(tr("Choose a point or polygon layer first.")))
            return None
        transform = QgsCoordinateTransform(layer.crs(), WGS84, QgsProject.instance())
        features = list(layer.selectedFeatures()) or list(layer.getFeatures())
        if layer.geometryType() == QgsWkbTypes.PolygonGeometry:
            if not features:
                self.dock.report_error(FluxInputError(tr("The layer has no polygon.")))
                return None
            geometry = QgsGeometry(features[0].geometry())
            geometry.transform(transform)
            self.polygon_wkt = geometry.asWkt(6)
            return self.query_area()
        points = []
        for feature in features:
            geometry = QgsGeometry(feature.geometry())
            if geometry.isNull():
                continue
            geometry.transform(transform)
            for vertex in geometry.vertices():
                points.append((vertex.x(), vertex.y()))
        if not points:
            self.dock.report_error(FluxInputError(tr("The layer has no points.")))
            return None

        def fetch(fields, service, parameters, time_range, cfg, feedback):
            return api.prepare_edr_position(fields["org"], fields["repo"], fields["ref"], fields["group"],
                                            [QgsPointXY(x, y) for x, y in points], parameters,
                                            time_range=time_range, service=service, authcfg=cfg, feedback=feedback)

        text = tr("EDR query for 1 point") if len(points) == 1 else tr("EDR query for {n} points")
        return self._run(text.format(n=len(points)), fetch,
                         tr("EDR at the points of {name}").format(name=layer.name()))

    def query_area(self):
        if not self.polygon_wkt:
            self.dock.report_error(FluxInputError(tr("Draw a polygon first, or choose a polygon layer.")))
            return None
        wkt = self.polygon_wkt

        def fetch(fields, service, parameters, time_range, cfg, feedback):
            return api.prepare_edr_area(fields["org"], fields["repo"], fields["ref"], fields["group"], wkt,
                                        parameters, time_range=time_range, service=service, authcfg=cfg,
                                        feedback=feedback)

        return self._run(tr("EDR area query"), fetch, tr("EDR area"))
