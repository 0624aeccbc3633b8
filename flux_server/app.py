"""The outer ASGI app: dispatch by path prefix, then faults, then the request log.

    /v1/services/...  compute (xpublish apps behind Flux auth)      kind "compute"
    /api/...          management API                              kind "api"
    /_flux/...        test control, loopback only, not logged     kind "control"

Faults apply to compute and API requests, never to control requests, so a test
can always switch them off again.
"""

from __future__ import annotations

import datetime as dt
import time

from . import auth, compute, control, faults, management
from .state import FluxState


def _kind(path: str) -> str | None:
    if path.startswith(compute.PREFIX):
        return "compute"
    if path == "/api" or path.startswith("/api/"):
        return "api"
    if path == "/_flux" or path.startswith("/_flux/"):
        return "control"
    return None


def _api_org(path: str) -> str | None:
    parts = path.split("/")
    # /api/orgs/{org}/...  and  /api/compute/orgs/{org}/...
    for i, part in enumerate(parts[:-1]):
        if part == "orgs":
            return parts[i + 1] or None
    return None


def _strip_path_prefix(scope, prefixes):
    """A deployment with its own URL ({base}{prefix}/v1/services/...): route it as compute,
    remembering the prefix (its own deployment only answers there, see compute.py)."""
    for prefix in prefixes:
        if scope["path"].startswith(prefix + compute.PREFIX):
            scope = dict(scope)
            scope["path"] = scope["path"][len(prefix):]
            scope["root_path"] = scope.get("root_path", "") + prefix
            scope["flux_path_prefix"] = prefix
            break
    return scope


async def _not_found(send) -> int:
    return await compute.send_json(send, 404, "Not Found")


class FluxApp:
    def __init__(self, state: FluxState):
        self.state = state
        self.compute = compute.ComputeHandler(state)
        self.management = management.build_app(state)
        self.control = control.build_app(state)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if scope["type"] != "http":
            return  # no websockets here
        path = scope["path"]
        scope = _strip_path_prefix(scope, self.state.path_prefixes())
        kind = _kind(scope["path"])
        if kind == "control":
            if not control.is_loopback(scope):
                return await _not_found(send)
            return await self.control(scope, receive, send)

        started = time.monotonic()
        status_box = {"status": None, "recorded": False}

        def record():
            if not status_box["recorded"]:
                status_box["recorded"] = True
                self._record(scope, kind, query, status_box["status"], rule, started)

        async def recording_send(message):
            if message["type"] == "http.response.start":
                status_box["status"] = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # logged before the last byte leaves: a client that has its answer finds it in the log
                # (logged after the send, a test reading /_flux/log at once could come first)
                record()
            await send(message)

        query = scope.get("query_string", b"").decode("latin-1")
        rule = self.state.faults.take(path, query) if kind else None
        try:
            if rule is not None:
                await faults.delay(rule)
            if rule is not None and rule.replaces_answer:
                await faults.send_replacement(rule, recording_send)
            elif rule is not None and rule.transforms_body:
                buffer = faults.BufferingSend()
                await self._dispatch(kind, scope, receive, buffer)
                await buffer.flush(rule, recording_send)
            else:
                await self._dispatch(kind, scope, receive, recording_send)
        finally:
            record()  # no complete answer (the client went away, an error): logged here

    async def _dispatch(self, kind, scope, receive, send):
        if kind == "compute":
            return await self.compute(scope, receive, send)
        if kind == "api":
            return await self.management(scope, receive, send)
        return await _not_found(send)

    def _record(self, scope, kind, query, status, rule, started):
        path = scope.get("flux_path_prefix", "") + scope["path"]  # as the client sent it
        if kind == "compute":
            info = compute.parse_path(scope["path"])
            service, org = info["service"], info["org"]
        else:
            service, org = None, _api_org(path) if kind == "api" else None
        self.state.log.add({
            "method": scope["method"],
            "path": path,
            "query": query,
            "status": status if status is not None else 499,  # 499: client went away
            "auth": auth.classify(scope, kind or "other", org, self.state.keys),
            "kind": kind or "other",
            "service": service,
            "org": org,
            "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
            "duration": round(time.monotonic() - started, 4),
            "fault": rule is not None,
        })

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(state: FluxState) -> FluxApp:
    return FluxApp(state)
