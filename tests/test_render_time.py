"""Every render of a Flux WMS layer asks the server for its own time (flux_qgis/render_time.py).

Renders that do not move the main canvas's Temporal Controller: a QgsMapRendererParallelJob with
a temporal range (scripts, qgis_process), Export Animation (QgsTemporalUtils.exportAnimation), a
layout map item with its own range, an atlas over time, and a second map canvas. Each test reads
the server's request log for the TIME of each GetMap, and reads the data values back out of the
images: the sample ``air`` of climate/main is flux_server/samples.air (cold poles, land and sea,
a wave moving 8 K a day), t = 0..3
for 2024-01-01..04, drawn in gray over 240..310 K, so a pixel's grey level is its value.
"""


import pytest
from earthmover_flux import api
from earthmover_flux.flux_qgis import layers, render_time
from earthmover_flux.flux_server import samples
from harness import ARTIFACTS
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsDateTimeRange,
    QgsFeature,
    QgsGeometry,
    QgsInterval,
    QgsLayoutExporter,
    QgsLayoutItemMap,
    QgsLayoutObject,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsNetworkAccessManager,
    QgsPointXY,
    QgsPrintLayout,
    QgsProject,
    QgsProperty,
    QgsRasterLayer,
    QgsRectangle,
    QgsTemporalNavigationObject,
    QgsTemporalUtils,
    QgsUnitTypes,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, QDateTime, QEvent, QEventLoop, QSize, Qt, QTimer, QUrl
from qgis.PyQt.QtGui import QColor, QImage
from render import render

VALUE_RANGE = (240, 310)
WORLD = QgsRectangle(-180, -90, 180, 90)
GRID = (180, 90)  # one pixel per 2-degree cell of the sample data
CRS_4326 = QgsCoordinateReferenceSystem("EPSG:4326")
DAY_MS = 86_400_000


def day(number, start_hour=0, hours=24):
    """[2024-01-DD start_hour, + hours) in UTC."""
    begin = QDateTime.fromString(f"2024-01-{number:02d}T00:00:00Z", Qt.ISODate).addSecs(start_hour * 3600)
    return QgsDateTimeRange(begin, begin.addSecs(hours * 3600), True, False)


def expected_value(lat, lon, t):
    return samples.air(lon, lat, t)


def day_errors(image):
    """Mean |value read from the grey level - the data's value| for each day t = 0..3."""
    assert (image.width(), image.height()) == GRID
    low, high = VALUE_RANGE
    errors, count = [0.0] * 4, 0
    for j in range(0, GRID[1]):
        lat = 89 - 2 * j
        if abs(lat) > 60:  # colder than 240 K near the poles: clipped to black
            continue
        for i in range(0, GRID[0], 3):
            pixel = image.pixelColor(i, j)
            if pixel.alpha() < 255 or not 0 < pixel.red() < 255:
                continue
            value = low + pixel.red() / 255.0 * (high - low)
            lon = -179 + 2 * i
            for t in range(4):
                errors[t] += abs(value - expected_value(lat, lon, t))
            count += 1
    assert count > 1000, f"only {count} data pixels: the image holds no data"
    return [e / count for e in errors]


def assert_shows_day(image, number, label):
    errors = day_errors(image)
    best = min(range(4), key=errors.__getitem__)
    others = sorted(e for t, e in enumerate(errors) if t != number - 1)
    assert best == number - 1, f"{label} shows 2024-01-0{best + 1}, not 2024-01-{number:02d}: errors {errors}"
    assert errors[best] < 1.5 and others[0] > 3 * errors[best], f"{label}: errors {errors}"


def getmaps(flux):
    return [e for e in flux.log() if e["path"].endswith("/wms") and "REQUEST=GetMap" in e["query"]]


def times_asked(flux):
    asked = []
    for entry in getmaps(flux):
        assert entry["status"] == 200 and entry["auth"] == "valid", entry
        assert "colorscalerange=240,310" in entry["query"], "the base URL's parameters reach GetMap"
        for part in entry["query"].split("&"):
            if part.startswith("TIME="):
                asked.append(part[5:].replace("%3A", ":"))
    return asked


def map_settings(layers, temporal_range=None):
    from qgis.core import QgsMapSettings

    settings = QgsMapSettings()
    settings.setLayers(list(layers))
    settings.setDestinationCrs(CRS_4326)
    settings.setExtent(WORLD)
    settings.setOutputSize(QSize(*GRID))
    settings.setBackgroundColor(QColor(255, 255, 255, 0))
    if temporal_range is not None:
        settings.setIsTemporal(True)
        settings.setTemporalRange(temporal_range)
    return settings


