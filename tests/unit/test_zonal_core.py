"""Zonal statistics core (core/zonal.py): splitting zones for the grid, which cells, statistics.

Pure Python, no QGIS: run with ``pytest --noconftest tests/unit`` (tests/conftest.py starts QGIS).
Expected values are worked out here from the grid's formula, brute force over every cell centre
with the half-open rule written out for rectangles, and Python's ``statistics`` module.
"""

import math
import random
import statistics
from fractions import Fraction

import plugin_package  # noqa: F401,I001  (the plugin folder as earthmover_flux)
import pytest
from earthmover_flux.core import zonal as z
from earthmover_flux.core.edr import EdrRow, normalize_polygon_wkt
from earthmover_flux.core.errors import FluxInputError

WEST = {"0..360": 0, "-180..180": -180}
LATS = [90 - 2 * i for i in range(91)]  # descending, as many datasets store them


def grid(convention):
    """Centres of a 2-degree grid in the data's own longitudes (0..358 or -180..178)."""
    lons = [WEST[convention] + 2 * i for i in range(180)]
    return [(lon, lat) for lat in LATS for lon in lons]


def value(lon, lat):
    return 200 + lon / 4 + (lat + 90) / 10


def box(west, east, south, north):
    return [[(west, south), (east, south), (east, north), (west, north), (west, south)]]


def in_box(lon, lat, west, east, south, north):
    """Half-open rectangle [west, east) x [south, north), longitudes taken modulo 360."""
    lon = west + (lon - west) % 360
    return lon < east and south <= lat < north


def expected_statistics(pairs):
    """All statistics of (value, lat) pairs, from their definitions."""
    values = [v for v, _ in pairs]
    weights = [math.cos(math.radians(lat)) for _, lat in pairs]
    return {"count": len(values), "mean": statistics.fmean(values),
            "area_mean": sum(v * w for v, w in zip(values, weights)) / sum(weights),
            "min": min(values), "max": max(values), "std": statistics.pstdev(values),
            "sum": sum(values), "median": statistics.median(values)}


def assert_statistics(got, expected):
    assert set(got) == set(expected)
    for name, number in expected.items():
        assert got[name] == pytest.approx(number, rel=1e-12, abs=1e-12), name


def counts_per_cell(cells, parts):
    """How many parts hold each cell (the union must never count one twice)."""
    counts = [0] * len(cells)
    for part in parts:
        for index in z.cells_inside(cells, [part]):
            counts[index] += 1
    return counts


def lon_ranges(parts):
    return sorted((min(x for x, _ in part[0]), max(x for x, _ in part[0])) for part in parts)


# -- splitting for the grid ---------------------------------------------------------------------


@pytest.mark.parametrize("zone, convention, ranges", [
    (box(-6, 6, -4, 4), "0..360", [(0, 6), (354, 360)]),  # across the 0..360 data's edge
    (box(-6, 6, -4, 4), "-180..180", [(-6, 6)]),
    (box(175, 185, 10, 20), "-180..180", [(-180, -175), (175, 180)]),  # beyond 180
    ([[(175, 10), (-175, 10), (-175, 20), (175, 20)]], "-180..180", [(-180, -175), (175, 180)]),  # wrapping
    (box(-185, -175, 10, 20), "-180..180", [(-180, -175), (175, 180)]),  # beyond -180
    ([[(175, 10), (-175, 10), (-175, 20), (175, 20)]], "0..360", [(175, 185)]),  # continuous on 0..360 data
    (box(355, 365, 0, 6), "0..360", [(0, 5), (355, 360)]),
    (box(20, 40, 30, 50), "0..360", [(20, 40)]),
    (box(-40, -20, 30, 50), "0..360", [(320, 340)]),
])
def test_parts_are_cut_at_the_data_edge_and_lie_in_its_longitudes(zone, convention, ranges):
    parts = z.split_for_grid(zone, convention)
    assert lon_ranges(parts) == ranges
    west = WEST[convention]
    assert all(west <= lon <= west + 360 for part in parts for ring in part for lon, _ in ring)
    assert all(ring[0] == ring[-1] for part in parts for ring in part)


