"""Zonal statistics over time: which grid cells a polygon covers, and their statistics per time step.

Pure Python on purpose (standard library only): no Qt, no QGIS. The Processing algorithm
reprojects each zone to EPSG:4326 and then, with this module:

1. :func:`split_for_grid` cuts the zone into parts in the data's own longitudes (``"0..360"`` or
   ``"-180..180"``, as :func:`core.dimensions.longitude_convention` names them); one EDR
   ``area`` query per part (:func:`polygon_wkt` gives its ``coords``).
2. ``core.edr.parse_covjson_steps`` reads each answer as cells and per-step values
   (:func:`steps_from_rows` where the answer has another shape); :func:`merge_steps` joins the
   answers of a zone's parts.
3. :func:`select_cells` keeps the cells whose centre lies inside the zone; a zone smaller than one
   cell falls back to the cell under its :func:`centroid`.
4. :func:`summarize_steps` gives the statistics of every time step.

Geometry: a ring is a list of (lon, lat) pairs in EPSG:4326, closed (last == first) or not; a
polygon is a list of rings, the outer ring first, then its holes; a zone is one polygon or a
list of them (a multipolygon), or POLYGON / MULTIPOLYGON WKT. Rings this module returns are
closed tuples of (lon, lat) tuples. Lon/lat are treated as plane coordinates (straight edges in
degrees), as QGIS draws EPSG:4326.

Choices, and why:

- Antimeridian: an edge longer than 180 degrees of longitude is taken the short way round, across
  the antimeridian. That is how a polygon that crosses it comes out of a reprojection to
  EPSG:4326 (vertices at 175 and -175); a polygon really wider than 180 degrees needs vertices
  in between (densify it). Longitudes beyond +-180 (175..185) are taken as given. A ring that
  would then go round a pole (Antarctica drawn from -180 to 180) is kept as drawn.
- Splitting: the data's longitudes run over one window, [0, 360] or [-180, 180]. A zone reaching
  past the window's edge (lon -10..10 on 0..360 data, 175..185 on -180..180 data) is clipped at
  that edge and each piece is shifted by 360 into the window, so every part is a query the
  server understands and no part overlaps another. On 0..360 data a zone across 180 needs no
  split (the grid is continuous there) and stays one part. Holes are clipped and shifted the
  same way as outer rings; a hole left empty by the clip is dropped.
- Inside rule (half-open, even-odd): a cell centre on the boundary counts as inside when the
  zone lies to its right (larger longitude), or above it on a horizontal edge: the left and
  bottom edges of a rectangle are in, the right and top edges out. Zones that share an edge,
  and the parts of one split zone, therefore never both count a cell. Each edge's crossing is
  computed from its endpoints in a fixed order, so a shared edge gives the same number in both
  zones. The same code decides for :func:`point_in_polygon` and :func:`cells_inside`.
- Statistics leave missing values (None, NaN) out; ``count`` counts the valid ones. ``std`` is
  the population standard deviation (divided by n: the zone's cells are the whole population,
  not a sample). ``area_mean`` weights each cell by cos(latitude of its centre), which is
  proportional to its area on a regular lat/lon grid.
"""

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .edr import format_coord, normalize_polygon_wkt
from .errors import FluxInputError

STATISTICS = ("count", "mean", "area_mean", "min", "max", "std", "sum", "median")
DEFAULT_STATISTICS = ("count", "area_mean", "min", "max")

# West edge of the longitude window of each convention (core.dimensions names them)
_WINDOW_WEST = {"0..360": 0.0, "-180..180": -180.0}
_WKT_TOKEN = re.compile(r"\(|\)|[^(),]+")


@dataclass
class CellSelection:
    """The cells of one zone: indices into the cells given to :func:`select_cells`."""

    indices: list = field(default_factory=list)
    centroid_used: bool = False  # no centre was inside: the one cell under the zone's centroid stands for it


# -- zones in, as lists of rings --------------------------------------------------------------


def parse_polygons(geometry):
    """The zone as a list of polygons (each a list of closed rings), checked.

    ``geometry`` is POLYGON or MULTIPOLYGON WKT, a polygon (list of rings) or a list of
    polygons. FluxInputError names what is wrong.
    """
    if isinstance(geometry, str):
        geometry = _parse_wkt(geometry)
    depth = _nesting(geometry)
    if depth == 3:
        geometry = [geometry]
    elif depth != 4:
        raise FluxInputError("The zone is not a polygon: give POLYGON or MULTIPOLYGON WKT, or rings of "
                             "(longitude, latitude) pairs.")
    return [[_closed(_checked_ring(ring, p, r)) for r, ring in enumerate(rings, 1)]
            for p, rings in enumerate(geometry, 1)]


