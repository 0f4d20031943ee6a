"""Weekly and monthly reports (DOCX, and PDF where LibreOffice is installed).

:func:`report_docx` writes the report a commune Party committee sends on:
the header block of a Party document (Guidance 36-HD/VPTW of 2018 on the
format of Party documents), the title, then

I.   results: progress of each project against its handover deadline, the
     per-hamlet table, grievances received, resolved and overdue in the
     period, the public mood from the party cells' field reports, the map;
II.  hotspots and pressing issues, with their reasons and what changed
     since the previous period;
III. tasks, proposals and requests: a draft from the data, highlighted, for
     the clerk to finish;

and the recipients ("Nơi nhận") and the signature block. A Party
organisation's document follows the Party's own format, Hướng dẫn
36-HD/VPTW of the Central Party Office (3 April 2018), not Decree
30/2020/NĐ-CP (the State's): every element it fixes (margins, fonts, the
issuing body, the number, the date line, the signature block, the
recipients) is in one place, :data:`PARTY_FORMAT`, so that the report can
follow a newer guidance (one is reported for 2026) by changing that block.
The page is A4, top and bottom 20 mm, left 30 mm, right 15 mm, Times New
Roman 14 pt for the text and 12 pt in tables, page numbers from the second
page, centred in the top margin.

"The previous period" is :func:`geo.selection.time_slice` on the day before
the period starts (as-of − 7 days for a week, the same date of the previous
month for a month): every "in the period" count is the difference of the two
slices, so no date is filtered here.

``workspace.toml`` sets the names::

    [report]
    party_committee = "ĐẢNG ỦY XÃ HỮU LŨNG"   # the issuing committee (default: ĐẢNG ỦY + [workspace] name)
    superior = "ĐẢNG BỘ TỈNH LẠNG SƠN"        # the line above it (default: from [workspace] province; "" for none)
    place = "Hữu Lũng"                        # the date line's place (default: the commune's name)
    number_suffix = "BC/ĐU"                   # "Số    -BC/ĐU"
    on_behalf = "T/M ĐẢNG ỦY"
    signer_title = "BÍ THƯ"
    signer = "Nông Đức Hòa"
    recipients = ["Ban Thường vụ Tỉnh ủy (để báo cáo)", "Lưu Văn phòng Đảng ủy"]

Personal data (household names, ids and per-household amounts) appear only
with ``disclosure=Disclosure.PERSONAL``, in an appendix marked as restricted; field
report notes have household names (ignoring case and diacritics), household
ids and money amounts masked otherwise (:func:`geo.exports._common.scrub_personal`).
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor, Twips

from ..disclosure import Disclosure
from ..formatting import fmt_date, fmt_number
from ..hotspots import LEVEL_LABELS
from ..hotspots.scope import is_hamlet_wide, level_label
from ..outputs import atomic_write, guard_output
from ..periods import EnumCounts, PeriodFigures, PeriodKind, period_figures
from ..schema import KINDS, MOODS, STAGES, TOPICS, Enum
from ..selection import Selection
from ..summary import Reconciliation
from ..vocabulary import AGREEMENT_LABELS, ALERT_LEVELS, GRIEVANCE_STATES, LEVEL_ORDER, RISK_LEVELS, join_reasons
from ..workspace import Workspace
from ._common import (
    clean,
    commune_name,
    commune_upper,
    document_date,
    hamlet_names,
    place_name,
    project_names,
    scrub_personal,
)
from .docx import cell_text, field, grid, no_borders, para, run, set_fonts, widths
from .pdf import ExportUnavailable, docx_to_pdf, find_soffice

ReportData = PeriodFigures
"""The figures a report shows: :class:`geo.periods.PeriodFigures` (the former name, kept)."""

report_data = period_figures
"""The figures of a report: :func:`geo.periods.period_figures` (the former name, kept)."""

__all__ = [
    "PARTY_FORMAT",
    "ExportUnavailable",
    "PartyFormat",
    "ReportData",
    "docx_to_pdf",
    "find_soffice",
    "issuing_body",
    "report_data",
    "report_document",
    "report_docx",
    "report_pdf",
    "write_report",
]


@dataclass(frozen=True)
class PartyFormat:
    """The elements of a Party document's format, in one place (Hướng dẫn 36-HD/VPTW, 3 April 2018).

    Guidance 36-HD/VPTW of the Central Party Office sets the format of Party
    documents (Decree 30/2020/NĐ-CP is the State's). As it is read here:

    * A4 paper; margins top 20–25 mm, bottom 20–25 mm, left 30–35 mm, right
      15–20 mm; Times New Roman (Unicode, TCVN 6909:2001); the text 13–14 pt.
    * The heading "ĐẢNG CỘNG SẢN VIỆT NAM": top right, capitals, 15 pt,
      upright, bold, a line under it.
    * The issuing body, top left: the superior Party organisation (capitals,
      14 pt, upright, regular: "ĐẢNG BỘ TỈNH LẠNG SƠN") over the issuing
      committee (capitals, 14 pt, upright, bold: "ĐẢNG ỦY XÃ HỮU LŨNG"), then
      an asterisk "*"; under it the number and symbol ("Số …-BC/ĐU", 14 pt,
      upright).
    * The place and date under the heading, 14 pt, italic; days below 10 and
      the months January and February with a leading zero.
    * The document type "BÁO CÁO" in capitals, bold, 15–16 pt; its subject
      bold, 14 pt; a short line "-----" under it.
    * The signature block: the authority ("T/M ĐẢNG ỦY") in capitals, 14 pt,
      bold; the signer's function ("BÍ THƯ") in capitals, 14 pt, not bold; the
      name 14 pt, bold.
    * "Nơi nhận:" 14 pt, upright, underlined; each recipient 12 pt on its own
      line, "- " first, "," after, "." after the last.
    * Page numbers in the top margin, centred, from the second page.

    A newer guidance replacing 36-HD is reported for 2026: where it changes an
    element, change it here.
    """

    guidance: str = "Hướng dẫn 36-HD/VPTW ngày 03/4/2018 của Văn phòng Trung ương Đảng"
    font: str = "Times New Roman"
    body_pt: float = 14
    table_pt: float = 12
    small_pt: float = 12
    margins_mm: tuple[tuple[str, int], ...] = (("top", 20), ("bottom", 20), ("left", 30), ("right", 15))
    party_heading: str = "ĐẢNG CỘNG SẢN VIỆT NAM"
    party_heading_pt: float = 15
    superior_bold: bool = False
    committee_bold: bool = True
    committee_prefix: str = "ĐẢNG ỦY"
    superior_prefix: str = "ĐẢNG BỘ TỈNH"
    separator: str = "*"
    number_suffix: str = "BC/ĐU"
    date_italic: bool = True
    doc_type_pt: float = 16
    on_behalf: str = "T/M ĐẢNG ỦY"
    on_behalf_bold: bool = True
    signer_title: str = "BÍ THƯ"
    signer_title_bold: bool = False
    signer_name_bold: bool = True
    recipients_heading: str = "Nơi nhận:"
    recipients_pt: float = 12


PARTY_FORMAT = PartyFormat()
"""The format the report follows (Hướng dẫn 36-HD/VPTW); see :class:`PartyFormat`."""

FONT = PARTY_FORMAT.font
BODY_PT = PARTY_FORMAT.body_pt
TABLE_PT = PARTY_FORMAT.table_pt
SMALL_PT = PARTY_FORMAT.small_pt
MARGINS_MM = dict(PARTY_FORMAT.margins_mm)
"""Hướng dẫn 36-HD/VPTW: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm (the smallest of each)."""
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]

DRAFT_NOTE = "(Dự thảo từ số liệu — Văn phòng Đảng ủy rà soát, bổ sung, chỉnh sửa phần tô vàng trước khi trình ký.)"
PROPOSALS_PLACEHOLDER = (
    "[Ghi các đề xuất, kiến nghị với Ban Thường vụ Tỉnh ủy, UBND tỉnh và các cơ quan "
    "chuyên môn: về đơn giá bồi thường, bố trí tái định cư, kinh phí, giải quyết đơn thư "
    "vượt thẩm quyền …]"
)

HAMLET_TABLE_HEADERS = (
    "TT",
    "Thôn",
    "Số hộ",
    "Đã bàn giao (hộ)",
    "Tỷ lệ hộ (%)",
    "Diện tích thu hồi (m²)",
    "Tỷ lệ diện tích (%)",
    "Đã chi trả (triệu đồng)",
    "Đơn thư chưa giải quyết",
    "Đơn thư quá hạn",
    "Mức cảnh báo",
)
"""Headers of the per-hamlet table (Bảng 2). Amounts in millions of đồng, one decimal, as reports write them."""
HAMLET_TABLE_WIDTHS_MM = (8, 21, 11, 12, 13, 19, 13, 19, 13, 13, 23)
HAMLET_TABLE_PT = 11


# --------------------------------------------------------------------------- page setup


def _setup(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    set_fonts(normal.element, FONT)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(6)
    pf.line_spacing = 1.1
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)
    for name, size in (
        ("Heading 1", BODY_PT),
        ("Heading 2", BODY_PT),
        ("Heading 3", BODY_PT),
        ("Title", 16),
        ("Caption", SMALL_PT),
    ):
        st = styles[name]
        st.font.name = FONT
        st.font.size = Pt(size)
        st.font.color.rgb = RGBColor(0, 0, 0)
        st.font.bold = name != "Caption"
        st.font.italic = name == "Caption"
        set_fonts(st.element, FONT)
        st.paragraph_format.space_before = Pt(6)
        st.paragraph_format.space_after = Pt(6)
        st.paragraph_format.first_line_indent = Cm(1) if name.startswith("Heading") else None
        st.paragraph_format.keep_with_next = True
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    # margins of Hướng dẫn 36-HD/VPTW; DOCX stores whole twips: round up, so that 15 mm is not saved as 14.99 mm
    section.top_margin = Twips(math.ceil(MARGINS_MM["top"] * 1440 / 25.4))
    section.bottom_margin = Twips(math.ceil(MARGINS_MM["bottom"] * 1440 / 25.4))
    section.left_margin = Twips(math.ceil(MARGINS_MM["left"] * 1440 / 25.4))
    section.right_margin = Twips(math.ceil(MARGINS_MM["right"] * 1440 / 25.4))
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # page numbers: centred in the top margin, from page 2 (Hướng dẫn 36-HD/VPTW)
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field(p.add_run(), "PAGE")


def _caption(doc, text: str) -> None:
    para(
        doc,
        text,
        italic=True,
        bold=False,
        size=SMALL_PT,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        space_before=4,
        space_after=4,
    )


# --------------------------------------------------------------------------- sections


def issuing_body(ws: Workspace, fmt: PartyFormat = PARTY_FORMAT) -> tuple[str, str]:
    """The superior Party organisation and the issuing committee, in capitals.

    ``[report] superior`` and ``party_committee`` where given; otherwise
    ``"ĐẢNG BỘ TỈNH " + [workspace] province`` (none where no province is
    named) and ``"ĐẢNG ỦY " + the commune`` (the committee issues the report,
    not the Party organisation "ĐẢNG BỘ XÃ …").

    Example
    -------
    >>> issuing_body(ws)  # doctest: +SKIP
    ('ĐẢNG BỘ TỈNH LẠNG SƠN', 'ĐẢNG ỦY XÃ HỮU LŨNG')
    """
    cfg = ws.config.report
    committee = clean(cfg.get("party_committee") or f"{fmt.committee_prefix} {commune_upper(ws)}")
    superior = cfg.get("superior")
    if superior is None:
        province = clean(ws.config.province)
        province = re.sub(r"^tỉnh\s+", "", province, flags=re.IGNORECASE)
        superior = f"{fmt.superior_prefix} {province}" if province else ""
    return clean(superior).upper(), committee.upper()


def _header_block(doc, ws: Workspace, as_of: date, fmt: PartyFormat = PARTY_FORMAT) -> None:
    cfg = ws.config.report
    superior, committee = issuing_body(ws, fmt)
    suffix = clean(cfg.get("number_suffix") or fmt.number_suffix)
    number = clean(cfg.get("number") or "")
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    left, right = table.rows[0].cells
    first = True
    if superior:
        cell_text(left, superior, bold=fmt.superior_bold, size=fmt.body_pt, first=first)
        first = False
    cell_text(left, committee, bold=fmt.committee_bold, size=fmt.body_pt, first=first)
    cell_text(left, fmt.separator, size=fmt.body_pt, first=False)
    cell_text(left, f"Số {number or '      '}-{suffix}", size=fmt.body_pt, first=False)
    cell_text(right, fmt.party_heading, bold=True, size=fmt.party_heading_pt, underline=True)
    cell_text(right, "", size=fmt.body_pt, first=False)
    cell_text(right, document_date(place_name(ws), as_of), italic=fmt.date_italic, size=fmt.body_pt, first=False)
    widths(table, (72, TEXT_WIDTH_MM - 72))


def _title(doc, ws: Workspace, data: ReportData) -> str:
    sel = data.selection
    if sel.project:
        scope = f"dự án {project_names(ws).get(sel.project, sel.project)}"
    else:
        scope = "các dự án trên địa bàn xã"
    if sel.hamlets:
        names = hamlet_names(ws)
        scope += " tại " + ", ".join(names.get(h, h) for h in sel.hamlets)
    subtitle = f"Tình hình công tác bồi thường, hỗ trợ, tái định cư {scope} {data.period.title()}"
    para(
        doc,
        "BÁO CÁO",
        bold=True,
        size=PARTY_FORMAT.doc_type_pt,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        space_before=18,
        space_after=0,
    )
    para(doc, subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=0)
    para(doc, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=12)
    return subtitle


def _projects_section(doc, data: ReportData) -> None:
    doc.add_heading("1. Tiến độ thực hiện các dự án", level=2)
    pr = data.projects
    if not len(pr):
        para(doc, "Trong phạm vi báo cáo chưa có dự án nào có hộ bị thu hồi đất.")
        return
    rows = []
    for i, p in enumerate(pr.itertuples(index=False), start=1):
        delta = p.handed_over - p.handed_over_prev
        rows.append(
            [
                str(i),
                p.project_name,
                fmt_date(p.handover_deadline) or "—",
                fmt_number(p.households),
                fmt_number(p.handed_over),
                fmt_number(p.handover_pct, 2),
                _signed(delta),
                p.status,
            ]
        )
    extra = _project_total_rows(data) if len(pr) > 1 else []
    grid(
        doc,
        ("TT", "Dự án", "Hạn bàn giao", "Số hộ", "Đã bàn giao (hộ)", "Tỷ lệ (%)", "Tăng trong kỳ (hộ)", "Đánh giá"),
        rows + extra,
        (8, 42, 23, 14, 17, 15, 17, 29),
        numeric_from=3,
        total=bool(extra),
        size=TABLE_PT,
    )
    _caption(doc, f"Bảng 1. Tiến độ bàn giao mặt bằng theo dự án đến ngày {fmt_date(data.selection.as_of)}")
    if len(extra) > 1:
        para(
            doc,
            f"Một hộ có đất thu hồi cho nhiều dự án được tính ở mỗi dự án nhưng chỉ một lần ở dòng "
            f"“Cộng” ({fmt_number(data.overlap['households'])} hộ), nên "
            "dòng “Cộng” bằng số hộ tại Bảng 2.",
            italic=True,
        )
    for i, p in enumerate(pr.itertuples(index=False), start=1):
        line = para(doc)
        run(line, f"{i}.{' '}{p.project_name}: ", bold=True)
        if p.households:
            stages = "; ".join(f"{STAGES.label(k).lower()} {fmt_number(n)} hộ" for k, n in p.stage_counts.items())
            text = (
                f"{fmt_number(p.households)} hộ bị thu hồi đất, diện tích {fmt_number(p.area_m2, 1)} m²; "
                f"đã bàn giao mặt bằng {fmt_number(p.handed_over)} hộ ({fmt_number(p.handover_pct, 2)}%), "
                f"diện tích {fmt_number(p.area_handed_m2, 1)} m²; đã chi trả "
                f"{fmt_number(p.paid_vnd)} đồng cho {fmt_number(p.households_paid)} hộ. "
                f"Số hộ theo bước đang thực hiện: {stages}. {p.assessment}"
            )
        else:
            text = p.assessment
        run(line, text)


def _signed(delta: int) -> str:
    return f"+{fmt_number(delta)}" if delta > 0 else fmt_number(delta)


def _project_total_rows(data: ReportData) -> list[list[str]]:
    """Under Bảng 1 with several projects: households counted in more than one project, then "Cộng"."""
    now, before = data.analysis.headline, data.previous_analysis.headline
    twice, twice_done, twice_delta = (data.overlap[k] for k in ("households", "handed_over", "handed_over_delta"))
    rows = []
    if twice > 0:
        rows.append(
            [
                "",
                "Trừ hộ tính ở nhiều dự án",
                "",
                fmt_number(-twice),
                fmt_number(-twice_done),
                "",
                _signed(-twice_delta) if twice_delta else "",
                "",
            ]
        )
    rows.append(
        [
            "",
            "Cộng",
            "",
            fmt_number(now.households),
            fmt_number(now.handed_over),
            fmt_number(now.handover_pct, 2),
            _signed(now.handed_over - before.handed_over),
            "",
        ]
    )
    return rows


def _hamlet_row(i: object, name: str, r: dict, level: str) -> list[str]:
    def n(col: str, decimals: int = 0, scale: float = 1.0) -> str:
        value = r.get(col)
        return "" if value is None else fmt_number(value / scale, decimals)

    return [
        str(i),
        clean(name),
        n("households"),
        n("households_handed_over"),
        n("handover_pct", 2),
        n("area_affected_m2", 1),
        n("area_handed_over_pct", 2),
        n("compensation_paid_vnd", 1, 1e6),
        n("grievances_open"),
        n("grievances_overdue"),
        level,
    ]


def _hamlet_rows(summary: pd.DataFrame, rec: Reconciliation) -> list[list[str]]:
    """The hamlets, then "Chưa xác định thôn" and the overlap where any, then "Cộng" (= the headline)."""
    rows = []
    wide = is_hamlet_wide(summary)
    for i, (r, w) in enumerate(zip(summary.to_dict("records"), wide), start=1):
        rows.append(_hamlet_row(i, r["hamlet_name"], r, level_label(r["hotspot_level"], bool(w))))
    for extra in (rec.unplaced, rec.overlap):
        if extra is not None:
            rows.append(_hamlet_row("", extra["hamlet_name"].split(" / ")[0], extra, ""))
    rows.append(_hamlet_row("", "Cộng", rec.total, ""))
    return rows


def _hamlet_section(doc, data: ReportData) -> None:
    doc.add_heading("2. Kết quả theo thôn", level=2)
    h = data.hamlets
    text = (
        f"Có {h.affected}/{h.count} thôn có hộ bị thu hồi đất. Kết quả cụ thể từng thôn tại Bảng 2 "
        f"(tỷ lệ hộ đã bàn giao tính trên số hộ của thôn). {h.note}"
    )
    if h.left_out:
        text += (
            " Các thôn không có hộ bị thu hồi và không có đơn thư của dự án không ghi vào bảng: "
            + ", ".join(clean(n) for n in h.left_out)
            + "."
        )
    para(doc, text)
    rows = _hamlet_rows(h.rows, h.totals)
    grid(doc, HAMLET_TABLE_HEADERS, rows, HAMLET_TABLE_WIDTHS_MM, total=True, size=HAMLET_TABLE_PT)
    _caption(
        doc,
        f"Bảng 2. Kết quả bồi thường, hỗ trợ, giải phóng mặt bằng theo thôn đến ngày {fmt_date(data.selection.as_of)}",
    )


def _count_text(counts: EnumCounts, enum: Enum, unit: str = "đơn") -> str:
    """``"2 đơn khiếu nại, 1 đơn khác"``: counts of :func:`geo.periods.enum_counts` in words."""
    known, other = counts
    parts = [f"{fmt_number(n)} {unit} {enum.label(k).lower()}" for k, n in known.items()]
    if other:
        parts.append(f"{fmt_number(other)} {unit} khác")
    return ", ".join(parts)


def _grievance_section(doc, data: ReportData) -> None:
    doc.add_heading("3. Tiếp nhận, giải quyết đơn thư", level=2)
    g = data.grievances
    rec, res, wd = g["received"], g["resolved"], g["withdrawn"]
    opened, overdue, new_overdue = g["open"], g["overdue"], g["new_overdue"]
    noun = data.period.noun
    if len(rec):
        text = (
            f"Trong {noun}, tiếp nhận {fmt_number(len(rec))} đơn thư ({_count_text(g['kinds'], KINDS)}) "
            f"với {fmt_number(g['signatories'])} lượt người ký"
        )
        if g["collective"]:
            text += (
                f", trong đó {fmt_number(g['collective'])} đơn tập thể (từ 5 người ký trở lên), đông nhất "
                f"{fmt_number(g['collective_max'])} người"
            )
        topics = _count_text(g["topics"], TOPICS, unit="đơn về")
        text += f". Nội dung: {topics}." if topics else "."
    else:
        text = f"Trong {noun}, không tiếp nhận đơn thư mới."
    para(doc, text)
    closed = f"Đã giải quyết xong {fmt_number(len(res))} đơn"
    if len(wd):
        closed += f", {fmt_number(len(wd))} đơn rút"
    escalated = g["escalated"]
    closed += (
        f". Hiện còn {fmt_number(len(opened))} đơn chưa giải quyết xong "
        f"(kỳ trước {fmt_number(g['open_prev'])}), "
        f"trong đó {fmt_number(len(overdue))} đơn quá hạn giải quyết (kỳ trước {fmt_number(g['overdue_prev'])}"
        f"; {fmt_number(len(new_overdue))} đơn mới quá hạn trong {noun})"
    )
    if escalated:
        closed += f"; {fmt_number(escalated)} đơn đã chuyển cấp trên"
    closed += "."
    if len(overdue):
        where = [
            f"{h if isinstance(h, str) else 'chưa xác định thôn'} ({fmt_number(n)})"
            for h, n in g["overdue_by_hamlet"].items()
        ]
        closed += " Đơn quá hạn tập trung ở: " + ", ".join(where) + "."
    para(doc, closed)
    rows: list[list[str]] = []
    for kind, values in g["by_kind"].iterrows():
        label = "Cộng" if kind == "total" else KINDS.label(str(kind)) if kind else "Chưa rõ loại"
        rows.append(["" if kind == "total" else str(len(rows) + 1), label, *map(fmt_number, values)])
    grid(
        doc,
        (
            "TT",
            "Loại đơn",
            f"Tiếp nhận trong {noun}",
            f"Giải quyết xong trong {noun}",
            f"Rút đơn trong {noun}",
            GRIEVANCE_STATES.label("open"),
            GRIEVANCE_STATES.label("overdue"),
            f"Mới quá hạn trong {noun}",
        ),
        rows,
        (8, 27, 22, 22, 20, 22, 20, 24),
        total=True,
        size=TABLE_PT,
    )
    _caption(doc, f"Bảng 3. Đơn thư {data.period.span()}")


def hamlet_names_of(data: ReportData) -> dict[str, str]:
    """Hamlet id → name of the report's slice."""
    h = data.slice.hamlets
    return {str(i): clean(n) for i, n in zip(h["hamlet_id"], h["hamlet_name"])}


def _field_report_section(doc, ws: Workspace, data: ReportData, disclosure: Disclosure) -> None:
    doc.add_heading("4. Tình hình tư tưởng, dư luận trong Nhân dân", level=2)
    fr = data.field_reports
    names = hamlet_names_of(data)
    noun = data.period.noun
    if "field_reports" not in ws.present:
        para(doc, "Chưa có dữ liệu báo cáo tình hình của các chi bộ.", highlight=True)
        return
    if not fr.reports:
        para(doc, f"Trong {noun}, chưa nhận được báo cáo tình hình của chi bộ thôn nào.")
    else:
        moods = _count_text(fr.moods, MOODS, unit="báo cáo")
        para(
            doc,
            f"Trong {noun}, nhận {fmt_number(fr.reports)} báo cáo của "
            f"{fmt_number(fr.hamlets_reporting)} chi bộ thôn: {moods}.",
        )
    # one line per hamlet, the gravest first: its gravest, latest report quoted, the others counted
    for hm in fr.notable:
        top = hm.latest
        note = clean(top["note"]) if disclosure.personal else scrub_personal(clean(top["note"]), ws)
        note = note.strip().rstrip(".;,")
        quoted = f"{MOODS.label(top['mood'])}" + (f" — {note}" if note else "") + "."
        p = para(doc, "", indent=True)
        name = names.get(hm.hamlet_id, clean(hm.hamlet_id))
        if hm.reports == 1:
            run(p, f"- {name} ({fmt_date(top['report_date'])}): ", bold=True)
            run(p, quoted)
        else:
            run(p, f"- {name}: ", bold=True)
            run(
                p,
                f"{_count_text(hm.moods, MOODS, unit='báo cáo')}; báo cáo ngày "
                f"{fmt_date(top['report_date'])}: {quoted}",
            )
    silent = [names.get(h, h) for h in fr.silent]
    if silent and fr.reports:
        para(doc, f"Chi bộ chưa gửi báo cáo trong {noun}: {', '.join(silent)}.")


def _map_section(doc, ws: Workspace, data: ReportData, map_png: bytes | None) -> None:
    doc.add_heading("5. Bản đồ tiến độ", level=2)
    if map_png is None:
        from .snapshot import snapshot_png

        map_png = snapshot_png(ws, data.selection, "landscape", dpi=200, analysis=data.analysis)
    p = para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=0)
    p.add_run().add_picture(io.BytesIO(map_png), width=Mm(TEXT_WIDTH_MM))
    _caption(
        doc,
        f"Hình 1. Bản đồ tiến độ bồi thường, hỗ trợ, tái định cư và mức cảnh báo theo thôn đến ngày "
        f"{fmt_date(data.selection.as_of)}",
    )


