"""Benchmark section "animation" (issue 17, goal 4): exporting 24 frames of a layer with a time axis.

- Layer: weather/era5 t2m (52,608 hourly steps) from the WMS service, added with
  ``api.add_layer`` (a WMS-T layer: each render asks for its own time).
- Plugin side: ``QgsTemporalUtils.exportAnimation`` (what the Temporal Controller's "Export
  Animation" runs) of 24 hourly frames at 1024x768 into PNG files; also, as a diagnostic, the same
  24 frames rendered one after another with QgsMapRendererParallelJob (no files).
- Baseline (the limit): the GetMap URLs of those frames, taken from the server's request log,
  fetched with plain ``requests`` from 6 and 16 threads at once and from 1 thread one after
  another; the fastest of the three is the baseline (on 2 cores one after another wins).
- Right time in each frame: the log must hold exactly the 24 frames' times, in frame order, each
  frame's requests carrying its own ``time=``; and the pixels at a known place (lon 60, lat 0)
  must differ between the first and the last frame (t2m rises 0.1 K an hour there).
- Caches: each run first gives the layer a value range never used before (ctx.fresh_range), so
  every GetMap URL of the run is new to QGIS's caches and the server's; the baseline's URLs get
  other fresh ranges.
"""

import math
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl

from lib import fetch_all, log_urls, ratio, stats, with_query

SIZE = (1024, 768)
EXTENT_XY = (-9_000_000, -5_000_000, 13_000_000, 11_500_000)  # bench/run.py's EXTENT
FRAMES = 24
START = "2003-01-01T00:00:00Z"  # era5 hour index 26,280: t2m = 250 + 28.0 + lon/30 + (lat+90)/30, +0.1 K/h
RANGE = (250.0, 300.0)
KNOWN_PLACE = (60.0, 0.0)  # lon, lat: the era5 cell (60, 0): 283.0 K at START, 285.3 K 23 hours later
WORKERS = (6, 16)
RUNS = 3  # at most: one run is about 3 minutes of both cores (each GetMap is about 1 s of server time)


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def _pixel_of(lon, lat, extent_xy, size):
    x = lon * 20037508.34 / 180
    y = math.log(math.tan((90 + lat) * math.pi / 360)) * 6378137.0
    x0, y0, x1, y1 = extent_xy
    return int((x - x0) / (x1 - x0) * size[0]), int((y1 - y) / (y1 - y0) * size[1])


def _time_of(entry):
    for key, value in parse_qsl(entry["query"], keep_blank_values=True):
        if key.lower() in ("time", "datetime"):
            return value
    return None


def _check_times(entries, expected):
    """Each frame's requests carry that frame's time, frames in order; returns (ok, what was seen)."""
    seen = [(_time_of(e) or "")[:16] for e in entries]
    blocks = []
    for t in seen:
        if not blocks or blocks[-1][0] != t:
            blocks.append([t, 0])
        blocks[-1][1] += 1
    ok = [b[0] for b in blocks] == [t[:16] for t in expected]
    return ok, blocks


