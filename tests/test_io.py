"""Reading every format the contract allows, found by stem or named in workspace.toml."""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

import geo
from geo.encoding import encode_legacy
from tests.conftest import CRS, default_layers, sq


def _households_frame():
    return pd.DataFrame(default_layers()["households"])


def test_geopackage_and_csv_workspace_loads_without_problems(workspace):
    ws = geo.load_workspace(workspace)
    assert ws.report.problems == []
    assert sorted(ws.source.files) == ["hamlets", "households", "parcels", "projects"]
    assert ws.parcels["parcel_id"].tolist() == ["1-1", "1-2", "2-1", "2-2"]


def test_layers_are_found_by_stem_ignoring_case(workspace):
    (workspace / "households.csv").rename(workspace / "HouseHolds.CSV")
    ws = geo.load_workspace(workspace)
    assert ws.source.files["households"] == "HouseHolds.CSV"
    assert len(ws.households) == 3


def test_shapefile_is_read_with_its_prj(workspace):
    gdf = gpd.read_file(workspace / "parcels.gpkg")
    (workspace / "parcels.gpkg").unlink()
    gdf.to_file(workspace / "parcels.shp")
    ws = geo.load_workspace(workspace)
    assert ws.report.ok, ws.report.render()
    assert len(ws.parcels) == 4 and ws.source.files["parcels"] == "parcels.shp"


def test_zipped_shapefile_is_read(workspace, tmp_path):
    gdf = gpd.read_file(workspace / "parcels.gpkg")
    (workspace / "parcels.gpkg").unlink()
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    gdf.to_file(shp_dir / "thua_dat.shp")
    with zipfile.ZipFile(workspace / "parcels.zip", "w") as zf:
        for part in shp_dir.iterdir():
            zf.write(part, part.name)
    ws = geo.load_workspace(workspace)
    assert ws.report.ok, ws.report.render()
    assert len(ws.parcels) == 4


def test_geojson_is_read_in_wgs84_and_measured_in_metres(workspace):
    gdf = gpd.read_file(workspace / "hamlets.gpkg").to_crs(4326)
    (workspace / "hamlets.gpkg").unlink()
    gdf.to_file(workspace / "hamlets.geojson", driver="GeoJSON")
    ws = geo.load_workspace(workspace)
    assert ws.report.ok, ws.report.render()
    assert ws.hamlets.geometry.area.round(-3).tolist() == [1_000_000.0, 1_000_000.0]


def test_csv_with_byte_order_mark_is_read(workspace):
    text = (workspace / "households.csv").read_text(encoding="utf-8")
    (workspace / "households.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    ws = geo.load_workspace(workspace)
    assert ws.report.ok and ws.households["household_id"].tolist() == ["H1", "H2", "H3"]


def test_semicolon_csv_is_read(workspace):
    _households_frame().to_csv(workspace / "households.csv", index=False, sep=";")
    ws = geo.load_workspace(workspace)
    assert ws.households["stage"].tolist() == ["handed_over", "paid", "surveyed"]


def test_xlsx_with_vietnamese_headers_and_date_cells_is_read(workspace):
    (workspace / "households.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã hộ", "Chủ hộ", "Mã dự án", "Số tờ", "Số thửa", "Bước", "Ngày cập nhật"])
    sheet.append(["H1", "Nguyễn Văn An", "P1", 1, 1, "Bàn giao mặt bằng", datetime(2026, 10, 1)])
    book.save(workspace / "households.xlsx")
    ws = geo.load_workspace(workspace)
    assert ws.report.ok, ws.report.render()
    row = ws.households.iloc[0]
    assert (row["parcel_id"], row["stage"], row["stage_date"].strftime("%d/%m/%Y")) == (
        "1-1",
        "handed_over",
        "01/10/2026",
    )


def test_xlsx_sheet_and_file_named_in_workspace_toml_are_used(workspace):
    (workspace / "households.csv").unlink()
    book = openpyxl.Workbook()
    book.active.title = "Bìa"
    book.active.append(["ghi chú"])
    sheet = book.create_sheet("Tổng hợp")
    sheet.append(["ma_ho", "ma_du_an", "so_to", "so_thua", "buoc"])
    sheet.append(["H9", "P1", "2", "2", "paid"])
    book.save(workspace / "danh_sach_ho.xlsx")
    (workspace / "workspace.toml").write_text(
        '[layers.households]\nfile = "danh_sach_ho.xlsx"\nsheet = "Tổng hợp"\n', encoding="utf-8"
    )
    ws = geo.load_workspace(workspace)
    assert ws.report.ok, ws.report.render()
    assert ws.households["household_id"].tolist() == ["H9"]


