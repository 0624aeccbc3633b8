"""The Browser panel's "Earthmover Flux" tree, driven through QGIS's own QgsDataItem API against
the local server: the children of each level, errors as items, the mime data of a variable, the
drop handler and the context menu; the layer it adds renders the data (pixels and request log).
"""

import json
import os
import shutil
import time

import pytest
from earthmover_flux import api
from earthmover_flux.ui import browser
from harness import ARTIFACTS
from qgis.core import Qgis, QgsApplication, QgsBrowserModel, QgsErrorItem, QgsMimeDataUtils, QgsProject
from qgis.gui import QgsDataItemGuiContext, QgsGui
from qgis.PyQt.QtCore import QModelIndex
from qgis.PyQt.QtWidgets import QMenu
from render import render
from subprocess_qgis import NO_REAL_WINDOW, QGIS, XVFB, real_window_profile, run_real_window


def names(items):
    return [item.name() for item in items]


def child(items, name):
    found = [item for item in items if item.name() == name]
    assert found, f"{name!r} not among {names(items)}"
    return found[0]


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        QgsApplication.processEvents()
        time.sleep(0.02)


class Tree:
    """The Browser's own model (QgsBrowserModel) with the plugin's provider, walked as QGIS walks
    it: fetchMore populates an item (every Flux item is Fast: createChildren on this, the UI,
    thread, "Loading…" while its background task lists the children). Items come from the model
    (``dataItem``), never from ``QgsDataItem.children()``, whose Python wrappers would take the
    items over and delete them."""

    def __init__(self):
        self.model = QgsBrowserModel()
        self.model.initialize()

    def index(self, item_or_path):
        if isinstance(item_or_path, QModelIndex):
            return item_or_path
        path = item_or_path if isinstance(item_or_path, str) else item_or_path.path()
        index = self.model.findPath(path)
        assert index.isValid(), f"{path!r} is not in the Browser"
        return index

    def items(self, item_or_path):
        index = self.index(item_or_path)
        return [self.model.dataItem(self.model.index(row, 0, index)) for row in range(self.model.rowCount(index))]

    def expand(self, item_or_path, timeout=60):
        index = self.index(item_or_path)
        item = self.model.dataItem(index)
        self.model.fetchMore(index)
        wait_for(lambda: not (isinstance(item, browser.ListingItem) and item.busy()), timeout)
        QgsApplication.processEvents()
        assert item.state() == Qgis.BrowserItemState.Populated
        return self.items(index)


@pytest.fixture
def tree(flux, credentials):
    browser.register(None)
    try:
        yield Tree()
    finally:
        browser.unregister(None)


def walk(tree, flux, service="wms (wms, private)", repo="climate", ref="main", kind="Branches",
         dataset="(root group)"):
    """Root -> org -> service -> repo -> branches/tags -> ref -> dataset: the items of each level."""
    levels = {"root": tree.model.dataItem(tree.index(browser.ROOT_PATH))}
    levels["orgs"] = tree.expand(browser.ROOT_PATH)
    levels["services"] = tree.expand(child(levels["orgs"], flux.org))
    levels["repos"] = tree.expand(child(levels["services"], service))
    levels["folders"] = tree.expand(child(levels["repos"], repo))
    levels["refs"] = tree.expand(child(levels["folders"], kind))
    levels["datasets"] = tree.expand(child(levels["refs"], ref))
    levels["variables"] = tree.expand(child(levels["datasets"], dataset))
    return levels


def test_each_level_lists_what_the_server_has(flux, tree):
    flux.clear_log()
    levels = walk(tree, flux, ref="main", dataset="forecast/surface")
    assert flux.org in names(levels["orgs"])
    assert names(levels["services"]) == ["dap2 (dap2, private)", "edr (edr, private)", "tiles (tiles, private)",
                                         "wms (wms, private)"]
    assert names(levels["repos"]) == ["climate", "ocean", "weather"]
    assert names(levels["folders"]) == ["Branches", "Tags"]
    assert names(levels["refs"]) == ["dev", "main"]  # the Browser sorts by name
    assert names(levels["datasets"]) == ["(root group)", "forecast/surface"]
    assert names(levels["variables"]) == ["wind_speed"]
    tags = tree.expand(child(levels["folders"], "Tags"))
    assert names(tags) == ["v1"]
    # every list came from the server, with valid credentials
    log = flux.log()
    asked = [e["path"].split(f"/{flux.org}/", 1)[1] for e in log if e["kind"] == "compute"]
    assert asked[:3] == ["_meta/discovery", "_meta/discovery/climate", "_meta/discovery/climate/main"]
    assert any(p.startswith("climate/main/forecast/surface/wms") for p in asked), asked
    assert any(e["path"] == f"/api/compute/orgs/{flux.org}/services" for e in log)
    assert all(e["auth"] == "valid" and e["status"] == 200 for e in log), log
    # nothing in the tree holds or shows the key
    shown = []
    for items in levels.values():
        for item in items if isinstance(items, list) else [items]:
            shown += [item.name(), item.path(), item.toolTip()]
    assert not [s for s in shown if flux.key in s]


