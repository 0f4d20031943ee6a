"""The generator: :func:`generate_workspace` writes every file of the sample workspace."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely

from ..outputs import atomic_path, atomic_write
from .field_reports import _field_reports
from .files import _toml_str, _write_dbf, _write_households_xlsx
from .geography import _HAMLETS, _MEAN_PARCEL_M2, _PROJECTS, _build_layout, _geoms_to_ll
from .grievances import _grievances
from .hamlets import _hamlet_table, default_hamlets
from .households import _households
from .parcels import _declared_area, _land_use, _number_parcels, _parcel_geometries, _zone
from .presets import PRJ_WKT, SYNTHETIC_LABEL


def generate_workspace(
    out_dir: str | Path,
    parcels: int = 3000,
    seed: int = 20251125,
    households: int | None = None,
    grievances: int | None = None,
    as_of: date = date(2026, 11, 20),
    hamlets: int | None = None,
) -> Path:
    """Write a synthetic sample workspace for Hồ Sơn / Đồng Tân into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into; created if missing. Files of the same names are
        overwritten, other files are left alone.
    parcels : int, default 3000
        Number of parcels (exact). Parcels cover the settled land of the
        commune: at least the villages, valley fields, road side and project
        sites (about 3.6 km², so fewer than ~3,600 parcels are larger than
        1,000 m² on average), growing with the count at about 1,000 m² per
        parcel until it fills the commune outline (about 34 km²); beyond
        that, parcels get smaller.
    seed : int, default 20251125
        Random seed. The same arguments give byte-identical files.
    households : int, optional
        Number of rows in ``households.xlsx`` (one per household x project x
        parcel, including 2-3 rows that point at non-existent parcels).
        Default ``round(parcels * 800 / 3000)``.
    grievances : int, optional
        Number of grievances. Default ``round(parcels * 150 / 3000)``.
    as_of : datetime.date, default 2026-11-20
        The reporting date: histories, grievances and field reports end on it,
        deadlines are placed relative to it.
    hamlets : int, optional
        Number of hamlets. Default 10 (the fixed hamlets) up to 3,000 parcels,
        else one per 150 parcels (200 for 30,000). Above 10, each fixed hamlet
        is split into neighbourhoods of about the same number of parcels
        (``HS03-01`` "Thôn Tân Hồ 1" …), which keep its story.

    Returns
    -------
    Path
        The workspace folder.

    Raises
    ------
    ValueError
        If ``parcels`` is below 50 or a count is negative.

    Notes
    -----
    All processing of geometries is vectorised (shapely 2 array functions,
    one Voronoi diagram per hamlet); the only Python loops run over hamlets,
    projects, hamlets, grievances and workbook rows. The province size
    (300,000 parcels in 2,000 hamlets, 80,000 household rows, 10,000
    grievances) takes about a minute of CPU and 0.8 GB, of which about 20 s
    is openpyxl writing ``households.xlsx``.
    """
    if parcels < 50:
        raise ValueError("parcels must be at least 50")
    hamlets = default_hamlets(parcels) if hamlets is None else max(int(hamlets), len(_HAMLETS))
    n_rows = round(parcels * 800 / 3000) if households is None else int(households)
    n_griev = round(parcels * 150 / 3000) if grievances is None else int(grievances)
    if n_rows < 0 or n_griev < 0:
        raise ValueError("households and grievances must not be negative")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    root = np.random.default_rng(seed)
    r_parcel, r_land, r_hh, r_gr, r_fr, r_ham = root.spawn(6)

    layout = _build_layout()
    geoms, base_ham = _parcel_geometries(parcels, layout, r_parcel)
    area = shapely.area(geoms)
    cent = shapely.get_coordinates(shapely.point_on_surface(geoms))
    table = _hamlet_table(layout, cent, base_ham, hamlets, r_ham)
    ham = table.of_parcel
    commune = np.array([h.commune for h in _HAMLETS])[base_ham]
    sheet, no = _number_parcels(cent, commune, float(area.mean()))
    land = _land_use(cent, layout, r_land)
    decl = _declared_area(area, r_land)
    order = np.lexsort((no, sheet, commune))
    geoms, ham, area, cent, commune, sheet, no, land, decl = (
        a[order] for a in (geoms, ham, area, cent, commune, sheet, no, land, decl)
    )
    ptab = pd.DataFrame(
        {
            "ma_xa": commune,
            "so_to": sheet.astype(np.int32),
            "so_thua": no.astype(np.int32),
            "loai_dat": land,
            "dien_tich": decl,
            "ham": ham,
            "area": area,
            "cx": cent[:, 0],
            "cy": cent[:, 1],
        }
    )

    # hamlets (EPSG:4326)
    import geopandas as gpd

    hamlet_layer = gpd.GeoDataFrame(
        {
            "hamlet_id": table.ids,
            "hamlet_name": [h.name for h in table.records],
            "officer": [h.officer for h in table.records],
            "party_cell": ["Chi bộ " + h.name[0].lower() + h.name[1:] for h in table.records],
        },
        geometry=_geoms_to_ll(np.array(table.geoms, dtype=object)),
        crs="EPSG:4326",
    )
    gpkg = out / "hamlets.gpkg"
    stamp = f"{as_of.isoformat()}T00:00:00Z"
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        with atomic_path(gpkg) as tmp:
            pyogrio.write_dataframe(hamlet_layer, tmp, layer="hamlets", driver="GPKG", promote_to_multi=True)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})

    # parcels (shapefile, VN-2000 TM-3 107-15, cadastral-style .prj)
    # GDAL writes .shp/.shx; the .dbf is written here (exact field widths, fixed date)
    pgdf = gpd.GeoDataFrame(geometry=geoms, crs="EPSG:9215")
    with atomic_path(out / "parcels.shp", companions=(".shx",)) as tmp:
        pyogrio.write_dataframe(pgdf, tmp, driver="ESRI Shapefile", use_arrow=True)
    _write_dbf(
        out / "parcels.dbf",
        {
            "ma_xa": ("C", ptab["ma_xa"].to_numpy()),
            "so_to": ("N", ptab["so_to"].to_numpy()),
            "so_thua": ("N", ptab["so_thua"].to_numpy()),
            "loai_dat": ("C", ptab["loai_dat"].to_numpy()),
            "dien_tich": ("C", ptab["dien_tich"].to_numpy().astype(str)),
        },
        as_of,
    )
    atomic_write(out / "parcels.prj", PRJ_WKT.encode("ascii"))
    atomic_write(out / "parcels.cpg", b"UTF-8")

    # projects (GeoJSON, WGS 84)
    fps = np.array([layout.footprints[p["project_id"]] for p in _PROJECTS], dtype=object)
    proj = gpd.GeoDataFrame(
        {
            "project_id": [p["project_id"] for p in _PROJECTS],
            "project_name": [p["project_name"] for p in _PROJECTS],
            "handover_deadline": [(as_of + timedelta(days=p["deadline"])).isoformat() for p in _PROJECTS],
            "level": [p["level"] for p in _PROJECTS],
        },
        geometry=_geoms_to_ll(fps, 7),
        crs="EPSG:4326",
    )
    gj = out / "projects.geojson"
    with atomic_path(gj) as tmp:
        pyogrio.write_dataframe(
            proj,
            tmp,
            layer="projects",
            driver="GeoJSON",
            promote_to_multi=True,
            layer_options={"COORDINATE_PRECISION": "7", "RFC7946": "YES"},
        )

    # households and stage history
    story_ham = [table.ids.index(table.price), table.ids.index(table.landtype)]
    rows, hist = _households(n_rows, ptab, geoms, layout, as_of, r_hh, story_ham)
    _write_households_xlsx(rows, out / "households.xlsx", as_of)
    hist_out = hist.assign(date=hist["date"].dt.strftime("%d/%m/%Y"))
    atomic_write(out / "stage_history.csv", hist_out.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))

    # grievances
    zone = _zone(layout, parcels * _MEAN_PARCEL_M2)
    zones_h = list(shapely.intersection(zone, np.array(table.geoms, dtype=object)))
    gr = _grievances(n_griev, rows, table, zones_h, as_of, r_gr, cent)
    atomic_write(out / "grievances.csv", gr.to_csv(index=False, lineterminator="\n").encode("utf-8"))

    # field reports
    fr = _field_reports(table, as_of, r_fr)
    atomic_write(out / "field_reports.csv", fr.to_csv(index=False, lineterminator="\n").encode("utf-8"))

    # workspace.toml and README.txt
    recipients = [
        "Ban Thường vụ Tỉnh ủy Lạng Sơn (để báo cáo)",
        "Ban Dân vận Tỉnh ủy (để báo cáo)",
        "Thường trực Đảng ủy, HĐND, UBND xã",
        "Ủy ban MTTQ Việt Nam xã",
        "Các chi bộ thôn",
        "Lưu Văn phòng Đảng ủy",
    ]
    toml = "\n".join(
        [
            f"# {SYNTHETIC_LABEL}",
            f"# Sinh bởi: python -m geo.sample (parcels={parcels}, hamlets={hamlets}, seed={seed})",
            "",
            "[workspace]",
            f"name = {_toml_str('Xã Hữu Lũng (gồm xã Hồ Sơn, xã Đồng Tân cũ)')}",
            f"province = {_toml_str('Lạng Sơn')}",
            f"as_of = {as_of.isoformat()}",
            "",
            "[report]",
            f"signer = {_toml_str('Nông Đức Hòa')}",
            f"party_committee = {_toml_str('ĐẢNG ỦY XÃ HỮU LŨNG')}",
            "recipients = [",
            *[f"    {_toml_str(r)}," for r in recipients],
            "]",
            "",
            "[grievances]",
            'number = "{seq:04d}/{year}/{code}"',
            "",
            "[grievances.codes]  # this office numbers every letter in one book, “ĐT” (đơn thư)",
            *[f'{kind} = "ĐT"' for kind in ("complaint", "denunciation", "petition", "feedback", "dispute")],
            "",
        ]
    )
    atomic_write(out / "workspace.toml", toml.encode("utf-8"))
    readme = "\n".join(
        [
            SYNTHETIC_LABEL,
            "",
            "Không gian làm việc mẫu: xã Hữu Lũng (mã 06385), tỉnh Lạng Sơn, phần xã Hồ Sơn (06451) và",
            "xã Đồng Tân (06424) cũ. Toàn bộ ranh giới, thửa đất, hộ, tên thôn, tên người, số tiền, đơn thư",
            "và báo cáo đều là giả định, do chương trình geo.sample sinh ra; không dùng cho mục đích hành chính.",
            "",
            "Synthetic sample workspace for the former communes Hồ Sơn (06451) and Đồng Tân (06424), now",
            "Xã Hữu Lũng (06385), Lạng Sơn. Every boundary, parcel, household, hamlet and person name, amount,",
            "grievance and report is invented.",
            f"Regenerate: python -m geo.sample <folder> --parcels {parcels} --hamlets {hamlets} --seed {seed}",
            "",
        ]
    )
    atomic_write(out / "README.txt", readme.encode("utf-8"))
    return out
