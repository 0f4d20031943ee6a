"""Weekly and monthly reports: open the DOCX and check what a clerk would check.

The workspace is the small default one of ``conftest.py`` with a stage
history, grievances and field reports placed around a week ending on
20/11/2026, so that "in the period" and "since the previous period" have
something to show.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm

from geo import Disclosure, Selection, headline, load_workspace
from geo.exports import find_soffice, period_of, report_data, report_docx
from geo.exports.report import HAMLET_TABLE_HEADERS, docx_to_pdf
from geo.formatting import fmt_number
from geo.hotspots import LEVEL_LABELS
from tests.conftest import build_workspace, default_layers, totals_layers

AS_OF = "20/11/2026"
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")
TOML = """
[workspace]
name = "Xã Hữu Lũng (gồm xã Hồ Sơn cũ)"
province = "Lạng Sơn"

[report]
party_committee = "ĐẢNG ỦY XÃ HỮU LŨNG"
signer = "Nông Đức Hòa"
recipients = ["Ban Thường vụ Tỉnh ủy (để báo cáo)", "Các chi bộ thôn", "Lưu Văn phòng Đảng ủy"]
"""


def _history(hid: str, stages: list[tuple[str, str]]) -> list[dict]:
    return [{"household_id": hid, "project_id": "P1", "stage": s, "date": d} for s, d in stages]


STEPS = [
    "notified",
    "surveyed",
    "plan_drafted",
    "plan_posted",
    "plan_approved",
    "recovery_decided",
    "paid",
    "handed_over",
]
DATES = ["01/06/2026", "01/07/2026", "15/07/2026", "01/08/2026", "01/09/2026", "10/09/2026", "20/09/2026"]

HISTORY = (
    _history("H1", list(zip(STEPS, [*DATES, "01/10/2026"])))
    + _history("H2", list(zip(STEPS, [*DATES, "18/11/2026"])))  # handed over in the week
    + _history("H3", [("notified", "01/06/2026"), ("surveyed", "01/09/2026")])
)

GRIEVANCES = [
    # open, overdue, 7 signatories: hamlet B is a hotspot in both periods
    {
        "grievance_id": "G1",
        "received_date": "01/09/2026",
        "kind": "complaint",
        "topic": "compensation_price",
        "signatories": 7,
        "status": "in_progress",
        "household_id": "H3",
        "hamlet_id": "B",
        "project_id": "P1",
    },
    # received in the week
    {
        "grievance_id": "G2",
        "received_date": "16/11/2026",
        "kind": "petition",
        "topic": "area",
        "signatories": 1,
        "status": "received",
        "hamlet_id": "A",
        "project_id": "P1",
    },
    # resolved in the week
    {
        "grievance_id": "G3",
        "received_date": "01/10/2026",
        "kind": "feedback",
        "topic": "procedure",
        "signatories": 1,
        "status": "resolved",
        "resolved_date": "17/11/2026",
        "hamlet_id": "A",
        "project_id": "P1",
    },
    # overdue since 17/11: newly overdue in the week
    {
        "grievance_id": "G4",
        "received_date": "18/10/2026",
        "kind": "complaint",
        "topic": "land_type",
        "signatories": 2,
        "status": "in_progress",
        "hamlet_id": "A",
        "project_id": "P1",
    },
]

FIELD_REPORTS = [
    {"report_date": "10/11/2026", "hamlet_id": "A", "reporter": "Hà Văn Tổ", "mood": "stable", "note": "Ổn định."},
    {
        "report_date": "18/11/2026",
        "hamlet_id": "A",
        "reporter": "Hà Văn Tổ",
        "mood": "agitated",
        "note": "Hộ ông Nguyễn Văn An phản đối đơn giá bồi thường đất ở.",
    },
    {
        "report_date": "19/11/2026",
        "hamlet_id": "B",
        "reporter": "Lục Thị Mai",
        "mood": "gathering_risk",
        "note": "Một nhóm hộ dự kiến kéo đến trụ sở xã.",
    },
]


def build_rich(folder: Path, toml: str | None = TOML) -> Path:
    """The default workspace plus history, grievances and field reports around the week to 20/11/2026."""
    return build_workspace(folder, toml=toml, stage_history=HISTORY, grievances=GRIEVANCES, field_reports=FIELD_REPORTS)


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Path:
    return build_rich(tmp_path_factory.mktemp("report") / "ws")


@pytest.fixture(scope="module")
def ws(rich):
    ws = load_workspace(rich)
    assert ws.report.ok, ws.report.render()
    return ws


@pytest.fixture(scope="module")
def data(ws):
    return report_data(ws, Selection.make(as_of=AS_OF), "week")


@pytest.fixture(scope="module")
def weekly(ws) -> bytes:
    return report_docx(ws, Selection.make(as_of=AS_OF), "week")


@pytest.fixture(scope="module")
def doc(weekly):
    return Document(io.BytesIO(weekly))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def package_text(data: bytes) -> str:
    """Every XML part of the DOCX (body, headers, properties), as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def find_table(document, first_header: str, header: str):
    for table in document.tables:
        cells = [c.text for c in table.rows[0].cells]
        if cells and cells[0] == first_header and header in cells:
            return table
    raise AssertionError(f"no table with header {header!r}")


