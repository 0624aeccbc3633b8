"""earthmover_flux:edr_area - EDR values at the grid points inside polygons (a layer or an extent)."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..core.errors import FluxCancelled, FluxError
from ..core.lazy import lazy_module
from .edr_sample_points import input_fields, location_parameters, read_dimensions, read_location, set_temporal_outputs

flux_edr = lazy_module("flux_qgis.edr")  # imported when the algorithm runs

WGS84 = "EPSG:4326"


class EdrAreaAlgorithm(QgsProcessingAlgorithm):
    INPUT, EXTENT, OUTPUT = "INPUT", "EXTENT", "OUTPUT"

    def tr(self, text):
        return QCoreApplication.translate("EdrAreaAlgorithm", text)

    def createInstance(self):  # noqa: N802
        return EdrAreaAlgorithm()

    def name(self):
        return "edr_area"

    def displayName(self):  # noqa: N802
        return self.tr("Flux EDR values in an area")

    def shortHelpString(self):  # noqa: N802
        return self.tr(
            "Asks an Earthmover Flux EDR service for the values at the grid points inside each polygon of the "
            "input layer (one request per polygon; the polygon's attributes are kept) or inside an extent. The "
            "output has one point feature (EPSG:4326, on the grid point) per grid point and time step, with "
            "grid_lon, grid_lat, a time field (UTC) and one number field per parameter. Very detailed polygons "
            "must be simplified first (a request URL holds at most 8000 bytes).")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Polygons"),
                                                              [QgsProcessing.TypeVectorPolygon], optional=True))
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, self.tr("Or an extent"), optional=True))
        location_parameters(self)
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("EDR values"),
                                                            QgsProcessing.TypeVectorPoint))

    def _polygons(self, parameters, context):
        """[(attributes, fields, polygon WKT in EPSG:4326)]"""
        wgs84 = QgsCoordinateReferenceSystem(WGS84)
        source = self.parameterAsSource(parameters, self.INPUT, context) if parameters.get(self.INPUT) else None
        if source is not None:
            transform = QgsCoordinateTransform(source.sourceCrs(), wgs84, context.transformContext())
            out = []
            for feature in source.getFeatures():
                geometry = QgsGeometry(feature.geometry())
                if geometry.isEmpty():
                    continue
                try:
                    geometry.transform(transform)
                except Exception:  # noqa: BLE001 - QgsCsException
                    raise QgsProcessingException(self.tr("Polygon {fid} cannot be transformed to EPSG:4326.")
                                                 .format(fid=feature.id())) from None
                out.append((feature.attributes(), geometry.asWkt(6)))
            if not out:
                raise QgsProcessingException(self.tr("The polygon layer has no polygons."))
            return source.fields(), out
        if parameters.get(self.EXTENT) in (None, ""):
            raise QgsProcessingException(self.tr("Give a polygon layer or an extent."))
        rect = self.parameterAsExtent(parameters, self.EXTENT, context, wgs84)
        if rect.isNull() or rect.isEmpty():
            raise QgsProcessingException(self.tr("The extent is empty."))
        return QgsFields(), [([], QgsGeometry.fromRect(rect).asWkt(6))]

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        loc, names, time_range, authcfg = read_location(self, parameters, context)
        in_fields, polygons = self._polygons(parameters, context)
        results, dimensions, collection = [], read_dimensions(self, parameters, context), None
        for number, (attributes, wkt) in enumerate(polygons):
            if feedback.isCanceled():
                raise QgsProcessingException(self.tr("Cancelled."))
            try:
                # the metadata is read once; its longitudes and axes serve every polygon
                result = flux_edr.fetch_area(loc, wkt, names, time_range, authcfg, None, dimensions=dimensions,
                                             collection=collection)
            except FluxCancelled:
                raise QgsProcessingException(self.tr("Cancelled.")) from None
            except FluxError as exc:
                raise QgsProcessingException(str(exc)) from None
            if number == 0:
                names, collection = result.parameters, result.collection  # checked against the service once
            results.append((attributes, result))
            feedback.setProgress(100.0 * (number + 1) / len(polygons))
        fields, renamed, value_names = flux_edr.result_fields(results[0][1], prefix_fields=input_fields(in_fields),
                                                              with_z=any(r.z is not None for _, res in results
                                                                         for r in res.rows))
        with_z = "z" in renamed
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, fields, QgsWkbTypes.Point,
                                             QgsCoordinateReferenceSystem(WGS84))
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        count = 0
        for attributes, result in results:
            for row in result.rows:
                out = QgsFeature(fields)
                out.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(row.lon, row.lat)))
                extra = flux_edr.row_attributes(row, renamed, value_names, names, with_z)
                values = list(attributes)
                values += [extra[fields.at(i).name()] for i in range(len(values), fields.count())]
                out.setAttributes(values)
                sink.addFeature(out, QgsFeatureSink.FastInsert)
                count += 1
        if count == 0:
            feedback.reportError(self.tr("No grid point lies inside the polygons: the output is empty."))
        feedback.pushInfo(self.tr("{n} rows").format(n=count))
        return {self.OUTPUT: dest_id}

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802
        set_temporal_outputs(context)
        return {}
