"""earthmover_flux:zonal_statistics - a Flux variable summarised per polygon and time step."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..core.edr import datetime_param
from ..core.errors import FluxCancelled, FluxError
from ..core.lazy import lazy_module
from ..core.zonal import DEFAULT_STATISTICS, STATISTICS
from .edr_sample_points import dimensions_parameter, read_dimensions, set_temporal_outputs

api = lazy_module("api")  # imported when the algorithm runs, not at QGIS start-up

SHAPES = ("polygons", "table")


class ZonalStatisticsAlgorithm(QgsProcessingAlgorithm):
    INPUT, STATS, WIDE, SHAPE, OUTPUT = "INPUT", "STATISTICS", "WIDE", "SHAPE", "OUTPUT"

    def tr(self, text):
        return QCoreApplication.translate("ZonalStatisticsAlgorithm", text)

    def createInstance(self):  # noqa: N802
        return ZonalStatisticsAlgorithm()

    def name(self):
        return "zonal_statistics"

    def displayName(self):  # noqa: N802
        return self.tr("Flux zonal statistics over time")

    def shortHelpString(self):  # noqa: N802
        return self.tr(
            "Summarises an Earthmover Flux variable per polygon and per time step, from the dataset's EDR service "
            "(one area query per polygon, in the data's own longitudes; polygons across the data's edge are split). "
            "Cells whose centre lies inside the polygon count; a polygon with no cell centre inside takes the cell "
            "under its centroid (centroid_cell = 1). area_mean weights cells by cos(latitude); std is the "
            "population standard deviation. The output repeats each polygon (or a table row) per time step with "
            "its attributes, the time, the chosen axes (lead time, level, member) and one field per statistic; "
            "wide: one row per polygon, a column per statistic and time step. Invalid polygons are left out and "
            "listed in the log.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Polygons"),
                                                              [QgsProcessing.TypeVectorPolygon]))
        for key, label, default, optional in (
                ("ORG", self.tr("Organization"), None, False), ("REPO", self.tr("Repository"), None, False),
                ("REF", self.tr("Ref (branch, tag or commit)"), "main", False),
                ("GROUP", self.tr("Group path (empty: root)"), "", True),
                ("VARIABLE", self.tr("Variable"), None, False),
                ("SERVICE", self.tr("Service (deployment) name (empty: edr)"), "", True),
                ("TIME_START", self.tr("Start time, ISO 8601 (empty: first)"), "", True),
                ("TIME_END", self.tr("End time, ISO 8601 (empty: last)"), "", True)):
            self.addParameter(QgsProcessingParameterString(key, label, default, optional=optional))
        self.addParameter(dimensions_parameter())
        self.addParameter(QgsProcessingParameterAuthConfig("AUTHCFG", self.tr("Credentials (Basic: org + API key; "
                                                                              "empty: the org's saved ones)"),
                                                           optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.STATS, self.tr("Statistics"), list(STATISTICS), allowMultiple=True,
            defaultValue=[STATISTICS.index(s) for s in DEFAULT_STATISTICS]))
        self.addParameter(QgsProcessingParameterEnum(self.SHAPE, self.tr("Output"), [self.tr("polygons, per time "
                                                                                            "step"), self.tr("table")],
                                                     defaultValue=0))
        self.addParameter(QgsProcessingParameterBoolean(self.WIDE, self.tr("Wide: one column per time step"), False))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Zonal statistics"),
                                                            QgsProcessing.TypeVectorAnyGeometry))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        def text(key):
            return (self.parameterAsString(parameters, key, context) or "").strip()

        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        stats = [STATISTICS[i] for i in self.parameterAsEnums(parameters, self.STATS, context)] or DEFAULT_STATISTICS
        wide = self.parameterAsBool(parameters, self.WIDE, context)
        with_geometry = SHAPES[self.parameterAsEnum(parameters, self.SHAPE, context)] == "polygons"
        try:
            time_range = (text("TIME_START"), text("TIME_END"))
            datetime_param(time_range)
            zones, invalid, fields, crs = api.zones_of(source, transform_context=context.transformContext())
            for fid, why in invalid:
                feedback.reportError(self.tr("Left out: feature {fid} ({why}).").format(fid=fid, why=why))
            if not zones:
                raise QgsProcessingException(self.tr("The polygon layer has no valid polygons to summarise."))
            result = api.prepare_zonal_statistics(
                text("ORG"), text("REPO"), text("REF") or "main", text("GROUP"), text("VARIABLE"), zones,
                stats=stats, time_range=time_range, dimensions=read_dimensions(self, parameters, context),
                service=text("SERVICE") or None, authcfg=text("AUTHCFG") or None, feedback=feedback)
            layer = api.zonal_layer(result, fields, crs, wide=wide, with_geometry=with_geometry)
        except FluxCancelled:
            raise QgsProcessingException(self.tr("Cancelled.")) from None
        except FluxError as exc:
            raise QgsProcessingException(str(exc)) from None
        wkb = QgsWkbTypes.Type.MultiPolygon if with_geometry else QgsWkbTypes.Type.NoGeometry
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, layer.fields(), wkb,
                                             crs if with_geometry else QgsCoordinateReferenceSystem())
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        for feature in layer.getFeatures():  # nothing is written before every statistic is in
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
        feedback.pushInfo(self.tr("{zones} polygons, {rows} rows, {requests} requests.").format(
            zones=len(result.zones), rows=layer.featureCount(), requests=result.requests))
        return {self.OUTPUT: dest_id}

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802
        set_temporal_outputs(context)
        return {}