@pytest.fixture
def wms_layer(flux, credentials, project):
    spec, authcfg = api.prepare_layer(flux.org, "climate", "main", "", "wms", "air", colormap="gray",
                                      value_range=VALUE_RANGE)
    layer = QgsRasterLayer(render_time.wms_source(spec, authcfg), "air", render_time.PROVIDER)
    assert layer.isValid(), layer.error().summary() if not layer.error().isEmpty() else "invalid"
    render_time.set_temporal_properties(layer, spec)
    source = layer.source()
    assert f"authcfg={credentials}" in source and flux.key not in source and flux.org + ":" not in source
    QgsProject.instance().addMapLayer(layer)
    flux.clear_log()
    return layer


def capabilities_asked(flux):
    return [e for e in flux.log() if e["path"].endswith("/wms") and "getcapabilities" in e["query"].lower()]


def test_the_provider_takes_the_capabilities_the_plugin_read(flux, credentials, project):
    # the plugin reads GetCapabilities to describe the variable; the layer's own WMS provider reads
    # it again (for its URL with colorscalerange...) with PreferCache: the plugin hands it the
    # document it has, so the server is asked once (on 52,608 hourly steps that is 1.1 MB)
    QgsNetworkAccessManager.instance().cache().clear()  # nothing QGIS cached in earlier tests helps
    flux.clear_log()
    layer = api.add_layer(flux.org, "climate", "main", "", "wms", "air", colormap="viridis",
                          value_range=(230, 320))
    assert layer.isValid()
    assert len(capabilities_asked(flux)) == 1, capabilities_asked(flux)
    api.update_layer(layer, colormap="gray", value_range=VALUE_RANGE)  # a new source: a new provider
    flux.clear_log()
    image = render([layer], extent=WORLD, size=GRID, temporal_range=day(2), crs=CRS_4326)
    assert capabilities_asked(flux) == [] and times_asked(flux) == ["2024-01-02T00:00:00Z"]
    assert_shows_day(image, 2, "the layer made from the shared capabilities")
    cached = QgsNetworkAccessManager.instance().cache().metaData(QUrl(render_time.provider_capabilities_url(
        layers.spec_of(layer))))
    assert cached.isValid() and not any(bytes(name).lower() == b"authorization" for name, _ in cached.rawHeaders())


def test_time_dimension_extent_is_compact_when_regular():
    assert render_time.time_dimension_extent(["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z",
                                              "2024-01-03T00:00:00Z"]) == \
        "2024-01-01T00:00:00Z/2024-01-03T00:00:00Z/P1D"
    assert render_time.time_dimension_extent(["2024-01-01T00:00:00", "2024-01-01T06:00:00"]) == \
        "2024-01-01T00:00:00Z/2024-01-01T06:00:00Z/PT6H"
    assert render_time.time_dimension_extent(["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z",
                                              "2024-01-04T00:00:00Z"]) == \
        "2024-01-01T00:00:00Z,2024-01-02T00:00:00Z,2024-01-04T00:00:00Z"


def test_map_renderer_job_asks_for_its_own_time(flux, wms_layer):
    second = render([wms_layer], extent=WORLD, size=GRID, temporal_range=day(2), crs=CRS_4326)
    assert times_asked(flux) == ["2024-01-02T00:00:00Z"]
    flux.clear_log()
    fourth = render([wms_layer], extent=WORLD, size=GRID, temporal_range=day(4), crs=CRS_4326)
    assert times_asked(flux) == ["2024-01-04T00:00:00Z"]
    second.save(str(ARTIFACTS / "render-time-day2.png"))
    fourth.save(str(ARTIFACTS / "render-time-day4.png"))
    assert_shows_day(second, 2, "the render at 2024-01-02")
    assert_shows_day(fourth, 4, "the render at 2024-01-04")

    # a frame inside a day asks for the step at or before its start, not for 18:00
    flux.clear_log()
    evening = render([wms_layer], extent=WORLD, size=GRID, temporal_range=day(3, 18, 6), crs=CRS_4326)
    assert times_asked(flux) == ["2024-01-03T00:00:00Z"]
    assert_shows_day(evening, 3, "the render at 2024-01-03 18:00")


def test_web_mercator_map_gets_the_time(flux, wms_layer):
    # the layer is EPSG:4326 (all that QGIS can work out an extent for on this server): QGIS
    # reprojects, and asks a bigger image than it shows (up to 1/cos(latitude) times the pixels)
    image = render([wms_layer], size=(1024, 768), temporal_range=day(3))
    image.save(str(ARTIFACTS / "render-time-3857-day3.png"))
    asked = times_asked(flux)
    assert asked and set(asked) == {"2024-01-03T00:00:00Z"}, asked
    opaque = sum(image.pixelColor(x, y).alpha() == 255 for x in range(0, 1024, 16) for y in range(0, 768, 16))
    assert opaque > 0.8 * 64 * 48


