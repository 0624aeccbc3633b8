"""Python API of the Earthmover Flux plugin.

Use it from the QGIS Python console, from a standalone script with a QgsApplication, or from
Processing. Example (QGIS Python console)::

    from earthmover_flux import api
    cfg = api.store_credentials("my-org", "ema_...")          # once; returns the authcfg id
    layer = api.add_layer("my-org", "climate", "main", "", "wms", "air", colormap="plasma")

Network calls here are blocking (run them from a script, a task or an algorithm); the dock
runs the same functions in a background task. Bad arguments raise ValueError (FluxInputError)
with a message that says what to fix; server and network failures raise FluxError.
"""

from qgis.core import QgsProject

from .core.dimensions import parse_iso
from .core.dimensions import resolve as resolve_dimensions
from .core.errors import FluxCancelled, FluxError, FluxInputError
from .core.location import PROTOCOLS, FluxLocation, parse_flux_url
from .flux_qgis import auth, layers, network, settings

if network.on_ui_thread():
    network.engine()  # the API's calls from tasks hand their requests to it: made here, on the UI thread

__all__ = ["store_credentials", "location", "resolve_authcfg", "list_variables", "prepare_layer", "add_layer",
           "update_layer", "relink_project", "edr_parameters", "prepare_edr_position", "prepare_edr_area",
           "edr_layer", "edr_position", "edr_area", "add_layers", "from_url", "copy_as", "prepare_dap2_subset",
           "dap2_layer", "dap2_subset", "management_client", "list_services", "list_public_services",
           "delete_service", "service_compute_url", "list_repos", "list_refs", "list_groups", "time_series",
           "zones_of", "prepare_zonal_statistics", "zonal_layer", "zonal_statistics", "FluxError",
           "FluxInputError", "FluxCancelled", "PROTOCOLS", "parse_flux_url"]


def store_credentials(org, token, name=None):
    """Create or update the org's Basic config in the QGIS auth database; return its id."""
    return auth.store_credentials(org, token, name=name)


def location(org, repo, ref="main", group="", protocol="wms", service=None, compute_url=None):
    """A validated FluxLocation (raises ValueError naming the bad field)."""
    return FluxLocation(org=org, repo=repo, ref=ref, group=group or "", protocol=protocol,
                        service=service or "", compute_url=compute_url or settings.compute_url())


def resolve_authcfg(org, authcfg):
    """The authcfg id to use for ``org``: ``authcfg`` None means the org's saved credentials (if any),
    '' means none (a public service)."""
    if authcfg is None:
        return auth.find_config(org)
    return authcfg


def list_variables(org, repo, ref="main", group="", protocol="wms", *, service=None, authcfg=None,
                   compute_url=None, feedback=None):
    """VariableInfo list of a wms or tiles service (name, title, units, bbox, time steps)."""
    loc = location(org, repo, ref, group, protocol, service, compute_url)
    return layers.describe_variables(loc, resolve_authcfg(loc.org, authcfg), feedback)


def prepare_layer(org, repo, ref="main", group="", protocol="wms", variable=None, *, service=None,
                  authcfg=None, compute_url=None, colormap=None, value_range=None, time=None,
                  dimensions=None, feedback=None, variables=None):
    """Ask the service what is needed for a layer; returns (LayerSpec, authcfg). Thread-safe.

    ``dimensions``: {name: value} (or ``"step=3 hours;level=850"``) for the variable's axes other
    than time; each one not given shows its default (the server's, else the first value).
    """
    loc = location(org, repo, ref, group, protocol, service, compute_url)
    if loc.protocol not in ("wms", "tiles"):
        raise FluxInputError(f"Map layers come from wms or tiles services; {loc.protocol} data is added "
                             "with the EDR and DAP2 tools.")
    authcfg = resolve_authcfg(loc.org, authcfg)
    if variables is None:
        variables = layers.describe_variables(loc, authcfg, feedback)
    if variable:
        info = next((v for v in variables if v.name == variable), None)
        if info is None:
            names = ", ".join(v.name for v in variables) or "none"
            raise FluxInputError(f"The variable {variable!r} is not served here; available: {names}.")
    else:
        info = variables[0]
    axis = info.time_axis
    selected = resolve_dimensions(info.dims, dimensions, info.name)
    if time:
        if not axis.contains(time):
            raise FluxInputError(f"The time {str(time)[:40]!r} is not one of the variable's time steps "
                                 f"({axis.describe()}).")
        time = axis[axis.nearest_index(parse_iso(time))] if not axis.raw else str(time)
    forecast = any(d.kind == "lead_time" and len(d.values) > 1 for d in info.dims)
    # a forecast opens on its newest run (what a forecaster looks at first); other data on its first step
    time = time or ((axis.last() if forecast else axis.first()) if axis else "")
    if value_range is None:
        value_range = _default_range(loc, info.name, time, authcfg, feedback, info.dims, selected)
    spec = layers.LayerSpec(location=loc, variable=info.name, colormap=colormap or "viridis",
                            value_range=value_range, time_axis=axis, time=time, units=info.units,
                            bbox=info.bbox, dims=list(info.dims), selected=selected)
    return spec, authcfg


