"""EDR position and area queries against the local server's real xpublish-edr.

The plugin asks for cf_covjson; every result is checked against what the same server answers
in CSV for the same query (values, times, grid coordinates), read here with urllib.
"""

import base64
import csv
import io
import math
import random
import urllib.request
import zipfile
from datetime import datetime
from urllib.parse import quote

import pytest
from earthmover_flux import api
from earthmover_flux.core import edr as core_edr
from earthmover_flux.core.errors import FluxError, FluxInputError
from earthmover_flux.flux_qgis import edr as flux_edr
from qgis.core import (
    QgsApplication,
    QgsDateTimeRange,
    QgsFeedback,
    QgsProject,
    QgsVectorLayer,
    QgsVectorLayerTemporalContext,
    QgsVectorLayerTemporalProperties,
)
from qgis.PyQt.QtCore import QCoreApplication, QDate, QDateTime, QEventLoop, Qt, QThread, QTime, QTimer, QVariant

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def csv_rows(flux, url):
    """(time, lat, lon, {param: value}) rows of the server's CSV answer for ``url`` with f=csv."""
    assert "f=cf_covjson" in url
    request = urllib.request.Request(url.replace("f=cf_covjson", "f=csv"),
                                     headers={"Authorization": flux.basic_auth_header()})
    with _OPENER.open(request, timeout=60) as response:
        text = response.read().decode()
    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        when = datetime.fromisoformat(record.pop("time")).strftime("%Y-%m-%dT%H:%M:%SZ")
        lat, lon = float(record.pop("lat")), float(record.pop("lon"))
        rows.append((when, lat, lon, {k: float(v) if v else None for k, v in record.items()}))
    return rows


def layer_rows(layer, parameters):
    out = []
    for feature in layer.getFeatures():
        when = feature["time"].toUTC().toString("yyyy-MM-ddTHH:mm:ssZ")
        out.append((when, feature["grid_lat"], feature["grid_lon"], {p: feature[p] for p in parameters}))
    return out


def assert_same_rows(actual, expected):
    assert len(actual) == len(expected)
    key = lambda r: (r[0], r[1], r[2], sorted((k, v if v is not None else -1e30) for k, v in r[3].items()))  # noqa: E731
    for a, e in zip(sorted(actual, key=key), sorted(expected, key=key)):
        assert a[:3] == e[:3]
        for name, value in e[3].items():
            # CSV writes float32 values with 8 significant digits
            assert math.isclose(a[3][name], value, rel_tol=1e-6), (a, e)


def nearest_grid(value, low, high):
    # grid cell centres: odd integers (flux_server/data.py, step 2)
    return min(max(2 * math.floor(value / 2) + 1, low), high)


def edr_requests(flux, kind="position"):
    return [e for e in flux.log() if e["path"].endswith(f"/edr/{kind}")]


def test_point_equals_csv_and_layer_is_typed_and_temporal(flux, credentials, project):
    layer = api.edr_position(flux.org, "climate", "main", "", [(10.4, 20.6)], ["air"])
    assert layer.isValid() and QgsProject.instance().mapLayer(layer.id()) is layer
    assert layer.featureCount() == 4  # 4 daily time steps
    fields = layer.fields()
    assert fields.field("air").type() == QVariant.Double
    assert fields.field("time").type() == QVariant.DateTime
    assert fields.field("grid_lon").type() == QVariant.Double
    props = layer.temporalProperties()
    assert props.isActive()
    assert props.mode() == QgsVectorLayerTemporalProperties.ModeFeatureDateTimeInstantFromField
    assert props.startField() == "time"
    # the Temporal Controller's frame for 2024-01-02 keeps exactly that day's feature
    day = QgsDateTimeRange(QDateTime(QDate(2024, 1, 2), QTime(0, 0), Qt.UTC),
                           QDateTime(QDate(2024, 1, 3), QTime(0, 0), Qt.UTC), True, False)
    assert props.isVisibleInTemporalRange(day)
    context = QgsVectorLayerTemporalContext()
    context.setLayer(layer)
    expression = props.createFilterString(context, day)
    assert len(list(layer.getFeatures(expression))) == 1

    url = core_edr.position_url(api.location(flux.org, "climate", "main", "", "edr"),
                                [(10.4, 20.6)], ["air"])
    expected = csv_rows(flux, url)
    assert_same_rows(layer_rows(layer, ["air"]), expected)
    assert {f.geometry().asPoint().x() for f in layer.getFeatures()} == {10.4}  # the requested point
    requests = edr_requests(flux)
    assert requests and all(e["auth"] == "valid" and e["status"] == 200 for e in flux.log())
    assert "f=cf_covjson" in requests[0]["query"] and "crs=EPSG:4326" in requests[0]["query"]
    assert flux.key not in layer.source() and "http" not in layer.source()


