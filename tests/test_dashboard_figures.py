"""Numbers the panels chart (dashboard/figures.py): weekly handover per project and the projects' deadlines."""

from __future__ import annotations

from datetime import date

import pytest

import geo
from dashboard.figures import WEEKLY_COLUMNS, deadlines, weekly_handover
from tests.dashboard_support import build_app_ws


@pytest.fixture
def ws(build) -> geo.Workspace:
    return geo.load_workspace(build_app_ws(build))


def test_the_weekly_handover_ends_with_the_share_handed_over_on_the_as_of_date(ws: geo.Workspace):
    series = weekly_handover(ws, geo.Selection.make(as_of="2026-11-20"))
    assert list(series.columns) == WEEKLY_COLUMNS
    last = series[series["project_id"] == "P1"].iloc[-1]
    assert (last["handed_over"], last["households"], last["share_pct"]) == (1, 2, 50.0)
    assert series["share_pct"].between(0, 100).all()


def test_the_weekly_handover_keeps_at_most_the_weeks_asked_for(ws: geo.Workspace):
    series = weekly_handover(ws, geo.Selection.make(as_of="2026-11-20"), max_weeks=3)
    assert series["week"].nunique() <= 3


def test_deadlines_are_those_of_the_projects_asked_for(ws: geo.Workspace):
    dl = deadlines(ws, ["P2"])
    assert dl.to_dict("records") == [
        {"project_id": "P2", "project_name": "Cụm công nghiệp", "deadline": date(2027, 6, 30)}
    ]
