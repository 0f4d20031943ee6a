"""The page's panels (dashboard/panels.py): problem page, headline, tables, hamlet page, unforeseen errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard_support import (
    NAMES,
    build_app_ws,
    headline,
    html_tables,
    metric,
    open_section,
    open_tab,
    page_text,
    problem_items,
    qp,
    raise_bug,
    run_app,
    shown,
    summary_rows,
    summary_under,
)


@pytest.fixture
def app_ws(build) -> Path:
    """Two hamlets, two projects, four households, history, grievances and field reports."""
    return build_app_ws(build)


def test_markdown_in_data_is_shown_as_text(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws, {"hamlet": "B"})
    markdown = "\n".join(e.value for e in [*at.markdown, *at.title, *at.subheader, *at.caption])
    assert "](http" not in markdown
    assert "203.0.113.9" in page_text(at)  # shown, as text


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
    from dashboard.panels import WARNINGS_KEY

    at = run_app(monkeypatch, sample)
    assert headline(at)  # the page itself is drawn
    assert not problem_items(at)  # folded: the list is drawn once the section is opened
    open_section(at, WARNINGS_KEY)
    # the sample's three household rows on parcels not in the layer, and its workbook's notes sheet, named as
    # skipped (issue 17: every list sheet of a workbook is read, a sheet that is no list is named)
    sheet, item = sorted(problem_items(at), key=lambda text: "dòng/row" in text)
    assert "“Ghi chú”" in sheet and "skipped" in sheet
    assert "households.xlsx, trang tính/sheet “Danh sách hộ”, dòng/row 312, 473, 801" in item  # its sheet named too
    assert item.rstrip().endswith("or add the parcel to the parcels layer.")


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


def test_control_characters_in_a_file_name_show_as_escapes_on_the_problem_page(monkeypatch, workspace):
    (workspace / "hamlets.gpkg").unlink()  # the missing-layer error lists the folder's files
    (workspace / "ghi chú\x1b[2J\u202eevil.txt").write_text("x", encoding="utf-8")
    at = run_app(monkeypatch, workspace)
    (error,) = [item for item in problem_items(at) if "LỖI / error" in item]
    assert "ghi chú\\x1b[2J\\u202eevil.txt" in error
    assert not any(c in m.value for m in at.markdown for c in "\x1b\u202e")


def test_every_table_on_screen_writes_vietnamese_numbers(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws)
    table = summary_rows(at)
    assert table.loc["A", "Diện tích thu hồi (m²)"] == "300,5"
    assert table.loc["A", "Tỷ lệ hộ bàn giao (%)"] == "50,00%"
    assert table.loc["A", "Tiền đã chi trả (đồng)"] == "300.000.000"
    assert summary_under(at).loc["Tổng cộng", "Tiền đã chi trả (đồng)"] == "300.000.000"
    open_tab(at, "Trang thôn")
    at.selectbox(key="hamlet_page").select("A").run()
    at.toggle(key="hamlet_households").set_value(True).run()  # the list is drawn once asked for (issue 16)
    households = shown(at.dataframe[-1])  # the hamlet page's household list
    assert set(households["Tiền bồi thường (đồng)"]) == {"100.000.000", "200.000.000"}
    open_tab(at, "Tiến độ theo dự án")
    progress = next(spec for spec in (json.loads(c.proto.spec) for c in at.get("vega_lite_chart")) if "layer" in spec)
    number = progress["config"]["locale"]["number"]
    assert (number["decimal"], number["thousands"]) == (",", ".")  # the tooltips read "66,67"


def test_the_summary_table_adds_up_to_the_headline_with_unplaced_rows(monkeypatch, build):
    from tests.conftest import totals_layers

    folder = build(toml='[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n', **totals_layers())
    at = run_app(monkeypatch, folder)
    (table,) = html_tables(at)
    assert table["Tên thôn"].tolist() == [
        "Thôn Đồng Tâm",
        "Thôn Lân Hoài",
        "Chưa xác định thôn / not placed",
        "Trừ hộ tính ở nhiều dòng / counted in more than one row",
        "Tổng cộng",
    ]
    households = table["Số hộ"].str.replace(".", "", regex=False).astype(int)
    assert households.iloc[:4].sum() == households.iloc[4]  # the overlap's row is negative
    assert summary_under(at).loc["Tổng cộng", "Số hộ"] == metric(at, "Số hộ bị thu hồi đất") == "5"
    assert any("Chưa xác định thôn" in c.value and "nhiều thôn" in c.value for c in at.caption)


def test_a_project_filter_labels_a_hamlet_wide_alert_and_does_not_count_it(monkeypatch, app_ws):
    # hamlet B's agitated report is its own; P1 has no household or grievance in B
    at = run_app(monkeypatch, app_ws, {"project": "P1"})
    level = summary_rows(at).loc["B", "Mức cảnh báo"]
    assert level == "Theo dõi (cả thôn / hamlet-wide)"
    hot = headline(at)["Điểm nóng"]
    assert hot.value == "0" and "0 theo dõi" in hot.note


def test_the_headline_says_how_many_hamlet_wide_alerts_there_are_besides_the_projects_hotspots(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws, {"project": "P1"})  # B's agitated report: a hamlet-wide alert under P1
    hot = headline(at)["Điểm nóng"]
    assert hot.note == "0 nguy cơ · 0 theo dõi · thêm 1 cảnh báo cả thôn"
    everything = headline(run_app(monkeypatch, app_ws))["Điểm nóng"]
    assert "cả thôn" not in everything.note  # without a project filter every alert is counted as such


def test_a_failing_panel_is_named_and_the_rest_of_the_page_still_works(monkeypatch, app_ws):
    monkeypatch.setattr("dashboard.panels.summary_table", raise_bug)
    at = run_app(monkeypatch, app_ws)
    (error,) = [e.value for e in at.error]
    assert "Unexpected error in the per\\-hamlet table" in error and "Các phần khác của trang vẫn dùng được" in error
    assert metric(at, "Số hộ bị thu hồi đất") == "4"
    assert len(at.get("component_instance")) == 1  # the map
    assert len(open_tab(at, "Đơn thư").get("vega_lite_chart")) >= 3  # the other tabs
    assert qp(at, "meeting") == [] and at.toggle(key="f_meeting").value is False


# --------------------------------------------------------------------------- the hamlet page's disclosure (issue 13.3)


def hamlet_page_script(path: str, disclosure: str, hamlet: str) -> None:
    """The hamlet page alone, drawn for ``hamlet`` with ``geo.Disclosure(disclosure)`` (run by AppTest)."""
    import streamlit as st

    import geo
    from dashboard import panels

    ws = geo.load_workspace(path)
    st.session_state.setdefault("hamlet_page", hamlet)
    panels.hamlet_page(ws, geo.analyse(ws), geo.Disclosure(disclosure))


def hamlet_page(path: Path, disclosure: str, hamlet: str, show_households: bool = False) -> AppTest:
    at = AppTest.from_function(hamlet_page_script, args=(str(path), disclosure, hamlet), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="hamlet_page").value == hamlet
    if show_households:  # the user asks for the list (issue 16: personal details on demand)
        at.toggle(key="hamlet_households").set_value(True).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def test_with_personal_disclosure_the_hamlet_page_lists_households_by_name_id_and_amount(app_ws):
    at = hamlet_page(app_ws, "personal", "A", show_households=True)
    households = shown(at.dataframe[-1])
    assert set(households["Chủ hộ"]) == {NAMES[0], NAMES[1]}
    assert set(households["Mã hộ"]) == {"H1", "H2"}
    assert set(households["Tiền bồi thường (đồng)"]) == {"100.000.000", "200.000.000"}


@pytest.mark.parametrize("disclosure", ["public", "internal"])
def test_below_personal_the_hamlet_page_counts_households_per_step_without_names_ids_or_amounts(app_ws, disclosure):
    at = hamlet_page(app_ws, disclosure, "A")
    counts = at.dataframe[-1].value.set_index("Bước")
    assert counts.loc["Bàn giao mặt bằng", "Đồng thuận"] == 1 and counts["Đồng thuận"].sum() == 2
    assert not {"Chủ hộ", "Mã hộ", "Thửa", "Tiền bồi thường (đồng)"} & set(at.dataframe[-1].value.columns)
    text = page_text(at)
    for secret in (NAMES[0], NAMES[1], "100.000.000", "200.000.000", "100000000", "200000000"):
        assert secret not in text, secret


@pytest.mark.parametrize("disclosure", ["public", "internal"])
def test_below_personal_the_hamlet_page_hides_grievance_numbers_and_masks_names_in_report_notes(app_ws, disclosure):
    at = hamlet_page(app_ws, disclosure, "B")
    reports, grievances = at.dataframe[0].value, at.dataframe[1].value
    assert reports["Nội dung"].tolist() == ["Hộ [họ tên đã ẩn] chưa đồng ý"]
    assert "Số đơn" not in grievances.columns and len(grievances) == 1
    assert NAMES[2] not in page_text(at) and "G1" not in page_text(at)


def test_with_personal_disclosure_the_hamlet_page_names_no_household_until_the_user_asks(app_ws):
    at = hamlet_page(app_ws, "personal", "A")
    assert at.toggle(key="hamlet_households").value is False
    text = page_text(at)
    for secret in (NAMES[0], NAMES[1], "H1", "H2", "100.000.000", "200.000.000", "100000000", "200000000"):
        assert secret not in text, secret
    counts = at.dataframe[-1].value.set_index("Bước")  # counts per step and agreement, without asking
    assert counts.loc["Bàn giao mặt bằng", "Đồng thuận"] == 1 and counts["Đồng thuận"].sum() == 2


def test_with_personal_disclosure_a_reports_note_names_no_one_until_the_user_asks(app_ws):
    at = hamlet_page(app_ws, "personal", "B")
    assert at.dataframe[0].value["Nội dung"].tolist() == ["Hộ [họ tên đã ẩn] chưa đồng ý"]
    assert at.dataframe[1].value["Số đơn"].tolist() == ["G1"]  # a case number is not personal
    assert NAMES[2] not in page_text(at)


@pytest.mark.parametrize("disclosure", ["public", "internal"])
def test_below_personal_the_hamlet_page_offers_no_household_list(app_ws, disclosure):
    at = hamlet_page(app_ws, disclosure, "A")
    assert not at.get("toggle")


def test_with_personal_disclosure_a_reports_note_and_the_grievance_number_are_shown_as_written(app_ws):
    at = hamlet_page(app_ws, "personal", "B", show_households=True)
    assert at.dataframe[0].value["Nội dung"].tolist() == [f"Hộ {NAMES[2]} chưa đồng ý"]
    assert at.dataframe[1].value["Số đơn"].tolist() == ["G1"]


def test_the_summary_table_is_made_once_per_analysis_and_let_go_with_it(app_ws):
    import gc

    import geo
    from dashboard import panels

    ws = geo.load_workspace(app_ws)
    an = geo.analyse(ws)
    view = panels.summary_view(an)
    assert panels.summary_view(an) is view  # a rerun draws it again, nothing is recomputed
    assert view.hamlets["Tên thôn"].tolist() == ws.hamlets["hamlet_name"].tolist()
    other = geo.analyse(ws, geo.Selection.make(project="P1", as_of=an.selection.as_of))
    assert panels.summary_view(other) is not view
    gc.collect()  # earlier tests' analyses in this process, waiting for the collector, go first
    kept = len(panels._views)
    del an, other
    gc.collect()
    assert len(panels._views) == kept - 2


# --------------------------------------------------------------------------- the per-hamlet table's order


def test_the_per_hamlet_table_can_be_ordered_by_a_number_largest_first(monkeypatch, app_ws):
    at = run_app(monkeypatch, app_ws)
    before = summary_rows(at)
    at.selectbox(key="summary_order").select("Diện tích thu hồi (m²)").run()
    after = summary_rows(at)
    areas = [float(a.replace(".", "").replace(",", ".")) for a in after["Diện tích thu hồi (m²)"]]
    assert areas == sorted(areas, reverse=True) and sorted(after.index) == sorted(before.index)


def test_worst_first_puts_the_worst_alert_first_and_keeps_the_hamlets_order_between_equals(app_ws):
    import geo
    from dashboard import panels

    an = geo.analyse(geo.load_workspace(app_ws))
    view = panels.summary_view(an)
    ordered = panels.sorted_hamlets(view, panels.WORST_FIRST)
    ranks = view.ranks.loc[ordered.index].tolist()
    assert ranks == sorted(ranks) and len(ordered) == len(view.hamlets)
    for rank in set(ranks):  # among equals, the hamlets' own order
        same = [i for i in ordered.index if view.ranks[i] == rank]
        assert same == sorted(same)


def test_the_rows_under_the_hamlets_stay_under_them_in_any_order(monkeypatch, build):
    from tests.conftest import totals_layers

    folder = build(toml='[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n', **totals_layers())
    at = run_app(monkeypatch, folder)
    at.selectbox(key="summary_order").select("Số hộ").run()
    (table,) = html_tables(at)
    assert table["Tên thôn"].tolist()[-3:] == [
        "Chưa xác định thôn / not placed",
        "Trừ hộ tính ở nhiều dòng / counted in more than one row",
        "Tổng cộng",
    ]


def test_a_table_longer_than_its_limit_shows_its_first_rows_and_says_the_csv_has_them_all(monkeypatch, app_ws):
    monkeypatch.setattr("dashboard.panels.ROW_LIMIT", 1)
    at = run_app(monkeypatch, app_ws)
    assert len(summary_rows(at)) == 1
    assert summary_under(at).index.tolist()[-1] == "Tổng cộng"  # the total is still the whole selection's
    assert any("1 trong 2 thôn" in c.value and "CSV" in c.value for c in at.caption)


def test_the_tables_html_is_made_once_per_order_and_kept_with_its_view(app_ws):
    import geo
    from dashboard import panels

    view = panels.summary_view(geo.analyse(geo.load_workspace(app_ws)))
    first = panels.summary_html(view, panels.WORST_FIRST)
    assert panels.summary_html(view, panels.WORST_FIRST) is first
    assert panels.summary_html(view, panels.HAMLET_ORDER) is not first and set(view.html) == {
        panels.WORST_FIRST,
        panels.HAMLET_ORDER,
    }
