"""The per-hamlet summary as an Excel workbook and as CSV.

:func:`summary_xlsx` writes the contract's columns (see
:data:`geo.summary.SUMMARY_COLUMNS`) under Vietnamese headers, one row per
hamlet, then the rows of :func:`geo.summary.reconcile` ("Chưa xác định
thôn" where household rows or grievances have no hamlet, the households
counted in more than one row, and "Tổng cộng", equal to the dashboard's
headline) with a note saying why, the header frozen, thousands grouped, VND
without decimals, percentages as percentages and columns wide enough for
their contents. A second sheet, "Ghi chú", says what was selected, on which
date, from which files, and what each column means.

:func:`summary_csv` writes the same numbers as ``python -m geo summary``
(plain numbers, two-decimal percentages, UTF-8).
"""

from __future__ import annotations

import csv
import errno
import gc
import io
import sys
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..analysis import Analysis
from ..formatting import fmt_date
from ..hotspots.scope import level_label
from ..outputs import FORMULA_STARTS, atomic_write, guard_output, spreadsheet_text
from ..selection import Selection
from ..summary import SUMMARY_COLUMNS, SUMMARY_LABELS, reconcile, reconciliation_note, write_summary_csv
from ..vocabulary import ALERT_LEVELS, LEVEL_LABELS, REASONS_COLUMN, join_reasons
from ..workspace import Workspace
from ._common import (
    analysis_of,
    clean,
    commune_name,
    selection_text,
)

SHEET = "Tổng hợp theo thôn"
NOTES_SHEET = "Ghi chú"
HEADER_ROW = 4
"""The header's row in the summary sheet; hamlets start on the next row."""
TITLE = "TỔNG HỢP TIẾN ĐỘ BỒI THƯỜNG, HỖ TRỢ, TÁI ĐỊNH CƯ THEO THÔN"
TOTAL_LABEL = "Tổng cộng"
NOTE_LABEL = "Ghi chú: "

COUNT_FORMAT = "#,##0"
AREA_FORMAT = "#,##0.00"
VND_FORMAT = "#,##0"
PCT_FORMAT = "0.00%"

FORMATS = {
    "parcels_affected": COUNT_FORMAT,
    "area_affected_m2": AREA_FORMAT,
    "households": COUNT_FORMAT,
    "households_handed_over": COUNT_FORMAT,
    "handover_pct": PCT_FORMAT,
    "area_handed_over_pct": PCT_FORMAT,
    "households_paid": COUNT_FORMAT,
    "compensation_paid_vnd": VND_FORMAT,
    "grievances_open": COUNT_FORMAT,
    "grievances_overdue": COUNT_FORMAT,
    "max_signatories_open": COUNT_FORMAT,
}
"""Excel number format of each numeric column (percentages are stored as fractions: 50 % = 0.5)."""

PERCENT_COLUMNS = ("handover_pct", "area_handed_over_pct")

LEVEL_FILLS = {"watch": "FEE8C8", "risk": "FDBB84", "hotspot": "F4A6A6"}

COLUMN_NOTES = {
    "hamlet_id": "Mã thôn trong lớp thôn.",
    "hamlet_name": "Tên thôn.",
    "parcels_affected": "Số thửa có ít nhất một hộ bị thu hồi.",
    "area_affected_m2": "Tổng diện tích thu hồi (m²) của các dòng hộ.",
    "households": "Số hộ có đất bị thu hồi trong thôn.",
    "households_handed_over": "Số hộ đã bàn giao mặt bằng toàn bộ các thửa trong thôn.",
    "handover_pct": "Số hộ đã bàn giao / số hộ.",
    "area_handed_over_pct": "Diện tích đã bàn giao / diện tích thu hồi.",
    "households_paid": "Số hộ đã nhận tiền (hoặc đã bàn giao) ở mọi thửa trong thôn.",
    "compensation_paid_vnd": "Tổng tiền bồi thường, hỗ trợ của các dòng đã chi trả (đồng).",
    "grievances_open": "Đơn thư chưa giải quyết xong hoặc chưa rút tại ngày báo cáo.",
    "grievances_overdue": "Đơn thư chưa giải quyết đã quá thời hạn giải quyết.",
    "max_signatories_open": "Số người ký nhiều nhất trong một đơn chưa giải quyết.",
    "hotspot_level": "Bình thường, Theo dõi, Nguy cơ hoặc Điểm nóng (quy tắc trong workspace.toml [hotspots]).",
    "hotspot_reasons": "Các lý do của mức cảnh báo.",
}


