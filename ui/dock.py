"""The Earthmover Flux dock: credentials, location, variable and style, then Add.

Data flows one way: widgets -> core description (FluxLocation, LayerSpec) -> QGIS layer.
Every network call runs in a background task (flux_qgis.tasks) with progress and Cancel; a
failure becomes one sentence in the message bar.
"""

from qgis.core import Qgis, QgsProject
from qgis.gui import QgsAuthConfigSelect, QgsCollapsibleGroupBox, QgsDoubleSpinBox
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer, QUrl
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import api
from ..core.arraylake import ArraylakeClient
from ..core.errors import FluxCancelled, FluxError
from ..core.location import PROTOCOLS, api_keys_page
from ..core.styles import COLORMAPS, VariableInfo
from ..flux_qgis import auth, layers, network, settings
from ..flux_qgis.tasks import run_in_background

PROJECT_SCOPE = "earthmover_flux"


def tr(text):
    return QCoreApplication.translate("@default", text)  # where pylupdate5 files bare tr() calls


def plural(n, one, many):
    """``one`` or ``many`` (both tr()'d, with {n}) as n asks: '1 variable', '3 variables'."""
    return (one if n == 1 else many).format(n=n)


def public_confirmation_text(org, service_type, name):
    return tr(
        "Make the {type} service '{name}' of the organization '{org}' public?\n\n"
        "Anyone on the internet will then be able to read, without any key, the data of EVERY "
        "repository of '{org}' through this service, not only the repository selected here.\n\n"
        "This is what 'al compute enable {org} {type} --is-public' does. You can delete the "
        "service later to close it again."
    ).format(type=service_type, name=name, org=org)


