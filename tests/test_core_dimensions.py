"""The dimension model (core/dimensions.py): lead times, levels, members, time axes, longitudes.

Pure core code (no QGIS needed). The servers' own spellings come from FLUX.md and from the local
xpublish servers (tests/test_dimensions.py checks them end to end).
"""

import pytest
from earthmover_flux.core import dimensions as dm
from earthmover_flux.core.errors import FluxInputError
from hypothesis import given, settings
from hypothesis import strategies as st


@pytest.mark.parametrize("text, hours", [
    ("21600000000 microseconds", 6), ("3 hours", 3), ("3h", 3), ("PT3H", 3), ("P1DT6H", 30),
    ("03:00:00", 3), ("1 days 06:00:00", 30), ("90 minutes", 1.5), ("0 microseconds", 0), (12, 12), ("6", 6)])
def test_lead_times_in_every_spelling(text, hours):
    assert dm.parse_timedelta(text) == int(hours * 3_600_000_000)


@pytest.mark.parametrize("text", ["", "soon", "3 fortnights", "PT", "P"])
def test_not_a_lead_time(text):
    assert dm.parse_timedelta(text) is None


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_lead_time_text_reads_back(microseconds):
    assert dm.parse_timedelta(dm.format_timedelta(microseconds)) == microseconds


def test_wms_lead_time_values_become_readable_and_match_any_spelling():
    step = dm.lead_time_dimension("step", ["0 microseconds", "10800000000 microseconds", "21600000000 microseconds"])
    assert step.values == ["0 hours", "3 hours", "6 hours"]
    assert step.kind == dm.LEAD_TIME
    assert step.match("3h") == "3 hours" and step.match("PT6H") == "6 hours" and step.match(3) == "3 hours"
    assert step.match("4 hours") is None


def test_resolve_checks_names_and_values_and_fills_defaults():
    dims = [dm.lead_time_dimension("step", ["0 hours", "3 hours"]),
            dm.Dimension("elevation", ["1000.0", "850.0", "500.0"], kind=dm.VERTICAL, units="hPa", default="1000.0"),
            dm.Dimension("member", ["0", "1", "2"])]
    assert dm.resolve(dims, None) == {"step": "0 hours", "elevation": "1000.0", "member": "0"}
    chosen = dm.resolve(dims, {"step": "3h", "level": "850", "member": 2})
    assert chosen == {"step": "3 hours", "elevation": "850.0", "member": "2"}, "level is the vertical axis's alias"
    assert dm.resolve(dims, "step=3 hours;elevation=500") == {"step": "3 hours", "elevation": "500.0",
                                                             "member": "0"}
    with pytest.raises(FluxInputError, match=r"no dimension 'height2'.*step, elevation, member"):
        dm.resolve(dims, {"height2": "1"})
    with pytest.raises(FluxInputError, match=r"'700' is not a value of the dimension 'elevation'.*1000.0, 850.0"):
        dm.resolve(dims, {"level": "700"})
    with pytest.raises(FluxInputError, match="name=value"):
        dm.resolve(dims, "step")


def test_query_params_speak_each_servers_language():
    dims = [dm.lead_time_dimension("step", ["0 hours", "3 hours"]),
            dm.Dimension("level", ["1000", "850"], kind=dm.VERTICAL, units="hPa")]
    chosen = {"step": "3 hours", "level": "850"}
    assert dm.query_params("wms", dims, chosen) == [("step", "3 hours"), ("elevation", "850")]
    assert dm.query_params("edr", dims, chosen) == [("step", "3 hours"), ("z", "850")]
    assert dm.query_params("tiles", dims, chosen) == [("step", "3 hours"), ("level", "850")]
    assert dm.describe_selection(dims, chosen) == "step 3 hours, level 850 hPa"


def test_hourly_axis_over_decades_is_one_run():
    start = dm.parse_iso("2000-01-01T00:00:00Z")
    times = [dm.format_iso(start + 3600 * i) for i in range(52_608)]
    axis = dm.TimeAxis.from_strings(times)
    assert axis.runs == [(start, 3600.0, 52_608)]
    assert len(axis) == 52_608 and axis[0] == times[0] and axis[-1] == times[-1] == "2005-12-31T23:00:00Z"
    assert axis[30_000] == times[30_000]
    assert axis.index_at_or_before(dm.parse_iso("2003-06-01T10:30:00Z")) == times.index("2003-06-01T10:00:00Z")
    assert axis.contains("2003-06-01T10:00:00Z") and not axis.contains("2003-06-01T10:30:00Z")
    assert dm.TimeAxis.from_json(axis.to_json()).runs == axis.runs
    assert len(str(axis.to_json())) < 100


def test_irregular_axis_keeps_every_instant():
    times = ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z", "2024-01-03T06:00:00Z",
             "2024-01-03T12:00:00Z", "2024-02-01T00:00:00Z"]
    axis = dm.TimeAxis.from_strings(times)
    assert axis.strings() == times
    assert axis.index_at_or_before(dm.parse_iso("2024-01-03T07:00:00Z")) == 3
    assert axis.index_at_or_before(dm.parse_iso("1999-01-01T00:00:00Z")) == 0
    assert axis.index_at_or_before(dm.parse_iso("2030-01-01T00:00:00Z")) == 5


def test_360_day_calendar_axis_is_kept_as_sent():
    axis = dm.TimeAxis.from_strings(["2024-02-29T00:00:00", "2024-02-30T00:00:00", "2024-03-01T00:00:00"])
    assert axis.raw and len(axis) == 3 and axis[1] == "2024-02-30T00:00:00"
    assert axis.contains("2024-02-30T00:00:00")


def test_forecast_valid_time_picks_the_lead_time():
    step = dm.lead_time_dimension("step", ["0 hours", "3 hours", "6 hours", "9 hours", "12 hours"])
    start = dm.parse_iso("2024-06-01T12:00:00Z")
    assert dm.forecast_step_for(dm.parse_iso("2024-06-01T18:00:00Z"), start, step) == "6 hours"
    assert dm.forecast_step_for(dm.parse_iso("2024-06-01T20:59:00Z"), start, step) == "6 hours"
    assert dm.forecast_step_for(dm.parse_iso("2024-06-01T00:00:00Z"), start, step) == "0 hours"
    assert dm.forecast_step_for(dm.parse_iso("2024-06-03T00:00:00Z"), start, step) == "12 hours"


@pytest.mark.parametrize("lon, convention, sent", [
    (-30, "0..360", 330), (330, "0..360", 330), (0, "0..360", 0), (-180, "0..360", 180), (179.5, "0..360", 179.5),
    (330, "-180..180", -30), (-30, "-180..180", -30), (180, "-180..180", 180)])
def test_longitudes_go_out_in_the_datas_convention(lon, convention, sent):
    assert dm.to_convention(lon, convention) == pytest.approx(sent)


def test_longitude_convention_from_the_bbox():
    assert dm.longitude_convention(0, 358) == "0..360"
    assert dm.longitude_convention(-179, 179) == "-180..180"
    assert dm.longitude_convention(-134, -60) == "-180..180"
