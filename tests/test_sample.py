"""Tests of the synthetic sample workspace generator ``geo.sample``.

Small workspaces are generated into temporary folders; the checks that need
the default size use the committed ``data/hoson`` (or generate it when the
folder is missing).
"""

from __future__ import annotations

import tomllib
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from openpyxl import load_workbook

from geo.sample import COMMUNE_CODES, PRJ_WKT, SIZES, SYNTHETIC_LABEL, default_hamlets, generate_workspace, main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "hoson"
AS_OF = date(2026, 11, 20)
LAYER_FILES = [
    "hamlets.gpkg",
    "parcels.shp",
    "parcels.shx",
    "parcels.dbf",
    "parcels.prj",
    "parcels.cpg",
    "projects.geojson",
    "households.xlsx",
    "stage_history.csv",
    "grievances.csv",
    "field_reports.csv",
    "workspace.toml",
    "README.txt",
]
STAGE_KEYS = [
    "notified",
    "surveyed",
    "plan_drafted",
    "plan_posted",
    "plan_approved",
    "recovery_decided",
    "paid",
    "handed_over",
]
STAGE_LABELS = [
    "Thông báo thu hồi đất",
    "Điều tra, kiểm đếm",
    "Lập phương án",
    "Công khai phương án",
    "Phê duyệt phương án",
    "Quyết định thu hồi đất",
    "Chi trả tiền",
    "Bàn giao mặt bằng",
]


def norm(text: object) -> str:
    """Fold like the data contract: case, diacritics (đ → d), spaces and underscores."""
    s = str(text).strip().replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return s.replace(" ", "").replace("_", "").lower()


ENUMS = {
    "kind": {
        "complaint": "Khiếu nại",
        "denunciation": "Tố cáo",
        "petition": "Kiến nghị",
        "feedback": "Phản ánh",
        "dispute": "Tranh chấp đất đai",
    },
    "topic": {
        "compensation_price": "Giá bồi thường",
        "area": "Diện tích",
        "land_type": "Loại đất",
        "resettlement": "Tái định cư",
        "support": "Hỗ trợ",
        "procedure": "Thủ tục",
        "other": "Khác",
    },
    "status": {
        "received": "Mới nhận",
        "in_progress": "Đang giải quyết",
        "dialogue": "Đối thoại",
        "mediation": "Hòa giải",
        "resolved": "Đã giải quyết",
        "escalated": "Chuyển cấp trên",
        "withdrawn": "Rút đơn",
    },
    "mood": {
        "stable": "Ổn định",
        "concerned": "Có băn khoăn",
        "agitated": "Bức xúc",
        "gathering_risk": "Nguy cơ tụ tập đông người",
    },
}


def to_key(values: pd.Series, enum: str) -> pd.Series:
    """Map keys or Vietnamese labels of an enumeration to its keys (NaN when unknown)."""
    table = {norm(k): k for k in ENUMS[enum]} | {norm(v): k for k, v in ENUMS[enum].items()}
    return values.map(lambda v: table.get(norm(v)))


def parcel_ids(parcels: pd.DataFrame) -> pd.Series:
    return parcels["ma_xa"] + "-" + parcels["so_to"].astype(str) + "-" + parcels["so_thua"].astype(str)


def read_households(folder: Path) -> pd.DataFrame:
    return pd.read_excel(folder / "households.xlsx", dtype={"Mã xã": str, "Mã hộ": str}, engine="openpyxl")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_workspace(tmp_path_factory.mktemp("small"), parcels=400)


@pytest.fixture(scope="module")
def default_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if (SAMPLE / "hamlets.gpkg").exists():
        return SAMPLE
    return generate_workspace(tmp_path_factory.mktemp("default"))


def test_same_seed_gives_byte_identical_files(small: Path, tmp_path: Path) -> None:
    again = generate_workspace(tmp_path / "again", parcels=400)
    for name in LAYER_FILES:
        assert (small / name).read_bytes() == (again / name).read_bytes(), name


def test_other_seed_gives_other_parcels(small: Path, tmp_path: Path) -> None:
    other = generate_workspace(tmp_path / "other", parcels=400, seed=7)
    assert (small / "parcels.shp").read_bytes() != (other / "parcels.shp").read_bytes()


