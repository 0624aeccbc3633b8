"""Processing provider and algorithms (also available in models and qgis_process)."""
