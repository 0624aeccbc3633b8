"""The one place where the plugin touches Qt network objects: on the UI thread, and only there.

Why (README, "Threads and network"): PyQt's ``QNetworkAccessManager.get()`` keeps the GIL while
Qt takes its internal signal/slot mutexes, and the UI thread, destroying an object connected to a
Python-made sender, holds such a mutex while sip waits for the GIL: a task thread making requests
deadlocked QGIS. And a reply deleted on a task thread is announced to PyQt's wrapper tracker on
the UI thread late, after the next reply took its address: "wrapped C/C++ object of type
QNetworkReply has been deleted". So:

- the :class:`Engine` lives on the UI thread. It creates every request on the main
  ``QgsNetworkAccessManager.instance()`` (the user's proxy, SSL, timeout and auth settings; the
  authcfg's header from QGIS's auth manager), starts replies asynchronously up to
  ``MAX_IN_FLIGHT``, turns each finished reply into plain data (``core.arraylake.HttpResponse``), deletes it and
  keeps no wrapper of it;
- any thread hands it a :class:`Call` with :meth:`Engine.submit` and gets a :class:`Pending`
  back. Worker threads hand it over through a plain queue and a socket byte (no Qt call: the UI
  thread's ``QSocketNotifier`` wakes up), then wait on a ``threading.Event`` with cancel checks;
- UI code gives a callback (:meth:`Pending.then`), which runs on the UI thread;
- code that must block on the UI thread (the Python console, ``processing.run``,
  ``qgis_process``: there is no other thread) waits in :func:`wait_all`, which runs a
  ``QEventLoop`` (PyQt releases the GIL in ``exec()``), the same as QgsBlockingNetworkRequest does
  inside, but with this engine's redirect rule and concurrency.

Cancel aborts the reply on the UI thread at once: a task's own feedback cancels its calls
directly (:meth:`Engine.cancel_owner`); other callers' waits see their cancel within 50 ms and
hand it over. Redirects: the same origin is followed (at most ``MAX_REDIRECTS``); another host is
followed only for a call without credentials, never from https to http.
"""

import collections
import itertools
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from qgis.core import QgsApplication, QgsNetworkAccessManager, QgsNetworkRequestParameters
from qgis.PyQt.QtCore import QByteArray, QEventLoop, QObject, QSocketNotifier, QTimer, QUrl
from qgis.PyQt.QtNetwork import QNetworkReply, QNetworkRequest

from ..core.arraylake import HttpResponse
from ..core.errors import FluxCancelled, FluxError, FluxInputError
from . import auth

USER_AGENT = "earthmover-flux-qgis"
# QGIS's way to say who made a request (its Network Logger shows it; tests find the plugin's by it)
INITIATOR = "EarthmoverFlux"
MAX_IN_FLIGHT = 6  # Qt opens at most 6 connections per host: more would only queue inside Qt
MAX_REDIRECTS = 5
WAIT_SLICE = 0.05  # seconds between a waiting thread's cancel checks
# a worker gives up when the UI thread has not even started its call after this long (the UI
# thread is blocked: waiting for the worker itself would never end)
START_GRACE = 60.0

_Error = QNetworkReply.NetworkError
_INITIATOR_ATTRIBUTE = QNetworkRequest.Attribute(QgsNetworkRequestParameters.AttributeInitiatorClass)
_INITIATOR_ID_ATTRIBUTE = QNetworkRequest.Attribute(QgsNetworkRequestParameters.AttributeInitiatorRequestId)
_REDIRECTS = (301, 302, 303, 307, 308)


def on_ui_thread():
    """True on QGIS's main (GUI) thread; pure Python, no Qt call."""
    return threading.get_ident() == threading.main_thread().ident


class ThreadRuleError(RuntimeError):
    """Plugin code broke the thread rule (a bug, never the user's doing)."""