def _level_change(now: str, before: str) -> str:
    a, b = LEVEL_ORDER.index(now), LEVEL_ORDER.index(before)
    if b == 0 and a > 0:
        return "mới phát sinh"
    if a > b:
        return f"tăng từ mức {LEVEL_LABELS[before].lower()}"
    if a < b:
        return f"giảm từ mức {LEVEL_LABELS[before].lower()}"
    return "không đổi so với kỳ trước"


def _hotspot_section(doc, data: ReportData) -> None:
    doc.add_heading("II. ĐIỂM NÓNG, VẤN ĐỀ NỔI CỘM", level=1)
    cur = data.hotspots.set_index("hamlet_id")
    names = hamlet_names_of(data)
    lv = data.levels  # a project's hotspots counted apart from hamlet-wide alerts, which are named apart
    level, before, wide = lv.table["level"], lv.table["before"], lv.table["wide"]

    def tally(c: dict[str, int], n_wide: int = 0) -> str:
        text = ", ".join(f"{fmt_number(c.get(k, 0))} thôn {LEVEL_LABELS[k].lower()}" for k in ALERT_LEVELS)
        return text + (f"; {fmt_number(n_wide)} thôn có cảnh báo chung của cả thôn" if n_wide else "")

    para(
        doc,
        f"Đến ngày {fmt_date(data.selection.as_of)}: {tally(lv.counts, lv.wide)} "
        f"(ngày {fmt_date(data.period.previous_end)}: "
        f"{tally(lv.counts_before, lv.wide_before)}).",
    )
    shown = False
    for key in ALERT_LEVELS:
        ids = [h for h in names if level[h] == key]
        if not ids:
            continue
        shown = True
        para(doc, f"{LEVEL_LABELS[key]}:", bold=True, space_after=2)
        for h in ids:
            p = para(doc, "")
            run(p, f"- {names[h]} ", bold=True)
            scope = "cảnh báo chung của cả thôn, dự án không có hộ tại thôn; " if wide[h] else ""
            run(p, f"({scope}{_level_change(key, before[h])}): ", italic=True)
            reasons = clean(join_reasons(cur["hotspot_reasons"].get(h))) or "không có lý do cụ thể"
            run(p, reasons + ".")
    if not shown:
        para(doc, "Không có thôn nào ở mức cần theo dõi, nguy cơ hoặc điểm nóng.")
    down = [h for h in names if LEVEL_ORDER.index(level[h]) < LEVEL_ORDER.index(before[h])]
    cleared = [names[h] for h in down if level[h] == "none"]
    lowered = [
        f"{names[h]} ({LEVEL_LABELS[before[h]].lower()} → {LEVEL_LABELS[level[h]].lower()})"
        for h in down
        if level[h] != "none"
    ]
    if cleared:
        para(doc, f"Hết cảnh báo so với kỳ trước: {', '.join(cleared)}.")
    if lowered:
        para(doc, f"Giảm mức cảnh báo: {', '.join(lowered)}.")


