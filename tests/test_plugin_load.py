"""The plugin loads in real QGIS the way QGIS loads it, and unload() leaves nothing behind."""

import qgis.utils
from qgis.core import QgsApplication
from qgis.PyQt.QtWidgets import QDockWidget


def _load(iface):
    assert qgis.utils.loadPlugin("earthmover_flux")
    assert qgis.utils.startPlugin("earthmover_flux")
    return qgis.utils.plugins["earthmover_flux"]


def test_load_show_dock_and_unload(iface, flux):
    flux.clear_log()
    plugin = _load(iface)
    try:
        actions = [a for a in iface.toolbar.actions() if a.objectName() == "earthmoverFluxAction"]
        assert len(actions) == 1
        assert "&Earthmover Flux" in iface.submenus
        provider = QgsApplication.processingRegistry().providerById("earthmover_flux")
        assert provider is not None
        assert provider.algorithm("add_layer") is not None
        assert not iface.docks(), "the dock is created on demand, not at start-up"
        actions[0].trigger()
        docks = [d for d in iface.docks() if d.objectName() == "EarthmoverFluxDock"]
        assert len(docks) == 1 and docks[0].isVisibleTo(iface.window)
        assert actions[0].isChecked()
        docks[0].close()
        assert not actions[0].isChecked(), "closing the dock unchecks the toolbar button"
        assert flux.log() == [], "loading the plugin and opening the dock make no network call"
    finally:
        assert qgis.utils.unloadPlugin("earthmover_flux")
    assert not [a for a in iface.toolbar.actions() if a.objectName() == "earthmoverFluxAction"]
    assert "&Earthmover Flux" not in iface.submenus
    assert QgsApplication.processingRegistry().providerById("earthmover_flux") is None
    remaining = [d for d in iface.window.findChildren(QDockWidget) if d.objectName() == "EarthmoverFluxDock"]
    assert not [d for d in remaining if d.parent() is iface.window]
    assert plugin.dock is None and plugin.action is None and plugin.provider is None


def test_load_twice_after_unload(iface):
    """Plugin Reloader and 'disable, enable' both load the plugin again in the same session."""
    for _ in range(2):
        _load(iface)
        assert QgsApplication.processingRegistry().providerById("earthmover_flux") is not None
        assert qgis.utils.unloadPlugin("earthmover_flux")
        assert QgsApplication.processingRegistry().providerById("earthmover_flux") is None
