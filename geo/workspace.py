"""The Workspace: every layer read, checked, placed — and its validation report.

Two steps: a :class:`~geo.source.Source` reads the raw layers (a folder today,
a store next), and :func:`assemble` builds the Workspace from them — canonical
columns, one working CRS, joins, checks, report — without touching a file.
:func:`load_workspace` is the convenience entry from a folder. Neither raises
for bad input: every problem lands in ``Workspace.report``; callers that need
a clean workspace check ``ws.report.ok`` (or call :meth:`Workspace.require_ok`).

Geometry is kept in one metric CRS for the whole workspace (the parcels' own
where it is metric), so areas are in m² and joins line up; the map converts
to WGS 84 itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from . import crs as crsmod
from .canonical import canonicalize, check_canonical, empty_column, headers_found, match_columns
from .config import WorkspaceConfig
from .formatting import today_in_vietnam
from .halves import joined
from .io import RawLayer
from .joins import (
    households_to_parcels,
    parcel_key,
    parcels_to_hamlets,
    place_grievances,
)
from .problems import Report, RowKind, WorkspaceError
from .schema import LAYERS, Layer
from .source import FolderSource, RawLayers, SourceInfo, is_store
from .source import guard as _guard

WGS84 = "EPSG:4326"


@dataclass
class Workspace:
    """A commune workspace, read and joined, with its validation report.

    Attributes
    ----------
    source : SourceInfo
        Where the layers came from: kind, display name, location, and the
        file or table of each layer found.
    config : WorkspaceConfig
        ``workspace.toml`` with defaults.
    report : Report
        Every problem found while reading and joining.
    crs : pyproj.CRS or None
        The metric CRS every geometry is in (None where no layer has a usable CRS).
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
        The layers that were found in the source.
    grievance_steps : DataFrame
        The optional steps of each grievance's handling (canonical columns; empty where absent).

    Every layer is a frame: an absent or unreadable layer is an empty frame
    with the canonical columns.
    """

    source: SourceInfo
    config: WorkspaceConfig
    report: Report
    crs: pyproj.CRS | None
    hamlets: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    households: pd.DataFrame
    stage_history: pd.DataFrame
    grievances: gpd.GeoDataFrame
    field_reports: pd.DataFrame
    present: set[str] = field(default_factory=set)
    grievance_steps: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def name(self) -> str:
        """The commune's name for titles (``workspace.toml``, else the source's name: the folder's)."""
        return self.config.name or self.source.name

    def default_as_of(self) -> date:
        """``[workspace] as_of`` from ``workspace.toml``, else today."""
        return self.config.as_of or today_in_vietnam()

    def require_ok(self) -> Workspace:
        """Return ``self``, or raise :class:`WorkspaceError` if there are errors."""
        if not self.report.ok:
            raise WorkspaceError(self.report)
        return self


def load_workspace(
    path: str | Path, at: int | None = None, *, fast_read: bool = False, keep: bool = False
) -> Workspace:
    """Read, check and join a workspace folder or a store: ``assemble(source.read())``.

    ``path`` is a folder (:class:`~geo.source.FolderSource`) or a store — a ``.gpkg`` file or a
    ``postgresql://`` URL (:class:`~geo.store.source.StoreSource`), read as it is now or, with
    ``at``, right after that changeset. ``ws.source`` says which (kind, path or URL, changeset).

    Every problem of the workspace is found in one run: a layer that cannot
    be used (a parcels file without ``.prj``, a missing required column)
    does not stop the checks of the others. A check that would only repeat
    an earlier error on every row (800 "no history" warnings after a missing
    ``project_id`` column) is skipped and named once (``check_skipped``).
    Nothing raises: a failure nobody foresaw becomes an ``internal`` problem
    naming the file being read.

    Parameters
    ----------
    path : str or Path
        The folder holding ``hamlets``, ``parcels`` and the optional layers
        (see ``docs/data-contract.md``), or a store (``.gpkg`` path, ``postgresql://`` URL).
    at : int, optional
        For a store: the changeset whose state to read (default: now). A folder has no history:
        ``at`` with a folder is an error in the report.
    fast_read : bool
        For a GeoPackage store read as it is now: each layer read whole by GDAL, 2–5× faster, outside
        SQLite's transactions and checked against the store's latest changeset (see
        :meth:`geo.store.Store.layers`). Only where this process writes nothing to the store
        meanwhile, in no other thread either: two copies of SQLite in one process do not see each
        other's locks. The command line's reading commands use it.
    keep : bool
        For a store read as it is now: the workspace assembled is kept in the store with its latest
        changeset (:mod:`geo.store.kept`, a cache table), and the next reader of the same changeset
        reads it instead of assembling it again. Every store read as it is now uses what was kept;
        only ``keep`` writes it. The command line's reading commands keep.

    Returns
    -------
    Workspace
        Always; ``ws.report`` lists the problems. Layers that could not be
        read are empty frames with the canonical columns; a spatial layer
        without a usable CRS keeps its attributes and its geometry as read,
        without a CRS.

    Example
    -------
    >>> import geo
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> ws.report.ok, len(ws.hamlets)  # doctest: +SKIP
    (True, 10)
    >>> geo.load_workspace("hoson.gpkg", at=3).source.changeset  # doctest: +SKIP
    3
    """
    if is_store(path):
        from .store.source import StoreSource  # the store's packages load only for a store

        return StoreSource(path, at=at, fast_read=fast_read).workspace(keep=keep)
    raw = FolderSource(path).read()
    if at is not None:
        raw.report.error(
            "not_a_store",
            str(path),
            f"Thư mục không có lịch sử thay đổi, không xem được “--at {at}” / A folder has no history: "
            f"“--at {at}” needs a store",
            "Bỏ --at, hoặc tạo kho: python -m geo store create KHO.gpkg --from THƯ_MỤC --user TÊN / Drop --at, "
            "or make a store: python -m geo store create STORE.gpkg --from FOLDER --user NAME.",
        )
    return assemble(raw)