# --------------------------------------------------------------------------- layout


def test_header_block_title_and_date_line(doc):
    header = doc.tables[0]
    left, right = (c.text for c in header.rows[0].cells)
    assert "ĐẢNG BỘ TỈNH LẠNG SƠN" in left and "ĐẢNG ỦY XÃ HỮU LŨNG" in left
    assert re.search(r"Số\s+-BC/ĐU", left)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in right
    assert "Hữu Lũng, ngày 20 tháng 11 năm 2026" in right
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert any(
        t.startswith("Tình hình công tác bồi thường, hỗ trợ, tái định cư các dự án trên địa bàn xã")
        and t.endswith("tuần từ ngày 14/11 đến ngày 20/11/2026")
        for t in texts
    )


def cell_runs(cell) -> list[tuple[str, bool]]:
    """(text, bold) of each non-empty paragraph of a table cell, read from the runs' w:b flags."""
    return [(p.text, all(bool(r.bold) for r in p.runs if r.text)) for p in cell.paragraphs if p.text.strip()]


def test_header_names_the_committee_in_bold_under_the_province_party_organisation(doc):
    # issue 14, Hướng dẫn 36-HD/VPTW: the superior organisation regular, the issuing committee bold, "*", the number
    left, right = doc.tables[0].rows[0].cells
    lines = cell_runs(left)
    assert [t for t, _ in lines[:3]] == ["ĐẢNG BỘ TỈNH LẠNG SƠN", "ĐẢNG ỦY XÃ HỮU LŨNG", "*"]
    assert [b for _, b in lines[:3]] == [False, True, False]
    assert re.fullmatch(r"Số\s+-BC/ĐU", lines[3][0]) and lines[3][1] is False
    heading = right.paragraphs[0].runs[0]
    assert (heading.text, heading.bold, heading.underline, heading.font.size.pt) == (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        True,
        True,
        15,
    )
    date_run = next(r for p in right.paragraphs for r in p.runs if r.text.startswith("Hữu Lũng, ngày"))
    assert date_run.italic and not date_run.bold


def test_the_committee_and_province_are_derived_from_the_workspace_without_a_report_section(tmp_path):
    toml = '[workspace]\nname = "Xã Hữu Lũng (gồm xã Hồ Sơn cũ)"\nprovince = "Lạng Sơn"\n'
    ws = load_workspace(build_workspace(tmp_path / "ws", toml=toml))
    doc = Document(io.BytesIO(report_docx(ws, Selection.make(as_of=AS_OF), map_png=_tiny_png())))
    lines = cell_runs(doc.tables[0].rows[0].cells[0])
    assert lines[:2] == [("ĐẢNG BỘ TỈNH LẠNG SƠN", False), ("ĐẢNG ỦY XÃ HỮU LŨNG", True)]
    assert doc.core_properties.author == "ĐẢNG ỦY XÃ HỮU LŨNG"


