"""earthmover_flux:edr_sample_points - EDR values at the points of a layer, one row per point and time step."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterString,
    QgsProcessingUtils,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..core.errors import FluxCancelled, FluxError
from ..core.lazy import lazy_module

api = lazy_module("api")  # imported when the algorithm runs, not at QGIS start-up
core_edr = lazy_module("core.edr")
flux_edr = lazy_module("flux_qgis.edr")


def location_parameters(algorithm):
    """The location fields shared by the EDR algorithms (organization ... service, credentials)."""
    def tr(text):  # the context pylupdate5 gives bare tr() calls, whichever algorithm calls this
        return QCoreApplication.translate("@default", text)

    algorithm.addParameter(QgsProcessingParameterString("ORG", tr("Organization")))
    algorithm.addParameter(QgsProcessingParameterString("REPO", tr("Repository")))
    algorithm.addParameter(QgsProcessingParameterString("REF", tr("Ref (branch, tag or commit)"), "main"))
    algorithm.addParameter(QgsProcessingParameterString("GROUP", tr("Group path (empty: root)"), "", optional=True))
    algorithm.addParameter(QgsProcessingParameterString("SERVICE", tr("Service (deployment) name (empty: edr)"), "",
                                                        optional=True))
    algorithm.addParameter(QgsProcessingParameterString("PARAMETERS", tr("Parameter names, comma-separated "
                                                                         "(empty: all)"), "", optional=True))
    algorithm.addParameter(QgsProcessingParameterString("TIME_START", tr("Start time, ISO 8601 (empty: first)"),
                                                        "", optional=True))
    algorithm.addParameter(QgsProcessingParameterString("TIME_END", tr("End time, ISO 8601 (empty: last)"), "",
                                                        optional=True))
    algorithm.addParameter(dimensions_parameter())
    algorithm.addParameter(QgsProcessingParameterAuthConfig("AUTHCFG", tr("Credentials (Basic: org + API key; "
                                                                         "empty: the org's saved ones)"),
                                                            optional=True))


def dimensions_parameter():
    """DIMENSIONS: other axes than time as name=value;name=value (``step=3 hours;level=850``)."""
    def tr(text):  # the context pylupdate5 gives bare tr() calls, whichever algorithm calls this
        return QCoreApplication.translate("@default", text)

    return QgsProcessingParameterString("DIMENSIONS", tr("Other dimensions, name=value separated by ';' (for example "
                                                         "step=3 hours;level=850; empty: every value)"), "",
                                        optional=True)


def read_dimensions(algorithm, parameters, context):
    """{name: value} from DIMENSIONS, or QgsProcessingException with the sentence."""
    from ..core.dimensions import parse_dimensions_text

    try:
        return parse_dimensions_text(algorithm.parameterAsString(parameters, "DIMENSIONS", context) or "")
    except FluxError as exc:
        raise QgsProcessingException(str(exc)) from None


def read_location(algorithm, parameters, context):
    """(FluxLocation, parameter names, time_range, authcfg) from the shared fields; QgsProcessingException if bad."""
    def text(key):
        return (algorithm.parameterAsString(parameters, key, context) or "").strip()

    try:
        loc = api.location(text("ORG"), text("REPO"), text("REF") or "main", text("GROUP"), "edr",
                           text("SERVICE") or None)
        names = core_edr.validate_parameters(text("PARAMETERS"))
        time_range = (text("TIME_START"), text("TIME_END"))
        core_edr.datetime_param(time_range)
    except FluxError as exc:
        raise QgsProcessingException(str(exc)) from None
    authcfg = api.resolve_authcfg(loc.org, text("AUTHCFG") or None)
    return loc, names, time_range, authcfg


def input_fields(fields):
    """The input's fields for the output; a GeoPackage 'fid' is renamed: each input feature gives several
    output rows, and a repeated fid would overwrite rows in a GeoPackage output."""
    out = []
    for f in fields.toList():
        f = QgsField(f)
        if f.name().lower() == "fid":
            f.setName("input_fid")
        out.append(f)
    return out


def transform_to_wgs84(source, context):
    return QgsCoordinateTransform(source.sourceCrs(), QgsCoordinateReferenceSystem("EPSG:4326"),
                                  context.transformContext())


class EdrSamplePointsAlgorithm(QgsProcessingAlgorithm):
    INPUT, OUTPUT = "INPUT", "OUTPUT"

    def tr(self, text):
        return QCoreApplication.translate("EdrSamplePointsAlgorithm", text)

    def createInstance(self):  # noqa: N802
        return EdrSamplePointsAlgorithm()

    def name(self):
        return "edr_sample_points"

    def displayName(self):  # noqa: N802
        return self.tr("Sample Flux EDR values at points")

    def shortHelpString(self):  # noqa: N802
        return self.tr(
            "Asks an Earthmover Flux EDR service for the values of the chosen parameters at every point of the "
            "input layer (any CRS; multipoints are sampled at their first point), for each time step in the "
            "time range. Points are sent in MULTIPOINT batches (about 300 per request), not one request per "
            "point. The output has one feature per point and time step, with the input's attributes, the "
            "grid cell the server answered for (grid_lon, grid_lat), a time field (UTC) and one number field "
            "per parameter. Cancel stops between requests.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Points"),
                                                              [QgsProcessing.TypeVectorPoint]))
        location_parameters(self)
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("EDR values"),
                                                            QgsProcessing.TypeVectorPoint))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.tr("The input point layer could not be read."))
        loc, names, time_range, authcfg = read_location(self, parameters, context)
        transform = transform_to_wgs84(source, context)
        features, points = [], []
        for feature in source.getFeatures():
            geometry = feature.geometry()
            if geometry is None or geometry.isEmpty():
                continue
            point = (geometry.asMultiPoint()[0] if QgsWkbTypes.isMultiType(geometry.wkbType())
                     else geometry.asPoint())
            try:
                wgs = transform.transform(point)
            except Exception:  # noqa: BLE001 - QgsCsException: say which feature
                raise QgsProcessingException(self.tr("Feature {fid} cannot be transformed to EPSG:4326.")
                                             .format(fid=feature.id())) from None
            features.append(feature)
            points.append((wgs.x(), wgs.y()))
        if not points:
            raise QgsProcessingException(self.tr("The input layer has no points."))
        feedback.pushInfo(self.tr("{n} points, {b} requests").format(
            n=len(points), b=len(core_edr.batches(loc, core_edr.validate_points(points), names,
                                                  core_edr.datetime_param(time_range)))))
        try:
            result = flux_edr.fetch_position(loc, points, names, time_range, authcfg, feedback,
                                             dimensions=read_dimensions(self, parameters, context))
        except FluxCancelled:
            raise QgsProcessingException(self.tr("Cancelled.")) from None
        except FluxError as exc:
            raise QgsProcessingException(str(exc)) from None
        fields, renamed, value_names = flux_edr.result_fields(result, prefix_fields=input_fields(source.fields()),
                                                              with_z=None)
        with_z = any(r.z is not None for r in result.rows)
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, fields, source.wkbType(),
                                             source.sourceCrs())
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        times = flux_edr._qdatetimes(result.rows)
        added = [fields.at(i).name() for i in range(source.fields().count(), fields.count())]
        chunk = []
        for row in result.rows:
            origin = features[row.index]
            out = QgsFeature(fields)
            out.setGeometry(origin.geometry())
            extra = flux_edr.row_attributes(row, renamed, value_names, result.parameters, with_z, times)
            out.setAttributes(list(origin.attributes()) + [extra[name] for name in added])
            chunk.append(out)
            if len(chunk) >= 5000:
                sink.addFeatures(chunk, QgsFeatureSink.FastInsert)
                chunk = []
        sink.addFeatures(chunk, QgsFeatureSink.FastInsert)
        feedback.pushInfo(self.tr("{rows} rows from {req} requests").format(rows=len(result.rows),
                                                                            req=result.requests))
        return {self.OUTPUT: dest_id}

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802
        # the output's time field: let the Temporal Controller animate the loaded layer
        set_temporal_outputs(context)
        return {}


def set_temporal_outputs(context):
    for layer_id in list(context.layersToLoadOnCompletion()):
        layer = QgsProcessingUtils.mapLayerFromString(layer_id, context)
        if isinstance(layer, QgsVectorLayer):
            for name in ("flux_time", "time"):
                if layer.fields().indexOf(name) >= 0:
                    flux_edr.set_temporal(layer, name)
                    break
