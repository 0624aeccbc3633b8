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

from . import samples

# Bump when the data or the manifest format changes: an old DIR is rebuilt.
DATA_VERSION = 7

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
OFFSETS = samples.COMMIT_OFFSETS

REPO_DESCRIPTIONS = {
    (DEMO_ORG, "climate"): "Synthetic global air temperature with a nested forecast group",
    (DEMO_ORG, "ocean"): "Synthetic global sea surface temperature",
    (DEMO_ORG, "weather"): ("Shaped like real Flux data: GFS-like forecast (step, level, member), "
                            "hourly ERA5-like reanalysis, HRRR-like Lambert grid, packed noleap "
                            "and 360_day climate runs"),
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
    values = np.array([[[samples.air(lon, lat, t, version) for lon in LON] for lat in LAT]
                       for t in range(len(TIMES))])
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
                    "weather": _build_weather,
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
                info.setdefault("times", _times())
                info.setdefault("extent", _extent())
                info.update({
                    "created": built_at,
                    "updated": built_at,
                    "description": REPO_DESCRIPTIONS[(org, name)],
                    "path": str(path.relative_to(data_dir)),
                })
                repos[name] = info
            orgs[org] = {"key": spec["key"], "repos": repos}
        manifest = {"data_version": DATA_VERSION, "orgs": orgs}
        tmp = data_dir / (MANIFEST_NAME + ".tmp")
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True))
        os.replace(tmp, data_dir / MANIFEST_NAME)  # atomic: readers never see half a manifest
        return manifest


# -- flux-demo/weather: data shaped like real Flux data (formulas in samples.py) -------------------

def _lat(values, **attrs) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, dtype="float64"), dims="lat",
                        attrs={"units": "degrees_north", "standard_name": "latitude",
                               "long_name": "latitude", "axis": "Y", **attrs})


def _lon(values, **attrs) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, dtype="float64"), dims="lon",
                        attrs={"units": "degrees_east", "standard_name": "longitude",
                               "long_name": "longitude", "axis": "X", **attrs})


def _time(stamps) -> xr.DataArray:
    values = pd.DatetimeIndex([s.rstrip("Z") for s in stamps]).values.astype("datetime64[ns]")
    return xr.DataArray(values, dims="time",
                        attrs={"standard_name": "time", "long_name": "time", "axis": "T"})


def _step(hours, name="step") -> xr.DataArray:
    values = np.asarray(hours, dtype="int64").astype("timedelta64[h]").astype("timedelta64[us]")
    return xr.DataArray(values, dims=name,
                        attrs={"standard_name": "forecast_period", "long_name": "lead time"})


def _member() -> xr.DataArray:
    return xr.DataArray(np.asarray(samples.MEMBERS, dtype="int32"), dims="member",
                        attrs={"long_name": "ensemble member", "standard_name": "realization"})


def _global_attrs(title: str, imitates: str) -> dict:
    return {"Conventions": "CF-1.8", "title": title, "flux_version": "c1",
            "source": "flux_server.data (synthetic)", "imitates": imitates}


def _grid_arrays(grid: samples.Grid):
    return np.asarray(grid.lats(), dtype="float64"), np.asarray(grid.lons(), dtype="float64")


def gfs_dataset() -> xr.Dataset:
    lat, lon = _grid_arrays(samples.GFS_GRID)
    steps = np.asarray(samples.GFS_STEPS_HOURS, dtype="float64")
    levels = np.asarray(samples.GFS_LEVELS, dtype="float64")
    members = np.asarray(samples.MEMBERS, dtype="float64")
    t_idx = np.arange(len(samples.GFS_TIMES), dtype="float64")
    # (time, step, lat, lon), the formula of samples.gfs_t2m
    t2m = (200.0 + lon[None, None, None, :] / 4.0 + (lat[None, None, :, None] + 90.0) / 10.0
           + steps[None, :, None, None] + 20.0 * t_idx[:, None, None, None])
    t = t2m[:, :, None, :, :] - ((1000.0 - levels) / 10.0)[None, None, :, None, None]
    ens = t2m[None] + 5.0 * members[:, None, None, None, None]
    k = {"units": "K"}
    ds = xr.Dataset(
        {
            "t2m": (("time", "step", "lat", "lon"), t2m.astype("float32"),
                    {"standard_name": "air_temperature", "long_name": "2 metre temperature", **k}),
            "t": (("time", "step", "level", "lat", "lon"), t.astype("float32"),
                  {"standard_name": "air_temperature", "long_name": "Temperature", **k}),
            "t2m_ens": (("member", "time", "step", "lat", "lon"), ens.astype("float32"),
                        {"standard_name": "air_temperature",
                         "long_name": "2 metre temperature, ensemble", **k}),
        },
        coords={
            "time": _time(samples.GFS_TIMES).assign_attrs(long_name="forecast start time"),
            "step": _step(samples.GFS_STEPS_HOURS),
            "level": xr.DataArray(np.asarray(samples.GFS_LEVELS, dtype="int32"), dims="level",
                                  attrs={"units": "hPa", "positive": "down", "axis": "Z",
                                         "standard_name": "air_pressure",
                                         "long_name": "pressure level"}),
            "member": _member(),
            "lat": _lat(lat), "lon": _lon(lon),
        },
    )
    ds.attrs = _global_attrs("GFS-like global forecast",
                             "NOAA GFS forecast as served by Flux: init time x lead time")
    return ds


