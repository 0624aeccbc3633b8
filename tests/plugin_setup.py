"""Shared by tests and bench: the plugin zip, and Processing with the plugin's provider."""

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PLUGIN = "earthmover_flux"


def build_plugin_zip(out):
    """`make package`'s zip (scripts/package.py) written to ``out``; returns its path."""
    result = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "package.py"), "--out", str(out)],
                            capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    if result.returncode != 0:
        raise AssertionError(f"package.py failed: {result.stderr}")
    return Path(out)


def start_processing():
    """Initialise Processing and register the plugin's provider if the plugin is not loaded.

    Returns the provider it added (give it to stop_processing), or None.
    """
    from earthmover_flux.processing.provider import FluxProvider
    from qgis.core import QgsApplication

    from processing.core.Processing import Processing

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
