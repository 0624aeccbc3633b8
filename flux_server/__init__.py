"""A local imitation of Earthmover Flux for development and tests (see README.md).

Runs in its own venv (Python >= 3.12); never imported by QGIS's Python, except
``flux_server.samples`` (pure Python: the sample data's formulas, for tests).
"""