def _default_range(loc, variable, time, authcfg, feedback, dims=(), selected=None):
    """Value range for the colours: the WMS GetMetadata minmax of the time step (and level...) shown."""
    if loc.protocol == "wms":
        return layers.value_range(loc, variable, time, authcfg, feedback, dims, selected)
    # a tiles service has no minmax: ask the same dataset's wms service, if it has one (its
    # vertical axis is called elevation there: the tiles service's own name is not sent)
    try:
        wms = loc.with_(protocol="wms", service="")
        return layers.value_range(wms, variable, time, authcfg, feedback, dims, selected)
    except FluxError:
        pass
    # without a range the tiles server scales by the variable's valid_min/valid_max, if it has them
    if layers.tiles_scale_by_themselves(loc, variable, time, authcfg, feedback, dims, selected):
        return None
    raise FluxInputError(f"The tiles service needs a value range for {variable!r} (the data has no "
                         "valid_min/valid_max and there is no WMS service to read it from): enter a "
                         "minimum and maximum.")


def add_layer(org, repo, ref="main", group="", protocol="wms", variable=None, *, service=None,
              authcfg=None, project=None, name=None, **options):
    """Add a Flux layer to ``project`` (default: the current project) and return it.

    ``protocol`` is one of wms, tiles, edr, dap2; ``service`` defaults to the protocol;
    ``group`` may be "" for the root group. Options: colormap, value_range=(min, max), time,
    dimensions={"step": "3 hours", "elevation": "850"} (axes other than time; see
    list_variables(...)[i].dimensions), compute_url, feedback. ``authcfg`` defaults to the org's
    saved credentials; pass "" for a public service.
    """
    if str(protocol or "").strip().lower() in ("edr", "dap2"):
        raise FluxInputError(
            "add_layer makes map layers from wms or tiles services. For EDR use api.edr_position(org, repo, "
            "ref, group, points, parameters) or api.edr_area(org, repo, ref, group, polygon_wkt, parameters); "
            "for DAP2 use api.dap2_subset(org, repo, ref, group, variable, output=...).")
    spec, authcfg = prepare_layer(org, repo, ref, group, protocol, variable, service=service,
                                  authcfg=authcfg, **options)
    layer = layers.make_layer(spec, authcfg, name=name)
    (project or QgsProject.instance()).addMapLayer(layer)
    return layer


def update_layer(layer, *, colormap=None, value_range=None, time=None, dimensions=None):
    """Change what a Flux layer shows: colormap, value range, time step, other dimensions.

    Only the arguments given change; values are checked against what the layer's service
    listed when it was added (a bad dimension raises ValueError naming its valid values). The
    change is kept in the layer's saved properties; choosing the old values again undoes it.
    Returns True when the layer's source changed.
    """
    spec = layers.spec_of(layer)
    if spec is None:
        raise FluxInputError(f"The layer {layer.name()!r} is not an Earthmover Flux layer.")
    changes = {}
    if colormap is not None:
        changes["colormap"] = colormap
    if value_range is not None:
        changes["value_range"] = tuple(value_range)
    if time is not None:
        axis = spec.time_axis
        if not axis.contains(time):
            raise FluxInputError(f"The time {str(time)[:40]!r} is not one of the layer's time steps "
                                 f"({axis.describe()}).")
        changes["time"] = axis[axis.nearest_index(parse_iso(time))] if not axis.raw else str(time)
    if dimensions is not None:
        wanted = dict(spec.selected)
        wanted.update(resolve_dimensions(spec.dims, dimensions, spec.variable))
        changes["selected"] = resolve_dimensions(spec.dims, wanted, spec.variable)
    return layers.update_layer(layer, **changes) if changes else False


