"""Management API, a small imitation of the Arraylake REST API under ``/api``.

Authorization is ``Bearer {API key}``: no or an unknown key -> 401, a valid key
of another organisation -> 403. Shapes follow what the arraylake client reads
(see FLUX.md); fields the client does not need are plausible placeholders.
"""

from __future__ import annotations

import json
import math
import uuid

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from . import auth
from .state import DEPLOYMENT_NAME, SUFFIXES, Deployment, FluxState

MAX_PAGE_SIZE = 100


def error(status: int, detail, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def build_app(state: FluxState) -> Starlette:
    def authorize(request: Request) -> JSONResponse | None:
        org = request.path_params["org"]
        owner = auth.org_of_token(auth.bearer_token(request.scope), state.keys)
        if owner is None:
            return error(401, "Not authenticated", {"WWW-Authenticate": "Bearer"})
        if owner != org:
            return error(403, f"API key does not grant access to organization '{org}'")
        if org not in state.orgs:  # cannot happen while keys map 1:1 to orgs; kept for clarity
            return error(404, "organization not found")
        return None

    def repo_json(org: str, name: str, info: dict) -> dict:
        return {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"flux-local/{org}/{name}")),
            "org": org,
            "name": name,
            "description": info.get("description"),
            "created": info.get("created"),
            "updated": info.get("updated"),
            "created_by": None,
            "visibility": "PRIVATE",
            "kind": "icechunk",
            "bucket": None,
            "status": {"mode": "online", "message": None, "initiated_by": None},
            "prefix": None,
            "metadata": None,
        }

    def _int_param(request: Request, name: str, default: int, lo: int, hi: int) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        value = int(raw)  # ValueError -> 422 by the caller
        if not lo <= value <= hi:
            raise ValueError(name)
        return value

    async def repos_paginated(request: Request):
        if (denied := authorize(request)):
            return denied
        org = request.path_params["org"]
        try:
            page = _int_param(request, "page", 1, 1, 1_000_000)
            size = _int_param(request, "size", 50, 1, MAX_PAGE_SIZE)
        except ValueError:
            return error(422, f"page must be >= 1 and size in 1..{MAX_PAGE_SIZE}")
        repos = sorted(state.orgs[org]["repos"].items())
        total = len(repos)
        chunk = repos[(page - 1) * size: page * size]
        return JSONResponse({
            "items": [repo_json(org, name, info) for name, info in chunk],
            "total": total,
            "page": page,
            "size": size,
            "pages": math.ceil(total / size) if total else 0,
        })

    async def repos_list(request: Request):
        # The older, unpaginated listing.
        if (denied := authorize(request)):
            return denied
        org = request.path_params["org"]
        return JSONResponse([repo_json(org, n, i) for n, i in sorted(state.orgs[org]["repos"].items())])

    async def list_services(request: Request):
        if (denied := authorize(request)):
            return denied
        org = request.path_params["org"]
        base = _base_url(request)
        return JSONResponse([d.to_json(base) for d in state.deployments[org].values()])

    async def create_service(request: Request):
        if (denied := authorize(request)):
            return denied
        org = request.path_params["org"]
        try:
            body = json.loads(await request.body())
        except ValueError:
            return error(422, "body must be JSON")
        if not isinstance(body, dict):
            return error(422, "body must be a JSON object")
        problems = []
        service_type = body.get("service_type")
        if service_type not in SUFFIXES:
            problems.append(f"service_type must be one of {sorted(SUFFIXES)}")
        if body.get("org", org) != org:
            problems.append("org in the body must match the org in the path")
        is_public = body.get("is_public", False)
        if not isinstance(is_public, bool):
            problems.append("is_public must be a boolean")
        sku_code = body.get("sku_code")
        if not isinstance(sku_code, str) or not sku_code:
            problems.append("sku_code is required")
        name = body.get("deployment_name") or service_type
        if not isinstance(name, str) or not DEPLOYMENT_NAME.match(name):
            problems.append("deployment_name must be lowercase letters, digits and dashes, "
                            "at most 16 characters")
        region = body.get("region") or "aws-us-east-1"
        if problems:
            return error(422, [{"msg": p} for p in problems])
        if name in state.deployments[org]:
            return error(409, f"a service named '{name}' already exists in {org}")
        deployment = Deployment(name=name, service_type=service_type, org=org,
                                is_public=is_public, sku_code=sku_code, region=region)
        state.deployments[org][name] = deployment
        return JSONResponse(deployment.to_json(_base_url(request)), status_code=201)

    def _lookup(request: Request):
        org, name = request.path_params["org"], request.path_params["name"]
        return state.deployments[org].get(name)

    async def get_service(request: Request):
        if (denied := authorize(request)):
            return denied
        deployment = _lookup(request)
        if deployment is None:
            return error(404, "service not found")
        return JSONResponse(deployment.to_json(_base_url(request)))

    async def delete_service(request: Request):
        if (denied := authorize(request)):
            return denied
        deployment = _lookup(request)
        if deployment is None:
            return error(404, "service not found")
        del state.deployments[deployment.org][deployment.name]
        return JSONResponse(deployment.to_json(_base_url(request)) | {"status": "stopped"})

    async def patch_service(request: Request):
        # Documented fields only; is_public is UNCERTAIN upstream, so refused here.
        if (denied := authorize(request)):
            return denied
        deployment = _lookup(request)
        if deployment is None:
            return error(404, "service not found")
        try:
            body = json.loads(await request.body())
        except ValueError:
            return error(422, "body must be JSON")
        allowed = {"sku_code": str, "min_replicas": int, "max_replicas": int}
        if not isinstance(body, dict) or set(body) - set(allowed) or any(
                not isinstance(v, allowed[k]) or isinstance(v, bool) for k, v in body.items()):
            return error(422, f"only {sorted(allowed)} can be changed")
        for key, value in body.items():
            setattr(deployment, key, value)
        return JSONResponse(deployment.to_json(_base_url(request)))

    async def not_found(request: Request, exc):
        return error(404, "Not Found")

    async def method_not_allowed(request: Request, exc):
        return error(getattr(exc, "status_code", 405), getattr(exc, "detail", "error"))

    routes = [
        Route("/api/orgs/{org}/repos/paginated", repos_paginated, methods=["GET"]),
        Route("/api/orgs/{org}/repos", repos_list, methods=["GET"]),
        Route("/api/compute/orgs/{org}/services", list_services, methods=["GET"]),
        Route("/api/compute/orgs/{org}/services", create_service, methods=["POST"]),
        Route("/api/compute/orgs/{org}/services/{name}", get_service, methods=["GET"]),
        Route("/api/compute/orgs/{org}/services/{name}", delete_service, methods=["DELETE"]),
        Route("/api/compute/orgs/{org}/services/{name}", patch_service, methods=["PATCH"]),
    ]
    return Starlette(routes=routes, exception_handlers={404: not_found, 405: method_not_allowed})
