"""Where a Flux dataset lives, and the URLs that reach it.

Pure Python on purpose: no Qt, no QGIS. Everything that turns user input (org, repo, ref,
group, protocol, service) into a URL goes through :class:`FluxLocation`, so there is one
place that validates and percent-encodes, and no request can end up on another host or path
than the one the fields describe.

URL shape (FLUX.md)::

    {compute}/v1/services/{service}/{org}/{repo}/{ref}/{group path}/{suffix}
"""

import re
from dataclasses import dataclass, field, replace
from urllib.parse import quote, unquote, urlsplit

from .errors import FluxInputError

#: protocol -> URL suffix of that protocol's service
SUFFIXES = {"wms": "wms", "tiles": "tiles", "edr": "edr", "dap2": "opendap"}
PROTOCOLS = tuple(SUFFIXES)
_PROTOCOL_BY_SUFFIX = {v: k for k, v in SUFFIXES.items()}

DEFAULT_COMPUTE_URL = "https://compute.earthmover.io"
DEFAULT_API_URL = "https://api.earthmover.io"
APP_URL = "https://app.earthmover.io"

# Arraylake org and repo names: letters, digits, '-', '_', '.'; they stand alone in a
# path segment, so nothing that could change the path is allowed.
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
# Deployment names (FLUX.md): lowercase letters, digits and dashes, at most 16 characters.
_SERVICE_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,15})$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
MAX_REF_LENGTH = 255
MAX_GROUP_LENGTH = 1024


def validate_name(value, what):
    """Return ``value`` stripped, or raise FluxInputError saying what is wrong with it."""
    if value is None:
        raise FluxInputError(f"The {what} is missing.")
    value = str(value).strip()
    if not value:
        raise FluxInputError(f"The {what} is empty: enter the {what} name.")
    if not _NAME_RE.match(value) or value in (".", ".."):
        raise FluxInputError(
            f"The {what} {value[:60]!r} is not a valid name: use letters, digits, '-', '_' or '.' "
            f"(at most 100 characters, starting with a letter or digit)."
        )
    return value


def validate_service(value):
    value = (value or "").strip()
    if not _SERVICE_RE.match(value):
        raise FluxInputError(
            f"The service name {value[:60]!r} is not valid: a deployment name has 1 to 16 lowercase "
            "letters, digits or dashes (for example 'wms' or 'wms-prod')."
        )
    return value


def validate_ref(value):
    value = (value or "").strip()
    if not value:
        raise FluxInputError("The ref is empty: enter a branch, a tag or a commit id (for example 'main').")
    if len(value) > MAX_REF_LENGTH:
        raise FluxInputError(f"The ref is too long ({len(value)} characters, at most {MAX_REF_LENGTH}).")
    if _CONTROL_RE.search(value) or value in (".", ".."):
        raise FluxInputError(f"The ref {value[:60]!r} is not valid: enter a branch, tag or commit id.")
    return value


def normalize_group(value):
    """Group path as plain slash-separated segments; '' is the root group."""
    value = (value or "").strip()
    if len(value) > MAX_GROUP_LENGTH:
        raise FluxInputError(f"The group path is too long ({len(value)} characters, at most {MAX_GROUP_LENGTH}).")
    if _CONTROL_RE.search(value):
        raise FluxInputError("The group path contains control characters.")
    segments = [s for s in value.strip("/").split("/")] if value.strip("/") else []
    for seg in segments:
        if seg == "":
            raise FluxInputError(f"The group path {value[:80]!r} has an empty segment ('//').")
        if seg.strip() != seg or seg in (".", ".."):
            raise FluxInputError(
                f"The group path {value[:80]!r} has the segment {seg!r}: segments may not be '.', '..' "
                "or start or end with spaces."
            )
    return "/".join(segments)


def validate_protocol(value):
    value = (value or "").strip().lower()
    if value not in SUFFIXES:
        raise FluxInputError(f"Unknown protocol {value[:30]!r}: choose one of {', '.join(PROTOCOLS)}.")
    return value


def _segment(value):
    # Encode everything that is not unreserved: '/', '?', '#', '%' and '@' can then never
    # change the structure of the URL.
    return quote(value, safe="-._~")


