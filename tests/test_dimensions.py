"""Real Flux data shapes through every path: forecast steps, levels, members, 0..360 longitudes,
descending latitudes and an hourly axis over six years (flux-demo/weather, flux_server/samples.py).

Values are read back at known cells and compared with the sample data's formula: map layers are
drawn with the linear ``gray`` colormap over a known range, so a pixel's grey level is the value;
EDR answers are compared number by number. The server's request log shows what was sent.
"""

import json
from urllib.parse import parse_qs, unquote

import pytest
from earthmover_flux import api
from earthmover_flux.core.errors import FluxInputError
from earthmover_flux.flux_qgis import layers
from earthmover_flux.flux_server import samples
from harness import ARTIFACTS
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDateTimeRange,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QDateTime, Qt
from render import render

REPO = samples.REPO
RANGE = (150.0, 350.0)  # gray colormap over this range: grey level g -> 150 + g / 255 * 200
TOLERANCE = 2.0  # two grey levels of quantisation (0.8 K each) plus rounding


def _value_at(layer, lon, lat, name, half=300_000):
    """The value drawn at (lon, lat) (a cell centre): render a window of 2 x ``half`` metres around
    it and read the centre pixel. The window holds a few 2-degree cells: xpublish-wms answers 422 to
    a GetMap window with fewer than two cell centres across (seen here, EPSG:4326 and 3857 alike)."""
    to_3857 = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"),
                                     QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance())
    centre = to_3857.transform(QgsPointXY(lon if lon <= 180 else lon - 360, lat))
    image = render([layer], QgsRectangle(centre.x() - half, centre.y() - half, centre.x() + half,
                                         centre.y() + half), size=(64, 64))
    image.save(str(ARTIFACTS / f"dim-{name}.png"))
    pixel = image.pixelColor(32, 32)
    assert pixel.alpha() == 255, f"nothing drawn at ({lon}, {lat})"
    assert pixel.red() == pixel.green() == pixel.blue(), "the gray colormap draws grey"
    return RANGE[0] + pixel.red() / 255.0 * (RANGE[1] - RANGE[0])


def _getmaps(flux):
    return [parse_qs(e["query"]) for e in flux.log() if "/wms" in e["path"] and "GetMap" in e["query"]]


def _tiles(flux):
    return [parse_qs(e["query"]) for e in flux.log() if "/tiles/WebMercatorQuad/" in e["path"]]


def test_list_variables_exposes_every_dimension(flux, credentials):
    found = {v.name: v for v in api.list_variables(flux.org, REPO, "main", "gfs", "wms")}
    assert found["t"].dimensions == {"elevation": ["1000", "850", "500"],
                                     "step": ["0 hours", "3 hours", "6 hours", "9 hours", "12 hours"]}
    assert found["t2m"].dimensions == {"step": ["0 hours", "3 hours", "6 hours", "9 hours", "12 hours"]}
    assert found["t2m_ens"].dimensions["member"] == ["0", "1", "2"]
    assert found["t2m"].times == samples.GFS_TIMES
    tiles = {v.name: v for v in api.list_variables(flux.org, REPO, "main", "gfs", "tiles")}
    assert tiles["t"].dimensions == {"step": ["0 hours", "3 hours", "6 hours", "9 hours", "12 hours"],
                                     "level": ["1000", "850", "500"]}, "tiles name the level by its own name"


