"""A small but real QGIS main window for the offscreen tests.

It is not a mock: a real QMainWindow with a real QgsMapCanvas (and its temporal controller),
a real QgsMessageBar, a toolbar and a Plugins menu. It implements the part of QgisInterface the
plugin uses, so that dock tests drive real widgets. The full `qgis` binary is exercised
separately under Xvfb (tests/test_gui_xvfb.py).
"""

from qgis.core import QgsProject
from qgis.gui import QgsLayerTreeMapCanvasBridge, QgsMapCanvas, QgsMessageBar
from qgis.PyQt.QtWidgets import QMainWindow, QMenu, QToolBar, QVBoxLayout, QWidget


class TestInterface:
    def __init__(self):
        self.window = QMainWindow()
        self.window.resize(1200, 800)
        self.window.show()  # offscreen, but shown: docks then get real visibility events
        central = QWidget()
        layout = QVBoxLayout(central)
        self.bar = QgsMessageBar()
        self.canvas = QgsMapCanvas()
        layout.addWidget(self.bar)
        layout.addWidget(self.canvas)
        self.window.setCentralWidget(central)
        self.toolbar = QToolBar("Plugins")
        self.window.addToolBar(self.toolbar)
        self.plugin_menu = self.window.menuBar().addMenu("&Plugins")
        self.submenus = {}
        # parented to the window, so it dies with the canvas it points at
        self.bridge = QgsLayerTreeMapCanvasBridge(QgsProject.instance().layerTreeRoot(), self.canvas, self.window)
        self.messages = []
        self.layer_page_factories = []
        self.bar.widgetAdded.connect(lambda _widget: self.messages.append(self.bar.currentItem().text()))

    # --- QgisInterface subset used by the plugin
    def mainWindow(self):  # noqa: N802
        return self.window

    def mapCanvas(self):  # noqa: N802
        return self.canvas

    def messageBar(self):  # noqa: N802
        return self.bar

    def activeLayer(self):  # noqa: N802 (the layer the Layers panel has selected; tests set .active)
        return getattr(self, "active", None)

    def addToolBarIcon(self, action):  # noqa: N802
        self.toolbar.addAction(action)

    def removeToolBarIcon(self, action):  # noqa: N802
        self.toolbar.removeAction(action)

    def addPluginToMenu(self, name, action):  # noqa: N802
        menu = self.submenus.get(name)
        if menu is None:
            menu = self.submenus[name] = QMenu(name, self.window)
            self.plugin_menu.addMenu(menu)
        menu.addAction(action)

    def removePluginMenu(self, name, action):  # noqa: N802
        menu = self.submenus.get(name)
        if menu is not None:
            menu.removeAction(action)
            if not menu.actions():
                self.plugin_menu.removeAction(menu.menuAction())
                del self.submenus[name]

    def addDockWidget(self, area, dock):  # noqa: N802
        self.window.addDockWidget(area, dock)

    def removeDockWidget(self, dock):  # noqa: N802
        self.window.removeDockWidget(dock)

    def registerMapLayerConfigWidgetFactory(self, factory):  # noqa: N802
        self.layer_page_factories.append(factory)

    def unregisterMapLayerConfigWidgetFactory(self, factory):  # noqa: N802
        self.layer_page_factories.remove(factory)

    # --- helpers for tests
    def docks(self):
        from qgis.PyQt.QtWidgets import QDockWidget

        return [d for d in self.window.findChildren(QDockWidget) if d.parent() is self.window]

    def close_all(self):
        self.window.close()
        self.window.deleteLater()
