"""QGIS's own Identify tool on Flux layers: values at the clicked point in the Identify Results panel.

No plugin API adds results to that panel, and neither the XYZ nor the WMS provider identifies a
Flux layer (flux_qgis/identify.py says why). So the plugin watches the map canvas: while the
active map tool is QGIS's Identify tool, a left click starts one background EDR query per Flux
layer under the point (flux_qgis.identify), and each answer is added to QGIS's Identify Results
panel (its results tree, ``lstResults``, found in the main window) as the layer's item with the
value and units, the time, the other dimensions and the grid cell; QGIS's own results for other
layers stay as they are. Where there is no such panel (a QGIS without it, tests' small window),
the answer goes to the message bar. ``last_results`` keeps the latest answers (scripts, tests).
"""

from qgis.core import Qgis, QgsSettings
from qgis.gui import QgsMapToolIdentify
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QObject, Qt
from qgis.PyQt.QtWidgets import QDockWidget, QTreeWidget, QTreeWidgetItem

from ..core.lazy import lazy_module

flux_identify = lazy_module("flux_qgis.identify")  # imported on the first Identify (start-up: ~10 ms)
layers = lazy_module("flux_qgis.layers")

ACTIVE_LAYER_MODE = 0  # QGIS's "Map/identifyMode": 0 = the active layer only


def tr(text):
    return QCoreApplication.translate("FluxIdentify", text)


class IdentifyHook(QObject):
    """Adds Flux values to what QGIS's Identify tool shows (installed by the plugin in initGui)."""

    def __init__(self, iface):
        super().__init__()
        self.iface = iface
        self.canvas = iface.mapCanvas()
        self.tasks = []
        self.last_results = []
        self.errors = []
        self.viewport = self.canvas.viewport() if self.canvas is not None else None
        if self.viewport is not None:
            self.viewport.installEventFilter(self)

    def unload(self):
        if self.viewport is not None:
            try:
                self.viewport.removeEventFilter(self)
            except RuntimeError:  # the canvas went first
                pass
        for task in list(self.tasks):
            task.cancel()
        self.viewport = None

    # ------------------------------------------------------------------ the click
    def identify_tool_active(self):
        tool = self.canvas.mapTool()
        if isinstance(tool, QgsMapToolIdentify):
            return True
        action = getattr(self.iface, "actionIdentify", None)
        return bool(action is not None and action() is not None and action().isChecked())

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton \
                and self.identify_tool_active():
            point = self.canvas.getCoordinateTransform().toMapCoordinates(event.pos().x(), event.pos().y())
            self.identify_at(point)
        return False  # QGIS's tool gets the click as always

    def flux_layers(self):
        """The Flux layers Identify should answer for, as QGIS's identify mode says."""
        candidates = [layer for layer in self.canvas.layers() if layers.spec_of(layer) is not None]
        # QGIS keeps the mode as an enum name ("ActiveLayer", "TopDownAll"...) or, older, a number
        mode = str(QgsSettings().value("Map/identifyMode", "ActiveLayer"))  # QGIS's default too
        if mode in ("ActiveLayer", str(ACTIVE_LAYER_MODE)) and hasattr(self.iface, "activeLayer"):
            active = self.iface.activeLayer()
            candidates = [layer for layer in candidates if layer is active]
        return candidates

    def identify_at(self, point):
        """Start one background query per Flux layer at ``point`` (map coordinates); returns the tasks."""
        from ..flux_qgis.tasks import run_in_background

        settings = self.canvas.mapSettings()
        crs = settings.destinationCrs()
        temporal = settings.temporalRange() if settings.isTemporal() else None
        self.last_results, self.errors = [], []
        started = []
        for layer in self.flux_layers():
            try:
                query = flux_identify.query_for(layer, point, crs, temporal)
            except ValueError as error:
                self.errors.append(str(error))
                continue

            def work(feedback, query=query):
                return flux_identify.fetch(query, feedback)

            task = run_in_background(tr("Earthmover Flux: identify {name}").format(name=layer.name()), work, None)
            task.on_done = lambda result, error, task=task: self._answered(task, result, error)
            self.tasks.append(task)
            started.append(task)
        return started

    def _answered(self, task, result, error):
        if task in self.tasks:
            self.tasks.remove(task)
        if error is not None:
            from ..core.errors import FluxCancelled

            if not isinstance(error, FluxCancelled):
                self.errors.append(str(error))
                self.iface.messageBar().pushMessage(tr("Earthmover Flux"), str(error), Qgis.Warning, 8)
            return
        self.last_results.append(result)
        if not self.add_to_results_panel(result):
            self.iface.messageBar().pushMessage(tr("Earthmover Flux"), result.text(), Qgis.Info, 10)

    # ------------------------------------------------------------------ QGIS's results panel
    def results_tree(self):
        window = self.iface.mainWindow() if hasattr(self.iface, "mainWindow") else None
        if window is None:
            return None
        return window.findChild(QTreeWidget, "lstResults")

    def add_to_results_panel(self, result):
        tree = self.results_tree()
        if tree is None:
            return False
        item = QTreeWidgetItem([result.layer_name, ""])
        item.setToolTip(0, tr("Earthmover Flux: the value in the grid cell under the point (EDR position)"))
        for label, text in result.rows():
            item.addChild(QTreeWidgetItem([label, text]))
        tree.addTopLevelItem(item)
        item.setExpanded(True)
        dock = tree.parent()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parent()
        if dock is not None:
            dock.show()
            dock.raise_()
        return True
