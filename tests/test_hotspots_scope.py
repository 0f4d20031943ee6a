"""Under a project filter, a project's hotspots are hamlets the project touches (issue 11, point 4).

The default workspace of ``conftest.py`` (P1: H1, H2 in hamlet A, H3 in B) plus a
project P2 with one household in B, and a gathering_risk report in A: under P2,
A is a hamlet-wide alert, not one of P2's hotspots.
"""

from __future__ import annotations

import csv

import pytest

import geo
from geo.hotspots import HAMLET_COLUMNS, HAMLET_WIDE_LABEL, compute_hotspots, level_label
from geo.maps import build_map, map_html
from geo.summary import summarize_slice, write_summary_csv
from tests.conftest import default_layers

AS_OF = "2026-11-20"


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from tests.conftest import build_workspace

    layers = default_layers()
    folder = build_workspace(
        tmp_path_factory.mktemp("scope") / "ws",
        projects=[
            *layers["projects"],
            {"project_id": "P2", "project_name": "Cụm công nghiệp", "handover_deadline": "2027-06-30"},
        ],
        households=[
            *layers["households"],
            {
                "household_id": "H4",
                "project_id": "P2",
                "map_sheet": "2",
                "parcel_no": "2",
                "stage": "paid",
                "stage_date": "01/10/2026",
                "agreement": "yes",
            },
        ],
        field_reports=[
            {
                "report_date": "19/11/2026",
                "hamlet_id": "A",
                "reporter": "Hà Văn Tổ",
                "mood": "gathering_risk",
                "note": "Dự kiến tụ tập.",
            }
        ],
    )
    ws = geo.load_workspace(folder)
    assert ws.report.ok, ws.report.render()
    return ws


def analysis(ws, project=None):
    return geo.analyse(ws, geo.Selection.make(project=project, as_of=AS_OF))


def levels(ws, project=None):
    an = analysis(ws, project)
    return an.slice, an.levels.set_index("hamlet_id")


def test_a_field_report_alone_makes_a_hamlet_the_project_does_not_touch_a_hamlet_wide_alert(ws):
    _, lv = levels(ws, "P2")
    assert lv.loc["A", "hotspot_level"] == "hotspot"  # the contract's fixed point still holds
    assert bool(lv.loc["A", "hamlet_wide"]) is True
    assert bool(lv.loc["B", "hamlet_wide"]) is False


def test_the_same_report_in_a_hamlet_the_project_touches_is_the_projects_hotspot(ws):
    _, lv = levels(ws, "P1")
    assert lv.loc["A", "hotspot_level"] == "hotspot" and not bool(lv.loc["A", "hamlet_wide"])


def test_without_a_project_filter_nothing_is_hamlet_wide(ws):
    _, lv = levels(ws)
    assert not lv["hamlet_wide"].any() and lv.loc["A", "hotspot_level"] == "hotspot"


def test_the_headline_counts_only_the_projects_hotspots(ws):
    sl, lv = levels(ws, "P2")
    h = geo.headline(sl, lv.reset_index())
    assert (h.hotspots, h.hamlet_wide) == (0, 1)
    sl, lv = levels(ws, "P1")
    h = geo.headline(sl, lv.reset_index())
    assert (h.hotspots, h.hamlet_wide) == (1, 0)


def test_the_summary_carries_the_flag_but_its_csv_keeps_the_contracts_columns(ws, tmp_path):
    sl, lv = levels(ws, "P2")
    s = summarize_slice(ws, sl, lv.reset_index())
    assert s.set_index("hamlet_id")["hamlet_wide"].to_dict() == {"A": True, "B": False}
    write_summary_csv(s, tmp_path / "s.csv")
    with (tmp_path / "s.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(geo.SUMMARY_COLUMNS) and rows[0]["hotspot_level"] == "hotspot"


def test_compute_hotspots_writes_the_flag_for_analysts(ws):
    res = compute_hotspots(ws, geo.Selection.make(project="P2", as_of=AS_OF), weeks=1)
    assert "hamlet_wide" in HAMLET_COLUMNS
    assert res.table().set_index("hamlet_id").loc["A", "hamlet_wide"]


def test_a_hamlet_wide_alert_is_labelled_as_such():
    assert level_label("hotspot", True) == f"Điểm nóng ({HAMLET_WIDE_LABEL})" == "Điểm nóng (cả thôn / hamlet-wide)"
    assert level_label("hotspot", False) == "Điểm nóng" and level_label("none", True) == "Bình thường"


def test_the_map_outlines_a_hamlet_wide_alert_instead_of_filling_it_as_a_hotspot(ws):
    html = map_html(build_map(ws, analysis(ws, "P2")))
    script = html.replace("\\u003c", "<").replace("\\u003e", ">")  # the layer's JSON escapes tags
    # hamlet A drawn in the 5th style (index 4, after none/watch/risk/hotspot), its tooltip saying why
    assert ']]],4,{"t":"<b>Thôn Đồng Tâm</b><br>Mức cảnh báo: <b>Điểm nóng (cả thôn / hamlet-wide)</b>' in script
    assert '"dashArray":"6 4","fillOpacity":0.0' in html
    assert "Điểm nóng (0 thôn)" in html  # the legend counts P2's hotspots only
    html = map_html(build_map(ws, analysis(ws, "P1")))
    assert HAMLET_WIDE_LABEL not in html and "Điểm nóng (1 thôn)" in html
