"""Benchmark section "edrpaths" (issue 17, goal 2): EDR at scale through the paths users run.

1,000 and 10,000 random points (all parameters, every time step: 4 rows a point) through:

- ``processing.run`` on the UI thread (the Python console, a script),
- the API (``api.edr_position``, UI thread, the layer added to the project),
- the dock's EDR panel, "Query layer points" on a point layer, to the result layer added,
- the toolbox path: the algorithm in a ``QgsProcessingAlgRunnerTask`` in QGIS's task manager, its
  output loaded by Processing's own ``handleAlgorithmResults`` as the algorithm dialog does.

Baselines, measured in the same run: the same MULTIPOINT batch URLs (taken from the server's
request log of each run) fetched with plain ``requests`` by 4 and by 8 threads, the faster of the
two (the limit: the same requests, no layer); and one request per point in a plain loop, timed over
a few points and extrapolated.
"""

import time

from lib import fetch_all, log_urls, point_layer, ratio, stats, wait_until

COUNTS = (1_000, 10_000)
PATHS = ("processing.run", "api", "dock", "toolbox")
NAMES = {"processing.run": "processing.run on the UI thread (console, script)",
         "api": "api.edr_position (UI thread), layer added",
         "dock": "dock EDR panel, a point layer's points, to the layer added",
         "toolbox": "toolbox: QgsProcessingAlgRunnerTask + handleAlgorithmResults"}


def _log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def _points(n):
    import random

    rng = random.Random(9)  # the same points as bench_edr
    return [(rng.uniform(-179, 179), rng.uniform(-89, 89)) for _ in range(n)]


