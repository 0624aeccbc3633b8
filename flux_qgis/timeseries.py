"""A variable's values at one point over time: one EDR position query per point.

Network part only (thread-safe, returns plain data): the chart dock (ui/timeseries.py) runs
:func:`fetch_series` in a background task, ``api.time_series`` calls it directly.

- The service's collection metadata (parameters, units, axes, longitude convention) is read
  once per service and credentials and kept for the session, so each further point costs
  exactly one request: ``{edr}/position?coords=POINT(lon lat)&parameter-name=v&datetime=...``.
- Forecasts (a lead-time axis such as ``step``): one forecast start is asked for and every lead
  time comes back; the x values are valid times (start + lead time), as forecasters read a run.
- A vertical axis is asked for whole unless a level is given, so the same answer gives the
  time series at the chosen level and the profile (value against level) at any time.
- Other axes (ensemble ``member``...) are sent at the value given, else their default.
- Answers are read with a parser for single-point CoverageJSON that keeps numbers in flat
  lists (a 52,608-step hourly series is parsed in a fraction of the general row parser's time).
"""

import bisect
import json
import math
from dataclasses import dataclass, field
from datetime import datetime

from ..core import edr as core_edr
from ..core.dimensions import (
    LEAD_TIME,
    VERTICAL,
    find,
    format_iso,
    format_number,
    format_timedelta,
    parse_dimensions_text,
    parse_iso,
    parse_timedelta,
    resolve,
    to_convention,
    to_display,
)
from ..core.errors import FluxCancelled, FluxError, FluxInputError
from . import metadata, network


def collection_for(location, authcfg="", feedback=None):
    """(EdrCollection, requests made): the service's metadata, read once per session (metadata.py)."""
    from .edr import describe_collection

    before = metadata.reads["edr"]
    collection = describe_collection(location, authcfg, feedback)
    return collection, metadata.reads["edr"] - before


def forget_collections():
    """Drop the cached metadata (after a key change, or in tests)."""
    metadata.forget()



@dataclass
class TimeSeries:
    """Values of one variable at one point: plain data, every value kept (for export)."""

    location: object  # FluxLocation of the EDR service
    variable: str
    lon: float  # the point asked for (EPSG:4326, -180..180)
    lat: float
    grid_lon: float = None  # the grid cell that answered
    grid_lat: float = None
    units: str = ""
    seconds: list = field(default_factory=list)  # x: valid times, seconds since 1970 UTC, ascending
    values: list = field(default_factory=list)  # floats (NaN where the data has none), at ``level``
    start: str = None  # forecasts: the forecast start (ISO, Z)
    lead_seconds: list = None  # forecasts: lead time of each value, seconds
    lead_name: str = ""  # forecasts: the lead-time axis's name (step)
    level: str = None  # the level of ``values`` when the data has a vertical axis
    levels: list = field(default_factory=list)  # every level answered, as text
    level_units: str = ""
    by_level: dict = field(default_factory=dict)  # level -> values aligned with ``seconds``
    dimensions: dict = field(default_factory=dict)  # what was sent for the other axes
    datetime: str = None  # the datetime value sent
    requests: int = 0  # HTTP requests this series took (metadata + data)

    @property
    def times(self):
        """Valid times as ISO strings ('...Z'), one per value."""
        return [format_iso(s) for s in self.seconds]

    @property
    def valid_times(self):
        """Forecasts: the valid time (start + lead time) of each value; else None."""
        return self.times if self.start else None

    @property
    def lead_times(self):
        """Forecasts: the lead time of each value as text ('3 hours'); else None."""
        if self.lead_seconds is None:
            return None
        return [format_timedelta(round(s * 1_000_000)) for s in self.lead_seconds]

    def label(self):
        if getattr(self, "zone_label", ""):
            return self.zone_label  # a polygon's zonal mean (flux_qgis/zonal.py)
        ns = "N" if self.lat >= 0 else "S"
        ew = "E" if self.lon >= 0 else "W"
        text = f"{abs(self.lat):.2f}°{ns} {abs(self.lon):.2f}°{ew}"
        if self.level is not None and len(self.levels) > 1:
            text += f", {self.level} {self.level_units}".rstrip()
        return text

    def index_near(self, seconds):
        """Index of the value whose time is nearest to ``seconds`` (None when empty)."""
        if not self.seconds:
            return None
        i = bisect.bisect_left(self.seconds, seconds)
        if i >= len(self.seconds):
            return len(self.seconds) - 1
        if i > 0 and seconds - self.seconds[i - 1] <= self.seconds[i] - seconds:
            return i - 1
        return i

    def profile(self, seconds):
        """[(level as float, value)] at the time nearest to ``seconds``, for the profile view."""
        index = self.index_near(seconds)
        if index is None or not self.levels:
            return []
        out = []
        for level in self.levels:
            try:
                out.append((float(level), self.by_level[level][index]))
            except (ValueError, KeyError, IndexError):
                continue
        return out

    def csv_rows(self):
        """Header and rows of every value (all levels): what the CSV export writes."""
        header = ["lon", "lat", "grid_lon", "grid_lat", "time"]
        if self.start:
            header += ["forecast_start", self.lead_name or "lead_time"]
        if self.levels:
            header.append("level")
        header.append(f"{self.variable} [{self.units}]" if self.units else self.variable)
        times = self.times
        leads = self.lead_times
        for level in (self.levels or [None]):
            values = self.by_level[level] if level is not None else self.values
            for i, when in enumerate(times):
                row = [format_number(self.lon), format_number(self.lat), _text(self.grid_lon), _text(self.grid_lat),
                       when]
                if self.start:
                    row += [self.start, leads[i]]
                if level is not None:
                    row.append(level)
                row.append(_text(values[i]))
                yield header, row

    def to_edr_result(self):
        """The same values as a flux_qgis.edr.EdrResult, for edr.build_layer (point layer)."""
        from .edr import EdrResult

        rows = []
        lead_texts = self.lead_times
        start_text = self.start
        for level in (self.levels or [None]):
            values = self.by_level[level] if level is not None else self.values
            for i, seconds in enumerate(self.seconds):
                extra = {self.lead_name: lead_texts[i]} if lead_texts is not None else {}
                when = start_text if start_text else format_iso(seconds)
                value = values[i]
                rows.append(core_edr.EdrRow(index=0, lon=self.grid_lon, lat=self.grid_lat, time=when,
                                            z=float(level) if level is not None else None,
                                            values={self.variable: None if value != value else value},
                                            extra=extra))
        return EdrResult(location=self.location, kind="position", parameters=[self.variable], rows=rows,
                         points=[(self.lon, self.lat)], datetime=self.datetime, requests=self.requests,
                         units={self.variable: self.units} if self.units else {}, dimensions=dict(self.dimensions))


