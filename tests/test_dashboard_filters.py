"""The sidebar's filters and the page link (dashboard/filters.py), through Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard_support import build_app_ws, map_script, metric, qp, run_app, summary_rows


@pytest.fixture
def app_ws(build) -> Path:
    """Two hamlets, two projects, four households, history, grievances and field reports."""
    return build_app_ws(build)


def test_project_filter_changes_every_number_and_the_url(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws)
    before = map_script(at)
    at.sidebar.selectbox[0].select("P2").run()
    assert not at.exception
    assert metric(at, "Số hộ bị thu hồi đất") == "2"
    assert metric(at, "Hộ đã bàn giao") == "0,0%"
    assert metric(at, "Đơn thư chưa giải quyết") == "1"
    assert qp(at, "project") == ["P2"]
    assert map_script(at) != before
    assert summary_rows(at)["Số hộ"].astype(int).sum() == 2
    at.sidebar.multiselect[0].select("A").run()  # hamlet
    assert metric(at, "Số hộ bị thu hồi đất") == "0"
    assert qp(at, "hamlet") == ["A"]


def test_stage_land_use_and_date_filters(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws)
    at.sidebar.multiselect[1].select("handed_over").run()  # stage
    assert metric(at, "Số hộ bị thu hồi đất") == "1"
    assert qp(at, "stage") == ["handed_over"]
    at.sidebar.multiselect[1].unselect("handed_over").run()
    at.sidebar.multiselect[2].select("LUC").run()  # land use: parcels 1-1 and 2-2
    assert metric(at, "Số hộ bị thu hồi đất") == "2"
    at.sidebar.multiselect[2].unselect("LUC").run()
    at.sidebar.date_input[0].set_value(__import__("datetime").date(2026, 9, 1)).run()
    # on 01/09/2026 only H1 and H2 had started (history from 01/06/2026); nobody had handed over
    assert metric(at, "Số hộ bị thu hồi đất") == "2"
    assert metric(at, "Hộ đã bàn giao") == "0,0%"
    assert qp(at, "as_of") == ["2026-09-01"]


def test_query_parameters_restore_the_selection(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws, {"project": "P1", "hamlet": "A", "as_of": "20/11/2026"})
    assert at.sidebar.selectbox[0].value == "P1"
    assert at.sidebar.multiselect[0].value == ["A"]
    assert str(at.sidebar.date_input[0].value) == "2026-11-20"
    assert metric(at, "Số hộ bị thu hồi đất") == "2"
    assert metric(at, "Hộ đã bàn giao") == "50,0%"


def test_unknown_query_values_are_ignored_with_a_note(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws, {"project": "NOPE", "stage": "flying"})
    assert at.sidebar.selectbox[0].value == ""
    assert any("NOPE" in w.value and "flying" in w.value for w in at.warning)
    assert metric(at, "Số hộ bị thu hồi đất") == "4"


def test_an_impossible_date_in_the_link_is_ignored_saying_why(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws, {"as_of": "31/02/2026"})
    assert any("there is no 31 February 2026" in w.value for w in at.warning)