def test_time_range_and_two_parameters_group(flux, credentials, project):
    result = api.prepare_edr_position(flux.org, "climate", "v1", "forecast/surface", [(-33.3, 44.4), (120.1, -5.2)],
                                      "wind_speed", time_range=("2024-01-02T00:00:00Z", "2024-01-03"))
    assert {r.time for r in result.rows} == {"2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"}
    assert len(result.rows) == 4
    assert sorted({r.index for r in result.rows}) == [0, 1]
    sent = [e for e in edr_requests(flux)][-1]["query"]
    assert "datetime=2024-01-02T00:00:00/2024-01-03T00:00:00&" in sent  # naive UTC (Z -> 500)
    layer = api.edr_layer(result)
    url = core_edr.position_url(result.location, result.points, ["wind_speed"], result.datetime)
    assert_same_rows(layer_rows(layer, ["wind_speed"]), csv_rows(flux, url))


def test_500_points_batched_equal_csv(flux, credentials, project, tmp_path):
    rng = random.Random(4)
    points = [(round(rng.uniform(-179.5, 179.5), 6), round(rng.uniform(-89.5, 89.5), 6)) for _ in range(500)]
    flux.clear_log()
    output = tmp_path / "edr-500.gpkg"
    layer = api.edr_position(flux.org, "climate", "main", "", points, ["air"], output=str(output))
    position_requests = edr_requests(flux)
    total = [e for e in flux.log() if e["kind"] == "compute"]
    print(f"\n500 points: {len(position_requests)} position requests, {len(total)} HTTP requests in all "
          f"(batch URL limit {core_edr.MAX_URL_BYTES} bytes)")
    assert len(total) <= 5, "500 points must not mean 500 requests"
    assert layer.isValid() and layer.providerType() == "ogr" and str(output) in layer.source()
    assert layer.featureCount() == 500 * 4
    assert layer.fields().field("time").type() == QVariant.DateTime
    assert layer.temporalProperties().isActive()
    loc = api.location(flux.org, "climate", "main", "", "edr")
    expected = []
    for _, url in core_edr.batches(loc, core_edr.validate_points(points), ["air"]):
        assert len(url) <= core_edr.MAX_URL_BYTES
        expected += csv_rows(flux, url)
    assert_same_rows(layer_rows(layer, ["air"]), expected)
    for feature in layer.getFeatures():  # each feature is its own point's nearest grid cell
        lon, lat = points[feature["location"]]
        assert feature.geometry().asPoint().x() == pytest.approx(lon)
        assert feature["grid_lon"] == nearest_grid(lon, -179, 179)
        assert feature["grid_lat"] == nearest_grid(lat, -89, 89)


def test_batch_size_keeps_urls_short():
    loc = api.location("flux-demo", "climate", "main", "", "edr", compute_url="https://compute.earthmover.io")
    worst = [(-179.123456, -89.123456)] * 2000
    plan = core_edr.batches(loc, worst, ["air"], "2024-01-01T00:00:00/2024-01-04T00:00:00")
    sizes = [b - a for (a, _), (b, _) in zip(plan, plan[1:] + [(2000, "")])]
    print(f"\nworst-case batch size (6-decimal negative coordinates): {sizes[0]} points per request")
    assert all(len(url) <= core_edr.MAX_URL_BYTES for _, url in plan)
    assert sizes[0] >= 250


def test_area_equals_csv(flux, credentials, project):
    polygon = "POLYGON((10 20, 16 20, 16 26, 10 20))"  # a triangle: the server keeps the cells inside
    flux.clear_log()
    layer = api.edr_area(flux.org, "climate", "dev", "", polygon, ["air"], time_range="2024-01-03")
    assert len(edr_requests(flux, "area")) == 1
    loc = api.location(flux.org, "climate", "dev", "", "edr")
    url = core_edr.area_url(loc, core_edr.normalize_polygon_wkt(polygon), ["air"],
                            core_edr.datetime_param("2024-01-03"))
    expected = csv_rows(flux, url)
    assert 3 <= len(expected) < 9
    assert_same_rows(layer_rows(layer, ["air"]), expected)
    for feature in layer.getFeatures():  # area features sit on their grid point
        assert feature.geometry().asPoint().x() == feature["grid_lon"]