def _totals(summary: pd.DataFrame) -> dict[str, object]:
    """The totals row: sums, ratios of sums, the largest group and a count of levels."""
    s = summary
    hh = float(s["households"].sum())
    area = float(s["area_affected_m2"].sum())
    area_handed = float((s["area_affected_m2"] * s["area_handed_over_pct"] / 100.0).sum())
    levels = s["hotspot_level"].value_counts().to_dict()
    level_text = ", ".join(f"{levels[k]} {LEVEL_LABELS[k].lower()}" for k in ALERT_LEVELS if levels.get(k))
    return {
        "hamlet_id": "",
        "hamlet_name": TOTAL_LABEL,
        "parcels_affected": int(s["parcels_affected"].sum()),
        "area_affected_m2": round(area, 2),
        "households": int(hh),
        "households_handed_over": int(s["households_handed_over"].sum()),
        "handover_pct": round(float(s["households_handed_over"].sum()) / hh * 100, 2) if hh else 0.0,
        "area_handed_over_pct": round(area_handed / area * 100, 2) if area else 0.0,
        "households_paid": int(s["households_paid"].sum()),
        "compensation_paid_vnd": float(s["compensation_paid_vnd"].sum()),
        "grievances_open": int(s["grievances_open"].sum()),
        "grievances_overdue": int(s["grievances_overdue"].sum()),
        "max_signatories_open": int(s["max_signatories_open"].max()) if len(s) else 0,
        "hotspot_level": level_text or LEVEL_LABELS["none"],
        "hotspot_reasons": "",
    }


def totals_row(summary: pd.DataFrame) -> dict[str, object]:
    """The column sums of a per-hamlet summary's rows.

    Counts, areas and amounts are summed (a household with land in two
    hamlets counts in both, as in the hamlet rows); percentages are ratios
    of the sums; ``max_signatories_open`` is the largest; ``hotspot_level``
    counts the hamlets per level in words. The XLSX and the report show
    :func:`geo.summary.reconcile`'s total instead, which equals the headline
    (unplaced rows in, households counted once).

    Example
    -------
    >>> totals_row(summary)["households"]  # doctest: +SKIP
    412
    """
    return _totals(summary)


