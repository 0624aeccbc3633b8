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

# A few evenly spaced stops of each matplotlib colormap, for the legend drawn in QGIS (the server
# draws the map itself; these only need to look like it).
COLORMAP_STOPS = {
    "viridis": ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"),
    "plasma": ("#0d0887", "#7e03a8", "#cc4778", "#f89540", "#f0f921"),
    "inferno": ("#000004", "#57106e", "#bc3754", "#f98e09", "#fcffa4"),
    "magma": ("#000004", "#51127c", "#b73779", "#fc8961", "#fcfdbf"),
    "cividis": ("#00224e", "#414d6b", "#7c7b78", "#bcaf6f", "#fee838"),
    "turbo": ("#30123b", "#4686fb", "#1ae4b6", "#a2fc3c", "#faba39", "#e4460a", "#7a0403"),
    "coolwarm": ("#3b4cc0", "#8db0fe", "#dddddd", "#f49a7b", "#b40426"),
    "RdBu_r": ("#053061", "#4393c3", "#f7f7f7", "#d6604d", "#67001f"),
    "RdYlBu_r": ("#313695", "#74add1", "#ffffbf", "#f46d43", "#a50026"),
    "Spectral_r": ("#5e4fa2", "#66c2a5", "#ffffbf", "#f46d43", "#9e0142"),
    "Blues": ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"),
    "YlGnBu": ("#ffffd9", "#c7e9b4", "#41b6c4", "#225ea8", "#081d58"),
    "jet": ("#00007f", "#0000ff", "#00ffff", "#ffff00", "#ff0000", "#7f0000"),
    "gray": ("#000000", "#ffffff"),
}


def validate_colormap(name):
    name = (name or DEFAULT_COLORMAP).strip()
    if name.startswith("raster/"):
        name = name[len("raster/"):]
    if not name.replace("_", "").isalnum():
        raise FluxInputError(f"Unknown colormap {name[:40]!r}: choose one of {', '.join(COLORMAPS)}.")
    return name


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