def era5_dataset() -> xr.Dataset:
    lat, lon = _grid_arrays(samples.ERA5_GRID)
    hours = np.arange(samples.ERA5_COUNT, dtype="int64")
    values = (250.0 + ((hours % 1000) / 10.0)[:, None, None] + lon[None, None, :] / 30.0
              + (lat[None, :, None] + 90.0) / 30.0)
    start = np.datetime64(samples.ERA5_START.rstrip("Z"), "ns")
    times = start + hours.astype("timedelta64[h]").astype("timedelta64[ns]")
    ds = xr.Dataset(
        {"t2m": (("time", "lat", "lon"), values.astype("float32"),
                 {"standard_name": "air_temperature", "long_name": "2 metre temperature",
                  "units": "K"})},
        coords={"time": xr.DataArray(times, dims="time",
                                     attrs={"standard_name": "time", "long_name": "time",
                                            "axis": "T"}),
                "lat": _lat(lat), "lon": _lon(lon)},
    )
    ds.attrs = _global_attrs("ERA5-like hourly reanalysis",
                             "ECMWF ERA5 single levels: hourly over years, lon 0..360, lat 90 -> -90")
    return ds


def daily_dataset() -> xr.Dataset:
    """samples.daily_t2m on samples.DAILY_GRID: a year of days over the contiguous US."""
    lat, lon = _grid_arrays(samples.DAILY_GRID)
    days = np.arange(samples.DAILY_COUNT, dtype="float64")
    values = (300.0 - 0.8 * (lat[None, :, None] - 25.0) + (lon[None, None, :] - 235.0) / 20.0
              - 12.0 * np.cos(2.0 * np.pi * (days[:, None, None] - 15.0) / 365.0))
    start = np.datetime64(samples.DAILY_START.rstrip("Z"), "ns")
    times = start + days.astype("int64").astype("timedelta64[D]").astype("timedelta64[ns]")
    ds = xr.Dataset(
        {"t2m": (("time", "lat", "lon"), values.astype("float32"),
                 {"standard_name": "air_temperature", "long_name": "Daily mean 2 metre temperature",
                  "units": "K"})},
        coords={"time": xr.DataArray(times, dims="time",
                                     attrs={"standard_name": "time", "long_name": "time", "axis": "T"}),
                "lat": _lat(lat), "lon": _lon(lon)},
    )
    ds.attrs = _global_attrs("Daily 2023, contiguous US",
                             "a regional daily analysis: 0.25 degrees, lon 0..360, lat 50 -> 25")
    return ds


def _hrrr_crs_attrs() -> dict:
    from pyproj import CRS

    crs = CRS.from_proj4(samples.HRRR_PROJ)
    return {
        "grid_mapping_name": "lambert_conformal_conic",
        "standard_parallel": [samples.HRRR_LAT1, samples.HRRR_LAT2],
        "longitude_of_central_meridian": samples.HRRR_LON0,
        "latitude_of_projection_origin": samples.HRRR_LAT0,
        "false_easting": 0.0,
        "false_northing": 0.0,
        "earth_radius": samples.HRRR_RADIUS,
        "crs_wkt": crs.to_wkt(),
        "spatial_ref": crs.to_wkt(),  # what GDAL reads
        "proj4": samples.HRRR_PROJ,
    }


