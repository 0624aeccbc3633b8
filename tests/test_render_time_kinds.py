"""Every render has its own time, for forecast and tiles layers too (issue 22).

A forecast layer (GFS-like t2m, started 2024-06-01 00:00, lead times 0..12 h) is a WMS-T layer:
each render asks with its own valid time, and the plugin's request preprocessor turns that into
the forecast's start and the lead time (flux_qgis/forecast_time.py). Checked in a layout map, a
two-page atlas, a four-frame animation export and a second map view, each at another valid time:
the server's log shows ``TIME=<start>&step=<lead>`` for each, and the values read back from the
image's grey levels at known cells match the sample data's formula for that lead time.

A tiles layer holds one step (an XYZ URL): a render at another time leaves it out - no tile is
asked, nothing is drawn - and a render at its own step draws it.
"""

from urllib.parse import unquote

import pytest
from earthmover_flux import api
from earthmover_flux.flux_qgis import forecast_time
from earthmover_flux.flux_server import samples
from harness import ARTIFACTS
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsDateTimeRange,
    QgsInterval,
    QgsRectangle,
    QgsTemporalUtils,
)
from qgis.PyQt.QtCore import QDateTime, QSize, Qt
from qgis.PyQt.QtGui import QColor, QImage
from render import render
from test_render_time import _layout, _page_image, _wait_for_canvases, atlas_pages

RUN = samples.GFS_TIMES[0]
RANGE = (200.0, 330.0)
# one pixel per 2-degree cell, pixel centres on the cell centres (lon -180..178, lat 88..-90)
EXTENT = QgsRectangle(-181, -91, 179, 89)
SIZE = (180, 90)
CRS = QgsCoordinateReferenceSystem("EPSG:4326")


def valid(hours, span=1):
    begin = QDateTime.fromString(RUN, Qt.DateFormat.ISODate).addSecs(int(hours * 3600))
    return QgsDateTimeRange(begin, begin.addSecs(span * 3600), True, False)


def cell_errors(image, step_hours):
    """Mean |value from the grey level - t2m at that lead time| over cells away from the range's ends."""
    assert (image.width(), image.height()) == SIZE, (image.width(), image.height())
    low, high = RANGE
    total, count = 0.0, 0
    for j in range(0, SIZE[1], 2):
        lat = 88 - 2 * j
        for i in range(0, SIZE[0], 3):
            pixel = image.pixelColor(i, j)
            if pixel.alpha() < 255 or not 0 < pixel.red() < 255:
                continue
            value = low + pixel.red() / 255.0 * (high - low)
            lon = -180 + 2 * i
            total += abs(value - samples.expected("gfs", "t2m", lon=lon, lat=lat, step_hours=step_hours))
            count += 1
    assert count > 300, f"only {count} data pixels: the image holds no data"
    return total / count


def assert_shows_lead(image, hours, label, tolerance=1.0):
    errors = {h: cell_errors(image, h) for h in samples.GFS_STEPS_HOURS}
    best = min(errors, key=errors.get)
    assert best == hours, f"{label} shows lead time {best} h, not {hours} h: {errors}"
    second = sorted(errors.values())[1]
    assert errors[hours] < tolerance and second > 2 * errors[hours], f"{label}: {errors}"


def forecast_requests(flux):
    """(TIME, step) of each GetMap the server saw."""
    asked = []
    for entry in flux.log():
        if "REQUEST=GetMap" not in entry["query"]:
            continue
        assert entry["status"] == 200 and entry["auth"] == "valid", entry
        assert forecast_time.MARKER not in entry["path"], "the marker never reaches the server"
        params = dict(p.split("=", 1) for p in entry["query"].split("&") if "=" in p)
        asked.append((params.get("TIME", "").replace("%3A", ":"), params.get("step", "").replace("%20", " ")))
    return asked


@pytest.fixture
def forecast(flux, credentials, project):
    project.setCrs(CRS)
    layer = api.add_layer(flux.org, samples.REPO, "main", "gfs", "wms", "t2m", colormap="gray", value_range=RANGE,
                          time=RUN, dimensions={"step": "0 hours"})
    assert layer.isValid() and layer.crs().authid() == "EPSG:4326", "the map's own CRS"
    assert forecast_time.MARKER in unquote(layer.source()) and flux.key not in layer.source()
    flux.clear_log()
    return layer


