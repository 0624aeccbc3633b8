"""Flux EDR (xpublish-edr 0.11) position and area queries: URLs, batching and answers.

Pure Python on purpose: no Qt, no QGIS.

Requests (FLUX.md, and the xpublish-edr source)::

    {service}/position?coords=MULTIPOINT((lon lat),...)&parameter-name=a,b&datetime=S/E&crs=EPSG:4326&f=cf_covjson
    {service}/area?coords=POLYGON((lon lat,...))&...

Choices, and why:

- Format ``cf_covjson``: typed JSON numbers (``null`` for missing values), every point of a
  MULTIPOINT kept in order on the ``pts`` axis, and the most compact of the typed formats.
  ``csv`` is untyped and, for a MULTIPOINT, drops the point index (two points in one grid cell
  are indistinguishable); ``geojson`` repeats every coordinate and property per row (about 4x
  the bytes).
- ``datetime`` is sent naive (``2024-01-02T00:00:00``, meaning UTC): xpublish-edr answers 500 to
  a ``Z`` or ``+00:00`` suffix when the dataset's time index is naive (seen locally).
- Many points go into MULTIPOINT requests; a batch is filled until the URL would pass
  :data:`MAX_URL_BYTES` (8000: under the 8 KB request-line limit of common proxies and
  servers). With 6-decimal coordinates that is about 300 points per request; at most
  :data:`MAX_POINTS_PER_REQUEST` in any case, so one answer stays small.
- Parameter discovery: EDR on Flux has no collection list, but the service's own collection
  metadata (``GET {service}/``, ``parameter_names``) lists the variables with units and the
  time interval, without a data request; the plugin reads that.
- Coordinates in answers are those of the grid cell the server picked (``method=nearest``), not
  the requested point: both are kept.
"""

import itertools
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import quote

from .dimensions import VERTICAL, Dimension, lead_time_dimension, longitude_convention, query_params, to_convention
from .errors import FluxError, FluxInputError

FORMAT = "cf_covjson"
_SAFE = ",:/()"  # left as is in query values: WKT stays readable and short
MAX_URL_BYTES = 8000
MAX_POINTS_PER_REQUEST = 1000
COORD_DECIMALS = 6
_PARAM_RE = re.compile(r"^[^\s,&#%/?\x00-\x1f\x7f]{1,200}$")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_PAIR_RE = re.compile(rf"({_NUMBER})\s+({_NUMBER})")
_POLY_RE = re.compile(r"^\s*(MULTIPOLYGON|POLYGON)\s*(\(.*\))\s*$", re.IGNORECASE | re.DOTALL)


@dataclass
class EdrParameter:
    """One variable the EDR service answers for."""

    name: str
    label: str = ""
    units: str = ""
    data_type: str = ""
    time_interval: tuple = None  # (first, last) ISO strings, or None without a time axis
    dims: list = field(default_factory=list)  # core.dimensions.Dimension of its other axes (z, step, member)

    @property
    def title(self):
        units = f" [{self.units}]" if self.units else ""
        label = f" - {self.label}" if self.label and self.label != self.name else ""
        return f"{self.name}{label}{units}"


@dataclass
class EdrRow:
    """One location and time step of an answer."""

    index: int  # position queries: index into the requested points; area: grid point number
    lon: float  # grid cell the server answered for
    lat: float
    time: str = None  # ISO 8601 UTC ('...Z'), or None when the data has no time axis
    z: float = None
    values: dict = field(default_factory=dict)  # parameter -> float or None (missing)
    extra: dict = field(default_factory=dict)  # other axes of the answer (step, member) -> value as text


@dataclass
class EdrCollection:
    """What the service's collection metadata tells: parameters, the data's bbox, other axes."""

    parameters: list  # EdrParameter
    bbox: tuple = None  # (west, south, east, north) in the data's own longitudes (0..360 or -180..180)
    dims: list = field(default_factory=list)  # core.dimensions.Dimension (z, step, member...)

    @property
    def lon_convention(self):
        if not self.bbox:
            return None
        return longitude_convention(self.bbox[0], self.bbox[2])


