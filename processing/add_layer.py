"""earthmover_flux:add_layer - add a Flux WMS or tiles layer to the project."""

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputMapLayer,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterEnum,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QCoreApplication

from .. import api
from ..core.errors import FluxError
from ..core.styles import COLORMAPS
from ..flux_qgis import layers

MAP_PROTOCOLS = ("wms", "tiles")


class AddLayerAlgorithm(QgsProcessingAlgorithm):
    ORG, REPO, REF, GROUP, PROTOCOL = "ORG", "REPO", "REF", "GROUP", "PROTOCOL"
    SERVICE, VARIABLE, AUTHCFG, COLORMAP = "SERVICE", "VARIABLE", "AUTHCFG", "COLORMAP"
    MINIMUM, MAXIMUM, TIME, OUTPUT = "MINIMUM", "MAXIMUM", "TIME", "OUTPUT"

    def tr(self, text):
        return QCoreApplication.translate("AddLayerAlgorithm", text)

    def createInstance(self):  # noqa: N802
        return AddLayerAlgorithm()

    def name(self):
        return "add_layer"

    def displayName(self):  # noqa: N802
        return self.tr("Add Flux layer")

    def shortHelpString(self):  # noqa: N802
        return self.tr("Adds an Earthmover Flux WMS or tiles layer for one variable of an Arraylake "
                       "repository. The layer source references the authentication configuration by id: "
                       "the API key is never written into it.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterString(self.ORG, self.tr("Organization")))
        self.addParameter(QgsProcessingParameterString(self.REPO, self.tr("Repository")))
        self.addParameter(QgsProcessingParameterString(self.REF, self.tr("Ref (branch, tag or commit)"), "main"))
        self.addParameter(QgsProcessingParameterString(self.GROUP, self.tr("Group path (empty: root)"), "",
                                                       optional=True))
        self.addParameter(QgsProcessingParameterEnum(self.PROTOCOL, self.tr("Protocol"), list(MAP_PROTOCOLS),
                                                     defaultValue=0))
        self.addParameter(QgsProcessingParameterString(self.SERVICE, self.tr("Service (deployment) name"),
                                                       "", optional=True))
        self.addParameter(QgsProcessingParameterString(self.VARIABLE, self.tr("Variable (empty: the first)"),
                                                       "", optional=True))
        self.addParameter(QgsProcessingParameterAuthConfig(self.AUTHCFG, self.tr("Credentials (Basic: org + API key)"),
                                                           optional=True))
        self.addParameter(QgsProcessingParameterEnum(self.COLORMAP, self.tr("Colormap"), list(COLORMAPS),
                                                     defaultValue=0))
        for key, label in ((self.MINIMUM, "Minimum value (empty: from the data)"),
                           (self.MAXIMUM, "Maximum value (empty: from the data)")):
            self.addParameter(QgsProcessingParameterNumber(key, self.tr(label), QgsProcessingParameterNumber.Double,
                                                           optional=True))
        self.addParameter(QgsProcessingParameterString(self.TIME, self.tr("Time step (empty: the first)"), "",
                                                       optional=True))
        self.addOutput(QgsProcessingOutputMapLayer(self.OUTPUT, self.tr("Flux layer")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        low, high = (None if parameters.get(key) in (None, "") else self.parameterAsDouble(parameters, key, context)
                     for key in (self.MINIMUM, self.MAXIMUM))
        value_range = (low, high) if low is not None and high is not None else None
        try:
            spec, authcfg = api.prepare_layer(
                self.parameterAsString(parameters, self.ORG, context),
                self.parameterAsString(parameters, self.REPO, context),
                self.parameterAsString(parameters, self.REF, context) or "main",
                self.parameterAsString(parameters, self.GROUP, context),
                MAP_PROTOCOLS[self.parameterAsEnum(parameters, self.PROTOCOL, context)],
                self.parameterAsString(parameters, self.VARIABLE, context) or None,
                service=self.parameterAsString(parameters, self.SERVICE, context) or None,
                authcfg=self.parameterAsString(parameters, self.AUTHCFG, context) or None,
                colormap=COLORMAPS[self.parameterAsEnum(parameters, self.COLORMAP, context)],
                value_range=value_range,
                time=self.parameterAsString(parameters, self.TIME, context) or None,
                feedback=feedback)
            layer = layers.make_layer(spec, authcfg)
        except FluxError as exc:
            raise QgsProcessingException(str(exc)) from None
        feedback.pushInfo(self.tr("Layer source: {src}").format(src=layer.source()))
        context.temporaryLayerStore().addMapLayer(layer)
        details = QgsProcessingContext.LayerDetails(layer.name(), context.project(), self.OUTPUT)
        context.addLayerToLoadOnCompletion(layer.id(), details)
        return {self.OUTPUT: layer.id()}
