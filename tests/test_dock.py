"""The dock, driven as a person would (pytest-qt), against the local server.

Real widgets in a real (offscreen) main window, real background tasks, real HTTP; the server's
log says what reached it.
"""

import json
import time

import pytest
import qgis.utils
import requests
from earthmover_flux.flux_qgis import auth, layers
from harness import ARTIFACTS
from qgis.core import QgsApplication, QgsNetworkAccessManager, QgsProject
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtWidgets import QApplication, QMessageBox
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
        if widget.task is not None:
            widget.cancel()
            qtbot.waitUntil(lambda: widget.task is None, timeout=30000)
    finally:
        qgis.utils.unloadPlugin("earthmover_flux")  # even after a failure: later tests load it again


def wait_idle(qtbot, dock, timeout=60000):
    qtbot.waitUntil(lambda: dock.task is None, timeout=timeout)


def save_credentials(qtbot, dock, org, key):
    dock.org_edit.clear()
    qtbot.keyClicks(dock.org_edit, org)
    qtbot.keyClicks(dock.key_edit, key)
    qtbot.mouseClick(dock.save_button, Qt.LeftButton)


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
    qtbot.mouseClick(dock.test_button, Qt.LeftButton)
    assert dock.task is not None and dock.progress.isVisible() and dock.cancel_button.isVisible()
    wait_idle(qtbot, dock)
    repos = [dock.repo_combo.itemText(i) for i in range(dock.repo_combo.count())]
    assert repos == ["climate", "ocean"]
    services = [dock.service_combo.itemText(i) for i in range(dock.service_combo.count())]
    assert "wms (wms, private, available)" in services and len(services) == 4
    assert "Connected to 'flux-demo': 2 repositories, 4 services." in dock.status_label.text()
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
    rediscovery = [e for e in flux.log() if "GetCapabilities" in e["query"] or e["path"].endswith("/tiles/")]
    assert not rediscovery, "Add reuses the variable list the dock just fetched"
    assert QgsProject.instance().readEntry("earthmover_flux", "group")[0] == "forecast/surface"
    spec = layers.spec_of(layer)
    assert spec.colormap == "magma" and spec.value_range is not None


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
    save_credentials(qtbot, dock, flux.org, flux.key)
    flux.set_faults({"match": "/api/", "latency": 2.0})
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
    wait_idle(qtbot, dock, timeout=60000)
    timer.stop()
    elapsed = time.monotonic() - started
    assert dock.repo_combo.count() == 2
    assert elapsed >= 4.0, "two API calls with 2 s injected latency each"
    longest = max(gaps)
    (ARTIFACTS / "ui-stall.json").write_text(json.dumps({"longest_gap_ms": round(longest * 1000, 1),
                                                         "discovery_s": round(elapsed, 2),
                                                         "ticks": len(gaps)}))
    print(f"longest UI event-loop gap during discovery: {longest * 1000:.1f} ms over {elapsed:.1f} s")
    assert longest < 2.0, "the UI thread never waited for the network"


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
    save_credentials(qtbot, dock, flux.org, flux.key)
    flux.set_faults(dict(fault, match="/api/"))
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
    save_credentials(qtbot, dock, flux.org, flux.key)
    flux.set_faults({"match": "/api/", "latency": 20})
    qtbot.mouseClick(dock.test_button, Qt.LeftButton)
    qtbot.wait(300)
    qtbot.mouseClick(dock.cancel_button, Qt.LeftButton)
    wait_idle(qtbot, dock, timeout=15000)
    assert "Cancelled" in dock.status_label.text()
    assert dock.repo_combo.count() == 0
    # and the request itself was aborted: the task ends long before the 20 s answer would come
    qtbot.waitUntil(lambda: QgsApplication.taskManager().countActiveTasks() == 0, timeout=10000)
