"""The Workspace: every layer read, checked, placed — and its validation report.

:func:`load_workspace` is the single entry point from a folder. It never
raises for bad input: every problem lands in ``Workspace.report``; callers
that need a clean workspace check ``ws.report.ok`` (or call
:meth:`Workspace.require_ok`).

Geometry is kept in one metric CRS for the whole workspace (the parcels' own
where it is metric), so areas are in m² and joins line up; the map converts
to WGS 84 itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from . import crs as crsmod
from .canonical import canonicalize, empty_column
from .config import WorkspaceConfig, read_config
from .io import RawLayer, find_layer_file, read_layer
from .joins import (
    households_to_parcels,
    parcel_key,
    parcels_to_hamlets,
    place_grievances,
)
from .problems import Report, WorkspaceError
from .schema import LAYERS, SPATIAL_LAYERS, Layer

WGS84 = "EPSG:4326"


@dataclass
class Workspace:
    """A commune workspace, read and joined, with its validation report.

    Attributes
    ----------
    path : Path
        The folder.
    config : WorkspaceConfig
        ``workspace.toml`` with defaults.
    report : Report
        Every problem found while reading and joining.
    crs : pyproj.CRS
        The metric CRS every geometry is in.
    hamlets : GeoDataFrame
        ``hamlet_id, hamlet_name, officer, party_cell, geometry``.
    parcels : GeoDataFrame
        ``parcel_id, map_sheet, parcel_no, commune_code, land_use, area_m2,
        area_declared_m2, hamlet_id, geometry``.
    projects : GeoDataFrame
        ``project_id, project_name, handover_deadline, level, geometry``
        (geometry empty where the layer is a table).
    households : DataFrame
        Canonical columns plus ``hamlet_id``, ``parcel_area_m2`` and
        ``row`` (the row in the file).
    stage_history, grievances, field_reports : DataFrame
        Canonical columns (empty frames where the layer is absent);
        grievances also carry the placed ``hamlet_id`` and, where they have a
        point, a ``geometry`` column in :attr:`crs`.
    present : set of str
        The layers that were found in the folder.
    files : dict
        Layer name → file name.
    """

    path: Path
    config: WorkspaceConfig
    report: Report
    crs: pyproj.CRS | None = None
    hamlets: gpd.GeoDataFrame = None
    parcels: gpd.GeoDataFrame = None
    projects: gpd.GeoDataFrame = None
    households: pd.DataFrame = None
    stage_history: pd.DataFrame = None
    grievances: gpd.GeoDataFrame = None
    field_reports: pd.DataFrame = None
    present: set[str] = field(default_factory=set)
    files: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The commune's name for titles (``workspace.toml``, else the folder)."""
        return self.config.name or self.path.name

    def default_as_of(self) -> date:
        """``[workspace] as_of`` from ``workspace.toml``, else today."""
        return self.config.as_of or date.today()

    def require_ok(self) -> Workspace:
        """Return ``self``, or raise :class:`WorkspaceError` if there are errors."""
        if not self.report.ok:
            raise WorkspaceError(self.report)
        return self


def load_workspace(path: str | Path) -> Workspace:
    """Read, check and join a workspace folder.

    Parameters
    ----------
    path : str or Path
        The folder holding ``hamlets``, ``parcels`` and the optional layers
        (see ``docs/data-contract.md``).

    Returns
    -------
    Workspace
        Always; ``ws.report`` lists the problems. Layers that could not be
        read are empty frames with the canonical columns.

    Example
    -------
    >>> import geo
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> ws.report.ok, len(ws.hamlets)  # doctest: +SKIP
    (True, 10)
    """
    folder = Path(path)
    report = Report()
    if not folder.is_dir():
        report.error(
            "no_workspace", str(folder),
            "Không tìm thấy thư mục dữ liệu / The workspace folder does not exist",
            "Kiểm tra đường dẫn / Check the path.",
        )
        return _empty_workspace(folder, WorkspaceConfig(), report)
    cfg = read_config(folder, report)
    ws = _empty_workspace(folder, cfg, report)
    raws: dict[str, RawLayer] = {}
    for name, layer in LAYERS.items():
        file = find_layer_file(folder, name, cfg, report)
        if file is None:
            if layer.required and not any(p.code == "missing_file" for p in report.problems):
                report.error(
                    "missing_layer", f"{name}.*",
                    f"Thiếu lớp bắt buộc “{name}” ({layer.label}) / Required layer “{name}” is missing",
                    f"Thêm tệp {name}.gpkg, {name}.shp (.zip) hoặc {name}.geojson vào thư mục, hoặc "
                    f"khai báo [layers.{name}] file = … trong workspace.toml / Add {name}.gpkg, .shp or "
                    ".geojson, or name the file in workspace.toml.",
                )
            continue
        ws.present.add(name)
        ws.files[name] = file.name
        raw = read_layer(file, name, cfg, report, spatial_required=name in SPATIAL_LAYERS)
        if raw is not None:
            raws[name] = raw
    if "hamlets" not in raws or "parcels" not in raws:
        return ws
    ws.crs = _working_crs(raws["parcels"].frame, raws["hamlets"].frame)
    for name, raw in raws.items():
        frame = _canonical_layer(LAYERS[name], raw, cfg, report, ws.crs)
        if frame is not None:
            setattr(ws, name, frame)
    _derive_parcels(ws)
    _check_unique(ws)
    _place(ws)
    _cross_checks(ws)
    return ws


