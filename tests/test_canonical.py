from datetime import datetime

import pandas as pd

from geo.canonical import TEXT_LIMITS, canonicalize, parse_dates, parse_numbers, text_limit
from geo.problems import Report
from geo.schema import FIELD_REPORTS, GRIEVANCES, HOUSEHOLDS, PARCELS, PROJECTS


def _dates(*values):
    return [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in parse_dates(pd.Series(list(values)))]


def test_iso_dates_are_read():
    assert _dates("2026-11-20") == ["2026-11-20"]


def test_day_first_dates_are_never_read_month_first():
    assert _dates("03/04/2026", "12/01/2026", "20/11/2026") == ["2026-04-03", "2026-01-12", "2026-11-20"]


def test_excel_date_cells_and_serial_numbers_are_dates():
    assert _dates(datetime(2026, 11, 20, 0, 0), 46346) == ["2026-11-20", "2026-11-20"]


def test_impossible_day_first_date_is_not_a_date():
    assert _dates("31/02/2026", "hôm qua") == [None, None]


def test_numbers_accept_comma_decimals_and_thousand_dots():
    assert parse_numbers(pd.Series(["208.5", "360,0", "1.250.000", "1,250,000", "12 m2"])).tolist() == [
        208.5,
        360.0,
        1250000.0,
        1250000.0,
        12.0,
    ]


def _households(**cols):
    base = {"ma_ho": ["H1"], "ma_du_an": ["P1"], "so_to": ["1"], "so_thua": ["1"], "buoc": ["paid"]}
    base.update(cols)
    return pd.DataFrame(base)


def test_stage_as_vietnamese_label_is_read_without_warning():
    report = Report()
    out = canonicalize(HOUSEHOLDS, _households(buoc=["Chi trả tiền"]), "households.csv", report)
    assert out["stage"].tolist() == ["paid"]
    assert report.problems == []


def test_stage_in_another_spelling_is_read_with_a_warning():
    report = Report()
    out = canonicalize(HOUSEHOLDS, _households(buoc=["chi tra tien"]), "households.csv", report)
    assert out["stage"].tolist() == ["paid"]
    assert report.codes() == ["other_spelling"]
    assert report.problems[0].rows == (2,)


def test_unknown_stage_is_an_error_naming_row_and_choices():
    report = Report()
    canonicalize(HOUSEHOLDS, _households(buoc=["đang làm"]), "households.csv", report)
    [problem] = report.errors
    assert problem.code == "unknown_value" and problem.rows == (2,)
    assert "Bàn giao mặt bằng" in problem.fix


def test_non_date_is_an_error_with_the_row():
    report = Report()
    canonicalize(HOUSEHOLDS, _households(ngay_cap_nhat=["mai"]), "households.csv", report)
    assert [(p.code, p.rows, p.column) for p in report.errors] == [("bad_date", (2,), "ngay_cap_nhat")]


def test_missing_required_column_is_an_error():
    report = Report()
    canonicalize(HOUSEHOLDS, _households().drop(columns="buoc"), "households.csv", report)
    assert report.codes() == ["missing_column"]
    assert "stage" in report.errors[0].message


def test_stray_spaces_are_trimmed_with_a_warning():
    report = Report()
    out = canonicalize(HOUSEHOLDS, _households(ma_ho=[" H1 "]), "households.csv", report)
    assert out["household_id"].tolist() == ["H1"]
    assert report.codes() == ["stray_spaces"]


def test_grievance_values_match_vietnamese_labels():
    frame = pd.DataFrame(
        {
            "so_don": ["1"],
            "ngay_nhan": ["01/11/2026"],
            "loai_don": ["Khiếu nại"],
            "noi_dung": ["Giá bồi thường"],
            "trang_thai": ["Hòa giải"],
            "so_nguoi_ky": ["12"],
        }
    )
    report = Report()
    out = canonicalize(GRIEVANCES, frame, "grievances.csv", report)
    assert (out.loc[0, "kind"], out.loc[0, "topic"], out.loc[0, "status"]) == (
        "complaint",
        "compensation_price",
        "mediation",
    )
    assert int(out.loc[0, "signatories"]) == 12
    assert report.problems == []


def test_fractional_signatories_are_an_error():
    frame = pd.DataFrame({"so_don": ["1"], "ngay_nhan": ["01/11/2026"], "so_nguoi": ["2,5"]})
    report = Report()
    canonicalize(GRIEVANCES, frame, "grievances.csv", report)
    assert report.codes() == ["bad_number"]


def test_day_first_date_with_a_time_is_a_date():
    assert _dates("20/11/2026 08:30") == ["2026-11-20"]


