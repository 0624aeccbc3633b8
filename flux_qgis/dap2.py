"""DAP2 data into a local GeoTIFF the user keeps, fetched over QGIS's network stack.

Why not GDAL's netCDF driver on the ``opendap`` URL with an authcfg: QGIS's Basic method then
puts ``user:key@`` into the URL GDAL/libnetcdf open, and the key leaks (measured in
tests/test_dap2.py, numbers in the README). Here every request goes through flux_qgis.network
(Authorization header from the authcfg, never a URL with credentials), the binary ``.dods``
answer is decoded in Python, and the subset is written with GDAL to a file; the layer then reads
that file with the gdal provider: no URL and no authcfg in its source.

Requests: ``.dds`` and ``.das`` (structure, time units), ``.dods?lat,lon,time`` (coordinates),
then one ``.dods?VAR[t0:t1][y0:y1][x0:x1]`` with contiguous ranges only: xpublish-opendap
answers strided hyperslabs ``[a:s:b]`` with wrong values (FLUX.md).
"""

import re
import sys
from array import array
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from qgis.core import QgsDateTimeRange, QgsRasterLayer, QgsRasterLayerTemporalProperties

from ..core import edr as core_edr
from ..core.errors import FluxError, FluxInputError
from . import network

MAX_VALUES = 20_000_000  # cells x time steps in one subset (80 MB of float32)
_TYPES = {"Byte": ("B", 1), "Int16": ("i", 4), "UInt16": ("I", 4), "Int32": ("i", 4), "UInt32": ("I", 4),
          "Float32": ("f", 4), "Float64": ("d", 8)}
_DECL_RE = re.compile(r"^\s*(Byte|Int16|UInt16|Int32|UInt32|Float32|Float64)\s+([\w.\-]+)((?:\s*\[[^\]]*\])*)\s*;",
                      re.MULTILINE)
_DIM_RE = re.compile(r"\[\s*(?:([\w.\-]+)\s*=\s*)?(\d+)\s*\]")
LAT_NAMES = ("lat", "latitude", "y")
LON_NAMES = ("lon", "longitude", "x")
TIME_NAMES = ("time", "t")


@dataclass
class DapArray:
    name: str
    type: str
    dims: list  # [(name, size)]

    @property
    def shape(self):
        return [n for _, n in self.dims]


@dataclass
class Dap2Subset:
    """A decoded subset: plain data, no Qt."""

    variable: str
    lons: list
    lats: list
    times: list  # ISO UTC strings ('' without a time axis)
    bands: list  # one array('f'/'d') per time step, rows in ``lats`` order
    units: str = ""
    requests: int = 0
    path: str = ""
    attributes: dict = field(default_factory=dict)


def parse_dds(text):
    """Leaf arrays of a DDS in declaration order (= their order in a .dods answer)."""
    out = []
    for match in _DECL_RE.finditer(text):
        dims = [(m.group(1) or "", int(m.group(2))) for m in _DIM_RE.finditer(match.group(3))]
        out.append(DapArray(name=match.group(2), type=match.group(1), dims=dims))
    return out


def decode_dods(body):
    """{name: array} from a .dods answer (DDS text, 'Data:', then XDR arrays)."""
    body = bytes(body)
    marker = None
    for candidate in (b"\nData:\r\n", b"\nData:\n"):
        position = body.find(candidate)
        if position >= 0:
            marker = (position, len(candidate))
            break
    if marker is None:
        raise FluxError("Could not read the DAP2 data: the answer has no 'Data:' section (a proxy or login page "
                        "may be in the way).")
    declarations = parse_dds(body[:marker[0]].decode("utf-8", "replace"))
    offset = marker[0] + marker[1]
    out = {}
    for decl in declarations:
        code, size = _TYPES[decl.type]
        if offset + 8 > len(body):
            raise FluxError("Could not read the DAP2 data: the answer is cut short.")
        count = int.from_bytes(body[offset:offset + 4], "big")
        offset += 8  # XDR arrays repeat their length
        expected = 1
        for n in decl.shape:
            expected *= n
        if count != expected:
            raise FluxError(f"Could not read the DAP2 data: {decl.name} has {count} values, {expected} expected.")
        nbytes = count * size
        if decl.type == "Byte":
            nbytes_padded = (count + 3) // 4 * 4
        else:
            nbytes_padded = nbytes
        if offset + nbytes_padded > len(body):
            raise FluxError("Could not read the DAP2 data: the answer is cut short.")
        values = array(code)
        if decl.type == "Byte":
            values.frombytes(body[offset:offset + count])
        else:
            values.frombytes(body[offset:offset + nbytes])
            if sys.byteorder == "little":
                values.byteswap()
        offset += nbytes_padded
        out.setdefault(decl.name, values)  # a Grid's maps repeat the coordinates: keep the first
    return out


