# A user's session in the real QGIS window, run by `qgis --code scripts/e2e_session.py` (tests/test_e2e.py).
#
# Drives the Earthmover Flux dock through its widgets (found by objectName, clicked and typed into with
# QTest) against the local Flux server: credentials, Test connection, a WMS and a tiles layer picked from
# the lists, one Temporal Controller step, an EDR point query, a service made public after the
# confirmation. After each step it waits for the map canvas to finish rendering, saves a screenshot and
# checks pixels and layer states. Results go to $FLUX_E2E_OUT/result.json; then QGIS quits.
#
# Never blocks the event loop: the scenario is a generator whose `yield <condition>` hands control
# back to QGIS until the condition holds (polled by a QTimer).
#
# Environment: FLUX_E2E_OUT (folder for result.json and screenshots), FLUX_E2E_ORG, FLUX_E2E_KEY,
# QGIS_AUTH_PASSWORD_FILE and FLUX_E2E_PASSWORD_FILE (the master password, set once on this brand-new
# profile),
# FLUX_E2E_TIMEOUT (seconds for the whole session, default 240).

import json
import os
import sys
import time
import traceback

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsInterval,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsTemporalNavigationObject,
)
from qgis.PyQt.QtCore import QPoint, Qt, QTimer
from qgis.PyQt.QtGui import QImage
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import (
    QAction,
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
)
from qgis.utils import iface

OUT = os.environ["FLUX_E2E_OUT"]
ORG = os.environ["FLUX_E2E_ORG"]
KEY = os.environ["FLUX_E2E_KEY"]
SESSION_TIMEOUT = float(os.environ.get("FLUX_E2E_TIMEOUT", "180"))
STEP_TIMEOUT = 90.0
PLUGIN = "earthmover_flux"

RESULT = {"qgis_version": Qgis.QGIS_VERSION, "steps": [], "python_errors": [], "finished": False}
_started = time.monotonic()


# ------------------------------------------------------------------ Python errors QGIS logs
def _on_message(message, tag, level):
    if tag == "Python" and level == Qgis.Critical:
        RESULT["python_errors"].append(message[-3000:])


QgsApplication.messageLog().messageReceived.connect(_on_message)
_previous_hook = sys.excepthook


def _excepthook(kind, value, tb):
    RESULT["python_errors"].append("".join(traceback.format_exception(kind, value, tb))[-3000:])
    _previous_hook(kind, value, tb)


sys.excepthook = _excepthook


# ------------------------------------------------------------------ helpers
def trace(text):
    """One line per action in progress.log, flushed: what the session was doing if QGIS dies."""
    with open(os.path.join(OUT, "progress.log"), "a") as handle:
        handle.write(f"{time.monotonic() - _started:7.2f} {text}\n")


def write_result():
    RESULT["seconds"] = round(time.monotonic() - _started, 1)
    with open(os.path.join(OUT, "result.json.tmp"), "w") as handle:
        json.dump(RESULT, handle, indent=2, default=str)
    os.replace(os.path.join(OUT, "result.json.tmp"), os.path.join(OUT, "result.json"))


def window():
    return iface.mainWindow()


def dock():
    return window().findChild(QDockWidget, "EarthmoverFluxDock")


def widget(cls, name):
    found = dock().findChild(cls, name)
    if found is None:
        raise AssertionError(f"no {cls.__name__} named {name!r} in the dock")
    return found


def click(w):
    trace(f"click {w.objectName() or w.text()}")
    QTest.mouseClick(w, Qt.LeftButton, Qt.NoModifier, w.rect().center())


def type_into(edit, text):
    trace(f"type into {edit.objectName()}")
    edit.setFocus()
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key_Delete)
    QTest.keyClicks(edit, text)


def combo_items(combo):
    return [combo.itemText(i) for i in range(combo.count())]