def test_parameters_listed_from_metadata(flux, credentials):
    params = api.edr_parameters(flux.org, "climate", "main", "")
    assert [p.name for p in params] == ["air"]
    assert params[0].units == "K" and params[0].time_interval[0].startswith("2024-01-01")
    nested = api.edr_parameters(flux.org, "climate", "main", "forecast/surface")
    assert [p.name for p in nested] == ["wind_speed"]
    # no parameter names: all of them
    result = api.prepare_edr_position(flux.org, "climate", "main", "", [(0.5, 0.5)])
    assert result.parameters == ["air"] and result.units == {"air": "K"}


@pytest.mark.parametrize("call, message", [
    (lambda o: api.edr_position(o, "climate", "main", "", [], ["air"]), "No points"),
    (lambda o: api.edr_position(o, "climate", "main", "", [(10, 95)], ["air"]), "outside longitude"),
    (lambda o: api.edr_position(o, "climate", "main", "", [(10, 20)], ["nope"]), "'nope' is not served here"),
    (lambda o: api.edr_position(o, "climate", "main", "", [(10, 20)], ["a b"]), "not valid"),
    (lambda o: api.edr_position(o, "climate", "main", "", [(10, 20)], ["air"], time_range=("2024-02-01", "2024-01-01")),
     "reversed"),
    (lambda o: api.edr_position(o, "climate", "main", "", [(10, 20)], ["air"], time_range="yesterday"),
     "ISO 8601"),
    (lambda o: api.edr_area(o, "climate", "main", "", "POINT(1 2)", ["air"]), "POLYGON"),
    (lambda o: api.edr_area(o, "climate", "main", "", "POLYGON((0 0, 1 1, 0 0))", ["air"]), "fewer than 4"),
    (lambda o: api.add_layer(o, "climate", "main", "", "edr", "air"), "api.edr_position"),
    (lambda o: api.add_layer(o, "climate", "main", "", "dap2", "air"), "api.dap2_subset"),
])
def test_bad_inputs_say_what_to_fix(flux, credentials, project, call, message):
    with pytest.raises(FluxInputError, match=message):
        call(flux.org)


def test_server_errors_and_cancel(flux, credentials, project):
    flux.set_faults({"match": "/edr/position", "status": 503, "times": 1})
    with pytest.raises(FluxError, match="unavailable"):
        api.edr_position(flux.org, "climate", "main", "", [(1, 1)], ["air"])
    flux.clear_faults()
    with pytest.raises(FluxError, match="no grid point"):  # a polygon between grid points
        api.edr_area(flux.org, "climate", "main", "", "POLYGON((10.1 20.1, 10.5 20.1, 10.5 20.5, 10.1 20.1))",
                     ["air"])
    feedback = QgsFeedback()
    feedback.progressChanged.connect(lambda _: feedback.cancel())
    points = [(i * 0.0123456 - 60, i * 0.00654321 - 30) for i in range(3000)]
    batches = len(core_edr.batches(api.location(flux.org, "climate", "main", "", "edr"), points, ["air"]))
    assert batches > 2 * flux_edr.CONCURRENT_BATCHES
    flux.clear_log()
    with pytest.raises(FluxError, match="Cancelled"):
        api.prepare_edr_position(flux.org, "climate", "main", "", points, ["air"], feedback=feedback)
    # the cancel on the first answer's progress: no batch is sent after it, only those already in flight
    _wait(1)  # the server finishes the aborted batches it had begun, and logs them
    assert 1 <= len(edr_requests(flux)) <= flux_edr.CONCURRENT_BATCHES < batches, "no batch is sent after the cancel"


def test_a_broken_batch_among_concurrent_ones_says_so(flux, credentials, project):
    """One batch's answer is cut in half while the others arrive: the sentence of that batch is raised."""
    points = [(i * 0.0123456 - 60, i * 0.00654321 - 30) for i in range(3000)]
    flux.set_faults({"match": "/edr/position", "body": "truncate", "times": 1})
    with pytest.raises(FluxError, match="Could not read the EDR answer: the answer is not JSON"):
        api.prepare_edr_position(flux.org, "climate", "main", "", points, ["air"])


def _wait(seconds):
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def _spans(entries):
    """(arrival, answer) of each logged request, in seconds: the log records the answer's time and duration."""
    out = []
    for entry in entries:
        end = datetime.fromisoformat(entry["time"]).timestamp()
        out.append((end - entry["duration"], end))
    return out


