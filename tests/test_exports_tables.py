"""The per-hamlet summary as XLSX and CSV: open the files and compare them with the summary."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from geo import SUMMARY_COLUMNS, SUMMARY_LABELS, Selection, analyse, headline, load_workspace
from geo.exports import summary_csv, summary_xlsx
from geo.exports.tables import HEADER_ROW, PCT_FORMAT, SHEET, TOTAL_LABEL, VND_FORMAT
from geo.hotspots import LEVEL_LABELS
from geo.summary import OVERLAP_LABEL, UNPLACED_LABEL, write_summary_csv
from geo.vocabulary import join_reasons
from tests.conftest import build_workspace, totals_layers

AS_OF = "20/11/2026"
GRIEVANCES = [
    {
        "grievance_id": "G1",
        "received_date": "01/09/2026",
        "kind": "complaint",
        "topic": "compensation_price",
        "signatories": 7,
        "status": "in_progress",
        "hamlet_id": "B",
        "project_id": "P1",
    },
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
]


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    folder = build_workspace(
        tmp_path_factory.mktemp("tables") / "ws",
        grievances=GRIEVANCES,
        toml='[workspace]\nname = "Xã Hữu Lũng"\nprovince = "Lạng Sơn"\n',
    )
    ws = load_workspace(folder)
    assert ws.report.ok, ws.report.render()
    return ws


@pytest.fixture(scope="module")
def summary(ws):
    return analyse(ws, Selection.make(as_of=AS_OF)).summary


@pytest.fixture(scope="module")
def book(ws):
    return openpyxl.load_workbook(io.BytesIO(summary_xlsx(ws, Selection.make(as_of=AS_OF))))


def test_header_is_vietnamese_and_frozen(book):
    sh = book[SHEET]
    header = [c.value for c in sh[HEADER_ROW]]
    assert header == [SUMMARY_LABELS[c] for c in SUMMARY_COLUMNS]
    assert "Diện tích thu hồi (m²)" in header and "Tỷ lệ hộ bàn giao (%)" in header
    assert sh.freeze_panes == f"C{HEADER_ROW + 1}"
    assert sh["A1"].value.startswith("TỔNG HỢP TIẾN ĐỘ BỒI THƯỜNG, HỖ TRỢ, TÁI ĐỊNH CƯ")
    assert sh["A2"].value == "Xã Hữu Lũng, tỉnh Lạng Sơn — Tất cả dự án trên địa bàn — số liệu đến ngày 20/11/2026"


def test_values_equal_the_summary(book, summary):
    sh = book[SHEET]
    rows = list(sh.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(rows) == len(summary) + 1
    for row, rec in zip(rows, summary.to_dict("records")):
        cells = dict(zip(SUMMARY_COLUMNS, row))
        for col in SUMMARY_COLUMNS:
            want = rec[col]
            if col in ("handover_pct", "area_handed_over_pct"):
                assert cells[col] == pytest.approx(want / 100, abs=1e-9), col
            elif col == "hotspot_level":
                assert cells[col] == LEVEL_LABELS[want]
            elif col == "hotspot_reasons":
                assert (cells[col] or "") == join_reasons(want)
            else:
                assert cells[col] == want, col


def test_totals_row(book, summary):
    sh = book[SHEET]
    total = dict(zip(SUMMARY_COLUMNS, [c.value for c in sh[HEADER_ROW + len(summary) + 1]]))
    assert total["hamlet_name"] == TOTAL_LABEL
    assert total["households"] == summary["households"].sum() == 3
    assert total["households_handed_over"] == 1
    assert total["compensation_paid_vnd"] == summary["compensation_paid_vnd"].sum() == 300_000_000
    assert total["area_affected_m2"] == pytest.approx(summary["area_affected_m2"].sum())
    assert total["handover_pct"] == pytest.approx(1 / 3, abs=1e-4)
    assert total["grievances_open"] == 2 and total["max_signatories_open"] == 7
    assert "điểm nóng" in total["hotspot_level"]
    assert sh.cell(HEADER_ROW + len(summary) + 1, 2).font.bold


def test_number_formats_and_widths(book, summary):
    sh = book[SHEET]
    fmt = {col: sh.cell(HEADER_ROW + 1, j).number_format for j, col in enumerate(SUMMARY_COLUMNS, start=1)}
    assert fmt["compensation_paid_vnd"] == VND_FORMAT == "#,##0"
    assert fmt["handover_pct"] == fmt["area_handed_over_pct"] == PCT_FORMAT == "0.00%"
    assert fmt["area_affected_m2"] == "#,##0.00" and fmt["households"] == "#,##0"
    for j, col in enumerate(SUMMARY_COLUMNS, start=1):
        width = sh.column_dimensions[openpyxl.utils.get_column_letter(j)].width
        longest_word = max(len(w) for w in SUMMARY_LABELS[col].split())
        assert width >= longest_word + 1, col
        for r in range(HEADER_ROW + 1, HEADER_ROW + len(summary) + 2):
            value = sh.cell(r, j).value
            if isinstance(value, str) and col != "hotspot_reasons":
                assert width >= len(value), (col, value)
            elif isinstance(value, (int, float)) and col == "compensation_paid_vnd":
                assert width >= len(f"{value:,.0f}"), (col, value)


def test_pandas_reads_the_same_numbers(ws, summary):
    data = summary_xlsx(ws, Selection.make(as_of=AS_OF))
    frame = pd.read_excel(io.BytesIO(data), sheet_name=SHEET, header=HEADER_ROW - 1, engine="openpyxl")
    frame = frame.iloc[:-1]
    assert list(frame[SUMMARY_LABELS["hamlet_name"]]) == list(summary["hamlet_name"])
    assert list(frame[SUMMARY_LABELS["households"]]) == list(summary["households"])


def test_hamlet_and_project_selection(ws):
    data = summary_xlsx(ws, Selection.make(project="P1", hamlets="B", as_of=AS_OF))
    sh = openpyxl.load_workbook(io.BytesIO(data))[SHEET]
    rows = list(sh.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert [r[1] for r in rows] == ["Thôn Lân Hoài", TOTAL_LABEL]
    assert "Dự án Đường tỉnh · Thôn Lân Hoài" in sh["A2"].value


def test_csv_is_what_summary_writes(ws, summary, tmp_path):
    path = tmp_path / "s.csv"
    write_summary_csv(summary, path)
    data = summary_csv(ws, Selection.make(as_of=AS_OF))
    assert data == path.read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert rows[0]["hamlet_name"] == "Thôn Đồng Tâm" and rows[0]["handover_pct"] == "50.00"


def test_csv_for_excel(ws):
    data = summary_csv(ws, Selection.make(as_of=AS_OF), vietnamese_headers=True, bom=True)
    assert data.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == [SUMMARY_LABELS[c] for c in SUMMARY_COLUMNS]


def run_here(capsys, *args):
    from geo.__main__ import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_export(ws, tmp_path, capsys):
    out = tmp_path / "tong_hop.xlsx"
    code, _, err = run_here(capsys, "export", ws.source.folder, "--out", out, "--as-of", AS_OF, "--hamlet", "A")
    assert code == 0, err
    sh = openpyxl.load_workbook(out)[SHEET]
    assert sh.cell(HEADER_ROW + 1, 2).value == "Thôn Đồng Tâm"


def test_cli_export_csv_is_for_excel_with_a_bom_and_vietnamese_headers(ws, tmp_path, capsys):
    out_csv = tmp_path / "tong_hop.csv"
    code, _, err = run_here(capsys, "export", ws.source.folder, "--out", out_csv, "--as-of", AS_OF)
    assert code == 0, err
    data = out_csv.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [SUMMARY_LABELS[c] for c in SUMMARY_COLUMNS]
    assert rows[1][1] == "Thôn Đồng Tâm" and rows[1][-2] in LEVEL_LABELS.values()


def test_the_machine_csv_of_summary_keeps_the_contract_columns(ws, tmp_path, capsys):
    out_csv = tmp_path / "s.csv"
    code, _, err = run_here(capsys, "summary", ws.source.folder, "--out", out_csv, "--as-of", AS_OF)
    assert code == 0, err
    assert out_csv.read_text(encoding="utf-8").startswith("hamlet_id,hamlet_name")


def test_cli_export_refuses_errors_and_unknown_hamlets(tmp_path, capsys):
    folder = build_workspace(tmp_path / "ws")
    code, _, err = run_here(capsys, "export", folder, "--out", tmp_path / "x.xlsx", "--hamlet", "Z")
    assert code == 2 and "Z" in err
    (folder / "hamlets.gpkg").unlink()
    out = tmp_path / "y.xlsx"
    code, _, err = run_here(capsys, "export", folder, "--out", out)
    assert code == 1 and "Refused" in err and not out.exists()


# --------------------------------------------------------------------------- totals that add up (issue 11, point 3)


@pytest.fixture(scope="module")
def unplaced(tmp_path_factory):
    """A workspace with household rows on unknown parcels and a household in two hamlets, and its headline."""
    ws = load_workspace(build_workspace(tmp_path_factory.mktemp("unplaced") / "ws", **totals_layers()))
    sel = Selection.make(as_of=AS_OF)
    an = analyse(ws, sel)
    sheet = openpyxl.load_workbook(io.BytesIO(summary_xlsx(ws, sel)))[SHEET]
    return sheet, headline(an.slice, an.summary)


def sheet_rows(sheet) -> dict[str, dict]:
    rows = sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 5, values_only=True)
    return {r[1]: dict(zip(SUMMARY_COLUMNS, r)) for r in rows}


def test_xlsx_has_a_not_placed_row_an_overlap_row_and_a_total_equal_to_the_headline(unplaced):
    sheet, head = unplaced
    rows = sheet_rows(sheet)
    assert list(rows) == ["Thôn Đồng Tâm", "Thôn Lân Hoài", UNPLACED_LABEL, OVERLAP_LABEL, TOTAL_LABEL]
    total = rows[TOTAL_LABEL]
    assert (
        (total["households"], total["households_handed_over"], total["households_paid"])
        == (head.households, head.handed_over, head.paid)
        == (5, 3, 4)
    )
    assert total["handover_pct"] == pytest.approx(head.handover_pct / 100)
    assert rows[UNPLACED_LABEL]["households"] == 2 and rows[OVERLAP_LABEL]["households"] == -1
    assert rows[OVERLAP_LABEL]["area_affected_m2"] is None


@pytest.mark.parametrize("column", ["households", "households_handed_over", "households_paid", "grievances_open"])
def test_xlsx_rows_add_up_to_the_total(unplaced, column):
    rows = sheet_rows(unplaced[0])
    *parts, total = rows.values()
    assert sum(r[column] or 0 for r in parts) == total[column]


def test_xlsx_says_why_under_the_table_and_in_the_notes(unplaced):
    sheet, _ = unplaced
    note = sheet.cell(HEADER_ROW + 7, 1).value
    assert note.startswith("Ghi chú: Dòng “Chưa xác định thôn”") and "(2 dòng)" in note and "(1 hộ)" in note
    assert sheet.auto_filter.ref.endswith(str(HEADER_ROW + 2))  # the filter covers the hamlets only
    notes = dict(sheet.parent["Ghi chú"].iter_rows(max_col=2, values_only=True))
    assert "một hộ có đất ở nhiều thôn" in notes["Ghi chú"]