def test_signature_block_has_the_authority_bold_and_the_function_regular(doc):
    right = doc.tables[-1].rows[0].cells[1]
    assert cell_runs(right) == [("T/M ĐẢNG ỦY", True), ("BÍ THƯ", False), ("Nông Đức Hòa", True)]


def test_page_is_a4_with_the_36_hd_margins_and_times_new_roman(doc):
    s = doc.sections[0]
    assert abs(s.page_width - Mm(210)) < Mm(0.5) and abs(s.page_height - Mm(297)) < Mm(0.5)
    assert Mm(20) <= s.top_margin <= Mm(25) and Mm(20) <= s.bottom_margin <= Mm(25)
    assert Mm(30) <= s.left_margin <= Mm(35) and Mm(15) <= s.right_margin <= Mm(20)
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and 13 <= normal.font.size.pt <= 14
    for name in ("Heading 1", "Heading 2"):
        st = doc.styles[name]
        assert st.font.name == "Times New Roman" and 13 <= st.font.size.pt <= 14
        fonts = st.element.rPr.rFonts
        assert not any(k.endswith("Theme") for k in fonts.attrib), "theme fonts would override Times New Roman"


def test_headings_in_order(doc):
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:1] == ["I. KẾT QUẢ THỰC HIỆN"]
    for expected in (
        "1. Tiến độ thực hiện các dự án",
        "2. Kết quả theo thôn",
        "3. Tiếp nhận, giải quyết đơn thư",
        "4. Tình hình tư tưởng, dư luận trong Nhân dân",
        "5. Bản đồ tiến độ",
        "II. ĐIỂM NÓNG, VẤN ĐỀ NỔI CỘM",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ ĐỀ XUẤT, KIẾN NGHỊ",
        "2. Đề xuất, kiến nghị",
    ):
        assert expected in headings, headings
    assert headings.index("II. ĐIỂM NÓNG, VẤN ĐỀ NỔI CỘM") < headings.index(
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ ĐỀ XUẤT, KIẾN NGHỊ"
    )


def test_recipients_and_signer_come_from_workspace_toml(doc):
    closing = doc.tables[-1]
    left, right = (c.text for c in closing.rows[0].cells)
    assert left.startswith("Nơi nhận:")
    assert "- Ban Thường vụ Tỉnh ủy (để báo cáo)," in left and left.rstrip().endswith("- Lưu Văn phòng Đảng ủy.")
    assert "T/M ĐẢNG ỦY" in right and "BÍ THƯ" in right and right.rstrip().endswith("Nông Đức Hòa")


def test_the_map_image_is_there(weekly, doc):
    assert len(doc.inline_shapes) == 1
    with zipfile.ZipFile(io.BytesIO(weekly)) as z:
        images = [n for n in z.namelist() if n.startswith("word/media/")]
        assert images and z.read(images[0])[:8] == b"\x89PNG\r\n\x1a\n"
    assert any(p.text.startswith("Hình 1. Bản đồ tiến độ") for p in doc.paragraphs)


def test_vietnamese_text_is_intact_and_composed(weekly, doc):
    text = all_text(doc)
    assert unicodedata.is_normalized("NFC", text)
    for phrase in (
        "Tình hình công tác bồi thường, hỗ trợ, tái định cư",
        "Thôn Đồng Tâm",
        "Thôn Lân Hoài",
        "Điểm nóng",
        "Nguy cơ tụ tập đông người",
        "Đảng ủy xã",
    ):
        assert phrase in text, phrase
    assert "\ufffd" not in package_text(weekly) and "?" * 3 not in text


# --------------------------------------------------------------------------- numbers


