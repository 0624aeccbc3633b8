"""Zonal statistics over time against a Flux EDR service: the network part and the layer.

A zone is a polygon feature. Its geometry goes to EPSG:4326, is cut into parts in the data's own
longitudes (core/zonal.py: split at the data's edge, 0/360 or +-180), and each part is one EDR
``area`` query of one parameter over the whole time range; all parts of all zones are fetched
through the network engine, up to CONCURRENT at once, and parsed as they arrive. The cells that
count are those whose centre lies inside the zone (half-open rule, core/zonal.py); a zone that
holds no cell centre (smaller than a cell, or between centres) takes the cell under its centroid
(one EDR position query for all such zones), and its ``centroid_cell`` field says so.

:func:`zones_from_features` runs wherever the features are read (a Processing worker, the UI
thread); :func:`fetch` is thread-safe (a task, or Processing in the background); :func:`build_layer`
makes the memory layer on the thread that will own it.
"""

from dataclasses import dataclass, field

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..core import edr as core_edr
from ..core import zonal as core_zonal
from ..core.errors import FluxError, FluxInputError
from . import edr as flux_edr
from . import network

CONCURRENT = 4  # as the EDR point batches: concurrent requests, measured in make bench
CELL_RULE = ("Cells whose centre lies inside the polygon count (a centre on the left or bottom edge is inside, "
             "on the right or top edge outside); a polygon with no cell centre inside takes the cell under its "
             "centroid (centroid_cell = true). area_mean weights each cell by cos(latitude).")


@dataclass
class Zone:
    key: int  # the input feature's id
    attributes: list
    polygons: list  # [[ring of (lon, lat)], ...] per polygon, EPSG:4326
    geometry: object = None  # QgsGeometry in the input's CRS, for the output


@dataclass
class ZoneStats:
    zone: Zone
    steps: list  # [(time ISO or None, {statistic: value})]
    cells: int
    centroid_cell: bool = False


@dataclass
class ZonalResult:
    """Plain data: what the statistics are of, and the statistics of every zone and time step."""

    location: object
    variable: str
    statistics: tuple
    zones: list
    units: str = ""
    dimensions: dict = field(default_factory=dict)  # the values chosen of axes other than time
    invalid: list = field(default_factory=list)  # [(feature id, reason)] of the zones left out
    requests: int = 0


def zones_from_features(features, source_crs, transform_context):
    """(zones, invalid) from polygon features in ``source_crs``: empty or invalid geometries are left
    out and listed with the reason, the rest go on."""
    to_wgs84 = QgsCoordinateTransform(source_crs, QgsCoordinateReferenceSystem("EPSG:4326"), transform_context)
    zones, invalid = [], []
    for feature in features:
        geometry = feature.geometry()
        if geometry is None or geometry.isEmpty():
            invalid.append((feature.id(), "no geometry"))
            continue
        if geometry.type() != QgsWkbTypes.GeometryType.PolygonGeometry:
            invalid.append((feature.id(), "not a polygon"))
            continue
        if not geometry.isGeosValid():
            error = geometry.validateGeometry()
            invalid.append((feature.id(), "invalid geometry" + (f": {error[0].what()}" if error else "")))
            continue
        projected = QgsGeometry(geometry)
        try:
            projected.transform(to_wgs84)
        except Exception:  # noqa: BLE001 - QgsCsException: a zone off the globe
            invalid.append((feature.id(), "cannot be transformed to EPSG:4326"))
            continue
        parts = projected.asMultiPolygon() if projected.isMultipart() else [projected.asPolygon()]
        polygons = [[[(p.x(), p.y()) for p in ring] for ring in polygon] for polygon in parts if polygon]
        zones.append(Zone(feature.id(), list(feature.attributes()), polygons, QgsGeometry(geometry)))
    return zones, invalid


def _parts(zones, convention):
    """[(zone index, part)] of every zone, cut for the data's longitudes."""
    out = []
    for index, zone in enumerate(zones):
        for part in core_zonal.split_for_grid(zone.polygons, convention):
            out.append((index, part))
    return out


