"""Credential checks for compute (HTTP Basic) and the management API (Bearer).

Flux compute services take Basic auth with username = organisation and
password = an API key of that organisation; the management API takes
``Authorization: Bearer {key}``. Keys are compared in constant time. Nothing in
here ever logs or returns a key.
"""

from __future__ import annotations

import base64
import binascii
import hmac

# What a private compute service answers without (valid) credentials.
CHALLENGE = 'Basic realm="flux"'


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def basic_credentials(scope) -> tuple[str, str] | None:
    """(user, password) from an ``Authorization: Basic`` header, else None."""
    header = _header(scope, b"authorization")
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")  # present but unreadable: counts as wrong credentials
    user, _, password = decoded.partition(":")
    return user, password


def bearer_token(scope) -> str | None:
    header = _header(scope, b"authorization")
    if not header or not header[:7].lower() == "bearer ":
        return None
    return header[7:].strip()


def has_authorization(scope) -> bool:
    return _header(scope, b"authorization") is not None


def basic_ok(scope, org: str, keys: dict[str, str]) -> bool:
    """True only for Basic credentials that are exactly (org, key of org)."""
    creds = basic_credentials(scope)
    key = keys.get(org)
    if creds is None or key is None:
        return False
    user, password = creds
    return _same(user, org) and _same(password, key)


def org_of_token(token: str | None, keys: dict[str, str]) -> str | None:
    """The organisation whose API key this is, or None."""
    if not token:
        return None
    for org, key in keys.items():
        if _same(token, key):
            return org
    return None


def classify(scope, kind: str, org: str | None, keys: dict[str, str]) -> str:
    """"none" | "valid" | "invalid" for the request log.

    "valid" means the credentials fit the organisation named in the path (or
    any organisation when the path names none).
    """
    if not has_authorization(scope):
        return "none"
    if kind == "api":
        owner = org_of_token(bearer_token(scope), keys)
        return "valid" if owner is not None and (org is None or owner == org) else "invalid"
    creds = basic_credentials(scope)
    if creds is None:
        return "invalid"
    if org is None:
        return "valid" if any(basic_ok(scope, o, keys) for o in keys) else "invalid"
    return "valid" if basic_ok(scope, org, keys) else "invalid"