def pick(combo, text=None, data=None):
    """Choose an entry that the combo box lists (as a user picking it from the drop-down)."""
    trace(f"pick {text or data!r} in {combo.objectName()}")
    index = combo.findData(data) if data is not None else combo.findText(text)
    if index < 0:
        raise AssertionError(f"{combo.objectName()}: {text or data!r} not among {combo_items(combo)}")
    combo.setFocus()
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a choice in the drop-down sends (the dock then lists what follows)
    return combo.currentText()


def idle():
    return not dock().busy()  # neither a step nor a list that loads by itself is running


def page(name):
    """Click the dock's tab of the page ``name`` (connectionPage, dataPage, edrPage, dap2Page)."""
    tabs = dock().findChild(QTabWidget, "dockTabs")
    index = tabs.indexOf(dock().findChild(QScrollArea, name))
    if index < 0:
        raise AssertionError(f"the dock has no page {name!r}")
    trace(f"page {name}")
    QTest.mouseClick(tabs.tabBar(), Qt.LeftButton, Qt.NoModifier, tabs.tabBar().tabRect(index).center())
    assert tabs.currentIndex() == index


class Canvas:
    """Counts finished canvas renders, so a step can wait for the render its change caused."""

    def __init__(self):
        self.canvas = iface.mapCanvas()
        self.renders = 0
        self.canvas.mapCanvasRefreshed.connect(self._done)

    def _done(self):
        self.renders += 1

    def refresh(self):
        """Ask for a render; returns the condition 'that render (or a later one) has finished'."""
        target = self.renders + 1
        self.canvas.refresh()
        return lambda: self.renders >= target and not self.canvas.isDrawing()

    def image(self):
        return self.canvas.grab().toImage().convertToFormat(QImage.Format_RGB32)


