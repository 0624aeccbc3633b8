"""The benchmark suite (issue 9): the plugin's cost against the baselines that bound it.

    QT_QPA_PLATFORM=offscreen .venv-qgis/bin/python bench/run.py [--quick] [--only startup,add,render,edr,ui]

Real QGIS (offscreen, throwaway profile from tests/harness.py) against the local Flux server
(tests/flux_local.py; FLUX_DATA_DIR reuses built data). Writes bench/results/latest.json and
latest.md: median of several runs, spread (min..max), the machine, and each figure's ratio to
its baseline measured in the same run. Nothing here asserts a time: a figure that misses its
goal is written down as it is.
"""

import argparse
import datetime
import gc
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(BENCH))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import flux_local  # noqa: E402
import harness  # noqa: E402  (starts QGIS in a throwaway profile; the plugin is importable as earthmover_flux)
from lib import GapMeter, fetch_all, log_urls, machine, ratio, stats, wait_until, with_query  # noqa: E402
from qgis.core import QgsApplication, QgsDataSourceUri, QgsProject, QgsRasterLayer, QgsRectangle  # noqa: E402
from render import render  # noqa: E402

RESULTS = BENCH / "results"
SIZE = (1024, 768)
# 22,000 x 16,500 km for 1024 x 768 px (21.5 km/px): straddles tile edges, about 20-30 tiles
EXTENT = QgsRectangle(-9_000_000, -5_000_000, 13_000_000, 11_500_000)
WORKERS = (6, 16)  # plain-HTTP pools: Qt's 6 connections per host, and more than the server has cores
COLORMAPS = ("viridis", "plasma", "inferno", "magma", "cividis", "turbo", "coolwarm", "RdBu_r", "RdYlBu_r",
             "Spectral_r", "Blues", "YlGnBu", "jet", "gray")


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


class Context:
    def __init__(self, flux, runs, quick):
        self.flux = flux
        self.runs = runs
        self.quick = quick
        self.auth = (flux.org, flux.key)
        self.results = {}
        self._range_counter = itertools.count(1)

    def fresh_range(self, low=220.0, high=310.0):
        """A value range never used before in this run: its tile URLs are in no cache (QGIS, server)."""
        return (round(low + next(self._range_counter) * 0.01, 2), high)


# -- 1. start-up ------------------------------------------------------------------------------


