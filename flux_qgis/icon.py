"""The plugin's icon, for the toolbar action and the Processing provider.

Its own module so that the provider (loaded by qgis_process too) does not import plugin.py.
"""

import os

from qgis.PyQt.QtGui import QIcon

PLUGIN_DIR = os.path.dirname(os.path.dirname(__file__))


def icon():
    return QIcon(os.path.join(PLUGIN_DIR, "icons", "icon.svg"))
