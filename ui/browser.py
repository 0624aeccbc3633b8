"""Earthmover Flux in QGIS's Browser panel.

    Earthmover Flux                      (root; "New connection..." in its context menu)
      my-org                             one per saved organization (its Basic auth config)
        wms (wms, private)               the org's services, from the management API
          climate                        repositories, from the service's _meta/discovery
            Branches / Tags              from _meta/discovery/{repo}
              main                       a ref
                forecast/surface         datasets (groups with arrays), _meta/discovery/{repo}/{ref}
                  wind_speed             variables, from the dataset's WMS capabilities / tiles / EDR metadata

Every item is ``Fast``: QGIS calls its ``createChildren`` on the UI thread, never on the Browser's
own worker threads (which would make Qt objects there: the thread rule, network/engine.py). An
item whose children come from the network lists them in a background task (the API's blocking
calls, through the network engine) and shows "Loading…" meanwhile; when the answer is in, the item
refreshes itself and ``createChildren`` returns the children. A failure becomes an error item with
the sentence. A variable is added (double-click,
drag onto the map, context menu) through the same API as the dock, in a background task. Items hold
names, the authcfg id and URLs only: never a key. The mime data of a dragged variable is a JSON
description with the authcfg id (``providerKey`` = "earthmover_flux", ``layerType`` = "custom"),
turned into a layer by :class:`FluxDropHandler`.
"""

import json

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsDataCollectionItem,
    QgsDataItem,
    QgsDataItemProvider,
    QgsDataProvider,
    QgsErrorItem,
    QgsMessageLog,
    QgsMimeDataUtils,
    QgsProject,
)
from qgis.gui import QgsCustomDropHandler, QgsDataItemGuiProvider, QgsGui
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QApplication, QInputDialog, QLineEdit, QMenu, QMessageBox

from ..core.errors import FluxError
from ..core.lazy import lazy_module

tasks = lazy_module("flux_qgis.tasks")  # the network engine comes with it: imported on first use

# scoped enums (QGIS >= 3.20, and the only spelling on QGIS 4 / PyQt6)
POPULATED = Qgis.BrowserItemState.Populated
CUSTOM_ITEM = Qgis.BrowserItemType.Custom
FAST = Qgis.BrowserItemCapability.Fast
# QGIS >= 3.36 names the network-sources capability apart; 3.22 has QgsDataProvider.Net
NETWORK_SOURCES = getattr(getattr(Qgis, "DataItemProviderCapability", None), "NetworkSources", None) \
    or QgsDataProvider.Net

PROVIDER_KEY = "earthmover_flux"
ROOT_PATH = "earthmover-flux:"
MAP_PROTOCOLS = ("wms", "tiles")


def tr(text):
    return QCoreApplication.translate("FluxBrowser", text)


def _icon(name):
    return QgsApplication.getThemeIcon(name)


def plugin_icon():
    import os

    return QIcon(os.path.join(os.path.dirname(os.path.dirname(__file__)), "icons", "icon.svg"))


def saved_organizations():
    """(org, authcfg) of every saved Flux organization, from the auth configs' names (no master
    password needed)."""
    from ..flux_qgis import auth  # on first expansion, not at start-up

    found = {}
    for cfg_id, cfg in QgsApplication.authManager().availableAuthMethodConfigs().items():
        if cfg.method() == "Basic" and cfg.name().startswith(auth.CONFIG_NAME_PREFIX):
            org = cfg.name()[len(auth.CONFIG_NAME_PREFIX):]
            if org:
                found.setdefault(org, cfg_id)
    return sorted(found.items())


def _error_item(parent, exc):
    text = str(exc) if isinstance(exc, FluxError) else tr("Unexpected error: {e}").format(e=type(exc).__name__)
    return QgsErrorItem(parent, text, parent.path() + "/error")


def _loading_item(parent):
    item = QgsDataItem(CUSTOM_ITEM, parent, tr("Loading…"), parent.path() + "/~loading", PROVIDER_KEY)
    item.setState(POPULATED)
    item.setIcon(_icon("/mIconLoading.svg"))
    return item


