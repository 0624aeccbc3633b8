"""The zip a QGIS user installs: only the plugin's files, and QGIS loads the plugin from it.

`make package` runs pb_tool (pb_tool.cfg); here pb_tool builds the zip the same way, installed into
a fresh profile's python/plugins folder and loaded by a second QGIS process as QGIS loads plugins
(qgis.utils.loadPlugin + startPlugin), with a pseudo-translation for the user's locale when the
translation tools are there.
"""

import configparser
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from harness import REPO_ROOT
from pseudo_translation import LRELEASE, PYLUPDATE, make_qm
from subprocess_qgis import new_profile, run_qgis_script

PLUGIN = "earthmover_flux"
FORBIDDEN = ("tests/", "flux_server/", "bench/", "scripts/", "docs/", "build/", ".ci/", ".venv", ".git",
             ".pytest_cache", ".ruff_cache", ".hypothesis", "__pycache__", "README", "Makefile", "pb_tool.cfg",
             "ruff.toml", "pytest.ini", "resources.qrc", "i18n/earthmover_flux_en.ts")


def _metadata(text):
    parser = configparser.ConfigParser()
    parser.read_string(text)
    return parser["general"]


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory):
    from plugin_setup import build_plugin_zip

    return build_plugin_zip(tmp_path_factory.mktemp("package") / f"{PLUGIN}.zip")


def test_zip_holds_the_plugin_only(plugin_zip):
    with zipfile.ZipFile(plugin_zip) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
        zipped_metadata = archive.read(f"{PLUGIN}/metadata.txt").decode("utf-8")
    assert plugin_zip.name == f"{PLUGIN}.zip"
    assert all(n.startswith(f"{PLUGIN}/") for n in names), "one top folder, named as the plugin folder"
    inner = [n[len(PLUGIN) + 1:] for n in names]
    for needed in ("metadata.txt", "__init__.py", "plugin.py", "LICENSE", "icons/icon.svg", "translation.py",
                   "flux_processing/provider.py", "ui/dock.py", "core/__init__.py", "flux_qgis/__init__.py"):
        assert needed in inner, f"{needed} missing from the zip"
    unwanted = [n for n in inner if any(part in n for part in FORBIDDEN) or n.endswith((".pyc", ".ts", ".zip"))]
    assert not unwanted, f"not for the zip: {unwanted}"
    assert len(names) == len(set(names))
    repo_metadata = (REPO_ROOT / "metadata.txt").read_text(encoding="utf-8")
    assert _metadata(zipped_metadata)["version"] == _metadata(repo_metadata)["version"]
    for name in inner:
        if name.endswith(".py"):
            compile((REPO_ROOT / name).read_text(encoding="utf-8"), name, "exec")


def test_pb_tool_cfg_lists_the_same_files():
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    try:
        import package
    finally:
        sys.path.pop(0)
    cfg = configparser.ConfigParser()
    cfg.read(REPO_ROOT / "pb_tool.cfg")
    assert cfg["plugin"]["name"] == PLUGIN
    listed = set()
    for key in ("python_files", "extras", "extra_dirs"):
        listed |= set(cfg["files"][key].split())
    assert listed == set(package.PACKAGE_PATHS)


@pytest.mark.skipif(not (shutil.which("git") and shutil.which("make") and (REPO_ROOT / ".git").exists()),
                    reason="machine capability missing: git, make and a git checkout are needed")