def test_column_names_can_be_mapped_in_workspace_toml(workspace):
    frame = _households_frame().rename(columns={"stage": "TINHTRANG"})
    frame.to_csv(workspace / "households.csv", index=False)
    (workspace / "workspace.toml").write_text('[layers.households.columns]\nstage = "TINHTRANG"\n')
    ws = geo.load_workspace(workspace)
    assert ws.report.ok and ws.households["stage"].tolist() == ["handed_over", "paid", "surveyed"]


def test_fiona_engine_is_selectable(workspace):
    (workspace / "workspace.toml").write_text('[workspace]\nengine = "fiona"\n')
    ws = geo.load_workspace(workspace)
    assert ws.report.ok and len(ws.parcels) == 4


@pytest.mark.parametrize("legacy", ["tcvn3", "vni"])
def test_legacy_encoded_shapefile_attributes_are_detected_and_converted(workspace, legacy):
    names = ["Thôn Đồng Tâm", "Thôn Lân Hoài"]
    surface = [encode_legacy(n, legacy).decode("latin-1") for n in names]
    gdf = gpd.GeoDataFrame(
        {"ma_thon": ["A", "B"], "ten_thon": surface}, geometry=[sq(0, 0, 1000), sq(1000, 0, 1000)], crs=CRS
    )
    (workspace / "hamlets.gpkg").unlink()
    gdf.to_file(workspace / "hamlets.shp", encoding="latin1")
    for cpg in workspace.glob("hamlets.cpg"):
        cpg.unlink()
    ws = geo.load_workspace(workspace)
    assert ws.hamlets["hamlet_name"].tolist() == names
    assert "legacy_encoding" in ws.report.codes()


def test_declared_legacy_encoding_converts_without_detection(workspace):
    surface = encode_legacy("Thôn Đồng Tâm", "tcvn3").decode("latin-1")
    gdf = gpd.GeoDataFrame(
        {"ma_thon": ["A", "B"], "ten_thon": [surface, "B"]}, geometry=[sq(0, 0, 1000), sq(1000, 0, 1000)], crs=CRS
    )
    (workspace / "hamlets.gpkg").unlink()
    gdf.to_file(workspace / "hamlets.shp", encoding="latin1")
    (workspace / "workspace.toml").write_text('[layers.hamlets]\nencoding = "tcvn3"\n')
    ws = geo.load_workspace(workspace)
    assert ws.hamlets["hamlet_name"].tolist()[0] == "Thôn Đồng Tâm"
    assert "legacy_encoding" not in ws.report.codes()


def test_reading_never_changes_the_files(workspace):
    before = {p.name: p.read_bytes() for p in workspace.iterdir()}
    geo.load_workspace(workspace)
    assert {p.name: p.read_bytes() for p in workspace.iterdir()} == before


def test_optional_layers_may_be_absent(build):
    ws = geo.load_workspace(build(projects=None, households=None))
    assert ws.report.ok
    assert geo.hamlet_summary(ws, as_of="2026-11-20")["households"].tolist() == [0, 0]


def test_copy_of_workspace_loads_the_same(workspace, tmp_path):
    shutil.copytree(workspace, tmp_path / "copy")
    a = geo.hamlet_summary(geo.load_workspace(workspace), as_of="2026-11-20")
    b = geo.hamlet_summary(geo.load_workspace(tmp_path / "copy"), as_of="2026-11-20")
    pd.testing.assert_frame_equal(a, b)


def test_legacy_encoded_csv_is_detected_and_converted(workspace):
    rows = [
        "household_id,household_name,project_id,map_sheet,parcel_no,stage",
        "H1,Nguyễn Văn An,P1,1,1,Chi trả tiền",
        "H2,Trần Thị Bình,P1,1,2,Bàn giao mặt bằng",
        "H3,Lê Văn Cường,P1,2,1,Điều tra kiểm đếm",
    ]
    (workspace / "households.csv").write_bytes(b"\n".join(encode_legacy(r, "tcvn3") for r in rows))
    ws = geo.load_workspace(workspace)
    assert ws.households["household_name"].tolist() == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    assert ws.households["stage"].tolist()[:2] == ["paid", "handed_over"]
    assert "legacy_encoding" in ws.report.codes()


def test_csv_in_another_single_byte_encoding_is_refused_with_the_fix(workspace):
    (workspace / "households.csv").write_bytes("ma_ho,ghi_chú\nH1,café €\n".encode("cp1252"))
    ws = geo.load_workspace(workspace)
    assert "not_utf8" in ws.report.codes()
