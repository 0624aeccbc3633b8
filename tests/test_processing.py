"""The EDR algorithms through processing.run and through qgis_process.bin, against the local server."""

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from earthmover_flux import api
from earthmover_flux.core import edr as core_edr
from earthmover_flux.flux_qgis import edr as flux_edr
from harness import MASTER_PASSWORD, PLUGINS_DIR, PROFILE_DIR
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant
from subprocess_qgis import new_profile
from test_edr import assert_same_rows, csv_rows, edr_requests

QGIS_PROCESS = "/usr/bin/qgis_process.bin"


@pytest.fixture(scope="module")
def processing_ready(qgis_app):
    from plugin_setup import start_processing, stop_processing

    added = start_processing()
    yield
    stop_processing(added)


def run(algorithm, params, feedback=None):
    import processing

    return processing.run(f"earthmover_flux:{algorithm}", params, feedback=feedback)


def point_layer(points, crs="EPSG:4326", attrs=True):
    layer = QgsVectorLayer(f"Point?crs={crs}&field=name:string&field=station:integer&field=time:string",
                           "points", "memory")
    features = []
    for i, (x, y) in enumerate(points):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feature.setAttributes([f"p{i}", 1000 + i, "not a date"])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def location(flux, **extra):
    params = {"ORG": flux.org, "REPO": "climate", "REF": "main", "GROUP": "", "PARAMETERS": "air",
              "OUTPUT": "memory:"}
    params.update(extra)
    return params


def test_sample_points_500_in_web_mercator(flux, credentials, project, processing_ready):
    rng = random.Random(7)
    lonlat = [(rng.uniform(-170, 170), rng.uniform(-80, 80)) for _ in range(500)]
    to_3857 = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"),
                                     QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance())
    merc = [to_3857.transform(QgsPointXY(x, y)) for x, y in lonlat]
    layer = point_layer([(p.x(), p.y()) for p in merc], "EPSG:3857")
    flux.clear_log()
    feedback = QgsProcessingFeedback()
    progress = []
    feedback.progressChanged.connect(progress.append)
    result = run("edr_sample_points", location(flux, INPUT=layer, AUTHCFG=credentials,
                                               TIME_START="2024-01-02", TIME_END="2024-01-03"), feedback)
    out = result["OUTPUT"]
    requests = [e for e in flux.log() if e["kind"] == "compute"]
    print(f"\nedr_sample_points, 500 points: {len(edr_requests(flux))} position requests, "
          f"{len(requests)} HTTP requests in all")
    assert len(requests) <= 5
    assert progress and max(progress) == 100
    assert out.featureCount() == 500 * 2
    assert out.crs().authid() == "EPSG:3857"
    names = out.fields().names()
    assert names[:3] == ["name", "station", "time"], "the input's attributes come first"
    assert out.fields().field("flux_time").type() == QVariant.DateTime, "a clashing name is renamed"
    assert out.fields().field("air").type() == QVariant.Double
    by_station = {}
    for feature in out.getFeatures():
        assert feature["name"] == f"p{feature['station'] - 1000}"
        by_station.setdefault(feature["station"], []).append(feature)
    assert len(by_station) == 500 and all(len(v) == 2 for v in by_station.values())
    # values equal the server's CSV for the same batches
    loc = api.location(flux.org, "climate", "main", "", "edr")
    back = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:3857"), QgsCoordinateReferenceSystem("EPSG:4326"),
                                  QgsProject.instance())
    points = [(p.x(), p.y()) for p in (back.transform(m) for m in merc)]
    expected = []
    when = core_edr.datetime_param(("2024-01-02", "2024-01-03"))
    for _, url in core_edr.batches(loc, core_edr.validate_points(points), ["air"], when):
        expected += csv_rows(flux, url)
    actual = [(f["flux_time"].toUTC().toString("yyyy-MM-ddTHH:mm:ssZ"), f["grid_lat"], f["grid_lon"],
               {"air": f["air"]}) for f in out.getFeatures()]
    assert_same_rows(actual, expected)