class ListingItem(QgsDataCollectionItem):
    """An item whose children come from the network (see the module docstring).

    Subclasses give ``listing()`` (a description for the task) and ``fetch(feedback)`` (runs in
    the task: the API's blocking calls, returning plain data) and ``make_children(data)`` (UI
    thread: the items)."""

    def __init__(self, parent, name, path):
        super().__init__(parent, name, path, PROVIDER_KEY)
        self.setCapabilitiesV2(self.capabilities2() | FAST)
        self._listed = None  # (data, error) of the finished listing, for the next createChildren
        self._task = None

    def listing(self):
        return tr("Listing {name}").format(name=self.name())

    def createChildren(self):  # noqa: N802 (QGIS API) - UI thread (Fast)
        if self._listed is not None:
            (data, error), self._listed = self._listed, None
            if error is not None:
                return [_error_item(self, error)]
            try:
                return self.make_children(data)
            except Exception as exc:  # noqa: BLE001 - any failure is shown as an item, never raised into QGIS
                return [_error_item(self, exc)]
        if self._task is None:
            self._task = tasks.run_in_background(self.listing(), self.fetch, self._fetched)
        return [_loading_item(self)]

    def _fetched(self, data, error):
        self._task = None
        if sip.isdeleted(self):
            return
        self._listed = (data, error)
        self.refresh()  # Fast: createChildren again, now with the answer

    def busy(self):
        return self._task is not None


# -- items --------------------------------------------------------------------------------------
class FluxRootItem(QgsDataCollectionItem):
    def __init__(self, parent=None):
        super().__init__(parent, tr("Earthmover Flux"), ROOT_PATH, PROVIDER_KEY)
        self.setCapabilitiesV2(self.capabilities2() | FAST)  # no network: the saved configs
        self.setIcon(plugin_icon())
        self.setToolTip(tr("Earthmover Flux: your organizations' services, repositories and datasets"))

    def createChildren(self):  # noqa: N802 (QGIS API)
        return [OrgItem(self, org, cfg) for org, cfg in saved_organizations()]


class OrgItem(ListingItem):
    def __init__(self, parent, org, authcfg):
        super().__init__(parent, org, f"{ROOT_PATH}/{org}")
        self.org, self.authcfg = org, authcfg
        self.services = []
        self.setIcon(_icon("/mIconFolder.svg"))
        self.setToolTip(tr("Organization {org} (credentials: {cfg})").format(org=org, cfg=authcfg))

    def fetch(self, feedback):
        from .. import api

        return api.list_services(self.org, authcfg=self.authcfg, interactive=False, feedback=feedback)

    def make_children(self, services):
        self.services = services
        return [ServiceItem(self, s) for s in sorted(self.services, key=lambda s: s.name)]

    def service_for(self, protocol):
        """(deployment name, compute URL) of a service of this protocol, preferring the default name."""
        from .. import api

        matching = sorted((s for s in self.services if s.service_type == protocol),
                          key=lambda s: (s.name != protocol, s.is_public, s.name))
        if not matching:
            return None
        return matching[0].name, api.service_compute_url(matching[0], self.org)


class ServiceItem(ListingItem):
    def __init__(self, parent, service):
        from .. import api

        access = tr("public") if service.is_public else tr("private")
        name = f"{service.name} ({service.service_type}, {access})"
        super().__init__(parent, name, f"{parent.path()}/{service.name}")
        self.org, self.authcfg, self.service = parent.org, parent.authcfg, service
        self.compute_url = api.service_compute_url(service, parent.org)
        self.setIcon(_icon("/mIconWms.svg" if service.service_type in MAP_PROTOCOLS else "/mIconDbSchema.svg"))
        self.setToolTip(tr("{type} service {name}: {access}, {status}\n{url}").format(
            type=service.service_type, name=service.name, access=access, status=service.status,
            url=self.compute_url))

    def context(self):
        return {"org": self.org, "authcfg": self.authcfg, "service": self.service.name,
                "protocol": self.service.service_type, "compute_url": self.compute_url}

    def fetch(self, feedback):
        from .. import api

        return api.list_repos(self.org, service=self.service.name, authcfg=self.authcfg,
                              compute_url=self.compute_url, feedback=feedback)

    def make_children(self, repos):
        return [RepoItem(self, repo) for repo in repos]