def _nesting(value):
    """How deep lists go: 1 for a pair, 2 for a ring, 3 for a polygon, 4 for a multipolygon."""
    depth = 0
    while isinstance(value, (list, tuple)) and len(value):
        value = value[0]
        depth += 1
    return depth


def _parse_wkt(text):
    # core.edr checks the WKT and says what is wrong in words a user can act on; what it returns
    # has no spaces but one between the numbers of a pair, so a token is '(', ')' or 'x y'
    kind, body = normalize_polygon_wkt(text).split("(", 1)
    stack = [[]]
    for token in _WKT_TOKEN.findall("(" + body):
        if token == "(":
            stack[-1].append([])
            stack.append(stack[-1][-1])
        elif token == ")":
            stack.pop()
        else:
            lon, lat = token.split()
            stack[-1].append((float(lon), float(lat)))
    nested = stack[0][0]
    return [nested] if kind == "POLYGON" else nested


def _checked_ring(ring, polygon_number, ring_number):
    where = f"Ring {ring_number} of polygon {polygon_number}"
    points = []
    for vertex in ring:
        try:
            lon, lat = (float(v) for v in vertex)
        except (TypeError, ValueError):
            raise FluxInputError(f"{where} has a vertex that is not a (longitude, latitude) pair of "
                                 "numbers.") from None
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise FluxInputError(f"{where} has a coordinate that is not a finite number.")
        if not -90.0 <= lat <= 90.0:
            raise FluxInputError(f"{where} has latitude {lat:g}, outside -90..90: zones must be in EPSG:4326 "
                                 "longitude, latitude (is the order or the CRS wrong?).")
        if not points or points[-1] != (lon, lat):
            points.append((lon, lat))
    points = _open(points)
    if len(points) < 3:
        raise FluxInputError(f"{where} has fewer than 3 distinct vertices: a ring needs at least 3.")
    return points


def _open(ring):
    ring = list(ring)
    return ring[:-1] if len(ring) > 1 and tuple(ring[0]) == tuple(ring[-1]) else ring


def _closed(ring):
    ring = [tuple(p) for p in ring]
    return tuple(ring + ring[:1]) if ring and ring[0] != ring[-1] else tuple(ring)


def polygon_wkt(polygon):
    """POLYGON WKT of one polygon (e.g. a part from :func:`split_for_grid`) for an EDR area query."""
    rings = [",".join(f"{format_coord(lon)} {format_coord(lat)}" for lon, lat in _closed(_open(ring)))
             for ring in polygon]
    return "POLYGON(" + ",".join(f"({ring})" for ring in rings) + ")"


# -- longitudes: unwrap, clip, shift ----------------------------------------------------------


def _window_west(convention):
    try:
        return _WINDOW_WEST[convention]
    except (KeyError, TypeError):
        raise FluxInputError(f"Unknown longitude convention {convention!r}: the data's longitudes run over "
                             "'0..360' or '-180..180'.") from None


def _unwrapped(ring):
    """The open ring with every edge taken the short way round (at most 180 degrees of longitude).

    Kept as given when that would not close the ring: it goes round a pole, as drawn.
    """
    ring = _open(ring)
    out = [ring[0]]
    for lon, lat in ring[1:]:
        # round() halves to even: an edge of exactly 180 degrees stays as drawn
        out.append((lon + 360.0 * round((out[-1][0] - lon) / 360.0), lat))
    if round((out[0][0] - out[-1][0]) / 360.0) != 0:
        return ring
    return out


def _mid_lon(ring):
    return (min(lon for lon, _ in ring) + max(lon for lon, _ in ring)) / 2.0


def _unwrapped_polygon(rings):
    """Rings unwrapped, each hole moved by 360 degrees next to its outer ring if it was drawn a
    turn away (a hole at -178 in a zone given as 175..185)."""
    outer = _unwrapped(rings[0])
    centre = _mid_lon(outer)
    unwrapped = [outer]
    for hole in rings[1:]:
        hole = _unwrapped(hole)
        shift = 360.0 * round((centre - _mid_lon(hole)) / 360.0)
        unwrapped.append([(lon + shift, lat) for lon, lat in hole] if shift else hole)
    return unwrapped


