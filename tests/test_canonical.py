from datetime import datetime

import pandas as pd

from geo.canonical import canonicalize, parse_dates, parse_numbers
from geo.problems import Report
from geo.schema import GRIEVANCES, HOUSEHOLDS, PARCELS, PROJECTS


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
        208.5, 360.0, 1250000.0, 1250000.0, 12.0]


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
    frame = pd.DataFrame({"so_don": ["1"], "ngay_nhan": ["01/11/2026"], "loai_don": ["Khiếu nại"],
                          "noi_dung": ["Giá bồi thường"], "trang_thai": ["Hòa giải"], "so_nguoi_ky": ["12"]})
    report = Report()
    out = canonicalize(GRIEVANCES, frame, "grievances.csv", report)
    assert (out.loc[0, "kind"], out.loc[0, "topic"], out.loc[0, "status"]) == (
        "complaint", "compensation_price", "mediation")
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
    frame = pd.DataFrame({"so_to": ["1", "1", "1", "2"], "so_thua": ["1", "2", "3", "4"],
                          "loai_dat": ["BHK", "nhk", "HNK", "LUC"]})
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