@pytest.mark.parametrize("protocol", ["wms", "tiles"])
def test_forecast_level_and_step_reach_the_server_and_the_pixels(flux, credentials, project, protocol):
    flux.clear_log()
    layer = api.add_layer(flux.org, REPO, "main", "gfs", protocol, "t", colormap="gray", value_range=RANGE,
                          time=samples.GFS_TIMES[0], dimensions={"step": "6h", "level": "850"})
    spec = layers.spec_of(layer)
    vertical = "elevation" if protocol == "wms" else "level"
    assert spec.selected == {"step": "6 hours", vertical: "850"}
    assert "step 6 hours" in layer.name() and "850 hPa" in layer.name()
    # on both sides of 0 and of 180 degrees: the 0..360 grid is drawn where it belongs
    for lon, lat in ((330.0, 10.0), (2.0, 10.0), (178.0, -40.0), (-178.0, 40.0)):
        want = samples.expected("gfs", "t", lon=lon, lat=lat, time_index=0, step_hours=6, level=850)
        got = _value_at(layer, lon, lat, f"{protocol}-t-{lon:g}-{lat:g}")
        assert got == pytest.approx(want, abs=TOLERANCE), f"{protocol} t at ({lon}, {lat})"
    sent = _getmaps(flux) if protocol == "wms" else _tiles(flux)
    assert sent and all(q.get("step") == ["6 hours"] and q.get(vertical) == ["850"] for q in sent), sent[:2]
    # another step and level through api.update_layer: new requests, new values
    flux.clear_log()
    assert api.update_layer(layer, dimensions={"step": "12 hours", "elevation": "500"})
    assert "step 12 hours" in layer.name()
    want = samples.expected("gfs", "t", lon=330.0, lat=10.0, time_index=0, step_hours=12, level=500)
    assert _value_at(layer, 330.0, 10.0, f"{protocol}-t-updated") == pytest.approx(want, abs=TOLERANCE)
    sent = _getmaps(flux) if protocol == "wms" else _tiles(flux)
    assert sent and all(q.get("step") == ["12 hours"] and q.get(vertical) == ["500"] for q in sent)


def test_ensemble_member_is_selected(flux, credentials, project):
    layer = api.add_layer(flux.org, REPO, "main", "gfs", "wms", "t2m_ens", colormap="gray", value_range=RANGE,
                          time=samples.GFS_TIMES[1], dimensions={"member": 2, "step": "3 hours"})
    want = samples.expected("gfs", "t2m_ens", lon=90.0, lat=20.0, time_index=1, step_hours=3, member=2)
    assert _value_at(layer, 90.0, 20.0, "member") == pytest.approx(want, abs=TOLERANCE)
    assert "member 2" in layer.name()


def test_bad_dimension_names_and_values_get_a_sentence(flux, credentials, project):
    with pytest.raises(FluxInputError, match=r"no dimension 'member'.*step"):
        api.add_layer(flux.org, REPO, "main", "gfs", "wms", "t2m", dimensions={"member": "1"})
    with pytest.raises(FluxInputError, match=r"'7 hours' is not a value of the dimension 'step'.*0 hours, 3 hours"):
        api.add_layer(flux.org, REPO, "main", "gfs", "wms", "t2m", dimensions={"step": "7 hours"})
    with pytest.raises(FluxInputError, match=r"'700' is not a value.*1000, 850, 500"):
        api.add_layer(flux.org, REPO, "main", "gfs", "wms", "t", dimensions={"level": "700"})
    assert not QgsProject.instance().mapLayers(), "nothing half-made was added"


def test_temporal_controller_moves_the_valid_time_of_one_forecast(flux, credentials, project):
    """A forecast layer's time axis is its valid times (the run + each lead time): the Temporal
    Controller at valid 19:00 of the 12:00 run draws lead time 6 hours (18:00), asked as the run
    and that lead time (flux_qgis/forecast_time.py)."""
    layer = api.add_layer(flux.org, REPO, "main", "gfs", "wms", "t2m", colormap="gray", value_range=RANGE)
    spec = layers.spec_of(layer)
    assert spec.time == samples.GFS_TIMES[-1], "a forecast opens on its newest run"
    props = layer.temporalProperties()
    assert props.isActive() and props.mode() == props.ModeTemporalRangeFromDataProvider
    extent = layer.dataProvider().temporalCapabilities().availableTemporalRange()
    utc = Qt.TimeSpec.UTC
    assert extent.begin() == QDateTime.fromString("2024-06-01T12:00:00Z", Qt.DateFormat.ISODate).toTimeSpec(utc)
    assert extent.end() == QDateTime.fromString("2024-06-02T00:00:00Z", Qt.DateFormat.ISODate).toTimeSpec(utc)
    flux.clear_log()
    begin = QDateTime.fromString("2024-06-01T19:00:00Z", Qt.DateFormat.ISODate)
    to_3857 = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"),
                                     QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance())
    centre = to_3857.transform(QgsPointXY(300.0 - 360, -30.0))
    image = render([layer], QgsRectangle(centre.x() - 300_000, centre.y() - 300_000, centre.x() + 300_000,
                                         centre.y() + 300_000), size=(64, 64),
                   temporal_range=QgsDateTimeRange(begin, begin.addSecs(3600), True, False))
    image.save(str(ARTIFACTS / "dim-forecast-valid.png"))
    want = samples.expected("gfs", "t2m", lon=300.0, lat=-30.0, time_index=1, step_hours=6)
    got = RANGE[0] + image.pixelColor(32, 32).red() / 255.0 * (RANGE[1] - RANGE[0])
    assert image.pixelColor(32, 32).alpha() == 255 and got == pytest.approx(want, abs=TOLERANCE)
    sent = _getmaps(flux)
    assert sent and all(q["step"] == ["6 hours"] and q["TIME"] == ["2024-06-01T12:00:00Z"] for q in sent), sent


