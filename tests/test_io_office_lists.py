"""Lists as offices keep them: title block, merged two-row headers, numbering, group and total rows, signatures."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
from conftest import build_workspace

import geo
from geo.summary import hamlet_summary

TITLE = [
    ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["Độc lập - Tự do - Hạnh phúc"],
    [],
    ["DANH SÁCH CÁC HỘ GIA ĐÌNH, CÁ NHÂN CÓ ĐẤT BỊ THU HỒI"],
    ["ỦY BAN NHÂN DÂN XÃ HỒ SƠN"],
]
UPPER = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Mã dự án", "Thửa đất", None, "Bước", "Ngày cập nhật"]
UPPER += ["Số tiền bồi thường (đồng)", "Đồng thuận"]
LOWER = [None, None, None, None, "Số tờ", "Số thửa", None, None, None, None]
SIGNATURE = [
    [],
    [None, "Người lập biểu", None, None, None, None, None, "TM. ỦY BAN NHÂN DÂN"],
    [None, None, None, None, None, None, None, "CHỦ TỊCH"],
    [None, None, None, None, None, None, None, "Hồ Sơn, ngày 20 tháng 11 năm 2026"],
]
HAMLET_A = [
    ["1", "H1", "Nguyễn Văn An", "P1", "1", "1", "handed_over", "01/10/2026", "100.000.000", "yes"],
    ["2", "H2", "Trần Thị Bình", "P1", "1", "2", "paid", "01/10/2026", "200.000.000", "yes"],
]
HAMLET_B = [["1", "H3", "Lê Văn Cường", "P1", "2", "1", "surveyed", "01/09/2026", None, "no"]]


def _office_sheet(book: openpyxl.Workbook, title: str, rows: list[list]) -> openpyxl.worksheet.worksheet.Worksheet:
    """One hamlet's list as the office keeps it: header on rows 6–7, numbering on row 8, data from row 10."""
    sheet = book.create_sheet(title)
    for line in TITLE:
        sheet.append(line)
    sheet.merge_cells("A4:J4")
    sheet.append(UPPER)  # row 6
    sheet.append(LOWER)  # row 7
    for col in "ABCDGHIJ":
        sheet.merge_cells(f"{col}6:{col}7")
    sheet.merge_cells("E6:F6")
    sheet.append([f"({i})" for i in range(1, 11)])  # row 8
    sheet.append(["I", "Dự án Đường tỉnh"])  # row 9: a group row
    for row in rows:
        sheet.append(row)
    amounts = sum(int(r[8].replace(".", "")) for r in rows if r[8])
    sheet.append([None, None, "Cộng", None, None, None, None, None, f"{amounts:,}".replace(",", ".")])
    sheet.append(["Tổng cộng", None, None, None, None, None, None, None, f"{amounts:,}".replace(",", "."), None])
    for line in SIGNATURE:
        sheet.append(line)
    return sheet


def _office_book(path: Path, cover: bool = True) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Bìa"
    book.active.append(["DANH SÁCH HỘ CÓ ĐẤT BỊ THU HỒI — DỰ ÁN ĐƯỜNG TỈNH"])
    book.active.append(["Lập ngày 20/11/2026"])
    if not cover:
        book.remove(book.active)
    _office_sheet(book, "Thôn Đồng Tâm", HAMLET_A)
    _office_sheet(book, "Thôn Lân Hoài", HAMLET_B)
    book.save(path)
    return path


def _office_workspace(tmp_path: Path, cover: bool = True) -> Path:
    folder = build_workspace(tmp_path / "office")
    (folder / "households.csv").unlink()
    _office_book(folder / "households.xlsx", cover)
    return folder


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["row"]).reset_index(drop=True)


def test_office_households_list_reads_to_the_same_rows_as_the_plain_csv(tmp_path):
    plain = geo.load_workspace(build_workspace(tmp_path / "plain"))
    office = geo.load_workspace(_office_workspace(tmp_path))
    assert not office.report.errors, office.report.render()
    pd.testing.assert_frame_equal(_canonical(office.households), _canonical(plain.households))


