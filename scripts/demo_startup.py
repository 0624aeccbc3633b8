# Runs inside QGIS (qgis --code) for `make demo`: add the demo layers and open the dock.
import os
import sys

sys.path.insert(0, os.path.join(os.getcwd(), "scripts"))
from demo_common import run_demo_steps  # noqa: E402
from qgis.utils import iface, plugins  # noqa: E402

wms, tiles, world = run_demo_steps()
tiles.setOpacity(1.0)
iface.layerTreeView().setCurrentLayer(wms)
iface.mapCanvas().setExtent(iface.mapCanvas().mapSettings().layerExtentToOutputExtent(wms, wms.extent()))
plugins["earthmover_flux"].show_dock()
