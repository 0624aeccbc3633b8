"""Benchmark section "timeseries" (issue 15): click-to-chart against the bare EDR request.

- Click to chart: from the map tool's click (``TimeSeriesDock.add_point``, what the tool calls) to
  the chart's first finished paint showing the new line, for a 5-step forecast (gfs t2m) and a
  52,608-step hourly series (era5 t2m). The service metadata is read on the session's first
  click (timed apart, "first click"); every later click is one position request.
- Baseline: the same position URL (taken from the server's request log) fetched with plain
  ``requests`` and its body read: what any client must wait for.
- The UI event loop's longest gap (10 ms QTimer, bench/lib.py GapMeter) while the 52,608-step
  series loads, is parsed and drawn.
"""

import time

from lib import GapMeter, fetch_all, log_urls, ratio, stats, wait_until


def bench_timeseries(ctx, authcfg):
    from earthmover_flux import api
    from earthmover_flux.flux_qgis import timeseries as flux_timeseries
    from earthmover_flux.flux_server import samples
    from earthmover_flux.ui import timeseries
    from qgis.core import QgsProject
    from qgis_window import TestInterface

    window = TestInterface()
    QgsProject.instance().clear()
    flux_timeseries.forget_collections()
    gfs = api.add_layer(ctx.flux.org, samples.REPO, "main", "gfs", "wms", "t2m", time=samples.GFS_TIMES[0],
                        value_range=(200.0, 320.0), authcfg=authcfg)
    era5 = api.add_layer(ctx.flux.org, samples.REPO, "main", "era5", "wms", "t2m", value_range=(250.0, 360.0),
                         authcfg=authcfg)
    root = QgsProject.instance().layerTreeRoot()
    for layer in (gfs, era5):  # not drawn on the canvas: only the chart's work is timed
        root.findLayer(layer.id()).setItemVisibilityChecked(False)
    control = timeseries.TimeSeriesController(window)
    dock = control.set_active(True)
    dock.resize(900, 420)
    out = {}
    try:
        for key, layer, lon, lat in (("gfs", gfs, -30.0, 10.0), ("era5", era5, 120.0, 30.0)):
            dock.select_layer(layer)
            dock.clear()
            timed, bare, first = [], [], None
            for run in range(ctx.runs + 1):
                dock.clear()
                wait_until(lambda: True, timeout_s=0.05)
                before = dock.chart.paints
                ctx.flux.clear_log()
                started = time.perf_counter()
                dock.add_point(lon + run * 0.01, lat)  # another point of the same cell each run
                wait_until(lambda before=before: not dock.busy() and dock.chart.lines and dock.chart.paints > before,
                           timeout_s=120)
                elapsed = time.perf_counter() - started
                if run == 0:
                    first = elapsed  # with the service metadata request
                    continue
                timed.append(elapsed)
                urls = [u for u in log_urls(ctx.flux, ctx.flux.log()) if "/edr/" in u]
                assert len(urls) == 1 and "/edr/position" in urls[0], urls
                seconds, _ = fetch_all(urls, 1, ctx.auth)
                bare.append(seconds)
            values = len(dock.series[0].values)
            out[key] = {"click_to_chart": stats(timed), "bare_request": stats(bare), "first_click_s": round(first, 3),
                        "values": values, "requests_per_click": 1}
            out[key]["ratio"] = ratio(out[key]["click_to_chart"], out[key]["bare_request"])
        # the UI while the 52,608-step series loads, is parsed and drawn
        dock.select_layer(era5)
        gaps = []
        for run in range(ctx.runs):
            dock.clear()
            before = dock.chart.paints
            meter = GapMeter()
            meter.start()
            dock.add_point(121.0 + run * 0.01, 31.0)
            wait_until(lambda before=before: not dock.busy() and dock.chart.lines and dock.chart.paints > before,
                       timeout_s=120)
            drawn = time.perf_counter()
            wait_until(lambda drawn=drawn: time.perf_counter() - drawn > 0.1)  # and a moment after the paint
            gaps.append(meter.stop() * 1000)
        out["era5_gap_ms"] = stats(gaps, "ms")
    finally:
        control.unload()
        QgsProject.instance().clear()
        window.close_all()
    ctx.results["timeseries"] = out
    return out


def markdown_rows(r):
    """Rows of latest.md for the timeseries section."""
    if "timeseries" not in r:
        return []
    t = r["timeseries"]
    rows = []
    names = {"gfs": "gfs t2m forecast, 5 lead times", "era5": "era5 t2m, 52,608 hourly steps"}
    for key in ("gfs", "era5"):
        a = t[key]
        rows.append(f"| 6 | time series click to chart: {names[key]} ({a['values']:,} values, 1 request) | "
                    f"{_fmt(a['click_to_chart'])} | bare EDR request, same URL {_fmt(a['bare_request'])} | "
                    f"{a['ratio']:.2f} | <= 1.2 | {'yes' if a['ratio'] <= 1.2 else '**no**'} |")
        rows.append(f"| 6 | (first click of the session, with the metadata request: {names[key]}) | "
                    f"{a['first_click_s']:.3f} s | - | - | - | - |")
    g = t["era5_gap_ms"]
    rows.append(f"| 6 | UI event loop, longest gap while 52,608 steps load and draw | {_fmt(g, 1)} | 10 ms timer | - | "
                f"< 50 ms (median of runs) | {'yes' if g['median'] < 50 else '**no**'} |")
    return rows


def _fmt(s, digits=3):
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f}) {s['unit']}"