def normalize_base_url(url, what="compute URL", allow_insecure=False):
    """Check a base URL: https, or http only for loopback hosts (unless explicitly allowed)."""
    url = (url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FluxInputError(f"The {what} {url[:80]!r} is not an http(s) URL.")
    if parts.username or parts.password:
        raise FluxInputError(
            f"The {what} must not contain credentials: store the API key with 'Save' instead."
        )
    if parts.query or parts.fragment:
        raise FluxInputError(f"The {what} must not have a query or fragment.")
    if parts.scheme == "http" and not allow_insecure and not is_loopback_host(parts.hostname):
        raise FluxInputError(
            f"The {what} uses plain http to {parts.hostname}: the API key would travel unencrypted. "
            "Use https (plain http is accepted only for localhost)."
        )
    return url


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


def is_loopback_host(host):
    host = (host or "").lower().strip("[]")
    return host == "localhost" or host == "::1" or host.startswith("127.")


@dataclass(frozen=True)
class FluxLocation:
    """One dataset behind one Flux service: everything needed to build its URL."""

    org: str
    repo: str
    ref: str = "main"
    group: str = ""
    protocol: str = "wms"
    service: str = ""  # deployment name; '' means the default, equal to the protocol
    compute_url: str = DEFAULT_COMPUTE_URL
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "org", validate_name(self.org, "organization"))
        object.__setattr__(self, "repo", validate_name(self.repo, "repository"))
        object.__setattr__(self, "ref", validate_ref(self.ref))
        object.__setattr__(self, "group", normalize_group(self.group))
        object.__setattr__(self, "protocol", validate_protocol(self.protocol))
        object.__setattr__(self, "service", validate_service(self.service or self.protocol))
        object.__setattr__(self, "compute_url", normalize_base_url(self.compute_url, allow_insecure=True))

    @property
    def suffix(self):
        return SUFFIXES[self.protocol]

    def with_(self, **changes):
        return replace(self, **changes)

    def dataset_url(self):
        """URL of the dataset prefix, up to and including the group (no suffix)."""
        parts = [self.compute_url, "v1", "services", _segment(self.service), _segment(self.org),
                 _segment(self.repo), _segment(self.ref)]
        parts += [_segment(s) for s in self.group.split("/") if s]
        return "/".join(parts)

    def service_url(self):
        """The service's base URL, without a trailing slash (the servers route ``.../wms``)."""
        return f"{self.dataset_url()}/{self.suffix}"

    def display_name(self):
        group = f"/{self.group}" if self.group else ""
        return f"{self.repo}@{self.ref}{group}"

    def as_dict(self):
        """Plain, secret-free description (kept in layer custom properties and projects)."""
        return {"org": self.org, "repo": self.repo, "ref": self.ref, "group": self.group,
                "protocol": self.protocol, "service": self.service, "compute_url": self.compute_url}

    @classmethod
    def from_dict(cls, data):
        keys = ("org", "repo", "ref", "group", "protocol", "service", "compute_url")
        return cls(**{k: data[k] for k in keys if k in data})


def api_keys_page(org):
    """Where a user makes an API key (seed document)."""
    return f"{APP_URL}/{quote(validate_name(org, 'organization'), safe='')}/settings/api-clients"


@dataclass
class ParsedFluxUrl:
    location: FluxLocation
    username: str = ""
    password: str = ""  # never logged, never kept: the caller moves it to the auth database
    variable: str = ""
    rest: str = ""  # path after the suffix, e.g. 'position' or '.dds'

    @property
    def has_credentials(self):
        return bool(self.username or self.password)


def parse_flux_url(url):
    """Split a Flux service URL into its fields.

    Accepts any protocol's URL, with or without ``org:key@`` credentials, query strings,
    trailing slashes or percent-encoded segments. Raises FluxInputError naming the wrong part.
    """
    text = (url or "").strip()
    if not text:
        raise FluxInputError("The URL is empty: paste a Flux service URL.")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FluxInputError("This is not an http(s) URL: a Flux URL starts with https://compute.earthmover.io/v1/services/.")
    netloc = parts.hostname
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    raw_segments = parts.path.split("/")
    segments = [unquote(s) for s in raw_segments if s != ""]
    try:
        start = next(i for i in range(len(segments) - 1) if segments[i] == "v1" and segments[i + 1] == "services")
    except StopIteration:
        raise FluxInputError("The URL path has no '/v1/services/': it is not a Flux service URL.") from None
    prefix = "/".join(s for s in raw_segments[: raw_segments.index("v1")] if s) if start else ""
    fields = segments[start + 2:]
    names = ["service", "organization", "repository", "ref"]
    if len(fields) < 5:
        missing = names[len(fields)] if len(fields) < 4 else "protocol suffix (wms, tiles, edr or opendap)"
        raise FluxInputError(f"The URL stops before the {missing}: expected "
                             "/v1/services/{service}/{org}/{repo}/{ref}/{group}/{suffix}.")
    service, org, repo, ref = fields[:4]
    tail = fields[4:]
    index = None
    for i, seg in enumerate(tail):
        base = seg.split(".", 1)[0]
        if base in _PROTOCOL_BY_SUFFIX and (seg == base or base == "opendap"):
            index = i
            break
    if index is None:
        raise FluxInputError("The URL names no protocol: after the group it needs /wms, /tiles, /edr or /opendap.")
    group = "/".join(tail[:index])
    suffix_seg = tail[index]
    protocol = _PROTOCOL_BY_SUFFIX[suffix_seg.split(".", 1)[0]]
    rest = suffix_seg[len(SUFFIXES[protocol]):]
    if tail[index + 1:]:
        rest = rest + "/" + "/".join(tail[index + 1:])
    compute = f"{parts.scheme}://{netloc}" + (f"/{prefix}" if prefix else "")
    try:
        location = FluxLocation(org=org, repo=repo, ref=ref, group=group, protocol=protocol,
                                service=service, compute_url=compute)
    except FluxInputError as exc:
        raise FluxInputError(f"The URL is not valid: {exc}") from None
    variable = _variable_from_query(parts.query, protocol)
    return ParsedFluxUrl(location=location, username=unquote(parts.username or ""),
                         password=unquote(parts.password or ""), variable=variable, rest=rest)


def _variable_from_query(query, protocol):
    from urllib.parse import parse_qsl

    items = {k.lower(): v for k, v in parse_qsl(query or "", keep_blank_values=True)}
    for key in ("layers", "variables", "parameter-name", "variable"):
        value = items.get(key, "")
        if value:
            return value.split(",")[0]
    return ""
