"""The real `qgis` binary under Xvfb, with a fresh profile and the plugin enabled.

A startup script (``qgis --code``) clicks the plugin's toolbar button, checks that the dock is
shown, grabs a screenshot of the main window and quits. Needs the `qgis` binary and xvfb-run.
"""

import json

import pytest
from harness import ARTIFACTS
from subprocess_qgis import NO_REAL_WINDOW, QGIS, XVFB, real_window_profile, run_real_window

pytestmark = pytest.mark.skipif(not (QGIS and XVFB),
                                reason=NO_REAL_WINDOW)

STARTUP = """
import json, traceback
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QDockWidget
from qgis.core import Qgis
from qgis.utils import iface, plugins, active_plugins

def finish():
    result = {{"version": Qgis.QGIS_VERSION, "active": list(active_plugins)}}
    try:
        window = iface.mainWindow()
        actions = [a for a in window.findChildren(object) if getattr(a, "objectName", lambda: "")() ==
                   "earthmoverFluxAction"]
        result["actions"] = len(actions)
        if actions:
            actions[0].trigger()
        def shoot():
            docks = [d for d in window.findChildren(QDockWidget) if d.objectName() == "EarthmoverFluxDock"]
            result["dock_visible"] = bool(docks) and docks[0].isVisible()
            result["dock_width"] = docks[0].width() if docks else 0
            window.grab().save({shot!r})
            json.dump(result, open({out!r}, "w"))
            QTimer.singleShot(200, iface.actionExit().trigger)
        QTimer.singleShot(1500, shoot)
    except Exception:
        result["error"] = traceback.format_exc()
        json.dump(result, open({out!r}, "w"))
        iface.actionExit().trigger()

QTimer.singleShot(2000, finish)
"""


def test_qgis_window_shows_the_dock(tmp_path, flux):
    real_window_profile(tmp_path)
    out, shot = tmp_path / "result.json", ARTIFACTS / "qgis-window-dock.png"
    script = tmp_path / "startup.py"
    script.write_text(STARTUP.format(out=str(out), shot=str(shot)))
    result = run_real_window(tmp_path, script)
    assert out.exists(), f"QGIS did not run the startup script (rc {result.returncode}):\n{result.stderr[-3000:]}"
    data = json.loads(out.read_text())
    assert "error" not in data, data.get("error")
    assert "earthmover_flux" in data["active"], result.stderr[-3000:]
    assert data["actions"] >= 1
    assert data["dock_visible"], data
    assert shot.exists() and shot.stat().st_size > 10000
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