def test_batches_overlap_on_the_ui_thread(flux, credentials, project):
    """The API called on the UI thread (as from a script or processing.run in the console) sends its
    MULTIPOINT batches concurrently, and keeps each answer with its own points."""
    assert QThread.currentThread() == QCoreApplication.instance().thread()
    rng = random.Random(17)
    points = [(round(rng.uniform(-179.5, 179.5), 6), round(rng.uniform(-89.5, 89.5), 6)) for _ in range(900)]
    loc = api.location(flux.org, "climate", "main", "", "edr")
    batches = len(core_edr.batches(loc, points, ["air"]))
    assert 2 < batches <= flux_edr.CONCURRENT_BATCHES
    flux.set_faults({"match": "/edr/position", "latency": 1.0})  # each batch held a second on the server
    flux.clear_log()
    layer = api.edr_position(flux.org, "climate", "main", "", points, ["air"])
    # this test's batches: they met the latency rule (answers of an earlier test's aborted batches may land late)
    spans = _spans([e for e in edr_requests(flux) if e["fault"]])
    assert len(spans) == batches
    # every batch reached the server before any of them was answered: they were in flight together
    assert max(start for start, _ in spans) < min(end for _, end in spans), spans
    assert layer.featureCount() == 900 * 4
    for feature in layer.getFeatures():  # answers kept in order: each feature is its own point's cell
        lon, lat = points[feature["location"]]
        assert feature["grid_lon"] == nearest_grid(lon, -179, 179)
        assert feature["grid_lat"] == nearest_grid(lat, -89, 89)


def test_cancel_aborts_batches_in_flight(flux, credentials, project):
    """Cancel while batches are held by the server: the call ends without waiting for them."""
    points = [(i * 0.0123456 - 60, i * 0.00654321 - 30) for i in range(3000)]
    # the first batch is answered at once, every later one is held 6 s
    flux.set_faults({"match": "/edr/position", "times": 1}, {"match": "/edr/position", "latency": 6.0})
    feedback = QgsFeedback()
    progress = []

    def answered(value):
        progress.append(value)
        feedback.cancel()  # after the first answer: the others are in flight, held

    feedback.progressChanged.connect(answered)
    flux.clear_log()
    try:
        with pytest.raises(FluxError, match="Cancelled"):
            api.prepare_edr_position(flux.org, "climate", "main", "", points, ["air"], feedback=feedback)
        # returned before the server answered the held batches: they were aborted, not waited for
        assert len(edr_requests(flux)) == 1
        assert len(progress) == 1 and 0 < progress[0] < 100
    finally:
        flux.clear_faults()
        _wait(7)  # the server finishes the held batches (logged late): keep them out of later tests
        flux.clear_log()


def test_key_never_in_project_logs_or_layer(flux, credentials, project, tmp_path):
    messages = []
    log = QgsApplication.messageLog()

    def keep(message, tag, level):
        messages.append(f"{tag}: {message}")

    log.messageReceived.connect(keep)
    try:
        mem = api.edr_position(flux.org, "climate", "main", "", [(1, 1), (2, 2)], ["air"])
        gpkg = api.edr_area(flux.org, "climate", "main", "", "POLYGON((0 0, 6 0, 6 6, 0 6, 0 0))", ["air"],
                            output=str(tmp_path / "area.gpkg"))
        texts = []
        for suffix in (".qgs", ".qgz"):
            path = tmp_path / f"edr{suffix}"
            assert QgsProject.instance().write(str(path))
            if suffix == ".qgz":
                with zipfile.ZipFile(path) as archive:
                    texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
            else:
                texts.append(path.read_text())
        QgsApplication.processEvents()
    finally:
        log.messageReceived.disconnect(keep)
    assert any(flux_edr.QUERY_PROPERTY in t for t in texts)
    basic = base64.b64encode(f"{flux.org}:{flux.key}".encode()).decode()
    for text in texts + messages + [mem.source(), gpkg.source()]:
        for secret in (flux.key, quote(flux.key, safe=""), basic, f"{flux.org}:{flux.key}"):
            assert secret not in text
    for path in tmp_path.iterdir():
        if path.is_file():
            assert flux.key.encode() not in path.read_bytes(), path
    assert QgsVectorLayer(gpkg.source(), "again", "ogr").featureCount() == gpkg.featureCount()
