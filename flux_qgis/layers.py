"""Map layers for Flux services, built only with QGIS-native providers.

WMS and tiles both render through QGIS's XYZ provider (``wms`` provider, ``type=xyz``): the
server cuts each tile itself (WMS ``tile={x},{y},{z}``, OGC Tiles ``{z}/{y}/{x}``). The URI is
built with QgsDataSourceUri and carries ``authcfg=ID``: never a key.

Every Flux layer keeps a secret-free *spec* in its custom properties (location, variable,
style, time steps). The time step and the style are changed by rebuilding the URI from the
spec, so there is exactly one place that makes layer sources.
"""

import json
from dataclasses import dataclass, field

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDataProvider,
    QgsDataSourceUri,
    QgsDateTimeRange,
    QgsProject,
    QgsRasterLayer,
    QgsRasterLayerTemporalProperties,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QDateTime, Qt

from ..core import tiles as core_tiles
from ..core import wms as core_wms
from ..core.dimensions import LEAD_TIME, Dimension, TimeAxis, describe_selection, forecast_step_for, parse_iso
from ..core.errors import FluxError, FluxInputError
from ..core.location import FluxLocation
from ..core.styles import validate_colormap, validate_range
from . import keys, metadata, network, render_time
from .legend import apply_legend

SPEC_PROPERTY = "earthmover_flux/spec"
ZMAX = 18


@dataclass
class LayerSpec:
    """Everything needed to (re)build a Flux raster layer's source, without secrets.

    The time axis is kept as runs (core.dimensions.TimeAxis), so a layer's saved properties do
    not grow with the number of time steps; ``dims`` are the variable's other axes and
    ``selected`` the value shown of each (``{"step": "3 hours", "elevation": "850"}``).
    """

    location: FluxLocation
    variable: str
    colormap: str = "viridis"
    value_range: tuple = None
    time_axis: TimeAxis = field(default_factory=TimeAxis)
    time: str = ""
    units: str = ""
    bbox: tuple = None
    cache_epoch: int = 0  # bumped when the key changes: see core.styles.reorder
    dims: list = field(default_factory=list)
    selected: dict = field(default_factory=dict)

    def to_json(self):
        return json.dumps({"location": self.location.as_dict(), "variable": self.variable,
                           "colormap": self.colormap, "value_range": list(self.value_range or []) or None,
                           "time_axis": self.time_axis.to_json(), "time": self.time, "units": self.units,
                           "bbox": list(self.bbox) if self.bbox else None, "cache_epoch": self.cache_epoch,
                           "dimensions": [d.as_dict() for d in self.dims], "selected": dict(self.selected)})

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        if "time_axis" in data:
            axis = TimeAxis.from_json(data["time_axis"])
        else:  # projects saved by 0.1 kept every time step
            axis = TimeAxis.from_strings(data.get("times") or [])
        return cls(location=FluxLocation.from_dict(data["location"]), variable=data["variable"],
                   colormap=data.get("colormap") or "viridis",
                   value_range=tuple(data["value_range"]) if data.get("value_range") else None,
                   time_axis=axis, time=data.get("time") or "",
                   units=data.get("units") or "", bbox=tuple(data["bbox"]) if data.get("bbox") else None,
                   cache_epoch=int(data.get("cache_epoch") or 0),
                   dims=[Dimension.from_dict(d) for d in data.get("dimensions") or []],
                   selected={str(k): str(v) for k, v in (data.get("selected") or {}).items()})

    @property
    def lead_dimension(self):
        """The forecast lead-time dimension (``step``), or None when the data is no forecast."""
        return next((d for d in self.dims if d.kind == LEAD_TIME and len(d.values) > 1), None)

    def tile_template(self):
        loc = self.location
        if loc.protocol == "wms":
            return core_wms.getmap_tile_template(loc, self.variable, self.colormap, self.value_range, self.time,
                                                 cache_epoch=self.cache_epoch, dimensions=self.dims,
                                                 selected=self.selected)
        if loc.protocol == "tiles":
            return core_tiles.tile_template(loc, self.variable, self.colormap, self.value_range, self.time,
                                            cache_epoch=self.cache_epoch, dimensions=self.dims,
                                            selected=self.selected)
        raise FluxInputError(f"A {loc.protocol} service does not give map images: use wms or tiles.")

    def selection_text(self):
        """``step 3 hours, elevation 850 hPa``: what the layer shows besides the variable."""
        return describe_selection(self.dims, self.selected)

    def layer_name(self):
        name = f"{self.variable} ({self.location.display_name()}, {self.location.protocol})"
        selection = self.selection_text()
        return f"{name} {selection}" if selection else name