def test_edr_answers_the_cell_under_the_point_on_both_sides_of_zero(flux, credentials, project):
    # inside cells (never half-way between two): on both sides of 0 and of 180 degrees
    points = [(-30.0, 10.0), (330.0, 10.0), (0.6, 10.0), (-1.5, 10.0), (178.6, 0.0), (-178.6, 0.0)]
    flux.clear_log()
    layer = api.edr_position(flux.org, REPO, "main", "gfs", points, "t", time_range=samples.GFS_TIMES[0],
                             dimensions={"step": "3 hours", "level": "850"})
    values = {}
    for feature in layer.getFeatures():
        values[feature["location"]] = (feature["t"], feature["grid_lon"], feature["step"])
    assert len(values) == len(points)
    for index, (lon, lat) in enumerate(points):
        want = samples.expected("gfs", "t", lon=lon, lat=lat, time_index=0, step_hours=3, level=850)
        got, grid_lon, step = values[index]
        assert got == pytest.approx(want, abs=1e-3), f"EDR at ({lon}, {lat})"
        assert step == "3 hours"
        assert -180 <= grid_lon <= 180
    sent = [parse_qs(e["query"]) for e in flux.log() if e["path"].endswith("/position")]
    assert sent and all(q["z"] == ["850"] and q["step"] == ["3 hours"] for q in sent)
    assert "-30" not in sent[0]["coords"][0], "longitudes go out in the data's 0..360 convention"


def test_edr_without_a_step_returns_every_lead_time(flux, credentials, project):
    layer = api.edr_position(flux.org, REPO, "main", "gfs", [(100.0, 50.0)], "t2m", time_range=samples.GFS_TIMES[1])
    rows = sorted((f["step"], f["t2m"]) for f in layer.getFeatures())
    steps = {s: v for s, v in rows}
    assert set(steps) == {"0 hours", "3 hours", "6 hours", "9 hours", "12 hours"}
    for hours in samples.GFS_STEPS_HOURS:
        want = samples.expected("gfs", "t2m", lon=100.0, lat=50.0, time_index=1, step_hours=hours)
        assert steps[f"{hours} hours"] == pytest.approx(want, abs=1e-3)


def test_edr_dimension_that_does_not_apply_is_refused(flux, credentials, project):
    with pytest.raises(FluxInputError, match="member.*does not apply to t2m"):
        api.edr_position(flux.org, REPO, "main", "gfs", [(10.0, 10.0)], "t2m,t2m_ens", dimensions={"member": "1"})


