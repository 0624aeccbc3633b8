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
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsVectorLayerTemporalProperties,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime, QVariant

from ..core import edr as core_edr
from ..core.errors import FluxCancelled, FluxError, FluxInputError
from . import network

QUERY_PROPERTY = "earthmover_flux/edr"
TIME_FIELD = "time"
FIXED_FIELDS = ("location", "grid_lon", "grid_lat", TIME_FIELD)


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

    def description(self):
        """Secret-free description of the query (kept as a layer custom property)."""
        return {"location": self.location.as_dict(), "kind": self.kind, "parameters": self.parameters,
                "datetime": self.datetime, "points": len(self.points), "rows": len(self.rows),
                "polygon": self.polygon[:2000] if self.polygon else "", "requests": self.requests}


def describe_parameters(location, authcfg="", feedback=None):
    """The service's parameters (names, units, time interval) from its collection metadata."""
    response = network.get(core_edr.metadata_url(location), "the EDR collection metadata", authcfg, feedback)
    return core_edr.parse_metadata(response.body)


def _check_parameters(location, parameters, authcfg, feedback):
    """Requested names checked against the metadata (one request); [] -> all of them."""
    known = describe_parameters(location, authcfg, feedback)
    names = [p.name for p in known]
    if not parameters:
        if not names:
            raise FluxError("The EDR service lists no parameters for this group.")
        return names, known
    missing = [p for p in parameters if p not in names]
    if missing:
        raise FluxInputError(f"The parameter {missing[0]!r} is not served here; available: "
                             f"{', '.join(names) or 'none'}.")
    return parameters, known


def _get_answer(url, what, authcfg, feedback):
    response = network.get(url, what, authcfg, feedback)
    return response.body


def _query_basics(location, parameters, time_range, authcfg, feedback, check_parameters):
    """Validated parameters and datetime, units, and the requests made (the metadata check)."""
    parameters = core_edr.validate_parameters(parameters)
    when = core_edr.datetime_param(time_range)
    if not check_parameters:
        return parameters, when, {}, 0
    parameters, known = _check_parameters(location, parameters, authcfg, feedback)
    return parameters, when, {p.name: p.units for p in known}, 1


def fetch_position(location, points, parameters=None, time_range=None, authcfg="", feedback=None,
                   check_parameters=True, max_url=core_edr.MAX_URL_BYTES):
    """Values at ``points`` ((lon, lat) in EPSG:4326), batched into MULTIPOINT requests."""
    points = core_edr.validate_points(points)
    parameters, when, units, requests = _query_basics(location, parameters, time_range, authcfg, feedback,
                                                      check_parameters)
    plan = core_edr.batches(location, points, parameters, when, max_url=max_url)
    bodies = _fetch_all([url for _first, url in plan], "the EDR position values", authcfg, feedback)
    requests += len(bodies)
    rows = []
    for (first, _url), body in zip(plan, bodies):
        rows += core_edr.parse_covjson(body, offset=first)
    return EdrResult(location=location, kind="position", parameters=core_edr.parameters_of(rows, parameters),
                     rows=rows, points=points, datetime=when, requests=requests, units=units)


CONCURRENT_BATCHES = 3  # make bench: sequential batches were 1.6-2.6x the concurrent limit