# -- input checks ---------------------------------------------------------------------------


def format_coord(value):
    text = f"{value:.{COORD_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def validate_point(point, number=None):
    """(lon, lat) floats in EPSG:4326, or FluxInputError naming the point."""
    where = f"Point {number}" if number is not None else "The point"
    try:
        lon, lat = (float(v) for v in point)
    except (TypeError, ValueError):
        raise FluxInputError(f"{where} is not a (longitude, latitude) pair of numbers.") from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise FluxInputError(f"{where} has a coordinate that is not a finite number.")
    if not (-180.0 <= lon <= 360.0) or not (-90.0 <= lat <= 90.0):
        raise FluxInputError(f"{where} ({lon:g}, {lat:g}) is outside longitude -180..360 / latitude "
                             "-90..90: EDR coordinates are EPSG:4326 longitude, latitude (is the order or "
                             "the CRS wrong?).")
    return lon, lat


def validate_points(points):
    points = list(points or [])
    if not points:
        raise FluxInputError("No points given: choose at least one location.")
    return [validate_point(p, i + 1 if len(points) > 1 else None) for i, p in enumerate(points)]


def validate_parameters(parameters):
    """Parameter names as a list (a 'a,b' string works too); [] means: all of them."""
    if parameters is None:
        return []
    if isinstance(parameters, str):
        parameters = parameters.split(",")
    names = []
    for name in parameters:
        name = str(name).strip()
        if not name:
            continue
        if not _PARAM_RE.match(name):
            raise FluxInputError(f"The parameter name {name[:60]!r} is not valid: a variable name has no "
                                 "spaces, commas or '&#%/?' characters.")
        if name not in names:
            names.append(name)
    return names


def _parse_instant(value, what):
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        if not text:
            raise FluxInputError(f"The {what} is empty.")
        try:
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError:
            raise FluxInputError(f"The {what} {text[:40]!r} is not an ISO 8601 date or date-time "
                                 "(for example 2024-01-02 or 2024-01-02T06:00:00Z).") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def datetime_param(time_range):
    """The ``datetime`` query value for ``time_range``, or None for all time steps.

    ``time_range`` is None, one instant (the nearest time step), or (start, end) with either
    end None/'' for open (all steps from start, or up to end). Values are ISO strings or
    datetimes; time zones are turned into UTC and sent naive (see module docstring).
    """
    if time_range is None or time_range == "" or time_range == ():
        return None
    if isinstance(time_range, (str, datetime)):
        return _parse_instant(time_range, "time").isoformat()
    try:
        start, end = time_range
    except (TypeError, ValueError):
        raise FluxInputError("The time range must be (start, end), one date-time, or None.") from None
    start = None if start in (None, "") else _parse_instant(start, "start time")
    end = None if end in (None, "") else _parse_instant(end, "end time")
    if start is None and end is None:
        return None
    if start is not None and end is not None and start > end:
        raise FluxInputError(f"The time range is reversed: start {start.isoformat()} is after end "
                             f"{end.isoformat()}.")
    # xpublish-edr slices with pandas and knows no '..': an open end becomes a far bound that
    # pandas can hold (Timestamps end in 2262; 9999 answers 500)
    start = start or datetime(1700, 1, 1)
    end = end or datetime(2200, 1, 1)
    return f"{start.isoformat()}/{end.isoformat()}"


