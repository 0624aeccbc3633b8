"""Compute services: ``/v1/services/{service}/{org}/{repo}/{ref}/{group...}/{suffix}{rest}``.

A request is resolved to (organisation, deployment, repository, snapshot,
group), the group is opened from the Icechunk repository, and the request is
forwarded unchanged to a real xpublish app serving that one dataset with the
one protocol plugin of the deployment's type. The xpublish app gets
``root_path`` = the URL prefix up to the group, so its self-links
(WMS OnlineResource, TileJSON tile URLs) point back at the Flux-shaped URL.

The plugins' quirks are kept on purpose: the QGIS plugin has to cope with them
on the real service.
"""

from __future__ import annotations

import asyncio
import os
import sys
import traceback

import anyio

from . import auth, meta
from .state import FluxState

PREFIX = "/v1/services/"


def parse_path(path: str) -> dict | None:
    """Split a compute path into its parts; None if it is not one.

    Returns service, org, repo, ref, segments (everything after ref).
    """
    if not path.startswith(PREFIX):
        return None
    parts = path[len(PREFIX):].split("/")
    info = {"service": None, "org": None, "repo": None, "ref": None, "segments": []}
    for name, value in zip(("service", "org", "repo", "ref"), parts):
        info[name] = value or None
    info["segments"] = parts[4:]
    return info


def split_group(segments: list[str], suffix: str) -> tuple[str, int] | None:
    """(group path, index of the suffix segment) or None when no suffix segment.

    The suffix segment is the first one equal to the suffix or starting with
    ``suffix + "."`` (xpublish-opendap serves ``/opendap.dds`` and friends).
    """
    for i, seg in enumerate(segments):
        if seg == suffix or seg.startswith(suffix + "."):
            group = "/".join(s for s in segments[:i] if s)
            return group, i
    return None


def _plugins(service_type: str) -> dict:
    # Imported lazily: importing all four protocol stacks takes seconds.
    if service_type == "wms":
        from xpublish_wms import CfWmsPlugin

        return {"cf_wms": CfWmsPlugin()}
    if service_type == "tiles":
        from xpublish_tiles.xpublish.tiles import TilesPlugin

        return {"tiles": TilesPlugin()}
    if service_type == "edr":
        from xpublish_edr import CfEdrPlugin

        return {"cf_edr": CfEdrPlugin()}
    if service_type == "dap2":
        from xpublish_opendap import OpenDapPlugin

        return {"opendap": OpenDapPlugin()}
    raise ValueError(service_type)


def preload() -> None:
    """Import the protocol stacks now so the first request is not slow."""
    for service_type in ("wms", "tiles", "edr", "dap2"):
        _plugins(service_type)


class NotFound(Exception):
    pass


class DatasetCache:
    """Opened repositories, datasets and xpublish apps, shared by all requests.

    Snapshots are immutable, so a (repo, snapshot, group) dataset never goes
    stale; branches are re-resolved on every request.
    """

    def __init__(self, state: FluxState):
        self.state = state
        self._repos: dict = {}
        self._datasets: dict = {}
        self._apps: dict = {}
        self._locks: dict = {}

    def _lock(self, key) -> asyncio.Lock:
        return self._locks.setdefault(key, asyncio.Lock())

    def _repository(self, org: str, repo: str):
        import icechunk

        key = (org, repo)
        if key not in self._repos:
            storage = icechunk.local_filesystem_storage(str(self.state.repo_path(org, repo)))
            self._repos[key] = icechunk.Repository.open(storage)
        return self._repos[key]

    def _resolve(self, org: str, repo: str, ref: str) -> str:
        """Branch, then tag, then snapshot id -> snapshot id."""
        repository = self._repository(org, repo)
        for lookup in (repository.lookup_branch, repository.lookup_tag):
            try:
                return lookup(ref)
            except Exception:  # icechunk raises its own error types for "no such ref"
                pass
        try:
            return repository.lookup_snapshot(ref).id
        except Exception:
            raise NotFound(f"ref '{ref}' not found in {org}/{repo}") from None

    def _open(self, org: str, repo: str, snapshot: str, group: str):
        import xarray as xr

        session = self._repository(org, repo).readonly_session(snapshot_id=snapshot)
        try:
            ds = xr.open_zarr(session.store, group=group or None, consolidated=False,
                              zarr_format=3, chunks=None)
        except (FileNotFoundError, KeyError, LookupError) as exc:
            raise NotFound(f"group '{group}' not found in {org}/{repo}") from exc
        except Exception as exc:
            if "not found" in str(exc).lower() or "nodenotfound" in type(exc).__name__.lower():
                raise NotFound(f"group '{group}' not found in {org}/{repo}") from exc
            raise
        # The sample data is small: load it so requests never block on storage reads.
        ds = ds.load()
        # xpublish-tiles caches its grid analysis per dataset under this attribute.
        ds.attrs["_xpublish_id"] = f"{org}/{repo}/{snapshot}/{group}"
        return ds

    async def app_for(self, org: str, repo: str, ref: str, group: str, service_type: str):
        snapshot = await anyio.to_thread.run_sync(self._resolve, org, repo, ref)
        ds_key = (org, repo, snapshot, group)
        async with self._lock(ds_key):
            if ds_key not in self._datasets:
                self._datasets[ds_key] = await anyio.to_thread.run_sync(
                    self._open, org, repo, snapshot, group)
        app_key = ds_key + (service_type,)
        async with self._lock(app_key):
            if app_key not in self._apps:
                import xpublish

                rest = xpublish.SingleDatasetRest(self._datasets[ds_key],
                                                  plugins=_plugins(service_type))
                self._apps[app_key] = rest.app
        return self._apps[app_key]