@dataclass
class Call:
    """One HTTP exchange to make, as plain data (made on any thread)."""

    method: str
    url: str
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    authcfg: str = ""  # Basic header from QGIS's auth manager
    bearer_authcfg: str = ""  # the same config's password as a Bearer token (the management API)
    allow_insecure: bool = False  # credentials over plain http to a non-loopback host: the user allowed it


class Pending:
    """A call handed to the engine: done with an HttpResponse or an error (FluxError)."""

    _ids = itertools.count(1)

    def __init__(self, engine, call, owner=None):
        self.id = next(self._ids)
        self.engine = engine
        self.call = call
        self.owner = owner  # what may cancel it as a whole (a task's feedback)
        self.answer = None
        self.error = None
        self.cancel_requested = False
        self.started_at = None  # monotonic time the UI thread started it (first hop)
        self.hops = 0
        self._event = threading.Event()
        self._callbacks = []
        self._notify = None  # a SimpleQueue to put self into when done (gather)

    def done(self):
        return self._event.is_set()

    def cancel(self):
        """Abort it (any thread): at once on the UI thread, at the UI thread's next turn from others."""
        if self.done():
            return
        self.cancel_requested = True
        if on_ui_thread():
            self.engine.pump()
        else:
            self.engine.wake()

    def then(self, callback):
        """``callback(pending)`` on the UI thread when done (at once when done already)."""
        if self.done():
            callback(self)
        else:
            self._callbacks.append(callback)
        return self

    def result(self):
        if self.error is not None:
            raise self.error
        return self.answer

    def wait(self, cancelled=None):
        """The answer, blocking (worker threads: a queue wait; UI thread: a local event loop)."""
        wait_all([self], cancelled)
        return self.result()

    def _finish(self, answer=None, error=None):  # UI thread
        if self.done():
            return
        self.answer, self.error = answer, error
        self.owner = None
        self._event.set()
        if self._notify is not None:
            self._notify.put(self)
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            _guarded(callback, self)


