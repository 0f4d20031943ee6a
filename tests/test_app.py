"""The dashboard through Streamlit's AppTest: filters, panels, meeting mode, URL, validation page, caching."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pyarrow as pa
import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

import geo
from tests.conftest import sq

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
SAMPLE = ROOT / "data" / "hoson"
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung")
EVIL_MD = "![x](http://203.0.113.9/beacon.png)"


def _households() -> list[dict]:
    rows = [
        ("H1", NAMES[0], "P1", "1", "1", "handed_over", "100000000", "yes"),
        ("H2", NAMES[1], "P1", "1", "2", "paid", "200000000", "yes"),
        ("H3", NAMES[2], "P2", "2", "1", "surveyed", "", "no"),
        ("H4", NAMES[3], "P2", "2", "2", "plan_posted", "", "unknown"),
    ]
    return [
        {
            "household_id": h,
            "household_name": n,
            "project_id": p,
            "map_sheet": s,
            "parcel_no": t,
            "stage": st,
            "stage_date": "01/10/2026",
            "compensation_vnd": c,
            "agreement": a,
        }
        for h, n, p, s, t, st, c, a in rows
    ]


@pytest.fixture
def app_ws(build) -> Path:
    """Two hamlets, two projects, four households, history, grievances and field reports."""
    return build(
        toml='[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n',
        hamlets=[
            {
                "hamlet_id": "A",
                "hamlet_name": "Thôn Đồng Tâm",
                "officer": "Cán bộ Hoàng Văn Em",
                "party_cell": "Chi bộ Đồng Tâm",
                "geometry": sq(0, 0, 1000),
            },
            {
                "hamlet_id": "B",
                "hamlet_name": f"Thôn {EVIL_MD}",
                "officer": "Cán bộ Vũ Thị Giang",
                "party_cell": "Chi bộ Lân Hoài",
                "geometry": sq(1000, 0, 1000),
            },
        ],
        projects=[
            {"project_id": "P1", "project_name": "Đường tỉnh ĐT.242", "handover_deadline": "31/12/2026"},
            {"project_id": "P2", "project_name": "Cụm công nghiệp", "handover_deadline": "30/06/2027"},
        ],
        households=_households(),
        stage_history=[
            {"household_id": "H1", "project_id": "P1", "stage": "notified", "date": "01/06/2026"},
            {"household_id": "H1", "project_id": "P1", "stage": "plan_approved", "date": "01/08/2026"},
            {"household_id": "H1", "project_id": "P1", "stage": "paid", "date": "01/09/2026"},
            {"household_id": "H1", "project_id": "P1", "stage": "handed_over", "date": "01/10/2026"},
            {"household_id": "H2", "project_id": "P1", "stage": "notified", "date": "01/06/2026"},
            {"household_id": "H2", "project_id": "P1", "stage": "paid", "date": "01/10/2026"},
            {"household_id": "H3", "project_id": "P2", "stage": "surveyed", "date": "01/10/2026"},
            {"household_id": "H4", "project_id": "P2", "stage": "plan_posted", "date": "01/10/2026"},
        ],
        grievances=[
            {
                "grievance_id": "G1",
                "received_date": "01/08/2026",
                "kind": "complaint",
                "topic": "area",
                "signatories": 6,
                "status": "received",
                "household_id": "H3",
                "project_id": "P2",
            },
            {
                "grievance_id": "G2",
                "received_date": "01/11/2026",
                "kind": "petition",
                "topic": "support",
                "signatories": 1,
                "status": "resolved",
                "resolved_date": "10/11/2026",
                "household_id": "H1",
                "project_id": "P1",
            },
        ],
        field_reports=[
            {
                "report_date": "15/11/2026",
                "hamlet_id": "B",
                "reporter": "Đặng Văn Hải",
                "mood": "agitated",
                "note": f"Hộ {NAMES[2]} chưa đồng ý",
            },
            {
                "report_date": "15/11/2026",
                "hamlet_id": "A",
                "reporter": "Bùi Thị Lan",
                "mood": "stable",
                "note": "Ổn định",
            },
        ],
    )


def run_app(monkeypatch, path: Path, params: dict | None = None, timeout: float = 120) -> AppTest:
    monkeypatch.setenv("GEO_WORKSPACE", str(path))
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def qp(at: AppTest, key: str) -> list[str]:
    """A URL query parameter of the app after its run, always as a list."""
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def page_text(at: AppTest) -> str:
    """Everything the page holds as text: elements, tables, charts' data and the map's HTML and script."""
    parts: list[str] = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            table = pa.ipc.open_stream(dataset.data.data).read_all()
            parts.append(table.to_pandas().to_csv())
    for comp in at.get("component_instance"):
        args = json.loads(comp.proto.json_args)
        parts += [args.get("script", ""), args.get("header", ""), args.get("html", "")]
    return "\n".join(parts)


def map_script(at: AppTest) -> str:
    comps = at.get("component_instance")
    assert len(comps) == 1, "one map on the page"
    return json.loads(comps[0].proto.json_args)["script"]


# --------------------------------------------------------------------------- the page


def test_page_shows_figures_map_table_charts_and_hamlet_page(monkeypatch, app_ws):
    st_cache_clear()
    at = run_app(monkeypatch, app_ws)
    assert metric(at, "Số hộ bị thu hồi đất") == "4"
    assert metric(at, "Hộ đã bàn giao") == "25,0%"
    assert metric(at, "Đơn thư chưa giải quyết") == "1"
    assert metric(at, "Đơn thư quá hạn") == "1"
    assert "Tiến độ giải phóng mặt bằng" in at.title[0].value and "Xã Thử" in at.title[0].value
    table = at.dataframe[0].value
    assert list(table.columns[:3]) == ["Mã thôn", "Tên thôn", "Số thửa bị ảnh hưởng"]
    assert "Mức cảnh báo" in table.columns and len(table) == 2
    assert len(at.get("download_button")) == 8  # 2 table CSVs + 6 exports in the sidebar
    assert len(at.get("vega_lite_chart")) >= 4  # progress + kind, topic, status
    assert at.tabs and len(at.tabs) == 4
    script = map_script(at)
    assert "L.control.layers" in script and "map-legend" in script
    text = page_text(at)
    assert "Chi bộ Đồng Tâm" in text or "Chi bộ Lân Hoài" in text
    assert "Hạn 31/12/2026" in text  # deadline of the progress chart, day-first


def test_markdown_in_data_is_shown_as_text(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws, {"hamlet": "B"})
    markdown = "\n".join(e.value for e in [*at.markdown, *at.title, *at.subheader, *at.caption])
    assert "](http" not in markdown
    assert "203.0.113.9" in page_text(at)  # shown, as text


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
    table = at.dataframe[0].value
    assert table["Số hộ"].sum() == 2
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


# --------------------------------------------------------------------------- meeting mode


def _assert_no_personal_data(at: AppTest) -> None:
    text = page_text(at)
    for name in NAMES:
        assert name not in text, name
    for amount in ("100.000.000", "200.000.000", "100000000", "200000000"):
        assert amount not in text, amount
    for person in ("Đặng Văn Hải", "Bùi Thị Lan"):
        assert person not in text


def test_meeting_mode_one_click_hides_personal_data(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws)
    assert NAMES[0] in page_text(at)  # the officers' view has the names
    at.toggle(key="f_meeting").set_value(True).run()
    assert not at.exception
    assert qp(at, "meeting") == ["1"]
    _assert_no_personal_data(at)
    assert metric(at, "Số hộ bị thu hồi đất") == "4"
    assert not at.tabs and not at.dataframe
    assert 'classList.add("meeting")' in map_script(at)
    assert any("font-size: 20px" in str(h.proto) for h in at.get("html"))


def test_meeting_mode_from_the_url(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws, {"meeting": "1", "project": "P2"})
    assert at.toggle(key="f_meeting").value is True
    _assert_no_personal_data(at)
    assert metric(at, "Số hộ bị thu hồi đất") == "2"


# --------------------------------------------------------------------------- validation page


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
    assert not at.metric and not at.get("component_instance")


def test_missing_folder_opens_the_problem_page(monkeypatch, tmp_path):
    at = run_app(monkeypatch, tmp_path / "does-not-exist")
    assert "Dữ liệu chưa dùng được" in at.title[0].value
    (item,) = problem_items(at)
    assert "does not exist" in item


def problem_items(at: AppTest) -> list[str]:
    """The numbered problems of the validation page (or the warnings expander), one string each, unescaped."""
    items: list[str] = []
    for m in at.markdown:
        items += [re.sub(r"\\(.)", r"\1", part) for part in re.split(r"(?m)^\d+\. ", m.value) if "How to fix" in part]
    return items


def test_the_problem_page_lists_all_three_errors_of_a_workspace_broken_three_ways_with_their_fixes(monkeypatch, sample):
    from tests.conftest import break_three_ways

    at = run_app(monkeypatch, break_three_ways(sample))
    assert [h.value for h in at.subheader][:1] == ["Lỗi / Errors (3)"]
    errors = [item for item in problem_items(at) if "LỖI / error" in item]
    assert len(errors) == 3
    prj, column, day = errors
    assert "parcels.shp" in prj and "Copy the .prj from the source, or declare the CRS in workspace.toml." in prj
    assert "households.xlsx" in column and "“Mã hộ”" in column and "map your header in workspace.toml." in column
    assert "there is no 31 February 2026" in day and "or use Excel date cells." in day
    assert not at.dataframe


def test_data_warnings_of_a_usable_workspace_are_listed_with_their_fixes_in_full(monkeypatch, sample):
    at = run_app(monkeypatch, sample)
    assert at.metric  # the page itself is drawn
    (item,) = problem_items(at)  # the sample's three household rows on parcels not in the layer
    assert "households.xlsx, dòng/row 312, 473, 801" in item
    assert item.rstrip().endswith("or add the parcel to the parcels layer.")


def test_an_impossible_date_in_the_link_is_ignored_saying_why(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws, {"as_of": "31/02/2026"})
    assert any("there is no 31 February 2026" in w.value for w in at.warning)


def test_a_settings_file_of_the_wrong_shape_opens_the_problem_page_not_a_crash(monkeypatch, sample):
    (sample / "workspace.toml").write_text("[grievances]\ndeadline_days = 5\n", encoding="utf-8")
    at = run_app(monkeypatch, sample)
    assert "Dữ liệu chưa dùng được" in at.title[0].value
    (error,) = [item for item in problem_items(at) if "LỖI / error" in item]
    assert "workspace.toml" in error and "[grievances] deadline_days" in error and "complaint = 30" in error


def test_invalid_utf8_in_a_geopackage_opens_the_problem_page_naming_the_feature(monkeypatch, sample):
    from tests.conftest import replace_bytes

    replace_bytes(sample / "hamlets.gpkg", "Thôn Tân Hồ".encode(), b"Th\xff\xfe" + "n Tân Hồ".encode())
    at = run_app(monkeypatch, sample)
    (error,) = [item for item in problem_items(at) if "LỖI / error" in item]
    assert "hamlets.gpkg" in error and "“hamlet_name”" in error and "feature 3" in error


# --------------------------------------------------------------------------- speed and configuration


def st_cache_clear() -> None:
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()


def test_filter_change_does_not_reload_the_data(monkeypatch, app_ws):
    st_cache_clear()
    calls = []
    real = geo.load_workspace

    def counting(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(geo, "load_workspace", counting)
    at = run_app(monkeypatch, app_ws)
    at.sidebar.selectbox[0].select("P1").run()
    at.sidebar.selectbox[0].select("P2").run()
    at.toggle(key="f_meeting").set_value(True).run()
    assert not at.exception
    assert len(calls) == 1


def test_one_streamlit_configuration_beside_the_script():
    link = ROOT / "dashboard" / ".streamlit" / "config.toml"
    assert link.is_symlink()
    assert not Path(link.readlink()).is_absolute()
    assert link.resolve() == (ROOT / "streamlit_config.toml").resolve()
    cfg = tomllib.loads(link.read_text(encoding="utf-8"))
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["server"]["enableStaticServing"] is True
    assert cfg["theme"]["primaryColor"]
    assert not list(ROOT.glob(".streamlit/config.toml")), "one configuration only"


@pytest.mark.skipif(not (SAMPLE / "hamlets.gpkg").exists(), reason="the sample workspace data/hoson is not there")
def test_sample_workspace_opens_and_switches_project(monkeypatch):
    at = run_app(monkeypatch, SAMPLE, timeout=300)
    total = metric(at, "Số hộ bị thu hồi đất")
    project = at.sidebar.selectbox[0].options[1]
    at.sidebar.selectbox[0].select(project).run(timeout=120)
    assert not at.exception
    assert metric(at, "Số hộ bị thu hồi đất") != total


def test_export_buttons_follow_the_selection(monkeypatch, app_ws):
    st_cache_clear()
    at = run_app(monkeypatch, app_ws, {"project": "P1", "as_of": "2026-11-20"})
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert any("Báo cáo tuần" in label for label in labels) and any("Excel" in label for label in labels)
    keys = {b.key for b in buttons}
    assert {"dl_report_week", "dl_report_month", "dl_xlsx", "dl_png", "dl_pdf", "dl_html"} <= keys


def test_export_file_names_carry_project_and_day_first_date():
    from datetime import date

    from dashboard.downloads import file_stem
    from geo.selection import Selection

    assert file_stem(None, Selection(project="P1", as_of=date(2026, 11, 20))) == "P1_20-11-2026"
    assert file_stem(None, Selection(as_of=date(2026, 11, 20))) == "tat_ca_du_an_20-11-2026"


# --------------------------------------------------------------------------- totals and numbers (issue 11)


def shown(frame):
    """What a table shows on screen: its Styler's display values where it has them, else its values."""
    from streamlit import dataframe_util

    display = frame.proto.arrow_data.styler.display_values
    return dataframe_util.convert_arrow_bytes_to_pandas_df(display) if display else frame.value


