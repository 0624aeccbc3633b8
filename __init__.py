"""Earthmover Flux for QGIS.

QGIS calls :func:`classFactory` when the plugin is enabled. Nothing here touches the
network or the authentication database: start-up must stay cheap and silent.
"""


def classFactory(iface):  # noqa: N802 (name fixed by QGIS)
    from . import translation
    from .plugin import FluxPlugin

    translation.install()  # before any widget or algorithm is made: their texts go through tr()
    return FluxPlugin(iface)