# once round the globe: drawn with vertices 90 degrees apart, as an edge over 180 degrees goes the short way
AROUND = [[(lon, 80) for lon in range(-10, 351, 90)] + [(lon, 90) for lon in range(350, -11, -90)]]
ZONES = [  # (zone as given, the same zone as an unwrapped box for brute force)
    (box(-6, 6, -4, 4), (-6, 6, -4, 4)),  # edges on cell centres: the half-open rule decides
    (box(-5, 5, -5, 5), (-5, 5, -5, 5)),
    (box(175, 185, 10, 20), (175, 185, 10, 20)),
    ([[(174, 10), (-176, 10), (-176, 20), (174, 20)]], (174, 184, 10, 20)),
    ([[(-176, 10), (174, 10), (174, 20), (-176, 20)]], (174, 184, 10, 20)),  # wrapping, other way round
    (box(-185, -175, -20, -10), (-185, -175, -20, -10)),
    (box(20.5, 40.5, 30, 51), (20.5, 40.5, 30, 51)),
    (box(-60, 60, -30, 30), (-60, 60, -30, 30)),
    (AROUND, (-10, 350, 80, 90)),  # all the way round; the top row (90) is a top edge: out
]


@pytest.mark.parametrize("convention", ["0..360", "-180..180"])
@pytest.mark.parametrize("zone, bounds", ZONES)
def test_every_statistic_matches_brute_force(zone, bounds, convention):
    cells = grid(convention)
    parts = z.split_for_grid(zone, convention)
    inside = z.cells_inside(cells, parts)
    assert inside == [i for i, (lon, lat) in enumerate(cells) if in_box(lon, lat, *bounds)]
    assert max(counts_per_cell(cells, parts)) == 1
    got = z.summarize([value(*cells[i]) for i in inside], [cells[i][1] for i in inside], z.STATISTICS)
    assert_statistics(got, expected_statistics([(value(*cells[i]), cells[i][1]) for i in inside]))


def test_known_cells_across_zero_and_across_180():
    zero = grid("0..360")
    chosen = {zero[i] for i in z.cells_inside(zero, z.split_for_grid(box(-5, 5, -1, 1), "0..360"))}
    assert chosen == {(lon, 0) for lon in (356, 358, 0, 2, 4)}
    west = grid("-180..180")
    parts = z.split_for_grid([[(175, -1), (-175, -1), (-175, 1), (175, 1)]], "-180..180")
    chosen = {west[i] for i in z.cells_inside(west, parts)}
    assert chosen == {(lon, 0) for lon in (176, 178, -180, -178, -176)}


def test_hole_cells_are_left_out():
    cells = grid("0..360")
    zone = box(10, 30, 10, 30) + box(16, 20, 16, 20)
    inside = z.cells_inside(cells, z.split_for_grid(zone, "0..360"))
    expected = [i for i, (lon, lat) in enumerate(cells)
                if in_box(lon, lat, 10, 30, 10, 30) and not in_box(lon, lat, 16, 20, 16, 20)]
    assert inside == expected
    assert len(expected) == 10 * 10 - 2 * 2


@pytest.mark.parametrize("convention", ["0..360", "-180..180"])
def test_hole_across_the_antimeridian_is_split_with_its_zone(convention):
    cells = grid(convention)
    zone = [[(170, -10), (-170, -10), (-170, 10), (170, 10)], [(176, -4), (-176, -4), (-176, 4), (176, 4)]]
    parts = z.split_for_grid(zone, convention)
    inside = z.cells_inside(cells, parts)
    expected = [i for i, (lon, lat) in enumerate(cells)
                if in_box(lon, lat, 170, 190, -10, 10) and not in_box(lon, lat, 176, 184, -4, 4)]
    assert inside == expected
    assert len(expected) == 10 * 10 - 4 * 4
    assert max(counts_per_cell(cells, parts)) == 1


def test_hole_drawn_a_turn_away_from_its_zone():
    # zone at 175..185, hole given in -180..180 longitudes (-178..-176 = 182..184)
    zone = box(175, 185, 0, 10) + box(-178, -176, 2, 6)
    cells = grid("0..360")
    inside = z.cells_inside(cells, z.split_for_grid(zone, "0..360"))
    assert inside == [i for i, (lon, lat) in enumerate(cells)
                      if in_box(lon, lat, 175, 185, 0, 10) and not in_box(lon, lat, 182, 184, 2, 6)]