def test_hamlet_table_equals_the_summary(data, doc):
    table = find_table(doc, "TT", "Mức cảnh báo")
    assert tuple(c.text for c in table.rows[0].cells) == HAMLET_TABLE_HEADERS
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    s = data.summary
    assert len(rows) == len(s) + 1
    for row, rec in zip(rows, s.to_dict("records")):
        assert row[1] == rec["hamlet_name"]
        assert row[2] == fmt_number(rec["households"]) and row[3] == fmt_number(rec["households_handed_over"])
        assert row[4] == fmt_number(rec["handover_pct"], 2) and row[6] == fmt_number(rec["area_handed_over_pct"], 2)
        assert row[5] == fmt_number(rec["area_affected_m2"], 1)
        assert row[7] == fmt_number(rec["compensation_paid_vnd"] / 1e6, 1)
        assert row[8] == fmt_number(rec["grievances_open"]) and row[9] == fmt_number(rec["grievances_overdue"])
        assert row[10] == LEVEL_LABELS[rec["hotspot_level"]]
    total = rows[-1]
    assert total[1] == "Cộng" and total[2] == fmt_number(s["households"].sum())
    assert total[7] == fmt_number(s["compensation_paid_vnd"].sum() / 1e6, 1)


def test_summary_numbers_of_the_small_workspace(data):
    s = data.summary.set_index("hamlet_id")
    assert s.loc["A", "households"] == 2 and s.loc["A", "households_handed_over"] == 2
    assert s.loc["A", "compensation_paid_vnd"] == 300_000_000
    assert s.loc["B", "hotspot_level"] == "hotspot"


def test_project_progress_against_the_deadline_and_the_previous_week(data, doc):
    p = data.projects.set_index("project_id").loc["P1"]
    assert (p.households, p.handed_over, p.handed_over_prev) == (3, 2, 1)
    assert p.days_left == 41 and p.status in ("Đúng tiến độ", "Nguy cơ chậm")
    table = find_table(doc, "TT", "Hạn bàn giao")
    assert [c.text for c in table.rows[1].cells][1:7] == ["Đường tỉnh", "31/12/2026", "3", "2", "66,67", "+1"]


def test_grievances_received_resolved_and_overdue_in_the_week(data, doc):
    g = data.grievances
    assert list(g["received"]["grievance_id"]) == ["G2"]
    assert list(g["resolved"]["grievance_id"]) == ["G3"]
    assert sorted(g["overdue"]["grievance_id"]) == ["G1", "G4"]
    assert list(g["new_overdue"]["grievance_id"]) == ["G4"]
    table = find_table(doc, "TT", "Loại đơn")
    rows = {r.cells[1].text: [c.text for c in r.cells[2:]] for r in table.rows[1:]}
    assert rows["Kiến nghị"][0] == "1" and rows["Phản ánh"][1] == "1" and rows["Khiếu nại"][5] == "1"
    assert rows["Cộng"] == ["1", "1", "0", "3", "2", "1"]


def test_hotspots_with_reasons_and_change_since_last_week(doc):
    text = all_text(doc)
    section = text[text.index("II. ĐIỂM NÓNG, VẤN ĐỀ NỔI CỘM") : text.index("III. PHƯƠNG HƯỚNG")]
    assert "Thôn Lân Hoài" in section and "người ký" in section
    assert "(không đổi so với kỳ trước)" in section or "(mới phát sinh)" in section or "(tăng từ mức" in section
    assert "ngày 13/11/2026" in section  # the previous period's as-of date


def test_field_report_highlights_hide_household_names(doc):
    text = all_text(doc)
    assert "Thôn Lân Hoài (19/11/2026): Nguy cơ tụ tập đông người" in text
    assert "Thôn Đồng Tâm (18/11/2026): Bức xúc" in text
    assert "[họ tên đã ẩn]" in text
    assert "Ổn định." not in text  # the 10/11 report belongs to the previous week


def test_no_household_names_or_amounts_by_default(weekly):
    package = package_text(weekly)
    for name in NAMES:
        assert name not in package
    assert "100.000.000" not in package and "H1" not in re.sub(r"<[^>]+>", " ", package).split()


def test_include_personal_adds_the_restricted_appendix(ws):
    data = report_docx(ws, Selection.make(as_of=AS_OF), "week", disclosure=Disclosure.PERSONAL, map_png=_tiny_png())
    text = all_text(Document(io.BytesIO(data)))
    assert "PHỤ LỤC" in text and "thông tin cá nhân" in text
    assert "Lê Văn Cường" in text  # not handed over
    assert "Nguyễn Văn An" in text  # kept in the field-report note


