"""Plugin preferences in QgsSettings. Never a secret here: only ids, names and URLs.

QgsSettings is read on the UI thread only. Worker threads (tasks, Processing in the background)
read a snapshot of the plugin's keys that the UI thread keeps: :func:`load` takes it when the
network engine starts, and every :func:`set_value` updates it.
"""

import os
import threading

from qgis.core import QgsSettings

from ..core.errors import FluxInputError
from ..core.location import DEFAULT_API_URL, DEFAULT_COMPUTE_URL, normalize_base_url

PREFIX = "earthmover_flux"
ENV_COMPUTE = "EARTHMOVER_FLUX_COMPUTE_URL"
ENV_API = "EARTHMOVER_FLUX_API_URL"
HISTORY_LENGTH = 15


def _key(name):
    return f"{PREFIX}/{name}"


_SNAPSHOT = {}  # name -> value, of every key under PREFIX; for worker threads
_LOADED = []


def _on_ui_thread():
    return threading.get_ident() == threading.main_thread().ident


def load():
    """Take the snapshot of the plugin's settings that worker threads read (UI thread)."""
    settings = QgsSettings()
    settings.beginGroup(PREFIX)
    names = settings.allKeys()
    snapshot = {name: settings.value(name) for name in names}
    settings.endGroup()
    _SNAPSHOT.clear()
    _SNAPSHOT.update(snapshot)
    _LOADED[:] = [True]


def value(name, default=None):
    if _on_ui_thread() or not _LOADED:
        return QgsSettings().value(_key(name), default)
    found = _SNAPSHOT.get(name)
    return default if found is None else found


def set_value(name, data):
    QgsSettings().setValue(_key(name), data)
    _SNAPSHOT[name] = data


def compute_url():
    """Compute base URL: environment, then the dock's advanced setting, then the default."""
    return _base_url(ENV_COMPUTE, "compute_url", DEFAULT_COMPUTE_URL, "compute URL")


def api_url():
    return _base_url(ENV_API, "api_url", DEFAULT_API_URL, "API URL")


def _base_url(env, name, default, what):
    if os.environ.get(env):
        # an explicit choice: a bad value is an error, never silently another host
        try:
            return normalize_base_url(os.environ[env], what, allow_insecure=allow_insecure_http())
        except FluxInputError as exc:
            raise FluxInputError(f"{exc} (from the environment variable {env})") from None
    url = value(name) or default
    try:
        return normalize_base_url(url, what, allow_insecure=allow_insecure_http())
    except FluxInputError:
        if url == default:
            raise
        # a saved value that became invalid must not lock the user out of the dock
        return default


def set_base_urls(compute=None, api=None):
    if compute is not None:
        set_value("compute_url", normalize_base_url(compute, "compute URL", allow_insecure_http()) if compute else "")
    if api is not None:
        set_value("api_url", normalize_base_url(api, "API URL", allow_insecure_http()) if api else "")


def allow_insecure_http():
    """The user's explicit opt-in to send credentials over plain http to non-loopback hosts."""
    return str(value("allow_insecure_http", "false")).lower() == "true"


def authcfg_for_org(org):
    return value(f"authcfg/{org}", "") or ""


def remember_authcfg(org, authcfg):
    set_value(f"authcfg/{org}", authcfg)
    set_value("last_org", org)


def history(name):
    data = value(f"history/{name}", [])
    if isinstance(data, str):
        data = [data] if data else []
    return [str(x) for x in (data or [])]


def add_history(name, entry):
    if entry is None:
        return
    items = [entry] + [x for x in history(name) if x != entry]
    set_value(f"history/{name}", items[:HISTORY_LENGTH])
