"""earthmover_flux:add_layer - add a Flux WMS or tiles layer to the project."""

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputMapLayer,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..core.errors import FluxError
from ..core.lazy import lazy_module
from ..core.styles import COLORMAPS
from .edr_sample_points import dimensions_parameter, read_dimensions

api = lazy_module("api")  # imported when the algorithm runs, not at QGIS start-up
layers = lazy_module("flux_qgis.layers")
MAP_PROTOCOLS = ("wms", "tiles")


class AddLayerAlgorithm(QgsProcessingAlgorithm):
    ORG, REPO, REF, GROUP, PROTOCOL = "ORG", "REPO", "REF", "GROUP", "PROTOCOL"
    SERVICE, VARIABLE, AUTHCFG, COLORMAP = "SERVICE", "VARIABLE", "AUTHCFG", "COLORMAP"
    MINIMUM, MAXIMUM, TIME, OUTPUT = "MINIMUM", "MAXIMUM", "TIME", "OUTPUT"
    SAVE_PROJECT = "SAVE_PROJECT"

    def __init__(self):
        super().__init__()
        self._save_layer_id = None

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
        for key, label in ((self.MINIMUM, self.tr("Minimum value (empty: from the data)")),
                           (self.MAXIMUM, self.tr("Maximum value (empty: from the data)"))):
            self.addParameter(QgsProcessingParameterNumber(key, label, QgsProcessingParameterNumber.Double,
                                                           optional=True))
        self.addParameter(QgsProcessingParameterString(self.TIME, self.tr("Time step (empty: the first)"), "",
                                                       optional=True))
        self.addParameter(dimensions_parameter())
        self.addParameter(QgsProcessingParameterBoolean(
            self.SAVE_PROJECT, self.tr("Add the layer to the project and save the project file "
                                       "(for qgis_process --PROJECT_PATH=...)"), False))
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
                dimensions=read_dimensions(self, parameters, context),
                feedback=feedback)
            layer = layers.make_layer(spec, authcfg)
        except FluxError as exc:
            raise QgsProcessingException(str(exc)) from None
        feedback.pushInfo(self.tr("Layer source: {src}").format(src=layer.source()))
        context.temporaryLayerStore().addMapLayer(layer)
        details = QgsProcessingContext.LayerDetails(layer.name(), context.project(), self.OUTPUT)
        context.addLayerToLoadOnCompletion(layer.id(), details)
        save = self.parameterAsBool(parameters, self.SAVE_PROJECT, context)
        self._save_layer_id = layer.id() if save else None
        return {self.OUTPUT: layer.id()}

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802
        # runs on the main thread: the place to touch the project
        if not self._save_layer_id:
            return {}
        project = context.project()
        if project is None or not project.fileName():
            raise QgsProcessingException(self.tr("SAVE_PROJECT needs a project file: run with "
                                                 "--PROJECT_PATH=... (qgis_process) or save the project first."))
        store = context.temporaryLayerStore()
        layer = store.takeMapLayer(store.mapLayer(self._save_layer_id))
        context.setLayersToLoadOnCompletion({})
        project.addMapLayer(layer)
        if not project.write():
            raise QgsProcessingException(self.tr("Could not save the project {path}.").format(path=project.fileName()))
        feedback.pushInfo(self.tr("Added to {path} and saved.").format(path=project.fileName()))
        return {}
