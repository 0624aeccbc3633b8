"""The "Earthmover Flux" page of a Flux layer's Layer Properties: change what it shows after adding.

Colormap, value range (typed, or the range of the data in the current map view: WMS GetMetadata
``minmax`` with the view's bbox), time step (for a forecast: its start) and every other
dimension (lead time, level, member...). *Apply*/*OK* call ``api.update_layer``, which rebuilds the
layer's source; the change lives in the layer's saved properties and source, so it is saved with
the project, and choosing the old values again gives back the old source exactly.

QGIS's own Symbology page restyles the PNG the server sent; this page changes the request.
"""

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject, QgsRectangle
from qgis.gui import QgsMapLayerConfigWidget, QgsMapLayerConfigWidgetFactory
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from ..core.errors import FluxError
from ..core.lazy import lazy_module
from ..core.styles import COLORMAPS, known_colormaps
from ..flux_qgis.icon import icon

layers = lazy_module("flux_qgis.layers")  # imported when a layer's properties are first shown (start-up: 18 ms)

MAX_LISTED_TIMES = 500  # longer axes: the step is typed (as in the dock)


def tr(text):
    return QCoreApplication.translate("FluxLayerProperties", text)


def view_bbox(canvas, crs=None):
    """The canvas's visible extent as (west, south, east, north) in EPSG:4326, clamped to the globe."""
    extent = canvas.extent()
    source = crs or canvas.mapSettings().destinationCrs()
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    if source != wgs84:
        extent = QgsCoordinateTransform(source, wgs84, QgsProject.instance()).transformBoundingBox(extent)
    extent = extent.intersect(QgsRectangle(-180, -90, 180, 90))
    if extent.isEmpty():
        raise FluxError("The map view shows no part of the globe: zoom to the data first.")
    return extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()