class RepoItem(ListingItem):
    def __init__(self, parent, repo):
        super().__init__(parent, repo, f"{parent.path()}/{repo}")
        self.ctx = dict(parent.context(), repo=repo)
        self.setIcon(_icon("/mIconDbSchema.svg"))

    def fetch(self, feedback):
        from .. import api

        ctx = self.ctx
        return api.list_refs(ctx["org"], ctx["repo"], service=ctx["service"], authcfg=ctx["authcfg"],
                             compute_url=ctx["compute_url"], feedback=feedback)

    def make_children(self, refs):
        return [RefFolderItem(self, tr("Branches"), "branches", refs["branches"]),
                RefFolderItem(self, tr("Tags"), "tags", refs["tags"])]


class RefFolderItem(QgsDataCollectionItem):
    """Branches or tags of a repository (known already: no request of its own)."""

    def __init__(self, parent, title, kind, refs):
        super().__init__(parent, title, f"{parent.path()}/{kind}", PROVIDER_KEY)
        self.ctx, self.kind, self.refs = parent.ctx, kind, list(refs)
        self.setIcon(_icon("/mIconFolder.svg"))
        self.setCapabilitiesV2(self.capabilities2() | FAST)

    def createChildren(self):  # noqa: N802
        return [RefItem(self, ref) for ref in self.refs]


class RefItem(ListingItem):
    def __init__(self, parent, ref):
        super().__init__(parent, ref, f"{parent.path()}/{ref}")
        self.ctx = dict(parent.ctx, ref=ref)
        self.setIcon(_icon("/mActionHistory.svg" if parent.kind == "tags" else "/mIconFolder.svg"))

    def fetch(self, feedback):
        from .. import api

        ctx = self.ctx
        return api.list_groups(ctx["org"], ctx["repo"], ctx["ref"], service=ctx["service"],
                               authcfg=ctx["authcfg"], compute_url=ctx["compute_url"], feedback=feedback)

    def make_children(self, groups):
        return [DatasetItem(self, group) for group in groups]


class DatasetItem(ListingItem):
    def __init__(self, parent, group):
        label = group or tr("(root group)")
        super().__init__(parent, label, f"{parent.path()}/{group or '.'}")
        self.ctx = dict(parent.ctx, group=group)
        self.page_services = _page_services(parent)
        self.setIcon(_icon("/mIconRaster.svg"))

    def fetch(self, feedback):
        from .. import api

        ctx = self.ctx
        args = (ctx["org"], ctx["repo"], ctx["ref"], ctx["group"])
        options = {"service": ctx["service"], "authcfg": ctx["authcfg"], "compute_url": ctx["compute_url"],
                   "feedback": feedback}
        if ctx["protocol"] in MAP_PROTOCOLS:
            return [(v.name, v.units) for v in api.list_variables(*args, ctx["protocol"], **options)]
        if ctx["protocol"] == "edr":
            return [(p.name, getattr(p, "units", "")) for p in api.edr_parameters(*args, **options)]
        # dap2: the arrays of its DDS that lie on a grid (flux_qgis.dap2.list_variables)
        from ..flux_qgis import dap2

        loc = api.location(*args, "dap2", ctx["service"], ctx["compute_url"])
        return [(v.name, v.units) for v in dap2.list_variables(loc, ctx["authcfg"] or "", feedback)]

    def make_children(self, names):
        return [VariableItem(self, name, units) for name, units in names]


class VariableItem(QgsDataItem):
    """A variable of a dataset: double-click or drag adds it as a map layer (WMS or tiles)."""

    def __init__(self, parent, variable, units=""):
        super().__init__(CUSTOM_ITEM, parent, variable, f"{parent.path()}/{variable}", PROVIDER_KEY)
        self.info = dict(parent.ctx, variable=variable)
        org_item = _ancestor(parent, OrgItem)
        # the org's other map services, for "Add as tiles / WMS" (name and URL only)
        self.info["alternatives"] = {p: org_item.service_for(p) for p in MAP_PROTOCOLS
                                     if org_item is not None and org_item.service_for(p)}
        self.page_services = _page_services(parent)
        self.setIcon(_icon("/mIconRasterLayer.svg"))
        self.setToolTip(f"{variable} [{units}]" if units else variable)
        self.setState(POPULATED)
        self.setCapabilitiesV2(Qgis.BrowserItemCapabilities())

    def addable(self):
        return self.info["protocol"] in MAP_PROTOCOLS or bool(self.info["alternatives"])

    def hasDragEnabled(self):  # noqa: N802
        return self.addable()

    def mimeUris(self):  # noqa: N802
        if not self.addable():
            return []
        uri = QgsMimeDataUtils.Uri()
        uri.layerType = "custom"
        uri.providerKey = PROVIDER_KEY
        uri.name = self.info["variable"]
        uri.uri = json.dumps(self.info, sort_keys=True)  # names, URLs and the authcfg id: no key
        return [uri]