def test_every_layer_file_is_written(small: Path) -> None:
    for name in LAYER_FILES:
        assert (small / name).is_file(), name
        assert (small / name).stat().st_size > 0, name


def test_sizes_follow_the_arguments(small: Path, tmp_path: Path) -> None:
    assert len(gpd.read_file(small / "parcels.shp")) == 400
    assert len(read_households(small)) == round(400 * 800 / 3000)
    assert len(pd.read_csv(small / "grievances.csv")) == round(400 * 150 / 3000)
    bigger = generate_workspace(tmp_path / "bigger", parcels=900, households=150, grievances=40)
    assert len(gpd.read_file(bigger / "parcels.shp")) == 900
    assert len(read_households(bigger)) == 150
    assert len(pd.read_csv(bigger / "grievances.csv")) == 40


def test_too_few_parcels_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_workspace(tmp_path, parcels=10)


def test_map_sheets_and_parcel_numbers_repeat_across_former_communes(small: Path) -> None:
    p = gpd.read_file(small / "parcels.shp")
    assert set(p["ma_xa"]) == {"06451", "06424"}
    sheets = [set(p.loc[p["ma_xa"] == c, "so_to"]) for c in ("06451", "06424")]
    assert 1 in sheets[0] and 1 in sheets[1]
    pairs = [set(zip(p.loc[p["ma_xa"] == c, "so_to"], p.loc[p["ma_xa"] == c, "so_thua"])) for c in ("06451", "06424")]
    assert len(pairs[0] & pairs[1]) > 10
    assert parcel_ids(p).is_unique
    assert "hamlet_id" not in p.columns and "ma_thon" not in p.columns


def test_prj_is_cadastral_vn2000_without_towgs84(small: Path) -> None:
    prj = (small / "parcels.prj").read_text(encoding="ascii")
    assert prj == PRJ_WKT
    assert "TOWGS84" not in prj.upper()
    assert "AUTHORITY" not in prj.upper() and "EPSG" not in prj.upper()
    assert 'PARAMETER["Central_Meridian",107.25]' in prj
    assert 'PARAMETER["Scale_Factor",0.9999]' in prj
    assert "Vietnam_2000" in prj
    assert (small / "parcels.cpg").read_text() == "UTF-8"


def test_layers_line_up_in_the_right_place(small: Path) -> None:
    parcels = gpd.read_file(small / "parcels.shp").set_crs("EPSG:9215", allow_override=True)
    hamlets = gpd.read_file(small / "hamlets.gpkg")
    assert hamlets.crs.to_epsg() == 4326
    lon0, lat0, lon1, lat1 = hamlets.total_bounds
    assert 106.34 <= lon0 < lon1 <= 106.42 and 21.465 <= lat0 < lat1 <= 21.55
    pts = gpd.GeoDataFrame(geometry=parcels.representative_point(), crs=parcels.crs)
    joined = gpd.sjoin(pts, hamlets.to_crs(parcels.crs), predicate="within")
    assert joined.index.is_unique and len(joined) == len(parcels)
    assert joined["hamlet_id"].nunique() == len(hamlets)
    # hamlets tile the commune: no overlaps
    h = hamlets.to_crs("EPSG:9215")
    assert h.area.sum() == pytest.approx(shapely.union_all(h.geometry.values).area, rel=1e-6)


def test_parcel_polygons_are_valid_and_irregular(default_ws: Path) -> None:
    p = gpd.read_file(default_ws / "parcels.shp")
    geoms = p.geometry.values
    assert shapely.is_valid(geoms).all()
    assert (shapely.get_type_id(geoms) == 3).all()
    ring_vertices = shapely.get_num_coordinates(shapely.get_exterior_ring(geoms)) - 1
    assert (ring_vertices == 4).mean() < 0.2
    assert (ring_vertices >= 5).mean() > 0.7
    rect = shapely.area(geoms) / shapely.area(shapely.oriented_envelope(geoms))
    assert (rect > 0.99).mean() < 0.2
    area = shapely.area(geoms)
    assert 100 < np.median(area) < 5000
    assert ((area > 100) & (area < 5000)).mean() > 0.85
    # not overlapping each other (beyond millimetre rounding)
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="overlaps")
    keep = a < b
    if keep.any():
        inter = shapely.area(shapely.intersection(geoms[a[keep]], geoms[b[keep]]))
        assert inter.max() < 0.1  # slivers from millimetre rounding only


