"""EDR position and area queries into vector layers built by the plugin itself.

Two steps, so the dock can run the first in a background task:

1. ``fetch_position`` / ``fetch_area`` / ``describe_parameters``: network only (flux_qgis.network,
   with the authcfg, the feedback's Cancel honoured between requests, progress per request);
   return plain data (:class:`EdrResult`). Thread-safe.
2. ``build_layer``: on the main thread, a memory layer (or a GeoPackage written with
   QgsVectorFileWriter when a path is given), one feature per location and time step, Double
   fields for the values, a DateTime field, and temporal properties set.

EDR URLs are never given to the OGR provider: with an authcfg QGIS 3.22 writes the username and
key into the saved project then (QGIS_322.md). The layer holds no URL at all; a custom property
describes the query (location fields, parameters, time range: no secret).
"""

import json
from dataclasses import dataclass, field

from qgis.core import (
    Qgis,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsVectorLayerTemporalProperties,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QMetaType, Qt, QTime

from ..core import edr as core_edr
from ..core.dimensions import (
    LEAD_TIME,
    VERTICAL,
    VERTICAL_ALIASES,
    Dimension,
    format_timedelta,
    parse_dimensions_text,
    to_display,
)
from ..core.dimensions import find as find_dimension
from ..core.dimensions import resolve as resolve_dimensions
from ..core.errors import FluxError, FluxInputError
from . import metadata, network

QUERY_PROPERTY = "earthmover_flux/edr"
TIME_FIELD = "time"
FIXED_FIELDS = ("location", "grid_lon", "grid_lat", TIME_FIELD)
if Qgis.QGIS_VERSION_INT >= 33800:
    # QgsField takes a QMetaType.Type since QGIS 3.38 (QVariant.Type is deprecated, and gone in Qt6)
    INT, DOUBLE, DATETIME = QMetaType.Type.Int, QMetaType.Type.Double, QMetaType.Type.QDateTime
    STRING = QMetaType.Type.QString
else:  # QGIS < 3.38, always PyQt5
    from qgis.PyQt.QtCore import QVariant

    INT, DOUBLE, DATETIME = QVariant.Int, QVariant.Double, QVariant.DateTime
    STRING = QVariant.String


@dataclass
class EdrResult:
    """What came back from one EDR query (plain data, no Qt objects)."""

    location: object  # FluxLocation
    kind: str  # 'position' or 'area'
    parameters: list  # names, in field order
    rows: list  # core.edr.EdrRow
    points: list = field(default_factory=list)  # requested (lon, lat) for position queries
    polygon: str = ""  # area queries
    datetime: str = None  # the datetime value sent
    requests: int = 0
    units: dict = field(default_factory=dict)
    dimensions: dict = field(default_factory=dict)  # the values selected of axes other than time
    collection: object = None  # core.edr.EdrCollection the query was checked against (not saved)

    def description(self):
        """Secret-free description of the query (kept as a layer custom property)."""
        return {"location": self.location.as_dict(), "kind": self.kind, "parameters": self.parameters,
                "datetime": self.datetime, "dimensions": self.dimensions, "points": len(self.points),
                "rows": len(self.rows),
                "polygon": self.polygon[:2000] if self.polygon else "", "requests": self.requests}


def describe_collection(location, authcfg="", feedback=None):
    """The service's collection metadata: parameters, the data's bbox and its other axes."""
    try:
        return metadata.edr_collection(location, authcfg, feedback)  # read once per session
    except FluxError as exc:
        from .layers import cannot_describe

        raise cannot_describe(exc, "EDR", "DAP2 or tiles") from None


def describe_parameters(location, authcfg="", feedback=None):
    """The service's parameters (names, units, time interval) from its collection metadata."""
    return describe_collection(location, authcfg, feedback).parameters


def _check_parameters(parameters, collection):
    """Requested names checked against the metadata; [] -> all of them."""
    names = [p.name for p in collection.parameters]
    if not parameters:
        if not names:
            raise FluxError("The EDR service lists no parameters for this group.")
        return names
    missing = [p for p in parameters if p not in names]
    if missing:
        raise FluxInputError(f"The parameter {missing[0]!r} is not served here; available: "
                             f"{', '.join(names) or 'none'}.")
    return parameters


def _get_answer(url, what, authcfg, feedback):
    response = network.get(url, what, authcfg, feedback)
    return response.body


@dataclass
class _Query:
    parameters: list
    when: str
    units: dict
    requests: int
    extra: list  # dimension query parameters
    convention: str = None  # the data's longitude convention, when known
    selected: dict = field(default_factory=dict)
    collection: object = None


def _query_basics(location, parameters, time_range, authcfg, feedback, check_parameters, dimensions=None,
                  collection=None):
    """Validated parameters, datetime and dimensions; units, the data's longitudes, requests made.

    ``collection``: metadata already read for this service (no request then)."""
    parameters = core_edr.validate_parameters(parameters)
    when = core_edr.datetime_param(time_range)
    requested = parse_dimensions_text(dimensions) if dimensions else {}
    if not check_parameters and collection is None:
        dims = [Dimension(name=k, values=[v], kind=VERTICAL if k.lower() in VERTICAL_ALIASES else "other")
                for k, v in requested.items()]
        return _Query(parameters, when, {}, 0, core_edr.dimension_params(dims, requested), None, requested)
    requests = 0
    if collection is None:
        collection, requests = describe_collection(location, authcfg, feedback), 1
    parameters = _check_parameters(parameters, collection)
    selected, dims = {}, []
    if requested:
        by_name = {p.name: p for p in collection.parameters}
        for name in parameters:
            for dim in by_name[name].dims or collection.dims:
                if all(d.name != dim.name for d in dims):
                    dims.append(dim)
        wanted = {find_dimension(dims, key).name if find_dimension(dims, key) else key for key in requested}
        selected = {k: v for k, v in resolve_dimensions(dims, requested).items() if k in wanted}
        for key in selected:
            lacking = [n for n in parameters if by_name[n].dims and find_dimension(by_name[n].dims, key) is None]
            if lacking:
                raise FluxInputError(f"The dimension {key!r} does not apply to {', '.join(lacking)}: query the "
                                     "parameters with and without it separately.")
    return _Query(parameters, when, {p.name: p.units for p in collection.parameters}, requests,
                  core_edr.dimension_params(dims, selected), collection.lon_convention, selected, collection)


def area_urls(location, polygons_wkt, parameter, time_range=None, authcfg="", feedback=None, dimensions=None):
    """(EDR area URLs of one ``parameter``, one per polygon WKT, the polygons sent as given: already
    in the data's own longitudes; the query's checked basics). The metadata is read once (cached)."""
    query = _query_basics(location, [parameter], time_range, authcfg, feedback, True, dimensions)
    urls = [core_edr.area_url(location, core_edr.normalize_polygon_wkt(wkt), query.parameters, query.when,
                              extra=query.extra) for wkt in polygons_wkt]
    return urls, query


def fetch_position(location, points, parameters=None, time_range=None, authcfg="", feedback=None,
                   check_parameters=True, max_url=core_edr.MAX_URL_BYTES, dimensions=None, collection=None):
    """Values at ``points`` ((lon, lat) in EPSG:4326), batched into MULTIPOINT requests.

    ``dimensions``: {name: value} of axes other than time (``{"step": "3 hours", "level": "850"}``);
    axes not given come back whole (one row per value). Longitudes are sent in the data's own
    convention (0..360 or -180..180), so the answer is the cell under the point.
    """
    points = core_edr.validate_points(points)
    query = _query_basics(location, parameters, time_range, authcfg, feedback, check_parameters, dimensions,
                          collection)
    parameters, when, units, requests = query.parameters, query.when, query.units, query.requests
    sent = core_edr.points_in_convention(points, query.convention)
    plan = core_edr.batches(location, sent, parameters, when, max_url=max_url, extra=query.extra)
    # each answer is parsed as it arrives, while the other batches are still on the way
    parsed = _fetch_all([url for _first, url in plan], "the EDR position values", authcfg, feedback,
                        handle=lambda index, response: core_edr.parse_covjson(response.body, offset=plan[index][0]))
    requests += len(parsed)
    rows = [row for batch in parsed for row in batch]
    _rows_to_display(rows, query.collection)
    return EdrResult(location=location, kind="position", parameters=core_edr.parameters_of(rows, parameters),
                     rows=rows, points=points, datetime=when, requests=requests, units=units,
                     dimensions=query.selected, collection=query.collection)


def _rows_to_display(rows, collection=None):
    """Grid longitudes in -180..180, as QGIS shows EPSG:4326 (0..360 data answers 330 for -30), and
    lead times as the text the dimension lists (xpublish-edr answers seconds: 10800.0 -> 3 hours)."""
    leads = {d.name for d in (collection.dims if collection is not None else []) if d.kind == LEAD_TIME}
    for row in rows:
        row.lon = to_display(row.lon)
        for name in leads & set(row.extra):
            try:
                row.extra[name] = format_timedelta(round(float(row.extra[name]) * 1_000_000))
            except ValueError:
                pass


CONCURRENT_BATCHES = 4  # make bench: sequential batches were 1.6-2.6x the concurrent limit


def _fetch_all(urls, what, authcfg, feedback, handle=None):
    """GET each URL, up to CONCURRENT_BATCHES at a time; answers in the order of ``urls``.

    network.get_many: asynchronous requests on the calling thread's own network manager in a
    local event loop, so the batches overlap on the UI thread (processing.run from the console,
    the API from a script) as in a task (the dock, the toolbox). Cancel stops the batches not yet
    sent and aborts those in flight; the first failure is raised. ``handle(index, response)``
    turns each answer into what is returned for it (default: its body).
    """
    if handle is None:
        def handle(_index, response):
            return response.body
    return network.get_many(urls, what, authcfg, feedback, CONCURRENT_BATCHES, handle)


def fetch_area(location, polygon_wkt, parameters=None, time_range=None, authcfg="", feedback=None,
               check_parameters=True, dimensions=None, collection=None):
    """Values at the grid points inside a POLYGON/MULTIPOLYGON (WKT, EPSG:4326)."""
    polygon = core_edr.normalize_polygon_wkt(polygon_wkt)
    core_edr.area_url(location, polygon, core_edr.validate_parameters(parameters),
                      core_edr.datetime_param(time_range))  # refuse a too long polygon before any request
    query = _query_basics(location, parameters, time_range, authcfg, feedback, check_parameters, dimensions,
                          collection)
    parameters, when, units, requests = query.parameters, query.when, query.units, query.requests
    sent = core_edr.polygon_in_convention(polygon, query.convention)
    url = core_edr.area_url(location, sent, parameters, when, extra=query.extra)
    body = _get_answer(url, "the EDR area values", authcfg, feedback)
    requests += 1
    rows = core_edr.parse_covjson(body)
    _rows_to_display(rows, query.collection)
    if feedback is not None:
        feedback.setProgress(100.0)
    return EdrResult(location=location, kind="area", parameters=core_edr.parameters_of(rows, parameters),
                     rows=rows, polygon=polygon, datetime=when, requests=requests, units=units,
                     dimensions=query.selected, collection=query.collection)


# -- fields and features (main thread or a Processing algorithm) --------------------------------


def qdatetime(iso):
    """'YYYY-MM-DDTHH:MM:SSZ' -> QDateTime in UTC (None -> null QDateTime)."""
    if not iso:
        return QDateTime()
    date, time = iso.rstrip("Z").split("T")
    y, m, d = (int(v) for v in date.split("-"))
    hh, mm, ss = (int(float(v)) for v in time.split(":"))
    return QDateTime(QDate(y, m, d), QTime(hh, mm, ss), Qt.TimeSpec.UTC)


def _qdatetimes(rows):
    """{iso text: QDateTime} of the rows' times: converted once each, not once a row (make bench)."""
    return {iso: qdatetime(iso) for iso in {row.time for row in rows}}


def value_field_names(parameters, taken=()):
    """Field name for each parameter, renamed when it clashes with a fixed or input field."""
    taken = {t.lower() for t in taken} | {f.lower() for f in FIXED_FIELDS}
    out = {}
    for name in parameters:
        candidate = name
        while candidate.lower() in taken:
            candidate = f"{candidate}_value"
        taken.add(candidate.lower())
        out[name] = candidate
    return out


def result_fields(result, prefix_fields=None, with_z=None):
    """QgsFields: [input fields] + location, grid_lon, grid_lat, time, [z], one Double per parameter."""
    fields = QgsFields()
    for f in prefix_fields or []:
        fields.append(f)
    taken = [f.name() for f in (prefix_fields or [])]
    fixed = [("location", INT), ("grid_lon", DOUBLE), ("grid_lat", DOUBLE), (TIME_FIELD, DATETIME)]
    if with_z is None:
        with_z = any(r.z is not None for r in result.rows)
    if with_z:
        fixed.append(("z", DOUBLE))
    for axis in extra_axes(result):
        fixed.append((axis, STRING))  # step, member...: which slice each row is
    renamed = {}
    for name, kind in fixed:
        final = name
        while final.lower() in {t.lower() for t in taken}:
            final = f"flux_{final}"
        renamed[name] = final
        taken.append(final)
        fields.append(QgsField(final, kind))
    names = value_field_names(result.parameters, taken)
    for name in result.parameters:
        fields.append(QgsField(names[name], DOUBLE))
    return fields, renamed, names


def extra_axes(result):
    """Axes of the answer besides location, time and z (a forecast's step, a member), in order."""
    axes = []
    for row in result.rows:
        for axis in row.extra:
            if axis not in axes:
                axes.append(axis)
    return axes


def row_attributes(row, renamed, names, parameters, with_z, times=None):
    """{field name: value} of a row; ``times``: _qdatetimes of the rows, when converted already."""
    when = times[row.time] if times is not None else qdatetime(row.time)
    attrs = {renamed["location"]: row.index, renamed["grid_lon"]: row.lon, renamed["grid_lat"]: row.lat,
             renamed[TIME_FIELD]: when}
    for axis, value in row.extra.items():
        if axis in renamed:
            attrs[renamed[axis]] = value
    if with_z:
        attrs[renamed["z"]] = row.z
    for name in parameters:
        attrs[names[name]] = row.values.get(name)
    return attrs


def _features(result, fields, renamed, names, with_z):
    out = []
    times = _qdatetimes(result.rows)
    order = [fields.at(i).name() for i in range(fields.count())]
    for row in result.rows:
        feature = QgsFeature(fields)
        if result.kind == "position":
            lon, lat = result.points[row.index]
        else:
            lon, lat = row.lon, row.lat
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(lon, lat)))
        attrs = row_attributes(row, renamed, names, result.parameters, with_z, times)
        feature.setAttributes([attrs.get(name) for name in order])
        out.append(feature)
    return out


