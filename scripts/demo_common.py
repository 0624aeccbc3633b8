"""The demo's steps, shared by the windowed (qgis --code) and the headless demo."""

import os


def world_outlines(project=None):
    """QGIS's own world map (resources/data/world_map.gpkg, QGIS 3.22 and later): the countries as
    dark outlines above the data, so the map reads as Earth."""
    from qgis.core import QgsApplication, QgsFillSymbol, QgsProject, QgsVectorLayer

    path = os.path.join(QgsApplication.pkgDataPath(), "resources", "data", "world_map.gpkg")
    layer = QgsVectorLayer(f"{path}|layername=countries", "World (QGIS's world map)", "ogr")
    if not layer.isValid():
        return None
    layer.renderer().setSymbol(QgsFillSymbol.createSimple({"style": "no", "outline_color": "30,30,30,220",
                                                           "outline_width": "0.3"}))
    (project or QgsProject.instance()).addMapLayer(layer)
    return layer


def run_demo_steps(project=None):
    """Save the demo credentials and add one WMS and one tiles layer through the plugin's API, in a
    web map (EPSG:3857: the WMS layers ask their images in it), with the world's outlines above."""
    from earthmover_flux import api
    from qgis.core import QgsCoordinateReferenceSystem, QgsProject

    (project or QgsProject.instance()).setCrs(QgsCoordinateReferenceSystem("EPSG:3857"))

    org, key = os.environ["FLUX_DEMO_ORG"], os.environ["FLUX_DEMO_KEY"]
    repo = os.environ.get("FLUX_DEMO_REPO", "climate")
    group = os.environ.get("FLUX_DEMO_GROUP", "")
    variable = os.environ.get("FLUX_DEMO_VARIABLE") or None
    _unlock_demo_profile()
    api.store_credentials(org, key)
    wms = api.add_layer(org, repo, "main", group, "wms", variable, colormap="viridis", project=project)
    tiles = api.add_layer(org, repo, "main", group, "tiles", variable, colormap="plasma", project=project)
    tiles.setOpacity(0.0)  # present in the layer list, hidden from the first picture
    if os.environ.get("FLUX_DEMO_FORECAST"):
        # a forecast as Flux serves them: GFS-like temperature at 850 hPa, 6 hours after the newest run;
        # the Temporal Controller then steps through the run's lead times (README "Real Flux data")
        forecast = api.add_layer(org, "weather", "main", "gfs", "wms", "t", colormap="turbo", project=project,
                                 dimensions={"level": "850", "step": "6 hours"})
        forecast.setOpacity(0.0)
        print(f"Forecast layer: {forecast.name()}")
    world = world_outlines(project)
    return wms, tiles, world


def _unlock_demo_profile():
    """The demo's throwaway profile: create its master password from QGIS_AUTH_PASSWORD_FILE.

    QGIS reads that file at start-up only for a database that already has a master password;
    a brand-new profile has none, so the demo sets it once (a real user's QGIS asks instead).
    """
    from qgis.core import QgsApplication

    am = QgsApplication.authManager()
    # QGIS 3.40 removes QGIS_AUTH_PASSWORD_FILE from the environment once read (and says a master
    # password is set while a new database has none), so demo.sh passes the path twice
    path = os.environ.get("FLUX_DEMO_PASSWORD_FILE") or os.environ.get("QGIS_AUTH_PASSWORD_FILE")
    if path:
        am.setPasswordHelperEnabled(False)
        with open(path) as handle:
            am.setMasterPassword(handle.readline().strip(), True)


def demo_map(wms, world, size=(1024, 640)):
    """The demo's picture: the WMS layer zoomed to its data on a web map, the world's outlines above."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsMapSettings, QgsProject, QgsRectangle
    from qgis.PyQt.QtCore import QSize
    from render import render

    web = QgsCoordinateReferenceSystem("EPSG:3857")
    extent = wms.extent()
    if wms.crs() != web:
        extent = QgsCoordinateTransform(wms.crs(), web, QgsProject.instance()).transformBoundingBox(extent)
    extent = extent.intersect(QgsRectangle(-20037508, -15000000, 20037508, 15000000))
    image = render([layer for layer in (world, wms) if layer is not None], extent=extent, size=size)
    settings = QgsMapSettings()  # what the picture shows: the extent widened to the picture's shape
    settings.setDestinationCrs(web)
    settings.setOutputSize(QSize(*size))
    settings.setExtent(extent)
    return image, settings.visibleExtent()
