"""Forecast layers draw the time of each render: QGIS asks for a valid time, Flux wants run + lead.

A forecast layer is a WMS-T layer like any other Flux WMS layer: its time axis is the run's
valid times (start + each lead time), so every render - the canvas, a second map view, a layout
map, an atlas page, an Export Animation frame, a scripted QgsMapRendererJob - asks with its own
``TIME=<valid time>``: QGIS's own per-render mechanism, the one all Flux WMS layers use. Flux
selects a forecast by its start (``time=``) and lead time (``step=``). So the layer's URL path
ends in a marker segment ``;flux-forecast=<token>`` (the run, the lead axis's name and its values
with their seconds, as URL-safe base64 JSON), and a request preprocessor, which QGIS calls for
every request it makes, rewrites such a request: the marker goes, ``TIME=<valid>`` becomes
``TIME=<run>`` and ``step=<the lead time at or before valid - run>`` is added.

Without the plugin the marker stays in the path and the server answers 404: the layer then shows
nothing, never another time's image.

Render threads call the preprocessor (each render job makes its requests on its own thread): it
reads and writes only the QNetworkRequest it is handed (a value type, no QObject, no signal) and
a dict of decoded tokens, so it keeps the thread rule of engine.py.
"""

import base64
import json
from urllib.parse import quote, unquote

from qgis.PyQt.QtCore import QUrl

from ..core.dimensions import lead_time_seconds, parse_iso
from ..core.wms import FORECAST_MARKER as MARKER
from . import hooks

_decoded = {}  # token -> (run ISO, run seconds, dimension name, [(seconds, value)]): a few per session


def encode_token(run, lead_dim):
    """The marker's token for a forecast starting at ``run`` (ISO) with lead axis ``lead_dim``."""
    leads = [[seconds, value] for seconds, value in zip(lead_time_seconds(lead_dim), lead_dim.values)]
    raw = json.dumps({"run": run, "dim": lead_dim.name, "leads": leads}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def marker(run, lead_dim):
    return MARKER + encode_token(run, lead_dim)


def _decode(token):
    found = _decoded.get(token)
    if found is None:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8"))
        leads = sorted((float(s), str(v)) for s, v in data["leads"])
        found = (str(data["run"]), parse_iso(data["run"]), str(data["dim"]), leads)
        if len(_decoded) > 256:
            _decoded.clear()
        _decoded[token] = found
    return found


def lead_for(valid_seconds, run_seconds, leads):
    """The lead value whose valid time is the last at or before ``valid_seconds`` (the first when
    all are later)."""
    chosen = leads[0][1]
    for seconds, value in leads:
        if run_seconds + seconds <= valid_seconds + 1e-6:
            chosen = value
    return chosen


def rewrite_url(url):
    """``url`` (fully encoded text) of a forecast layer's request as Flux wants it; None when the URL
    has no marker. Pure: the tests call it directly, the preprocessor on every request."""
    head, sep, query = url.partition("?")
    at = head.find(MARKER)
    if at < 0:
        return None
    token = head[at + len(MARKER):].split("/", 1)[0]
    run, run_seconds, dim, leads = _decode(token)
    head = head[:at] + head[at + len(MARKER) + len(token):]
    if not sep:
        return head
    parts, valid = [], None
    for part in query.split("&"):
        key, _eq, value = part.partition("=")
        if key.lower() == "time":
            instant = unquote(value).split("/", 1)[0]
            valid = parse_iso(instant)
            continue
        if key.lower() == dim.lower():
            continue
        parts.append(part)
    if valid is not None:  # a GetMap (GetCapabilities has no TIME): the run and its lead time
        parts.append("TIME=" + quote(run, safe=""))
        parts.append(quote(dim, safe="") + "=" + quote(lead_for(valid, run_seconds, leads), safe=""))
    return head + "?" + "&".join(parts)


def preprocess(request):
    """QGIS's request preprocessor: any thread, every request QGIS makes (keep it cheap)."""
    url = request.url()
    if MARKER not in url.path():
        return
    rewritten = rewrite_url(bytes(url.toEncoded()).decode("ascii"))
    if rewritten is not None:
        request.setUrl(QUrl.fromEncoded(rewritten.encode("ascii")))


def register():
    """Make ``preprocess`` see every request QGIS makes (UI thread; engine start-up)."""
    hooks.set_request_preprocessor(preprocess)


def unregister():
    hooks.clear("request")
