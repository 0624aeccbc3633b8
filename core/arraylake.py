"""Client for the subset of the Arraylake management API that the plugin needs.

The client is pure Python and does no I/O itself: it builds requests and parses answers,
and a *transport* sends them. Inside QGIS the transport is QGIS's network stack (proxy,
SSL and auth settings apply); tests and tools may use :func:`urllib_transport`.

A transport is ``send(method, url, headers, body) -> HttpResponse`` and raises FluxError
for failures below HTTP (unreachable host, timeout, cancel).
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from .errors import FluxError, FluxInputError, http_error
from .location import DEFAULT_API_URL, PROTOCOLS, api_keys_page, normalize_base_url, validate_name, validate_service

SERVICE_STATUSES = ("available", "progressing", "unknown", "error", "sleeping", "stopped",
                    "suspended", "quota_exceeded", "org_suspended")
DEFAULT_SKU = "xs"
PAGE_SIZE = 100
MAX_PAGES = 50  # a guard against a server that never stops paginating


@dataclass
class HttpResponse:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)  # lower-case names
    url: str = ""  # the URL that answered (after redirects)
    complete: bool = True  # False: the connection broke off before the whole body came

    def json(self, what):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise FluxError(f"Could not read {what}: the server's answer is not valid JSON "
                            "(a proxy or captive portal may be in the way).") from None


@dataclass(frozen=True)
class Repo:
    org: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Service:
    name: str
    service_type: str
    is_public: bool
    status: str = "unknown"
    url: str = ""

    @property
    def label(self):
        access = "public" if self.is_public else "private"
        return f"{self.name} ({self.service_type}, {access}, {self.status})"


def _json_object(value, what):
    if not isinstance(value, dict):
        raise FluxError(f"Could not read {what}: unexpected answer from the server.")
    return value


def parse_repos_page(data, org):
    data = _json_object(data, "the repository list")
    items = data.get("items")
    if not isinstance(items, list):
        raise FluxError("Could not read the repository list: the answer has no 'items'.")
    repos = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            repos.append(Repo(org=item.get("org") or org, name=item["name"],
                              description=str(item.get("description") or "")))
    pages = data.get("pages")
    return repos, pages if isinstance(pages, int) else 1


def parse_services(data):
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        raise FluxError("Could not read the service list: unexpected answer from the server.")
    return [s for s in (parse_service(item) for item in data) if s is not None]


def parse_service(item):
    if not isinstance(item, dict):
        return None
    config = item.get("config") if isinstance(item.get("config"), dict) else {}
    name = item.get("name") or config.get("deployment_name") or config.get("service_type")
    stype = config.get("service_type") or item.get("service_type")
    if not isinstance(name, str) or not isinstance(stype, str):
        return None
    return Service(name=name, service_type=stype, is_public=bool(config.get("is_public", False)),
                   status=str(item.get("status") or "unknown"), url=str(item.get("url") or ""))


class ArraylakeClient:
    """Management API calls for one organization (``Authorization: Bearer {key}``).

    ``token`` None: the transport adds the Bearer header itself (inside QGIS the network engine
    reads the key from the auth database on the UI thread, so it never passes through here)."""

    def __init__(self, transport, org, token=None, api_url=DEFAULT_API_URL):
        self.org = validate_name(org, "organization")
        self._token = token
        self.api_url = normalize_base_url(api_url, "API URL")
        self._send = transport

    def __repr__(self):  # never show the token
        return f"ArraylakeClient(org={self.org!r}, api_url={self.api_url!r})"

    def _url(self, path, query=None):
        url = self.api_url + path
        return url + ("?" + urlencode(query) if query else "")

    def _request(self, method, path, what, query=None, payload=None, ok=(200,)):
        if self._token is not None and not self._token:
            raise FluxInputError("No API key: save the organization's API key first.")
        headers = {"Accept": "application/json"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        body = None
        if payload is not None:
            body = json.dumps(payload).encode("utf-8")
            headers["Content-Type"] = "application/json"
        response = self._send(method, self._url(path, query), headers, body)
        if response.status not in ok:
            raise http_error(response.status, what, error_detail(response), keys_page=api_keys_page(self.org))
        return response

    def list_repos(self, feedback=None):
        org = quote(self.org, safe="")
        repos, page = [], 1
        while page <= MAX_PAGES:
            response = self._request("GET", f"/orgs/{org}/repos/paginated", "the repository list",
                                     query={"page": page, "size": PAGE_SIZE})
            found, pages = parse_repos_page(response.json("the repository list"), self.org)
            repos.extend(found)
            if page >= pages or not found:
                break
            page += 1
            if feedback is not None and feedback.isCanceled():
                break
        return repos

    def list_services(self):
        org = quote(self.org, safe="")
        response = self._request("GET", f"/compute/orgs/{org}/services", "the service list")
        return parse_services(response.json("the service list"))

    def get_service(self, name):
        path = f"/compute/orgs/{quote(self.org, safe='')}/services/{quote(validate_service(name), safe='')}"
        response = self._request("GET", path, f"the service {name!r}")
        service = parse_service(response.json("the service"))
        if service is None:
            raise FluxError("Could not read the service: unexpected answer from the server.")
        return service

    def create_service(self, service_type, is_public, deployment_name=None, sku_code=DEFAULT_SKU):
        """Enable a service: what ``al compute enable {org} {protocol} [--is-public]`` does."""
        if service_type not in PROTOCOLS:
            raise FluxInputError(f"Unknown service type {service_type!r}: choose one of {', '.join(PROTOCOLS)}.")
        config = {"service_type": service_type, "org": self.org, "is_public": bool(is_public),
                  "sku_code": sku_code}
        if deployment_name:
            config["deployment_name"] = validate_service(deployment_name)
        response = self._request("POST", f"/compute/orgs/{quote(self.org, safe='')}/services",
                                 f"a new {service_type} service", payload=config, ok=(200, 201))
        service = parse_service(response.json("the new service"))
        if service is None:
            raise FluxError("The service was created, but the answer could not be read: refresh the list.")
        return service

    def delete_service(self, name):
        path = f"/compute/orgs/{quote(self.org, safe='')}/services/{quote(validate_service(name), safe='')}"
        self._request("DELETE", path, f"the service {name!r}", ok=(200, 202, 204))


_TAG_RE = re.compile(r"<[^>]+>")


def error_detail(response):
    """A short, safe excerpt of an error answer (JSON 'detail' or text without markup)."""
    try:
        data = json.loads(response.body.decode("utf-8"))
        if isinstance(data, dict) and "detail" in data:
            detail = data["detail"]
            return detail if isinstance(detail, str) else json.dumps(detail)[:200]
    except (UnicodeDecodeError, ValueError):
        pass
    text = response.body[:400].decode("utf-8", "replace")
    return " ".join(_TAG_RE.sub(" ", text).split())[:200]


def urllib_transport(timeout=30):
    """A transport over urllib, for tools and tests outside QGIS (never used by the plugin)."""
    import socket
    import urllib.error
    import urllib.request

    def send(method, url, headers, body):
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return HttpResponse(answer.status, answer.read(), dict(answer.headers))
        except urllib.error.HTTPError as exc:
            return HttpResponse(exc.code, exc.read(), dict(exc.headers or {}))
        except (urllib.error.URLError, socket.timeout, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FluxError(f"Could not reach the server: {reason}. Check the URL and your connection.") from None

    return send
