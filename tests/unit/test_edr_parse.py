"""CoverageJSON answers of xpublish-edr (core/edr.py): the row parser and the zonal fast path.

Pure Python, no QGIS (``pytest --noconftest tests/unit``). ``parse_covjson`` walks the flat values
with a counter per axis; it is held here to the per-value index arithmetic it replaced (kept below
as ``reference_parse``, verbatim but for its name) on every answer shape the plugin reads.
``parse_covjson_steps`` (zonal statistics' reader of area answers) is held to ``steps_from_rows``
of the parsed rows, and ``merge_steps`` to ``steps_from_rows`` of a split zone's rows together.
"""

import json
import random

import plugin_package  # noqa: F401,I001  (the plugin folder as earthmover_flux)
import pytest
from earthmover_flux.core.edr import EdrRow, FluxError, iso_utc, parse_covjson, parse_covjson_steps
from earthmover_flux.core.zonal import merge_steps, steps_from_rows

TIMES = ["2023-01-01T00:00:00", "2023-01-02T00:00:00", "2023-01-03T00:00:00"]


def reference_parse(body, offset=0):  # the parser before (commit e6309fd)
    """Rows (one per location and time step) of a cf_covjson position or area answer.

    Handles the shapes xpublish-edr writes: ``[t, pts]`` for MULTIPOINT and area queries (x and
    y per point), ``[t, y, x]`` for a single POINT, with or without ``t`` and ``z``.
    ``offset`` is added to the location index (the first point of the batch).
    """
    data = json.loads(body)
    try:
        axes = data["domain"]["axes"]
        ranges = data["ranges"]
    except (KeyError, TypeError):
        raise FluxError("Could not read the EDR answer: it is not CoverageJSON (no domain axes or ranges).") from None
    xs = list((axes.get("x") or {}).get("values") or [])
    ys = list((axes.get("y") or {}).get("values") or [])
    ts = list((axes.get("t") or {}).get("values") or [])
    zs = list((axes.get("z") or {}).get("values") or [])
    ranged = {axis for rng in ranges.values() if isinstance(rng, dict) for axis in rng.get("axisNames") or []}
    others = {name: list((axis or {}).get("values") or []) for name, axis in axes.items()
              if name in ranged and name not in ("x", "y", "t", "z", "pts") and isinstance(axis, dict)}
    rows = {}
    iso_of = {}  # each time step's text, converted once (an answer repeats them for every point)
    for name, rng in ranges.items():
        try:
            names, shape, values = list(rng["axisNames"]), [int(n) for n in rng["shape"]], list(rng["values"])
        except (KeyError, TypeError, ValueError):
            raise FluxError(f"Could not read the EDR answer: the range of {name!r} is malformed.") from None
        total = 1
        for n in shape:
            total *= n
        if total != len(values) or len(names) != len(shape):
            raise FluxError(f"Could not read the EDR answer: the range of {name!r} has {len(values)} values for "
                            f"shape {shape}.")
        for flat, value in enumerate(values):
            idx = {}
            rest = flat
            for axis, n in zip(reversed(names), reversed(shape)):
                idx[axis] = rest % n
                rest //= n
            try:
                if "pts" in idx:
                    loc, lon, lat = idx["pts"], xs[idx["pts"]], ys[idx["pts"]]
                elif xs and isinstance(xs[0], list):  # a projected grid: 2-D lon/lat per (y, x) cell
                    ix, iy = idx.get("x", 0), idx.get("y", 0)
                    loc, lon, lat = iy * max(1, len(xs[0])) + ix, xs[iy][ix], ys[iy][ix]
                else:
                    ix, iy = idx.get("x", 0), idx.get("y", 0)
                    loc, lon, lat = iy * max(1, len(xs)) + ix, xs[ix], ys[iy]
                time = ts[idx["t"]] if "t" in idx else (ts[0] if len(ts) == 1 else None)
                z = zs[idx["z"]] if "z" in idx else (zs[0] if len(zs) == 1 else None)
                extra = {axis: others[axis][idx[axis]] for axis in others if axis in idx}
            except IndexError:
                raise FluxError("Could not read the EDR answer: a range index is outside its axis.") from None
            key = (loc, idx.get("t", 0), idx.get("z", 0)) + tuple(idx.get(axis, 0) for axis in sorted(others))
            row = rows.get(key)
            if row is None:
                if time is not None and time not in iso_of:
                    iso_of[time] = iso_utc(time)
                row = rows[key] = EdrRow(index=loc + offset, lon=float(lon), lat=float(lat),
                                         time=iso_of[time] if time is not None else None,
                                         z=float(z) if z is not None else None,
                                         extra={k: str(v) for k, v in extra.items()})
            row.values[name] = None if value is None else float(value)
    names = list(ranges)
    for row in rows.values():
        for name in names:
            row.values.setdefault(name, None)
    return [rows[k] for k in sorted(rows)]


def answer(axes, ranges):
    """A CoverageJSON body: axes {name: values}, ranges {parameter: (axisNames, shape, values)}."""
    domain = {"type": "Domain", "axes": {k: {"values": v} for k, v in axes.items()}}
    return json.dumps({"type": "Coverage", "domain": domain,
                       "ranges": {name: {"type": "NdArray", "axisNames": names, "shape": shape, "values": values}
                                  for name, (names, shape, values) in ranges.items()}}).encode()


def numbers(count, seed, missing=0.1):
    rng = random.Random(seed)
    return [None if rng.random() < missing else round(rng.uniform(200, 320), 3) for _ in range(count)]


