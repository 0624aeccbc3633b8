"""A colour-ramp legend for Flux raster layers.

The XYZ provider knows nothing of the values behind a tile, so QGIS shows no legend for it.
Both Flux servers colour with a matplotlib colormap over ``colorscalerange`` (xpublish-wms and
xpublish-tiles: ``matplotlib.colormaps.get_cmap(name)`` sampled at 256 points by datashader);
core/colormaps.py holds those same colormaps as stops, generated from the servers' matplotlib, so
the legend's colour at a value is the map's colour there (tests/test_legend.py samples both).
Drawn with QGIS's own QgsColorRampLegendNode (min and max labels). The legend is not saved in
projects (QGIS never saves legends): the plugin sets it again when a project is read.
"""

from qgis.core import (
    QgsColorRampLegendNode,
    QgsGradientColorRamp,
    QgsGradientStop,
    QgsMapLayerLegend,
    QgsSimpleLegendNode,
)
from qgis.PyQt import sip
from qgis.PyQt.QtGui import QColor

from ..core.errors import FluxInputError
from ..core.styles import colormap_stops, format_number


def color_ramp(colormap):
    """The colormap as the servers draw it (FluxInputError for a name they do not know)."""
    kind, stops = colormap_stops(colormap)
    colours = [QColor(c) for c in stops]
    if kind == "discrete":  # colour i over [i/n, (i+1)/n)
        inner = [QgsGradientStop(i / len(colours), colours[i]) for i in range(1, len(colours))]
        return QgsGradientColorRamp(colours[0], colours[-1], True, inner)
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
        try:
            ramp = color_ramp(self.colormap)
        except FluxInputError as error:  # a project saved with a name this version does not know
            node = QgsSimpleLegendNode(node_layer, str(error))
        else:
            node = QgsColorRampLegendNode(node_layer, ramp, format_number(low) + suffix, format_number(high) + suffix)
        # the layer tree model owns the node: without this Python deletes it under QGIS's feet
        # (a real Layers panel segfaulted on Add; make e2e found it)
        sip.transferto(node, None)
        return [node]


def apply_legend(layer, spec):
    legend = FluxLegend(spec.colormap, spec.value_range, spec.units)
    layer.setLegend(legend)
    return legend