def set_temporal(layer, time_field=TIME_FIELD):
    """Let the Temporal Controller animate the layer: one instant per feature, from its time field."""
    props = layer.temporalProperties()
    if layer.fields().indexOf(time_field) < 0:
        return
    props.setMode(QgsVectorLayerTemporalProperties.ModeFeatureDateTimeInstantFromField)
    props.setStartField(time_field)
    props.setIsActive(True)


def build_layer(result, name=None, output=None):
    """Vector layer of an EdrResult: memory layer, or a GeoPackage at ``output``. Main thread."""
    with_z = any(r.z is not None for r in result.rows)
    fields, renamed, names = result_fields(result, with_z=with_z)
    if not result.rows:
        raise FluxError("The EDR answer holds no values: no grid point falls in the polygon or time range. "
                        "Widen the area or the time range.")
    name = name or _default_name(result)
    layer = QgsVectorLayer("Point?crs=EPSG:4326", name, "memory")
    provider = layer.dataProvider()
    provider.addAttributes(fields.toList())
    layer.updateFields()
    provider.addFeatures(_features(result, layer.fields(), renamed, names, with_z))
    layer.updateExtents()
    if output:
        layer = _write_geopackage(layer, str(output), name)
    set_temporal(layer, renamed[TIME_FIELD])
    layer.setCustomProperty(QUERY_PROPERTY, json.dumps(result.description()))
    for param, field_name in names.items():
        units = result.units.get(param)
        if units:
            idx = layer.fields().indexOf(field_name)
            if idx >= 0:
                layer.setFieldAlias(idx, f"{param} [{units}]")
    return layer


def _default_name(result):
    what = ", ".join(result.parameters[:3]) + ("..." if len(result.parameters) > 3 else "")
    return f"{result.location.display_name()} EDR {result.kind}: {what}"


def _write_geopackage(layer, path, name):
    if not path.lower().endswith(".gpkg"):
        raise FluxInputError(f"The output {path[-60:]!r} must be a GeoPackage file (.gpkg).")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "edr"
    options.fileEncoding = "UTF-8"
    result = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, QgsCoordinateTransformContext(), options)
    code, message = result[0], result[1]
    if code != QgsVectorFileWriter.NoError:
        raise FluxError(f"Could not write the GeoPackage {path[-80:]}: {message}")
    out = QgsVectorLayer(f"{path}|layername=edr", name, "ogr")
    if not out.isValid():
        raise FluxError(f"Could not open the GeoPackage just written at {path[-80:]}.")
    return out

