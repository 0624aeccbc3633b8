"""Fault tolerance and the key's safety: server faults, bad input, plain http, revoked keys.

Every fault is injected into the real local server; every check looks at what reached it.
"""

import pytest
from earthmover_flux import api
from earthmover_flux.core.errors import FluxError, FluxInputError
from earthmover_flux.flux_qgis import layers, network, settings
from qgis.core import QgsApplication, QgsProject
from render import image_stats, render


def _tile_requests(flux):
    return [e for e in flux.log() if "/tiles/WebMercatorQuad/" in e["path"]]


def test_changed_key_is_not_answered_from_the_cache(flux, credentials, project):
    # a value range no other test uses: URLs (and so cache entries) of this test only
    layer = api.add_layer(flux.org, "climate", "main", "", "tiles", "air", value_range=(231.5, 321.5))
    flux.clear_log()
    assert image_stats(render([layer]))[1] > 0.5
    assert _tile_requests(flux), "first render fetches tiles"
    flux.clear_log()
    render([layer])
    assert not _tile_requests(flux), "second render is answered by QGIS's cache (what could leak)"
    # the key is revoked on the server and the user saves another one
    flux.set_faults({"match": "/v1/services/", "status": 401})
    api.store_credentials(flux.org, "a-new-key-that-the-server-refuses")
    QgsApplication.processEvents()  # the UI thread hears of the change (a queued signal)
    assert layers.spec_of(layer).cache_epoch == 1
    flux.clear_log()
    image = render([layer])
    refused = _tile_requests(flux)
    assert refused and all(e["status"] == 401 for e in refused), "asked the server again"
    assert image_stats(image)[1] < 0.05, "no tile of the old key is shown"
    api.store_credentials(flux.org, flux.key)


def test_a_401_seen_by_the_plugin_empties_the_cache(flux, credentials, project):
    layer = api.add_layer(flux.org, "climate", "main", "", "tiles", "air", value_range=(232.5, 322.5))
    render([layer])
    flux.set_faults({"match": "/v1/services/", "status": 401})  # revoked at Earthmover
    with pytest.raises(FluxError, match="[Uu]nauthorized"):
        api.list_variables(flux.org, "climate", "main", "", "wms")
    QgsApplication.processEvents()
    flux.clear_log()
    image = render([layer])
    assert _tile_requests(flux) and image_stats(image)[1] < 0.05


def test_credentials_never_go_over_plain_http_to_another_host(flux, credentials, project, monkeypatch):
    # flux.invalid can never resolve (RFC 2606), so even a failing check sends nothing anywhere
    monkeypatch.setenv("EARTHMOVER_FLUX_COMPUTE_URL", "http://flux.invalid")
    with pytest.raises(FluxInputError, match="plain http"):
        api.add_layer(flux.org, "climate", "main", "", "wms", "air")
    with pytest.raises(FluxInputError, match="Refusing to send the API key over plain http to flux.invalid"):
        network.send("GET", "http://flux.invalid/v1/services/wms/x/y/main/wms", authcfg=credentials)
    settings.set_value("allow_insecure_http", "true")
    try:
        with pytest.raises(FluxError, match="Could not reach flux.invalid"):
            network.send("GET", "http://flux.invalid/v1/services/wms/x/y/main/wms", authcfg=credentials)
    finally:
        settings.set_value("allow_insecure_http", "false")
    assert not QgsProject.instance().mapLayers()


COMPUTE_FAULTS = [
    ({"status": 401}, "Unauthorized"),
    ({"status": 403}, "forbidden"),
    ({"status": 404}, "not found"),
    ({"status": 422}, "could not process the request"),
    ({"status": 500}, "internal error"),
    ({"status": 503}, "unavailable right now"),
    ({"body": "truncate"}, "not a WMS 1.3.0 capabilities document"),
    ({"body": "garbage"}, "not a WMS 1.3.0 capabilities document"),
    ({"body": "html", "status": 200}, "not a WMS 1.3.0 capabilities document"),
    ({"body": "html", "status": 502}, "502"),
    ({"body": "empty", "status": 200}, "not a WMS 1.3.0 capabilities document"),
    ({"content_type": "text/html", "body": "html"}, "not a WMS 1.3.0 capabilities document"),
]


@pytest.mark.parametrize("fault, message", COMPUTE_FAULTS)
def test_compute_faults_give_a_sentence_and_no_layer(flux, credentials, project, fault, message):
    flux.set_faults(dict(fault, match="GetCapabilities"))
    with pytest.raises(FluxError) as info:
        api.add_layer(flux.org, "climate", "main", "", "wms", "air")
    assert message.lower() in str(info.value).lower()
    assert flux.key not in str(info.value)
    assert not QgsProject.instance().mapLayers()


@pytest.mark.parametrize("ref, group, what", [
    ("no-such-branch", "", "ref"), ("main", "no/such/group", "group"), ("main", "", "repo")])
def test_unknown_repo_ref_group_are_404_sentences(flux, credentials, project, ref, group, what):
    repo = "no-such-repo" if what == "repo" else "climate"
    with pytest.raises(FluxError, match="not found: check the organization, repository, ref, group"):
        api.add_layer(flux.org, repo, ref, group, "wms", "air")
    assert not QgsProject.instance().mapLayers()


def test_server_down_and_slow(flux, credentials, project, monkeypatch):
    from qgis.core import QgsNetworkAccessManager

    monkeypatch.setenv("EARTHMOVER_FLUX_COMPUTE_URL", "http://127.0.0.1:9")  # nothing listens: refused
    with pytest.raises(FluxError, match="Could not reach 127.0.0.1"):
        api.add_layer(flux.org, "climate", "main", "", "wms", "air")
    monkeypatch.setenv("EARTHMOVER_FLUX_COMPUTE_URL", flux.base_url)
    flux.set_faults({"match": "GetCapabilities", "latency": 4})
    previous = QgsNetworkAccessManager.timeout()
    QgsNetworkAccessManager.setTimeout(1000)
    try:
        with pytest.raises(FluxError, match="did not answer within 1 s"):
            api.add_layer(flux.org, "climate", "main", "", "wms", "air")
    finally:
        QgsNetworkAccessManager.setTimeout(previous)
    assert not QgsProject.instance().mapLayers()


ODD = ["", " ", "a/b", "..", "%2F", "a#b", "a?b", "a@b", "a:b", "ünï", "x" * 300, "a\nb", "../../etc", "a b"]


@pytest.mark.parametrize("field", ["org", "repo", "ref", "group", "service", "variable"])
@pytest.mark.parametrize("value", ODD)
def test_odd_input_is_encoded_or_refused_and_stays_on_its_path(flux, credentials, project, field, value):
    args = dict(org=flux.org, repo="climate", ref="main", group="", protocol="wms", variable="air", service=None)
    args[field] = value
    flux.clear_log()
    try:
        layer = api.add_layer(**args)
    except (FluxError, ValueError) as exc:
        assert str(exc) and flux.key not in str(exc)
        layer = None
    for entry in flux.log():
        path = entry["path"]
        assert path.startswith("/v1/services/wms/flux-demo/climate/") or path.startswith(
            f"/v1/services/{args['service'] or 'wms'}/"), path
    if layer is not None:  # only an encodable ref/group that the server happens to know
        assert layer.isValid()