def test_edr_area_on_0_360_data(flux, credentials, project):
    layer = api.edr_area(flux.org, REPO, "main", "gfs", "POLYGON((-40 5,-25 5,-25 15,-40 15,-40 5))", "t2m",
                         time_range=samples.GFS_TIMES[0], dimensions={"step": "0 hours"})
    features = list(layer.getFeatures())
    assert features
    for feature in features:
        lon, lat = feature.geometry().asPoint().x(), feature.geometry().asPoint().y()
        assert -40 <= lon <= -25 and 5 <= lat <= 15, "area features sit where they are on the map"
        want = samples.expected("gfs", "t2m", lon=lon, lat=lat, time_index=0, step_hours=0)
        assert feature["t2m"] == pytest.approx(want, abs=1e-3)
    with pytest.raises(FluxInputError, match="crosses longitude 0"):
        api.edr_area(flux.org, REPO, "main", "gfs", "POLYGON((-10 5,10 5,10 15,-10 15,-10 5))", "t2m")


def test_hourly_axis_over_six_years_stays_small_in_the_project(flux, credentials, project, tmp_path):
    layer = api.add_layer(flux.org, REPO, "main", "era5", "wms", "t2m", colormap="gray", value_range=RANGE,
                          time="2003-06-01T10:00:00Z")
    spec = layers.spec_of(layer)
    assert len(spec.time_axis) == samples.ERA5_COUNT
    hour = int((layers.parse_iso("2003-06-01T10:00:00Z") - layers.parse_iso("2000-01-01T00:00:00Z")) / 3600)
    want = samples.expected("era5", "t2m", lon=120.0, lat=30.0, time_index=hour)
    # a wide window: xpublish-wms answers 422 for a GetMap holding fewer than two cells of this 30-degree grid
    assert _value_at(layer, 120.0, 30.0, "era5", half=3_000_000) == pytest.approx(want, abs=TOLERANCE)
    asked = [parse_qs(e["query"]) for e in flux.log() if "era5" in e["path"] and "GetMap" in e["query"]]
    assert asked and all(q["TIME"] == ["2003-06-01T10:00:00Z"] for q in asked), "the layer's step, through WMS-T"
    path = tmp_path / "era5.qgs"
    assert project.write(str(path))
    text = path.read_text()
    start = text.index("<maplayer")
    size = len(text[start:text.index("</maplayer>", start)])
    assert size < 20_000, f"one Flux layer takes {size} bytes of project XML"
    saved = json.loads(layer.customProperty(layers.SPEC_PROPERTY))
    assert saved["time_axis"] == [[layers.parse_iso("2000-01-01T00:00:00Z"), 3600.0, samples.ERA5_COUNT]]


def _tif_value(path, x, y, band):
    from osgeo import gdal

    dataset = gdal.Open(str(path))
    x0, dx, _, y0, _, dy = dataset.GetGeoTransform()
    col, row = int((x - x0) / dx), int((y - y0) / dy)
    data = dataset.GetRasterBand(band).ReadRaster(col, row, 1, 1, buf_type=gdal.GDT_Float32)
    import struct

    return struct.unpack("f", data)[0], [dataset.GetRasterBand(b + 1).GetDescription()
                                         for b in range(dataset.RasterCount)], dataset.GetProjection()


def test_dap2_packed_noleap_ensemble(flux, credentials, project, tmp_path):
    path = tmp_path / "tas.tif"
    layer = api.dap2_subset(flux.org, REPO, "main", "cmip", "tas", output=str(path), bbox=(20, -90, 60, 40),
                            dimensions={"member": "2"})
    assert layer.isValid() and layer.bandCount() == 4
    value, bands, _ = _tif_value(path, 30, 20, 3)
    assert bands == ["2024-02-27T00:00:00Z", "2024-02-28T00:00:00Z", "2024-03-01T00:00:00Z",
                     "2024-03-02T00:00:00Z"], "noleap: the day after Feb 28 is Mar 1"
    assert value == pytest.approx(samples.expected("cmip", "tas", lon=30, lat=20, time_index=2, member=2), abs=1e-3)
    fill, _, _ = _tif_value(path, 30, -85, 1)
    assert fill != fill, "_FillValue cells are NaN"
    dods = [e["query"] for e in flux.log() if e["path"].endswith(".dods") and e["query"].startswith("tas")]
    assert dods and unquote(dods[-1]).startswith("tas[2:2]"), "member 2 is asked for by index, alone"


