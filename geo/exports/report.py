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
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor, Twips

from ..analysis import Analysis
from ..disclosure import Disclosure
from ..formatting import fmt_date, fmt_number
from ..hotspots import LEVEL_LABELS
from ..hotspots.scope import is_hamlet_wide, level_label
from ..outputs import atomic_write, guard_output
from ..schema import KINDS, MOODS, STAGES, TOPICS
from ..selection import Selection, TimeSlice
from ..summary import HANDED_OVER, PAID, reconcile
from ..vocabulary import GRIEVANCE_STATES, LEVEL_ORDER, join_reasons
from ..workspace import Workspace
from ._common import (
    Period,
    PeriodKind,
    analysis_of,
    clean,
    commune_name,
    commune_upper,
    document_date,
    hamlet_names,
    period_of,
    place_name,
    project_names,
    scrub_personal,
)


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


class ExportUnavailable(RuntimeError):
    """A format needs a program that is not installed (LibreOffice for a PDF of the report)."""


# --------------------------------------------------------------------------- the numbers


@dataclass
class ReportData:
    """Everything a report says, computed from two time slices.

    Attributes
    ----------
    selection : Selection
    period : Period
    slice, previous : TimeSlice
        On the as-of date and on ``period.previous_end``.
    hotspots, previous_hotspots : DataFrame
        The hotspot levels of each.
    summary, previous_summary : DataFrame
        The per-hamlet summary of each.
    projects : DataFrame
        :func:`project_progress`.
    grievances : dict
        :func:`grievance_changes`.
    analysis, previous_analysis : Analysis
        :func:`geo.analyse` on the as-of date and on ``period.previous_end``
        (the slices, levels and summaries above are theirs).
    """

    selection: Selection
    period: Period
    slice: TimeSlice
    previous: TimeSlice
    hotspots: pd.DataFrame
    previous_hotspots: pd.DataFrame
    summary: pd.DataFrame
    previous_summary: pd.DataFrame
    projects: pd.DataFrame
    grievances: dict
    analysis: Analysis
    previous_analysis: Analysis


def _per_household(hh: pd.DataFrame) -> pd.DataFrame:
    """One row per project × household: the least advanced stage of its rows."""
    if not len(hh):
        return pd.DataFrame(
            {
                "project_id": pd.Series(dtype=object),
                "household_id": pd.Series(dtype=object),
                "rank": pd.Series(dtype="int64"),
            }
        )
    return hh.groupby(["project_id", "household_id"], dropna=False)["stage_rank"].min().rename("rank").reset_index()


def project_progress(ws: Workspace, current: TimeSlice, previous: TimeSlice) -> pd.DataFrame:
    """Progress of each project of the selection on the as-of date and the change since the previous period.

    A household counts as handed over (paid) for a project where every one
    of its rows in that project has reached that stage.

    Returns
    -------
    DataFrame
        ``project_id, project_name, handover_deadline, households, handed_over,
        handed_over_prev, handover_pct, area_m2, area_handed_m2, households_paid,
        paid_vnd, stage_counts`` (dict stage → households whose least advanced
        row is at that stage), ``days_left``, ``status`` and ``assessment``.
    """
    as_of = current.selection.as_of
    names = project_names(ws)
    deadlines = {str(p): d for p, d in zip(ws.projects["project_id"], ws.projects["handover_deadline"])}
    ids = [str(p) for p in current.projects["project_id"].dropna()]
    ids += sorted({str(p) for p in current.households["project_id"].dropna()} - set(ids))
    hh = current.households
    per = _per_household(hh)
    per_prev = _per_household(previous.households)
    period_days = max(1, (as_of - previous.selection.as_of).days)
    rows = []
    for pid in ids:
        mine = per[per["project_id"] == pid]
        prev = per_prev[per_prev["project_id"] == pid]
        rows_p = hh[hh["project_id"] == pid]
        n = int(mine["household_id"].nunique())
        done = int((mine["rank"] >= HANDED_OVER).sum())
        done_prev = int((prev["rank"] >= HANDED_OVER).sum())
        paid_rows = rows_p[rows_p["stage_rank"] >= PAID]
        deadline = deadlines.get(pid)
        deadline = None if deadline is None or pd.isna(deadline) else pd.Timestamp(deadline).date()
        stage_counts = {STAGES.keys[int(r)]: int(c) for r, c in mine["rank"].value_counts().sort_index().items()}
        rec = {
            "project_id": pid,
            "project_name": names.get(pid, pid),
            "handover_deadline": deadline,
            "households": n,
            "handed_over": done,
            "handed_over_prev": done_prev,
            "handover_pct": round(done / n * 100, 2) if n else 0.0,
            "area_m2": float(rows_p["area_m2"].sum()),
            "area_handed_m2": float(rows_p.loc[rows_p["stage_rank"] >= HANDED_OVER, "area_m2"].sum()),
            "households_paid": int((mine["rank"] >= PAID).sum()),
            "paid_vnd": float(pd.to_numeric(paid_rows["compensation_vnd"], errors="coerce").sum()),
            "stage_counts": stage_counts,
            "days_left": (deadline - as_of).days if deadline else None,
        }
        rec["status"], rec["assessment"] = _assess(rec, period_days)
        rows.append(rec)
    return pd.DataFrame(
        rows,
        columns=[
            "project_id",
            "project_name",
            "handover_deadline",
            "households",
            "handed_over",
            "handed_over_prev",
            "handover_pct",
            "area_m2",
            "area_handed_m2",
            "households_paid",
            "paid_vnd",
            "stage_counts",
            "days_left",
            "status",
            "assessment",
        ],
    )