def test_proposals_are_highlighted_placeholders(doc):
    from docx.enum.text import WD_COLOR_INDEX

    highlighted = [r.text for p in doc.paragraphs for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert any("đề xuất, kiến nghị" in t for t in highlighted)


def test_monthly_report_compares_with_the_same_day_last_month(ws):
    data = report_docx(ws, Selection.make(as_of=AS_OF), "month", map_png=_tiny_png())
    text = all_text(Document(io.BytesIO(data)))
    assert "tháng 11 năm 2026" in text and "từ ngày 21/10/2026 đến ngày 20/11/2026" in text
    assert period_of(Selection.make(as_of=AS_OF).as_of, "month").previous_end.isoformat() == "2026-10-20"


def test_names_derived_without_a_report_section(tmp_path):
    folder = build_workspace(tmp_path / "ws", toml='[workspace]\nname = "Xã Hồ Sơn"\n')
    ws = load_workspace(folder)
    doc = Document(io.BytesIO(report_docx(ws, Selection.make(as_of=AS_OF), map_png=_tiny_png())))
    left, right = (c.text for c in doc.tables[0].rows[0].cells)
    assert "ĐẢNG ỦY XÃ HỒ SƠN" in left and "ĐẢNG BỘ TỈNH" not in left
    assert "Hồ Sơn, ngày 20 tháng 11 năm 2026" in right


def test_project_report_keeps_to_the_project(tmp_path):
    extra = [
        {"project_id": "P1", "project_name": "Đường tỉnh", "handover_deadline": "2026-12-31", "level": "tinh"},
        {"project_id": "P2", "project_name": "Cụm công nghiệp", "handover_deadline": "2027-06-30"},
    ]
    folder = build_workspace(tmp_path / "ws", projects=extra)
    ws = load_workspace(folder)
    doc = Document(io.BytesIO(report_docx(ws, Selection.make(project="P1", as_of=AS_OF), map_png=_tiny_png())))
    table = find_table(doc, "TT", "Hạn bàn giao")
    assert [r.cells[1].text for r in table.rows[1:]] == ["Đường tỉnh"]
    assert any("dự án Đường tỉnh tuần từ ngày" in p.text for p in doc.paragraphs)


# --------------------------------------------------------------------------- totals that add up (issue 11, point 3)


@pytest.fixture(scope="module")
def unplaced(tmp_path_factory):
    """Rows on unknown parcels (H4, H5) and a household in two hamlets and two projects (H2)."""
    ws = load_workspace(build_workspace(tmp_path_factory.mktemp("unplaced") / "ws", **totals_layers()))
    assert ws.report.ok, ws.report.render()
    return ws


def report_tables(ws, project=None):
    """Bảng 1 and Bảng 2 as lists of cell texts, and the report's numbers."""
    sel = Selection.make(project=project, as_of=AS_OF)
    data = report_data(ws, sel, "week")
    doc = Document(io.BytesIO(report_docx(ws, sel, "week", map_png=_tiny_png())))
    projects = [[c.text for c in r.cells] for r in find_table(doc, "TT", "Hạn bàn giao").rows[1:]]
    hamlets = [[c.text for c in r.cells] for r in find_table(doc, "TT", "Mức cảnh báo").rows[1:]]
    return projects, hamlets, data, doc


def test_hamlet_table_has_a_not_placed_row_and_its_total_is_the_headline(unplaced):
    _, hamlets, data, _ = report_tables(unplaced)
    assert [r[1] for r in hamlets] == [
        "Thôn Đồng Tâm",
        "Thôn Lân Hoài",
        "Chưa xác định thôn",
        "Trừ hộ tính ở nhiều dòng",
        "Cộng",
    ]
    head = headline(data.slice, data.hotspots)
    assert hamlets[-1][2:4] == [fmt_number(head.households), fmt_number(head.handed_over)] == ["5", "3"]
    assert hamlets[2][2:4] == ["2", "2"] and hamlets[3][2:4] == ["-1", "-1"]
    assert sum(int(r[2]) for r in hamlets[:-1]) == int(hamlets[-1][2])


def test_project_table_of_several_projects_ends_with_the_same_total(unplaced):
    projects, hamlets, _, doc = report_tables(unplaced)
    assert [r[1] for r in projects] == ["Đường tỉnh", "Cụm công nghiệp", "Trừ hộ tính ở nhiều dự án", "Cộng"]
    assert [r[3] for r in projects] == ["5", "1", "-1", "5"]
    assert projects[-1][3:5] == hamlets[-1][2:4]  # Bảng 1 and Bảng 2 agree
    assert any("được tính ở mỗi dự án nhưng chỉ một lần" in p.text for p in doc.paragraphs)


def test_a_project_report_adds_up_to_its_project_row(unplaced):
    projects, hamlets, _, doc = report_tables(unplaced, project="P1")
    assert [r[1] for r in projects] == ["Đường tỉnh"]
    assert hamlets[-1][1] == "Cộng" and hamlets[-1][2:4] == projects[0][3:5] == ["5", "3"]
    assert "Chưa xác định thôn" in [r[1] for r in hamlets]


def test_the_hamlet_section_explains_both_effects(unplaced):
    *_, doc = report_tables(unplaced)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Dòng “Chưa xác định thôn” gồm các dòng hộ có thửa không có trong lớp thửa đất (2 dòng)" in text
    assert "một hộ có đất ở nhiều thôn" in text and "Not placed" not in text  # Vietnamese only in the report


def test_a_project_report_does_not_count_a_hamlet_wide_alert_as_the_projects_hotspot(tmp_path):
    # P2 has one household, in B; A's gathering_risk report is A's own (issue 11, point 4)
    projects = [
        {"project_id": "P1", "project_name": "Đường tỉnh", "handover_deadline": "2026-12-31"},
        {"project_id": "P2", "project_name": "Cụm công nghiệp", "handover_deadline": "2027-06-30"},
    ]
    households = [
        {
            "household_id": "H9",
            "project_id": "P2",
            "map_sheet": "2",
            "parcel_no": "2",
            "stage": "paid",
            "stage_date": "01/10/2026",
        }
    ]
    reports = [
        {
            "report_date": "19/11/2026",
            "hamlet_id": "A",
            "reporter": "Hà Văn Tổ",
            "mood": "gathering_risk",
            "note": "Dự kiến tụ tập.",
        }
    ]
    ws = load_workspace(
        build_workspace(tmp_path / "ws", projects=projects, households=households, field_reports=reports)
    )
    doc = Document(io.BytesIO(report_docx(ws, Selection.make(project="P2", as_of=AS_OF), map_png=_tiny_png())))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Đến ngày 20/11/2026: 0 thôn điểm nóng" in text and "1 thôn có cảnh báo chung của cả thôn" in text
    assert "Thôn Đồng Tâm (cảnh báo chung của cả thôn" in text
    levels = {r.cells[1].text: r.cells[-1].text for r in find_table(doc, "TT", "Mức cảnh báo").rows[1:]}
    assert levels["Thôn Đồng Tâm"] == "Điểm nóng (cả thôn / hamlet-wide)"


# --------------------------------------------------------------------------- PDF and command line


def _tiny_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 28), "white").save(buf, format="PNG")
    return buf.getvalue()


