"""HTTP for the rest of the plugin: blocking calls for any thread, callbacks for the UI.

Everything goes through the one :class:`~.engine.Engine` on the UI thread (engine.py says why),
so QGIS's network stack applies (proxy, SSL, timeout, the authcfg's header from QGIS's auth
manager) and no thread but the UI thread touches a Qt network object.

- :func:`send`, :func:`get`, :func:`get_many`: blocking. From a worker thread (a task, Processing
  run in the background) they hand the calls to the engine and wait; on the UI thread (console,
  ``processing.run``, ``qgis_process``) they wait in a local event loop. ``feedback`` (a QgsFeedback,
  or a task's :class:`~.tasks.TaskFeedback`) cancels them.
- :func:`request`: asynchronous, for UI code: ``on_done(response, error)`` runs on the UI thread.
"""

from urllib.parse import urlsplit

from ..core.arraylake import error_detail
from ..core.errors import FluxCancelled, FluxError, http_error
from ..core.location import org_of_url
from . import auth, forecast_time, keys, settings
from . import engine as _engine
from .engine import INITIATOR, USER_AGENT, Call, on_ui_thread  # noqa: F401 (the tests look for them)

_ENGINE = []  # the one engine (a list, so a reloaded module starts a new one)


def engine():
    """The plugin's network engine, made on first use (on the UI thread)."""
    if _ENGINE and not _ENGINE[0].closed:
        return _ENGINE[0]
    if not on_ui_thread():
        raise FluxError("The Earthmover Flux network engine is not running: load the plugin (or call the API once "
                        "from QGIS's main thread) before using it from a background thread.")
    settings.load()  # workers read the plugin's settings from this snapshot, never from QgsSettings
    made = _engine.Engine(on_unauthorized=_unauthorized, read_bearer=_read_bearer)
    _ENGINE[:] = [made]
    forecast_time.register()  # forecast layers' requests: each render's valid time as run + lead time
    return made


def shutdown():
    """Plugin unload: abort every request in flight; nothing is left running."""
    forecast_time.unregister()
    if _ENGINE:
        _ENGINE.pop().shutdown()


def _read_bearer(authcfg):
    return auth.read_credentials(authcfg)[1]


def _unauthorized(url):
    keys.key_changed(org_of_url(url))  # revoked or wrong: nothing fetched with it may be shown again


# -- blocking calls ---------------------------------------------------------------------------
def _owner(feedback):
    # a task's own feedback cancels its calls directly on the UI thread (tasks.TaskFeedback)
    return feedback if getattr(feedback, "cancels_requests", False) else None


def _cancel_check(feedback):
    return feedback.isCanceled if feedback is not None else None


def call_for(method, url, headers=None, body=None, authcfg="", bearer_authcfg=""):
    """The engine's Call for one exchange (the user's insecure-http choice taken from the settings)."""
    return Call(method=method, url=url, headers=dict(headers or {}), body=body or b"", authcfg=authcfg or "",
                bearer_authcfg=bearer_authcfg or "", allow_insecure=settings.allow_insecure_http())


def send(method, url, headers=None, body=None, authcfg="", feedback=None, bearer_authcfg=""):
    """One HTTP exchange; returns HttpResponse for any HTTP status, raises FluxError below HTTP."""
    if method not in ("GET", "POST", "DELETE"):
        raise ValueError(f"unsupported method {method}")
    if feedback is not None and feedback.isCanceled():
        raise FluxCancelled()
    pending = engine().submit(call_for(method, url, headers, body, authcfg, bearer_authcfg), _owner(feedback))
    return pending.wait(_cancel_check(feedback))


def get(url, what, authcfg="", feedback=None, expect_type=None, allow_partial=False):
    """GET a Flux service URL with the authcfg; FluxError with a sentence unless HTTP 200.
    ``allow_partial``: a body the connection broke off in is returned (``complete`` False) for a
    decoder that can say where it broke; otherwise that is an error."""
    return expect_ok(send("GET", url, authcfg=authcfg, feedback=feedback), what, expect_type, allow_partial)