def bench_startup(ctx):
    runs = max(ctx.runs, 9)  # cheap, and the noisiest figure
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("QGIS_AUTH_PASSWORD_FILE", None)

    def child(name):
        out = subprocess.run([sys.executable, str(BENCH / "startup_child.py"), name], capture_output=True,
                             text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
        for line in out.stdout.splitlines():
            if line.startswith("RESULT:"):
                data = json.loads(line[7:])
                if not data["ok"]:
                    raise RuntimeError(f"{name} did not start:\n{out.stderr[-2000:]}")
                return data
        raise RuntimeError(f"start-up child failed ({out.returncode}):\n{out.stderr[-2000:]}")

    child("earthmover_flux")  # warm-up: compiles .pyc files, fills the OS file cache
    ctx.flux.clear_log()
    plugin, noop, modules = [], [], 0
    for i in range(runs):
        order = ("earthmover_flux", "bench_noop") if i % 2 == 0 else ("bench_noop", "earthmover_flux")
        for name in order:
            data = child(name)
            (plugin if name == "earthmover_flux" else noop).append(data["seconds"])
            if name == "earthmover_flux":
                modules = data["modules_added"]
    requests_at_startup = len(ctx.flux.log())
    p, n = stats([v * 1000 for v in plugin], "ms"), stats([v * 1000 for v in noop], "ms")
    added = p["median"] - n["median"]
    ctx.results["startup"] = {
        "plugin": p, "noop": n, "added_ms": added, "modules_imported": modules,
        "requests_at_startup": requests_at_startup,
        "goal": "added < 30 ms; no network call", "met": added < 30 and requests_at_startup == 0}
    log(f"start-up: plugin {p['median']:.1f} ms, noop {n['median']:.2f} ms, {requests_at_startup} requests")


# -- 2. adding a layer ------------------------------------------------------------------------


def hand_made_uri(flux, protocol, colormap, value_range, time_step, authcfg, ref="main"):
    """The best native QGIS source we can write by hand for the server, knowing variable, range, time."""
    lo, hi = (f"{v:.6g}" for v in value_range)
    if protocol == "wms":
        url = (f"{flux.base_url}/v1/services/wms/{flux.org}/climate/{ref}/wms?service=WMS&version=1.3.0"
               f"&request=GetMap&layers=air&styles=raster/{colormap}&crs=EPSG:3857&width=256&height=256"
               f"&format=image/png&transparent=true&colorscalerange={lo},{hi}&time={time_step}&tile={{x}},{{y}},{{z}}")
    else:
        url = (f"{flux.base_url}/v1/services/tiles/{flux.org}/climate/{ref}/tiles/WebMercatorQuad/{{z}}/{{y}}/{{x}}"
               f"?variables=air&style=raster/{colormap}&colorscalerange={lo},{hi}&time={time_step}"
               f"&width=256&height=256&f=png")
    uri = QgsDataSourceUri()
    uri.setParam("type", "xyz")
    uri.setParam("url", url)
    uri.setParam("zmin", "0")
    uri.setParam("zmax", "18")
    uri.setAuthConfigId(authcfg)
    return bytes(uri.encodedUri()).decode()


def _timed_add(ctx, make):
    project = QgsProject.instance()
    ctx.flux.clear_log()
    started = time.perf_counter()
    layer = make()
    if not layer.isValid():
        raise RuntimeError("invalid layer")
    valid = time.perf_counter() - started
    render([layer], extent=EXTENT, size=SIZE)
    rendered = time.perf_counter() - started
    entries = [e for e in ctx.flux.log() if e["kind"] in ("compute", "api")]
    project.removeMapLayer(layer.id())
    return valid, rendered, entries


def bench_add_layer(ctx, authcfg):
    from earthmover_flux import api
    from earthmover_flux.flux_qgis import layers

    # every timed add draws URLs no cache has seen: a (time step, colormap) pair of its own ("gray" is the warm-up's)
    combos = itertools.cycle(itertools.product(range(4), [c for c in COLORMAPS if c != "gray"]))
    out = {}
    for protocol in ("wms", "tiles"):
        # warm-up (server opens the dataset, QGIS loads the provider); also gives the known range and times
        _timed_add(ctx, lambda protocol=protocol: api.add_layer(ctx.flux.org, "climate", "main", "", protocol, "air",
                                                                colormap="gray", authcfg=authcfg))
        probe = api.add_layer(ctx.flux.org, "climate", "main", "", protocol, "air", colormap="gray", authcfg=authcfg)
        spec = layers.spec_of(probe)
        QgsProject.instance().removeMapLayer(probe.id())
        known_range, times = spec.value_range, spec.times
        warm_uri = hand_made_uri(ctx.flux, protocol, "gray", known_range, times[1], authcfg)
        _timed_add(ctx, lambda uri=warm_uri: QgsRasterLayer(uri, "hand", "wms"))
        rows = {"plugin": [], "hand": [], "plugin_range_given": []}
        sample = {}
        for i in range(max(ctx.runs, 7)):
            order = ("plugin", "hand", "plugin_range_given") if i % 2 == 0 else ("plugin_range_given", "hand", "plugin")
            for who in order:
                step, colormap = next(combos)
                time_step = times[step]
                if who.startswith("plugin"):
                    given = known_range if who == "plugin_range_given" else None

                    def make(colormap=colormap, time_step=time_step, protocol=protocol, given=given):
                        layer = api.add_layer(ctx.flux.org, "climate", "main", "", protocol, "air",
                                              colormap=colormap, time=time_step, authcfg=authcfg, value_range=given)
                        return layer
                else:
                    def make(colormap=colormap, time_step=time_step, protocol=protocol, known_range=known_range):
                        layer = QgsRasterLayer(hand_made_uri(ctx.flux, protocol, colormap, known_range, time_step,
                                                             authcfg), f"air ({protocol}, by hand)", "wms")
                        QgsProject.instance().addMapLayer(layer)
                        return layer
                valid, rendered, entries = _timed_add(ctx, make)
                rows[who].append((valid, rendered, len(entries)))
                sample.setdefault(who, [f"{e['method']} {e['path']}?{e['query']}"[:400] for e in entries[:3]])
        res = {}
        for who, values in rows.items():
            res[who] = {"to_valid": stats([v[0] for v in values]), "to_first_render": stats([v[1] for v in values]),
                        "requests": sorted({v[2] for v in values})}
        res["ratio"] = ratio(res["plugin"]["to_first_render"], res["hand"]["to_first_render"])
        res["ratio_range_given"] = ratio(res["plugin_range_given"]["to_first_render"], res["hand"]["to_first_render"])
        res["extra_requests"] = max(res["plugin"]["requests"]) - min(res["hand"]["requests"])
        res["known_range"] = list(known_range)
        res["first_requests"] = sample
        res["goal"] = "ratio <= 1.1; requests <= hand-made + 1"
        res["met"] = res["ratio"] <= 1.1 and res["extra_requests"] <= 1
        out[protocol] = res
        log(f"add {protocol}: plugin {res['plugin']['to_first_render']['median']:.3f} s, hand "
            f"{res['hand']['to_first_render']['median']:.3f} s, ratio {res['ratio']:.2f}, requests "
            f"{res['plugin']['requests']} vs {res['hand']['requests']}")
    ctx.results["add_layer"] = out


# -- 3. rendering -----------------------------------------------------------------------------


def _tile_key(entry):
    """(z, y, x) of a logged tile request (tiles path or WMS tile=x,y,z)."""
    if "/WebMercatorQuad/" in entry["path"]:
        z, y, x = entry["path"].rsplit("/", 3)[1:]
        return int(z), int(y), int(x)
    for part in entry["query"].split("&"):
        if part.startswith("tile="):
            x, y, z = part[5:].replace("%2C", ",").split(",")
            return int(z), int(y), int(x)
    return None


def _parent_512_urls(flux, entries, colorscalerange):
    """The same view as 512-px tiles one zoom level up: a quarter as many tiles, same resolution."""
    parents = sorted({(z - 1, y // 2, x // 2) for z, y, x in filter(None, map(_tile_key, entries))})
    base, _, query = log_urls(flux, entries[:1])[0].partition("?")
    root = base.rsplit("/", 3)[0]
    template = root + "/{z}/{y}/{x}?" + query
    urls = [template.format(z=z, y=y, x=x) for z, y, x in parents]
    return [with_query(u, width="512", height="512", colorscalerange=colorscalerange) for u in urls]


def bench_render(ctx, authcfg):
    from earthmover_flux.core import tiles as core_tiles
    from earthmover_flux.core.location import FluxLocation
    from earthmover_flux.flux_qgis import layers

    out = {}
    for protocol in ("tiles", "wms"):
        loc = FluxLocation(org=ctx.flux.org, repo="climate", ref="main", group="", protocol=protocol,
                           service="", compute_url=ctx.flux.base_url)

        def make(value_range, loc=loc):
            return layers.make_layer(layers.LayerSpec(location=loc, variable="air", colormap="viridis",
                                                      value_range=value_range, time="2024-01-02T00:00:00Z"),
                                     authcfg)

        render([make(ctx.fresh_range())], extent=EXTENT, size=SIZE)  # warm-up
        cold, warm, tiles_count = [], [], set()
        http = {w: [] for w in WORKERS}
        http512, q512, q512_count = [], [], set()
        for _ in range(max(ctx.runs, 9)):  # cheap, and noisy on 2 cores
            layer = make(ctx.fresh_range())
            ctx.flux.clear_log()
            started = time.perf_counter()
            render([layer], extent=EXTENT, size=SIZE)
            cold.append(time.perf_counter() - started)
            entries = [e for e in ctx.flux.log() if e["kind"] == "compute"]
            tiles_count.add(len(entries))
            ctx.flux.clear_log()
            started = time.perf_counter()
            render([layer], extent=EXTENT, size=SIZE)
            warm.append(time.perf_counter() - started)
            warm_requests = len(ctx.flux.log())
            urls = log_urls(ctx.flux, entries)
            for workers in WORKERS:  # the same tiles, from a URL no cache has seen
                lo, hi = ctx.fresh_range()
                fresh = [with_query(u, colorscalerange=f"{lo:.6g},{hi:.6g}") for u in urls]
                http[workers].append(fetch_all(fresh, workers, ctx.auth)[0])
            if protocol == "tiles":
                lo, hi = ctx.fresh_range()
                parents = _parent_512_urls(ctx.flux, entries, f"{lo:.6g},{hi:.6g}")
                http512.append(fetch_all(parents, WORKERS[0], ctx.auth)[0])
                # QGIS with 512-px tiles (tilePixelRatio=2: a 512 tile stands for a 256 one at 2x)
                lo, hi = ctx.fresh_range()
                uri = QgsDataSourceUri()
                uri.setParam("type", "xyz")
                uri.setParam("url", core_tiles.tile_template(loc, "air", "viridis", (lo, hi), "2024-01-02T00:00:00Z",
                                                             size=512))
                uri.setParam("zmin", "0")
                uri.setParam("zmax", "18")
                uri.setParam("tilePixelRatio", "2")
                uri.setAuthConfigId(authcfg)
                big = QgsRasterLayer(bytes(uri.encodedUri()).decode(), "512", "wms")
                ctx.flux.clear_log()
                started = time.perf_counter()
                render([big], extent=EXTENT, size=SIZE)
                q512.append(time.perf_counter() - started)
                q512_count.add(len(ctx.flux.log()))
        res = {"tiles_per_map": sorted(tiles_count), "cold": stats(cold), "warm": stats(warm),
               "warm_requests": warm_requests}
        for workers in WORKERS:
            res[f"http_{workers}"] = stats(http[workers])
        best = min(WORKERS, key=lambda w: res[f"http_{w}"]["median"])
        res["baseline"] = f"http_{best}"
        res["ratio_cold"] = ratio(res["cold"], res[f"http_{best}"])
        res["ratio_warm"] = ratio(res["warm"], res[f"http_{best}"])
        res["goal"] = "cold <= 1.15 x plain concurrent HTTP"
        res["met"] = res["ratio_cold"] <= 1.15
        if protocol == "tiles":
            res["qgis_512"] = stats(q512)
            res["qgis_512_tiles"] = sorted(q512_count)
            res["http_512_parent"] = stats(http512)
            res["http_512_parent_tiles"] = len(parents)
            res["ratio_http512_to_http256"] = ratio(res["http_512_parent"], res[f"http_{WORKERS[0]}"])
        out[protocol] = res
        log(f"render {protocol}: cold {res['cold']['median']:.3f} s, warm {res['warm']['median']:.3f} s, http "
            f"{res[res['baseline']]['median']:.3f} s ({res['baseline']}), ratio {res['ratio_cold']:.2f}, "
            f"{res['tiles_per_map']} tiles")
    ctx.results["render"] = out


# -- 4. EDR at scale --------------------------------------------------------------------------


def _point_layer(points):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "points", "memory")
    features = []
    for i, (x, y) in enumerate(points):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        f.setAttributes([f"p{i}"])
        features.append(f)
    layer.dataProvider().addFeatures(features)
    return layer


def bench_edr(ctx, authcfg, loop_points):
    from plugin_setup import start_processing, stop_processing

    import processing

    added = start_processing()
    rng = random.Random(9)
    all_points = [(rng.uniform(-179, 179), rng.uniform(-89, 89)) for _ in range(10_000)]
    params = {"ORG": ctx.flux.org, "REPO": "climate", "REF": "main", "GROUP": "", "PARAMETERS": "",
              "TIME_START": "", "TIME_END": "", "AUTHCFG": authcfg, "OUTPUT": "memory:"}

    def run_alg(layer):
        return processing.run("earthmover_flux:edr_sample_points", dict(params, INPUT=layer))["OUTPUT"]

    run_alg(_point_layer(all_points[:50]))  # warm-up
    try:
        _bench_edr(ctx, all_points, run_alg, loop_points)
    finally:
        stop_processing(added)  # the plugin registers its own when started (section 5)


def _bench_edr(ctx, all_points, run_alg, loop_points):
    import requests

    out = {}
    for count in (1_000, 10_000):
        layer = _point_layer(all_points[:count])
        alg, batch = [], []
        runs = ctx.runs if count == 1_000 else max(2, ctx.runs - 2)
        for _ in range(runs):
            ctx.flux.clear_log()
            started = time.perf_counter()
            result = run_alg(layer)
            alg.append(time.perf_counter() - started)
            rows = result.featureCount()
            del result
            entries = [e for e in ctx.flux.log() if e["kind"] == "compute"]
            data = [e for e in entries if e["path"].endswith("/position")]
            urls = log_urls(ctx.flux, data)
            batch.append(fetch_all(urls, 4, ctx.auth)[0])  # the limit: the same batches, concurrently, no layer
        batch8 = [fetch_all(urls, 8, ctx.auth)[0] for _ in range(max(2, runs - 1))]
        batch1 = [fetch_all(urls, 1, ctx.auth)[0] for _ in range(max(2, runs - 1))]  # one after another
        # memory: one more run under tracemalloc (Python allocations; slower, so not timed)
        gc.collect()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        result = run_alg(layer)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del result
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        res = {"processing": stats(alg), "batches_4_workers": stats(batch), "batches_8_workers": stats(batch8),
               "batches_sequential": stats(batch1),
               "rows": rows, "requests": len(entries), "data_requests": len(data),
               "points_per_request": round(count / max(1, len(data)), 1),
               "max_url_bytes": max(len(u) for u in urls),
               "python_peak_mb": round(peak / 2**20, 1),
               "maxrss_growth_mb": round((rss_after - rss_before) / 1024, 1),
               "maxrss_mb": round(rss_after / 1024, 1)}
        limit = min(res["batches_4_workers"]["median"], res["batches_8_workers"]["median"])
        res["ratio_to_batches"] = res["processing"]["median"] / limit
        out[count] = res
        log(f"edr {count}: processing {res['processing']['median']:.2f} s, batches {limit:.2f} s, "
            f"{len(data)} data requests, url {res['max_url_bytes']} B, peak {res['python_peak_mb']} MB")

    # (a) one request per point in a plain loop, the way a user script does it
    session = requests.Session()
    session.trust_env = False
    session.auth = ctx.auth
    base = ctx.flux.service_url("edr") + "/position"
    started = time.perf_counter()
    for x, y in all_points[:loop_points]:
        r = session.get(base, params={"coords": f"POINT({x:.6f} {y:.6f})", "parameter-name": "air",
                                      "f": "cf_covjson"}, timeout=60)
        r.raise_for_status()
        r.json()
    per_point = (time.perf_counter() - started) / loop_points
    out["loop"] = {"points_measured": loop_points, "seconds_per_point": per_point}
    for count in (1_000, 10_000):
        res = out[count]
        loop_s = per_point * count
        res["loop_seconds"] = loop_s
        res["loop_extrapolated"] = count != loop_points
        res["speedup_vs_loop"] = loop_s / res["processing"]["median"]
        res["goal"] = ">= 100x faster than the loop; <= 1.5x the batches alone; URL <= 8 KB"
        res["met"] = res["speedup_vs_loop"] >= 100 and res["ratio_to_batches"] <= 1.5 and res["max_url_bytes"] <= 8192
    log(f"edr loop: {per_point * 1000:.1f} ms per point ({loop_points} points)")
    ctx.results["edr"] = {str(k): v for k, v in out.items()}


# -- 5. responsiveness ------------------------------------------------------------------------


def bench_ui(ctx):
    import qgis.utils
    from earthmover_flux.flux_qgis import auth
    from qgis_window import TestInterface

    window = TestInterface()
    previous = qgis.utils.iface
    qgis.utils.iface = window
    auth.remove_credentials(ctx.flux.org)
    qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    dock = qgis.utils.plugins["earthmover_flux"].show_dock()
    dock.org_edit.setText(ctx.flux.org)
    dock.key_edit.setText(ctx.flux.key)
    dock.save_button.click()
    QgsProject.instance().clear()
    canvas = window.canvas
    canvas.setExtent(EXTENT)
    rendered = []
    canvas.mapCanvasRefreshed.connect(lambda: rendered.append(time.perf_counter()))

    def layer_drawn():
        return bool(QgsProject.instance().mapLayers()) and bool(rendered) and not canvas.isDrawing()

    try:
        ctx.results["dock_add"] = _dock_add_vs_hand(ctx, dock, canvas, rendered, layer_drawn)
    except Exception:
        qgis.utils.unloadPlugin("earthmover_flux")
        qgis.utils.iface = previous
        window.close_all()
        raise
    latency = 1.0
    ctx.flux.set_faults({"match": "/api/", "latency": latency}, {"match": "/v1/services/", "latency": latency})
    meter = GapMeter(10)
    phases = {}

    def phase(name, button, done=None):
        meter.start()
        started = time.perf_counter()
        button.click()
        wait_until(lambda: dock.task is None, 120)
        if done is not None:
            wait_until(done, 120)
        elapsed = time.perf_counter() - started
        phases[name] = {"longest_gap_ms": round(meter.stop() * 1000, 1), "seconds": round(elapsed, 2),
                        "ticks": len(meter.gaps), "status": dock.status_label.text()[:120]}
        log(f"ui {name}: longest gap {phases[name]['longest_gap_ms']} ms over {elapsed:.1f} s")

    try:
        phase("discovery (Test connection)", dock.test_button)
        dock.protocol_combo.setCurrentText("tiles")
        dock.service_combo.setEditText("tiles")
        dock.repo_combo.setEditText("climate")
        dock.ref_combo.setEditText("v1")  # a ref no earlier section drew: the canvas render is cold
        dock.group_combo.setEditText("")
        dock.variable_combo.setEditText("air")
        phase("list variables", dock.variables_button)
        QgsProject.instance().removeAllMapLayers()
        wait_until(lambda: not canvas.isDrawing(), 60)
        rendered.clear()
        phase("add layer + canvas render", dock.add_button, layer_drawn)
    finally:
        ctx.flux.clear_faults()
        qgis.utils.unloadPlugin("earthmover_flux")
        qgis.utils.iface = previous
        QgsProject.instance().clear()
        window.close_all()
    worst = max(p["longest_gap_ms"] for p in phases.values())
    ctx.results["ui"] = {"injected_latency_s": latency, "phases": phases, "longest_gap_ms": worst,
                         "goal": "longest gap < 50 ms", "met": worst < 50}


def _dock_add_vs_hand(ctx, dock, canvas, rendered, layer_drawn):
    """The dock's Add (no injected latency) to the finished canvas render, against a hand-made layer."""
    from earthmover_flux.flux_qgis import layers

    combos = itertools.cycle(COLORMAPS)
    project = QgsProject.instance()
    out = {}

    def clean():
        project.removeAllMapLayers()
        wait_until(lambda: not canvas.isDrawing(), 60)
        QgsApplication.processEvents()
        rendered.clear()

    for protocol in ("wms", "tiles"):
        dock.protocol_combo.setCurrentText(protocol)
        dock.service_combo.setEditText(protocol)
        dock.repo_combo.setEditText("climate")
        dock.ref_combo.setEditText("dev")  # a ref of its own: section 2 drew main's tiles (QGIS caches them)
        dock.group_combo.setEditText("")
        dock.variable_combo.setEditText("air")
        dock.auto_range.setChecked(True)
        spec = None
        times = {"dock": [], "hand": []}
        for i in range(ctx.runs + 1):  # the first pair is a warm-up
            order = ("dock", "hand") if i % 2 == 0 else ("hand", "dock")
            for who in order:
                if who == "hand" and spec is None:
                    continue
                colormap = next(combos)
                clean()
                started = time.perf_counter()
                if who == "dock":
                    dock.colormap_combo.setEditText(colormap)
                    dock.add_button.click()
                    wait_until(lambda: dock.task is None, 60)
                else:
                    layer = QgsRasterLayer(hand_made_uri(ctx.flux, protocol, colormap, spec.value_range, spec.times[0],
                                                         dock.authcfg(), ref="dev"), "hand", "wms")
                    project.addMapLayer(layer)
                wait_until(layer_drawn, 60)
                elapsed = rendered[-1] - started
                if who == "dock" and spec is None:
                    spec = layers.spec_of(next(iter(project.mapLayers().values())))
                if i > 0:
                    times[who].append(elapsed)
        clean()
        res = {"dock": stats(times["dock"]), "hand": stats(times["hand"])}
        res["ratio"] = ratio(res["dock"], res["hand"])
        out[protocol] = res
        log(f"dock add {protocol}: {res['dock']['median']:.3f} s vs hand {res['hand']['median']:.3f} s")
    return out


# -- report -----------------------------------------------------------------------------------


def _fmt(s, digits=3):
    if s is None:
        return "-"
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f}) {s['unit']}"


def _met(flag):
    return "yes" if flag else "**no**"


def markdown(data):
    m, r = data["machine"], data["results"]
    dirty = " + uncommitted changes" if data["git"]["uncommitted_plugin_files"] else ""
    lines = [f"Benchmarks of {data['date']} on {m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB), QGIS {m['qgis']}, "
             f"Python {m['python']}; commit {data['git']['commit']}{dirty}; {data['runs']} runs each "
             "(start-up and rendering 9, adding a layer 7; median (min-max)); local Flux server on loopback.",
             "", "| # | figure | plugin | baseline | ratio | goal | met |", "|---|---|---|---|---|---|---|"]
    if "startup" in r:
        s = r["startup"]
        lines.append(f"| 1 | start-up: import + initGui + initProcessing (real main window) | {_fmt(s['plugin'], 1)} | "
                     f"do-nothing plugin {_fmt(s['noop'], 2)} | +{s['added_ms']:.1f} ms added, "
                     f"{s['requests_at_startup']} HTTP requests | < 30 ms, no request | {_met(s['met'])} |")
    if "add_layer" in r:
        for protocol, a in r["add_layer"].items():
            lines.append(f"| 2 | add {protocol} layer: api.add_layer to first finished render | "
                         f"{_fmt(a['plugin']['to_first_render'])} | hand-made XYZ URI "
                         f"{_fmt(a['hand']['to_first_render'])} | {a['ratio']:.2f} | <= 1.1 | "
                         f"{_met(a['ratio'] <= 1.1)} |")
            g = a["plugin_range_given"]
            lines.append(f"| 2 | (add {protocol} with value_range given: no minmax request; {g['requests']} requests)"
                         f" | {_fmt(g['to_first_render'])} | same hand-made | {a['ratio_range_given']:.2f} | <= 1.1 | "
                         f"{_met(a['ratio_range_given'] <= 1.1)} |")
            lines.append(f"| 2 | add {protocol} layer: to valid layer | {_fmt(a['plugin']['to_valid'])} | "
                         f"{_fmt(a['hand']['to_valid'])} | - | - | - |")
            lines.append(f"| 2 | add {protocol} layer: HTTP requests per add | {a['plugin']['requests']} | "
                         f"{a['hand']['requests']} | +{a['extra_requests']} | <= hand-made + 1 | "
                         f"{_met(a['extra_requests'] <= 1)} |")
    if "render" in r:
        for protocol, a in r["render"].items():
            base = a[a["baseline"]]
            lines.append(f"| 3 | render 1024x768 {protocol}, cold ({a['tiles_per_map']} tiles) | {_fmt(a['cold'])} | "
                         f"plain HTTP, {a['baseline'][5:]} threads {_fmt(base)} | {a['ratio_cold']:.2f} | <= 1.15 | "
                         f"{_met(a['met'])} |")
            lines.append(f"| 3 | render 1024x768 {protocol}, warm (QGIS cache, {a['warm_requests']} requests) | "
                         f"{_fmt(a['warm'])} | same | {a['ratio_warm']:.2f} | - | - |")
            other = [w for w in WORKERS if f"http_{w}" != a["baseline"]]
            for w in other:
                lines.append(f"| 3 | ({protocol} plain HTTP with {w} threads) | - | {_fmt(a[f'http_{w}'])} "
                             "| - | - | - |")
            if "qgis_512" in a:
                lines.append(f"| 3 | tiles 512 px in QGIS (tilePixelRatio=2, {a['qgis_512_tiles']} tiles) | "
                             f"{_fmt(a['qgis_512'])} | 256-px cold render {_fmt(a['cold'])} | "
                             f"{ratio(a['qgis_512'], a['cold']):.2f} | - | - |")
                lines.append(f"| 3 | 512-px tiles one zoom up, plain HTTP ({a['http_512_parent_tiles']} tiles) | "
                             f"{_fmt(a['http_512_parent'])} | 256-px plain HTTP {_fmt(a['http_6'])} | "
                             f"{a['ratio_http512_to_http256']:.2f} | beat the 256 limit? | "
                             f"{'yes' if a['ratio_http512_to_http256'] < 1 else 'no'} |")
    if "edr" in r:
        loop = r["edr"]["loop"]
        for count in ("1000", "10000"):
            e = r["edr"][count]
            limit = min((e["batches_4_workers"], e["batches_8_workers"]), key=lambda s: s["median"])
            extra = " (extrapolated)" if e["loop_extrapolated"] else ""
            lines.append(f"| 4 | EDR edr_sample_points {int(count):,} points x 4 steps ({e['rows']:,} rows) | "
                         f"{_fmt(e['processing'])} | MULTIPOINT batches alone, concurrent {_fmt(limit)} | "
                         f"{e['ratio_to_batches']:.2f} | <= 1.5 | {_met(e['ratio_to_batches'] <= 1.5)} |")
            lines.append(f"| 4 | EDR {int(count):,} points vs one request per point | {_fmt(e['processing'])} | "
                         f"loop {e['loop_seconds']:.1f} s{extra} | {e['speedup_vs_loop']:.0f}x faster | >= 100x | "
                         f"{_met(e['speedup_vs_loop'] >= 100)} |")
            lines.append(f"| 4 | EDR {int(count):,}: requests, batch, URL, memory | {e['requests']} requests "
                         f"({e['data_requests']} data), {e['points_per_request']} points each, longest URL "
                         f"{e['max_url_bytes']} B; Python peak {e['python_peak_mb']} MB, max RSS {e['maxrss_mb']} MB | "
                         f"- | - | URL <= 8 KB | {_met(e['max_url_bytes'] <= 8192)} |")
        for count in ("1000", "10000"):
            e = r["edr"][count]
            seq = e["batches_sequential"]
            lines.append(f"| 4 | (EDR {int(count):,}: the same batches one after another, as the plugin sends "
                         f"them) | - | {_fmt(seq)} | {e['processing']['median'] / seq['median']:.2f} | - | - |")
        lines.append(f"| 4 | (loop: {loop['seconds_per_point'] * 1000:.1f} ms per point, measured over "
                     f"{loop['points_measured']} points) | | | | | |")
    if "dock_add" in r:
        for protocol, a in r["dock_add"].items():
            lines.append(f"| 2 | add {protocol} layer from the dock's Add to finished canvas render | "
                         f"{_fmt(a['dock'])} | "
                         f"hand-made layer added to the project {_fmt(a['hand'])} | {a['ratio']:.2f} | <= 1.1 | "
                         f"{_met(a['ratio'] <= 1.1)} |")
    if "ui" in r:
        u = r["ui"]
        for name, p in u["phases"].items():
            lines.append(f"| 5 | UI event loop, longest gap: {name}, {u['injected_latency_s']:.0f} s injected "
                         "latency | "
                         f"{p['longest_gap_ms']} ms over {p['seconds']} s | 10 ms timer | - | < 50 ms | "
                         f"{_met(p['longest_gap_ms'] < 50)} |")
    return "\n".join(lines) + "\n"


def _git_state():
    """The commit measured, and the plugin files that differed from it (the tree is shared)."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    skip = ("bench/", "tests/", "flux_server/", "scripts/")
    changed = [line[3:] for line in git("status", "--porcelain").splitlines()
               if line[3:].endswith(".py") and not line[3:].startswith(skip)]
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted_plugin_files": changed}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer runs, for trying the suite out")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--only", default="startup,add,render,edr,ui")
    parser.add_argument("--loop-points", type=int, default=None,
                        help="points of the one-request-per-point loop (default 1000; 100 with --quick)")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    loop_points = args.loop_points or (100 if args.quick else 1000)
    only = set(args.only.split(","))
    started = time.perf_counter()
    flux = flux_local.start_local_flux()
    os.environ["EARTHMOVER_FLUX_COMPUTE_URL"] = flux.base_url
    os.environ["EARTHMOVER_FLUX_API_URL"] = flux.api_url
    ctx = Context(flux, runs, args.quick)
    try:
        from earthmover_flux import api

        am = QgsApplication.authManager()
        am.setMasterPassword(harness.MASTER_PASSWORD, True)
        if "startup" in only:
            bench_startup(ctx)
        authcfg = api.store_credentials(flux.org, flux.key)
        if "add" in only:
            bench_add_layer(ctx, authcfg)
        if "render" in only:
            bench_render(ctx, authcfg)
        if "edr" in only:
            bench_edr(ctx, authcfg, loop_points)
        if "ui" in only:
            bench_ui(ctx)
    finally:
        flux.stop()
    data = {"git": _git_state(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(), "runs": runs, "wall_seconds": round(time.perf_counter() - started, 1),
            "results": ctx.results}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(data, indent=1, default=str) + "\n")
    (out / "latest.md").write_text(markdown(data))
    print(markdown(data))
    log(f"wrote {out / 'latest.md'} and latest.json in {data['wall_seconds']} s")
    sys.stdout.flush()
    os._exit(0)  # QGIS sometimes segfaults in its teardown at interpreter exit


if __name__ == "__main__":
    main()
