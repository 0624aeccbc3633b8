"""Load the plugin's translation for the user's QGIS locale, if one is shipped in i18n/.

Cheap and silent: one settings read and at most two file checks, no network. The .qm files are
made by `make translations` (pylupdate5 + lrelease) from i18n/earthmover_flux_<locale>.ts.

Messages of ``FluxError`` (core/ and flux_qgis/) stay English: core/ is pure Python without Qt,
and those messages are also the Python API's exception texts. Everything the plugin's own
widgets, message bar and Processing algorithms say goes through tr().
"""

import os

from qgis.PyQt.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

PLUGIN_NAME = "earthmover_flux"
I18N_DIR = os.path.join(os.path.dirname(__file__), "i18n")

_translator = None  # kept referenced: Qt drops a translator from the application when it is deleted


def user_locale():
    """QGIS's user interface locale: QGIS writes it to 'locale/userLocale' at start-up (the
    language chosen in its options, else the system's)."""
    return str(QSettings().value("locale/userLocale", "") or QLocale.system().name())


def qm_file(locale=None, directory=I18N_DIR):
    """The .qm for ``locale`` ('de_DE', then 'de'), or None."""
    locale = (locale if locale is not None else user_locale()).replace("-", "_")
    for name in (locale, locale.split("_", 1)[0]):
        path = os.path.join(directory, f"{PLUGIN_NAME}_{name}.qm")
        if name and os.path.isfile(path):
            return path
    return None


def install(locale=None, directory=I18N_DIR):
    """Install the translator for ``locale`` (default: QGIS's); returns the .qm used or None."""
    global _translator
    remove()
    path = qm_file(locale, directory)
    if path is None:
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    _translator = translator
    return path


def remove():
    global _translator
    if _translator is not None:
        QCoreApplication.removeTranslator(_translator)
        _translator = None