def _text(value):
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return format_number(value) if isinstance(value, (int, float)) else str(value)


def _parameter(collection, variable):
    for parameter in collection.parameters:
        if parameter.name == variable:
            return parameter
    names = ", ".join(p.name for p in collection.parameters) or "none"
    raise FluxInputError(f"The variable {variable!r} is not served by this EDR service; available: {names}.")


def plan(collection, variable, time_range=None, dimensions=None, start=None):
    """What to send for ``variable``: (datetime value, extra query parameters, the lead-time dimension
    or None, the vertical dimension asked for whole or None, the selections sent, the forecast start:
    None unless every lead time of one start is asked for)."""
    parameter = _parameter(collection, variable)
    dims = parameter.dims or collection.dims
    requested = parse_dimensions_text(dimensions) if dimensions else {}
    lead = next((d for d in dims if d.kind == LEAD_TIME and len(d.values) > 1), None)
    vertical = next((d for d in dims if d.kind == VERTICAL), None)
    lead_given = lead is not None and any(find([lead], k) is not None for k in requested)
    vertical_given = vertical is not None and any(find([vertical], k) is not None for k in requested)
    chosen = resolve(dims, requested, variable)  # checks names and values
    wanted = {find(dims, key).name for key in requested}
    # only what was asked for: an axis not sent comes back whole (a forecast's lead times, the
    # levels) or at the server's default
    send = {name: value for name, value in chosen.items() if name in wanted}
    forecast_start = None
    if lead is not None and not lead_given:
        forecast_start = start or _one_instant(time_range)
        if forecast_start is None and parameter.time_interval:
            forecast_start = parameter.time_interval[1]  # the newest forecast
        if forecast_start is not None:
            time_range = forecast_start
    when = core_edr.datetime_param(time_range)
    if forecast_start is not None:
        forecast_start = format_iso(parse_iso(when))
    return when, core_edr.dimension_params(dims, send), lead, (vertical if not vertical_given else None), send, \
        forecast_start


def _one_instant(time_range):
    if time_range in (None, "", ()):
        return None
    if isinstance(time_range, str):
        return time_range
    try:
        start, end = time_range
    except (TypeError, ValueError):
        return str(time_range)
    return start or end or None


