"""Flux WMS (xpublish-wms, ncWMS-style) requests and answers.

QGIS's own WMS provider fails on this server (no EX_GeographicBoundingBox, and GetMap loses
``colorscalerange`` from the base URL: see QGIS_322.md), so the plugin renders WMS through
QGIS's XYZ provider with a GetMap template that spells out every parameter and lets the server
cut the tile with ``tile={x},{y},{z}``.
"""

import math
import re
from urllib.parse import unquote

from .dimensions import VERTICAL, Dimension, lead_time_dimension, looks_like_lead_time, query_params
from .errors import FluxError
from .styles import VariableInfo, encode_query, format_number, reorder, validate_colormap, validate_range

WMS_VERSION = "1.3.0"
TILE_SIZE = 256


def capabilities_query():
    """GetCapabilities' query. VERSION is mandatory here: without it xpublish-wms answers 422."""
    return encode_query([("service", "WMS"), ("version", WMS_VERSION), ("request", "GetCapabilities")])


# A forecast layer's URL path ends in this marker (flux_qgis/forecast_time.py takes it out of every
# request and turns each render's valid time into the run and its lead time)
FORECAST_MARKER = ";flux-forecast="


def provider_capabilities_request(url):
    """The GetCapabilities URL QGIS's WMS provider asks for a layer whose source ``url`` is ``url``
    (its prepareUri: the URL percent-decoded, then ``SERVICE=WMS&REQUEST=GetCapabilities``), as it
    reaches the network after the forecast marker is taken out."""
    head, sep, query = unquote(url).partition("?")
    head = head.split(FORECAST_MARKER, 1)[0]
    base = head + sep + query
    joiner = "" if base.endswith(("?", "&")) else ("&" if sep else "?")
    return base + joiner + "SERVICE=WMS&REQUEST=GetCapabilities"


def capabilities_url(location):
    return location.service_url() + "?" + capabilities_query()


def metadata_url(location, variable, item, time=None, dimensions=(), selected=None, bbox=None):
    """GetMetadata; ``bbox`` (west, south, east, north in EPSG:4326) limits ``minmax`` to that area."""
    params = [("service", "WMS"), ("version", WMS_VERSION), ("request", "GetMetadata"),
              ("item", item), ("layername", variable)]
    if time:
        params.append(("time", time))
    if bbox:
        params += [("crs", "EPSG:4326"), ("bbox", ",".join(format_number(v) for v in bbox))]
    return location.service_url() + "?" + encode_query(params + query_params("wms", dimensions, selected))


MINMAX_BUFFER = 0.15  # xpublish-wms 0.13: GetMetadata minmax reads bbox + 15% of its size on each side


def minmax_bbox(view):
    """The bbox to send so GetMetadata minmax covers ``view`` (west, south, east, north) exactly.

    xpublish-wms widens a minmax bbox by 15 % of its width/height on every side (the buffer it
    renders GetMap with), so the range of the view itself comes from a bbox 1/1.3 its size."""
    west, south, east, north = (float(v) for v in view)
    half_w = (east - west) / (1 + 2 * MINMAX_BUFFER) / 2
    half_h = (north - south) / (1 + 2 * MINMAX_BUFFER) / 2
    cx, cy = (west + east) / 2, (south + north) / 2
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def getmap_tile_template(location, variable, colormap=None, value_range=None, time=None, size=TILE_SIZE,
                         cache_epoch=0, dimensions=(), selected=None, crs="EPSG:3857"):
    """GetMap URL for an XYZ layer; QGIS replaces {x} {y} {z}. See styles.reorder for cache_epoch."""
    params = reorder([("service", "WMS"), ("version", WMS_VERSION), ("request", "GetMap"),
                      ("layers", variable), ("styles", f"raster/{validate_colormap(colormap)}"),
                      ("crs", crs), ("width", size), ("height", size), ("format", "image/png"),
                      ("transparent", "true")], cache_epoch)
    value_range = validate_range(value_range)
    if value_range:
        params.append(("colorscalerange", ",".join(format_number(v) for v in value_range)))
    else:
        params.append(("autoscale", "true"))
    if time:
        params.append(("time", time))
    params += query_params("wms", dimensions, selected)
    params.append(("tile", "{x},{y},{z}"))
    return location.service_url() + "?" + encode_query(params)


def parse_capabilities(xml_bytes):
    """Variables of a WMS 1.3.0 capabilities document, parsed with OWSLib (shipped with QGIS)."""
    try:
        from owslib.wms import WebMapService

        wms = WebMapService("http://capabilities.invalid/wms", version=WMS_VERSION, xml=bytes(xml_bytes))
    except Exception:  # OWSLib raises many kinds on bad XML  # noqa: BLE001
        raise FluxError("Could not read the WMS capabilities: the server's answer is not a WMS 1.3.0 "
                        "capabilities document (a proxy or login page may be in the way).") from None
    extra = _layer_extras(xml_bytes)  # what OWSLib drops or reorders: <Units>, raw BoundingBox
    variables = []
    for name, layer in wms.contents.items():
        if not name or getattr(layer, "layers", None):  # skip the unnamed root/group layers
            continue
        bbox = extra.get(name, {}).get("bbox")
        times = []
        dims = getattr(layer, "dimensions", None) or {}
        time_dim = dims.get("time") or {}
        for value in time_dim.get("values") or []:
            times.extend(v.strip() for v in str(value).split(",") if v.strip())
        variables.append(VariableInfo(name=name, title=layer.title or "", units=extra.get(name, {}).get("units", ""),
                                      bbox=bbox, times=times, dims=_dimensions_of(dims)))
    if not variables:
        raise FluxError("The WMS service lists no variables: is the group right? (data variables need "
                        "CF latitude/longitude coordinates to be served).")
    return variables