def bench_animation(ctx, authcfg=None):
    from earthmover_flux import api
    from earthmover_flux.flux_qgis import layers
    from earthmover_flux.flux_server import samples
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsDateTimeRange,
        QgsInterval,
        QgsMapSettings,
        QgsProject,
        QgsRectangle,
        QgsTemporalUtils,
    )
    from qgis.PyQt.QtCore import QDateTime, QSize, Qt
    from qgis.PyQt.QtGui import QColor, QImage
    from render import render

    flux = ctx.flux
    authcfg = api.store_credentials(flux.org, flux.key)
    project = QgsProject.instance()
    project.clear()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:3857"))  # a web map: the layer asks in 3857
    extent = QgsRectangle(*EXTENT_XY)
    layer = api.add_layer(flux.org, samples.REPO, "main", "era5", "wms", "t2m", value_range=RANGE, time=START,
                          authcfg=authcfg)
    start = QDateTime.fromString(START[:-1], "yyyy-MM-ddTHH:mm:ss")
    start.setTimeSpec(Qt.TimeSpec.UTC)
    frame_starts = [start.addSecs(3600 * k) for k in range(FRAMES)]
    expected = [f.toString("yyyy-MM-ddTHH:mm:ss") + "Z" for f in frame_starts]
    px, py = _pixel_of(*KNOWN_PLACE, EXTENT_XY, SIZE)

    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    settings.setOutputSize(QSize(*SIZE))
    settings.setExtent(extent)
    settings.setBackgroundColor(QColor(255, 255, 255, 0))
    tmp = Path(tempfile.mkdtemp(prefix="flux-bench-animation-"))

    def export(run):
        out = tmp / f"run{run}"
        out.mkdir()
        export_settings = QgsTemporalUtils.AnimationExportSettings()
        # QGIS counts frames as whole frame durations in the range (3.22: range end exclusive)
        export_settings.animationRange = QgsDateTimeRange(frame_starts[0], frame_starts[-1].addSecs(3600), True,
                                                          False)
        export_settings.frameDuration = QgsInterval(3600)
        export_settings.outputDirectory = str(out)
        export_settings.fileNameTemplate = "frame####.png"
        ok, error = QgsTemporalUtils.exportAnimation(settings, export_settings)
        if not ok:
            raise RuntimeError(f"exportAnimation failed: {error}")
        return sorted(out.glob("frame*.png"))

    def render_loop():
        images = []
        for f in frame_starts:
            images.append(render([layer], extent=extent, size=SIZE, temporal_range=QgsDateTimeRange(
                f, f.addSecs(3600), True, False), timeout_s=120))
        return images

    def fresh():
        lo, hi = ctx.fresh_range(*RANGE)
        api.update_layer(layer, value_range=(lo, hi))

    refused = [0]

    def tile_urls():
        """The frames as 256-px EPSG:3857 WMS tiles (what a hand-made XYZ layer fetches), fresh range."""
        from project import hand_uri
        from qgis.core import QgsRasterLayer

        lo, hi = ctx.fresh_range(*RANGE)
        hand = QgsRasterLayer(hand_uri(flux, flux.org, samples.REPO, "main", "era5", "t2m", "wms", "viridis",
                                       (lo, hi), START, authcfg), "era5 by hand", "wms")
        flux.clear_log()
        render([hand], extent=extent, size=SIZE, timeout_s=120)
        logged = flux.log()
        first = log_urls(flux, logged)
        refused[0] = sum(1 for e in logged if e["status"] != 200)  # xpublish-wms: 422 for some era5 tiles
        urls = []
        for when in expected:
            lo, hi = ctx.fresh_range(*RANGE)
            urls += [with_query(u, time=when, colorscalerange=f"{lo:.6g},{hi:.6g}") for u in first]
        return urls, len(first)

    fresh()
    export(-1)  # warm-up: the server opens era5's chunks, QGIS loads the provider
    rows = {"export": [], "render_loop": [], "http_sequential": [], "http_xyz_tiles": []}
    http = {w: [] for w in WORKERS}
    checks = {"times_in_order": True, "frames": set(), "requests": set(), "differs_at_known_place": True}
    sample_blocks = None
    colours = None
    try:
        for run in range(min(ctx.runs, RUNS)):
            fresh()
            flux.clear_log()
            started = time.perf_counter()
            files = export(run)
            rows["export"].append(time.perf_counter() - started)
            entries = [e for e in flux.log() if e["kind"] == "compute"]
            ok, blocks = _check_times(entries, expected)
            checks["times_in_order"] &= ok
            sample_blocks = sample_blocks or blocks
            checks["frames"].add(len(files))
            checks["requests"].add(len(entries))
            first, last = QImage(str(files[0])), QImage(str(files[-1]))
            colours = (first.pixelColor(px, py).name(), last.pixelColor(px, py).name())
            checks["differs_at_known_place"] &= colours[0] != colours[1] and first.pixelColor(px, py).alpha() > 0
            urls = log_urls(flux, entries)
            for workers in WORKERS:
                lo, hi = ctx.fresh_range(*RANGE)
                again = [with_query(u, colorscalerange=f"{lo:.6g},{hi:.6g}") for u in urls]
                http[workers].append(fetch_all(again, workers, ctx.auth)[0])
            lo, hi = ctx.fresh_range(*RANGE)
            again = [with_query(u, colorscalerange=f"{lo:.6g},{hi:.6g}") for u in urls]
            rows["http_sequential"].append(fetch_all(again, 1, ctx.auth)[0])
            tiles, tiles_per_frame = tile_urls()
            rows["http_xyz_tiles"].append(fetch_all(tiles, WORKERS[0], ctx.auth, check=False)[0])
            sizes = {(dict(parse_qsl(e["query"])).get("WIDTH"), dict(parse_qsl(e["query"])).get("HEIGHT"))
                     for e in entries}
            server_seconds = sum(float(e.get("duration") or 0) for e in entries)
            # diagnostic: the same frames rendered one after another by a parallel job, no files
            fresh()
            flux.clear_log()
            started = time.perf_counter()
            images = render_loop()
            rows["render_loop"].append(time.perf_counter() - started)
            loop_entries = [e for e in flux.log() if e["kind"] == "compute"]
            ok, _ = _check_times(loop_entries, expected)
            checks["times_in_order"] &= ok
            checks["differs_at_known_place"] &= images[0].pixel(px, py) != images[-1].pixel(px, py)
            log(f"animation run {run}: export {rows['export'][-1]:.2f} s ({len(entries)} requests), render loop "
                f"{rows['render_loop'][-1]:.2f} s, http 6: {http[6][-1]:.2f} s, 16: {http[16][-1]:.2f} s, "
                f"sequential {rows['http_sequential'][-1]:.2f} s")
    finally:
        spec = layers.spec_of(layer)
        project.clear()
    res = {name: stats(values) for name, values in rows.items()}
    for workers in WORKERS:
        res[f"http_{workers}"] = stats(http[workers])
    # the limit is the fastest plain-HTTP way: here one after another can beat 6 or 16 at once (the
    # server renders these 9-megapixel GetMaps on 2 cores and thrashes under concurrency)
    res["http_1"] = res["http_sequential"]
    res["baseline"] = min(("http_1", *(f"http_{w}" for w in WORKERS)), key=lambda k: res[k]["median"])
    res["ratio"] = ratio(res["export"], res[res["baseline"]])
    res["ratio_render_loop"] = ratio(res["render_loop"], res[res["baseline"]])
    res["ratio_to_sequential"] = ratio(res["export"], res["http_sequential"])
    res["ratio_xyz_tiles"] = ratio(res["export"], res["http_xyz_tiles"])
    res["xyz_tiles_per_frame"] = tiles_per_frame
    res["xyz_tiles_refused_per_frame"] = refused[0]
    res["getmap_sizes"] = sorted(f"{w}x{h}" for w, h in sizes)
    res["server_seconds_last_export"] = round(server_seconds, 2)
    res["frames"] = sorted(checks["frames"])
    res["requests"] = sorted(checks["requests"])
    res["times_in_order"] = checks["times_in_order"]
    res["differs_at_known_place"] = checks["differs_at_known_place"]
    res["known_place_colours"] = colours
    res["time_blocks_first_run"] = sample_blocks[:3] + (["..."] if len(sample_blocks) > 3 else [])
    res["layer"] = f"{spec.location.repo}/{spec.location.group} {spec.variable} (wms, WMS-T)"
    res["goal"] = "export <= 1.2 x plain concurrent HTTP of the same frames; right time in each frame"
    res["met"] = res["ratio"] <= 1.2 and res["times_in_order"] and res["differs_at_known_place"] \
        and res["frames"] == [FRAMES]
    ctx.results["animation"] = res
    log(f"animation: export {res['export']['median']:.2f} s, baseline {res['baseline']} "
        f"{res[res['baseline']]['median']:.2f} s, ratio {res['ratio']:.2f}; times in order {res['times_in_order']}, "
        f"known place {colours}")
    return res