def assemble(raw: RawLayers, config: WorkspaceConfig | None = None) -> Workspace:
    """Build the Workspace from raw layers: canonical columns, working CRS, joins, checks, report.

    Pure: reads no file and changes nothing it is given. The reading problems
    of ``raw.report`` come first in the Workspace's report, then those of
    assembly. Layers marked ``canonical`` (a store's) are not mapped again:
    absent columns are filled, geometry is brought into the working CRS and
    every check runs as for a folder.

    Parameters
    ----------
    raw : RawLayers
        What a :class:`~geo.source.Source` read.
    config : WorkspaceConfig, optional
        The settings; ``raw.config`` where not given.

    Returns
    -------
    Workspace

    Example
    -------
    >>> from geo.source import MemorySource
    >>> ws = assemble(MemorySource({"hamlets": hamlets, "parcels": parcels}).read())  # doctest: +SKIP
    """
    cfg = raw.config if config is None else config
    report = Report()
    report.extend(raw.report)
    state = _Loading(files=dict(raw.source.files))
    frames = _empty_frames()
    crs = None
    raws = {n: raw.layers[n] for n in LAYERS if n in raw.layers}
    with _guard(report, state.file("parcels"), ("chọn hệ tọa độ", "choosing the CRS")):
        crs = _working_crs(raws)
    for name, layer in raws.items():
        with _guard(report, layer.file, ("kiểm tra các cột", "checking the columns")):
            if not layer.canonical:
                layer = replace(layer, frame=_unique_headers(layer.frame, layer.file, report))
            frame, located = _canonical_layer(LAYERS[name], layer, cfg, report, crs)
            found = _columns_found(LAYERS[name], layer, cfg)
            frames[name] = frame
            state.found[name] = found
            state.raws[name] = layer  # a layer whose columns cannot be read counts as unread
            if layer.sheets is not None and not layer.canonical and len(layer.sheets) == len(frame):
                state.sheets[name] = np.asarray(layer.sheets, dtype=object)
            if located:
                state.located.add(name)
    for step, layer_name, doing in (
        (_derive_parcels, "parcels", ("tính mã và diện tích thửa", "deriving parcel ids and areas")),
        (_check_unique, "parcels", ("kiểm tra mã trùng", "checking unique ids")),
        (_place, "households", ("xếp thửa, hộ, đơn thư vào thôn", "placing parcels, households, grievances")),
        (_cross_checks, "households", ("đối chiếu các lớp", "cross-checking the layers")),
    ):
        with _guard(report, state.file(layer_name), doing):
            updated, found_problems = step(frames, state)
            frames.update(updated)
            report.extend(found_problems)
    return Workspace(raw.source, cfg, report, crs, present=set(state.files), **frames)


# --------------------------------------------------------------------------- pieces


@dataclass
class _Loading:
    """What reading found, for the checks that depend on it."""

    files: dict[str, str] = field(default_factory=dict)  # layers found → their file or table
    raws: dict[str, RawLayer] = field(default_factory=dict)  # layers read whose columns could be mapped
    found: dict[str, set[str]] = field(default_factory=dict)  # canonical columns found per layer
    located: set[str] = field(default_factory=set)  # layers whose geometry is in the working CRS
    linked: bool = False  # household rows were matched to parcels
    sheets: dict[str, np.ndarray] = field(default_factory=dict)  # a workbook's sheet of each row, by layer

    def sheets_of(self, layer: str, mask: object) -> list[str | None] | None:
        """The sheet of each row where ``mask`` holds (rows in the layer's order), for a problem naming
        "file, sheet, rows"; None where the layer is no workbook of several sheets."""
        sheets = self.sheets.get(layer)
        return None if sheets is None else sheets[np.asarray(mask, dtype=bool)].tolist()

    def has(self, layer: str, *columns: str) -> bool:
        """The layer was read and has every one of ``columns``."""
        return layer in self.raws and set(columns) <= self.found.get(layer, set())

    def file(self, layer: str) -> str:
        """The layer's file (or table), or ``"layer.*"`` where none was found."""
        return self.files.get(layer, f"{layer}.*")


