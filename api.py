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

from .core.errors import FluxError, FluxInputError
from .core.location import PROTOCOLS, FluxLocation, parse_flux_url
from .flux_qgis import auth, layers, settings

__all__ = ["store_credentials", "add_layer", "add_layers", "prepare_layer", "list_variables", "location",
           "relink_project", "from_url", "copy_as",
           "FluxError", "FluxInputError", "PROTOCOLS", "parse_flux_url"]


def store_credentials(org, token, name=None):
    """Create or update the org's Basic config in the QGIS auth database; return its id."""
    return auth.store_credentials(org, token, name=name)


def location(org, repo, ref="main", group="", protocol="wms", service=None, compute_url=None):
    """A validated FluxLocation (raises ValueError naming the bad field)."""
    return FluxLocation(org=org, repo=repo, ref=ref, group=group or "", protocol=protocol,
                        service=service or "", compute_url=compute_url or settings.compute_url())


def _resolve_authcfg(org, authcfg):
    # None: the org's saved credentials, if any; '' means: no credentials (public service)
    if authcfg is None:
        return auth.find_config(org)
    return authcfg


def list_variables(org, repo, ref="main", group="", protocol="wms", *, service=None, authcfg=None,
                   compute_url=None, feedback=None):
    """VariableInfo list of a wms or tiles service (name, title, units, bbox, time steps)."""
    loc = location(org, repo, ref, group, protocol, service, compute_url)
    return layers.describe_variables(loc, _resolve_authcfg(loc.org, authcfg), feedback)


def prepare_layer(org, repo, ref="main", group="", protocol="wms", variable=None, *, service=None,
                  authcfg=None, compute_url=None, colormap=None, value_range=None, time=None,
                  feedback=None, variables=None):
    """Ask the service what is needed for a layer; returns (LayerSpec, authcfg). Thread-safe."""
    loc = location(org, repo, ref, group, protocol, service, compute_url)
    if loc.protocol not in ("wms", "tiles"):
        raise FluxInputError(f"Map layers come from wms or tiles services; {loc.protocol} data is added "
                             "with the EDR and DAP2 tools.")
    authcfg = _resolve_authcfg(loc.org, authcfg)
    if variables is None:
        variables = layers.describe_variables(loc, authcfg, feedback)
    if variable:
        info = next((v for v in variables if v.name == variable), None)
        if info is None:
            names = ", ".join(v.name for v in variables) or "none"
            raise FluxInputError(f"The variable {variable!r} is not served here; available: {names}.")
    else:
        info = variables[0]
    if value_range is None:
        value_range = _default_range(loc, info.name, info.times[0] if info.times else "", authcfg, feedback)
    if time and info.times and time not in info.times:
        raise FluxInputError(f"The time {time!r} is not one of the variable's time steps "
                             f"({info.times[0]} ... {info.times[-1]}).")
    spec = layers.LayerSpec(location=loc, variable=info.name, colormap=colormap or "viridis",
                            value_range=value_range, times=list(info.times),
                            time=time or (info.times[0] if info.times else ""), units=info.units,
                            bbox=info.bbox)
    return spec, authcfg


def _default_range(loc, variable, time, authcfg, feedback):
    """Value range for the colours: the WMS GetMetadata minmax of the first time step."""
    if loc.protocol == "wms":
        return layers.value_range(loc, variable, time, authcfg, feedback)
    # a tiles service has no minmax: ask the same dataset's wms service, if it has one
    try:
        return layers.value_range(loc.with_(protocol="wms", service=""), variable, time, authcfg, feedback)
    except FluxError:
        pass
    # without a range the tiles server scales by the variable's valid_min/valid_max, if it has them
    if layers.tiles_scale_by_themselves(loc, variable, time, authcfg, feedback):
        return None
    raise FluxInputError(f"The tiles service needs a value range for {variable!r} (the data has no "
                         "valid_min/valid_max and there is no WMS service to read it from): enter a "
                         "minimum and maximum.")