def _crossing(a, b, x):
    """Where the edge a-b meets the meridian x. The endpoints are taken in a fixed order: two
    zones that share this edge walk it in opposite directions, and must get the very same vertex
    (else a cell on the edge near the cut may count in both, or in neither)."""
    a, b = sorted((a, b))
    if a[0] == x:
        return a
    if b[0] == x:
        return b
    return (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))


def _clip_ring(ring, x, keep_east):
    """Sutherland-Hodgman clip of an open ring against the half-plane lon >= x (keep_east) or
    lon <= x: a half-plane is convex, so one pass per half-plane is exact. The result may run
    along the meridian where the ring left and came back (zero-width edges), which the even-odd
    rule ignores."""

    def keep(point):
        return point[0] >= x if keep_east else point[0] <= x

    out = []
    prev = ring[-1]
    for cur in ring:
        if keep(cur):
            if not keep(prev):
                out.append(_crossing(prev, cur, x))
            out.append(cur)
        elif keep(prev):
            out.append(_crossing(prev, cur, x))
        prev = cur
    deduped = [p for i, p in enumerate(out) if p != out[i - 1]] if len(out) > 1 else out
    return deduped


def _area(ring):
    """Signed area (shoelace) of an open ring, in square degrees."""
    x0, y0 = ring[0]
    return 0.5 * math.fsum((ax - x0) * (by - y0) - (bx - x0) * (ay - y0)
                           for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]))


def _clipped(rings, west, east):
    """The polygon cut to west <= lon <= east, or None when nothing of its outer ring is left."""
    parts = []
    for number, ring in enumerate(rings):
        ring = _clip_ring(_clip_ring(ring, west, True), east, False)
        if len(ring) < 3 or _area(ring) == 0.0:
            if number == 0:
                return None
            continue
        parts.append(ring)
    return parts


def split_for_grid(polygons, convention):
    """The parts to query, each a polygon (closed rings) with longitudes in the data's window.

    ``polygons``: a zone as :func:`parse_polygons` takes it, in EPSG:4326. ``convention``:
    ``"0..360"`` or ``"-180..180"``. A zone that reaches past the window's edge is clipped there
    and the pieces shifted by 360 degrees (see the module docstring); parts do not overlap.
    """
    west = _window_west(convention)
    parts = []
    for number, rings in enumerate(parse_polygons(polygons), 1):
        rings = _unwrapped_polygon(rings)
        low = min(lon for lon, _ in rings[0])
        high = max(lon for lon, _ in rings[0])
        if high - low > 360.0:
            raise FluxInputError(f"Polygon {number} spans {high - low:g} degrees of longitude, more than once "
                                 "round the globe: check that its coordinates are EPSG:4326.")
        first = math.floor((low - west) / 360.0)
        last = max(first, math.ceil((high - west) / 360.0) - 1)
        for turn in range(first, last + 1):
            start = west + 360.0 * turn
            clipped = _clipped(rings, start, start + 360.0)
            if clipped:
                shift = -360.0 * turn
                parts.append([_closed([(lon + shift, lat) for lon, lat in ring]) for ring in clipped])
    return parts


# -- which cells ------------------------------------------------------------------------------


def _crossings(polygon, lat):
    """Sorted longitudes where the line at ``lat`` crosses the polygon's edges.

    An edge counts when one end is above ``lat`` and the other is not (so a vertex on the line is
    counted once, and horizontal edges never): this is what puts bottom edges in and top edges out.
    """
    found = []
    for ring in polygon:
        prev = ring[-1]
        for cur in ring:
            if (prev[1] > lat) != (cur[1] > lat):
                low, high = (prev, cur) if prev[1] < cur[1] else (cur, prev)
                found.append(low[0] + (lat - low[1]) * (high[0] - low[0]) / (high[1] - low[1]))
            prev = cur
    found.sort()
    return found


def _inside(crossings, lon):
    # even-odd along the ray towards larger longitudes; a crossing at lon itself is not on the ray,
    # which puts a point on a left edge inside and one on a right edge outside
    return (len(crossings) - bisect_right(crossings, lon)) % 2 == 1


def point_in_polygon(lon, lat, polygon):
    """Whether (lon, lat) is inside ``polygon`` (rings; holes excluded), even-odd rule.

    Plane coordinates, no wrapping: give the point in the polygon's own longitudes. On the
    boundary: inside on left and bottom edges, outside on right and top edges (module docstring).
    """
    return _inside(_crossings(polygon, lat), lon)