def _assess(p: dict, period_days: int) -> tuple[str, str]:
    """A short status and a sentence: on time, at risk of delay, late, done."""
    n, done = p["households"], p["handed_over"]
    remaining = n - done
    if n == 0:
        return "Chưa có hộ", "Chưa có hộ bị thu hồi đất trong phạm vi báo cáo."
    if remaining == 0:
        return "Hoàn thành", "Đã bàn giao toàn bộ mặt bằng."
    deadline, days = p["handover_deadline"], p["days_left"]
    per_week = (done - p["handed_over_prev"]) / period_days * 7
    rate = f"kỳ này bàn giao thêm {fmt_number(done - p['handed_over_prev'])} hộ"
    if deadline is None:
        return "Chưa có hạn", f"Chưa có hạn bàn giao mặt bằng; còn {fmt_number(remaining)} hộ chưa bàn giao ({rate})."
    if days < 0:
        text = (
            f"Đã quá hạn bàn giao {fmt_number(-days)} ngày (hạn {fmt_date(deadline)}); còn "
            f"{fmt_number(remaining)} hộ chưa bàn giao ({rate})."
        )
        return "Chậm tiến độ", text
    weeks = max(days / 7, 1 / 7)
    need = math.ceil(remaining / weeks)
    if per_week * weeks >= remaining:
        text = (
            f"Còn {fmt_number(days)} ngày đến hạn ({fmt_date(deadline)}), còn {fmt_number(remaining)} "
            f"hộ chưa bàn giao; giữ tốc độ như kỳ này ({fmt_number(per_week, 1)} hộ/tuần) thì kịp hạn."
        )
        return "Đúng tiến độ", text
    text = (
        f"Còn {fmt_number(days)} ngày đến hạn ({fmt_date(deadline)}), còn {fmt_number(remaining)} hộ "
        f"chưa bàn giao: cần bình quân {fmt_number(need)} hộ/tuần, {rate}."
    )
    return "Nguy cơ chậm", text


def grievance_changes(current: TimeSlice, previous: TimeSlice) -> dict:
    """Grievances received, resolved, withdrawn and overdue in the period (two slices compared).

    Returns
    -------
    dict
        ``received``, ``resolved``, ``withdrawn``, ``open``, ``overdue``,
        ``new_overdue`` (DataFrames of the current slice), ``overdue_prev``
        and ``open_prev`` (counts).
    """
    cur, prev = current.grievances, previous.grievances
    known = set(prev["grievance_id"])
    closed_prev = set(prev.loc[~prev["is_open"].astype(bool), "grievance_id"])
    overdue_prev = set(prev.loc[prev["is_overdue"].astype(bool), "grievance_id"])
    is_open = cur["is_open"].astype(bool)
    newly_closed = cur[~is_open & ~cur["grievance_id"].isin(closed_prev)]
    open_now = cur[is_open]
    overdue = open_now[open_now["is_overdue"].astype(bool)]
    return {
        "received": cur[~cur["grievance_id"].isin(known)],
        "resolved": newly_closed[newly_closed["status"] != "withdrawn"],
        "withdrawn": newly_closed[newly_closed["status"] == "withdrawn"],
        "open": open_now,
        "overdue": overdue,
        "new_overdue": overdue[~overdue["grievance_id"].isin(overdue_prev)],
        "open_prev": int(prev["is_open"].astype(bool).sum()),
        "overdue_prev": len(overdue_prev),
    }


