"""Fault injection: latency, forced statuses and broken bodies, switchable at runtime.

A rule matches when its ``match`` string occurs in the request path or query
(``path + "?" + query``), so ``"GetMap"`` or ``"/edr/position"`` both work.
The first matching rule with uses left applies. Body modes:

* ``null``      - with ``status``: answer that status with a small JSON body instead
                  of the real answer; without ``status``: only the latency applies.
* ``"html"``    - an HTML error page (like a proxy's) with ``status`` or 200.
* ``"garbage"`` - the real answer's headers with random bytes as the body.
* ``"truncate"``- the real answer cut to half its length (Content-Length fits the
                  cut body, so the client sees a well-formed but corrupt answer).
* ``"empty"``   - the real answer's headers with an empty body.

``status`` (if set) replaces the real status in every mode; ``content_type``
(if set) replaces the Content-Type header.
"""

from __future__ import annotations

import asyncio
import os
import threading
from dataclasses import asdict, dataclass

BODY_MODES = {None, "garbage", "truncate", "html", "empty"}


class FaultError(ValueError):
    """A rule that cannot be used; the message says why."""


@dataclass
class FaultRule:
    match: str = ""
    latency: float = 0.0
    status: int | None = None
    body: str | None = None
    content_type: str | None = None
    times: int | None = None  # None = forever; else uses left
    used: int = 0

    @classmethod
    def from_json(cls, raw) -> "FaultRule":
        if not isinstance(raw, dict):
            raise FaultError("each rule must be an object")
        unknown = set(raw) - {"match", "latency", "status", "body", "content_type", "times"}
        if unknown:
            raise FaultError(f"unknown rule fields: {sorted(unknown)}")
        match = raw.get("match", "")
        latency = raw.get("latency") or 0.0
        status = raw.get("status")
        body = raw.get("body")
        content_type = raw.get("content_type")
        times = raw.get("times")
        if not isinstance(match, str):
            raise FaultError("match must be a string")
        if isinstance(latency, bool) or not isinstance(latency, (int, float)) or not 0 <= latency <= 600:
            raise FaultError("latency must be a number of seconds in 0..600")
        if status is not None and (isinstance(status, bool) or not isinstance(status, int)
                                   or not 100 <= status <= 599):
            raise FaultError("status must be an HTTP status code or null")
        if body not in BODY_MODES:
            raise FaultError(f"body must be one of {sorted(m for m in BODY_MODES if m)} or null")
        if content_type is not None and not isinstance(content_type, str):
            raise FaultError("content_type must be a string or null")
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
            raise FaultError("times must be a positive integer or null")
        return cls(match=match, latency=float(latency), status=status, body=body,
                   content_type=content_type, times=times)

    def to_json(self) -> dict:
        data = asdict(self)
        data["remaining"] = None if self.times is None else self.times - self.used
        return data

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.used >= self.times

    @property
    def replaces_answer(self) -> bool:
        """True when the real handler need not run at all."""
        return self.body == "html" or (self.body is None and self.status is not None)

    @property
    def transforms_body(self) -> bool:
        return self.body in ("garbage", "truncate", "empty")


class FaultSet:
    def __init__(self):
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def set(self, raw_rules) -> list[FaultRule]:
        if not isinstance(raw_rules, list):
            raise FaultError("rules must be a list")
        rules = [FaultRule.from_json(r) for r in raw_rules]
        with self._lock:
            self._rules = rules
        return rules

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def to_json(self) -> list[dict]:
        with self._lock:
            return [r.to_json() for r in self._rules]

    def take(self, path: str, query: str) -> FaultRule | None:
        """The rule for this request, counting one use of it."""
        target = f"{path}?{query}" if query else path
        with self._lock:
            for rule in self._rules:
                if not rule.exhausted and rule.match in target:
                    rule.used += 1
                    return rule
        return None


def _set_header(headers: list, name: bytes, value: bytes) -> list:
    out = [(k, v) for k, v in headers if k.lower() != name]
    out.append((name, value))
    return out


async def send_replacement(rule: FaultRule, send) -> int:
    """Answer with the rule's own response; returns the status sent."""
    status = rule.status or 200
    if rule.body == "html":
        body = (
            "<!DOCTYPE html>\n<html><head><title>{s} Error</title></head>"
            "<body><center><h1>{s} Error</h1></center><hr><center>flux-local injected fault</center>"
            "</body></html>\n".format(s=status)
        ).encode()
        ctype = rule.content_type or "text/html; charset=utf-8"
    else:
        body = ('{"detail":"injected fault: status %d"}' % status).encode()
        ctype = rule.content_type or "application/json"
    headers = [(b"content-type", ctype.encode("latin-1")),
               (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
    return status


async def delay(rule: FaultRule) -> None:
    # asyncio.sleep, not time.sleep: other requests keep being served meanwhile.
    if rule.latency > 0:
        await asyncio.sleep(rule.latency)


class BufferingSend:
    """Collects an answer so a rule can break its body before it is sent."""

    def __init__(self):
        self.start: dict | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    async def flush(self, rule: FaultRule, send) -> int:
        start = self.start or {"status": 500, "headers": []}
        body = b"".join(self.chunks)
        if rule.body == "truncate":
            body = body[: len(body) // 2]
        elif rule.body == "garbage":
            body = os.urandom(max(len(body), 64))
        elif rule.body == "empty":
            body = b""
        status = rule.status or start["status"]
        headers = list(start.get("headers", []))
        headers = _set_header(headers, b"content-length", str(len(body)).encode())
        if rule.content_type:
            headers = _set_header(headers, b"content-type", rule.content_type.encode("latin-1"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return status
