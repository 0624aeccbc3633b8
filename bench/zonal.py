"""Benchmark section "zonal" (issue 25): zonal statistics of 100 county-sized polygons x 365 days.

- Data: the sample group ``weather/daily`` (flux_server/samples.py): t2m, 365 daily steps of 2023
  over the contiguous US at 0.25 degrees, longitudes 0..360, latitudes descending.
- Polygons: 100 rectangles of 0.6 x 0.5 degrees (about 50 x 55 km, a county) on a 10 x 10 layout
  over the US, in EPSG:4326 with longitudes -180..180 (the plugin shifts them to the data's 0..360).
  Each run shifts them by a few metres: new URLs, the same cells.
- Timed: what the toolbox does - ``api.zones_of`` on the UI thread, ``api.prepare_zonal_statistics``
  in a background task (its requests on the UI thread's network engine, 4 at a time), the result
  layer built on the UI thread - from the start to the layer.
- Baseline: the same EDR ``area`` URLs (from the server's request log) fetched with plain
  ``requests``, 4 and 6 at a time; the faster is the limit any client has.
- Memory: peak RSS of the process during the run (VmHWM, reset before it through
  /proc/self/clear_refs) against the RSS before it.
- Progress: the task's progress as the UI thread sees it, every few ms: how many distinct values,
  the longest time without a change. Cancel: at 30 %, the time until the task has left QGIS's task
  manager and how many area requests still reached the server after it; nothing is added.
- A value check (not a timing): polygon 0's mean on day 0 and day 196 against samples.daily_t2m at
  the centres of the cells inside it.
"""

import time

from lib import fetch_all, log_urls, ratio, stats, wait_until

COLUMNS, ROWS = 10, 10
WIDTH, HEIGHT = 0.6, 0.5
TIME_RANGE = ("2023-01-01T00:00:00Z", "2023-12-31T00:00:00Z")


def _rss_kb(field):
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def _reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")  # resets VmHWM (Linux >= 4.0)
        return True
    except OSError:
        return False


def _rectangles(shift):
    out = []
    for row in range(ROWS):
        for col in range(COLUMNS):
            x0 = -123.9 + col * 5.6 + shift
            y0 = 26.1 + row * 2.3 + shift
            out.append((x0, y0, x0 + WIDTH, y0 + HEIGHT))
    return out


def polygon_layer(shift=0.0):
    from qgis.core import QgsFeature, QgsGeometry, QgsRectangle, QgsVectorLayer

    layer = QgsVectorLayer("Polygon?crs=EPSG:4326&field=county:string", "counties", "memory")
    features = []
    for i, (x0, y0, x1, y1) in enumerate(_rectangles(shift)):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromRect(QgsRectangle(x0, y0, x1, y1)))
        feature.setAttributes([f"c{i:03d}"])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def _expected_mean(rect, day):
    """Mean of samples.daily_t2m over the cells whose centres lie inside rect (lon -180..180)."""
    from earthmover_flux.flux_server import samples

    grid = samples.DAILY_GRID
    x0, y0, x1, y1 = rect
    values = [samples.daily_t2m(lon, lat, day) for lon in grid.lons() for lat in grid.lats()
              if x0 < lon - 360.0 < x1 and y0 < lat < y1]
    return sum(values) / len(values), len(values)


def _run_once(ctx, authcfg, shift, cancel_at=None):
    """One zonal run as the toolbox makes it; returns a dict of what happened."""
    from earthmover_flux import api
    from earthmover_flux.flux_qgis.tasks import run_in_background
    from earthmover_flux.flux_server import samples
    from qgis.core import QgsApplication

    polygons = polygon_layer(shift)
    done = {}
    progress = []  # (seconds, value) at each change seen on the UI thread
    ctx.flux.clear_log()
    started = time.perf_counter()
    zones, _invalid, fields, crs = api.zones_of(polygons)

    def work(feedback):
        return api.prepare_zonal_statistics(ctx.flux.org, samples.REPO, "main", "daily", "t2m", zones,
                                            stats=["count", "mean", "area_mean", "min", "max", "std", "sum",
                                                   "median"],
                                            time_range=TIME_RANGE, authcfg=authcfg, feedback=feedback)

    def on_done(result, error):
        done["result"], done["error"], done["at"] = result, error, time.perf_counter()

    task = run_in_background("zonal statistics (bench)", work, on_done)
    cancelled = {}

    def watch():
        value = task.feedback.progress()
        if not progress or progress[-1][1] != value:
            progress.append((time.perf_counter() - started, value))
        if cancel_at is not None and not cancelled and value >= cancel_at:
            cancelled["at"] = time.perf_counter()
            cancelled["requests_before"] = _area_requests(ctx)
            task.cancel()
        return "at" in done

    wait_until(watch, timeout_s=600, poll_ms=2)
    out = {"progress": progress}
    if cancel_at is not None:
        wait_until(lambda: task not in QgsApplication.taskManager().tasks(), timeout_s=120)
        out["left_manager_s"] = time.perf_counter() - cancelled["at"]
        out["reported_s"] = done["at"] - cancelled["at"]
        wait_until(lambda: time.perf_counter() - cancelled["at"] >= 1.0, timeout_s=5)  # late requests land
        out["requests_after_cancel"] = _area_requests(ctx) - cancelled["requests_before"]
        out["error"] = type(done["error"]).__name__ if done["error"] else None
        out["result"] = done["result"]
        return out
    if done["error"] is not None:
        raise RuntimeError(f"zonal run failed: {done['error']}")
    layer = api.zonal_layer(done["result"], fields, crs)
    out["seconds"] = time.perf_counter() - started
    out["layer"] = layer
    out["urls"] = [u for u in log_urls(ctx.flux, ctx.flux.log()) if "/edr/area" in u]
    out["requests"] = done["result"].requests
    out["rects"] = _rectangles(shift)
    return out


