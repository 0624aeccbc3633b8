"""Zonal statistics over time (issue 25), against the local server's real-shaped sample data.

Every statistic is compared with values worked out here from the sample data's formula
(flux_server/samples.py) at the centres of the cells the rule selects: a cell counts when its
centre lies inside the polygon, the left and bottom edges of a rectangle in, the right and top
edges out. Polygons on both sides of 0 and of 180 degrees, on 0..360 data with latitudes 90 -> -90
(GFS-like, a forecast: one lead time chosen) and on an hourly axis (ERA5-like).
"""

import math
import statistics as pystats

import pytest
from earthmover_flux import api
from earthmover_flux.core.errors import FluxCancelled, FluxInputError
from earthmover_flux.flux_server import samples
from harness import ARTIFACTS
from qgis.core import (
    QgsFeature,
    QgsFeedback,
    QgsGeometry,
    QgsVectorLayer,
)

REPO = samples.REPO
ALL = ("count", "mean", "area_mean", "min", "max", "std", "sum", "median")


def zones_layer(rects, crs="EPSG:4326", extra=()):
    """A polygon layer of rectangles (west, south, east, north) in EPSG:4326, written in ``crs``."""
    layer = QgsVectorLayer(f"Polygon?crs={crs}&field=name:string", "zones", "memory")

    def written(lon, lat):  # Web Mercator by its formula: a zone across 180 keeps x beyond the world's edge
        if crs == "EPSG:4326":
            return lon, lat
        return (math.radians(lon) * 6378137.0, math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * 6378137.0)

    features = []
    for name, (west, south, east, north) in rects.items():
        ring = [(west, south), (east, south), (east, north), (west, north), (west, south)]
        # densified, so a zone stays a rectangle in lon/lat after a round trip through another CRS
        dense = []
        for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
            dense += [(x0 + (x1 - x0) * k / 20.0, y0 + (y1 - y0) * k / 20.0) for k in range(20)]
        wkt = "POLYGON((" + ",".join("%r %r" % written(x, y) for x, y in dense + [dense[0]]) + "))"
        geometry = QgsGeometry.fromWkt(wkt)
        feature = QgsFeature(layer.fields())
        feature.setGeometry(geometry)
        feature.setAttributes([name])
        features.append(feature)
    for wkt, name in extra:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes([name])
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)[0]
    return layer


def cells(grid, west, south, east, north):
    """Cell centres (lon in -180..180) with west <= lon < east and south <= lat < north."""
    found = []
    for glat in grid.lats():
        for glon in grid.lons():
            lon = (glon + 180.0) % 360.0 - 180.0
            for shifted in (lon, lon + 360.0, lon - 360.0):
                if west <= shifted < east and south <= glat < north:
                    found.append((shifted, glat))
    return found


def expected_stats(values_lats):
    values = [v for v, _ in values_lats]
    weights = [math.cos(math.radians(lat)) for _, lat in values_lats]
    return {"count": len(values), "mean": pystats.fmean(values),
            "area_mean": sum(v * w for v, w in zip(values, weights)) / sum(weights),
            "min": min(values), "max": max(values), "std": pystats.pstdev(values), "sum": math.fsum(values),
            "median": pystats.median(values)}


def rows_by(layer, key="name"):
    out = {}
    for feature in layer.getFeatures():
        out.setdefault(feature[key], []).append(feature)
    return out


