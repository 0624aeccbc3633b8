"""earthmover_flux:dap2_subset - a DAP2 subset (area, time range, other dimensions) as a GeoTIFF."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterExtent,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..core.errors import FluxCancelled, FluxError
from ..core.lazy import lazy_module
from .edr_sample_points import dimensions_parameter, read_dimensions

api = lazy_module("api")  # imported when the algorithm runs, not at QGIS start-up


class Dap2SubsetAlgorithm(QgsProcessingAlgorithm):
    EXTENT, OUTPUT = "EXTENT", "OUTPUT"

    def tr(self, text):
        return QCoreApplication.translate("Dap2SubsetAlgorithm", text)

    def createInstance(self):  # noqa: N802
        return Dap2SubsetAlgorithm()

    def name(self):
        return "dap2_subset"

    def displayName(self):  # noqa: N802
        return self.tr("Flux DAP2 subset to GeoTIFF")

    def shortHelpString(self):  # noqa: N802
        return self.tr(
            "Fetches a variable of an Earthmover Flux DAP2 service within an extent and time range and writes "
            "it to a GeoTIFF (one band per time step, the band description is its time). Other dimensions (lead "
            "time, level, member) are taken at one value each: DIMENSIONS, else their first value. Requests go "
            "through QGIS's network stack with the credentials' Authorization header; the output holds no URL "
            "and no key.")

    def initAlgorithm(self, config=None):  # noqa: N802
        def text(key, label, default="", optional=False):
            self.addParameter(QgsProcessingParameterString(key, label, default, optional=optional))

        text("ORG", self.tr("Organization"))
        text("REPO", self.tr("Repository"))
        text("REF", self.tr("Ref (branch, tag or commit)"), "main")
        text("GROUP", self.tr("Group path (empty: root)"), optional=True)
        text("SERVICE", self.tr("Service (deployment) name (empty: dap2)"), optional=True)
        text("VARIABLE", self.tr("Variable"))
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, self.tr("Extent (empty: the whole dataset)"),
                                                       optional=True))
        text("TIME_START", self.tr("Start time, ISO 8601 (empty: first)"), optional=True)
        text("TIME_END", self.tr("End time, ISO 8601 (empty: last)"), optional=True)
        self.addParameter(dimensions_parameter())
        self.addParameter(QgsProcessingParameterAuthConfig("AUTHCFG", self.tr("Credentials (Basic: org + API key; "
                                                                              "empty: the org's saved ones)"),
                                                           optional=True))
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT, self.tr("GeoTIFF")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        def text(key):
            return (self.parameterAsString(parameters, key, context) or "").strip()

        bbox = None
        if parameters.get(self.EXTENT) not in (None, ""):
            rect = self.parameterAsExtent(parameters, self.EXTENT, context, QgsCoordinateReferenceSystem("EPSG:4326"))
            if not rect.isNull() and not rect.isEmpty():
                bbox = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
        start, end = text("TIME_START"), text("TIME_END")
        time_range = (start or None, end or None) if (start or end) else None
        dimensions = read_dimensions(self, parameters, context) or None
        output = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        if not output.lower().endswith((".tif", ".tiff")):
            raise QgsProcessingException(self.tr("The output must be a GeoTIFF file (.tif)."))
        try:
            loc = api.location(text("ORG"), text("REPO"), text("REF") or "main", text("GROUP"), "dap2",
                               text("SERVICE") or None)
            authcfg = api.resolve_authcfg(loc.org, text("AUTHCFG") or None)
            subset = api.prepare_dap2_subset(loc.org, loc.repo, loc.ref, loc.group, text("VARIABLE"), output=output,
                                             bbox=bbox, time_range=time_range, service=loc.service, authcfg=authcfg,
                                             feedback=feedback, dimensions=dimensions)
        except FluxCancelled:
            raise QgsProcessingException(self.tr("Cancelled.")) from None
        except FluxError as exc:
            raise QgsProcessingException(str(exc)) from None
        n = len(subset.times)
        feedback.pushInfo((self.tr("1 time step") if n == 1 else self.tr("{n} time steps")).format(n=n) +
                          f", {len(subset.lons)} x {len(subset.lats)}")
        return {self.OUTPUT: output}
