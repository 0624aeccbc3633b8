"""Let QGIS's Temporal Controller choose the time step a Flux layer requests.

Flux WMS and tiles layers render through the XYZ provider, which knows no time, so each
layer's URL holds one ``time=``. Each layer is temporal (fixed range = the data's time span),
and this object follows the controller: when its range moves, every Flux layer whose step
changes gets its source rebuilt with the new ``time=`` (see layers.update_layer).
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
            if spec is None or not spec.times:
                continue
            step = layers.step_for_range(spec.times, temporal_range)
            if step and step != spec.time and layers.update_layer(layer, time=step):
                changed.append(layer)
        return changed

    def disconnect_all(self):
        try:
            self.controller.updateTemporalRange.disconnect(self.on_range_changed)
        except (TypeError, RuntimeError):
            pass  # already gone with the canvas
