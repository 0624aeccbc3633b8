"""The secret-leak sweep: every flow the plugin has, run with a recognisable key, then every
artifact searched for it.

Flows: save credentials (dock), WMS and tiles layers (dock and API), EDR point (dock) and area
(API), DAP2 subset (API and dock), each Processing algorithm (processing.run and qgis_process.bin),
make public (dock, confirmed), the Browser tree (items, mime data, Copy as, EDR/DAP2 in the dock),
paste a URL with credentials, a refused key, save and reopen .qgs and .qgz, re-link a shared
project, the layer page (range of the view, a change applied), Identify. Artifacts: project files,
every file of the profile (settings, ini, auth database, network cache), QgsMessageLog messages,
Python logging, this process's stdout/stderr (file descriptors, so C++ output counts),
qgis_process's stdout/stderr, texts shown to the user (status label, message bar), the Browser's
item names, paths, tooltips, mime URIs and copied text, the local server's request log.
"""

import base64
import json
import logging
import time
import zipfile
from urllib.parse import quote

import pytest
import qgis.utils
from earthmover_flux import api
from earthmover_flux.flux_qgis import auth
from harness import ARTIFACTS, MASTER_PASSWORD, PLUGINS_DIR, PROFILE_DIR
from qgis.core import QgsApplication, QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtWidgets import QApplication, QMessageBox
from subprocess_qgis import QGIS_PROCESS, qgis_process_env, run_qgis_process


def _qgis_caches_request_headers(flux, authcfg):
    """Does this QGIS write the request's headers into its network disk cache? QGIS 3.44 does
    (for its handling of Vary, qgis/QGIS#65181): then every authenticated request it caches, a
    Flux tile like any other WMS or XYZ tile, leaves its Authorization header in the profile's
    cache folder. Probed with a harmless header of our own on a cacheable tile request."""
    import uuid

    from qgis.core import QgsNetworkAccessManager
    from qgis.PyQt.QtCore import QUrl
    from qgis.PyQt.QtNetwork import QNetworkRequest

    canary, unique = f"probe-{uuid.uuid4().hex}", uuid.uuid4().int % 10**6
    url = (f"{flux.base_url}/v1/services/tiles/{flux.org}/climate/main/tiles/WebMercatorQuad/0/0/0"
           f"?variables=air&style=raster/viridis&colorscalerange=0,{unique}&f=png&width=256&height=256")
    request = QNetworkRequest(QUrl(url))
    request.setRawHeader(b"X-Flux-Cache-Probe", canary.encode())
    reply = QgsNetworkAccessManager.blockingGet(request, authcfg)
    assert reply.error() == 0, reply.errorString()
    forms = (canary.encode(), canary.encode("utf-16-le"))
    return any(any(form in p.read_bytes() for form in forms)
               for p in (PROFILE_DIR / "netcache").rglob("*") if p.is_file())


def _secret_forms(org, key):
    basic = base64.b64encode(f"{org}:{key}".encode()).decode()
    return {key, quote(key, safe=""), basic, base64.b64encode(key.encode()).decode()}


class Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(self.format(record))


@pytest.fixture
def processing_ready(qgis_app):
    from processing.core.Processing import Processing

    Processing.initialize()
    yield


def _answer_yes_to_next_box():
    def click():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(QMessageBox.Yes).click()
        else:
            QTimer.singleShot(50, click)

    QTimer.singleShot(50, click)


