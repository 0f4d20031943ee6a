"""The weekly series on a workspace whose history is built by hand.

Week ends (as-of 20/11/2026, 4 weeks): 30/10, 06/11, 13/11, 20/11 (and 23/10 to compare with).

Hamlet A: nothing until a complaint arrives on 02/11 (watch: new), a 12-signatory
petition on 09/11 (risk: worse), both resolved on 18/11 (none: better).
Hamlet B: H3 disagrees and is not handed over (watch) until its stage_history reaches
handed_over on 16/11 (none: better); its steps are all there, so nothing is skipped.
"""

from __future__ import annotations

from datetime import date

import pytest

import geo
import geo.hotspots.series as series_module
from geo.hotspots import (
    CHANGES,
    SERIES_COLUMNS,
    change,
    compute_hotspots,
    weekly_series,
)

AS_OF = "2026-11-20"
WEEKS = [date(2026, 10, 30), date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)]


def history() -> list[dict]:
    steps = [
        ("notified", "2026-09-01"),
        ("surveyed", "2026-09-10"),
        ("plan_drafted", "2026-09-20"),
        ("plan_posted", "2026-10-01"),
        ("plan_approved", "2026-11-03"),
        ("recovery_decided", "2026-11-04"),
        ("paid", "2026-11-10"),
        ("handed_over", "2026-11-16"),
    ]
    rows = [{"household_id": "H3", "project_id": "P1", "stage": s, "date": d} for s, d in steps]
    rows += [
        {"household_id": h, "project_id": "P1", "stage": s, "date": "2026-10-01"}
        for h, s in (("H1", "notified"), ("H2", "notified"))
    ]
    rows += [
        {"household_id": "H1", "project_id": "P1", "stage": s, "date": "2026-10-25"}
        for s in ("surveyed", "plan_drafted", "plan_posted", "plan_approved", "recovery_decided", "paid", "handed_over")
    ]
    rows += [
        {"household_id": "H2", "project_id": "P1", "stage": s, "date": "2026-10-25"}
        for s in ("surveyed", "plan_drafted", "plan_posted", "plan_approved", "recovery_decided", "paid")
    ]
    return rows


def households() -> list[dict]:
    base = {"project_id": "P1", "stage": "handed_over", "stage_date": None, "agreement": "yes"}
    return [
        {**base, "household_id": "H1", "map_sheet": "1", "parcel_no": "1"},
        {**base, "household_id": "H2", "map_sheet": "1", "parcel_no": "2", "stage": "paid"},
        {**base, "household_id": "H3", "map_sheet": "2", "parcel_no": "1", "agreement": "no"},
    ]


def grievances() -> list[dict]:
    base = {
        "kind": "complaint",
        "topic": "compensation_price",
        "status": "resolved",
        "resolved_date": "2026-11-18",
        "hamlet_id": "A",
    }
    return [
        {**base, "grievance_id": "G1", "received_date": "2026-11-02", "signatories": 1},
        {**base, "grievance_id": "G2", "received_date": "2026-11-09", "signatories": 12, "kind": "petition"},
    ]


@pytest.fixture
def ws(build):
    workspace = geo.load_workspace(build(households=households(), stage_history=history(), grievances=grievances()))
    assert workspace.report.ok, workspace.report.render()
    return workspace


def by_hamlet(frame, column: str) -> dict[str, list]:
    table = frame.pivot(index="hamlet_id", columns="week_end", values=column)
    return {h: table.loc[h].tolist() for h in table.index}


def test_the_series_has_one_row_per_week_and_hamlet_oldest_first(ws):
    s = weekly_series(ws, geo.Selection.make(as_of=AS_OF), weeks=4)
    assert list(s.columns) == list(SERIES_COLUMNS)
    assert len(s) == 8
    assert sorted(set(s["week_end"])) == WEEKS
    assert s["week_end"].is_monotonic_increasing


def test_levels_follow_the_dated_records_week_by_week(ws):
    s = weekly_series(ws, geo.Selection.make(as_of=AS_OF), weeks=4)
    assert by_hamlet(s, "hotspot_level") == {
        "A": ["none", "watch", "risk", "none"],
        "B": ["watch", "watch", "watch", "none"],
    }


def test_changes_say_new_worse_better_and_same(ws):
    s = weekly_series(ws, geo.Selection.make(as_of=AS_OF), weeks=4)
    assert by_hamlet(s, "change") == {
        "A": ["same", "new", "worse", "better"],
        "B": ["same", "same", "same", "better"],
    }
    assert by_hamlet(s, "previous_level")["A"] == ["none", "none", "watch", "risk"]
    assert by_hamlet(s, "score_change")["A"] == [0.0, 1.0, 10.5, -11.5]


def test_each_weeks_reasons_are_those_of_that_week(ws):
    s = weekly_series(ws, geo.Selection.make(as_of=AS_OF), weeks=4)
    reasons = by_hamlet(s, "hotspot_reasons")["A"]
    assert reasons == [
        [],
        ["1 đơn khiếu nại đang giải quyết (giá bồi thường)"],
        ["1 đơn tập thể 12 người ký", "1 đơn khiếu nại đang giải quyết (giá bồi thường)"],
        [],
    ]


def test_every_week_comes_from_one_call_of_the_time_slice(ws, monkeypatch):
    seen = []
    real = series_module.time_slice

    def spy(workspace, selection):
        seen.append(selection.as_of)
        return real(workspace, selection)

    monkeypatch.setattr(series_module, "time_slice", spy)
    weekly_series(ws, geo.Selection.make(as_of=AS_OF), weeks=4)
    assert seen == [date(2026, 10, 23), *WEEKS]


def test_the_selection_filters_every_week(ws):
    s = weekly_series(ws, geo.Selection.make(as_of=AS_OF, hamlets=["B"]), weeks=2)
    assert set(s["hamlet_id"]) == {"B"}


def test_the_number_of_weeks_defaults_to_the_configuration(ws):
    s = weekly_series(ws, geo.Selection.make(as_of=AS_OF), config=geo.hotspots.hotspot_config({"series_weeks": 3}))
    assert len(set(s["week_end"])) == 3


def test_the_api_gives_the_series_and_this_weeks_change_per_hamlet(ws):
    result = compute_hotspots(ws, geo.Selection.make(as_of=AS_OF), weeks=4)
    assert len(result.series) == 8
    levels = result.levels.set_index("hamlet_id")
    assert levels["hotspot_change"].to_dict() == {"A": "better", "B": "better"}
    assert levels["previous_level"].to_dict() == {"A": "risk", "B": "watch"}
    last = result.series[result.series["week_end"] == WEEKS[-1]].set_index("hamlet_id")
    assert last["hotspot_score"].to_dict() == levels["hotspot_score"].to_dict()


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        ("none", "none", "same"),
        ("none", "watch", "new"),
        ("none", "hotspot", "new"),
        ("watch", "risk", "worse"),
        ("risk", "watch", "better"),
        ("hotspot", "none", "better"),
        ("risk", "risk", "same"),
    ],
)
def test_change_compares_two_levels(previous, current, expected):
    assert change(previous, current) == expected
    assert expected in CHANGES
