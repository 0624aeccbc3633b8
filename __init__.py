"""Earthmover Flux for QGIS.

QGIS calls :func:`classFactory` when the plugin is enabled. Nothing here touches the
network or the authentication database: start-up must stay cheap and silent.
"""


def classFactory(iface):  # noqa: N802 (name fixed by QGIS)
    from .plugin import FluxPlugin

    return FluxPlugin(iface)
