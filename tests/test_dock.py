"""The dock, driven as a person would (pytest-qt), against the local server.

Real widgets in a real (offscreen) main window, real background tasks, real HTTP; the server's
log says what reached it.
"""

import json
import math
import time

import pytest
import qgis.utils
import requests
from earthmover_flux.flux_qgis import auth, layers
from harness import ARTIFACTS
from qgis.core import QgsApplication, QgsNetworkAccessManager, QgsProject
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtWidgets import QApplication, QComboBox, QLineEdit, QMessageBox
from render import image_stats, render


@pytest.fixture
def dock(iface, flux, master_password, project, qtbot):
    auth.remove_credentials(flux.org)
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    plugin = qgis.utils.plugins["earthmover_flux"]
    widget = plugin.show_dock()
    assert widget is not None and widget.isVisible()
    yield widget
    try:
        if widget.busy():
            widget.cancel()
            qtbot.waitUntil(lambda: not widget.busy(), timeout=30000)
    finally:
        qgis.utils.unloadPlugin("earthmover_flux")  # even after a failure: later tests load it again


def wait_idle(qtbot, dock, timeout=60000):
    """Until the step and the lists that load by themselves are done."""
    qtbot.waitUntil(lambda: not dock.busy(), timeout=timeout)


def save_credentials(qtbot, dock, org, key, wait=True):
    """Type org and key on the Connection page and press Save; the lists then load by themselves
    (waited for unless ``wait`` is False)."""
    dock.tabs.setCurrentWidget(dock.connection_page)
    dock.org_edit.clear()
    qtbot.keyClicks(dock.org_edit, org)
    qtbot.keyClicks(dock.key_edit, key)
    qtbot.mouseClick(dock.save_button, Qt.LeftButton)
    assert dock.tabs.currentWidget() is dock.data_page, "after Save the dock shows the Data page"
    if wait:
        wait_idle(qtbot, dock)


def choose(dock, qtbot, protocol, repo="climate", ref="main", group=""):
    dock.protocol_combo.setCurrentText(protocol)
    dock.service_combo.setEditText(protocol)
    dock.repo_combo.setEditText(repo)
    dock.ref_combo.setEditText(ref)
    dock.group_combo.setEditText(group)


def test_save_credentials_and_discover(dock, flux, qtbot, iface):
    save_credentials(qtbot, dock, flux.org, flux.key)
    assert dock.key_edit.text() == "", "the key does not stay in the widget"
    cfg = auth.find_config(flux.org)
    assert cfg and dock.auth_select.configId() == cfg
    assert f"https://app.earthmover.io/{flux.org}/settings/api-clients" in dock.keys_link.text()
    flux.clear_log()
    dock.tabs.setCurrentWidget(dock.connection_page)
    qtbot.mouseClick(dock.test_button, Qt.LeftButton)
    assert dock.task is not None and dock.progress.isVisible() and dock.cancel_button.isVisible()
    wait_idle(qtbot, dock)
    repos = [dock.repo_combo.itemText(i) for i in range(dock.repo_combo.count())]
    assert repos == ["climate", "ocean", "weather"]
    services = [dock.service_combo.itemText(i) for i in range(dock.service_combo.count())]
    assert "wms (wms, private, available)" in services and len(services) == 4
    assert "Connected to 'flux-demo': 3 repositories, 4 services." in dock.status_label.text()
    api_calls = [e for e in flux.log() if e["kind"] == "api"]
    assert api_calls and all(e["auth"] == "valid" for e in api_calls)
    assert not dock.progress.isVisible()


