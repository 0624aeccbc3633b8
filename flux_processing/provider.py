"""The ``earthmover_flux`` Processing provider."""

from qgis.core import QgsProcessingProvider

from ..flux_qgis.icon import icon


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
        from .dap2_subset import Dap2SubsetAlgorithm
        from .edr_area import EdrAreaAlgorithm
        from .edr_sample_points import EdrSamplePointsAlgorithm
        from .zonal_statistics import ZonalStatisticsAlgorithm

        for algorithm in (AddLayerAlgorithm(), EdrSamplePointsAlgorithm(), EdrAreaAlgorithm(),
                          Dap2SubsetAlgorithm(), ZonalStatisticsAlgorithm()):
            self.addAlgorithm(algorithm)