Frames = dict[str, pd.DataFrame]


def _empty_frame(layer: Layer, spatial: bool, crs: pyproj.CRS | None = None) -> pd.DataFrame:
    cols = {c.name: empty_column(c, pd.RangeIndex(0)) for c in layer.columns}
    cols["row"] = pd.Series(dtype="int64")
    if spatial:
        return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=crs), crs=crs)
    return pd.DataFrame(cols)


def _empty_frames() -> Frames:
    """Every layer as an empty frame with its canonical columns (and the columns the joins add)."""
    frames = {
        name: _empty_frame(layer, name in ("hamlets", "parcels", "projects", "grievances"))
        for name, layer in LAYERS.items()
    }
    frames["households"]["hamlet_id"] = pd.Series(dtype="object")
    frames["households"]["parcel_area_m2"] = pd.Series(dtype="float64")
    frames["parcels"]["area_declared_m2"] = pd.Series(dtype="float64")
    return frames


def _empty_workspace(source: SourceInfo, cfg: WorkspaceConfig, report: Report) -> Workspace:
    """A Workspace with every layer empty (tests build on it)."""
    return Workspace(source, cfg, report, None, **_empty_frames())


def _working_crs(raws: dict[str, RawLayer]) -> pyproj.CRS | None:
    """The parcels' CRS where metric, else the hamlets', else a metric CRS around the data; None without any."""
    frames = [
        raws[n].frame
        for n in ("parcels", "hamlets", "projects")
        if n in raws and raws[n].spatial and raws[n].georeferenced
    ]
    for frame in frames[:2]:
        crs = frame.crs
        if isinstance(crs, pyproj.CRS) and crs.is_projected and _is_metre(crs):
            return crs
    if not frames:
        return None
    base = frames[0]
    bounds = None
    if len(base) and base.crs is not None:
        try:
            bounds = tuple(base.to_crs(WGS84).total_bounds)
        except Exception:  # noqa: BLE001 — bounds are only a hint
            bounds = None
    return crsmod.metric_crs(base.crs or pyproj.CRS(WGS84), bounds)


def _is_metre(crs: pyproj.CRS) -> bool:
    try:
        return all(a.unit_name in ("metre", "meter") for a in crs.axis_info[:2])
    except Exception:  # noqa: BLE001
        return False


def _unique_headers(frame: pd.DataFrame, file: str, report: Report) -> pd.DataFrame:
    """A header that appears twice (two “Mã hộ” columns in a workbook) is an error; the first one is used."""
    names = [str(c) for c in frame.columns]
    seen: dict[str, int] = {}
    renamed = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        renamed.append(name if seen[name] == 1 or name == "geometry" else f"{name} ({seen[name]})")
    twice = [n for n, k in seen.items() if k > 1 and n != "geometry"]
    if not twice:
        return frame
    shown = ", ".join(f"“{n}”" for n in twice)
    report.error(
        "duplicate_column",
        file,
        f"Tên cột bị lặp: {shown} — chỉ cột đầu tiên được dùng / Column name used twice: {shown} — only the "
        "first is read",
        "Đổi tên hoặc xóa cột thừa để mỗi tên cột chỉ có một lần / Rename or delete the extra column so each "
        "header appears once.",
    )
    frame = frame.copy()
    frame.columns = [c if c == "geometry" else r for c, r in zip(frame.columns, renamed)]
    return frame


def _columns_found(layer: Layer, raw: RawLayer, cfg: WorkspaceConfig) -> set[str]:
    """The canonical columns the raw layer has (by header, alias or ``workspace.toml`` mapping)."""
    headers = [str(c) for c in raw.frame.columns if c != "geometry"]
    if raw.canonical:
        return {c.name for c in layer.columns} & set(headers)
    return set(match_columns(layer, headers, cfg.layer(layer.name).columns))


