"""The dock's DAP2 page: a subset (area, time range, one value of each other dimension) of the
variable chosen on the Data page, written to a GeoTIFF the user keeps and added as a layer.

The area comes from QGIS's own extent widget (the map canvas, a layer's extent, or drawn); the
other dimensions from the variable's selectors on the Data page. Network and file writing run in
the dock's background task (api.prepare_dap2_subset); the layer is made on the UI thread.
"""

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject
from qgis.gui import QgsExtentWidget, QgsFileWidget
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from .. import api
from ..core.errors import FluxError, FluxInputError

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")


def tr(text):
    return QCoreApplication.translate("@default", text)  # where pylupdate5 files bare tr() calls


class Dap2Panel(QWidget):
    def __init__(self, dock):
        super().__init__()
        self.dock = dock
        column = QVBoxLayout(self)
        self.dataset_label = QLabel()
        self.dataset_label.setObjectName("dap2DatasetLabel")
        self.dataset_label.setWordWrap(True)
        column.addWidget(self.dataset_label)
        form = QFormLayout()
        column.addLayout(form)

        self.extent_widget = QgsExtentWidget(None, QgsExtentWidget.CondensedStyle)
        self.extent_widget.setObjectName("dap2Extent")
        self.extent_widget.setNullValueAllowed(True, tr("Whole dataset"))
        self.extent_widget.clear()
        self.extent_widget.setToolTip(tr("The area to cut out: from the map canvas, a layer, or drawn (the … "
                                         "button); empty: the whole dataset."))
        canvas = dock.iface.mapCanvas() if dock.iface is not None else None
        if canvas is not None:
            self.extent_widget.setMapCanvas(canvas)
        self.start_edit = QLineEdit()
        self.start_edit.setObjectName("dap2StartEdit")
        self.start_edit.setPlaceholderText(tr("start, e.g. 2024-01-02 (empty: from the first step)"))
        self.end_edit = QLineEdit()
        self.end_edit.setObjectName("dap2EndEdit")
        self.end_edit.setPlaceholderText(tr("end (empty: to the last step)"))
        self.dims_label = QLabel()
        self.dims_label.setObjectName("dap2DimensionsLabel")
        self.dims_label.setWordWrap(True)
        self.output_widget = QgsFileWidget()
        self.output_widget.setObjectName("dap2Output")
        self.output_widget.setStorageMode(QgsFileWidget.SaveFile)
        self.output_widget.setFilter(tr("GeoTIFF (*.tif *.tiff)"))
        self.output_widget.setToolTip(tr("Where to keep the subset: one band per time step."))
        self.run_button = QPushButton(tr("Make subset and add"))
        self.run_button.setObjectName("dap2RunButton")
        self.run_button.setToolTip(tr("Fetch the subset over DAP2, write the GeoTIFF and add it to the map."))
        form.addRow(tr("Area"), self.extent_widget)
        form.addRow(tr("From"), self.start_edit)
        form.addRow(tr("To"), self.end_edit)
        form.addRow(tr("Other dimensions"), self.dims_label)
        form.addRow(tr("GeoTIFF"), self.output_widget)
        form.addRow(self.run_button)
        column.addStretch(1)
        self.run_button.clicked.connect(self.run)

    def show_dataset(self, text):
        self.dataset_label.setText(text)
        dims = self.dock.selected_dimensions() if self._dimensions_apply() else {}
        self.dims_label.setText(", ".join(f"{k} = {v}" for k, v in dims.items()) or
                                tr("the first value of each (choose them on the Data page after List, protocol "
                                   "dap2)"))

    def _dimensions_apply(self):
        """The Data page's selectors describe this dap2 dataset (listed with protocol dap2)."""
        listed = self.dock.listed
        return listed is not None and listed[0][0].protocol == "dap2" and bool(self.dock.dim_selectors)

    def bbox(self):
        """(west, south, east, north) in EPSG:4326, or None for the whole dataset."""
        if not self.extent_widget.isValid():
            return None
        rect = self.extent_widget.outputExtent()
        if rect.isNull() or rect.isEmpty():
            return None
        crs = self.extent_widget.outputCrs()
        if crs.isValid() and crs != WGS84:
            rect = QgsCoordinateTransform(crs, WGS84, QgsProject.instance()).transformBoundingBox(rect)
        return rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()

    def run(self):
        dock = self.dock
        fields = dock.current_fields()
        service = fields["service"] if fields["protocol"] == "dap2" else "dap2"
        variable = dock.selected_variable()
        output = self.output_widget.filePath().strip()
        start, end = self.start_edit.text().strip(), self.end_edit.text().strip()
        time_range = (start or None, end or None) if (start or end) else None
        dimensions = dock.selected_dimensions() if self._dimensions_apply() else None
        try:
            if not variable:
                raise FluxInputError(tr("Choose a variable on the Data page first (protocol dap2, then List)."))
            if not output:
                raise FluxInputError(tr("Choose where to keep the GeoTIFF (the GeoTIFF field)."))
            if not output.lower().endswith((".tif", ".tiff")):
                output += ".tif"
            api.location(fields["org"], fields["repo"], fields["ref"], fields["group"], "dap2", service)
            bbox = self.bbox()
            cfg = dock.authcfg()
            dock._unlock(cfg)
        except FluxError as exc:
            dock.report_error(exc)
            return None

        def work(feedback):
            return api.prepare_dap2_subset(fields["org"], fields["repo"], fields["ref"], fields["group"], variable,
                                           output=output, bbox=bbox, time_range=time_range, service=service,
                                           authcfg=cfg, feedback=feedback, dimensions=dimensions)

        def add(subset):
            layer = api.dap2_layer(subset)
            n = len(subset.times)
            text = tr("Added {name}: 1 time step in {path}.") if n == 1 else \
                tr("Added {name}: {n} time steps in {path}.")
            dock.report(text.format(name=layer.name(), n=n, path=subset.path or output))

        return dock.start(tr("Fetching the DAP2 subset"), work, add)