def report_data(
    ws: Workspace, selection: Selection | None = None, period: PeriodKind = "week", analysis: Analysis | None = None
) -> ReportData:
    """The numbers of a report: this period's slice, the previous one, and what changed.

    Example
    -------
    >>> data = report_data(ws, geo.Selection.make(project="DA-DT242", as_of="20/11/2026"))  # doctest: +SKIP
    >>> data.projects[["project_id", "handed_over", "handed_over_prev"]]  # doctest: +SKIP
    """
    now = analysis_of(ws, selection, analysis)
    sel = now.selection
    per = period_of(sel.as_of, period)
    before = analysis_of(ws, sel.with_as_of(per.previous_end))
    sl, psl = now.slice, before.slice
    return ReportData(
        sel,
        per,
        sl,
        psl,
        now.levels,
        before.levels,
        now.summary,
        before.summary,
        project_progress(ws, sl, psl),
        grievance_changes(sl, psl),
        now,
        before,
    )


# --------------------------------------------------------------------------- docx helpers


def _set_fonts(element, name: str = FONT) -> None:
    """Set every script's font of a style or run, and drop theme fonts (which would win in Word)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _setup(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element)
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
        _set_fonts(st.element)
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
    _field(p.add_run(), "PAGE")


def _field(run, code: str) -> None:
    for tag, text in (("begin", None), (None, code), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
        run._r.append(el)


def _para(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    underline: bool = False,
    space_after: float = 6,
    space_before: float = 0,
    highlight: bool = False,
    style: str | None = None,
):
    p = container.add_paragraph(style=style)
    p.alignment = align
    pf = p.paragraph_format
    pf.first_line_indent = Cm(1) if indent else Cm(0)
    pf.space_after = Pt(space_after)
    pf.space_before = Pt(space_before)
    if text:
        _run(p, text, bold=bold, italic=italic, size=size, underline=underline, highlight=highlight)
    return p


def _run(
    p,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    underline: bool = False,
    highlight: bool = False,
):
    run = p.add_run(clean(text))
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None
    if size:
        run.font.size = Pt(size)
    if highlight:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run


_TBLPR_ORDER = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
)


def _tblpr_put(table, element) -> None:
    """Put ``element`` into the table's properties in schema order (Word rejects a file otherwise)."""
    tbl_pr = table._tbl.tblPr
    name = element.tag.split("}")[1]
    for old in tbl_pr.findall(qn(f"w:{name}")):
        tbl_pr.remove(old)
    rank = _TBLPR_ORDER.index(name)
    for i, child in enumerate(tbl_pr):
        child_name = child.tag.split("}")[1]
        if child_name in _TBLPR_ORDER and _TBLPR_ORDER.index(child_name) > rank:
            tbl_pr.insert(i, element)
            return
    tbl_pr.append(element)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    _tblpr_put(table, borders)


def _cell_text(
    cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = TABLE_PT,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    underline: bool = False,
    first: bool = True,
):
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.alignment = align
    p.paragraph_format.first_line_indent = Cm(0)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    _run(p, text, bold=bold, italic=italic, size=size, underline=underline)
    return p


def _widths(table, widths_mm) -> None:
    """Fixed column widths, written where Word and LibreOffice both read them (grid, cells, table)."""
    table.autofit = False
    tbl = table._tbl
    for col, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(round(w * 1440 / 25.4)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)
    width = OxmlElement("w:tblW")
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(round(sum(widths_mm) * 1440 / 25.4)))
    _tblpr_put(table, width)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _tblpr_put(table, layout)


