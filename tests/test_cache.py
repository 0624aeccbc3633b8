"""A changed or refused key drops only that organization's Flux answers from QGIS's network disk
cache (flux_qgis/network.py forget_cached_answers): other layers keep their cached tiles.

Two orgs of the local server, each with a layer rendered once so QGIS's providers fill the disk
cache (PreferCache): flux-demo's tiles layer and other-org's WMS layer. The cache is read back
from its own files (the URL each entry was fetched from).
"""

import itertools

import pytest
from earthmover_flux import api
from earthmover_flux.flux_qgis import auth, netcache
from qgis.core import QgsApplication, QgsNetworkAccessManager
from render import render

FRESH = itertools.count(1)


def cached(org):
    return sorted(url.toString() for url in netcache.cached_urls()
                  if netcache.is_flux_url(url.toString()) and netcache.org_of_url(url.toString()) == org)


@pytest.fixture
def two_orgs(flux, credentials, project):
    other_cfg = api.store_credentials(flux.other_org, flux.other_key)
    QgsApplication.processEvents()  # the layers' reaction to a stored key comes queued: let it pass
    # URLs no earlier test rendered: QGIS's in-memory tile cache (which Python cannot clear) would
    # answer those without a request, and then nothing reaches the disk cache
    top = 300 + next(FRESH)
    mine = api.add_layer(flux.org, "climate", "main", "", "tiles", "air", value_range=(240, top))
    theirs = api.add_layer(flux.other_org, "private-data", "main", "", "wms", None, value_range=(0, top))
    render([mine])
    render([theirs])
    yield mine, theirs
    auth.remove_credentials(flux.other_org)
    assert other_cfg


def test_org_of_url():
    assert netcache.org_of_url("https://h/v1/services/wms/my-org/climate/main/wms?x=1") == "my-org"
    assert netcache.org_of_url("https://h/edge/v1/services/tiles/a%20b/r/main/tiles/0/0/0") == "a b"
    assert netcache.org_of_url("https://api.h/compute/orgs/acme/services") == "acme"
    assert netcache.org_of_url("https://tile.openstreetmap.org/1/0/0.png") == ""


def test_a_changed_key_drops_only_its_orgs_cached_tiles(flux, two_orgs):
    mine_before, theirs_before = cached(flux.org), cached(flux.other_org)
    assert any("/tiles/" in u for u in mine_before), f"no flux-demo tile in the disk cache: {mine_before}"
    assert any("GetMap" in u for u in theirs_before), f"no other-org GetMap in the disk cache: {theirs_before}"

    api.store_credentials(flux.org, flux.key)  # stored again: a changed key for flux-demo

    assert cached(flux.org) == []
    assert cached(flux.other_org) == theirs_before  # the other layer's tiles survive
    cache = QgsNetworkAccessManager.instance().cache()
    from qgis.PyQt.QtCore import QUrl

    tile = next(u for u in theirs_before if "GetMap" in u)
    body = cache.data(QUrl(tile))
    assert body is not None and bytes(body.readAll()).startswith(b"\x89PNG")


def test_a_refused_key_drops_only_its_orgs_cached_tiles(flux, two_orgs):
    theirs_before = cached(flux.other_org)
    assert cached(flux.org) and theirs_before
    api.store_credentials(flux.org, "a-revoked-key")
    with pytest.raises(api.FluxError):
        api.list_variables(flux.org, "climate", "main", "", "wms")  # 401
    assert any(e["status"] == 401 for e in flux.log())
    assert cached(flux.org) == []
    assert cached(flux.other_org) == theirs_before
    api.store_credentials(flux.org, flux.key)
