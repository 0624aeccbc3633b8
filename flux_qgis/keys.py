"""A key changed or was refused: what was fetched with it is forgotten, and listeners hear of it.

UI thread only: the network engine reports a 401 there, and credentials are stored there.
"""

from qgis.PyQt.QtCore import QObject, Qt, pyqtSignal, pyqtSlot

from . import netcache


class _KeyEvents(QObject):
    """Tells the UI thread that a key changed or was refused."""

    keyChanged = pyqtSignal(str)  # noqa: N815 (Qt signal naming)  org, or "" for any

    def __init__(self):
        super().__init__()
        self.listeners = {}  # name -> callable(org); by name, so a reloaded module replaces its own
        self.keyChanged.connect(self._notify, Qt.ConnectionType.QueuedConnection)

    @pyqtSlot(str)
    def _notify(self, org):
        for listener in list(self.listeners.values()):
            listener(org)


KEY_EVENTS = _KeyEvents()  # created on import, which happens on the UI thread


def key_changed(org=""):
    """The key of ``org`` (or of some org) changed or was refused: forget what it fetched.
    UI thread (the engine reports a 401 there; credentials are stored there)."""
    netcache.forget_cached_answers(org)
    KEY_EVENTS.keyChanged.emit(org)
