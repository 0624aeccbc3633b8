"""A word to the user where a Flux tiles layer cannot draw a render's own time.

Tiles layers are QGIS XYZ layers: the URL holds one time step, which the main map's Temporal
Controller moves, and the XYZ provider neither reads a render's time nor keeps tiles apart by it.
So a tiles layer is temporal with the span of its one step (flux_qgis/layers.step_time_range):
a render at another time - a layout map, an atlas page, an Export Animation frame - leaves it out
instead of drawing the wrong time's image. The user is told once per session: when the Temporal
Controller is switched to animation, and when a layout designer opens, with Flux tiles layers in
the project.
"""

from qgis.core import Qgis, QgsProject
from qgis.PyQt.QtCore import QCoreApplication

from ..core.lazy import lazy_module

layers = lazy_module("flux_qgis.layers")  # imported when the notice first looks, not at QGIS start-up


def tr(text):
    return QCoreApplication.translate("TilesTimeNotice", text)


def tiles_layers(project=None):
    found = []
    for layer in (project or QgsProject.instance()).mapLayers().values():
        spec = layers.spec_of(layer)
        if spec is not None and spec.location.protocol == "tiles" and spec.time_axis and len(spec.time_axis) > 1:
            found.append(layer)
    return found


def notice_text(names):
    return tr("Earthmover Flux tiles layers draw the one time step shown on the main map ({names}). An exported "
              "animation, or a layout map at another time, leaves them out rather than show the wrong time. "
              "Add the variable as a WMS layer to draw every time.").format(names=", ".join(names[:3]))


class TilesTimeNotice:
    """Tells the user once per session (plugin.py owns it)."""

    def __init__(self, iface):  # noqa: QGS105 (the plugin hands it over; tests give their own window)
        self.iface = iface
        self.told = False
        canvas = iface.mapCanvas() if iface is not None else None
        self.controller = canvas.temporalController() if canvas is not None else None
        if self.controller is not None and hasattr(self.controller, "navigationMode"):
            # (navigationModeChanged's enum argument cannot be connected from Python on 3.22)
            self.controller.updateTemporalRange.connect(self._range_changed)
        if hasattr(iface, "layoutDesignerOpened"):
            iface.layoutDesignerOpened.connect(self._designer_opened)

    def _range_changed(self, _range):
        from qgis.core import QgsTemporalNavigationObject

        if not self.told and self.controller.navigationMode() == QgsTemporalNavigationObject.NavigationMode.Animated:
            self.tell(self.iface.messageBar())

    def _designer_opened(self, designer):
        self.tell(designer.messageBar() if hasattr(designer, "messageBar") else self.iface.messageBar())

    def tell(self, bar):
        """Push the notice to ``bar`` once, if the project has Flux tiles layers with a time axis."""
        found = tiles_layers()
        if self.told or not found or bar is None:
            return False
        self.told = True
        bar.pushMessage(tr("Earthmover Flux"), notice_text([layer.name() for layer in found]), Qgis.Info, 15)
        return True

    def disconnect(self):
        for signal, slot in ((getattr(self.controller, "updateTemporalRange", None), self._range_changed),
                             (getattr(self.iface, "layoutDesignerOpened", None), self._designer_opened)):
            if signal is not None:
                try:
                    signal.disconnect(slot)
                except (TypeError, RuntimeError):
                    pass
