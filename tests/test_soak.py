"""A long session in one QGIS: mixed use with tasks in play, and nothing piles up (issue 21).

For FLUX_SOAK_SECONDS (make test: 120 per QGIS version; ``make soak``: 1200 on QGIS 3.22), round
after round: renders while panning, EDR batches and a time series in background tasks, the
Browser's tree expanded through QGIS's own model, Identify, and the plugin reloaded 20 times over
the run. Then:

- resident memory after the first quarter grows by less than 5 %;
- no plugin object (instances of the plugin's own classes) and no QNetworkReply accumulates;
- every request the plugin made (its initiator class, as QGIS's network manager reports them) was
  answered or cancelled: each created request has its finished signal.

Figures go to tests/artifacts/soak.json (README quotes the 20-minute run).
"""

import gc
import importlib
import json
import os
import sys
import time

import qgis.utils
from harness import ARTIFACTS
from qgis.core import (
    QgsApplication,
    QgsBrowserModel,
    QgsNetworkAccessManager,
    QgsNetworkRequestParameters,
    QgsPointXY,
    QgsRectangle,
)
from qgis.PyQt.QtNetwork import QNetworkReply
from render import render

SOAK_SECONDS = float(os.environ.get("FLUX_SOAK_SECONDS", "120"))
RELOADS = 20
PLUGIN = "earthmover_flux"


def rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def plugin_objects():
    """{class name: live instances} of the plugin's own classes."""
    counts = {}
    for obj in gc.get_objects():
        module = getattr(type(obj), "__module__", "")
        if isinstance(module, str) and module.startswith(PLUGIN + "."):
            name = f"{module}.{type(obj).__name__}"
            counts[name] = counts.get(name, 0) + 1
    return counts


def pump(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QgsApplication.processEvents()
        time.sleep(0.005)


def wait(condition, timeout=60):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        QgsApplication.processEvents()
        time.sleep(0.005)


def one_round(flux, layer, number):
    """Background EDR batches and a time series while the UI thread renders three panned views,
    identifies a point and expands the Browser; with the plugin's modules as loaded now."""
    api = importlib.import_module(PLUGIN + ".api")
    tasks = importlib.import_module(PLUGIN + ".flux_qgis.tasks")
    identify = importlib.import_module(PLUGIN + ".flux_qgis.identify")
    browser = importlib.import_module(PLUGIN + ".ui.browser")
    reports = []
    points = [(i * 3.1 - 60, i * 1.3 - 30) for i in range(40)]
    tasks.run_in_background("soak edr", lambda fb: api.prepare_edr_position(
        flux.org, "climate", "main", "", points, ["air"], feedback=fb), lambda r, e: reports.append(e))
    tasks.run_in_background("soak chart", lambda fb: api.time_series(
        flux.org, "weather", "main", "gfs", "t2m", 10.5, 45.5, feedback=fb), lambda r, e: reports.append(e))
    for step in range(3):
        x = (number * 3 + step) % 20 * 1_000_000 - 10_000_000
        image = render([layer], extent=QgsRectangle(x - 4e6, -3e6, x + 4e6, 3e6), size=(256, 192))
        assert not image.isNull()
    assert identify.identify(layer, QgsPointXY(12.5, 41.5)) is not None
    model = QgsBrowserModel()  # the Browser, as QGIS walks it
    model.initialize()
    for path in (browser.ROOT_PATH, f"{browser.ROOT_PATH}/{flux.org}"):
        index = model.findPath(path)
        if index.isValid():
            model.fetchMore(index)
            item = model.dataItem(index)
            wait(lambda: not (isinstance(item, browser.ListingItem) and item.busy()))  # noqa: B023
    del model
    wait(lambda: len(reports) == 2)
    assert reports == [None, None], reports


def test_a_long_session_keeps_memory_and_objects_flat(flux, credentials, iface, project):
    requests = {}  # request id -> url path, of the plugin's requests
    finished = set()

    def created(params):
        if params.initiatorClassName() == "EarthmoverFlux":
            requests[params.requestId()] = params.request().url().path()

    def done(content):
        finished.add(content.requestId())

    manager = QgsNetworkAccessManager.instance()
    about_to_be_created = manager.requestAboutToBeCreated[QgsNetworkRequestParameters]
    about_to_be_created.connect(created)
    manager.finished.connect(done)
    samples, counts, rounds, reloads = [], {}, 0, 0
    started = time.monotonic()
    reload_every = SOAK_SECONDS / (RELOADS + 1)
    assert qgis.utils.loadPlugin(PLUGIN) and qgis.utils.startPlugin(PLUGIN)
    try:
        api = importlib.import_module(PLUGIN + ".api")
        layer = api.add_layer(flux.org, "climate", "main", "", "wms", "air", value_range=(220, 310))
        while time.monotonic() - started < SOAK_SECONDS:
            rounds += 1
            one_round(flux, layer, rounds)
            if time.monotonic() - started > (reloads + 1) * reload_every and reloads < RELOADS:
                assert qgis.utils.unloadPlugin(PLUGIN)
                sys.modules.pop(PLUGIN, None)
                assert qgis.utils.loadPlugin(PLUGIN) and qgis.utils.startPlugin(PLUGIN)
                reloads += 1
            pump(0.05)
            gc.collect()
            elapsed = time.monotonic() - started
            samples.append((round(elapsed, 1), rss_kb()))
            if not counts.get("quarter") and elapsed > SOAK_SECONDS / 4:
                counts["quarter"] = plugin_objects()
    finally:
        qgis.utils.unloadPlugin(PLUGIN)
        pump(0.5)
        about_to_be_created.disconnect(created)
        manager.finished.disconnect(done)
    gc.collect()
    counts["end"] = plugin_objects()
    replies = [r for r in manager.findChildren(QNetworkReply) if "/v1/services/" in r.url().toString()]
    quarter = [kb for t, kb in samples if t >= SOAK_SECONDS / 4]
    base, last = quarter[0], sorted(kb for _t, kb in samples[-3:])[1]
    unanswered = sorted(set(requests) - finished)
    report = {"seconds": SOAK_SECONDS, "rounds": rounds, "reloads": reloads, "requests": len(requests),
              "unanswered": len(unanswered), "rss_kb_after_first_quarter": base, "rss_kb_end": last,
              "growth_percent": round(100.0 * (last - base) / base, 2), "replies_left": len(replies),
              "plugin_objects_quarter": sum(counts.get("quarter", {}).values()),
              "plugin_objects_end": sum(counts["end"].values()), "samples": samples}
    (ARTIFACTS / "soak.json").write_text(json.dumps(report, indent=1))
    print(f"\nsoak: {rounds} rounds, {reloads} reloads, {len(requests)} requests, RSS {base} -> {last} kB "
          f"({report['growth_percent']} %), plugin objects {report['plugin_objects_quarter']} -> "
          f"{report['plugin_objects_end']}")
    assert reloads == RELOADS and rounds >= 10 and len(requests) >= 3 * rounds
    assert unanswered == [], [requests[i] for i in unanswered[:5]]
    assert replies == []
    assert last < base * 1.05, report["growth_percent"]
    # after the last unload nothing of the plugin may stay alive but what the project's layer holds
    grown = {k: v for k, v in counts["end"].items() if v > counts.get("quarter", {}).get(k, 0)}
    assert not grown, grown
