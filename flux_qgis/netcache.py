"""QGIS's network disk cache: what the plugin drops from it, and the documents it hands QGIS.

UI thread only (the cache is a Qt object of the main network manager). The plugin's own requests
never read or write the cache (engine.py); QGIS's WMS and XYZ providers do, so answers fetched
under a key are dropped when that key changes or is refused, and a capabilities document the
plugin has read is put there for a layer's own provider to take instead of asking again
(metadata.share_with_provider).
"""

import os

from qgis.core import QgsApplication, QgsNetworkAccessManager, QgsSettings
from qgis.PyQt.QtCore import QByteArray, QDateTime, QUrl
from qgis.PyQt.QtNetwork import QNetworkCacheMetaData, QNetworkRequest

from ..core.location import is_flux_url, org_of_url


def cache_directory(cache=None):
    cache = cache or QgsNetworkAccessManager.instance().cache()
    folder = cache.cacheDirectory() if cache is not None and hasattr(cache, "cacheDirectory") else ""
    if not folder:  # QGIS sets its disk cache up on first use; the setting (or default) says where
        folder = QgsSettings().value("cache/directory", "") or os.path.join(
            QgsApplication.qgisSettingsDirPath(), "cache")
    return folder


def cached_urls(cache=None):
    """Every URL in QGIS's network disk cache, read from the cache files' own headers."""
    cache = cache or QgsNetworkAccessManager.instance().cache()
    folder = cache_directory(cache)
    if cache is None or not hasattr(cache, "fileMetaData") or not os.path.isdir(folder):
        return []
    urls = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name.endswith(".d"):
                meta = cache.fileMetaData(os.path.join(root, name))
                if meta.isValid():
                    urls.append(meta.url())
    return urls


def forget_cached_answers(org=""):
    """Drop ``org``'s Flux answers (every Flux answer for '') from QGIS's network disk cache.

    QGIS's XYZ and WMS providers ask for tiles with PreferCache, so tiles fetched with a key keep
    being shown from the cache after the key changed or was revoked. When the plugin stores a new
    key or sees a 401, nothing cached under that org's old key may be served again; everything
    else in the cache (other organizations, other plugins, OSM tiles...) stays. Returns how many
    entries were dropped.
    """
    cache = QgsNetworkAccessManager.instance().cache()
    if cache is None:
        return 0
    dropped = 0
    for url in cached_urls(cache):
        text = url.toString()
        if is_flux_url(text) and (not org or org_of_url(text) == org) and cache.remove(url):
            dropped += 1
    return dropped


def share_answer(url, body, content_type, seconds=120):
    """Store ``body`` in QGIS's network disk cache as the answer to ``url``, fresh for ``seconds``.

    For a request QGIS itself is about to make with PreferCache (its WMS provider reads a layer's
    GetCapabilities so) when the plugin has just read the same document: the provider then takes
    it from the cache instead of asking the server again. Only the body and its content type are
    stored (no request header: no credentials). Returns whether it was stored.
    """
    cache = QgsNetworkAccessManager.instance().cache()
    if cache is None or not hasattr(cache, "prepare"):
        return False
    meta = QNetworkCacheMetaData()
    meta.setUrl(QUrl(url))
    meta.setSaveToDisk(True)
    meta.setExpirationDate(QDateTime.currentDateTimeUtc().addSecs(int(seconds)))
    meta.setRawHeaders([(QByteArray(b"Content-Type"), QByteArray(content_type.encode("latin-1")))])
    meta.setAttributes({QNetworkRequest.Attribute.HttpStatusCodeAttribute: 200,
                        QNetworkRequest.Attribute.HttpReasonPhraseAttribute: QByteArray(b"OK")})
    device = cache.prepare(meta)
    if device is None:
        return False
    device.write(QByteArray(bytes(body)))
    cache.insert(device)
    return True