# --------------------------------------------------------------------------- pieces


def _empty_frame(layer: Layer, spatial: bool, crs=None) -> pd.DataFrame:
    cols = {c.name: empty_column(c, pd.RangeIndex(0)) for c in layer.columns}
    cols["row"] = pd.Series(dtype="int64")
    if spatial:
        return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=crs), crs=crs)
    return pd.DataFrame(cols)


def _empty_workspace(folder: Path, cfg: WorkspaceConfig, report: Report) -> Workspace:
    ws = Workspace(folder, cfg, report)
    for name, layer in LAYERS.items():
        spatial = name in ("hamlets", "parcels", "projects", "grievances")
        setattr(ws, name, _empty_frame(layer, spatial))
    ws.households["hamlet_id"] = pd.Series(dtype="object")
    ws.households["parcel_area_m2"] = pd.Series(dtype="float64")
    ws.parcels["area_declared_m2"] = pd.Series(dtype="float64")
    return ws


def _working_crs(parcels: gpd.GeoDataFrame, hamlets: gpd.GeoDataFrame) -> pyproj.CRS:
    for frame in (parcels, hamlets):
        crs = frame.crs
        if crs is not None and crs.is_projected and _is_metre(crs):
            return crs
    bounds = None
    if len(parcels) and parcels.crs is not None:
        try:
            bounds = tuple(parcels.to_crs(WGS84).total_bounds)
        except Exception:  # noqa: BLE001 — bounds are only a hint
            bounds = None
    return crsmod.metric_crs(parcels.crs or pyproj.CRS(WGS84), bounds)


def _is_metre(crs: pyproj.CRS) -> bool:
    try:
        return all(a.unit_name in ("metre", "meter") for a in crs.axis_info[:2])
    except Exception:  # noqa: BLE001
        return False


def _canonical_layer(layer: Layer, raw: RawLayer, cfg: WorkspaceConfig, report: Report, crs):
    frame = raw.frame
    offset, kind = (1, "feature") if raw.spatial else (2, "row")
    canon = canonicalize(layer, frame, raw.file, report, cfg.layer(layer.name).columns, offset, kind)
    canon["row"] = np.arange(len(canon)) + offset
    if raw.spatial:
        geom = gpd.GeoSeries(frame.geometry.to_numpy(), crs=frame.crs)
        try:
            geom = geom.to_crs(crs)
        except Exception as exc:  # noqa: BLE001
            report.error("bad_crs", raw.file,
                         f"Không chuyển được hệ tọa độ: {exc} / Cannot transform coordinates",
                         "Kiểm tra hệ tọa độ của tệp / Check the file's CRS.")
            return None
        canon = gpd.GeoDataFrame(canon.drop(columns="geometry", errors="ignore"),
                                 geometry=geom.to_numpy(), crs=crs)
        if layer.geometry == "polygon":
            canon = _check_polygons(canon, raw.file, report)
    elif layer.geometry != "none" or layer.name == "grievances":
        canon = gpd.GeoDataFrame(canon, geometry=gpd.GeoSeries([None] * len(canon), crs=crs), crs=crs)
    if layer.name == "grievances":
        canon = _grievance_points(canon, raw.file, report, crs)
    return canon


