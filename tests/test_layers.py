"""WMS and tiles layers against the local server's real xpublish-wms and xpublish-tiles.

Each test renders with QGIS's real renderer, looks at the pixels, and reads the server's log
to see what was asked and whether the credentials were valid.
"""

import pytest
from earthmover_flux import api
from earthmover_flux.core.errors import FluxError
from earthmover_flux.flux_qgis import layers
from harness import ARTIFACTS
from qgis.core import QgsInterval, QgsProject
from render import differing_pixels, image_stats, render


def _map_requests(flux, protocol):
    marker = "/wms" if protocol == "wms" else "/tiles/WebMercatorQuad/"
    entries = [e for e in flux.log() if marker in e["path"]]
    if protocol == "wms":
        entries = [e for e in entries if "GetMap" in e["query"]]
    return entries


@pytest.mark.parametrize("protocol", ["wms", "tiles"])
def test_add_layer_renders_data_with_valid_credentials(flux, credentials, project, protocol):
    flux.clear_log()
    # a colormap no other test draws: QGIS keeps recent tiles in a memory cache Python cannot clear
    layer = api.add_layer(flux.org, "climate", "main", "", protocol, "air", colormap="Spectral_r")
    assert layer.isValid()
    assert QgsProject.instance().mapLayer(layer.id()) is layer
    source = layer.source()
    assert f"authcfg={credentials}" in source
    assert flux.key not in source
    assert layers.authcfg_of(layer) == credentials

    image = render([layer])
    image.save(str(ARTIFACTS / f"layer-{protocol}.png"))
    colours, opaque = image_stats(image)
    assert opaque > 0.5, f"the {protocol} map is mostly empty ({opaque:.0%} opaque)"
    assert colours > 20, f"the {protocol} map has only {colours} colours: not data"

    requests = _map_requests(flux, protocol)
    assert requests, "no map request reached the server"
    assert all(e["status"] == 200 for e in requests), requests
    assert all(e["auth"] == "valid" for e in flux.log()), "every request carried valid credentials"


def test_wms_layer_spec_has_range_and_times(flux, credentials, project):
    layer = api.add_layer(flux.org, "climate", "main", "", "wms", "air", colormap="plasma")
    spec = layers.spec_of(layer)
    assert spec.variable == "air"
    low, high = spec.value_range
    assert 200 < low < high < 350, "the default range comes from GetMetadata minmax"
    expected = flux.manifest["orgs"][flux.org]["repos"]["climate"]["times"]
    assert [t[:19] for t in spec.time_axis.strings()] == [t[:19] for t in expected]
    assert len(spec.time_axis.runs) == 1, "4 daily steps are one run, not 4 strings"
    assert layer.temporalProperties().isActive()
    # a WMS-T layer in EPSG:4326 (render_time.py): its extent is the capabilities' bbox
    extent = layer.extent()
    assert layer.crs().authid() == "EPSG:4326"
    assert (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()) == (-179, -89, 179, 89)
    assert "raster%2Fplasma" in layer.source() or "raster/plasma" in layer.source()


def test_colormap_and_range_change_the_image(flux, credentials, project):
    a = api.add_layer(flux.org, "climate", "main", "", "wms", "air", colormap="viridis")
    b = api.add_layer(flux.org, "climate", "main", "", "wms", "air", colormap="gray", value_range=(240, 260))
    image_a, image_b = render([a]), render([b])
    image_b.save(str(ARTIFACTS / "layer-wms-gray-240-260.png"))
    assert differing_pixels(image_a, image_b) > 100
    assert any("colorscalerange=240,260" in e["query"] for e in flux.log())