def test_children_load_in_a_task_while_the_item_shows_loading(flux, tree):
    """QGIS's own populate: the item is Fast, so createChildren runs on the UI thread (never in the
    Browser's worker threads) and shows "Loading…" at once; the services come from a background
    task, and the item then refreshes itself with them."""
    import threading

    org = child(tree.expand(browser.ROOT_PATH), flux.org)
    flux.set_faults({"match": "/api/compute", "latency": 1.0, "times": 1})
    seen = []
    real = browser.OrgItem.make_children
    browser.OrgItem.make_children = lambda self, data: seen.append(threading.current_thread().name) or real(self, data)
    try:
        tree.model.fetchMore(tree.index(org))
        assert names(tree.items(org)) == ["Loading…"] and org.busy()
        wait_for(lambda: not org.busy())
    finally:
        browser.OrgItem.make_children = real
    assert org.state() == Qgis.BrowserItemState.Populated
    assert "tiles (tiles, private)" in names(tree.items(org)) and "Loading…" not in names(tree.items(org))
    assert seen == [threading.main_thread().name]


def test_failures_become_error_items_with_the_sentence(flux, tree):
    services = tree.expand(child(tree.expand(browser.ROOT_PATH), flux.org))
    flux.set_faults({"match": "/_meta/discovery", "status": 404})
    repos = tree.expand(child(services, "wms (wms, private)"))
    assert len(repos) == 1 and isinstance(repos[0], QgsErrorItem)
    assert "discovery (_meta)" in repos[0].name()
    flux.set_faults({"match": "/api/compute", "status": 503})
    org = child(tree.items(browser.ROOT_PATH), flux.org)
    org.refresh()  # the context menu's Refresh: listed again
    wait_for(lambda: not org.busy())
    listed = tree.items(org)
    assert isinstance(listed[0], QgsErrorItem) and "unavailable" in listed[0].name()


def _air_item(tree, flux, service="wms (wms, private)"):
    # tag v1, not main: the map tests of test_layers.py ask main's tiles and count the requests that reach
    # the server, which QGIS would answer from its tile cache had these tests asked the same URLs first
    variables = walk(tree, flux, service=service, kind="Tags", ref="v1")["variables"]
    assert names(variables) == ["air"]
    return variables[0]


