"""Test control endpoints under ``/_flux`` (loopback clients only).

    GET    /_flux/health   -> {"ok": true}
    GET    /_flux/state    -> deployments per org
    GET    /_flux/manifest -> the data manifest (orgs, keys, repos, refs, groups, times)
    GET    /_flux/faults   -> current rules with uses left
    POST   /_flux/faults   -> {"rules": [...]} replaces all rules (422 on a bad rule)
    DELETE /_flux/faults   -> no rules
    GET    /_flux/log      -> the request log (list of entries); ?clear=1 also clears it
    DELETE /_flux/log      -> clears the in-memory log (the file keeps growing)
    POST   /_flux/reset    -> initial deployments, no faults, empty log
    POST   /_flux/deployments {org, name, service_type, is_public?, path_prefix?}
                           -> adds a deployment; with path_prefix "/edge" it is served only at
                              {base}/edge/v1/services/{name}/{org}/... (its record's url says so)
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .faults import FaultError
from .state import FluxState

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def is_loopback(scope) -> bool:
    client = scope.get("client")
    host = client[0] if client else ""
    return host in LOOPBACK or host.startswith("127.") or host == "::ffff:127.0.0.1"


def build_app(state: FluxState) -> Starlette:
    async def health(request: Request):
        return JSONResponse({"ok": True})

    async def show_state(request: Request):
        base = str(request.base_url).rstrip("/")
        return JSONResponse({org: [d.to_json(base) for d in deps.values()]
                             for org, deps in state.deployments.items()})

    async def manifest(request: Request):
        # Lets a client attach to a running server without seeing its data folder.
        return JSONResponse(state.manifest)

    async def get_faults(request: Request):
        return JSONResponse({"rules": state.faults.to_json()})

    async def set_faults(request: Request):
        try:
            body = json.loads(await request.body())
            rules = body.get("rules") if isinstance(body, dict) else body
            state.faults.set(rules)
        except (ValueError, FaultError, AttributeError) as exc:
            return JSONResponse({"detail": str(exc)}, status_code=422)
        return JSONResponse({"rules": state.faults.to_json()})

    async def clear_faults(request: Request):
        state.faults.clear()
        return JSONResponse({"rules": []})

    async def get_log(request: Request):
        entries = state.log.entries()
        if request.query_params.get("clear") in ("1", "true", "yes"):
            state.log.clear()
        return JSONResponse(entries)

    async def clear_log(request: Request):
        state.log.clear()
        return JSONResponse([])

    async def add_deployment(request: Request):
        from .state import DEPLOYMENT_NAME, SUFFIXES, Deployment

        try:
            body = json.loads(await request.body())
            org, name, stype = body["org"], body["name"], body["service_type"]
            prefix = "/" + body.get("path_prefix", "").strip("/") if body.get("path_prefix") else ""
            assert org in state.orgs and stype in SUFFIXES and DEPLOYMENT_NAME.match(name)
            assert prefix == "" or all(seg.isalnum() or "-" in seg for seg in prefix[1:].split("/"))
        except (ValueError, KeyError, TypeError, AttributeError, AssertionError):
            return JSONResponse({"detail": "need org (known), name, service_type, path_prefix?"}, status_code=422)
        deployment = Deployment(name=name, service_type=stype, org=org, is_public=bool(body.get("is_public")),
                                path_prefix=prefix)
        state.deployments[org][name] = deployment
        return JSONResponse(deployment.to_json(str(request.base_url).rstrip("/")), status_code=201)

    async def reset(request: Request):
        state.reset()
        return JSONResponse({"ok": True})

    return Starlette(routes=[
        Route("/_flux/health", health, methods=["GET"]),
        Route("/_flux/state", show_state, methods=["GET"]),
        Route("/_flux/manifest", manifest, methods=["GET"]),
        Route("/_flux/faults", get_faults, methods=["GET"]),
        Route("/_flux/faults", set_faults, methods=["POST", "PUT"]),
        Route("/_flux/faults", clear_faults, methods=["DELETE"]),
        Route("/_flux/log", get_log, methods=["GET"]),
        Route("/_flux/log", clear_log, methods=["DELETE"]),
        Route("/_flux/reset", reset, methods=["POST"]),
        Route("/_flux/deployments", add_deployment, methods=["POST"]),
    ])