def hrrr_dataset() -> xr.Dataset:
    from pyproj import Transformer

    x = np.asarray(samples.hrrr_xs(), dtype="float64")
    y = np.asarray(samples.hrrr_ys(), dtype="float64")
    xx, yy = np.meshgrid(x, y)
    to_lonlat = Transformer.from_crs(samples.HRRR_PROJ, "EPSG:4326", always_xy=True)
    lons, lats = to_lonlat.transform(xx, yy)
    # samples.py's math projection must agree with PROJ (tests use it without pyproj).
    for j, i in ((0, 0), (samples.HRRR_NY - 1, samples.HRRR_NX - 1), (27, 45), (10, 70)):
        mlon, mlat = samples.hrrr_inverse(x[i], y[j])
        if abs(mlon - lons[j, i]) > 1e-6 or abs(mlat - lats[j, i]) > 1e-6:
            raise AssertionError(f"samples.hrrr_inverse disagrees with PROJ at {i},{j}")
    steps = np.asarray(samples.HRRR_STEPS_HOURS, dtype="float64")
    values = (500.0 + xx[None, None] / 1000.0 / 10.0 + yy[None, None] / 1000.0 / 100.0
              + 10.0 * steps[None, :, None, None])
    ds = xr.Dataset(
        {
            "dswrf": (("time", "step", "y", "x"), values.astype("float32"),
                      {"standard_name": "surface_downwelling_shortwave_flux_in_air",
                       "long_name": "Downward short-wave radiation flux", "units": "W m-2",
                       "grid_mapping": "lambert_conformal_conic",
                       "coordinates": "latitude longitude"}),
        },
        coords={
            # A coordinate, as rioxarray and Flux's own HRRR (`spatial_ref`) keep it: then it
            # is no layer of its own, and xarray keeps it next to dswrf.
            "lambert_conformal_conic": ((), np.int32(0), _hrrr_crs_attrs()),
            "time": _time(samples.HRRR_TIMES).assign_attrs(long_name="forecast start time"),
            "step": _step(samples.HRRR_STEPS_HOURS),
            "x": xr.DataArray(x, dims="x", attrs={"standard_name": "projection_x_coordinate",
                                                  "units": "m", "axis": "X",
                                                  "long_name": "x coordinate of projection"}),
            "y": xr.DataArray(y, dims="y", attrs={"standard_name": "projection_y_coordinate",
                                                  "units": "m", "axis": "Y",
                                                  "long_name": "y coordinate of projection"}),
            "latitude": (("y", "x"), lats, {"standard_name": "latitude",
                                            "units": "degrees_north", "long_name": "latitude"}),
            "longitude": (("y", "x"), lons, {"standard_name": "longitude",
                                             "units": "degrees_east", "long_name": "longitude"}),
        },
    )
    # xarray sets "coordinates" itself from the 2-D coords; keep attrs free of it.
    del ds["dswrf"].attrs["coordinates"]
    ds.attrs = _global_attrs("HRRR-like regional forecast on a Lambert conformal grid",
                             "NOAA HRRR (CONUS, 3 km) as served by Flux; here 60 km, 90 x 54")
    return ds


def _cf_time(values, calendar: str) -> xr.DataArray:
    # Raw numbers with CF attributes: the calendar is in the file, as in a CMIP netCDF.
    return xr.DataArray(np.asarray(values, dtype="int32"), dims="time",
                        attrs={"standard_name": "time", "long_name": "time", "axis": "T",
                               "units": samples.CMIP_TIME_UNITS, "calendar": calendar})


def cmip_dataset() -> xr.Dataset:
    lat, lon = _grid_arrays(samples.CMIP_GRID)
    day = np.arange(len(samples.CMIP_DAYS), dtype="float64")
    members = np.asarray(samples.MEMBERS, dtype="float64")
    values = (samples.CMIP_OFFSET + lon[None, None, None, :] / 10.0 + lat[None, None, :, None] / 10.0
              + day[None, :, None, None] + 2.0 * members[:, None, None, None])
    packed = np.round((values - samples.CMIP_OFFSET) / samples.CMIP_SCALE).astype("int16")
    packed[:, :, lat <= samples.CMIP_FILL_LAT_MAX, :] = samples.CMIP_FILL
    ds = xr.Dataset(
        {"tas": (("member", "time", "lat", "lon"), packed,
                 {"standard_name": "air_temperature", "long_name": "Near-surface air temperature",
                  "units": "K", "scale_factor": samples.CMIP_SCALE,
                  "add_offset": samples.CMIP_OFFSET})},
        coords={"member": _member(),
                "time": _cf_time(samples.CMIP_TIME_VALUES, samples.CMIP_CALENDAR),
                "lat": _lat(lat), "lon": _lon(lon)},
    )
    ds.attrs = _global_attrs("CMIP-like packed daily temperature, noleap calendar",
                             "CMIP6 daily tas: int16 packed, noleap calendar, ensemble members")
    return ds


