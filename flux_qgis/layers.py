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
from ..core.errors import FluxError, FluxInputError
from ..core.location import FluxLocation
from ..core.styles import validate_colormap, validate_range
from . import network
from .legend import apply_legend

SPEC_PROPERTY = "earthmover_flux/spec"
ZMAX = 18


@dataclass
class LayerSpec:
    """Everything needed to (re)build a Flux raster layer's source, without secrets."""

    location: FluxLocation
    variable: str
    colormap: str = "viridis"
    value_range: tuple = None
    times: list = field(default_factory=list)
    time: str = ""
    units: str = ""
    bbox: tuple = None
    cache_epoch: int = 0  # bumped when the key changes: see core.styles.reorder

    def to_json(self):
        return json.dumps({"location": self.location.as_dict(), "variable": self.variable,
                           "colormap": self.colormap, "value_range": list(self.value_range or []) or None,
                           "times": self.times, "time": self.time, "units": self.units,
                           "bbox": list(self.bbox) if self.bbox else None, "cache_epoch": self.cache_epoch})

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        return cls(location=FluxLocation.from_dict(data["location"]), variable=data["variable"],
                   colormap=data.get("colormap") or "viridis",
                   value_range=tuple(data["value_range"]) if data.get("value_range") else None,
                   times=list(data.get("times") or []), time=data.get("time") or "",
                   units=data.get("units") or "", bbox=tuple(data["bbox"]) if data.get("bbox") else None,
                   cache_epoch=int(data.get("cache_epoch") or 0))

    def tile_template(self):
        loc = self.location
        if loc.protocol == "wms":
            return core_wms.getmap_tile_template(loc, self.variable, self.colormap, self.value_range, self.time,
                                                 cache_epoch=self.cache_epoch)
        if loc.protocol == "tiles":
            return core_tiles.tile_template(loc, self.variable, self.colormap, self.value_range, self.time,
                                            cache_epoch=self.cache_epoch)
        raise FluxInputError(f"A {loc.protocol} service does not give map images: use wms or tiles.")

    def layer_name(self):
        return f"{self.variable} ({self.location.display_name()}, {self.location.protocol})"


def layer_uri(spec, authcfg=""):
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


def parse_time(text):
    value = QDateTime.fromString(text.replace("Z", "+00:00") if text.endswith("Z") else text, Qt.ISODate)
    if not value.isValid():
        value = QDateTime.fromString(text, Qt.ISODateWithMs)
    if value.isValid() and value.timeSpec() == Qt.LocalTime:
        value.setTimeSpec(Qt.UTC)
    return value


def time_range(times):
    """Temporal extent of the steps: first step to last step plus one step."""
    parsed = [t for t in (parse_time(x) for x in times) if t.isValid()]
    if not parsed:
        return None
    begin, end = parsed[0], parsed[-1]
    step = parsed[1].toMSecsSinceEpoch() - parsed[0].toMSecsSinceEpoch() if len(parsed) > 1 else 86_400_000
    return QgsDateTimeRange(begin, end.addMSecs(max(step, 1)), True, False)


def step_for_range(times, temporal_range):
    """The time step to show for the controller's range: the last step at or before its start."""
    if not times:
        return ""
    begin = temporal_range.begin()
    if not begin.isValid():
        return times[0]
    chosen = times[0]
    for text in times:
        value = parse_time(text)
        if value.isValid() and value <= begin:
            chosen = text
    return chosen


def web_mercator_extent(bbox):
    """EPSG:3857 rectangle of a lon/lat bbox, clamped to Web Mercator's latitude limit."""
    if not bbox:
        return None
    west, south, east, north = bbox
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    limit = 85.0511287798
    transform = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"),
                                       QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance())
    return transform.transformBoundingBox(QgsRectangle(west, max(south, -limit), east, min(north, limit)))


def make_layer(spec, authcfg="", name=None):
    """A valid QgsRasterLayer for ``spec``, or FluxError (never a half-made layer)."""
    spec.colormap = validate_colormap(spec.colormap)
    spec.value_range = validate_range(spec.value_range)
    if spec.times and not spec.time:
        spec.time = spec.times[0]
    layer = QgsRasterLayer(layer_uri(spec, authcfg), name or spec.layer_name(), "wms")
    if not layer.isValid():
        error = layer.error()
        summary = error.summary() if not error.isEmpty() else "the XYZ provider rejected the source"
        raise FluxError(f"QGIS could not create the {spec.location.protocol} layer: {summary}")
    layer.setCustomProperty(SPEC_PROPERTY, spec.to_json())
    apply_legend(layer, spec)
    abstract = f"Earthmover Flux {spec.location.protocol} service {spec.location.service_url()}"
    if spec.units:
        abstract += f"\nUnits: {spec.units}"
    metadata = layer.metadata()  # (QgsMapLayer.setAbstract is deprecated in 3.40)
    metadata.setAbstract(abstract)
    layer.setMetadata(metadata)
    extent = web_mercator_extent(spec.bbox)
    if extent is not None:
        layer.setExtent(extent)  # "Zoom to layer" goes to the data, not the whole XYZ world
    window = time_range(spec.times)
    if window is not None:
        props = layer.temporalProperties()
        props.setMode(QgsRasterLayerTemporalProperties.ModeFixedTemporalRange)
        props.setFixedTemporalRange(window)
        props.setIsActive(True)
    return layer


def update_layer(layer, **changes):
    """Rebuild a Flux layer's source after changing its spec (time, colormap, value_range)."""
    spec = spec_of(layer)
    if spec is None:
        raise FluxInputError(f"The layer {layer.name()!r} is not an Earthmover Flux layer.")
    for key, value in changes.items():
        setattr(spec, key, value)
    spec.colormap = validate_colormap(spec.colormap)
    spec.value_range = validate_range(spec.value_range)
    uri = layer_uri(spec, authcfg_of(layer))
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
    layer.triggerRepaint()
    return True


def describe_variables(location, authcfg="", feedback=None):
    """The variables a wms or tiles service offers (with time steps and bounds)."""
    if location.protocol == "wms":
        response = network.get(core_wms.capabilities_url(location), "the WMS capabilities", authcfg, feedback)
        return core_wms.parse_capabilities(response.body)
    if location.protocol == "tiles":
        response = network.get(core_tiles.tilesets_url(location), "the tiles metadata", authcfg, feedback)
        return core_tiles.parse_tileset(response.body)
    raise FluxInputError(f"Listing variables of a {location.protocol} service is not supported yet.")


def value_range(location, variable, time="", authcfg="", feedback=None):
    """Default colour range of a variable, from the WMS service's GetMetadata minmax."""
    from ..core.styles import parse_minmax

    if location.protocol != "wms":
        raise FluxInputError("The value range is read from a WMS service.")
    url = core_wms.metadata_url(location, variable, "minmax")
    if time:
        url += "&time=" + time
    response = network.get(url, "the value range", authcfg, feedback)
    return parse_minmax(response.body)


def tiles_scale_by_themselves(location, variable, time="", authcfg="", feedback=None):
    """Whether the tiles server renders this variable without a colorscalerange (one z0 tile)."""
    spec = LayerSpec(location=location, variable=variable, time=time)
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


network.KEY_EVENTS.listeners["layers.refresh_after_key_change"] = refresh_after_key_change


def restore_legends(project=None):
    """Legends are not saved in projects: give Flux layers theirs again after a project is read."""
    for layer in (project or QgsProject.instance()).mapLayers().values():
        spec = spec_of(layer)
        if spec is not None and layer.isValid():
            apply_legend(layer, spec)
