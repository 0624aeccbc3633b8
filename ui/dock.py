"""The Earthmover Flux dock: credentials, location, variable and style, then Add.

Data flows one way: widgets -> core description (FluxLocation, LayerSpec) -> QGIS layer.
Every network call runs in a background task (flux_qgis.tasks) with progress and Cancel; a
failure becomes one sentence in the message bar.
"""

from qgis.core import Qgis, QgsProject
from qgis.gui import QgsAuthConfigSelect, QgsCollapsibleGroupBox, QgsDoubleSpinBox
from qgis.PyQt.QtCore import QCoreApplication, Qt, QUrl
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
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
        self.services = []
        self.after_save = None
        self.listed = None  # ((location, authcfg), variables) of the last 'List variables'
        self._build()
        self._load_state()

    # ----------------------------------------------------------------- layout
    def _build(self):
        body = QWidget()
        column = QVBoxLayout(body)

        creds = QgsCollapsibleGroupBox(tr("Organization and API key"))
        form = QFormLayout(creds)
        self.org_edit = QLineEdit()
        self.org_edit.setObjectName("orgEdit")
        self.org_edit.setPlaceholderText(tr("organization name"))
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("keyEdit")
        self.key_edit.setEchoMode(QLineEdit.Password)
        self.key_edit.setPlaceholderText(tr("Arraylake API key (kept in the QGIS auth database)"))
        self.keys_link = QLabel()
        self.keys_link.setObjectName("keysLink")
        self.keys_link.setOpenExternalLinks(False)
        self.keys_link.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.save_button = QPushButton(tr("Save"))
        self.save_button.setObjectName("saveButton")
        self.test_button = QPushButton(tr("Test connection"))
        self.test_button.setObjectName("testButton")
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.test_button)
        self.auth_select = QgsAuthConfigSelect(creds, "")
        self.auth_select.setObjectName("authSelect")
        form.addRow(tr("Organization"), self.org_edit)
        form.addRow(tr("API key"), self.key_edit)
        form.addRow("", self.keys_link)
        form.addRow(row)
        form.addRow(tr("Or use a saved configuration"), self.auth_select)
        column.addWidget(creds)

        advanced = QgsCollapsibleGroupBox(tr("Advanced"))
        advanced.setCollapsed(True)
        adv = QFormLayout(advanced)
        self.compute_edit = QLineEdit()
        self.compute_edit.setObjectName("computeEdit")
        self.api_edit = QLineEdit()
        self.api_edit.setObjectName("apiEdit")
        adv.addRow(tr("Compute URL"), self.compute_edit)
        adv.addRow(tr("API URL"), self.api_edit)
        column.addWidget(advanced)

        where = QgsCollapsibleGroupBox(tr("Data"))
        form = QFormLayout(where)
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("urlEdit")
        self.url_edit.setPlaceholderText(tr("or paste a Flux URL and press Enter"))
        self.url_edit.setEchoMode(QLineEdit.Normal)
        self.url_edit.returnPressed.connect(self.fill_from_url)
        form.addRow(tr("Flux URL"), self.url_edit)
        self.service_combo = self._combo("serviceCombo", editable=True)
        self.refresh_button = QPushButton(tr("Refresh lists"))
        self.refresh_button.setObjectName("refreshButton")
        self.repo_combo = self._combo("repoCombo", editable=True)
        self.ref_combo = self._combo("refCombo", editable=True)
        self.group_combo = self._combo("groupCombo", editable=True)
        self.protocol_combo = self._combo("protocolCombo")
        self.protocol_combo.addItems(PROTOCOLS)
        self.variable_combo = self._combo("variableCombo", editable=True)
        self.variables_button = QPushButton(tr("List variables"))
        self.variables_button.setObjectName("variablesButton")
        form.addRow(tr("Protocol"), self.protocol_combo)
        form.addRow(tr("Service"), self.service_combo)
        form.addRow(tr("Repository"), self.repo_combo)
        form.addRow(tr("Ref (branch, tag, commit)"), self.ref_combo)
        form.addRow(tr("Group"), self.group_combo)
        form.addRow(self.refresh_button)
        form.addRow(tr("Variable"), self.variable_combo)
        form.addRow(self.variables_button)
        column.addWidget(where)

        style = QgsCollapsibleGroupBox(tr("Style"))
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
        from .edr_panel import EdrPanel

        self.edr_panel = EdrPanel(self)
        self.edr_panel.setObjectName("edrPanel")
        column.addWidget(self.edr_panel)

        self.add_button = QPushButton(tr("Add layer"))
        self.add_button.setObjectName("addButton")
        self.public_button = QPushButton(tr("Make service public…"))
        self.public_button.setObjectName("publicButton")
        self.use_credentials = QCheckBox(tr("Send credentials (uncheck for a public service)"))
        self.use_credentials.setObjectName("useCredentials")
        self.use_credentials.setChecked(True)
        column.addWidget(self.use_credentials)
        column.addWidget(self.add_button)
        row = QHBoxLayout()
        self.copy_button = QToolButton()
        self.copy_button.setObjectName("copyButton")
        self.copy_button.setText(tr("Copy as…"))
        self.copy_button.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(self.copy_button)
        for kind, label in (("url", tr("Service URL")), ("curl", tr("curl command")),
                            ("python", tr("Python requests")), ("mapbox", tr("Mapbox transformRequest"))):
            action = menu.addAction(label)
            action.setObjectName(f"copyAs_{kind}")
            action.triggered.connect(lambda _checked=False, k=kind: self.copy_as(k))
        self.copy_button.setMenu(menu)
        row.addWidget(self.copy_button)
        row.addWidget(self.public_button)
        column.addLayout(row)

        row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.hide()
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        column.addLayout(row)
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLabel")
        self.status_label.setWordWrap(True)
        column.addWidget(self.status_label)
        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        # wide enough for the fields and buttons (make e2e's screenshots showed them clipped);
        # a narrower dock scrolls rather than cutting them off
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        body.setMinimumWidth(body.sizeHint().width())
        self.setMinimumWidth(min(body.sizeHint().width() + 24, 520))
        scroll.setWidget(body)
        self.setWidget(scroll)

        self.org_edit.textChanged.connect(self._org_changed)
        self.save_button.clicked.connect(self.save_credentials)
        self.test_button.clicked.connect(self.test_connection)
        self.refresh_button.clicked.connect(self.refresh_lists)
        self.variables_button.clicked.connect(self.list_variables)
        self.add_button.clicked.connect(self.add_layer)
        self.public_button.clicked.connect(self.make_public)
        self.cancel_button.clicked.connect(self.cancel)
        self.auto_range.toggled.connect(self._range_toggled)
        self.protocol_combo.currentTextChanged.connect(self._protocol_changed)
        self.auth_select.selectedConfigIdChanged.connect(self._auth_selected)
        self.compute_edit.editingFinished.connect(self._save_urls)
        self.api_edit.editingFinished.connect(self._save_urls)
        self._range_toggled(True)

    def _combo(self, name, editable=False):
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setEditable(editable)
        combo.setInsertPolicy(QComboBox.NoInsert)
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
        return self.task is not None

    def start(self, description, work, on_result):
        if self.task is not None:
            self.report(tr("Still busy: wait for the current step or press Cancel."), Qgis.Info)
            return None
        self.progress.show()
        self.cancel_button.show()
        self.status_label.setText(description + "…")

        def done(result, error):
            self.task = None
            self.progress.hide()
            self.cancel_button.hide()
            if error is not None:
                self.report_error(error)
                return
            try:
                on_result(result)
            except FluxError as exc:
                self.report_error(exc)

        self.task = run_in_background(description, work, done)
        return self.task

    def cancel(self):
        if self.task is not None:
            self.task.cancel()

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
        return cfg

    def _client_factory(self):
        """Read the key on the UI thread (QGIS may ask for the master password here, never from a
        worker thread); the returned factory makes the API client inside the task."""
        org = self.org_edit.text().strip()
        cfg = self.auth_select.configId() or auth.find_config(org)
        _user, token = auth.read_credentials(cfg)
        api_url = settings.api_url()

        def make(feedback):
            return ArraylakeClient(network.transport(feedback), org, token, api_url)

        return make

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

        def work(feedback):
            client = make_client(feedback)
            return client.list_services(), client.list_repos(feedback)

        def show(result):
            services, repos = result
            self._fill_services(services)
            self._fill_repos(repos)
            self.report(tr("Connected to '{org}': {n} repositories, {s} services.").format(
                org=self.org_edit.text().strip(), n=len(repos), s=len(services)))

        return self.start(tr("Testing the connection"), work, show)

    refresh_lists = test_connection

    def _fill_services(self, services):
        self.services = services
        current = self.service_combo.currentText()
        self.service_combo.clear()
        for service in services:
            self.service_combo.addItem(service.label, service.name)
        self.service_combo.setEditText(current or self.protocol_combo.currentText())

    def _fill_repos(self, repos):
        current = self.repo_combo.currentText()
        self.repo_combo.clear()
        self.repo_combo.addItems([r.name for r in repos])
        if current:
            self.repo_combo.setEditText(current)

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
            if loc.protocol == "edr":
                return [VariableInfo(name=p.name, title=p.label, units=p.units) for p in
                        api.edr_parameters(loc.org, loc.repo, loc.ref, loc.group, service=loc.service,
                                           authcfg=cfg, feedback=feedback)]
            return layers.describe_variables(loc, cfg, feedback)

        def show(variables):
            current = self.variable_combo.currentText()
            self.variable_combo.clear()
            for info in variables:
                self.variable_combo.addItem(info.label, info.name)
            if current:
                index = self.variable_combo.findData(current)
                if index >= 0:
                    self.variable_combo.setCurrentIndex(index)
            self.listed = (loc, cfg), variables
            if loc.protocol == "edr" and not self.edr_panel.parameters_edit.text().strip():
                self.edr_panel.parameters_edit.setText(",".join(v.name for v in variables))
            self.report(tr("{n} variables found.").format(n=len(variables)), Qgis.Info)

        return self.start(tr("Listing variables"), work, show)

    def selected_variable(self):
        index = self.variable_combo.currentIndex()
        text = self.variable_combo.currentText().strip()
        data = self.variable_combo.itemData(index) if index >= 0 else None
        if data and self.variable_combo.itemText(index) == text:
            return data
        return text.split(" ", 1)[0] if text else None

    def add_layer(self):
        fields = self.current_fields()
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
        answer = QMessageBox.warning(self, tr("Make the service public?"), text,
                                     QMessageBox.Yes | QMessageBox.Cancel, QMessageBox.Cancel)
        if answer != QMessageBox.Yes:
            self.report(tr("Nothing was changed."), Qgis.Info)
            return None
        try:
            make_client = self._client_factory()
        except FluxError as exc:
            self.report_error(exc)
            return None

        def work(feedback):
            client = make_client(feedback)
            deployment = None if name == service_type else name
            created = client.create_service(service_type, True, deployment_name=deployment)
            return created, client.list_services()

        def show(result):
            created, services = result
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