def settings_for(layers, temporal_range):
    from qgis.core import QgsMapSettings

    settings = QgsMapSettings()
    settings.setLayers(list(layers))
    settings.setDestinationCrs(CRS)
    settings.setExtent(EXTENT)
    settings.setOutputSize(QSize(*SIZE))
    settings.setBackgroundColor(QColor(255, 255, 255, 0))
    settings.setIsTemporal(True)
    settings.setTemporalRange(temporal_range)
    return settings


def test_a_layout_map_draws_the_forecast_at_its_own_valid_time(flux, forecast, project):
    for hours in (3, 9):
        flux.clear_log()
        layout, item = _layout(project, valid(hours))
        item.setExtent(EXTENT)
        image = _page_image(layout)
        image.save(str(ARTIFACTS / f"forecast-layout-{hours}h.png"))
        assert set(forecast_requests(flux)) == {(RUN, f"{hours} hours")}
        assert_shows_lead(image, hours, f"the layout map at +{hours} h")


def test_an_atlas_gives_each_page_its_lead_time(flux, forecast, project):
    pages = atlas_pages(project, forecast, [valid(6), valid(12)],
                        lambda: (forecast_requests(flux), flux.clear_log())[0], extent=EXTENT)
    assert [asked for _image, asked in pages] == [[(RUN, "6 hours")], [(RUN, "12 hours")]]
    for (image, _asked), hours in zip(pages, (6, 12)):
        image.save(str(ARTIFACTS / f"forecast-atlas-{hours}h.png"))
        assert_shows_lead(image, hours, f"the atlas page at +{hours} h")


def test_an_animation_export_of_the_forecast_steps_through_lead_times(flux, forecast, tmp_path):
    settings = QgsTemporalUtils.AnimationExportSettings()
    settings.animationRange = QgsDateTimeRange(valid(0).begin(), valid(12).begin(), True, False)
    settings.frameDuration = QgsInterval(3 * 3600)
    settings.outputDirectory = str(tmp_path)
    settings.fileNameTemplate = "frame####.png"
    ok, error = QgsTemporalUtils.exportAnimation(settings_for([forecast], valid(0)), settings)
    assert ok, error
    frames = sorted(tmp_path.glob("frame*.png"))
    assert len(frames) == 4, frames
    assert forecast_requests(flux) == [(RUN, f"{h} hours") for h in (0, 3, 6, 9)]
    images = [QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32) for path in frames]
    for hours, image in zip((0, 3, 6, 9), images):
        image.save(str(ARTIFACTS / f"forecast-animation-{hours}h.png"))
        assert_shows_lead(image, hours, f"the animation frame at +{hours} h")
    assert len({image.bits().asstring(image.sizeInBytes()) for image in images}) == 4


def test_a_second_map_view_draws_another_lead_time(flux, forecast):
    from qgis.gui import QgsMapCanvas

    canvases = []
    for hours in (3, 12):
        canvas = QgsMapCanvas()
        canvas.setParallelRenderingEnabled(True)
        canvas.setCachingEnabled(False)
        canvas.setDestinationCrs(CRS)
        canvas.resize(*SIZE)
        canvas.show()
        canvas.setLayers([forecast])
        canvas.setExtent(EXTENT)
        canvas.setTemporalRange(valid(hours))
        canvases.append(canvas)
    try:
        _wait_for_canvases(canvases)
        assert sorted(set(forecast_requests(flux))) == [(RUN, "12 hours"), (RUN, "3 hours")]
        for canvas, hours in zip(canvases, (3, 12)):
            image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_ARGB32)
            image = image.scaled(*SIZE) if (image.width(), image.height()) != SIZE else image
            # a widget's grab is resampled to the grid: a little less exact than a rendered image
            assert_shows_lead(image, hours, f"the map view at +{hours} h", tolerance=2.5)
    finally:
        for canvas in canvases:
            canvas.stopRendering()
            canvas.setLayers([])
            canvas.close()
            canvas.deleteLater()


def test_without_the_plugin_a_forecast_request_fails_rather_than_shows_another_time(flux, forecast):
    """The marker stays in the path when nothing rewrites it: the server answers 404, the render is
    empty; never TIME=<valid time> taken as another run."""
    forecast_time.unregister()
    try:
        image = render([forecast], extent=EXTENT, size=SIZE, temporal_range=valid(6), crs=CRS)
    finally:
        forecast_time.register()
    statuses = [e["status"] for e in flux.log() if "GetMap" in e["query"]]
    assert statuses and set(statuses) == {404}
    assert all(image.pixelColor(x, y).alpha() == 0 for x in range(0, SIZE[0], 9) for y in range(0, SIZE[1], 9))


