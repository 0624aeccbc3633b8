"""The time each render asks for reaches a Flux WMS service: QGIS's own WMS-T provider.

An XYZ layer's URL holds one ``time=``; only the main canvas's Temporal Controller moved it, so
Export Animation, layouts, atlases, other map views and scripted renders all drew that one step.
QGIS's WMS provider in WMS-T mode instead reads the temporal range of each render (the
QgsRenderContext of that canvas, layout map, animation frame or QgsMapRendererJob) and writes
it as ``TIME=`` into that render's own GetMap. Measured on QGIS 3.22 and 3.40 against
xpublish-wms (tests/test_render_time.py); what made it work on this server:

- ``IgnoreGetMapUrl=1``: GetMap goes to the layer's own URL, query included. Without it QGIS
  uses the capabilities' GetMap OnlineResource, which has no query, so ``colorscalerange`` and
  the other dimensions (``elevation=``, ``step=``) were lost and the server answered 422.
- ``crs=EPSG:4326`` with ``IgnoreAxisOrientation=1``: the capabilities give a BoundingBox in
  EPSG:4326 only (no EX_GeographicBoundingBox, no CRS:84 box), so QGIS can work out the layer's
  extent in that CRS alone (EPSG:3857 gives "Cannot calculate extent"); xpublish-wms reads a
  1.3.0 EPSG:4326 BBOX as lon,lat. QGIS reprojects the image for a map in any other CRS.
- ``version=1.3.0`` in the URL: GetCapabilities without VERSION is a 422 there.
- the layer's interval handling "closest step at or before the start of the range", so an
  animation frame of 06:00-12:00 asks for the 00:00 step the data has, not 06:00.

Credentials: ``authcfg=ID`` only, as for every Flux layer. Nothing else of the plugin is needed
at render time: a project with such a layer renders on a machine without the plugin (given the
auth config). OGC API - Tiles layers stay XYZ layers with one ``time=`` (temporal.py): the XYZ
provider builds tile URLs without the render's time and its tile cache answers a second render
at another time without a request, so nothing downstream (a request preprocessor) can fix it.
"""

from qgis.core import Qgis, QgsDataSourceUri, QgsRasterLayerTemporalProperties, QgsRasterProjector
from qgis.PyQt.QtCore import QDateTime, Qt

from ..core import wms as core_wms
from ..core.dimensions import parse_iso, query_params
from ..core.errors import FluxError
from ..core.styles import encode_query, format_number, reorder, validate_colormap, validate_range
from ..core.wms import WMS_VERSION
from . import forecast_time, metadata

PROVIDER = "wms"
LAYER_CRS = "EPSG:4326"
MAX_IMAGE_SIZE = 4096


NATIVE_CRS = ("EPSG:3857", "EPSG:4326", "CRS:84")  # what xpublish-wms draws in: GetMap at the view's size


def supports_render_time(spec):
    """Whether layers of ``spec`` follow the time of each render (WMS, forecasts included) or hold
    one step (tiles: an XYZ URL; layers.py leaves them out of renders at another time)."""
    return spec.location.protocol == "wms" and not spec.time_axis.raw


def native_crs(authid, spec=None):  # noqa: ARG001 (spec: the same call for every layer kind)
    """The CRS a Flux WMS layer asks its images in on a map in ``authid``: that CRS when the server
    draws in it (no reprojection, one GetMap of the view), else EPSG:4326 (QGIS reprojects)."""
    return authid if authid in NATIVE_CRS else LAYER_CRS


def valid_times(spec):
    """A forecast's valid times (its start + each lead time), ISO; [] for other data."""
    from ..core.dimensions import lead_time_seconds

    lead = spec.lead_dimension
    start = parse_iso(spec.time) if spec.time and lead is not None else None
    if start is None:
        return []
    return [_iso(QDateTime.fromSecsSinceEpoch(int(round(start + s)), Qt.TimeSpec.UTC))
            for s in lead_time_seconds(lead)]


