"""Import the plugin folder as the package ``earthmover_flux`` (as QGIS does) without QGIS: the unit
tests run with ``pytest --noconftest`` (tests/conftest.py starts QGIS). Its __init__ imports nothing
at load."""

import importlib.util
import sys
from pathlib import Path

if "earthmover_flux" not in sys.modules:
    _ROOT = Path(__file__).resolve().parents[2]
    _SPEC = importlib.util.spec_from_file_location("earthmover_flux", _ROOT / "__init__.py",
                                                   submodule_search_locations=[str(_ROOT)])
    sys.modules["earthmover_flux"] = importlib.util.module_from_spec(_SPEC)
    _SPEC.loader.exec_module(sys.modules["earthmover_flux"])
