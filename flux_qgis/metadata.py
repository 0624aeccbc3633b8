"""What a dataset's services say about it, read once per QGIS session per dataset and key.

A WMS capabilities document (on a long time axis about a megabyte) and an EDR collection's
metadata describe a dataset, not a request: each is read from the server once per service URL
and authcfg, and kept for MAX_AGE seconds. Every path (the dock's Add, the Browser, charts,
Identify, EDR queries, a project being opened) asks here first. What was read under a key is
dropped when that key changes or is refused (keys.KEY_EVENTS, on the UI thread), and a ref is
part of the service URL, so another ref is another entry. Thread-safe: tasks read and fill it.

The capabilities also go to QGIS's WMS provider (:func:`share_with_provider`), augmented so that
it can work out a layer's extent in EPSG:3857 and CRS:84 (core/wms.py augment_capabilities).
"""

import threading
import time

from ..core import edr as core_edr
from ..core import tiles as core_tiles
from ..core import wms as core_wms
from ..core.location import org_of_url
from . import keys, netcache, network

MAX_AGE = 3600.0  # seconds: a dataset's description changes rarely, and a new ref is a new URL
MAX_ENTRIES = 64
SHARED_SECONDS = 600  # how long QGIS's cache serves a shared document to the providers

_lock = threading.Lock()
_entries = {}  # (kind, service URL, authcfg) -> (monotonic time, value)
reads = {"wms": 0, "edr": 0, "tiles": 0}  # documents read from servers this session (tests, bench)


def _cached(kind, url, authcfg, read):
    key = (kind, url, authcfg or "")
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
    if hit is not None and now - hit[0] < MAX_AGE:
        return hit[1]
    value = read()
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            oldest = min(_entries, key=lambda k: _entries[k][0])
            del _entries[oldest]
        _entries[key] = (now, value)
        reads[kind] += 1
    return value


def wms_capabilities(location, authcfg="", feedback=None):
    """The raw capabilities document (bytes) of a wms ``location``'s service."""
    def read():
        url = core_wms.capabilities_url(location)
        return network.get(url, "the WMS capabilities", authcfg, feedback).body

    return _cached("wms", location.service_url(), authcfg, read)


def store_wms_capabilities(service_url, authcfg, body):
    """Keep capabilities read elsewhere (project_open.py reads a project's all at once)."""
    with _lock:
        _entries[("wms", service_url, authcfg or "")] = (time.monotonic(), bytes(body))
        reads["wms"] += 1


def known_wms_capabilities(service_url, authcfg=""):
    """The capabilities already read for ``service_url`` (None when not, or too old)."""
    with _lock:
        hit = _entries.get(("wms", service_url, authcfg or ""))
    return hit[1] if hit is not None and time.monotonic() - hit[0] < MAX_AGE else None


def edr_collection(location, authcfg="", feedback=None):
    """The core.edr.EdrCollection of an edr ``location``'s collection metadata (plain data)."""
    def read():
        url = core_edr.metadata_url(location)
        return core_edr.parse_collection(network.get(url, "the EDR collection metadata", authcfg, feedback).body)

    return _cached("edr", location.service_url(), authcfg, read)


def tiles_metadata(location, authcfg="", feedback=None):
    """The raw tileset metadata (bytes) of a tiles ``location``'s service."""
    def read():
        return network.get(core_tiles.tilesets_url(location), "the tiles metadata", authcfg, feedback).body

    return _cached("tiles", location.service_url(), authcfg, read)


def share_with_provider(capabilities_url, service_url, authcfg=""):
    """Put the augmented capabilities of ``service_url`` into QGIS's network cache as the answer to
    the provider's ``capabilities_url`` (UI thread). False when they were not read yet or QGIS has
    no disk cache: the provider then asks itself, and only EPSG:4326 layers are valid."""
    body = known_wms_capabilities(service_url, authcfg)
    if body is None:
        return False
    return netcache.share_answer(capabilities_url, core_wms.augment_capabilities(body), "text/xml",
                                 SHARED_SECONDS)


def forget(org=""):
    """Drop what was read under ``org``'s key (every entry for '')."""
    with _lock:
        for key in [k for k in _entries if not org or org_of_url(k[1]) == org]:
            del _entries[key]


keys.KEY_EVENTS.listeners["metadata.forget"] = forget