async def send_json(send, status: int, detail: str, headers: list | None = None) -> int:
    import json

    body = json.dumps({"detail": detail}).encode()
    hdrs = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    hdrs += headers or []
    await send({"type": "http.response.start", "status": status, "headers": hdrs})
    await send({"type": "http.response.body", "body": body})
    return status


class ComputeHandler:
    def __init__(self, state: FluxState):
        self.state = state
        self.cache = DatasetCache(state)

    async def __call__(self, scope, receive, send) -> None:
        info = parse_path(scope["path"])
        state = self.state
        org, name = info["org"], info["service"]
        if not org or org not in state.orgs:
            return await send_json(send, 404, "organization not found")
        deployment = state.deployment(org, name or "")
        if deployment is not None and deployment.path_prefix != scope.get("flux_path_prefix", ""):
            deployment = None  # served only under its own URL (its record's ``url``)
        if deployment is None:
            return await send_json(send, 404, f"service '{name}' not found for {org}")
        # Auth before anything about repositories, so a stranger learns nothing about them.
        if not deployment.is_public and not auth.basic_ok(scope, org, state.keys):
            return await send_json(send, 401, "Not authenticated",
                                   [(b"www-authenticate", auth.CHALLENGE.encode())])
        repo, ref = info["repo"], info["ref"]
        if repo == meta.PREFIX:  # discovery: /v1/services/{deployment}/{org}/_meta/...
            return await meta.handle(self, scope, receive, send, org, scope["path"][len(PREFIX):].split("/")[3:])
        if not repo or state.repo(org, repo) is None:
            return await send_json(send, 404, f"repository '{repo}' not found in {org}")
        if not ref:
            return await send_json(send, 404, "ref missing")
        split = split_group(info["segments"], deployment.suffix)
        if split is None:
            return await send_json(send, 404,
                                   f"no '{deployment.suffix}' path segment for a {deployment.service_type} service")
        group, _ = split
        try:
            app = await self.cache.app_for(org, repo, ref, group, deployment.service_type)
        except NotFound as exc:
            return await send_json(send, 404, str(exc))

        root = f"{PREFIX}{name}/{org}/{repo}/{ref}" + (f"/{group}" if group else "")
        inner = dict(scope)
        inner["root_path"] = scope.get("root_path", "") + root
        # Keep the full path: Starlette strips root_path itself when routing,
        # and builds request.url from the full path.
        inner["path"] = scope.get("root_path", "") + scope["path"]
        started = False

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await app(inner, receive, tracking_send)
        except Exception:
            # FastAPI has already answered 500 (its ServerErrorMiddleware re-raises
            # after sending); keep the server log short and the server alive.
            print("flux_server: error inside xpublish app for", scope["path"], file=sys.stderr)
            traceback.print_exc(limit=3 if not os.environ.get("FLUX_DEBUG") else None)
            if not started:
                await send_json(send, 500, "internal server error")
