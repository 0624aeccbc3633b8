"""Let QGIS's Temporal Controller choose the time step a Flux layer requests.

Flux tiles layers render through the XYZ provider, which knows no time, so each layer's URL
holds one ``time=``. Each such layer is temporal (fixed range = the data's time span), and this
object follows the controller: when its range moves, every tiles layer whose step changes gets
its source rebuilt with the new ``time=`` (see layers.update_layer). WMS layers are WMS-T layers
that take the time of each render themselves (render_time.py), so they are left alone here.
"""

from qgis.core import QgsProject

from ..core.lazy import lazy_module

layers = lazy_module("flux_qgis.layers")  # imported when time first moves


class TemporalSync:
    def __init__(self, controller, project=None):
        self.controller = controller
        self.project = project
        controller.updateTemporalRange.connect(self.on_range_changed)

    def _project(self):
        return self.project or QgsProject.instance()

    def on_range_changed(self, temporal_range):
        changed = []
        for layer in self._project().mapLayers().values():
            spec = layers.spec_of(layer)
            if spec is None or layers.render_time.supports_render_time(spec):
                continue  # WMS layers take each render's time themselves (render_time.py)
            changes = layers.changes_for_range(spec, temporal_range)
            if changes and layers.update_layer(layer, **changes):
                changed.append(layer)
        return changed

    def disconnect_all(self):
        try:
            self.controller.updateTemporalRange.disconnect(self.on_range_changed)
        except (TypeError, RuntimeError):
            pass  # already gone with the canvas