def test_group_subtotal_and_total_rows_are_not_counted_in_the_summary(tmp_path):
    plain = geo.load_workspace(build_workspace(tmp_path / "plain"))
    office = geo.load_workspace(_office_workspace(tmp_path))
    pd.testing.assert_frame_equal(hamlet_summary(office), hamlet_summary(plain))
    assert len(office.households) == 3


def test_a_cover_sheet_is_skipped_and_named(tmp_path):
    office = geo.load_workspace(_office_workspace(tmp_path))
    skipped = [p for p in office.report.warnings if p.code == "sheet_skipped"]
    assert len(skipped) == 1 and "“Bìa”" in skipped[0].message and skipped[0].file == "households.xlsx"


def test_rows_are_the_sheets_own_row_numbers(tmp_path):
    office = geo.load_workspace(_office_workspace(tmp_path))
    assert office.households.sort_values("household_id")["row"].tolist() == [10, 11, 10]


def test_a_problem_names_the_row_of_the_sheet(tmp_path):
    folder = build_workspace(tmp_path / "office")
    (folder / "households.csv").unlink()
    bad = [list(HAMLET_A[0]), list(HAMLET_A[1])]
    bad[1][7] = "31/02/2026"
    book = openpyxl.Workbook()
    book.remove(book.active)
    _office_sheet(book, "Thôn Đồng Tâm", bad)
    book.save(folder / "households.xlsx")
    report = geo.load_workspace(folder).report
    dates = [p for p in report.problems if p.code == "bad_date"]
    assert dates and list(dates[0].rows) == [11], report.render()