def _tasks_section(doc, data: ReportData) -> None:
    doc.add_heading("III. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ ĐỀ XUẤT, KIẾN NGHỊ", level=1)
    para(doc, DRAFT_NOTE, italic=True, highlight=True)
    doc.add_heading(f"1. Nhiệm vụ {data.period.noun} tới", level=2)
    tasks = []
    for p in data.projects.itertuples(index=False):
        remaining = p.remaining
        if remaining > 0 and p.status in ("Chậm tiến độ", "Nguy cơ chậm"):
            when = (
                f" trước ngày {fmt_date(p.handover_deadline)}"
                if p.status == "Nguy cơ chậm"
                else " trong thời gian sớm nhất"
            )
            tasks.append(
                f"Tập trung tuyên truyền, vận động {fmt_number(remaining)} hộ còn lại bàn giao mặt bằng dự án "
                f"{p.project_name}{when}."
            )
    names = hamlet_names_of(data)
    hot = data.hotspots[data.hotspots["hotspot_level"].isin(RISK_LEVELS)]
    if len(hot):
        tasks.append(
            "Phân công đồng chí trong Ban Thường vụ, cán bộ theo dõi thôn bám nắm tình hình, tổ chức đối "
            "thoại tại: " + ", ".join(names.get(str(h), str(h)) for h in hot["hamlet_id"]) + "."
        )
    n_overdue = len(data.grievances["overdue"])
    if n_overdue:
        tasks.append(
            f"Chỉ đạo giải quyết dứt điểm {fmt_number(n_overdue)} đơn thư đã quá hạn; không để phát sinh "
            "khiếu kiện đông người, vượt cấp."
        )
    tasks.append(
        "Tiếp tục thực hiện đúng trình tự, thủ tục thu hồi đất, bồi thường, hỗ trợ, tái định cư; công khai, "
        "minh bạch phương án đến từng hộ."
    )
    for t in tasks:
        para(doc, f"- {t}", highlight=True)
    doc.add_heading("2. Đề xuất, kiến nghị", level=2)
    para(doc, PROPOSALS_PLACEHOLDER, highlight=True)


