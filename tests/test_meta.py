"""Flux's discovery API (_meta) in the local server and the plugin's Python API over it, the
organization's public services (list, delete), and deployments with their own URL.

The server side is tested with plain requests; the API side through QGIS's network stack
against the same server, checking the server's request log for what was asked.
"""

import pytest
import requests
from earthmover_flux import api
from earthmover_flux.core import discovery
from earthmover_flux.core.errors import FluxError
from earthmover_flux.flux_qgis import auth

TIMEOUT = 60


@pytest.fixture(scope="module")
def http():
    session = requests.Session()
    session.trust_env = False
    yield session
    session.close()


def meta(flux, path="", service="wms", org=None):
    return f"{flux.base_url}/v1/services/{service}/{org or flux.org}/_meta/discovery{path}"


def repo_manifest(flux, repo, org=None):
    return flux.manifest["orgs"][org or flux.org]["repos"][repo]


# -- the server --------------------------------------------------------------------------------
def test_server_lists_repos_refs_and_groups_from_the_data(flux, http):
    auth = (flux.org, flux.key)
    repos = http.get(meta(flux), auth=auth, timeout=TIMEOUT)
    assert repos.status_code == 200
    assert repos.json() == sorted(flux.manifest["orgs"][flux.org]["repos"])
    for repo in repos.json():
        info = repo_manifest(flux, repo)
        refs = http.get(meta(flux, f"/{repo}"), auth=auth, timeout=TIMEOUT).json()
        assert refs == {"branches": sorted(info.get("branches", {})), "tags": sorted(info.get("tags", {}))}
        for ref in list(info.get("branches", {})) + list(info.get("tags", {})):
            groups = http.get(meta(flux, f"/{repo}/{ref}"), auth=auth, timeout=TIMEOUT)
            assert groups.status_code == 200, (repo, ref, groups.text)
            # "a group with arrays is a dataset": every group of the manifest with variables is listed
            with_variables = {g for g, names in info.get("groups", {}).items() if names}
            assert with_variables <= set(groups.json()), (repo, ref, groups.json())
            if repo in ("climate", "ocean"):  # known exactly: group "forecast" holds no arrays
                assert set(groups.json()) == with_variables


def test_server_group_scope_and_404s(flux, http):
    auth = (flux.org, flux.key)
    assert http.get(meta(flux, "/climate/main"), auth=auth, timeout=TIMEOUT).json() == ["", "forecast/surface"]
    scoped = http.get(meta(flux, "/climate/main"), params={"group": "forecast"}, auth=auth, timeout=TIMEOUT)
    assert scoped.json() == ["forecast/surface"]
    snapshot = flux.snapshot("c1")
    assert http.get(meta(flux, f"/climate/{snapshot}"), auth=auth, timeout=TIMEOUT).status_code == 200
    for path, params in [("/nope", None), ("/climate/nope", None), ("/climate/main", {"group": "nope"}),
                         ("/climate/main/extra", None)]:
        answer = http.get(meta(flux, path), params=params, auth=auth, timeout=TIMEOUT)
        assert answer.status_code == 404, (path, params, answer.text)
        assert "detail" in answer.json()
    other = f"{flux.base_url}/v1/services/wms/{flux.org}/_meta/other"
    assert http.get(other, auth=auth, timeout=TIMEOUT).status_code == 404


