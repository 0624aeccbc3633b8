"""Legend = pixels: the colour the legend shows at a value is the colour the server drew there.

The weather repo's gfs ``t2m`` is linear in longitude (flux_server/samples.py): on the equator at
time 0, step 0 it is 209 + lon/4 K, so the cells at lon 20, 60 and 100 hold 214, 224 and 234 K.
A layer drawn over 214..234 K has the minimum, the middle and the maximum of its range at those
three cells; the rendered image is sampled there and compared with the layer's legend node's
colour ramp at 0, 0.5 and 1. Colormaps: the default, two of the dock's list, one outside it (a
reversed matplotlib map) and a qualitative one (discrete steps).
"""

import json
import urllib.request

import pytest
from earthmover_flux import api
from earthmover_flux.core import styles
from earthmover_flux.core.errors import FluxInputError
from earthmover_flux.flux_server import samples
from harness import ARTIFACTS
from qgis.core import QgsCoordinateReferenceSystem, QgsLayerTreeLayer, QgsRectangle
from render import render

LON_MIN, LON_MID, LON_MAX = 20.0, 60.0, 100.0
RANGE = tuple(samples.expected("gfs", "t2m", lon=lon, lat=0.0) for lon in (LON_MIN, LON_MAX))
EXTENT = QgsRectangle(0, -30, 120, 30)  # EPSG:4326, 4 pixels per degree
SIZE = (480, 240)
TOLERANCE = 6  # per channel, 0..255: the pixel centre is up to 1/8 degree off the cell centre


def pixel_at(image, lon, lat):
    x = int((lon - EXTENT.xMinimum()) / EXTENT.width() * SIZE[0])
    y = int((EXTENT.yMaximum() - lat) / EXTENT.height() * SIZE[1])
    return image.pixelColor(x, y)


def legend_ramp(layer):
    nodes = layer.legend().createLayerTreeModelLegendNodes(QgsLayerTreeLayer(layer))
    assert len(nodes) == 1 and type(nodes[0]).__name__ == "QgsColorRampLegendNode"
    return nodes[0].ramp()


def rgb(colour):
    return colour.red(), colour.green(), colour.blue()


def test_range_is_at_the_chosen_cells():
    assert RANGE == (214.0, 234.0)
    assert samples.expected("gfs", "t2m", lon=LON_MID, lat=0.0) == sum(RANGE) / 2


@pytest.mark.parametrize("protocol", ["wms", "tiles"])
@pytest.mark.parametrize("colormap", ["viridis", "turbo", "RdBu_r", "cubehelix_r", "Set1"])
def test_legend_colours_are_the_rendered_colours(flux, credentials, project, protocol, colormap):
    assert RANGE[0] < RANGE[1]
    layer = api.add_layer(flux.org, samples.REPO, "main", "gfs", protocol, "t2m", colormap=colormap,
                          value_range=RANGE, time=samples.GFS_TIMES[0], dimensions={"step": "0 hours"})
    image = render([layer], extent=EXTENT, size=SIZE, crs=QgsCoordinateReferenceSystem("EPSG:4326"))
    image.save(str(ARTIFACTS / f"legend-{protocol}-{colormap}.png"))
    ramp = legend_ramp(layer)
    seen = []
    for fraction, lon in ((0.0, LON_MIN), (0.5, LON_MID), (1.0, LON_MAX)):
        pixel, legend = pixel_at(image, lon, 0.0), ramp.color(fraction)
        assert pixel.alpha() == 255, f"no data drawn at lon {lon}"
        seen.append((fraction, rgb(pixel), rgb(legend)))
        assert all(abs(a - b) <= TOLERANCE for a, b in zip(rgb(pixel), rgb(legend))), \
            f"{protocol} {colormap}: at {fraction:.1f} of the range: map {rgb(pixel)}, legend {rgb(legend)}"
    # the three colours differ: the test would notice a legend of the wrong colormap
    assert len({s[1] for s in seen}) == 3, seen


def test_the_legend_matches_the_tiles_servers_own_legend_stops(flux):
    """xpublish-tiles' /legend (f=application/json) lists 256 stops of each colormap."""
    base = flux.service_url("tiles", samples.REPO, "main", "gfs")
    for colormap in styles.COLORMAPS + ("cubehelix_r", "Set1", "twilight"):
        url = (f"{base}/legend?variables=t2m&style=raster/{colormap}&colorscalerange=0,1"
               "&f=application/json")
        request = urllib.request.Request(url, headers={"Authorization": flux.basic_auth_header()})
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30) as answer:
            stops = json.loads(answer.read())["stops"]
        from earthmover_flux.flux_qgis.legend import color_ramp

        ramp = color_ramp(colormap)
        for stop in stops[::15] + stops[-1:]:
            want = tuple(int(stop["color"][i:i + 2], 16) for i in (1, 3, 5))
            got = rgb(ramp.color(stop["value"]))
            assert all(abs(a - b) <= 2 for a, b in zip(got, want)), f"{colormap} at {stop['value']}: {got} != {want}"


def test_a_colormap_the_servers_do_not_know_is_refused_not_replaced(flux, credentials, project):
    with pytest.raises(FluxInputError, match="Unknown colormap 'viridiss': did you mean viridis"):
        api.add_layer(flux.org, "climate", "main", "", "wms", "air", colormap="viridiss")
    layer = api.add_layer(flux.org, "climate", "main", "", "wms", "air", colormap="plasma", value_range=(240, 310))
    with pytest.raises(FluxInputError, match="Unknown colormap"):
        api.update_layer(layer, colormap="no-such-map")
    assert "raster/plasma" in layer.source()