def add_layer(org, repo, ref="main", group="", protocol="wms", variable=None, *, service=None,
              authcfg=None, project=None, name=None, **options):
    """Add a Flux layer to ``project`` (default: the current project) and return it.

    ``protocol`` is one of wms, tiles, edr, dap2; ``service`` defaults to the protocol;
    ``group`` may be "" for the root group. Options: colormap, value_range=(min, max), time,
    compute_url, feedback. ``authcfg`` defaults to the org's saved credentials; pass ""
    for a public service.
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
    return flux_edr.describe_parameters(loc, _resolve_authcfg(loc.org, authcfg), feedback)


def prepare_edr_position(org, repo, ref, group, points, parameters=None, *, time_range=None, service=None,
                         authcfg=None, compute_url=None, feedback=None):
    """Network part of edr_position (thread-safe): returns an EdrResult."""
    from .flux_qgis import edr as flux_edr

    loc = location(org, repo, ref, group, "edr", service, compute_url)
    return flux_edr.fetch_position(loc, _points_lonlat(points), parameters, time_range,
                                   _resolve_authcfg(loc.org, authcfg), feedback)


def prepare_edr_area(org, repo, ref, group, polygon_wkt, parameters=None, *, time_range=None, service=None,
                     authcfg=None, compute_url=None, feedback=None):
    """Network part of edr_area (thread-safe): returns an EdrResult."""
    from .flux_qgis import edr as flux_edr

    loc = location(org, repo, ref, group, "edr", service, compute_url)
    return flux_edr.fetch_area(loc, polygon_wkt, parameters, time_range, _resolve_authcfg(loc.org, authcfg),
                               feedback)


def edr_layer(result, *, project=None, output=None, name=None, add_to_project=True):
    """Main-thread part: the vector layer of an EdrResult, added to ``project`` (default: current)."""
    from .flux_qgis import edr as flux_edr

    layer = flux_edr.build_layer(result, name=name, output=output)
    if add_to_project:
        (project or QgsProject.instance()).addMapLayer(layer)
    return layer


def edr_position(org, repo, ref, group, points, parameters=None, *, time_range=None, service=None, authcfg=None,
                 project=None, output=None, feedback=None, name=None, compute_url=None):
    """Values of ``parameters`` at ``points`` as a point layer added to the project.

    ``points``: (lon, lat) pairs or QgsPointXY in EPSG:4326 (many points are batched into
    MULTIPOINT requests); ``parameters``: names or 'a,b' (None: all); ``time_range``: None (all
    time steps), one ISO time (the nearest step) or (start, end); ``output``: a .gpkg path for a
    layer that outlives the session (default: a memory layer). One feature per point and time
    step: fields location (index of the point), grid_lon, grid_lat (the grid cell answered),
    time (DateTime, UTC) and one Double per parameter; the layer is temporal.
    """
    result = prepare_edr_position(org, repo, ref, group, points, parameters, time_range=time_range,
                                  service=service, authcfg=authcfg, compute_url=compute_url, feedback=feedback)
    return edr_layer(result, project=project, output=output, name=name)


def edr_area(org, repo, ref, group, polygon_wkt, parameters=None, *, time_range=None, service=None, authcfg=None,
             project=None, output=None, feedback=None, name=None, compute_url=None):
    """Values at the grid points inside ``polygon_wkt`` (POLYGON/MULTIPOLYGON, EPSG:4326) as a point layer."""
    result = prepare_edr_area(org, repo, ref, group, polygon_wkt, parameters, time_range=time_range,
                              service=service, authcfg=authcfg, compute_url=compute_url, feedback=feedback)
    return edr_layer(result, project=project, output=output, name=name)


def add_layers(org, repo, ref="main", group="", protocol="wms", variables=None, *, project=None, **options):
    """Add several variables of one dataset as layers in one layer group "repo/ref/group".

    ``variables`` None adds every variable the service lists. Returns the layers; nothing is
    added when any of them fails.
    """
    options.pop("name", None)
    loc = location(org, repo, ref, group, protocol, options.get("service"), options.get("compute_url"))
    authcfg = _resolve_authcfg(loc.org, options.pop("authcfg", None))
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
                        authcfg=None, compute_url=None, feedback=None):
    """Network and file part of dap2_subset (thread-safe): fetch, decode, write ``output`` (.tif)."""
    from .flux_qgis import dap2 as flux_dap2

    if not output:
        raise FluxInputError("Choose where to keep the DAP2 subset: output must be a .tif path.")
    loc = location(org, repo, ref, group, "dap2", service, compute_url)
    subset = flux_dap2.fetch_subset(loc, variable, bbox, time_range, _resolve_authcfg(loc.org, authcfg), feedback)
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
                authcfg=None, project=None, feedback=None, name=None, compute_url=None):
    """``variable`` within ``bbox`` (west, south, east, north; EPSG:4326) and ``time_range`` from a DAP2
    service, written to the GeoTIFF ``output`` (one band per time step) and added as a layer."""
    subset = prepare_dap2_subset(org, repo, ref, group, variable, output=output, bbox=bbox, time_range=time_range,
                                 service=service, authcfg=authcfg, compute_url=compute_url, feedback=feedback)
    return dap2_layer(subset, project=project, name=name)