def test_sample_points_cancel_between_requests(flux, credentials, project, processing_ready):
    points = [(i * 0.037 - 150, i * 0.011 - 60) for i in range(3000)]
    layer = point_layer(points)
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda value: value > 0 and feedback.cancel())
    flux.clear_log()
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        run("edr_sample_points", location(flux, INPUT=layer, AUTHCFG=credentials), feedback)
    # processing.run on the UI thread: batches run a few at once; none is sent after the cancel
    batches = len(core_edr.batches(api.location(flux.org, "climate", "main", "", "edr"), points, ["air"]))
    assert 1 <= len(edr_requests(flux)) <= flux_edr.CONCURRENT_BATCHES < batches


def test_area_from_layer_and_extent(flux, credentials, project, processing_ready):
    polygons = QgsVectorLayer("Polygon?crs=EPSG:4326&field=zone:string", "zones", "memory")
    features = []
    for name, wkt in (("a", "POLYGON((10 20, 14 20, 14 24, 10 24, 10 20))"),
                      ("b", "POLYGON((-60 -10, -56 -10, -56 -6, -60 -10))")):
        feature = QgsFeature(polygons.fields())
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes([name])
        features.append(feature)
    polygons.dataProvider().addFeatures(features)
    flux.clear_log()
    result = run("edr_area", location(flux, INPUT=polygons, AUTHCFG=credentials, TIME_START="2024-01-04"))
    out = result["OUTPUT"]
    assert len(edr_requests(flux, "area")) == 2
    loc = api.location(flux.org, "climate", "main", "", "edr")
    when = core_edr.datetime_param(("2024-01-04", ""))
    for zone, wkt in (("a", features[0].geometry().asWkt(6)), ("b", features[1].geometry().asWkt(6))):
        expected = csv_rows(flux, core_edr.area_url(loc, core_edr.normalize_polygon_wkt(wkt), ["air"], when))
        actual = [(f["time"].toUTC().toString("yyyy-MM-ddTHH:mm:ssZ"), f["grid_lat"], f["grid_lon"],
                   {"air": f["air"]}) for f in out.getFeatures() if f["zone"] == zone]
        assert expected
        assert_same_rows(actual, expected)
    # an extent in another CRS: the grid points inside its EPSG:4326 rectangle
    result = run("edr_area", location(flux, EXTENT="1113194.9,2226389.8,1574216.5,2999080.9 [EPSG:3857]",
                                      AUTHCFG=credentials))
    out = result["OUTPUT"]
    xs = {f["grid_lon"] for f in out.getFeatures()}
    ys = {f["grid_lat"] for f in out.getFeatures()}
    # lon 10..20, lat 14..26
    assert xs == {11.0, 13.0, 15.0, 17.0, 19.0} and ys == {15.0, 17.0, 19.0, 21.0, 23.0, 25.0}
    assert out.featureCount() == len(xs) * len(ys) * 4


@pytest.mark.parametrize("algorithm, extra, message", [
    ("edr_sample_points", {"ORG": "bad org"}, "organization"),
    ("edr_sample_points", {"PARAMETERS": "nope"}, "'nope' is not served here"),
    ("edr_sample_points", {"TIME_START": "soon"}, "ISO 8601"),
    ("edr_area", {}, "polygon layer or an extent"),
])
def test_bad_inputs_raise_processing_exception(flux, credentials, project, processing_ready, algorithm, extra,
                                               message):
    params = location(flux, AUTHCFG=credentials, **extra)
    if algorithm == "edr_sample_points":
        params["INPUT"] = point_layer([(1, 1)])
    with pytest.raises(QgsProcessingException, match=message):
        run(algorithm, params)


# -- qgis_process.bin (headless, a fresh profile, the plugin from QGIS_PLUGINPATH) -------------