def normalize_polygon_wkt(wkt):
    """POLYGON/MULTIPOLYGON WKT in EPSG:4326, with coordinates shortened; FluxInputError if not."""
    text = (wkt or "").strip()
    if not text:
        raise FluxInputError("The polygon is empty: draw or select a polygon.")
    match = _POLY_RE.match(text)
    if not match:
        kind = text.split("(", 1)[0].strip()[:30] or text[:30]
        raise FluxInputError(f"An area query needs a POLYGON or MULTIPOLYGON (WKT), not {kind!r}.")
    body = match.group(2)
    if body.count("(") != body.count(")"):
        raise FluxInputError("The polygon WKT has unbalanced parentheses.")
    pairs = _PAIR_RE.findall(body)
    if len(pairs) < 4:
        raise FluxInputError("The polygon has fewer than 4 vertices (a closed ring needs at least 4).")
    for i, (x, y) in enumerate(pairs):
        validate_point((x, y), i + 1)

    def shorten(m):
        return f"{format_coord(float(m.group(1)))} {format_coord(float(m.group(2)))}"

    body = _PAIR_RE.sub(shorten, body)
    body = re.sub(r"\s*,\s*", ",", body)
    body = re.sub(r"\s*([()])\s*", r"\1", body)
    return f"{match.group(1).upper()}{body}"


def points_in_convention(points, convention):
    """Points with longitudes in the data's convention (xpublish-edr answers -30 on a 0..360 grid
    from the cell at 0: the nearest index, not the nearest longitude; FLUX.md)."""
    if not convention:
        return list(points)
    return [(to_convention(lon, convention), lat) for lon, lat in points]


def polygon_in_convention(wkt, convention):
    """A normalised polygon with longitudes in the data's convention, or FluxInputError when it
    crosses the longitude where the data's axis wraps (0 for 0..360 data, 180 for -180..180)."""
    if not convention:
        return wkt
    lons = [float(x) for x, _ in _PAIR_RE.findall(wkt)]
    moved = [to_convention(x, convention) for x in lons]
    if max(moved) - min(moved) > 180 + 1e-9 and max(lons) - min(lons) <= 180:
        wrap = "0" if convention == "0..360" else "180"
        raise FluxInputError(f"The polygon crosses longitude {wrap}, where this dataset's longitudes "
                             f"({convention}) wrap: split it into two polygons, one on each side.")
    values = iter(moved)

    def move(m):
        return f"{format_coord(next(values))} {m.group(2)}"

    return _PAIR_RE.sub(move, wkt)


# -- URLs ---------------------------------------------------------------------------------------


def _query(params):
    return "&".join(f"{k}={quote(str(v), safe=_SAFE)}" for k, v in params)


def metadata_url(location):
    """Collection metadata of the service (parameter names, units, extents)."""
    return location.service_url() + "/"


def _common_params(parameters, datetime_value, fmt, extra=()):
    params = []
    if parameters:
        params.append(("parameter-name", ",".join(parameters)))
    if datetime_value:
        params.append(("datetime", datetime_value))
    params += list(extra)
    params += [("crs", "EPSG:4326"), ("f", fmt)]
    return params


def dimension_params(dims, selected):
    """Query parameters selecting ``selected`` ({name: value}) on EDR: the vertical axis as ``z``."""
    return query_params("edr", dims, selected)


def _points_wkt(points):
    coords = [f"{format_coord(x)} {format_coord(y)}" for x, y in points]
    if len(coords) == 1:
        return f"POINT({coords[0]})"
    return "MULTIPOINT(" + ",".join(f"({c})" for c in coords) + ")"


def position_url(location, points, parameters=None, datetime_value=None, fmt=FORMAT, extra=()):
    """One position request for already validated (lon, lat) points."""
    params = [("coords", _points_wkt(points))] + _common_params(parameters, datetime_value, fmt, extra)
    return f"{location.service_url()}/position?{_query(params)}"


def area_url(location, polygon_wkt, parameters=None, datetime_value=None, fmt=FORMAT, extra=()):
    params = [("coords", polygon_wkt)] + _common_params(parameters, datetime_value, fmt, extra)
    url = f"{location.service_url()}/area?{_query(params)}"
    if len(url) > MAX_URL_BYTES:
        raise FluxInputError(f"The polygon has too many vertices for one request ({len(url)} bytes, at most "
                             f"{MAX_URL_BYTES}): simplify it (Vector > Geometry Tools > Simplify) or use a "
                             "rectangle.")
    return url


