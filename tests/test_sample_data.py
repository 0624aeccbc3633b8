"""What each real xpublish server answers for data shaped like real Flux data (`flux-demo/weather`).

These tests pin the server behaviour the plugin relies on (and the quirks it must work around),
with values at known coordinates computed by ``flux_server.samples`` from the same formulas the
data was built with. flux_server/README.md ("What each xpublish server does with each shape")
describes the same findings in words.

Plain HTTP (requests) against the real local server; PNG pixels read with QImage; DAP2 answers
decoded here with the standard library.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import struct
import sys
from pathlib import Path

import pytest
import requests
from qgis.PyQt.QtGui import QImage

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from flux_server import samples  # noqa: E402  (pure Python: the data's formulas)

TIMEOUT = 120
REPO = "weather"
expected = samples.expected

# A point inside the gfs cell (330, 10), away from its edges, as -180..180.
LON_W, LAT_W = -29.9, 10.2


@pytest.fixture(scope="module")
def http():
    session = requests.Session()
    session.trust_env = False  # never through a proxy from the environment
    yield session
    session.close()


def url(flux, service, group, suffix=None):
    return flux.service_url(service, REPO, "main", group, suffix)


def get(http, flux, service, group, rest="", params=None, suffix=None):
    return http.get(url(flux, service, group, suffix) + rest, params=params,
                    auth=(flux.org, flux.key), timeout=TIMEOUT)


# -- pixels -------------------------------------------------------------------------------------
# Rendered with the linear `raster/gray` colormap over [lo, hi]: grey g of 0..255 stands for the
# value lo + (g + 0.5) / 256 * (hi - lo) (a 256-entry lookup table), so a 10.24-wide range reads
# back to +-0.04.
HALF_RANGE = 5.12
TOL = 0.05


def pixel_value(png: bytes, px: int, py: int, lo: float, hi: float) -> float | None:
    image = QImage()
    assert image.loadFromData(png, "PNG"), png[:200]
    color = image.pixelColor(px, py)
    if color.alpha() == 0:
        return None
    assert color.red() == color.green() == color.blue(), "raster/gray renders greys"
    return lo + (color.red() + 0.5) / 256 * (hi - lo)


def tile_of(z: int, lon: float, lat: float) -> tuple[int, int, int, int]:
    """WebMercatorQuad (column, row, pixel x, pixel y) of (lon, lat) on 256-pixel tiles."""
    n = 2 ** z
    xf = (lon + 180.0) / 360.0 * n
    rad = math.radians(lat)
    yf = (1.0 - math.log(math.tan(rad) + 1.0 / math.cos(rad)) / math.pi) / 2.0 * n
    return int(xf), int(yf), int((xf % 1) * 256), int((yf % 1) * 256)


def mercator(lon: float, lat: float) -> tuple[float, float]:
    r = 6378137.0
    return r * math.radians(lon), r * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def tile_value(http, flux, group, var, lon, lat, centre, z=3, **selectors):
    """(status, value at (lon, lat) or None if transparent, body) of a WebMercatorQuad tile."""
    col, row, px, py = tile_of(z, lon, lat)
    lo, hi = centre - HALF_RANGE, centre + HALF_RANGE
    params = {"variables": var, "style": "raster/gray", "colorscalerange": f"{lo},{hi}",
              "width": 256, "height": 256, "f": "png", **selectors}
    resp = get(http, flux, "tiles", group, f"/WebMercatorQuad/{z}/{row}/{col}", params)
    if resp.status_code != 200:
        return resp.status_code, None, resp.text
    return 200, pixel_value(resp.content, px, py, lo, hi), ""


def getmap_value(http, flux, group, var, lon, lat, centre, how="bbox3857", **selectors):
    """(status, value at (lon, lat), body) of a 256x256 WMS GetMap; `how` picks the request form."""
    lo, hi = centre - HALF_RANGE, centre + HALF_RANGE
    params = {"service": "WMS", "request": "GetMap", "version": "1.3.0", "layers": var,
              "styles": "raster/gray", "format": "image/png", "width": 256, "height": 256,
              "colorscalerange": f"{lo},{hi}"}
    z = 3
    col, row, px, py = tile_of(z, lon, lat)
    if how == "tile":
        params.update(crs="EPSG:3857", tile=f"{col},{row},{z}")
    elif how == "bbox3857":
        size = 2 * 20037508.342789244 / 2 ** z
        west, north = -20037508.342789244 + col * size, 20037508.342789244 - row * size
        params.update(crs="EPSG:3857", bbox=f"{west},{north - size},{west + size},{north}")
    else:  # a 25.6-degree EPSG:4326 box centred on the point, in the order `how` names
        x0, y0 = lon - 12.8, lat - 12.8
        params["crs"] = "EPSG:4326"
        params["bbox"] = (f"{x0},{y0},{x0 + 25.6},{y0 + 25.6}" if how == "lonlat4326"
                          else f"{y0},{x0},{y0 + 25.6},{x0 + 25.6}")
        px = py = 128
    params.update(selectors)
    resp = get(http, flux, "wms", group, "", params)
    if resp.status_code != 200:
        return resp.status_code, None, resp.text
    assert resp.headers["content-type"] == "image/png"
    return 200, pixel_value(resp.content, px, py, lo, hi), ""


# -- EDR / WMS JSON / DAP2 helpers ---------------------------------------------------------------
def edr(http, flux, group, var, coords, kind="position", **extra):
    params = {"coords": coords, "parameter-name": var, "f": "csv", **extra}
    return get(http, flux, "edr", group, "/" + kind, params)


def rows(resp) -> list[dict]:
    assert resp.status_code == 200, resp.text[:300]
    return list(csv.DictReader(io.StringIO(resp.text)))


def feature_info(http, flux, group, layer, lon, lat, **extra):
    """GetFeatureInfo at exactly (lon, lat): a 3x3 EPSG:4326 box whose middle pixel is the point."""
    params = {"service": "WMS", "request": "GetFeatureInfo", "version": "1.3.0",
              "query_layers": layer, "crs": "EPSG:4326", "width": 3, "height": 3, "x": 1, "y": 1,
              "bbox": f"{lon - 0.5},{lat - 0.5},{lon + 0.5},{lat + 0.5}",
              "info_format": "application/json", **extra}
    return get(http, flux, "wms", group, "", params)


_DECL = (b"Float32", b"Float64", b"Int32", b"Int16", b"UInt32", b"UInt16", b"Byte")
_CODES = {"Float32": ("f", 4), "Float64": ("d", 8), "Int32": ("i", 4), "UInt32": ("I", 4)}


def dods(http, flux, group, constraint):
    """(DDS text, [(name, type, values)] in answer order, raw response) of a .dods request."""
    resp = get(http, flux, "dap2", group, "?" + constraint, suffix="opendap.dods")
    assert resp.status_code == 200, resp.text[:300]
    body = resp.content
    for mark in (b"\nData:\r\n", b"\nData:\n"):
        cut = body.find(mark)
        if cut >= 0:
            break
    assert cut >= 0, body[:300]
    head = body[:cut].decode()
    offset = cut + len(mark)
    out = []
    for line in head.splitlines():
        words = line.strip().split(" ", 1)
        if len(words) != 2 or words[0] not in _CODES:
            continue
        name = words[1].split("[", 1)[0].rstrip(";")
        code, size = _CODES[words[0]]
        (count,) = struct.unpack(">I", body[offset:offset + 4])
        offset += 8  # XDR repeats the length
        values = list(struct.unpack(f">{count}{code}", body[offset:offset + count * size]))
        offset += count * size
        out.append((name, words[0], values))
    return head, out, resp


def first(arrays, name):
    return next(values for n, _, values in arrays if n == name)


# == the data and samples.py ====================================================================
def test_manifest_describes_weather_without_long_lists(flux):
    repo = flux.manifest["orgs"][flux.org]["repos"][REPO]
    assert repo["groups"] == samples.VARIABLES
    info = repo["group_info"]
    assert info["era5"]["time_axis"]["count"] == samples.ERA5_COUNT == 52608
    assert info["era5"]["time_axis"]["end"] == "2005-12-31T23:00:00Z"
    assert info["gfs"]["dimensions"]["step"] == ["0 hours", "3 hours", "6 hours", "9 hours", "12 hours"]
    assert info["cmip"]["calendar"] == "noleap" and info["cmip360"]["calendar"] == "360_day"
    assert len(str(repo)) < 10_000, "the long axis is a rule, not a list"


def test_samples_nearest_cell_and_projection():
    # -30 and 330 are the same place; 359.2 is nearer to 0 than to 358 on the globe.
    assert samples.nearest_cell("gfs", -30, 10) == samples.nearest_cell("gfs", 330, 10)
    assert samples.nearest_cell("gfs", 359.2, 10)["lon"] == 0.0
    assert samples.nearest_cell("gfs", 10, 10.6)["lat"] == 10.0  # descending latitudes
    assert expected("cmip", "tas", lon=30, lat=-85) is None  # _FillValue south of -80
    x, y = samples.hrrr_forward(-97.5, 38.5)
    assert abs(x) < 1e-6 and abs(y) < 1e-6
    for lon, lat in ((-120.3, 45.4), (-80.3, 30.4), (-70.0, 50.0)):
        back = samples.hrrr_inverse(*samples.hrrr_forward(lon, lat))
        assert abs(back[0] - lon) < 1e-9 and abs(back[1] - lat) < 1e-9


def test_hrrr_cell_coordinates_agree_with_the_server(flux, http):
    # EDR answers the 2-D latitude/longitude of the cell (built with PROJ): samples' math agrees.
    cell = samples.nearest_cell("hrrr", -80.3, 30.4)
    got = rows(edr(http, flux, "hrrr", "dswrf", "POINT(-80.3 30.4)", step="0 hours"))
    assert len(got) == 1
    assert float(got[0]["longitude"]) == pytest.approx(cell["lon"], abs=1e-9)
    assert float(got[0]["latitude"]) == pytest.approx(cell["lat"], abs=1e-9)
    assert float(got[0]["dswrf"]) == pytest.approx(
        expected("hrrr", "dswrf", lon=-80.3, lat=30.4, step_hours=0), abs=0.01)


# == EDR =========================================================================================
def test_edr_0_360_grid_point_east_is_right_point_west_is_cell_0(flux, http):
    east = rows(edr(http, flux, "gfs", "t2m", "POINT(330 10)", step="3 hours",
                    datetime="2024-06-01T12:00:00"))
    assert [(r["lon"], float(r["t2m"])) for r in east] == [
        ("330.0", expected("gfs", "t2m", lon=330, lat=10, step_hours=3, time_index=1))]
    # The same place as -30: xpublish-edr picks the nearest *index*, lon 0, with no error.
    west = rows(edr(http, flux, "gfs", "t2m", "POINT(-30 10)", step="3 hours",
                    datetime="2024-06-01T12:00:00"))
    assert [(r["lon"], float(r["t2m"])) for r in west] == [
        ("0.0", expected("gfs", "t2m", lon=0, lat=10, step_hours=3, time_index=1))]
    assert float(west[0]["t2m"]) != expected("gfs", "t2m", lon=-30, lat=10, step_hours=3, time_index=1)
    # No wrap at 360 either: 359.2 answers 358 (the globe's nearest cell is 0).
    edge = rows(edr(http, flux, "gfs", "t2m", "POINT(359.2 10)", step="0 hours",
                    datetime="2024-06-01T00:00:00"))
    assert edge[0]["lon"] == "358.0"


def test_edr_step_level_member_spellings(flux, http):
    def value(var, **extra):
        got = rows(edr(http, flux, "gfs", var, "POINT(331.2 10.6)", datetime="2024-06-01T00:00:00",
                       **extra))
        assert len(got) == 1, got
        return float(got[0][var])

    t2m_3h = expected("gfs", "t2m", lon=331.2, lat=10.6, step_hours=3)
    assert t2m_3h == 296.0  # the cell (332, 10)
    for spelling in ("3 hours", "3h", "PT3H", "10800000000 microseconds", "4 hours"):  # nearest
        assert value("t2m", step=spelling) == t2m_3h, spelling
    t850 = expected("gfs", "t", lon=331.2, lat=10.6, step_hours=3, level=850)
    assert value("t", step="3 hours", z="850") == t850
    assert value("t", step="3 hours", level="850") == t850
    assert value("t", step="3 hours", z="900") == t850  # nearest level
    assert value("t2m_ens", step="3 hours", member="2") == expected(
        "gfs", "t2m_ens", lon=331.2, lat=10.6, step_hours=3, member=2)
    # Refused with a bare 500: a number for a timedelta, a fraction for an int, unknown names.
    for extra in ({"step": "3"}, {"member": "1.6"}, {"STEP": "3 hours"}, {"foo": "1"},
                  {"step": "nearest::3 hours"}):
        var = "t2m_ens" if "member" in extra else "t2m"
        assert edr(http, flux, "gfs", var, "POINT(330 10)", **extra).status_code == 500, extra


def test_edr_step_range_and_datetime_spelling(flux, http):
    got = rows(edr(http, flux, "gfs", "t2m", "POINT(330 10)", step="0 hours/6 hours",
                   datetime="2024-06-01T00:00:00"))
    assert [float(r["t2m"]) for r in got] == [
        expected("gfs", "t2m", lon=330, lat=10, step_hours=h) for h in (0, 3, 6)]
    # A time zone in `datetime` is a 500 (tz-aware against naive); naive means UTC.
    for stamp in ("2024-06-01T12:00:00Z", "2024-06-01T12:00:00+00:00"):
        assert edr(http, flux, "gfs", "t2m", "POINT(330 10)", datetime=stamp).status_code == 500


def test_edr_area_polygon_must_use_the_grids_longitudes(flux, http):
    kw = {"step": "3 hours", "datetime": "2024-06-01T00:00:00", "kind": "area"}
    east = rows(edr(http, flux, "gfs", "t2m", "POLYGON((326 6, 334 6, 334 14, 326 14, 326 6))", **kw))
    assert len(east) == 25
    for r in east:
        assert float(r["t2m"]) == pytest.approx(
            expected("gfs", "t2m", lon=float(r["lon"]), lat=float(r["lat"]), step_hours=3), abs=1e-3)
    west = rows(edr(http, flux, "gfs", "t2m", "POLYGON((-34 6, -26 6, -26 14, -34 14, -34 6))", **kw))
    assert west == []  # 200 with only the header: no error, no data
    across = rows(edr(http, flux, "gfs", "t2m", "POLYGON((176 6, 184 6, 184 14, 176 14, 176 6))", **kw))
    assert sorted({float(r["lon"]) for r in across}) == [176.0, 178.0, 180.0, 182.0, 184.0]


def test_edr_era5_long_axis(flux, http):
    hour = 29069  # 2003-04-26T05:00
    assert samples.era5_time(hour) == "2003-04-26T05:00:00Z"
    got = rows(edr(http, flux, "era5", "t2m", "POINT(31 31)", datetime="2003-04-26T05:00:00"))
    assert float(got[0]["t2m"]) == pytest.approx(expected("era5", "t2m", lon=31, lat=31, time_index=hour),
                                                 abs=1e-3)
    series = rows(edr(http, flux, "era5", "t2m", "POINT(31 31)"))
    assert len(series) == samples.ERA5_COUNT  # no datetime: the whole axis, ~1.9 MB of CSV
    west = rows(edr(http, flux, "era5", "t2m", "POINT(-61 -29)", datetime="2005-12-31T23:00:00"))
    assert west[0]["lon"] == "0.0"  # again cell 0, not 300


def test_edr_hrrr_projected(flux, http):
    got = rows(edr(http, flux, "hrrr", "dswrf", "POINT(-97.2 38.2)", step="2 hours"))
    assert float(got[0]["dswrf"]) == pytest.approx(
        expected("hrrr", "dswrf", lon=-97.2, lat=38.2, step_hours=2), abs=0.01)
    # In the grid's own CRS too (x, y in metres).
    native = rows(edr(http, flux, "hrrr", "dswrf", "POINT(30000 -30000)", step="0 hours",
                      crs=samples.HRRR_PROJ))
    assert float(native[0]["dswrf"]) == pytest.approx(samples.dswrf_at_xy(30000, -30000), abs=0.01)
    # Far outside the grid: the edge cell, with no error.
    outside = edr(http, flux, "hrrr", "dswrf", "POINT(-150 10)", step="0 hours")
    assert outside.status_code == 200 and len(rows(outside)) == 1


def test_edr_cmip_decoded_noleap_and_fill(flux, http):
    got = rows(edr(http, flux, "cmip", "tas", "POINT(31 31)", member="1"))
    assert [r["time"][:10] for r in got] == samples.CMIP_DAYS  # noleap: 02-28 then 03-01
    assert [float(r["tas"]) for r in got] == pytest.approx(
        [expected("cmip", "tas", lon=31, lat=31, time_index=i, member=1) for i in range(4)], abs=1e-6)
    fill = rows(edr(http, flux, "cmip", "tas", "POINT(31 -85)", member="1"))
    assert [r["tas"] for r in fill] == ["", "", "", ""]
    # Any datetime on a cftime axis: 500; the collection metadata too.
    assert edr(http, flux, "cmip", "tas", "POINT(31 31)", datetime="2024-03-01T00:00:00").status_code == 500
    assert get(http, flux, "edr", "cmip", "/").status_code == 500
    c360 = rows(edr(http, flux, "cmip360", "pr", "POINT(31 31)"))
    assert [r["time"][:10] for r in c360] == samples.CMIP360_DAYS
    assert edr(http, flux, "cmip360", "pr", "POINT(31 31)",
               datetime="2024-02-30T00:00:00").status_code == 404  # "day is out of range for month"


def test_edr_daily_area_equals_the_formula_at_each_cell(flux, http):
    """The zonal benchmark's daily group (regional, lon 0..360, lat 50 -> 25, 365 days): an area
    answer holds the cells whose centres lie in the polygon, each day equal to samples.daily_t2m."""
    got = rows(edr(http, flux, "daily", "t2m", "POLYGON((259.7 40.1,260.2 40.1,260.2 40.6,259.7 40.6,259.7 40.1))",
                   kind="area", datetime="2023-01-01T00:00:00/2023-12-31T00:00:00"))
    cells = {(float(r["lon"]), float(r["lat"])) for r in got}
    assert cells == {(259.75, 40.25), (259.75, 40.5), (260.0, 40.25), (260.0, 40.5)}
    assert len(got) == 4 * samples.DAILY_COUNT
    for r in got[:: 97]:
        day = (datetime.date.fromisoformat(r["time"][:10]) - datetime.date(2023, 1, 1)).days
        want = samples.daily_t2m(float(r["lon"]), float(r["lat"]), day)
        assert float(r["t2m"]) == pytest.approx(want, abs=1e-3), r
        assert want == pytest.approx(expected("daily", "t2m", lon=float(r["lon"]) - 360.0, lat=float(r["lat"]),
                                              time_index=day))
    # the seasonal cycle: mid-January coldest, mid-July warmest
    assert samples.daily_t2m(260.0, 40.5, 15) + 23.9 < samples.daily_t2m(260.0, 40.5, 197)


def test_climate_air_reads_as_earth_land_and_sea_differ(flux, http):
    """The demo's air (samples.air), as the server gives it: equal to the formula, and in January
    central Asia colder than the Pacific at 51 N, Australia warmer than the Pacific at 25 S (the
    pairs 240 degrees apart, where the moving wave of weather is the same)."""
    def air(lon, lat, day=0):
        resp = http.get(flux.service_url("edr", "climate", "main", "") + "/position", timeout=TIMEOUT,
                        auth=(flux.org, flux.key),
                        params={"coords": f"POINT({lon} {lat})", "parameter-name": "air", "f": "csv",
                                "datetime": f"2024-01-0{day + 1}T00:00:00"})
        (row,) = rows(resp)
        assert (float(row["lon"]), float(row["lat"])) == (lon, lat), row
        assert float(row["air"]) == pytest.approx(samples.air(lon, lat, day), abs=1e-3), row
        return float(row["air"])

    assert samples.land(91, 51) > 0.95 and samples.land(-149, 51) < 0.01
    assert air(91, 51) < air(-149, 51) - 8.0
    assert samples.land(135, -25) > 0.95 and samples.land(-105, -25) < 0.01
    assert air(135, -25) > air(-105, -25) + 4.0
    assert air(1, 1) > air(1, 61) + 15.0 > air(-41, 71) + 15.0  # colder towards the pole, Greenland coldest
    assert air(91, 51, day=1) != pytest.approx(air(91, 51, day=0), abs=1.0)  # the weather moves


def test_edr_collection_metadata_extents(flux, http):
    meta = get(http, flux, "edr", "gfs", "/").json()["extent"]
    assert meta["spatial"]["bbox"] == [[0.0, -90.0, 358.0, 90.0]]
    assert meta["vertical"]["values"] == [1000.0, 850.0, 500.0]
    assert meta["step"]["values"][:2] == ["P0DT0H0M0S", "P0DT3H0M0S"]
    assert meta["member"]["values"] == [0.0, 1.0, 2.0]
    hrrr = get(http, flux, "edr", "hrrr", "/").json()
    assert hrrr["extent"]["spatial"]["bbox"] == [[-2670000.0, -1590000.0, 2670000.0, 1590000.0]]
    assert hrrr["crs"][0].startswith("PROJCRS[")


# == tiles =======================================================================================
@pytest.mark.parametrize("spelling", ["3 hours", "PT3H", "10800000000 microseconds",
                                      "nearest::4 hours", "pad::5 hours", "exact::3 hours"])
def test_tiles_step_spellings(flux, http, spelling):
    want = expected("gfs", "t2m", lon=LON_W, lat=LAT_W, step_hours=3, time_index=1)
    status, value, _ = tile_value(http, flux, "gfs", "t2m", LON_W, LAT_W, want, step=spelling,
                                  time="2024-06-01T12:00:00")
    assert status == 200 and value == pytest.approx(want, abs=TOL)


def test_tiles_refusals_and_defaults(flux, http):
    want = expected("gfs", "t2m", lon=LON_W, lat=LAT_W, step_hours=3, time_index=1)
    status, _, body = tile_value(http, flux, "gfs", "t2m", LON_W, LAT_W, want, step="4 hours")
    assert status == 422 and "nearest available value is PT3H" in body and "nearest::" in body
    status, _, body = tile_value(http, flux, "gfs", "t2m", LON_W, LAT_W, want, step="3")
    assert status == 422
    # Nothing selected: the LAST value of every extra dimension (time, step, member) ...
    last = expected("gfs", "t2m", lon=LON_W, lat=LAT_W, step_hours=12, time_index=1)
    assert tile_value(http, flux, "gfs", "t2m", LON_W, LAT_W, last)[1] == pytest.approx(last, abs=TOL)
    # ... parameter names are case-sensitive: STEP is ignored, silently.
    assert tile_value(http, flux, "gfs", "t2m", LON_W, LAT_W, last,
                      STEP="3 hours")[1] == pytest.approx(last, abs=TOL)
    ens = expected("gfs", "t2m_ens", lon=LON_W, lat=LAT_W, step_hours=3, time_index=1, member=2)
    assert tile_value(http, flux, "gfs", "t2m_ens", LON_W, LAT_W, ens,
                      step="3 hours")[1] == pytest.approx(ens, abs=TOL)
    # ... and the level nearest to 0 (500 hPa: "all data is ocean data"); `elevation` is ignored.
    t500 = expected("gfs", "t", lon=LON_W, lat=LAT_W, step_hours=3, time_index=1, level=500)
    for extra in ({}, {"elevation": "850"}):
        assert tile_value(http, flux, "gfs", "t", LON_W, LAT_W, t500, step="3 hours",
                          **extra)[1] == pytest.approx(t500, abs=TOL)


@pytest.mark.parametrize(("var", "selectors", "kw"), [
    ("t", {"level": "850"}, {"level": 850}),
    ("t", {"level": "nearest::800"}, {"level": 850}),
    ("t2m_ens", {"member": "1"}, {"member": 1}),
    ("t2m_ens", {"member": "1.0"}, {"member": 1}),
])
def test_tiles_level_and_member(flux, http, var, selectors, kw):
    want = expected("gfs", var, lon=LON_W, lat=LAT_W, step_hours=3, time_index=0, **kw)
    status, value, body = tile_value(http, flux, "gfs", var, LON_W, LAT_W, want, step="3 hours",
                                     time="2024-06-01T00:00:00Z", **selectors)
    assert status == 200, body
    assert value == pytest.approx(want, abs=TOL)


@pytest.mark.parametrize(("lon", "lat"), [(LON_W, LAT_W), (150.1, -20.2), (179.3, 40.1),
                                          (-179.3, 40.1), (-0.7, 40.1), (0.7, 40.1)])
def test_tiles_render_0_360_grid_in_place(flux, http, lon, lat):
    want = expected("gfs", "t2m", lon=lon, lat=lat, step_hours=6, time_index=0)
    status, value, _ = tile_value(http, flux, "gfs", "t2m", lon, lat, want, step="6 hours",
                                  time="2024-06-01T00:00:00")
    assert status == 200 and value == pytest.approx(want, abs=TOL)


def test_tiles_era5_hrrr_cmip(flux, http):
    cases = [
        ("era5", "t2m", 31, 31, {"time_index": 29069}, {"time": "2003-04-26T05:00:00"}),
        ("era5", "t2m", 31, 31, {"time_index": 29069}, {"time": "nearest::2003-04-26T05:20:00"}),
        ("era5", "t2m", 170, 31, {"time_index": samples.ERA5_COUNT - 1}, {}),  # cell 180
        ("era5", "t2m", -179.5, 31, {"time_index": samples.ERA5_COUNT - 1}, {}),
        ("hrrr", "dswrf", -97.2, 38.2, {"step_hours": 2}, {"step": "2 hours"}),
        ("hrrr", "dswrf", -120.3, 45.4, {"step_hours": 0}, {"step": "PT0H"}),
        ("hrrr", "dswrf", -80.3, 30.4, {"step_hours": 3}, {}),
        ("cmip", "tas", 31, 31, {"time_index": 2, "member": 1}, {"time": "2024-03-01", "member": "1"}),
        ("cmip", "tas", 31, 31, {"time_index": 3, "member": 2}, {}),
        ("cmip360", "pr", 31, 31, {"time_index": 1}, {"time": "2024-02-30"}),
    ]
    for group, var, lon, lat, kw, selectors in cases:
        want = expected(group, var, lon=lon, lat=lat, **kw)
        status, value, body = tile_value(http, flux, group, var, lon, lat, want, **selectors)
        assert status == 200, (group, selectors, body)
        assert value == pytest.approx(want, abs=TOL), (group, lon, lat, selectors)
    # _FillValue cells are transparent; a date the calendar lacks is a 500.
    assert tile_value(http, flux, "cmip", "tas", 31, -85, 280)[:2] == (200, None)
    assert tile_value(http, flux, "cmip", "tas", 31, 31, 280, time="2024-02-29")[0] == 500


def test_tiles_metadata_advertises_dimensions(flux, http):
    def extents(group):
        sets = get(http, flux, "tiles", group, "/").json()["tilesets"]
        web = next(t for t in sets if t["title"].endswith("WebMercatorQuad"))
        return {layer["id"]: layer.get("extents", {}) for layer in web["layers"]}

    gfs = extents("gfs")
    assert gfs["t2m"]["step"]["values"] == ["PT0S", "PT3H", "PT6H", "PT9H", "PT12H"]
    assert gfs["t2m"]["step"]["default"] == "PT12H"
    assert gfs["t"]["level"]["values"] == [1000, 850, 500] and gfs["t"]["level"]["default"] == 500
    assert gfs["t2m_ens"]["member"]["default"] == 2
    era5 = extents("era5")["t2m"]["time"]
    assert "values" not in era5  # a rule: interval + resolution
    assert era5["interval"] == ["2000-01-01T00:00:00", "2005-12-31T23:00:00"]
    assert era5["resolution"] == "PT1H"
    assert extents("cmip360")["pr"]["time"]["values"][1] == "2024-02-30T00:00:00"


# == WMS =========================================================================================
def test_wms_capabilities_dimensions(flux, http):
    caps = get(http, flux, "wms", "gfs", "", {"service": "WMS", "request": "GetCapabilities",
                                              "version": "1.3.0"})
    assert caps.status_code == 200
    text = caps.text
    assert ('<Dimension name="step" units="" default="0 microseconds">0 microseconds,'
            '10800000000 microseconds,21600000000 microseconds') in text
    assert '<Dimension name="elevation" units="depth" unitSymbol="hPa" default="500">1000,850,500' in text
    assert '<Dimension name="member" units="" default="0">0,1,2</Dimension>' in text
    assert 'default="2024-06-01T12:00:00Z">2024-06-01T00:00:00Z,2024-06-01T12:00:00Z<' in text
    era5 = get(http, flux, "wms", "era5", "", {"service": "WMS", "request": "GetCapabilities",
                                               "version": "1.3.0"})
    assert era5.status_code == 200
    assert len(era5.content) > 1_000_000  # every one of the 52,608 hours, listed
    assert era5.text.count("2003-04-26T") >= 24
    for group in ("cmip", "cmip360"):  # cftime axes: "cannot compare ... different calendars"
        assert get(http, flux, "wms", group, "", {"service": "WMS", "request": "GetCapabilities",
                                                  "version": "1.3.0"}).status_code == 500


@pytest.mark.parametrize(("how", "selectors", "kw"), [
    ("bbox3857", {"step": "3 hours", "time": "2024-06-01T12:00:00Z"}, {"step_hours": 3, "time_index": 1}),
    ("bbox3857", {}, {"step_hours": 0, "time_index": 1}),  # first step, last time
    ("tile", {"step": "3 hours"}, {"step_hours": 3, "time_index": 1}),
    ("lonlat4326", {"step": "3 hours"}, {"step_hours": 3, "time_index": 1}),
    ("bbox3857", {"step": "PT3H"}, {"step_hours": 3, "time_index": 1}),
    ("bbox3857", {"STEP": "10800000000 microseconds"}, {"step_hours": 3, "time_index": 1}),
    ("bbox3857", {"step": "3 hours", "time": "2024-06-01T05:00:00Z"}, {"step_hours": 3, "time_index": 0}),
])
def test_wms_getmap_step_and_time(flux, http, how, selectors, kw):
    want = expected("gfs", "t2m", lon=LON_W, lat=LAT_W, **kw)
    status, value, body = getmap_value(http, flux, "gfs", "t2m", LON_W, LAT_W, want, how, **selectors)
    assert status == 200, body
    assert value == pytest.approx(want, abs=TOL)


def test_wms_getmap_levels_members_refusals(flux, http):
    def value(var, centre, **selectors):
        status, got, body = getmap_value(http, flux, "gfs", var, LON_W, LAT_W, centre, **selectors)
        assert status == 200, body
        return got

    t = {lvl: expected("gfs", "t", lon=LON_W, lat=LAT_W, step_hours=3, time_index=1, level=lvl)
         for lvl in (500, 850)}
    assert value("t", t[850], step="3 hours", elevation="850") == pytest.approx(t[850], abs=TOL)
    assert value("t", t[850], step="3 hours", elevation="800") == pytest.approx(t[850], abs=TOL)
    assert value("t", t[500], step="3 hours") == pytest.approx(t[500], abs=TOL)  # nearest to 0
    assert value("t", t[500], step="3 hours", level="850") == pytest.approx(t[500], abs=TOL)  # ignored
    ens = {m: expected("gfs", "t2m_ens", lon=LON_W, lat=LAT_W, step_hours=3, time_index=1, member=m)
           for m in (0, 1)}
    assert value("t2m_ens", ens[1], step="3 hours", member="1") == pytest.approx(ens[1], abs=TOL)
    assert value("t2m_ens", ens[0], step="3 hours") == pytest.approx(ens[0], abs=TOL)  # first
    # Exact steps only, integers only: 422 "Error selecting custom dimensions ...".
    for var, selectors in (("t2m", {"step": "4 hours"}), ("t2m", {"step": "nearest::3 hours"}),
                           ("t2m_ens", {"member": "1.4"})):
        status, _, body = getmap_value(http, flux, "gfs", var, LON_W, LAT_W, 300, **selectors)
        assert status == 422 and "custom dimensions" in body, selectors
    # EPSG:4326 with 1.3.0 reads BBOX as lon,lat: the standard lat,lon order draws elsewhere.
    want = expected("gfs", "t2m", lon=LON_W, lat=LAT_W, step_hours=3, time_index=1)
    status, got, _ = getmap_value(http, flux, "gfs", "t2m", LON_W, LAT_W, want, "latlon4326",
                                  step="3 hours")
    assert status == 200 and got != pytest.approx(want, abs=TOL)


def test_wms_getmap_leaves_a_gap_west_of_180_on_0_360_grids(flux, http):
    """The cell centred on 180 is drawn only east of -180: lon (last centre + half a cell)..180 is empty."""
    def alpha_columns(group, layer, bbox):
        params = {"service": "WMS", "request": "GetMap", "version": "1.3.0", "layers": layer,
                  "styles": "raster/gray", "format": "image/png", "width": 400, "height": 10,
                  "colorscalerange": "200,330", "crs": "EPSG:4326", "bbox": bbox}
        resp = get(http, flux, "wms", group, "", params)
        assert resp.status_code == 200
        image = QImage()
        assert image.loadFromData(resp.content, "PNG")
        west, _, east, _ = map(float, bbox.split(","))
        return [west + (i + 0.5) * (east - west) / 400 for i in range(400)
                if image.pixelColor(i, 5).alpha() == 0]

    gap = alpha_columns("gfs", "t2m", "176,30,180,50")
    assert gap and min(gap) == pytest.approx(179.0, abs=0.02) and max(gap) > 179.98
    assert alpha_columns("gfs", "t2m", "-180,30,-176,50") == []
    gap = alpha_columns("era5", "t2m", "120,0,180,60")
    assert min(gap) == pytest.approx(165.0, abs=0.2)  # 15 degrees of an ERA5-like 30-degree grid
    # Tiles draw the same place (test_tiles_render_0_360_grid_in_place: 179.3 has its value).


def test_wms_getfeatureinfo(flux, http):
    def ranges(resp):
        assert resp.status_code == 200, resp.text[:300]
        return {k: v["values"] for k, v in resp.json()["ranges"].items()}

    # Both longitude conventions, on a cell centre: no step -> every step, first time.
    for lon in (330, -30):
        got = ranges(feature_info(http, flux, "gfs", "t2m", lon, 10))["t2m"]
        assert got == [expected("gfs", "t2m", lon=330, lat=10, step_hours=h) for h in samples.GFS_STEPS_HOURS]
    got = ranges(feature_info(http, flux, "gfs", "t", 330, 10, elevation="850", step="3 hours",
                              time="2024-06-01T12:00:00Z"))["t"]
    assert got == pytest.approx([expected("gfs", "t", lon=330, lat=10, step_hours=3, time_index=1,
                                          level=850)], abs=1e-4)
    # Between cells it interpolates (bilinear), it does not pick the nearest cell.
    mid = ranges(feature_info(http, flux, "gfs", "t2m", 331, 11, step="3 hours"))["t2m"][0]
    corners = [expected("gfs", "t2m", lon=lo, lat=la, step_hours=3) for lo in (330, 332) for la in (10, 12)]
    assert mid == pytest.approx(sum(corners) / 4, abs=1e-4)
    cell = samples.nearest_cell("hrrr", -80.3, 30.4)
    got = ranges(feature_info(http, flux, "hrrr", "dswrf", cell["lon"], cell["lat"], step="1 hours"))
    assert got["dswrf"] == pytest.approx([expected("hrrr", "dswrf", lon=-80.3, lat=30.4, step_hours=1)],
                                         abs=1e-3)
    # 500: an integer dimension (member is compared as the string "1"); any time on a cftime axis.
    assert feature_info(http, flux, "gfs", "t2m_ens", 330, 10, member="1").status_code == 500
    assert feature_info(http, flux, "cmip", "tas", 30, 30, time="2024-03-01T00:00:00Z").status_code == 500
    # ... but without a time it answers the cmip values, decoded.
    got = ranges(feature_info(http, flux, "cmip", "tas", 30, 30))["tas"]
    assert got == pytest.approx([expected("cmip", "tas", lon=30, lat=30, member=m) for m in samples.MEMBERS],
                                abs=1e-6)


def test_wms_getmetadata(flux, http):
    def metadata(group, layer, item, **extra):
        return get(http, flux, "wms", group, "", {"service": "WMS", "request": "GetMetadata",
                                                  "version": "1.3.0", "item": item,
                                                  "layername": layer, **extra})

    whole = {"bbox": "-180,-90,180,90", "crs": "EPSG:4326", "width": 100, "height": 100}
    got = metadata("gfs", "t2m", "minmax", **whole).json()
    assert got == {"min": expected("gfs", "t2m", lon=0, lat=-90, time_index=1),  # last time, step 0
                   "max": expected("gfs", "t2m", lon=358, lat=90, time_index=1)}
    got = metadata("gfs", "t2m", "minmax", step="12 hours", time="2024-06-01T12:00:00Z", **whole).json()
    assert got["max"] == expected("gfs", "t2m", lon=358, lat=90, time_index=1, step_hours=12)
    # layerdetails: 500 for any layer with a timedelta coordinate (not JSON serialisable).
    assert metadata("gfs", "t2m", "layerdetails").status_code == 500
    assert metadata("hrrr", "dswrf", "layerdetails").status_code == 500
    era5 = metadata("era5", "t2m", "layerdetails")
    assert era5.status_code == 200 and len(era5.json()["timesteps"]) == samples.ERA5_COUNT
    cmip = metadata("cmip", "tas", "layerdetails").json()
    assert cmip["timesteps"][2] == "2024-03-01T00:00:00Z" and cmip["member"] == [0, 1, 2]
    assert metadata("cmip360", "pr", "layerdetails").json()["timesteps"][1] == "2024-02-30T00:00:00Z"


# == OPeNDAP (DAP2) ===============================================================================
def test_dap2_values_and_coordinates(flux, http):
    _, arrays, _ = dods(http, flux, "gfs", "t[0:0][1:1][1:1][40:40][165:165]")
    assert first(arrays, "t") == [expected("gfs", "t", lon=330, lat=10, step_hours=3, level=850)]
    assert (first(arrays, "time"), first(arrays, "step"), first(arrays, "level")) == ([3648], [3], [850])
    assert (first(arrays, "lat"), first(arrays, "lon")) == ([10.0], [330.0])
    _, arrays, _ = dods(http, flux, "era5", "t2m[29069:29070][2:2][1:1]")
    assert first(arrays, "time") == [29069, 29070]  # hours since 2000-01-01, raw
    assert first(arrays, "t2m") == pytest.approx(
        [expected("era5", "t2m", lon=30, lat=30, time_index=h) for h in (29069, 29070)], abs=1e-4)
    _, arrays, _ = dods(http, flux, "hrrr", "dswrf[0:0][2:2][27:27][45:45]")
    assert (first(arrays, "x"), first(arrays, "y")) == ([30000.0], [30000.0])
    assert first(arrays, "dswrf") == pytest.approx([samples.dswrf_at_xy(30000, 30000, step_hours=2)], abs=1e-3)


def test_dap2_cmip_is_served_decoded_with_raw_calendar(flux, http):
    dds = get(http, flux, "dap2", "cmip", suffix="opendap.dds").text
    assert "Float64 tas[member = 3][time = 4][lat = 19][lon = 36];" in dds  # not Int16
    das = get(http, flux, "dap2", "cmip", suffix="opendap.das").text
    assert "scale_factor" not in das and "add_offset" not in das
    assert 'String calendar "noleap";' in das and 'String units "days since 2024-01-01";' in das
    _, arrays, _ = dods(http, flux, "cmip", "tas[1:1][2:2][6:6][3:3]")
    assert first(arrays, "time") == [59]  # 2024-03-01 in noleap (a standard reader says 02-29)
    assert first(arrays, "tas") == pytest.approx(
        [expected("cmip", "tas", lon=30, lat=30, time_index=2, member=1)], abs=1e-9)
    _, arrays, _ = dods(http, flux, "cmip", "tas[0:0][0:0][17:18][0:0]")
    assert first(arrays, "lat") == [-80.0, -90.0]
    assert all(math.isnan(v) for v in first(arrays, "tas"))  # _FillValue -> NaN
    _, arrays, _ = dods(http, flux, "cmip360", "pr[1][6][3]")
    assert first(arrays, "time") == [59] and first(arrays, "pr") == pytest.approx([2.5], abs=1e-6)


def test_dap2_quirks_the_client_must_avoid(flux, http):
    # A constraint selects every variable whose name it *starts with*: t2m[...] also sends `t`,
    # with the same indices applied to its own dimensions (level 40:40 and lat 165:165 are empty)
    # and its maps; which Grid comes first varies from one server process to the next.
    head, arrays, _ = dods(http, flux, "gfs", "t2m[1:1][1:1][40:40][165:165]")
    assert "Float32 t[time = 1][step = 1][level = 0][lat = 0][lon = 180];" in head
    assert first(arrays, "t") == [] and first(arrays, "t2m") == [315.5]
    assert ("lat", "Float64", []) in arrays and ("lat", "Float64", [10.0]) in arrays
    # ... so t2m_ens[5 indices] also applies 5 indices to 4-D t2m: the answer breaks off.
    try:
        broken = get(http, flux, "dap2", "gfs", "?t2m_ens[2:2][0:0][1:1][40:40][165:165]",
                     suffix="opendap.dods")
    except requests.exceptions.RequestException:
        pass  # 200, then the chunked body stops ("Response ended prematurely")
    else:
        assert broken.status_code == 500, broken.status_code
    # With 4 indices (the rank of the smallest namesake) all three answer; lon stays whole.
    _, arrays, _ = dods(http, flux, "gfs", "t2m_ens[2:2][0:0][1:1][40:40]")
    assert first(arrays, "t2m_ens")[165] == expected("gfs", "t2m_ens", lon=330, lat=10, step_hours=3,
                                                     member=2)
    # Strided hyperslabs are wrong ([0:2:10] -> one value).
    _, arrays, _ = dods(http, flux, "gfs", "t2m[0:0][0:0][40:40][0:2:10]")
    assert first(arrays, "t2m") == [expected("gfs", "t2m", lon=0, lat=10)]  # not lon 0, 2, .., 10
    # Two hyperslabs in one request: one slice applies to both (lat comes back empty).
    _, arrays, _ = dods(http, flux, "gfs", "lat[0:3],lon[178:179]")
    assert first(arrays, "lat") == [] and first(arrays, "lon") == [356.0, 358.0]
    # The 2-D latitude/longitude and the grid mapping of hrrr are not served at all.
    dds = get(http, flux, "dap2", "hrrr", suffix="opendap.dds").text
    assert "latitude" not in dds and "lambert_conformal_conic" not in dds
    das = get(http, flux, "dap2", "hrrr", suffix="opendap.das").text
    assert 'String grid_mapping "lambert_conformal_conic";' in das