def getmap_pixels(flux, marker):
    sizes = []
    for entry in (e for e in getmaps(flux) if marker in e["query"]):
        query = dict(part.split("=", 1) for part in entry["query"].split("&") if "=" in part)
        sizes.append(int(query["WIDTH"]) * int(query["HEIGHT"]))
    return sizes


def test_a_reprojected_view_asks_an_image_about_its_own_size(flux, credentials, project, iface, tmp_path):
    # Web Mercator, 40 S to 71 N: QGIS's default projector precision asked 3971x2254 for this
    # 1024x768 view (11 times the pixels); layers the plugin makes ask about 2.9 times, also
    # after the project is saved and read again (QGIS does not save the precision: the plugin
    # sets it when a project is read)
    import qgis.utils

    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    try:
        layer = api.add_layer(flux.org, "climate", "main", "", "wms", "air", colormap="gray",
                              value_range=VALUE_RANGE)
        view = QgsRectangle(-9_000_000, -5_000_000, 13_000_000, 11_500_000)
        for attempt in ("added", "reopened"):
            flux.clear_log()
            image = render([layer], extent=view, size=(1024, 768), temporal_range=day(2))
            image.save(str(ARTIFACTS / f"render-time-3857-{attempt}.png"))
            (pixels,) = getmap_pixels(flux, "TIME=2024-01-02")  # (the window's canvas draws day 1)
            assert pixels < 3 * 1024 * 768, f"{attempt}: a GetMap of {pixels} pixels for a 1024x768 view"
            # grey level = value, at the centre of the grid cell 21 N, 31 E (2-degree cells)
            x = (3_450_904 - view.xMinimum()) / view.width() * 1024
            y = (view.yMaximum() - 2_391_879) / view.height() * 768
            low, high = VALUE_RANGE
            value = low + image.pixelColor(int(x), int(y)).red() / 255 * (high - low)
            assert abs(value - expected_value(21, 31, 1)) < 1.0, (attempt, value, expected_value(21, 31, 1))
            if attempt == "added":
                path = str(tmp_path / "precision.qgz")
                assert project.write(path)
                project.clear()
                assert project.read(path)
                (layer,) = project.mapLayers().values()
    finally:
        qgis.utils.unloadPlugin("earthmover_flux")


def test_a_project_from_another_qgis_version_gets_the_source_this_one_needs(flux, credentials, project, iface,
                                                                           tmp_path):
    # maxWidth/maxHeight keep QGIS 3.40+ from cutting a GetMap into 2000x2000 requests; QGIS 3.22
    # asks absurd tiles with them. A project saved by the other kind of version is set right when read.
    import qgis.utils
    from qgis.core import QgsDataProvider, QgsDataSourceUri

    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    try:
        layer = api.add_layer(flux.org, "climate", "main", "", "wms", "air", colormap="gray",
                              value_range=VALUE_RANGE)
        assert render_time.source_fits_this_qgis(layer)
        uri = QgsDataSourceUri()
        uri.setEncodedUri(layer.source())
        if render_time.splits_large_images():
            uri.removeParam("maxWidth")
            uri.removeParam("maxHeight")
        else:
            uri.setParam("maxWidth", "4096")
            uri.setParam("maxHeight", "4096")
        layer.setDataSource(bytes(uri.encodedUri()).decode(), layer.name(), "wms", QgsDataProvider.ProviderOptions())
        assert not render_time.source_fits_this_qgis(layer)
        path = str(tmp_path / "other-version.qgz")
        assert project.write(path)
        project.clear()
        assert project.read(path)
        (layer,) = project.mapLayers().values()
        assert render_time.source_fits_this_qgis(layer) and f"authcfg={credentials}" in layer.source()
        flux.clear_log()
        image = render([layer], extent=WORLD, size=GRID, temporal_range=day(3), crs=CRS_4326)
        assert_shows_day(image, 3, "the reopened layer")
    finally:
        qgis.utils.unloadPlugin("earthmover_flux")