def expect_ok(response, what, expect_type=None, allow_partial=False):
    if response.status != 200:
        raise http_error(response.status, what, error_detail(response))
    if not response.complete and not allow_partial:
        host = urlsplit(response.url).hostname or "the server"
        raise FluxError(f"Could not load {what}: the connection to {host} broke off before the answer was "
                        "complete. Try again; if it keeps happening, a proxy or the network drops it.")
    if expect_type:
        ctype = response.headers.get("content-type", "")
        if expect_type not in ctype:
            raise FluxError(f"Could not load {what}: the server answered with {ctype or 'no content type'} "
                            f"instead of {expect_type} (a proxy or login page may be in the way).")
    return response


def transport(feedback=None, bearer_authcfg=""):
    """A transport for core.arraylake.ArraylakeClient. With ``bearer_authcfg`` the engine adds the
    config's key as a Bearer token on the UI thread: the key never passes through a worker."""

    def _send(method, url, headers, body):
        return send(method, url, headers, body, feedback=feedback, bearer_authcfg=bearer_authcfg)

    return _send


def get_many(urls, what, authcfg="", feedback=None, concurrency=4, handle=None):
    """GET every URL as :func:`get` does, up to ``concurrency`` at once; the answers in the order of ``urls``.

    Progress is reported as answers arrive; Cancel aborts the requests in flight and sends no more;
    the first failure is raised and the other requests are aborted. ``handle(index, response)``
    runs on the calling thread as each answer arrives (while the others are on the way); its
    result is returned in place of the response, and what it raises is raised here.
    """
    urls = list(urls)
    if feedback is not None and feedback.isCanceled():
        raise FluxCancelled()
    if not urls:
        return []
    eng, owner = engine(), _owner(feedback)
    waiter = _engine.Waiter(_cancel_check(feedback))
    responses = [None] * len(urls)
    running = {}  # pending id -> (index, pending)
    next_index, done = 0, 0
    try:
        while next_index < len(urls) or running:
            if feedback is not None and feedback.isCanceled():
                raise FluxCancelled()  # nothing more is sent once the caller cancelled
            while next_index < len(urls) and len(running) < concurrency:
                pending = waiter.add(eng.submit(call_for("GET", urls[next_index], authcfg=authcfg), owner))
                running[pending.id] = (next_index, pending)
                next_index += 1
            finished = waiter.next([p for _i, p in running.values()])
            index, _pending = running.pop(finished.id)
            response = expect_ok(finished.result(), what)
            responses[index] = handle(index, response) if handle is not None else response
            done += 1
            if feedback is not None:
                feedback.setProgress(100.0 * done / len(urls))
    except BaseException:
        for _index, pending in running.values():
            pending.cancel()
        raise
    return responses


# -- asynchronous, for UI code ----------------------------------------------------------------
def request(url, on_done, *, method="GET", headers=None, body=None, authcfg="", bearer_authcfg="", what=None):
    """Start a request from the UI thread; ``on_done(response, error)`` runs there when it ends
    (``what`` given: anything but HTTP 200 becomes the error). Returns the Pending (``cancel()``)."""
    if not on_ui_thread():
        raise _engine.ThreadRuleError("network.request is for the UI thread; workers use send/get.")

    def finished(pending):
        response, error = pending.answer, pending.error
        if error is None and what is not None:
            try:
                expect_ok(response, what)
            except FluxError as exc:
                response, error = None, exc
        on_done(response if error is None else None, error)

    return engine().submit(call_for(method, url, headers, body, authcfg, bearer_authcfg)).then(finished)


def in_flight():
    """Requests handed to the engine and not finished yet (0 without an engine)."""
    return _ENGINE[0].in_flight() if _ENGINE and not _ENGINE[0].closed else 0


def ui_thread_only(what):
    """Raise when called off the UI thread (for code that touches QGIS objects)."""
    if not on_ui_thread():
        raise _engine.ThreadRuleError(f"{what} runs on the UI thread only.")


__all__ = ["engine", "shutdown", "send", "get", "get_many", "expect_ok", "transport", "request", "in_flight"]