def _canonical_layer(
    layer: Layer, raw: RawLayer, cfg: WorkspaceConfig, report: Report, crs: pyproj.CRS | None
) -> tuple[pd.DataFrame, bool]:
    """The layer's canonical frame, and whether its geometry is in ``crs`` (False: kept as read, no CRS)."""
    frame = raw.frame
    offset, kind = (1, "feature") if raw.spatial else (2, "row")
    if raw.canonical:  # a store's layer: the columns are the contract's already; fill the absent ones
        index = pd.RangeIndex(len(frame))
        canon = pd.DataFrame(
            {
                c.name: (
                    pd.Series(frame[c.name].to_numpy(), index=index, dtype=frame[c.name].dtype)
                    if c.name in frame
                    else empty_column(c, index)
                )
                for c in layer.columns
            },
            index=index,
        )
        canon["row"] = frame["row"].to_numpy() if "row" in frame else np.arange(len(canon)) + offset
        check_canonical(layer, canon, raw.file, report, canon["row"].to_numpy())
    else:
        canon = _canonical_sheets(layer, raw, cfg, report, offset, kind)
        canon["row"] = np.asarray(raw.rows, dtype="int64") if raw.rows is not None else np.arange(len(canon)) + offset
    located = crs is not None
    if raw.spatial:
        geom = gpd.GeoSeries(frame.geometry.to_numpy(), crs=frame.crs if raw.georeferenced else None)
        located = located and raw.georeferenced
        if located:
            try:
                geom = geom.to_crs(crs)
            except Exception as exc:  # noqa: BLE001
                report.error(
                    "bad_crs",
                    raw.file,
                    f"Không chuyển được hệ tọa độ: {exc} / Cannot transform coordinates",
                    "Kiểm tra hệ tọa độ của tệp / Check the file's CRS.",
                )
                located = False
        if not located:
            geom = gpd.GeoSeries(geom.to_numpy(), crs=None)
        out_crs = crs if located else None
        canon = gpd.GeoDataFrame(canon.drop(columns="geometry", errors="ignore"), geometry=geom.to_numpy(), crs=out_crs)
        if layer.geometry == "polygon":
            canon = _check_polygons(canon, raw.file, report)
    elif layer.geometry != "none" or layer.name == "grievances":
        canon = gpd.GeoDataFrame(canon, geometry=gpd.GeoSeries([None] * len(canon), crs=crs), crs=crs)
    if layer.name == "grievances" and crs is not None:
        canon = _grievance_points(canon, raw.file, report, crs, raw.sheets if not raw.canonical else None)
    return canon, located


def _canonical_sheets(
    layer: Layer, raw: RawLayer, cfg: WorkspaceConfig, report: Report, offset: int, kind: str
) -> pd.DataFrame:
    """``canonicalize`` the raw layer; a workbook of several sheets sheet by sheet, each problem naming its
    file, its sheet and the sheet's own rows (:attr:`geo.problems.Problem.sheet`). The rows keep their order."""
    columns = cfg.layer(layer.name).columns
    sheets = raw.sheets
    if raw.rows is None or sheets is None:
        return canonicalize(layer, raw.frame, raw.file, report, columns, offset, kind, raw.rows)
    parts, positions = [], []
    for name in pd.unique(pd.Series(sheets, dtype=object)):
        mask = np.asarray(sheets == name)
        part = raw.frame.loc[mask].reset_index(drop=True)
        found = Report()
        parts.append(canonicalize(layer, part, raw.file, found, columns, offset, kind, np.asarray(raw.rows)[mask]))
        report.extend([replace(p, sheet=str(name)) for p in found.problems])
        positions.append(np.flatnonzero(mask))
    order = np.argsort(np.concatenate(positions), kind="stable")
    return pd.concat(parts, ignore_index=True).iloc[order].reset_index(drop=True)


def _check_polygons(gdf: gpd.GeoDataFrame, file: str, report: Report) -> gpd.GeoDataFrame:
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        report.error(
            "no_geometry",
            file,
            "Đối tượng không có hình / Feature has no geometry",
            "Vẽ lại hình cho đối tượng hoặc xóa đối tượng thừa / Draw its geometry or delete it.",
            rows=(np.flatnonzero(missing) + 1).tolist(),
            row_kind="feature",
        )
    type_ids = shapely.get_type_id(geoms)
    polygonal = np.isin(type_ids, (3, 6))  # Polygon, MultiPolygon
    wrong = ~polygonal & ~missing
    if wrong.any():
        report.error(
            "not_polygon",
            file,
            "Đối tượng không phải vùng (polygon) / Feature is not a polygon",
            "Lớp này cần vùng khép kín; kiểm tra đúng tệp chưa / This layer needs polygons; "
            "check it is the right file.",
            rows=(np.flatnonzero(wrong) + 1).tolist(),
            row_kind="feature",
        )
    invalid = polygonal & ~joined(shapely.is_valid, geoms)  # both cores: 0.22 -> 0.11 s on a province
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms = geoms.copy()
        geoms[invalid] = fixed
        report.warning(
            "invalid_geometry",
            file,
            f"{int(invalid.sum())} vùng không hợp lệ (tự cắt, lồng nhau) đã được sửa bằng make_valid / "
            f"{int(invalid.sum())} invalid polygons (self-intersecting, nested) were repaired with make_valid",
            "Kiểm tra và sửa hình trong phần mềm địa chính khi tiện / Check and fix these shapes in "
            "the cadastral software when convenient.",
            rows=(np.flatnonzero(invalid) + 1).tolist(),
            row_kind="feature",
        )
        gdf = gdf.copy()
        gdf.geometry = gpd.GeoSeries(geoms, crs=gdf.crs, index=gdf.index)
    return gdf


