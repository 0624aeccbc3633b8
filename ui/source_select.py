"""*Earthmover Flux* in QGIS's Data Source Manager (Layer > Data Source Manager, Ctrl+L).

Pick, Add, Close, as QGIS's own WMS page works: organization (its saved credentials), repository,
ref, dataset and variable, each list filled in the background from the API (the same calls as the
dock), then *Add* adds the layer through ``api.prepare_layer`` in a task and ``make_layer`` on the
UI thread, so the layer is the one the dock makes (legend, time, CRS, ``authcfg=ID`` only).
"""

from qgis.core import Qgis, QgsApplication, QgsProject
from qgis.gui import QgsAbstractDataSourceWidget, QgsSourceSelectProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QComboBox, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from ..core.errors import FluxError
from ..core.lazy import lazy_module
from ..flux_qgis import auth
from ..flux_qgis.icon import icon

# loaded when the page is first opened, not when QGIS starts (plugin start-up time)
api = lazy_module("api")
layers = lazy_module("flux_qgis.layers")
tasks = lazy_module("flux_qgis.tasks")

PAGE = "Earthmover Flux"


def tr(text):
    return QCoreApplication.translate("FluxSourceSelect", text)


class FluxSourceSelect(QgsAbstractDataSourceWidget):
    """The page: one combo per choice, each list loaded when the choice above it changes."""

    CHAIN = ("org", "repo", "ref", "group", "protocol", "variable")

    def __init__(self, parent=None, fl=None, mode=None):
        super().__init__(parent)
        self.tasks = set()
        self.generation = {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.combos = {}
        for key, label in (("org", tr("Organization")), ("repo", tr("Repository")), ("ref", tr("Ref")),
                           ("group", tr("Dataset")), ("protocol", tr("Layer type")), ("variable", tr("Variable"))):
            combo = QComboBox()
            combo.setObjectName(f"flux_{key}")
            combo.setEditable(key in ("repo", "ref", "group"))
            self.combos[key] = combo
            form.addRow(label, combo)
        layout.addLayout(form)
        self.status = QLabel()
        self.status.setObjectName("flux_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout.addWidget(self.buttons)
        # QGIS's own Add (and Help), as on its WMS page: enabled through enableButtons, wired to
        # addButtonClicked, and the Data Source Manager's Close closes the dialog
        self.setupButtons(self.buttons)
        self.add_button = next(b for b in self.buttons.buttons()
                               if self.buttons.buttonRole(b) == QDialogButtonBox.ButtonRole.ApplyRole)
        self.add_button.setObjectName("flux_add")
        self.combos["protocol"].addItems(["wms", "tiles"])
        for org, _cfg in _saved_orgs():
            self.combos["org"].addItem(org)
        for key, then in (("org", "repo"), ("repo", "ref"), ("ref", "group"), ("group", "variable"),
                          ("protocol", "variable")):
            self.combos[key].currentTextChanged.connect(lambda _text, then=then: self.load(then))
        self.combos["variable"].currentTextChanged.connect(
            lambda _text: self.enableButtons.emit(bool(self.choice("variable"))))
        if not self.combos["org"].count():
            self.status.setText(tr("No Earthmover Flux credentials yet: save an organization and its API key in the "
                                   "Earthmover Flux dock (or the Browser's New Connection)."))
        else:
            self.load("repo")

    def choice(self, key):
        combo = self.combos[key]
        index = combo.currentIndex()
        data = combo.itemData(index) if index >= 0 and combo.itemText(index) == combo.currentText() else None
        return data if data is not None else combo.currentText().strip()

    def load(self, key):
        """Fill ``key``'s list in the background; only the newest request's answer is applied."""
        org = self.choice("org")
        if not org:
            return None
        self.generation[key] = stamp = self.generation.get(key, 0) + 1
        args = {k: self.choice(k) for k in self.CHAIN}
        work = _LISTS[key]

        def done(result, error):
            self.tasks.discard(task)
            if self.generation.get(key) != stamp:
                return  # a newer choice asked again
            if error is not None:
                self.status.setText(str(error))
                return
            combo = self.combos[key]
            combo.blockSignals(True)
            combo.clear()
            for text, data in result:
                combo.addItem(text, data)
            combo.blockSignals(False)
            self.status.setText("")
            nxt = {"repo": "ref", "ref": "group", "group": "variable"}.get(key)
            if nxt:
                self.load(nxt)
            self.enableButtons.emit(bool(self.choice("variable")))

        task = tasks.run_in_background(tr("Earthmover Flux: listing"), lambda feedback: work(args, feedback), done)
        self.tasks.add(task)
        return task

    def addButtonClicked(self):  # noqa: N802 (QGIS API)
        args = {k: self.choice(k) for k in self.CHAIN}
        if not args["variable"]:
            self.status.setText(tr("Choose a variable first."))
            return

        def work(feedback):
            return api.prepare_layer(args["org"], args["repo"], args["ref"] or "main", args["group"],
                                     args["protocol"], args["variable"], feedback=feedback)

        def done(result, error):
            self.tasks.discard(task)
            if error is not None:
                self.status.setText(str(error))
                return
            spec, authcfg = result
            try:
                layer = layers.make_layer(spec, authcfg)
            except FluxError as exc:
                self.status.setText(str(exc))
                return
            QgsProject.instance().addMapLayer(layer)
            self.status.setText(tr("Added {name}.").format(name=layer.name()))
            self._tell(layer.name())

        task = tasks.run_in_background(tr("Earthmover Flux: adding {v}").format(v=args["variable"]), work, done)
        self.tasks.add(task)
        self.status.setText(tr("Adding {v}…").format(v=args["variable"]))
        # nothing returned: QGIS calls this virtual from C++, where it returns void

    def busy(self):
        return bool(self.tasks)

    @staticmethod
    def _tell(name):
        try:
            from qgis.utils import iface
        except ImportError:  # pragma: no cover
            return
        if iface is not None:
            iface.messageBar().pushMessage(tr("Earthmover Flux"), tr("Added {name}.").format(name=name),
                                           Qgis.Success, 4)


def _saved_orgs():
    found = {}
    for cfg_id, cfg in QgsApplication.authManager().availableAuthMethodConfigs().items():
        if cfg.method() == "Basic" and cfg.name().startswith(auth.CONFIG_NAME_PREFIX):
            found.setdefault(cfg.name()[len(auth.CONFIG_NAME_PREFIX):], cfg_id)
    return sorted(found.items())


def _repos(args, feedback):
    return [(r, None) for r in api.list_repos(args["org"], feedback=feedback)]


def _refs(args, feedback):
    refs = api.list_refs(args["org"], args["repo"], feedback=feedback)
    return [(r, None) for r in refs["branches"] + refs["tags"]]


def _groups(args, feedback):
    return [(g or tr("(root group)"), g) for g in api.list_groups(args["org"], args["repo"], args["ref"] or "main",
                                                                  feedback=feedback)]


def _variables(args, feedback):
    found = api.list_variables(args["org"], args["repo"], args["ref"] or "main", args["group"], args["protocol"],
                               feedback=feedback)
    return [(v.label, v.name) for v in found]


_LISTS = {"repo": _repos, "ref": _refs, "group": _groups, "variable": _variables}


class FluxSourceSelectProvider(QgsSourceSelectProvider):
    def providerKey(self):  # noqa: N802
        return "earthmover_flux"

    def text(self):
        return PAGE

    def toolTip(self):  # noqa: N802
        return tr("Add Earthmover Flux data (WMS or tiles) from your organizations' repositories")

    def icon(self):
        return icon()

    def ordering(self):
        return QgsSourceSelectProvider.Ordering.OrderRemoteProvider + 50

    def createDataSourceWidget(self, parent=None, fl=None, widgetMode=None):  # noqa: N802, N803
        return FluxSourceSelect(parent)


_registered = []


def register():
    from qgis.gui import QgsGui

    unregister()
    provider = FluxSourceSelectProvider()
    QgsGui.sourceSelectProviderRegistry().addProvider(provider)
    _registered.append(provider)


def unregister():
    from qgis.gui import QgsGui

    while _registered:
        QgsGui.sourceSelectProviderRegistry().removeProvider(_registered.pop())