def test_declared_area_is_text_with_comma_decimals_and_blanks(default_ws: Path) -> None:
    d = gpd.read_file(default_ws / "parcels.shp")["dien_tich"]
    assert d.dtype == object or str(d.dtype).startswith("str")
    assert d.fillna("").str.contains(",").any()
    assert d.fillna("").str.contains(r"\.").any()
    assert (d.fillna("") == "").any()
    codes = set(gpd.read_file(default_ws / "parcels.shp")["loai_dat"])
    assert {"LUC", "HNK", "CLN", "RSX", "ONT", "NTS", "DGT", "SKC"} <= codes
    assert not codes & {"BHK", "NHK"}  # replaced by HNK in Circular 08/2024/TT-BTNMT


def test_households_headers_are_vietnamese_and_match_contract_aliases(small: Path) -> None:
    wb = load_workbook(small / "households.xlsx", read_only=True)
    ws = wb.worksheets[0]
    headers = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]
    assert headers == [
        "Mã hộ",
        "Chủ hộ",
        "Mã dự án",
        "Mã xã",
        "Số tờ",
        "Số thửa",
        "Diện tích thu hồi",
        "Bước",
        "Ngày cập nhật",
        "Tiền bồi thường",
        "Tái định cư",
        "Đồng thuận",
        "Đợt",
    ]
    aliases = {
        "maho",
        "chuho",
        "maduan",
        "maxa",
        "soto",
        "sothua",
        "dientichthuhoi",
        "buoc",
        "ngaycapnhat",
        "tienboithuong",
        "taidinhcu",
        "dongthuan",
        "dot",
    }
    assert {norm(h) for h in headers} == aliases
    assert all(h != norm(h) for h in headers)  # diacritics / capitals really there
    row = next(ws.iter_rows(min_row=2, max_row=2))
    assert row[3].data_type == "s" and len(row[3].value) == 5  # commune code as text
    assert row[8].is_date  # a real Excel date cell
    wb.close()


def test_households_link_to_parcels_with_a_few_clerk_errors(default_ws: Path) -> None:
    p = gpd.read_file(default_ws / "parcels.shp")
    hh = read_households(default_ws)
    keys = hh["Mã xã"] + "-" + hh["Số tờ"].astype(str) + "-" + hh["Số thửa"].astype(str)
    unknown = ~keys.isin(set(parcel_ids(p)))
    assert 2 <= unknown.sum() <= 3
    assert not keys.duplicated().any()  # one household per parcel and project
    per_hh = hh.groupby("Mã hộ")
    assert (per_hh.size() > 1).any()
    assert (per_hh["Mã dự án"].nunique() == 2).sum() >= 2
    assert hh["Mã hộ"].str.fullmatch(r"(HS|DT)-\d{4,}").all()
    assert set(hh["Đồng thuận"]) == {"Có", "Không", "Chưa rõ"}
    assert set(hh["Tái định cư"]) <= {"Có", "Không"}


def test_every_stage_is_present_and_road_is_furthest_along(default_ws: Path) -> None:
    hh = read_households(default_ws)
    assert set(hh["Bước"]) == set(STAGE_LABELS)
    idx = hh["Bước"].map({s: i for i, s in enumerate(STAGE_LABELS)})
    by_project = idx.groupby(hh["Mã dự án"]).mean()
    assert by_project.idxmax() == "DA-DT242"
    paid = idx >= STAGE_LABELS.index("Chi trả tiền")
    money = hh.loc[paid, "Tiền bồi thường"]
    assert money.notna().all()
    assert 1e7 <= money.min() and money.max() <= 5e9
    assert hh.loc[idx < STAGE_LABELS.index("Phê duyệt phương án"), "Tiền bồi thường"].isna().all()


