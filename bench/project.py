"""Benchmark section "project" (issue 17, goal 3): a real project with 40 Flux layers.

- 40 layers of 8 datasets (climate main/dev/v1 air, climate forecast/surface wind_speed on main
  and dev, ocean sst, weather era5 t2m, other-org's private-data secret), WMS and tiles, from two
  organizations' auth configs (flux-demo and other-org; the local server gets a tiles deployment
  for other-org through its control API, it only has wms at start). Made with ``api.add_layer``
  (value range given, as a user who set it once), saved as .qgz and .qgs.
- The same 40 layers by hand: plain QgsRasterLayer, hand-written XYZ sources (WMS ``tile=x,y,z``
  GetMap or OGC tiles, with variable, style, range and time written out), same names, same order,
  same visible layers, saved the same way.
- Timed: ``QgsProject.read`` of the .qgz, then the first render of the visible layers (a
  realistic subset: 8 of the 40, one per dataset, 4 WMS + 4 tiles, both orgs; the others are
  loaded but unchecked) at 1024x768 with QgsMapRendererParallelJob. The plugin is loaded (its
  readProject handler runs), the canvas's own rendering is switched off.
- Caches: every run writes new projects whose layers all have value ranges never used before in
  the run (ctx.fresh_range), so every tile and GetMap URL is new to QGIS's caches and the
  server's; and QGIS's network cache is cleared before each timed read, as the build of the
  project (api.add_layer) put the WMS layers' GetCapabilities answers there.
- Also a diagnostic: the plugin's own sources in plain layers (no custom properties, no plugin
  hooks), to tell the source choice from the plugin's code.
"""

import tempfile
import time
from pathlib import Path

from lib import ratio, stats

SIZE = (1024, 768)
EXTENT_XY = (-9_000_000, -5_000_000, 13_000_000, 11_500_000)  # bench/run.py's EXTENT (about 20-30 tiles)
LAYERS = 40
LATENCY = 0.2  # seconds added to every request for the latency comparison
# (org: demo/other, repo, ref, group, variable)
SOURCES = [
    ("demo", "climate", "main", "", "air"),
    ("demo", "climate", "dev", "", "air"),
    ("demo", "climate", "v1", "", "air"),
    ("demo", "climate", "main", "forecast/surface", "wind_speed"),
    ("demo", "climate", "dev", "forecast/surface", "wind_speed"),
    ("demo", "ocean", "main", "", "sst"),
    ("demo", "weather", "main", "era5", "t2m"),
    ("other", "private-data", "main", "", "secret"),
]
COLORMAPS = ("viridis", "plasma", "inferno", "magma", "cividis", "turbo", "coolwarm", "RdBu_r", "RdYlBu_r",
             "Spectral_r", "Blues", "YlGnBu", "jet")
ERA5_TIMES = [f"2003-0{m}-0{d}T0{h}:00:00Z" for m, d, h in ((1, 1, 0), (2, 3, 4), (3, 5, 6), (4, 7, 8), (5, 9, 9))]