def batches(location, points, parameters=None, datetime_value=None, fmt=FORMAT, max_url=MAX_URL_BYTES,
            max_points=MAX_POINTS_PER_REQUEST, extra=()):
    """Split points into MULTIPOINT requests: list of (first index, url), each URL <= max_url bytes."""
    base = len(position_url(location, [(0, 0), (0, 0)], parameters, datetime_value, fmt, extra)) - len(
        "(0%200),(0%200)")
    out = []
    start = 0
    size = base
    for i, (x, y) in enumerate(points):
        # '(x%20y),' once encoded; the last ',' is not sent but keeps the count on the safe side
        cost = len(quote(f"({format_coord(x)} {format_coord(y)}),", safe=_SAFE))
        if i > start and (size + cost > max_url or i - start >= max_points):
            out.append((start, position_url(location, points[start:i], parameters, datetime_value, fmt, extra)))
            start, size = i, base
        size += cost
    if start < len(points):
        out.append((start, position_url(location, points[start:], parameters, datetime_value, fmt, extra)))
    for _, url in out:
        if len(url) > max_url:
            raise FluxInputError("The parameter names and time range leave no room for coordinates in one "
                                 f"request ({len(url)} bytes, at most {max_url}): ask for fewer parameters.")
    return out


# -- answers ------------------------------------------------------------------------------------


def _decode_json(body, what):
    try:
        data = json.loads(body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body)
    except (ValueError, UnicodeDecodeError, TypeError, AttributeError):
        raise FluxError(f"Could not read {what}: the answer is not JSON (a proxy or login page may be "
                        "in the way).") from None
    if not isinstance(data, dict):
        raise FluxError(f"Could not read {what}: unexpected answer.")
    return data


def parse_metadata(body):
    """EdrParameter list from the collection metadata (``GET {service}/``)."""
    data = _decode_json(body, "the EDR collection metadata")
    names = data.get("parameter_names")
    if not isinstance(names, dict):
        raise FluxError("Could not read the EDR collection metadata: it lists no parameter_names.")
    out = []
    for name, info in names.items():
        info = info if isinstance(info, dict) else {}
        unit = info.get("unit") or {}
        units = unit.get("label") if isinstance(unit, dict) else ""
        temporal = ((info.get("extent") or {}).get("temporal") or {}).get("interval")
        interval = tuple(str(t) for t in temporal[:2]) if isinstance(temporal, list) and len(temporal) >= 2 else None
        extent = info.get("extent") if isinstance(info.get("extent"), dict) else {}
        out.append(EdrParameter(name=str(name), label=str(info.get("description") or info.get("label") or ""),
                                units=str(units or ""), data_type=str(info.get("data_type") or ""),
                                time_interval=interval, dims=_extent_dims(extent)))
    return out


def _extent_dims(extent):
    """Dimensions of an EDR extent: ``vertical`` (sent as z) and the other axes xpublish-edr lists
    beside spatial/temporal by their names (``step`` as ISO durations, ``member``...)."""
    dims = []
    vertical = extent.get("vertical") if isinstance(extent.get("vertical"), dict) else None
    if vertical and vertical.get("values"):
        units = ""
        found = re.search(r"UNIT\[([^,\]]+)", str(vertical.get("vrs") or ""))
        if found and found.group(1).strip("'\" ") not in ("unknown", ""):
            units = found.group(1).strip("'\" ")
        dims.append(Dimension(name="z", values=[_number_text(v) for v in vertical["values"]], kind=VERTICAL,
                              units=units))
    others = dict(extent.get("other") or extent.get("custom") or {}) if isinstance(
        extent.get("other") or extent.get("custom"), dict) else {}
    others.update({k: v for k, v in extent.items() if k not in ("spatial", "temporal", "vertical", "other", "custom")})
    for name, info in others.items():
        values = (info or {}).get("values") if isinstance(info, dict) else None
        if not name or not values:
            continue
        if all(str(v).upper().startswith(("P", "-P")) for v in values):
            dims.append(lead_time_dimension(str(name), [str(v) for v in values]))
        else:
            dims.append(Dimension(name=str(name), values=[_number_text(v) for v in values],
                                  units=str(info.get("units") or "")))
    return dims