@pytest.mark.parametrize("protocol", ["wms", "tiles"])
def test_add_layer_from_the_dock(dock, flux, qtbot, protocol):
    save_credentials(qtbot, dock, flux.org, flux.key)
    choose(dock, qtbot, protocol, group="forecast/surface", ref="dev")
    qtbot.mouseClick(dock.variables_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    assert dock.variable_combo.count() == 1 and dock.variable_combo.itemData(0) == "wind_speed"
    dock.colormap_combo.setEditText("magma")
    flux.clear_log()
    qtbot.mouseClick(dock.add_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    added = list(QgsProject.instance().mapLayers().values())
    assert len(added) == 1, dock.status_label.text()
    layer = added[0]
    assert layer.isValid() and layer.name() == f"wind_speed (climate@dev/forecast/surface, {protocol})"
    assert flux.key not in layer.source() and f"authcfg={auth.find_config(flux.org)}" in layer.source()
    image = render([layer])
    image.save(str(ARTIFACTS / f"dock-{protocol}.png"))
    colours, opaque = image_stats(image)
    assert opaque > 0.5 and colours > 20
    assert all(e["auth"] == "valid" for e in flux.log())
    # the plugin's own discovery (lowercase keys); QGIS's WMS provider reads the capabilities
    # once itself when the layer is made (SERVICE=WMS&REQUEST=GetCapabilities)
    rediscovery = [e for e in flux.log() if "request=GetCapabilities" in e["query"] or e["path"].endswith("/tiles/")]
    assert not rediscovery, "Add reuses the variable list the dock just fetched"
    assert QgsProject.instance().readEntry("earthmover_flux", "group")[0] == "forecast/surface"
    spec = layers.spec_of(layer)
    assert spec.colormap == "magma" and spec.value_range is not None


@pytest.mark.parametrize("protocol, vertical", [("wms", "elevation"), ("tiles", "level")])
def test_dimension_selectors_choose_what_the_layer_shows(dock, flux, qtbot, protocol, vertical):
    from urllib.parse import parse_qs

    from earthmover_flux.flux_server import samples

    save_credentials(qtbot, dock, flux.org, flux.key)
    choose(dock, qtbot, protocol, repo="weather", group="gfs")
    qtbot.mouseClick(dock.variables_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    dock.variable_combo.setCurrentIndex(dock.variable_combo.findData("t"))
    assert set(dock.dim_selectors) == {"step", vertical}
    step = dock.findChild(QComboBox, "dimension_step")
    assert [step.itemText(i) for i in range(step.count())] == [f"{h} hours" for h in samples.GFS_STEPS_HOURS]
    time_selector = dock.findChild(QComboBox, "timeSelector")
    assert time_selector.currentText() == samples.GFS_TIMES[-1], "a forecast opens on its newest run"
    time_selector.setCurrentText(samples.GFS_TIMES[0])
    step.setCurrentText("9 hours")
    dock.findChild(QComboBox, f"dimension_{vertical}").setCurrentText("850")
    flux.clear_log()
    qtbot.mouseClick(dock.add_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    (layer,) = QgsProject.instance().mapLayers().values()
    spec = layers.spec_of(layer)
    assert spec.selected == {"step": "9 hours", vertical: "850"} and spec.time == samples.GFS_TIMES[0]
    assert "step 9 hours" in layer.name()
    render([layer])
    marker = "GetMap" if protocol == "wms" else "WebMercatorQuad"
    sent = [parse_qs(e["query"]) for e in flux.log() if marker in e["path"] + e["query"]]
    # (a WMS forecast's GetMap: QGIS's TIME, the start the preprocessor put there; tiles: time=)
    assert sent and all(q["step"] == ["9 hours"] and q[vertical] == ["850"] and
                        (q.get("time") or q.get("TIME")) == [samples.GFS_TIMES[0]] for q in sent)


def test_a_long_time_axis_is_typed_not_listed(dock, flux, qtbot):
    save_credentials(qtbot, dock, flux.org, flux.key)
    choose(dock, qtbot, "wms", repo="weather", group="era5")
    qtbot.mouseClick(dock.variables_button, Qt.LeftButton)
    wait_idle(qtbot, dock, timeout=120000)
    assert dock.findChild(QComboBox, "timeSelector") is None, "no combo box with 52,608 entries"
    typed = dock.findChild(QLineEdit, "timeSelector")
    assert "52,608 steps" in typed.toolTip()
    typed.setText("2003-06-01T10:20:00Z")
    qtbot.mouseClick(dock.add_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    (layer,) = QgsProject.instance().mapLayers().values()
    assert layers.spec_of(layer).time == "2003-06-01T10:00:00Z", "snapped to the nearest hourly step"


def _answer_next_message_box(button):
    """Click `button` on the next modal QMessageBox (the real confirmation dialog)."""
    seen = {}

    def click():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen["text"] = box.text()
            box.button(button).click()
        else:
            QTimer.singleShot(50, click)

    QTimer.singleShot(50, click)
    return seen


def test_make_public_only_after_confirmation(dock, flux, qtbot):
    save_credentials(qtbot, dock, flux.org, flux.key)
    choose(dock, qtbot, "tiles")
    qtbot.mouseClick(dock.test_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    tile = ("/WebMercatorQuad/1/0/0?variables=air&style=raster/viridis&colorscalerange=230,320"
            "&width=256&height=256&f=png")
    private_url = flux.service_url("tiles") + tile
    assert requests.get(private_url, timeout=30).status_code == 401
    flux.clear_log()

    seen = _answer_next_message_box(QMessageBox.Cancel)
    qtbot.mouseClick(dock.public_button, Qt.LeftButton)
    assert "EVERY repository" in seen["text"] and flux.org in seen["text"]
    assert not [e for e in flux.log() if e["method"] == "POST"], "nothing is called without confirmation"
    assert dock.task is None

    seen = _answer_next_message_box(QMessageBox.Yes)
    qtbot.mouseClick(dock.public_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    posts = [e for e in flux.log() if e["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["path"] == f"/api/compute/orgs/{flux.org}/services"
    name = dock.service_combo.currentText()
    assert name == "tiles-public"
    labels = [dock.service_combo.itemText(i) for i in range(dock.service_combo.count())]
    assert "tiles-public (tiles, public, available)" in labels
    public_url = flux.service_url("tiles-public", suffix="tiles") + tile
    answer = requests.get(public_url, timeout=30)
    assert answer.status_code == 200 and answer.content[:4] == b"\x89PNG"
    # and the dock may now add a layer of it without credentials; with no WMS service to read the
    # value range from (the org's WMS is private), the tiles service needs one from the user
    dock.use_credentials.setChecked(False)
    dock.variable_combo.setEditText("air")
    qtbot.mouseClick(dock.add_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    assert "needs a value range" in dock.status_label.text()
    assert not QgsProject.instance().mapLayers()
    dock.auto_range.setChecked(False)
    dock.min_spin.setValue(230)
    dock.max_spin.setValue(320)
    qtbot.mouseClick(dock.add_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    (layer,) = QgsProject.instance().mapLayers().values()
    assert "authcfg" not in layer.source()
    assert image_stats(render([layer]))[0] > 20


def test_discovery_with_latency_keeps_the_ui_responsive(dock, flux, qtbot):
    """The click returns, and the UI thread keeps handling events, while the server still holds
    the API call: checked by order of events (the server has not answered yet), not by time.
    The longest event-loop gap is measured for the README (tests/artifacts/ui-stall.json)."""
    save_credentials(qtbot, dock, flux.org, flux.key)
    flux.clear_log()
    flux.set_faults({"match": "/api/", "latency": 5.0})
    gaps, last = [], [time.monotonic()]

    def tick():
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    started = time.monotonic()
    qtbot.mouseClick(dock.test_button, Qt.LeftButton)
    answered = [e for e in flux.log() if "/api/" in e["path"]]
    assert answered == [] and dock.task is not None, "the click waited for the server's answer"
    ran = []
    QTimer.singleShot(0, lambda: ran.append(len([e for e in flux.log() if "/api/" in e["path"]])))
    qtbot.waitUntil(lambda: bool(ran), timeout=4000)
    assert ran == [0], "the UI thread handled an event while the server held the call"
    wait_idle(qtbot, dock, timeout=60000)
    timer.stop()
    elapsed = time.monotonic() - started
    assert dock.repo_combo.count() == 3
    api_calls = [e for e in flux.log() if "/api/" in e["path"]]
    assert len(api_calls) == 2 and all(e["fault"] and e["status"] == 200 for e in api_calls), api_calls
    longest = max(gaps)
    (ARTIFACTS / "ui-stall.json").write_text(json.dumps({"longest_gap_ms": round(longest * 1000, 1),
                                                         "discovery_s": round(elapsed, 2),
                                                         "ticks": len(gaps)}))
    print(f"longest UI event-loop gap during discovery: {longest * 1000:.1f} ms over {elapsed:.1f} s")


@pytest.mark.parametrize("fault, expected", [
    ({"status": 401}, "Unauthorized: check the organization name and API key"),
    ({"status": 403}, "forbidden"),
    ({"status": 404}, "not found: check the organization"),
    ({"status": 500}, "internal error"),
    ({"status": 503}, "unavailable right now (503)"),
    ({"body": "garbage"}, "not valid JSON"),
    ({"body": "html", "status": 200}, "not valid JSON"),
    ({"body": "truncate"}, "not valid JSON"),
])
def test_api_failures_become_sentences(dock, flux, qtbot, iface, fault, expected):
    flux.set_faults(dict(fault, match="/api/"))  # before Save: the lists Save loads fail the same way
    save_credentials(qtbot, dock, flux.org, flux.key)
    qtbot.mouseClick(dock.test_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    assert expected.lower() in dock.status_label.text().lower(), dock.status_label.text()
    assert any(expected.lower() in m.lower() for m in iface.messages), iface.messages
    assert dock.repo_combo.count() == 0
    assert flux.key not in dock.status_label.text()


def test_unreachable_host_and_timeout(dock, flux, qtbot, monkeypatch):
    save_credentials(qtbot, dock, flux.org, flux.key)
    monkeypatch.setenv("EARTHMOVER_FLUX_API_URL", "http://127.0.0.1:9/api")  # discard port: refused
    qtbot.mouseClick(dock.test_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    assert "Could not reach 127.0.0.1" in dock.status_label.text()
    monkeypatch.setenv("EARTHMOVER_FLUX_API_URL", flux.api_url)
    flux.set_faults({"match": "/api/", "latency": 5})
    previous = QgsNetworkAccessManager.timeout()
    QgsNetworkAccessManager.setTimeout(1500)
    try:
        qtbot.mouseClick(dock.test_button, Qt.LeftButton)
        wait_idle(qtbot, dock)
    finally:
        QgsNetworkAccessManager.setTimeout(previous)
    assert "did not answer within" in dock.status_label.text()


def test_add_layer_failure_adds_nothing(dock, flux, qtbot):
    save_credentials(qtbot, dock, flux.org, flux.key)
    choose(dock, qtbot, "wms", repo="no-such-repo")
    dock.variable_combo.setEditText("air")
    qtbot.mouseClick(dock.add_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    assert "not found" in dock.status_label.text()
    assert not QgsProject.instance().mapLayers()
    choose(dock, qtbot, "wms", repo="bad/repo")
    qtbot.mouseClick(dock.add_button, Qt.LeftButton)
    assert "not a valid name" in dock.status_label.text()
    assert dock.task is None


def test_cancel_stops_a_slow_call(dock, flux, qtbot):
    """Cancel while the server holds the call: the dock says Cancelled at once, and the answer that
    comes later is dropped. QGIS does not always abort a QgsBlockingNetworkRequest in flight in a
    task (its worker waits without processing the queued abort: 3.40 every time, 3.22/3.44
    sometimes), so the server's 3 s latency lets the late answer arrive within the test, which
    waits for the task to end either way: a later test never meets it."""
    save_credentials(qtbot, dock, flux.org, flux.key)
    dock.repo_combo.clear()  # Save listed them already: what a cancelled call fills must show
    flux.set_faults({"match": "/api/", "latency": 3})
    dock.tabs.setCurrentWidget(dock.connection_page)
    qtbot.mouseClick(dock.test_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: flux.faults()[0]["used"] >= 1, timeout=10000)  # the server holds the call
    qtbot.mouseClick(dock.cancel_button, Qt.LeftButton)
    assert dock.task is None and "Cancelled" in dock.status_label.text(), "Cancel shows at once"
    qtbot.waitUntil(lambda: QgsApplication.taskManager().countActiveTasks() == 0, timeout=20000)
    assert "Cancelled" in dock.status_label.text()
    assert dock.repo_combo.count() == 0, "an answer that came after Cancel was used"


def test_cancel_stops_the_lists_save_starts(dock, flux, qtbot):
    flux.set_faults({"match": "/api/", "latency": 3})  # before Save: the listing Save starts is slow
    save_credentials(qtbot, dock, flux.org, flux.key, wait=False)
    assert dock.list_task is not None and dock.progress.isVisible() and dock.cancel_button.isVisible()
    qtbot.mouseClick(dock.cancel_button, Qt.LeftButton)
    wait_idle(qtbot, dock, timeout=15000)
    assert "Cancelled" in dock.status_label.text()
    assert dock.repo_combo.count() == 0 and not dock.cancel_button.isVisible()
    # the late answer (3 s) arrives while the test waits: it must not fill the list
    qtbot.waitUntil(lambda: QgsApplication.taskManager().countActiveTasks() == 0, timeout=20000)
    assert dock.repo_combo.count() == 0, "an answer that came after Cancel was used"


def combo_items(combo):
    return [combo.itemText(i) for i in range(combo.count())]


def type_and_enter(qtbot, combo, text):
    combo.lineEdit().clear()
    qtbot.keyClicks(combo.lineEdit(), text)
    qtbot.keyClick(combo.lineEdit(), Qt.Key_Return)


def test_lists_load_by_themselves_from_the_server(dock, flux, qtbot):
    flux.clear_log()
    save_credentials(qtbot, dock, flux.org, flux.key)  # no Test connection: Save lists them
    assert combo_items(dock.repo_combo) == ["climate", "ocean", "weather"]
    assert "Connected to 'flux-demo': 3 repositories, 4 services." in dock.status_label.text()
    type_and_enter(qtbot, dock.repo_combo, "climate")
    wait_idle(qtbot, dock)
    # branches, a separator, then tags; each says what it is
    assert combo_items(dock.ref_combo) == ["main", "dev", "", "v1"]
    assert dock.ref_combo.itemData(0) == "branch" and dock.ref_combo.itemData(3) == "tag"
    assert dock.ref_combo.itemData(2, Qt.AccessibleDescriptionRole) == "separator"
    assert combo_items(dock.group_combo) == ["", "forecast/surface"]
    dock.ref_combo.setCurrentIndex(3)
    dock.ref_combo.activated.emit(3)  # what choosing 'v1' in the list sends
    wait_idle(qtbot, dock)
    assert dock.ref_combo.currentText() == "v1"
    meta = [e["path"].split("/_meta/")[1] for e in flux.log() if "/_meta/" in e["path"]]
    assert meta == ["discovery/climate", "discovery/climate/main", "discovery/climate/v1"], meta
    assert all(e["auth"] == "valid" and e["status"] == 200 for e in flux.log())
    assert not dock.lists_hint.isVisible()
    # a commit id can still be typed: nothing lists it, the datasets are asked for it
    type_and_enter(qtbot, dock.ref_combo, "0123456789abcdef0123")
    wait_idle(qtbot, dock)
    assert dock.ref_combo.currentText() == "0123456789abcdef0123"


@pytest.mark.parametrize("status, reason", [(404, "no discovery (_meta) API"), (403, "same credentials")])
def test_a_meta_failure_falls_back_to_typing(dock, flux, qtbot, status, reason):
    flux.set_faults({"match": "/_meta/", "status": status})
    save_credentials(qtbot, dock, flux.org, flux.key)
    type_and_enter(qtbot, dock.repo_combo, "climate")
    wait_idle(qtbot, dock)
    assert dock.lists_hint.isVisible() and reason in dock.lists_hint.text(), dock.lists_hint.text()
    assert "type the ref" in dock.lists_hint.text() and flux.key not in dock.lists_hint.text()
    assert dock.ref_combo.isEditable() and dock.group_combo.isEditable()
    choose(dock, qtbot, "wms", repo="climate", ref="dev", group="forecast/surface")
    qtbot.mouseClick(dock.variables_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    qtbot.mouseClick(dock.add_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    (layer,) = QgsProject.instance().mapLayers().values()
    assert layer.isValid() and layer.name() == "wind_speed (climate@dev/forecast/surface, wms)"


def test_dap2_lists_variables_and_makes_a_subset_with_the_chosen_dimensions(dock, flux, qtbot, iface, tmp_path):
    from earthmover_flux import api
    from qgis.core import QgsPointXY, QgsRectangle

    save_credentials(qtbot, dock, flux.org, flux.key)
    choose(dock, qtbot, "dap2", repo="weather", group="gfs")
    assert dock.add_button.text() == "DAP2 subset…"
    flux.clear_log()
    qtbot.mouseClick(dock.variables_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    assert "not supported" not in dock.status_label.text()
    assert dock.variable_combo.findData("t") >= 0, dock.status_label.text()
    # the dataset's own requests (the dock may list the org's services meanwhile, after a debounce)
    assert {e["path"].rsplit(".", 1)[-1] for e in flux.log() if e["kind"] == "compute"} == {"dds", "das", "dods"}
    dock.variable_combo.setCurrentIndex(dock.variable_combo.findData("t"))
    assert len(dock.dim_selectors) == 2 and dock.time_selector is not None
    chosen = {}
    for name, selector in dock.dim_selectors.items():
        selector.setCurrentIndex(selector.count() - 1)  # not the default (the first)
        chosen[name] = selector.currentText()
    qtbot.mouseClick(dock.add_button, Qt.LeftButton)  # "DAP2 subset…": its page
    assert dock.tabs.currentWidget() is dock.dap2_page
    assert all(f"{k} = {v}" in dock.dap2_panel.dims_label.text() for k, v in chosen.items())
    panel = dock.dap2_panel
    iface.mapCanvas().setExtent(QgsRectangle(10, 30, 40, 50))
    panel.extent_widget.setOutputExtentFromUser(QgsRectangle(10, 30, 40, 50), panel.extent_widget.outputCrs())
    out = tmp_path / "t.tif"
    panel.output_widget.setFilePath(str(out))
    flux.clear_log()
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    wait_idle(qtbot, dock)
    added = list(QgsProject.instance().mapLayers().values())
    assert len(added) == 1, dock.status_label.text()
    layer = added[0]
    assert layer.source() == str(out), dock.status_label.text()
    expected = api.prepare_dap2_subset(flux.org, "weather", "main", "gfs", "t", output=str(tmp_path / "e.tif"),
                                       bbox=(10, 30, 40, 50), dimensions=chosen)
    assert expected.dimensions == chosen and layer.bandCount() == len(expected.bands)
    provider = layer.dataProvider()
    nx = len(expected.lons)
    for j, lat in enumerate(expected.lats[:3]):
        for i, lon in enumerate(expected.lons[:3]):
            value, ok = provider.sample(QgsPointXY(lon, lat), 1)
            assert ok and math.isclose(value, expected.bands[0][j * nx + i], rel_tol=1e-6)
    first = api.prepare_dap2_subset(flux.org, "weather", "main", "gfs", "t", output=str(tmp_path / "f.tif"),
                                    bbox=(10, 30, 40, 50))
    assert list(first.bands[0]) != list(expected.bands[0]), "the chosen dimensions changed the values"


def test_enter_in_the_key_field_saves_and_lists(dock, flux, qtbot):
    dock.org_edit.clear()
    qtbot.keyClicks(dock.org_edit, flux.org)
    qtbot.keyClick(dock.org_edit, Qt.Key_Return)  # Enter on the organization: on to the key
    assert dock.key_edit.hasFocus() or dock.tabs.currentWidget() is dock.connection_page
    qtbot.keyClicks(dock.key_edit, flux.key)
    qtbot.keyClick(dock.key_edit, Qt.Key_Return)
    assert dock.key_edit.text() == "" and auth.find_config(flux.org)
    wait_idle(qtbot, dock)
    assert combo_items(dock.repo_combo) == ["climate", "ocean", "weather"]
    assert "3 repositories, 4 services" in dock.status_label.text()


def test_with_saved_credentials_the_dock_lists_by_itself_and_restores_the_projects_choice(
        iface, flux, credentials, project, qtbot):
    """A dock that is ready: the org's key is saved and the project remembers a dataset; opening
    the dock lists the services and repositories without a click, and shows the project's choice."""
    from earthmover_flux.flux_qgis import settings

    settings.remember_authcfg(flux.org, credentials)
    project.writeEntry("earthmover_flux", "repo", "weather")
    project.writeEntry("earthmover_flux", "group", "gfs")
    flux.clear_log()
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    try:
        dock = qgis.utils.plugins["earthmover_flux"].show_dock()
        assert dock.tabs.currentWidget() is dock.data_page
        qtbot.waitUntil(lambda: dock.repo_combo.count() > 0 and dock.service_combo.count() > 0, timeout=30000)
        wait_idle(qtbot, dock)
        repos = [dock.repo_combo.itemText(i) for i in range(dock.repo_combo.count())]
        assert repos == ["climate", "ocean", "weather"]
        assert dock.repo_combo.currentText() == "weather" and dock.group_combo.currentText() == "gfs"
        asked = [e["path"] for e in flux.log()]
        assert any(p.endswith(f"/orgs/{flux.org}/repos/paginated") for p in asked), asked
        assert all(e["auth"] in ("valid", "bearer-valid") or e["status"] == 200 for e in flux.log())
    finally:
        dock.cancel()
        qtbot.waitUntil(lambda: not dock.busy(), timeout=30000)
        qgis.utils.unloadPlugin("earthmover_flux")