def current_time(spec):
    """The time a render without a temporal range shows: the chosen step (a forecast: its valid time)."""
    lead = spec.lead_dimension
    if lead is not None and spec.time:
        from ..core.dimensions import lead_time_seconds

        leads = dict(zip(lead.values, lead_time_seconds(lead)))
        chosen = leads.get(spec.selected.get(lead.name), 0.0)
        return _iso(QDateTime.fromSecsSinceEpoch(int(round(parse_iso(spec.time) + chosen)), Qt.TimeSpec.UTC))
    return spec.time


def _utc(text):
    value = QDateTime.fromString(text[:-1] + "+00:00" if text.endswith("Z") else text, Qt.DateFormat.ISODate)
    if not value.isValid():
        value = QDateTime.fromString(text, Qt.DateFormat.ISODateWithMs)
    if value.isValid():
        if value.timeSpec() != Qt.TimeSpec.LocalTime:
            value = value.toUTC()
        else:
            value = QDateTime(value.date(), value.time(), Qt.TimeSpec.UTC)
    return value


def _iso(value):
    return value.toString("yyyy-MM-ddThh:mm:ss") + "Z"


def _duration(seconds):
    """ISO 8601 duration as QGIS's WMS-T parser reads it (P1D, PT6H, PT90M...)."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = "P" + (f"{days}D" if days else "")
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")
    return text + ("T" + clock if clock else "")


def time_dimension_extent(times):
    """The steps for ``timeDimensionExtent``: ``start/end/period`` when regular, else a list."""
    parsed = [t for t in (_utc(x) for x in times) if t.isValid()]
    if not parsed:
        return ""
    if len(parsed) == 1:
        return _iso(parsed[0])
    secs = [parsed[i].toSecsSinceEpoch() for i in range(len(parsed))]
    steps = {b - a for a, b in zip(secs, secs[1:])}
    if len(steps) == 1 and min(steps) > 0:
        return f"{_iso(parsed[0])}/{_iso(parsed[-1])}/{_duration(min(steps))}"
    return ",".join(_iso(t) for t in parsed)


def axis_extent(axis):
    """``timeDimensionExtent`` of a TimeAxis: ``start/end/period`` for one run, else the steps."""
    if not axis or axis.raw:
        return ""
    if len(axis.runs) == 1 and len(axis) > 1:
        return f"{axis.first()}/{axis.last()}/{_duration(axis.runs[0][1])}"
    return time_dimension_extent(axis.strings(limit=5000))


def splits_large_images():
    """Whether this QGIS cuts a large GetMap into square 2000-pixel requests (3.40 and 3.44 do).

    There a 2015x1144 image became two 2000x2000 ones (3.5 times the pixels); the layer's
    ``maxWidth``/``maxHeight`` of MAX_IMAGE_SIZE keep it one request. QGIS 3.22 does not split,
    and with those parameters it asked absurd tiles (a 4096x4096 image 8,192 degrees wide), so
    they are only written where they help: a project moved between such versions has them set
    right when it is read (layers.restore_legends)."""
    return Qgis.QGIS_VERSION_INT >= 34000


def source_fits_this_qgis(layer):
    return ("maxWidth=" in layer.source()) == splits_large_images()


def base_url(spec):
    """The service URL with what every request of the layer must carry (GetMap adds the rest). A
    forecast's lead time is not in it: forecast_time.py adds the one of each render's time."""
    params = [("version", WMS_VERSION)]
    value_range = validate_range(spec.value_range)
    if value_range:
        params.append(("colorscalerange", ",".join(format_number(v) for v in value_range)))
    else:
        params.append(("autoscale", "true"))
    lead = spec.lead_dimension
    dims = [d for d in spec.dims if lead is None or d.name != lead.name]
    params.extend(query_params("wms", dims, spec.selected))  # elevation=, member=, a step of no forecast
    # a new parameter order after a key change: new URLs, so no cached image of the old key is used
    params = reorder(params, getattr(spec, "cache_epoch", 0))
    return spec.location.service_url() + "?" + encode_query(params)


def wms_source(spec, authcfg="", crs=LAYER_CRS):
    """QgsRasterLayer source (provider ``wms``) of a Flux WMS layer that follows each render's time,
    asking its images in ``crs`` (one of NATIVE_CRS)."""
    uri = QgsDataSourceUri()
    url = base_url(spec)
    lead = spec.lead_dimension
    if lead is not None and spec.time:
        service, _sep, query = url.partition("?")
        url = service + forecast_time.marker(spec.time, lead) + "?" + query
    uri.setParam("url", url)
    uri.setParam("layers", spec.variable)
    uri.setParam("styles", f"raster/{validate_colormap(spec.colormap)}")
    uri.setParam("format", "image/png")
    uri.setParam("crs", crs if crs in NATIVE_CRS else LAYER_CRS)
    for hack in ("IgnoreGetMapUrl", "IgnoreGetFeatureInfoUrl", "IgnoreReportedLayerExtents", "IgnoreAxisOrientation"):
        uri.setParam(hack, "1")
    if splits_large_images():
        uri.setParam("maxWidth", str(MAX_IMAGE_SIZE))
        uri.setParam("maxHeight", str(MAX_IMAGE_SIZE))
    forecast = valid_times(spec)
    extent = time_dimension_extent(forecast) if forecast else axis_extent(spec.time_axis)
    if extent:
        uri.setParam("type", "wmst")
        uri.setParam("timeDimensionExtent", extent)
        uri.setParam("temporalSource", "provider")
        uri.setParam("allowTemporalUpdates", "true")
        shown = current_time(spec)
        current = _utc(shown) if shown else QDateTime()
        if current.isValid():
            # what a render without a temporal range asks for (QGIS reads "start/end")
            uri.setParam("time", f"{_iso(current)}/{_iso(current)}")
    if authcfg:
        uri.setAuthConfigId(authcfg)
    return bytes(uri.encodedUri()).decode("utf-8")


def fit_images_to_view(layer):
    """Ask the server for images about the size of the view when QGIS reprojects the layer.

    The layer is in EPSG:4326 (above); on a map in another CRS QGIS's raster projector works out
    the GetMap size, and its default (approximate) precision takes the finest cell of a grid over
    the view: on Web Mercator from 40 S to 71 N a 1024x768 view asked a 3971x2254 image (11 times
    the pixels, 6.7 s on the local server). Exact precision sizes the image from the whole extent:
    2015x1144 there (0.5 s), and the rendered pixels did not differ (tests/test_render_time.py).
    QGIS does not save this in projects: the plugin sets it again when a project is read."""
    pipe = layer.pipe()
    projector = pipe.projector() if pipe is not None else None
    if projector is not None:
        projector.setPrecision(QgsRasterProjector.Precision.Exact)


def set_temporal_properties(layer, spec):
    """Let the provider take each render's time, snapped to the step at or before its start."""
    if not spec.time_axis:
        return
    props = layer.temporalProperties()
    props.setMode(QgsRasterLayerTemporalProperties.ModeTemporalRangeFromDataProvider)
    props.setIntervalHandlingMethod(Qgis.TemporalIntervalMatchMethod.FindClosestMatchToStartOfRange)
    props.setIsActive(True)


def provider_capabilities_url(spec):
    """The GetCapabilities URL QGIS's WMS provider asks for a layer of ``spec``."""
    return core_wms.provider_capabilities_request(base_url(spec))


def share_capabilities(spec, authcfg="", fetch=False):
    """Give the layer's provider the capabilities the plugin read for this service this session
    (metadata.py), so making the layer costs no second download and parse on the server (on a
    52,608-step axis that document is 1.1 MB), augmented so that the provider can place the layer
    in EPSG:3857 and CRS:84 too. Without them the provider asks itself (EPSG:4326 layers only).
    ``fetch``: read them now when this session has not (blocking; the provider would block too)."""
    if fetch and metadata.known_wms_capabilities(spec.location.service_url(), authcfg) is None:
        try:
            metadata.wms_capabilities(spec.location, authcfg)
        except FluxError:
            return False
    return metadata.share_with_provider(provider_capabilities_url(spec), spec.location.service_url(), authcfg)
