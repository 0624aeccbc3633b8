"""Benchmark section "uimore" (issue 17, goal 6): the UI event loop's longest gap (bench/lib.py
GapMeter, a 10 ms QTimer) where bench_ui does not look:

- Browser expansion: the plugin's Browser provider in a QgsBrowserGuiModel, expanded as a user
  does (fetchMore; QGIS creates the children in its worker threads): Earthmover Flux -> org ->
  wms service -> repo climate -> Branches -> main -> (root group) -> its variables, with the same
  injected server latency as bench_ui's discovery.
- A Temporal Controller step on the 52,608-step hourly era5 t2m layer (added through the API, WMS
  and tiles), on the canvas of a window with the plugin loaded (its TemporalSync follows the
  canvas's controller, as in QGIS): one frame on, until the canvas has rendered.
- Loading a time-series chart: bench/timeseries.py's 52,608-step figure (run here when the
  timeseries section did not run).
"""

import gc
import time

from lib import GapMeter, stats, wait_until

LATENCY_S = 0.5
PATH = ["Earthmover Flux", None, "wms (wms, private)", "climate", "Branches", "main", "(root group)"]


def _log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def bench_ui_more(ctx, authcfg):
    import qgis.utils
    from qgis.core import QgsProject, QgsTemporalNavigationObject
    from qgis_window import TestInterface

    window = TestInterface()
    navigation = QgsTemporalNavigationObject()
    window.canvas.setTemporalController(navigation)
    previous = qgis.utils.iface
    qgis.utils.iface = window
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    out = {}
    gc.collect()  # not the earlier sections' garbage (40,000-feature layers) collected during a measure
    try:
        out["browser"] = _browser(ctx)
        out["temporal"] = _temporal(ctx, authcfg, window, navigation)
    finally:
        ctx.flux.clear_faults()
        qgis.utils.unloadPlugin("earthmover_flux")
        qgis.utils.iface = previous
        QgsProject.instance().clear()
        window.close_all()
    if "timeseries" not in ctx.results:
        from timeseries import bench_timeseries

        bench_timeseries(ctx, authcfg)
    out["chart"] = ctx.results["timeseries"]["era5_gap_ms"]
    ctx.results["ui_more"] = out
    return out


def _browser(ctx):
    from qgis.core import Qgis
    from qgis.gui import QgsBrowserGuiModel
    from qgis.PyQt.QtCore import QModelIndex

    populated = Qgis.BrowserItemState.Populated
    gaps, seconds, by_level = [], [], {}
    ctx.flux.set_faults({"match": "/api/", "latency": LATENCY_S}, {"match": "/v1/services/", "latency": LATENCY_S})
    try:
        for _ in range(ctx.runs):
            model = QgsBrowserGuiModel()
            model.initialize()
            meter = GapMeter(10)
            meter.start()
            started = time.perf_counter()
            parent = QModelIndex()
            for level, name in enumerate(PATH):  # each level expanded as a click on its arrow does
                index = _child(model, parent, name or ctx.flux.org)
                item = model.dataItem(index)
                before = len(meter.gaps)
                if model.canFetchMore(index):
                    model.fetchMore(index)
                # an item lists in the background: "Loading…" first, its children when the answer is in
                # (asked through the model: a child item QGIS has replaced may already be deleted)
                wait_until(lambda item=item, index=index, model=model: item.state() == populated
                           and not _loading(model, index), 120)
                worst = max(meter.gaps[before:], default=0) * 1000
                by_level[level] = max(by_level.get(level, 0), worst)
                parent = index
            leaves = [model.dataItem(model.index(r, 0, parent)).name() for r in range(model.rowCount(parent))]
            seconds.append(time.perf_counter() - started)
            gaps.append(meter.stop() * 1000)
            assert "air" in leaves, leaves
            model.deleteLater()
    finally:
        ctx.flux.clear_faults()
    res = {"longest_gap_ms": stats(gaps, "ms"), "seconds": stats(seconds), "levels": len(PATH),
           "worst_gap_ms_by_level": {PATH[k] or "org": round(v, 1) for k, v in by_level.items()},
           "injected_latency_s": LATENCY_S}
    _log(f"uimore browser: longest gap {res['longest_gap_ms']['median']:.1f} ms over {res['seconds']['median']:.1f} s; "
         f"worst by level {res['worst_gap_ms_by_level']}, runs {res['longest_gap_ms']['runs']}")
    return res


def _loading(model, index):
    """Whether the item at index still shows the Browser's "Loading…" placeholder child."""
    for row in range(model.rowCount(index)):
        child = model.dataItem(model.index(row, 0, index))
        if child is not None and child.path().endswith("/~loading"):
            return True
    return False