XS = [236.25, 236.5, 236.25, 236.5, 237.0]
YS = [26.5, 26.5, 26.25, 26.25, 26.0]
SHAPES = {
    "area [t, pts]": answer({"t": TIMES, "x": XS, "y": YS},
                            {"t2m": (["t", "pts"], [3, 5], numbers(15, 1))}),
    "multipoint, two parameters": answer({"t": TIMES, "x": XS, "y": YS},
                                         {"a": (["t", "pts"], [3, 5], numbers(15, 2)),
                                          "b": (["t", "pts"], [3, 5], numbers(15, 3))}),
    "point [t, y, x]": answer({"t": TIMES, "x": [10.5], "y": [45.5]},
                              {"t2m": (["t", "y", "x"], [3, 1, 1], numbers(3, 4))}),
    "grid [t, y, x]": answer({"t": TIMES[:2], "x": [1.0, 2.0, 3.0], "y": [5.0, 4.0]},
                             {"t2m": (["t", "y", "x"], [2, 2, 3], numbers(12, 5))}),
    "levels [t, z, pts]": answer({"t": TIMES, "z": [1000, 850], "x": XS[:2], "y": YS[:2]},
                                 {"t": (["t", "z", "pts"], [3, 2, 2], numbers(12, 6))}),
    "members [member, t, pts]": answer({"member": [0, 1], "t": TIMES[:2], "x": XS[:3], "y": YS[:3]},
                                       {"t2m": (["member", "t", "pts"], [2, 2, 3], numbers(12, 7))}),
    "no time [pts]": answer({"x": XS, "y": YS}, {"t2m": (["pts"], [5], numbers(5, 8))}),
    "projected [y, x], 2-D lon/lat": answer({"t": TIMES[:1], "x": [[-100.0, -99.0], [-100.5, -99.5]],
                                              "y": [[40.0, 40.1], [39.0, 39.1]]},
                                             {"dswrf": (["y", "x"], [2, 2], numbers(4, 9))}),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_parse_covjson_gives_the_rows_the_reference_gave(shape):
    body = SHAPES[shape]
    assert parse_covjson(body) == reference_parse(body)
    assert parse_covjson(body, offset=7) == reference_parse(body, offset=7)


def test_parse_covjson_names_broken_answers():
    bad_index = answer({"t": TIMES[:1], "x": XS[:2], "y": YS[:2]}, {"t2m": (["t", "pts"], [1, 3], [1.0, 2.0, 3.0])})
    with pytest.raises(FluxError, match="outside its axis"):
        parse_covjson(bad_index)
    wrong_count = answer({"t": TIMES, "x": XS, "y": YS}, {"t2m": (["t", "pts"], [3, 5], [1.0])})
    with pytest.raises(FluxError, match="1 values for shape"):
        parse_covjson(wrong_count)


@pytest.mark.parametrize("shape", ["area [t, pts]", "no time [pts]", "multipoint, two parameters"])
def test_steps_fast_path_equals_rows(shape):
    body = SHAPES[shape]
    parameter = "a" if "two" in shape else "t2m"
    fast = parse_covjson_steps(body, parameter)
    assert fast is not None
    assert fast == steps_from_rows(parse_covjson(body), parameter)


def test_steps_fast_path_sorts_times_and_keeps_a_single_level():
    values = numbers(6, 11)
    body = answer({"t": TIMES[::-1][:3], "z": [850], "x": XS[:2], "y": YS[:2]},
                  {"t": (["t", "z", "pts"], [3, 1, 2], values)})
    cells, times, steps = parse_covjson_steps(body, "t")
    assert times == [iso_utc(t) for t in TIMES] and cells == [(236.25, 26.5), (236.5, 26.5)]
    assert steps == [values[4:6], values[2:4], values[0:2]]
    assert (cells, times, steps) == steps_from_rows(parse_covjson(body), "t")


@pytest.mark.parametrize("shape", ["point [t, y, x]", "grid [t, y, x]", "levels [t, z, pts]",
                                   "members [member, t, pts]", "projected [y, x], 2-D lon/lat"])
def test_steps_fast_path_leaves_other_shapes_to_the_rows(shape):
    body = SHAPES[shape]
    parameter = next(iter(json.loads(body)["ranges"]))
    assert parse_covjson_steps(body, parameter) is None


def test_merge_steps_of_a_split_zone_equals_rows_together():
    west = answer({"t": TIMES, "x": [358.0, 359.0], "y": [0.5, 0.5]}, {"t2m": (["t", "pts"], [3, 2], numbers(6, 12))})
    east = answer({"t": TIMES[1:], "x": [359.0, 0.0, 1.0], "y": [0.5, 0.5, 0.5]},
                  {"t2m": (["t", "pts"], [2, 3], numbers(6, 13, missing=0))})
    parts = [parse_covjson_steps(west, "t2m"), parse_covjson_steps(east, "t2m")]
    merged = merge_steps(parts)
    assert merged == steps_from_rows(parse_covjson(west) + parse_covjson(east), "t2m")
    cells, times, steps = merged
    assert cells == [(358.0, 0.5), (359.0, 0.5), (0.0, 0.5), (1.0, 0.5)] and len(times) == 3
    assert steps[0][2] is None  # the east part has no first day
    assert merge_steps(parts[:1]) == parts[0]


def test_rows_hold_plain_values():
    rows = parse_covjson(SHAPES["members [member, t, pts]"])
    assert all(isinstance(r, EdrRow) and set(r.extra) == {"member"} for r in rows)
    assert {r.extra["member"] for r in rows} == {"0", "1"}