def test_forecast_urls_are_rewritten_by_a_pure_function():
    from earthmover_flux.core.dimensions import Dimension

    lead = Dimension(name="step", values=["0 hours", "3 hours", "6 hours"], kind="lead_time")
    marker = forecast_time.marker("2024-06-01T00:00:00Z", lead)
    url = f"https://h/v1/services/wms/o/r/main/gfs/wms{marker}?version=1.3.0&REQUEST=GetMap&TIME=2024-06-01T04%3A00%3A00Z"
    assert forecast_time.rewrite_url(url) == ("https://h/v1/services/wms/o/r/main/gfs/wms?version=1.3.0&REQUEST=GetMap"
                                              "&TIME=2024-06-01T00%3A00%3A00Z&step=3%20hours")
    caps = f"https://h/v1/services/wms/o/r/main/gfs/wms{marker}?version=1.3.0&SERVICE=WMS&REQUEST=GetCapabilities"
    assert forecast_time.rewrite_url(caps) == "https://h/v1/services/wms/o/r/main/gfs/wms?version=1.3.0&SERVICE=WMS" \
                                              "&REQUEST=GetCapabilities"
    before = f"https://h/x/wms{marker}?TIME=2024-05-31T00:00:00Z"  # before the run: its first lead time
    assert forecast_time.rewrite_url(before).endswith("step=0%20hours")
    assert forecast_time.rewrite_url("https://h/x/wms?TIME=2024-05-31T00:00:00Z") is None


@pytest.fixture
def tiles(flux, credentials, project):
    project.setCrs(CRS)
    layer = api.add_layer(flux.org, "climate", "main", "", "tiles", "air", colormap="gray", value_range=(240, 310),
                          time="2024-01-02T00:00:00Z")
    flux.clear_log()
    return layer


def day(number):
    begin = QDateTime.fromString(f"2024-01-{number:02d}T00:00:00Z", Qt.DateFormat.ISODate)
    return QgsDateTimeRange(begin, begin.addSecs(86400), True, False)


def tile_requests(flux):
    return [e for e in flux.log() if "/tiles/WebMercatorQuad/" in e["path"]]


def differing(a, b):
    return sum(a.pixel(x, y) != b.pixel(x, y) for x in range(0, a.width(), 5) for y in range(0, a.height(), 5))


def test_a_tiles_layer_is_left_out_of_a_render_at_another_time(flux, tiles, project):
    props = tiles.temporalProperties()
    assert props.isActive() and props.fixedTemporalRange() == day(2)
    layout, item = _layout(project, day(4))
    item.setLayers([])
    blank = _page_image(layout)  # the page alone
    # a layout map at 2024-01-04: the layer is not drawn and no tile is asked
    item.setLayers([tiles])
    other = _page_image(layout)
    assert tile_requests(flux) == [] and differing(other, blank) == 0
    # the same layout at the layer's own step draws it
    item.setTemporalRange(day(2))
    own = _page_image(layout)
    own.save(str(ARTIFACTS / "tiles-own-step.png"))
    assert tile_requests(flux) and differing(own, blank) > 100


def test_the_user_is_told_once_when_tiles_cannot_follow_an_animation(flux, tiles, iface):
    from earthmover_flux.ui.time_notice import TilesTimeNotice
    from qgis.core import QgsTemporalNavigationObject

    navigation = QgsTemporalNavigationObject(iface.canvas)  # the canvas owns it: it outlives this test
    navigation.setTemporalExtents(QgsDateTimeRange(day(1).begin(), day(4).end(), True, False))
    navigation.setFrameDuration(QgsInterval(86400))
    iface.canvas.setTemporalController(navigation)
    notice = TilesTimeNotice(iface)
    try:
        navigation.setNavigationMode(QgsTemporalNavigationObject.NavigationMode.FixedRange)
        navigation.setNavigationMode(QgsTemporalNavigationObject.NavigationMode.Animated)
        for frame in (1, 2, 0):
            navigation.setCurrentFrameNumber(frame)
    finally:
        notice.disconnect()
    told = [m for m in iface.messages if "tiles layers draw the one time step" in m]
    assert len(told) == 1 and tiles.name() in told[0] and "WMS layer" in told[0], iface.messages