def _grievance_points(
    g: gpd.GeoDataFrame, file: str, report: Report, crs: pyproj.CRS, sheets: np.ndarray | None = None
) -> gpd.GeoDataFrame:
    lon = pd.to_numeric(g["lon"], errors="coerce")
    lat = pd.to_numeric(g["lat"], errors="coerce")
    has = lon.notna() & lat.notna()
    outside = has & ~(lon.between(-180, 180) & lat.between(-90, 90))
    if outside.any():
        report.warning(
            "bad_point",
            file,
            "Kinh độ/vĩ độ ngoài phạm vi (có thể đảo cột hoặc ghi tọa độ VN-2000) — bỏ qua điểm này / "
            "Longitude/latitude out of range (swapped, or VN-2000 metres?) — point ignored",
            "Ghi kinh độ, vĩ độ WGS 84 bằng độ thập phân (106.38, 21.50) / Write WGS 84 decimal degrees.",
            rows=g.loc[outside, "row"].tolist(),
            sheets=None if sheets is None or len(sheets) != len(g) else list(np.asarray(sheets)[outside.to_numpy()]),
        )
        has &= ~outside
    if has.any():
        pts = gpd.GeoSeries(gpd.points_from_xy(lon[has], lat[has]), crs=WGS84, index=g.index[has]).to_crs(crs)
        geom = gpd.GeoSeries([None] * len(g), crs=crs, index=g.index)
        geom[has] = pts
        g = g.copy()
        g.geometry = geom
    return g


def _derive_parcels(frames: Frames, state: _Loading) -> tuple[Frames, Report]:
    """Parcel ids from sheet and number where blank; areas measured where not declared."""
    p = frames["parcels"].copy()
    derived = parcel_key(p["map_sheet"], p["parcel_no"], p["commune_code"])
    p["parcel_id_derived"] = p["parcel_id"].isna()
    p["parcel_id"] = p["parcel_id"].astype(object).where(p["parcel_id"].notna(), derived)
    # areas are measured in the metric working CRS only: without a usable CRS they stay unknown
    measured = p.geometry.area if len(p) and "parcels" in state.located else np.full(len(p), np.nan)
    p["area_declared_m2"] = p["area_m2"].astype("float64")
    p["area_m2"] = p["area_declared_m2"].fillna(pd.Series(np.asarray(measured, dtype="float64"), index=p.index))
    return {"parcels": p}, Report()


def _check_unique(frames: Frames, state: _Loading) -> tuple[Frames, Report]:
    """``duplicate_id`` for an id that appears twice in a layer."""
    report = Report()
    checks: tuple[tuple[str, str, RowKind | None], ...] = (
        ("hamlets", "hamlet_id", "feature"),
        ("parcels", "parcel_id", "feature"),
        ("projects", "project_id", None),
        ("grievances", "grievance_id", "row"),
    )
    for name, column, kind in checks:
        frame = frames[name]
        if name not in state.files or column not in frame:
            continue
        values = frame[column]
        dup = values.notna() & values.duplicated(keep=False)
        if not dup.any():
            continue
        examples = ", ".join(pd.unique(values[dup].astype(str))[:5])
        derived = name == "parcels" and bool(frame.loc[dup, "parcel_id_derived"].any())
        what = (
            "Mã thửa (ghép từ mã xã, số tờ, số thửa) bị trùng / Derived parcel id "
            "(commune code-sheet-parcel) is not unique"
            if derived
            else f"Mã “{column}” bị trùng / Duplicate “{column}”"
        )
        fix = (
            "Thêm cột mã xã (ma_xa) nếu dữ liệu gồm nhiều xã cũ, hoặc sửa số tờ/số thửa trùng / "
            "Add a commune_code column where sheets repeat across former communes, or fix the "
            "duplicated numbers."
            if derived
            else "Mỗi mã chỉ được xuất hiện một lần; sửa hoặc xóa dòng trùng / Each id must appear "
            "once; correct or delete the duplicate rows."
        )
        spatial = isinstance(frame, gpd.GeoDataFrame) and name != "projects"
        report_kind: RowKind = kind or ("feature" if spatial else "row")
        report.error(
            "duplicate_id",
            state.files[name],
            f"{what}: {examples}",
            fix,
            rows=frame.loc[dup, "row"].tolist() if "row" in frame else [],
            sheets=state.sheets_of(name, dup) if "row" in frame else None,
            row_kind=report_kind,
        )
    return {}, report