def time_units(das_text, name):
    """The 'units' attribute of ``name`` in a DAS ('' if absent)."""
    match = re.search(r"(?ms)^\s*" + re.escape(name) + r"\s*\{(.*?)^\s*\}", das_text)
    if not match:
        return ""
    units = re.search(r'String\s+units\s+"([^"]*)"', match.group(1))
    return units.group(1) if units else ""


def decode_times(values, units):
    match = re.match(r"^\s*(days?|hours?|minutes?|seconds?)\s+since\s+(.+?)\s*$", units or "", re.IGNORECASE)
    if not match:
        raise FluxError(f"Could not read the DAP2 time axis: unsupported units {units[:60]!r}.")
    unit = match.group(1).lower().rstrip("s") + "s"
    origin = core_edr._parse_instant(match.group(2).replace(" ", "T", 1) if "T" not in match.group(2)
                                     else match.group(2), "time origin")
    return [(origin + timedelta(**{unit: float(v)})).strftime("%Y-%m-%dT%H:%M:%SZ") for v in values]


def _index_range(coords, low, high, what):
    """Contiguous index range [i0, i1] of the coordinates within [low, high]."""
    inside = [i for i, c in enumerate(coords) if low <= c <= high]
    if not inside:
        raise FluxInputError(f"No {what} of the data lies in {low:g} .. {high:g}: widen the area.")
    return inside[0], inside[-1]


def _find(names, candidates):
    for name in names:
        if name.lower() in candidates:
            return name
    return None


def fetch_subset(location, variable, bbox=None, time_range=None, authcfg="", feedback=None, max_values=MAX_VALUES):
    """Decoded subset of ``variable`` within bbox (west, south, east, north; EPSG:4326) and time range."""
    if location.protocol != "dap2":
        raise FluxInputError("DAP2 subsets come from a dap2 service.")
    base = location.service_url()
    dds_text = network.get(base + ".dds", "the DAP2 structure (.dds)", authcfg, feedback).body.decode("utf-8",
                                                                                                        "replace")
    declarations = {d.name: d for d in parse_dds(dds_text)}
    target = declarations.get(variable)
    if target is None:
        names = [d.name for d in declarations.values() if len(d.dims) >= 2]
        raise FluxInputError(f"The variable {variable!r} is not served here; available: {', '.join(names) or 'none'}.")
    dim_names = [n for n, _ in target.dims]
    lat_name, lon_name = _find(dim_names, LAT_NAMES), _find(dim_names, LON_NAMES)
    time_name = _find(dim_names, TIME_NAMES)
    if lat_name is None or lon_name is None or len(dim_names) != (3 if time_name else 2):
        raise FluxInputError(f"The variable {variable!r} has dimensions {dim_names}: only (time,) lat, lon "
                             "variables can be written as a raster.")
    das_text = network.get(base + ".das", "the DAP2 attributes (.das)", authcfg, feedback).body.decode("utf-8",
                                                                                                        "replace")
    coord_names = [n for n in (time_name, lat_name, lon_name) if n]
    coords = decode_dods(network.get(base + ".dods?" + ",".join(coord_names), "the DAP2 coordinates",
                                     authcfg, feedback).body)
    lats, lons = list(coords[lat_name]), list(coords[lon_name])
    west, south, east, north = bbox if bbox else (-180.0, -90.0, 360.0, 90.0)
    if west > east or south > north:
        raise FluxInputError("The area is reversed: west must be below east and south below north.")
    y0, y1 = _index_range(lats, south, north, "latitude")
    x0, x1 = _index_range(lons, west, east, "longitude")
    times, t0, t1 = [""], 0, 0
    if time_name:
        times = decode_times(coords[time_name], time_units(das_text, time_name))
        when = core_edr.datetime_param(time_range)
        if when:
            parts = when.split("/")
            low = parts[0] + "Z"
            high = (parts[1] if len(parts) > 1 else parts[0]) + "Z"
            if len(parts) == 1:  # one instant: the nearest step
                target_time = datetime.fromisoformat(parts[0]).replace(tzinfo=timezone.utc)
                nearest = min(range(len(times)), key=lambda i: abs(
                    datetime.fromisoformat(times[i].replace("Z", "+00:00")) - target_time))
                t0 = t1 = nearest
            else:
                chosen = [i for i, t in enumerate(times) if low <= t <= high]
                if not chosen:
                    raise FluxInputError(f"No time step lies in {parts[0]} .. {parts[1]} (the data has "
                                         f"{times[0]} .. {times[-1]}).")
                t0, t1 = chosen[0], chosen[-1]
        else:
            t0, t1 = 0, len(times) - 1
    count = (t1 - t0 + 1) * (y1 - y0 + 1) * (x1 - x0 + 1)
    if count > max_values:
        raise FluxInputError(f"The subset has {count:,} values (at most {max_values:,}): choose a smaller area "
                             "or fewer time steps.")
    index = {lat_name: f"[{y0}:{y1}]", lon_name: f"[{x0}:{x1}]"}
    if time_name:
        index[time_name] = f"[{t0}:{t1}]"
    constraint = variable + "".join(index[n] for n in dim_names)
    data = decode_dods(network.get(base + ".dods?" + constraint, "the DAP2 values", authcfg, feedback).body)
    values = data[variable]
    ny, nx = y1 - y0 + 1, x1 - x0 + 1
    ntimes = t1 - t0 + 1 if time_name else 1
    # reorder to (time, lat, lon) whatever the variable's dimension order
    order = [n for n in dim_names]
    strides = {}
    step = 1
    for name in reversed(order):
        strides[name] = step
        step *= {lat_name: ny, lon_name: nx, time_name: ntimes}[name]
    bands = []
    for t in range(ntimes):
        if order[-2:] == [lat_name, lon_name]:  # the usual (time, lat, lon): plain slices
            chunk = values[t * ny * nx:(t + 1) * ny * nx]
            bands.append(chunk if chunk.typecode == "f" else array("f", chunk))
            continue
        band = array("f", bytes(4 * ny * nx))
        for j in range(ny):
            for i in range(nx):
                flat = j * strides[lat_name] + i * strides[lon_name] + (t * strides[time_name] if time_name else 0)
                band[j * nx + i] = values[flat]
        bands.append(band)
        if feedback is not None:
            feedback.setProgress(100.0 * (t + 1) / ntimes)
    units = ""
    match = re.search(r"(?ms)^\s*" + re.escape(variable) + r"\s*\{(.*?)^\s*\}", das_text)
    if match:
        found = re.search(r'String\s+units\s+"([^"]*)"', match.group(1))
        units = found.group(1) if found else ""
    return Dap2Subset(variable=variable, lons=lons[x0:x1 + 1], lats=lats[y0:y1 + 1],
                      times=times[t0:t1 + 1] if time_name else [""], bands=bands, units=units, requests=4)