def _fmt(s, digits=3):
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f}) {s['unit']}"


def _how(baseline):
    threads = int(baseline[5:])
    return "one after another" if threads == 1 else f"{threads} threads at once"


def markdown_rows(r):
    """Rows of latest.md for the animation section."""
    if "animation" not in r:
        return []
    a = r["animation"]
    base = a[a["baseline"]]
    right = a["times_in_order"] and a["differs_at_known_place"] and a["frames"] == [FRAMES]
    return [
        f"| 8 | animation: exportAnimation of {a['frames']} frames 1024x768, {a['layer']}, {a['requests']} "
        f"requests | {_fmt(a['export'])} | the same GetMaps, plain HTTP, {_how(a['baseline'])} {_fmt(base)} | "
        f"{a['ratio']:.2f} | <= 1.2 | {'yes' if a['ratio'] <= 1.2 else '**no**'} |",
        f"| 8 | (animation: each frame's requests carry its own time, in frame order: {a['times_in_order']}; "
        f"pixels at lon 60, lat 0 differ first vs last frame: {a['differs_at_known_place']} "
        f"{a['known_place_colours']}) | | | | right time in each frame | {'yes' if right else '**no**'} |",
        f"| 8 | (animation: the same GetMaps, plain HTTP at once: 6 threads {_fmt(a['http_6'])}, 16 threads "
        f"{_fmt(a['http_16'])}) | | | | | |",
        f"| 8 | (animation: same frames, QgsMapRendererParallelJob one after another, no files) | "
        f"{_fmt(a['render_loop'])} | same | {a['ratio_render_loop']:.2f} | - | - |",
        f"| 8 | (animation: the same GetMaps one after another, plain HTTP; GetMap size {a['getmap_sizes']}, "
        f"server time of the export's GetMaps {a['server_seconds_last_export']} s) | {_fmt(a['export'])} | "
        f"{_fmt(a['http_sequential'])} | {a['ratio_to_sequential']:.2f} | - | - |",
        f"| 8 | (animation: the same frames as 256-px EPSG:3857 WMS tiles, {a['xyz_tiles_per_frame']} a frame "
        f"({a['xyz_tiles_refused_per_frame']} of them 422 from xpublish-wms), plain HTTP 6 threads) | "
        f"{_fmt(a['export'])} | {_fmt(a['http_xyz_tiles'])} | {a['ratio_xyz_tiles']:.2f} | - | - |",
    ]