def bench_edr_paths(ctx, authcfg, loop_points=100):
    import processing
    import qgis.utils
    from earthmover_flux import api
    from plugin_setup import start_processing, stop_processing
    from processing.gui.Postprocessing import handleAlgorithmResults
    from qgis.core import (
        QgsApplication,
        QgsProcessingAlgRunnerTask,
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsProcessingOutputLayerDefinition,
        QgsProject,
    )
    from qgis_window import TestInterface

    project = QgsProject.instance()
    project.clear()
    window = TestInterface()
    previous = qgis.utils.iface
    qgis.utils.iface = window
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    added_provider = start_processing()  # None: the plugin registered its own
    dock = qgis.utils.plugins["earthmover_flux"].show_dock()
    dock.org_edit.setText(ctx.flux.org)
    dock.protocol_combo.setCurrentText("edr")
    dock.service_combo.setEditText("edr")
    dock.repo_combo.setEditText("climate")
    dock.ref_combo.setEditText("main")
    dock.group_combo.setEditText("")
    wait_until(lambda: not dock.busy(), 60)
    dock.edr_panel.parameters_edit.setText("")  # all parameters, as the other paths
    params = {"ORG": ctx.flux.org, "REPO": "climate", "REF": "main", "GROUP": "", "PARAMETERS": "",
              "TIME_START": "", "TIME_END": "", "AUTHCFG": authcfg}
    alg_id = "earthmover_flux:edr_sample_points"
    added_layers = []
    project.layerWasAdded.connect(lambda layer: added_layers.append((time.perf_counter(), layer)))

    def result_layer_added(prefix):
        return next((layer for _t, layer in added_layers if layer.name().startswith(prefix)), None)

    def run_path(path, layer):
        """Seconds from the call (or click) to the result; returns (seconds, feature count)."""
        added_layers.clear()
        started = time.perf_counter()
        if path == "processing.run":
            out = processing.run(alg_id, dict(params, INPUT=layer, OUTPUT="memory:"))["OUTPUT"]
            return time.perf_counter() - started, out.featureCount()
        if path == "api":
            out = api.edr_position(ctx.flux.org, "climate", "main", "", [(p.x(), p.y()) for p in
                                   (f.geometry().asPoint() for f in layer.getFeatures())], None, authcfg=authcfg)
            return time.perf_counter() - started, out.featureCount()
        if path == "dock":
            dock.edr_panel.layer_button.click()
            try:
                wait_until(lambda: result_layer_added("EDR at the points") is not None and not dock.busy(), 300)
            except TimeoutError:
                raise TimeoutError(f"the dock added no layer; its status: {dock.status_label.text()!r}") from None
            out = result_layer_added("EDR at the points")
            return [t for t, lyr in added_layers if lyr is out][0] - started, out.featureCount()
        # the toolbox: what AlgorithmDialog does, in QGIS's task manager
        alg = QgsApplication.processingRegistry().createAlgorithmById(alg_id)
        context = QgsProcessingContext()
        context.setProject(project)
        feedback = QgsProcessingFeedback()
        output = QgsProcessingOutputLayerDefinition("memory:", project)
        task = QgsProcessingAlgRunnerTask(alg, dict(params, INPUT=layer.id(), OUTPUT=output), context, feedback)
        done = {}
        task.executed.connect(lambda ok, results: done.update(ok=ok, results=results))
        QgsApplication.taskManager().addTask(task)
        wait_until(lambda: "ok" in done, 300)
        assert done["ok"], "the algorithm failed in its task: " + " ".join(feedback.textLog().split())[-300:]
        handleAlgorithmResults(alg, context, feedback, showResults=False, parameters={})
        out = next((lyr for _t, lyr in added_layers if lyr.geometryType() == 0), None)
        assert out is not None, "the toolbox path added no layer"
        return time.perf_counter() - started, out.featureCount()

    out = {}
    try:
        warm = point_layer(_points(50), "warm")
        project.addMapLayer(warm)
        dock.edr_panel.layer_combo.setLayer(warm)
        for path in PATHS:  # warm-up: the server opens the group, Processing loads
            run_path(path, warm)
            _remove_results(project, keep=[warm])
        project.removeMapLayer(warm.id())
        for count in COUNTS:
            layer = point_layer(_points(count), "points")
            project.addMapLayer(layer)
            dock.edr_panel.layer_combo.setLayer(layer)
            runs = ctx.runs if count == 1_000 else max(2, ctx.runs - 2)
            times = {p: [] for p in PATHS}
            failures = {p: [] for p in PATHS}  # a path that fails in a run is reported, not hidden
            rows, urls, requests = {}, None, {}
            bare4, bare8, meta, metadata = [], [], [], []
            for i in range(runs):
                order = PATHS if i % 2 == 0 else tuple(reversed(PATHS))
                for path in order:
                    ctx.flux.clear_log()
                    try:
                        seconds, rows[path] = run_path(path, layer)
                    except (AssertionError, TimeoutError) as exc:
                        failures[path].append(f"run {i + 1}: {exc}")
                        _log(f"edrpaths {count}: {path} FAILED in run {i + 1}: {exc}")
                        _remove_results(project, keep=[layer])
                        continue
                    times[path].append(seconds)
                    entries = [e for e in ctx.flux.log() if e["kind"] == "compute"]
                    requests[path] = len(entries)
                    data = [e for e in entries if e["path"].endswith("/position")]
                    metadata = log_urls(ctx.flux, [e for e in entries if e not in data]) or metadata
                    these = sorted(log_urls(ctx.flux, data))
                    assert urls is None or these == urls, f"{path} sent other batches"
                    urls = these
                    _remove_results(project, keep=[layer])
                # the limit, right after this run's paths: the same batches, concurrently, no layer
                bare4.append(fetch_all(urls, 4, ctx.auth)[0])
                bare8.append(fetch_all(urls, 8, ctx.auth)[0])
                # what the paths ask first: the collection metadata (parameters, longitude convention)
                meta.append(fetch_all(metadata, 1, ctx.auth)[0])
            res = {p: stats(times[p]) if times[p] else None for p in PATHS}
            res["failures"] = failures
            res["batches_4_workers"], res["batches_8_workers"] = stats(bare4), stats(bare8)
            limit = min((res["batches_4_workers"], res["batches_8_workers"]), key=lambda s: s["median"])
            res["limit"] = limit
            res["metadata_request"], res["metadata_urls"] = stats(meta), len(metadata)
            res["rows"], res["requests"], res["data_requests"] = rows, requests, len(urls)
            res["ratios"] = {p: ratio(res[p], limit) for p in PATHS if res[p] is not None}
            out[count] = res
            _log(f"edrpaths {count}: " + ", ".join(f"{p} {res[p]['median']:.2f} s ({res['ratios'][p]:.2f}x)"
                                                    for p in PATHS if res[p] is not None)
                 + f"; batches {limit['median']:.2f} s")
            project.removeMapLayer(layer.id())
        out["loop"] = _loop(ctx, loop_points)
        for count in COUNTS:
            res = out[count]
            res["loop_seconds"] = out["loop"]["seconds_per_point"] * count
            res["speedup_vs_loop"] = {p: res["loop_seconds"] / res[p]["median"] for p in PATHS if res[p] is not None}
    finally:
        stop_processing(added_provider)
        qgis.utils.unloadPlugin("earthmover_flux")
        qgis.utils.iface = previous
        project.clear()
        window.close_all()
    ctx.results["edr_paths"] = {str(k): v for k, v in out.items()}
    return out