def image_stats(image):
    """(distinct colours, fraction of non-white pixels) on a sampling grid."""
    colours, coloured, total = set(), 0, 0
    step = max(1, image.width() // 160)
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            rgb = image.pixel(x, y) & 0xFFFFFF
            total += 1
            colours.add(rgb)
            if rgb != 0xFFFFFF:
                coloured += 1
    return len(colours), round(coloured / max(total, 1), 3)


def changed_fraction(a, b):
    step = max(1, a.width() // 160)
    count = total = 0
    for y in range(0, min(a.height(), b.height()), step):
        for x in range(0, min(a.width(), b.width()), step):
            total += 1
            count += a.pixel(x, y) != b.pixel(x, y)
    return round(count / max(total, 1), 3)


def flux_spec(layer):
    from earthmover_flux.flux_qgis import layers

    return layers.spec_of(layer)


def getmap_times():
    """(TIMEs of the WMS GetMaps QGIS sends from now on, preprocessor id to remove).

    A request preprocessor sees every request QGIS makes, in whichever thread renders.
    """
    from qgis.core import QgsNetworkAccessManager
    from qgis.PyQt.QtCore import QUrl, QUrlQuery

    times = []

    def seen(request):
        query = QUrlQuery(request.url())
        if query.queryItemValue("REQUEST") == "GetMap" and query.hasQueryItem("TIME"):
            times.append(query.queryItemValue("TIME", QUrl.FullyDecoded))

    return times, QgsNetworkAccessManager.setRequestPreprocessor(seen)


def layer_state(layer):
    spec = flux_spec(layer)
    props = layer.temporalProperties()
    state = {"name": layer.name(), "valid": layer.isValid(), "provider": layer.providerType(),
             "temporal_active": bool(props and props.isActive()),
             "key_in_source": KEY in layer.source(), "authcfg_in_source": "authcfg=" in layer.source()}
    if spec is not None:
        state.update(time=spec.time, colormap=spec.colormap, protocol=spec.location.protocol,
                     value_range=list(spec.value_range) if spec.value_range else None)
    if hasattr(layer, "featureCount"):
        state["features"] = layer.featureCount()
    return state


def legend_entries(layer):
    model = iface.layerTreeView().layerTreeModel()
    node = QgsProject.instance().layerTreeRoot().findLayer(layer.id())
    return len(model.layerLegendNodes(node)) if node is not None else 0


def answer_next_message_box(button, seen, shot=None):
    """Press `button` on the next modal QMessageBox (the plugin's real confirmation dialog)."""

    def look():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen["title"], seen["text"] = box.windowTitle(), box.text()
            if shot:
                box.grab().save(shot)
            click(box.button(button))
        else:
            QTimer.singleShot(50, look)

    QTimer.singleShot(50, look)


def until(condition, what, timeout=STEP_TIMEOUT):
    trace(f"wait for {what}")
    return (condition, what, timeout)


# ------------------------------------------------------------------ the scenario
def scenario(step):
    canvas = Canvas()
    project = QgsProject.instance()

    # 1. the toolbar button opens the dock
    with step("open the dock", "01-dock-opened") as s:
        action = window().findChild(QAction, "earthmoverFluxAction")
        assert action is not None, "no earthmoverFluxAction"
        button = iface.pluginToolBar().widgetForAction(action)
        if button is not None and button.isVisible():
            click(button)
        else:
            action.trigger()
            s["note"] = "toolbar button not visible: action triggered"
        yield until(lambda: dock() is not None and dock().isVisible(), "the dock to show")
        window().resizeDocks([dock()], [520], Qt.Horizontal)  # as a user widens it to read the fields
        module = sys.modules.get(PLUGIN)
        s["checks"] = {"dock_visible": dock().isVisible(), "plugin_file": getattr(module, "__file__", ""),
                       "settings_dir": QgsApplication.qgisSettingsDirPath()}

    # 2. organization and key, Save
    with step("save credentials", "02-credentials-saved") as s:
        page("connectionPage")
        type_into(widget(QLineEdit, "orgEdit"), ORG)
        type_into(widget(QLineEdit, "keyEdit"), KEY)
        click(widget(QPushButton, "saveButton"))
        # Save stores the key at once (the message says so), then the lists load and say what they found
        status = widget(QLabel, "statusLabel").text()
        from earthmover_flux.flux_qgis import auth

        yield until(lambda: auth.find_config(ORG), "the credentials to be saved", 20)
        s["checks"] = {"status": status,
                       "key_left_in_widget": widget(QLineEdit, "keyEdit").text() != "",
                       "authcfg": auth.find_config(ORG) or ""}
        # the lists load by themselves once the key is saved, and the Data page shows
        yield until(idle, "the lists Save starts to load")
        s["checks"].update(repos_after_save=combo_items(widget(QComboBox, "repoCombo")),
                           page_after_save=dock().findChild(QTabWidget, "dockTabs").currentWidget().objectName())

    # 3. Test connection fills the repositories and services
    with step("test connection", "03-connected") as s:
        page("connectionPage")
        click(widget(QPushButton, "testButton"))
        yield until(idle, "Test connection to finish")
        s["checks"] = {"status": widget(QLabel, "statusLabel").text(),
                       "repos": combo_items(widget(QComboBox, "repoCombo")),
                       "services": combo_items(widget(QComboBox, "serviceCombo"))}

    # 4. protocol, service, repository, ref, group and variable from the lists, then Add (WMS)
    def choose(protocol, repo="climate", ref="main", group=""):
        page("dataPage")
        pick(widget(QComboBox, "protocolCombo"), protocol)
        pick(widget(QComboBox, "serviceCombo"), data=protocol)
        pick(widget(QComboBox, "repoCombo"), repo)
        pick(widget(QComboBox, "refCombo"), ref)
        pick(widget(QComboBox, "groupCombo"), group)

    def list_and_pick_variable(name):
        click(widget(QPushButton, "variablesButton"))
        yield until(idle, "List variables to finish")
        variables = widget(QComboBox, "variableCombo")
        index = variables.findData(name)
        assert index >= 0, f"{name} not listed: {combo_items(variables)}; {widget(QLabel, 'statusLabel').text()}"
        variables.setCurrentIndex(index)

    def added_layer(names_before):
        new = [layer for layer in project.mapLayers().values() if layer.id() not in names_before]
        return new[0] if new else None

    def add_from_dock(protocol, colormap):
        """Protocol, variable from the list, colormap, Add; returns the new layer (a generator step)."""
        choose(protocol)
        yield from list_and_pick_variable("air")
        pick(widget(QComboBox, "colormapCombo"), colormap)
        before = set(project.mapLayers())
        click(widget(QPushButton, "addButton"))
        yield until(idle, f"Add layer ({protocol}) to finish")
        layer = added_layer(before)
        assert layer is not None, widget(QLabel, "statusLabel").text()
        return layer

    with step("add a WMS layer", "04-wms-layer") as s:
        wms = yield from add_from_dock("wms", "viridis")
        iface.layerTreeView().setCurrentLayer(wms)
        iface.zoomToActiveLayer()  # View > Zoom to Layer
        yield until(canvas.refresh(), "the WMS layer to render")
        image = canvas.image()
        s["checks"] = {"layer": layer_state(wms), "canvas": image_stats(image), "legend_entries": legend_entries(wms),
                       "status": widget(QLabel, "statusLabel").text(),
                       "variables": combo_items(widget(QComboBox, "variableCombo"))}
        s["docs"] = {"dock.png": dock().grab(), "wms-layer-legend.png": window().grab()}

    # 5. the same data as OGC tiles
    with step("add a tiles layer", "05-tiles-layer") as s:
        tiles = yield from add_from_dock("tiles", "plasma")
        # the tiles layer on its own: untick the WMS layer in the Layers panel, look, tick it again
        wms_node = project.layerTreeRoot().findLayer(wms.id())
        wms_node.setItemVisibilityChecked(False)
        yield until(canvas.refresh(), "the tiles layer to render")
        alone = canvas.image()
        window().grab().save(os.path.join(OUT, "05-tiles-alone.png"))
        wms_node.setItemVisibilityChecked(True)
        yield until(canvas.refresh(), "both layers to render")
        s["checks"] = {"layer": layer_state(tiles), "canvas_tiles_alone": image_stats(alone),
                       "canvas": image_stats(canvas.image()), "legend_entries": legend_entries(tiles),
                       "status": widget(QLabel, "statusLabel").text()}

    # 6. the Temporal Controller, one step forward
    with step("temporal controller step", "06-temporal-step") as s:
        panel_action = window().findChild(QAction, "mActionTemporalController")
        panel = None
        if panel_action is not None and not panel_action.isChecked():
            panel_action.trigger()
        for candidate in window().findChildren(QDockWidget):
            if "temporal" in candidate.objectName().lower() or "Temporal" in candidate.windowTitle():
                panel = candidate
        controller = canvas.canvas.temporalController()
        # the data's whole axis (a tiles layer's own fixed range is its one step; WMS-T layers have none)
        from earthmover_flux.flux_qgis.layers import time_range

        extent = time_range(flux_spec(tiles).time_axis)
        asked, recorder = getmap_times()
        controller.setNavigationMode(QgsTemporalNavigationObject.Animated)
        controller.setTemporalExtents(extent)
        controller.setFrameDuration(QgsInterval(86400))  # 1 day
        controller.setCurrentFrameNumber(0)
        yield until(canvas.refresh(), "the first time step to render")
        # WMS: the TIME of the GetMap QGIS sends for this canvas; tiles: the time in the layer's URL
        times_before = {"wms": asked[-1] if asked else "", "tiles": flux_spec(tiles).time}
        first = canvas.image()
        controller.next()
        yield until(lambda: flux_spec(tiles).time != times_before["tiles"], "the layers to follow the controller", 20)
        yield until(canvas.refresh(), "the next time step to render")
        second = canvas.image()
        frame = controller.dateTimeRangeForFrameNumber(controller.currentFrameNumber())
        s["checks"] = {"extent": [extent.begin().toString(Qt.ISODate), extent.end().toString(Qt.ISODate)],
                       "frame": controller.currentFrameNumber(),
                       "frame_begin": frame.begin().toString(Qt.ISODate),
                       "times_before": times_before,
                       "times_after": {"wms": asked[-1] if asked else "", "tiles": flux_spec(tiles).time},
                       "panel_visible": bool(panel and panel.isVisible()),
                       "canvas": image_stats(second), "changed": changed_fraction(first, second),
                       "layers": [layer_state(wms), layer_state(tiles)]}
        s["docs"] = {"temporal-controller.png": window().grab()}
        from qgis.core import QgsNetworkAccessManager

        QgsNetworkAccessManager.removeRequestPreprocessor(recorder)

    # 7. an EDR query at a typed point
    with step("EDR point query", "07-edr-point") as s:
        point_edit = dock().findChild(QLineEdit, "edrPointEdit")
        query_button = dock().findChild(QPushButton, "edrQueryPointButton")
        if point_edit is None or query_button is None:
            s["skipped"] = "the dock has no edrPointEdit / edrQueryPointButton yet"
        else:
            choose("edr")
            click(widget(QPushButton, "variablesButton"))
            yield until(idle, "List variables (edr) to finish")
            click(widget(QPushButton, "addButton"))  # for edr: "EDR queries…", its page
            parameters = widget(QLineEdit, "edrParametersEdit").text()
            type_into(point_edit, "10, 20")
            before = set(project.mapLayers())
            click(query_button)
            yield until(idle, "the EDR query to finish")
            edr = added_layer(before)
            assert edr is not None, widget(QLabel, "statusLabel").text()
            # look at the point: the Layers panel's layer, zoomed out around it; its values in the table
            iface.layerTreeView().setCurrentLayer(edr)
            to_map = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"),
                                            canvas.canvas.mapSettings().destinationCrs(), project)
            canvas.canvas.setExtent(to_map.transformBoundingBox(QgsRectangle(-25, -5, 45, 45)))
            table = iface.showAttributeTable(edr)
            yield until(canvas.refresh(), "the EDR point to render")
            fields = [f.name() for f in edr.fields()]
            rows = [{name: f[name].toString(Qt.ISODate) if hasattr(f[name], "toString") else f[name]
                     for name in fields} for f in edr.getFeatures()]
            s["checks"] = {"parameters": parameters, "layer": layer_state(edr), "fields": fields, "rows": rows,
                           "variables": combo_items(widget(QComboBox, "variableCombo")),
                           "status": widget(QLabel, "statusLabel").text(), "canvas": image_stats(canvas.image()),
                           "attribute_table": table is not None}
            s["docs"] = {"edr-result.png": window().grab()}

    # 8. a service made public, only after the confirmation dialog
    with step("make a service public", "08-public-service") as s:
        choose("tiles")
        seen = {}
        answer_next_message_box(QMessageBox.Yes, seen, os.path.join(OUT, "08-confirmation.png"))
        _EXPECTED_DIALOGS.append("confirmation")
        try:
            click(widget(QPushButton, "publicButton"))  # returns once the dialog is answered
        finally:
            _EXPECTED_DIALOGS.clear()
        yield until(idle, "the public service to be created")
        s["checks"] = {"confirmation": seen, "service": widget(QComboBox, "serviceCombo").currentText(),
                       "services": combo_items(widget(QComboBox, "serviceCombo")),
                       "status": widget(QLabel, "statusLabel").text()}

    # 9. time series at two clicked points (the map tool and its chart dock)
    with step("time series at two points", "09-time-series") as s:
        action = window().findChild(QAction, "earthmoverFluxTimeSeriesAction")
        assert action is not None, "no earthmoverFluxTimeSeriesAction"
        action.trigger()
        from earthmover_flux.ui import timeseries

        chart_dock = timeseries.controller().dock
        yield until(lambda: chart_dock.isVisible(), "the chart dock to show")
        chart_dock.select_layer(wms)
        for other in window().findChildren(QDockWidget):  # step 7's attribute table: room for the chart
            if other.windowTitle().startswith("EDR at"):
                other.close()
        window().resizeDocks([chart_dock], [420], Qt.Vertical)
        to_map = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"),
                                        canvas.canvas.mapSettings().destinationCrs(), project)
        canvas.canvas.setExtent(to_map.transformBoundingBox(QgsRectangle(-25, -5, 45, 45)))
        yield until(canvas.refresh(), "the map around the points to render")
        clicked = []
        for lon, lat in ((11.0, 21.0), (31.0, 35.0)):  # cell centres of the 2-degree grid
            pixel = canvas.canvas.getCoordinateTransform().transform(to_map.transform(QgsPointXY(lon, lat)))
            trace(f"click the map at {lon}, {lat}")
            QTest.mouseClick(canvas.canvas.viewport(), Qt.LeftButton, Qt.NoModifier,
                             QPoint(int(pixel.x()), int(pixel.y())))
            clicked.append((lon, lat))
            count = len(clicked)
            yield until(lambda count=count: not chart_dock.busy() and len(chart_dock.series) >= count,
                        f"the time series at {lon}, {lat}")
            QTest.qWait(QApplication.doubleClickInterval() + 50)  # two clicks, not a double click
        chart = chart_dock.chart
        s["checks"] = {"lines": [line.label for line in chart.lines],
                       "values": [[v for v in series.values] for series in chart_dock.series],
                       "times": [series.times for series in chart_dock.series],
                       "grid": [[series.grid_lon, series.grid_lat] for series in chart_dock.series],
                       "y_label": chart.y_label, "status": chart_dock.status_label.text(),
                       "tool_active": canvas.canvas.mapTool() is timeseries.controller().tool,
                       "markers": len(chart_dock.markers)}
        chart.hover_at(chart.plot_rect(chart.rect()).center().x())
        s["docs"] = {"timeseries.png": window().grab()}

    RESULT["layers"] = [layer_state(layer) for layer in project.mapLayers().values()]


