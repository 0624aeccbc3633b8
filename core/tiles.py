"""Flux OGC API - Tiles (xpublish-tiles) requests and answers.

Quirks kept in mind (FLUX.md): without ``f`` the server answers 500, ``width``/``height`` are
required and must be multiples of 256, JPEG fails: so every tile URL spells out
``f=png&width=..&height=..``.
"""

import json

from .errors import FluxError, FluxInputError
from .styles import VariableInfo, encode_query, format_number, reorder, validate_colormap, validate_range

TILE_MATRIX_SET = "WebMercatorQuad"
TILE_SIZES = (256, 512)


def tilesets_url(location):
    return location.service_url() + "/"


def tile_template(location, variable, colormap=None, value_range=None, time=None, size=256, cache_epoch=0):
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
                                          bbox=_bbox_of(layer), times=_times_of(layer)))
    if not variables:
        raise FluxError("The tiles service lists no variables for this group.")
    return variables


def describe_range(value_range):
    return ",".join(format_number(v) for v in value_range) if value_range else "auto"
