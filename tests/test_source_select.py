"""*Earthmover Flux* in the Data Source Manager (Ctrl+L): pick, Add (issue 24).

The page comes from QGIS's own source-select registry, as the Data Source Manager builds it; its
lists load in the background from the local server; Add makes the same layer the dock makes, and
its pixels show the data (warm equator, cold poles)."""

import qgis.utils
from harness import ARTIFACTS
from qgis.core import QgsProject
from qgis.gui import QgsGui
from qgis.PyQt.QtCore import Qt
from render import render


def wait_lists(qtbot, page):
    qtbot.waitUntil(lambda: not page.busy(), timeout=30000)


def test_the_data_source_manager_page_adds_a_layer_that_renders(iface, flux, credentials, project, qtbot):
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    try:
        registry = QgsGui.sourceSelectProviderRegistry()
        provider = next(p for p in registry.providers() if p.providerKey() == "earthmover_flux")
        assert provider.text() == "Earthmover Flux"
        page = provider.createDataSourceWidget(None)
        page.show()
        wait_lists(qtbot, page)
        combos = page.combos
        assert combos["org"].currentText() == flux.org
        assert [combos["repo"].itemText(i) for i in range(combos["repo"].count())] == ["climate", "ocean", "weather"]
        combos["repo"].setCurrentText("climate")
        wait_lists(qtbot, page)
        combos["ref"].setCurrentText("main")
        wait_lists(qtbot, page)
        combos["group"].setCurrentIndex(combos["group"].findData(""))
        wait_lists(qtbot, page)
        combos["variable"].setCurrentIndex(combos["variable"].findData("air"))
        assert page.choice("variable") == "air" and page.add_button.isEnabled()
        flux.clear_log()
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(project.mapLayers()) or "rror" in page.status.text(), timeout=30000)
        (layer,) = project.mapLayers().values()
        assert layer.isValid() and "authcfg=" in layer.source() and flux.key not in layer.source()
        image = render([layer])
        image.save(str(ARTIFACTS / "source-select-layer.png"))
        equator = image.pixelColor(image.width() // 2, image.height() // 2)
        polar = image.pixelColor(image.width() // 2, 8)
        assert equator.alpha() > 0 and polar.alpha() > 0 and equator.green() > polar.green() + 60
        page.close()
    finally:
        qgis.utils.unloadPlugin("earthmover_flux")
    assert not [p for p in QgsGui.sourceSelectProviderRegistry().providers() if p.providerKey() == "earthmover_flux"]
    QgsProject.instance().clear()
