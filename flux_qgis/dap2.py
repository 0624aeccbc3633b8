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
from datetime import timedelta

from qgis.core import QgsDateTimeRange, QgsRasterLayer, QgsRasterLayerTemporalProperties

from ..core import edr as core_edr
from ..core.dimensions import LEAD_TIME, VERTICAL, Dimension, format_timedelta, longitude_convention, to_display
from ..core.dimensions import format_number as dimension_number
from ..core.dimensions import resolve as resolve_dimensions
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
    crs_wkt: str = ""  # '' = EPSG:4326 (lons/lats); else the projected grid's CRS (lons/lats hold x/y)
    dimensions: dict = field(default_factory=dict)  # the one value taken of each other axis


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
            out["__cut_short__"] = decl.name
            break
        count = int.from_bytes(body[offset:offset + 4], "big")
        expected = 1
        for n in decl.shape:
            expected *= n
        if count != expected:  # a broken-off answer (see below), or not DAP2 at all
            out["__cut_short__"] = decl.name
            break
        nbytes = count * size
        nbytes_padded = (count + 3) // 4 * 4 if decl.type == "Byte" else nbytes
        if offset + 8 + nbytes_padded > len(body):
            # xpublish-opendap also sends every variable whose name begins the constraint's (t for
            # t2m) and breaks off where the indices do not fit one: keep what came before
            out["__cut_short__"] = decl.name
            break
        offset += 8  # XDR arrays repeat their length
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


def parse_das(text):
    """{variable: {attribute: value}} of a DAS (numbers as float, strings unquoted)."""
    out, current, depth = {}, None, 0
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.endswith("{"):
            depth += 1
            if depth == 2:
                current = out.setdefault(stripped[:-1].strip(), {})
            continue
        if stripped.startswith("}"):
            depth -= 1
            current = None if depth < 2 else current
            continue
        if current is None:
            continue
        match = re.match(r'^(\w+)\s+([\w.\-]+)\s+(.*?);?$', stripped)
        if not match:
            continue
        kind, name, raw = match.groups()
        raw = raw.rstrip(";").strip()
        if kind == "String":
            current[name] = raw.strip('"')
        else:
            try:
                current[name] = float(raw.split(",")[0])
            except ValueError:
                current[name] = raw
    return out


def time_units(das_text, name):
    """The 'units' attribute of ``name`` in a DAS ('' if absent)."""
    return str(parse_das(das_text).get(name, {}).get("units", ""))


# -- calendars (CF): decode without cftime, which a user's QGIS may lack -------------------------

