"""Invariants of the summary on random workspaces (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

import geo
from geo.config import WorkspaceConfig
from geo.problems import Report
from geo.schema import STAGES
from geo.source import SourceInfo
from geo.workspace import Workspace, _empty_workspace

CRS = "EPSG:9215"
PROJECTS = ("P1", "P2", "P3")
AS_OF = date(2026, 11, 20)


def make_ws(rows: list[tuple], grievances: list[tuple]) -> Workspace:
    """An in-memory workspace: 3 hamlets × 4 parcels, households and grievances from the draw."""
    ws = _empty_workspace(SourceInfo("memory", "mem", "memory"), WorkspaceConfig(), Report())
    ws.crs = gpd.GeoSeries([], crs=CRS).crs
    ws.hamlets = gpd.GeoDataFrame(
        {"hamlet_id": ["A", "B", "C"], "hamlet_name": ["a", "b", "c"]},
        geometry=[box(i * 1000, 0, i * 1000 + 1000, 1000) for i in range(3)],
        crs=CRS,
    )
    pids = [f"1-{i}" for i in range(12)]
    ws.parcels = gpd.GeoDataFrame(
        {
            "parcel_id": pids,
            "hamlet_id": [("A", "B", "C")[i // 4] for i in range(12)],
            "area_m2": [100.0 + i for i in range(12)],
            "land_use": ["LUC"] * 12,
        },
        geometry=[box(i * 250, 0, i * 250 + 10, 10) for i in range(12)],
        crs=CRS,
    )
    ws.projects = pd.DataFrame(
        {
            "project_id": list(PROJECTS),
            "project_name": list(PROJECTS),
            "handover_deadline": pd.to_datetime(["2026-12-31"] * 3),
        }
    )
    hh = pd.DataFrame(
        rows, columns=["household_id", "project_id", "parcel", "stage", "days", "area", "vnd", "agreement"]
    )
    hh["parcel_id"] = hh["parcel"].map(lambda i: pids[i])
    hh["hamlet_id"] = hh["parcel_id"].map(ws.parcels.set_index("parcel_id")["hamlet_id"])
    hh["parcel_area_m2"] = hh["parcel_id"].map(ws.parcels.set_index("parcel_id")["area_m2"])
    hh["stage_date"] = pd.to_datetime([AS_OF - timedelta(days=int(d)) for d in hh["days"]])
    hh["acquired_area_m2"] = hh["area"].astype("float64")
    hh["compensation_vnd"] = hh["vnd"].astype("float64")
    hh["row"] = range(2, len(hh) + 2)
    ws.households = hh
    g = pd.DataFrame(grievances, columns=["grievance_id", "hamlet_id", "project_id", "days", "status", "signatories"])
    g["received_date"] = pd.to_datetime([AS_OF - timedelta(days=int(d)) for d in g["days"]])
    g["resolved_date"] = pd.NaT
    g["kind"] = "complaint"
    g["household_id"] = pd.NA
    ws.grievances = g
    ws.present = {"hamlets", "parcels", "projects", "households", "grievances"}
    return ws


household_rows = st.lists(
    st.tuples(
        st.sampled_from([f"H{i}" for i in range(15)]),
        st.sampled_from(PROJECTS),
        st.integers(0, 11),
        st.sampled_from(STAGES.keys),
        st.integers(-30, 200),
        st.one_of(st.none(), st.floats(0, 5000)),
        st.one_of(st.none(), st.floats(0, 5e9)),
        st.sampled_from(["yes", "no", "unknown", None]),
    ),
    max_size=40,
)
grievance_rows = st.lists(
    st.tuples(
        st.text("G0123456789", min_size=3, max_size=6),
        st.sampled_from(["A", "B", "C"]),
        st.sampled_from(PROJECTS),
        st.integers(-10, 120),
        st.sampled_from(["received", "in_progress", "resolved", "withdrawn", "escalated"]),
        st.integers(1, 30),
    ),
    max_size=15,
    unique_by=lambda t: t[0],
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(household_rows, grievance_rows)
def test_percentages_stay_between_0_and_100(rows, grievances):
    s = geo.hamlet_summary(make_ws(rows, grievances), as_of=AS_OF)
    for col in ("handover_pct", "area_handed_over_pct"):
        assert s[col].between(0, 100).all()


@SETTINGS
@given(household_rows, grievance_rows)
def test_handed_over_never_exceeds_paid_nor_paid_households(rows, grievances):
    s = geo.hamlet_summary(make_ws(rows, grievances), as_of=AS_OF)
    assert (s["households_handed_over"] <= s["households_paid"]).all()
    assert (s["households_paid"] <= s["households"]).all()
    assert (s["grievances_overdue"] <= s["grievances_open"]).all()


@SETTINGS
@given(household_rows, grievance_rows)
def test_per_project_summaries_add_up_to_the_unfiltered_one(rows, grievances):
    ws = make_ws(rows, grievances)
    whole = geo.hamlet_summary(ws, as_of=AS_OF).set_index("hamlet_id")
    parts = [geo.hamlet_summary(ws, project=p, as_of=AS_OF).set_index("hamlet_id") for p in PROJECTS]
    for col in ("area_affected_m2", "compensation_paid_vnd"):
        assert (
            sum(p[col] for p in parts).round(2).equals(whole[col].round(2))
            or (sum(p[col] for p in parts) - whole[col]).abs().max() < 0.05
        )
    assert sum(p["grievances_open"] for p in parts).equals(whole["grievances_open"])
    assert sum(p["grievances_overdue"] for p in parts).equals(whole["grievances_overdue"])
    # a household can be in several projects: the parts bound the whole from above
    assert (sum(p["households"] for p in parts) >= whole["households"]).all()
    assert (sum(p["parcels_affected"] for p in parts) >= whole["parcels_affected"]).all()


@pytest.mark.parametrize("day", [date(2026, 1, 1), AS_OF])
def test_empty_workspace_summary_is_all_zero(day):
    s = geo.hamlet_summary(make_ws([], []), as_of=day)
    assert s[["households", "grievances_open", "handover_pct"]].to_numpy().sum() == 0