def _page_services(parent):
    """{"edr": (name, url) or None, "dap2": ...}: the org's services for the dock's EDR and DAP2 pages,
    found while the parents are alive (a Browser item may outlive them)."""
    org_item = _ancestor(parent, OrgItem)
    return {p: org_item.service_for(p) if org_item is not None else None for p in ("edr", "dap2")}


def _ancestor(item, cls):
    while item is not None and not isinstance(item, cls):
        item = item.parent()
    return item


# -- adding layers ------------------------------------------------------------------------------
def layer_arguments(info, protocol=None):
    """api.add_layer arguments for a variable described by ``info`` (a VariableItem's / mime URI's)."""
    protocol = protocol or (info["protocol"] if info["protocol"] in MAP_PROTOCOLS else None)
    if protocol is None:
        protocol = next(iter(info.get("alternatives") or {}), None)
    if protocol is None:
        raise FluxError(tr("This organization has no WMS or tiles service to show {v} on a map: enable one first.")
                        .format(v=info["variable"]))
    if protocol == info["protocol"]:
        service, compute_url = info["service"], info["compute_url"]
    else:
        found = (info.get("alternatives") or {}).get(protocol)
        if not found:
            raise FluxError(tr("This organization has no {p} service: enable one first.").format(p=protocol))
        service, compute_url = found
    return dict(org=info["org"], repo=info["repo"], ref=info["ref"], group=info["group"], protocol=protocol,
                variable=info["variable"], service=service, authcfg=info["authcfg"], compute_url=compute_url)


def add_variable(info, protocol=None, project=None, feedback=None):
    """Add the variable as a layer now (blocking); returns the layer."""
    from .. import api

    args = layer_arguments(info, protocol)
    return api.add_layer(args.pop("org"), args.pop("repo"), args.pop("ref"), args.pop("group"),
                         args.pop("protocol"), args.pop("variable"), project=project, feedback=feedback, **args)


def add_variable_in_background(info, protocol=None, on_done=None):
    """The network part in a QgsTask, the layer made on the UI thread; ``on_done(layer, error)``."""
    from .. import api
    from ..flux_qgis import layers

    try:
        args = layer_arguments(info, protocol)
    except FluxError as exc:
        _report(exc)
        return None
    org, repo, ref, group = args.pop("org"), args.pop("repo"), args.pop("ref"), args.pop("group")
    protocol, variable = args.pop("protocol"), args.pop("variable")

    def work(feedback):
        return api.prepare_layer(org, repo, ref, group, protocol, variable, feedback=feedback, **args)

    def done(result, error):
        layer = None
        if error is None and result is not None:
            spec, authcfg = result
            layer = layers.make_layer(spec, authcfg)
            QgsProject.instance().addMapLayer(layer)
        elif error is not None:
            _report(error)
        if on_done is not None:
            on_done(layer, error)

    return tasks.run_in_background(tr("Adding {v}").format(v=variable), work, done)


def open_in_dock(item, page):
    """The dock on its EDR or DAP2 page, filled with the item's dataset (and variable), with the org's
    service of that protocol. Returns the dock (None without the plugin's dock)."""
    import qgis.utils

    plugin = qgis.utils.plugins.get(__name__.split(".")[0])
    if plugin is None or not hasattr(plugin, "show_dock"):
        _report(FluxError(tr("The Earthmover Flux plugin is not loaded: enable it in Plugins > Manage.")))
        return None
    info = dict(item.info if isinstance(item, VariableItem) else item.ctx)
    found = item.page_services.get(page)
    if info.get("protocol") != page:
        info["service"] = found[0] if found else page
    return plugin.show_dock().open_for(info, page)