def test_export_animation_asks_each_frame_its_time(flux, wms_layer, tmp_path):
    settings = QgsTemporalUtils.AnimationExportSettings()
    settings.animationRange = QgsDateTimeRange(day(1).begin(), day(4).end(), True, False)
    settings.frameDuration = QgsInterval(86400)
    settings.outputDirectory = str(tmp_path)
    settings.fileNameTemplate = "frame####.png"
    ok, error = QgsTemporalUtils.exportAnimation(map_settings([wms_layer]), settings)
    assert ok, error
    frames = sorted(tmp_path.glob("frame*.png"))
    assert len(frames) == 4, frames
    assert times_asked(flux) == [f"2024-01-0{d}T00:00:00Z" for d in (1, 2, 3, 4)]
    images = [QImage(str(path)).convertToFormat(QImage.Format_ARGB32) for path in frames]
    for number, image in enumerate(images, start=1):
        image.save(str(ARTIFACTS / f"render-time-animation-{number}.png"))
        assert_shows_day(image, number, f"animation frame {number}")
    for a in range(4):
        for b in range(a + 1, 4):
            assert images[a] != images[b], f"frames {a + 1} and {b + 1} are the same image"


def _layout(project, map_range=None):
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    page = layout.pageCollection().page(0)
    page.setPageSize(QgsLayoutSize(GRID[0], GRID[1], QgsUnitTypes.LayoutMillimeters))
    item = QgsLayoutItemMap(layout)
    item.attemptMove(QgsLayoutPoint(0, 0, QgsUnitTypes.LayoutMillimeters))
    item.attemptResize(QgsLayoutSize(GRID[0], GRID[1], QgsUnitTypes.LayoutMillimeters))
    item.setFrameEnabled(False)
    item.setBackgroundEnabled(False)
    item.setCrs(CRS_4326)
    item.setExtent(WORLD)
    item.setLayers([layer for layer in project.mapLayers().values()])
    if map_range is not None:
        item.setIsTemporal(True)
        item.setTemporalRange(map_range)
    layout.addLayoutItem(item)
    return layout, item


def _page_image(layout):
    image = QgsLayoutExporter(layout).renderPageToImage(0, QSize(*GRID))
    return image.convertToFormat(QImage.Format_ARGB32)


def test_layout_map_item_asks_for_its_own_time(flux, wms_layer, project):
    layout, _ = _layout(project, day(2))
    image = _page_image(layout)
    image.save(str(ARTIFACTS / "render-time-layout-day2.png"))
    assert set(times_asked(flux)) == {"2024-01-02T00:00:00Z"}
    assert_shows_day(image, 2, "the layout map at 2024-01-02")


def atlas_pages(project, layer, ranges, read, extent=None):
    """A layout whose map's time comes from an atlas over ``ranges`` (one page each): each page's
    image and ``read()`` (what reached the server) right after rendering it."""
    coverage = QgsVectorLayer("Point?crs=EPSG:4326&field=start:datetime&field=end:datetime", "pages", "memory")
    features = []
    for temporal_range in ranges:
        feature = QgsFeature(coverage.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(0, 0)))
        feature["start"], feature["end"] = temporal_range.begin(), temporal_range.end()
        features.append(feature)
    assert coverage.dataProvider().addFeatures(features)[0]
    project.addMapLayer(coverage, False)  # the coverage layer is not drawn on the map
    layout, item = _layout(project)
    if extent is not None:
        item.setExtent(extent)
    item.setLayers([layer])
    item.setIsTemporal(True)  # as the map item's "Temporal range" box; the atlas feature sets the range
    props = item.dataDefinedProperties()
    props.setProperty(QgsLayoutObject.StartDateTime, QgsProperty.fromField("start"))
    props.setProperty(QgsLayoutObject.EndDateTime, QgsProperty.fromField("end"))
    item.setDataDefinedProperties(props)
    atlas = layout.atlas()
    atlas.setCoverageLayer(coverage)
    atlas.setEnabled(True)
    assert atlas.beginRender()
    pages = []
    try:
        for _ in range(atlas.count()):
            assert atlas.next()
            read()
            image = _page_image(layout)
            pages.append((image, read()))
    finally:
        atlas.endRender()
    return pages


def test_atlas_over_time_gives_each_page_its_time(flux, wms_layer, project):
    pages = atlas_pages(project, wms_layer, [day(2), day(4)], lambda: (times_asked(flux), flux.clear_log())[0])
    assert [asked for _, asked in pages] == [["2024-01-02T00:00:00Z"], ["2024-01-04T00:00:00Z"]]
    for (image, _), number in zip(pages, (2, 4)):
        image.save(str(ARTIFACTS / f"render-time-atlas-{number}.png"))
        assert_shows_day(image, number, f"atlas page of 2024-01-0{number}")
    assert pages[0][0] != pages[1][0]


