"""The ``earthmover_flux`` Processing provider."""

from qgis.core import QgsProcessingProvider

from ..plugin import icon


class FluxProvider(QgsProcessingProvider):
    def id(self):  # noqa: A003 (QGIS API)
        return "earthmover_flux"

    def name(self):
        return "Earthmover Flux"

    def longName(self):  # noqa: N802 (QGIS API)
        return self.name()

    def icon(self):
        return icon()

    def loadAlgorithms(self):  # noqa: N802 (QGIS API)
        from .add_layer import AddLayerAlgorithm

        for algorithm in (AddLayerAlgorithm(),):
            self.addAlgorithm(algorithm)