def _child(model, parent, name):
    from qgis.PyQt.QtCore import QModelIndex

    parent = parent if parent is not None else QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if model.dataItem(index) is not None and model.dataItem(index).name() == name:
            return index
    names = [model.dataItem(model.index(r, 0, parent)).name() for r in range(model.rowCount(parent))]
    raise AssertionError(f"{name!r} not among {names}")


def _temporal(ctx, authcfg, window, navigation):
    from earthmover_flux import api
    from earthmover_flux.flux_qgis import layers
    from qgis.core import QgsInterval, QgsProject, QgsRectangle, QgsTemporalNavigationObject

    canvas = window.canvas
    canvas.resize(1024, 768)
    project = QgsProject.instance()
    out = {}
    # WMS only: the era5 tiles layer has no time axis (the tiles metadata lists no times for it), so
    # the controller has nothing to change there
    for protocol in ("wms",):
        project.clear()
        layer = api.add_layer(ctx.flux.org, "weather", "main", "era5", protocol, "t2m", value_range=(240.0, 380.0),
                              authcfg=authcfg)
        canvas.setDestinationCrs(layer.crs())
        canvas.setExtent(QgsRectangle(-9_000_000, -5_000_000, 13_000_000, 11_500_000))
        navigation.setNavigationMode(QgsTemporalNavigationObject.NavigationMode.Animated)
        navigation.setTemporalExtents(layer.temporalProperties().fixedTemporalRange())
        navigation.setFrameDuration(QgsInterval(3600))
        assert navigation.totalFrameCount() >= 52_000, navigation.totalFrameCount()
        refreshed = []

        def drawn(refreshed=refreshed):
            return refreshed and not canvas.isDrawing()

        canvas.mapCanvasRefreshed.connect(lambda refreshed=refreshed: refreshed.append(time.perf_counter()))
        navigation.setCurrentFrameNumber(30_000)
        wait_until(drawn, 60)
        gaps, seconds, requests = [], [], []
        for frame in range(30_001, 30_001 + max(ctx.runs, 5)):
            refreshed.clear()
            ctx.flux.clear_log()
            meter = GapMeter(10)
            meter.start()
            started = time.perf_counter()
            navigation.setCurrentFrameNumber(frame)
            wait_until(drawn, 60)
            seconds.append(time.perf_counter() - started)
            gaps.append(meter.stop() * 1000)
            requests.append(len([e for e in ctx.flux.log() if e["kind"] == "compute"]))
        shown = layers.spec_of(layer).time
        out[protocol] = {"longest_gap_ms": stats(gaps, "ms"), "seconds": stats(seconds), "steps": len(gaps),
                         "frames": navigation.totalFrameCount(), "time_shown": shown,
                         "requests_per_step": sorted(set(requests))}
        _log(f"uimore temporal {protocol}: longest gap {out[protocol]['longest_gap_ms']['median']:.1f} ms "
             f"(max {out[protocol]['longest_gap_ms']['max']:.1f}), step {out[protocol]['seconds']['median']:.2f} s, "
             f"requests per step {requests}, time shown {shown}")
        canvas.mapCanvasRefreshed.disconnect()
    project.clear()
    return out


def markdown_rows(r):
    if "ui_more" not in r:
        return []
    u = r["ui_more"]
    rows = []
    b = u["browser"]
    rows.append(f"| 5 | UI event loop, longest gap: Browser expansion, Earthmover Flux -> org -> service -> repo -> "
                f"Branches -> main -> group -> variables ({b['injected_latency_s']} s injected latency, "
                f"{_fmt(b['seconds'], 1)} each) | {_fmt(b['longest_gap_ms'], 1)} | 10 ms timer | - | "
                f"< 50 ms (median) | "
                f"{_met(b['longest_gap_ms']['median'] < 50)} |")
    for protocol, t in u["temporal"].items():
        rows.append(f"| 5 | UI event loop, longest gap: one Temporal Controller step on era5 t2m {protocol} "
                    f"({t['frames']:,} frames), to the canvas rendered ({_fmt(t['seconds'], 2)} a step) | "
                    f"{_fmt(t['longest_gap_ms'], 1)} | 10 ms timer | - | < 50 ms (median) | "
                    f"{_met(t['longest_gap_ms']['median'] < 50)} |")
    c = u["chart"]
    rows.append(f"| 5 | UI event loop, longest gap: loading a 52,608-step time-series chart | {_fmt(c, 1)} | "
                f"10 ms timer | - | < 50 ms (median) | {_met(c['median'] < 50)} |")
    return rows


def _met(flag):
    return "yes" if flag else "**no**"


def _fmt(s, digits=3):
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f}) {s['unit']}"
