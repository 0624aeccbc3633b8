"""The thin QGIS layer: turns core descriptions into auth configs, requests and map layers."""