# ------------------------------------------------------------------ the driver
class Step:
    def __init__(self, name, shot):
        self.record = {"name": name, "ok": False, "screenshot": shot + ".png"}
        self.started = time.monotonic()

    def __enter__(self):
        RESULT["steps"].append(self.record)
        write_result()  # if QGIS dies in this step, result.json says which one
        return self.record

    def __exit__(self, kind, value, tb):
        self.record["seconds"] = round(time.monotonic() - self.started, 2)
        docs = self.record.pop("docs", {})
        if kind is None:
            self.record["ok"] = True
        else:
            self.record["error"] = "".join(traceback.format_exception(kind, value, tb))[-3000:]
        try:
            window().grab().save(os.path.join(OUT, self.record["screenshot"]))
            os.makedirs(os.path.join(OUT, "docs"), exist_ok=True)
            for name, pixmap in docs.items():
                pixmap.save(os.path.join(OUT, "docs", name))
        except Exception:  # noqa: BLE001 (a failed screenshot is recorded, not fatal)
            self.record["screenshot_error"] = traceback.format_exc()[-1000:]
        write_result()
        return False


class Driver:
    def __init__(self):
        self.gen = scenario(Step)
        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.poll)
        self.condition = None

    def start(self):
        self.advance()

    def advance(self):
        try:
            self.condition, self.what, timeout = next(self.gen)
            self.deadline = time.monotonic() + timeout
            self.timer.start(100)
        except StopIteration:
            RESULT["finished"] = True
            self.quit()
        except Exception:  # noqa: BLE001 (recorded by the step; stop the session)
            RESULT["error"] = traceback.format_exc()[-3000:]
            self.quit()

    def poll(self):
        try:
            done = self.condition()
        except Exception:  # noqa: BLE001
            done = False
        if done:
            self.advance()
        elif time.monotonic() > self.deadline or time.monotonic() - _started > SESSION_TIMEOUT:
            message = f"timed out waiting for {self.what}"
            try:
                self.gen.throw(TimeoutError(message))
            except StopIteration:
                pass
            except Exception:  # noqa: BLE001
                pass
            RESULT["error"] = message
            self.quit()
        else:
            self.timer.start(100)

    def quit(self):
        write_result()
        QTimer.singleShot(300, _exit)