def cells_inside(cells, parts):
    """Indices of the ``cells`` ((lon, lat) centres, in the parts' longitudes) inside any part.

    The crossings are worked out once per latitude (a grid has few distinct ones), so the cost
    is rows x edges + cells, not cells x edges.
    """
    by_lat = {}
    inside = []
    for index, (lon, lat) in enumerate(cells):
        crossings = by_lat.get(lat)
        if crossings is None:
            crossings = by_lat[lat] = [_crossings(part, lat) for part in parts]
        if any(_inside(found, lon) for found in crossings):
            inside.append(index)
    return inside


def _ring_centroid(ring):
    """(|area|, lon, lat) of an open ring; the centroid of the vertices when it has no area."""
    x0, y0 = ring[0]
    pairs = list(zip(ring, ring[1:] + ring[:1]))
    crosses = [(ax - x0) * (by - y0) - (bx - x0) * (ay - y0) for (ax, ay), (bx, by) in pairs]
    area = 0.5 * math.fsum(crosses)
    if area == 0.0:
        return 0.0, math.fsum(x for x, _ in ring) / len(ring), math.fsum(y for _, y in ring) / len(ring)
    cx = math.fsum((ax + bx - 2 * x0) * c for ((ax, _), (bx, _)), c in zip(pairs, crosses)) / (6.0 * area)
    cy = math.fsum((ay + by - 2 * y0) * c for ((_, ay), (_, by)), c in zip(pairs, crosses)) / (6.0 * area)
    return abs(area), x0 + cx, y0 + cy


def centroid(polygon, convention=None):
    """Area-weighted centroid (lon, lat) of the zone's outer rings (holes ignored).

    For a zone smaller than a grid cell: the caller asks for the one cell under this point.
    With ``convention`` the longitude is moved into the data's window, else it is where the
    unwrapped zone has it (past 180 for a zone across the antimeridian).
    """
    weighted = []
    for rings in parse_polygons(polygon):
        weighted.append(_ring_centroid(_unwrapped(rings[0])))
    reference = weighted[0][1]
    # members of a multipolygon may be drawn a turn apart: bring them next to the first
    weighted = [(a, x + 360.0 * round((reference - x) / 360.0), y) for a, x, y in weighted]
    total = math.fsum(a for a, _, _ in weighted)
    if total == 0.0:
        lon = math.fsum(x for _, x, _ in weighted) / len(weighted)
        lat = math.fsum(y for _, _, y in weighted) / len(weighted)
    else:
        lon = math.fsum(a * x for a, x, _ in weighted) / total
        lat = math.fsum(a * y for a, _, y in weighted) / total
    if convention is not None:
        west = _window_west(convention)
        # a full turn (core.dimensions.to_convention moves only longitudes in -180..360)
        lon = west + (lon - west) % 360.0
    return lon, lat


def select_cells(cells, parts, centre=None):
    """The cells of a zone: those inside ``parts``; if none is and ``centre`` (its
    :func:`centroid`, in the data's convention) is given, the cell nearest to it, flagged.

    On a regular grid the nearest centre is the cell that contains the point. When the area
    answers held no cell at all, the caller asks for the cell at ``centre`` (an EDR position
    query) and passes that one cell here.
    """
    indices = cells_inside(cells, parts)
    if indices or centre is None or not cells:
        return CellSelection(indices)

    def distance(index):
        lon, lat = cells[index]
        dlon = (lon - centre[0] + 180.0) % 360.0 - 180.0
        return dlon * dlon + (lat - centre[1]) ** 2

    return CellSelection([min(range(len(cells)), key=distance)], centroid_used=True)


def steps_from_rows(rows, parameter):
    """(cells, times, values_by_step) of one parameter from EDR rows (``core.edr.EdrRow``).

    Give the rows of all the zone's area answers together: a cell answered twice (the parts of a
    split zone both get the cells near their shared edge) is kept once. ``cells`` are (lon, lat)
    as the server gave them; ``times`` are sorted (``[None]`` without a time axis);
    ``values_by_step[t][c]`` is the value of cell c at times[t], None if missing.
    """
    cells, cell_index, values, seen = [], {}, {}, {}
    for row in rows:
        cell = (row.lon, row.lat)
        if cell not in cell_index:
            cell_index[cell] = len(cells)
            cells.append(cell)
        key = (row.time, cell_index[cell])
        axes = (row.z, tuple(sorted((row.extra or {}).items())))
        if seen.setdefault(key, axes) != axes:
            raise FluxInputError("The answer has several levels, lead times or members for one cell and time: "
                                 "choose one value of each before computing zonal statistics.")
        values.setdefault(key, (row.values or {}).get(parameter))
    times = sorted({time for time, _ in values}, key=lambda t: (t is not None, t or ""))
    return cells, times, [[values.get((time, c)) for c in range(len(cells))] for time in times]