def test_server_meta_has_the_deployments_auth_rules(flux, http):
    assert http.get(meta(flux), timeout=TIMEOUT).status_code == 401
    assert http.get(meta(flux), auth=(flux.org, "wrong"), timeout=TIMEOUT).status_code == 401
    # another org's valid key: still 401, and nothing about the repos is told
    refused = http.get(meta(flux), auth=(flux.other_org, flux.other_key), timeout=TIMEOUT)
    assert refused.status_code == 401 and "climate" not in refused.text
    assert http.get(meta(flux, service="nope"), auth=(flux.org, flux.key), timeout=TIMEOUT).status_code == 404
    # a public deployment: open to anyone
    created = http.post(f"{flux.api_url}/compute/orgs/{flux.org}/services", timeout=TIMEOUT,
                        headers={"Authorization": f"Bearer {flux.key}"},
                        json={"service_type": "tiles", "org": flux.org, "is_public": True,
                              "deployment_name": "tiles-open", "sku_code": "xs"})
    assert created.status_code == 201
    assert http.get(meta(flux, "/climate", service="tiles-open"), timeout=TIMEOUT).json()["tags"] == ["v1"]
    entries = [e for e in flux.log() if "/_meta/" in e["path"]]
    assert {e["status"] for e in entries} == {401, 404, 200}


# -- core -------------------------------------------------------------------------------------
def test_core_urls_and_parsing():
    url = discovery.meta_url("https://compute.example.com", "wms", "my-org", "repo", "v1.0", "wind/gust")
    assert url == ("https://compute.example.com/v1/services/wms/my-org/_meta/discovery/repo/v1.0"
                   "?group=wind%2Fgust")
    assert discovery.meta_url("http://127.0.0.1:1/p", "tiles", "o") == \
        "http://127.0.0.1:1/p/v1/services/tiles/o/_meta/discovery"
    with pytest.raises(ValueError):
        discovery.meta_url("https://c", "wms", "o", "../x")
    assert discovery.compute_base_of("https://h.example/edge/v1/services/wms-x/o/", "wms-x", "o") == \
        "https://h.example/edge"
    assert discovery.compute_base_of("https://h.example/v1/services/wms/o", "wms", "o") == "https://h.example"
    assert discovery.compute_base_of("https://h.example/other/", "wms", "o") == ""
    assert discovery.compute_base_of("https://u:p@h.example/v1/services/wms/o/", "wms", "o") == ""
    assert discovery.parse_refs({"branches": ["dev", "main"], "tags": ["v1"]}) == \
        {"branches": ["main", "dev"], "tags": ["v1"]}
    assert discovery.parse_groups(["/", "wind/gust", "", "temperature"]) == ["", "temperature", "wind/gust"]
    for bad in ({"x": 1}, "text", None):
        with pytest.raises(FluxError):
            discovery.parse_groups(bad)
    with pytest.raises(FluxError):
        discovery.parse_refs(["main"])


# -- the Python API -----------------------------------------------------------------------------
def test_api_lists_refs_and_groups_from_the_server(flux, credentials):
    flux.clear_log()
    assert api.list_repos(flux.org, service="wms") == ["climate", "ocean", "weather"]
    assert api.list_refs(flux.org, "climate", service="wms") == {"branches": ["main", "dev"], "tags": ["v1"]}
    assert api.list_groups(flux.org, "climate", "v1", service="wms") == ["", "forecast/surface"]
    assert api.list_groups(flux.org, "climate", "main", service="wms", group="forecast") == ["forecast/surface"]
    paths = [(e["path"], e["query"], e["auth"], e["status"]) for e in flux.log()]
    meta_paths = [p for p in paths if "/_meta/" in p[0]]
    assert [p[0].split("/_meta/")[1] for p in meta_paths] == [
        "discovery", "discovery/climate", "discovery/climate/v1", "discovery/climate/main"]
    assert meta_paths[-1][1] == "group=forecast"
    assert all(p[2] == "valid" and p[3] == 200 for p in meta_paths)
    # the service records told where the wms deployment lives
    assert any(p[0] == f"/api/compute/orgs/{flux.org}/services" for p in paths)


def test_api_without_service_uses_an_available_deployment(flux, credentials):
    flux.clear_log()
    assert api.list_refs(flux.org, "ocean")["branches"] == ["main"]
    used = [e["service"] for e in flux.log() if "/_meta/" in e["path"]]
    assert used == ["wms"], "a private wms deployment is preferred"