def relink_project(project=None):
    """Re-link a shared project's Flux layers to this machine's credentials for the same orgs.

    Returns (relinked layer ids, orgs that still need credentials: store them, then call again).
    Needs no master password.
    """
    from .flux_qgis import relink

    project = project or QgsProject.instance()
    unlinked = relink.find_unlinked_layers(project)
    return relink.relink_layers(unlinked, project, relink.project_document(project))


# -- EDR (position and area queries into vector layers) -----------------------------------------
# Two steps each, for the dock's background tasks: prepare_edr_* does network only and returns
# plain data (flux_qgis.edr.EdrResult); edr_layer builds the layer on the main thread.


def _points_lonlat(points):
    out = []
    for point in points or []:
        if hasattr(point, "x") and hasattr(point, "y"):  # QgsPointXY, QgsPoint
            out.append((point.x(), point.y()))
        else:
            out.append(tuple(point))
    return out


def edr_parameters(org, repo, ref="main", group="", *, service=None, authcfg=None, compute_url=None,
                   feedback=None):
    """The EDR service's parameters (name, label, units, time interval), from its metadata."""
    from .flux_qgis import edr as flux_edr

    loc = location(org, repo, ref, group, "edr", service, compute_url)
    return flux_edr.describe_parameters(loc, resolve_authcfg(loc.org, authcfg), feedback)


def prepare_edr_position(org, repo, ref, group, points, parameters=None, *, time_range=None, service=None,
                         authcfg=None, compute_url=None, feedback=None, dimensions=None):
    """Network part of edr_position (thread-safe): returns an EdrResult."""
    from .flux_qgis import edr as flux_edr

    loc = location(org, repo, ref, group, "edr", service, compute_url)
    return flux_edr.fetch_position(loc, _points_lonlat(points), parameters, time_range,
                                   resolve_authcfg(loc.org, authcfg), feedback, dimensions=dimensions)


def prepare_edr_area(org, repo, ref, group, polygon_wkt, parameters=None, *, time_range=None, service=None,
                     authcfg=None, compute_url=None, feedback=None, dimensions=None):
    """Network part of edr_area (thread-safe): returns an EdrResult."""
    from .flux_qgis import edr as flux_edr

    loc = location(org, repo, ref, group, "edr", service, compute_url)
    return flux_edr.fetch_area(loc, polygon_wkt, parameters, time_range, resolve_authcfg(loc.org, authcfg),
                               feedback, dimensions=dimensions)


def edr_layer(result, *, project=None, output=None, name=None, add_to_project=True):
    """Main-thread part: the vector layer of an EdrResult, added to ``project`` (default: current)."""
    from .flux_qgis import edr as flux_edr

    layer = flux_edr.build_layer(result, name=name, output=output)
    if add_to_project:
        (project or QgsProject.instance()).addMapLayer(layer)
    return layer


def edr_position(org, repo, ref, group, points, parameters=None, *, time_range=None, service=None, authcfg=None,
                 project=None, output=None, feedback=None, name=None, compute_url=None, dimensions=None):
    """Values of ``parameters`` at ``points`` as a point layer added to the project.

    ``points``: (lon, lat) pairs or QgsPointXY in EPSG:4326 (many points are batched into
    MULTIPOINT requests); ``parameters``: names or 'a,b' (None: all); ``time_range``: None (all
    time steps), one ISO time (the nearest step) or (start, end); ``output``: a .gpkg path for a
    layer that outlives the session (default: a memory layer). One feature per point and time
    step: fields location (index of the point), grid_lon, grid_lat (the grid cell answered),
    time (DateTime, UTC) and one Double per parameter; the layer is temporal. ``dimensions``
    ({"step": "3 hours", "level": "850", "member": "1"}) selects other axes; an axis not given comes
    back whole, one feature per value, with a text field naming it (step, member).
    Longitudes may be -180..180 or 0..360: they are sent in the data's own convention.
    """
    result = prepare_edr_position(org, repo, ref, group, points, parameters, time_range=time_range,
                                  service=service, authcfg=authcfg, compute_url=compute_url, feedback=feedback,
                                  dimensions=dimensions)
    return edr_layer(result, project=project, output=output, name=name)