# edges between the 2-degree cell centres (odd degrees): a zone drawn in EPSG:3857 comes back to
# lon/lat with rounding, which must not move a centre across an edge (the edge rule itself is
# tested exactly in tests/unit/test_zonal_core.py)
GFS_ZONES = {
    "west of 0": (-11.0, 21.0, -3.0, 29.0),      # 349..357 on the data's 0..360 longitudes
    "across 0": (-5.0, 39.0, 5.0, 45.0),         # split at the data's edge
    "across 180": (175.0, -31.0, 185.0, -25.0),  # continuous on 0..360 data
    "east of 180": (-179.0, 59.0, -171.0, 65.0),
}


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:3857"])
def test_every_statistic_of_a_forecast_on_0_360_data(flux, credentials, project, crs):
    layer = api.zonal_statistics(flux.org, REPO, "main", "gfs", "t2m", zones_layer(GFS_ZONES, crs), stats=ALL,
                                 time_range=samples.GFS_TIMES[0], dimensions={"step": "6 hours"})
    assert layer.crs().authid() == crs and layer.temporalProperties().isActive()
    rows = rows_by(layer)
    for name, rect in GFS_ZONES.items():
        (feature,) = rows[name]  # one time step: the run's start, lead time 6 hours
        assert feature["step"] == "6 hours" and feature["centroid_cell"] == 0
        assert feature["time"].toString("yyyy-MM-ddThh:mm:ss") + "Z" == samples.GFS_TIMES[0]
        inside = cells(samples.GFS_GRID, *rect)
        want = expected_stats([(samples.expected("gfs", "t2m", lon=lon, lat=lat, step_hours=6), lat)
                               for lon, lat in inside])
        assert feature["cells"] == len(inside) > 4
        for stat in ALL:
            assert feature[stat] == pytest.approx(want[stat], abs=1e-4), (name, stat)  # float32 data
    log = [e for e in flux.log() if e["path"].endswith("/area")]
    assert len(log) == 5, "one area query per zone part: 'across 0' in two, 'across 180' in one"
    assert all("step=6+hours" in e["query"] or "step=6%20hours" in e["query"] for e in log)


def test_an_hourly_axis_gives_one_row_per_step(flux, credentials, project):
    zones = {"tropics": (-40.0, -20.0, 100.0, 10.0)}  # era5: 30-degree cells, 0..330
    start, end = "2003-01-01T00:00:00Z", "2003-01-01T05:00:00Z"
    first = 3 * 8760 + 0 * 24  # hours since 2000-01-01 (2000 is a leap year: +24)
    layer = api.zonal_statistics(flux.org, REPO, "main", "era5", "t2m", zones_layer(zones), stats=ALL,
                                 time_range=(start, end))
    features = sorted(layer.getFeatures(), key=lambda f: f["time"])
    assert len(features) == 6
    inside = cells(samples.ERA5_GRID, *zones["tropics"])
    assert len(inside) >= 4
    for step, feature in enumerate(features):
        hour = first + 24 + step
        want = expected_stats([(samples.expected("era5", "t2m", lon=lon, lat=lat, time_index=hour), lat)
                               for lon, lat in inside])
        for stat in ALL:  # era5 is stored as float32: 1e-4 K
            assert feature[stat] == pytest.approx(want[stat], abs=1e-4), (step, stat)


def test_wide_format_a_small_polygon_and_invalid_ones(flux, credentials, project):
    small = "POLYGON((10.2 20.2, 10.8 20.2, 10.8 20.8, 10.2 20.8, 10.2 20.2))"  # no cell centre inside
    bowtie = "POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))"  # self-intersecting: invalid
    zones = zones_layer({"box": (-11.0, 21.0, -3.0, 29.0)}, extra=[(small, "small"), (bowtie, "bowtie")])
    layer = api.zonal_statistics(flux.org, REPO, "main", "gfs", "t2m", zones, stats=("mean", "max"),
                                 time_range=samples.GFS_TIMES[0], dimensions={"step": "0 hours"}, wide=True)
    rows = rows_by(layer)
    assert set(rows) == {"box", "small"}, "the invalid polygon is left out, the rest goes on"
    assert "bowtie" not in str([f.attributes() for f in layer.getFeatures()])
    assert "invalid geometry" in layer.customProperty("earthmover_flux/invalid")
    (small_row,) = rows["small"]
    assert small_row["centroid_cell"] == 1 and small_row["cells"] == 1
    mean_field = [f.name() for f in layer.fields() if f.name().startswith("mean_")]
    assert mean_field == ["mean_20240601T000000"]
    want = samples.expected("gfs", "t2m", lon=10.5, lat=20.5, step_hours=0)
    assert small_row[mean_field[0]] == pytest.approx(want, abs=1e-6)