def test_pdf_of_the_report_through_libreoffice(weekly):
    # the product works without LibreOffice; the test command (scripts/setup.sh --browser) installs it
    assert find_soffice() is not None, "LibreOffice missing: run bash scripts/test.sh (it installs it)"
    pdf = docx_to_pdf(weekly)
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2


def run_here(capsys, *args) -> tuple[int, str, str]:
    """``python -m geo …`` in this process (the imports are paid once)."""
    from geo.__main__ import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_report_writes_a_docx(rich, tmp_path, capsys):
    out = tmp_path / "bao_cao.docx"
    code, _, err = run_here(
        capsys, "report", rich, "--out", out, "--as-of", AS_OF, "--period", "month", "--project", "P1"
    )
    assert code == 0, err
    text = all_text(Document(out))
    assert "dự án Đường tỉnh tháng 11 năm 2026" in text


def test_cli_report_refuses_a_workspace_with_errors(tmp_path, capsys):
    folder = build_rich(tmp_path / "ws")
    (folder / "parcels.gpkg").unlink()
    out = tmp_path / "r.docx"
    code, _, err = run_here(capsys, "report", folder, "--out", out)
    assert code == 1 and "Refused" in err and "Traceback" not in err
    assert not out.exists()


def test_cli_report_rejects_other_extensions(rich, tmp_path, capsys):
    code, _, err = run_here(capsys, "report", rich, "--out", tmp_path / "r.odt")
    assert code == 2 and ".docx" in err