def test_rings_left_without_area_by_the_cut_are_dropped():
    # the hole ends at 180: east of the cut nothing of it is left but a line, not a ring to send
    parts = z.split_for_grid(box(175, 185, 0, 10) + box(176, 180, 2, 6), "-180..180")
    assert sorted((min(lon for lon, _ in part[0]), len(part)) for part in parts) == [(-180, 1), (175, 2)]
    assert z.split_for_grid([[(0, 0), (1, 1), (2, 2)]], "0..360") == []  # a zone without area has no part


@pytest.mark.parametrize("convention", ["0..360", "-180..180"])
def test_ring_round_the_pole_is_kept_as_drawn(convention):
    antarctica = [[(-180, -60), (0, -60), (180, -60), (180, -90), (-180, -90)]]
    cells = grid(convention)
    parts = z.split_for_grid(antarctica, convention)
    counts = counts_per_cell(cells, parts)
    assert max(counts) == 1
    assert [i for i, n in enumerate(counts) if n] == [i for i, (_, lat) in enumerate(cells) if lat < -60]


def _star(rng):
    """A random star-shaped polygon (unwrapped longitudes) and the same ring as a user might give it."""
    centre_lon, centre_lat = rng.uniform(-250, 430), rng.uniform(-45, 45)
    if rng.random() < 0.5:  # near an edge of one convention or the other, so that many are split
        centre_lon = rng.choice([-180, 0, 180, 360]) + rng.uniform(-30, 30)
    angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(rng.randint(3, 14)))
    ring = [(centre_lon + rng.uniform(1, 40) * math.cos(a), centre_lat + rng.uniform(1, 40) * math.sin(a))
            for a in angles]
    # given in -180..180 (edges then jump across the antimeridian), in 0..360 or unwrapped
    shape = rng.choice(["-180..180", "0..360", "unwrapped"])
    if shape == "unwrapped":
        return ring, [ring]
    west = WEST[shape]
    return ring, [[(west + (lon - west) % 360, lat) for lon, lat in ring]]


@pytest.mark.parametrize("convention", ["0..360", "-180..180"])
def test_random_polygons_split_select_what_the_whole_polygon_holds(convention):
    rng = random.Random(20261205)
    cells = grid(convention)
    for _ in range(60):
        ring, given = _star(rng)
        parts = z.split_for_grid(given, convention)
        counts = counts_per_cell(cells, parts)
        assert max(counts) <= 1
        low, high = min(x for x, _ in ring), max(x for x, _ in ring)
        south, north = min(y for _, y in ring), max(y for _, y in ring)
        expected = []
        for i, (lon, lat) in enumerate(cells):
            lon = low + (lon - low) % 360  # the turn of the globe the polygon is drawn on
            if lon <= high and south <= lat <= north and z.point_in_polygon(lon, lat, [ring]):
                expected.append(i)
        assert [i for i, n in enumerate(counts) if n] == expected


# -- the inside rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("point, inside", [
    ((0, 0.5), True), ((1, 0.5), False), ((0.5, 0), True), ((0.5, 1), False),  # left, right, bottom, top
    ((0, 0), True), ((1, 0), False), ((0, 1), False), ((1, 1), False), ((0.5, 0.5), True),
    ((-0.1, 0.5), False), ((0.5, 1.1), False),
])
def test_boundary_is_in_on_left_and_bottom_edges_only(point, inside):
    assert z.point_in_polygon(*point, box(0, 1, 0, 1)) is inside
    assert z.point_in_polygon(*point, [list(reversed(box(0, 1, 0, 1)[0]))]) is inside


def test_zones_that_share_edges_never_share_a_point():
    # a square cut along its diagonal and down the middle, the pieces in both orientations
    pieces = [[[(0, 0), (4, 0), (4, 4)]], [[(0, 0), (0, 4), (4, 4)]], [[(4, 0), (4, 4), (6, 4), (6, 0)]]]
    for x in range(-2, 16):
        for y in range(-2, 10):
            point = (x / 2, y / 2)
            holders = sum(z.point_in_polygon(*point, piece) for piece in pieces)
            assert holders == (1 if 0 <= point[0] < 6 and 0 <= point[1] < 4 else 0), point


