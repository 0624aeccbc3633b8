"""Credentials: one QGIS Authentication ``Basic`` config per organization.

username = organization, password = Arraylake API key (what Flux's Basic auth wants).
Only the config id is kept anywhere else (QgsSettings, layer sources as ``authcfg=ID``).

Master password: the plugin never asks for it on its own at start-up or when a project
opens. Only an explicit user action that needs the secret (Save, listing services...) may
let QGIS ask, and only when a GUI exists; headless callers get a sentence that says what to do.
"""

import re

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
    cfg = QgsAuthMethodConfig()
    if cfg_id:
        am.loadAuthenticationConfig(cfg_id, cfg, True)
    if not cfg_id or not cfg.isValid() or cfg.method() != "Basic":
        cfg = QgsAuthMethodConfig("Basic")
        cfg_id = ""
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


def read_credentials(authcfg, interactive=None):
    """(username, password) of a Basic config. The password must never be logged or shown."""
    if not authcfg:
        raise FluxInputError("No credentials chosen: save the organization and API key first.")
    am = _manager()
    if authcfg not in am.configIds():
        raise FluxError(f"The authentication configuration {authcfg!r} does not exist on this machine: "
                        "save the organization and API key again.")
    ensure_master_password(interactive)
    cfg = QgsAuthMethodConfig()
    if not am.loadAuthenticationConfig(authcfg, cfg, True) or not cfg.isValid(True):
        raise FluxError(f"Could not read the authentication configuration {authcfg!r} "
                        "(is the master password correct?).")
    if cfg.method() != "Basic":
        raise FluxInputError(f"The authentication configuration {authcfg!r} is of type {cfg.method()}, "
                             "not Basic: choose or save a Basic one (organization and API key).")
    return cfg.config("username"), cfg.config("password")


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
