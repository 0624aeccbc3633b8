"""QGIS's global preprocessors (request and path), installed once per QGIS process.

QGIS 3.22 keeps the Python callable of every preprocessor it was given, removed or not (measured:
a removed path or request preprocessor's bound method is never released), so a plugin that
installs its own on every load keeps every unloaded copy of itself alive. So each kind gets one
small trampoline, made once per process in a module of its own outside the plugin's package
(``earthmover_flux_hooks`` in sys.modules), that calls whatever the loaded plugin set as its
target; unload clears the target, and a reload sets a new one. The trampoline's globals hold only
the targets dict, never the plugin.
"""

import sys
import types

from qgis.core import QgsNetworkAccessManager, QgsPathResolver

HOLDER = "earthmover_flux_hooks"
_TRAMPOLINE = """
def hook(arg):
    target = targets.get({kind!r})
    if target is None:
        return {fallback}
    return target(arg)
"""


def _holder():
    holder = sys.modules.get(HOLDER)
    if holder is None:
        holder = types.ModuleType(HOLDER)
        holder.targets, holder.installed = {}, {}
        sys.modules[HOLDER] = holder
    return holder


def _trampoline(kind, fallback):
    namespace = {"targets": _holder().targets, "__name__": HOLDER}
    exec(_TRAMPOLINE.format(kind=kind, fallback=fallback), namespace)  # noqa: S102 - our own constant source
    return namespace["hook"]


def set_request_preprocessor(target):
    """``target(request)`` sees every request QGIS makes (any thread)."""
    holder = _holder()
    if "request" not in holder.installed:
        holder.installed["request"] = QgsNetworkAccessManager.setRequestPreprocessor(_trampoline("request", "None"))
    holder.targets["request"] = target


def set_path_preprocessor(target):
    """``target(path) -> path`` sees every data source path QGIS resolves."""
    holder = _holder()
    if "path" not in holder.installed:
        holder.installed["path"] = QgsPathResolver.setPathPreprocessor(_trampoline("path", "arg"))
    holder.targets["path"] = target


def clear(kind):
    """Unload: the trampoline of ``kind`` ("request" or "path") calls nothing of the plugin any more."""
    _holder().targets.pop(kind, None)
