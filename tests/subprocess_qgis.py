"""Run a script in a fresh QGIS process (a second QGIS session, as a user reopening a project)."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent

PRELUDE = """
import json, os, sys
sys.path.insert(0, {tests!r})
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QSettings
QCoreApplication.setOrganizationName("QGIS"); QCoreApplication.setApplicationName("QGIS3")
QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, {profile!r})
QSettings().setValue("cache/directory", {profile!r} + "/netcache")  # see harness.py
app = QgsApplication([], False, {profile!r}); app.initQgis()
QgsApplication.authManager().setPasswordHelperEnabled(False)
sys.path.insert(0, {plugins!r})
def emit(data):
    print("RESULT:" + json.dumps(data))
"""


def new_profile(parent):
    """A fresh profile folder laid out as QGIS 3.22 and 3.40 both find it (see harness.py)."""
    profile = Path(parent) / "config" / "profiles" / "default"
    profile.mkdir(parents=True)
    return profile


def run_qgis_script(body, profile, plugins_dir, master_password=None, env=None, timeout=180):
    """Run ``body`` after QGIS start-up in ``profile``; returns (dict from emit(), CompletedProcess)."""
    code = PRELUDE.format(tests=str(TESTS_DIR), profile=str(profile), plugins=str(plugins_dir))
    code += textwrap.dedent(body)
    full_env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(Path(profile).parent.parent))
    full_env.pop("QGIS_AUTH_PASSWORD_FILE", None)
    if master_password is not None:
        password_file = Path(profile) / "master-password.txt"
        password_file.write_text(master_password)
        full_env["QGIS_AUTH_PASSWORD_FILE"] = str(password_file)
    full_env.update(env or {})
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                            env=full_env, stdin=subprocess.DEVNULL)
    if master_password is not None:
        (Path(profile) / "master-password.txt").unlink(missing_ok=True)
    data = None
    for line in result.stdout.splitlines():
        if line.startswith("RESULT:"):
            data = json.loads(line[len("RESULT:"):])
    return data, result


QGIS_PROCESS = "/usr/bin/qgis_process.bin"  # Debian's /usr/bin/qgis_process wrapper is broken (QGIS_322.md)


def qgis_process_env(tmp_path, auth_db, master_password, plugins_dir, flux):
    """Environment for qgis_process.bin: a fresh profile holding a copy of ``auth_db``, the plugin
    enabled from ``plugins_dir``, the master password from a file, and the local server's URLs."""
    import shutil

    profile = new_profile(Path(tmp_path) / "qgis-process")
    shutil.copy(auth_db, profile / "qgis-auth.db")
    (profile / "QGIS").mkdir(exist_ok=True)
    (profile / "QGIS" / "QGIS3.ini").write_text("[PythonPlugins]\nearthmover_flux=true\n")
    password = Path(tmp_path) / "master-password"
    password.write_text(master_password)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_PLUGINPATH=str(plugins_dir),
               QGIS_CUSTOM_CONFIG_PATH=str(profile.parent.parent), QGIS_AUTH_PASSWORD_FILE=str(password),
               EARTHMOVER_FLUX_COMPUTE_URL=flux.base_url, EARTHMOVER_FLUX_API_URL=flux.api_url,
               HOME=str(tmp_path))
    env.pop("PYTHONPATH", None)
    return env


def run_qgis_process(env, *args, timeout=240):
    return subprocess.run([QGIS_PROCESS, *args], capture_output=True, text=True, env=env, timeout=timeout,
                          stdin=subprocess.DEVNULL)


# -- the real `qgis` window under Xvfb (a user's QGIS, started with --code SCRIPT) ------------------
QGIS = shutil.which("qgis")
XVFB = shutil.which("xvfb-run")
NO_REAL_WINDOW = "machine capability missing: the qgis binary and xvfb-run are needed"


def real_window_profile(tmp_path, plugins="", settings=""):
    """A fresh profile below ``tmp_path/profiles`` that enables the plugin (and ``plugins``, INI
    lines) and skips the tips and version check; ``settings``: more INI lines for the [qgis] part's
    neighbours (e.g. an [app] section)."""
    profile = Path(tmp_path) / "profiles" / "default"
    (profile / "QGIS").mkdir(parents=True)
    (profile / "QGIS" / "QGIS3.ini").write_text(
        "[PythonPlugins]\nearthmover_flux=true\n" + plugins
        + "[qgis]\nshowTips=false\ncheckVersion=false\n" + settings
        + "[migration]\nsettings=true\nfileVersion=3\n")
    return profile


def run_real_window(tmp_path, script, env=None, drop=(), timeout=240, delete_script=False):
    """Start the real qgis under Xvfb (1600x1000) on the profiles of ``tmp_path``, running ``script``
    with --code and the plugin from the tests' plugins folder; returns the CompletedProcess.
    ``env``: more variables; ``drop``: variables to remove besides QT_QPA_PLATFORM (a real
    window) and QGIS_AUTH_DB_DIR_PATH (the profile keeps its own auth database);
    ``delete_script``: the script holds a key, remove it whatever happens."""
    from harness import PLUGINS_DIR

    full_env = dict(os.environ, QGIS_PLUGINPATH=str(PLUGINS_DIR), HOME=str(tmp_path), **(env or {}))
    for name in ("QT_QPA_PLATFORM", "QGIS_AUTH_DB_DIR_PATH", *drop):
        full_env.pop(name, None)
    command = [XVFB, "-a", "-s", "-screen 0 1600x1000x24", QGIS, "--profiles-path", str(tmp_path),
               "--nologo", "--noversioncheck", "--code", str(script)]
    try:
        run = subprocess.run(command, env=full_env, capture_output=True, text=True, timeout=timeout,
                             stdin=subprocess.DEVNULL)
    finally:
        if delete_script:
            Path(script).unlink(missing_ok=True)
    # a session that wrote its results and then crashed on the way out is a failure too (QGIS 3.40
    # once crashed quitting from inside a nested event loop, after the results were written)
    assert run.returncode == 0, f"QGIS ended with status {run.returncode}, not a clean quit:\n{run.stderr[-3000:]}"
    return run
