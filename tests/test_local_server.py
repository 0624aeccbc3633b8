"""The local Flux imitation behaves like Flux: URL shape, auth, refs, groups,
management API, and the test hooks (faults, request log).

Real HTTP against a real server subprocess serving real Icechunk repositories
through the real xpublish plugins; nothing is mocked.
"""

from __future__ import annotations

import concurrent.futures
import struct
import time
import zlib

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TIMEOUT = 60
AIR_RANGE = "220,310"
POINT = "POINT(10 20)"  # lon lat; the nearest cell is lon 11, lat 21


# -- fixtures ---------------------------------------------------------------------------------
# `flux` (the server, reset before each test) comes from tests/conftest.py.


@pytest.fixture(scope="module")
def http():
    session = requests.Session()
    session.trust_env = False  # never through a proxy from the environment
    yield session
    session.close()


# -- helpers ----------------------------------------------------------------------------------
def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of raw pixel bytes) of an 8-bit non-interlaced PNG.

    Stdlib only, so the tests need no Pillow.
    """
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        chunk = data[pos + 8:pos + 8 + length]
        assert zlib.crc32(ctype + chunk) == struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if ctype == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif ctype == b"IDAT":
            idat += chunk
        elif ctype == b"IEND":
            break
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and interlace == 0, header
    bpp = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def distinct_pixels(data: bytes) -> int:
    width, _, rows = decode_png(data)
    bpp = len(rows[0]) // width
    return len({row[i:i + bpp] for row in rows for i in range(0, len(row), bpp)})


def getmap_params(layer="air", time_=None, rng=AIR_RANGE, **extra):
    params = {"service": "WMS", "request": "GetMap", "version": "1.3.0", "layers": layer,
              "styles": "raster/default", "crs": "EPSG:3857", "width": 256, "height": 256,
              "bbox": "-20037508.34,-20037508.34,20037508.34,20037508.34",
              "format": "image/png", "colorscalerange": rng}
    if time_:
        params["time"] = time_
    params.update(extra)
    return params


TILE_PARAMS = {"variables": "air", "style": "raster/viridis", "colorscalerange": AIR_RANGE,
               "width": 256, "height": 256, "f": "png"}


def edr_csv(http, flux, ref="main", group="", var="air", auth=None):
    url = flux.service_url("edr", "climate", ref, group) + "/position"
    resp = http.get(url, params={"coords": POINT, "parameter-name": var, "f": "csv"},
                    auth=auth or (flux.org, flux.key), timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text
    lines = resp.text.strip().splitlines()
    assert lines[0].split(",") == ["time", "lat", "lon", var]
    return [float(line.split(",")[3]) for line in lines[1:]]


def protocol_requests(flux):
    """(name, url, params) of one representative request per protocol."""
    return [
        ("wms-capabilities", flux.service_url("wms"),
         {"service": "WMS", "request": "GetCapabilities", "version": "1.3.0"}),
        ("wms-getmap", flux.service_url("wms"), getmap_params()),
        ("tiles-png", flux.service_url("tiles") + "/WebMercatorQuad/1/0/0", TILE_PARAMS),
        ("edr-csv", flux.service_url("edr") + "/position",
         {"coords": POINT, "parameter-name": "air", "f": "csv"}),
        ("opendap-dds", flux.service_url("dap2", suffix="opendap.dds"), {}),
        ("opendap-das", flux.service_url("dap2", suffix="opendap.das"), {}),
    ]


PROTOCOL_NAMES = ["wms-capabilities", "wms-getmap", "tiles-png", "edr-csv", "opendap-dds", "opendap-das"]


def _request(flux, name):
    return next(r for r in protocol_requests(flux) if r[0] == name)


# -- protocols through the Flux URL shape -------------------------------------------------------
def test_wms_capabilities(flux, http):
    url = flux.service_url("wms")
    resp = http.get(url, params={"service": "WMS", "request": "GetCapabilities", "version": "1.3.0"},
                    auth=(flux.org, flux.key), timeout=TIMEOUT)
    assert resp.status_code == 200
    assert "xml" in resp.headers["content-type"]
    assert "<Name>air</Name>" in resp.text
    # root_path makes the self-links point back at the Flux-shaped URL.
    assert f'xlink:href="{url}"' in resp.text
    for stamp in flux.manifest["orgs"][flux.org]["repos"]["climate"]["times"]:
        assert stamp[:10] in resp.text


def test_wms_getmap_png_varies_with_time(flux, http):
    times = flux.manifest["orgs"][flux.org]["repos"]["climate"]["times"]
    images = []
    for stamp in times[:2]:
        resp = http.get(flux.service_url("wms"), params=getmap_params(time_=stamp),
                        auth=(flux.org, flux.key), timeout=TIMEOUT)
        assert resp.status_code == 200, resp.text[:500]
        assert resp.headers["content-type"] == "image/png"
        width, height, _ = decode_png(resp.content)
        assert (width, height) == (256, 256)
        assert distinct_pixels(resp.content) > 20
        images.append(resp.content)
    assert images[0] != images[1], "time steps must render differently"


def test_tiles_png(flux, http):
    resp = http.get(flux.service_url("tiles") + "/WebMercatorQuad/1/0/0", params=TILE_PARAMS,
                    auth=(flux.org, flux.key), timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text[:500]
    assert resp.headers["content-type"] == "image/png"
    assert decode_png(resp.content)[:2] == (256, 256)
    assert distinct_pixels(resp.content) > 20


def test_tilejson_links_point_at_flux_url(flux, http):
    base = flux.service_url("tiles")
    resp = http.get(base + "/WebMercatorQuad/tilejson.json", params=TILE_PARAMS,
                    auth=(flux.org, flux.key), timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text[:500]
    assert resp.json()["tiles"][0].startswith(base + "/WebMercatorQuad/{z}/{y}/{x}?")


def test_edr_position_csv(flux, http):
    values = edr_csv(http, flux)
    assert len(values) == 4
    assert all(200 < v < 330 for v in values)
    assert len(set(values)) == 4, "values vary with time"


def test_opendap_dds_das(flux, http):
    auth = (flux.org, flux.key)
    dds = http.get(flux.service_url("dap2", suffix="opendap.dds"), auth=auth, timeout=TIMEOUT)
    assert dds.status_code == 200
    assert "Float32 air[time = 4][lat = 90][lon = 180]" in dds.text
    das = http.get(flux.service_url("dap2", suffix="opendap.das"), auth=auth, timeout=TIMEOUT)
    assert das.status_code == 200
    assert 'String units "K"' in das.text and 'flux_version "c3"' in das.text


def test_credentials_embedded_in_url(flux, http):
    url = flux.service_url("edr").replace("http://", f"http://{flux.org}:{flux.key}@") + "/position"
    resp = http.get(url, params={"coords": POINT, "parameter-name": "air", "f": "csv"}, timeout=TIMEOUT)
    assert resp.status_code == 200


# -- auth ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", PROTOCOL_NAMES)
def test_private_services_need_the_orgs_key(flux, http, name):
    _, url, params = _request(flux, name)
    good = http.get(url, params=params, auth=(flux.org, flux.key), timeout=TIMEOUT)
    assert good.status_code == 200, good.text[:300]
    for auth in (None, (flux.org, "wrong-key"), (flux.other_org, flux.other_key),
                 (flux.org, flux.other_key), (flux.other_org, flux.key)):
        resp = http.get(url, params=params, auth=auth, timeout=TIMEOUT)
        assert resp.status_code == 401, (auth and auth[0], resp.status_code)
        assert resp.headers["www-authenticate"] == 'Basic realm="flux"'


def test_other_org_key_opens_only_other_org(flux, http):
    url = flux.service_url("wms", repo="private-data", org=flux.other_org)
    params = {"service": "WMS", "request": "GetCapabilities", "version": "1.3.0"}
    assert http.get(url, params=params, auth=(flux.other_org, flux.other_key),
                    timeout=TIMEOUT).status_code == 200
    assert http.get(url, params=params, auth=(flux.org, flux.key), timeout=TIMEOUT).status_code == 401
    assert http.get(url, params=params, auth=(flux.other_org, flux.key),
                    timeout=TIMEOUT).status_code == 401


def test_public_deployment_created_via_api(flux, http):
    bearer = {"Authorization": f"Bearer {flux.key}"}
    private = http.get(flux.service_url("edr") + "/position",
                       params={"coords": POINT, "parameter-name": "air", "f": "csv"}, timeout=TIMEOUT)
    assert private.status_code == 401
    public_url = flux.service_url("edr-open", suffix="edr") + "/position"
    params = {"coords": POINT, "parameter-name": "air", "f": "csv"}
    assert http.get(public_url, params=params, timeout=TIMEOUT).status_code == 404  # not yet

    created = http.post(f"{flux.api_url}/compute/orgs/{flux.org}/services", headers=bearer,
                        json={"service_type": "edr", "org": flux.org, "is_public": True,
                              "deployment_name": "edr-open", "sku_code": "xs"}, timeout=TIMEOUT)
    assert created.status_code == 201, created.text
    assert created.json()["config"]["is_public"] is True
    resp = http.get(public_url, params=params, timeout=TIMEOUT)
    assert resp.status_code == 200 and resp.text.startswith("time,lat,lon,air")
    # A public service opens every repository of the org (the docs' own warning).
    ocean = flux.service_url("edr-open", repo="ocean", suffix="edr") + "/position"
    assert http.get(ocean, params={"coords": POINT, "parameter-name": "sst", "f": "csv"},
                    timeout=TIMEOUT).status_code == 200
    # The private one is still private.
    assert http.get(flux.service_url("edr") + "/position", params=params,
                    timeout=TIMEOUT).status_code == 401
    # Credentials sent to a public service do no harm.
    assert http.get(public_url, params=params, auth=(flux.org, flux.key),
                    timeout=TIMEOUT).status_code == 200

    deleted = http.delete(f"{flux.api_url}/compute/orgs/{flux.org}/services/edr-open",
                          headers=bearer, timeout=TIMEOUT)
    assert deleted.status_code == 200
    assert http.get(public_url, params=params, timeout=TIMEOUT).status_code == 404


# -- refs and groups -----------------------------------------------------------------------------
def test_refs_give_different_data(flux, http):
    c1 = flux.snapshot("c1")
    by_ref = {ref: edr_csv(http, flux, ref=ref) for ref in ("main", "dev", "v1", c1)}
    assert len({tuple(v) for v in by_ref.values()}) == 4
    # Commit offsets: c1 +0, c2 (tag v1) +2, c3 (main) +4, c4 (dev) +6.
    for ref, offset in (("v1", 2.0), ("main", 4.0), ("dev", 6.0)):
        for got, base in zip(by_ref[ref], by_ref[c1]):
            assert got - base == pytest.approx(offset, abs=1e-3)


def test_refs_show_their_commit_in_attributes(flux, http):
    versions = flux.manifest["orgs"][flux.org]["repos"]["climate"]["versions"]
    for ref, label in versions.items():
        das = http.get(flux.service_url("dap2", ref=ref, suffix="opendap.das"),
                       auth=(flux.org, flux.key), timeout=TIMEOUT)
        assert das.status_code == 200
        assert f'flux_version "{label}"' in das.text


def test_nested_group(flux, http):
    values = edr_csv(http, flux, group="forecast/surface", var="wind_speed")
    assert len(values) == 4 and all(0 <= v < 30 for v in values)
    caps = http.get(flux.service_url("wms", group="forecast/surface"),
                    params={"service": "WMS", "request": "GetCapabilities", "version": "1.3.0"},
                    auth=(flux.org, flux.key), timeout=TIMEOUT)
    assert caps.status_code == 200
    assert "<Name>wind_speed</Name>" in caps.text and "<Name>air</Name>" not in caps.text
    tile = http.get(flux.service_url("tiles", group="forecast/surface") + "/WebMercatorQuad/0/0/0",
                    params=dict(TILE_PARAMS, variables="wind_speed", colorscalerange="0,20"),
                    auth=(flux.org, flux.key), timeout=TIMEOUT)
    assert tile.status_code == 200 and distinct_pixels(tile.content) > 10


@pytest.mark.parametrize("url_args, why", [
    (dict(service="nope"), "unknown deployment"),
    (dict(service="wms", org="no-such-org"), "unknown org"),
    (dict(service="wms", repo="no-such-repo"), "unknown repo"),
    (dict(service="wms", ref="no-such-ref"), "unknown ref"),
    (dict(service="wms", ref="0000000000000000000A"), "unknown snapshot id"),
    (dict(service="wms", group="no/such/group"), "unknown group"),
    (dict(service="wms", suffix="edr"), "suffix of another protocol"),
    (dict(service="wms", suffix="nothing"), "no suffix"),
])
def test_unknown_parts_are_404(flux, http, url_args, why):
    resp = http.get(flux.service_url(**url_args), params={"service": "WMS", "request": "GetCapabilities",
                                                          "version": "1.3.0"},
                    auth=(flux.org, flux.key), timeout=TIMEOUT)
    assert resp.status_code == 404, why
    assert "detail" in resp.json()


# URL-safe path segments that name nothing in the sample data.
_segment = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~", min_size=1, max_size=24)
_unknown = _segment.filter(lambda s: s not in {"main", "dev", "v1", "forecast", "surface"} and not s.startswith("edr"))
_hypothesis = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_hypothesis
@given(ref=_unknown, group=st.lists(_unknown, max_size=3))
def test_random_refs_and_groups_are_clean_404s(flux, http, ref, group):
    for r, g in ((ref, "/".join(group)), ("main", "/".join([ref] + group))):
        resp = http.get(flux.service_url("edr", ref=r, group=g) + "/position",
                        params={"coords": POINT, "f": "csv"}, auth=(flux.org, flux.key), timeout=TIMEOUT)
        assert resp.status_code == 404, (r, g, resp.text[:200])
        assert resp.json()["detail"]


@_hypothesis
@given(user=st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=30),
       password=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
       raw=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60).map(str.strip))
def test_random_credentials_are_401(flux, http, user, password, raw):
    # (header values with leading/trailing spaces are refused by requests itself, not the server)
    url = flux.service_url("dap2", suffix="opendap.dds")
    if (user, password) != (flux.org, flux.key):
        resp = http.get(url, auth=(user.replace(":", ""), password), timeout=TIMEOUT)
        assert resp.status_code == 401
    resp = http.get(url, headers={"Authorization": raw}, timeout=TIMEOUT)
    assert resp.status_code == 401
    api = http.get(f"{flux.api_url}/orgs/{flux.org}/repos/paginated", headers={"Authorization": raw},
                   timeout=TIMEOUT)
    assert api.status_code == 401


def test_quirk_getcapabilities_without_version_is_422(flux, http):
    # xpublish-wms's own behaviour, deliberately kept: the plugin must send VERSION.
    resp = http.get(flux.service_url("wms"), params={"service": "WMS", "request": "GetCapabilities"},
                    auth=(flux.org, flux.key), timeout=TIMEOUT)
    assert resp.status_code == 422


def test_quirk_tiles_without_format_is_not_200(flux, http):
    params = {k: v for k, v in TILE_PARAMS.items() if k != "f"}
    resp = http.get(flux.service_url("tiles") + "/WebMercatorQuad/1/0/0", params=params,
                    auth=(flux.org, flux.key), timeout=TIMEOUT)
    assert resp.status_code >= 400


# -- management API ------------------------------------------------------------------------------
def _api(http, flux, method, path, key=None, **kwargs):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return http.request(method, flux.api_url + path, headers=headers, timeout=TIMEOUT, **kwargs)


def test_api_repos_paginated(flux, http):
    path = f"/orgs/{flux.org}/repos/paginated"
    repos = ["climate", "ocean", "weather"]
    whole = _api(http, flux, "GET", path, flux.key, params={"page": 1, "size": 50}).json()
    assert whole["total"] == 3 and whole["pages"] == 1
    assert [r["name"] for r in whole["items"]] == repos
    assert all(r["org"] == flux.org and r["description"] for r in whole["items"])
    names = []
    for page in (1, 2, 3):
        body = _api(http, flux, "GET", path, flux.key, params={"page": page, "size": 1}).json()
        assert (body["total"], body["page"], body["size"], body["pages"]) == (3, page, 1, 3)
        names += [r["name"] for r in body["items"]]
    assert names == repos
    beyond = _api(http, flux, "GET", path, flux.key, params={"page": 4, "size": 1}).json()
    assert beyond["items"] == []
    assert _api(http, flux, "GET", path, flux.key, params={"size": 0}).status_code == 422


def test_api_auth(flux, http):
    path = f"/orgs/{flux.org}/repos/paginated"
    for key in (None, "wrong-key"):
        resp = _api(http, flux, "GET", path, key)
        assert resp.status_code == 401 and resp.json()["detail"]
    assert _api(http, flux, "GET", path, flux.other_key).status_code == 403
    # Basic credentials are for compute, not for the API.
    assert http.get(flux.api_url + path, auth=(flux.org, flux.key), timeout=TIMEOUT).status_code == 401
    assert _api(http, flux, "GET", f"/compute/orgs/{flux.org}/services", None).status_code == 401


def test_api_services_lifecycle(flux, http):
    path = f"/compute/orgs/{flux.org}/services"
    listed = _api(http, flux, "GET", path, flux.key).json()
    assert sorted(s["name"] for s in listed) == ["dap2", "edr", "tiles", "wms"]
    for svc in listed:
        assert svc["status"] == "available" and svc["ready_replicas"] == 1
        assert svc["config"]["service_type"] == svc["name"] and svc["config"]["is_public"] is False
        assert svc["config"]["org"] == flux.org and svc["config"]["sku_code"]
        assert svc["url"].startswith(flux.base_url + "/v1/services/")

    body = {"service_type": "wms", "org": flux.org, "is_public": True,
            "deployment_name": "wms-test", "sku_code": "xs"}
    created = _api(http, flux, "POST", path, flux.key, json=body)
    assert created.status_code == 201
    assert created.json()["name"] == "wms-test"
    assert _api(http, flux, "POST", path, flux.key, json=body).status_code == 409
    got = _api(http, flux, "GET", f"{path}/wms-test", flux.key)
    assert got.status_code == 200 and got.json()["config"]["is_public"] is True
    assert "wms-test" in [s["name"] for s in _api(http, flux, "GET", path, flux.key).json()]
    assert _api(http, flux, "DELETE", f"{path}/wms-test", flux.key).status_code == 200
    assert _api(http, flux, "GET", f"{path}/wms-test", flux.key).status_code == 404
    assert _api(http, flux, "DELETE", f"{path}/wms-test", flux.key).status_code == 404
    # The default name is the service type, which already exists.
    assert _api(http, flux, "POST", path, flux.key,
                json={"service_type": "edr", "org": flux.org, "is_public": False,
                      "sku_code": "xs"}).status_code == 409


@pytest.mark.parametrize("change", [
    {"service_type": "zarr"},
    {"service_type": "nope"},
    {"deployment_name": "Upper-Case"},
    {"deployment_name": "much-too-long-name-here"},
    {"deployment_name": "under_score"},
    {"sku_code": None},
    {"is_public": "yes"},
])
def test_api_create_validation(flux, http, change):
    body = {"service_type": "wms", "org": flux.org, "is_public": False,
            "deployment_name": "ok-name", "sku_code": "xs"}
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    resp = _api(http, flux, "POST", f"/compute/orgs/{flux.org}/services", flux.key, json=body)
    assert resp.status_code == 422, resp.text


def test_reset_restores_deployments(flux, http):
    path = f"/compute/orgs/{flux.org}/services"
    assert _api(http, flux, "DELETE", f"{path}/wms", flux.key).status_code == 200
    assert http.get(flux.service_url("wms"), params={"version": "1.3.0"},
                    auth=(flux.org, flux.key), timeout=TIMEOUT).status_code == 404
    flux.reset()
    assert "wms" in [s["name"] for s in _api(http, flux, "GET", path, flux.key).json()]


# -- faults --------------------------------------------------------------------------------------
def _edr(flux, http, **kwargs):
    return http.get(flux.service_url("edr") + "/position",
                    params={"coords": POINT, "parameter-name": "air", "f": "csv"},
                    auth=(flux.org, flux.key), timeout=TIMEOUT, **kwargs)


def test_control_endpoints(flux, http):
    assert http.get(flux.base_url + "/_flux/health", timeout=TIMEOUT).json() == {"ok": True}
    rules = flux.set_faults({"match": "/nothing-matches", "status": 500})
    assert rules[0]["status"] == 500 and rules[0]["remaining"] is None
    assert flux.faults() == rules
    flux.clear_faults()
    assert flux.faults() == []
    bad = http.post(flux.base_url + "/_flux/faults", json={"rules": [{"body": "explode"}]}, timeout=TIMEOUT)
    assert bad.status_code == 422
    assert isinstance(flux.log(), list)


def test_fault_latency_keeps_server_responsive(flux, http):
    """While one request is held by a latency fault, another is answered: checked by order (the
    held request is matched and not finished when the other comes back), not by timing."""
    flux.clear_log()
    flux.set_faults({"match": "/edr/position", "latency": 5, "times": 1})
    with concurrent.futures.ThreadPoolExecutor(1) as pool, requests.Session() as other:
        other.trust_env = False
        slow = pool.submit(_edr, flux, other)
        # the fault rule is used up when the slow request arrives: from then on it is being held
        deadline = time.monotonic() + 30
        while flux.faults()[0]["remaining"] != 0 and time.monotonic() < deadline and not slow.done():
            time.sleep(0.02)
        assert flux.faults()[0]["remaining"] == 0 and not slow.done()
        assert http.get(flux.base_url + "/_flux/health", timeout=TIMEOUT).status_code == 200
        assert not slow.done(), "the other request was answered while the slow one was held"
        assert slow.result().status_code == 200
    assert _edr(flux, http).status_code == 200  # times=1: used up
    held, after = [e for e in flux.log() if e["path"].endswith("/edr/position")]
    assert held["fault"] and not after["fault"]


def test_fault_forced_status_then_recovery(flux, http):
    flux.set_faults({"match": "/edr/", "status": 503, "times": 2})
    assert [_edr(flux, http).status_code for _ in range(3)] == [503, 503, 200]


def test_fault_truncate_garbage_html_empty(flux, http):
    url, params = flux.service_url("wms"), getmap_params()
    auth = (flux.org, flux.key)
    real = http.get(url, params=params, auth=auth, timeout=TIMEOUT).content
    assert decode_png(real)

    flux.set_faults({"match": "GetMap", "body": "truncate"})
    cut = http.get(url, params=params, auth=auth, timeout=TIMEOUT)
    assert cut.status_code == 200 and cut.content == real[: len(real) // 2]
    with pytest.raises((AssertionError, struct.error, zlib.error, TypeError, IndexError)):
        decode_png(cut.content)

    flux.set_faults({"match": "GetMap", "body": "garbage"})
    junk = http.get(url, params=params, auth=auth, timeout=TIMEOUT)
    assert junk.status_code == 200 and junk.headers["content-type"] == "image/png"
    assert junk.content[:8] != real[:8]

    flux.set_faults({"match": "GetMap", "body": "html", "status": 502})
    page = http.get(url, params=params, auth=auth, timeout=TIMEOUT)
    assert page.status_code == 502 and page.headers["content-type"].startswith("text/html")
    assert page.text.lstrip().startswith("<!DOCTYPE html>")

    flux.set_faults({"match": "GetMap", "body": "empty"})
    empty = http.get(url, params=params, auth=auth, timeout=TIMEOUT)
    assert empty.status_code == 200 and empty.content == b""

    flux.set_faults({"match": "GetMap", "body": "html"})  # html without status: 200
    assert http.get(url, params=params, auth=auth, timeout=TIMEOUT).status_code == 200

    flux.clear_faults()
    assert http.get(url, params=params, auth=auth, timeout=TIMEOUT).content[:8] == real[:8]


def test_faults_apply_to_api(flux, http):
    flux.set_faults({"match": "/api/compute", "status": 500, "content_type": "text/plain", "times": 1})
    path = f"/compute/orgs/{flux.org}/services"
    first = _api(http, flux, "GET", path, flux.key)
    assert first.status_code == 500 and first.headers["content-type"] == "text/plain"
    assert _api(http, flux, "GET", path, flux.key).status_code == 200


# -- request log ---------------------------------------------------------------------------------
def test_request_log_records_without_secrets(flux, http):
    flux.clear_log()
    _edr(flux, http)
    http.get(flux.service_url("wms"), params={"service": "WMS", "request": "GetCapabilities",
                                              "version": "1.3.0"}, timeout=TIMEOUT)
    http.get(flux.service_url("wms"), params={"version": "1.3.0"}, auth=(flux.org, "bad"), timeout=TIMEOUT)
    _api(http, flux, "GET", f"/orgs/{flux.org}/repos/paginated", flux.key)
    # A careless client puts the key in the URL: the log must not keep it.
    http.get(flux.service_url("edr") + "/position",
             params={"coords": POINT, "api_key": flux.key, "other": flux.other_key, "note": flux.key},
             timeout=TIMEOUT)

    entries = flux.log()
    assert [(e["kind"], e["status"], e["auth"]) for e in entries] == [
        ("compute", 200, "valid"), ("compute", 401, "none"), ("compute", 401, "invalid"),
        ("api", 200, "valid"), ("compute", 401, "none")]
    first = entries[0]
    assert first["method"] == "GET" and first["path"].endswith("/edr/position")
    assert first["service"] == "edr" and first["org"] == flux.org
    assert "coords=" in first["query"] and first["time"]
    text = str(entries)
    for secret in (flux.key, flux.other_key):
        assert secret not in text
    assert "***" in entries[-1]["query"]
    assert all(not e["path"].startswith("/_flux") for e in entries)

    on_disk = flux.log_file.read_text()
    assert "/edr/position" in on_disk
    for secret in (flux.key, flux.other_key):
        assert secret not in on_disk
    # Basic credentials travel base64-encoded: that form must not leak either.
    assert flux.basic_auth_header()[6:] not in on_disk

    assert flux.log(clear=True) and flux.log() == []