def test_dap2_360_day_calendar(flux, credentials, project, tmp_path):
    path = tmp_path / "pr.tif"
    api.dap2_subset(flux.org, REPO, "main", "cmip360", "pr", output=str(path), bbox=(100, 0, 140, 40),
                    time_range=("2024-02-30", "2024-03-01"))
    value, bands, _ = _tif_value(path, 120, 30, 1)
    assert bands == ["2024-02-30T00:00:00", "2024-03-01T00:00:00"]
    assert value == pytest.approx(samples.expected("cmip360", "pr", lon=120, lat=30, time_index=1), abs=1e-4)


def test_dap2_forecast_level_west_of_zero_on_0_360(flux, credentials, project, tmp_path):
    path = tmp_path / "t.tif"
    api.dap2_subset(flux.org, REPO, "main", "gfs", "t", output=str(path), bbox=(-40, 0, -20, 20),
                    time_range=samples.GFS_TIMES[1], dimensions={"step": "6 hours", "level": "850"})
    value, bands, _ = _tif_value(path, 330 - 360, 10, 1)
    assert bands == [samples.GFS_TIMES[1]]
    want = samples.expected("gfs", "t", lon=-30, lat=10, time_index=1, step_hours=6, level=850)
    assert value == pytest.approx(want, abs=1e-3)


def test_dap2_projected_grid_is_refused_with_the_reason(flux, credentials, project, tmp_path):
    """xpublish-opendap does not publish the scalar grid_mapping variable (no crs_wkt in .das or
    .dds), so the plugin cannot place a Lambert x/y grid: it says so and writes nothing."""
    path = tmp_path / "dswrf.tif"
    with pytest.raises(FluxInputError, match="projected grid.*lambert_conformal_conic.*WMS or tiles"):
        api.dap2_subset(flux.org, REPO, "main", "hrrr", "dswrf", output=str(path), bbox=(-105, 33, -90, 43))
    assert not path.exists() and not QgsProject.instance().mapLayers()


@pytest.fixture(scope="module")
def processing_ready(qgis_app):
    from plugin_setup import start_processing, stop_processing

    added = start_processing()
    yield
    stop_processing(added)


def test_processing_takes_dimensions(flux, credentials, project, processing_ready, tmp_path):
    import processing
    from qgis.core import QgsVectorLayer

    points = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "stations", "memory")
    from qgis.core import QgsFeature, QgsGeometry

    feature = QgsFeature(points.fields())
    feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(-30.0, 10.0)))
    feature["name"] = "west of 0"
    points.dataProvider().addFeatures([feature])
    flux.clear_log()
    result = processing.run("earthmover_flux:edr_sample_points", {
        "INPUT": points, "ORG": flux.org, "REPO": REPO, "REF": "main", "GROUP": "gfs", "PARAMETERS": "t",
        "TIME_START": samples.GFS_TIMES[0], "TIME_END": samples.GFS_TIMES[0], "DIMENSIONS": "step=9 hours;level=500",
        "AUTHCFG": credentials, "OUTPUT": str(tmp_path / "sampled.gpkg")})
    out = QgsVectorLayer(result["OUTPUT"], "sampled", "ogr")
    rows = [(f["name"], f["t"], f["step"]) for f in out.getFeatures()]
    want = samples.expected("gfs", "t", lon=-30, lat=10, time_index=0, step_hours=9, level=500)
    assert rows == [("west of 0", pytest.approx(want, abs=1e-3), "9 hours")]
    from qgis.core import QgsProcessingContext

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    result = processing.run("earthmover_flux:add_layer", {
        "ORG": flux.org, "REPO": REPO, "REF": "main", "GROUP": "gfs", "PROTOCOL": 0, "VARIABLE": "t",
        "DIMENSIONS": "step=3 hours;elevation=1000", "AUTHCFG": credentials}, context=context)
    output = result["OUTPUT"]
    spec = layers.spec_of(output if hasattr(output, "source") else context.getMapLayer(output))
    assert spec.selected == {"step": "3 hours", "elevation": "1000"}
    with pytest.raises(Exception, match="name=value"):
        processing.run("earthmover_flux:add_layer", {"ORG": flux.org, "REPO": REPO, "GROUP": "gfs", "PROTOCOL": 0,
                                                      "VARIABLE": "t", "DIMENSIONS": "step", "AUTHCFG": credentials})


