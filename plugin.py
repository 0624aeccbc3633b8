"""The plugin object QGIS loads: toolbar button, menu entry, dock, Processing provider.

Start-up does no network call and never touches the authentication database, so enabling
the plugin costs QGIS nothing noticeable and never shows a master-password prompt.
"""

import os

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

PLUGIN_DIR = os.path.dirname(__file__)
MENU = "&Earthmover Flux"


def icon():
    return QIcon(os.path.join(PLUGIN_DIR, "icons", "icon.svg"))


class FluxPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.action = None
        self.dock = None
        self.provider = None
        self.temporal_sync = None

    @staticmethod
    def tr(text):
        return QCoreApplication.translate("EarthmoverFlux", text)

    def initProcessing(self):  # noqa: N802 (QGIS API)
        from .processing.provider import FluxProvider

        self.provider = FluxProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802 (QGIS API)
        self.initProcessing()
        self.action = QAction(icon(), self.tr("Earthmover Flux"), self.iface.mainWindow())
        self.action.setObjectName("earthmoverFluxAction")
        self.action.setCheckable(True)
        self.action.setToolTip(self.tr("Add Earthmover Flux data (WMS, tiles, EDR, DAP2)"))
        self.action.toggled.connect(self._toggle_dock)
        self.iface.addToolBarIcon(self.action)
        self.iface.addPluginToMenu(MENU, self.action)
        from .flux_qgis.temporal import TemporalSync

        canvas = self.iface.mapCanvas()
        controller = canvas.temporalController() if canvas is not None else None
        if controller is not None:
            self.temporal_sync = TemporalSync(controller)

    def _ensure_dock(self):
        if self.dock is None:
            from .ui.dock import FluxDock

            self.dock = FluxDock(self.iface, self.iface.mainWindow())
            self.dock.setObjectName("EarthmoverFluxDock")
            self.iface.addDockWidget(Qt.RightDockWidgetArea, self.dock)
            self.dock.visibilityChanged.connect(self._dock_visibility_changed)
        return self.dock

    def _toggle_dock(self, checked):
        if checked:
            self._ensure_dock().show()
            self.dock.raise_()
        elif self.dock is not None:
            self.dock.hide()

    def _dock_visibility_changed(self, visible):
        if self.action is not None and self.action.isChecked() != visible:
            self.action.blockSignals(True)
            self.action.setChecked(visible)
            self.action.blockSignals(False)

    def show_dock(self):
        if self.action is not None:
            self.action.setChecked(True)
        return self.dock

    def unload(self):
        if self.temporal_sync is not None:
            self.temporal_sync.disconnect_all()
            self.temporal_sync = None
        if self.dock is not None:
            self.dock.shutdown()
            self.iface.removeDockWidget(self.dock)
            self.dock.setParent(None)
            self.dock.deleteLater()
            self.dock = None
        if self.action is not None:
            self.iface.removePluginMenu(MENU, self.action)
            self.iface.removeToolBarIcon(self.action)
            self.action.deleteLater()
            self.action = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
