"""The plugin's lifecycle in the real `qgis` window under Xvfb: enable, disable and reload it 10
times (as Plugin Reloader does) while a Flux layer, the dock, an EDR map tool and the Processing
provider are in use; afterwards nothing of the plugin is left, nothing raised, and it loads again.

The profile holds an auth database whose master password is set, and QGIS starts without
QGIS_AUTH_PASSWORD_FILE: a prompt for it during start-up or any (re)load is recorded (a watcher
closes any modal dialog and notes it). The Browser panel's "Earthmover Flux" provider must come
and go with the plugin too.
"""

import json
import shutil

import pytest
from harness import ARTIFACTS, MASTER_PASSWORD, PROFILE_DIR
from subprocess_qgis import NO_REAL_WINDOW, QGIS, XVFB, real_window_profile, run_real_window

pytestmark = pytest.mark.skipif(not (QGIS and XVFB),
                                reason=NO_REAL_WINDOW)
CYCLES = 10

SESSION = r"""
import gc, json, sys, traceback
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QTimer
from qgis.PyQt.QtWidgets import QAction, QApplication, QDockWidget, QMenu, QToolBar
from qgis.core import Qgis, QgsApplication, QgsProject
import qgis.utils
from qgis.utils import iface

OUT, ORG, PASSWORD, CYCLES = {out!r}, {org!r}, {password!r}, {cycles!r}
NAME = "earthmover_flux"
result = {{"prompts": [], "python_errors": [], "steps": []}}
QgsApplication.messageLog().messageReceived.connect(
    lambda message, tag, level: result["python_errors"].append(message[-1500:]) if tag == "Python error" else None)

def watch_dialogs():
    dialog = QApplication.activeModalWidget()
    if dialog is not None:
        result["prompts"].append(type(dialog).__name__ + ": " + dialog.windowTitle())
        dialog.reject()
watcher = QTimer()
watcher.timeout.connect(watch_dialogs)
watcher.start(100)

def settle():
    for _ in range(3):
        QgsApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

def plugin_traces():
    window = iface.mainWindow()
    def ours(action):
        return action.objectName().startswith("earthmoverFlux") or "Earthmover Flux" in action.text()
    bars = [a.text() for bar in window.findChildren(QToolBar) for a in bar.actions() if ours(a)]
    menus = [a.text() for menu in window.findChildren(QMenu) for a in menu.actions()
             if ours(a) or (a.menu() is not None and "Earthmover Flux" in a.menu().title())]
    tool = iface.mapCanvas().mapTool()
    gc.collect()
    objects = sorted({{type(o).__module__ + "." + type(o).__qualname__ for o in gc.get_objects()
                      if isinstance(getattr(type(o), "__module__", None), str)
                      and type(o).__module__.startswith(NAME)}})
    # earthmover_flux_hooks: the one trampoline per preprocessor kind QGIS keeps for the whole
    # process (flux_qgis/hooks.py); after unload it must point at nothing of the plugin
    hooks = sys.modules.get("earthmover_flux_hooks")
    functions = sorted({{f.__module__ + "." + f.__qualname__ for f in gc.get_objects()
                        if type(f).__name__ == "function" and isinstance(f.__module__, str)
                        and f.__module__.startswith(NAME) and f.__module__ != "earthmover_flux_hooks"}})
    return {{
        "toolbar_buttons": bars,
        "menu_entries": menus,
        "actions": [a.objectName() or (a.text() + " in " + type(a.parent()).__name__ + " " +
                    (a.parent().objectName() if a.parent() is not None else ""))
                    for a in window.findChildren(QAction) if ours(a)],
        "docks": [d.objectName() for d in window.findChildren(QDockWidget) if d.objectName() == "EarthmoverFluxDock"],
        "provider": QgsApplication.processingRegistry().providerById(NAME) is not None,
        "browser_providers": [p.name() for p in QgsApplication.dataItemProviderRegistry().providers()
                              if p.name() == "Earthmover Flux"],
        "map_tool": (type(tool).__module__ + "." + type(tool).__name__) if tool is not None else None,
        "modules": sorted(m for m in sys.modules if m == NAME or m.startswith(NAME + ".")),
        "live_objects": objects,
        "live_functions": functions,
        "hook_targets": sorted(hooks.targets) if hooks is not None else [],
    }}

def use_everything(plugin, round_):
    from earthmover_flux import api
    import processing
    dock = plugin.show_dock()
    settle()
    plugin.timeseries_action.trigger()  # the time-series map tool (its controller and chart dock)
    settle()
    dock.edr_panel.pick_point()  # the EDR map tool is the canvas's tool now
    if round_ == 0:
        layer = api.add_layer(ORG, "climate", "main", "", "wms", "air")
        iface.mapCanvas().setExtent(layer.extent())
        iface.mapCanvas().refresh()
    out = processing.run(NAME + ":edr_area", {{"ORG": ORG, "REPO": "climate", "REF": "main", "GROUP": "",
                          "EXTENT": "10,14,20,24 [EPSG:4326]", "PARAMETERS": "air", "OUTPUT": "memory:"}})["OUTPUT"]
    return {{"edr_features": out.featureCount(), "map_tool": type(iface.mapCanvas().mapTool()).__name__,
            "dock_visible": dock.isVisible()}}

def run():
    try:
        result["version"] = Qgis.QGIS_VERSION
        result["at_start"] = {{"active": NAME in qgis.utils.active_plugins,
                              "unlocked": QgsApplication.authManager().masterPasswordIsSet()}}
        result["baseline"] = plugin_traces()
        # the user unlocks the auth database (as QGIS asks when a layer needs it)
        QgsApplication.authManager().setMasterPassword(PASSWORD, True)
        result["steps"].append(use_everything(qgis.utils.plugins[NAME], 0))
        for i in range(CYCLES):
            if i % 2 == 0:
                qgis.utils.reloadPlugin(NAME)
            else:
                qgis.utils.unloadPlugin(NAME)
                settle()
                qgis.utils.loadPlugin(NAME)
                qgis.utils.startPlugin(NAME)
            settle()
            result["steps"].append(use_everything(qgis.utils.plugins[NAME], i + 1))
            settle()
        result["loaded_after_cycles"] = plugin_traces()
        qgis.utils.unloadPlugin(NAME)
        settle()
        result["after_unload"] = plugin_traces()
        result["layers_left"] = [layer.name() for layer in QgsProject.instance().mapLayers().values()]
        # and it loads again
        assert qgis.utils.loadPlugin(NAME) and qgis.utils.startPlugin(NAME)
        settle()
        plugin = qgis.utils.plugins[NAME]
        plugin.action.trigger()
        settle()
        result["reloaded"] = plugin_traces()
        result["reloaded"]["dock_visible"] = plugin.dock is not None and plugin.dock.isVisible()
    except Exception:
        result["error"] = traceback.format_exc()
    json.dump(result, open(OUT, "w"), indent=1)
    QTimer.singleShot(300, iface.actionExit().trigger)

QTimer.singleShot(2500, run)
"""


