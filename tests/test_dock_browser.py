"""The Browser's "EDR at Points…" and "DAP2 Subset…" open the dock on that page, filled with the
item's dataset and variable; the query/subset made from there reaches the server and gives the
data's values. DAP2 datasets list their variables in the Browser too."""

import math

import pytest
import qgis.utils
from earthmover_flux import api
from qgis.core import QgsPointXY, QgsProject, QgsRectangle
from qgis.PyQt.QtCore import Qt
from test_browser import Tree, menu_actions, names, walk


@pytest.fixture
def plugin(iface, flux, credentials, project, qtbot):
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    yield qgis.utils.plugins["earthmover_flux"]
    dock = qgis.utils.plugins["earthmover_flux"].dock
    if dock is not None:
        dock.cancel()
        qtbot.waitUntil(lambda: not dock.busy(), timeout=30000)
    qgis.utils.unloadPlugin("earthmover_flux")


def idle(qtbot, dock):
    qtbot.waitUntil(lambda: not dock.busy(), timeout=60000)


def test_dap2_subset_from_the_browser(plugin, flux, qtbot, tmp_path):
    variables = walk(Tree(), flux, service="dap2 (dap2, private)", ref="dev")["variables"]
    assert names(variables) == ["air"], "a dap2 dataset lists its grids (the DDS), not an error"
    _menu, actions = menu_actions(variables[0])
    assert {"EDR at Points…", "DAP2 Subset…"} <= set(actions)
    actions["DAP2 Subset…"].trigger()
    dock = plugin.dock
    idle(qtbot, dock)
    assert dock.isVisible() and dock.tabs.currentWidget() is dock.dap2_page
    fields = dock.current_fields()
    assert (fields["protocol"], fields["service"], fields["repo"], fields["ref"], fields["group"]) == \
        ("dap2", "dap2", "climate", "dev", "")
    assert dock.selected_variable() == "air" and "climate@dev" in dock.dap2_panel.dataset_label.text()
    panel = dock.dap2_panel
    panel.extent_widget.setOutputExtentFromUser(QgsRectangle(10, 20, 16, 26), dock.dap2_panel.extent_widget.outputCrs())
    panel.start_edit.setText("2024-01-02")
    panel.end_edit.setText("2024-01-03")
    out = tmp_path / "air.tif"
    panel.output_widget.setFilePath(str(out))
    flux.clear_log()
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    idle(qtbot, dock)
    (layer,) = QgsProject.instance().mapLayers().values()
    assert layer.source() == str(out) and layer.bandCount() == 2, dock.status_label.text()
    assert "2 time steps" in dock.status_label.text()
    queries = [e["query"] for e in flux.log() if ".dods" in e["path"]]
    assert "air[1:2][55:57][95:97]" in queries, queries
    assert all(e["auth"] == "valid" for e in flux.log())
    expected = api.prepare_dap2_subset(flux.org, "climate", "dev", "", "air", output=str(tmp_path / "direct.tif"),
                                       bbox=(10, 20, 16, 26), time_range=("2024-01-02", "2024-01-03"))
    provider = layer.dataProvider()
    for band in (1, 2):
        for j, lat in enumerate(expected.lats):
            for i, lon in enumerate(expected.lons):
                value, ok = provider.sample(QgsPointXY(lon, lat), band)
                assert ok and math.isclose(value, expected.bands[band - 1][j * len(expected.lons) + i], rel_tol=1e-6)


def test_edr_at_points_from_the_browser(plugin, flux, qtbot):
    variables = walk(Tree(), flux, service="wms (wms, private)", ref="main")["variables"]
    air = next(v for v in variables if v.name() == "air")
    _menu, actions = menu_actions(air)
    actions["EDR at Points…"].trigger()
    dock = plugin.dock
    idle(qtbot, dock)
    assert dock.tabs.currentWidget() is dock.edr_page
    fields = dock.current_fields()
    assert (fields["protocol"], fields["service"], fields["repo"], fields["ref"]) == ("edr", "edr", "climate", "main")
    assert dock.edr_panel.parameters_edit.text() == "air"
    dock.edr_panel.point_edit.setText("10, 20")
    flux.clear_log()
    qtbot.mouseClick(dock.edr_panel.point_button, Qt.LeftButton)
    idle(qtbot, dock)
    (layer,) = QgsProject.instance().mapLayers().values()
    assert layer.featureCount() == 4, dock.status_label.text()
    assert [e for e in flux.log() if e["path"].endswith("/position") and "/edr/" in e["path"]]
    direct = api.edr_layer(api.prepare_edr_position(flux.org, "climate", "main", "", [(10, 20)], ["air"]),
                           add_to_project=False)
    assert sorted(f["air"] for f in layer.getFeatures()) == sorted(f["air"] for f in direct.getFeatures())
