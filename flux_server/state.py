"""In-memory server state: organisations, deployments (services), faults, log.

Everything here is reset by ``POST /_flux/reset``; the repositories themselves
live on disk and never change while the server runs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .faults import FaultSet
from .requestlog import RequestLog

# Flux service type -> the path segment that selects the protocol in a URL.
SUFFIXES = {"wms": "wms", "tiles": "tiles", "edr": "edr", "dap2": "opendap"}

# Custom deployment names: lowercase letters, digits and dashes, at most 16 characters.
DEPLOYMENT_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,15})$")

# What each organisation has enabled when the server starts (and after a reset).
INITIAL_DEPLOYMENTS = {
    "flux-demo": ["wms", "tiles", "edr", "dap2"],
    "other-org": ["wms"],
}

DEFAULT_REGION = "aws-us-east-1"


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Deployment:
    name: str
    service_type: str
    org: str
    is_public: bool = False
    sku_code: str = "xs"
    region: str = DEFAULT_REGION
    min_replicas: int = 1
    max_replicas: int = 1
    # A deployment served under its own URL, not the default base: "/edge" means
    # {base}/edge/v1/services/{name}/{org}/... (and only there). Its record's ``url`` says so.
    path_prefix: str = ""
    created: str = field(default_factory=now_iso)
    updated: str = field(default_factory=now_iso)

    @property
    def suffix(self) -> str:
        return SUFFIXES[self.service_type]

    def to_json(self, base_url: str) -> dict:
        return {
            "name": self.name,
            "url": f"{base_url.rstrip('/')}{self.path_prefix}/v1/services/{self.name}/{self.org}/",
            "created": self.created,
            "updated": self.updated,
            "config": {
                "service_type": self.service_type,
                "org": self.org,
                "is_public": self.is_public,
                "deployment_name": self.name,
                "sku_code": self.sku_code,
                "region": self.region,
                "min_replicas": self.min_replicas,
                "max_replicas": self.max_replicas,
            },
            "status": "available",
            "ready_replicas": 1,
            "region": self.region,
        }


class FluxState:
    def __init__(self, manifest: dict, data_dir: Path, log_file: Path | None):
        self.manifest = manifest
        self.data_dir = Path(data_dir)
        self.orgs: dict[str, dict] = manifest["orgs"]
        self.keys: dict[str, str] = {org: info["key"] for org, info in self.orgs.items()}
        self.faults = FaultSet()
        # The log scrubs every key it knows of, wherever it would appear.
        self.log = RequestLog(log_file, secrets=list(self.keys.values()))
        self.deployments: dict[str, dict[str, Deployment]] = {}
        self.reset()

    def reset(self) -> None:
        self.deployments = {
            org: {name: Deployment(name=name, service_type=name, org=org) for name in names}
            for org, names in INITIAL_DEPLOYMENTS.items()
            if org in self.orgs
        }
        for org in self.orgs:
            self.deployments.setdefault(org, {})
        self.faults.clear()
        self.log.clear()

    def path_prefixes(self) -> set[str]:
        return {d.path_prefix for deps in self.deployments.values() for d in deps.values() if d.path_prefix}

    def deployment(self, org: str, name: str) -> Deployment | None:
        return self.deployments.get(org, {}).get(name)

    def repo(self, org: str, name: str) -> dict | None:
        return self.orgs.get(org, {}).get("repos", {}).get(name)

    def repo_path(self, org: str, name: str) -> Path:
        return self.data_dir / self.orgs[org]["repos"][name]["path"]