def test_nested_group_and_refs_give_different_images(flux, credentials, project):
    flux.clear_log()
    nested = api.add_layer(flux.org, "climate", "main", "forecast/surface", "wms", "wind_speed",
                           value_range=(0, 30))
    colours, opaque = image_stats(render([nested]))
    assert opaque > 0.5 and colours > 10
    # the picture is the nested group's variable: its GetMap went to the group's path
    getmaps = [e for e in _map_requests(flux, "wms")]
    assert getmaps and all(e["path"] == f"/v1/services/wms/{flux.org}/climate/main/forecast/surface/wms"
                           and "layers=wind_speed" in e["query"].lower()  # WMS-T sends LAYERS=
                           and e["status"] == 200 for e in getmaps), getmaps
    images = {}
    for ref in ("main", "dev", "v1", flux.snapshot("c1")):
        layer = api.add_layer(flux.org, "climate", ref, "", "tiles", "air", value_range=(230, 320))
        images[ref] = render([layer])
    refs = list(images)
    for i, first in enumerate(refs):
        for second in refs[i + 1:]:
            assert differing_pixels(images[first], images[second]) > 50, f"{first} and {second} look the same"


@pytest.mark.parametrize("protocol", ["wms", "tiles"])
def test_temporal_controller_drives_the_requested_time(flux, credentials, project, protocol):
    from earthmover_flux.flux_qgis.temporal import TemporalSync
    from qgis.core import QgsTemporalNavigationObject

    layer = api.add_layer(flux.org, "climate", "main", "", protocol, "air", value_range=(230, 320))
    times = layers.spec_of(layer).time_axis.strings()
    navigation = QgsTemporalNavigationObject()
    sync = TemporalSync(navigation, QgsProject.instance())
    try:
        first = render([layer])
        flux.clear_log()
        # what a user does: animate over the layer's time span, then step forward twice
        navigation.setNavigationMode(QgsTemporalNavigationObject.Animated)
        navigation.setTemporalExtents(layers.time_range(layers.spec_of(layer).time_axis))
        navigation.setFrameDuration(QgsInterval(86400))
        navigation.next()
        navigation.next()
        if protocol == "wms":
            # a WMS-T layer: the canvas hands the controller's range to each render (render_time.py)
            third = render([layer], temporal_range=navigation.dateTimeRangeForFrameNumber(2))
        else:
            assert layers.spec_of(layer).time == times[2]
            third = render([layer])
        third.save(str(ARTIFACTS / f"layer-{protocol}-time3.png"))
        asked = [e["query"].lower() for e in _map_requests(flux, protocol)]
        wanted = times[2].lower()
        assert asked and all("time=" + wanted.replace(":", "%3a") in q or "time=" + wanted in q
                             for q in asked), asked
        assert differing_pixels(first, third) > 50
        assert layer.isValid() and f"authcfg={credentials}" in layer.source()
    finally:
        sync.disconnect_all()


def test_unknown_variable_is_a_clear_error(flux, credentials, project):
    with pytest.raises(ValueError, match="not served here; available: air"):
        api.add_layer(flux.org, "climate", "main", "", "wms", "nope")
    assert not QgsProject.instance().mapLayers()


def test_wrong_key_is_unauthorized_and_adds_nothing(flux, master_password, project):
    cfg = api.store_credentials(flux.org, "not-the-key")
    with pytest.raises(FluxError, match="[Uu]nauthorized.*organization name and API key"):
        api.add_layer(flux.org, "climate", "main", "", "wms", "air", authcfg=cfg)
    assert not QgsProject.instance().mapLayers()
    api.store_credentials(flux.org, flux.key)


def test_layer_has_a_colour_ramp_legend_with_its_range(flux, credentials, project):
    from qgis.core import QgsColorRampLegendNode, QgsLayerTreeLayer

    layer = api.add_layer(flux.org, "climate", "main", "", "wms", "air", colormap="magma", value_range=(240, 300))
    nodes = layer.legend().createLayerTreeModelLegendNodes(QgsLayerTreeLayer(layer))
    assert len(nodes) == 1 and isinstance(nodes[0], QgsColorRampLegendNode)
    ramp = nodes[0].ramp()
    assert ramp.color1().name() == "#000004" and ramp.color2().name() == "#fcfdbf"
    assert (layer.legend().value_range, layer.legend().units) == ((240, 300), "K")
    layers.update_layer(layer, value_range=(250, 290), colormap="viridis")
    nodes = layer.legend().createLayerTreeModelLegendNodes(QgsLayerTreeLayer(layer))
    assert nodes[0].ramp().color1().name() == "#440154" and layer.legend().value_range == (250, 290)