def test_api_meta_failures_are_sentences(flux, credentials, master_password):
    with pytest.raises(FluxError) as missing:
        api.list_groups(flux.org, "climate", "no-such-ref", service="wms")
    assert missing.value.status == 404 and "type them in" in str(missing.value)
    flux.set_faults({"match": "/_meta/", "status": 404})
    with pytest.raises(FluxError) as no_meta:
        api.list_refs(flux.org, "climate", service="wms")
    assert "discovery (_meta)" in str(no_meta.value)
    flux.clear_faults()
    wrong = api.store_credentials(flux.other_org, "not-the-key")
    try:
        with pytest.raises(FluxError) as refused:  # _meta itself refuses
            api.list_refs(flux.other_org, "private-data", service="wms", authcfg=wrong, compute_url=flux.base_url)
        assert refused.value.status == 401 and "type the names in" in str(refused.value)
        assert "not-the-key" not in str(refused.value) and flux.key not in str(refused.value)
        with pytest.raises(FluxError) as no_list:  # the management API refuses the service list
            api.list_refs(flux.other_org, "private-data", authcfg=wrong)
        assert no_list.value.status == 401 and "service list" in str(no_list.value)
    finally:
        auth.remove_credentials(flux.other_org)
    with pytest.raises(FluxError) as nothing:
        api.list_refs(flux.org, "climate", service="nope")
    assert "no service named 'nope'" in str(nothing.value)


def test_public_services_are_listed_and_deleted(flux, credentials, http):
    assert api.list_public_services(flux.org) == []
    http.post(f"{flux.api_url}/compute/orgs/{flux.org}/services", timeout=TIMEOUT,
              headers={"Authorization": f"Bearer {flux.key}"},
              json={"service_type": "wms", "org": flux.org, "is_public": True, "deployment_name": "wms-public",
                    "sku_code": "xs"})
    public = api.list_public_services(flux.org)
    assert [(s.name, s.service_type, s.is_public) for s in public] == [("wms-public", "wms", True)]
    flux.clear_log()
    api.delete_service(flux.org, "wms-public")
    deleted = [e for e in flux.log() if e["method"] == "DELETE"]
    assert [(e["path"], e["status"], e["auth"]) for e in deleted] == [
        (f"/api/compute/orgs/{flux.org}/services/wms-public", 200, "valid")]
    assert api.list_public_services(flux.org) == []
    assert "wms-public" not in [s.name for s in api.list_services(flux.org)]
    with pytest.raises(FluxError) as again:
        api.delete_service(flux.org, "wms-public")
    assert again.value.status == 404


def test_a_deployment_with_its_own_url_is_reached_there(flux, credentials, project):
    record = flux._control("POST", "/_flux/deployments", {"org": flux.org, "name": "wms-edge",
                                                          "service_type": "wms", "path_prefix": "/edge"})
    assert record["url"] == f"{flux.base_url}/edge/v1/services/wms-edge/{flux.org}/"
    service = next(s for s in api.list_services(flux.org) if s.name == "wms-edge")
    assert api.service_compute_url(service, flux.org) == f"{flux.base_url}/edge"
    flux.clear_log()
    # discovery and a layer through the deployment, at the URL its record gives
    assert api.list_refs(flux.org, "climate", service="wms-edge")["tags"] == ["v1"]
    layer = api.add_layer(flux.org, "climate", "main", "", "wms", "air", service="wms-edge",
                          compute_url=api.service_compute_url(service, flux.org))
    assert layer.isValid() and "/edge/v1/services/wms-edge/" in layer.source()
    compute = [e for e in flux.log() if e["kind"] == "compute"]
    assert compute and all(e["path"].startswith("/edge/v1/services/wms-edge/") for e in compute), compute
    assert all(e["status"] == 200 for e in compute)
    # the default base does not serve it: assuming it would have failed
    with pytest.raises(FluxError):
        api.list_refs(flux.org, "climate", service="wms-edge", compute_url=flux.base_url)