def test_no_flow_leaves_the_key_anywhere(flux, master_password, project, iface, qtbot, tmp_path, capfd,
                                         processing_ready):
    import processing

    key, org = flux.key, flux.org
    messages = []

    def keep_message(text, tag, level):
        messages.append(f"{tag}: {text}")

    QgsApplication.messageLog().messageReceived.connect(keep_message)
    collector = Collector()
    logging.getLogger().addHandler(collector)
    shown, browser_texts = [], []
    auth.remove_credentials(org)
    try:
        assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
        plugin = qgis.utils.plugins["earthmover_flux"]
        dock = plugin.show_dock()

        def idle():
            qtbot.waitUntil(lambda: not dock.busy(), timeout=60000)  # the step and the lists
            shown.append(dock.status_label.text())

        # save credentials in the dock, as a user types them
        dock.org_edit.clear()
        qtbot.keyClicks(dock.org_edit, org)
        qtbot.keyClicks(dock.key_edit, key)
        qtbot.mouseClick(dock.save_button, Qt.LeftButton)
        cfg = auth.find_config(org)
        qtbot.mouseClick(dock.test_button, Qt.LeftButton)
        idle()
        # WMS from the dock, tiles from the API
        dock.protocol_combo.setCurrentText("wms")
        dock.service_combo.setEditText("wms")
        dock.repo_combo.setEditText("climate")
        dock.variable_combo.setEditText("air")
        qtbot.mouseClick(dock.add_button, Qt.LeftButton)
        idle()
        api.add_layer(org, "climate", "dev", "forecast/surface", "tiles", "wind_speed", value_range=(0, 30))
        # EDR: a point from the dock, an area from the API; DAP2 subset into a file the user keeps
        dock.protocol_combo.setCurrentText("edr")
        dock.service_combo.setEditText("edr")
        dock.edr_panel.parameters_edit.setText("air")
        dock.edr_panel.point_edit.setText("10, 20")
        qtbot.mouseClick(dock.edr_panel.point_button, Qt.LeftButton)
        idle()
        api.edr_area(org, "climate", "main", "", "POLYGON((10 20, 14 20, 14 24, 10 24, 10 20))", ["air"])
        api.dap2_subset(org, "climate", "main", "", "air", output=str(tmp_path / "subset.tif"),
                        bbox=(0, 0, 10, 10))
        # DAP2 from the dock: List on protocol dap2, then its page
        dock.protocol_combo.setCurrentText("dap2")
        dock.service_combo.setEditText("dap2")
        dock.repo_combo.setEditText("climate")
        dock.ref_combo.setEditText("main")
        dock.group_combo.setEditText("")
        qtbot.mouseClick(dock.variables_button, Qt.LeftButton)
        idle()
        qtbot.mouseClick(dock.add_button, Qt.LeftButton)
        dock.dap2_panel.start_edit.setText("2024-01-02")
        dock.dap2_panel.end_edit.setText("2024-01-02")
        dock.dap2_panel.output_widget.setFilePath(str(tmp_path / "dock-subset.tif"))
        qtbot.mouseClick(dock.dap2_panel.run_button, Qt.LeftButton)
        idle()
        assert (tmp_path / "dock-subset.tif").exists(), dock.status_label.text()
        # the Browser: every item's name, path and tooltip, the mime data of its variables, what its
        # "Copy as" puts on the clipboard, and the dock it opens for EDR / DAP2
        from earthmover_flux.ui import browser
        from qgis.core import QgsBrowserModel, QgsMimeDataUtils
        from qgis.gui import QgsDataItemGuiContext
        from qgis.PyQt.QtWidgets import QMenu

        # walked as QGIS's Browser walks it: its own model (items from dataItem, never children())
        model = QgsBrowserModel()
        model.initialize()
        stack, variables = [model.findPath(browser.ROOT_PATH)], []
        assert stack[0].isValid()
        while stack:
            index = stack.pop()
            item = model.dataItem(index)
            browser_texts.extend([item.name(), item.path(), item.toolTip()])
            if isinstance(item, browser.VariableItem):
                variables.append(item)
                uris = item.mimeUris()
                browser_texts.extend(u.uri + " " + u.name for u in uris)
                if uris:
                    browser_texts.append(bytes(QgsMimeDataUtils.encodeUriList(uris).data(
                        "application/x-vnd.qgis.qgis.uri")).decode("latin-1"))
            elif not (isinstance(item, browser.RepoItem) and item.name() != "climate"):
                model.fetchMore(index)  # Fast items: "Loading…" at once, the children from a task
                deadline = time.monotonic() + 60
                while isinstance(item, browser.ListingItem) and item.busy() and time.monotonic() < deadline:
                    QApplication.processEvents()
                    time.sleep(0.01)
                stack.extend(model.index(row, 0, index) for row in range(model.rowCount(index)))
        assert {v.info["protocol"] for v in variables} >= {"wms", "tiles", "edr", "dap2"}
        for variable in variables[:8]:
            menu = QMenu()
            browser.FluxDataItemGuiProvider().populateContextMenu(variable, menu, [variable], QgsDataItemGuiContext())
            for action in menu.actions():
                for sub in (action.menu().actions() if action.menu() is not None else []):
                    sub.trigger()
                    browser_texts.append(QApplication.clipboard().text())
        browser.open_in_dock(variables[0], "dap2")
        shown.append(dock.dap2_panel.dataset_label.text())
        browser.open_in_dock(variables[0], "edr")
        shown.append(dock.edr_panel.dataset_label.text())
        idle()
        # every Processing algorithm
        points = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "pts", "memory")
        feature = QgsFeature(points.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(5, 5)))
        feature.setAttributes(["a"])
        points.dataProvider().addFeatures([feature])
        common = {"ORG": org, "REPO": "climate", "REF": "main", "GROUP": "", "AUTHCFG": cfg}
        processing.run("earthmover_flux:add_layer", dict(common, PROTOCOL=0, VARIABLE="air"))
        processing.run("earthmover_flux:edr_sample_points",
                       dict(common, INPUT=points, PARAMETERS="air", OUTPUT="memory:"))
        processing.run("earthmover_flux:edr_area",
                       dict(common, EXTENT="0,4,0,4 [EPSG:4326]", PARAMETERS="air", OUTPUT="memory:"))
        processing.run("earthmover_flux:dap2_subset",
                       dict(common, VARIABLE="air", EXTENT="0,4,0,4 [EPSG:4326]", OUTPUT=str(tmp_path / "alg.tif")))
        # make public, confirmed
        dock.protocol_combo.setCurrentText("tiles")
        dock.service_combo.setEditText("tiles")
        _answer_yes_to_next_box()
        qtbot.mouseClick(dock.public_button, Qt.LeftButton)
        idle()
        # a URL with credentials pasted into the dock
        host = flux.base_url.split("//", 1)[1]
        dock.url_edit.setText(f"http://{org}:{key}@{host}/v1/services/wms/{org}/climate/main/wms?layers=air")
        dock.fill_from_url()
        shown.append(dock.status_label.text())
        # a refused key: the error texts must not echo it
        api.store_credentials(org, key + "-revoked")
        qtbot.mouseClick(dock.test_button, Qt.LeftButton)
        idle()
        api.store_credentials(org, key)
        # save and reopen as .qgs and .qgz
        saved = []
        for suffix in (".qgs", ".qgz"):
            path = tmp_path / f"sweep{suffix}"
            assert QgsProject.instance().write(str(path))
            saved.append(path)
            assert QgsProject.instance().read(str(path))
        # re-link a shared project: this machine gets a new config id for the org
        auth.remove_credentials(org)
        api.store_credentials(org, key)
        assert QgsProject.instance().read(str(saved[1]))
        qtbot.waitUntil(lambda: bool(plugin.pending_relink), timeout=5000)
        plugin.relink_pending()
        # the layer page (Layer Properties): range of the view's data, a change applied; Identify
        from earthmover_flux.flux_qgis.layers import spec_of
        from earthmover_flux.ui.layer_properties import FluxLayerPageFactory
        from qgis.core import QgsRectangle

        flux_layer = next(lyr for lyr in QgsProject.instance().mapLayers().values() if spec_of(lyr) is not None)
        iface.mapCanvas().setExtent(QgsRectangle(0, 0, 2000000, 2000000))
        page = FluxLayerPageFactory().createWidget(flux_layer, iface.mapCanvas(), False, None)
        page.range_from_view()
        qtbot.waitUntil(lambda: page.task is None, timeout=60000)
        page.colormap_combo.setEditText("magma")
        page.apply()
        shown.append(page.status.text())
        iface.mapCanvas().setLayers([flux_layer])
        plugin.identify_hook.identify_at(QgsPointXY(1000000, 1000000))
        qtbot.waitUntil(lambda: not plugin.identify_hook.tasks, timeout=60000)
        shown.extend([r.text() for r in plugin.identify_hook.last_results] + plugin.identify_hook.errors)
        # render everything once more, so QGIS's network cache holds answers fetched with the key
        from render import render

        render([layer for layer in QgsProject.instance().mapLayers().values() if layer.type() == layer.RasterLayer])
        relinked = tmp_path / "relinked.qgz"
        assert QgsProject.instance().write(str(relinked))
        saved.append(relinked)
        shown.extend(iface.messages)
    finally:
        logging.getLogger().removeHandler(collector)
        qgis.utils.unloadPlugin("earthmover_flux")
        QgsApplication.messageLog().messageReceived.disconnect(keep_message)  # later tests' messages are not ours

    # qgis_process.bin too, with its own output
    process_output = ""
    if QGIS_PROCESS and __import__("os").path.exists(QGIS_PROCESS):
        env = qgis_process_env(tmp_path, PROFILE_DIR / "qgis-auth.db", MASTER_PASSWORD, PLUGINS_DIR, flux)
        result = run_qgis_process(env, "run", "earthmover_flux:edr_area", "--", f"ORG={org}", "REPO=climate",
                                  "EXTENT=0,4,0,4 [EPSG:4326]", "PARAMETERS=air",
                                  f"AUTHCFG={auth.find_config(org)}", f"OUTPUT={tmp_path / 'qp.gpkg'}")
        assert result.returncode == 0, result.stderr[-2000:]
        process_output = result.stdout + result.stderr

    QgsApplication.processEvents()
    captured = capfd.readouterr()
    artifacts = {"this process stdout": captured.out, "this process stderr": captured.err,
                 "qgis_process output": process_output, "QgsMessageLog": "\n".join(messages),
                 "Python logging": "\n".join(collector.records), "texts shown to the user": "\n".join(shown),
                 "Browser items, mime data, copied text": "\n".join(browser_texts),
                 "server request log (API)": json.dumps(flux.log())}
    files = [p for p in saved if p.exists()]
    files += [p for p in PROFILE_DIR.rglob("*") if p.is_file()]
    files += [p for p in tmp_path.rglob("*") if p.is_file() and "master-password" not in p.name]
    if flux.log_file:
        files.append(__import__("pathlib").Path(flux.log_file))
    for path in files:
        data = path.read_bytes()
        artifacts[str(path)] = data.decode("latin-1")
        if path.suffix == ".qgz":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    artifacts[f"{path}!{name}"] = archive.read(name).decode("latin-1")
    forms = _secret_forms(org, key)
    hits = [name for name, text in artifacts.items() if any(form in text for form in forms)]
    cache_files = sum(1 for p in files if "netcache" in str(p))
    # QGIS itself may keep request headers in its cache (see _qgis_caches_request_headers): there,
    # and only there, the Basic header (base64 of org:key) is QGIS's doing, not the plugin's; the
    # key itself, in clear or URL-encoded, must still be absent from every cache file
    qgis_header_cache = _qgis_caches_request_headers(flux, auth.find_config(org))
    basic = base64.b64encode(f"{org}:{key}".encode()).decode()
    in_qgis_header_cache = [name for name in hits if qgis_header_cache and "/netcache/" in name
                            and key not in artifacts[name] and quote(key, safe="") not in artifacts[name]
                            and basic in artifacts[name]]
    hits = [name for name in hits if name not in in_qgis_header_cache]
    summary = {"artifacts_searched": len(artifacts), "network_cache_files": cache_files, "leaks": len(hits),
               "qgis_caches_request_headers": qgis_header_cache,
               "basic_header_in_qgis_cache_files": len(in_qgis_header_cache),
               "messages": len(messages), "texts_shown": len(shown)}
    (ARTIFACTS / "secret-sweep.json").write_text(json.dumps(summary))
    print(f"secret sweep: {len(artifacts)} artifacts searched ({cache_files} network cache files), "
          f"{len(hits)} leaks; QGIS caches request headers: {qgis_header_cache} "
          f"({len(in_qgis_header_cache)} cache files hold the Basic header)")
    assert len(artifacts) > 20 and shown and len(browser_texts) > 50
    assert hits == [], f"the key was found in: {hits}"
