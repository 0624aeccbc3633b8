"""Import a plugin module on first use, so enabling the plugin stays cheap.

QGIS loads the Processing provider and the GUI hooks at start-up; what they need at run time
(the API, EDR, layer building) is only imported when an algorithm runs or a layer changes.
`make bench` measured start-up at about 30 ms with eager imports.
"""

import importlib

_PLUGIN_PACKAGE = __package__.rsplit(".", 1)[0]  # 'earthmover_flux' (the folder name)


class LazyModule:
    def __init__(self, name):
        self._name = f"{_PLUGIN_PACKAGE}.{name}"
        self._module = None

    def __getattr__(self, attribute):
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)


def lazy_module(name):
    """``lazy_module("flux_qgis.edr")``: the module, imported when an attribute is first read."""
    return LazyModule(name)