def assert_air_rendered(flux, layer, name):
    image = render([layer])
    image.save(str(ARTIFACTS / f"browser-{name}.png"))
    # air (flux_server/samples.air): warm at the equator, cold near the poles (viridis: yellow vs purple)
    equator = image.pixelColor(image.width() // 2, image.height() // 2)
    polar = image.pixelColor(image.width() // 2, 8)
    assert equator.alpha() > 0 and polar.alpha() > 0
    assert equator.green() > polar.green() + 60, (equator.getRgb(), polar.getRgb())


def test_drag_a_variable_adds_a_layer_that_renders(flux, credentials, project, tree):
    item = _air_item(tree, flux)
    assert item.hasDragEnabled()
    uris = item.mimeUris()
    assert len(uris) == 1
    uri = uris[0]
    assert uri.providerKey == "earthmover_flux" and uri.layerType == "custom"
    info = json.loads(uri.uri)
    assert info["authcfg"] == credentials and info["variable"] == "air" and info["service"] == "wms"
    assert info["ref"] == "v1"
    # through Qt's own mime data and back, as a drag does
    mime = QgsMimeDataUtils.encodeUriList(uris)
    assert flux.key.encode() not in bytes(mime.data("application/x-vnd.qgis.qgis.uri"))
    decoded = QgsMimeDataUtils.decodeUriList(mime)[0]
    flux.clear_log()
    added = []
    QgsProject.instance().layerWasAdded.connect(added.append)
    browser.FluxDropHandler().handleCustomUriDrop(decoded)
    wait_for(lambda: added)
    layer = added[0]
    assert layer.isValid() and f"authcfg={credentials}" in layer.source() and flux.key not in layer.source()
    assert_air_rendered(flux, layer, "wms")
    getmaps = [e for e in flux.log() if "GetMap" in e["query"]]
    assert getmaps and all(e["status"] == 200 and e["auth"] == "valid" for e in getmaps)


def test_double_click_and_add_as_tiles(flux, credentials, project, tree):
    item = _air_item(tree, flux)
    added = []
    QgsProject.instance().layerWasAdded.connect(added.append)
    assert browser.FluxDataItemGuiProvider().handleDoubleClick(item, QgsDataItemGuiContext())
    wait_for(lambda: added)
    assert "/v1/services/wms/" in added[0].source()
    flux.clear_log()
    layer = browser.add_variable(item.info, "tiles")  # the context menu's "Add as Tiles Layer"
    assert "/v1/services/tiles/" in layer.source()
    assert_air_rendered(flux, layer, "tiles")
    tiles = [e for e in flux.log() if "/tiles/WebMercatorQuad/" in e["path"]]
    assert tiles and all(e["status"] == 200 and e["auth"] == "valid" for e in tiles)


def test_a_service_with_its_own_url_is_browsed_and_added_there(flux, credentials, project, tree):
    flux._control("POST", "/_flux/deployments", {"org": flux.org, "name": "wms-edge", "service_type": "wms",
                                                 "path_prefix": "/edge"})
    flux.clear_log()
    item = _air_item(tree, flux, service="wms-edge (wms, private)")
    assert item.info["compute_url"] == f"{flux.base_url}/edge"
    layer = browser.add_variable(item.info)
    assert "/edge/v1/services/wms-edge/" in layer.source()
    copied = browser.copy_as(item.info, "url")
    assert copied == f"{flux.base_url}/edge/v1/services/wms-edge/{flux.org}/climate/v1/wms/"
    assert_air_rendered(flux, layer, "edge")
    compute = [e for e in flux.log() if e["kind"] == "compute"]
    assert compute and all(e["path"].startswith("/edge/v1/services/wms-edge/") for e in compute)
    assert all(e["status"] == 200 and e["auth"] == "valid" for e in compute)


def menu_actions(item):
    menu = QMenu()
    browser.FluxDataItemGuiProvider().populateContextMenu(item, menu, [item], QgsDataItemGuiContext())
    found = {}
    for action in menu.actions():
        if action.menu() is not None:
            found.update({f"{action.text()}/{a.text()}": a for a in action.menu().actions()})
        found[action.text()] = action
    return menu, found


def test_context_menus_copy_and_delete_with_confirmation(flux, credentials, monkeypatch, tree):
    item = _air_item(tree, flux)
    _menu, actions = menu_actions(item)
    assert {"Add as WMS Layer", "Add as Tiles Layer", "Copy as/curl command"} <= set(actions)
    actions["Copy as/curl command"].trigger()
    copied = QgsApplication.clipboard().text()
    assert copied.startswith("curl") and "/v1/services/wms/flux-demo/climate/v1/wms" in copied
    assert flux.key not in copied

    root = tree.model.dataItem(tree.index(browser.ROOT_PATH))
    _menu, root_actions = menu_actions(root)
    assert "New Connection…" in root_actions
    services = tree.items(child(tree.items(browser.ROOT_PATH), flux.org))
    edr = child(services, "edr (edr, private)")
    _menu, service_actions = menu_actions(edr)
    assert {"Make Public…", "Delete Service…", "Refresh"} <= set(service_actions)

    asked = []
    monkeypatch.setattr(browser, "confirm", lambda parent, title, text: asked.append(text) or False)
    flux.clear_log()
    assert browser.delete_service(edr) is None
    assert "edr" in asked[0] and not [e for e in flux.log() if e["method"] == "DELETE"]
    monkeypatch.setattr(browser, "confirm", lambda parent, title, text: True)
    outcome = []
    assert browser.delete_service(edr, on_done=lambda result, error: outcome.append(error)) is not None
    wait_for(lambda: outcome)
    assert outcome == [None]
    assert "edr" not in [s.name for s in api.list_services(flux.org)]

    tiles = child(services, "tiles (tiles, private)")
    made = []
    browser.make_public(tiles, on_done=lambda result, error: made.append((result, error)))
    wait_for(lambda: made)
    created, error = made[0]
    assert error is None and created.name == "tiles-public" and created.is_public
    assert [s.name for s in api.list_public_services(flux.org)] == ["tiles-public"]


def test_new_connection_adds_an_organization(flux, credentials, monkeypatch, tree):
    from earthmover_flux.flux_qgis import auth

    tree.expand(browser.ROOT_PATH)
    root = tree.model.dataItem(tree.index(browser.ROOT_PATH))
    monkeypatch.setattr(browser, "ask_new_connection", lambda parent: (flux.other_org, flux.other_key))
    try:
        cfg = browser.new_connection(root)
        assert cfg and auth.find_config(flux.other_org) == cfg
        orgs = tree.items(browser.ROOT_PATH)
        assert {flux.org, flux.other_org} <= set(names(orgs))
        other = child(orgs, flux.other_org)
        assert other.authcfg == cfg and flux.other_key not in other.toolTip()
        assert names(tree.expand(other)) == ["wms (wms, private)"]
        monkeypatch.setattr(browser, "ask_new_connection", lambda parent: None)  # Cancel
        assert browser.new_connection(root) is None
    finally:
        auth.remove_credentials(flux.other_org)


@pytest.mark.parametrize("service", ["edr (edr, private)"])
def test_edr_datasets_list_parameters(flux, credentials, service, tree):
    variables = walk(tree, flux, service=service)["variables"]
    assert names(variables) == ["air"]
    # a variable of an EDR service is added on a map service of the org
    args = browser.layer_arguments(variables[0].info)
    assert args["protocol"] in ("wms", "tiles")


def test_the_plugin_registers_the_browser_provider_and_removes_it(iface, flux):
    import qgis.utils

    registry = QgsApplication.dataItemProviderRegistry()
    assert registry.provider("Earthmover Flux") is None
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    try:
        provider = registry.provider("Earthmover Flux")
        assert provider is not None and provider.dataProviderKey() == "earthmover_flux"
        root = provider.createDataItem("", None)
        assert root.name() == "Earthmover Flux" and root.path() == "earthmover-flux:"
        assert "Earthmover Flux" in [p.name() for p in QgsGui.dataItemGuiProviderRegistry().providers()]
    finally:
        assert qgis.utils.unloadPlugin("earthmover_flux")
    assert registry.provider("Earthmover Flux") is None
    assert "Earthmover Flux" not in [p.name() for p in QgsGui.dataItemGuiProviderRegistry().providers()]


# -- the real qgis window under Xvfb: the tree in QGIS's own Browser panel -----------------------
BROWSER_STARTUP = """
import json, traceback
from qgis.PyQt.QtCore import QTimer, Qt
from qgis.PyQt.QtWidgets import QDockWidget
from qgis.gui import QgsBrowserTreeView
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import QApplication, QTreeView
from qgis.utils import iface, active_plugins


def browser_view(dock):
    # QGIS's own dock view is a private subclass of QgsBrowserTreeView: Python sees a QTreeView
    trees = dock.findChildren(QTreeView)
    return sip.cast(trees[0], QgsBrowserTreeView) if trees else None

result = {{"active": list(active_plugins)}}
PATHS = {paths!r}
state = {{"ticks": 0}}

def finish():
    try:
        dock = [d for d in iface.mainWindow().findChildren(QDockWidget) if d.objectName() == "Browser"][0]
        view = browser_view(dock)
        iface.mainWindow().grab().save({window_shot!r})
        if view is None:
            result["error"] = "no browser view: " + repr([(type(w).__name__, w.objectName()) for w in
                                                           dock.findChildren(QTreeView)]) + repr(dock.isVisible())
            json.dump(result, open({out!r}, "w"))
            iface.actionExit().trigger()
            return
        names, model = [], view.model()
        def collect(parent, depth):
            for row in range(model.rowCount(parent)):
                index = model.index(row, 0, parent)
                if view.isExpanded(parent) or depth == 0:
                    names.append("  " * depth + model.data(index))
                    collect(index, depth + 1)
        collect(view.rootIndex(), 0)
        result["tree"] = names
        root = view.model().mapFromSource(view.browserModel().findPath(PATHS[0]))
        view.scrollTo(root, QTreeView.ScrollHint.PositionAtTop)
        QApplication.processEvents()
        dock.grab().save({shot!r})
        iface.mainWindow().grab().save({window_shot!r})
    except Exception:
        result["error"] = traceback.format_exc()
    json.dump(result, open({out!r}, "w"))
    QTimer.singleShot(200, iface.actionExit().trigger)

def expand():
    try:
        from earthmover_flux import api
        dock = [d for d in iface.mainWindow().findChildren(QDockWidget) if d.objectName() == "Browser"][0]
        if state["ticks"] == 0:
            from qgis.core import QgsApplication
            QgsApplication.authManager().setMasterPassword("xvfb-master", True)  # no dialog
            api.store_credentials({org!r}, {key!r})
            for other in iface.mainWindow().findChildren(QDockWidget):
                if other is not dock and other.isVisible():
                    other.hide()  # the whole left side for the Browser, for the picture
            dock.show()
            dock.raise_()
            iface.mainWindow().resizeDocks([dock], [460], Qt.Orientation.Horizontal)
        state["ticks"] += 1
        view = browser_view(dock)
        if view is not None and view.browserModel() is not None:
            if not state.get("reloaded"):
                view.browserModel().reload()  # the org was saved after the Browser was filled
                state["reloaded"] = True
            source, proxy = view.browserModel(), view.model()
            for path in PATHS:
                index = source.findPath(path)
                if index.isValid():
                    view.expand(proxy.mapFromSource(index))
        if state["ticks"] < 40:
            QTimer.singleShot(300, expand)
        else:
            finish()
    except Exception:
        result["error"] = traceback.format_exc()
        json.dump(result, open({out!r}, "w"))
        iface.actionExit().trigger()

QTimer.singleShot(2500, expand)

def give_up():  # a modal dialog nobody answers: show it, and end
    iface.mainWindow().grab().save({window_shot!r})
    result["error"] = "gave up after 60 s (a modal dialog?)"
    json.dump(result, open({out!r}, "w"))
    import os
    os._exit(3)

QTimer.singleShot(60000, give_up)
"""


@pytest.mark.skipif(not (QGIS and XVFB), reason=NO_REAL_WINDOW)
def test_browser_tree_in_a_real_qgis_window(tmp_path, flux):
    from harness import REPO_ROOT

    real_window_profile(tmp_path)
    root = "earthmover-flux:"
    org = f"{root}/{flux.org}"
    ref = f"{org}/wms/climate/branches/main"
    paths = [root, org, f"{org}/wms", f"{org}/wms/climate", f"{org}/wms/climate/branches",
             f"{org}/wms/climate/tags", ref, f"{ref}/.", f"{ref}/forecast/surface"]
    out, shot = tmp_path / "result.json", ARTIFACTS / "browser-tree.png"
    window_shot = ARTIFACTS / "browser-window.png"
    script = tmp_path / "startup.py"
    script.write_text(BROWSER_STARTUP.format(paths=paths, out=str(out), shot=str(shot), window_shot=str(window_shot),
                                             org=flux.org, key=flux.key))
    flux.clear_log()
    run = run_real_window(tmp_path, script, timeout=300)
    assert out.exists(), f"QGIS did not run the startup script (rc {run.returncode}):\n{run.stderr[-3000:]}"
    data = json.loads(out.read_text())
    assert "error" not in data, data.get("error")
    tree = [line.strip() for line in data["tree"]]
    for expected in ("Earthmover Flux", flux.org, "wms (wms, private)", "climate", "Branches", "Tags", "main",
                     "v1", "(root group)", "forecast/surface", "air", "wind_speed"):
        assert expected in tree, (expected, data["tree"])
    assert not [line for line in tree if flux.key in line]
    meta = [e for e in flux.log() if "/_meta/" in e["path"]]
    assert meta and all(e["auth"] == "valid" and e["status"] == 200 for e in meta)
    assert shot.exists() and shot.stat().st_size > 5000
    if os.environ.get("FLUX_BROWSER_DOCS"):
        shutil.copy(shot, REPO_ROOT / "docs" / "browser.png")