_MONTHS = {"noleap": [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
           "all_leap": [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
           "360_day": [30] * 12}
_CALENDAR_ALIASES = {"365_day": "noleap", "366_day": "all_leap", "standard": "standard", "gregorian": "standard",
                     "proleptic_gregorian": "standard", "": "standard", "julian": None, "none": None}
_UNIT_SECONDS = {"day": 86400, "hour": 3600, "minute": 60, "second": 1}


def _calendar(name):
    name = str(name or "").strip().lower()
    if name in _MONTHS:
        return name
    if name in _CALENDAR_ALIASES and _CALENDAR_ALIASES[name] is not None:
        return _CALENDAR_ALIASES[name]
    raise FluxInputError(f"The time axis uses the calendar {name[:30]!r}, which the plugin cannot decode "
                         "(it reads standard, gregorian, proleptic_gregorian, noleap/365_day, all_leap/366_day "
                         "and 360_day).")


def decode_times(values, units, calendar="standard"):
    """ISO strings of CF times in ``calendar``. Non-standard calendars keep their own dates
    (``2024-02-30`` on 360_day), so a band says what the model meant."""
    match = re.match(r"^\s*(days?|hours?|minutes?|seconds?)\s+since\s+(.+?)\s*$", units or "", re.IGNORECASE)
    if not match:
        raise FluxError(f"Could not read the DAP2 time axis: unsupported units {units[:60]!r}.")
    unit_seconds = _UNIT_SECONDS[match.group(1).lower().rstrip("s")]
    origin_text = match.group(2).replace(" ", "T", 1) if "T" not in match.group(2) else match.group(2)
    calendar = _calendar(calendar)
    if calendar == "standard":
        origin = core_edr._parse_instant(origin_text, "time origin")
        return [(origin + timedelta(seconds=float(v) * unit_seconds)).strftime("%Y-%m-%dT%H:%M:%SZ") for v in values]
    found = re.match(r"^(-?\d+)-(\d{1,2})-(\d{1,2})(?:T(\d{1,2}):(\d{2})(?::(\d{2}))?)?", origin_text)
    if not found:
        raise FluxError(f"Could not read the DAP2 time origin {origin_text[:40]!r}.")
    year, month, day = (int(found.group(i)) for i in (1, 2, 3))
    clock = sum(int(found.group(i) or 0) * f for i, f in ((4, 3600), (5, 60), (6, 1)))
    months = _MONTHS[calendar]
    year_days = sum(months)
    origin_days = year * year_days + sum(months[:month - 1]) + day - 1
    out = []
    for value in values:
        total = origin_days * 86400 + clock + float(value) * unit_seconds
        days, seconds = divmod(int(round(total)), 86400)
        y, rest = divmod(days, year_days)
        m = 0
        while rest >= months[m]:
            rest -= months[m]
            m += 1
        # noleap dates are real dates (it only lacks Feb 29): UTC times QGIS can animate; all_leap and
        # 360_day dates (Feb 30) are the model's own and stay without a zone
        out.append(f"{y:04d}-{m + 1:02d}-{rest + 1:02d}T{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:"
                   f"{seconds % 60:02d}" + ("Z" if calendar == "noleap" else ""))
    return out


def _index_range(coords, low, high, what):
    """Contiguous index range [i0, i1] of the coordinates within [low, high]."""
    inside = [i for i, c in enumerate(coords) if low <= c <= high]
    if not inside:
        raise FluxInputError(f"No {what} of the data lies in {low:g} .. {high:g}: widen the area.")
    return inside[0], inside[-1]


# -- axes found by their CF attributes, not by their names ---------------------------------------


def axis_of(name, attrs):
    """'X', 'Y', 'T', 'Z' or '' for a coordinate, from its CF attributes (then its name)."""
    axis = str(attrs.get("axis", "")).upper()
    standard = str(attrs.get("standard_name", "")).lower()
    units = str(attrs.get("units", "")).lower()
    if axis in ("X", "Y", "Z", "T"):
        return axis
    if standard in ("longitude", "projection_x_coordinate", "grid_longitude") or units in (
            "degrees_east", "degree_east", "degrees_e"):
        return "X"
    if standard in ("latitude", "projection_y_coordinate", "grid_latitude") or units in (
            "degrees_north", "degree_north", "degrees_n"):
        return "Y"
    if standard == "time" or (" since " in units and standard != "forecast_period"):
        return "T"
    if attrs.get("positive") or standard in ("air_pressure", "depth", "height", "altitude", "model_level_number"):
        return "Z"
    lowered = name.lower()
    if lowered in LON_NAMES:
        return "X"
    if lowered in LAT_NAMES:
        return "Y"
    if lowered in TIME_NAMES:
        return "T"
    return ""


def _is_projected(attrs):
    return str(attrs.get("standard_name", "")).lower().startswith("projection_") or str(
        attrs.get("units", "")).lower() in ("m", "metre", "meter", "metres", "meters", "km")


def _crs_wkt(das, variable):
    """WKT of a projected variable's grid_mapping (CF ``crs_wkt`` or GDAL's ``spatial_ref``), or ''."""
    mapping = str(das.get(variable, {}).get("grid_mapping", "")).split(":")[0].strip()
    attrs = das.get(mapping, {}) if mapping else {}
    return str(attrs.get("crs_wkt") or attrs.get("spatial_ref") or "")


def _dimension_of(name, attrs, values):
    units = str(attrs.get("units", ""))
    standard = str(attrs.get("standard_name", "")).lower()
    if standard == "forecast_period" or str(attrs.get("dtype", "")).startswith("timedelta") or name == "step":
        scale = {"hours": 3600, "hour": 3600, "minutes": 60, "minute": 60, "seconds": 1, "second": 1,
                 "days": 86400, "day": 86400}.get(units.lower(), 3600)
        return Dimension(name=name, values=[format_timedelta(round(float(v) * scale * 1_000_000)) for v in values],
                         kind=LEAD_TIME)
    kind = VERTICAL if axis_of(name, attrs) == "Z" else "other"
    return Dimension(name=name, values=[dimension_number(v) for v in values], kind=kind, units=units)


def list_variables(location, authcfg="", feedback=None):
    """The variables of a dap2 service a subset can be made of: arrays of the DDS with >= 2 dimensions,
    two of which CF marks as x and y. core.styles.VariableInfo each (units, long_name, decoded times,
    other axes as Dimensions, as fetch_subset reads them). Three requests: .dds, .das, one .dods of
    the coordinates."""
    from ..core.styles import VariableInfo

    if location.protocol != "dap2":
        raise FluxInputError("DAP2 variables come from a dap2 service.")
    base = location.service_url()
    declarations = {}
    for decl in parse_dds(network.get(base + ".dds", "the DAP2 structure (.dds)", authcfg, feedback).body.decode(
            "utf-8", "replace")):
        declarations.setdefault(decl.name, decl)
    grids = [d for d in declarations.values() if len(d.dims) >= 2]
    das = parse_das(network.get(base + ".das", "the DAP2 attributes (.das)", authcfg, feedback).body.decode(
        "utf-8", "replace"))
    wanted = []
    for decl in grids:
        wanted += [n for n, _ in decl.dims if n in declarations and len(declarations[n].dims) == 1 and n not in wanted]
    coords = decode_dods(network.get(base + ".dods?" + ",".join(wanted), "the DAP2 coordinates", authcfg,
                                     feedback).body) if wanted else {}
    out = []
    for decl in grids:
        names = [n for n, _ in decl.dims]
        axes = {n: axis_of(n, das.get(n, {})) for n in names}
        x_name = next((n for n in reversed(names) if axes[n] == "X"), None)
        y_name = next((n for n in reversed(names) if axes[n] == "Y"), None)
        if x_name is None or y_name is None:
            continue  # not a grid on the map (bounds, 2-D coordinates of another axis...)
        time_name = next((n for n in names if axes[n] == "T"), None)
        times = []
        if time_name and time_name in coords:
            attrs = das.get(time_name, {})
            try:
                times = decode_times(coords[time_name], str(attrs.get("units", "")), attrs.get("calendar", "standard"))
            except FluxError:
                times = []
        dims = [_dimension_of(n, das.get(n, {}), list(coords.get(n, range(size))))
                for n, size in decl.dims if n not in (x_name, y_name, time_name)]
        attrs = das.get(decl.name, {})
        out.append(VariableInfo(name=decl.name, title=str(attrs.get("long_name", "")),
                                units=str(attrs.get("units", "")), times=times, dims=dims))
    return out


def fetch_subset(location, variable, bbox=None, time_range=None, authcfg="", feedback=None, max_values=MAX_VALUES,
                 dimensions=None):
    """Decoded subset of ``variable`` within bbox (west, south, east, north; EPSG:4326) and time range.

    Any dimension order and names: the x, y and time axes are found by their CF attributes, other
    axes (lead time, level, member) are taken at one value each (``dimensions``, else the first),
    ``scale_factor``/``add_offset``/``_FillValue`` are applied, and CF calendars decoded. A
    projected grid (x/y in metres with a grid_mapping) is cut in its own CRS.
    """
    if location.protocol != "dap2":
        raise FluxInputError("DAP2 subsets come from a dap2 service.")
    base = location.service_url()
    declarations, target, das = _structure(base, variable, authcfg, feedback)
    dim_names = [n for n, _ in target.dims]
    axes = {name: axis_of(name, das.get(name, {})) for name in dim_names}
    x_name = next((n for n in reversed(dim_names) if axes[n] == "X"), None)
    y_name = next((n for n in reversed(dim_names) if axes[n] == "Y"), None)
    if x_name is None or y_name is None:
        raise FluxInputError(f"The variable {variable!r} has dimensions {dim_names}, none of which CF marks as "
                             "longitude/x and latitude/y: it cannot be written as a raster.")
    time_name = next((n for n in dim_names if axes[n] == "T"), None)
    others = [n for n in dim_names if n not in (x_name, y_name, time_name)]
    coords = _coordinates(base, [n for n in dim_names if n in declarations], (x_name, y_name), authcfg, feedback)
    xs, ys = list(coords[x_name]), list(coords[y_name])
    projected = _is_projected(das.get(x_name, {}))
    crs_wkt = _crs_wkt(das, variable) if projected else ""
    if projected and not crs_wkt:
        mapping = str(das.get(variable, {}).get("grid_mapping", "")) or "none"
        raise FluxInputError(f"{variable!r} sits on a projected grid ({x_name}, {y_name} in metres) and the DAP2 "
                             f"service does not publish its projection (grid_mapping {mapping!r} has no crs_wkt "
                             "here), so it cannot be placed on the map: use the WMS or tiles service for it.")
    (x0, x1), (y0, y1) = _cell_ranges(xs, ys, bbox, projected, crs_wkt)
    # other axes: one value each, by value
    dims = [_dimension_of(n, das.get(n, {}), list(coords.get(n, range(dict(target.dims)[n]))))
            for n in others]
    selected = resolve_dimensions(dims, dimensions, variable)
    picks = {n: dims[i].values.index(selected[n]) for i, n in enumerate(others)}
    times, t0, t1 = [""], 0, 0
    if time_name:
        attrs = das.get(time_name, {})
        times = decode_times(coords[time_name], str(attrs.get("units", "")), attrs.get("calendar", "standard"))
        t0, t1 = _time_indices(times, time_range)
    count = (t1 - t0 + 1) * (y1 - y0 + 1) * (x1 - x0 + 1)
    if count > max_values:
        raise FluxInputError(f"The subset has {count:,} values (at most {max_values:,}): choose a smaller area "
                             "or fewer time steps.")
    ranges = {y_name: (y0, y1), x_name: (x0, x1), **({time_name: (t0, t1)} if time_name else {}),
              **{name: (i, i) for name, i in picks.items()}}
    values = _values(base, variable, dim_names, ranges, das, authcfg, feedback)
    bands = _bands(values, dim_names, ranges, (y_name, x_name, time_name), feedback)
    lons = xs[x0:x1 + 1]
    if not projected and min(lons) >= 180:  # east of 180 only: where QGIS shows it
        lons = [to_display(x) for x in lons]
    return Dap2Subset(variable=variable, lons=lons, lats=ys[y0:y1 + 1],
                      times=times[t0:t1 + 1] if time_name else [""], bands=bands,
                      units=str(das.get(variable, {}).get("units", "")), requests=4, crs_wkt=crs_wkt,
                      dimensions=selected)


def _structure(base, variable, authcfg, feedback):
    """(declarations by name, the variable's declaration, the attributes) from .dds and .das."""
    dds_text = network.get(base + ".dds", "the DAP2 structure (.dds)", authcfg, feedback).body.decode("utf-8",
                                                                                                        "replace")
    declarations = {}
    for decl in parse_dds(dds_text):
        declarations.setdefault(decl.name, decl)
    target = declarations.get(variable)
    if target is None or len(target.dims) < 2:
        names = [d.name for d in declarations.values() if len(d.dims) >= 2]
        raise FluxInputError(f"The variable {variable!r} is not served here; available: {', '.join(names) or 'none'}.")
    das = parse_das(network.get(base + ".das", "the DAP2 attributes (.das)", authcfg, feedback).body.decode(
        "utf-8", "replace"))
    return declarations, target, das


def _coordinates(base, coord_names, needed, authcfg, feedback):
    """The coordinate variables' values; the x and y ones (``needed``) must be there."""
    coords = decode_dods(network.get(base + ".dods?" + ",".join(coord_names), "the DAP2 coordinates",
                                     authcfg, feedback).body)
    missing = [n for n in needed if n not in coords]
    if missing and "__cut_short__" in coords:
        raise FluxError("Could not read the DAP2 coordinates: the answer is cut short.")
    if missing:
        raise FluxInputError(f"The DAP2 service gives no coordinate values for {missing[0]!r}: the grid cannot be "
                             "placed on the map.")
    return coords


def _cell_ranges(xs, ys, bbox, projected, crs_wkt):
    """((x0, x1), (y0, y1)): the index ranges of the cells inside bbox (EPSG:4326; None: all), on
    a 0..360 or -180..180 grid, or a projected one (bbox taken to its CRS)."""
    west, south, east, north = bbox if bbox else (-180.0, -90.0, 360.0, 90.0)
    if west > east or south > north:
        raise FluxInputError("The area is reversed: west must be below east and south below north.")
    if projected:
        x_low, y_low, x_high, y_high = _projected_box(crs_wkt, (west, south, east, north), bbox is None)
    else:
        convention = longitude_convention(min(xs), max(xs))
        x_low, x_high = (west, east) if bbox else (-1e300, 1e300)
        if bbox and convention == "0..360" and west < 0:
            if east > 0:
                raise FluxInputError("The area crosses longitude 0, where this dataset's longitudes (0..360) wrap: "
                                     "ask for each side separately.")
            x_low, x_high = west + 360, east + 360
        y_low, y_high = south, north
    y_range = _index_range(ys, y_low, y_high, "latitude" if not projected else "y")
    x_range = _index_range(xs, x_low, x_high, "longitude" if not projected else "x")
    return x_range, y_range


def _values(base, variable, dim_names, ranges, das, authcfg, feedback):
    """The variable's unpacked values over ``ranges`` (name -> (first, last) index), in its own order."""
    constraint = variable + "".join(f"[{ranges[n][0]}:{ranges[n][1]}]" for n in dim_names)
    data = decode_dods(network.get(base + ".dods?" + constraint, "the DAP2 values", authcfg, feedback,
                                   allow_partial=True).body)
    if variable not in data:
        raise FluxError(f"Could not read the DAP2 data: the server's answer broke off at {data.get('__cut_short__')!r} "
                        f"before {variable!r}. xpublish-opendap also sends every variable whose name is the start of "
                        f"the one asked for ({variable!r} brings them along) and breaks off on one of another "
                        "shape: this variable cannot be read over this DAP2 service (its WMS, tiles and EDR "
                        "services serve it).")
    return _unpack(data[variable], das.get(variable, {}))


def _bands(values, dim_names, ranges, names, feedback):
    """One float32 band (y rows in the served order, by x) per time step of ``values``."""
    y_name, x_name, time_name = names
    sizes = {n: last - first + 1 for n, (first, last) in ranges.items()}
    ny, nx = sizes[y_name], sizes[x_name]
    ntimes = sizes[time_name] if time_name else 1
    strides, step = {}, 1
    for name in reversed(dim_names):
        strides[name] = step
        step *= sizes[name]
    bands = []
    for t in range(ntimes):
        first = t * strides[time_name] if time_name else 0
        if dim_names[-2:] == [y_name, x_name]:  # (..., y, x): each band is one plain slice
            bands.append(array("f", values[first:first + ny * nx]))
        else:
            band = array("f", bytes(4 * ny * nx))
            for j in range(ny):
                for i in range(nx):
                    band[j * nx + i] = values[first + j * strides[y_name] + i * strides[x_name]]
            bands.append(band)
        if feedback is not None:
            feedback.setProgress(100.0 * (t + 1) / ntimes)
    return bands


def _time_indices(times, time_range):
    when = core_edr.datetime_param(time_range) if not _nonstandard(times) else _raw_range(time_range)
    if not when:
        return 0, len(times) - 1
    parts = when.split("/")
    if len(parts) == 1:  # one instant: the nearest step (ISO strings sort as times do)
        target = parts[0][:19]
        exact = [i for i, t in enumerate(times) if t[:19] == target]
        if exact:
            return exact[0], exact[0]
        later = [i for i, t in enumerate(times) if t[:19] >= target]
        index = later[0] if later else len(times) - 1
        return index, index
    low, high = parts[0][:19], parts[1][:19]
    chosen = [i for i, t in enumerate(times) if low <= t[:19] <= high]
    if not chosen:
        raise FluxInputError(f"No time step lies in {parts[0]} .. {parts[1]} (the data has "
                             f"{times[0]} .. {times[-1]}).")
    return chosen[0], chosen[-1]


def _nonstandard(times):
    return any(not t.endswith("Z") for t in times if t)


def _raw_range(time_range):
    """A time range on a model calendar (2024-02-30 exists there): compared as ISO text."""
    if time_range in (None, "", ()):
        return None

    def text(value, end):
        value = str(value or ("9999" if end else "0000")).replace("Z", "").replace(" ", "T")
        return value + ("T23:59:59" if end else "T00:00:00") if "T" not in value else value

    if isinstance(time_range, str):
        return text(time_range, False)
    start, end = time_range
    return f"{text(start, False)}/{text(end, True)}"


def _unpack(values, attrs):
    """CF packing undone: raw * scale_factor + add_offset, _FillValue/missing_value -> NaN."""
    scale = float(attrs.get("scale_factor", 1.0)) if isinstance(attrs.get("scale_factor", 1.0), float) else 1.0
    offset = float(attrs.get("add_offset", 0.0)) if isinstance(attrs.get("add_offset", 0.0), float) else 0.0
    fills = {float(attrs[k]) for k in ("_FillValue", "missing_value") if isinstance(attrs.get(k), float)}
    if scale == 1.0 and offset == 0.0 and not fills:
        return values
    nan = float("nan")
    return array("d", [nan if v in fills else v * scale + offset for v in values])


def _projected_box(crs_wkt, bbox, whole):
    """(xmin, ymin, xmax, ymax) in the data's CRS of a lon/lat bbox (everything when none was given).
    Runs in tasks: QGIS's default transform context, never the project (a QObject of the UI thread);
    from a lon/lat box to a grid's own CRS no datum transformation of the project's applies."""
    if whole:
        return -1e300, -1e300, 1e300, 1e300
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsCoordinateTransformContext,
        QgsRectangle,
    )

    crs = QgsCoordinateReferenceSystem.fromWkt(crs_wkt)
    if not crs.isValid():
        raise FluxInputError("The data's grid_mapping has a crs_wkt QGIS cannot read: it cannot be cut by area.")
    transform = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), crs,
                                       QgsCoordinateTransformContext())
    box = transform.transformBoundingBox(QgsRectangle(*bbox))
    return box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()


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
    dataset.SetProjection(subset.crs_wkt or 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,'
                          '298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],'
                          'AUTHORITY["EPSG","4326"]]')
    dataset.SetMetadata({"variable": subset.variable, "units": subset.units, "times": ",".join(subset.times),
                         "dimensions": ";".join(f"{k}={v}" for k, v in subset.dimensions.items()),
                         "source": "Earthmover Flux DAP2"})
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
    times = [t for t in subset.times if t.endswith("Z")]  # model calendars (360_day) are not QGIS times
    if times:
        from .edr import qdatetime

        props = layer.temporalProperties()
        props.setMode(QgsRasterLayerTemporalProperties.ModeFixedTemporalRange)
        props.setFixedTemporalRange(QgsDateTimeRange(qdatetime(times[0]), qdatetime(times[-1])))
        props.setIsActive(True)
    return layer