def test_make_package_from_a_fresh_clone(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO_ROOT), str(clone)], check=True, timeout=120)
    # pb_tool from this venv (tests/requirements.txt), as `make venvs` provides it
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    result = subprocess.run(["make", "-s", "package"], cwd=clone, capture_output=True, text=True, timeout=180,
                            env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "built earthmover_flux.zip with pb_tool" in result.stdout
    with zipfile.ZipFile(clone / f"{PLUGIN}.zip") as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
    assert f"{PLUGIN}/metadata.txt" in names and f"{PLUGIN}/LICENSE" in names
    assert not [n for n in names if "/tests/" in n or "/flux_server/" in n]
    # pb_tool's zip holds exactly the files of the reference list (scripts/package.py)
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    try:
        import package
    finally:
        sys.path.pop(0)
    assert sorted(names) == sorted(f"{PLUGIN}/{rel}" for rel in package.package_files(clone))


LOAD = """
import importlib, traceback
import qgis.utils
from qgis.core import QgsApplication
from qgis_window import TestInterface
plugins_dir = {plugins!r}
if {locale!r}:
    QSettings().setValue("locale/userLocale", {locale!r})
qgis.utils.plugin_paths = [plugins_dir]
qgis.utils.updateAvailablePlugins()
iface = TestInterface()
qgis.utils.iface = iface
result = {{"available": "earthmover_flux" in qgis.utils.available_plugins}}
try:
    result["loaded"] = qgis.utils.loadPlugin("earthmover_flux")
    result["started"] = qgis.utils.startPlugin("earthmover_flux")
    module = sys.modules["earthmover_flux"]
    result["module_file"] = module.__file__
    result["version"] = qgis.utils.pluginMetadata("earthmover_flux", "version")
    provider = QgsApplication.processingRegistry().providerById("earthmover_flux")
    result["algorithms"] = sorted(a.name() for a in provider.algorithms()) if provider else None
    result["algorithm_title"] = provider.algorithm("add_layer").displayName() if provider else None
    actions = [a for a in iface.toolbar.actions() if a.objectName() == "earthmoverFluxAction"]
    result["actions"] = [(a.text(), a.toolTip()) for a in actions]
    dock = qgis.utils.plugins["earthmover_flux"].show_dock()
    result["dock"] = [dock.windowTitle(), dock.add_button.text()]
    for name in {modules!r}:
        importlib.import_module("earthmover_flux." + name)
    result["unloaded"] = qgis.utils.unloadPlugin("earthmover_flux")
except Exception:
    result["error"] = traceback.format_exc()
emit(result)
"""


@pytest.mark.parametrize("locale", ["", "xx_XX"])
def test_installed_zip_loads_in_a_fresh_profile(plugin_zip, tmp_path, locale):
    if locale and not (PYLUPDATE and LRELEASE):
        pytest.skip("machine capability missing: pylupdate5 and lrelease (make qgis installs them)")
    profile = new_profile(tmp_path)
    plugins = profile / "python" / "plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(plugin_zip) as archive:
        archive.extractall(plugins)
        modules = sorted(n[len(PLUGIN) + 1:-3].replace("/", ".").removesuffix(".__init__")
                         for n in archive.namelist() if n.endswith(".py") and n != f"{PLUGIN}/__init__.py")
    if locale:
        make_qm(plugins / PLUGIN / "i18n", locale="xx")  # earthmover_flux_xx.qm: found for xx_XX
    data, proc = run_qgis_script(LOAD.format(plugins=str(plugins), locale=locale, modules=modules), profile,
                                 plugins)
    assert data is not None, proc.stderr[-3000:]
    assert "error" not in data, data["error"]
    assert data["available"] and data["loaded"] and data["started"]
    assert data["module_file"].startswith(str(plugins)), "the plugin came from the installed zip"
    assert data["version"] == _metadata((REPO_ROOT / "metadata.txt").read_text(encoding="utf-8"))["version"]
    assert {"add_layer", "edr_sample_points", "edr_area"} <= set(data["algorithms"])
    assert len(data["actions"]) == 1
    assert data["unloaded"]
    if locale:
        assert data["actions"][0] == ["⟦Earthmover Flux⟧", "⟦Add Earthmover Flux data (WMS, tiles, EDR, DAP2)⟧"]
        assert data["algorithm_title"] == "⟦Add Flux layer⟧"
        assert data["dock"] == ["⟦Earthmover Flux⟧", "⟦Add layer⟧"]
    else:
        assert data["actions"][0] == ["Earthmover Flux", "Add Earthmover Flux data (WMS, tiles, EDR, DAP2)"]
        assert data["dock"] == ["Earthmover Flux", "Add layer"]
