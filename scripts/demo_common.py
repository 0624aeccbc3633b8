"""The demo's steps, shared by the windowed (qgis --code) and the headless demo."""

import os


def run_demo_steps(project=None):
    """Save the demo credentials and add one WMS and one tiles layer through the plugin's API."""
    from earthmover_flux import api

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
    return wms, tiles


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
