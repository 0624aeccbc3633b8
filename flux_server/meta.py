"""Flux's discovery endpoints: ``/v1/services/{deployment}/{org}/_meta/discovery...``.

As documented on Earthmover's docs page "Discovery and Metadata"
(https://docs.earthmover.io/flux/discovery, read 2026-12-03):

    GET _meta/discovery                    -> ["repo", ...]
    GET _meta/discovery/{repo}             -> {"branches": [...], "tags": [...]}
    GET _meta/discovery/{repo}/{ref}       -> ["group/path", ...]   a group with arrays is a dataset
    GET _meta/discovery/{repo}/{ref}?group=wind   the same, only at or below group "wind"

Same auth as the deployment (checked by the caller, before anything here). Everything is read
from the Icechunk repositories themselves (branches, tags, the group tree of the ref's
snapshot), never from a list of known groups, so any repository the data builder adds is
served as it is. The root group, when it holds arrays, is listed as "" (the docs show no
root example; the plugin's own convention for the root group is "").

The dataset-info endpoints of the same docs page are not implemented: their paths could not
be read (see README.md).
"""

from __future__ import annotations

import json

import anyio

PREFIX = "_meta"


async def send(send_, status: int, payload) -> int:
    body = json.dumps(payload).encode()
    await send_({"type": "http.response.start", "status": status,
                 "headers": [(b"content-type", b"application/json"),
                             (b"content-length", str(len(body)).encode())]})
    await send_({"type": "http.response.body", "body": body})
    return status


def _query_group(scope) -> str | None:
    from urllib.parse import parse_qs

    values = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True).get("group")
    if not values:
        return None
    return "/".join(s for s in values[0].split("/") if s)


def refs(cache, org: str, repo: str) -> dict:
    repository = cache._repository(org, repo)
    return {"branches": sorted(repository.list_branches()), "tags": sorted(repository.list_tags())}


def dataset_groups(cache, org: str, repo: str, ref: str, scope_group: str | None) -> list[str] | None:
    """Paths of the groups that hold arrays, at or below ``scope_group``; None: no such group."""
    import zarr

    snapshot = cache._resolve(org, repo, ref)  # NotFound for an unknown ref
    session = cache._repository(org, repo).readonly_session(snapshot_id=snapshot)
    root = zarr.open_group(session.store, mode="r", zarr_format=3)
    start = root
    if scope_group:
        try:
            start = root[scope_group]
        except KeyError:
            return None
        if not isinstance(start, zarr.Group):
            return None
    found = []

    def walk(group, path):
        if any(True for _ in group.array_keys()):
            found.append(path)
        for name, child in sorted(group.groups()):
            walk(child, f"{path}/{name}" if path else name)

    walk(start, scope_group or "")
    return sorted(found)


async def handle(handler, scope, receive, send_, org: str, rest: list[str]):
    """``rest``: the path segments after ``_meta``."""
    from .compute import NotFound

    if scope.get("method") not in ("GET", "HEAD"):
        return await send(send_, 405, {"detail": "Method Not Allowed"})
    if rest[-1:] == [""]:
        rest = rest[:-1]  # a trailing slash
    if not rest or rest[0] != "discovery" or len(rest) > 3 or "" in rest:
        return await send(send_, 404, {"detail": "Not Found"})
    state, cache = handler.state, handler.cache
    repos = state.orgs[org]["repos"]
    if len(rest) == 1:
        return await send(send_, 200, sorted(repos))
    repo = rest[1]
    if repo not in repos:
        return await send(send_, 404, {"detail": f"repository '{repo}' not found in {org}"})
    if len(rest) == 2:
        return await send(send_, 200, await anyio.to_thread.run_sync(refs, cache, org, repo))
    ref, group = rest[2], _query_group(scope)
    try:
        groups = await anyio.to_thread.run_sync(dataset_groups, cache, org, repo, ref, group)
    except NotFound as exc:
        return await send(send_, 404, {"detail": str(exc)})
    if groups is None:
        return await send(send_, 404, {"detail": f"group '{group}' not found in {org}/{repo} at {ref}"})
    return await send(send_, 200, groups)