class FluxDock(QDockWidget):
    def __init__(self, iface, parent=None):
        super().__init__(tr("Earthmover Flux"), parent)
        self.iface = iface
        self.task = None
        self.list_task = None  # the lists that load by themselves (refs, datasets...), beside self.task
        self._pending_list = None
        self._loaded = {}  # what each list was last loaded for: ("refs", org, repo) ...
        self._asked = {}  # what each list was last asked for (its answer may be on the way)
        self.services = []
        self.after_save = None
        self.listed = None  # ((location, authcfg), variables) of the last 'List variables'
        self._generations = {}  # list name -> number of its newest request (answers in order)
        self._build()
        self._load_state()

    # ----------------------------------------------------------------- layout
    # Pages: Connection (key), Data (pick -> Add layer), EDR and DAP2 (their actions on the dataset
    # chosen in Data). Progress, Cancel and the last message sit above the pages, in sight on every
    # page; each page is short enough for a 1366x768 window (tests/test_dock_layout.py).
    def _build(self):
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(4, 4, 4, 4)

        row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(14)
        self.progress.hide()
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip(tr("Stop what is running (its requests are aborted)."))
        self.cancel_button.hide()
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        column.addLayout(row)
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLabel")
        self.status_label.setWordWrap(True)
        column.addWidget(self.status_label)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("dockTabs")
        column.addWidget(self.tabs, 1)
        self.connection_page = self._page(self._build_connection(), "connectionPage", tr("Connection"),
                                          tr("Organization and API key"))
        self.data_page = self._page(self._build_data(), "dataPage", tr("Data"),
                                    tr("Choose a dataset and a variable, then add it as a layer"))
        from .dap2_panel import Dap2Panel
        from .edr_panel import EdrPanel

        self.edr_panel = EdrPanel(self)
        self.edr_panel.setObjectName("edrPanel")
        self.edr_page = self._page(self.edr_panel, "edrPage", tr("EDR"),
                                   tr("Values at points and in areas (EDR) of the dataset chosen in Data"))
        self.dap2_panel = Dap2Panel(self)
        self.dap2_panel.setObjectName("dap2Panel")
        self.dap2_page = self._page(self.dap2_panel, "dap2Page", tr("DAP2"),
                                    tr("A subset of the dataset chosen in Data, kept as a GeoTIFF (DAP2)"))
        self.tabs.currentChanged.connect(self._page_changed)

        # wide enough for the fields and buttons (make e2e's screenshots showed them clipped)
        self.setMinimumWidth(min(body.sizeHint().width() + 8, 440))
        self.setWidget(body)
        self._connect()

    def _connect(self):
        """Each widget's signal to what it does."""
        self.org_edit.textChanged.connect(self._org_changed)
        self.org_edit.returnPressed.connect(self._org_entered)
        self.key_edit.returnPressed.connect(self.save_credentials)
        self.save_button.clicked.connect(self.save_credentials)
        self.test_button.clicked.connect(self.test_connection)
        self.refresh_button.clicked.connect(self.refresh_lists)
        self.variables_button.clicked.connect(self.list_variables)
        self.variable_combo.currentIndexChanged.connect(self._variable_changed)
        self.add_button.clicked.connect(self.add_layer)
        self.public_button.clicked.connect(self.make_public)
        self.cancel_button.clicked.connect(self.cancel)
        self.auto_range.toggled.connect(self._range_toggled)
        self.protocol_combo.currentTextChanged.connect(self._protocol_changed)
        self.auth_select.selectedConfigIdChanged.connect(self._auth_selected)
        self.compute_edit.editingFinished.connect(self._save_urls)
        self.api_edit.editingFinished.connect(self._save_urls)
        # lists that load by themselves: a repository chosen or typed -> its refs; a ref -> its datasets
        self.repo_combo.activated.connect(lambda *_: self.load_refs())
        self.repo_combo.lineEdit().editingFinished.connect(self.load_refs)
        self.ref_combo.activated.connect(lambda *_: self.load_groups())
        self.ref_combo.lineEdit().editingFinished.connect(self.load_groups)
        self._range_toggled(True)
        self._protocol_changed(self.protocol_combo.currentText())

    def _page(self, content, name, title, tooltip):
        scroll = QScrollArea()
        scroll.setObjectName(name)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        index = self.tabs.addTab(scroll, title)
        self.tabs.setTabToolTip(index, tooltip)
        return scroll

    def _build_connection(self):
        page = QWidget()
        column = QVBoxLayout(page)
        form = QFormLayout()
        self.org_edit = QLineEdit()
        self.org_edit.setObjectName("orgEdit")
        self.org_edit.setPlaceholderText(tr("organization name"))
        self.org_edit.setToolTip(tr("Your Earthmover organization, as in app.earthmover.io/ORGANIZATION."))
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("keyEdit")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(tr("Arraylake API key, then Enter"))
        self.key_edit.setToolTip(tr("Press Enter or Save: the key goes into the QGIS authentication database, "
                                    "nowhere else, and the field is emptied."))
        self.keys_link = QLabel()
        self.keys_link.setObjectName("keysLink")
        self.keys_link.setOpenExternalLinks(False)
        self.keys_link.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.save_button = QPushButton(tr("Save"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip(tr("Store the key; the services and repositories are then listed."))
        self.test_button = QPushButton(tr("Test connection"))
        self.test_button.setObjectName("testButton")
        self.test_button.setToolTip(tr("List the organization's services and repositories again."))
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.test_button)
        self.auth_select = QgsAuthConfigSelect(page, "")
        self.auth_select.setObjectName("authSelect")
        form.addRow(tr("Organization"), self.org_edit)
        form.addRow(tr("API key"), self.key_edit)
        form.addRow("", self.keys_link)
        form.addRow(row)
        form.addRow(tr("Or a saved configuration"), self.auth_select)
        self.use_credentials = QCheckBox(tr("Send credentials (uncheck for a public service)"))
        self.use_credentials.setObjectName("useCredentials")
        self.use_credentials.setToolTip(tr("A public service is read without any key: uncheck to add its layers "
                                           "without credentials."))
        self.use_credentials.setChecked(True)
        form.addRow(self.use_credentials)
        column.addLayout(form)

        advanced = QgsCollapsibleGroupBox(tr("Advanced"))
        advanced.setCollapsed(True)
        adv = QFormLayout(advanced)
        self.compute_edit = QLineEdit()
        self.compute_edit.setObjectName("computeEdit")
        self.compute_edit.setToolTip(tr("Where the Flux services run (leave as it is unless told otherwise)."))
        self.api_edit = QLineEdit()
        self.api_edit.setObjectName("apiEdit")
        self.api_edit.setToolTip(tr("Earthmover's management API (services, repositories)."))
        adv.addRow(tr("Compute URL"), self.compute_edit)
        adv.addRow(tr("API URL"), self.api_edit)
        column.addWidget(advanced)
        column.addStretch(1)
        return page

    def _build_data(self):
        page = QWidget()
        column = QVBoxLayout(page)
        self._build_selection(column)
        self._build_style(column)
        self._build_actions(column)
        column.addStretch(1)
        return page

    def _build_selection(self, column):
        """The Flux URL, protocol, service, repository, ref, dataset, variable and its dimensions."""
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("urlEdit")
        self.url_edit.setPlaceholderText(tr("or paste a Flux URL and press Enter"))
        self.url_edit.setEchoMode(QLineEdit.EchoMode.Normal)
        self.url_edit.setToolTip(tr("A Flux service URL fills the fields below; a key in it goes to the "
                                    "authentication database."))
        self.url_edit.returnPressed.connect(self.fill_from_url)
        form.addRow(tr("Flux URL"), self.url_edit)
        self.protocol_combo = self._combo("protocolCombo")
        self.protocol_combo.addItems(PROTOCOLS)
        self.protocol_combo.setToolTip(tr("wms and tiles: map layers; edr: values at points and areas; "
                                          "dap2: a subset kept as a GeoTIFF."))
        self.service_combo = self._combo("serviceCombo", editable=True)
        self.service_combo.setToolTip(tr("The organization's Flux service (deployment) to use."))
        self.refresh_button = QToolButton()
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.setText(tr("Refresh lists"))
        self.refresh_button.setToolTip(tr("List the services, repositories, refs and datasets again."))
        self.repo_combo = self._combo("repoCombo", editable=True)
        self.repo_combo.setToolTip(tr("Listed once the key is saved; you can also type a name."))
        self.ref_combo = self._combo("refCombo", editable=True)
        self.ref_combo.setToolTip(tr("Branches, then (after the line) tags of the repository; a commit "
                                     "(snapshot) id can be typed."))
        self.group_combo = self._combo("groupCombo", editable=True)
        self.group_combo.setToolTip(tr("The datasets (groups with arrays) of the repository at this ref; "
                                       "empty: the root group."))
        self.lists_hint = QLabel()
        self.lists_hint.setObjectName("listsHint")
        self.lists_hint.setWordWrap(True)
        self.lists_hint.hide()
        self.variable_combo = self._combo("variableCombo", editable=True)
        self.variable_combo.setToolTip(tr("Press List to see the dataset's variables."))
        self.variables_button = QPushButton(tr("List"))
        self.variables_button.setObjectName("variablesButton")
        self.variables_button.setToolTip(tr("List the variables of this dataset (and their dimensions)."))
        form.addRow(tr("Protocol"), self.protocol_combo)
        self.service_row = self._with(self.service_combo)
        form.addRow(tr("Service"), self.service_row)
        form.addRow(tr("Repository"), self._with(self.repo_combo, self.refresh_button))
        form.addRow(tr("Ref"), self.ref_combo)
        form.addRow(tr("Dataset"), self.group_combo)
        form.addRow(self.lists_hint)
        form.addRow(tr("Variable"), self._with(self.variable_combo, self.variables_button))
        # one selector per dimension of the chosen variable (time, lead time, level, member...)
        self.dims_box = QWidget()
        self.dims_box.setObjectName("dimensionsBox")
        self.dims_form = QFormLayout(self.dims_box)
        self.dims_form.setContentsMargins(0, 0, 0, 0)
        self.dim_selectors = {}
        self.time_selector = None
        form.addRow(self.dims_box)
        column.addLayout(form)

    def _build_style(self, column):
        style = QgsCollapsibleGroupBox(tr("Style"))
        style.setObjectName("styleBox")
        style.setCollapsed(True)
        form = QFormLayout(style)
        self.colormap_combo = self._combo("colormapCombo", editable=True)
        self.colormap_combo.addItems(COLORMAPS)
        self.auto_range = QCheckBox(tr("Value range from the data"))
        self.auto_range.setObjectName("autoRange")
        self.auto_range.setChecked(True)
        self.min_spin = self._spin("minSpin")
        self.max_spin = self._spin("maxSpin")
        form.addRow(tr("Colormap"), self.colormap_combo)
        form.addRow(self.auto_range)
        form.addRow(tr("Minimum"), self.min_spin)
        form.addRow(tr("Maximum"), self.max_spin)
        column.addWidget(style)

    def _build_actions(self, column):
        """Add layer, and beside it what else acts on the chosen variable or service."""
        # the primary action, right below the variable it acts on; further actions on the chosen
        # variable (e.g. a time series) go in this same row: self.action_row
        self.add_button = QPushButton(tr("Add layer"))
        self.add_button.setObjectName("addButton")
        self.add_button.setDefault(True)
        self.action_row = QHBoxLayout()
        self.action_row.addWidget(self.add_button, 1)
        column.addLayout(self.action_row)

        row = self.action_row
        self.copy_button = QToolButton()
        self.copy_button.setObjectName("copyButton")
        self.copy_button.setText(tr("Copy as…"))
        self.copy_button.setToolTip(tr("The service URL or code to use it elsewhere (never with your key)."))
        self.copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.copy_button)
        for kind, label in (("url", tr("Service URL")), ("curl", tr("curl command")),
                            ("python", tr("Python requests")), ("mapbox", tr("Mapbox transformRequest"))):
            action = menu.addAction(label)
            action.setObjectName(f"copyAs_{kind}")
            action.triggered.connect(lambda _checked=False, k=kind: self.copy_as(k))
        self.copy_button.setMenu(menu)
        self.public_button = QPushButton(tr("Make public…"))
        self.public_button.setObjectName("publicButton")
        self.public_button.setToolTip(tr("Anyone could then read every repository of the organization: "
                                         "asks first."))
        row.addWidget(self.copy_button)
        self.timeseries_button = QPushButton(tr("Time series…"))  # the chosen variable at clicked points
        self.timeseries_button.setObjectName("timeSeriesButton")
        self.timeseries_button.setToolTip(tr("Click the map to chart the chosen variable over time there."))

        def open_time_series():
            from .timeseries import open_from_dock

            open_from_dock(self)

        self.timeseries_button.clicked.connect(open_time_series)
        row.addWidget(self.timeseries_button)
        self.service_row.addWidget(self.public_button)  # acts on the service: beside it

    @staticmethod
    def _with(widget, *buttons):
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(widget, 1)
        for button in buttons:
            row.addWidget(button)
        return row

    def _combo(self, name, editable=False):
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setEditable(editable)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        return combo

    def _spin(self, name):
        spin = QgsDoubleSpinBox()
        spin.setObjectName(name)
        spin.setRange(-1e12, 1e12)
        spin.setDecimals(4)
        return spin

    # ------------------------------------------------------------- state
    def _load_state(self):
        project = QgsProject.instance()
        remembered = {k: project.readEntry(PROJECT_SCOPE, k, "")[0] for k in
                      ("org", "service", "repo", "ref", "group", "protocol")}
        org = remembered["org"] or settings.value("last_org", "") or ""
        self.org_edit.setText(org)
        self.compute_edit.setText(settings.compute_url())
        self.api_edit.setText(settings.api_url())
        self.ref_combo.addItems(settings.history("ref") or ["main"])
        self.group_combo.addItems([""] + [g for g in settings.history("group") if g])
        if remembered["protocol"] in PROTOCOLS:
            self.protocol_combo.setCurrentText(remembered["protocol"])
        for combo, key in ((self.service_combo, "service"), (self.repo_combo, "repo"),
                           (self.ref_combo, "ref"), (self.group_combo, "group")):
            if remembered[key]:
                combo.setEditText(remembered[key])
        self._org_changed(org)
        if org and auth.find_config(org):
            self.tabs.setCurrentWidget(self.data_page)  # the key is saved: the data is what to choose
            QTimer.singleShot(0, self._list_on_open)

    def _list_on_open(self):
        """A dock that is ready: with saved credentials its lists load by themselves, in the
        background, once the auth database is unlocked (never a master-password prompt here)."""
        from qgis.core import QgsApplication

        if QgsApplication.authManager().masterPasswordIsSet():
            self.load_lists()
        else:
            self._hint(tr("The lists load once the QGIS authentication database is unlocked: press Refresh lists."))

    def _org_entered(self):
        if self.key_edit.text():
            self.save_credentials()
        else:
            self.key_edit.setFocus()

    def _org_changed(self, org):
        org = org.strip()
        try:
            link = api_keys_page(org) if org else "https://app.earthmover.io"
        except FluxError:
            link = "https://app.earthmover.io"
        self.keys_link.setText('<a href="{link}">{text}</a>'.format(link=link, text=tr("Make an API key")))
        cfg = auth.find_config(org) if org else ""
        if cfg and self.auth_select.configId() != cfg:
            self.auth_select.setConfigId(cfg)

    def _auth_selected(self, cfg_id):
        org = auth.org_of_config(cfg_id)
        if org and org != self.org_edit.text().strip():
            self.org_edit.setText(org)

    def _save_urls(self):
        try:
            settings.set_base_urls(self.compute_edit.text().strip(), self.api_edit.text().strip())
        except FluxError as exc:
            self.report_error(exc)

    def _range_toggled(self, auto):
        self.min_spin.setEnabled(not auto)
        self.max_spin.setEnabled(not auto)

    def _protocol_changed(self, protocol):
        if not self.service_combo.currentText() or self.service_combo.currentText() in PROTOCOLS:
            self.service_combo.setEditText(protocol)
        self.variable_combo.clear()
        # every protocol has its action: map layers here, EDR and DAP2 on their own pages
        if protocol == "edr":
            self.add_button.setText(tr("EDR queries…"))
            self.add_button.setToolTip(tr("Open the EDR page: values at a point, a layer's points or a polygon."))
        elif protocol == "dap2":
            self.add_button.setText(tr("DAP2 subset…"))
            self.add_button.setToolTip(tr("Open the DAP2 page: an area and time range kept as a GeoTIFF."))
        else:
            self.add_button.setText(tr("Add layer"))
            self.add_button.setToolTip(tr("Add the variable to the map as a {p} layer.").format(p=protocol))

    def _page_changed(self, _index):
        page = self.tabs.currentWidget()
        if page is self.edr_page:
            self.edr_panel.show_dataset(self.dataset_summary("edr"))
        elif page is self.dap2_page:
            self.dap2_panel.show_dataset(self.dataset_summary("dap2"))

    def dataset_summary(self, protocol):
        fields = self.current_fields()
        service = fields["service"] if fields["protocol"] == protocol else protocol
        if not fields["repo"]:
            return tr("No dataset chosen yet: choose one on the Data page.")
        where = "{repo}@{ref}".format(**fields) + (f"/{fields['group']}" if fields["group"] else "")
        variable = self.selected_variable() or ""
        return tr("Dataset {where}{variable}, {protocol} service '{service}' (change it on the Data page).").format(
            where=where, variable=f", variable {variable}" if variable else "", protocol=protocol, service=service)

    def open_for(self, info, page):
        """Show the dock on the EDR or DAP2 page for a dataset/variable (the Browser's context menu).

        ``info``: org, repo, ref, group, variable (optional), service (optional), authcfg (optional)."""
        if info.get("org"):
            self.org_edit.setText(info["org"])
        if info.get("authcfg"):
            self.auth_select.setConfigId(info["authcfg"])
        self.protocol_combo.setCurrentText(page)
        self.service_combo.setEditText(info.get("service") or page)
        self.repo_combo.setEditText(info.get("repo", ""))
        self.ref_combo.setEditText(info.get("ref") or "main")
        self.group_combo.setEditText(info.get("group", ""))
        if info.get("variable"):
            self.variable_combo.setEditText(info["variable"])
            if page == "edr" and not self.edr_panel.parameters_edit.text().strip():
                self.edr_panel.parameters_edit.setText(info["variable"])
        self.show()
        self.raise_()
        self.tabs.setCurrentWidget(self.edr_page if page == "edr" else self.dap2_page)
        self._page_changed(self.tabs.currentIndex())
        return self

    def authcfg(self):
        if not self.use_credentials.isChecked():
            return ""
        return self.auth_select.configId() or auth.find_config(self.org_edit.text().strip())

    def current_fields(self):
        return {"org": self.org_edit.text().strip(), "repo": self.repo_combo.currentText().strip(),
                "ref": self.ref_combo.currentText().strip() or "main",
                "group": self.group_combo.currentText().strip(),
                "protocol": self.protocol_combo.currentText(),
                "service": self._service_name()}

    def _service_name(self):
        text = self.service_combo.currentText().strip()
        return text.split(" ", 1)[0] if text else ""

    def remember_location(self, fields):
        project = QgsProject.instance()
        for key, value in fields.items():
            project.writeEntry(PROJECT_SCOPE, key, value)
        settings.add_history("ref", fields["ref"])
        if fields["group"]:
            settings.add_history("group", fields["group"])

    # ------------------------------------------------------------- messages
    def report_error(self, exc):
        text = str(exc)
        level = Qgis.Info if isinstance(exc, FluxCancelled) else Qgis.Warning
        self.status_label.setText(text)
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(tr("Earthmover Flux"), text, level, 10)

    def report(self, text, level=Qgis.Success):
        self.status_label.setText(text)
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(tr("Earthmover Flux"), text, level, 5)

    # ------------------------------------------------------------- tasks
    def busy(self):
        return self.task is not None or self.list_task is not None

    def _show_busy(self):
        running = self.busy()
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)

    def start(self, description, work, on_result):
        if self.task is not None:
            self.report(tr("Still busy: wait for the current step or press Cancel."), Qgis.Info)
            return None
        self.status_label.setText(description + "…")

        def done(result, error):
            # busy until on_result is through: making a WMS layer reads the capabilities in a
            # nested event loop (QGIS's WMS provider), where another click must not start a step
            try:
                if error is not None:
                    self.report_error(error)
                    return
                try:
                    on_result(result)
                except FluxError as exc:
                    self.report_error(exc)
            finally:
                self.task = None
                self._show_busy()

        self.task = run_in_background(description, work, done)
        self._show_busy()
        return self.task

    def start_list(self, description, work, on_result, on_error):
        """A list that loads by itself (beside ``start``'s step, so it never blocks a click): one at a
        time, the latest request waits its turn; Cancel stops it too. ``on_error(exc)`` gets failures."""
        if self.list_task is not None:
            self._pending_list = (description, work, on_result, on_error)
            return None

        def done(result, error):
            try:
                if error is not None:
                    on_error(error)
                else:
                    try:
                        on_result(result)
                    except FluxError as exc:
                        on_error(exc)
            finally:
                self.list_task = None
                self._show_busy()
                pending, self._pending_list = self._pending_list, None
                if pending is not None:
                    self.start_list(*pending)

        self.list_task = run_in_background(description, work, done)
        self._show_busy()
        return self.list_task

    def cancel(self):
        self._pending_list = None
        for task in (self.task, self.list_task):
            if task is not None:
                task.cancel()

    def shutdown(self):
        self.cancel()

    # ------------------------------------------------------------- actions
    def ask_for_credentials(self, org, then):
        """Shared project: ask for this org's key; ``then()`` runs after a successful Save."""
        self.org_edit.setText(org)
        self.key_edit.setFocus()
        self.after_save = then
        self.status_label.setText(tr("Enter the API key of '{org}' and press Save: the project's layers "
                                     "are re-linked to it then.").format(org=org))

    def save_credentials(self):
        org, key = self.org_edit.text().strip(), self.key_edit.text()
        try:
            cfg = auth.store_credentials(org, key)
        except FluxError as exc:
            self.report_error(exc)
            return None
        self.key_edit.clear()  # the key now lives in the auth database only
        self.auth_select.setConfigId(cfg)
        self.report(tr("Credentials for '{org}' saved in the QGIS authentication database ({cfg}).")
                    .format(org=org, cfg=cfg))
        then, self.after_save = self.after_save, None
        if then is not None:
            then()
        self.tabs.setCurrentWidget(self.data_page)
        self.load_lists()
        return cfg

    def _client_factory(self):
        """Unlock the auth database on the UI thread (QGIS may ask for the master password here,
        never from a worker thread); the returned factory makes the API client inside the task.
        The key itself never leaves the auth database but for the request: the network engine
        adds it as the Bearer header on the UI thread."""
        org = self.org_edit.text().strip()
        cfg = self.auth_select.configId() or auth.find_config(org)
        auth.read_credentials(cfg)  # checks the config (and the master password) now, with a sentence
        api_url = settings.api_url()

        def make(feedback):
            return ArraylakeClient(network.transport(feedback, bearer_authcfg=cfg), org, None, api_url)

        return make

    # ------------------------------------------------------------- answers in order
    # Each list (services, repositories, refs, datasets, variables) is written by the newest
    # request only: an answer that arrives after a later request for the same list was made
    # (the user moved on, or Make public listed the services again) is dropped.
    def _next_generation(self, *lists):
        stamp = {}
        for name in lists:
            self._generations[name] = self._generations.get(name, 0) + 1
            stamp[name] = self._generations[name]
        return stamp

    def _is_newest(self, stamp, name):
        return self._generations.get(name) == stamp.get(name)

    def _needs_org(self):
        try:
            api.location(self.org_edit.text(), "placeholder")
        except FluxError as exc:
            self.report_error(exc)
            return True
        if not (self.auth_select.configId() or auth.find_config(self.org_edit.text().strip())):
            self.report_error(FluxError(tr("No credentials for this organization yet: enter the API key "
                                           "and press Save.")))
            return True
        return False

    def test_connection(self):
        if self._needs_org():
            return None
        try:
            make_client = self._client_factory()
        except FluxError as exc:
            self.report_error(exc)
            return None

        stamp = self._next_generation("services", "repos")
        return self.start(tr("Testing the connection"), self._discover_work(make_client),
                          lambda result: self._discovered(result, stamp))

    @staticmethod
    def _discover_work(make_client):
        def work(feedback):
            client = make_client(feedback)
            return client.list_services(), client.list_repos(feedback)

        return work

    def _discovered(self, result, stamp):
        services, repos = result
        if self._is_newest(stamp, "services"):
            self._fill_services(services)
        if self._is_newest(stamp, "repos"):
            self._fill_repos(repos)
        self.report(tr("Connected to '{org}': {repos}, {services}.").format(
            org=self.org_edit.text().strip(),
            repos=plural(len(repos), tr("1 repository"), tr("{n} repositories")),
            services=plural(len(services), tr("1 service"), tr("{n} services"))))

    def refresh_lists(self):
        self._loaded.clear()
        self._asked.clear()
        self.load_lists()

    # ------------------------------------------------------------- lists that load by themselves
    # Where each list comes from (README "Which list comes from where"): services and repositories
    # from the management API (the key as Bearer token), refs and datasets from Flux's _meta discovery
    # of one of the org's services (Basic org:key), variables from the dataset's own service.
    def _hint(self, text):
        self.lists_hint.setText(text)
        self.lists_hint.setVisible(bool(text))

    def load_lists(self):
        """Services and repositories (then refs and datasets of the chosen repository), in the background."""
        org = self.org_edit.text().strip()
        if not org or not (self.auth_select.configId() or auth.find_config(org)):
            return None
        try:
            api.location(org, "placeholder")
            make_client = self._client_factory()
        except FluxError as exc:
            self._hint(tr("Not listed: {reason}").format(reason=exc))
            return None

        def failed(exc):
            self.report_error(exc)

        stamp = self._next_generation("services", "repos")
        return self.start_list(tr("Listing services and repositories"), self._discover_work(make_client),
                               lambda result: self._discovered(result, stamp), failed)

    def _meta_args(self):
        """(org, service, compute_url, authcfg) for api.list_refs/list_groups; None when nothing can be asked."""
        org = self.org_edit.text().strip()
        cfg = self.authcfg()
        if not org:
            return None
        if not cfg:  # a public service: ask it, at the configured compute URL
            if not self.use_credentials.isChecked():
                return org, self._service_name() or self.protocol_combo.currentText(), settings.compute_url(), ""
            return None
        if self.services:
            from ..core.discovery import choose_meta_service

            names = {s.name for s in self.services}
            wanted = self._service_name() if self._service_name() in names else None
            chosen = choose_meta_service(self.services, wanted)
            return org, chosen.name, api.service_compute_url(chosen, org), cfg
        return org, None, None, cfg  # api lists the services first

    def load_refs(self, force=False):
        """Branches and tags of the repository (``_meta/discovery/{repo}``); then its datasets."""
        repo = self.repo_combo.currentText().strip()
        try:
            args = self._meta_args() if repo else None
            if args is None:
                return None
            api.location(args[0], repo)
            self._unlock(args[3])
        except FluxError as exc:
            self._hint(tr("Refs not listed: {reason}").format(reason=exc))
            return None
        key = ("refs", args[0], repo)
        if not force and self._loaded.get("refs") == key:
            return self.load_groups()
        if not force and self._asked.get("refs") == key:
            return None  # already on its way: its answer lists the datasets next
        self._asked["refs"] = key
        org, service, compute_url, cfg = args

        stamp = self._next_generation("refs")

        def work(feedback):
            return api.list_refs(org, repo, service=service, compute_url=compute_url, authcfg=cfg, feedback=feedback)

        def show(refs):
            if self.repo_combo.currentText().strip() != repo or not self._is_newest(stamp, "refs"):
                return  # the user moved on: the newer request follows
            self._loaded["refs"] = key
            self._fill_refs(refs)
            self._hint("")
            self.load_groups()

        def failed(exc):
            if self._asked.get("refs") == key:
                del self._asked["refs"]
            if not isinstance(exc, FluxCancelled):
                self._hint(tr("Branches and tags not listed, type the ref: {reason}").format(reason=exc))

        return self.start_list(tr("Listing the branches and tags of {repo}").format(repo=repo), work, show, failed)

    def load_groups(self, force=False):
        """Datasets of the repository at the ref (``_meta/discovery/{repo}/{ref}``)."""
        repo, ref = self.repo_combo.currentText().strip(), self.ref_combo.currentText().strip()
        try:
            args = self._meta_args() if repo and ref else None
            if args is None:
                return None
            api.location(args[0], repo, ref)
            self._unlock(args[3])
        except FluxError as exc:
            self._hint(tr("Datasets not listed: {reason}").format(reason=exc))
            return None
        key = ("groups", args[0], repo, ref)
        if not force and key in (self._loaded.get("groups"), self._asked.get("groups")):
            return None
        self._asked["groups"] = key
        org, service, compute_url, cfg = args

        stamp = self._next_generation("groups")

        def work(feedback):
            return api.list_groups(org, repo, ref, service=service, compute_url=compute_url, authcfg=cfg,
                                   feedback=feedback)

        def show(groups):
            if (self.repo_combo.currentText().strip(), self.ref_combo.currentText().strip()) != (repo, ref) \
                    or not self._is_newest(stamp, "groups"):
                return
            self._loaded["groups"] = key
            self._fill_groups(groups)
            self._hint("")

        def failed(exc):
            if self._asked.get("groups") == key:
                del self._asked["groups"]
            if not isinstance(exc, FluxCancelled):
                self._hint(tr("Datasets not listed, type the group: {reason}").format(reason=exc))

        return self.start_list(tr("Listing the datasets of {repo} at {ref}").format(repo=repo, ref=ref), work, show,
                               failed)

    def _fill_refs(self, refs):
        current = self.ref_combo.currentText()
        self.ref_combo.blockSignals(True)
        try:
            self.ref_combo.clear()
            for name in refs["branches"]:
                self.ref_combo.addItem(name, "branch")
                self.ref_combo.setItemData(self.ref_combo.count() - 1, tr("branch"), Qt.ItemDataRole.ToolTipRole)
            if refs["branches"] and refs["tags"]:
                self.ref_combo.insertSeparator(self.ref_combo.count())
            for name in refs["tags"]:
                self.ref_combo.addItem(name, "tag")
                self.ref_combo.setItemData(self.ref_combo.count() - 1, tr("tag"), Qt.ItemDataRole.ToolTipRole)
            self.ref_combo.setEditText(current or (refs["branches"] or refs["tags"] or ["main"])[0])
        finally:
            self.ref_combo.blockSignals(False)

    def _fill_groups(self, groups):
        current = self.group_combo.currentText()
        self.group_combo.blockSignals(True)
        try:
            self.group_combo.clear()
            for group in groups:
                self.group_combo.addItem(group)
                if not group:
                    self.group_combo.setItemData(self.group_combo.count() - 1, tr("the root group"),
                                                 Qt.ItemDataRole.ToolTipRole)
            self.group_combo.setEditText(current if current or "" in groups else (groups[0] if groups else ""))
        finally:
            self.group_combo.blockSignals(False)

    def _fill_services(self, services):
        self.services = services
        current = self.service_combo.currentText()
        self.service_combo.clear()
        for service in services:
            self.service_combo.addItem(service.label, service.name)
        self.service_combo.setEditText(current or self.protocol_combo.currentText())

    def _fill_repos(self, repos):
        current = self.repo_combo.currentText()
        self.repo_combo.blockSignals(True)
        try:
            self.repo_combo.clear()
            self.repo_combo.addItems([r.name for r in repos])
            self.repo_combo.setEditText(current)
        finally:
            self.repo_combo.blockSignals(False)
        if self.repo_combo.currentText().strip():
            self.load_refs()

    def _unlock(self, cfg):
        """Let QGIS ask for the master password on the UI thread, not inside a task."""
        if cfg:
            auth.ensure_master_password()

    def list_variables(self):
        fields = self.current_fields()
        cfg = self.authcfg()
        try:
            loc = api.location(**fields)
            self._unlock(cfg)
        except FluxError as exc:
            self.report_error(exc)
            return None

        def work(feedback):
            if loc.protocol == "dap2":
                from ..flux_qgis import dap2

                return dap2.list_variables(loc, cfg, feedback)
            if loc.protocol == "edr":
                return [VariableInfo(name=p.name, title=p.label, units=p.units) for p in
                        api.edr_parameters(loc.org, loc.repo, loc.ref, loc.group, service=loc.service,
                                           authcfg=cfg, feedback=feedback)]
            return layers.describe_variables(loc, cfg, feedback)

        stamp = self._next_generation("variables")

        def show(variables):
            if not self._is_newest(stamp, "variables"):
                return
            current = self.variable_combo.currentText()
            self.variable_combo.clear()
            for info in variables:
                self.variable_combo.addItem(info.label, info.name)
            if current:
                index = self.variable_combo.findData(current)
                if index >= 0:
                    self.variable_combo.setCurrentIndex(index)
            self.listed = (loc, cfg), variables
            self._variable_changed()
            if loc.protocol == "edr" and not self.edr_panel.parameters_edit.text().strip():
                self.edr_panel.parameters_edit.setText(",".join(v.name for v in variables))
            self.report(plural(len(variables), tr("1 variable found."), tr("{n} variables found.")), Qgis.Info)

        return self.start(tr("Listing variables"), work, show)

    # ------------------------------------------------------------- dimensions
    MAX_TIME_ITEMS = 500  # longer axes get a typed time (snapped to the nearest step), not a huge list

    def listed_variable(self):
        """The VariableInfo of the chosen variable, if the list shown is the current dataset's."""
        if self.listed is None:
            return None
        name = self.selected_variable()
        return next((v for v in self.listed[1] if v.name == name), None)

    def _variable_changed(self, *_):
        while self.dims_form.rowCount():
            self.dims_form.removeRow(0)
        self.dim_selectors, self.time_selector = {}, None
        info = self.listed_variable()
        if info is None:
            return
        axis = info.time_axis
        forecast = any(d.kind == "lead_time" and len(d.values) > 1 for d in info.dims)
        if len(axis) > 1:
            default = axis.last() if forecast else axis.first()
            label = tr("Forecast start") if forecast else tr("Time")
            if len(axis) <= self.MAX_TIME_ITEMS:
                selector = QComboBox()
                selector.addItems(axis.strings())
                selector.setCurrentText(default)
            else:
                selector = QLineEdit(default)
                selector.setToolTip(tr("{axis}: type a date-time; the nearest step is shown.").format(
                    axis=axis.describe()))
            selector.setObjectName("timeSelector")
            self.time_selector = selector
            self.dims_form.addRow(label, selector)
        for dim in info.dims:
            selector = QComboBox()
            selector.setObjectName(f"dimension_{dim.name}")
            selector.addItems(dim.values)
            selector.setCurrentText(dim.default)
            selector.setEnabled(len(dim.values) > 1)
            self.dim_selectors[dim.name] = selector
            self.dims_form.addRow(dim.label, selector)

    def selected_dimensions(self):
        return {name: combo.currentText() for name, combo in self.dim_selectors.items()}

    def selected_time(self, info):
        """The chosen time step (snapped to the axis), '' for the default; FluxError if unreadable."""
        from ..core.dimensions import parse_iso

        if self.time_selector is None or info is None:
            return ""
        text = self.time_selector.currentText() if isinstance(self.time_selector, QComboBox) else \
            self.time_selector.text()
        text = text.strip()
        axis = info.time_axis
        if not text or axis.contains(text):
            return text
        seconds = parse_iso(text)
        if seconds is None or axis.raw:
            raise FluxError(tr("The time {text!r} is not an ISO 8601 date-time (the data has {axis}).").format(
                text=text[:40], axis=axis.describe()))
        return axis[axis.nearest_index(seconds)]

    def selected_variable(self):
        index = self.variable_combo.currentIndex()
        text = self.variable_combo.currentText().strip()
        data = self.variable_combo.itemData(index) if index >= 0 else None
        if data and self.variable_combo.itemText(index) == text:
            return data
        return text.split(" ", 1)[0] if text else None

    def add_layer(self):
        fields = self.current_fields()
        if fields["protocol"] in ("edr", "dap2"):  # their actions have their own pages
            self.tabs.setCurrentWidget(self.edr_page if fields["protocol"] == "edr" else self.dap2_page)
            return None
        cfg = self.authcfg()
        options = {"colormap": self.colormap_combo.currentText().strip() or None}
        if not self.auto_range.isChecked():
            options["value_range"] = (self.min_spin.value(), self.max_spin.value())
        variable = self.selected_variable()
        try:
            loc = api.location(**fields)
            self._unlock(cfg)
        except FluxError as exc:
            self.report_error(exc)
            return None
        # the list just shown for this very dataset: no need to ask the service again (make bench)
        known = self.listed[1] if self.listed is not None and self.listed[0] == (loc, cfg) else None
        if known is not None:
            try:
                options["time"] = self.selected_time(self.listed_variable()) or None
            except FluxError as exc:
                self.report_error(exc)
                return None
            options["dimensions"] = self.selected_dimensions() or None

        def work(feedback):
            return api.prepare_layer(fields["org"], fields["repo"], fields["ref"], fields["group"],
                                     fields["protocol"], variable, service=fields["service"],
                                     authcfg=cfg, feedback=feedback, variables=known, **options)

        def add(result):
            spec, authcfg = result
            layer = layers.make_layer(spec, authcfg)
            QgsProject.instance().addMapLayer(layer)
            self.remember_location(fields)
            if spec.value_range and self.auto_range.isChecked():
                self.min_spin.setValue(spec.value_range[0])
                self.max_spin.setValue(spec.value_range[1])
            self.report(tr("Added {name}.").format(name=layer.name()))

        return self.start(tr("Adding the layer"), work, add)

    def make_public(self):
        """Create a public service, only after the user confirms the consequences."""
        if self._needs_org():
            return None
        org = self.org_edit.text().strip()
        service_type = self.protocol_combo.currentText()
        name = self._service_name() or service_type
        existing = next((s for s in self.services if s.name == name), None)
        if existing is not None and existing.is_public:
            self.report(tr("The service '{name}' is already public.").format(name=name), Qgis.Info)
            return None
        if existing is not None:
            # a deployment's access can't be changed in place: a new public one needs a new name
            name = f"{service_type}-public"[:16]
        text = public_confirmation_text(org, service_type, name)
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
        answer = QMessageBox.warning(self, tr("Make the service public?"), text, buttons,
                                     QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            self.report(tr("Nothing was changed."), Qgis.Info)
            return None
        try:
            make_client = self._client_factory()
        except FluxError as exc:
            self.report_error(exc)
            return None

        stamp = self._next_generation("services")  # a list still loading must not overwrite this one

        def work(feedback):
            client = make_client(feedback)
            deployment = None if name == service_type else name
            created = client.create_service(service_type, True, deployment_name=deployment)
            return created, client.list_services()

        def show(result):
            created, services = result
            if self._is_newest(stamp, "services"):
                self._fill_services(services)
            self.service_combo.setEditText(created.name)
            self.report(tr("The {type} service '{name}' is now public: anyone can read every repository "
                           "of '{org}' through it.").format(type=service_type, name=created.name, org=org),
                        Qgis.Warning)

        return self.start(tr("Creating a public service"), work, show)

    # ------------------------------------------------------------- URLs
    def fill_from_url(self):
        """Fill the fields from a pasted Flux URL; credentials in it go to the auth database."""
        text = self.url_edit.text().strip()
        try:
            fields = api.from_url(text)
        except FluxError as exc:
            self.report_error(exc)
            return None
        finally:
            self.url_edit.clear()  # never keep a pasted key in a widget
        self.org_edit.setText(fields["org"])
        self.protocol_combo.setCurrentText(fields["protocol"])
        self.service_combo.setEditText(fields["service"])
        self.repo_combo.setEditText(fields["repo"])
        self.ref_combo.setEditText(fields["ref"])
        self.group_combo.setEditText(fields["group"])
        if fields["variable"]:
            self.variable_combo.setEditText(fields["variable"])
        if fields["compute_url"] != settings.compute_url():
            self.compute_edit.setText(fields["compute_url"])
            self._save_urls()
        if fields["authcfg"]:
            self.auth_select.setConfigId(fields["authcfg"])
            self.report(tr("The URL held credentials: the key was moved into the QGIS authentication database "
                           "({cfg}) and removed from the URL. Nothing else keeps it.").format(cfg=fields["authcfg"]),
                        Qgis.Info)
        else:
            self.report(tr("Fields filled from the URL."), Qgis.Info)
        return fields

    def copy_as(self, kind):
        from qgis.PyQt.QtWidgets import QApplication

        fields = self.current_fields()
        public = not self.use_credentials.isChecked()
        try:
            text = api.copy_as(fields["org"], fields["repo"], fields["ref"], fields["group"], fields["protocol"],
                               kind, service=fields["service"], public=public)
        except FluxError as exc:
            self.report_error(exc)
            return None
        QApplication.clipboard().setText(text)
        self.report(tr("Copied to the clipboard (with YOUR_API_KEY in place of the key)."), Qgis.Info)
        return text