def test_bad_input_gets_a_sentence_and_leaves_nothing(flux, credentials, project):
    empty = QgsVectorLayer("Polygon?crs=EPSG:4326", "none", "memory")
    with pytest.raises(FluxInputError, match="no valid polygons"):
        api.zonal_statistics(flux.org, REPO, "main", "gfs", "t2m", empty)
    with pytest.raises(FluxInputError, match="Unknown statistic 'mode'"):
        api.zonal_statistics(flux.org, REPO, "main", "gfs", "t2m", zones_layer(GFS_ZONES), stats=("mode",))
    with pytest.raises(FluxInputError, match="several levels, lead times or members"):
        api.zonal_statistics(flux.org, REPO, "main", "gfs", "t2m", zones_layer(GFS_ZONES),
                             time_range=samples.GFS_TIMES[0])  # a forecast without a lead time chosen
    feedback = QgsFeedback()
    feedback.cancel()
    with pytest.raises(FluxCancelled):
        api.zonal_statistics(flux.org, REPO, "main", "gfs", "t2m", zones_layer(GFS_ZONES), feedback=feedback,
                             dimensions={"step": "0 hours"}, add_to_project=True)
    assert project.mapLayers() == {}


@pytest.fixture
def processing_ready(qgis_app):
    from plugin_setup import start_processing, stop_processing

    added = start_processing()
    yield
    stop_processing(added)


def test_the_processing_algorithm_writes_a_temporal_layer(flux, credentials, project, tmp_path, processing_ready):
    import processing

    zones = zones_layer(GFS_ZONES)
    out = str(tmp_path / "zonal.gpkg")
    result = processing.run("earthmover_flux:zonal_statistics", {
        "INPUT": zones, "ORG": flux.org, "REPO": REPO, "REF": "main", "GROUP": "gfs", "VARIABLE": "t2m",
        "TIME_START": samples.GFS_TIMES[0], "TIME_END": samples.GFS_TIMES[0], "DIMENSIONS": "step=3 hours",
        "STATISTICS": [0, 2, 3, 4], "SHAPE": 0, "WIDE": False, "OUTPUT": out})
    written = QgsVectorLayer(result["OUTPUT"], "zonal", "ogr")
    assert written.isValid() and written.featureCount() == len(GFS_ZONES)
    rows = rows_by(written)
    inside = cells(samples.GFS_GRID, *GFS_ZONES["across 0"])
    want = expected_stats([(samples.expected("gfs", "t2m", lon=lon, lat=lat, step_hours=3), lat)
                           for lon, lat in inside])
    (feature,) = rows["across 0"]
    assert feature["area_mean"] == pytest.approx(want["area_mean"], abs=1e-6)
    assert feature["count"] == want["count"]


def test_a_click_on_a_polygon_charts_its_zonal_mean_with_a_min_max_band(flux, credentials, project, iface, qtbot):
    """With a polygon layer active, the time-series tool on a polygon charts its area-weighted mean
    over every time step, and its cells' min..max as a band (values from the formula)."""
    from earthmover_flux.ui import timeseries
    from test_timeseries import click

    rect = (-12.0, 20.0, -4.0, 28.0)  # climate/main's cell centres are at odd degrees: edges at even ones
    zones = zones_layer({"box": rect})
    project.addMapLayer(zones)
    data = api.add_layer(flux.org, "climate", "main", "", "wms", "air", value_range=(230, 320))
    control = timeseries.TimeSeriesController(iface)
    dock = control.set_active(True)
    try:
        dock.select_layer(data)
        iface.active = zones
        click(qtbot, iface.canvas, -7.0, 25.0)
        qtbot.waitUntil(lambda: not dock.busy() and bool(dock.series), timeout=60000)
        (series,) = dock.series
        assert series.label().startswith("box: mean of") and series.band
        grid = samples.Grid(-179.0, 2.0, 180, 89.0, -2.0, 90)  # climate/main air: 2-degree cells, lon -179..179
        inside = cells(grid, *rect)
        assert len(series.values) == 4
        for day, (value, (low, high)) in enumerate(zip(series.values, series.band)):
            values = [samples_air(lon, lat, day) for lon, lat in inside]
            want = expected_stats(list(zip(values, [lat for _lon, lat in inside])))
            assert value == pytest.approx(want["area_mean"], abs=1e-3)
            assert (low, high) == (pytest.approx(want["min"], abs=1e-3), pytest.approx(want["max"], abs=1e-3))
        image = dock.chart.render_image(900, 400)
        assert not image.isNull() and image.save(str(ARTIFACTS / "zonal-chart.png"))
    finally:
        control.unload()


def samples_air(lon, lat, day):
    """climate/main's air (flux_server/samples.air)."""
    return samples.air(lon, lat, day)