def _cell_margins(table, mm: float) -> None:
    """Left and right cell padding (Word's default is 1.9 mm), so that numbers fit narrow columns."""
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(round(mm * 1440 / 25.4)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    _tblpr_put(table, mar)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _grid(doc, headers, rows, widths_mm, *, numeric_from: int = 2, total: bool = False, size: float = TABLE_PT):
    """A bordered table: bold header repeated on each page, numbers right-aligned, optional bold last row."""
    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_margins(table, 1.0)
    for j, h in enumerate(headers):
        _cell_text(table.rows[0].cells[j], h, bold=True, size=size)
    _repeat_header(table.rows[0])
    for tr in table.rows:  # a row never breaks across pages
        tr._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
    for i, row in enumerate(rows, start=1):
        last = total and i == len(rows)
        for j, value in enumerate(row):
            align = (
                WD_ALIGN_PARAGRAPH.RIGHT
                if j >= numeric_from and _is_number_text(value)
                else (WD_ALIGN_PARAGRAPH.CENTER if j == 0 else WD_ALIGN_PARAGRAPH.LEFT)
            )
            _cell_text(table.rows[i].cells[j], str(value), bold=last, size=size, align=align)
    _widths(table, widths_mm)
    return table


def _is_number_text(value) -> bool:
    text = str(value).replace(".", "").replace(",", "").replace("+", "").replace("-", "").strip()
    return text.isdigit()


def _caption(doc, text: str) -> None:
    _para(
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
    _no_borders(table)
    left, right = table.rows[0].cells
    first = True
    if superior:
        _cell_text(left, superior, bold=fmt.superior_bold, size=fmt.body_pt, first=first)
        first = False
    _cell_text(left, committee, bold=fmt.committee_bold, size=fmt.body_pt, first=first)
    _cell_text(left, fmt.separator, size=fmt.body_pt, first=False)
    _cell_text(left, f"Số {number or '      '}-{suffix}", size=fmt.body_pt, first=False)
    _cell_text(right, fmt.party_heading, bold=True, size=fmt.party_heading_pt, underline=True)
    _cell_text(right, "", size=fmt.body_pt, first=False)
    _cell_text(right, document_date(place_name(ws), as_of), italic=fmt.date_italic, size=fmt.body_pt, first=False)
    _widths(table, (72, TEXT_WIDTH_MM - 72))


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
    _para(
        doc,
        "BÁO CÁO",
        bold=True,
        size=PARTY_FORMAT.doc_type_pt,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        space_before=18,
        space_after=0,
    )
    _para(doc, subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=0)
    _para(doc, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=12)
    return subtitle


def _projects_section(doc, data: ReportData) -> None:
    doc.add_heading("1. Tiến độ thực hiện các dự án", level=2)
    pr = data.projects
    if not len(pr):
        _para(doc, "Trong phạm vi báo cáo chưa có dự án nào có hộ bị thu hồi đất.")
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
    _grid(
        doc,
        ("TT", "Dự án", "Hạn bàn giao", "Số hộ", "Đã bàn giao (hộ)", "Tỷ lệ (%)", "Tăng trong kỳ (hộ)", "Đánh giá"),
        rows + extra,
        (8, 42, 23, 14, 17, 15, 17, 29),
        numeric_from=3,
        total=bool(extra),
    )
    _caption(doc, f"Bảng 1. Tiến độ bàn giao mặt bằng theo dự án đến ngày {fmt_date(data.selection.as_of)}")
    if len(extra) > 1:
        _para(
            doc,
            f"Một hộ có đất thu hồi cho nhiều dự án được tính ở mỗi dự án nhưng chỉ một lần ở dòng "
            f"“Cộng” ({fmt_number(int(pr['households'].sum()) - _totals_now(data).households)} hộ), nên "
            "dòng “Cộng” bằng số hộ tại Bảng 2.",
            italic=True,
        )
    for i, p in enumerate(pr.itertuples(index=False), start=1):
        para = _para(doc)
        _run(para, f"{i}.{' '}{p.project_name}: ", bold=True)
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
        _run(para, text)


def _signed(delta: int) -> str:
    return f"+{fmt_number(delta)}" if delta > 0 else fmt_number(delta)


def _totals_now(data: ReportData):
    """The selection's headline on the as-of date (distinct households, unplaced rows included)."""
    return data.analysis.headline


def _project_total_rows(data: ReportData) -> list[list[str]]:
    """Under Bảng 1 with several projects: households counted in more than one project, then "Cộng"."""
    pr = data.projects
    now, before = _totals_now(data), data.previous_analysis.headline
    twice = int(pr["households"].sum()) - now.households
    twice_done = int(pr["handed_over"].sum()) - now.handed_over
    twice_delta = int((pr["handed_over"] - pr["handed_over_prev"]).sum()) - (now.handed_over - before.handed_over)
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


def _hamlet_rows(summary: pd.DataFrame, sl: TimeSlice | None = None) -> list[list[str]]:
    """The hamlets, then "Chưa xác định thôn" and the overlap where any, then "Cộng" (= the headline)."""
    rows = []
    wide = is_hamlet_wide(summary)
    for i, (r, w) in enumerate(zip(summary.to_dict("records"), wide), start=1):
        rows.append(_hamlet_row(i, r["hamlet_name"], r, level_label(r["hotspot_level"], bool(w))))
    if sl is None:
        return rows
    rec = reconcile(sl, summary)
    for extra in (rec.unplaced, rec.overlap):
        if extra is not None:
            rows.append(_hamlet_row("", extra["hamlet_name"].split(" / ")[0], extra, ""))
    rows.append(_hamlet_row("", "Cộng", rec.total, ""))
    return rows


def _hamlet_section(doc, data: ReportData) -> None:
    doc.add_heading("2. Kết quả theo thôn", level=2)
    s = data.summary
    affected = int((s["households"] > 0).sum())
    rec = reconcile(data.slice, s)
    text = (
        f"Có {affected}/{len(s)} thôn có hộ bị thu hồi đất. Kết quả cụ thể từng thôn tại Bảng 2 "
        f"(tỷ lệ hộ đã bàn giao tính trên số hộ của thôn). {rec.note_vi}"
    )
    if data.selection.project:
        quiet = (s["households"] == 0) & (s["grievances_open"] == 0) & (s["hotspot_level"] == "none")
        if quiet.any():
            text += (
                " Các thôn không có hộ bị thu hồi và không có đơn thư của dự án không ghi vào bảng: "
                + ", ".join(clean(n) for n in s.loc[quiet, "hamlet_name"])
                + "."
            )
        s = s[~quiet]
    _para(doc, text)
    _grid(
        doc, HAMLET_TABLE_HEADERS, _hamlet_rows(s, data.slice), HAMLET_TABLE_WIDTHS_MM, total=True, size=HAMLET_TABLE_PT
    )
    _caption(
        doc,
        f"Bảng 2. Kết quả bồi thường, hỗ trợ, giải phóng mặt bằng theo thôn đến ngày {fmt_date(data.selection.as_of)}",
    )


def _count_text(frame: pd.DataFrame, column: str, enum, unit: str = "đơn") -> str:
    counts = frame[column].value_counts()
    parts = [f"{fmt_number(counts[k])} {unit} {enum.label(k).lower()}" for k in enum.keys if counts.get(k)]
    other = int(counts.drop([k for k in enum.keys if k in counts.index]).sum()) if len(counts) else 0
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
        people = int(rec["signatories"].sum())
        collective = rec[rec["signatories"] >= 5]
        text = (
            f"Trong {noun}, tiếp nhận {fmt_number(len(rec))} đơn thư ({_count_text(rec, 'kind', KINDS)}) "
            f"với {fmt_number(people)} lượt người ký"
        )
        if len(collective):
            text += (
                f", trong đó {fmt_number(len(collective))} đơn tập thể (từ 5 người ký trở lên), đông nhất "
                f"{fmt_number(int(collective['signatories'].max()))} người"
            )
        topics = _count_text(rec, "topic", TOPICS, unit="đơn về")
        text += f". Nội dung: {topics}." if topics else "."
    else:
        text = f"Trong {noun}, không tiếp nhận đơn thư mới."
    _para(doc, text)
    closed = f"Đã giải quyết xong {fmt_number(len(res))} đơn"
    if len(wd):
        closed += f", {fmt_number(len(wd))} đơn rút"
    escalated = int((opened["status"] == "escalated").sum())
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
        names = hamlet_names_of(data)
        where = overdue["hamlet_id"].map(names).fillna("chưa xác định thôn").value_counts()
        closed += " Đơn quá hạn tập trung ở: " + ", ".join(f"{h} ({fmt_number(n)})" for h, n in where.items()) + "."
    _para(doc, closed)
    rows = []
    kinds = [*KINDS.keys, None]
    totals = [0] * 6
    for kind in kinds:

        def n(frame, kind=kind):
            if kind is None:
                return int((~frame["kind"].isin(KINDS.keys)).sum())
            return int((frame["kind"] == kind).sum())

        values = [n(rec), n(res), n(wd), n(opened), n(overdue), n(new_overdue)]
        if kind is None and not any(values):
            continue
        totals = [a + b for a, b in zip(totals, values)]
        rows.append([str(len(rows) + 1), KINDS.label(kind) if kind else "Chưa rõ loại", *map(fmt_number, values)])
    rows.append(["", "Cộng", *map(fmt_number, totals)])
    _grid(
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
    )
    _caption(doc, f"Bảng 3. Đơn thư {data.period.span()}")


def hamlet_names_of(data: ReportData) -> dict[str, str]:
    """Hamlet id → name of the report's slice."""
    h = data.slice.hamlets
    return {str(i): clean(n) for i, n in zip(h["hamlet_id"], h["hamlet_name"])}


def _field_report_section(doc, ws: Workspace, data: ReportData, disclosure: Disclosure) -> None:
    doc.add_heading("4. Tình hình tư tưởng, dư luận trong Nhân dân", level=2)
    cur, prev = data.slice.field_reports, data.previous.field_reports
    fresh = cur[~cur.index.isin(prev.index)]
    hamlets = data.slice.hamlets
    if data.selection.project:
        involved = set(data.summary.loc[data.summary["households"] > 0, "hamlet_id"])
        fresh = fresh[fresh["hamlet_id"].isin(involved)]
        hamlets = hamlets[hamlets["hamlet_id"].isin(involved)]
    names = hamlet_names_of(data)
    noun = data.period.noun
    if "field_reports" not in ws.present:
        _para(doc, "Chưa có dữ liệu báo cáo tình hình của các chi bộ.", highlight=True)
        return
    if not len(fresh):
        _para(doc, f"Trong {noun}, chưa nhận được báo cáo tình hình của chi bộ thôn nào.")
    else:
        moods = _count_text(fresh, "mood", MOODS, unit="báo cáo")
        _para(
            doc,
            f"Trong {noun}, nhận {fmt_number(len(fresh))} báo cáo của "
            f"{fmt_number(fresh['hamlet_id'].nunique())} chi bộ thôn: {moods}.",
        )
    notable = fresh[fresh["mood"].isin(["gathering_risk", "agitated", "concerned"])]
    order = {"gathering_risk": 0, "agitated": 1, "concerned": 2}
    notable = notable.assign(_o=notable["mood"].map(order)).sort_values(["_o", "report_date"], ascending=[True, False])
    # one line per hamlet, the gravest first: its gravest, latest report quoted, the others counted
    for hamlet, group in notable.groupby("hamlet_id", sort=False):
        top = group.iloc[0]
        note = clean(top["note"]) if disclosure.personal else scrub_personal(clean(top["note"]), ws)
        note = note.strip().rstrip(".;,")
        quoted = f"{MOODS.label(top['mood'])}" + (f" — {note}" if note else "") + "."
        p = _para(doc, "", indent=True)
        name = names.get(str(hamlet), clean(hamlet))
        if len(group) == 1:
            _run(p, f"- {name} ({fmt_date(top['report_date'])}): ", bold=True)
            _run(p, quoted)
        else:
            _run(p, f"- {name}: ", bold=True)
            _run(
                p,
                f"{_count_text(group, 'mood', MOODS, unit='báo cáo')}; báo cáo ngày "
                f"{fmt_date(top['report_date'])}: {quoted}",
            )
    silent = [names.get(str(h), str(h)) for h in hamlets["hamlet_id"] if h not in set(fresh["hamlet_id"])]
    if silent and len(fresh):
        _para(doc, f"Chi bộ chưa gửi báo cáo trong {noun}: {', '.join(silent)}.")


def _map_section(doc, ws: Workspace, data: ReportData, map_png: bytes | None) -> None:
    doc.add_heading("5. Bản đồ tiến độ", level=2)
    if map_png is None:
        from .snapshot import snapshot_png

        map_png = snapshot_png(ws, data.selection, "landscape", dpi=200, analysis=data.analysis)
    p = _para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=0)
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
    prev = data.previous_hotspots.set_index("hamlet_id")
    names = hamlet_names_of(data)
    level = cur["hotspot_level"].reindex(list(names)).fillna("none")
    before = prev["hotspot_level"].reindex(list(names)).fillna("none")
    wide = is_hamlet_wide(cur).reindex(list(names)).fillna(False).astype(bool)
    wide_prev = is_hamlet_wide(prev).reindex(list(names)).fillna(False).astype(bool)
    counts = level[~wide].value_counts()  # a project's hotspots only: hamlet-wide alerts are named apart
    counts_prev = before[~wide_prev].value_counts()

    def tally(c, n_wide: int = 0) -> str:
        text = ", ".join(
            f"{fmt_number(c.get(k, 0))} thôn {LEVEL_LABELS[k].lower()}" for k in ("hotspot", "risk", "watch")
        )
        return text + (f"; {fmt_number(n_wide)} thôn có cảnh báo chung của cả thôn" if n_wide else "")

    _para(
        doc,
        f"Đến ngày {fmt_date(data.selection.as_of)}: {tally(counts, int(wide.sum()))} "
        f"(ngày {fmt_date(data.period.previous_end)}: "
        f"{tally(counts_prev, int(wide_prev.sum()))}).",
    )
    shown = False
    for key in ("hotspot", "risk", "watch"):
        ids = [h for h in names if level[h] == key]
        if not ids:
            continue
        shown = True
        _para(doc, f"{LEVEL_LABELS[key]}:", bold=True, space_after=2)
        for h in ids:
            p = _para(doc, "")
            _run(p, f"- {names[h]} ", bold=True)
            scope = "cảnh báo chung của cả thôn, dự án không có hộ tại thôn; " if wide[h] else ""
            _run(p, f"({scope}{_level_change(key, before[h])}): ", italic=True)
            reasons = clean(join_reasons(cur["hotspot_reasons"].get(h))) or "không có lý do cụ thể"
            _run(p, reasons + ".")
    if not shown:
        _para(doc, "Không có thôn nào ở mức cần theo dõi, nguy cơ hoặc điểm nóng.")
    down = [h for h in names if LEVEL_ORDER.index(level[h]) < LEVEL_ORDER.index(before[h])]
    cleared = [names[h] for h in down if level[h] == "none"]
    lowered = [
        f"{names[h]} ({LEVEL_LABELS[before[h]].lower()} → {LEVEL_LABELS[level[h]].lower()})"
        for h in down
        if level[h] != "none"
    ]
    if cleared:
        _para(doc, f"Hết cảnh báo so với kỳ trước: {', '.join(cleared)}.")
    if lowered:
        _para(doc, f"Giảm mức cảnh báo: {', '.join(lowered)}.")


def _tasks_section(doc, data: ReportData) -> None:
    doc.add_heading("III. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ ĐỀ XUẤT, KIẾN NGHỊ", level=1)
    _para(doc, DRAFT_NOTE, italic=True, highlight=True)
    doc.add_heading(f"1. Nhiệm vụ {data.period.noun} tới", level=2)
    tasks = []
    for p in data.projects.itertuples(index=False):
        remaining = p.households - p.handed_over
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
    hot = data.hotspots[data.hotspots["hotspot_level"].isin(["hotspot", "risk"])]
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
        _para(doc, f"- {t}", highlight=True)
    doc.add_heading("2. Đề xuất, kiến nghị", level=2)
    _para(doc, PROPOSALS_PLACEHOLDER, highlight=True)


def _closing(doc, ws: Workspace, fmt: PartyFormat = PARTY_FORMAT) -> None:
    cfg = ws.config.report
    recipients = cfg.get("recipients") or ["Lưu Văn phòng Đảng ủy"]
    if isinstance(recipients, str):
        recipients = [recipients]
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _cell_text(left, fmt.recipients_heading, underline=True, size=fmt.body_pt, align=WD_ALIGN_PARAGRAPH.LEFT)
    items = [clean(r).rstrip(" ,.;") for r in recipients if clean(r)]
    for i, r in enumerate(items):
        _cell_text(
            left,
            f"- {r}{'.' if i == len(items) - 1 else ','}",
            size=fmt.recipients_pt,
            align=WD_ALIGN_PARAGRAPH.LEFT,
            first=False,
        )
    on_behalf = clean(cfg.get("on_behalf") or fmt.on_behalf)
    title = clean(cfg.get("signer_title") or fmt.signer_title)
    _cell_text(right, on_behalf.upper(), bold=fmt.on_behalf_bold, size=fmt.body_pt)
    _cell_text(right, title.upper(), bold=fmt.signer_title_bold, size=fmt.body_pt, first=False)
    for _ in range(4):
        _cell_text(right, "", size=fmt.body_pt, first=False)
    _cell_text(right, clean(cfg.get("signer") or ""), bold=fmt.signer_name_bold, size=fmt.body_pt, first=False)
    _widths(table, (TEXT_WIDTH_MM - 75, 75))
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.insert(0, OxmlElement("w:cantSplit"))  # the signature stays with the recipients, on one page


def _personal_appendix(doc, ws: Workspace, data: ReportData) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)  # a landscape page for the wide table
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.different_first_page_header_footer = False
    _para(doc, "PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=0)
    _para(
        doc,
        "Danh sách hộ chưa bàn giao mặt bằng",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        space_after=0,
    )
    _para(
        doc,
        "(Tài liệu có thông tin cá nhân — chỉ sử dụng trong nội bộ, không công bố, không chuyển cho "
        "người không có trách nhiệm)",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    hh = data.slice.households
    hh = hh[hh["stage_rank"] < HANDED_OVER].sort_values(["hamlet_id", "project_id", "household_id"])
    names = hamlet_names_of(data)
    projects = project_names(ws)
    agreement = {"yes": "Đồng thuận", "no": "Không đồng thuận", "unknown": "Chưa rõ"}
    rows = []
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
        _para(doc, "Không còn hộ nào chưa bàn giao mặt bằng.")
        return
    _grid(
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
    _para(
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
    closing = _para(
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


# --------------------------------------------------------------------------- PDF through LibreOffice


def find_soffice() -> str | None:
    """The LibreOffice program (``soffice``/``libreoffice``), or ``None`` where it is not installed.

    ``GEO_SOFFICE`` names it explicitly.
    """
    explicit = os.environ.get("GEO_SOFFICE")
    if explicit:
        return explicit if Path(explicit).exists() or shutil.which(explicit) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ):
        if Path(candidate).exists():
            return candidate
    return None


def docx_to_pdf(docx: bytes, timeout: float = 180) -> bytes:
    """Convert a DOCX to PDF with LibreOffice (headless, a private profile, no network).

    Raises
    ------
    ExportUnavailable
        Where LibreOffice is not installed or the conversion fails.
    """
    soffice = find_soffice()
    if soffice is None:
        raise ExportUnavailable(
            "Chưa cài LibreOffice nên không xuất được PDF; hãy xuất .docx rồi mở bằng Word và lưu PDF / "
            "LibreOffice is not installed: export .docx and save it as PDF from Word."
        )
    with tempfile.TemporaryDirectory(prefix="geo-report-") as tmp:
        src = Path(tmp) / "bao_cao.docx"
        src.write_bytes(docx)
        profile = (Path(tmp) / "profile").as_uri()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ExportUnavailable(f"LibreOffice không chuyển được sang PDF / conversion failed: {exc}") from exc
        out = src.with_suffix(".pdf")
        if not out.exists():
            raise ExportUnavailable("LibreOffice không tạo được tệp PDF / LibreOffice produced no PDF.")
        return out.read_bytes()


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
