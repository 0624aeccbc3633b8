"""The legend lives in a real layer tree model, as in QGIS's Layers panel (it once segfaulted)."""

import gc

from earthmover_flux import api
from qgis.core import QgsLayerTreeModel, QgsProject


def test_layer_tree_model_shows_the_ramp_legend(flux, credentials, project):
    model = QgsLayerTreeModel(QgsProject.instance().layerTreeRoot())
    layer = api.add_layer(flux.org, "climate", "main", "", "wms", "air", value_range=(240, 300))
    gc.collect()
    node = QgsProject.instance().layerTreeRoot().findLayer(layer.id())
    legend_nodes = model.layerLegendNodes(node)
    assert len(legend_nodes) == 1
    assert type(legend_nodes[0]).__name__ == "QgsColorRampLegendNode"
    model.refreshLayerLegend(node)
    gc.collect()
    assert len(model.layerLegendNodes(node)) == 1