def test_stage_history_is_consistent_with_households(default_ws: Path) -> None:
    raw = (default_ws / "stage_history.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    sh = pd.read_csv(default_ws / "stage_history.csv", encoding="utf-8-sig")
    assert list(sh.columns) == ["household_id", "project_id", "stage", "date"]
    assert sh["date"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    sh["d"] = pd.to_datetime(sh["date"], format="%d/%m/%Y")
    assert sh["d"].max() <= pd.Timestamp(AS_OF)
    assert sh["d"].min() >= pd.Timestamp(AS_OF - timedelta(days=260))
    sh["i"] = sh["stage"].map({s: i for i, s in enumerate(STAGE_KEYS)})
    assert sh["i"].notna().all()
    g = sh.groupby(["household_id", "project_id"])
    assert g.apply(lambda t: t.sort_values("i")["d"].is_monotonic_increasing).all()
    last = g.agg(i=("i", "max"), n=("i", "size"), d=("d", "max"))
    skipped = last["n"] < last["i"] + 1
    assert 1 <= skipped.sum() <= max(10, len(last) // 50)
    stalled = (last["i"] < 7) & ((pd.Timestamp(AS_OF) - last["d"]).dt.days > 60)
    assert 3 <= stalled.sum() < 0.2 * len(last)
    hh = read_households(default_ws)
    cur = hh.groupby(["Mã hộ", "Mã dự án"]).agg(stage=("Bước", "first"), d=("Ngày cập nhật", "first"))
    cur["i"] = cur["stage"].map({s: i for i, s in enumerate(STAGE_LABELS)})
    cur.index.names = ["household_id", "project_id"]
    both = cur.merge(last, left_index=True, right_index=True, how="inner", suffixes=("", "_h"))
    assert len(both) == len(cur) == len(last)
    assert (both["i"] == both["i_h"]).all()
    assert (pd.to_datetime(both["d"]) == both["d_h"]).all()


def test_grievances_cover_every_kind_topic_and_status(default_ws: Path) -> None:
    g = pd.read_csv(default_ws / "grievances.csv", dtype=str)
    assert 130 <= len(g) <= 170
    assert g["so_don"].is_unique
    for col, enum in (("loai_don", "kind"), ("noi_dung", "topic"), ("trang_thai", "status")):
        keys = to_key(g[col], enum)
        assert keys.notna().all(), col
        assert set(keys) == set(ENUMS[enum]), col
    # English keys and Vietnamese labels are mixed
    assert g["trang_thai"].isin(ENUMS["status"].keys()).any()
    assert g["trang_thai"].isin(ENUMS["status"].values()).any()
    received = pd.to_datetime(g["ngay_nhan"], format="%d/%m/%Y")
    assert received.max() <= pd.Timestamp(AS_OF)
    sig = g["so_nguoi_ky"].astype(int)
    assert sig.between(5, 40).any() and (sig == 1).mean() > 0.6
    linked = g["ma_ho"].notna()
    hamlet_only = g["ma_ho"].isna() & g["ma_thon"].notna()
    point_only = g["ma_ho"].isna() & g["ma_thon"].isna() & g["kinh_do"].notna()
    assert linked.mean() > 0.5 and hamlet_only.any() and point_only.any()
    assert (linked | hamlet_only | point_only).all()


def test_the_story_is_in_the_default_sample(default_ws: Path) -> None:
    g = pd.read_csv(default_ws / "grievances.csv", dtype=str)
    hh = read_households(default_ws)
    sh = hh.drop_duplicates("Mã hộ")
    p = gpd.read_file(default_ws / "parcels.shp").set_crs("EPSG:9215", allow_override=True)
    hamlets = gpd.read_file(default_ws / "hamlets.gpkg").to_crs(p.crs)
    pts = gpd.GeoDataFrame({"pid": parcel_ids(p)}, geometry=p.representative_point(), crs=p.crs)
    where = gpd.sjoin(pts, hamlets, predicate="within").set_index("pid")["hamlet_id"]
    first_row = hh.assign(pid=hh["Mã xã"] + "-" + hh["Số tờ"].astype(str) + "-" + hh["Số thửa"].astype(str))
    first_row = first_row[first_row["pid"].isin(where.index)].drop_duplicates("Mã hộ")
    hh_hamlet = first_row.set_index("Mã hộ")["pid"].map(where)
    g["hamlet"] = g["ma_thon"].fillna(g["ma_ho"].map(hh_hamlet))
    status = to_key(g["trang_thai"], "status")
    open_ = ~status.isin(["resolved", "withdrawn"])
    age = (pd.Timestamp(AS_OF) - pd.to_datetime(g["ngay_nhan"], format="%d/%m/%Y")).dt.days
    overdue_collective = open_ & (age > 30) & (g["so_nguoi_ky"].astype(int) >= 5)
    assert set(g.loc[overdue_collective, "hamlet"].dropna()) == {"HS03"}
    assert (overdue_collective & (to_key(g["noi_dung"], "topic") == "compensation_price")).any()
    # calm hamlets: no open grievance at all
    assert not (open_ & g["hamlet"].isin(["HS04", "HS06", "DT04"])).any()
    # disagreement concentrated in the story hamlets
    no = hh[hh["Đồng thuận"] == "Không"]
    no_hamlets = no.assign(pid=no["Mã xã"] + "-" + no["Số tờ"].astype(str) + "-" + no["Số thửa"].astype(str))
    share = no_hamlets["pid"].map(where).isin(["HS03", "DT02"]).mean()
    assert share > 0.7
    assert len(sh) > 400

    fr = pd.read_csv(default_ws / "field_reports.csv")
    fr["key"] = to_key(fr["mood"], "mood")
    assert fr["key"].notna().all() and set(fr["key"]) == set(ENUMS["mood"])
    fr["d"] = pd.to_datetime(fr["report_date"])
    recent = fr[fr["d"] >= pd.Timestamp(AS_OF - timedelta(days=13))]
    assert set(recent.loc[recent["key"] == "gathering_risk", "hamlet_id"]) == {"HS03"}
    assert set(recent.loc[recent["key"] == "agitated", "hamlet_id"]) == {"DT02"}
    last = fr.groupby("hamlet_id")["d"].max()
    assert (pd.Timestamp(AS_OF) - last["DT04"]).days == 21
    assert ((pd.Timestamp(AS_OF) - last.drop("DT04")).dt.days < 7).all()
    assert fr.groupby("hamlet_id").size().drop("DT04").eq(12).all()


def test_projects_cut_across_parcels(default_ws: Path) -> None:
    pr = gpd.read_file(default_ws / "projects.geojson")
    assert list(pr["project_id"]) == ["DA-DT242", "DA-CCN", "DA-TDC"]
    assert list(pr["level"]) == ["tinh", "tinh", "xa"]  # no district level since 1 July 2025
    deadlines = pd.to_datetime(pr["handover_deadline"], format="%Y-%m-%d")
    assert deadlines.iloc[0] < pd.Timestamp(AS_OF) < deadlines.iloc[1]
    p = gpd.read_file(default_ws / "parcels.shp").set_crs("EPSG:9215", allow_override=True)
    pr = pr.to_crs(p.crs)
    for geom in pr.geometry:
        hit = p.intersects(geom)
        inside = p.within(geom)
        assert (hit & ~inside).sum() > 5  # footprints cut parcels, not follow them


def test_workspace_toml_and_labels(default_ws: Path) -> None:
    text = (default_ws / "workspace.toml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# {SYNTHETIC_LABEL}"
    cfg = tomllib.loads(text)
    assert cfg["workspace"]["name"] == "Xã Hữu Lũng (gồm xã Hồ Sơn, xã Đồng Tân cũ)"
    assert cfg["workspace"]["province"] == "Lạng Sơn"
    assert cfg["workspace"]["as_of"] == AS_OF
    assert cfg["report"]["party_committee"] == "ĐẢNG ỦY XÃ HỮU LŨNG"
    assert isinstance(cfg["report"]["signer"], str) and cfg["report"]["signer"]
    assert all(isinstance(r, str) for r in cfg["report"]["recipients"]) and cfg["report"]["recipients"]
    assert SYNTHETIC_LABEL in (default_ws / "README.txt").read_text(encoding="utf-8")
    h = gpd.read_file(default_ws / "hamlets.gpkg")
    assert list(h["hamlet_id"]) == [f"HS0{i}" for i in range(1, 7)] + [f"DT0{i}" for i in range(1, 5)]
    assert h["hamlet_name"].str.startswith("Thôn ").all()
    assert h["party_cell"].str.startswith("Chi bộ thôn ").all()
    assert h["officer"].notna().all()


@pytest.mark.skipif(not (SAMPLE / "hamlets.gpkg").exists(), reason="data/hoson is not there")
def test_committed_sample_is_up_to_date(tmp_path: Path) -> None:
    fresh = generate_workspace(tmp_path / "hoson")
    for name in LAYER_FILES:
        assert (SAMPLE / name).read_bytes() == (fresh / name).read_bytes(), (
            f"data/hoson/{name} is stale: run .venv/bin/python -m geo.sample data/hoson"
        )


def test_help_documents_the_three_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for name, size in SIZES.items():
        assert f"--size {name}" in text or f"  {name} " in text
        assert f"{size.parcels:,} parcels in {size.hamlets:>5,} hamlets" in text
    assert "--hamlets" in text and "--parcels" in text


def test_sizes_are_those_of_a_commune_a_former_district_and_a_province() -> None:
    assert (SIZES["commune"].parcels, SIZES["commune"].hamlets) == (3_000, 10)
    assert (SIZES["district"].parcels, SIZES["district"].hamlets) == (30_000, 200)
    assert (SIZES["province"].parcels, SIZES["province"].hamlets) == (300_000, 2_000)
    assert [default_hamlets(n) for n in (400, 3_000, 30_000, 300_000)] == [10, 10, 200, 2_000]


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample above commune size, whose hamlets are split into neighbourhoods (6,000 parcels, 40 hamlets)."""
    return generate_workspace(tmp_path_factory.mktemp("split"), parcels=6000)


def test_a_larger_sample_has_hamlets_of_about_150_parcels(split: Path) -> None:
    p = gpd.read_file(split / "parcels.shp").set_crs("EPSG:9215", allow_override=True)
    hamlets = gpd.read_file(split / "hamlets.gpkg").to_crs(p.crs)
    assert len(hamlets) == 40
    pts = gpd.GeoDataFrame(geometry=p.representative_point(), crs=p.crs)
    joined = gpd.sjoin(pts, hamlets, predicate="within")
    assert joined.index.is_unique and len(joined) == len(p)
    per_hamlet = joined.groupby("hamlet_id").size().reindex(hamlets["hamlet_id"], fill_value=0)
    assert per_hamlet.mean() == 150
    assert per_hamlet.min() >= 20 and per_hamlet.median() == pytest.approx(150, rel=0.35)
    assert hamlets.area.sum() == pytest.approx(shapely.union_all(hamlets.geometry.values).area, rel=1e-6)


def test_split_hamlets_are_named_after_their_hamlet_and_keep_the_story(split: Path) -> None:
    h = gpd.read_file(split / "hamlets.gpkg")
    assert h["hamlet_id"].str.fullmatch(r"(HS0[1-6]|DT0[1-4])-\d{2}").all()
    assert {"HS03-01", "DT04-01"} <= set(h["hamlet_id"])
    assert h.set_index("hamlet_id").loc["HS03-01", "hamlet_name"] == "Thôn Tân Hồ 1"
    assert h["officer"].notna().all() and h["party_cell"].str.startswith("Chi bộ thôn ").all()
    fr = pd.read_csv(split / "field_reports.csv")
    fr["key"] = to_key(fr["mood"], "mood")
    gathering = set(fr.loc[fr["key"] == "gathering_risk", "hamlet_id"])
    assert len(gathering) == 1 and gathering.pop().startswith("HS03-")
    last = fr.groupby("hamlet_id")["report_date"].max().map(date.fromisoformat)
    silent = last[(AS_OF - last).map(lambda d: d.days) > 14]
    assert len(silent) == 1 and silent.index[0].startswith("DT04-")


def test_the_price_cluster_is_a_gi_star_hot_cluster_on_the_default_date(default_ws: Path) -> None:
    import geo
    from geo.hotspots.clusters import grievance_clusters

    ws = geo.load_workspace(default_ws)
    assert ws.default_as_of() == AS_OF
    clusters = grievance_clusters(ws, geo.time_slice(ws))
    hot = clusters.parcels[clusters.parcels["cluster"] == "hot"]
    assert len(hot) >= 8
    assert set(hot["hamlet_id"]) == {"HS03"}


def test_the_price_cluster_is_open_road_price_complaints_of_neighbours(default_ws: Path) -> None:
    g = pd.read_csv(default_ws / "grievances.csv", dtype=str)
    status = to_key(g["trang_thai"], "status")
    age = (pd.Timestamp(AS_OF) - pd.to_datetime(g["ngay_nhan"], format="%d/%m/%Y")).dt.days
    price = to_key(g["noi_dung"], "topic") == "compensation_price"
    cluster = g[g["tom_tat"].str.contains("ven đường ĐT.242") & price]
    assert len(cluster) == 16
    assert (cluster["ma_du_an"] == "DA-DT242").all() and cluster["ma_ho"].is_unique
    assert not status[cluster.index].isin(["resolved", "withdrawn"]).any()
    assert age[cluster.index].between(0, 45).all()
    # neighbours: their road parcels lie within a few hundred metres of each other
    hh = read_households(default_ws)
    hh = hh[hh["Mã hộ"].isin(cluster["ma_ho"]) & (hh["Mã dự án"] == "DA-DT242")]
    p = gpd.read_file(default_ws / "parcels.shp").set_crs("EPSG:9215", allow_override=True)
    p["pid"] = parcel_ids(p)
    keys = hh["Mã xã"] + "-" + hh["Số tờ"].astype(str) + "-" + hh["Số thửa"].astype(str)
    xy = shapely.get_coordinates(p.set_index("pid").loc[keys[keys.isin(p["pid"])]].representative_point().values)
    assert np.hypot(*(xy - xy.mean(0)).T).max() < 600


def test_former_communes_carry_their_official_codes() -> None:
    assert COMMUNE_CODES == {"06451": "Hồ Sơn", "06424": "Đồng Tân"}


def test_no_district_is_named_as_a_current_unit(default_ws: Path) -> None:
    text = " ".join(
        [
            (default_ws / "workspace.toml").read_text(encoding="utf-8"),
            (default_ws / "README.txt").read_text(encoding="utf-8"),
            " ".join(gpd.read_file(default_ws / "hamlets.gpkg")["hamlet_name"]),
            " ".join(gpd.read_file(default_ws / "projects.geojson")["project_name"]),
        ]
    )
    assert "huyện" not in text.lower().replace("huyện hữu lũng cũ", "")


def test_benchmark_sizes_are_the_sample_presets() -> None:
    from benchmarks.workspaces import SIZES as BENCH

    assert set(BENCH) == set(SIZES)
    for name, size in SIZES.items():
        b = BENCH[name]
        assert (b.parcels, b.hamlets, b.households, b.grievances) == (
            size.parcels,
            size.hamlets,
            size.households,
            size.grievances,
        )


def test_only_land_disputes_are_in_mediation(default_ws: Path) -> None:
    g = pd.read_csv(default_ws / "grievances.csv", dtype=str)
    in_mediation = to_key(g["trang_thai"], "status") == "mediation"
    assert in_mediation.any()
    assert (to_key(g.loc[in_mediation, "loai_don"], "kind") == "dispute").all()


def test_importing_the_sample_package_builds_no_coordinate_transformer() -> None:
    import subprocess
    import sys

    code = (
        "import geo.sample, geo.sample.geography as g; "
        "print(g.to_metres.cache_info().currsize, g.to_lonlat.cache_info().currsize)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "0"]


def test_python_dash_m_geo_sample_runs_the_command_line() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "geo.sample", "--help"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "--size" in done.stdout and "province" in done.stdout


def test_the_sample_writes_the_schema_stage_and_grievance_values(default_ws: Path) -> None:
    from geo.schema import KINDS, STAGES, STATUSES, TOPICS

    hist = pd.read_csv(default_ws / "stage_history.csv", encoding="utf-8-sig")
    assert set(hist["stage"]) <= set(STAGES.keys)
    gr = pd.read_csv(default_ws / "grievances.csv")
    for column, enum in (("loai_don", KINDS), ("noi_dung", TOPICS), ("trang_thai", STATUSES)):
        assert set(gr[column]) <= set(enum.keys) | set(enum.labels.values()), column