_UNREAD = {
    "parcels": (
        "lớp thửa đất không dùng được (xem lỗi trên)",
        "the parcels layer cannot be used (see the error above)",
    ),
    "hamlets": ("lớp thôn không dùng được (xem lỗi trên)", "the hamlets layer cannot be used (see the error above)"),
}


def _because_missing(state: _Loading, layer: str, columns: tuple[str, ...]) -> str:
    """``"… / …"``: why a check that needs ``columns`` of ``layer`` cannot run."""
    file = state.file(layer)
    if layer not in state.raws:
        if layer in _UNREAD and layer not in state.files:
            return " / ".join(_UNREAD[layer])
        return f"không đọc được {file} (xem lỗi trên) / {file} cannot be read (see the error above)"
    names = ", ".join(c for c in columns if c not in state.found.get(layer, set()))
    return f"{file} thiếu cột {names} (xem lỗi trên) / {file} lacks the column {names} (see the error above)"


def _because_no_crs(state: _Loading, layer: str) -> str:
    """``"… / …"``: why a check that places things by location cannot run (``layer`` has no usable CRS)."""
    file = state.file(layer)
    return f"{file} không có hệ tọa độ dùng được (xem lỗi trên) / {file} has no usable CRS (see the error above)"


def _place(frames: Frames, state: _Loading) -> tuple[Frames, Report]:
    """Each parcel, household and grievance in its hamlet: new frames, and the problems met."""
    p = frames["parcels"].copy()
    hamlets = frames["hamlets"]
    report = Report()
    hamlets_ok = state.has("hamlets", "hamlet_id")
    spatial_ok = {"parcels", "hamlets"} <= state.located
    parcels_file = state.file("parcels")
    if state.has("parcels") and len(p):
        if hamlets_ok:
            known = set(hamlets["hamlet_id"].dropna())
            given = p["hamlet_id"].notna()
            in_layer = pd.Series(False, index=p.index)
            if given.any():  # only the ids given are looked up (a province's 300,000 blank cells cost 0.1 s)
                in_layer[given] = p.loc[given, "hamlet_id"].isin(known)
            named = p["hamlet_id"].where(in_layer)
            bad_named = given & named.isna()
            if bad_named.any():
                report.warning(
                    "unknown_hamlet",
                    parcels_file,
                    "Mã thôn của thửa không có trong lớp thôn — xếp thôn theo vị trí / The parcel names a "
                    "hamlet that is not in the hamlets layer — placed by location instead",
                    "Sửa mã thôn cho khớp lớp thôn / Correct the hamlet id to one in the hamlets layer.",
                    rows=p.loc[bad_named, "row"].tolist(),
                    row_kind="feature",
                )
            need = named.isna()
            if need.any() and spatial_ok:
                spatial = parcels_to_hamlets(p[need], hamlets)
                named = named.astype(object)
                named[need] = spatial
                p["hamlet_id"] = named
                outside = p["hamlet_id"].isna()
                if outside.any():
                    report.warning(
                        "parcel_outside_hamlets",
                        parcels_file,
                        "Thửa đất nằm ngoài mọi thôn — không được tính vào thôn nào / Parcel lies outside every "
                        "hamlet — counted in no hamlet",
                        "Kiểm tra ranh giới thôn và hệ tọa độ của hai lớp / Check the hamlet boundaries and "
                        "both layers' CRS.",
                        rows=p.loc[outside, "row"].tolist(),
                        row_kind="feature",
                    )
            else:
                p["hamlet_id"] = named
                if need.any():
                    because = next((n for n in ("parcels", "hamlets") if n not in state.located), "hamlets")
                    report.skipped(
                        parcels_file,
                        "vị trí thửa trong thôn / which hamlet each parcel lies in",
                        _because_no_crs(state, because),
                    )
        else:
            report.skipped(
                parcels_file,
                "vị trí thửa trong thôn / which hamlet each parcel lies in",
                _because_missing(state, "hamlets", ("hamlet_id",)),
            )
    placed: Frames = {"parcels": p}
    hh = frames["households"]
    if "households" in state.raws:
        hh, state.linked = _link_households(hh, p, state, report)
        placed["households"] = hh
    if len(frames["grievances"]):
        g = frames["grievances"].copy()
        pts = g.geometry if "hamlets" in state.located and g.geometry.notna().any() else None
        g["hamlet_id"] = place_grievances(g, hh, hamlets, pts)
        placed["grievances"] = g
        unplaced = g["hamlet_id"].isna()
        if unplaced.any():
            gfile = state.files["grievances"]
            households_ok = "households" not in state.files or (state.linked and spatial_ok)
            if hamlets_ok and "hamlets" in state.located and households_ok:
                report.warning(
                    "unplaced_grievance",
                    gfile,
                    "Đơn thư không xác định được thôn (không có mã thôn, mã hộ hay tọa độ khớp) — không "
                    "tính vào thôn nào / Grievance cannot be placed in a hamlet — counted in no hamlet",
                    "Ghi mã thôn (ma_thon), mã hộ (ma_ho) hoặc kinh độ/vĩ độ / Give a hamlet id, household "
                    "id or a point.",
                    rows=g.loc[unplaced, "row"].tolist(),
                    sheets=state.sheets_of("grievances", unplaced),
                )
            else:
                report.skipped(
                    gfile,
                    "thôn của từng đơn thư / the hamlet of each grievance",
                    _grievances_blocked(state, hamlets_ok),
                )
    return placed, report