def test_enable_disable_reload_ten_times_leaves_nothing(tmp_path, flux, credentials):
    profile = real_window_profile(tmp_path, plugins="processing=true\n",
                                  settings="[app]\naskToSaveMemoryLayers=false\n")
    shutil.copy(PROFILE_DIR / "qgis-auth.db", profile / "qgis-auth.db")  # master password set, locked
    out = tmp_path / "lifecycle.json"
    script = tmp_path / "session.py"
    script.write_text(SESSION.format(out=str(out), org=flux.org, password=MASTER_PASSWORD, cycles=CYCLES))
    result = run_real_window(tmp_path, script, timeout=400, drop=("QGIS_AUTH_PASSWORD_FILE",),
                             env={"QGIS_CUSTOM_CONFIG_PATH": str(tmp_path),
                                  "EARTHMOVER_FLUX_COMPUTE_URL": flux.base_url,
                                  "EARTHMOVER_FLUX_API_URL": flux.api_url})
    assert out.exists(), f"QGIS did not run the session (rc {result.returncode}):\n{result.stderr[-3000:]}"
    data = json.loads(out.read_text())
    (ARTIFACTS / "lifecycle.json").write_text(json.dumps(data, indent=1))
    assert "error" not in data, data.get("error")
    assert data["prompts"] == [], "a dialog (the master password prompt?) came up"
    assert data["at_start"] == {"active": True, "unlocked": False}, "loading the plugin unlocked the auth database"
    assert data["python_errors"] == []
    assert len(data["steps"]) == CYCLES + 1
    for step in data["steps"]:
        assert step == {"edr_features": 2 * 2 * 4, "map_tool": "PointTool", "dock_visible": True}, step
    loaded = data["loaded_after_cycles"]
    assert loaded["toolbar_buttons"] == ["Earthmover Flux", "Time series at a point"], loaded
    assert loaded["actions"].count("earthmoverFluxAction") == 1, loaded["actions"]
    # the plugin's action, the time-series tool's, the Plugins submenu's own action and the entries
    # of the two docks (Flux, time-series chart) in View > Panels
    assert loaded["actions"].count("earthmoverFluxTimeSeriesAction") == 1, loaded["actions"]
    assert len(loaded["actions"]) == 5, loaded["actions"]
    assert loaded["docks"] == ["EarthmoverFluxDock"] and loaded["provider"]
    assert loaded["browser_providers"] == ["Earthmover Flux"]
    gone = data["after_unload"]
    assert gone["toolbar_buttons"] == [] and gone["menu_entries"] == [] and gone["actions"] == []
    assert gone["docks"] == [] and not gone["provider"]
    assert gone["browser_providers"] == [], "the Browser provider left behind"
    assert not (gone["map_tool"] or "").startswith("earthmover_flux"), gone["map_tool"]
    assert gone["modules"] == []
    assert gone["live_objects"] == [], "plugin objects kept alive (signal connections, timers, tools)"
    assert gone["live_functions"] == [], "plugin functions kept alive (connected lambdas, timers)"
    assert gone["hook_targets"] == [], "QGIS's preprocessors still call into the unloaded plugin"
    again = data["reloaded"]
    assert again["toolbar_buttons"] == ["Earthmover Flux", "Time series at a point"]
    # after 10 reloads: one of each action, none twice (the chart dock's entry exists once it was opened)
    assert again["actions"].count("earthmoverFluxAction") == 1, again["actions"]
    assert again["actions"].count("earthmoverFluxTimeSeriesAction") == 1, again["actions"]
    assert len(set(again["actions"])) == len(again["actions"]) in (4, 5), again["actions"]
    assert again["docks"] == ["EarthmoverFluxDock"] and again["dock_visible"] and again["provider"]
    assert again["browser_providers"] == ["Earthmover Flux"], "exactly one Browser provider after 10 reloads"
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