def edr_area(org, repo, ref, group, polygon_wkt, parameters=None, *, time_range=None, service=None, authcfg=None,
             project=None, output=None, feedback=None, name=None, compute_url=None, dimensions=None):
    """Values at the grid points inside ``polygon_wkt`` (POLYGON/MULTIPOLYGON, EPSG:4326) as a point layer."""
    result = prepare_edr_area(org, repo, ref, group, polygon_wkt, parameters, time_range=time_range,
                              service=service, authcfg=authcfg, compute_url=compute_url, feedback=feedback,
                              dimensions=dimensions)
    return edr_layer(result, project=project, output=output, name=name)


def add_layers(org, repo, ref="main", group="", protocol="wms", variables=None, *, project=None, **options):
    """Add several variables of one dataset as layers in one layer group "repo/ref/group".

    ``variables`` None adds every variable the service lists. Returns the layers; nothing is
    added when any of them fails.
    """
    options.pop("name", None)
    loc = location(org, repo, ref, group, protocol, options.get("service"), options.get("compute_url"))
    authcfg = resolve_authcfg(loc.org, options.pop("authcfg", None))
    found = layers.describe_variables(loc, authcfg, options.get("feedback"))
    names = list(variables) if variables else [v.name for v in found]
    made = []
    for variable in names:
        spec, cfg = prepare_layer(org, repo, ref, group, protocol, variable, authcfg=authcfg,
                                  variables=found, **options)
        made.append(layers.make_layer(spec, cfg))
    project = project or QgsProject.instance()
    title = "/".join(part for part in (loc.repo, loc.ref, loc.group) if part)
    tree_group = project.layerTreeRoot().insertGroup(0, title)
    for layer in made:
        project.addMapLayer(layer, False)
        tree_group.addLayer(layer)
    return made


def from_url(url, store=True):
    """Fields of a pasted Flux URL (any protocol). Credentials in it are moved to the auth database.

    Returns a dict: org, service, repo, ref, group, protocol, variable, compute_url, and
    ``authcfg`` (the config the credentials went to, or '' when the URL held none). The key is
    never returned. Raises ValueError saying which part of the URL is wrong.
    """
    parsed = parse_flux_url(url)
    loc = parsed.location
    authcfg = ""
    if parsed.has_credentials:
        if parsed.username and parsed.username != loc.org:
            raise FluxInputError(f"The URL's user name {parsed.username[:40]!r} is not its organization "
                                 f"{loc.org!r}: Flux expects the organization as user name.")
        if store:
            authcfg = store_credentials(loc.org, parsed.password)
    fields = loc.as_dict()
    fields.update(variable=parsed.variable, authcfg=authcfg)
    return fields


def copy_as(org, repo, ref="main", group="", protocol="wms", kind="url", *, service=None, public=False):
    """The service URL, or a curl / Python requests / Mapbox snippet, with a key placeholder."""
    from .core.snippets import copy_as as _copy_as

    return _copy_as(location(org, repo, ref, group, protocol, service), kind, public=public)


# -- DAP2 (a subset fetched over QGIS's network stack into a GeoTIFF the user keeps) ------------
# No GDAL/netCDF URL with an authcfg: that route leaks the key (tests/test_dap2.py, README).


def prepare_dap2_subset(org, repo, ref, group, variable, *, output, bbox=None, time_range=None, service=None,
                        authcfg=None, compute_url=None, feedback=None, dimensions=None):
    """Network and file part of dap2_subset (thread-safe): fetch, decode, write ``output`` (.tif)."""
    from .flux_qgis import dap2 as flux_dap2

    if not output:
        raise FluxInputError("Choose where to keep the DAP2 subset: output must be a .tif path.")
    loc = location(org, repo, ref, group, "dap2", service, compute_url)
    subset = flux_dap2.fetch_subset(loc, variable, bbox, time_range, resolve_authcfg(loc.org, authcfg), feedback,
                                    dimensions=dimensions)
    flux_dap2.write_geotiff(subset, output)
    return subset