class Engine(QObject):
    """Makes every request of the plugin, on the UI thread (module docstring)."""

    def __init__(self, on_unauthorized=None, read_bearer=None, parent=None):
        if not on_ui_thread():
            raise ThreadRuleError("The Earthmover Flux network engine must be made on the UI thread.")
        super().__init__(parent)
        self.on_unauthorized = on_unauthorized  # f(url) on the UI thread, for a 401
        self.read_bearer = read_bearer  # f(authcfg) -> token, on the UI thread
        self._lock = threading.Lock()
        self._incoming = collections.deque()  # from any thread, under _lock
        self._queued = collections.deque()  # UI thread only
        self._running = {}  # pending id -> (pending, reply, aborted by us); UI thread only
        self.closed = False
        self.started = 0  # counters, for tests and the soak
        self.finished = 0
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)

    # -- any thread ------------------------------------------------------------------------
    def submit(self, call, owner=None):
        pending = Pending(self, call, owner)
        with self._lock:
            closed = self.closed
            if not closed:
                self._incoming.append(pending)
        if closed:
            pending.error = FluxCancelled("Cancelled: the plugin was unloaded.")
            pending._event.set()
            return pending
        if on_ui_thread():
            self.pump()
        else:
            self.wake()
        return pending

    def wake(self):
        """Ask the UI thread to look at the queue: one byte on a socket, no Qt call."""
        try:
            self._writer.send(b"\0")
        except (BlockingIOError, OSError):
            pass  # the buffer is full of wake-ups already, or the engine is shut down

    def in_flight(self):
        with self._lock:
            waiting = len(self._incoming)
        return waiting + len(self._queued) + len(self._running)

    # -- UI thread -------------------------------------------------------------------------
    def _woken(self, *_args):
        try:
            while self._reader.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass
        self.pump()

    def pump(self):
        """Take calls in, drop or abort the cancelled ones, start what fits."""
        if not on_ui_thread():
            raise ThreadRuleError("Engine.pump runs on the UI thread only.")
        with self._lock:
            while self._incoming:
                self._queued.append(self._incoming.popleft())
        for pending in [p for p in self._queued if p.cancel_requested]:
            self._queued.remove(pending)
            pending._finish(error=FluxCancelled())
        for key, (pending, reply, _ours) in list(self._running.items()):
            if pending.cancel_requested and key in self._running:
                self._running[key] = (pending, reply, True)
                reply.abort()  # finishes it at once (_finished runs inside)
        while self._queued and len(self._running) < MAX_IN_FLIGHT and not self.closed:
            pending = self._queued.popleft()
            pending.started_at = time.monotonic()
            self._start(pending, pending.call.url, pending.call.method, pending.call.body)

    def cancel_owner(self, owner):
        """Abort every call of ``owner`` (a task's feedback) at once."""
        with self._lock:
            waiting = [p for p in self._incoming if p.owner is owner]
        for pending in waiting + [p for p in self._queued if p.owner is owner] + \
                [p for p, _r, _o in self._running.values() if p.owner is owner]:
            pending.cancel_requested = True
        self.pump()

    def shutdown(self):
        """Plugin unload: abort everything in flight, refuse new calls, free the socket."""
        with self._lock:
            self.closed = True
            pending = list(self._incoming)
            self._incoming.clear()
        for p in pending + list(self._queued) + [p for p, _r, _o in self._running.values()]:
            p.cancel_requested = True
        self._queued.extend(pending)
        self.pump()
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()

    def _start(self, pending, url, method, body):
        call = pending.call
        try:
            request = self._request(call, url, pending.id)
        except FluxError as exc:
            pending._finish(error=exc)
            return
        manager = QgsNetworkAccessManager.instance()
        if method == "GET":
            reply = manager.get(request)
        elif method == "POST":
            reply = manager.post(request, QByteArray(body or b""))
        elif method == "DELETE":
            reply = manager.deleteResource(request)
        else:
            pending._finish(error=FluxError(f"Unsupported HTTP method {method}."))
            return
        if call.authcfg:
            QgsApplication.authManager().updateNetworkReply(reply, call.authcfg)
        self.started += 1
        self._running[pending.id] = (pending, reply, False)
        reply.finished.connect(lambda key=pending.id: self._finished(key))

    def _request(self, call, url, call_id):
        from ..core.location import is_loopback_host

        parts = urlsplit(url)
        if (call.authcfg or call.bearer_authcfg) and parts.scheme == "http" \
                and not is_loopback_host(parts.hostname) and not call.allow_insecure:
            raise FluxInputError(f"Refusing to send the API key over plain http to {parts.hostname}: use https, "
                                 "or allow insecure http explicitly in the dock's advanced settings.")
        request = QNetworkRequest(QUrl(url))
        request.setRawHeader(b"User-Agent", USER_AGENT.encode())
        request.setAttribute(_INITIATOR_ATTRIBUTE, INITIATOR)
        request.setAttribute(_INITIATOR_ID_ATTRIBUTE, call_id)
        # never answered from, or stored into, QGIS's disk cache: an answer fetched under a key
        # must never be served after that key is changed or revoked
        request.setAttribute(QNetworkRequest.Attribute.CacheLoadControlAttribute,
                             QNetworkRequest.CacheLoadControl.AlwaysNetwork)
        request.setAttribute(QNetworkRequest.Attribute.CacheSaveControlAttribute, False)
        # redirects are this engine's to follow (_redirect): Qt 6 would follow them by itself
        request.setAttribute(QNetworkRequest.Attribute.RedirectPolicyAttribute,
                             QNetworkRequest.RedirectPolicy.ManualRedirectPolicy)
        for key, value in (call.headers or {}).items():
            request.setRawHeader(key.encode("latin-1"), value.encode("latin-1"))
        if call.bearer_authcfg:
            token = self.read_bearer(call.bearer_authcfg)  # may raise FluxError (locked database)
            request.setRawHeader(b"Authorization", f"Bearer {token}".encode("latin-1"))
        if call.authcfg and not auth.apply_basic(request, call.authcfg):
            raise FluxError("Could not use the saved credentials: the QGIS authentication database is locked or "
                            "the configuration is missing. Unlock it (master password) or save the key again.")
        return request

    def _finished(self, key):  # reply.finished, UI thread: never raises into Qt
        entry = self._running.pop(key, None)
        if entry is None:
            return
        pending, reply, aborted_by_us = entry
        self.finished += 1
        try:
            answer, error = self._read(reply, pending, aborted_by_us)
        except Exception as exc:  # noqa: BLE001 - the caller gets a sentence, never a hang
            answer, error = None, FluxError(f"Could not read the server's answer ({type(exc).__name__}).")
        finally:
            reply.deleteLater()  # Qt frees it once this slot has returned
        del reply  # and no Python wrapper of it outlives this slot
        if answer is not None and answer.status in _REDIRECTS and "location" in answer.headers:
            try:
                error = self._redirect(pending, answer)
            except Exception as exc:  # noqa: BLE001
                error = FluxError(f"Could not follow the server's redirect ({type(exc).__name__}).")
            if error is None:
                _guarded(self.pump)
                return  # on its way again
            answer = None
        if answer is not None and answer.status == 401 and self.on_unauthorized is not None:
            _guarded(self.on_unauthorized, pending.call.url)
        pending._finish(answer, error)
        _guarded(self.pump)

    def _read(self, reply, pending, aborted_by_us):
        """(HttpResponse, None) for any HTTP status; (None, FluxError) below HTTP."""
        url = reply.url().toString()
        host = urlsplit(pending.call.url).hostname or "the server"
        code = reply.error()
        if aborted_by_us or pending.cancel_requested:
            return None, FluxCancelled()
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        if code == _Error.OperationCanceledError:
            # not aborted by us: QGIS's network manager aborts a request at its timeout
            return None, FluxError(f"{host} did not answer within {_timeout_seconds()} s: the server is slow or "
                                   "unreachable. Try again, or raise the timeout in Settings > Options > Network.")
        transport = code != _Error.NoError and (int(code) < 100 or code in (
            _Error.ProtocolFailure, _Error.UnknownProxyError, _Error.ProxyConnectionRefusedError,
            _Error.ProxyConnectionClosedError, _Error.ProxyNotFoundError, _Error.ProxyTimeoutError))
        complete = True
        if code == _Error.RemoteHostClosedError and status:
            complete, transport = False, False  # the body as far as it came: the caller decides (expect_ok)
        if transport or not status:
            text = _safe_error_text(reply.errorString(), url, host)
            return None, FluxError(f"Could not reach {host}: {text}. Check the URL, your network and proxy "
                                   "settings.")
        headers = {bytes(k).decode("latin-1").lower(): bytes(reply.rawHeader(k)).decode("latin-1")
                   for k in reply.rawHeaderList()}
        return HttpResponse(int(status), bytes(reply.readAll()), headers, url, complete), None

    def _redirect(self, pending, answer):
        """Start the next hop of a redirect (None), or the error that refuses it."""
        call = pending.call
        target = urljoin(answer.url, answer.headers["location"])
        here, there = urlsplit(answer.url), urlsplit(target)
        pending.hops += 1
        if pending.hops > MAX_REDIRECTS:
            return FluxError(f"{here.hostname} redirected the request more than {MAX_REDIRECTS} times: the "
                             "service URL is wrong or the server is misconfigured.")
        if there.scheme not in ("http", "https") or (here.scheme == "https" and there.scheme == "http"):
            return FluxError(f"{here.hostname} redirected the request from https to an insecure address "
                             f"({there.scheme}://{there.hostname}); it was not followed. Check the service URL.")
        same_origin = (here.scheme, here.hostname, here.port) == (there.scheme, there.hostname, there.port)
        if not same_origin and (call.authcfg or call.bearer_authcfg):
            return FluxError(f"{here.hostname} redirected the request to another host ({there.hostname}); the "
                             "plugin does not send your API key there. Check the service URL in the dock's "
                             "advanced settings, or ask the service's owner.")
        method, body = call.method, call.body
        if answer.status == 303 or (answer.status in (301, 302) and method == "POST"):
            method, body = "GET", b""
        self._start(pending, target, method, body)
        return None


