"""Headless `make demo`: QGIS without a window, the plugin's API, and a rendered map image."""

import os
import sys

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QCoreApplication, QSettings

demo_dir = sys.argv[1]
profile = os.path.join(demo_dir, "profiles", "profiles", "default")
os.environ["QGIS_CUSTOM_CONFIG_PATH"] = os.path.join(demo_dir, "profiles")  # QGIS 3.40 ignores the argument
QCoreApplication.setOrganizationName("QGIS")
QCoreApplication.setApplicationName("QGIS3")
QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, profile)
app = QgsApplication([], True, profile)
app.initQgis()
sys.path.insert(0, os.environ["QGIS_PLUGINPATH"])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from demo_common import demo_map, run_demo_steps  # noqa: E402
from render import image_stats  # noqa: E402

wms, tiles, world = run_demo_steps()
image, _extent = demo_map(wms, world)
out = os.path.join(demo_dir, "flux-demo-map.png")
image.save(out)
colours, opaque = image_stats(image)
project_file = os.path.join(demo_dir, "flux-demo.qgz")
QgsProject.instance().write(project_file)
print(f"Layer: {wms.name()}")
print(f"Source (authcfg only, no key): {wms.source()[:90]}...")
print(f"Map image written to {out} ({colours} colours, {opaque:.0%} covered)")
print(f"Project written to {project_file}: open it in QGIS with the same profile")
app.exitQgis()
