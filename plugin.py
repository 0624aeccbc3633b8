"""The plugin object QGIS loads: toolbar button, menu entry, dock, Processing provider.

Start-up does no network call and never touches the authentication database, so enabling
the plugin costs QGIS nothing noticeable and never shows a master-password prompt.
"""

import os

from qgis.core import Qgis, QgsApplication, QgsProject
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QPushButton

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
        self.project_watcher = None
        self.pending_relink = []

    @staticmethod
    def tr(text):
        return QCoreApplication.translate("FluxPlugin", text)  # the class pylupdate5 files self.tr() under

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
        from .flux_qgis.relink import ProjectWatcher

        self.project_watcher = ProjectWatcher()
        QgsProject.instance().readProject.connect(self._project_read)

    # ------------------------------------------------------------ shared projects
    def _project_read(self, _document):
        # after QGIS has finished loading the layers
        QTimer.singleShot(0, self.check_unlinked_layers)

    def check_unlinked_layers(self):
        """One message when Flux layers reference credentials this machine lacks."""
        from .flux_qgis.layers import restore_legends
        from .flux_qgis.relink import find_unlinked_layers, orgs_of

        restore_legends()
        self.pending_relink = find_unlinked_layers()
        if not self.pending_relink:
            return []
        orgs = orgs_of(self.pending_relink)
        text = self.tr("{n} Earthmover Flux layer(s) use credentials that are not on this computer "
                       "(organization: {orgs}). Re-link them to your own credentials for the same "
                       "organization?").format(n=len(self.pending_relink), orgs=", ".join(orgs))
        bar = self.iface.messageBar()
        item = bar.createMessage(self.tr("Earthmover Flux"), text)
        button = QPushButton(self.tr("Re-link"), item)
        button.setObjectName("fluxRelinkButton")
        button.clicked.connect(self.relink_pending)
        item.layout().addWidget(button)
        bar.pushWidget(item, Qgis.Warning, 0)
        return orgs

    def relink_pending(self):
        from .flux_qgis.relink import relink_layers

        document = self.project_watcher.document if self.project_watcher else None
        from .flux_qgis.layers import restore_legends

        relinked, missing = relink_layers(self.pending_relink, document=document)
        restore_legends()
        self.pending_relink = [p for p in self.pending_relink if p.layer_id not in relinked]
        if missing:
            dock = self.show_dock()
            dock.ask_for_credentials(missing[0], self.relink_pending)
        elif relinked:
            self.iface.messageBar().pushMessage(
                self.tr("Earthmover Flux"),
                self.tr("{n} layer(s) re-linked to your credentials.").format(n=len(relinked)), Qgis.Success, 5)
        return relinked, missing

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
        return self._ensure_dock()

    def unload(self):
        if self.project_watcher is not None:
            QgsProject.instance().readProject.disconnect(self._project_read)
            self.project_watcher.disconnect()
            self.project_watcher = None
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