def dap2_layer(subset, *, project=None, name=None, add_to_project=True):
    """Main-thread part: the gdal layer of the written GeoTIFF (no URL, no authcfg in its source)."""
    from .flux_qgis import dap2 as flux_dap2

    layer = flux_dap2.load_raster(subset, name=name)
    if add_to_project:
        (project or QgsProject.instance()).addMapLayer(layer)
    return layer


def dap2_subset(org, repo, ref, group, variable, *, output, bbox=None, time_range=None, service=None,
                authcfg=None, project=None, feedback=None, name=None, compute_url=None, dimensions=None):
    """``variable`` within ``bbox`` (west, south, east, north; EPSG:4326) and ``time_range`` from a DAP2
    service, written to the GeoTIFF ``output`` (one band per time step) and added as a layer.

    Other axes (lead time, level, member) are taken at one value each: ``dimensions`` (e.g.
    ``{"step": "3 hours", "level": "850"}``), else their first value. Axes are found by their CF
    attributes, packed integers unpacked, CF calendars (noleap, 360_day...) decoded; a projected
    grid is written in its own CRS."""
    subset = prepare_dap2_subset(org, repo, ref, group, variable, output=output, bbox=bbox, time_range=time_range,
                                 service=service, authcfg=authcfg, compute_url=compute_url, feedback=feedback,
                                 dimensions=dimensions)
    return dap2_layer(subset, project=project, name=name)


# -- Discovery (Flux's _meta API) and the organization's services ------------------------------
# Which list comes from where: services from the Arraylake management API (Bearer key); repositories,
# branches/tags and dataset groups from Flux's _meta discovery of one deployment (Basic org:key, or
# nothing for a public one); variables from the dataset's own WMS capabilities / tiles metadata.


def _credentials_for(org, authcfg):
    cfg = resolve_authcfg(org, authcfg)
    if not cfg:
        raise FluxInputError(f"No saved credentials for the organization {org!r}: store its API key first "
                             "(api.store_credentials or the dock's Save).")
    return cfg


def management_client(org, authcfg=None, api_url=None, feedback=None, interactive=None):
    """An ArraylakeClient for the organization's management API (services, repositories). It never
    holds the key: the network engine adds it as the Bearer header on the UI thread."""
    from .core.arraylake import ArraylakeClient
    from .core.location import validate_name
    from .flux_qgis import network

    org = validate_name(org, "organization")
    cfg = _credentials_for(org, authcfg)
    if network.on_ui_thread():
        auth.ensure_master_password(interactive)  # may let QGIS ask, on this (the UI) thread only
    # the network engine adds the key as a Bearer token on the UI thread: it never passes through here
    return ArraylakeClient(network.transport(feedback, bearer_authcfg=cfg), org, None,
                           api_url or settings.api_url())


def list_services(org, *, authcfg=None, api_url=None, feedback=None, interactive=None):
    """The organization's Flux services (core.arraylake.Service: name, service_type, is_public, status,
    url) from the management API."""
    return management_client(org, authcfg, api_url, feedback, interactive).list_services()


def list_public_services(org, *, authcfg=None, api_url=None, feedback=None, interactive=None):
    """The services of the organization that are public (open to anyone, for every repository)."""
    return [s for s in list_services(org, authcfg=authcfg, api_url=api_url, feedback=feedback,
                                     interactive=interactive) if s.is_public]


def delete_service(org, name, *, authcfg=None, api_url=None, feedback=None, interactive=None):
    """Delete (disable) the service ``name`` with the management API's DELETE: what
    ``al compute disable {org} {name}`` does. Layers that use it stop working. No confirmation here:
    the Browser and dock ask first."""
    management_client(org, authcfg, api_url, feedback, interactive).delete_service(name)


def service_compute_url(service, org):
    """Compute base URL of a service record (its own ``url`` where it has Flux's shape), else the
    configured compute URL."""
    from .core.discovery import compute_base_of

    return compute_base_of(getattr(service, "url", ""), service.name, org) or settings.compute_url()


def _meta_target(org, service, authcfg, compute_url, api_url, feedback):
    """(deployment name, compute base URL, authcfg) for a _meta request.

    ``service`` given with ``compute_url``: used as they are. Otherwise, with saved credentials, the
    management API's service list: the named service or any available one, at its record's own URL.
    Without credentials (a public service): ``service`` at the configured compute URL.
    """
    from .core.discovery import choose_meta_service

    cfg = resolve_authcfg(org, authcfg)
    if service and (compute_url or not cfg):
        return service, compute_url or settings.compute_url(), cfg
    if not cfg:
        raise FluxInputError("Name the service to ask (for example service='wms'): without saved credentials "
                             "the organization's services cannot be listed.")
    chosen = choose_meta_service(list_services(org, authcfg=cfg, api_url=api_url, feedback=feedback,
                                               interactive=False), service)
    return chosen.name, compute_url or service_compute_url(chosen, org), cfg