def _grievances_blocked(state: _Loading, hamlets_ok: bool) -> str:
    """``"… / …"``: which layer keeps the grievances from being placed in hamlets (the first that does)."""
    if not hamlets_ok:
        return _because_missing(state, "hamlets", ("hamlet_id",))
    unlocated = next((n for n in ("hamlets", "parcels") if n not in state.located), None)
    if unlocated == "hamlets" or (unlocated and "households" in state.files):
        return _because_no_crs(state, unlocated)
    if "households" not in state.raws:
        return _because_missing(state, "households", ())
    file = state.file("households")
    return (
        f"các dòng của {file} chưa gắn được với thửa đất (xem lỗi trên) / the rows of {file} are not linked "
        "to parcels (see the errors above)"
    )


def _link_households(
    hh: pd.DataFrame, parcels: gpd.GeoDataFrame, state: _Loading, report: Report
) -> tuple[pd.DataFrame, bool]:
    """Each household row on its parcel, unless an earlier error would make every row "unknown".

    Returns the households with ``parcel_id``, ``hamlet_id``, ``parcel_area_m2``
    and whether the rows were matched to parcels.
    """
    file = state.files.get("households", "households")
    linked = False
    if not len(hh):
        linked = True  # nothing to link
    elif not (state.has("parcels", "parcel_id") or state.has("parcels", "map_sheet", "parcel_no")):
        report.skipped(
            file,
            "thửa đất của từng dòng / the parcel of each row",
            _because_missing(state, "parcels", ("map_sheet", "parcel_no")),
        )
    elif not (state.has("households", "parcel_id") or state.has("households", "map_sheet", "parcel_no")):
        found = headers_found(state.raws["households"].frame)
        report.error(
            "missing_column",
            file,
            f"Không có cột nào ghi thửa đất (cần Mã thửa, hoặc Số tờ và Số thửa); các cột có trong tệp: {found} / "
            f"No column names the parcel (parcel_id, or map_sheet and parcel_no); the file's headers are: {found}",
            "Thêm cột ma_thua, hoặc hai cột so_to và so_thua (và ma_xa nếu xã đã sáp nhập); hoặc khai báo tên "
            "cột trong workspace.toml [layers.households.columns] / Add parcel_id, or map_sheet and parcel_no "
            "(and commune_code), or map your headers in workspace.toml.",
        )
    else:
        return households_to_parcels(hh, parcels, file, report, sheets=state.sheets.get("households")), True
    # not linked (or no rows): no row has a parcel or a hamlet (the columns every later step reads)
    unlinked = hh.assign(
        parcel_id=pd.Series(pd.NA, index=hh.index, dtype=object),
        hamlet_id=pd.Series(pd.NA, index=hh.index, dtype=object),
        parcel_area_m2=pd.Series(np.nan, index=hh.index, dtype="float64"),
    )
    return unlinked, linked