def _remove_results(project, keep):
    ids = [i for i, lyr in project.mapLayers().items() if lyr not in keep]
    project.removeMapLayers(ids)


def _loop(ctx, loop_points):
    """One request per point in a plain loop, the way a user script does it (bench_edr's loop)."""
    import requests

    session = requests.Session()
    session.trust_env = False
    session.auth = ctx.auth
    base = ctx.flux.service_url("edr") + "/position"
    started = time.perf_counter()
    for x, y in _points(loop_points):
        r = session.get(base, params={"coords": f"POINT({x:.6f} {y:.6f})", "parameter-name": "air",
                                      "f": "cf_covjson"}, timeout=60)
        r.raise_for_status()
        r.json()
    per_point = (time.perf_counter() - started) / loop_points
    session.close()
    return {"points_measured": loop_points, "seconds_per_point": per_point}


def markdown_rows(r):
    if "edr_paths" not in r:
        return []
    e = r["edr_paths"]
    rows = []
    for count in (str(c) for c in COUNTS):
        a = e[count]
        limit = a["limit"]
        for path in PATHS:
            failed = a.get("failures", {}).get(path, [])
            if failed:
                rows.append(f"| 4 | (EDR {int(count):,} points, {NAMES[path]}: **failed** in {len(failed)} of its "
                            "runs: " + "; ".join(f.replace("|", "/") for f in failed) + ") | | | | | |")
            if a[path] is None:
                continue
            ratio_ = a["ratios"][path]
            rows.append(f"| 4 | EDR {int(count):,} points ({a['rows'][path]:,} rows), {NAMES[path]} | {_fmt(a[path])} "
                        f"| MULTIPOINT batches alone ({a['data_requests']}), concurrent plain HTTP {_fmt(limit)} | "
                        f"{ratio_:.2f} | <= 1.3 | {'yes' if ratio_ <= 1.3 else '**no**'} |")
        m = a["metadata_request"]
        both = limit["median"] + m["median"]
        measured = [p for p in PATHS if a[p] is not None]
        rows.append(f"| 4 | (EDR {int(count):,}: before its batches each path reads the collection metadata "
                    f"({a['metadata_urls']} request, plain HTTP {_fmt(m)}); batches + metadata {both:.3f} s; "
                    "paths / that: " + ", ".join(f"{p} {a[p]['median'] / both:.2f}" for p in measured)
                    + ") | | | | | |")
        best = min(a["speedup_vs_loop"].values())
        slowest = max(a[p]["median"] for p in measured)
        rows.append(f"| 4 | EDR {int(count):,} points, slowest path vs one request per point | "
                    f"{slowest:.3f} s | loop {a['loop_seconds']:.1f} s (extrapolated from "
                    f"{e['loop']['points_measured']} points) | {best:.0f}x faster | >= 100x | "
                    f"{'yes' if best >= 100 else '**no**'} |")
    return rows


def _fmt(s, digits=3):
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f}) {s['unit']}"