def qgis_process_env(tmp_path, flux):
    profile = new_profile(tmp_path / "qp")
    shutil.copy(PROFILE_DIR / "qgis-auth.db", profile / "qgis-auth.db")
    (profile / "QGIS").mkdir(exist_ok=True)
    (profile / "QGIS" / "QGIS3.ini").write_text("[PythonPlugins]\nearthmover_flux=true\n")
    password = tmp_path / "master-password"
    password.write_text(MASTER_PASSWORD)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_PLUGINPATH=str(PLUGINS_DIR),
               QGIS_CUSTOM_CONFIG_PATH=str(profile.parent.parent), QGIS_AUTH_PASSWORD_FILE=str(password),
               EARTHMOVER_FLUX_COMPUTE_URL=flux.base_url, EARTHMOVER_FLUX_API_URL=flux.api_url)
    env.pop("PYTHONPATH", None)
    return env


def qgis_process(env, *args, timeout=240):
    return subprocess.run([QGIS_PROCESS, *args], capture_output=True, text=True, env=env, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def write_points(path, points):
    layer = point_layer(points)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    code = QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(path), QgsProject.instance().transformContext(),
                                                     options)[0]
    assert code == QgsVectorFileWriter.NoError


@pytest.mark.skipif(not Path(QGIS_PROCESS).exists(), reason="qgis_process.bin is not installed")
def test_qgis_process_runs_both_algorithms(flux, credentials, tmp_path):
    env = qgis_process_env(tmp_path, flux)
    listing = qgis_process(env, "list")
    assert "earthmover_flux:edr_sample_points" in listing.stdout, listing.stdout[-2000:] + listing.stderr[-2000:]
    points = tmp_path / "points.gpkg"
    write_points(points, [(10.4, 20.6), (-70.2, -33.4), (140.9, 35.7)])
    out_points = tmp_path / "sampled.gpkg"
    flux.clear_log()
    sample = qgis_process(env, "run", "earthmover_flux:edr_sample_points", "--json", "--",
                          f"INPUT={points}", f"ORG={flux.org}", "REPO=climate", "REF=main", "PARAMETERS=air",
                          f"AUTHCFG={credentials}", "TIME_START=2024-01-02", f"OUTPUT={out_points}")
    assert sample.returncode == 0, sample.stdout[-3000:] + sample.stderr[-3000:]
    answer = json.loads(sample.stdout[sample.stdout.index("{"):])
    assert answer["results"]["OUTPUT"].startswith(str(out_points))
    layer = QgsVectorLayer(str(out_points), "sampled", "ogr")
    assert layer.featureCount() == 3 * 3  # three points, 2024-01-02 .. 2024-01-04
    assert {f["name"] for f in layer.getFeatures()} == {"p0", "p1", "p2"}
    assert sorted(f["input_fid"] for f in layer.getFeatures()) == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert all(isinstance(f["air"], float) and 200 < f["air"] < 330 for f in layer.getFeatures())
    assert all(e["auth"] == "valid" and e["status"] == 200 for e in flux.log())
    out_area = tmp_path / "area.gpkg"
    area = qgis_process(env, "run", "earthmover_flux:edr_area", "--",
                        "EXTENT=10,14,20,24 [EPSG:4326]", f"ORG={flux.org}", "REPO=climate", "REF=dev",
                        "PARAMETERS=air", f"AUTHCFG={credentials}", "TIME_START=2024-01-01",
                        "TIME_END=2024-01-01", f"OUTPUT={out_area}")
    assert area.returncode == 0, area.stdout[-3000:] + area.stderr[-3000:]
    grid = QgsVectorLayer(str(out_area), "area", "ogr")
    assert sorted((f["grid_lon"], f["grid_lat"]) for f in grid.getFeatures()) == [
        (11.0, 21.0), (11.0, 23.0), (13.0, 21.0), (13.0, 23.0)]
    for proc in (listing, sample, area):
        assert flux.key not in proc.stdout + proc.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix in (".gpkg", ".ini", ".qgs"):
            assert flux.key.encode() not in path.read_bytes(), path