def _exit():
    trace("exit")
    QgsProject.instance().setDirty(False)  # no "save the project?" question on exit
    QTimer.singleShot(3000, _exit_blocked)
    iface.actionExit().trigger()


def _exit_blocked():
    box = QApplication.activeModalWidget()
    trace(f"still running 3 s after exit: modal {type(box).__name__} {getattr(box, 'text', lambda: '')()!r}")
    QApplication.primaryScreen().grabWindow(0).save(os.path.join(OUT, "exit-blocked.png"))
    RESULT["exit_blocked"] = f"{type(box).__name__}: {getattr(box, 'text', lambda: '')()}"
    write_result()
    os._exit(3)  # a question nobody will answer: end here rather than at the test's timeout


def _unlock_auth_database():
    """A brand-new profile has no master password: set it once from QGIS_AUTH_PASSWORD_FILE."""
    manager = QgsApplication.authManager()
    manager.setPasswordHelperEnabled(False)
    # (QGIS 3.40 removes QGIS_AUTH_PASSWORD_FILE from the environment once it has read it)
    path = os.environ.get("FLUX_E2E_PASSWORD_FILE") or os.environ.get("QGIS_AUTH_PASSWORD_FILE")
    RESULT["qgis_auth_password_file_visible"] = "QGIS_AUTH_PASSWORD_FILE" in os.environ
    # not only when masterPasswordIsSet() is False: QGIS 3.40 holds the file's password from start-up
    # but stores no hash of it in a new database, and then asks for a NEW master password at the
    # first use. setMasterPassword(pw, True) stores the hash when there is none, else verifies it.
    if path:
        with open(path) as handle:
            RESULT["master_password_set"] = manager.setMasterPassword(handle.readline().strip(), True)
        RESULT["master_password_in_database"] = manager.masterPasswordHashInDatabase()