def test_every_table_on_screen_writes_vietnamese_numbers(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws)
    table = shown(at.dataframe[0]).set_index("Mã thôn")
    assert table.loc["A", "Diện tích thu hồi (m²)"] == "300,5"
    assert table.loc["A", "Tỷ lệ hộ bàn giao (%)"] == "50,00%"
    assert table.loc["A", "Tiền đã chi trả (đồng)"] == "300.000.000"
    assert at.dataframe[0].value.set_index("Mã thôn").loc["A", "Số hộ"] == 2  # the numbers stay numbers (sorting)
    totals = at.dataframe[1].value.set_index("Tên thôn")
    assert totals.loc["Tổng cộng", "Tiền đã chi trả (đồng)"] == "300.000.000"
    at.selectbox(key="hamlet_page").select("A").run()
    households = shown(at.dataframe[-1])  # the hamlet page's household list
    assert set(households["Tiền bồi thường (đồng)"]) == {"100.000.000", "200.000.000"}
    progress = next(spec for spec in (json.loads(c.proto.spec) for c in at.get("vega_lite_chart")) if "layer" in spec)
    number = progress["config"]["locale"]["number"]
    assert (number["decimal"], number["thousands"]) == (",", ".")  # the tooltips read "66,67"


def test_the_summary_table_adds_up_to_the_headline_with_unplaced_rows(monkeypatch, build):
    from tests.conftest import totals_layers

    folder = build(toml='[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n', **totals_layers())
    at = run_app(monkeypatch, folder)
    table = at.dataframe[0].value
    assert table["Tên thôn"].tolist() == ["Thôn Đồng Tâm", "Thôn Lân Hoài", "Chưa xác định thôn / not placed"]
    totals = at.dataframe[1].value.set_index("Tên thôn")
    assert list(totals.index) == ["Trừ hộ tính ở nhiều dòng / counted in more than one row", "Tổng cộng"]
    assert table["Số hộ"].sum() + int(totals["Số hộ"].iloc[0]) == int(totals.loc["Tổng cộng", "Số hộ"])
    assert totals.loc["Tổng cộng", "Số hộ"] == metric(at, "Số hộ bị thu hồi đất") == "5"
    assert any("Chưa xác định thôn" in c.value and "nhiều thôn" in c.value for c in at.caption)


