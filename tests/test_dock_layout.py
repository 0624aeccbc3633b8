"""The dock as a newcomer meets it, in a 1366x768 main window with QGIS's usual chrome (menu bar,
three rows of toolbars, status bar): the common path (key -> pick -> Add) needs no scrolling.

Real widgets in a real (offscreen) main window; the dock lists a real dataset of the local server
(weather/gfs: a time selector and two more dimensions, the tallest common case) before the
geometry is checked. The screenshot of the dock is written to tests/artifacts/dock-1366x768.png
(docs/dock.png is a copy).
"""

import pytest
import qgis.utils
from harness import ARTIFACTS
from qgis.PyQt.QtCore import QPoint, Qt
from qgis.PyQt.QtWidgets import QToolBar


@pytest.fixture
def small_window(iface, flux, credentials, project, qtbot):
    window = iface.window
    for row in range(3):  # QGIS at 1366 px wide: its toolbars fill about three rows
        if row:
            window.addToolBarBreak()
        bar = QToolBar(f"Toolbar row {row}")
        bar.setMinimumHeight(36)
        window.addToolBar(bar)
    window.statusBar().setMinimumHeight(28)
    window.resize(1366, 768 - 30)  # the screen minus the window's title bar
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    dock = qgis.utils.plugins["earthmover_flux"].show_dock()
    qtbot.waitUntil(lambda: not dock.busy(), timeout=60000)
    yield window, dock
    dock.cancel()
    qtbot.waitUntil(lambda: not dock.busy(), timeout=30000)
    qgis.utils.unloadPlugin("earthmover_flux")


def visible_in(widget, page, window):
    """The widget shows entirely inside the page's viewport (no scrolling) and inside the window."""
    viewport = page.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    bottom_right = widget.mapTo(viewport, QPoint(widget.width() - 1, widget.height() - 1))
    in_window = widget.mapTo(window, QPoint(0, widget.height() - 1))
    return (widget.isVisible() and page.verticalScrollBar().value() == 0 and viewport.rect().contains(top_left)
            and viewport.rect().contains(bottom_right) and window.rect().contains(in_window))


def test_add_layer_is_visible_without_scrolling(small_window, flux, qtbot):
    window, dock = small_window
    dock.org_edit.setText(flux.org)
    dock.tabs.setCurrentWidget(dock.data_page)
    dock.protocol_combo.setCurrentText("wms")
    dock.service_combo.setEditText("wms")
    dock.repo_combo.setEditText("weather")
    dock.ref_combo.setEditText("main")
    dock.group_combo.setEditText("gfs")
    qtbot.mouseClick(dock.variables_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dock.busy(), timeout=60000)
    dock.variable_combo.setCurrentIndex(dock.variable_combo.findData("t"))
    assert len(dock.dim_selectors) == 2 and dock.time_selector is not None, dock.status_label.text()
    qtbot.wait(100)  # let the layouts settle
    assert dock.height() < 600, f"the dock is {dock.height()} px high: the test must see a small window"
    ARTIFACTS.mkdir(exist_ok=True)
    dock.grab().save(str(ARTIFACTS / "dock-1366x768.png"))
    window.grab().save(str(ARTIFACTS / "dock-window-1366x768.png"))
    assert visible_in(dock.add_button, dock.data_page, window), (
        dock.add_button.mapTo(dock.data_page.viewport(), QPoint(0, 0)), dock.data_page.viewport().rect())
    assert visible_in(dock.variables_button, dock.data_page, window)
    assert visible_in(dock.repo_combo, dock.data_page, window)
    # what runs shows above the pages, on every page
    dock.tabs.setCurrentWidget(dock.connection_page)
    assert visible_in(dock.save_button, dock.connection_page, window)
    dock.tabs.setCurrentWidget(dock.edr_page)
    assert visible_in(dock.edr_panel.point_button, dock.edr_page, window)
    dock.tabs.setCurrentWidget(dock.dap2_page)
    assert visible_in(dock.dap2_panel.run_button, dock.dap2_page, window)
    assert dock.status_label.mapTo(window, QPoint(0, 0)).y() < dock.tabs.mapTo(window, QPoint(0, 0)).y()
