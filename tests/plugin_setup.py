"""Shared by tests and bench: the plugin zip, and Processing with the plugin's provider."""

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PLUGIN = "earthmover_flux"


def build_plugin_zip(out):
    """`make package`'s zip, written to ``out``: pb_tool zip (pb_tool.cfg) run on a copy of the
    plugin's tracked files (scripts/package.py's list), so the working tree is not touched."""
    import shutil

    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    try:
        import package
    finally:
        sys.path.pop(0)
    out = Path(out)
    work = out.parent / "pb_tool-build"
    shutil.rmtree(work, ignore_errors=True)
    src, deployed = work / "src", work / "deployed"
    deployed.mkdir(parents=True)
    for rel in [*package.package_files(REPO_ROOT), "pb_tool.cfg"]:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / rel, src / rel)
    pb_tool = Path(sys.executable).parent / "pb_tool"
    result = subprocess.run([str(pb_tool), "zip", "--no-docs", "--plugin_path", str(deployed)], cwd=src,
                            input="y\n" * 5, capture_output=True, text=True, timeout=120)
    if result.returncode != 0 or not (src / f"{PLUGIN}.zip").exists():
        raise AssertionError(f"pb_tool zip failed: {result.stdout[-2000:]}{result.stderr[-2000:]}")
    shutil.move(src / f"{PLUGIN}.zip", out)
    return out


def start_processing():
    """Initialise Processing and register the plugin's provider if the plugin is not loaded.

    Returns the provider it added (give it to stop_processing), or None.
    """
    from earthmover_flux.flux_processing.provider import FluxProvider
    from processing.core.Processing import Processing
    from qgis.core import QgsApplication

    Processing.initialize()
    registry = QgsApplication.processingRegistry()
    if registry.providerById("earthmover_flux") is not None:
        return None
    provider = FluxProvider()
    registry.addProvider(provider)
    return provider


def stop_processing(provider):
    from qgis.core import QgsApplication

    if provider is not None:
        QgsApplication.processingRegistry().removeProvider(provider)