# -- issue 22: a daily layer and a forecast layer ---------------------------------------------------
# The same export against the same plain-HTTP limit, for the two layer kinds the issue names:
# - daily: weather/daily t2m (the US at 0.25 degrees), 24 frames of one day from 2023-04-01 (spring:
#   the known place warms about 0.2 K a day, so the first and last frames differ);
# - forecast: weather/gfs t2m, run 2024-06-01T00, its 5 lead times (0..12 h) as 5 frames of 3 h: each
#   frame must ask for TIME=<run> and its own step (the plugin's preprocessor rewrites QGIS's valid
#   time), and the known place warms 3 K a frame.
US_XY = (-13_900_000, 2_800_000, -7_200_000, 6_500_000)  # lon -125..-65, lat 24..50 in EPSG:3857
CASES = {
    "daily": {"group": "daily", "start": "2023-04-01T00:00:00Z", "frame_s": 86400, "frames": 24,
              "range": (270.0, 310.0), "extent": US_XY, "place": (-100.0, 40.0), "options": {}},
    "forecast": {"group": "gfs", "start": "2024-06-01T00:00:00Z", "frame_s": 3 * 3600, "frames": 5,
                 "range": (200.0, 300.0), "extent": EXTENT_XY, "place": (60.0, 0.0),
                 "options": {"time": "2024-06-01T00:00:00Z"}},
}


def _step_of(entry):
    for key, value in parse_qsl(entry["query"], keep_blank_values=True):
        if key.lower() == "step":
            return value
    return None


