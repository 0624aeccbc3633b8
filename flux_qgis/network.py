"""HTTP through QGIS's own network stack, so the user's proxy, SSL and auth settings apply.

Blocking calls (QgsBlockingNetworkRequest) are meant for background tasks and Processing
algorithms; the dock runs them inside a QgsTask, never on the UI thread. Every call bypasses
QGIS's disk cache: an answer cached under a revoked key must never be served again.
"""

import time
from urllib.parse import urlsplit

from qgis.core import QgsBlockingNetworkRequest, QgsNetworkAccessManager
from qgis.PyQt.QtCore import QByteArray, QObject, Qt, QUrl, pyqtSignal, pyqtSlot
from qgis.PyQt.QtNetwork import QNetworkRequest

from ..core.arraylake import HttpResponse, error_detail
from ..core.errors import FluxCancelled, FluxError, FluxInputError, http_error
from ..core.location import is_loopback_host
from . import settings

USER_AGENT = "earthmover-flux-qgis"


def check_secure_target(url, authcfg):
    """Refuse to send credentials over plain http to a non-loopback host, unless allowed."""
    if not authcfg:
        return
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname) and not settings.allow_insecure_http():
        raise FluxInputError(
            f"Refusing to send the API key over plain http to {parts.hostname}: use https, or allow "
            "insecure http explicitly in the dock's advanced settings."
        )


def _request(url, headers=None):
    request = QNetworkRequest(QUrl(url))
    request.setRawHeader(b"User-Agent", USER_AGENT.encode())
    # never answer from (or store into) the disk cache: see module docstring
    request.setAttribute(QNetworkRequest.CacheLoadControlAttribute, QNetworkRequest.AlwaysNetwork)
    request.setAttribute(QNetworkRequest.CacheSaveControlAttribute, False)
    for key, value in (headers or {}).items():
        request.setRawHeader(key.encode("latin-1"), value.encode("latin-1"))
    return request


def _forget(url):
    """Drop ``url`` from QGIS's network disk cache.

    QgsBlockingNetworkRequest stores every answer in the cache whatever the request says, and
    Qt then mixes a later error answer for the same URL with the cached body (seen on 3.22: a
    500 came back as 200 with both bodies). Our API and metadata calls must always be live, and
    nothing fetched under a key may be served after that key is revoked.
    """
    cache = QgsNetworkAccessManager.instance().cache()
    if cache is not None:
        cache.remove(QUrl(url))


class _KeyEvents(QObject):
    """Tells the UI thread that a key changed or was refused, from any thread."""

    keyChanged = pyqtSignal(str)  # noqa: N815 (Qt signal naming)  org, or "" for any

    def __init__(self):
        super().__init__()
        self.listeners = {}  # name -> callable(org); by name, so a reloaded module replaces its own
        # queued: listeners (which touch layers) always run on this object's (the UI) thread
        self.keyChanged.connect(self._notify, Qt.QueuedConnection)

    @pyqtSlot(str)
    def _notify(self, org):
        for listener in list(self.listeners.values()):
            listener(org)


KEY_EVENTS = _KeyEvents()  # created on import, which happens on the UI thread


def key_changed(org=""):
    """The key of ``org`` (or of some org) changed or was refused: forget what it fetched."""
    forget_cached_answers()
    KEY_EVENTS.keyChanged.emit(org)


def forget_cached_answers():
    """Empty QGIS's network disk cache.

    QGIS's XYZ provider asks for tiles with PreferCache, so tiles fetched with a key keep being
    shown from the cache after the key changed or was revoked. When the plugin stores a new key
    or sees a 401, nothing cached under the old key may be served again: the cache is emptied
    (it also holds other layers' tiles, which are simply fetched again).
    """
    cache = QgsNetworkAccessManager.instance().cache()
    if cache is not None:
        cache.clear()


def _timeout_seconds():
    return max(1, QgsNetworkAccessManager.timeout() // 1000)


def send(method, url, headers=None, body=None, authcfg="", feedback=None):
    """One HTTP exchange; returns HttpResponse for any HTTP status, raises FluxError below HTTP."""
    check_secure_target(url, authcfg)
    if feedback is not None and feedback.isCanceled():
        raise FluxCancelled()
    _forget(url)
    blocking = QgsBlockingNetworkRequest()
    if authcfg:
        blocking.setAuthCfg(authcfg)
    request = _request(url, headers)
    started = time.monotonic()
    if method == "GET":
        code = blocking.get(request, True, feedback)
    elif method == "POST":
        code = blocking.post(request, QByteArray(body or b""), True, feedback)
    elif method == "DELETE":
        code = blocking.deleteResource(request, feedback)
    else:
        raise ValueError(f"unsupported method {method}")
    if feedback is not None and feedback.isCanceled():
        raise FluxCancelled()
    reply = blocking.reply()
    _forget(url)
    status = reply.attribute(QNetworkRequest.HttpStatusCodeAttribute)
    if status is None or status == 0:
        host = urlsplit(url).hostname or url
        # in a worker thread QGIS aborts a timed-out reply without flagging TimeoutError
        timed_out = time.monotonic() - started >= 0.9 * QgsNetworkAccessManager.timeout() / 1000
        if code == QgsBlockingNetworkRequest.TimeoutError or timed_out:
            raise FluxError(f"{host} did not answer within {_timeout_seconds()} s: the server is slow or "
                            "unreachable. Try again, or raise the timeout in Settings > Options > Network.")
        message = _safe_error_text(blocking.errorMessage(), url)
        raise FluxError(f"Could not reach {host}: {message}. Check the URL, your network and proxy settings.")
    if int(status) == 401:
        key_changed()  # revoked or wrong: nothing fetched with it may be shown again
    headers_out = {bytes(k).decode("latin-1").lower(): bytes(reply.rawHeader(k)).decode("latin-1")
                   for k in reply.rawHeaderList()}
    return HttpResponse(int(status), bytes(reply.content()), headers_out)


def _safe_error_text(text, url):
    # Qt error strings quote the URL; keep them short and drop any userinfo defensively
    text = (text or "network error").replace(url, urlsplit(url).hostname or "")
    return " ".join(text.split())[:200]


def transport(feedback=None):
    """A transport for core.arraylake.ArraylakeClient (headers set by the client, no authcfg)."""

    def _send(method, url, headers, body):
        return send(method, url, headers, body, feedback=feedback)

    return _send


def get(url, what, authcfg="", feedback=None, expect_type=None):
    """GET a Flux service URL with the authcfg; FluxError with a sentence unless HTTP 200."""
    response = send("GET", url, authcfg=authcfg, feedback=feedback)
    if response.status != 200:
        raise http_error(response.status, what, error_detail(response))
    if expect_type:
        ctype = response.headers.get("content-type", "")
        if expect_type not in ctype:
            raise FluxError(f"Could not load {what}: the server answered with {ctype or 'no content type'} "
                            f"instead of {expect_type} (a proxy or login page may be in the way).")
    return response
