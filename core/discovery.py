"""Flux's discovery API (``_meta``): URLs and answers. Pure Python, no Qt, no QGIS.

Documented on Earthmover's page "Discovery and Metadata" (https://docs.earthmover.io/flux/discovery)::

    {compute}/v1/services/{deployment}/{org}/_meta/discovery              -> ["repo", ...]
    {compute}/v1/services/{deployment}/{org}/_meta/discovery/{repo}       -> {"branches": [...], "tags": [...]}
    {compute}/v1/services/{deployment}/{org}/_meta/discovery/{repo}/{ref} -> ["group/path", ...]
        optional ?group=wind (only groups at or below "wind"); "a group with arrays is a dataset"

Same credentials as the deployment itself (Basic org:key, or none for a public one).

Which deployment answers: any deployment of the organization serves ``_meta`` for all its
repositories. :func:`choose_meta_service` picks the one named by the caller, else an available
one (private before public: the user's own credentials then also prove access).

Deployment URLs: the management API's service record carries its own ``url``
(``{base}/v1/services/{name}/{org}/``); :func:`compute_base_of` turns it into the compute base
that FluxLocation and these URLs start from, so a service on another host or path is reached
where the record says, not where the default base would put it.
"""

from urllib.parse import quote, unquote, urlencode, urlsplit

from .errors import FluxError
from .location import normalize_base_url, normalize_group, validate_name, validate_ref, validate_service


def _segment(value):
    return quote(value, safe="-._~")


def meta_url(compute_url, service, org, repo=None, ref=None, group=None):
    """The discovery URL for the org (repo None), a repo's refs (ref None) or a ref's datasets."""
    base = normalize_base_url(compute_url, "compute URL", allow_insecure=True)
    parts = [base, "v1", "services", _segment(validate_service(service)), _segment(validate_name(org, "organization")),
             "_meta", "discovery"]
    if repo is not None:
        parts.append(_segment(validate_name(repo, "repository")))
        if ref is not None:
            parts.append(_segment(validate_ref(ref)))
    url = "/".join(parts)
    if repo is not None and ref is not None and group:
        url += "?" + urlencode({"group": normalize_group(group)})
    return url


def compute_base_of(service_url, name, org):
    """Compute base of a service record's ``url``; '' when the URL does not have Flux's shape.

    ``https://host/prefix/v1/services/{name}/{org}/`` -> ``https://host/prefix``.
    """
    if not service_url:
        return ""
    parts = urlsplit(service_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return ""
    segments = [unquote(s) for s in parts.path.split("/")]
    while segments and segments[-1] == "":
        segments.pop()
    tail = ["v1", "services", name, org]
    if len(segments) < 4 or segments[-4:] != tail:
        return ""
    prefix = "/".join(parts.path.rstrip("/").split("/")[:-4]).rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{prefix}"


def _not_list(what):
    return FluxError(f"Could not read {what}: the server's answer is not a list (is this a Flux service?).")


def parse_repos(data):
    if not isinstance(data, list):
        raise _not_list("the repository list")
    return [x for x in data if isinstance(x, str) and x]


def parse_refs(data):
    """{"branches": [...], "tags": [...]} (sorted, main first); FluxError for another shape."""
    if not isinstance(data, dict) or not isinstance(data.get("branches", []), list) or \
            not isinstance(data.get("tags", []), list):
        raise FluxError("Could not read the branches and tags: unexpected answer from the server.")

    def names(key):
        return sorted({x for x in data.get(key) or [] if isinstance(x, str) and x}, key=lambda n: (n != "main", n))

    return {"branches": names("branches"), "tags": names("tags")}


def parse_groups(data):
    """Dataset group paths; the root group is '' (also accepted as '/')."""
    if not isinstance(data, list):
        raise _not_list("the dataset list")
    out = []
    for item in data:
        if isinstance(item, str):
            path = item.strip("/")
            if path not in out:
                out.append(path)
    return sorted(out)


def choose_meta_service(services, wanted=None):
    """The deployment to ask ``_meta``: ``wanted`` if given (by name), else an available one.

    ``services`` are core.arraylake.Service; returns one of them, or raises FluxError.
    """
    if wanted:
        for service in services:
            if service.name == wanted:
                return service
        raise FluxError(f"The organization has no service named {wanted!r}: choose one of "
                        f"{', '.join(s.name for s in services) or 'none (enable one first)'}.")
    usable = [s for s in services if s.status == "available"] or list(services)
    if not usable:
        raise FluxError("The organization has no Flux service enabled, so nothing can be listed: enable one "
                        "(al compute enable ORG wms) or in the Earthmover web app.")
    usable.sort(key=lambda s: (s.is_public, s.service_type != "wms", s.name))
    return usable[0]