def write_geotiff(subset, path):
    """One band per time step (description = time), north-up, NaN as nodata. Thread-safe."""
    from osgeo import gdal

    path = str(path)
    if not path.lower().endswith((".tif", ".tiff")):
        raise FluxInputError(f"The output {path[-60:]!r} must be a GeoTIFF file (.tif).")
    nx, ny = len(subset.lons), len(subset.lats)
    dx = (subset.lons[-1] - subset.lons[0]) / (nx - 1) if nx > 1 else 1.0
    dy = (subset.lats[-1] - subset.lats[0]) / (ny - 1) if ny > 1 else 1.0
    north_first = dy < 0
    dy = abs(dy)
    top = max(subset.lats[0], subset.lats[-1]) + dy / 2
    driver = gdal.GetDriverByName("GTiff")
    dataset = driver.Create(path, nx, ny, len(subset.bands), gdal.GDT_Float32, ["COMPRESS=DEFLATE"])
    if dataset is None:
        raise FluxError(f"Could not create {path[-80:]}: {gdal.GetLastErrorMsg()}")
    dataset.SetGeoTransform((subset.lons[0] - dx / 2, dx, 0.0, top, 0.0, -dy))
    dataset.SetProjection('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
                          'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]')
    dataset.SetMetadata({"variable": subset.variable, "units": subset.units,
                         "times": ",".join(subset.times), "source": "Earthmover Flux DAP2"})
    for number, band_values in enumerate(subset.bands):
        rows = [band_values[j * nx:(j + 1) * nx] for j in range(ny)]
        if not north_first:
            rows.reverse()
        flat = array("f")
        for row in rows:
            flat.extend(row)
        band = dataset.GetRasterBand(number + 1)
        band.WriteRaster(0, 0, nx, ny, flat.tobytes(), nx, ny, gdal.GDT_Float32)
        band.SetNoDataValue(float("nan"))
        band.SetDescription(subset.times[number] or subset.variable)
    dataset.FlushCache()
    dataset = None
    subset.path = path
    return path


def load_raster(subset, name=None):
    """A gdal-provider layer of the written file (main thread). Temporal over the subset's time steps."""
    layer = QgsRasterLayer(subset.path, name or f"{subset.variable} (DAP2 subset)", "gdal")
    if not layer.isValid():
        raise FluxError(f"Could not open the GeoTIFF just written at {subset.path[-80:]}.")
    times = [t for t in subset.times if t]
    if times:
        from .edr import qdatetime

        props = layer.temporalProperties()
        props.setMode(QgsRasterLayerTemporalProperties.ModeFixedTemporalRange)
        props.setFixedTemporalRange(QgsDateTimeRange(qdatetime(times[0]), qdatetime(times[-1])))
        props.setIsActive(True)
    return layer