def _guarded(callback, *args):
    """A callback run from a Qt slot must never raise into Qt: log it with its traceback."""
    try:
        callback(*args)
    except Exception:  # noqa: BLE001 - reported, never raised into Qt's event loop
        import traceback

        from qgis.core import Qgis, QgsMessageLog

        QgsMessageLog.logMessage("Earthmover Flux: a callback failed:\n" + traceback.format_exc(limit=8),
                                 "Earthmover Flux", Qgis.Critical)


def _timeout_seconds():
    return max(1, QgsNetworkAccessManager.timeout() // 1000)


def _safe_error_text(text, url, host):
    # Qt's error strings quote the URL: keep the host only (never a query, never userinfo)
    text = (text or "network error").replace(url, host)
    return " ".join(text.split())[:200]


# -- waiting ----------------------------------------------------------------------------------
class Waiter:
    """Hands one waiting caller the calls it submitted as they finish (any thread).

    Worker threads wait on a plain queue; the UI thread (console, processing.run, qgis_process:
    no other thread could make the requests) runs a local event loop that a finished call or the
    50 ms watch timer quits. ``cancelled()`` is looked at every WAIT_SLICE: when it turns true the
    calls not yet finished are cancelled and FluxCancelled is raised."""

    def __init__(self, cancelled=None):
        import queue

        self.cancelled = cancelled
        self.finished = queue.SimpleQueue()
        self.ui = on_ui_thread()
        self.loop = QEventLoop() if self.ui else None
        self.since = time.monotonic()

    def add(self, pending):
        pending._notify = self
        if pending.done():
            self.put(pending)
        return pending

    def put(self, pending):  # Pending._finish, UI thread
        self.finished.put(pending)
        if self.loop is not None:
            self.loop.quit()

    def next(self, outstanding):
        """The next finished call (blocking); ``outstanding``: the calls still expected."""
        import queue

        watch = None
        try:
            while True:
                try:
                    return self.finished.get_nowait() if self.ui else self.finished.get(timeout=WAIT_SLICE)
                except queue.Empty:
                    pass
                if self.cancelled is not None and self.cancelled():
                    _cancel_rest(outstanding)
                    raise FluxCancelled()
                if self.ui:
                    if watch is None:
                        watch = QTimer()
                        watch.setInterval(int(WAIT_SLICE * 1000))
                        watch.timeout.connect(self.loop.quit)  # a C++ slot: no Python proxy
                        watch.start()
                    self.loop.exec()
                else:
                    _check_stalled(outstanding, self.since)
        finally:
            if watch is not None:
                watch.stop()


def wait_all(pendings, cancelled=None):
    """Block until every pending is done (see Waiter); FluxCancelled when ``cancelled()``."""
    waiter = Waiter(cancelled)
    left = [waiter.add(p) for p in pendings]
    while left:
        done = waiter.next(left)
        left = [p for p in left if p is not done]


def _cancel_rest(pendings):
    for pending in pendings:
        if not pending.done():
            pending.cancel()


def _check_stalled(pendings, since):
    """A worker must not wait for ever on a UI thread that never runs its event loop."""
    waiting = [p for p in pendings if not p.done() and p.started_at is None]
    if waiting and time.monotonic() - since > START_GRACE + _timeout_seconds():
        _cancel_rest(pendings)
        raise FluxError("QGIS's main thread did not start the plugin's network request: it is busy or blocked. "
                        "Try again when QGIS responds.")