def fetch_series(location, variable, lon, lat, *, time_range=None, dimensions=None, start=None, level=None,
                 authcfg="", feedback=None, collection=None):
    """The TimeSeries of ``variable`` at (lon, lat), in one EDR position request (plus the metadata
    once per service). ``location``: an EDR FluxLocation. ``time_range``: None (all steps), one
    instant or (start, end); for forecasts the forecast start (``start`` wins), default the newest.
    ``level``: the level whose values make ``values`` when every level is asked for."""
    lon, lat = core_edr.validate_point((lon, lat))
    requests = 0
    if collection is None:
        collection, requests = collection_for(location, authcfg, feedback)
    if feedback is not None and feedback.isCanceled():
        raise FluxCancelled()
    when, extra, lead, vertical, sent, forecast_start = plan(collection, variable, time_range, dimensions, start)
    units = next((p.units for p in collection.parameters if p.name == variable), "")
    point = (to_convention(lon, collection.lon_convention) if collection.lon_convention else lon, lat)
    url = core_edr.position_url(location, [point], [variable], when, extra=extra)
    response = network.get(url, "the time series", authcfg, feedback)
    requests += 1
    series = parse_point_answer(response.body, variable, lead.name if lead is not None else "")
    series.location, series.lon, series.lat, series.units = location, lon, lat, units
    series.dimensions, series.datetime, series.requests = sent, when, requests
    if forecast_start is not None:
        series.start = forecast_start
    else:
        if lead is not None and lead.name in sent and series.lead_seconds is None:
            # one lead time given and not echoed as an axis: x is still the valid time
            shift = parse_timedelta(sent[lead.name]) / 1e6
            series.seconds = [s + shift for s in series.seconds]
        series.lead_seconds, series.lead_name = None, ""
    if vertical is not None:
        series.level_units = vertical.units
    if series.levels:
        wanted = None
        if level not in (None, ""):
            wanted = next((z for z in series.levels if _same_number(z, level)), None)
            if wanted is None:
                raise FluxInputError(f"The level {level!r} is not in the answer; levels: {', '.join(series.levels)}.")
        series.level = wanted or series.levels[0]
        series.values = series.by_level[series.level]
    if feedback is not None:
        feedback.setProgress(100.0)
    return series


def _same_number(a, b):
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return str(a) == str(b)


def _lead_seconds(value):
    try:
        return float(value)  # xpublish-edr answers lead times in seconds (10800.0)
    except (TypeError, ValueError):
        micro = parse_timedelta(value)
        if micro is None:
            raise FluxError(f"Could not read the lead time {str(value)[:40]!r} in the EDR answer.") from None
        return micro / 1e6


LONG_ARRAY = 50_000  # characters: longer "values" arrays of an answer are decoded in pieces
PIECE = 65_536
_PLACEHOLDER = "__flux_long_array_{}__"


def loads_in_pieces(text):
    """json.loads, but long flat ``"values": [...]`` arrays are decoded in pieces of PIECE characters.

    json.loads holds Python's GIL for the whole text (18 ms for the 2 MB answer of a 52,608-step
    series, seen here), stalling the UI thread's Python slots meanwhile; pieces keep each hold
    under a millisecond. Arrays of numbers, nulls or time strings are split at commas; anything
    else is decoded whole.
    """
    if len(text) < LONG_ARRAY:
        return json.loads(text)
    parts, arrays, pos, marker = [], [], 0, '"values":['
    while True:
        found = text.find(marker, pos)
        if found < 0:
            break
        start = found + len(marker)
        end = text.find("]", start)
        if end < 0:
            break
        if end - start > LONG_ARRAY and "{" not in text[start:start + 200]:
            parts.append(text[pos:start])
            parts.append(json.dumps(_PLACEHOLDER.format(len(arrays))))
            arrays.append(_array_in_pieces(text, start, end))
        else:
            parts.append(text[pos:end])
        pos = end
    parts.append(text[pos:])
    data = json.loads("".join(parts))
    if arrays:
        _put_back(data, {_PLACEHOLDER.format(i): a for i, a in enumerate(arrays)})
    return data


def _array_in_pieces(text, start, end):
    out = []
    i = start
    try:
        while i < end:
            j = min(i + PIECE, end)
            if j < end:
                j = text.rfind(",", i, j)
                if j <= i:
                    raise ValueError("no comma")
            out.extend(json.loads("[" + text[i:j] + "]"))
            i = j + 1
    except ValueError:  # strings with commas, or anything unexpected: the plain way
        return json.loads("[" + text[start:end] + "]")
    return out


def _put_back(node, arrays):
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in list(items):
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str) and value[0] in arrays:
            node[key] = arrays[value[0]]
        elif isinstance(value, (dict, list)) and not (isinstance(value, list) and len(value) > 1000):
            _put_back(value, arrays)


_NAIVE_EPOCH = datetime(1970, 1, 1)


def iso_seconds(texts):
    """Seconds since 1970 (UTC) of ISO times; naive ones (how xpublish-edr writes them) the fast way."""
    try:
        return [(datetime.fromisoformat(t) - _NAIVE_EPOCH).total_seconds() for t in texts]
    except (ValueError, TypeError):  # 'Z' or offsets (aware), or a Python without them: one by one
        return [parse_iso(t) for t in texts]