def _check_polygons(gdf: gpd.GeoDataFrame, file: str, report: Report) -> gpd.GeoDataFrame:
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        report.error(
            "no_geometry", file,
            "Đối tượng không có hình / Feature has no geometry",
            "Vẽ lại hình cho đối tượng hoặc xóa đối tượng thừa / Draw its geometry or delete it.",
            rows=(np.flatnonzero(missing) + 1).tolist(), row_kind="feature",
        )
    type_ids = shapely.get_type_id(geoms)
    polygonal = np.isin(type_ids, (3, 6))  # Polygon, MultiPolygon
    wrong = ~polygonal & ~missing
    if wrong.any():
        report.error(
            "not_polygon", file,
            "Đối tượng không phải vùng (polygon) / Feature is not a polygon",
            "Lớp này cần vùng khép kín; kiểm tra đúng tệp chưa / This layer needs polygons; "
            "check it is the right file.",
            rows=(np.flatnonzero(wrong) + 1).tolist(), row_kind="feature",
        )
    invalid = polygonal & ~shapely.is_valid(geoms)
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms = geoms.copy()
        geoms[invalid] = fixed
        report.warning(
            "invalid_geometry", file,
            f"{int(invalid.sum())} vùng không hợp lệ (tự cắt, lồng nhau) đã được sửa bằng make_valid / "
            f"{int(invalid.sum())} invalid polygons (self-intersecting, nested) were repaired with make_valid",
            "Kiểm tra và sửa hình trong phần mềm địa chính khi tiện / Check and fix these shapes in "
            "the cadastral software when convenient.",
            rows=(np.flatnonzero(invalid) + 1).tolist(), row_kind="feature",
        )
        gdf = gdf.copy()
        gdf.geometry = gpd.GeoSeries(geoms, crs=gdf.crs, index=gdf.index)
    return gdf


def _grievance_points(g: gpd.GeoDataFrame, file: str, report: Report, crs) -> gpd.GeoDataFrame:
    lon = pd.to_numeric(g["lon"], errors="coerce")
    lat = pd.to_numeric(g["lat"], errors="coerce")
    has = lon.notna() & lat.notna()
    outside = has & ~(lon.between(-180, 180) & lat.between(-90, 90))
    if outside.any():
        report.warning(
            "bad_point", file,
            "Kinh độ/vĩ độ ngoài phạm vi (có thể đảo cột hoặc ghi tọa độ VN-2000) — bỏ qua điểm này / "
            "Longitude/latitude out of range (swapped, or VN-2000 metres?) — point ignored",
            "Ghi kinh độ, vĩ độ WGS 84 bằng độ thập phân (106.38, 21.50) / Write WGS 84 decimal degrees.",
            rows=g.loc[outside, "row"].tolist(),
        )
        has &= ~outside
    if has.any():
        pts = gpd.GeoSeries(gpd.points_from_xy(lon[has], lat[has]), crs=WGS84, index=g.index[has]).to_crs(crs)
        geom = gpd.GeoSeries([None] * len(g), crs=crs, index=g.index)
        geom[has] = pts
        g = g.copy()
        g.geometry = geom
    return g


def _derive_parcels(ws: Workspace) -> None:
    p = ws.parcels
    derived = parcel_key(p["map_sheet"], p["parcel_no"], p["commune_code"])
    p["parcel_id_derived"] = p["parcel_id"].isna()
    p["parcel_id"] = p["parcel_id"].astype(object).where(p["parcel_id"].notna(), derived)
    measured = p.geometry.area if len(p) else pd.Series(dtype="float64")
    p["area_declared_m2"] = p["area_m2"].astype("float64")
    p["area_m2"] = p["area_declared_m2"].fillna(pd.Series(np.asarray(measured, dtype="float64"), index=p.index))
    ws.parcels = p


def _check_unique(ws: Workspace) -> None:
    checks = (
        ("hamlets", "hamlet_id", "feature"),
        ("parcels", "parcel_id", "feature"),
        ("projects", "project_id", None),
        ("grievances", "grievance_id", "row"),
    )
    for name, column, kind in checks:
        frame = getattr(ws, name)
        if name not in ws.files or column not in frame:
            continue
        values = frame[column]
        dup = values.notna() & values.duplicated(keep=False)
        if not dup.any():
            continue
        examples = ", ".join(pd.unique(values[dup].astype(str))[:5])
        derived = name == "parcels" and bool(frame.loc[dup, "parcel_id_derived"].any())
        what = (
            "Mã thửa (ghép từ mã xã, số tờ, số thửa) bị trùng / Derived parcel id "
            "(commune code-sheet-parcel) is not unique" if derived
            else f"Mã “{column}” bị trùng / Duplicate “{column}”"
        )
        fix = (
            "Thêm cột mã xã (ma_xa) nếu dữ liệu gồm nhiều xã cũ, hoặc sửa số tờ/số thửa trùng / "
            "Add a commune_code column where sheets repeat across former communes, or fix the "
            "duplicated numbers." if derived
            else "Mỗi mã chỉ được xuất hiện một lần; sửa hoặc xóa dòng trùng / Each id must appear "
                 "once; correct or delete the duplicate rows."
        )
        report_kind = kind or ("feature" if isinstance(frame, gpd.GeoDataFrame) and name != "projects" else "row")
        ws.report.error(
            "duplicate_id", ws.files[name], f"{what}: {examples}", fix,
            rows=frame.loc[dup, "row"].tolist() if "row" in frame else [],
            row_kind=report_kind,
        )