def cmip360_dataset() -> xr.Dataset:
    lat, lon = _grid_arrays(samples.CMIP_GRID)
    day = np.arange(len(samples.CMIP360_DAYS), dtype="float64")
    values = lon[None, None, :] / 100.0 + (lat[None, :, None] + 90.0) / 100.0 + day[:, None, None]
    ds = xr.Dataset(
        {"pr": (("time", "lat", "lon"), values.astype("float32"),
                {"standard_name": "precipitation_flux", "long_name": "Precipitation",
                 "units": "mm day-1"})},
        coords={"time": _cf_time(samples.CMIP360_TIME_VALUES, samples.CMIP360_CALENDAR),
                "lat": _lat(lat), "lon": _lon(lon)},
    )
    ds.attrs = _global_attrs("CMIP-like daily precipitation, 360_day calendar",
                             "a 360_day-calendar climate model (e.g. HadGEM): has Feb 29 and 30")
    return ds


def _weather_encoding(group: str, ds: xr.Dataset) -> dict:
    enc = {c: {"_FillValue": None} for c in ds.coords if c not in ("time",)}
    if "time" in ds.coords and np.issubdtype(ds["time"].dtype, np.datetime64):
        units = {"era5": "hours since 2000-01-01 00:00:00",
                 "daily": "days since 2023-01-01 00:00:00"}.get(group, "hours since 2024-01-01 00:00:00")
        enc["time"] = {"units": units, "calendar": "standard", "dtype": "int32"}
    elif "time" in ds.coords:
        enc["time"] = {"_FillValue": None}
    if "step" in ds.coords:
        enc["step"] = {"units": "hours", "dtype": "int32", "_FillValue": None}
    for name, var in ds.data_vars.items():
        if var.ndim == 0:
            enc[name] = {"_FillValue": None}
            continue
        chunks = list(var.shape)
        if group == "era5":
            chunks[var.dims.index("time")] = samples.ERA5_CHUNK
        elif group == "daily":
            chunks = list(samples.DAILY_CHUNK)
        else:  # one chunk per 2-D field, like the other sample repos
            chunks = [1] * (var.ndim - 2) + chunks[-2:]
        enc[name] = {"chunks": tuple(chunks)}
    if group == "cmip":
        # Already packed ints: tell xarray what they mean, so readers decode them.
        enc["tas"].update({"dtype": "int16", "_FillValue": samples.CMIP_FILL})
    return enc


WEATHER_BUILDERS = {
    "gfs": gfs_dataset,
    "era5": era5_dataset,
    "hrrr": hrrr_dataset,
    "cmip": cmip_dataset,
    "cmip360": cmip360_dataset,
    "daily": daily_dataset,
}


def _build_weather(path: Path) -> dict:
    from icechunk.xarray import to_icechunk

    repo = _repo(path)
    repo.set_metadata({"description": REPO_DESCRIPTIONS[(DEMO_ORG, "weather")]})
    session = repo.writable_session("main")
    for group, builder in WEATHER_BUILDERS.items():
        ds = builder()
        to_icechunk(ds, session, group=group, mode="w", encoding=_weather_encoding(group, ds))
    snap = session.commit("weather c1", metadata={"flux_version": "c1"})
    groups = samples.manifest_groups()
    return {
        "snapshots": {"c1": snap},
        "branches": {"main": snap},
        "tags": {},
        "groups": {g: info["variables"] for g, info in groups.items()},
        "versions": {"main": "c1"},
        "times": samples.GFS_TIMES,
        "extent": {"lon_min": 0.0, "lon_max": 358.0, "lat_min": -90.0, "lat_max": 90.0,
                   "step": 2.0},
        "group_info": groups,
    }
