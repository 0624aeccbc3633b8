"""Request log, kept in memory (for ``GET /_flux/log``) and appended to a JSON-lines file.

It never stores headers, so never the Authorization header. A key that shows
up in a path or query anyway (a client putting it in the URL) is replaced by
"***", and so is the value of any query parameter whose name looks like a secret.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

SECRET_PARAM = re.compile(r"(key|token|secret|password|passwd|pwd|auth)", re.IGNORECASE)
MAX_ENTRIES = 10_000


class RequestLog:
    def __init__(self, path: Path | None, secrets: list[str]):
        self.path = Path(path) if path else None
        self._secrets = [s for s in secrets if s]
        self._entries: list[dict] = []
        self._lock = threading.Lock()
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def scrub_query(self, query: str) -> str:
        if not query:
            return ""
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(SECRET_PARAM.search(name) for name, _ in pairs):
            query = urlencode([(n, "***" if SECRET_PARAM.search(n) else v) for n, v in pairs],
                              safe=",:/()*")
        return self.scrub(query)

    def add(self, entry: dict) -> None:
        entry = dict(entry)
        entry["path"] = self.scrub(entry.get("path", ""))
        entry["query"] = self.scrub_query(entry.get("query", ""))
        line = json.dumps(entry, sort_keys=True)
        with self._lock:
            self._entries.append(entry)
            del self._entries[:-MAX_ENTRIES]
            if self.path:
                with open(self.path, "a", encoding="utf-8") as fh:
                    fh.write(line + "\n")

    def entries(self) -> list[dict]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        # Only the in-memory list: the file is the whole run's history.
        with self._lock:
            self._entries = []
