"""HTTP through QGIS's own network stack, so the user's proxy, SSL and auth settings apply.

Blocking calls (QgsBlockingNetworkRequest) are meant for background tasks and Processing
algorithms; the dock runs them inside a QgsTask, never on the UI thread. Every call bypasses
QGIS's disk cache: an answer cached under a revoked key must never be served again. The one
thing the plugin puts into that cache itself is a WMS capabilities document it has just read,
for the layer's own provider to take instead of asking again (share_answer).
"""

import os
import time
import traceback
from urllib.parse import unquote, urlsplit

from qgis.core import QgsApplication, QgsBlockingNetworkRequest, QgsNetworkAccessManager, QgsSettings
from qgis.PyQt.QtCore import (
    QByteArray,
    QCoreApplication,
    QDateTime,
    QEventLoop,
    QObject,
    Qt,
    QThread,
    QTimer,
    QUrl,
    pyqtSignal,
    pyqtSlot,
)
from qgis.PyQt.QtNetwork import QNetworkCacheMetaData, QNetworkReply, QNetworkRequest

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
    request.setAttribute(QNetworkRequest.Attribute.CacheLoadControlAttribute,
                         QNetworkRequest.CacheLoadControl.AlwaysNetwork)
    request.setAttribute(QNetworkRequest.Attribute.CacheSaveControlAttribute, False)
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
        self.keyChanged.connect(self._notify, Qt.ConnectionType.QueuedConnection)

    @pyqtSlot(str)
    def _notify(self, org):
        for listener in list(self.listeners.values()):
            listener(org)


KEY_EVENTS = _KeyEvents()  # created on import, which happens on the UI thread


def key_changed(org=""):
    """The key of ``org`` (or of some org) changed or was refused: forget what it fetched."""
    forget_cached_answers(org)
    KEY_EVENTS.keyChanged.emit(org)


def org_of_url(url):
    """The organization a Flux or Arraylake URL belongs to ('' when it names none).

    Flux: ``.../v1/services/{service}/{org}/...``; the management API: ``.../orgs/{org}/...``.
    """
    segments = [unquote(s) for s in urlsplit(str(url)).path.split("/")]
    for i in range(len(segments) - 3):
        if segments[i] == "v1" and segments[i + 1] == "services" and segments[i + 3]:
            return segments[i + 3]
    for i in range(len(segments) - 1):
        if segments[i] == "orgs" and segments[i + 1]:
            return segments[i + 1]
    return ""


def is_flux_url(url):
    return "/v1/services/" in urlsplit(str(url)).path


def cache_directory(cache=None):
    cache = cache or QgsNetworkAccessManager.instance().cache()
    folder = cache.cacheDirectory() if cache is not None and hasattr(cache, "cacheDirectory") else ""
    if not folder:  # QGIS sets its disk cache up on first use; the setting (or default) says where
        folder = QgsSettings().value("cache/directory", "") or os.path.join(
            QgsApplication.qgisSettingsDirPath(), "cache")
    return folder


def cached_urls(cache=None):
    """Every URL in QGIS's network disk cache, read from the cache files' own headers."""
    cache = cache or QgsNetworkAccessManager.instance().cache()
    folder = cache_directory(cache)
    if cache is None or not hasattr(cache, "fileMetaData") or not os.path.isdir(folder):
        return []
    urls = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name.endswith(".d"):
                meta = cache.fileMetaData(os.path.join(root, name))
                if meta.isValid():
                    urls.append(meta.url())
    return urls


def forget_cached_answers(org=""):
    """Drop ``org``'s Flux answers (every Flux answer for '') from QGIS's network disk cache.

    QGIS's XYZ and WMS providers ask for tiles with PreferCache, so tiles fetched with a key keep
    being shown from the cache after the key changed or was revoked. When the plugin stores a new
    key or sees a 401, nothing cached under that org's old key may be served again; everything
    else in the cache (other organizations, other plugins, OSM tiles...) stays. Returns how many
    entries were dropped.
    """
    for key in [k for k in _RECENT if not org or org_of_url(k) == org]:
        del _RECENT[key]
    cache = QgsNetworkAccessManager.instance().cache()
    if cache is None:
        return 0
    dropped = 0
    for url in cached_urls(cache):
        text = url.toString()
        if is_flux_url(text) and (not org or org_of_url(text) == org) and cache.remove(url):
            dropped += 1
    return dropped


