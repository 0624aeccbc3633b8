"""Process-wide test setup, imported once (by conftest and by tests that need its paths).

Kept out of conftest.py on purpose: with --import-mode=importlib, ``from conftest import X``
would import conftest.py a second time and start a second QgsApplication.
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO_ROOT = Path(__file__).resolve().parent.parent
TESTS_DIR = Path(__file__).resolve().parent

_session_dir = Path(tempfile.mkdtemp(prefix="flux-qgis-tests-"))
PLUGINS_DIR = _session_dir / "plugins"
PLUGINS_DIR.mkdir()
(PLUGINS_DIR / "earthmover_flux").symlink_to(REPO_ROOT, target_is_directory=True)
sys.path.insert(0, str(PLUGINS_DIR))

# QGIS 3.40 ignores the profile folder given to QgsApplication and uses
# $QGIS_CUSTOM_CONFIG_PATH/profiles/default (else ~/.local/share/QGIS/...); 3.22 uses the folder.
# Give both the same throwaway place, and check below that QGIS really uses it.
CONFIG_ROOT = _session_dir / "config"
PROFILE_DIR = CONFIG_ROOT / "profiles" / "default"
PROFILE_DIR.mkdir(parents=True)
os.environ["QGIS_CUSTOM_CONFIG_PATH"] = str(CONFIG_ROOT)
ARTIFACTS = Path(os.environ.get("FLUX_TEST_ARTIFACTS", REPO_ROOT / "tests" / "artifacts"))
ARTIFACTS.mkdir(parents=True, exist_ok=True)
MASTER_PASSWORD = "test-master-password"

from qgis.core import QgsApplication  # noqa: E402
from qgis.PyQt.QtCore import QCoreApplication, QSettings  # noqa: E402

QCoreApplication.setOrganizationName("QGIS")
QCoreApplication.setApplicationName("QGIS3")
QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(PROFILE_DIR))
# QGIS 3.22 keeps its network disk cache in ~/.cache/QGIS by default, shared by every profile:
# give the tests their own, so no run is answered from another run's (or profile's) cache
QSettings().setValue("cache/directory", str(PROFILE_DIR / "netcache"))

APP = QgsApplication([], True, str(PROFILE_DIR))
APP.initQgis()
if Path(QgsApplication.qgisSettingsDirPath()).resolve() != PROFILE_DIR.resolve():
    raise RuntimeError(f"QGIS uses {QgsApplication.qgisSettingsDirPath()}, not the test profile {PROFILE_DIR}")
QgsApplication.authManager().setPasswordHelperEnabled(False)
sys.path.insert(0, os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"))

import qgis.utils  # noqa: E402

# let qgis.utils find, load and unload the plugin exactly as QGIS does
qgis.utils.plugin_paths = [str(PLUGINS_DIR)]
qgis.utils.updateAvailablePlugins()