def _begin(attempt=0):
    from qgis.utils import plugins

    if PLUGIN not in plugins and attempt < 100:
        QTimer.singleShot(100, lambda: _begin(attempt + 1))
        return
    try:
        window().resize(1600, 1000)
        window().move(0, 0)
        _unlock_auth_database()
        RESULT["plugin_loaded"] = PLUGIN in plugins
    except Exception:  # noqa: BLE001
        RESULT["error"] = traceback.format_exc()
    driver = Driver()
    RESULT_DRIVER.append(driver)  # keep it alive
    driver.start()


RESULT_DRIVER = []
QTimer.singleShot(1000, _begin)


def _watchdog():
    RESULT["error"] = RESULT.get("error") or f"the session did not end within {SESSION_TIMEOUT + 30:.0f} s"
    write_result()
    _exit()


QTimer.singleShot(int((SESSION_TIMEOUT + 30) * 1000), _watchdog)
_EXPECTED_DIALOGS = []  # set while the session itself will answer a dialog
_seen_modal = {}


def _watch_dialogs():
    """A dialog the scenario does not expect (a password prompt, an error box) is recorded with a
    screenshot and closed, so the session goes on and the test names it instead of timing out."""
    box = QApplication.activeModalWidget()
    if box is None or _EXPECTED_DIALOGS:
        _seen_modal.clear()
        return
    key = id(box)
    _seen_modal[key] = _seen_modal.get(key, 0) + 1
    if _seen_modal[key] < 3:  # present for about 4 s
        return
    text = getattr(box, "text", lambda: "")()
    n = len(RESULT.setdefault("unexpected_dialogs", []))
    shot = f"unexpected-dialog-{n}.png"
    QApplication.primaryScreen().grabWindow(0).save(os.path.join(OUT, shot))
    RESULT["unexpected_dialogs"].append({"class": type(box).__name__, "title": box.windowTitle(), "text": text,
                                         "screenshot": shot})
    trace(f"unexpected dialog {type(box).__name__} {box.windowTitle()!r} {text!r}: closed")
    write_result()
    box.reject() if hasattr(box, "reject") else box.close()


_dialog_timer = QTimer()
_dialog_timer.timeout.connect(_watch_dialogs)
_dialog_timer.start(1500)