def layer_plan():
    """The 40 layers: (index, source, protocol, colormap, visible)."""
    plan = []
    for i in range(LAYERS):
        source = SOURCES[i % len(SOURCES)]
        protocol = ("wms", "tiles")[(i // len(SOURCES)) % 2]
        plan.append((i, source, protocol, COLORMAPS[i % len(COLORMAPS)], i % 5 == 0))
    return plan


def hand_uri(flux, org, repo, ref, group, variable, protocol, colormap, value_range, time_step, authcfg):
    """A hand-written XYZ source: what a user who knows the server's URLs types into QGIS."""
    from qgis.core import QgsDataSourceUri

    lo, hi = (f"{v:.6g}" for v in value_range)
    path = "/".join(p for p in (org, repo, ref, group) if p)
    when = f"&time={time_step}" if time_step else ""
    if protocol == "wms":
        url = (f"{flux.base_url}/v1/services/wms/{path}/wms?service=WMS&version=1.3.0&request=GetMap&layers={variable}"
               f"&styles=raster/{colormap}&crs=EPSG:3857&width=256&height=256&format=image/png&transparent=true"
               f"&colorscalerange={lo},{hi}{when}&tile={{x}},{{y}},{{z}}")
    else:
        url = (f"{flux.base_url}/v1/services/tiles/{path}/tiles/WebMercatorQuad/{{z}}/{{y}}/{{x}}?variables={variable}"
               f"&style=raster/{colormap}&colorscalerange={lo},{hi}{when}&width=256&height=256&f=png")
    uri = QgsDataSourceUri()
    uri.setParam("type", "xyz")
    uri.setParam("url", url)
    uri.setParam("zmin", "0")
    uri.setParam("zmax", "18")
    uri.setAuthConfigId(authcfg)
    return bytes(uri.encodedUri()).decode()


def _classify(entries, seconds=False):
    """Requests by kind (GetCapabilities, GetMap, tiles, ...): counts, or the server's seconds on them."""
    counts = {}
    for e in entries:
        query = e["query"].lower()
        if "request=getcapabilities" in query:
            name = "GetCapabilities"
        elif "request=getmap" in query:
            name = "GetMap"
        elif "/webmercatorquad/" in e["path"].lower() and "tilejson" not in e["path"].lower():
            name = "tiles"
        else:
            name = e["path"].rsplit("/", 1)[-1][:40] or e["kind"]
        counts[name] = counts.get(name, 0) + (float(e.get("duration") or 0) if seconds else 1)
    return {k: round(v, 2) for k, v in counts.items()} if seconds else counts


def bench_project(ctx, authcfg=None):
    import qgis.utils
    from earthmover_flux import api
    from earthmover_flux.flux_qgis import layers, metadata
    from lib import GapMeter
    from qgis.core import QgsNetworkAccessManager, QgsProject, QgsRasterLayer, QgsRectangle
    from qgis_window import TestInterface
    from render import render

    extent = QgsRectangle(*EXTENT_XY)
    flux = ctx.flux
    # a second organization: other-org has only a wms deployment; give it tiles (server control API)
    flux._control("POST", "/_flux/deployments", {"org": flux.other_org, "name": "tiles", "service_type": "tiles"})
    cfgs = {"demo": api.store_credentials(flux.org, flux.key), "other": api.store_credentials(flux.other_org,
                                                                                               flux.other_key)}
    orgs = {"demo": flux.org, "other": flux.other_org}
    window = TestInterface()
    window.canvas.setRenderFlag(False)  # only the timed render job draws
    previous = qgis.utils.iface
    qgis.utils.iface = window
    qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    project = QgsProject.instance()
    project.clear()
    tmp = Path(tempfile.mkdtemp(prefix="flux-bench-project-"))
    plan = layer_plan()
    # each source's default range and time steps, once (the plugin's minmax and capabilities)
    known = {}
    for source in SOURCES:
        key, repo, ref, group, variable = source
        probe = api.add_layer(orgs[key], repo, ref, group, "wms", variable, authcfg=cfgs[key])
        spec = layers.spec_of(probe)
        known[source] = (tuple(spec.value_range), spec.time_axis.strings(limit=10))
        project.removeMapLayer(probe.id())

    def time_of(source, i, protocol):
        if source[4] == "t2m":
            if protocol == "tiles":
                return ""  # era5's tiles service lists no time axis: the server's default step, both sides
            return ERA5_TIMES[(i // len(SOURCES)) % len(ERA5_TIMES)]
        times = known[source][1]
        return times[(i // len(SOURCES)) % len(times)] if times else ""

    def fresh(source):
        lo, hi = known[source][0]
        return ctx.fresh_range(lo, hi)

    def save(made, name):
        root = project.layerTreeRoot()
        for (_i, _s, _p, _c, visible), layer in zip(plan, made):
            root.findLayer(layer.id()).setItemVisibilityChecked(visible)
        qgz, qgs = tmp / f"{name}.qgz", tmp / f"{name}.qgs"
        if not (project.write(str(qgz)) and project.write(str(qgs))):
            raise RuntimeError(f"could not write {qgz}")
        project.clear()
        return qgz, qgs

    def build_plugin(name):
        project.clear()
        made = []
        for i, source, protocol, colormap, _visible in plan:
            key, repo, ref, group, variable = source
            made.append(api.add_layer(orgs[key], repo, ref, group, protocol, variable, colormap=colormap,
                                      value_range=fresh(source), time=time_of(source, i, protocol) or None,
                                      authcfg=cfgs[key]))
        return save(made, name)

    def build_hand(name):
        project.clear()
        made = []
        for i, source, protocol, colormap, _visible in plan:
            key, repo, ref, group, variable = source
            uri = hand_uri(flux, orgs[key], repo, ref, group, variable, protocol, colormap, fresh(source),
                           time_of(source, i, protocol), cfgs[key])
            layer = QgsRasterLayer(uri, f"{variable} {i} ({protocol}, by hand)", "wms")
            if not layer.isValid():
                raise RuntimeError(f"hand-made layer {i} is invalid: {uri[:300]}")
            project.addMapLayer(layer)
            made.append(layer)
        return save(made, name)

    def build_same_sources(name):
        """The plugin's own sources (WMS-T for WMS data) in plain layers: no custom properties."""
        project.clear()
        specs = []
        for i, source, protocol, colormap, _visible in plan:
            key, repo, ref, group, variable = source
            layer = api.add_layer(orgs[key], repo, ref, group, protocol, variable, colormap=colormap,
                                  value_range=fresh(source), time=time_of(source, i, protocol) or None,
                                  authcfg=cfgs[key])
            specs.append((layer.source(), layer.name(), layer.temporalProperties().isActive()))
        project.clear()
        made = []
        for source, name_, _temporal in specs:
            layer = QgsRasterLayer(source, name_, "wms")
            project.addMapLayer(layer)
            made.append(layer)
        return save(made, name)

    def open_and_render(path):
        project.clear()
        # the project's layers were made in this session: their GetCapabilities answers are in QGIS's
        # network cache (24 h); a project opened cold (another machine, a later day) has none
        QgsNetworkAccessManager.instance().cache().clear()
        metadata.forget()  # nor the plugin's session copy of the capabilities (flux_qgis/metadata.py)
        flux.clear_log()
        started = time.perf_counter()
        if not project.read(str(path)):
            raise RuntimeError(f"QgsProject.read failed: {project.error()}")
        read = time.perf_counter() - started
        visible = [n.layer() for n in project.layerTreeRoot().findLayers() if n.isVisible()]
        image = render(visible, extent=extent, size=SIZE, timeout_s=300)
        total = time.perf_counter() - started
        entries = [e for e in flux.log() if e["kind"] in ("compute", "api")]
        valid = sum(1 for layer in project.mapLayers().values() if layer.isValid())
        opaque = _opaque_fraction(image)
        return read, total, entries, valid, len(visible), opaque

    builders = {"plugin": build_plugin, "hand": build_hand, "same_sources": build_same_sources}
    rows = {who: [] for who in builders}
    sizes, requests, details, server = {}, {}, {}, {}
    latency_rows, latency_gaps, latency_requests = {"none": [], "latency": []}, {"none": [], "latency": []}, {}
    try:
        for who, build in builders.items():  # warm-up: server opens every dataset, QGIS loads providers
            open_and_render(build(who + "-warm")[0])
        for run in range(ctx.runs):
            order = list(builders) if run % 2 == 0 else list(reversed(builders))
            paths = {who: builders[who](f"{who}-{run}") for who in order}  # built first, then all timed
            for who in order:
                qgz, qgs = paths[who]
                read, total, entries, valid, visible, opaque = open_and_render(qgz)
                if valid != LAYERS:
                    raise RuntimeError(f"{who}: {valid} of {LAYERS} layers valid after reading {qgz}")
                if opaque < 0.5:
                    raise RuntimeError(f"{who}: first render {opaque:.0%} opaque: layers did not draw")
                rows[who].append((read, total, len(entries), visible))
                requests.setdefault(who, _classify(entries))
                server.setdefault(who, []).append(_classify(entries, seconds=True))
                sizes[who] = {"qgs_bytes_per_layer": round(qgs.stat().st_size / LAYERS),
                              "qgz_bytes_per_layer": round(qgz.stat().st_size / LAYERS)}
                details.setdefault(who, {"orgs": sorted({e.get("org") or "" for e in entries}),
                                         "first_requests": [f"{e['path']}?{e['query']}"[:300] for e in entries[:2]]})
            log(f"project run {run}: " + ", ".join(f"{who} {rows[who][-1][1]:.2f} s (read {rows[who][-1][0]:.2f})"
                                                   for who in builders))
        # issue 22: the plugin's project read cold with LATENCY s injected on every request (the local
        # server's fault rules) against the same read without; the UI event loop's longest gap
        for run in range(ctx.runs):
            for mode in (("none", "latency") if run % 2 == 0 else ("latency", "none")):
                qgz, _qgs = build_plugin(f"latency-{mode}-{run}")
                project.clear()
                QgsNetworkAccessManager.instance().cache().clear()
                metadata.forget()
                flux.clear_log()
                if mode == "latency":
                    flux.set_faults({"match": "", "latency": LATENCY})
                meter = GapMeter()
                meter.start()
                started = time.perf_counter()
                try:
                    if not project.read(str(qgz)):
                        raise RuntimeError(f"QgsProject.read failed: {project.error()}")
                    latency_rows[mode].append(time.perf_counter() - started)
                finally:
                    gap = meter.stop()
                    flux.clear_faults()
                latency_gaps[mode].append((gap or 0) * 1000)
                latency_requests[mode] = len([e for e in flux.log() if e["kind"] in ("compute", "api")])
            log(f"project latency run {run}: read {latency_rows['none'][-1]:.2f} s, with {LATENCY * 1000:.0f} ms "
                f"latency {latency_rows['latency'][-1]:.2f} s")
    finally:
        project.clear()
        qgis.utils.unloadPlugin("earthmover_flux")
        qgis.utils.iface = previous
        window.close_all()
    res = {}
    for who, values in rows.items():
        res[who] = {"read": stats([v[0] for v in values]), "read_and_render": stats([v[1] for v in values]),
                    "requests": sorted({v[2] for v in values}), "request_kinds": requests[who],
                    "server_seconds": {k: round(sorted(run.get(k, 0) for run in server[who])[len(server[who]) // 2], 2)
                                       for k in requests[who]}, **sizes[who],
                    **details[who]}
    res["visible_layers"] = rows["plugin"][0][3]
    res["layers"] = LAYERS
    res["ratio"] = ratio(res["plugin"]["read_and_render"], res["hand"]["read_and_render"])
    res["ratio_read"] = ratio(res["plugin"]["read"], res["hand"]["read"])
    res["ratio_same_sources"] = ratio(res["plugin"]["read_and_render"], res["same_sources"]["read_and_render"])
    res["latency"] = {"seconds": LATENCY, "read": stats(latency_rows["none"]),
                      "read_latency": stats(latency_rows["latency"]),
                      "gap_ms": stats(latency_gaps["none"], "ms"),
                      "gap_latency_ms": stats(latency_gaps["latency"], "ms"),
                      "requests": latency_requests}
    res["latency"]["ratio"] = ratio(res["latency"]["read_latency"], res["latency"]["read"])
    res["goal"] = "read + first render <= 1.1 x hand-made"
    res["met"] = res["ratio"] <= 1.1
    ctx.results["project"] = res
    log(f"project: plugin {res['plugin']['read_and_render']['median']:.2f} s, hand "
        f"{res['hand']['read_and_render']['median']:.2f} s, ratio {res['ratio']:.2f}; requests "
        f"{res['plugin']['requests']} vs {res['hand']['requests']}")
    return res


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def _opaque_fraction(image):
    total = opaque = 0
    for y in range(0, image.height(), 16):
        for x in range(0, image.width(), 16):
            total += 1
            opaque += image.pixelColor(x, y).alpha() > 0
    return opaque / max(total, 1)


def _fmt(s, digits=3):
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f}) {s['unit']}"


def markdown_rows(r):
    """Rows of latest.md for the project section."""
    if "project" not in r:
        return []
    p = r["project"]
    pl, hd, ss = p["plugin"], p["hand"], p["same_sources"]
    n, v = p["layers"], p["visible_layers"]
    la = p.get("latency")
    latency = [] if not la else [
        f"| 7 | project of {n} Flux layers, QgsProject.read cold with {la['seconds'] * 1000:.0f} ms latency on every "
        f"request ({la['requests'].get('latency')} requests) | {_fmt(la['read_latency'])} | the same read, no latency "
        f"{_fmt(la['read'])} | {la['ratio']:.2f} | <= 1.5 | {'yes' if la['ratio'] <= 1.5 else '**no**'} |",
        f"| 7 | (UI event loop's longest gap while it reads: with latency {_fmt(la['gap_latency_ms'], 0)}, without "
        f"{_fmt(la['gap_ms'], 0)}) | | | | reported | - |",
    ]
    return latency + [
        f"| 7 | project of {n} Flux layers (WMS + tiles, 2 orgs): QgsProject.read + first render 1024x768 of "
        f"{v} visible | {_fmt(pl['read_and_render'])} | the same layers by hand (XYZ sources) "
        f"{_fmt(hd['read_and_render'])} | {p['ratio']:.2f} | <= 1.1 | {'yes' if p['met'] else '**no**'} |",
        f"| 7 | (project read alone) | {_fmt(pl['read'])} | {_fmt(hd['read'])} | {p['ratio_read']:.2f} | - | - |",
        f"| 7 | (HTTP requests to first render) | {pl['requests']}: {_kinds(pl)} | {hd['requests']}: {_kinds(hd)} | "
        "- | - | - |",
        f"| 7 | (server time on those requests, median of runs) | {_kinds(pl, 'server_seconds', ' s')} | "
        f"{_kinds(hd, 'server_seconds', ' s')} | - | - | - |",
        f"| 7 | (project file per layer) | .qgs {pl['qgs_bytes_per_layer']:,} B, "
        f".qgz {pl['qgz_bytes_per_layer']:,} B | "
        f".qgs {hd['qgs_bytes_per_layer']:,} B, .qgz {hd['qgz_bytes_per_layer']:,} B | - | - | - |",
        f"| 7 | (diagnostic: the plugin's own sources in plain layers, {ss['requests']} requests) | "
        f"{_fmt(pl['read_and_render'])} | {_fmt(ss['read_and_render'])} | {p['ratio_same_sources']:.2f} | - | - |",
    ]


def _kinds(side, key="request_kinds", unit=""):
    return ", ".join(f"{k} {v}{unit}" for k, v in sorted(side[key].items()))