def _fetch_all(urls, what, authcfg, feedback):
    """GET each URL, up to CONCURRENT_BATCHES at a time; answers in the order of ``urls``.

    The requests run on a private QThreadPool (Qt threads: QGIS gives each its own
    QgsNetworkAccessManager, with the user's proxy, SSL, auth and timeout settings). Cancel
    stops the batches not yet sent and aborts those in flight; the first failure is raised.
    """
    from qgis.PyQt.QtCore import QCoreApplication, QRunnable, QThread, QThreadPool

    # on the UI thread, one after another: worker threads' network managers may wait for the UI
    # thread, which would be blocked here (a hang seen on QGIS 3.40); tasks and algorithms run off it
    on_ui_thread = QThread.currentThread() == QCoreApplication.instance().thread()
    if len(urls) <= 1 or on_ui_thread:
        bodies = []
        for url in urls:
            if feedback is not None and feedback.isCanceled():
                raise FluxCancelled()
            bodies.append(_get_answer(url, what, authcfg, feedback))
            if feedback is not None:
                feedback.setProgress(100.0 * len(bodies) / len(urls))
        return bodies
    bodies, errors, done = [None] * len(urls), [], [0]

    class Batch(QRunnable):
        def __init__(self, index):
            super().__init__()
            self.index = index

        def run(self):
            try:
                if errors or (feedback is not None and feedback.isCanceled()):
                    return
                bodies[self.index] = _get_answer(urls[self.index], what, authcfg, feedback)
                done[0] += 1
            except BaseException as exc:  # noqa: BLE001 - handed to the caller below
                errors.append(exc)

    pool = QThreadPool()
    pool.setMaxThreadCount(min(CONCURRENT_BATCHES, len(urls)))
    runnables = [Batch(i) for i in range(len(urls))]  # keep references while the pool runs them
    for runnable in runnables:
        runnable.setAutoDelete(False)
        pool.start(runnable)
    reported = 0
    while not pool.waitForDone(20):  # progress from this thread, where the caller listens
        if feedback is not None and done[0] != reported:
            reported = done[0]
            feedback.setProgress(100.0 * reported / len(urls))
    if feedback is not None and not errors and not feedback.isCanceled():
        feedback.setProgress(100.0)
    if errors:
        raise errors[0]
    if feedback is not None and feedback.isCanceled():
        raise FluxCancelled()
    return bodies


def fetch_area(location, polygon_wkt, parameters=None, time_range=None, authcfg="", feedback=None,
               check_parameters=True):
    """Values at the grid points inside a POLYGON/MULTIPOLYGON (WKT, EPSG:4326)."""
    polygon = core_edr.normalize_polygon_wkt(polygon_wkt)
    core_edr.area_url(location, polygon, core_edr.validate_parameters(parameters),
                      core_edr.datetime_param(time_range))  # refuse a too long polygon before any request
    parameters, when, units, requests = _query_basics(location, parameters, time_range, authcfg, feedback,
                                                      check_parameters)
    url = core_edr.area_url(location, polygon, parameters, when)
    body = _get_answer(url, "the EDR area values", authcfg, feedback)
    requests += 1
    rows = core_edr.parse_covjson(body)
    if feedback is not None:
        feedback.setProgress(100.0)
    return EdrResult(location=location, kind="area", parameters=core_edr.parameters_of(rows, parameters),
                     rows=rows, polygon=polygon, datetime=when, requests=requests, units=units)


# -- fields and features (main thread or a Processing algorithm) --------------------------------


def qdatetime(iso):
    """'YYYY-MM-DDTHH:MM:SSZ' -> QDateTime in UTC (None -> null QDateTime)."""
    if not iso:
        return QDateTime()
    date, time = iso.rstrip("Z").split("T")
    y, m, d = (int(v) for v in date.split("-"))
    hh, mm, ss = (int(float(v)) for v in time.split(":"))
    return QDateTime(QDate(y, m, d), QTime(hh, mm, ss), _utc())


def _utc():
    from qgis.PyQt.QtCore import Qt

    return Qt.UTC


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
    fixed = [("location", QVariant.Int), ("grid_lon", QVariant.Double), ("grid_lat", QVariant.Double),
             (TIME_FIELD, QVariant.DateTime)]
    if with_z is None:
        with_z = any(r.z is not None for r in result.rows)
    if with_z:
        fixed.append(("z", QVariant.Double))
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
        fields.append(QgsField(names[name], QVariant.Double))
    return fields, renamed, names


def row_attributes(row, renamed, names, parameters, with_z):
    attrs = {renamed["location"]: row.index, renamed["grid_lon"]: row.lon, renamed["grid_lat"]: row.lat,
             renamed[TIME_FIELD]: qdatetime(row.time)}
    if with_z:
        attrs[renamed["z"]] = row.z
    for name in parameters:
        attrs[names[name]] = row.values.get(name)
    return attrs


def _features(result, fields, renamed, names, with_z):
    out = []
    for row in result.rows:
        feature = QgsFeature(fields)
        if result.kind == "position":
            lon, lat = result.points[row.index]
        else:
            lon, lat = row.lon, row.lat
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(lon, lat)))
        for key, value in row_attributes(row, renamed, names, result.parameters, with_z).items():
            feature.setAttribute(key, value)
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


def point_crs():
    return QgsCoordinateReferenceSystem("EPSG:4326")


def is_point_type(wkb_type):
    return QgsWkbTypes.geometryType(wkb_type) == QgsWkbTypes.PointGeometry