_RECENT = {}  # key -> (monotonic time, body, content type): documents read lately, to share with QGIS
RECENT_SECONDS = 300
RECENT_MAX = 4  # a WMS capabilities document of a long time axis is about a megabyte


def remember_answer(key, body, content_type):
    """Keep a document the plugin just read (``key``: usually its URL without the query)."""
    _RECENT.pop(key, None)
    _RECENT[key] = (time.monotonic(), bytes(body), content_type)
    while len(_RECENT) > RECENT_MAX:
        _RECENT.pop(next(iter(_RECENT)))


def share_remembered(key, url, seconds=120):
    """Put the document remembered under ``key`` into QGIS's disk cache as the answer to ``url``
    (see share_answer), if it was read less than RECENT_SECONDS ago."""
    entry = _RECENT.get(key)
    if entry is None or time.monotonic() - entry[0] > RECENT_SECONDS:
        return False
    return share_answer(url, entry[1], entry[2], seconds)


def share_answer(url, body, content_type, seconds=120):
    """Store ``body`` in QGIS's network disk cache as the answer to ``url``, fresh for ``seconds``.

    For a request QGIS itself is about to make with PreferCache (its WMS provider reads a layer's
    GetCapabilities so) when the plugin has just read the same document: the provider then takes
    it from the cache instead of asking the server again. Only the body and its content type are
    stored (no request header: no credentials). Returns whether it was stored.
    """
    cache = QgsNetworkAccessManager.instance().cache()
    if cache is None or not hasattr(cache, "prepare"):
        return False
    meta = QNetworkCacheMetaData()
    meta.setUrl(QUrl(url))
    meta.setSaveToDisk(True)
    meta.setExpirationDate(QDateTime.currentDateTimeUtc().addSecs(int(seconds)))
    meta.setRawHeaders([(QByteArray(b"Content-Type"), QByteArray(content_type.encode("latin-1")))])
    meta.setAttributes({QNetworkRequest.Attribute.HttpStatusCodeAttribute: 200,
                        QNetworkRequest.Attribute.HttpReasonPhraseAttribute: QByteArray(b"OK")})
    device = cache.prepare(meta)
    if device is None:
        return False
    device.write(QByteArray(bytes(body)))
    cache.insert(device)
    return True


