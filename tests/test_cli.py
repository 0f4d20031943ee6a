"""``python -m geo validate|summary``: exit codes and messages, never a traceback."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from tests.conftest import sq

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def assert_refused(result: subprocess.CompletedProcess, *needles: str) -> None:
    text = result.stdout + result.stderr
    assert result.returncode == 1, text
    assert "Traceback" not in text
    for needle in needles:
        assert needle in text, text


def test_validate_accepts_a_clean_workspace(workspace):
    result = run("validate", workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout


def test_summary_writes_one_row_per_hamlet(workspace, tmp_path):
    out = tmp_path / "s.csv"
    result = run("summary", workspace, "--out", out, "--as-of", "20/11/2026")
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["hamlet_id"] for r in rows] == ["A", "B"]
    assert rows[0]["handover_pct"] == "50.00"


def test_summary_rejects_an_unknown_project(workspace, tmp_path):
    result = run("summary", workspace, "--out", tmp_path / "s.csv", "--project", "NOPE")
    assert result.returncode == 2 and "NOPE" in result.stderr and "Traceback" not in result.stderr


def test_as_of_that_is_no_date_is_a_usage_error(workspace, tmp_path):
    result = run("summary", workspace, "--out", tmp_path / "s.csv", "--as-of", "13/13/2026")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_missing_folder_is_refused(tmp_path):
    assert_refused(run("validate", tmp_path / "nowhere"), "does not exist")


def test_missing_parcels_layer_is_refused(workspace):
    (workspace / "parcels.gpkg").unlink()
    assert_refused(run("validate", workspace), "parcels", "Required layer")


def test_summary_refuses_a_workspace_with_errors_and_writes_nothing(workspace, tmp_path):
    (workspace / "parcels.gpkg").unlink()
    out = tmp_path / "s.csv"
    assert_refused(run("summary", workspace, "--out", out), "Refused")
    assert not out.exists()


def test_missing_required_column_is_refused_with_file_and_fix(workspace):
    frame = pd.read_csv(workspace / "households.csv").drop(columns="stage")
    frame.to_csv(workspace / "households.csv", index=False)
    assert_refused(run("validate", workspace), "households.csv", "stage", "buoc")


def test_spatial_file_without_crs_is_refused(workspace):
    gdf = gpd.read_file(workspace / "parcels.gpkg")
    (workspace / "parcels.gpkg").unlink()
    gdf.to_file(workspace / "parcels.shp")
    (workspace / "parcels.prj").unlink()
    assert_refused(run("validate", workspace), "parcels.shp", "no coordinate reference system", "VN-2000 / Lang Son")


def test_crs_named_in_workspace_toml_rescues_a_file_without_prj(workspace):
    gdf = gpd.read_file(workspace / "parcels.gpkg")
    (workspace / "parcels.gpkg").unlink()
    gdf.to_file(workspace / "parcels.shp")
    (workspace / "parcels.prj").unlink()
    (workspace / "workspace.toml").write_text('[layers.parcels]\ncrs = "VN-2000 / Lạng Sơn"\n', encoding="utf-8")
    assert run("validate", workspace).returncode == 0


def test_truncated_shapefile_is_refused(workspace):
    gdf = gpd.read_file(workspace / "parcels.gpkg")
    (workspace / "parcels.gpkg").unlink()
    gdf.to_file(workspace / "parcels.shp")
    data = (workspace / "parcels.shp").read_bytes()
    (workspace / "parcels.shp").write_bytes(data[: len(data) - 60])
    assert_refused(run("validate", workspace), "parcels.shp", "truncated")


def test_garbage_workbook_is_refused(workspace):
    (workspace / "households.csv").unlink()
    (workspace / "households.xlsx").write_bytes(b"this is not a workbook at all\n" * 20)
    assert_refused(run("validate", workspace), "households.xlsx", "not an Excel workbook")


def test_csv_renamed_to_xlsx_is_refused(workspace):
    (workspace / "households.csv").rename(workspace / "households.xlsx")
    assert_refused(run("validate", workspace), "households.xlsx")


def test_empty_optional_file_is_refused(workspace):
    (workspace / "grievances.csv").write_bytes(b"")
    assert_refused(run("validate", workspace), "grievances.csv", "empty")


def test_geojson_that_is_not_json_is_refused(workspace):
    (workspace / "projects.geojson").write_text("{ this is broken", encoding="utf-8")
    (workspace / "projects.csv").unlink()
    assert_refused(run("validate", workspace), "projects.geojson", "Cannot read")


def test_duplicate_hamlet_ids_are_refused(build):
    hamlets = [
        {"hamlet_id": "A", "hamlet_name": "X", "geometry": sq(0, 0, 1000)},
        {"hamlet_id": "A", "hamlet_name": "Y", "geometry": sq(1000, 0, 1000)},
    ]
    assert_refused(run("validate", build(hamlets=hamlets)), "hamlets.gpkg", "Duplicate", "A")


def test_derived_parcel_ids_repeating_across_former_communes_are_refused(build):
    parcels = [
        {"so_to": "1", "so_thua": "5", "geometry": sq(10, 10)},
        {"so_to": "1", "so_thua": "5", "geometry": sq(1100, 10)},
    ]
    assert_refused(run("validate", build(parcels=parcels, households=None)), "1-5", "commune_code")


def test_commune_code_makes_repeated_sheet_numbers_unique(build):
    parcels = [
        {"ma_xa": "06190", "so_to": "1", "so_thua": "5", "geometry": sq(10, 10)},
        {"ma_xa": "06187", "so_to": "1", "so_thua": "5", "geometry": sq(1100, 10)},
    ]
    households = [{"ma_ho": "H1", "ma_du_an": "P1", "ma_xa": "06187", "so_to": "1", "so_thua": "5", "buoc": "paid"}]
    ws_path = build(parcels=parcels, households=households)
    assert run("validate", ws_path).returncode == 0
    import geo

    ws = geo.load_workspace(ws_path)
    assert ws.households["hamlet_id"].tolist() == ["B"]


def test_unknown_stage_is_refused_with_the_row(build):
    households = [{"household_id": "H1", "project_id": "P1", "map_sheet": "1", "parcel_no": "1", "stage": "xong rồi"}]
    assert_refused(run("validate", build(households=households)), "households.csv", "row 2", "xong rồi")


def test_non_date_is_refused_with_the_row(build):
    grievances = [{"grievance_id": "G1", "received_date": "hôm qua", "kind": "complaint"}]
    assert_refused(run("validate", build(grievances=grievances)), "grievances.csv", "row 2", "hôm qua")


def test_feature_without_geometry_is_refused(build):
    hamlets = [
        {"hamlet_id": "A", "hamlet_name": "X", "geometry": sq(0, 0, 1000)},
        {"hamlet_id": "B", "hamlet_name": "Y", "geometry": None},
    ]
    assert_refused(run("validate", build(hamlets=hamlets)), "hamlets.gpkg", "feature 2", "no geometry")


def test_table_given_for_a_spatial_layer_is_refused(workspace):
    (workspace / "hamlets.gpkg").unlink()
    pd.DataFrame({"ma_thon": ["A"], "ten_thon": ["X"]}).to_csv(workspace / "hamlets.csv", index=False)
    assert_refused(run("validate", workspace), "hamlets.csv", "needs polygons")


def test_broken_workspace_toml_is_refused(workspace):
    (workspace / "workspace.toml").write_text("[layers.parcels\nfile = ", encoding="utf-8")
    assert_refused(run("validate", workspace), "workspace.toml")


def test_household_on_unknown_parcel_is_only_a_warning(build):
    households = [{"household_id": "H1", "project_id": "P1", "map_sheet": "9", "parcel_no": "99", "stage": "paid"}]
    result = run("validate", build(households=households))
    assert result.returncode == 0
    assert "9-99" in result.stdout and "WARNING" in result.stdout


def test_prj_in_wgs84_on_a_vietnamese_tm3_zone_is_read_as_vn2000_with_a_warning(workspace):
    gdf = gpd.read_file(workspace / "parcels.gpkg")
    (workspace / "parcels.gpkg").unlink()
    gdf.to_file(workspace / "parcels.shp")
    (workspace / "parcels.prj").write_text(
        'PROJCS["TM3_107_15",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,'
        '298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
        'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
        'PARAMETER["Central_Meridian",107.25],PARAMETER["Scale_Factor",0.9999],'
        'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
    )
    result = run("validate", workspace)
    assert result.returncode == 0
    assert "parcels.shp" in result.stdout and "VN-2000" in result.stdout and "workspace.toml" in result.stdout


@pytest.mark.parametrize("content", [b"\x00\x01\x02garbage", b"ma_thon,ten_thon\n"])
def test_any_broken_hamlets_file_is_refused_without_traceback(workspace, content):
    (workspace / "hamlets.gpkg").write_bytes(content)
    assert_refused(run("validate", workspace), "hamlets.gpkg")


def test_duplicate_parcel_ids_with_households_are_refused_not_crashed(build):
    parcels = [
        {"so_to": "1", "so_thua": "1", "geometry": sq(10, 10)},
        {"so_to": "1", "so_thua": "1", "geometry": sq(1100, 10)},
    ]
    households = [{"household_id": "H1", "project_id": "P1", "map_sheet": "1", "parcel_no": "1", "stage": "paid"}]
    result = run("summary", build(parcels=parcels, households=households), "--out", "/dev/null")
    assert_refused(result, "not unique", "1-1")
    assert "Unexpected" not in result.stderr


# --------------------------------------------------------------------------- one pass, every failure named


def test_validate_lists_all_three_errors_of_a_workspace_broken_three_ways(sample):
    from tests.conftest import break_three_ways

    result = run("validate", break_three_ways(sample))
    assert_refused(
        result,
        "[parcels.shp]",
        "no coordinate reference system",
        "[households.xlsx]",
        "Required column “project_id” is missing",
        "“Mã hộ”",
        "[grievances.csv, cột/column “ngay_nhan”, dòng/row 2]",
        "there is no 31 February 2026",
        "3 errors",
    )
    assert "no stage history" not in result.stdout


def test_as_of_31_february_says_there_is_no_31_february(workspace):
    result = run("validate", workspace, "--as-of", "31/02/2026")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "không có ngày 31 tháng 2 năm 2026" in result.stderr
    assert result.stderr.index("không có ngày") < result.stderr.index("there is no 31 February 2026")
    assert "dd/mm/yyyy" not in result.stderr


def test_as_of_written_month_first_suggests_the_day_first_date(workspace):
    result = run("validate", workspace, "--as-of", "11/20/2026")
    assert result.returncode == 2 and "20/11/2026" in result.stderr


def test_a_deeply_nested_settings_file_is_named_not_an_unexpected_recursion_error(workspace):
    (workspace / "workspace.toml").write_text("a = " + "{b = " * 100_000 + "1" + "}" * 100_000 + "\n", encoding="utf-8")
    result = run("validate", workspace)
    assert_refused(result, "[workspace.toml]", "nested too deeply")
    assert "RecursionError" not in result.stdout + result.stderr and "Lỗi không mong đợi" not in result.stderr


def test_deadline_days_of_the_wrong_shape_is_named_with_file_setting_and_fix(workspace, tmp_path):
    (workspace / "workspace.toml").write_text("[grievances]\ndeadline_days = 5\n", encoding="utf-8")
    result = run("summary", workspace, "--out", tmp_path / "s.csv")
    assert_refused(
        result,
        "[workspace.toml, mục/setting [grievances] deadline_days]",
        "not the number 5",
        "complaint = 30",
        "Refused",
    )
    assert "AttributeError" not in result.stderr and not (tmp_path / "s.csv").exists()


def test_a_wrong_hotspot_setting_refuses_the_summary_instead_of_crashing_it(workspace, tmp_path):
    (workspace / "workspace.toml").write_text('[hotspots]\nrisk_score = "cao"\n', encoding="utf-8")
    result = run("hotspots", workspace, "--out", tmp_path / "h.csv")
    assert_refused(result, "[hotspots]", "risk_score", "Refused")


def test_invalid_utf8_in_a_geojson_is_named_with_file_column_and_feature(sample):
    from tests.conftest import replace_bytes

    replace_bytes(sample / "projects.geojson", "Đường".encode(), b"\xff\xfe" + "ường".encode())
    result = run("validate", sample)
    assert_refused(result, "[projects.geojson, cột/column “project_name”, đối tượng/feature 1]", "not valid UTF-8")
    assert "UnicodeDecodeError" not in result.stdout + result.stderr


def test_invalid_utf8_in_a_geopackage_is_named_with_file_column_and_feature(sample):
    from tests.conftest import replace_bytes

    replace_bytes(sample / "hamlets.gpkg", "Thôn Tân Hồ".encode(), b"Th\xff\xfe" + "n Tân Hồ".encode())
    result = run("validate", sample)
    assert_refused(result, "[hamlets.gpkg, cột/column “hamlet_name”, đối tượng/feature 3]", "not valid UTF-8")
