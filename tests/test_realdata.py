"""Real inputs from ../shared/realdata, read as they are (never copied into the project).

CI has ../shared beside the clone. Without the folder (a newcomer's clone) these tests skip
with a message saying what they need; with ``CI=true`` in the environment they fail instead, so a
CI run can never pass without them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import geo


def halves_as_hamlets(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    x0, y0, x1, y1 = parcels.total_bounds
    mid = (x0 + x1) / 2
    return gpd.GeoDataFrame(
        {"ma_thon": ["T1", "T2"], "ten_thon": ["Thôn Đông Khê", "Thôn Đoài Khê"]},
        geometry=[box(x0 - 1, y0 - 1, mid, y1 + 1), box(mid, y0 - 1, x1 + 1, y1 + 1)],
        crs=parcels.crs,
    )


@pytest.fixture(scope="module")
def danphuong(realdata, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("danphuong")
    shutil.copy(realdata / "vn_cadastral_danphuong_hanoi.gpkg", folder / "parcels.gpkg")
    parcels = gpd.read_file(folder / "parcels.gpkg")
    halves_as_hamlets(parcels).to_file(folder / "hamlets.gpkg")
    sample = parcels.iloc[::500]
    pd.DataFrame(
        {
            "ma_ho": [f"H{i}" for i in range(len(sample))],
            "ma_du_an": "P1",
            "to_ban_do": sample["to_ban_do"].astype(str).to_numpy(),
            "thua": sample["thua"].to_numpy(),
            "buoc": ["Chi trả tiền"] * len(sample),
        }
    ).to_csv(folder / "households.csv", index=False)
    return folder


def test_vietnamese_cadastre_loads_with_only_warnings(danphuong):
    ws = geo.load_workspace(danphuong)
    assert ws.report.ok, ws.report.render()
    assert len(ws.parcels) == 6910


def test_invalid_real_multipolygons_are_repaired_with_one_warning_naming_them(danphuong):
    ws = geo.load_workspace(danphuong)
    [warning] = [p for p in ws.report.problems if p.code == "invalid_geometry"]
    assert len(warning.rows) == 1171 and warning.row_kind == "feature"
    assert ws.parcels.geometry.is_valid.all()
    assert ws.parcels.geom_type.isin(["Polygon", "MultiPolygon"]).all()


def test_string_areas_are_read_as_declared_areas(danphuong):
    ws = geo.load_workspace(danphuong)
    raw = gpd.read_file(danphuong / "parcels.gpkg")
    declared = pd.to_numeric(raw["dien_tich"], errors="coerce").to_numpy()
    np.testing.assert_allclose(ws.parcels["area_declared_m2"].to_numpy(), declared)


def test_real_sheet_and_parcel_columns_make_unique_parcel_ids(danphuong):
    ws = geo.load_workspace(danphuong)
    assert ws.parcels["parcel_id"].is_unique
    assert ws.parcels["parcel_id"].iloc[0] == "1-213"


def test_summary_runs_on_the_real_cadastre(danphuong):
    ws = geo.load_workspace(danphuong)
    s = geo.hamlet_summary(ws, as_of="2026-11-20")
    assert s["households"].sum() == 14 and s["households_paid"].sum() == 14


def test_mis_tagged_geojson_lands_in_dan_phuong_with_a_crs_override(realdata, tmp_path):
    folder = tmp_path / "sheet08"
    folder.mkdir()
    shutil.copy(realdata / "vn_cadastral_danphuong_sheet08_as_published.geojson", folder / "parcels.geojson")
    parcels = gpd.read_file(folder / "parcels.geojson")
    halves_as_hamlets(parcels).to_file(folder / "hamlets.gpkg")
    as_tagged = geo.load_workspace(folder).parcels.to_crs(4326).total_bounds
    (folder / "workspace.toml").write_text('[layers.parcels]\ncrs = "EPSG:5897"\n', encoding="utf-8")
    ws = geo.load_workspace(folder)
    assert ws.report.ok, ws.report.render()
    lon0, lat0, lon1, lat1 = ws.parcels.to_crs(4326).total_bounds
    assert 105.64 < lon0 < lon1 < 105.69 and 21.08 < lat0 < lat1 < 21.11
    assert (as_tagged[1] - lat0) * 111_000 > 500  # read as tagged it sits ~700 m north


def test_lang_son_communes_serve_as_boundaries_with_mapped_columns(realdata, tmp_path):
    folder = tmp_path / "langson"
    folder.mkdir()
    shutil.copy(realdata / "langson_communes_2009.geojson", folder / "hamlets.geojson")
    (folder / "workspace.toml").write_text(
        '[layers.hamlets.columns]\nhamlet_id = "commune_id"\nhamlet_name = "commune_vn"\n', encoding="utf-8"
    )
    communes = gpd.read_file(folder / "hamlets.geojson")
    hoson = communes[communes["commune_id"] == 2092149].to_crs("EPSG:9215")
    cx, cy = hoson.geometry.representative_point().iloc[0].coords[0]
    gpd.GeoDataFrame(
        {"so_to": ["1", "1"], "so_thua": ["1", "2"]},
        geometry=[box(cx, cy, cx + 30, cy + 30), box(cx + 40, cy, cx + 70, cy + 30)],
        crs="EPSG:9215",
    ).to_file(folder / "parcels.gpkg")
    ws = geo.load_workspace(folder)
    assert ws.report.ok, ws.report.render()
    assert set(ws.parcels["hamlet_id"]) == {"2092149"}
    assert ws.hamlets.set_index("hamlet_id").loc["2092149", "hamlet_name"] == "Xã Hồ Sơn"


def test_french_cadastre_reads_through_column_mapping_with_metric_areas(realdata, tmp_path):
    folder = tmp_path / "fr"
    folder.mkdir()
    shutil.copy(realdata / "fr_cadastre_91216_epinay_sur_orge_parcelles.geojson", folder / "parcels.geojson")
    parcels = gpd.read_file(folder / "parcels.geojson")
    halves_as_hamlets(parcels).to_file(folder / "hamlets.gpkg")
    (folder / "workspace.toml").write_text(
        '[layers.parcels.columns]\nmap_sheet = "section"\nparcel_no = "numero"\n'
        'parcel_id = "id"\narea_m2 = "contenance"\n',
        encoding="utf-8",
    )
    ws = geo.load_workspace(folder)
    assert ws.report.ok, ws.report.render()
    assert len(ws.parcels) == 4241 and ws.crs.is_projected
    measured = ws.parcels.geometry.area.to_numpy()
    declared = ws.parcels["area_declared_m2"].to_numpy()
    assert np.nanmedian(np.abs(measured - declared)) < 10