def test_projected_grid_through_wms_tiles_and_edr(flux, credentials, project):
    """The HRRR-like Lambert grid: drawn where it is (WMS and tiles reproject it) and EDR answers the
    cell under the point (its axes come back as 2-D longitudes/latitudes)."""
    want = samples.expected("hrrr", "dswrf", lon=-97.0, lat=38.0, step_hours=2)
    layer = api.edr_position(flux.org, REPO, "main", "hrrr", [(-97.0, 38.0)], "dswrf", dimensions={"step": "2 hours"})
    (feature,) = layer.getFeatures()
    assert feature["dswrf"] == pytest.approx(want, abs=1e-3) and feature["step"] == "2 hours"
    cell = samples.nearest_cell("hrrr", -97.0, 38.0)
    assert (feature["grid_lon"], feature["grid_lat"]) == (pytest.approx(cell["lon"], abs=1e-6),
                                                          pytest.approx(cell["lat"], abs=1e-6))
    for protocol in ("wms", "tiles"):
        drawn = api.add_layer(flux.org, REPO, "main", "hrrr", protocol, "dswrf", colormap="gray",
                              value_range=(400.0, 1000.0), dimensions={"step": "2 hours"})
        # gray over 400..1000: grey level g -> 400 + g / 255 * 600 (2.4 W m-2 per level)
        image_value = _value_at(drawn, cell["lon"], cell["lat"], f"hrrr-{protocol}", half=10_000)
        got = 400.0 + (image_value - RANGE[0]) / (RANGE[1] - RANGE[0]) * 600.0
        assert got == pytest.approx(want, abs=5.0), f"{protocol} draws the Lambert grid where it is"


def test_noleap_dataset_gets_a_plain_sentence_where_a_server_cannot_read_it(flux, credentials, project):
    """xpublish-wms and -edr answer 500 to any request describing a noleap dataset (flux_server/README);
    the plugin says what that likely means and which services work, and adds nothing."""
    from earthmover_flux.core.errors import FluxError

    with pytest.raises(FluxError, match=r"internal error.*noleap and 360_day.*tiles, EDR or DAP2"):
        api.add_layer(flux.org, REPO, "main", "cmip", "wms", "tas")
    with pytest.raises(FluxError, match=r"internal error.*noleap.*DAP2 or tiles"):
        api.edr_position(flux.org, REPO, "main", "cmip", [(30, 20)], "tas")
    assert not QgsProject.instance().mapLayers()
    tiles = {v.name: v for v in api.list_variables(flux.org, REPO, "main", "cmip", "tiles")}
    assert tiles["tas"].dimensions == {"member": ["0", "1", "2"]}
    assert tiles["tas"].times[2].startswith("2024-03-01"), "the tiles service reads the noleap axis"


def test_dap2_server_prefix_bug_gives_values_or_a_sentence(flux, credentials, project, tmp_path):
    """xpublish-opendap answers t2m_ens[...] with t and t2m too (names that start it) and breaks off at
    the 4-D t2m; which Grid comes first varies between server processes (flux_server/README). The
    plugin either reads t2m_ens right or says why it cannot; never a wrong number or a traceback."""
    from earthmover_flux.core.errors import FluxError

    path = tmp_path / "ens.tif"
    try:
        api.dap2_subset(flux.org, REPO, "main", "gfs", "t2m_ens", output=str(path), bbox=(-40, 0, -20, 20),
                        time_range=samples.GFS_TIMES[0], dimensions={"step": "3 hours", "member": "2"})
    except FluxError as exc:
        assert "broke off at 't2m' before 't2m_ens'" in str(exc) and "WMS, tiles and EDR" in str(exc)
        assert not QgsProject.instance().mapLayers()
        return
    value, _, _ = _tif_value(path, -30, 10, 1)
    assert value == pytest.approx(samples.expected("gfs", "t2m_ens", lon=-30, lat=10, step_hours=3, member=2),
                                  abs=1e-3)