def _place(ws: Workspace) -> None:
    p = ws.parcels
    if not len(p) or not len(ws.hamlets):
        return
    known = set(ws.hamlets["hamlet_id"].dropna())
    named = p["hamlet_id"].where(p["hamlet_id"].isin(known))
    bad_named = p["hamlet_id"].notna() & named.isna()
    if bad_named.any():
        ws.report.warning(
            "unknown_hamlet", ws.files["parcels"],
            "Mã thôn của thửa không có trong lớp thôn — xếp thôn theo vị trí / The parcel names a "
            "hamlet that is not in the hamlets layer — placed by location instead",
            "Sửa mã thôn cho khớp lớp thôn / Correct the hamlet id to one in the hamlets layer.",
            rows=p.loc[bad_named, "row"].tolist(), row_kind="feature",
        )
    need = named.isna()
    if need.any():
        spatial = parcels_to_hamlets(p[need], ws.hamlets)
        named = named.astype(object)
        named[need] = spatial
    p["hamlet_id"] = named
    outside = p["hamlet_id"].isna()
    if outside.any():
        ws.report.warning(
            "parcel_outside_hamlets", ws.files["parcels"],
            "Thửa đất nằm ngoài mọi thôn — không được tính vào thôn nào / Parcel lies outside every "
            "hamlet — counted in no hamlet",
            "Kiểm tra ranh giới thôn và hệ tọa độ của hai lớp / Check the hamlet boundaries and "
            "both layers' CRS.",
            rows=p.loc[outside, "row"].tolist(), row_kind="feature",
        )
    if len(ws.households):
        ws.households = households_to_parcels(ws.households, p, ws.files.get("households", "households"),
                                              ws.report)
    if len(ws.grievances):
        g = ws.grievances
        pts = g.geometry if g.geometry.notna().any() else None
        g["hamlet_id"] = place_grievances(g, ws.households, ws.hamlets, pts)
        unplaced = g["hamlet_id"].isna()
        if unplaced.any():
            ws.report.warning(
                "unplaced_grievance", ws.files["grievances"],
                "Đơn thư không xác định được thôn (không có mã thôn, mã hộ hay tọa độ khớp) — không "
                "tính vào thôn nào / Grievance cannot be placed in a hamlet — counted in no hamlet",
                "Ghi mã thôn (ma_thon), mã hộ (ma_ho) hoặc kinh độ/vĩ độ / Give a hamlet id, household "
                "id or a point.",
                rows=g.loc[unplaced, "row"].tolist(),
            )


def _cross_checks(ws: Workspace) -> None:
    if "projects" in ws.files and len(ws.projects) and len(ws.households):
        known = set(ws.projects["project_id"].dropna())
        unknown = ws.households["project_id"].notna() & ~ws.households["project_id"].isin(known)
        if unknown.any():
            examples = ", ".join(pd.unique(ws.households.loc[unknown, "project_id"].astype(str))[:5])
            ws.report.warning(
                "unknown_project", ws.files["households"],
                f"Mã dự án không có trong lớp dự án: {examples} / Project not in the projects layer: {examples}",
                "Sửa mã dự án hoặc bổ sung dự án vào lớp dự án / Correct the id or add the project.",
                rows=ws.households.loc[unknown, "row"].tolist(),
            )
    if "field_reports" in ws.files and len(ws.field_reports):
        known = set(ws.hamlets["hamlet_id"].dropna())
        fr = ws.field_reports
        unknown = fr["hamlet_id"].notna() & ~fr["hamlet_id"].isin(known)
        if unknown.any():
            ws.report.warning(
                "unknown_hamlet", ws.files["field_reports"],
                "Báo cáo ghi mã thôn không có trong lớp thôn — bỏ qua / Report names an unknown hamlet — ignored",
                "Sửa mã thôn cho khớp lớp thôn / Use a hamlet id from the hamlets layer.",
                rows=fr.loc[unknown, "row"].tolist(),
            )
    sh = ws.stage_history
    if "stage_history" in ws.files and len(sh) and len(ws.households):
        hh = ws.households
        pairs = pd.MultiIndex.from_frame(sh[["household_id", "project_id"]])
        missing = ~pd.MultiIndex.from_frame(hh[["household_id", "project_id"]]).isin(pairs)
        if missing.any():
            ws.report.warning(
                "no_history", ws.files["households"],
                "Hộ không có dòng nào trong lịch sử các bước — dùng bước và ngày ghi ở danh sách hộ / "
                "Household has no stage history — its own stage and date are used",
                "Bổ sung lịch sử các bước cho các hộ này / Add their stage history.",
                rows=hh.loc[missing, "row"].tolist(),
            )