def _meta_get(url, what, cfg, feedback):
    from .core.arraylake import error_detail
    from .core.errors import http_error
    from .flux_qgis import network

    response = network.send("GET", url, authcfg=cfg, feedback=feedback)
    if response.status == 200:
        return response.json(what)
    error = http_error(response.status, what, error_detail(response))
    if response.status == 404:
        raise FluxError(f"Could not load {what}: the service does not know it, or has no discovery (_meta) "
                        f"API ({error_detail(response) or 'HTTP 404'}). Check the names, or type them in.",
                        status=404)
    if response.status in (401, 403):
        raise FluxError(f"{error} Listing needs the same credentials as the service itself; you can still "
                        "type the names in.", status=response.status)
    raise error


def list_repos(org, *, service=None, authcfg=None, compute_url=None, api_url=None, feedback=None):
    """Repository names of the organization, from Flux's ``_meta/discovery``."""
    from .core.discovery import meta_url, parse_repos

    name, base, cfg = _meta_target(org, service, authcfg, compute_url, api_url, feedback)
    return parse_repos(_meta_get(meta_url(base, name, org), "the repository list", cfg, feedback))


def list_refs(org, repo, *, service=None, authcfg=None, compute_url=None, api_url=None, feedback=None):
    """``{"branches": [...], "tags": [...]}`` of a repository, from ``_meta/discovery/{repo}``.

    A commit (snapshot) id is not listed but works as a ref wherever a ref is asked for.
    """
    from .core.discovery import meta_url, parse_refs

    name, base, cfg = _meta_target(org, service, authcfg, compute_url, api_url, feedback)
    return parse_refs(_meta_get(meta_url(base, name, org, repo), f"the branches and tags of {repo!r}", cfg,
                                feedback))


def list_groups(org, repo, ref, *, service=None, group=None, authcfg=None, compute_url=None, api_url=None,
                feedback=None):
    """Dataset group paths of ``repo`` at ``ref`` ('' is the root group), from
    ``_meta/discovery/{repo}/{ref}``; ``group`` limits them to that group and below."""
    from .core.discovery import meta_url, parse_groups

    name, base, cfg = _meta_target(org, service, authcfg, compute_url, api_url, feedback)
    url = meta_url(base, name, org, repo, ref, group)
    return parse_groups(_meta_get(url, f"the datasets of {repo!r} at {ref!r}", cfg, feedback))


# -- time series at a point (the chart dock uses the same function in a background task) -------


def time_series(org, repo, ref, group, variable, lon, lat, *, time_range=None, dimensions=None, service=None,
                authcfg=None, compute_url=None, feedback=None, level=None):
    """Values of ``variable`` at (lon, lat) (EPSG:4326; 0..360 longitudes work too) over time, in one
    EDR position request (the service's metadata is read once per session). Blocking, thread-safe.

    ``time_range``: None (every step), one instant or (start, end). Forecasts (a lead-time axis
    such as ``step``, not given in ``dimensions``): ``time_range`` is the forecast start (default:
    the newest) and every lead time comes back. A vertical axis not given comes back whole:
    ``level`` picks the one of ``values``. Returns a TimeSeries: ``times`` (ISO, UTC; valid times
    for forecasts), ``values`` (floats, NaN where missing), ``units``, ``grid_lon``/``grid_lat`` (the
    cell), and for forecasts ``start``, ``lead_times`` and ``valid_times``; ``levels`` and
    ``by_level`` for a vertical axis; ``to_edr_result()`` for ``edr_layer``.
    """
    from .flux_qgis.timeseries import fetch_series

    loc = location(org, repo, ref, group, "edr", service, compute_url)
    return fetch_series(loc, variable, lon, lat, time_range=time_range, dimensions=dimensions, level=level,
                        authcfg=resolve_authcfg(loc.org, authcfg), feedback=feedback)