class FluxLayerPage(QgsMapLayerConfigWidget):
    """What a Flux layer shows; apply() sends it to api.update_layer."""

    def __init__(self, layer, canvas, parent=None):
        super().__init__(layer, canvas, parent)
        self.setObjectName("fluxLayerPage")
        self.setPanelTitle(tr("Earthmover Flux"))
        if canvas is None:  # QGIS's Layer Properties dialog gives its pages no canvas: the main one's view
            from qgis.utils import iface

            canvas = iface.mapCanvas() if iface is not None else None
        self.layer, self.canvas = layer, canvas
        self.spec = layers.spec_of(layer)
        self.task = None
        self.dimension_combos = {}
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        self._build_style(form)
        self._build_dimensions(form)
        self.status = QLabel()
        self.status.setObjectName("fluxPageStatus")
        self.status.setWordWrap(True)
        outer.insertWidget(1, self.status)

    def _build_style(self, form):
        """Colormap, fixed value range and "from the current view's data"."""
        self.colormap_combo = QComboBox()
        self.colormap_combo.setObjectName("fluxColormapCombo")
        self.colormap_combo.setEditable(True)
        names = list(COLORMAPS) + [n for n in known_colormaps() if n not in COLORMAPS]
        self.colormap_combo.addItems(names)
        self.colormap_combo.setEditText(self.spec.colormap)
        form.addRow(tr("Colormap"), self.colormap_combo)

        self.fixed_range = QCheckBox(tr("Fixed range (else the server scales each image itself)"))
        self.fixed_range.setObjectName("fluxFixedRange")
        self.min_spin, self.max_spin = QDoubleSpinBox(), QDoubleSpinBox()
        for name, spin in (("fluxRangeMin", self.min_spin), ("fluxRangeMax", self.max_spin)):
            spin.setObjectName(name)
            spin.setDecimals(6)
            spin.setRange(-1e12, 1e12)
        low, high = self.spec.value_range or (0.0, 1.0)
        self.min_spin.setValue(low)
        self.max_spin.setValue(high)
        self.fixed_range.setChecked(self.spec.value_range is not None)
        self.fixed_range.toggled.connect(self._range_enabled)
        self._range_enabled(self.fixed_range.isChecked())
        self.view_button = QPushButton(tr("From the current view's data"))
        self.view_button.setObjectName("fluxRangeFromView")
        self.view_button.setToolTip(tr("Minimum and maximum of the data inside the map view, for the "
                                       "time and dimensions chosen here (WMS GetMetadata)"))
        self.view_button.clicked.connect(self.range_from_view)
        self.view_button.setEnabled(self.canvas is not None)
        row = QHBoxLayout()
        row.addWidget(self.min_spin)
        row.addWidget(QLabel(tr("to")))
        row.addWidget(self.max_spin)
        units = QLabel(self.spec.units)
        row.addWidget(units)
        form.addRow(self.fixed_range)
        form.addRow(tr("Value range"), row)
        form.addRow("", self.view_button)

    def _build_dimensions(self, form):
        """The time shown outside the Temporal Controller, and one value of each other dimension."""
        self.time_combo = None
        axis = self.spec.time_axis
        if axis:
            self.time_combo = QComboBox()
            self.time_combo.setObjectName("fluxTimeCombo")
            if len(axis) <= MAX_LISTED_TIMES and not axis.raw:
                self.time_combo.addItems(axis.strings())
            else:
                self.time_combo.setEditable(True)
            self.time_combo.setCurrentText(self.spec.time)  # the edit text, when editable
            label = tr("Forecast start") if self.spec.lead_dimension is not None else tr("Time step")
            self.time_combo.setToolTip(tr("With the Temporal Controller on, each render asks for its own "
                                          "time; this is the time shown otherwise."))
            form.addRow(label, self.time_combo)

        for dim in self.spec.dims:
            combo = QComboBox()
            combo.setObjectName(f"fluxDimension_{dim.name}")
            combo.addItems(dim.values)
            combo.setCurrentText(self.spec.selected.get(dim.name, dim.default))
            self.dimension_combos[dim.name] = combo
            form.addRow(dim.label, combo)

    def _range_enabled(self, on):
        self.min_spin.setEnabled(on)
        self.max_spin.setEnabled(on)

    # ----------------------------------------------------------------- what the page holds
    def chosen(self):
        """{colormap, value_range, time, dimensions} as the page shows them."""
        value_range = (self.min_spin.value(), self.max_spin.value()) if self.fixed_range.isChecked() else None
        time = self.time_combo.currentText().strip() if self.time_combo is not None else None
        return {"colormap": self.colormap_combo.currentText().strip(), "value_range": value_range,
                "time": time or None,
                "dimensions": {name: combo.currentText() for name, combo in self.dimension_combos.items()}}

    def apply(self):
        """QGIS calls this on Apply and OK: a C++ ``void`` (a returned value makes PyQt raise
        "invalid result from FluxLayerPage.apply()", an error dialog on every OK)."""
        self.apply_changes()

    def apply_changes(self):
        """Rebuild the layer from the page; True when its source changed, False when nothing did
        (or the page holds an error, shown in its status line)."""
        from .. import api

        wanted = self.chosen()
        try:
            changed = api.update_layer(self.layer, colormap=wanted["colormap"], value_range=wanted["value_range"],
                                       time=wanted["time"], dimensions=wanted["dimensions"] or None)
            if wanted["value_range"] is None and layers.spec_of(self.layer).value_range is not None:
                changed = layers.update_layer(self.layer, value_range=None) or changed  # back to autoscale
        except (FluxError, ValueError) as error:
            self.status.setText(str(error))
            return False
        self.spec = layers.spec_of(self.layer)
        self.status.setText(tr("Updated: the layer asks the server for the new images.") if changed else "")
        return changed

    # ----------------------------------------------------------------- range from the view
    def range_from_view(self):
        from ..flux_qgis.layers import authcfg_of, value_range
        from ..flux_qgis.tasks import run_in_background

        try:
            bbox = view_bbox(self.canvas)
        except FluxError as error:
            self.status.setText(str(error))
            return None
        spec, wanted = self.spec, self.chosen()
        location = spec.location
        if location.protocol != "wms":  # the same dataset's WMS service answers GetMetadata
            location = location.with_(protocol="wms", service="wms")
        from ..core.dimensions import resolve

        try:
            selected = resolve(spec.dims, wanted["dimensions"], spec.variable)
        except ValueError as error:
            self.status.setText(str(error))
            return None
        time = wanted["time"] or spec.time
        dims = spec.dims  # query_params names them for WMS (the vertical axis as elevation)
        authcfg = authcfg_of(self.layer)

        from ..core.wms import minmax_bbox

        def work(feedback):
            return value_range(location, spec.variable, time, authcfg, feedback, dims, selected, minmax_bbox(bbox))

        self.view_button.setEnabled(False)
        self.status.setText(tr("Reading the range of the data in view…"))
        self.task = run_in_background(tr("Earthmover Flux: value range of the view"), work, self._range_read)
        return self.task

    def _range_read(self, result, error):
        self.task = None
        try:
            self.view_button.setEnabled(True)
        except RuntimeError:  # the dialog was closed meanwhile
            return
        if error is not None:
            self.status.setText(str(error))
            return
        low, high = result
        self.fixed_range.setChecked(True)
        self.min_spin.setValue(low)
        self.max_spin.setValue(high)
        self.status.setText(tr("Range of the data in view: {low} to {high}. Apply to use it.").format(
            low=f"{low:.6g}", high=f"{high:.6g}"))


class FluxLayerPageFactory(QgsMapLayerConfigWidgetFactory):
    """Adds the page to Layer Properties of Flux layers (registered by the plugin in initGui)."""

    def __init__(self):
        super().__init__(tr("Earthmover Flux"), icon())
        self.setSupportLayerPropertiesDialog(True)
        self.setSupportsStyleDock(False)

    def supportLayerPropertiesDialog(self):  # noqa: N802 (QGIS API)
        return True

    def supportsStyleDock(self):  # noqa: N802 (QGIS API)
        return False

    def supportsLayer(self, layer):  # noqa: N802 (QGIS API)
        return layers.spec_of(layer) is not None

    def createWidget(self, layer, canvas, dockWidget=True, parent=None):  # noqa: N802,N803 (QGIS API)
        return FluxLayerPage(layer, canvas, parent)