def parse_point_answer(body, variable, lead_name=""):
    """A TimeSeries (values, valid times, levels) of a single-point cf_covjson answer.

    Axes other than t, z and the lead time must have one value (they were selected); the lead
    time makes valid times (t + lead). Missing values become NaN."""
    axes, names, shape, values = _point_range(body, variable)

    def axis_values(name):
        return list((axes.get(name) or {}).get("values") or [])

    xs, ys = axis_values("x"), axis_values("y")
    for name, n in zip(names, shape):
        if n > 1 and name not in ("t", "z", lead_name):
            raise FluxError(f"The EDR answer has {n} values along {name!r}: choose one value of it.")
    ts = axis_values("t")
    zs = axis_values("z")
    leads = [_lead_seconds(v) for v in axis_values(lead_name)] if lead_name else []
    times = iso_seconds(ts) or [None]
    if any(t is None for t in times) and ts:
        raise FluxError("Could not read the times in the EDR answer.")
    # strides of the flat values, per axis name
    strides, step = {}, 1
    for name, n in zip(reversed(names), reversed(shape)):
        strides[name] = (step, n)
        step *= n
    t_stride, t_n = strides.get("t", (0, 1))
    z_stride, z_n = strides.get("z", (0, 1))
    l_stride, l_n = strides.get(lead_name, (0, 1)) if lead_name else (0, 1)
    nan = float("nan")
    bases = times if times[0] is not None else [0.0] * t_n
    seconds, offsets, lead_list = _valid_times(bases, leads, (t_stride, t_n), (l_stride, l_n))
    series = TimeSeries(location=None, variable=variable, lon=0.0, lat=0.0, seconds=seconds)
    if leads:
        series.lead_seconds = lead_list
        series.lead_name = lead_name
    series.grid_lon = to_display(xs[0]) if xs else None
    series.grid_lat = float(ys[0]) if ys else None
    level_names = [format_number(z) for z in zs] if "z" in names or zs else []
    for zi in range(max(z_n, 1)):
        shift = zi * z_stride
        if shift == 0 and isinstance(offsets, range) and offsets.step == 1 and len(values) == t_n:
            column = values  # one level, time order: the answer's own list
        else:
            column = [values[o + shift] for o in offsets]
        column = [nan if v is None else float(v) for v in column]
        if level_names:
            series.by_level[level_names[zi]] = column
        else:
            series.values = column
    series.levels = level_names
    if level_names:
        series.level = level_names[0]
        series.values = series.by_level[level_names[0]]
    return series


def _point_range(body, variable):
    """(axes, axis names, shape, flat values) of ``variable`` in a cf_covjson answer, checked."""
    try:
        data = loads_in_pieces(body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body)
        axes, ranges = data["domain"]["axes"], data["ranges"]
    except (ValueError, UnicodeDecodeError, KeyError, TypeError):
        raise FluxError("Could not read the time series: the EDR answer is not CoverageJSON (a proxy or login "
                        "page may be in the way).") from None
    rng = ranges.get(variable)
    if not isinstance(rng, dict):
        raise FluxError(f"The EDR answer holds no values of {variable!r}.")
    try:
        names, shape, values = list(rng["axisNames"]), [int(n) for n in rng["shape"]], rng["values"]
    except (KeyError, TypeError, ValueError):
        raise FluxError(f"Could not read the EDR answer: the range of {variable!r} is malformed.") from None
    total = 1
    for n in shape:
        total *= n
    if total != len(values):
        raise FluxError(f"Could not read the EDR answer: {len(values)} values for shape {shape}.")
    return axes, names, shape, values


def _valid_times(bases, leads, t_axis, lead_axis):
    """(valid seconds sorted, the flat offset of each, the lead of each or None): x = valid time,
    t (plus the lead) in the answer's order, sorted. ``*_axis``: (stride, count)."""
    (t_stride, t_n), (l_stride, l_n) = t_axis, lead_axis
    if l_n == 1:  # the usual case, kept to flat list operations (52,608 steps)
        lead = leads[0] if leads else 0.0
        seconds = [b + lead for b in bases] if lead else list(bases)
        offsets = range(0, t_n * t_stride, t_stride) if t_stride else [0] * t_n
        lead_list = [lead] * t_n if leads else None
        if any(a > b for a, b in zip(seconds, seconds[1:])):
            order = sorted(range(t_n), key=seconds.__getitem__)
            seconds = [seconds[i] for i in order]
            offsets = [offsets[i] for i in order]
        return seconds, offsets, lead_list
    keys = sorted((bases[ti] + leads[li], ti * t_stride + li * l_stride, leads[li])
                  for ti in range(t_n) for li in range(l_n))
    return [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]