def _report(error):
    text = str(error)
    QgsMessageLog.logMessage(text, "Earthmover Flux", Qgis.Warning)
    try:
        from qgis.utils import iface
    except ImportError:  # pragma: no cover
        iface = None
    if iface is not None:
        iface.messageBar().pushMessage(tr("Earthmover Flux"), text, Qgis.Warning, 8)


class FluxDropHandler(QgsCustomDropHandler):
    """Turns a dragged variable (mime URI with our provider key) into a layer."""

    def customUriProviderKey(self):  # noqa: N802
        return PROVIDER_KEY

    def handleCustomUriDrop(self, uri):  # noqa: N802
        try:
            info = json.loads(uri.uri)
        except ValueError:
            return
        add_variable_in_background(info)


# -- the provider and the context menu -----------------------------------------------------------
class FluxDataItemProvider(QgsDataItemProvider):
    def name(self):
        return "Earthmover Flux"

    def dataProviderKey(self):  # noqa: N802
        return PROVIDER_KEY

    def capabilities(self):
        return NETWORK_SOURCES

    def createDataItem(self, path, parent):  # noqa: N802
        if not path:
            return FluxRootItem(parent)
        return None


def confirm(parent, title, text):
    """Ask before anything that changes the organization (replaced in tests, which answer it)."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
    answer = QMessageBox.warning(parent, title, text, buttons, QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes


def ask_new_connection(parent):
    """(org, key) from two small dialogs, or None. The key goes straight to the auth database."""
    org, ok = QInputDialog.getText(parent, tr("New Earthmover Flux connection"), tr("Organization name:"))
    if not ok or not org.strip():
        return None
    key, ok = QInputDialog.getText(parent, tr("New Earthmover Flux connection"),
                                   tr("Arraylake API key for '{org}' (kept in the QGIS authentication "
                                      "database only):").format(org=org.strip()), QLineEdit.EchoMode.Password)
    if not ok or not key.strip():
        return None
    return org.strip(), key


def new_connection(root_item, parent_widget=None):
    answer = ask_new_connection(parent_widget)
    if answer is None:
        return None
    from .. import api

    try:
        cfg = api.store_credentials(*answer)
    except FluxError as exc:
        _report(exc)
        return None
    root_item.refresh()
    return cfg


def make_public(service_item, parent_widget=None, on_done=None):
    """Create a public deployment of the service's type, after the confirmation the dock also shows.
    In a background task; ``on_done(service or None, error)`` on the UI thread. Returns the task, or
    None when the user said no."""
    from .. import api
    from .dock import public_confirmation_text

    service, org, cfg = service_item.service, service_item.org, service_item.authcfg
    name = f"{service.service_type}-public"[:16]
    if not confirm(parent_widget, tr("Make the service public?"),
                   public_confirmation_text(org, service.service_type, name)):
        return None
    parent = service_item.parent()

    def work(feedback):
        return api.management_client(org, cfg, feedback=feedback).create_service(service.service_type, True,
                                                                            deployment_name=name)

    return _in_background(tr("Creating a public service"), work, parent, on_done)


def delete_service(service_item, parent_widget=None, on_done=None):
    """Delete the service after a confirmation, in a background task (``on_done(None, error)``).
    Returns the task, or None when the user said no."""
    from .. import api

    name, org, cfg = service_item.service.name, service_item.org, service_item.authcfg
    text = tr("Delete the {type} service '{name}' of '{org}'?\n\nEvery layer, script and web page that uses it "
              "stops working. This is what 'al compute disable {org} {name}' does.").format(
        type=service_item.service.service_type, name=name, org=org)
    if not confirm(parent_widget, tr("Delete the service?"), text):
        return None

    def work(feedback):
        api.delete_service(org, name, authcfg=cfg, feedback=feedback)

    return _in_background(tr("Deleting the service {name}").format(name=name), work, service_item.parent(), on_done)


def _in_background(description, work, refresh_item, on_done):
    def done(result, error):
        if error is not None:
            _report(error)
        elif refresh_item is not None and not sip.isdeleted(refresh_item):
            refresh_item.refresh()
        if on_done is not None:
            on_done(result, error)

    return tasks.run_in_background(description, work, done)


def copy_as(info, kind):
    """The variable's service URL or a snippet (key placeholder) on the clipboard, at the service's own URL."""
    from .. import api
    from ..core.snippets import copy_as as snippet

    if info["protocol"] in MAP_PROTOCOLS:
        protocol, service, compute_url = info["protocol"], info["service"], info["compute_url"]
    else:  # an EDR/DAP2 variable: the map service it would be added with
        args = layer_arguments(info)
        protocol, service, compute_url = args["protocol"], args["service"], args["compute_url"]
    location = api.location(info["org"], info["repo"], info["ref"], info["group"], protocol, service, compute_url)
    text = snippet(location, kind, public=not info["authcfg"])
    QApplication.clipboard().setText(text)
    return text


class FluxDataItemGuiProvider(QgsDataItemGuiProvider):
    def name(self):
        return "Earthmover Flux"

    def handleDoubleClick(self, item, context):  # noqa: N802
        if isinstance(item, VariableItem):
            if item.addable():
                add_variable_in_background(item.info)
            return True
        return False

    def populateContextMenu(self, item, menu, selected, context):  # noqa: N802
        if not isinstance(item, (FluxRootItem, OrgItem, ServiceItem, RepoItem, RefFolderItem, RefItem,
                                 DatasetItem, VariableItem)):
            return
        parent = menu
        if isinstance(item, FluxRootItem):
            action = QAction(tr("New Connection…"), menu)
            action.triggered.connect(lambda: new_connection(item, parent))
            menu.addAction(action)
        if isinstance(item, (DatasetItem, VariableItem)):
            for page, label in (("edr", tr("EDR at Points…")), ("dap2", tr("DAP2 Subset…"))):
                action = QAction(label, menu)
                action.setObjectName(f"open_{page}")
                action.triggered.connect(lambda _checked=False, p=page: open_in_dock(item, p))
                menu.addAction(action)
        if isinstance(item, VariableItem):
            for protocol, label in (("wms", tr("Add as WMS Layer")), ("tiles", tr("Add as Tiles Layer"))):
                action = QAction(label, menu)
                action.setEnabled(protocol == item.info["protocol"] or protocol in item.info["alternatives"])
                action.triggered.connect(lambda _checked=False, p=protocol: add_variable_in_background(item.info, p))
                menu.addAction(action)
            copy_menu = QMenu(tr("Copy as"), menu)
            for kind, label in (("url", tr("Service URL")), ("curl", tr("curl command")),
                                ("python", tr("Python requests")), ("mapbox", tr("Mapbox transformRequest"))):
                action = QAction(label, copy_menu)
                action.triggered.connect(lambda _checked=False, k=kind: copy_as(item.info, k))
                copy_menu.addAction(action)
            menu.addMenu(copy_menu)
            return
        if isinstance(item, ServiceItem):
            if not item.service.is_public:
                action = QAction(tr("Make Public…"), menu)
                action.triggered.connect(lambda: make_public(item, parent))
                menu.addAction(action)
            action = QAction(tr("Delete Service…"), menu)
            action.triggered.connect(lambda: delete_service(item, parent))
            menu.addAction(action)
        action = QAction(tr("Refresh"), menu)
        action.triggered.connect(item.refresh)
        menu.addAction(action)


# -- registration (plugin.py: one call each in initGui / unload) ---------------------------------
_registered = {}


def register(qgis_interface=None):
    """Add the Browser provider, its context menus and the drop handler."""
    unregister(qgis_interface)
    provider, gui, drop = FluxDataItemProvider(), FluxDataItemGuiProvider(), FluxDropHandler()
    QgsApplication.dataItemProviderRegistry().addProvider(provider)
    QgsGui.dataItemGuiProviderRegistry().addProvider(gui)
    if qgis_interface is not None and hasattr(qgis_interface, "registerCustomDropHandler"):
        qgis_interface.registerCustomDropHandler(drop)
    _registered.update(provider=provider, gui=gui, drop=drop)
    return provider


def unregister(qgis_interface=None):
    if not _registered:
        return
    provider, gui, drop = _registered.pop("provider"), _registered.pop("gui"), _registered.pop("drop")
    if qgis_interface is not None and hasattr(qgis_interface, "unregisterCustomDropHandler"):
        qgis_interface.unregisterCustomDropHandler(drop)
    QgsGui.dataItemGuiProviderRegistry().removeProvider(gui)
    QgsApplication.dataItemProviderRegistry().removeProvider(provider)
