"""Flux URLs: built from fields, parsed back, and never able to leave their host or path.

Pure core code (no QGIS needed), with property-based tests over odd names.
"""

from urllib.parse import unquote, urlsplit

import pytest
from earthmover_flux.core.errors import FluxInputError
from earthmover_flux.core.location import PROTOCOLS, SUFFIXES, FluxLocation, parse_flux_url
from hypothesis import given, settings
from hypothesis import strategies as st

NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
names = st.text(alphabet=NAME_CHARS, min_size=1, max_size=40).filter(
    lambda s: s[0].isalnum() and s not in (".", ".."))
# refs and group segments may hold anything printable, '/', '?', '#', '%', '@', ':' and unicode
free_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30).filter(
    lambda s: s.strip() == s and s not in (".", ".."))
refs = free_text.filter(lambda s: s.strip())
segments = free_text.filter(lambda s: "/" not in s)
groups = st.lists(segments, max_size=4).map("/".join)
services = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,15}\Z")
bases = st.sampled_from(["https://compute.earthmover.io", "http://127.0.0.1:8765", "https://flux.example.org/prefix"])

@settings(max_examples=400, deadline=None)
@given(org=names, repo=names, ref=refs, group=groups, protocol=st.sampled_from(PROTOCOLS),
       service=services, base=bases)
def test_every_built_url_parses_back_and_stays_in_place(org, repo, ref, group, protocol, service, base):
    loc = FluxLocation(org=org, repo=repo, ref=ref, group=group, protocol=protocol, service=service,
                       compute_url=base)
    url = loc.service_url()
    parts, base_parts = urlsplit(url), urlsplit(base)
    assert parts.hostname == base_parts.hostname and parts.port == base_parts.port
    assert not parts.query and not parts.fragment and parts.username is None
    raw = parts.path.split("/")
    prefix = [p for p in base_parts.path.split("/") if p]
    expected = [""] + prefix + ["v1", "services", service, org, repo, ref] + [g for g in group.split("/") if g]
    assert [unquote(p) for p in raw[:-1]] == expected, "one path segment per field, nothing injected"
    assert raw[-1] == SUFFIXES[protocol]
    parsed = parse_flux_url(url + "/")
    assert parsed.location == loc
    assert not parsed.has_credentials


@pytest.mark.parametrize("url, fields", [
    ("https://compute.earthmover.io/v1/services/wms/acme/climate/main/wms/",
     dict(org="acme", repo="climate", ref="main", group="", protocol="wms", service="wms")),
    ("https://compute.earthmover.io/v1/services/tiles/acme/climate/v1/raw/main/tiles/WebMercatorQuad/1/0/0?f=png",
     dict(org="acme", repo="climate", ref="v1", group="raw/main", protocol="tiles", service="tiles")),
    ("https://compute.earthmover.io/v1/services/edr-prod/acme/climate/8TE20GD9MJBWMNEWZZF0/edr/position?coords=x",
     dict(org="acme", repo="climate", ref="8TE20GD9MJBWMNEWZZF0", group="", protocol="edr", service="edr-prod")),
    ("https://compute.earthmover.io/v1/services/dap2/acme/climate/main/a/b/opendap.dds",
     dict(org="acme", repo="climate", ref="main", group="a/b", protocol="dap2", service="dap2")),
    ("https://compute.earthmover.io/v1/services/wms/acme/climate/feature%2Fx/g%20h/wms",
     dict(org="acme", repo="climate", ref="feature/x", group="g h", protocol="wms", service="wms")),
])
def test_parse_known_urls(url, fields):
    loc = parse_flux_url(url).location
    assert {k: getattr(loc, k) for k in fields} == fields


def test_parse_moves_credentials_and_variable_out():
    parsed = parse_flux_url("https://acme:ema_secret%40x@compute.earthmover.io/v1/services/wms/acme/climate/main/wms"
                            "?service=WMS&request=GetMap&layers=air,sst&styles=raster/default")
    assert parsed.username == "acme" and parsed.password == "ema_secret@x"
    assert parsed.variable == "air"
    assert "ema_secret" not in parsed.location.service_url()
    assert "ema_secret" not in repr(parsed.location)


@pytest.mark.parametrize("url, message", [
    ("", "empty"),
    ("ftp://compute.earthmover.io/v1/services/wms/a/b/main/wms", "not an http"),
    ("https://compute.earthmover.io/v2/wms/a/b/main/wms", "no '/v1/services/'"),
    ("https://compute.earthmover.io/v1/services/wms/acme", "stops before the repository"),
    ("https://compute.earthmover.io/v1/services/wms/acme/climate/main/data", "names no protocol"),
    ("https://compute.earthmover.io/v1/services/WMS!/acme/climate/main/wms", "service name"),
    ("https://compute.earthmover.io/v1/services/wms/ac me/climate/main/wms", "organization"),
    ("https://compute.earthmover.io/v1/services/wms/acme/climate/main/../wms", "segment '..'"),
])
def test_malformed_urls_say_which_part_is_wrong(url, message):
    with pytest.raises(FluxInputError, match=message):
        parse_flux_url(url)


@pytest.mark.parametrize("field, value", [
    ("org", ""), ("org", "a/b"), ("org", "x" * 101), ("org", "über"), ("org", "a:b"), ("org", "a@b"),
    ("repo", ".."), ("repo", "a?b"), ("repo", "a#b"), ("repo", "%2F"),
    ("ref", ""), ("ref", "  "), ("ref", ".."), ("ref", "a\nb"), ("ref", "r" * 300),
    ("group", "a//b"), ("group", "a/../b"), ("group", "./x"), ("group", "g" * 2000),
    ("protocol", "wfs"), ("service", "Has Caps"), ("service", "x" * 17),
])
def test_bad_fields_are_refused(field, value):
    fields = dict(org="acme", repo="climate", ref="main", group="", protocol="wms", service="")
    fields[field] = value
    with pytest.raises(FluxInputError):
        FluxLocation(**fields)


def test_plain_http_only_for_loopback():
    from earthmover_flux.core.location import normalize_base_url

    assert normalize_base_url("http://127.0.0.1:8765/") == "http://127.0.0.1:8765"
    assert normalize_base_url("http://localhost:1") == "http://localhost:1"
    with pytest.raises(FluxInputError, match="plain http"):
        normalize_base_url("http://compute.example.org")
    with pytest.raises(FluxInputError, match="credentials"):
        normalize_base_url("https://org:key@compute.earthmover.io")