@pytest.mark.parametrize("offset, convention", [(0, None), (0, "0..360"), (180, None), (180, "-180..180")])
def test_neighbours_sharing_a_slanted_edge_never_share_a_point(offset, convention):
    # points on the shared edge, to the nearest float: the two zones walk the edge in opposite
    # directions and must still agree on which side each point is (also after a cut at the data's
    # edge, which the shared edge crosses)
    low, high = (offset - 3.3, 0.7), (offset + 4.1, 9.3)
    left = [[(offset - 6, 0.7), low, high, (offset - 6, 9.3)]]
    right = [[low, (offset + 8, 0.7), (offset + 8, 9.3), high]]
    (x0, y0), (x1, y1) = [(Fraction(x), Fraction(y)) for x, y in (low, high)]
    if convention:
        west = WEST[convention]
        left, right = z.split_for_grid(left, convention), z.split_for_grid(right, convention)
    for k in range(1, 2000):
        lat = 0.7 + k * 8.6 / 2000
        lon = float(x0 + (Fraction(lat) - y0) * (x1 - x0) / (y1 - y0))
        if convention:
            lon = lon + 360 if lon < west else lon - 360 if lon > west + 360 else lon  # as the parts are shifted
            holders = len(z.cells_inside([(lon, lat)], left)) + len(z.cells_inside([(lon, lat)], right))
        else:
            holders = z.point_in_polygon(lon, lat, left) + z.point_in_polygon(lon, lat, right)
        assert holders == 1, (lon, lat)


def test_point_in_a_hole_is_outside():
    zone = box(0, 10, 0, 10) + box(4, 6, 4, 6)
    assert z.point_in_polygon(5, 5, zone) is False
    assert z.point_in_polygon(4, 5, zone) is False  # the hole's left edge belongs to the hole
    assert z.point_in_polygon(6, 5, zone) is True  # its right edge to the zone
    assert z.point_in_polygon(2, 5, zone) is True


# -- zones smaller than a cell ------------------------------------------------------------------


def test_zone_smaller_than_a_cell_uses_the_cell_under_its_centroid():
    cells = grid("0..360")
    zone = box(10.3, 10.7, 20.2, 20.6)
    parts = z.split_for_grid(zone, "0..360")
    assert z.cells_inside(cells, parts) == []
    centre = z.centroid(zone, "0..360")
    assert centre == pytest.approx((10.5, 20.4))
    selection = z.select_cells(cells, parts, centre)
    assert selection.centroid_used is True
    assert [cells[i] for i in selection.indices] == [(10, 20)]
    # the caller asked for the one cell at the centroid: it is used, flagged
    assert z.select_cells([(10, 20)], parts, centre) == z.CellSelection([0], True)
    assert z.select_cells([], parts, centre) == z.CellSelection([], False)


def test_small_zone_across_the_antimeridian_finds_its_cell_across_the_edge():
    cells = grid("-180..180")
    zone = [[(179.5, 0.3), (-179.7, 0.3), (-179.7, 0.7), (179.5, 0.7)]]
    centre = z.centroid(zone, "-180..180")
    assert centre == pytest.approx((179.9, 0.5))  # nearest cell: 180, which this grid calls -180
    selection = z.select_cells(cells, z.split_for_grid(zone, "-180..180"), centre)
    assert [cells[i] for i in selection.indices] == [(-180, 0)] and selection.centroid_used


def test_a_zone_holding_a_cell_does_not_use_its_centroid():
    cells = grid("0..360")
    zone = box(9, 11, 19, 21)
    selection = z.select_cells(cells, z.split_for_grid(zone, "0..360"), z.centroid(zone, "0..360"))
    assert [cells[i] for i in selection.indices] == [(10, 20)] and not selection.centroid_used


