"""Identify on a Flux layer: the value in the grid cell under a point, with units, time and dimensions.

QGIS's Identify tool gets nothing from a Flux layer by itself: a tiles or forecast layer is an XYZ
layer (no identify), and the WMS-T provider reports no identify capability for Flux's WMS (its
capabilities list no GetFeatureInfo format QGIS reads; measured on 3.22: capabilities() == 0).
xpublish-wms's GetFeatureInfo would also answer CoverageJSON only, in EPSG:4326, and blend
neighbouring cells. So the value comes from the same dataset's EDR service (``position``, one
point, ``method=nearest``): the cell under the point, for the time and the other dimensions the
layer shows. Two steps, as elsewhere: ``query_for`` (main thread: reads the layer and the render's
time) and ``fetch`` (network only, thread-safe).
"""

from dataclasses import dataclass, field

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject

from ..core.dimensions import LEAD_TIME, VERTICAL
from ..core.errors import FluxInputError
from . import edr, layers, render_time


@dataclass
class IdentifyQuery:
    """Plain data: what to ask the EDR service for one layer at one point."""

    layer_id: str
    layer_name: str
    location: object  # FluxLocation of the EDR service
    variable: str
    lon: float
    lat: float
    time: str = ""  # the time the layer shows (ISO, Z), '' without a time axis
    dimensions: dict = field(default_factory=dict)  # as EDR names them (the vertical axis is z)
    authcfg: str = ""
    names: dict = field(default_factory=dict)  # EDR name -> the layer's name of that axis


@dataclass
class IdentifyResult:
    layer_id: str
    layer_name: str
    variable: str
    value: float  # None: no data in that cell
    units: str
    time: str
    dimensions: dict
    cell: tuple  # (lon, lat) of the grid cell answered
    point: tuple  # (lon, lat) asked for

    def rows(self):
        """(label, text) pairs, as the Identify Results panel shows them."""
        value = "no data" if self.value is None else f"{self.value:.6g}" + (f" {self.units}" if self.units else "")
        out = [(self.variable, value)]
        if self.time:
            out.append(("time", self.time))
        out += [(name, str(v)) for name, v in self.dimensions.items()]
        out.append(("grid cell", f"{self.cell[0]:.6g}, {self.cell[1]:.6g}"))
        return out

    def text(self):
        return f"{self.layer_name}: " + "; ".join(f"{label} {text}" for label, text in self.rows())


def shown_time(spec, temporal_range=None):
    """The time step the layer draws for a render with ``temporal_range`` (None: not temporal)."""
    axis = spec.time_axis
    lead = spec.lead_dimension
    if lead is not None or not axis or axis.raw:
        return spec.time  # a forecast shows its start (plus the chosen lead time); raw axes their value
    if temporal_range is not None and temporal_range.begin().isValid() and \
            render_time.supports_render_time(spec):
        seconds = temporal_range.begin().toMSecsSinceEpoch() / 1000.0
        return axis[axis.index_at_or_before(seconds)]
    return spec.time or axis.first()


def query_for(layer, point, crs=None, temporal_range=None):
    """The IdentifyQuery of a Flux ``layer`` at ``point`` (a QgsPointXY in ``crs``, default EPSG:4326)."""
    spec = layers.spec_of(layer)
    if spec is None:
        raise FluxInputError(f"The layer {layer.name()!r} is not an Earthmover Flux layer.")
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    if crs is not None and crs != wgs84:
        point = QgsCoordinateTransform(crs, wgs84, QgsProject.instance()).transform(point)
    lon, lat = point.x(), point.y()
    if not -90 <= lat <= 90:
        raise FluxInputError("The point is off the globe (latitude beyond 90 degrees).")
    lon = (lon + 180.0) % 360.0 - 180.0
    dims, names = {}, {}
    for dim in spec.dims:
        value = spec.selected.get(dim.name)
        if value is None or len(dim.values) <= 1:
            continue
        key = "z" if dim.kind == VERTICAL else dim.name
        dims[key], names[key] = value, dim.name
    location = spec.location.with_(protocol="edr", service="edr")
    return IdentifyQuery(layer_id=layer.id(), layer_name=layer.name(), location=location, variable=spec.variable,
                         lon=lon, lat=lat, time=shown_time(spec, temporal_range), dimensions=dims,
                         authcfg=layers.authcfg_of(layer), names=names)


def fetch(query, feedback=None):
    """The value in the cell under the query's point (one EDR position request + the metadata)."""
    when = query.time or None  # core.edr sends it naive UTC, as xpublish-edr wants
    result = edr.fetch_position(query.location, [(query.lon, query.lat)], [query.variable],
                                time_range=when, authcfg=query.authcfg, feedback=feedback,
                                dimensions=query.dimensions or None)
    rows = [r for r in result.rows if query.variable in r.values]
    if not rows:
        return IdentifyResult(query.layer_id, query.layer_name, query.variable, None,
                              result.units.get(query.variable, ""), query.time, dict(result.dimensions),
                              (query.lon, query.lat), (query.lon, query.lat))
    row = rows[0]
    answered = dict(result.dimensions)
    for name, value in row.extra.items():
        answered.setdefault(name, value)
    if row.z is not None:
        answered["z"] = f"{row.z:g}"
    lead = next((d for d in (result.collection.dims if result.collection else []) if d.kind == LEAD_TIME), None)
    if lead is not None and lead.name in query.dimensions:
        answered[lead.name] = query.dimensions[lead.name]  # as the layer spells it (3 hours)
    shown = {query.names.get(name, "level" if name == "z" else name): value for name, value in answered.items()}
    return IdentifyResult(query.layer_id, query.layer_name, query.variable, row.values.get(query.variable),
                          result.units.get(query.variable, ""), row.time or query.time, shown,
                          (row.lon, row.lat), (query.lon, query.lat))


def identify(layer, point, crs=None, temporal_range=None, feedback=None):
    """Blocking: IdentifyResult of ``layer`` at ``point`` (scripts; the Identify tool uses a task)."""
    return fetch(query_for(layer, point, crs, temporal_range), feedback)