def parse_collection(body):
    """EdrCollection from the collection metadata: parameters, spatial bbox, vertical and other axes."""
    parameters = parse_metadata(body)
    data = _decode_json(body, "the EDR collection metadata")
    extent = data.get("extent") if isinstance(data.get("extent"), dict) else {}
    bbox = None
    crs = str((extent.get("spatial") or {}).get("crs") or "EPSG:4326")
    try:
        # only a geographic bbox says which longitudes the data uses (a projected one is in metres)
        box = (extent.get("spatial") or {}).get("bbox") if not crs.upper().startswith(("PROJCRS", "PROJCS")) \
            and "+proj=" not in crs else None
        box = box[0] if box and isinstance(box[0], list) else box
        bbox = tuple(float(v) for v in box[:4]) if box and len(box) >= 4 else None
    except (TypeError, ValueError, AttributeError):
        bbox = None
    dims = _extent_dims(extent)
    return EdrCollection(parameters=parameters, bbox=bbox, dims=dims)


def _number_text(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number == int(number) else f"{number:.10g}"


def iso_utc(text):
    """Server time string (naive means UTC) -> 'YYYY-MM-DDTHH:MM:SSZ'."""
    moment = _parse_instant(text, "time in the answer")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _axis_values(axes, name):
    """The values of a CoverageJSON domain axis, [] when it has none."""
    return list((axes.get(name) or {}).get("values") or [])


def _range_of(name, rng):
    """(axis names, shape, flat values) of one CoverageJSON range, checked against each other."""
    try:
        names, shape, values = list(rng["axisNames"]), [int(n) for n in rng["shape"]], list(rng["values"])
    except (KeyError, TypeError, ValueError):
        raise FluxError(f"Could not read the EDR answer: the range of {name!r} is malformed.") from None
    total = 1
    for n in shape:
        total *= n
    if total != len(values) or len(names) != len(shape):
        raise FluxError(f"Could not read the EDR answer: the range of {name!r} has {len(values)} values for "
                        f"shape {shape}.")
    return names, shape, values


def parse_covjson(body, offset=0):
    """Rows (one per location and time step) of a cf_covjson position or area answer.

    Handles the shapes xpublish-edr writes: ``[t, pts]`` for MULTIPOINT and area queries (x and
    y per point), ``[t, y, x]`` for a single POINT, with or without ``t`` and ``z``.
    ``offset`` is added to the location index (the first point of the batch).
    """
    data = _decode_json(body, "the EDR answer")
    try:
        axes = data["domain"]["axes"]
        ranges = data["ranges"]
    except (KeyError, TypeError):
        raise FluxError("Could not read the EDR answer: it is not CoverageJSON (no domain axes or ranges).") from None
    xs, ys, ts, zs = (_axis_values(axes, name) for name in ("x", "y", "t", "z"))
    ranged = {axis for rng in ranges.values() if isinstance(rng, dict) for axis in rng.get("axisNames") or []}
    others = {name: _axis_values(axes, name) for name, axis in axes.items()
              if name in ranged and name not in ("x", "y", "t", "z", "pts") and isinstance(axis, dict)}
    rows = {}
    iso_of = {}  # each time step's text, converted once (an answer repeats them for every point)
    for name, rng in ranges.items():
        names, shape, values = _range_of(name, rng)
        # the flat values in row-major order, a counter per axis (no per-value divisions or dicts)
        pos = {axis: i for i, axis in enumerate(names)}
        p_pts, p_x, p_y, p_t, p_z = (pos.get(a) for a in ("pts", "x", "y", "t", "z"))
        other_axes = [(axis, pos.get(axis)) for axis in sorted(others)]  # every range's keys alike
        projected = bool(xs) and isinstance(xs[0], list)
        width = max(1, len(xs[0]) if projected else len(xs))
        t_default, z_default = (ts[0] if len(ts) == 1 else None), (zs[0] if len(zs) == 1 else None)
        for idx, value in zip(itertools.product(*[range(n) for n in shape]), values):
            it = idx[p_t] if p_t is not None else 0
            iz = idx[p_z] if p_z is not None else 0
            if p_pts is not None:
                loc = idx[p_pts]
            else:
                loc = (idx[p_y] if p_y is not None else 0) * width + (idx[p_x] if p_x is not None else 0)
            key = (loc, it, iz) + tuple(0 if i is None else idx[i] for _axis, i in other_axes) if other_axes \
                else (loc, it, iz)
            row = rows.get(key)
            if row is None:
                try:
                    if p_pts is not None:
                        lon, lat = xs[loc], ys[loc]
                    else:
                        ix = idx[p_x] if p_x is not None else 0
                        iy = idx[p_y] if p_y is not None else 0
                        lon, lat = (xs[iy][ix], ys[iy][ix]) if projected else (xs[ix], ys[iy])
                    time = ts[it] if p_t is not None else t_default
                    z = zs[iz] if p_z is not None else z_default
                    extra = {axis: str(others[axis][idx[i]]) for axis, i in other_axes if i is not None}
                except IndexError:
                    raise FluxError("Could not read the EDR answer: a range index is outside its axis.") from None
                if time is not None and time not in iso_of:
                    iso_of[time] = iso_utc(time)
                row = rows[key] = EdrRow(index=loc + offset, lon=float(lon), lat=float(lat),
                                         time=iso_of[time] if time is not None else None,
                                         z=float(z) if z is not None else None, extra=extra)
            row.values[name] = None if value is None else float(value)
    for row in rows.values():
        row.values.update({name: None for name in ranges if name not in row.values})
    return [rows[k] for k in sorted(rows)]


def parse_covjson_steps(body, parameter):
    """(cells, times, values_by_step) of ``parameter`` in an area or MULTIPOINT answer shaped
    ``[t, pts]`` or ``[pts]`` (other axes of one value only), straight from its flat values: what
    zonal statistics need, without a row per cell and step. ``cells`` are (lon, lat) as answered,
    ``times`` sorted ISO texts (``[None]`` without a time axis), ``values_by_step[t][c]`` a float or
    None. Returns None for any other shape (the caller parses rows then: :func:`parse_covjson`)."""
    data = _decode_json(body, "the EDR answer")
    try:
        axes = data["domain"]["axes"]
        rng = data["ranges"][parameter]
        names, shape, values = list(rng["axisNames"]), [int(n) for n in rng["shape"]], rng["values"]
    except (KeyError, TypeError, ValueError):
        return None
    if len(names) != len(shape) or not isinstance(values, list):
        return None
    kept = [(axis, n) for axis, n in zip(names, shape) if n != 1 or axis in ("t", "pts")]
    if [axis for axis, _n in kept] not in (["t", "pts"], ["pts"]):
        return None
    xs, ys = _axis_values(axes, "x"), _axis_values(axes, "y")
    ts = _axis_values(axes, "t") if kept[0][0] == "t" else [None]
    count = kept[-1][1]
    if len(xs) != count or len(ys) != count or len(ts) != (kept[0][1] if len(kept) == 2 else 1) \
            or len(values) != count * len(ts):
        return None
    try:
        cells = [(float(x), float(y)) for x, y in zip(xs, ys)]
        steps = [[None if v is None else float(v) for v in values[i * count:(i + 1) * count]] for i in range(len(ts))]
    except (TypeError, ValueError):
        raise FluxError(f"Could not read the EDR answer: the values of {parameter!r} are not numbers.") from None
    iso = [None if t is None else iso_utc(t) for t in ts]
    order = sorted(range(len(iso)), key=lambda i: (iso[i] is not None, iso[i] or ""))
    return cells, [iso[i] for i in order], [steps[i] for i in order]


def parameters_of(rows, requested=None):
    """Parameter names in answer order (requested order first)."""
    names = list(requested or [])
    for row in rows:
        for name in row.values:
            if name not in names:
                names.append(name)
    return names