def test_a_header_that_cannot_be_matched_lists_headers_found_and_expected(tmp_path):
    folder = build_workspace(tmp_path / "office")
    (folder / "households.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    sheet.append(["STT", "Người sử dụng", "Số tờ", "Số thửa", "Tình trạng hồ sơ"])
    sheet.append(["1", "Nguyễn Văn An", "1", "1", "paid"])
    book.save(folder / "households.xlsx")
    report = geo.load_workspace(folder).report
    missing = [p for p in report.errors if p.code == "missing_column" and "household_id" in p.message]
    assert missing, report.render()
    assert "“Tình trạng hồ sơ”" in missing[0].message and "ma_ho" in missing[0].fix


def test_a_plain_first_row_header_sheet_reads_as_before(tmp_path):
    folder = build_workspace(tmp_path / "plain")
    frame = pd.read_csv(folder / "households.csv", dtype=str)
    (folder / "households.csv").unlink()
    book = openpyxl.Workbook()
    book.active.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        book.active.append([None if pd.isna(v) else v for v in row])
    book.save(folder / "households.xlsx")
    ws = geo.load_workspace(folder)
    assert not ws.report.errors, ws.report.render()
    assert ws.households["row"].tolist() == [2, 3, 4]
    assert ws.households["household_id"].tolist() == ["H1", "H2", "H3"]


def test_an_office_project_list_is_read(tmp_path):
    folder = build_workspace(tmp_path / "office")
    (folder / "projects.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    for line in TITLE[:3]:
        sheet.append(line)
    sheet.append(["DANH MỤC DỰ ÁN THU HỒI ĐẤT NĂM 2026"])
    sheet.append(["STT", "Mã dự án", "Tên dự án", "Hạn bàn giao", "Cấp"])  # row 5
    sheet.append([1, 2, 3, 4, 5])  # numbering as integers
    sheet.append(["A", "Dự án cấp tỉnh"])
    sheet.append(["1", "P1", "Đường tỉnh", "31/12/2026", "tinh"])  # row 8
    sheet.append(["Tổng cộng", None, "1 dự án"])
    sheet.append([])
    sheet.append([None, None, None, "Người lập biểu"])
    book.save(folder / "projects.xlsx")
    ws = geo.load_workspace(folder)
    assert not ws.report.errors, ws.report.render()
    got = ws.projects[["project_id", "project_name", "level"]].to_dict("records")
    assert got == [{"project_id": "P1", "project_name": "Đường tỉnh", "level": "tinh"}]
    assert ws.projects["handover_deadline"].dt.strftime("%d/%m/%Y").tolist() == ["31/12/2026"]


def test_an_office_grievance_list_is_read(tmp_path):
    folder = build_workspace(tmp_path / "office")
    book = openpyxl.Workbook()
    sheet = book.active
    for line in TITLE:
        sheet.append(line)
    sheet.append(["STT", "Đơn", None, "Nội dung", "Số người ký", "Mã hộ", "Trạng thái"])  # row 6
    sheet.append([None, "Số đơn", "Ngày nhận", None, None, None, None])  # row 7
    for col in "ADEFG":
        sheet.merge_cells(f"{col}6:{col}7")
    sheet.merge_cells("B6:C6")
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"])
    sheet.append(["Thôn Đồng Tâm"])
    sheet.append(["1", "0012/2026/KN", "05/11/2026", "compensation_price", "1", "H1", "received"])  # row 10
    sheet.append(["2", "0013/2026/KN", "12/11/2026", "compensation_price", "6", "H2", "received"])  # row 11
    sheet.append(["Cộng thôn Đồng Tâm", None, None, None, "7"])
    book.save(folder / "grievances.xlsx")
    ws = geo.load_workspace(folder)
    assert not ws.report.errors, ws.report.render()
    assert ws.grievances["grievance_id"].tolist() == ["0012/2026/KN", "0013/2026/KN"]
    assert ws.grievances["signatories"].tolist() == [1, 6]
    assert ws.grievances["row"].tolist() == [10, 11]


def test_a_problem_in_a_second_list_sheet_names_the_file_the_sheet_and_its_row(tmp_path):
    folder = build_workspace(tmp_path / "office")
    (folder / "households.csv").unlink()
    bad = [list(HAMLET_B[0])]
    bad[0][7] = "32/09/2026"
    book = openpyxl.Workbook()
    book.remove(book.active)
    _office_sheet(book, "Thôn Đồng Tâm", HAMLET_A)
    _office_sheet(book, "Thôn Lân Hoài", bad)
    book.save(folder / "households.xlsx")
    report = geo.load_workspace(folder).report
    dates = [p for p in report.problems if p.code == "bad_date"]
    assert [(p.file, p.sheet, list(p.rows)) for p in dates] == [("households.xlsx", "Thôn Lân Hoài", [10])]
    assert dates[0].where().startswith("households.xlsx, trang tính/sheet “Thôn Lân Hoài”, cột/column")


def _two_hamlet_book(folder: Path, hs01: list[list], hs02: list[list]) -> Path:
    (folder / "households.csv").unlink(missing_ok=True)
    book = openpyxl.Workbook()
    book.active.title = "Hướng dẫn"
    book.active.append(["Mỗi thôn một trang tính / one sheet per hamlet"])
    _office_sheet(book, "HS01", hs01)
    _office_sheet(book, "HS02", hs02)
    return _saved(book, folder / "households.xlsx")


def _saved(book: openpyxl.Workbook, path: Path) -> Path:
    book.save(path)
    return path


def test_an_unknown_parcel_found_after_reading_names_the_file_the_sheet_and_its_row(tmp_path):
    folder = build_workspace(tmp_path / "office")
    stray = [list(HAMLET_B[0]), list(HAMLET_B[0])]
    stray[1][1], stray[1][4], stray[1][5] = "H9", "9", "99"  # row 11 of HS02: parcel 9-99 is in no layer
    _two_hamlet_book(folder, HAMLET_A, stray)
    report = geo.load_workspace(folder).report
    unknown = [p for p in report.problems if p.code == "unknown_parcel"]
    assert [(p.file, p.sheet, list(p.rows)) for p in unknown] == [("households.xlsx", "HS02", [11])]
    assert "households.xlsx, trang tính/sheet “HS02”, dòng/row 11" in report.render()


def test_a_problem_in_rows_of_two_sheets_is_named_once_per_sheet_with_each_sheets_rows(tmp_path):
    folder = build_workspace(tmp_path / "office")
    (folder / "projects.csv").write_text("project_id,project_name\nP2,Khác\n", encoding="utf-8")
    _two_hamlet_book(folder, HAMLET_A, HAMLET_B)  # every row names project P1, not in the projects layer
    report = geo.load_workspace(folder).report
    unknown = [p for p in report.problems if p.code == "unknown_project"]
    assert [(p.sheet, list(p.rows)) for p in unknown] == [("HS01", [10, 11]), ("HS02", [10])]


def test_duplicate_ids_across_two_sheets_name_each_sheet_and_row(tmp_path):
    folder = build_workspace(tmp_path / "office")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, number in (("HS01", "0012/2026/KN"), ("HS02", "0012/2026/KN")):
        sheet = book.create_sheet(title)
        for line in TITLE:
            sheet.append(line)
        sheet.append(["STT", "Số đơn", "Ngày nhận", "Mã hộ", "Trạng thái"])  # row 6
        sheet.append(["1", number, "05/11/2026", "H1", "received"])  # row 7
    _saved(book, folder / "grievances.xlsx")
    report = geo.load_workspace(folder).report
    dups = [p for p in report.errors if p.code == "duplicate_id"]
    assert [(p.file, p.sheet, list(p.rows)) for p in dups] == [
        ("grievances.xlsx", "HS01", [7]),
        ("grievances.xlsx", "HS02", [7]),
    ]


def test_a_single_sheet_workbook_names_no_sheet(tmp_path):
    folder = build_workspace(tmp_path / "office")
    (folder / "households.csv").unlink()
    bad = [list(HAMLET_A[0])]
    bad[0][7] = "31/02/2026"
    book = openpyxl.Workbook()
    book.remove(book.active)
    _office_sheet(book, "HS01", bad)
    _saved(book, folder / "households.xlsx")
    dates = [p for p in geo.load_workspace(folder).report.problems if p.code == "bad_date"]
    assert [(p.sheet, list(p.rows)) for p in dates] == [(None, [10])]


def test_units_in_headers_are_ignored_and_text_amounts_areas_and_dates_are_read(tmp_path):
    folder = build_workspace(tmp_path / "office")
    (folder / "households.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    for line in TITLE:
        sheet.append(line)
    sheet.append(["Mã hộ", "Mã dự án", "Số tờ", "Số thửa", "Diện tích thu hồi (m²)", "Số tiền (đồng)", "Bước"])
    sheet.append(["H1", "P1", "1", "1", "1.234,5", "328.000.000", "Đã chi trả"])
    sheet.append(["Tổng cộng", None, None, None, "1.234,5", "328.000.000"])
    book.save(folder / "households.xlsx")
    ws = geo.load_workspace(folder)
    assert not ws.report.errors, ws.report.render()
    row = ws.households.iloc[0]
    assert (row["acquired_area_m2"], row["compensation_vnd"], row["stage"], row["row"]) == (
        1234.5,
        328_000_000.0,
        "paid",
        7,
    )
    assert len(ws.households) == 1


def test_a_merged_header_over_empty_cells_names_only_its_first_column(tmp_path):
    folder = build_workspace(tmp_path / "office")
    (folder / "households.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    for line in TITLE:
        sheet.append(line)
    sheet.append(["Mã hộ", "Mã dự án", "Thửa đất", None, "Ghi chú", None, "Bước"])  # row 6
    sheet.append([None, None, "Số tờ", "Số thửa", None, None, None])  # row 7
    sheet.merge_cells("C6:D6")
    sheet.merge_cells("E6:F7")
    sheet.append(["H1", "P1", "1", "1", "đã họp", "lần 2", "paid"])
    book.save(folder / "households.xlsx")
    ws = geo.load_workspace(folder)
    assert not ws.report.errors, ws.report.render()
    assert ws.households[["household_id", "parcel_id", "stage", "row"]].values.tolist() == [["H1", "1-1", "paid", 8]]
