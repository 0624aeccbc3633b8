"""Opening a project of Flux layers: each dataset's capabilities read once, concurrently, first.

QGIS creates a project's layers one after another on the UI thread, and each WMS layer's
provider reads its service's capabilities while it is created, a round trip per layer: 24 WMS
layers took 13.7x the time of the same layers made by hand, and over a real network the wait grows
with latency. QGIS resolves every layer's source through QgsPathResolver before it creates the
first layer, so a path preprocessor is the place to look at the project once: it reads the Flux
WMS layers' sources from the project file, fetches each dataset's capabilities once (all at
once, through the network engine), and hands them to the providers through QGIS's network cache
(metadata.share_with_provider: augmented, so layers saved in EPSG:3857 are valid again). The
providers then read them from the cache. A failure here changes nothing: the providers ask
themselves, as they would without the plugin.
"""

import time
import zipfile
from xml.etree import ElementTree

from qgis.core import QgsDataSourceUri

from ..core import wms as core_wms
from ..core.errors import FluxError
from ..core.lazy import lazy_module
from . import hooks

# imported when a project opens, not when QGIS starts (the watcher is made in initGui)
engine = lazy_module("flux_qgis.engine")
metadata = lazy_module("flux_qgis.metadata")
network = lazy_module("flux_qgis.network")

FLUX_SPEC = "earthmover_flux/spec"
WAIT_SECONDS = 30.0  # at most this long for the capabilities before the layers load anyway


def flux_wms_sources(path):
    """[(layer source, provider capabilities URL, service URL, authcfg)] of a .qgs/.qgz file's Flux
    WMS-T layers (those the plugin made: a ``type=wmst`` wms source under /v1/services/)."""
    try:
        if str(path).lower().endswith(".qgz"):
            with zipfile.ZipFile(path) as archive:
                name = next((n for n in archive.namelist() if n.lower().endswith(".qgs")), None)
                xml = archive.read(name) if name else b""
        else:
            with open(path, "rb") as handle:
                xml = handle.read()
        root = ElementTree.fromstring(xml)
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, StopIteration):
        return []
    found = []
    for layer in root.iter("maplayer"):
        if (layer.findtext("provider") or "").strip() != "wms":
            continue
        source = (layer.findtext("datasource") or "").strip()
        if "type=wmst" not in source or "/v1/services/" not in source:
            continue
        uri = QgsDataSourceUri()
        uri.setEncodedUri(source)
        url = uri.param("url")
        service = url.split("?", 1)[0].split(";", 1)[0]
        caps = core_wms.provider_capabilities_request(url)
        found.append((source, caps, service, uri.authConfigId()))
    return found


def prefetch(path, wait_seconds=WAIT_SECONDS):
    """Read the capabilities of the project's Flux datasets (once each, concurrently) and share them
    with the providers about to be made. UI thread. Returns how many datasets were read."""
    layers = flux_wms_sources(path)
    if not layers:
        return 0
    eng = network.engine()
    todo = {}
    for _source, _caps, service, authcfg in layers:
        if (service, authcfg) not in todo and metadata.known_wms_capabilities(service, authcfg) is None:
            url = service + "?" + core_wms.capabilities_query()
            todo[(service, authcfg)] = eng.submit(network.call_for("GET", url, authcfg=authcfg))
    if todo:
        deadline = time.monotonic() + wait_seconds
        waiter = engine.Waiter(lambda: time.monotonic() > deadline)
        pending = [waiter.add(p) for p in todo.values()]
        try:
            while pending:
                done = waiter.next(pending)
                pending = [p for p in pending if p is not done]
        except FluxError:
            pass  # too slow: what came in is used, the providers ask for the rest themselves
        for (service, authcfg), call in todo.items():
            if call.done() and call.error is None and call.answer.status == 200 and call.answer.complete:
                metadata.store_wms_capabilities(service, authcfg, call.answer.body)
    for _source, caps, service, authcfg in layers:
        metadata.share_with_provider(caps, service, authcfg)
    return len(todo)


class ProjectOpenWatcher:
    """Calls :func:`prefetch` once per project read, before its layers are made (plugin.py owns it)."""

    def __init__(self, project):
        self.project = project
        self.armed = False
        self.read_from = ""
        project.cleared.connect(self._arm)
        hooks.set_path_preprocessor(self._resolving)

    def _arm(self):
        self.armed = True

    def _resolving(self, path):
        if self.armed and engine.on_ui_thread():
            name = self.project.fileName()
            if name:
                self.armed = False
                self.read_from = name
                try:
                    prefetch(name)
                except Exception:  # noqa: BLE001 - never in the way of opening a project
                    from qgis.core import Qgis, QgsMessageLog

                    QgsMessageLog.logMessage(f"Earthmover Flux: reading the project's capabilities ahead failed "
                                             f"({type(Exception).__name__}); the layers load as usual.",
                                             "Earthmover Flux", Qgis.Info)
        return path

    def disconnect(self):
        hooks.clear("path")
        try:
            self.project.cleared.disconnect(self._arm)
        except (TypeError, RuntimeError):
            pass