def test_a_workspace_of_hamlets_and_parcels_only(tmp_path):
    from geo.exports import snapshot_png, summary_xlsx

    ws = load_workspace(build_workspace(tmp_path / "ws", households=None, projects=None))
    sel = Selection.make(as_of=AS_OF)
    doc = Document(io.BytesIO(report_docx(ws, sel, "month", map_png=_tiny_png())))
    assert "Trong phạm vi báo cáo chưa có dự án nào có hộ bị thu hồi đất." in all_text(doc)
    assert snapshot_png(ws, sel, dpi=30)[:4] == b"\x89PNG" and summary_xlsx(ws, sel)[:2] == b"PK"


# --------------------------------------------------------------------------- personal data in free text

LEAKS = {
    "household id": ("Đã làm việc với mã hộ DT-0001 tại nhà văn hóa", "DT-0001", "[mã hộ đã ẩn]"),
    "money amount": ("Hộ đòi 1.968.800.000 đồng tiền bồi thường", "1.968.800.000", "[số tiền đã ẩn]"),
    "name in capitals without marks": ("LUONG THANH HOA phản đối đơn giá", "LUONG THANH HOA", "[họ tên đã ẩn]"),
    "name with the older tone placement": ("Hộ Lương Thanh Hoà phản đối đơn giá", "Lương Thanh Hoà", "[họ tên đã ẩn]"),
}


def _note_report(folder: Path, note: str, include_personal: bool = False) -> str:
    households = [dict(h) for h in default_layers()["households"]]
    households[0].update(household_id="DT-0001", household_name="Lương Thanh Hòa")
    history = [{**h, "household_id": "DT-0001"} if h["household_id"] == "H1" else h for h in HISTORY]
    reports = [
        {"report_date": "18/11/2026", "hamlet_id": "A", "reporter": "Hà Văn Tổ", "mood": "agitated", "note": note}
    ]
    ws = load_workspace(
        build_workspace(folder, toml=TOML, households=households, stage_history=history, field_reports=reports)
    )
    assert ws.report.ok, ws.report.render()
    data = report_docx(
        ws, Selection.make(as_of=AS_OF), "week", disclosure=Disclosure.of_flag(include_personal), map_png=_tiny_png()
    )
    return package_text(data)


@pytest.mark.parametrize("leak", list(LEAKS))
def test_the_default_report_masks_personal_data_in_field_report_notes(tmp_path, leak):
    note, secret, mask = LEAKS[leak]
    text = _note_report(tmp_path / "ws", note)
    assert secret not in text
    assert mask in text


def test_masking_keeps_the_rest_of_the_note(tmp_path):
    text = _note_report(tmp_path / "ws", "Hộ Lương Thanh Hoà phản đối đơn giá, đòi 500 triệu đồng")
    assert "phản đối đơn giá, đòi [số tiền đã ẩn]" in text


def test_include_personal_keeps_the_note_as_written(tmp_path):
    note = "Hộ Lương Thanh Hoà (mã hộ DT-0001) đòi 1.968.800.000 đồng"
    assert note in _note_report(tmp_path / "ws", note, include_personal=True)
