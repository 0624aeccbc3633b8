"""earthmover_flux:dap2_subset through processing.run and through qgis_process.bin, against the local
server: the GeoTIFF's values at each grid point equal the server's own EDR CSV there."""

import math
from pathlib import Path

import pytest
from earthmover_flux import api
from earthmover_flux.core import edr as core_edr
from qgis.core import QgsPointXY, QgsProcessingException, QgsRasterLayer
from test_edr import csv_rows
from test_processing import QGIS_PROCESS, processing_ready, qgis_process, qgis_process_env  # noqa: F401

BAND_OF = {"2024-01-02T00:00:00Z": 1, "2024-01-03T00:00:00Z": 2}


def expected_rows(flux):
    loc = api.location(flux.org, "climate", "dev", "", "edr")
    url = core_edr.area_url(loc, core_edr.normalize_polygon_wkt("POLYGON((10 20,16 20,16 26,10 26,10 20))"),
                            ["air"], core_edr.datetime_param(("2024-01-02", "2024-01-03")))
    rows = csv_rows(flux, url)
    assert len(rows) == 2 * 9
    return rows


def assert_values(path, rows):
    layer = QgsRasterLayer(str(path), "subset", "gdal")
    assert layer.isValid() and layer.bandCount() == 2 and layer.width() == 3 and layer.height() == 3
    provider = layer.dataProvider()
    for when, lat, lon, values in rows:
        value, ok = provider.sample(QgsPointXY(lon, lat), BAND_OF[when])
        assert ok and math.isclose(value, values["air"], rel_tol=1e-6), (when, lat, lon, value, values)


def params(flux, out, **extra):
    values = {"ORG": flux.org, "REPO": "climate", "REF": "dev", "GROUP": "", "VARIABLE": "air",
              "EXTENT": "10,16,20,26 [EPSG:4326]", "TIME_START": "2024-01-02", "TIME_END": "2024-01-03",
              "OUTPUT": str(out)}
    values.update(extra)
    return values


def test_processing_run_writes_the_subset(flux, credentials, project, processing_ready, tmp_path):  # noqa: F811
    import processing

    out = tmp_path / "air.tif"
    flux.clear_log()
    result = processing.run("earthmover_flux:dap2_subset", params(flux, out, AUTHCFG=credentials))
    assert result["OUTPUT"] == str(out)
    queries = [e["query"] for e in flux.log() if ".dods" in e["path"]]
    assert "air[1:2][55:57][95:97]" in queries, queries
    assert all(e["auth"] == "valid" for e in flux.log())
    assert_values(out, expected_rows(flux))
    assert flux.key.encode() not in out.read_bytes()


@pytest.mark.parametrize("extra, message", [
    ({"VARIABLE": "nope"}, "'nope' is not served here"),
    ({"ORG": "bad org"}, "organization"),
    ({"TIME_START": "2030-01-01", "TIME_END": "2030-02-01"}, "No time step"),
    ({"DIMENSIONS": "nonsense"}, "name=value"),
])
def test_bad_inputs_raise_processing_exception(flux, credentials, project, processing_ready, tmp_path,  # noqa: F811
                                               extra, message):
    import processing

    with pytest.raises(QgsProcessingException, match=message):
        processing.run("earthmover_flux:dap2_subset", params(flux, tmp_path / "x.tif", AUTHCFG=credentials, **extra))


@pytest.mark.skipif(not Path(QGIS_PROCESS).exists(), reason="qgis_process.bin is not installed")
def test_qgis_process_runs_dap2_subset(flux, credentials, tmp_path):
    env = qgis_process_env(tmp_path, flux)
    out = tmp_path / "air.tif"
    flux.clear_log()
    run = qgis_process(env, "run", "earthmover_flux:dap2_subset", "--",
                       *[f"{k}={v}" for k, v in params(flux, out, AUTHCFG=credentials).items()])
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert all(e["auth"] == "valid" and e["status"] == 200 for e in flux.log())
    assert_values(out, expected_rows(flux))
    assert flux.key not in run.stdout + run.stderr
    assert flux.key.encode() not in out.read_bytes()
