"""A colour-ramp legend for Flux raster layers.

The XYZ provider knows nothing of the values behind a tile, so QGIS shows no legend for it.
The server colours with a matplotlib colormap over ``colorscalerange``; this draws the same
ramp with min and max labels using QGIS's own QgsColorRampLegendNode. The legend is not saved
in projects (QGIS never saves legends): the plugin sets it again when a project is read.
"""

from qgis.core import QgsColorRampLegendNode, QgsGradientColorRamp, QgsGradientStop, QgsMapLayerLegend
from qgis.PyQt import sip
from qgis.PyQt.QtGui import QColor

from ..core.styles import COLORMAP_STOPS, format_number


def color_ramp(colormap):
    stops = COLORMAP_STOPS.get(colormap) or COLORMAP_STOPS["viridis"]
    colours = [QColor(c) for c in stops]
    inner = [QgsGradientStop(i / (len(colours) - 1), colours[i]) for i in range(1, len(colours) - 1)]
    return QgsGradientColorRamp(colours[0], colours[-1], False, inner)


class FluxLegend(QgsMapLayerLegend):
    def __init__(self, colormap, value_range, units=""):
        super().__init__()
        self.colormap = colormap
        self.value_range = value_range
        self.units = units

    def createLayerTreeModelLegendNodes(self, node_layer):  # noqa: N802 (QGIS API)
        if not self.value_range:
            return []
        low, high = self.value_range
        suffix = f" {self.units}" if self.units else ""
        node = QgsColorRampLegendNode(node_layer, color_ramp(self.colormap), format_number(low) + suffix,
                                      format_number(high) + suffix)
        # the layer tree model owns the node: without this Python deletes it under QGIS's feet
        # (a real Layers panel segfaulted on Add; make e2e found it)
        sip.transferto(node, None)
        return [node]


def apply_legend(layer, spec):
    legend = FluxLegend(spec.colormap, spec.value_range, spec.units)
    layer.setLegend(legend)
    return legend