def bench_animation_kinds(ctx, authcfg=None):
    """Export Animation of a daily and of a forecast layer against the plain-HTTP limit of their GetMaps."""
    from earthmover_flux import api
    from earthmover_flux.flux_server import samples
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsDateTimeRange,
        QgsInterval,
        QgsMapSettings,
        QgsProject,
        QgsRectangle,
        QgsTemporalUtils,
    )
    from qgis.PyQt.QtCore import QDateTime, QSize, Qt
    from qgis.PyQt.QtGui import QColor, QImage

    flux = ctx.flux
    authcfg = authcfg or api.store_credentials(flux.org, flux.key)
    project = QgsProject.instance()
    out = {}
    for name, case in CASES.items():
        project.clear()
        project.setCrs(QgsCoordinateReferenceSystem("EPSG:3857"))  # a web map: the layer asks in 3857
        layer = api.add_layer(flux.org, samples.REPO, "main", case["group"], "wms", "t2m", value_range=case["range"],
                              authcfg=authcfg, **case["options"])
        start = QDateTime.fromString(case["start"][:-1], "yyyy-MM-ddTHH:mm:ss")
        start.setTimeSpec(Qt.TimeSpec.UTC)
        frame_starts = [start.addSecs(case["frame_s"] * k) for k in range(case["frames"])]
        if name == "forecast":
            expected = [f"{case['start'][:16]}|{h} hours" for h in samples.GFS_STEPS_HOURS[:case["frames"]]]
        else:
            expected = [f.toString("yyyy-MM-ddTHH:mm") + "|None" for f in frame_starts]
        px, py = _pixel_of(*case["place"], case["extent"], SIZE)
        settings = QgsMapSettings()
        settings.setLayers([layer])
        settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
        settings.setOutputSize(QSize(*SIZE))
        settings.setExtent(QgsRectangle(*case["extent"]))
        settings.setBackgroundColor(QColor(255, 255, 255, 0))
        tmp = Path(tempfile.mkdtemp(prefix=f"flux-bench-animation-{name}-"))

        def export(run, settings=settings, frame_starts=frame_starts, case=case, tmp=tmp):
            folder = tmp / f"run{run}"
            folder.mkdir()
            export_settings = QgsTemporalUtils.AnimationExportSettings()
            export_settings.animationRange = QgsDateTimeRange(
                frame_starts[0], frame_starts[-1].addSecs(case["frame_s"]), True, False)
            export_settings.frameDuration = QgsInterval(case["frame_s"])
            export_settings.outputDirectory = str(folder)
            export_settings.fileNameTemplate = "frame####.png"
            ok, error = QgsTemporalUtils.exportAnimation(settings, export_settings)
            if not ok:
                raise RuntimeError(f"exportAnimation failed: {error}")
            return sorted(folder.glob("frame*.png"))

        def fresh(layer=layer, case=case):
            lo, hi = ctx.fresh_range(*case["range"])
            api.update_layer(layer, value_range=(lo, hi))

        fresh()
        export(-1)  # warm-up: the server opens the chunks, QGIS loads the provider
        exports, http = [], {w: [] for w in (1, *WORKERS)}
        in_order, differs, frames, requests, colours = True, True, set(), set(), None
        for run in range(min(ctx.runs, RUNS)):
            fresh()
            flux.clear_log()
            started = time.perf_counter()
            files = export(run)
            exports.append(time.perf_counter() - started)
            entries = [e for e in flux.log() if e["kind"] == "compute"]
            seen = []
            for e in entries:
                key = f"{(_time_of(e) or '')[:16]}|{_step_of(e)}"
                if not seen or seen[-1] != key:
                    seen.append(key)
            in_order &= seen == expected
            frames.add(len(files))
            requests.add(len(entries))
            first, last = QImage(str(files[0])), QImage(str(files[-1]))
            colours = (first.pixelColor(px, py).name(), last.pixelColor(px, py).name())
            differs &= colours[0] != colours[1] and first.pixelColor(px, py).alpha() > 0
            urls = log_urls(flux, entries)
            for workers in http:
                lo, hi = ctx.fresh_range(*case["range"])
                again = [with_query(u, colorscalerange=f"{lo:.6g},{hi:.6g}") for u in urls]
                http[workers].append(fetch_all(again, workers, ctx.auth)[0])
            log(f"animation {name} run {run}: export {exports[-1]:.2f} s ({len(entries)} requests), http "
                + ", ".join(f"{w}: {http[w][-1]:.2f} s" for w in http) + f"; frames {seen[:3]}...")
        res = {"export": stats(exports), **{f"http_{w}": stats(v) for w, v in http.items()}}
        res["baseline"] = min((f"http_{w}" for w in http), key=lambda k: res[k]["median"])
        res["ratio"] = ratio(res["export"], res[res["baseline"]])
        res.update({"frames": sorted(frames), "requests": sorted(requests), "times_in_order": in_order,
                    "differs_at_known_place": differs, "known_place_colours": colours,
                    "expected_first": expected[:2], "layer": f"{samples.REPO}/{case['group']} t2m (wms)",
                    "frames_wanted": case["frames"], "place": case["place"]})
        out[name] = res
    project.clear()
    ctx.results["animation_kinds"] = out
    return out


def markdown_rows_kinds(r):
    """Rows of latest.md for the daily and forecast animations."""
    rows = []
    for name, a in (r.get("animation_kinds") or {}).items():
        base = a[a["baseline"]]
        right = a["times_in_order"] and a["differs_at_known_place"] and a["frames"] == [a["frames_wanted"]]
        what = "run + its own lead time (step=)" if name == "forecast" else "its own day"
        rows += [
            f"| 8 | animation, {name}: exportAnimation of {a['frames']} frames 1024x768, {a['layer']}, "
            f"{a['requests']} requests | {_fmt(a['export'])} | the same GetMaps, plain HTTP, {_how(a['baseline'])} "
            f"{_fmt(base)} | {a['ratio']:.2f} | <= 1.5 | {'yes' if a['ratio'] <= 1.5 else '**no**'} |",
            f"| 8 | (animation, {name}: each frame asks for {what}, in frame order: {a['times_in_order']} "
            f"(first {a['expected_first']}); pixels at lon {a['place'][0]:g}, lat {a['place'][1]:g} differ first vs "
            f"last frame: {a['differs_at_known_place']} {a['known_place_colours']}) | | | | right time in each frame "
            f"| {'yes' if right else '**no**'} |",
        ]
    return rows