def _display_width(value: object, fmt: str | None) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, (int, float)) and fmt:
        if fmt == PCT_FORMAT:
            return len(f"{value * 100:.2f}%")
        decimals = 2 if fmt == AREA_FORMAT else 0
        return len(f"{value:,.{decimals}f}")
    return len(str(value))


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes when wrapped at ``width`` characters (greedy, by words)."""
    lines, used = 1, 0
    for word in text.split():
        need = len(word) if used == 0 else used + 1 + len(word)
        if need > width and used:
            lines, used = lines + 1, len(word)
        else:
            used = need
    return lines


def summary_workbook(ws: Workspace, selection: Selection | None = None, analysis: Analysis | None = None) -> Workbook:
    """The per-hamlet summary as an :class:`openpyxl.Workbook` (see :func:`summary_xlsx`)."""
    an = analysis_of(ws, selection, analysis)
    sel, sl, summary = an.selection, an.slice, an.summary
    rec = reconcile(sl, summary)
    columns = list(SUMMARY_COLUMNS)
    wb = Workbook()
    sh = wb.active
    sh.title = SHEET
    n_cols = len(columns)
    last = get_column_letter(n_cols)
    province = f", tỉnh {clean(ws.config.province)}" if ws.config.province else ""
    sh["A1"] = TITLE
    sh["A1"].font = Font(bold=True, size=14)
    sh["A2"] = f"{commune_name(ws)}{province} — {selection_text(ws, sel)} — số liệu đến ngày {fmt_date(sel.as_of)}"
    sh["A2"].font = Font(italic=True, size=11)
    sh.merge_cells(f"A1:{last}1")
    sh.merge_cells(f"A2:{last}2")

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    for j, col in enumerate(columns, start=1):
        cell = sh.cell(HEADER_ROW, j, SUMMARY_LABELS[col])
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    widths = [max(max(len(w) for w in SUMMARY_LABELS[c].split()), -(-len(SUMMARY_LABELS[c]) // 3)) + 2 for c in columns]
    wide = summary["hamlet_wide"] if "hamlet_wide" in summary.columns else pd.Series(False, index=summary.index)
    rows = [
        {**{c: row[c] for c in columns}, "hotspot_level": level_label(row["hotspot_level"], bool(w))}
        for row, w in zip(summary[columns].to_dict("records"), wide)
    ]
    n_hamlets = len(rows)
    rows += rec.rows()
    first = HEADER_ROW + 1
    for i, record in enumerate(rows):
        r = first + i
        is_total = i == len(rows) - 1
        is_extra = n_hamlets <= i < len(rows) - 1
        for j, col in enumerate(columns, start=1):
            value = join_reasons(record[col]) if col == REASONS_COLUMN else record[col]
            if value is None:  # the overlap row leaves what it does not correct blank
                pass
            elif col in PERCENT_COLUMNS:
                value = round(float(value) / 100.0, 6)
            elif col in FORMATS and value is not None and not (isinstance(value, float) and pd.isna(value)):
                value = int(value) if FORMATS[col] == COUNT_FORMAT else float(value)
            elif isinstance(value, str) or value is None:
                value = clean(value)
            cell = sh.cell(r, j, value)
            cell.border = border
            fmt = FORMATS.get(col)
            if fmt:
                cell.number_format = fmt
            if col == "hotspot_reasons" or (is_extra and col == "hamlet_name"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
            level = summary["hotspot_level"].iloc[i] if i < n_hamlets else None
            if col == "hotspot_level" and level in LEVEL_FILLS and not bool(wide.iloc[i]):
                cell.fill = PatternFill("solid", fgColor=LEVEL_FILLS[level])
            if is_extra:
                cell.font = Font(italic=True)
            if is_total:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="F2F2F2")
            if not (is_extra and col == "hamlet_name"):  # the labels of those rows wrap
                widths[j - 1] = max(widths[j - 1], _display_width(value, fmt) + 2)
    for j, width in enumerate(widths, start=1):
        cap = 80 if columns[j - 1] == "hotspot_reasons" else 40
        sh.column_dimensions[get_column_letter(j)].width = min(max(width, 6), cap)
    sh.row_dimensions[HEADER_ROW].height = (
        15
        * max(
            _wrapped_lines(SUMMARY_LABELS[c], sh.column_dimensions[get_column_letter(j)].width - 1)
            for j, c in enumerate(columns, start=1)
        )
        + 4
    )
    sh.freeze_panes = sh.cell(first, 3)  # header rows and the hamlet's id and name stay in view
    sh.auto_filter.ref = f"A{HEADER_ROW}:{last}{first + n_hamlets - 1}"
    if rec.needed:  # say why the hamlet rows alone do not add up, right under the total
        note_row = first + len(rows) + 1
        sh.cell(note_row, 1, NOTE_LABEL + rec.note).alignment = Alignment(wrap_text=True, vertical="top")
        sh.cell(note_row, 1).font = Font(italic=True)
        sh.merge_cells(f"A{note_row}:{last}{note_row}")
        sh.row_dimensions[note_row].height = 15 * 3
    sh.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sh.page_setup.orientation = "landscape"
    sh.page_setup.paperSize = sh.PAPERSIZE_A4
    sh.page_setup.fitToWidth = 1
    sh.page_setup.fitToHeight = 0
    sh.sheet_properties.pageSetUpPr.fitToPage = True

    notes = wb.create_sheet(NOTES_SHEET)
    info = [
        ("Đơn vị", f"{commune_name(ws)}{province}"),
        ("Phạm vi", selection_text(ws, sel)),
        ("Số liệu đến ngày", fmt_date(sel.as_of)),
        ("Ngày lập", fmt_date(date.today())),
        ("Nguồn dữ liệu", ", ".join(clean(ws.source.files[k]) for k in sorted(ws.source.files))),
        (
            "Ghi chú",
            (rec.note if rec.needed else reconciliation_note()) + " Tỷ lệ của dòng tổng là tỷ lệ của các tổng.",
        ),
        ("", ""),
        ("Cột", "Ý nghĩa"),
    ]
    info += [(SUMMARY_LABELS[c], COLUMN_NOTES.get(c, "")) for c in columns]
    for i, (a, b) in enumerate(info, start=1):
        notes.cell(i, 1, a).font = Font(bold=True)
        notes.cell(i, 2, b).alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 90
    wb.properties.title = TITLE
    wb.properties.creator = "geo"
    wb.properties.created = datetime.combine(sel.as_of, datetime.min.time())
    as_text(wb)
    return wb


def as_text(wb: Workbook) -> Workbook:
    """Every text cell of ``wb`` stored as text, never as a formula (names from data can start with ``=``).

    openpyxl turns any string starting with ``=`` into a formula; here each
    such cell is set back to a string and gets Excel's quote prefix, so that
    editing the cell does not turn it into a formula either. Numbers are untouched.
    """
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type != "s":
                    cell.data_type = "s"
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True
    return wb


def summary_xlsx(ws: Workspace, selection: Selection | None = None, analysis: Analysis | None = None) -> bytes:
    """The per-hamlet summary as an Excel workbook.

    Parameters
    ----------
    ws : Workspace
        A workspace without errors.
    selection : Selection, optional
        Project, hamlets and as-of date (default: everything on the
        workspace's as-of date).
    analysis : Analysis, optional
        :func:`geo.analyse` of the same selection, where the caller has one
        already.

    Returns
    -------
    bytes
        The ``.xlsx`` file. Sheet "Tổng hợp theo thôn": a title, the
        selection and the as-of date in rows 1–2, the header in row
        :data:`HEADER_ROW`, a row per hamlet, "Chưa xác định thôn" and the
        overlap where any, then "Tổng cộng" (and the note where the hamlet
        rows alone do not add up). Sheet
        "Ghi chú": what the columns mean.

    Example
    -------
    >>> import geo
    >>> from geo.exports import summary_xlsx
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> data = summary_xlsx(ws, geo.Selection.make(project="DA-DT242", as_of="20/11/2026"))  # doctest: +SKIP
    >>> open("tong_hop.xlsx", "wb").write(data)  # doctest: +SKIP
    """
    return save_workbook(summary_workbook(ws, selection, analysis))


def save_workbook(wb: Workbook) -> bytes:
    """``wb`` as ``.xlsx`` bytes; a full disk (openpyxl writes each sheet to a temporary file) is an OSError.

    Raises
    ------
    OSError
        ``ENOSPC`` where a temporary file could not be written, with a message
        in Vietnamese / English instead of lxml's ``IO_EFBIG``/``IO_ENOSPC``.
    """
    buf = io.BytesIO()
    failed = ""
    try:
        wb.save(buf)
    except Exception as exc:  # lxml's SerialisationError carries the C library's error name only
        if "IO_E" not in str(exc):
            raise
        failed = str(exc)
    if failed:
        hook = sys.unraisablehook
        sys.unraisablehook = lambda _: None  # openpyxl's half-written sheet generators complain when closed
        try:
            gc.collect()
        finally:
            sys.unraisablehook = hook
        raise OSError(
            errno.ENOSPC, f"không đủ chỗ trên đĩa để ghi tệp tạm / no room on the disk for a temporary file ({failed})"
        )
    return buf.getvalue()


def summary_csv(
    ws: Workspace,
    selection: Selection | None = None,
    analysis: Analysis | None = None,
    vietnamese_headers: bool = False,
    bom: bool = False,
) -> bytes:
    """The per-hamlet summary as CSV, exactly as ``python -m geo summary`` writes it.

    Parameters
    ----------
    ws, selection, summary
        As :func:`summary_xlsx`.
    vietnamese_headers : bool
        Use :data:`geo.summary.SUMMARY_LABELS` instead of the contract's column names, and the
        warning levels in words (:data:`geo.hotspots.LEVEL_LABELS`).
        Text cells a spreadsheet would read as a formula start with an
        apostrophe either way (:func:`geo.outputs.spreadsheet_text`).
    bom : bool
        Start with a UTF-8 byte-order mark, so that Excel opens Vietnamese text correctly.

    Returns
    -------
    bytes
        UTF-8 CSV: plain numbers, percentages with two decimals.

    Example
    -------
    >>> summary_csv(ws, sel, bom=True)[:3] == b"\\xef\\xbb\\xbf"  # doctest: +SKIP
    True
    """
    summary = analysis_of(ws, selection, analysis).summary
    if vietnamese_headers:
        summary = summary.assign(hotspot_level=summary["hotspot_level"].map(lambda v: LEVEL_LABELS.get(str(v), v)))
    buf = io.StringIO()
    write_summary_csv(summary, buf)
    text = buf.getvalue()
    if vietnamese_headers:
        head = io.StringIO()
        csv.writer(head, lineterminator="").writerow([spreadsheet_text(SUMMARY_LABELS[c]) for c in SUMMARY_COLUMNS])
        text = head.getvalue() + text[text.index("\n") :] if "\n" in text else head.getvalue()
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def write_summary(path: str | Path, ws: Workspace, selection: Selection | None = None) -> Path:
    """Write the summary; the format follows the extension (``.xlsx`` or ``.csv``).

    The CSV is the one a clerk double-clicks into Excel: UTF-8 with a byte-order
    mark and Vietnamese headers (the contract's machine CSV is ``python -m geo
    summary``'s). The file is written atomically (:func:`geo.outputs.atomic_write`).

    Raises :class:`geo.outputs.OutputRefused` for a path inside the workspace
    folder or onto a file it reads.

    Example
    -------
    >>> write_summary("tong_hop.xlsx", ws, sel)  # doctest: +SKIP
    """
    path = guard_output(path, ws)
    ext = path.suffix.lower()
    if ext == ".xlsx":
        data = summary_xlsx(ws, selection)
    elif ext == ".csv":
        data = summary_csv(ws, selection, vietnamese_headers=True, bom=True)
    else:
        raise ValueError(f"export: use .xlsx or .csv, not “{path.suffix}”")
    atomic_write(path, data)
    return path