def _dimensions_of(dims):
    """Dimensions other than time from OWSLib's ``layer.dimensions``.

    xpublish-wms advertises the vertical axis as ``elevation`` (its units in ``unitSymbol``), a
    lead time as ``0 microseconds,21600000000 microseconds,...`` and any other axis by its name.
    """
    out = []
    for name, info in dims.items():
        if not name or name.lower() == "time":
            continue
        info = info or {}
        raw = [v.strip() for value in (info.get("values") or []) for v in str(value).split(",") if v.strip()]
        units = str(info.get("unitSymbol") or info.get("units") or "")
        default = str(info.get("default") or "")
        if name == "elevation":
            out.append(Dimension(name=name, values=raw, kind=VERTICAL, units=units, default=default))
        elif looks_like_lead_time(name, raw, units):
            out.append(lead_time_dimension(name, raw, units="", default=default))
        else:
            out.append(Dimension(name=name, values=raw, units=str(info.get("units") or ""), default=default))
    return out


def _layer_extras(xml_bytes):
    """Per named layer: units, and the EPSG:4326 BoundingBox as (west, south, east, north).

    OWSLib swaps EPSG:4326 axes for WMS 1.3.0, but xpublish-wms writes lon in minx and lat in
    miny (FLUX.md), so the attributes are read here as written, and swapped back only when the
    numbers can only be lat,lon.
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(bytes(xml_bytes))
    except ET.ParseError:
        return {}
    extras = {}
    for layer in root.iter():
        if _local(layer.tag) != "Layer":
            continue
        children = {_local(child.tag): child for child in layer}
        name = (children["Name"].text or "").strip() if "Name" in children else ""
        if not name:
            continue
        info = {"units": (children["Units"].text or "").strip() if "Units" in children else ""}
        for child in layer:
            crs = child.attrib.get("CRS") or child.attrib.get("SRS") or ""
            if _local(child.tag) == "BoundingBox" and crs.upper() in ("EPSG:4326", "CRS:84"):
                try:
                    box = tuple(float(child.attrib[k]) for k in ("minx", "miny", "maxx", "maxy"))
                except (KeyError, ValueError):
                    continue
                if max(abs(box[1]), abs(box[3])) > 90 >= max(abs(box[0]), abs(box[2])):
                    box = (box[1], box[0], box[3], box[2])
                info["bbox"] = box
                break
        extras[name] = info
    return extras


def _local(tag):
    return tag.rsplit("}", 1)[-1]


# -- capabilities QGIS's WMS provider can use in any CRS the server lists ------------------------
# xpublish-wms lists EPSG:4326, EPSG:3857 and CRS:84 for every layer but gives a BoundingBox for
# EPSG:4326 only, in lon/lat order, and no EX_GeographicBoundingBox. QGIS's WMS provider then cannot
# work out a layer's extent in EPSG:3857 ("Cannot calculate extent": the layer is invalid), so
# Flux layers had to be EPSG:4326 layers that QGIS reprojected for a web map (3-5x the render time).
# The plugin hands the provider this augmented copy instead (through QGIS's network cache).
MERCATOR_LAT = 85.0511287798  # the latitude where EPSG:3857's square world ends
_EARTH_RADIUS = 6378137.0
_NUM = r'"([-+\d.eE]+)"'
_BBOX_4326_RE = re.compile(rf'<BoundingBox CRS="EPSG:4326" minx={_NUM} miny={_NUM} maxx={_NUM} maxy={_NUM}\s*/>')


def mercator(lon, lat):
    """EPSG:3857 metres of a lon/lat point (lat clamped to the square world)."""
    lat = max(-MERCATOR_LAT, min(MERCATOR_LAT, lat))
    x = math.radians(lon) * _EARTH_RADIUS
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * _EARTH_RADIUS
    return x, y


def _boxes(match):
    west, south, east, north = (float(v) for v in match.groups())
    if east > 180:  # data on 0..360 longitudes: the whole world in -180..180, unless all east of 180
        west, east = (west - 360, east - 360) if west >= 180 else (-180.0, 180.0)
    south, north = max(-90.0, south), min(90.0, north)
    geographic = (f"<EX_GeographicBoundingBox><westBoundLongitude>{format_number(west)}</westBoundLongitude>"
                  f"<eastBoundLongitude>{format_number(east)}</eastBoundLongitude>"
                  f"<southBoundLatitude>{format_number(south)}</southBoundLatitude>"
                  f"<northBoundLatitude>{format_number(north)}</northBoundLatitude></EX_GeographicBoundingBox>")
    (x0, y0), (x1, y1) = mercator(west, south), mercator(east, north)
    web = f'<BoundingBox CRS="EPSG:3857" minx="{x0:.2f}" miny="{y0:.2f}" maxx="{x1:.2f}" maxy="{y1:.2f}" />'
    crs84 = (f'<BoundingBox CRS="CRS:84" minx="{format_number(west)}" miny="{format_number(south)}" '
             f'maxx="{format_number(east)}" maxy="{format_number(north)}" />')
    return geographic + match.group(0) + web + crs84


def augment_capabilities(xml_bytes):
    """The capabilities with, for every layer that has an EPSG:4326 BoundingBox and no geographic
    box, an EX_GeographicBoundingBox and BoundingBoxes for EPSG:3857 (clamped to Web Mercator's
    latitudes, so global data gets a finite extent) and CRS:84. Anything else stays byte for byte."""
    text = xml_bytes.decode("utf-8") if isinstance(xml_bytes, bytes) else xml_bytes
    if "EX_GeographicBoundingBox" in text:
        return text.encode("utf-8")
    return _BBOX_4326_RE.sub(_boxes, text).encode("utf-8")