def _centroid_rows(location, variable, zones, small, convention, time_range, authcfg, feedback, dimensions):
    """{zone index: rows} of the cell under each small zone's centroid (one MULTIPOINT query)."""
    def area(polygon):
        ring = polygon[0]
        return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1]))) / 2.0

    def largest(polygons):
        return max(polygons, key=area)

    points = []
    for index in small:
        lon, lat = core_zonal.centroid(largest(zones[index].polygons), convention)
        points.append(((lon + 180.0) % 360.0 - 180.0, lat))
    result = flux_edr.fetch_position(location, points, [variable], time_range, authcfg, feedback,
                                     dimensions=dimensions)
    rows = {index: [] for index in small}
    for row in result.rows:
        rows[small[row.index]].append(row)
    return rows, result.requests


def _steps(body, variable):
    """(cells, times, values_by_step) of one area answer (worker thread, as each answer arrives)."""
    steps = core_edr.parse_covjson_steps(body, variable)
    return steps if steps is not None else core_zonal.steps_from_rows(core_edr.parse_covjson(body), variable)


def fetch(location, variable, zones, *, statistics=core_zonal.DEFAULT_STATISTICS, time_range=None, dimensions=None,
          authcfg="", feedback=None):
    """ZonalResult of ``variable`` over ``zones`` (network, parsing, statistics). Thread-safe."""
    statistics = core_zonal.check_statistics(statistics)
    if not zones:
        raise FluxInputError("No polygon to summarise: the layer has no (valid) polygons.")
    _none, query = flux_edr.area_urls(location, [], variable, time_range, authcfg, feedback, dimensions)
    convention = query.convention or "-180..180"
    parts = _parts(zones, convention)
    urls = [core_edr.area_url(location, core_edr.normalize_polygon_wkt(core_zonal.polygon_wkt(part)),
                              query.parameters, query.when, extra=query.extra) for _index, part in parts]
    answers = network.get_many(urls, "the EDR area values", authcfg, feedback, CONCURRENT,
                               handle=lambda _index, response: _steps(response.body, variable))
    steps_of = {i: [] for i in range(len(zones))}
    parts_of = {i: [] for i in range(len(zones))}
    for (index, part), steps in zip(parts, answers):
        steps_of[index].append(steps)
        parts_of[index].append(part)
    chosen, small = {}, []
    for index in range(len(zones)):
        cells, times, values = core_zonal.merge_steps(steps_of[index])
        selection = core_zonal.select_cells(cells, parts_of[index])
        if selection.indices:
            chosen[index] = (cells, times, values, selection.indices, False)
        else:
            small.append(index)
    requests = query.requests + len(urls)
    if small:
        centre_rows, made = _centroid_rows(location, variable, zones, small, convention, time_range, authcfg,
                                           feedback, dimensions)
        requests += made
        for index, rows in centre_rows.items():
            cells, times, values = core_zonal.steps_from_rows(rows, variable)
            chosen[index] = (cells, times, values, list(range(len(cells))), True)
    out = []
    for index, zone in enumerate(zones):
        cells, times, values, keep, centroid_used = chosen[index]
        lats = [cells[c][1] for c in keep]
        picked = [[step[c] for c in keep] for step in values]
        out.append(ZoneStats(zone, core_zonal.summarize_steps(times, picked, lats, statistics), len(keep),
                             centroid_used))
    return ZonalResult(location, variable, statistics, out, units=query.units.get(variable, ""),
                       dimensions=dict(query.selected), requests=requests)


# -- the layer ----------------------------------------------------------------------------------


def _unique(name, taken):
    while name.lower() in taken:
        name = f"flux_{name}"
    taken.add(name.lower())
    return name


def _times(result):
    return sorted({time for zone in result.zones for time, _stats in zone.steps}, key=lambda t: (t is not None,
                                                                                                 t or ""))


def output_fields(result, input_fields, wide=False):
    """(QgsFields, {role: field name}): the input's fields, then time, the chosen axes, cells,
    centroid_cell and one field per statistic (wide: one per statistic and time step)."""
    fields, names = QgsFields(), {}
    taken = set()
    for f in input_fields:
        copy = QgsField(f)
        if copy.name().lower() == "fid":
            copy.setName("input_fid")  # one output row per zone and step: a repeated fid breaks a GeoPackage
        copy.setName(_unique(copy.name(), taken))
        fields.append(copy)
    if not wide:
        names["time"] = _unique("time", taken)
        fields.append(QgsField(names["time"], flux_edr.DATETIME))
    for axis in sorted(result.dimensions):
        names[f"axis:{axis}"] = _unique(axis, taken)
        fields.append(QgsField(names[f"axis:{axis}"], flux_edr.STRING))
    for role, kind in (("cells", flux_edr.INT), ("centroid_cell", flux_edr.INT)):
        names[role] = _unique(role, taken)
        fields.append(QgsField(names[role], kind))
    times = _times(result) if wide else [None]
    for time in times:
        for stat in result.statistics:
            label = stat if time is None else f"{stat}_{time[:19].replace('-', '').replace(':', '')}"
            names[(stat, time)] = _unique(label, taken)
            fields.append(QgsField(names[(stat, time)], flux_edr.INT if stat == "count" else flux_edr.DOUBLE))
    return fields, names


