"""The demo's map reads as Earth (issue 24): make demo's own steps (scripts/demo_common.py) against
the local server, then its picture: QGIS's world outlines above the data, on a web map, the WMS
layer asking EPSG:3857 images of the view's size; dark outline pixels along known coastlines,
none in the open ocean, and the data warmer at the equator than near the poles."""

import math
import os
import sys
from urllib.parse import parse_qs

from harness import ARTIFACTS, REPO_ROOT


def pixel(lon, lat, extent, size):
    x = math.radians(lon) * 6378137.0
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * 6378137.0
    return (int((x - extent.xMinimum()) / extent.width() * size[0]),
            int((extent.yMaximum() - y) / extent.height() * size[1]))


def outline_near(image, bare, x, y, radius=3):
    """A darker pixel than the data alone draws there (``bare``: the same map without the outlines)."""
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            c, d = image.pixelColor(x + dx, y + dy), bare.pixelColor(x + dx, y + dy)
            if c.lightness() < d.lightness() - 40:
                return True
    return False


def test_the_demo_map_shows_the_world_over_the_data(flux, master_password, project, monkeypatch):
    monkeypatch.setenv("FLUX_DEMO_ORG", flux.org)
    monkeypatch.setenv("FLUX_DEMO_KEY", flux.key)
    monkeypatch.setenv("FLUX_DEMO_REPO", "climate")
    monkeypatch.setenv("FLUX_DEMO_VARIABLE", "air")
    monkeypatch.setenv("FLUX_DEMO_FORECAST", "1")
    monkeypatch.delenv("FLUX_DEMO_PASSWORD_FILE", raising=False)
    monkeypatch.delenv("QGIS_AUTH_PASSWORD_FILE", raising=False)
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    try:
        from demo_common import demo_map, run_demo_steps
    finally:
        sys.path.pop(0)
    wms, tiles, world = run_demo_steps()
    assert world is not None and world.featureCount() > 100, "QGIS's world map"
    assert project.crs().authid() == "EPSG:3857" and wms.crs().authid() == "EPSG:3857"
    flux.clear_log()
    size = (1024, 640)
    image, extent = demo_map(wms, world, size)
    image.save(str(ARTIFACTS / "demo-map.png"))
    bare, _ = demo_map(wms, None, size)
    # QGIS 3.40 percent-encodes the colon (CRS=EPSG%3A3857): compare the decoded parameter
    getmaps = [parse_qs(e["query"]) for e in flux.log() if "GetMap" in e["query"]]
    assert getmaps and all(q["CRS"] == ["EPSG:3857"] for q in getmaps), getmaps
    coasts = {"Dakar": (-17.45, 14.7), "Gibraltar": (-5.6, 36.0), "Cape Town": (18.4, -33.95),
              "Florida tip": (-80.9, 25.15), "Sri Lanka south": (80.6, 5.95)}
    for name, (lon, lat) in coasts.items():
        assert outline_near(image, bare, *pixel(lon, lat, extent, size)), f"no outline at {name}"
    for name, (lon, lat) in {"mid Atlantic": (-35.0, 5.0), "mid Pacific": (-150.0, -10.0)}.items():
        assert not outline_near(image, bare, *pixel(lon, lat, extent, size)), f"an outline in the {name}"
    equator = image.pixelColor(*pixel(-30.0, 0.0, extent, size))
    north = image.pixelColor(*pixel(-30.0, 70.0, extent, size))
    assert equator.green() > north.green() + 40, (equator.getRgb(), north.getRgb())  # viridis: warm is yellow
    assert os.path.exists(ARTIFACTS / "demo-map.png")
