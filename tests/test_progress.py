"""geo.progress: weekly handover per project (one time slice per week end) and the completion forecast."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

import geo

AS_OF = date(2026, 11, 20)  # a Friday; week ends 13/11, 06/11, 30/10, …


def hh(hid, sheet, no, stage, project="P1", date=None, **extra):
    row = {"household_id": hid, "project_id": project, "map_sheet": sheet, "parcel_no": no, "stage": stage}
    if date:
        row["stage_date"] = date
    row.update(extra)
    return row


def step(hid, stage, day, project="P1"):
    return {"household_id": hid, "project_id": project, "stage": stage, "date": day}


PROJECTS = [
    {"project_id": "P1", "project_name": "Đường tỉnh", "handover_deadline": "31/12/2026"},
    {"project_id": "P2", "project_name": "Cụm công nghiệp", "handover_deadline": ""},
]
HOUSEHOLDS = [
    hh("H1", "1", "1", "handed_over", acquired_area_m2="100"),
    hh("H2", "1", "2", "handed_over", acquired_area_m2="300"),
    hh("H3", "2", "1", "paid", acquired_area_m2="600"),
    hh("H4", "2", "2", "surveyed", project="P2", acquired_area_m2="50"),
]
HISTORY = [
    step("H1", "notified", "01/09/2026"),
    step("H1", "paid", "01/10/2026"),
    step("H1", "handed_over", "10/11/2026"),
    step("H2", "notified", "01/09/2026"),
    step("H2", "handed_over", "18/11/2026"),
    step("H3", "notified", "01/09/2026"),
    step("H3", "paid", "01/11/2026"),
    step("H4", "surveyed", "15/11/2026", project="P2"),
]


@pytest.fixture
def ws(build) -> geo.Workspace:
    """Two projects; P1: H1 handed over 10/11, H2 on 18/11, H3 paid; P2: H4 notified late (15/11)."""
    w = geo.load_workspace(build(projects=PROJECTS, households=HOUSEHOLDS, stage_history=HISTORY))
    assert w.report.ok, w.report.render()
    return w


def progress(ws, weeks=4, **sel) -> pd.DataFrame:
    return geo.weekly_progress(ws, geo.Selection.make(as_of=AS_OF, **sel), weeks=weeks)


def p1(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["project_id"] == "P1"].set_index("week_end")


# --------------------------------------------------------------------------- weekly_progress


def test_one_row_per_project_and_week_end_with_the_documented_columns(ws):
    prog = progress(ws, weeks=4)
    assert list(prog.columns) == list(geo.PROGRESS_COLUMNS)
    assert prog["project_id"].tolist() == ["P1"] * 4 + ["P2"] * 4
    assert prog["week_end"].tolist()[:4] == [date(2026, 10, 30), date(2026, 11, 6), date(2026, 11, 13), AS_OF]


def test_a_household_counts_from_the_week_its_handover_is_dated(ws):
    done = p1(progress(ws))["handed_over"]
    assert done[date(2026, 11, 6)] == 0 and done[date(2026, 11, 13)] == 1 and done[AS_OF] == 2


def test_the_denominator_is_the_site_known_on_the_as_of_date(ws):
    # H4 of P2 is first recorded on 15/11 but belongs to the site in every week
    p2 = progress(ws).query("project_id == 'P2'")
    assert p2["households"].tolist() == [1, 1, 1, 1]


def test_shares_by_households_and_by_area(ws):
    last = p1(progress(ws)).loc[AS_OF]
    assert last["share_pct"] == round(2 / 3 * 100, 2)
    assert last["area_m2"] == 1000 and last["area_handed_over_m2"] == 400 and last["area_share_pct"] == 40.0


def test_a_household_counts_only_when_every_row_of_the_project_is_handed_over(build):
    rows = [
        hh("H1", "1", "1", "handed_over", date="01/11/2026"),
        hh("H1", "1", "2", "paid", date="01/11/2026"),
        hh("H2", "2", "1", "handed_over", date="01/11/2026"),
    ]
    w = geo.load_workspace(build(households=rows))
    last = p1(progress(w)).loc[AS_OF]
    assert (last["households"], last["handed_over"]) == (2, 1)


def test_the_project_deadline_is_a_date_or_none(ws):
    prog = progress(ws).drop_duplicates("project_id").set_index("project_id")
    assert prog.loc["P1", "deadline"] == date(2026, 12, 31) and prog.loc["P2", "deadline"] is None


def test_the_project_selection_keeps_that_project_only(ws):
    assert set(progress(ws, project="P2")["project_id"]) == {"P2"}


def test_the_hamlet_selection_keeps_that_hamlets_households_only(ws):
    last = p1(progress(ws, hamlets="A")).loc[AS_OF]  # H1, H2 on sheet 1 in hamlet A
    assert (last["households"], last["handed_over"]) == (2, 2)


def test_the_stage_filter_of_the_selection_is_ignored(ws):
    pd.testing.assert_frame_equal(progress(ws, stages="paid"), progress(ws))


def test_agrees_with_the_headline_of_each_week_end(ws):
    prog = p1(progress(ws, weeks=6))
    for day, row in prog.iterrows():
        an = geo.analyse(ws, geo.Selection.make(project="P1", as_of=day))
        assert row["handed_over"] == geo.headline(an.slice, an.summary).handed_over


def test_weeks_none_spans_from_the_first_dated_stage(ws):
    prog = geo.weekly_progress(ws, geo.Selection.make(as_of=AS_OF), weeks=None)
    first = min(prog["week_end"])
    assert first <= date(2026, 9, 1) < first + timedelta(days=14)


def test_weeks_below_one_is_refused(ws):
    with pytest.raises(ValueError):
        progress(ws, weeks=0)


def test_an_empty_selection_gives_an_empty_frame_with_the_columns(ws):
    prog = progress(ws, hamlets="NOPE")
    assert prog.empty and list(prog.columns) == list(geo.PROGRESS_COLUMNS)


# --------------------------------------------------------------------------- completion_forecast


def series(
    done: list[float], total: float = 10, deadline: date | None = date(2027, 6, 30), project: str = "P1"
) -> pd.DataFrame:
    """A hand-made progress table: ``done`` handed over at consecutive week ends ending on AS_OF."""
    weeks = [AS_OF - timedelta(days=7 * k) for k in range(len(done) - 1, -1, -1)]
    return pd.DataFrame(
        {
            "project_id": project,
            "project_name": "Dự án thử",
            "week_end": weeks,
            "households": total,
            "handed_over": done,
            "share_pct": [d / total * 100 for d in done],
            "area_m2": total * 100.0,
            "area_handed_over_m2": [d * 100.0 for d in done],
            "area_share_pct": [d / total * 100 for d in done],
            "deadline": deadline,
        }
    )


def test_a_steady_pace_projects_the_remaining_weeks_with_no_spread():
    f = geo.completion_forecast(series([0, 1, 2, 3, 4, 5, 6]), "P1")
    assert f.status == "forecast" and f.rate == 1.0 and f.remaining == 4
    assert f.expected == AS_OF + timedelta(days=28) == f.earliest == f.latest


def test_the_interval_contains_the_expected_date_and_widens_with_an_uneven_pace():
    even = geo.completion_forecast(series([0, 2, 4, 6, 8, 10, 12], total=40), "P1")
    uneven = geo.completion_forecast(series([0, 0, 6, 6, 6, 12, 12], total=40), "P1")
    assert even.rate == uneven.rate == 2.0 and even.expected == uneven.expected
    assert uneven.earliest < uneven.expected < uneven.latest
    assert (uneven.latest - uneven.earliest) > (even.latest - even.earliest)


def test_only_the_last_window_weeks_set_the_pace():
    f = geo.completion_forecast(series([0, 10, 20, 30, 31, 32, 33, 34], total=60), "P1", window=4)
    assert f.rate == 1.0 and f.window_weeks == 4


def test_no_forecast_without_progress_in_the_window():
    f = geo.completion_forecast(series([3, 3, 3, 3, 3, 3]), "P1")
    assert f.status == "none" and f.expected is None and "không có tiến triển" in f.note
    assert "không dự báo được" in str(f)


def test_no_forecast_from_too_few_weeks():
    f = geo.completion_forecast(series([0, 1, 2]), "P1", min_weeks=4)
    assert f.status == "none" and "chưa đủ số liệu" in f.note


def test_a_finished_project_is_done_from_its_first_complete_week():
    f = geo.completion_forecast(series([6, 8, 10, 10]), "P1")
    assert f.status == "done" and f.remaining == 0 and f.expected == AS_OF - timedelta(days=7)


def test_the_slow_end_is_unbounded_where_a_resample_can_show_no_progress():
    f = geo.completion_forecast(series([0, 0, 0, 0, 0, 0, 0, 0, 4], total=20), "P1")
    assert f.status == "forecast" and f.rate_low == 0 and f.latest is None


def test_chance_of_meeting_the_deadline():
    far = geo.completion_forecast(series([0, 1, 2, 3, 4, 5, 6], deadline=date(2027, 12, 31)), "P1")
    near = geo.completion_forecast(series([0, 1, 2, 3, 4, 5, 6], deadline=AS_OF + timedelta(days=7)), "P1")
    assert far.p_on_time == 1.0 and far.late is False
    assert near.p_on_time == 0.0 and near.late is True


def test_no_deadline_no_chance_of_meeting_it():
    f = geo.completion_forecast(series([0, 1, 2, 3, 4, 5, 6], deadline=None), "P1")
    assert f.p_on_time is None and f.late is None


def test_the_area_measure_counts_square_metres():
    f = geo.completion_forecast(series([0, 1, 2, 3, 4, 5, 6]), "P1", measure="area")
    assert f.measure == "area" and f.rate == 100.0 and f.remaining == 400.0


def test_the_same_data_and_seed_give_the_same_interval():
    data = series([0, 0, 3, 4, 4, 9, 10], total=30)
    assert geo.completion_forecast(data, "P1") == geo.completion_forecast(data, "P1")


def test_an_unknown_project_is_refused():
    with pytest.raises(ValueError, match="NOPE"):
        geo.completion_forecast(series([0, 1, 2, 3, 4]), "NOPE")


def test_the_forecast_table_has_one_row_per_project(ws):
    table = geo.forecast_table(progress(ws, weeks=8))
    assert table["project_id"].tolist() == ["P1", "P2"] and "expected" in table.columns


def test_the_forecast_from_a_workspace_uses_its_weekly_progress(ws):
    # P1: 0, 0, …, 1 (13/11), 2 (20/11) of 3 households: 2 in the last 4 weeks, 1 remaining
    f = geo.completion_forecast(progress(ws, weeks=8), "P1", window=4)
    assert f.status == "forecast" and f.rate == 0.5 and f.expected == AS_OF + timedelta(days=14)


# --------------------------------------------------------------------------- headline (geo.summary)


def test_headline_counts_households_handed_over_by_area_and_grievances(ws):
    an = geo.analyse(ws, geo.Selection.make(as_of=AS_OF))
    h = geo.headline(an.slice, an.summary)
    assert (h.households, h.handed_over, h.paid) == (4, 2, 3)
    assert h.area_handed_over_pct == round(400 / 1050 * 100, 2) and h.grievances_open == 0


def test_headline_counts_hamlets_by_hotspot_level():
    levels = pd.DataFrame({"hamlet_id": list("ABCD"), "hotspot_level": ["hotspot", "risk", "watch", "watch"]})
    empty = geo.TimeSlice(
        geo.Selection(as_of=AS_OF),
        pd.DataFrame(),
        pd.DataFrame(),
        pd.DataFrame(),
        pd.DataFrame(),
        None,
        None,
        None,
        pd.DataFrame(),
    )
    h = geo.headline(empty, levels)
    assert (h.hotspots, h.risk, h.watch, h.households) == (1, 1, 2, 0)


def test_the_projection_runs_from_the_as_of_share_to_full_at_the_rate_and_its_interval():
    f = geo.completion_forecast(series([0, 0, 6, 6, 6, 12, 12], total=40), "P1")
    p = f.projection()
    assert p["week_end"].iloc[0] == AS_OF and p["share_pct"].iloc[0] == 30.0
    assert (p["share_low_pct"] <= p["share_pct"]).all() and (p["share_pct"] <= p["share_high_pct"]).all()
    assert p["share_low_pct"].iloc[-1] == 100.0 and p["week_end"].iloc[-1] >= f.latest


def test_no_projection_without_a_forecast():
    assert geo.completion_forecast(series([3, 3, 3, 3, 3]), "P1").projection().empty