def features(result, fields, names, wide=False, with_geometry=True):
    """The output features: one per zone and time step (wide: one per zone)."""
    from .edr import qdatetime

    out = []
    for zone in result.zones:
        base = list(zone.zone.attributes)
        common = {names["cells"]: zone.cells, names["centroid_cell"]: int(zone.centroid_cell)}
        common.update({names[f"axis:{a}"]: str(v) for a, v in result.dimensions.items()})
        if wide:
            values = {names[(stat, time)]: stats.get(stat) for time, stats in zone.steps for stat in result.statistics}
            rows = [(None, values)]
        else:
            rows = [(time, {names[(stat, None)]: stats.get(stat) for stat in result.statistics})
                    for time, stats in zone.steps]
        for time, values in rows:
            feature = QgsFeature(fields)
            if with_geometry and zone.zone.geometry is not None:
                feature.setGeometry(zone.zone.geometry)
            attrs = dict(common, **values)
            if not wide:
                attrs[names["time"]] = qdatetime(time)
            feature.setAttributes(base + [attrs.get(fields.at(i).name()) for i in range(len(base), fields.count())])
            out.append(feature)
    return out


def build_layer(result, input_fields, crs, name=None, wide=False, with_geometry=True):
    """A memory layer of ``result`` (polygons in ``crs``, or a table), temporal by its time field."""
    kind = f"MultiPolygon?crs={crs.authid() or 'EPSG:4326'}" if with_geometry else "None"
    layer = QgsVectorLayer(kind, name or f"{result.variable} zonal statistics", "memory")
    if not layer.isValid():
        raise FluxError("QGIS could not make the memory layer of the zonal statistics.")
    if with_geometry and not crs.authid():
        layer.setCrs(crs)
    fields, names = output_fields(result, input_fields, wide)
    provider = layer.dataProvider()
    provider.addAttributes(fields.toList())
    layer.updateFields()
    provider.addFeatures(features(result, layer.fields(), names, wide, with_geometry))
    layer.updateExtents()
    if not wide:
        flux_edr.set_temporal(layer, names["time"])
    metadata = layer.metadata()
    metadata.setAbstract(f"Earthmover Flux zonal statistics of {result.variable} ({result.units}) from "
                         f"{result.location.service_url()}. {CELL_RULE}")
    layer.setMetadata(metadata)
    return layer


def zone_series(location, variable, zone, *, label="", time_range=None, dimensions=None, authcfg="", feedback=None):
    """The chart of one polygon: its area-weighted mean over time, with min and max as a band
    (a flux_qgis.timeseries.TimeSeries with ``band`` and ``zone_label``). Thread-safe."""
    from ..core.dimensions import parse_iso
    from .timeseries import TimeSeries

    result = fetch(location, variable, [zone], statistics=("area_mean", "min", "max", "count"),
                   time_range=time_range, dimensions=dimensions, authcfg=authcfg, feedback=feedback)
    (stats,) = result.zones
    steps = [(parse_iso(time), values) for time, values in stats.steps if time is not None]
    steps.sort(key=lambda item: item[0])
    nan = float("nan")

    def number(value):
        return nan if value is None else float(value)

    ring = zone.polygons[0][0]
    series = TimeSeries(location=location, variable=variable, lon=sum(p[0] for p in ring) / len(ring),
                        lat=sum(p[1] for p in ring) / len(ring), units=result.units,
                        seconds=[s for s, _v in steps], values=[number(v["area_mean"]) for _s, v in steps],
                        dimensions=dict(result.dimensions), requests=result.requests)
    series.band = [(number(v["min"]), number(v["max"])) for _s, v in steps]
    series.zone_label = f"{label or 'polygon'}: mean of {stats.cells} cell(s)" + \
        (" (the cell under its centroid)" if stats.centroid_cell else "")
    return series