def test_a_project_filter_labels_a_hamlet_wide_alert_and_does_not_count_it(monkeypatch, app_ws):
    # hamlet B's agitated report is its own; P1 has no household or grievance in B
    at = run_app(monkeypatch, app_ws, {"project": "P1"})
    level = at.dataframe[0].value.set_index("Mã thôn").loc["B", "Mức cảnh báo"]
    assert level == "Theo dõi (cả thôn / hamlet-wide)"
    hot = next(m for m in at.metric if m.label == "Điểm nóng")
    assert hot.value == "0" and "0 theo dõi" in hot.delta


def test_the_headline_says_how_many_hamlet_wide_alerts_there_are_besides_the_projects_hotspots(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws, {"project": "P1"})  # B's agitated report: a hamlet-wide alert under P1
    hot = next(m for m in at.metric if m.label == "Điểm nóng")
    assert hot.delta == "0 nguy cơ · 0 theo dõi · thêm 1 cảnh báo cả thôn"
    everything = next(m for m in run_app(monkeypatch, app_ws).metric if m.label == "Điểm nóng")
    assert "cả thôn" not in everything.delta  # without a project filter every alert is counted as such


# --------------------------------------------------------------------------- unforeseen errors (issue 12.7)


def _raise(*args, **kwargs):
    raise RuntimeError(f"simulated bug quoting {NAMES[0]}")