def _closing(doc, ws: Workspace, fmt: PartyFormat = PARTY_FORMAT) -> None:
    cfg = ws.config.report
    recipients = cfg.get("recipients") or ["Lưu Văn phòng Đảng ủy"]
    if isinstance(recipients, str):
        recipients = [recipients]
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    left, right = table.rows[0].cells
    cell_text(left, fmt.recipients_heading, underline=True, size=fmt.body_pt, align=WD_ALIGN_PARAGRAPH.LEFT)
    items = [clean(r).rstrip(" ,.;") for r in recipients if clean(r)]
    for i, r in enumerate(items):
        cell_text(
            left,
            f"- {r}{'.' if i == len(items) - 1 else ','}",
            size=fmt.recipients_pt,
            align=WD_ALIGN_PARAGRAPH.LEFT,
            first=False,
        )
    on_behalf = clean(cfg.get("on_behalf") or fmt.on_behalf)
    title = clean(cfg.get("signer_title") or fmt.signer_title)
    cell_text(right, on_behalf.upper(), bold=fmt.on_behalf_bold, size=fmt.body_pt)
    cell_text(right, title.upper(), bold=fmt.signer_title_bold, size=fmt.body_pt, first=False)
    for _ in range(4):
        cell_text(right, "", size=fmt.body_pt, first=False)
    cell_text(right, clean(cfg.get("signer") or ""), bold=fmt.signer_name_bold, size=fmt.body_pt, first=False)
    widths(table, (TEXT_WIDTH_MM - 75, 75))
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.insert(0, OxmlElement("w:cantSplit"))  # the signature stays with the recipients, on one page


