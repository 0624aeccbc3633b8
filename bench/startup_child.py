"""One start-up measurement in a fresh QGIS process (called by bench/run.py, prints one JSON line).

    startup_child.py earthmover_flux|bench_noop

QGIS itself and a real main window (tests/qgis_window.TestInterface: QMainWindow + map canvas)
are set up first and not timed; then the plugin is loaded exactly as QGIS does it
(qgis.utils.loadPlugin = import, startPlugin = classFactory + initGui, which here also runs
initProcessing). `bench_noop` is a plugin that does nothing: the difference is the plugin's cost.
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import harness  # noqa: E402  (QGIS up, throwaway profile, plugin symlinked into a plugins folder)
import qgis.utils  # noqa: E402
from qgis.core import QgsApplication  # noqa: E402
from qgis_window import TestInterface  # noqa: E402

NOOP = '''
class NoopPlugin:
    def __init__(self, iface):
        self.iface = iface

    def initGui(self):
        pass

    def initProcessing(self):
        pass

    def unload(self):
        pass


def classFactory(iface):
    return NoopPlugin(iface)
'''


def main(name):
    noop = harness.PLUGINS_DIR / "bench_noop"
    noop.mkdir(exist_ok=True)
    (noop / "__init__.py").write_text(NOOP)
    (noop / "metadata.txt").write_text("[general]\nname=noop\nqgisMinimumVersion=3.22\nversion=0\n")
    qgis.utils.updateAvailablePlugins()
    window = TestInterface()
    qgis.utils.iface = window
    QgsApplication.processEvents()
    modules_before = len(sys.modules)
    started = time.perf_counter()
    ok = qgis.utils.loadPlugin(name) and qgis.utils.startPlugin(name)
    elapsed = time.perf_counter() - started
    modules_added = len(sys.modules) - modules_before
    # what the event loop does right after (a timer the plugin may have queued), timed apart
    started = time.perf_counter()
    QgsApplication.processEvents()
    after = time.perf_counter() - started
    print("RESULT:" + json.dumps({"plugin": name, "ok": bool(ok), "seconds": elapsed, "events_after": after,
                                  "modules_added": modules_added}), flush=True)
    sys.stdout.flush()
    import os

    os._exit(0)  # skip QGIS's teardown (it sometimes segfaults at interpreter exit)


if __name__ == "__main__":
    main(sys.argv[1])