def _area_requests(ctx):
    return sum(1 for e in ctx.flux.log() if e["path"].endswith("/edr/area"))


def _check_values(run):
    """Polygon 0's mean on days 0 and 196 against the formula (a sanity check of what was timed)."""
    layer = run["layer"]
    want = {}
    for day in (0, 196):
        want[day] = _expected_mean(run["rects"][0], day)
    got = {}
    for feature in layer.getFeatures():
        if feature["county"] != "c000":
            continue
        day = round((feature["time"].toSecsSinceEpoch() - 1672531200) / 86400)  # days since 2023-01-01 UTC
        if day in want:
            got[day] = (feature["mean"], feature["cells"])
    ok = all(day in got and abs(got[day][0] - want[day][0]) < 1e-3 and got[day][1] == want[day][1] for day in want)
    return ok, {str(d): {"plugin": got.get(d), "formula": want[d]} for d in want}


def bench_zonal(ctx, authcfg):
    import resource

    runs = ctx.runs
    timed, bare4, bare6, peaks, growth = [], [], [], [], []
    longest_quiet, distinct = [], []
    features = requests = None
    check = None
    # a first run reads the collection's metadata (kept for the session, as in QGIS)
    _run_once(ctx, authcfg, shift=0.0)
    for run in range(runs):
        shift = (run + 1) * 0.00003  # about 3 m: new URLs, the same cells
        before = _rss_kb("VmRSS")
        reset = _reset_peak_rss()
        result = _run_once(ctx, authcfg, shift)
        peak = _rss_kb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peaks.append(peak / 1024)
        growth.append((peak - before) / 1024)
        timed.append(result["seconds"])
        urls = result["urls"]
        bare4.append(fetch_all(urls, 4, ctx.auth)[0])
        bare6.append(fetch_all(urls, 6, ctx.auth)[0])
        values = [v for _t, v in result["progress"]]
        distinct.append(len(set(values)))
        times = [0.0] + [t for t, _v in result["progress"]] + [result["seconds"]]
        longest_quiet.append(max(b - a for a, b in zip(times, times[1:])))
        features, requests = result["layer"].featureCount(), (len(urls), result["requests"])
        if check is None:
            check = _check_values(result)
        result["layer"] = None
    cancel = _run_once(ctx, authcfg, shift=0.5, cancel_at=30.0)
    out = {
        "polygons": COLUMNS * ROWS, "steps": 365, "features": features,
        "area_requests": requests[0], "requests_total": requests[1],
        "plugin": stats(timed), "bare_4": stats(bare4), "bare_6": stats(bare6),
        "peak_rss_mb": stats(peaks, "MB"), "rss_growth_mb": stats(growth, "MB"),
        "progress_distinct_values": min(distinct), "progress_longest_quiet_s": round(max(longest_quiet), 3),
        "cancel": {"left_manager_s": round(cancel["left_manager_s"], 3), "reported_s": round(cancel["reported_s"], 3),
                   "requests_after_cancel": cancel["requests_after_cancel"], "error": cancel["error"],
                   "result": cancel["result"] is not None},
        "values_checked": check[0], "values": check[1],
    }
    best = min(out["bare_4"], out["bare_6"], key=lambda s: s["median"])
    out["baseline"] = "bare_4" if best is out["bare_4"] else "bare_6"
    out["ratio"] = ratio(out["plugin"], best)
    ctx.results["zonal"] = out
    return out


def markdown_rows(r):
    """Rows of latest.md for the zonal section."""
    if "zonal" not in r:
        return []
    z = r["zonal"]
    base = z[z["baseline"]]
    c = z["cancel"]
    rows = [
        f"| 7 | zonal statistics: {z['polygons']} county-sized polygons x {z['steps']} daily steps "
        f"({z['features']:,} features, {z['area_requests']} area requests) from start to layer | "
        f"{_fmt(z['plugin'])} | the same area URLs, plain HTTP, {z['baseline'][5:]} at a time {_fmt(base)} | "
        f"{z['ratio']:.2f} | <= 1.3 | {'yes' if z['ratio'] <= 1.3 else '**no**'} |",
        f"| 7 | zonal: memory | peak RSS {_fmt(z['peak_rss_mb'], 0)}, growth over the run "
        f"{_fmt(z['rss_growth_mb'], 1)} | - | - | reported | - |",
        f"| 7 | zonal: progress as the UI sees it | {z['progress_distinct_values']} distinct values, longest "
        f"{z['progress_longest_quiet_s']:.3f} s without a change | - | - | per polygon | "
        f"{'yes' if z['progress_distinct_values'] >= 10 else '**no**'} |",
        f"| 7 | zonal: Cancel at 30 % | task gone {c['left_manager_s']:.3f} s after, reported "
        f"{c['reported_s']:.3f} s, {c['requests_after_cancel']} area requests after it, "
        f"{c['error']}, result kept: {c['result']} | - | - | at once, nothing written | "
        f"{'yes' if c['error'] == 'FluxCancelled' and not c['result'] else '**no**'} |",
        f"| 7 | zonal: polygon 0's mean on days 0 and 196 equals the formula at its cells | "
        f"{'yes' if z['values_checked'] else '**no**'} | - | - | - | - |",
    ]
    return rows


def _fmt(s, digits=3):
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f}) {s['unit']}"