def layer_uri(spec, authcfg="", crs=render_time.LAYER_CRS):
    if render_time.supports_render_time(spec):
        return render_time.wms_source(spec, authcfg, crs)  # WMS-T: each render asks for its own time
    uri = QgsDataSourceUri()
    uri.setParam("type", "xyz")
    uri.setParam("url", spec.tile_template())
    uri.setParam("zmin", "0")
    uri.setParam("zmax", str(ZMAX))
    if authcfg:
        uri.setAuthConfigId(authcfg)
    return bytes(uri.encodedUri()).decode("utf-8")


def authcfg_of(layer):
    uri = QgsDataSourceUri()
    uri.setEncodedUri(layer.source())
    return uri.authConfigId()


def spec_of(layer):
    """The LayerSpec of a Flux layer, or None for any other layer."""
    text = layer.customProperty(SPEC_PROPERTY) if layer is not None else None
    if not text:
        return None
    try:
        return LayerSpec.from_json(text)
    except (ValueError, KeyError, TypeError, FluxError):
        return None


def source_crs(layer):
    """The CRS a Flux WMS layer asks its images in (its source's ``crs``)."""
    uri = QgsDataSourceUri()
    uri.setEncodedUri(layer.source())
    return uri.param("crs") or render_time.LAYER_CRS


def crs_for_new_layer(spec, authcfg, project=None):
    """The project's CRS where the server draws in it and QGIS's provider can be given the
    capabilities to place the layer there (UI thread); EPSG:4326 otherwise."""
    crs = render_time.native_crs((project or QgsProject.instance()).crs().authid(), spec)
    if not render_time.share_capabilities(spec, authcfg, fetch=crs != render_time.LAYER_CRS):
        return render_time.LAYER_CRS  # the provider reads the server's own capabilities: EPSG:4326 only
    return crs


def qdatetime_of(seconds):
    return QDateTime.fromMSecsSinceEpoch(int(round(seconds * 1000)), Qt.TimeSpec.UTC)


def time_range(axis):
    """Temporal extent of a TimeAxis: first step to last step plus one step."""
    if not axis or axis.raw:
        return None
    begin, end = axis.seconds(0), axis.seconds(-1)
    return QgsDateTimeRange(qdatetime_of(begin), qdatetime_of(end + max(axis.typical_step(), 0.001)), True, False)


def layer_time_range(spec):
    """What the Temporal Controller moves over: valid times (start + lead) for a forecast, else the axis.

    A forecaster opens one forecast run and steps through its lead times, watching the valid time
    (Flux's own demos work so): the start time stays as chosen, the controller picks the lead time.
    """
    lead = spec.lead_dimension
    start = parse_iso(spec.time) if spec.time else None
    if lead is not None and start is not None:
        from ..core.dimensions import lead_time_seconds

        leads = lead_time_seconds(lead)
        spacing = min((b - a for a, b in zip(leads, leads[1:]) if b > a), default=3600.0)
        return QgsDateTimeRange(qdatetime_of(start + leads[0]), qdatetime_of(start + leads[-1] + spacing),
                                True, False)
    return time_range(spec.time_axis)


def step_time_range(spec):
    """The span a tiles layer's one step covers (the step to the next one): renders at another
    time leave the layer out rather than draw this step's image (layers.make_layer)."""
    lead = spec.lead_dimension
    start = parse_iso(spec.time) if spec.time else None
    if lead is not None and start is not None:
        from ..core.dimensions import lead_time_seconds

        leads = lead_time_seconds(lead)
        chosen = dict(zip(lead.values, leads)).get(spec.selected.get(lead.name), leads[0])
        later = [v for v in leads if v > chosen]
        end = min(later) if later else chosen + (leads[-1] - leads[-2] if len(leads) > 1 else 3600.0)
        return QgsDateTimeRange(qdatetime_of(start + chosen), qdatetime_of(start + end), True, False)
    axis = spec.time_axis
    if not axis or axis.raw or start is None:
        return None
    index = axis.nearest_index(start)
    end = axis.seconds(index + 1) if index + 1 < len(axis) else start + max(axis.typical_step(), 0.001)
    return QgsDateTimeRange(qdatetime_of(start), qdatetime_of(end), True, False)


def changes_for_range(spec, temporal_range):
    """{field: value} that make ``spec`` show the controller's ``temporal_range`` ({} when nothing)."""
    begin = temporal_range.begin()
    if not begin.isValid():
        return {}
    seconds = begin.toMSecsSinceEpoch() / 1000.0
    lead = spec.lead_dimension
    start = parse_iso(spec.time) if spec.time else None
    if lead is not None and start is not None:
        step = forecast_step_for(seconds, start, lead)
        if step and step != spec.selected.get(lead.name):
            return {"selected": dict(spec.selected, **{lead.name: step})}
        return {}
    axis = spec.time_axis
    if not axis or axis.raw:
        return {}
    time = axis[axis.index_at_or_before(seconds)]
    return {"time": time} if time != spec.time else {}


