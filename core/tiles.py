"""Flux OGC API - Tiles (xpublish-tiles) requests and answers.

Quirks kept in mind (FLUX.md): without ``f`` the server answers 500, ``width``/``height`` are
required and must be multiples of 256, JPEG fails: so every tile URL spells out
``f=png&width=..&height=..``.
"""

import json

from .dimensions import (
    OTHER,
    VERTICAL,
    VERTICAL_ALIASES,
    Dimension,
    lead_time_dimension,
    looks_like_lead_time,
    query_params,
)
from .dimensions import format_number as dimension_number
from .errors import FluxError, FluxInputError
from .styles import VariableInfo, encode_query, format_number, reorder, validate_colormap, validate_range

TILE_MATRIX_SET = "WebMercatorQuad"
TILE_SIZES = (256, 512)


def tilesets_url(location):
    return location.service_url() + "/"


def tile_template(location, variable, colormap=None, value_range=None, time=None, size=256, cache_epoch=0,
                  dimensions=(), selected=None):
    """Tile URL for an XYZ layer; QGIS replaces {x} {y} {z}. See styles.reorder for cache_epoch."""
    if size not in TILE_SIZES:
        raise FluxInputError(f"The tile size must be one of {TILE_SIZES}.")
    fixed = reorder([("variables", variable), ("style", f"raster/{validate_colormap(colormap)}"),
                     ("width", size), ("height", size), ("f", "png")], cache_epoch)
    params = []
    value_range = validate_range(value_range)
    if value_range:
        params.append(("colorscalerange", ",".join(format_number(v) for v in value_range)))
    if time:
        params.append(("time", time))
    params += query_params("tiles", dimensions, selected)
    params = fixed[:2] + params + fixed[2:]
    return f"{location.service_url()}/{TILE_MATRIX_SET}/{{z}}/{{y}}/{{x}}?" + encode_query(params)


def _times_of(layer):
    extents = layer.get("extents") or layer.get("dimensions") or {}
    if isinstance(extents, list):
        extents = {e.get("name"): e for e in extents if isinstance(e, dict)}
    time = extents.get("time") if isinstance(extents, dict) else None
    if not isinstance(time, dict):
        return []
    values = time.get("values") or []
    return [str(v) for v in values]


VERTICAL_UNITS = ("hpa", "pa", "mbar", "millibar", "bar", "m", "km", "meters", "metres", "dbar", "decibar")


def _dims_of(layer):
    """Axes other than time from a tileset layer's ``extents`` (xpublish-tiles names each by the
    data's own name: ``step`` as ISO durations, ``level`` with its units)."""
    extents = layer.get("extents") or layer.get("dimensions") or {}
    if isinstance(extents, list):
        extents = {e.get("name"): e for e in extents if isinstance(e, dict)}
    out = []
    for name, info in (extents.items() if isinstance(extents, dict) else []):
        if not name or name == "time" or not isinstance(info, dict) or not info.get("values"):
            continue
        values = [str(v) for v in info["values"]]
        units = str(info.get("units") or "")
        default = str(info.get("default") if info.get("default") is not None else "")
        if looks_like_lead_time(name, values, units) or all(v.upper().startswith(("P", "-P")) for v in values):
            out.append(lead_time_dimension(name, values, default=default))
        else:
            vertical = name.lower() in VERTICAL_ALIASES or units.lower() in VERTICAL_UNITS or any(
                word in str(info.get("description") or "").lower() for word in ("level", "depth", "height"))
            out.append(Dimension(name=name, values=[dimension_number(float(v)) if _is_number(v) else v for v in values],
                                 kind=VERTICAL if vertical else OTHER, units=units,
                                 default=dimension_number(float(default)) if _is_number(default) else default))
    return out


def _is_number(text):
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def _tile_matrix_set_of(tileset):
    # xpublish-tiles names the set in tileMatrixSetURI and in the self link ("./WebMercatorQuad")
    uri = str(tileset.get("tileMatrixSetId") or tileset.get("tileMatrixSetURI") or "")
    if not uri:
        links = tileset.get("links") or [{}]
        uri = str(links[0].get("href", "")) if isinstance(links[0], dict) else ""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _bbox_of(layer):
    box = layer.get("boundingBox") or {}
    if not str(box.get("crs", "")).endswith(("/4326", "/CRS84")):
        return None  # the tileset's own CRS: not useful as a lon/lat box
    try:
        lower, upper = box["lowerLeft"], box["upperRight"]
        return (float(lower[0]), float(lower[1]), float(upper[0]), float(upper[1]))
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def parse_tileset(body):
    """Variables of the dataset's tileset list (``GET .../tiles/``)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, TypeError):
        raise FluxError("Could not read the tiles metadata: the answer is not JSON "
                        "(a proxy or login page may be in the way).") from None
    tilesets = data.get("tilesets") if isinstance(data, dict) else None
    if not isinstance(tilesets, list) or not tilesets:
        raise FluxError("Could not read the tiles metadata: it lists no tilesets.")
    chosen = next((t for t in tilesets if isinstance(t, dict) and _tile_matrix_set_of(t) == TILE_MATRIX_SET), None)
    if chosen is None:
        raise FluxError(f"The tiles service offers no {TILE_MATRIX_SET} tileset for this group.")
    variables = []
    for layer in chosen.get("layers") or []:
        if isinstance(layer, dict) and isinstance(layer.get("id"), str):
            variables.append(VariableInfo(name=layer["id"], title=str(layer.get("title") or ""),
                                          bbox=_bbox_of(layer), times=_times_of(layer), dims=_dims_of(layer)))
    if not variables:
        raise FluxError("The tiles service lists no variables for this group.")
    return variables