@pytest.mark.parametrize("zone, convention, expected", [
    ([[(0, 0), (6, 0), (0, 3)]], None, (2, 1)),  # a triangle: the mean of its corners
    # an L: a 4x1 arm centred at (2, 0.5) and a 1x3 arm at (0.5, 2.5), weighted by area
    ([[(0, 0), (4, 0), (4, 1), (1, 1), (1, 4), (0, 4)]], None, ((4 * 2 + 3 * 0.5) / 7, (4 * 0.5 + 3 * 2.5) / 7)),
    (box(0, 2, 0, 2) + box(0.5, 1.5, 0.5, 1.5), None, (1, 1)),  # holes ignored
    ([box(0, 2, 0, 2), box(10, 14, 0, 2)], None, ((1 * 4 + 12 * 8) / 12, 1)),  # members weighted by area
    ([[(178, 0), (-176, 0), (-176, 2), (178, 2)]], None, (181, 1)),
    ([[(178, 0), (-176, 0), (-176, 2), (178, 2)]], "0..360", (181, 1)),
    ([[(178, 0), (-176, 0), (-176, 2), (178, 2)]], "-180..180", (-179, 1)),
    (box(-4, -2, 0, 2), "0..360", (357, 1)),
])
def test_centroid(zone, convention, expected):
    assert z.centroid(zone, convention) == pytest.approx(expected)


# -- statistics ---------------------------------------------------------------------------------


def test_missing_values_are_left_out_of_every_statistic():
    values = [1.0, None, 3.0, float("nan"), 8.0]
    lats = [0.0, 10.0, 60.0, 20.0, 0.0]
    got = z.summarize(values, lats, z.STATISTICS)
    assert_statistics(got, expected_statistics([(1.0, 0.0), (3.0, 60.0), (8.0, 0.0)]))
    assert got["count"] == 3


def test_zone_without_a_valid_value():
    got = z.summarize([None, float("nan")], [0, 0], z.STATISTICS)
    assert got == {"count": 0, "mean": None, "area_mean": None, "min": None, "max": None, "std": None,
                   "sum": None, "median": None}
    assert z.summarize([], [], ["count", "max"]) == {"count": 0, "max": None}


def test_area_mean_weights_cells_by_cos_latitude():
    got = z.summarize([10.0, 40.0], [0.0, 60.0], ["area_mean", "mean"])
    assert got["area_mean"] == pytest.approx((10 * 1 + 40 * 0.5) / 1.5)
    assert got["mean"] == pytest.approx(25)
    assert z.summarize([5.0, 7.0], [-30.0, 30.0], ["area_mean"])["area_mean"] == pytest.approx(6)


def test_std_is_the_population_standard_deviation():
    assert z.summarize([2, 4, 4, 4, 5, 5, 7, 9], None, ["std"]) == {"std": pytest.approx(2.0)}
    assert z.summarize([3.5], None, ["std"]) == {"std": 0.0}


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert z.summarize([4, 1, 10, 2], None, ["median"]) == {"median": 3.0}
    assert z.summarize([4, 1, 10], None, ["median"]) == {"median": 4.0}


def test_default_statistics_and_checks():
    assert list(z.summarize([1, 2], [0, 0])) == ["count", "area_mean", "min", "max"] == list(z.DEFAULT_STATISTICS)
    assert z.check_statistics("max, min,max") == ("max", "min")
    with pytest.raises(FluxInputError, match="Unknown statistic 'mode'"):
        z.summarize([1], [0], ["mode"])
    with pytest.raises(FluxInputError, match="latitude"):
        z.summarize([1], None, ["area_mean"])
    with pytest.raises(FluxInputError, match="one latitude per value"):
        z.summarize([1, 2], [0], ["mean"])
    with pytest.raises(FluxInputError, match="No statistic"):
        z.check_statistics([])


def test_summarize_steps_gives_one_row_per_time_step():
    times = ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]
    rows = z.summarize_steps(times, [[1, 3], [None, 5]], [0, 60], ["count", "mean", "area_mean"])
    assert rows == [(times[0], {"count": 2, "mean": 2.0, "area_mean": pytest.approx((1 + 1.5) / 1.5)}),
                    (times[1], {"count": 1, "mean": 5.0, "area_mean": 5.0})]
    with pytest.raises(FluxInputError, match="one list per time step"):
        z.summarize_steps(times, [[1, 3]], [0, 60])