def test_an_analysis_that_fails_shows_what_failed_and_what_to_do_not_the_crash_page(monkeypatch, app_ws):
    # monkeypatched: it stands for a bug nobody foresaw, which no real workspace triggers today
    monkeypatch.setattr("dashboard.data.analyse", _raise)
    at = run_app(monkeypatch, app_ws)  # asserts: no exception element (Streamlit's crash page)
    (error,) = [e.value for e in at.error]
    assert "Lỗi không mong đợi khi phân tích dữ liệu / Unexpected error in the analysis" in error
    assert "(RuntimeError)" in error and "`python -m geo validate FOLDER`" in error
    assert NAMES[0] not in error  # the error's own text may quote data: it goes to the log only
    assert not at.metric and not at.get("component_instance")  # stopped: nothing drawn from a failed analysis


def test_a_failing_panel_is_named_and_the_rest_of_the_page_still_works(monkeypatch, app_ws):
    monkeypatch.setattr("dashboard.panels.summary_table", _raise)
    at = run_app(monkeypatch, app_ws)
    (error,) = [e.value for e in at.error]
    assert "Unexpected error in the per\\-hamlet table" in error and "Các phần khác của trang vẫn dùng được" in error
    assert metric(at, "Số hộ bị thu hồi đất") == "4"
    assert len(at.get("component_instance")) == 1  # the map
    assert len(at.get("vega_lite_chart")) >= 4  # the other tabs
    assert qp(at, "meeting") == [] and at.toggle(key="f_meeting").value is False


def test_control_characters_in_a_file_name_show_as_escapes_on_the_problem_page(monkeypatch, workspace):
    (workspace / "hamlets.gpkg").unlink()  # the missing-layer error lists the folder's files
    (workspace / "ghi chú\x1b[2J\u202eevil.txt").write_text("x", encoding="utf-8")
    at = run_app(monkeypatch, workspace)
    (error,) = [item for item in problem_items(at) if "LỖI / error" in item]
    assert "ghi chú\\x1b[2J\\u202eevil.txt" in error
    assert not any(c in m.value for m in at.markdown for c in "\x1b\u202e")