def display_bbox(bbox):
    """A lon/lat bbox in -180..180 for QGIS: data on 0..360 longitudes spans the whole world
    unless it lies east of 180 only (then it is moved by -360)."""
    if not bbox:
        return None
    west, south, east, north = (float(v) for v in bbox)
    if not (-90 <= south < north <= 90) or not (-180 <= west < east <= 360):
        return None
    if east > 180:
        if west >= 180:
            west, east = west - 360, east - 360
        else:
            west, east = -180.0, 180.0
    return west, south, east, north


def web_mercator_extent(bbox):
    """EPSG:3857 rectangle of a lon/lat bbox, clamped to Web Mercator's latitude limit."""
    bbox = display_bbox(bbox)
    if not bbox:
        return None
    west, south, east, north = bbox
    limit = 85.0511287798
    transform = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"),
                                       QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance())
    return transform.transformBoundingBox(QgsRectangle(west, max(south, -limit), east, min(north, limit)))


def make_layer(spec, authcfg="", name=None):
    """A valid QgsRasterLayer for ``spec``, or FluxError (never a half-made layer)."""
    spec.colormap = validate_colormap(spec.colormap)
    spec.value_range = validate_range(spec.value_range)
    if spec.time_axis and not spec.time:
        spec.time = spec.time_axis.first()
    crs = crs_for_new_layer(spec, authcfg) if render_time.supports_render_time(spec) else render_time.LAYER_CRS
    layer = QgsRasterLayer(layer_uri(spec, authcfg, crs), name or spec.layer_name(), "wms")
    if not layer.isValid():
        error = layer.error()
        summary = error.summary() if not error.isEmpty() else "the XYZ provider rejected the source"
        raise FluxError(f"QGIS could not create the {spec.location.protocol} layer: {summary}")
    layer.setCustomProperty(SPEC_PROPERTY, spec.to_json())
    apply_legend(layer, spec)
    abstract = f"Earthmover Flux {spec.location.protocol} service {spec.location.service_url()}"
    if spec.units:
        abstract += f"\nUnits: {spec.units}"
    if spec.selection_text():
        abstract += f"\nShows: {spec.selection_text()}"
    metadata = layer.metadata()  # (QgsMapLayer.setAbstract is deprecated in 3.40)
    metadata.setAbstract(abstract)
    layer.setMetadata(metadata)
    if render_time.supports_render_time(spec):
        render_time.set_temporal_properties(layer, spec)  # the provider knows its extent
        render_time.fit_images_to_view(layer)
        return layer
    extent = web_mercator_extent(spec.bbox)
    if extent is not None:
        layer.setExtent(extent)  # "Zoom to layer" goes to the data, not the whole XYZ world
    window = step_time_range(spec)
    if window is not None:
        props = layer.temporalProperties()
        props.setMode(QgsRasterLayerTemporalProperties.ModeFixedTemporalRange)
        props.setFixedTemporalRange(window)
        props.setIsActive(True)
    return layer


def update_layer(layer, **changes):
    """Rebuild a Flux layer's source after changing its spec (time, selected, colormap, value_range)."""
    spec = spec_of(layer)
    if spec is None:
        raise FluxInputError(f"The layer {layer.name()!r} is not an Earthmover Flux layer.")
    old_name = spec.layer_name()
    wanted_crs = changes.pop("crs", None)
    for key, value in changes.items():
        setattr(spec, key, value)
    spec.colormap = validate_colormap(spec.colormap)
    spec.value_range = validate_range(spec.value_range)
    crs = render_time.LAYER_CRS
    if render_time.supports_render_time(spec):
        crs = wanted_crs or source_crs(layer)
        # the new source's provider reads the capabilities again: the plugin's copy, which places
        # the layer in any CRS the server draws in (without it only EPSG:4326 is valid)
        if not render_time.share_capabilities(spec, authcfg_of(layer), fetch=crs != render_time.LAYER_CRS):
            crs = render_time.LAYER_CRS
    uri = layer_uri(spec, authcfg_of(layer), crs)
    if uri == layer.source():
        return False
    options = QgsDataProvider.ProviderOptions()
    options.transformContext = QgsProject.instance().transformContext()
    renderer = layer.renderer().clone() if layer.renderer() is not None else None
    layer.setDataSource(uri, layer.name(), "wms", options)
    if renderer is not None and layer.renderer() is None:
        layer.setRenderer(renderer)
    layer.setCustomProperty(SPEC_PROPERTY, spec.to_json())
    apply_legend(layer, spec)  # a new data source may bring back the default raster legend
    if layer.name() == old_name and spec.layer_name() != old_name:
        layer.setName(spec.layer_name())  # the name says which step/level it shows, unless renamed
    if render_time.supports_render_time(spec):
        render_time.set_temporal_properties(layer, spec)
        render_time.fit_images_to_view(layer)
    elif "time" in changes or "selected" in changes:
        window = step_time_range(spec)
        if window is not None:
            layer.temporalProperties().setFixedTemporalRange(window)
    layer.triggerRepaint()
    return True


