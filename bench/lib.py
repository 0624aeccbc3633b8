"""Helpers of the benchmark suite: statistics, the plain-HTTP baselines, the machine, waiting in Qt.

Plain Python plus `requests` (in .venv-qgis); nothing here asserts a time.
"""

import os
import platform
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, urlencode

import requests


def stats(values, unit="s"):
    """Median, spread (min..max) and the raw runs of a list of measurements."""
    values = [float(v) for v in values]
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values),
            "unit": unit, "runs": [round(v, 4) for v in values]}


def ratio(a, b):
    """Ratio of two stats dicts' medians (None when the baseline is zero)."""
    return a["median"] / b["median"] if b and b["median"] else None


def machine():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.lower().startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem_gb = None
    from qgis.core import Qgis

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_gb, 1) if mem_gb else None,
            "qgis": Qgis.QGIS_VERSION, "python": platform.python_version(), "platform": platform.platform()}


def fetch_all(urls, workers, auth, check=True):
    """GET every URL with a pool of `workers` threads (one keep-alive session each); seconds taken."""
    local, sessions = threading.local(), []

    def session():
        s = getattr(local, "session", None)
        if s is None:
            s = local.session = requests.Session()
            s.trust_env = False  # never through a proxy: loopback server
            s.auth = auth
            sessions.append(s)
        return s

    def one(url):
        r = session().get(url, timeout=120)
        if check and r.status_code != 200:
            raise RuntimeError(f"{r.status_code} for {url[:200]}: {r.text[:200]}")
        return len(r.content)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        sizes = list(pool.map(one, urls))
    elapsed = time.perf_counter() - started
    for s in sessions:
        s.close()
    return elapsed, sum(sizes)


def log_urls(flux, entries, kind="compute"):
    return [flux.base_url + e["path"] + ("?" + e["query"] if e["query"] else "") for e in entries
            if e["kind"] == kind]


def with_query(url, **changes):
    """The URL with some query parameters replaced (same order of the others)."""
    base, _, query = url.partition("?")
    pairs = [(k, changes.pop(k) if k in changes else v) for k, v in parse_qsl(query, keep_blank_values=True)]
    pairs += list(changes.items())
    return base + "?" + urlencode(pairs, safe=",:/{}()")


def wait_until(condition, timeout_s=120.0, poll_ms=5):
    """Run the Qt event loop (not sleep: the UI must keep turning) until condition() is true."""
    from qgis.PyQt.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    timer = QTimer()

    def check():
        if condition() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start(poll_ms)
    if not condition():
        loop.exec_()
    timer.stop()
    if not condition():
        raise TimeoutError(f"condition not met within {timeout_s} s")


class GapMeter:
    """A 10 ms QTimer on the UI thread; the longest interval between its ticks is the UI's worst stall."""

    def __init__(self, interval_ms=10):
        from qgis.PyQt.QtCore import QTimer

        self.gaps = []
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.last = None

    def _tick(self):
        now = time.perf_counter()
        if self.last is not None:
            self.gaps.append(now - self.last)
        self.last = now

    def start(self):
        self.gaps, self.last = [], time.perf_counter()
        self.timer.start()

    def stop(self):
        self.timer.stop()
        return max(self.gaps) if self.gaps else None


def point_layer(points, name="points"):
    """A memory layer of EPSG:4326 points (lon, lat), each named p0, p1, ..."""
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", name, "memory")
    features = []
    for i, (x, y) in enumerate(points):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        f.setAttributes([f"p{i}"])
        features.append(f)
    layer.dataProvider().addFeatures(features)
    return layer