def test_steps_from_rows_of_two_parts_keep_a_shared_cell_once():
    t1, t2 = "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"
    first = [EdrRow(0, 358.0, 0.0, t2, values={"t2m": 2.0}), EdrRow(0, 358.0, 0.0, t1, values={"t2m": 1.0}),
             EdrRow(1, 0.0, 0.0, t1, values={"t2m": 10.0}), EdrRow(1, 0.0, 0.0, t2, values={"t2m": None})]
    second = [EdrRow(0, 0.0, 0.0, t1, values={"t2m": 10.0}), EdrRow(0, 0.0, 0.0, t2, values={"t2m": None}),
              EdrRow(1, 2.0, 0.0, t1, values={"t2m": 5.0})]
    cells, times, values = z.steps_from_rows(first + second, "t2m")
    assert cells == [(358.0, 0.0), (0.0, 0.0), (2.0, 0.0)]
    assert times == [t1, t2]
    assert values == [[1.0, 10.0, 5.0], [2.0, None, None]]
    assert z.steps_from_rows([EdrRow(0, 1.0, 2.0, None, values={"x": 3.0})], "x") == ([(1.0, 2.0)], [None], [[3.0]])
    levels = [EdrRow(0, 1.0, 2.0, t1, z=850.0, values={"x": 1.0}), EdrRow(0, 1.0, 2.0, t1, z=500.0, values={"x": 2.0})]
    with pytest.raises(FluxInputError, match="several levels"):
        z.steps_from_rows(levels, "x")


# -- zones in: WKT, lists, errors ---------------------------------------------------------------


def test_wkt_polygon_with_hole_and_multipolygon():
    polygon = z.parse_polygons("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1))")
    assert polygon == [[((0, 0), (4, 0), (4, 4), (0, 4), (0, 0)), ((1, 1), (2, 1), (2, 2), (1, 1))]]
    multi = z.parse_polygons("MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5),(5.2 5.1,5.8 5.1,5.8 5.7,5.2 5.1)))")
    assert [len(rings) for rings in multi] == [1, 2]
    assert multi[1][1][0] == (5.2, 5.1)
    # the same zone as lists: ring closed or not, one polygon or a list of them
    assert z.parse_polygons([[(0, 0), (4, 0), (4, 4), (0, 4)], [(1, 1), (2, 1), (2, 2)]]) == polygon
    assert z.parse_polygons([box(0, 1, 0, 1)]) == z.parse_polygons(box(0, 1, 0, 1))


def test_wkt_zone_splits_like_the_same_rings():
    wkt = "POLYGON((175 10,185 10,185 20,175 20,175 10))"
    assert z.split_for_grid(wkt, "-180..180") == z.split_for_grid(box(175, 185, 10, 20), "-180..180")


def test_parts_as_wkt_pass_the_edr_checks():
    for part in z.split_for_grid(box(-6.25, 6, -4, 4), "0..360"):
        wkt = z.polygon_wkt(part)
        assert normalize_polygon_wkt(wkt) == wkt
        assert z.parse_polygons(wkt) == [part]
    assert z.polygon_wkt(box(0, 1, 0, 1) + box(0.2, 0.4, 0.2, 0.4)) == \
        "POLYGON((0 0,1 0,1 1,0 1,0 0),(0.2 0.2,0.4 0.2,0.4 0.4,0.2 0.4,0.2 0.2))"


@pytest.mark.parametrize("zone, message", [
    ("POINT(1 2)", "POLYGON or MULTIPOLYGON"),
    ("", "empty"),
    ([[(0, 0), (1, 95), (1, 0)]], "latitude 95"),
    ([[(0, 0), (1, 1), (0, 0)]], "fewer than 3 distinct vertices"),
    ([[(0, 0), ("a", 1), (1, 0)]], "not a \\(longitude, latitude\\) pair"),
    ([[(0, 0), (float("nan"), 1), (1, 0)]], "not a finite number"),
    ([(0, 0), (1, 1), (1, 0)], "not a polygon"),
    ([[(0, 0), (170, 0), (340, 0), (510, 1)]], "more than once round the globe"),
])
def test_bad_zones_are_refused_with_a_sentence(zone, message):
    with pytest.raises(FluxInputError, match=message):
        z.split_for_grid(zone, "0..360")


def test_unknown_convention():
    with pytest.raises(FluxInputError, match="'0..360' or '-180..180'"):
        z.split_for_grid(box(0, 1, 0, 1), "0-360")