def _cross_checks(frames: Frames, state: _Loading) -> tuple[Frames, Report]:
    """Households' projects, reports' hamlets and households' history against the other layers."""
    report = Report()
    hh = frames["households"]
    if "projects" in state.files and len(frames["projects"]) and len(hh):
        if state.has("projects", "project_id") and state.has("households", "project_id"):
            known = set(frames["projects"]["project_id"].dropna())
            unknown = hh["project_id"].notna() & ~hh["project_id"].isin(known)
            if unknown.any():
                examples = ", ".join(pd.unique(hh.loc[unknown, "project_id"].astype(str))[:5])
                report.warning(
                    "unknown_project",
                    state.files["households"],
                    f"Mã dự án không có trong lớp dự án: {examples} / Project not in the projects layer: {examples}",
                    "Sửa mã dự án hoặc bổ sung dự án vào lớp dự án / Correct the id or add the project.",
                    rows=hh.loc[unknown, "row"].tolist(),
                    sheets=state.sheets_of("households", unknown),
                )
        else:
            layer = "projects" if not state.has("projects", "project_id") else "households"
            report.skipped(
                state.files["households"],
                "mã dự án của từng dòng / each row's project id",
                _because_missing(state, layer, ("project_id",)),
            )
    if "field_reports" in state.files and len(frames["field_reports"]):
        fr = frames["field_reports"]
        if state.has("hamlets", "hamlet_id"):
            known = set(frames["hamlets"]["hamlet_id"].dropna())
            unknown = fr["hamlet_id"].notna() & ~fr["hamlet_id"].isin(known)
            if unknown.any():
                report.warning(
                    "unknown_hamlet",
                    state.files["field_reports"],
                    "Báo cáo ghi mã thôn không có trong lớp thôn — bỏ qua / Report names an unknown hamlet — ignored",
                    "Sửa mã thôn cho khớp lớp thôn / Use a hamlet id from the hamlets layer.",
                    rows=fr.loc[unknown, "row"].tolist(),
                    sheets=state.sheets_of("field_reports", unknown),
                )
        else:
            report.skipped(
                state.files["field_reports"],
                "mã thôn của từng báo cáo / each report's hamlet id",
                _because_missing(state, "hamlets", ("hamlet_id",)),
            )
    report.extend(_check_grievance_steps(frames, state))
    sh = frames["stage_history"]
    keys = ("household_id", "project_id")
    if "stage_history" in state.files and len(sh) and len(hh):
        if state.has("stage_history", *keys) and state.has("households", *keys):
            pairs = pd.MultiIndex.from_frame(sh[list(keys)])
            # rows with a blank id are already errors: they are not "without history" too
            missing = (
                ~pd.MultiIndex.from_frame(hh[list(keys)]).isin(pairs)
                & hh["household_id"].notna()
                & hh["project_id"].notna()
            )
            if missing.any():
                report.warning(
                    "no_history",
                    state.files["households"],
                    "Hộ không có dòng nào trong lịch sử các bước — dùng bước và ngày ghi ở danh sách hộ / "
                    "Household has no stage history — its own stage and date are used",
                    "Bổ sung lịch sử các bước cho các hộ này / Add their stage history.",
                    rows=hh.loc[missing, "row"].tolist(),
                    sheets=state.sheets_of("households", missing),
                )
        else:
            layer = "households" if not state.has("households", *keys) else "stage_history"
            report.skipped(
                state.files["households"],
                "lịch sử các bước của từng hộ / each household's stage history",
                _because_missing(state, layer, keys),
            )
    return {}, report


def _check_grievance_steps(frames: Frames, state: _Loading) -> Report:
    """Each grievance step names a grievance of the grievances layer (else an error); a step dated
    before its grievance was received is a warning."""
    report = Report()
    steps = frames["grievance_steps"]
    if "grievance_steps" not in state.files or not len(steps) or not state.has("grievance_steps", "grievance_id"):
        return report
    file = state.files["grievance_steps"]
    if "grievances" in state.files and not state.has("grievances", "grievance_id"):
        report.skipped(
            file,
            "số đơn của từng bước / each step's grievance",
            _because_missing(state, "grievances", ("grievance_id",)),
        )
        return report
    g = frames["grievances"]
    known = set(g["grievance_id"].dropna())
    unknown = steps["grievance_id"].notna() & ~steps["grievance_id"].isin(known)
    if unknown.any():
        examples = ", ".join(pd.unique(steps.loc[unknown, "grievance_id"].astype(str))[:5])
        report.error(
            "unknown_grievance",
            file,
            f"Bước xử lý ghi số đơn không có trong lớp đơn thư: {examples} / "
            f"Step of a grievance not in the grievances layer: {examples}",
            "Sửa số đơn cho khớp sổ tiếp nhận đơn, hoặc bổ sung đơn vào lớp đơn thư / "
            "Use a grievance id of the grievances layer, or add the grievance.",
            rows=steps.loc[unknown, "row"].tolist(),
            column="grievance_id",
        )
    if state.has("grievances", "received_date") and state.has("grievance_steps", "date"):
        received = steps["grievance_id"].map(
            g.dropna(subset=["grievance_id"]).drop_duplicates("grievance_id").set_index("grievance_id")["received_date"]
        )
        early = steps["date"].notna() & received.notna() & (steps["date"] < received)
        if early.any():
            report.warning(
                "step_before_received",
                file,
                "Bước xử lý có ngày trước ngày nhận đơn / Step dated before its grievance was received",
                "Kiểm tra lại ngày của bước hoặc ngày nhận đơn / Check the step's date or the received date.",
                rows=steps.loc[early, "row"].tolist(),
                column="date",
            )
    return report