def _personal_appendix(doc, ws: Workspace, data: ReportData) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)  # a landscape page for the wide table
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.different_first_page_header_footer = False
    para(doc, "PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=0)
    para(
        doc,
        "Danh sách hộ chưa bàn giao mặt bằng",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        space_after=0,
    )
    para(
        doc,
        "(Tài liệu có thông tin cá nhân — chỉ sử dụng trong nội bộ, không công bố, không chuyển cho "
        "người không có trách nhiệm)",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    hh = data.not_handed_over()
    names = hamlet_names_of(data)
    projects = project_names(ws)
    agreement = AGREEMENT_LABELS
    rows: list[list[str]] = []
    for r in hh.itertuples(index=False):
        amount = pd.to_numeric(pd.Series([r.compensation_vnd]), errors="coerce").iloc[0]
        rows.append(
            [
                str(len(rows) + 1),
                clean(r.household_name) or "—",
                clean(r.household_id),
                names.get(str(r.hamlet_id), clean(r.hamlet_id)),
                clean(r.parcel_id),
                projects.get(str(r.project_id), clean(r.project_id)),
                STAGES.label(r.stage),
                agreement.get(r.agreement, "—"),
                fmt_number(amount) if pd.notna(amount) else "",
            ]
        )
    if not rows:
        para(doc, "Không còn hộ nào chưa bàn giao mặt bằng.")
        return
    grid(
        doc,
        ("TT", "Chủ hộ", "Mã hộ", "Thôn", "Thửa", "Dự án", "Bước hiện tại", "Ý kiến", "Tiền bồi thường (đồng)"),
        rows,
        (10, 38, 22, 28, 26, 42, 30, 28, 28),
        numeric_from=8,
        size=TABLE_PT,
    )


# --------------------------------------------------------------------------- the report


def report_document(
    ws: Workspace,
    selection: Selection | None = None,
    period: PeriodKind = "week",
    disclosure: Disclosure = Disclosure.INTERNAL,
    map_png: bytes | None = None,
    data: ReportData | None = None,
):
    """The report as a :class:`docx.document.Document` (see :func:`report_docx`)."""
    data = data or report_data(ws, selection, period)
    doc = Document()
    _setup(doc)
    _header_block(doc, ws, data.selection.as_of)
    subtitle = _title(doc, ws, data)
    para(
        doc,
        f"Thực hiện chế độ báo cáo định kỳ, Đảng ủy xã báo cáo tình hình công tác bồi thường, hỗ trợ, tái "
        f"định cư, giải phóng mặt bằng {data.period.span()} (số liệu tổng hợp từ dữ liệu của "
        f"{commune_name(ws)} đến ngày {fmt_date(data.selection.as_of)}) như sau:",
    )
    doc.add_heading("I. KẾT QUẢ THỰC HIỆN", level=1)
    _projects_section(doc, data)
    _hamlet_section(doc, data)
    _grievance_section(doc, data)
    _field_report_section(doc, ws, data, disclosure)
    _map_section(doc, ws, data, map_png)
    _hotspot_section(doc, data)
    _tasks_section(doc, data)
    closing = para(
        doc,
        "Trên đây là báo cáo tình hình công tác bồi thường, hỗ trợ, tái định cư "
        f"{data.period.title()} của Đảng ủy xã./.",
        space_before=6,
    )
    closing.paragraph_format.keep_with_next = True
    _closing(doc, ws)
    if disclosure.personal:
        _personal_appendix(doc, ws, data)
    props = doc.core_properties
    props.title = f"Báo cáo {subtitle[:1].lower()}{subtitle[1:]}"
    props.author = issuing_body(ws)[1]
    props.language = "vi-VN"
    props.created = datetime.combine(data.selection.as_of, datetime.min.time())
    props.modified = props.created
    props.last_modified_by = props.author
    props.revision = 1
    return doc


def report_docx(
    ws: Workspace,
    selection: Selection | None = None,
    period: PeriodKind = "week",
    disclosure: Disclosure = Disclosure.INTERNAL,
    map_png: bytes | None = None,
) -> bytes:
    """The weekly or monthly report as a Word document.

    Parameters
    ----------
    ws : Workspace
        A workspace without errors; ``workspace.toml`` ``[report]`` gives the
        committee, place, signer and recipients (see the module docstring).
    selection : Selection, optional
        Project, hamlets and the as-of date (the period's last day). Default:
        everything on the workspace's as-of date.
    period : {"week", "month"}
        The week (as-of − 6 … as-of) or the month (from the day after the
        same date of the previous month) the report covers; "previous
        period" is the slice on the day before it starts.
    disclosure : Disclosure
        ``PERSONAL`` adds an appendix listing the households not yet handed
        over, with names, ids and amounts, and leaves household names in
        field-report notes. Default ``INTERNAL``: aggregates, and notes with
        names, ids and amounts masked (``PUBLIC`` likewise).
    map_png : bytes, optional
        The map to insert (default: :func:`geo.exports.snapshot_png` of the
        selection, landscape, 200 dpi).

    Returns
    -------
    bytes
        The ``.docx`` file.

    Example
    -------
    >>> import geo
    >>> from geo.exports import report_docx
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> sel = geo.Selection.make(project="DA-DT242", as_of="20/11/2026")  # doctest: +SKIP
    >>> open("bao_cao_tuan.docx", "wb").write(report_docx(ws, sel, "week"))  # doctest: +SKIP
    """
    buf = io.BytesIO()
    report_document(ws, selection, period, disclosure, map_png).save(buf)
    return buf.getvalue()


def report_pdf(
    ws: Workspace,
    selection: Selection | None = None,
    period: PeriodKind = "week",
    disclosure: Disclosure = Disclosure.INTERNAL,
) -> bytes:
    """The report as PDF, converted from :func:`report_docx` by LibreOffice.

    Raises
    ------
    ExportUnavailable
        Where LibreOffice is not installed (the DOCX needs nothing but python-docx).

    Example
    -------
    >>> if find_soffice():  # doctest: +SKIP
    ...     open("bao_cao.pdf", "wb").write(report_pdf(ws, sel, "month"))
    """
    return docx_to_pdf(report_docx(ws, selection, period, disclosure))


def write_report(
    path: str | Path,
    ws: Workspace,
    selection: Selection | None = None,
    period: PeriodKind = "week",
    disclosure: Disclosure = Disclosure.INTERNAL,
) -> Path:
    """Write the report; the format follows the extension (``.docx``, or ``.pdf`` with LibreOffice).

    Example
    -------
    >>> write_report("bao_cao_thang.docx", ws, sel, "month")  # doctest: +SKIP
    """
    path = guard_output(path, ws)
    ext = path.suffix.lower()
    if ext == ".docx":
        data = report_docx(ws, selection, period, disclosure)
    elif ext == ".pdf":
        data = report_pdf(ws, selection, period, disclosure)
    else:
        raise ValueError(f"report: use .docx or .pdf, not “{path.suffix}”")
    atomic_write(path, data)
    return path