def merge_steps(answers):
    """One (cells, times, values_by_step) from several (the answers of a split zone's parts), as
    :func:`steps_from_rows` would give for all their rows: a cell answered twice is kept once (its
    first value), times are the sorted union, a value no answer has is None."""
    answers = list(answers)
    if len(answers) == 1:
        return answers[0]
    cells, cell_index, values = [], {}, {}
    for part_cells, times, steps in answers:
        local = []
        for cell in part_cells:
            if cell not in cell_index:
                cell_index[cell] = len(cells)
                cells.append(cell)
            local.append(cell_index[cell])
        for time, step in zip(times, steps):
            for c, value in zip(local, step):
                values.setdefault((time, c), value)
    times = sorted({time for time, _ in values}, key=lambda t: (t is not None, t or ""))
    return cells, times, [[values.get((time, c)) for c in range(len(cells))] for time in times]


# -- statistics -------------------------------------------------------------------------------


def check_statistics(statistics):
    """The statistic names as a tuple, in the given order without repeats; FluxInputError if one is unknown."""
    if isinstance(statistics, str):
        statistics = statistics.split(",")
    names = []
    for name in statistics or ():
        name = str(name).strip()
        if name not in STATISTICS:
            raise FluxInputError(f"Unknown statistic {name!r}: choose from {', '.join(STATISTICS)}.")
        if name not in names:
            names.append(name)
    if not names:
        raise FluxInputError(f"No statistic chosen: choose at least one of {', '.join(STATISTICS)}.")
    return tuple(names)


def _is_missing(value):
    return value is None or math.isnan(value)


def _median(numbers):
    ordered = sorted(numbers)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def _area_mean(numbers, lats):
    # cos(90 degrees) is 6e-17, not 0: a row at a pole keeps a tiny weight, never a negative one
    weights = [max(0.0, math.cos(math.radians(lat))) for lat in lats]
    total = math.fsum(weights)
    if total <= 0.0:
        return None
    return math.fsum(v * w for v, w in zip(numbers, weights)) / total


def _std(numbers):
    mean = math.fsum(numbers) / len(numbers)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in numbers) / len(numbers))


_STATISTIC = {
    "count": lambda numbers, lats: len(numbers),
    "mean": lambda numbers, lats: math.fsum(numbers) / len(numbers),
    "area_mean": _area_mean,
    "min": lambda numbers, lats: min(numbers),
    "max": lambda numbers, lats: max(numbers),
    "std": lambda numbers, lats: _std(numbers),
    "sum": lambda numbers, lats: math.fsum(numbers),
    "median": lambda numbers, lats: _median(numbers),
}


def summarize(values, lats=None, statistics=DEFAULT_STATISTICS):
    """{statistic: value} over ``values`` (numbers, None or NaN for missing).

    ``lats`` (the cell centres' latitudes, aligned with ``values``) is needed for ``area_mean``.
    Missing values are left out of every statistic; with no valid value ``count`` is 0 and the
    others None. ``std`` is the population standard deviation; the median of an even count is
    the mean of the two middle values.
    """
    names = check_statistics(statistics)
    values = [None if v is None else float(v) for v in values]
    if lats is None:
        if "area_mean" in names:
            raise FluxInputError("The area-weighted mean needs the latitude of every cell.")
        lats = [0.0] * len(values)
    lats = [float(lat) for lat in lats]
    if len(lats) != len(values):
        raise FluxInputError(f"{len(values)} values but {len(lats)} latitudes: give one latitude per value.")
    valid = [(v, lat) for v, lat in zip(values, lats) if not _is_missing(v)]
    if not valid:
        return {name: 0 if name == "count" else None for name in names}
    numbers = [v for v, _ in valid]
    valid_lats = [lat for _, lat in valid]
    return {name: _STATISTIC[name](numbers, valid_lats) for name in names}


def summarize_steps(times, values_by_step, lats=None, statistics=DEFAULT_STATISTICS):
    """[(time, {statistic: value})] for one zone: ``values_by_step[t]`` holds the zone's cell
    values at ``times[t]``, aligned with ``lats``."""
    names = check_statistics(statistics)
    times = list(times)
    values_by_step = list(values_by_step)
    if len(times) != len(values_by_step):
        raise FluxInputError(f"{len(times)} time steps but {len(values_by_step)} lists of values: give one list "
                             "per time step.")
    return [(time, summarize(values, lats, names)) for time, values in zip(times, values_by_step)]