def _wait_for_canvases(canvases, timeout_s=60):
    pending = set(range(len(canvases)))
    loop = QEventLoop()
    for index, canvas in enumerate(canvases):
        canvas.mapCanvasRefreshed.connect(lambda index=index: (pending.discard(index), pending or loop.quit()))
    QTimer.singleShot(timeout_s * 1000, loop.quit)
    for canvas in canvases:
        canvas.refresh()
    loop.exec()
    assert not pending, "a map canvas did not finish drawing"


def test_second_map_view_at_another_time_than_the_main_canvas(flux, wms_layer):
    from qgis.gui import QgsMapCanvas

    navigation = QgsTemporalNavigationObject()
    navigation.setNavigationMode(QgsTemporalNavigationObject.Animated)
    navigation.setTemporalExtents(QgsDateTimeRange(day(1).begin(), day(4).end(), True, False))
    navigation.setFrameDuration(QgsInterval(86400))
    canvases = []
    for _ in range(2):
        canvas = QgsMapCanvas()
        canvas.setParallelRenderingEnabled(True)
        canvas.setCachingEnabled(False)
        canvas.setDestinationCrs(CRS_4326)
        canvas.resize(*GRID)
        canvas.show()
        canvas.setLayers([wms_layer])
        canvas.setExtent(WORLD)
        canvases.append(canvas)
    main, second = canvases
    try:
        main.setTemporalController(navigation)
        navigation.setCurrentFrameNumber(0)  # the main canvas at 2024-01-01
        second.setTemporalRange(day(3))  # a second map view, its own time
        _wait_for_canvases(canvases)
        assert sorted(set(times_asked(flux))) == ["2024-01-01T00:00:00Z", "2024-01-03T00:00:00Z"]
        images = []
        for canvas, number in ((main, 1), (second, 3)):
            image = canvas.grab().toImage().convertToFormat(QImage.Format_ARGB32)
            image = image.scaled(*GRID) if (image.width(), image.height()) != GRID else image
            image.save(str(ARTIFACTS / f"render-time-canvas-day{number}.png"))
            assert_shows_day(image, number, f"the canvas at 2024-01-0{number}")
            images.append(image)
        assert images[0] != images[1]
    finally:
        # the canvases go before the navigation object they follow
        for canvas in canvases:
            canvas.stopRendering()
            canvas.setLayers([])
            canvas.close()
            canvas.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
        del navigation


def test_other_dimensions_ride_along_with_each_time(flux, credentials, project):
    # the selected values of other dimensions (elevation=, step=, ...) go into the layer's URL,
    # which IgnoreGetMapUrl=1 keeps in every GetMap beside the render's TIME (air has none of them:
    # xpublish-wms ignores the parameters, so the test only watches what is sent)
    from earthmover_flux.core.dimensions import VERTICAL, Dimension, lead_time_dimension

    spec, authcfg = api.prepare_layer(flux.org, "climate", "main", "", "wms", "air", colormap="gray",
                                      value_range=VALUE_RANGE)
    spec.dims = [Dimension("elevation", ["500"], kind=VERTICAL), lead_time_dimension("step", ["6 hours"])]
    spec.selected = {"elevation": "500", "step": "6 hours"}
    layer = QgsRasterLayer(render_time.wms_source(spec, authcfg), "air", render_time.PROVIDER)
    assert layer.isValid()
    render_time.set_temporal_properties(layer, spec)
    flux.clear_log()
    for number in (1, 3):
        render([layer], extent=WORLD, size=GRID, temporal_range=day(number), crs=CRS_4326)
    assert times_asked(flux) == ["2024-01-01T00:00:00Z", "2024-01-03T00:00:00Z"]
    for entry in getmaps(flux):
        assert "elevation=500" in entry["query"] and "step=6%20hours" in entry["query"], entry["query"]


def test_a_reopened_project_still_asks_each_render_its_time(flux, wms_layer, project, tmp_path):
    path = str(tmp_path / "render-time.qgz")
    assert project.write(path)
    project.clear()
    assert project.read(path)  # no plugin code runs here: the layer's source and properties suffice
    (layer,) = [lyr for lyr in project.mapLayers().values() if isinstance(lyr, QgsRasterLayer)]
    assert layer.isValid() and layer.providerType() == "wms"
    props = layer.temporalProperties()
    assert props.isActive() and props.intervalHandlingMethod() == \
        render_time.Qgis.TemporalIntervalMatchMethod.FindClosestMatchToStartOfRange
    flux.clear_log()
    image = render([layer], extent=WORLD, size=GRID, temporal_range=day(3, 12, 6), crs=CRS_4326)
    assert times_asked(flux) == ["2024-01-03T00:00:00Z"]
    assert_shows_day(image, 3, "the reopened project's render at 2024-01-03 12:00")
