"""The page as a whole (dashboard/app.py): its parts, meeting mode, the problem page's routing, configuration."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import geo
from tests.conftest import sq
from tests.dashboard_support import (
    NAMES,
    ROOT,
    SAMPLE,
    assert_no_personal_data,
    build_app_ws,
    headline,
    html_tables,
    map_script,
    metric,
    open_tab,
    page_text,
    problem_items,
    qp,
    raise_bug,
    run_app,
    st_cache_clear,
    summary_rows,
)


@pytest.fixture
def app_ws(build) -> Path:
    """Two hamlets, two projects, four households, history, grievances and field reports."""
    return build_app_ws(build)


def test_page_shows_figures_map_table_charts_and_hamlet_page(monkeypatch, app_ws):
    st_cache_clear()
    at = run_app(monkeypatch, app_ws)
    assert metric(at, "Số hộ bị thu hồi đất") == "4"
    assert metric(at, "Hộ đã bàn giao") == "25,0%"
    assert metric(at, "Đơn thư chưa giải quyết") == "1"
    assert metric(at, "Đơn thư quá hạn") == "1"
    assert "Tiến độ giải phóng mặt bằng" in at.title[0].value and "Xã Thử" in at.title[0].value
    (table,) = html_tables(at)
    assert list(table.columns[:3]) == ["Mã thôn", "Tên thôn", "Số thửa bị ảnh hưởng"]
    assert "Mức cảnh báo" in table.columns and len(summary_rows(at)) == 2
    assert len(at.get("download_button")) == 8  # 2 table CSVs + 6 exports in the sidebar
    assert at.tabs and len(at.tabs) == 4
    assert not at.get("vega_lite_chart")  # only the open tab's content is drawn
    script = map_script(at)
    assert "L.control.layers" in script and "map-legend" in script
    open_tab(at, "Tiến độ theo dự án")
    assert len(at.get("vega_lite_chart")) == 1
    assert "Hạn 31/12/2026" in page_text(at)  # deadline of the progress chart, day-first
    open_tab(at, "Đơn thư")
    assert len(at.get("vega_lite_chart")) >= 3  # kind, topic, status
    open_tab(at, "Trang thôn")
    text = page_text(at)
    assert "Chi bộ Đồng Tâm" in text or "Chi bộ Lân Hoài" in text


def test_meeting_mode_one_click_hides_personal_data(monkeypatch, app_ws):
    at = open_tab(run_app(monkeypatch, app_ws), "Trang thôn")
    at.toggle(key="hamlet_households").set_value(True).run()  # names only once asked for (issue 16)
    assert [n for n in NAMES if n in page_text(at)]  # the officers' view has the names (of the hamlet shown)
    at.toggle(key="f_meeting").set_value(True).run()
    assert not at.exception
    assert qp(at, "meeting") == ["1"]
    assert_no_personal_data(at)
    assert metric(at, "Số hộ bị thu hồi đất") == "4"
    assert not at.tabs and not at.dataframe and not html_tables(at)
    assert 'classList.add("meeting")' in map_script(at)
    assert any("font-size: 20px" in str(h.proto) for h in at.get("html"))


def test_meeting_mode_from_the_url(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws, {"meeting": "1", "project": "P2"})
    assert at.toggle(key="f_meeting").value is True
    assert_no_personal_data(at)
    assert metric(at, "Số hộ bị thu hồi đất") == "2"


def test_broken_workspace_opens_a_problem_page(monkeypatch, build):
    folder = build(
        hamlets=[
            {"hamlet_id": "A", "hamlet_name": "Thôn Một", "geometry": sq(0, 0, 1000)},
            {"hamlet_id": "A", "hamlet_name": "Thôn Hai", "geometry": sq(1000, 0, 1000)},
        ],
        households=[
            {
                "household_id": "H1",
                "project_id": "P1",
                "map_sheet": "1",
                "parcel_no": "1",
                "stage": "flying",
                "stage_date": "99/99/2026",
            }
        ],
    )
    ws = geo.load_workspace(folder)
    assert not ws.report.ok
    at = run_app(monkeypatch, folder)
    assert "Dữ liệu chưa dùng được" in at.title[0].value
    items = problem_items(at)
    assert len(items) == len(ws.report.problems)
    assert all("Cách sửa / How to fix" in item for item in items)
    assert any("Duplicate “hamlet_id”" in item for item in items)
    assert not headline(at) and not at.get("component_instance")


def test_missing_folder_opens_the_problem_page(monkeypatch, tmp_path):
    at = run_app(monkeypatch, tmp_path / "does-not-exist")
    assert "Dữ liệu chưa dùng được" in at.title[0].value
    (item,) = problem_items(at)
    assert "does not exist" in item


def test_one_streamlit_configuration_beside_the_script():
    link = ROOT / "dashboard" / ".streamlit" / "config.toml"
    assert link.is_symlink()
    assert not Path(link.readlink()).is_absolute()
    assert link.resolve() == (ROOT / "streamlit_config.toml").resolve()
    cfg = tomllib.loads(link.read_text(encoding="utf-8"))
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["server"]["enableStaticServing"] is True
    assert cfg["theme"]["primaryColor"]
    assert cfg["runner"]["postScriptGC"] is False  # no full collection of the server's heap after every run
    assert not list(ROOT.glob(".streamlit/config.toml")), "one configuration only"


@pytest.mark.skipif(not (SAMPLE / "hamlets.gpkg").exists(), reason="the sample workspace data/hoson is not there")
def test_sample_workspace_opens_and_switches_project(monkeypatch):
    at = run_app(monkeypatch, SAMPLE, timeout=300)
    total = metric(at, "Số hộ bị thu hồi đất")
    project = at.sidebar.selectbox[0].options[1]
    at.sidebar.selectbox[0].select(project).run(timeout=120)
    assert not at.exception
    assert metric(at, "Số hộ bị thu hồi đất") != total


def test_an_analysis_that_fails_shows_what_failed_and_what_to_do_not_the_crash_page(monkeypatch, app_ws):
    # monkeypatched: it stands for a bug nobody foresaw, which no real workspace triggers today
    monkeypatch.setattr("dashboard.data.analyse", raise_bug)
    at = run_app(monkeypatch, app_ws)  # asserts: no exception element (Streamlit's crash page)
    (error,) = [e.value for e in at.error]
    assert "Lỗi không mong đợi khi phân tích dữ liệu / Unexpected error in the analysis" in error
    assert "(RuntimeError)" in error and "`python -m geo validate FOLDER`" in error
    assert NAMES[0] not in error  # the error's own text may quote data: it goes to the log only
    assert not headline(at) and not at.get("component_instance")  # stopped: nothing drawn from a failed analysis


def test_the_officers_view_shows_the_hamlet_pages_household_list(monkeypatch, app_ws):
    at = open_tab(run_app(monkeypatch, app_ws), "Trang thôn")  # no sign-in: outside meeting mode, PERSONAL
    at.toggle(key="hamlet_households").set_value(True).run()  # once asked for (issue 16)
    assert "Chủ hộ" in at.dataframe[-1].value.columns


def test_a_page_load_with_personal_disclosure_names_no_household_anywhere(monkeypatch, app_ws):
    """Issue 16: personal details are sent only on demand (a clicked parcel, the hamlet page's toggle)."""
    at = open_tab(run_app(monkeypatch, app_ws), "Trang thôn")
    assert at.toggle(key="hamlet_households").value is False
    text = page_text(at)
    for secret in (*NAMES, "100.000.000 đồng", "Chủ hộ"):
        assert secret not in text, secret
    at.toggle(key="hamlet_households").set_value(True).run()
    assert [n for n in NAMES if n in page_text(at)]


def test_the_hamlet_page_follows_the_pages_one_disclosure(monkeypatch, app_ws):
    # stands for the sign-in roles of a later issue, which will set the page's disclosure
    monkeypatch.setattr("dashboard.filters.disclosure", lambda meeting, access=None: geo.Disclosure.INTERNAL)
    at = run_app(monkeypatch, app_ws)
    assert "Chủ hộ" not in html_tables(at)[0].columns and at.tabs
    text = page_text(at)
    for name in NAMES:
        assert name not in text, name
