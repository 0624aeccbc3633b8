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


def test_no_module_shadows_another_and_the_provider_stands_alone(tmp_path):
    """No top-level name of the plugin is also a module of QGIS's Python (the old ``processing/``
    folder shadowed QGIS's own Processing module whenever the plugin folder was on sys.path), and
    the Processing provider with its algorithms loads without plugin.py or the dock (qgis_process
    loads the provider, not the GUI)."""
    import json
    import subprocess
    import sys

    from harness import PLUGINS_DIR, REPO_ROOT

    names = sorted({p.stem for p in REPO_ROOT.iterdir()
                    if (p.suffix == ".py" or (p / "__init__.py").exists()) and p.stem != "__init__"})
    assert "flux_processing" in names and "processing" not in names
    probe = (
        "import importlib.util, json, sys\n"
        "sys.path = [p for p in sys.path if p not in ('', '.')]\n"
        "from qgis.core import QgsApplication\n"
        "sys.path.insert(0, QgsApplication.pkgDataPath() + '/python/plugins')\n"
        f"names = {names!r}\n"
        "found = {n: importlib.util.find_spec(n).origin for n in names if importlib.util.find_spec(n)}\n"
        f"sys.path.insert(0, {str(PLUGINS_DIR)!r})\n"
        "app = QgsApplication([], False); app.initQgis()\n"
        "from earthmover_flux.flux_processing.provider import FluxProvider\n"
        "provider = FluxProvider(); provider.loadAlgorithms()\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('earthmover_flux'))\n"
        "print(json.dumps({'shadowed': found, 'loaded': loaded,"
        " 'algorithms': sorted(a.name() for a in provider.algorithms())}))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path,
                         env=dict(__import__("os").environ, QT_QPA_PLATFORM="offscreen"), timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["shadowed"] == {}, "these plugin names are also modules of QGIS's Python"
    assert result["algorithms"] == ["add_layer", "dap2_subset", "edr_area", "edr_sample_points", "zonal_statistics"]
    assert "earthmover_flux.plugin" not in result["loaded"], "the provider imports plugin.py"
    assert not [m for m in result["loaded"] if m.startswith("earthmover_flux.ui")], result["loaded"]
    # QGIS start-up: the algorithms import api (and the layers, the network engine) when they run
    assert "earthmover_flux.api" not in result["loaded"], "loading the provider imports api: QGIS starts slower"
