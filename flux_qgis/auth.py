"""Credentials: one QGIS Authentication ``Basic`` config per organization.

username = organization, password = Arraylake API key (what Flux's Basic auth wants).
Only the config id is kept anywhere else (QgsSettings, layer sources as ``authcfg=ID``).

Master password: the plugin never asks for it on its own at start-up or when a project
opens. Only an explicit user action that needs the secret (Save, listing services...) may
let QGIS ask, and only when a GUI exists; headless callers get a sentence that says what to do.

Lock order. QGIS guards its auth database with the manager's mutex and each Basic config's cache
with the Basic method's mutex. Every request a provider makes (render threads) takes the Basic
method's first and the manager's inside it (``updateNetworkRequest``); ``loadAuthenticationConfig``
takes them the other way round. A plugin that read a key with ``loadAuthenticationConfig`` on the UI
thread while a WMS layer drew deadlocked QGIS 3.40 (both native stacks: docs/tests.md, "Hangs
found"). So the plugin reads a key the way the providers do (:func:`read_credentials` through
:func:`apply_basic`) and never loads a config in full.
"""

import base64
import re
import threading

from qgis.core import QgsApplication, QgsAuthMethodConfig

from ..core.errors import FluxError, FluxInputError
from ..core.location import validate_name
from . import keys, settings

CONFIG_NAME_PREFIX = "Earthmover Flux: "
MAX_TOKEN_LENGTH = 4096
_BAD_TOKEN_RE = re.compile(r"[\s\x00-\x1f\x7f]")

NO_MASTER_PASSWORD = (
    "The QGIS authentication database is locked: no master password is set. In QGIS, set it under "
    "Settings > Options > Authentication; for scripts and qgis_process, point the environment "
    "variable QGIS_AUTH_PASSWORD_FILE at a file that holds it."
)


def config_name(org):
    return f"{CONFIG_NAME_PREFIX}{org}"


def _manager():
    return QgsApplication.authManager()


def _gui_available():
    try:
        from qgis.utils import iface
    except ImportError:  # pragma: no cover - qgis.utils always exists inside QGIS
        return False
    return iface is not None


def ensure_master_password(interactive=None):
    """Make sure secrets can be read or written; may let QGIS ask, only when ``interactive``."""
    am = _manager()
    if am.isDisabled():
        raise FluxError("The QGIS authentication system is disabled (" + am.disabledMessage() + ").")
    if am.masterPasswordIsSet():
        return
    if interactive is None:
        interactive = _gui_available()
    if interactive and am.setMasterPassword(True):
        return
    raise FluxError(NO_MASTER_PASSWORD)


def validate_token(token):
    token = "" if token is None else str(token)
    token = token.strip()
    if not token:
        raise FluxInputError("The API key is empty: paste an Arraylake API key.")
    if len(token) > MAX_TOKEN_LENGTH or _BAD_TOKEN_RE.search(token):
        # never echo the key back, not even in part
        raise FluxInputError("The API key is not valid: it must be one line without spaces "
                             "(copy it again from the Earthmover web app).")
    return token


def find_config(org):
    """The authcfg id of this org's config, or ''. Needs no master password."""
    am = _manager()
    ids = set(am.configIds())
    remembered = settings.authcfg_for_org(org)
    if remembered and remembered in ids:
        return remembered
    wanted = config_name(org)
    for cfg_id, cfg in am.availableAuthMethodConfigs().items():
        if cfg.method() == "Basic" and cfg.name() == wanted:
            return cfg_id
    return ""


def store_credentials(org, token, name=None, interactive=None):
    """Create or update the org's Basic config; return its authcfg id."""
    org = validate_name(org, "organization")
    token = validate_token(token)
    ensure_master_password(interactive)
    am = _manager()
    cfg_id = find_config(org)
    existing = am.availableAuthMethodConfigs().get(cfg_id) if cfg_id else None
    if existing is None or existing.method() != "Basic":
        cfg_id = ""
    # written whole (name, username, password): never loaded in full first (see "Lock order")
    cfg = QgsAuthMethodConfig("Basic")
    if cfg_id:
        cfg.setId(cfg_id)
    cfg.setName(name or config_name(org))
    cfg.setConfig("username", org)
    cfg.setConfig("password", token)
    if cfg_id:
        ok = am.updateAuthenticationConfig(cfg)
    else:
        result = am.storeAuthenticationConfig(cfg)
        ok, cfg = result if isinstance(result, tuple) else (result, cfg)
    if not ok or not cfg.id():
        raise FluxError("QGIS could not save the credentials in its authentication database "
                        "(is the master password correct?).")
    settings.remember_authcfg(org, cfg.id())
    if cfg_id:
        keys.key_changed(org)  # a changed key: nothing fetched with the old one is reused
    return cfg.id()


def apply_basic(request, authcfg):
    """Put the Basic config ``authcfg`` on ``request`` (a QNetworkRequest) as QGIS's providers do;
    False when QGIS could not (missing config, locked database). UI thread."""
    result = _manager().updateNetworkRequest(request, authcfg)
    # PyQGIS returns (ok, request) for the in/out argument: the request itself is changed in place
    return bool(result[0] if isinstance(result, tuple) else result)


def read_credentials(authcfg, interactive=None):
    """(username, password) of a Basic config. The password must never be logged or shown.

    UI thread: read through QGIS's own request path, in the providers' lock order ("Lock order")."""
    if not authcfg:
        raise FluxInputError("No credentials chosen: save the organization and API key first.")
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("read_credentials runs on the UI thread only")  # a plugin bug, never the user's
    am = _manager()
    base = am.availableAuthMethodConfigs().get(authcfg)
    if base is None:
        raise FluxError(f"The authentication configuration {authcfg!r} does not exist on this machine: "
                        "save the organization and API key again.")
    if base.method() != "Basic":
        raise FluxInputError(f"The authentication configuration {authcfg!r} is of type {base.method()}, "
                             "not Basic: choose or save a Basic one (organization and API key).")
    ensure_master_password(interactive)
    from qgis.PyQt.QtNetwork import QNetworkRequest

    request = QNetworkRequest()
    header = bytes(request.rawHeader(b"Authorization")) if apply_basic(request, authcfg) else b""
    pair = ""
    if header.startswith(b"Basic "):
        try:
            pair = base64.b64decode(header[6:], validate=True).decode("latin-1")
        except ValueError:
            pair = ""
    username, sep, password = pair.partition(":")
    if not sep or not username:
        raise FluxError(f"Could not read the authentication configuration {authcfg!r} "
                        "(is the master password correct?).")
    return username, password


def org_of_config(authcfg):
    """The org a config belongs to, from its name (no secret needed); '' if unknown."""
    cfg = _manager().availableAuthMethodConfigs().get(authcfg)
    if cfg is not None and cfg.name().startswith(CONFIG_NAME_PREFIX):
        return cfg.name()[len(CONFIG_NAME_PREFIX):]
    return ""


def remove_credentials(org):
    cfg_id = find_config(org)
    if cfg_id:
        _manager().removeAuthenticationConfig(cfg_id)
        keys.key_changed(org)
    settings.remember_authcfg(org, "")
    return bool(cfg_id)