def test_old_annual_crop_codes_are_read_as_hnk_with_a_warning():
    frame = pd.DataFrame(
        {"so_to": ["1", "1", "1", "2"], "so_thua": ["1", "2", "3", "4"], "loai_dat": ["BHK", "nhk", "HNK", "LUC"]}
    )
    report = Report()
    out = canonicalize(PARCELS, frame, "parcels.shp", report)
    assert out["land_use"].tolist() == ["HNK", "HNK", "HNK", "LUC"]
    assert [(p.code, p.rows) for p in report.warnings] == [("legacy_code", (2,)), ("legacy_code", (3,))]
    assert "08/2024/TT-BTNMT" in report.warnings[0].message
    assert report.ok


def test_district_level_is_read_as_a_legacy_level_with_a_warning():
    frame = pd.DataFrame({"ma_du_an": ["A", "B", "C"], "ten_du_an": ["a", "b", "c"], "cap": ["tinh", "Huyện", "xa"]})
    report = Report()
    out = canonicalize(PROJECTS, frame, "projects.csv", report)
    assert out["level"].tolist() == ["tinh", "huyen", "xa"]
    assert "legacy_value" in report.codes() and report.ok
    assert [p.rows for p in report.warnings if p.code == "legacy_value"] == [(3,)]


def test_province_and_commune_levels_read_without_a_warning():
    frame = pd.DataFrame({"ma_du_an": ["A", "B"], "ten_du_an": ["a", "b"], "cap": ["tỉnh", "xa"]})
    report = Report()
    out = canonicalize(PROJECTS, frame, "projects.csv", report)
    assert out["level"].tolist() == ["tinh", "xa"]
    assert report.problems == []


def test_control_characters_are_dropped_with_a_warning_naming_column_and_rows():
    report = Report()
    out = canonicalize(HOUSEHOLDS, _households(ma_du_an=["DA-1\x1b]0;pwned\x07\x1b[2J"]), "households.csv", report)
    assert out["project_id"].tolist() == ["DA-1]0;pwned[2J"]
    [problem] = report.problems
    assert (problem.code, problem.severity, problem.column, problem.rows) == (
        "unsafe_characters",
        "warning",
        "ma_du_an",
        (2,),
    )


def test_bidirectional_overrides_and_isolates_are_dropped():
    report = Report()
    names = ["\u202eNguyễn Văn An", "Trần\u2066 Thị\u2069 Bình\u200f"]
    out = canonicalize(
        HOUSEHOLDS,
        _households(
            ma_ho=["H1", "H2"], chu_ho=names, ma_du_an=["P1"] * 2, so_to=["1"] * 2, so_thua=["1"] * 2, buoc=["paid"] * 2
        ),
        "households.csv",
        report,
    )
    assert out["household_name"].tolist() == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert [(p.code, p.rows) for p in report.problems] == [("unsafe_characters", (2, 3))]


def test_vietnamese_text_with_tabs_and_line_breaks_is_not_reported():
    report = Report()
    out = canonicalize(HOUSEHOLDS, _households(chu_ho=["Nguyễn\tVăn\nAn"]), "households.csv", report)
    assert out["household_name"].tolist() == ["Nguyễn Văn An"]
    assert report.problems == []


def test_over_long_name_is_cut_at_its_documented_length_with_a_warning():
    report = Report()
    out = canonicalize(HOUSEHOLDS, _households(chu_ho=["A" * 100_000]), "households.csv", report)
    name = out["household_name"].tolist()[0]
    assert len(name) == text_limit("household_name") == TEXT_LIMITS["*"] and name.endswith("…")
    [problem] = report.problems
    assert (problem.code, problem.column, problem.rows) == ("text_too_long", "chu_ho", (2,))
    assert str(TEXT_LIMITS["*"]) in problem.message


def test_field_report_notes_may_be_longer_than_names():
    note = ("Bà con hỏi về giá đất. " * 100).strip()  # 2,299 characters
    frame = pd.DataFrame(
        {
            "ngay_bao_cao": ["01/11/2026"],
            "ma_thon": ["A"],
            "tinh_hinh": ["stable"],
            "ghi_chu": [note],
            "nguoi_bao_cao": ["X" * 600],
        }
    )
    report = Report()
    out = canonicalize(FIELD_REPORTS, frame, "field_reports.csv", report)
    assert out.loc[0, "note"] == note and len(out.loc[0, "reporter"]) == 500
    assert [(p.code, p.column) for p in report.problems] == [("text_too_long", "nguoi_bao_cao")]


def test_a_bad_value_is_quoted_in_messages_without_control_characters_and_shortened():
    report = Report()
    canonicalize(HOUSEHOLDS, _households(ngay_cap_nhat=["\x1b[2J" + "9" * 10_000]), "households.csv", report)
    [problem] = report.errors
    assert "\x1b" not in problem.message and "\\x1b[2J" in problem.message
    assert len(problem.message) < 400


def test_the_spaces_a_blank_text_may_hold_are_every_space_python_strips():
    from geo.canonical import _SPACES

    assert _SPACES == "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
