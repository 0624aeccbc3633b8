"""Raster styling shared by the WMS and tiles services (both xpublish renderers).

Both take ``style=raster/{matplotlib colormap}`` and ``colorscalerange=min,max``.
"""

import json
import math
from dataclasses import dataclass, field
from urllib.parse import quote

from .errors import FluxError, FluxInputError

COLORMAPS = ("viridis", "plasma", "inferno", "magma", "cividis", "turbo", "coolwarm", "RdBu_r",
             "RdYlBu_r", "Spectral_r", "Blues", "YlGnBu", "jet", "gray")
DEFAULT_COLORMAP = "viridis"

def _table():
    from .colormaps import COLORMAP_TABLE

    return COLORMAP_TABLE


def known_colormaps():
    """Every colormap name the Flux servers draw with (matplotlib's, reversed ``_r`` included)."""
    names = list(_table())
    return sorted(names + [n + "_r" for n in names], key=str.lower)


def colormap_stops(name):
    """(kind, ["#rrggbb", ...]) of a colormap, as the servers draw it (core/colormaps.py).

    ``linear``: evenly spaced stops, interpolated linearly; ``discrete``: one colour per 1/n of
    the range. Raises FluxInputError for a name the servers do not know (never a fallback: the
    legend must show the colours of the map).
    """
    name = validate_colormap(name)
    reverse = name not in _table()
    kind, data = _table()[name[:-2] if reverse else name]
    colours = ["#" + data[i:i + 6] for i in range(0, len(data), 6)]
    return kind, colours[::-1] if reverse else colours


def validate_colormap(name):
    name = (name or DEFAULT_COLORMAP).strip()
    if name.startswith("raster/"):
        name = name[len("raster/"):]
    table = _table()
    if name in table or (name.endswith("_r") and name[:-2] in table):
        return name
    import difflib

    lowered = {n.lower(): n for n in known_colormaps()}
    close = [lowered[n] for n in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)]
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise FluxInputError(f"Unknown colormap {name[:40]!r}: {hint}choose one of the matplotlib colormaps the "
                         f"Flux servers draw with, e.g. {', '.join(COLORMAPS)}.")


def validate_range(value_range):
    if value_range is None:
        return None
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise FluxInputError("The value range must be two numbers (minimum, maximum).") from None
    if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        raise FluxInputError(f"The value range {low:g} to {high:g} is not valid: "
                             "the minimum must be below the maximum.")
    return low, high


def reorder(params, epoch):
    """The ``epoch``-th ordering of order-independent query parameters.

    Servers ignore the order of query parameters, but QGIS's tile caches (the disk cache and
    an in-memory cache of recent tiles that Python cannot clear) key on the exact URL. After a
    key change the plugin bumps a layer's epoch, so its tile URLs are new and nothing fetched
    with the old key can be shown again, without adding any parameter the server does not know.
    """
    items, epoch, ordered = list(params), int(epoch or 0), []
    while items:
        count = 1
        for n in range(2, len(items)):
            count *= n
        index, epoch = divmod(epoch, count) if len(items) > 1 else (0, 0)
        ordered.append(items.pop(index % len(items)))
    return ordered


def format_number(value):
    return f"{value:.6g}"


def encode_query(params):
    """Query string with values percent-encoded, but the tile placeholders {x} {y} {z} kept."""
    parts = []
    for key, value in params:
        encoded = quote(str(value), safe=",/:")
        for placeholder in ("x", "y", "z"):
            encoded = encoded.replace(f"%7B{placeholder}%7D", "{" + placeholder + "}")
        parts.append(f"{quote(key, safe='-')}={encoded}")
    return "&".join(parts)


@dataclass
class VariableInfo:
    """What a service tells about one variable."""

    name: str
    title: str = ""
    units: str = ""
    bbox: tuple = None  # (west, south, east, north) in EPSG:4326
    times: list = field(default_factory=list)  # ISO 8601 strings, as the server spells them
    value_range: tuple = None
    dims: list = field(default_factory=list)  # core.dimensions.Dimension: every axis but time, x, y

    @property
    def dimensions(self):
        """{name: [values as strings]} of every non-spatial dimension other than time."""
        return {d.name: list(d.values) for d in self.dims}

    @property
    def time_axis(self):
        from .dimensions import TimeAxis

        cached = self.__dict__.get("_time_axis")
        if cached is None or cached[0] is not self.times:
            cached = (self.times, TimeAxis.from_strings(self.times))
            self.__dict__["_time_axis"] = cached
        return cached[1]

    @property
    def label(self):
        title = f" - {self.title}" if self.title and self.title != self.name else ""
        units = f" [{self.units}]" if self.units else ""
        return f"{self.name}{title}{units}"


def parse_minmax(body):
    try:
        data = json.loads(body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body)
        low, high = float(data["min"]), float(data["max"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        raise FluxError("Could not read the value range: the server's answer is not the expected JSON.") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise FluxError("The server has no valid values for this variable (all missing?).")
    if low == high:
        low, high = low - 0.5, high + 0.5
    return low, high
