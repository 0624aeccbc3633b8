"""Projects shared between people: re-link Flux layers to this machine's credentials.

An ``authcfg`` id exists only in the auth database that made it. Opened elsewhere, a Flux
layer's source still holds the Flux URL and the foreign id, QGIS marks it invalid (and keeps
no name, style or custom properties for it). Here we find such layers from their sources
alone, name their organizations, and swap in this user's config for the same org; the rest
of the layer (name, style, temporal settings, Flux spec) is read back from the project XML.
Nothing here needs the master password: config ids and names are public in the auth database.
"""

from dataclasses import dataclass

from qgis.core import QgsApplication, QgsDataProvider, QgsDataSourceUri, QgsProject, QgsReadWriteContext

from ..core.lazy import lazy_module

auth = lazy_module("flux_qgis.auth")  # imported when a project is read, not at start-up


@dataclass
class UnlinkedLayer:
    layer_id: str
    org: str
    authcfg: str  # the foreign id found in the source


def flux_url_of(source):
    """The Flux URL inside an XYZ layer source, or '' for any other source."""
    uri = QgsDataSourceUri()
    uri.setEncodedUri(source)
    url = uri.param("url")
    return url if "/v1/services/" in url else ""


def find_unlinked_layers(project=None):
    """Flux layers whose authcfg does not exist in this auth database."""
    project = project or QgsProject.instance()
    known = set(QgsApplication.authManager().configIds())
    found = []
    for layer_id, layer in project.mapLayers().items():
        source = layer.source()
        url = flux_url_of(source)
        if not url:
            continue
        uri = QgsDataSourceUri()
        uri.setEncodedUri(source)
        cfg = uri.authConfigId()
        if not cfg or cfg in known:
            continue
        from ..core.errors import FluxError
        from ..core.location import parse_flux_url

        try:
            org = parse_flux_url(url.replace("{", "").replace("}", "")).location.org
        except FluxError:
            continue
        found.append(UnlinkedLayer(layer_id, org, cfg))
    return found


def orgs_of(unlinked):
    return sorted({item.org for item in unlinked})


def relink_layers(unlinked, project=None, document=None):
    """Point each unlinked layer at this user's config for its org.

    ``document`` is the project's QDomDocument (from QgsProject.readProject) to restore each
    layer's name, style and properties; without it the layer keeps what QGIS loaded.
    Returns (relinked layer ids, orgs still without credentials).
    """
    project = project or QgsProject.instance()
    relinked, missing = [], set()
    elements = _layer_elements(document)
    for item in unlinked:
        cfg = auth.find_config(item.org)
        if not cfg:
            missing.add(item.org)
            continue
        layer = project.mapLayer(item.layer_id)
        if layer is None:
            continue
        uri = QgsDataSourceUri()
        uri.setEncodedUri(layer.source())
        uri.setAuthConfigId(cfg)
        new_source = bytes(uri.encodedUri()).decode("utf-8")
        element = elements.get(item.layer_id)
        if element is not None:
            _set_datasource(element, new_source)
            layer.readLayerXml(element, QgsReadWriteContext())
        if not layer.isValid() or layer.source() != new_source:
            options = QgsDataProvider.ProviderOptions()
            options.transformContext = project.transformContext()
            layer.setDataSource(new_source, layer.name() or item.layer_id, "wms", options)
        if layer.isValid():
            relinked.append(item.layer_id)
            layer.triggerRepaint()
    return relinked, sorted(missing)


def project_document(project):
    """The project's saved XML (from its .qgs or .qgz file), or None."""
    from qgis.core import QgsArchive
    from qgis.PyQt.QtXml import QDomDocument

    path = project.fileName()
    if not path:
        return None
    if path.lower().endswith(".qgz"):
        archive = QgsArchive()
        if not archive.unzip(path):
            return None
        path = next((f for f in archive.files() if f.lower().endswith(".qgs")), "")
        if not path:
            return None
    with open(path, "rb") as handle:
        content = handle.read()
    document = QDomDocument()
    return document if document.setContent(content) else None


def _layer_elements(document):
    if document is None:
        return {}
    elements = {}
    nodes = document.elementsByTagName("maplayer")
    for i in range(nodes.count()):
        element = nodes.at(i).toElement()
        layer_id = element.firstChildElement("id").text()
        if layer_id:
            elements[layer_id] = element.cloneNode(True).toElement()
    return elements


def _set_datasource(element, source):
    node = element.firstChildElement("datasource")
    while node.hasChildNodes():
        node.removeChild(node.firstChild())
    node.appendChild(element.ownerDocument().createTextNode(source))


class ProjectWatcher:
    """Keeps the last read project's XML so relinking can restore names and styles."""

    def __init__(self, project=None):
        self.project = project or QgsProject.instance()
        self.document = None
        self.project.readProject.connect(self._remember)

    def _remember(self, document):
        self.document = document.cloneNode(True).toDocument()

    def disconnect(self):
        try:
            self.project.readProject.disconnect(self._remember)
        except (TypeError, RuntimeError):
            pass