# -- zonal statistics over time (EDR area queries per polygon) ----------------------------------


def zones_of(polygons, selected_only=False, transform_context=None):
    """(zones, invalid, fields, crs) of a polygon layer or feature source (any CRS): the zones as
    plain data in EPSG:4326; invalid: [(feature id, reason)] of the polygons left out."""
    from qgis.core import QgsCoordinateTransformContext

    from .flux_qgis import zonal

    if selected_only and hasattr(polygons, "getSelectedFeatures"):
        features = polygons.getSelectedFeatures()
    else:
        features = polygons.getFeatures()
    crs = polygons.crs() if hasattr(polygons, "crs") else polygons.sourceCrs()
    if transform_context is None:
        on_ui = network.on_ui_thread()
        transform_context = QgsProject.instance().transformContext() if on_ui else QgsCoordinateTransformContext()
    zones, invalid = zonal.zones_from_features(features, crs, transform_context)
    return zones, invalid, polygons.fields(), crs


def prepare_zonal_statistics(org, repo, ref, group, variable, zones, *, stats=None, time_range=None,
                             dimensions=None, service=None, authcfg=None, compute_url=None, feedback=None):
    """Network part of zonal_statistics (thread-safe): a flux_qgis.zonal.ZonalResult of ``zones``
    (from zones_of)."""
    from .core.zonal import DEFAULT_STATISTICS
    from .flux_qgis import zonal

    loc = location(org, repo, ref, group, "edr", service, compute_url)
    return zonal.fetch(loc, variable, zones, statistics=stats or DEFAULT_STATISTICS, time_range=time_range,
                       dimensions=dimensions, authcfg=resolve_authcfg(loc.org, authcfg), feedback=feedback)


def zonal_layer(result, fields, crs, *, name=None, wide=False, with_geometry=True):
    """The memory layer of a ZonalResult (on the thread that will own it)."""
    from .flux_qgis import zonal

    return zonal.build_layer(result, fields, crs, name=name, wide=wide, with_geometry=with_geometry)


def zonal_statistics(org, repo, ref, group, variable, polygons, *, stats=None, time_range=None, dimensions=None,
                     service=None, authcfg=None, feedback=None, selected_only=False, wide=False,
                     compute_url=None, add_to_project=False, project=None, name=None):
    """``variable`` summarised per polygon and time step, as a memory layer.

    ``polygons``: a polygon layer (or any feature source) in any CRS; ``selected_only`` takes its
    selected features. ``stats``: names from core.zonal.STATISTICS (count, mean, area_mean, min,
    max, std, sum, median; default count, area_mean, min, max; ``area_mean`` weights cells by
    cos(latitude)). ``time_range``: None (every step), an instant or (start, end). ``dimensions``:
    one value of each other axis (``{"step": "6 hours", "level": "850", "member": "1"}``).
    The result has one feature per polygon and time step (``wide``: one per polygon, a column per
    statistic and step): the input's attributes, ``time``, the chosen axes, ``cells`` (how many
    grid cells counted), ``centroid_cell`` (1: no cell centre lay inside, the cell under the
    centroid was used) and one field per statistic. Cells count whose centre lies inside the
    polygon. Polygons without a valid geometry are left out and named in the layer's
    ``earthmover_flux/invalid`` property (and in ``feedback``); blocking (run it in a task from UI code).
    """
    zones, invalid, fields, crs = zones_of(polygons, selected_only)
    if not zones:
        listed = "; ".join(f"feature {fid}: {why}" for fid, why in invalid[:5])
        raise FluxInputError("The polygon layer has no valid polygons to summarise" + (f" ({listed})" if listed
                                                                                       else "") + ".")
    result = prepare_zonal_statistics(org, repo, ref, group, variable, zones, stats=stats, time_range=time_range,
                                      dimensions=dimensions, service=service, authcfg=authcfg,
                                      compute_url=compute_url, feedback=feedback)
    result.invalid = invalid
    layer = zonal_layer(result, fields, crs, name=name, wide=wide)
    if invalid:
        import json

        layer.setCustomProperty("earthmover_flux/invalid", json.dumps(invalid))
        if feedback is not None:
            for fid, why in invalid:
                feedback.pushInfo(f"Left out: feature {fid} ({why}).")
    if add_to_project:
        (project or QgsProject.instance()).addMapLayer(layer)
    return layer
