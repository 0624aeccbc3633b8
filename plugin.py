"""The plugin object QGIS loads: toolbar button, menu entry, dock, Processing provider.

Start-up does no network call and never touches the authentication database, so enabling
the plugin costs QGIS nothing noticeable and never shows a master-password prompt.
"""

import sys

from qgis.core import Qgis, QgsApplication, QgsMapLayerLegend, QgsProject
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer
from qgis.PyQt.QtWidgets import QAction, QMenu, QPushButton

from .flux_qgis.icon import icon

MENU = "&Earthmover Flux"


class FluxPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.action = None
        self.dock = None
        self.provider = None
        self.temporal_sync = None
        self.layer_page_factory = None
        self.identify_hook = None
        self.project_watcher = None
        self.project_open = None
        self.time_notice = None
        self.pending_relink = []
        self.timeseries_action = None
        self.timeseries_controller = None

    @staticmethod
    def tr(text):
        return QCoreApplication.translate("FluxPlugin", text)  # the class pylupdate5 files self.tr() under

    def initProcessing(self):  # noqa: N802 (QGIS API)
        from .flux_processing.provider import FluxProvider

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
        from .flux_qgis.project_open import ProjectOpenWatcher

        # a project's Flux datasets: their capabilities read at once, before its layers are made
        self.project_open = ProjectOpenWatcher(QgsProject.instance())
        QgsProject.instance().crsChanged.connect(self._project_crs_changed)
        from .ui.time_notice import TilesTimeNotice

        self.time_notice = TilesTimeNotice(self.iface)  # where a tiles layer cannot draw a render's time
        from .ui import browser

        browser.register(self.iface)  # the Browser panel's "Earthmover Flux" (no network until expanded)
        from .ui import source_select

        source_select.register()  # "Earthmover Flux" in the Data Source Manager (Ctrl+L)
        if any(layer.customProperty("earthmover_flux/spec") for layer in QgsProject.instance().mapLayers().values()):
            from .flux_qgis.layers import restore_legends

            restore_legends()  # loaded again (Plugin Reloader): the layers get their legends back
        from .ui.layer_properties import FluxLayerPageFactory

        self.layer_page_factory = FluxLayerPageFactory()  # "Earthmover Flux" in a Flux layer's Properties
        self.iface.registerMapLayerConfigWidgetFactory(self.layer_page_factory)
        if canvas is not None:
            from .ui.identify import IdentifyHook

            self.identify_hook = IdentifyHook(self.iface)  # QGIS's Identify tool shows Flux values too

        # "Time series at a point": a map tool and its chart dock, made on first use (ui/timeseries.py)
        self.timeseries_action = QAction(icon(), self.tr("Time series at a point"), self.iface.mainWindow())
        self.timeseries_action.setObjectName("earthmoverFluxTimeSeriesAction")
        self.timeseries_action.setCheckable(True)
        self.timeseries_action.setToolTip(self.tr("Click the map to chart a Flux layer's values over time there"))
        self.timeseries_action.triggered.connect(self._time_series_tool)
        self.iface.addToolBarIcon(self.timeseries_action)
        self.iface.addPluginToMenu(MENU, self.timeseries_action)

    def _time_series_tool(self, checked):
        from .ui import timeseries

        self.timeseries_controller = timeseries.controller(self.iface, self.timeseries_action)
        return self.timeseries_controller.set_active(checked)

    def _project_crs_changed(self):
        from .flux_qgis.layers import follow_project_crs

        follow_project_crs()  # Flux WMS layers ask their images in the map's CRS where the server draws in it

    # ------------------------------------------------------------ shared projects
    def _project_read(self, _document):
        from .flux_qgis.layers import restore_legends

        restore_legends()  # now: what the first render of the project needs (the projector's precision)
        # the rest after QGIS has finished loading the layers
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
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
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
        """Take out everything initGui/initProcessing and the dock put in; reloading must find
        QGIS as it was (tests/test_lifecycle.py: 10 reloads in the real window)."""
        self._unload_timeseries()
        self._unload_hooks()
        self._unload_dock()
        self._unload_processing_and_network()

    def _unload_timeseries(self):
        if self.timeseries_action is not None:
            from .ui import timeseries

            if self.timeseries_controller is not None:
                self.timeseries_controller.unload()
                self.timeseries_controller = None
            timeseries.unload()
            self.iface.removePluginMenu(MENU, self.timeseries_action)
            self.iface.removeToolBarIcon(self.timeseries_action)
            self.timeseries_action.deleteLater()
            self.timeseries_action = None

    def _unload_hooks(self):
        """The Browser, Data Source Manager, Identify, layer-properties and project/time watchers."""
        from .ui import browser

        browser.unregister(self.iface)
        from .ui import source_select

        source_select.unregister()
        if self.identify_hook is not None:
            self.identify_hook.unload()
            self.identify_hook.deleteLater()
            self.identify_hook = None
        if self.layer_page_factory is not None:
            self.iface.unregisterMapLayerConfigWidgetFactory(self.layer_page_factory)
            self.layer_page_factory = None
        if self.project_watcher is not None:
            QgsProject.instance().readProject.disconnect(self._project_read)
            self.project_watcher.disconnect()
            self.project_watcher = None
        if self.time_notice is not None:
            self.time_notice.disconnect()
            self.time_notice = None
        if self.project_open is not None:
            QgsProject.instance().crsChanged.disconnect(self._project_crs_changed)
            self.project_open.disconnect()
            self.project_open = None
        if self.temporal_sync is not None:
            self.temporal_sync.disconnect_all()
            self.temporal_sync = None

    def _unload_dock(self):
        """The dock, its map tools and toolbar action, and the emptied Plugins submenu."""
        canvas = self.iface.mapCanvas()
        tool = canvas.mapTool() if canvas is not None else None
        if tool is not None and type(tool).__module__.startswith(__package__ + "."):
            canvas.unsetMapTool(tool)  # an EDR pick/draw tool of the dock
        panel = getattr(self.dock, "edr_panel", None)
        if getattr(panel, "tool", None) is not None:  # owned by the canvas: would outlive the plugin
            panel.tool.deleteLater()
            panel.tool = None
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
        # QGIS takes the emptied "Earthmover Flux" submenu out of the Plugins menu but keeps the
        # QMenu object: one more after every reload
        window = self.iface.mainWindow()
        for menu in window.findChildren(QMenu) if window is not None else []:
            if menu.title() == MENU and not menu.actions():
                menu.deleteLater()

    def _unload_processing_and_network(self):
        """The provider, the plugin's legends, tasks and requests in flight, and the lazy modules."""
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        # Flux layers stay in the project with QGIS's own legend (the plugin's comes back on load)
        for layer in QgsProject.instance().mapLayers().values():
            if layer.type() == layer.RasterLayer and type(layer.legend()).__module__.startswith(__package__ + "."):
                layer.setLegend(QgsMapLayerLegend.defaultRasterLegend(layer))
        tasks = sys.modules.get(__package__ + ".flux_qgis.tasks")
        if tasks is not None:  # tasks cancelled, requests in flight aborted: nothing is left running
            tasks.cancel_all()
        network = sys.modules.get(__package__ + ".flux_qgis.network")
        if network is not None:
            network.shutdown()
        # modules imported on first use (core/lazy.py, importlib) are not tracked by qgis.utils,
        # which removes only the modules it saw imported: without this a reload keeps their old code
        for name in [m for m in sys.modules if m.startswith(__package__ + ".")]:
            del sys.modules[name]