def describe_variables(location, authcfg="", feedback=None):
    """The variables a wms or tiles service offers (with time steps and bounds)."""
    if location.protocol == "wms":
        try:
            body = metadata.wms_capabilities(location, authcfg, feedback)  # read once per session
        except FluxError as exc:
            raise cannot_describe(exc, "WMS", "tiles, EDR or DAP2") from None
        return core_wms.parse_capabilities(body)
    if location.protocol == "tiles":
        return core_tiles.parse_tileset(metadata.tiles_metadata(location, authcfg, feedback))
    raise FluxInputError(f"Listing variables of a {location.protocol} service is not supported yet.")


def cannot_describe(error, service, others):
    """A 500 to a request that only describes a dataset is no passing fault: that service cannot
    read this dataset (xpublish-wms and -edr fail so on noleap and 360_day calendars: flux_server/README)."""
    if getattr(error, "status", None) != 500:
        return error
    return FluxError(f"The {service} service answered with an internal error (HTTP 500) to a request that only "
                     "describes the dataset. If that persists, this service probably cannot read the dataset "
                     f"(the xpublish servers fail so on noleap and 360_day calendars): use the {others} service "
                     "for it.", status=500)


def value_range(location, variable, time="", authcfg="", feedback=None, dims=(), selected=None, bbox=None):
    """Default colour range of a variable, from the WMS service's GetMetadata minmax.

    ``bbox`` (west, south, east, north in EPSG:4326): the range of the data inside it only."""
    from ..core.styles import parse_minmax

    if location.protocol != "wms":
        raise FluxInputError("The value range is read from a WMS service.")
    url = core_wms.metadata_url(location, variable, "minmax", time, dims, selected, bbox)
    response = network.get(url, "the value range", authcfg, feedback)
    return parse_minmax(response.body)


def tiles_scale_by_themselves(location, variable, time="", authcfg="", feedback=None, dims=(), selected=None):
    """Whether the tiles server renders this variable without a colorscalerange (one z0 tile)."""
    spec = LayerSpec(location=location, variable=variable, time=time, dims=list(dims), selected=dict(selected or {}))
    url = spec.tile_template().replace("{z}", "0").replace("{y}", "0").replace("{x}", "0")
    response = network.send("GET", url, authcfg=authcfg, feedback=feedback)
    return response.status == 200


def refresh_after_key_change(org="", project=None):
    """New tile URLs for the org's Flux layers (all of them for ''), so no cached tile is reused."""
    changed = []
    for layer in (project or QgsProject.instance()).mapLayers().values():
        spec = spec_of(layer)
        if spec is not None and (not org or spec.location.org == org):
            if update_layer(layer, cache_epoch=spec.cache_epoch + 1):
                changed.append(layer)
    return changed


keys.KEY_EVENTS.listeners["layers.refresh_after_key_change"] = refresh_after_key_change


def follow_project_crs(project=None):
    """The project's CRS changed: Flux WMS layers ask their images in it where the server draws in
    it (else in EPSG:4326, reprojected by QGIS). UI thread. Returns the layers that changed."""
    project = project or QgsProject.instance()
    changed = []
    for layer in project.mapLayers().values():
        spec = spec_of(layer)
        if spec is None or not layer.isValid() or not render_time.supports_render_time(spec):
            continue
        wanted = render_time.native_crs(project.crs().authid(), spec)
        if source_crs(layer) != wanted and update_layer(layer, crs=wanted):
            changed.append(layer)
    return changed


def restore_legends(project=None):
    """Legends and the projector's precision are not saved in projects: give Flux layers theirs
    again after a project is read (before its first render, when called from readProject)."""
    for layer in (project or QgsProject.instance()).mapLayers().values():
        spec = spec_of(layer)
        if spec is not None and layer.isValid():
            apply_legend(layer, spec)
            if render_time.supports_render_time(spec):
                if not render_time.source_fits_this_qgis(layer):
                    update_layer(layer, cache_epoch=spec.cache_epoch)  # the source this QGIS version needs
                render_time.fit_images_to_view(layer)