def _timeout_seconds():
    return max(1, QgsNetworkAccessManager.timeout() // 1000)


def send(method, url, headers=None, body=None, authcfg="", feedback=None):
    """One HTTP exchange; returns HttpResponse for any HTTP status, raises FluxError below HTTP."""
    check_secure_target(url, authcfg)
    if feedback is not None and feedback.isCanceled():
        raise FluxCancelled()
    _forget(url)
    request = _request(url, headers)
    started = time.monotonic()
    if method not in ("GET", "POST", "DELETE"):
        raise ValueError(f"unsupported method {method}")
    if QThread.currentThread() != QCoreApplication.instance().thread() and feedback is not None:
        reply, error_text = _send_in_worker(method, request, body, authcfg, feedback)
        code = None
    else:
        blocking = QgsBlockingNetworkRequest()
        if authcfg:
            blocking.setAuthCfg(authcfg)
        if method == "GET":
            code = blocking.get(request, True, feedback)
        elif method == "POST":
            code = blocking.post(request, QByteArray(body or b""), True, feedback)
        else:
            code = blocking.deleteResource(request, feedback)
        reply, error_text = blocking.reply(), None
    try:
        if feedback is not None and feedback.isCanceled():
            raise FluxCancelled()
        return _response(reply, url, started, code, error_text if error_text is not None else blocking.errorMessage())
    except FluxError as exc:
        error = exc
    reply = None  # noqa: F841 - this frame stays in the traceback: it must not hold the reply
    raise _without_replies(error)


def _without_replies(error):
    """``error`` with the local variables of the finished frames in its traceback cleared.

    A traceback keeps its frames' locals alive, and the error of a failed or cancelled request is
    kept (a task's error, the console's last traceback), so a frame that held one of our replies
    kept its Python wrapper alive after Qt deleted the reply. sip finds wrappers by address, and a
    stale one can be handed out for a new reply at the same address. make bench twice met
    "wrapped C/C++ object of type QNetworkReply has been deleted" on a reply get_many had just
    started; this removes that source of stale wrappers. Whether it was the only one is not
    proven (README, Benchmarks). The messages and line numbers of the traceback stay."""
    traceback.clear_frames(error.__traceback__)
    return error


def _response(reply, url, started, code, error_text):
    """HttpResponse of a finished reply (ours or QgsBlockingNetworkRequest's copy); FluxError when
    no HTTP answer came (timeout, unreachable). A 401 forgets what the org's key fetched."""
    _forget(url)
    status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
    if status is None or status == 0:
        host = urlsplit(url).hostname or url
        # in a worker thread QGIS aborts a timed-out reply without flagging TimeoutError
        timed_out = time.monotonic() - started >= 0.9 * QgsNetworkAccessManager.timeout() / 1000
        if code == QgsBlockingNetworkRequest.TimeoutError or timed_out:
            raise FluxError(f"{host} did not answer within {_timeout_seconds()} s: the server is slow or "
                            "unreachable. Try again, or raise the timeout in Settings > Options > Network.")
        message = _safe_error_text(error_text, url)
        raise FluxError(f"Could not reach {host}: {message}. Check the URL, your network and proxy settings.")
    if int(status) == 401:
        key_changed(org_of_url(url))  # revoked or wrong: nothing fetched with it may be shown again
    headers_out = {bytes(k).decode("latin-1").lower(): bytes(reply.rawHeader(k)).decode("latin-1")
                   for k in reply.rawHeaderList()}
    if hasattr(reply, "content"):  # QgsBlockingNetworkRequest's copy
        content = bytes(reply.content())
    else:  # our own QNetworkReply (worker threads): read it, freed by its thread's next event loop
        content = bytes(reply.readAll())
        reply.deleteLater()
    return HttpResponse(int(status), content, headers_out)


def _start(manager, method, request, body, authcfg):
    """The reply of ``request`` started on ``manager``, with the authcfg's header from QGIS's auth
    manager (FluxError when the auth database cannot give it)."""
    if authcfg and not QgsApplication.authManager().updateNetworkRequest(request, authcfg):
        raise FluxError("Could not use the saved credentials: the QGIS authentication database is locked or "
                        "the configuration is missing. Unlock it (master password) or save the key again.")
    if method == "GET":
        reply = manager.get(request)
    elif method == "POST":
        reply = manager.post(request, QByteArray(body or b""))
    else:
        reply = manager.deleteResource(request)
    if authcfg:
        QgsApplication.authManager().updateNetworkReply(reply, authcfg)
    return reply


def _send_in_worker(method, request, body, authcfg, feedback):
    """The request on this (task) thread's own network manager, in a local event loop that looks
    at ``feedback`` every 50 ms and aborts the reply when it is cancelled.

    Why not QgsBlockingNetworkRequest here: in a worker thread it waits on a condition without
    processing events, so the abort that Cancel queues to it runs only once the reply is done, and
    a cancelled request the server holds was seen to never return at all (tests/test_dock.py).
    The request is the same: QGIS's manager for this thread (proxy, SSL, timeout settings) and the
    authcfg's Basic header from QGIS's auth manager. Returns (reply, error text)."""
    reply = _start(QgsNetworkAccessManager.instance(), method, request, body, authcfg)  # this thread's own
    # Only C++ slots are connected here: a Python callable connected in a worker thread makes
    # PyQt create a slot proxy in a table shared with the UI thread, and creating and deleting
    # those from task threads corrupted it (QGIS 3.22 crashed in the UI thread, in PyQt's proxy
    # code: CI, and run 2 of 2 of the suite's first 97 tests under gdb; none in 8 runs since).
    # The loop wakes every 50 ms to look at Cancel.
    loop = QEventLoop()
    reply.finished.connect(loop.quit)
    watch = QTimer()
    watch.setInterval(50)
    watch.timeout.connect(loop.quit)
    watch.start()
    while not reply.isFinished():
        if feedback.isCanceled():
            reply.abort()  # finishes the reply at once (error OperationCanceledError)
            break
        loop.exec()
    watch.stop()
    error_text = reply.errorString() if reply.error() != QNetworkReply.NetworkError.NoError else ""
    return reply, error_text


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
    return _expect_ok(send("GET", url, authcfg=authcfg, feedback=feedback), what, expect_type)


def _expect_ok(response, what, expect_type=None):
    if response.status != 200:
        raise http_error(response.status, what, error_detail(response))
    if expect_type:
        ctype = response.headers.get("content-type", "")
        if expect_type not in ctype:
            raise FluxError(f"Could not load {what}: the server answered with {ctype or 'no content type'} "
                            f"instead of {expect_type} (a proxy or login page may be in the way).")
    return response


def get_many(urls, what, authcfg="", feedback=None, concurrency=4, handle=None):
    """GET every URL as :func:`get` does, up to ``concurrency`` at once; the answers in the order of ``urls``.

    No worker threads: the requests start asynchronously on this thread's own QGIS network
    manager (the user's proxy, SSL and timeout settings; the authcfg's header from QGIS's auth
    manager) and a local event loop runs until they are done, so the batches overlap on the UI
    thread as well as in a task. Every 50 ms (and at each answer) the loop looks at ``feedback``:
    Cancel aborts the replies in flight and sends no more; progress is reported as answers
    arrive. The first failure is raised and the other requests are aborted.

    ``handle(index, response)``: called as each answer arrives (while the others are still on the
    way); its result is returned in place of the response, and what it raises is raised here.

    Only C++ slots are connected (reply.finished and the 50 ms timer quit the local loop), as in
    _send_in_worker: Python callables connected from task threads crashed QGIS 3.22 (PyQt slot
    proxies); the answers are collected in the Python loop around exec().
    """
    urls = list(urls)
    for url in urls:
        check_secure_target(url, authcfg)
    if feedback is not None and feedback.isCanceled():
        raise FluxCancelled()
    if not urls:
        return []
    manager = QgsNetworkAccessManager.instance()  # this thread's own instance
    responses = [None] * len(urls)
    running = {}  # index -> (reply, started)
    state = {"next": 0, "done": 0, "error": None}
    loop = QEventLoop()

    def cancelled():
        return feedback is not None and feedback.isCanceled()

    def fail(exc):
        if state["error"] is None:
            state["error"] = exc
        for reply, _started in running.values():
            if reply.isRunning():
                reply.abort()  # finishes it at once: collected by the loop below

    def start_more():
        while state["next"] < len(urls) and len(running) < concurrency and state["error"] is None and not cancelled():
            index = state["next"]
            state["next"] += 1
            _forget(urls[index])
            try:
                reply = _start(manager, "GET", _request(urls[index]), None, authcfg)
            except FluxError as exc:
                fail(exc)
                return
            reply.finished.connect(loop.quit)
            running[index] = (reply, time.monotonic())

    def collect(index):
        reply, started = running.pop(index)
        try:
            if state["error"] is None and not cancelled():
                error_text = reply.errorString() if reply.error() != QNetworkReply.NetworkError.NoError else ""
                response = _expect_ok(_response(reply, urls[index], started, None, error_text), what)
                responses[index] = handle(index, response) if handle is not None else response
                state["done"] += 1
                if feedback is not None:
                    feedback.setProgress(100.0 * state["done"] / len(urls))
        except Exception as exc:  # noqa: BLE001 - raised to the caller once the loop has ended
            fail(exc)
        finally:
            reply.deleteLater()  # freed by this thread's event loop

    watch = QTimer()
    watch.setInterval(50)
    watch.timeout.connect(loop.quit)
    start_more()
    watch.start()
    try:
        while running:
            if cancelled() and state["error"] is None:
                fail(FluxCancelled())
            finished = [index for index, (reply, _started) in running.items() if reply.isFinished()]
            for index in finished:
                collect(index)
            start_more()
            if running and not finished:
                loop.exec()
    finally:
        watch.stop()
    if state["error"] is None and cancelled():
        state["error"] = FluxCancelled()
    if state["error"] is not None:
        raise _without_replies(state["error"])
    return responses
