"""Sample Icechunk repositories and their manifest.

The data is synthetic but shaped like real Flux data: CF-encoded time, CF lat/lon
coordinates, float32 variables, nested groups, and a commit history with a tag
and a second branch. Every commit carries a different offset and a global
attribute ``flux_version`` so a test can tell which snapshot a server answered
from.

Layout under DIR::

    DIR/manifest.json                 written last: its presence means "built"
    DIR/repos/{org}/{repo}/           one Icechunk repository (local storage)
    DIR/.build.lock                   serialises concurrent builders
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

# Bump when the data or the manifest format changes: an old DIR is rebuilt.
DATA_VERSION = 4

MANIFEST_NAME = "manifest.json"

# Public, documented demo credentials. They are recognisable strings on purpose:
# tests grep logs for them to prove no secret leaks.
DEMO_ORG = "flux-demo"
DEMO_KEY = "flux-demo-key-7c1d2e9a4b"
OTHER_ORG = "other-org"
OTHER_KEY = "other-org-key-55aa77"

TIMES = pd.date_range("2024-01-01", periods=4, freq="D")
LAT = np.arange(-89.0, 90.0, 2.0)  # -89 .. 89, 90 values
LON = np.arange(-179.0, 180.0, 2.0)  # -179 .. 179, 180 values

# Commit label -> value offset. Each commit of `climate` differs by this offset.
OFFSETS = {"c1": 0.0, "c2": 2.0, "c3": 4.0, "c4": 6.0}

REPO_DESCRIPTIONS = {
    (DEMO_ORG, "climate"): "Synthetic global air temperature with a nested forecast group",
    (DEMO_ORG, "ocean"): "Synthetic global sea surface temperature",
    (OTHER_ORG, "private-data"): "Another organisation's data; the flux-demo key must not open it",
}


def _coords() -> dict:
    lat = xr.DataArray(
        LAT,
        dims="lat",
        attrs={"units": "degrees_north", "standard_name": "latitude",
               "long_name": "latitude", "axis": "Y"},
    )
    lon = xr.DataArray(
        LON,
        dims="lon",
        attrs={"units": "degrees_east", "standard_name": "longitude",
               "long_name": "longitude", "axis": "X"},
    )
    time = xr.DataArray(
        TIMES.values, dims="time", attrs={"standard_name": "time", "long_name": "time", "axis": "T"}
    )
    return {"time": time, "lat": lat, "lon": lon}


def _grid():
    t = np.arange(len(TIMES), dtype="float64")[:, None, None]
    lat = np.deg2rad(LAT)[None, :, None]
    lon = np.deg2rad(LON)[None, None, :]
    return t, lat, lon


def _dataset(name: str, values: np.ndarray, attrs: dict, version: str, title: str) -> xr.Dataset:
    ds = xr.Dataset({name: (("time", "lat", "lon"), values.astype("float32"), attrs)}, coords=_coords())
    ds.attrs = {"Conventions": "CF-1.8", "title": title, "flux_version": version,
                "source": "flux_server.data (synthetic)"}
    return ds


def air_dataset(version: str) -> xr.Dataset:
    t, lat, lon = _grid()
    values = 250.0 + 40.0 * np.cos(lat) + 8.0 * np.sin(3.0 * lon + t) + OFFSETS.get(version, 0.0)
    attrs = {"standard_name": "air_temperature", "units": "K", "long_name": "Air temperature"}
    return _dataset("air", values, attrs, version, "Synthetic air temperature")


def wind_dataset(version: str) -> xr.Dataset:
    t, lat, lon = _grid()
    values = 8.0 + 6.0 * np.sin(2.0 * lat) * np.cos(lon + 0.5 * t) + 0.5 * OFFSETS.get(version, 0.0)
    attrs = {"standard_name": "wind_speed", "units": "m s-1", "long_name": "Wind speed at 10 m"}
    return _dataset("wind_speed", values, attrs, version, "Synthetic surface wind speed")


def sst_dataset(version: str) -> xr.Dataset:
    t, lat, lon = _grid()
    values = 271.0 + 30.0 * np.cos(lat) ** 2 + 1.5 * np.cos(2.0 * lon - t)
    attrs = {"standard_name": "sea_surface_temperature", "units": "K",
             "long_name": "Sea surface temperature"}
    return _dataset("sst", values, attrs, version, "Synthetic sea surface temperature")


def secret_dataset(version: str) -> xr.Dataset:
    t, lat, lon = _grid()
    values = 100.0 + 10.0 * np.sin(lat) * np.cos(lon) + t
    attrs = {"long_name": "Other organisation's field", "units": "1"}
    return _dataset("secret", values, attrs, version, "Other organisation's data")


def _encoding(ds: xr.Dataset) -> dict:
    # One chunk per time step, CF time encoding, and no fill value on coordinates.
    enc = {name: {"chunks": (1, len(LAT), len(LON))} for name in ds.data_vars}
    enc.update({c: {"_FillValue": None} for c in ("lat", "lon")})
    enc["time"] = {"units": "days since 2024-01-01 00:00:00", "calendar": "standard", "dtype": "int32"}
    return enc


def _write(session, groups: dict[str, xr.Dataset]) -> None:
    from icechunk.xarray import to_icechunk

    # Root first: writing the root group with mode "w" must not wipe children
    # that are written after it.
    for group in sorted(groups, key=len):
        ds = groups[group]
        to_icechunk(ds, session, group=group or None, mode="w", encoding=_encoding(ds))


def quiet_icechunk() -> None:
    """Icechunk warns on stderr that local storage is not for concurrent writers; we know."""
    import icechunk

    if "ICECHUNK_LOG" not in os.environ:
        icechunk.set_logs_filter("error")


def _repo(path: Path):
    import icechunk

    quiet_icechunk()
    return icechunk.Repository.create(icechunk.local_filesystem_storage(str(path)))


def _build_climate(path: Path) -> dict:
    repo = _repo(path)
    repo.set_metadata({"description": REPO_DESCRIPTIONS[(DEMO_ORG, "climate")]})
    snapshots = {}
    for label in ("c1", "c2", "c3"):
        session = repo.writable_session("main")
        _write(session, {"": air_dataset(label), "forecast/surface": wind_dataset(label)})
        snapshots[label] = session.commit(f"climate {label}", metadata={"flux_version": label})
    repo.create_tag("v1", snapshots["c2"])
    repo.create_branch("dev", snapshots["c3"])
    session = repo.writable_session("dev")
    _write(session, {"": air_dataset("c4"), "forecast/surface": wind_dataset("c4")})
    snapshots["c4"] = session.commit("climate c4 (dev)", metadata={"flux_version": "c4"})
    return {
        "snapshots": snapshots,
        "branches": {"main": snapshots["c3"], "dev": snapshots["c4"]},
        "tags": {"v1": snapshots["c2"]},
        "groups": {"": ["air"], "forecast/surface": ["wind_speed"]},
        # Which commit label each ref shows; handy for tests of ref resolution.
        "versions": {"main": "c3", "dev": "c4", "v1": "c2", snapshots["c1"]: "c1"},
    }


def _build_single(path: Path, org: str, name: str, ds: xr.Dataset) -> dict:
    repo = _repo(path)
    repo.set_metadata({"description": REPO_DESCRIPTIONS[(org, name)]})
    session = repo.writable_session("main")
    _write(session, {"": ds})
    snap = session.commit(f"{name} c1", metadata={"flux_version": "c1"})
    var = list(ds.data_vars)[0]
    return {
        "snapshots": {"c1": snap},
        "branches": {"main": snap},
        "tags": {},
        "groups": {"": [var]},
        "versions": {"main": "c1"},
    }


def _times() -> list[str]:
    return [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in TIMES]


def _extent() -> dict:
    # Cell centres; the grid covers lon -180..180, lat -90..90 by cell edges.
    return {"lon_min": float(LON[0]), "lon_max": float(LON[-1]),
            "lat_min": float(LAT[0]), "lat_max": float(LAT[-1]), "step": 2.0}


def read_manifest(data_dir: str | os.PathLike) -> dict | None:
    path = Path(data_dir) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("data_version") != DATA_VERSION:
        return None
    return manifest


def build(data_dir: str | os.PathLike, force: bool = False) -> dict:
    """Build the sample repositories into data_dir (no-op if already built)."""
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    # A lock, because pytest sessions or `make` targets may build the same DIR at once.
    with open(data_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not force:
            manifest = read_manifest(data_dir)
            if manifest is not None:
                return manifest
        (data_dir / MANIFEST_NAME).unlink(missing_ok=True)
        repos_dir = data_dir / "repos"
        shutil.rmtree(repos_dir, ignore_errors=True)

        specs = {
            DEMO_ORG: {
                "key": DEMO_KEY,
                "repos": {
                    "climate": _build_climate,
                    "ocean": lambda p: _build_single(p, DEMO_ORG, "ocean", sst_dataset("c1")),
                },
            },
            OTHER_ORG: {
                "key": OTHER_KEY,
                "repos": {
                    "private-data": lambda p: _build_single(p, OTHER_ORG, "private-data",
                                                            secret_dataset("c1")),
                },
            },
        }
        built_at = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        orgs = {}
        for org, spec in specs.items():
            repos = {}
            for name, builder in spec["repos"].items():
                path = repos_dir / org / name
                path.parent.mkdir(parents=True, exist_ok=True)
                info = builder(path)
                info.update({
                    "created": built_at,
                    "updated": built_at,
                    "description": REPO_DESCRIPTIONS[(org, name)],
                    "path": str(path.relative_to(data_dir)),
                    "times": _times(),
                    "extent": _extent(),
                })
                repos[name] = info
            orgs[org] = {"key": spec["key"], "repos": repos}
        manifest = {"data_version": DATA_VERSION, "orgs": orgs}
        tmp = data_dir / (MANIFEST_NAME + ".tmp")
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True))
        os.replace(tmp, data_dir / MANIFEST_NAME)  # atomic: readers never see half a manifest
        return manifest
