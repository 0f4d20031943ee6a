"""Place things: parcels in hamlets, household rows on parcels, grievances in hamlets.

All joins are vectorised (a GEOS tree queried with representative points,
pandas merges on keys); there is no Python loop over geometries.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .canonical import Distinct
from .halves import in_halves, joined
from .problems import Report


def parcel_key(map_sheet: pd.Series, parcel_no: pd.Series, commune_code: pd.Series | None) -> pd.Series:
    """The derived parcel id: ``{map_sheet}-{parcel_no}``, prefixed ``{commune_code}-``.

    Parameters
    ----------
    map_sheet, parcel_no : pandas.Series
        Text columns.
    commune_code : pandas.Series or None
        Where given and not blank, prefixes the key.

    Returns
    -------
    pandas.Series
        Text keys; NA where the sheet or parcel number is missing.

    Example
    -------
    >>> parcel_key(pd.Series(["8"]), pd.Series(["12"]), pd.Series(["06190"])).tolist()
    ['06190-8-12']
    """
    sheet = _number_text(map_sheet)
    no = _number_text(parcel_no)
    key = sheet + "-" + no
    if commune_code is not None:
        code = commune_code.astype("string").str.strip()
        key = key.where(code.isna() | (code == ""), code + "-" + key)
    return key.astype(object).where(key.notna(), pd.NA)


def _number_text(values: pd.Series) -> pd.Series:
    """Sheet and parcel numbers as text, ``"08"`` and ``8`` alike read as ``"8"`` (each distinct value
    once: a province's 300,000 parcel numbers hold a few thousand)."""
    return Distinct(values).map(_identity, convert=_without_leading_zeros)


def _identity(value: object) -> object:
    return value


def _without_leading_zeros(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Values as text, stripped; a number of digits only without its leading zeros (NA where missing)."""
    text = pd.Series(values, dtype=object).astype("string").str.strip()
    digits = text.str.fullmatch(r"\d+").fillna(False)
    return text.where(~digits, text.str.lstrip("0").replace("", "0")).array


def parcels_to_hamlets(parcels: gpd.GeoDataFrame, hamlets: gpd.GeoDataFrame) -> pd.Series:
    """The hamlet of each parcel: the one containing its representative point.

    Parameters
    ----------
    parcels, hamlets : GeoDataFrame
        In the same CRS; ``hamlets`` has ``hamlet_id``.

    Returns
    -------
    pandas.Series
        ``hamlet_id`` per parcel (aligned to ``parcels.index``), NA outside
        every hamlet. Where hamlets overlap, the first in the layer wins.

    Example
    -------
    >>> from shapely.geometry import box
    >>> h = gpd.GeoDataFrame({"hamlet_id": ["A"]}, geometry=[box(0, 0, 10, 10)], crs=3405)
    >>> p = gpd.GeoDataFrame(geometry=[box(1, 1, 2, 2), box(20, 20, 21, 21)], crs=3405)
    >>> parcels_to_hamlets(p, h).tolist()
    ['A', <NA>]
    """
    geoms = np.asarray(parcels.geometry.array, dtype=object)
    points = joined(shapely.point_on_surface, geoms)
    tree = shapely.STRtree(np.asarray(hamlets.geometry.array, dtype=object))
    first = np.full(len(points), len(hamlets), dtype=np.int64)  # where hamlets overlap, the first wins
    for start, (point, hamlet) in in_halves(lambda part: tree.query(part, predicate="within"), points):
        np.minimum.at(first, point + start, hamlet)
    ids = np.append(hamlets["hamlet_id"].to_numpy(dtype=object), np.array([None], dtype=object))[first]
    out = pd.Series(ids, index=parcels.index, dtype=object)
    return out.where(out.notna(), pd.NA)


def place_grievances(
    grievances: pd.DataFrame,
    households: pd.DataFrame,
    hamlets: gpd.GeoDataFrame,
    points: gpd.GeoSeries | None,
) -> pd.Series:
    """The hamlet of each grievance, by the contract's order of evidence.

    1. its own ``hamlet_id`` (where it names a known hamlet);
    2. else the hamlet of its household's first placed row in the
       households file;
    3. else the hamlet containing its point;
    4. else unplaced (NA).

    Parameters
    ----------
    grievances : DataFrame
        With ``hamlet_id`` and ``household_id``.
    households : DataFrame
        With ``household_id`` and ``hamlet_id`` (placed rows have one), in
        file order.
    hamlets : GeoDataFrame
        The hamlets.
    points : GeoSeries or None
        Each grievance's point in the hamlets' CRS (None/empty where none).

    Returns
    -------
    pandas.Series
        ``hamlet_id`` aligned to ``grievances.index``.
    """
    known = set(hamlets["hamlet_id"])
    own = grievances["hamlet_id"].where(grievances["hamlet_id"].isin(known))
    placed = households.dropna(subset=["hamlet_id"]).drop_duplicates("household_id")
    by_household = grievances["household_id"].map(placed.set_index("household_id")["hamlet_id"])
    result = own.fillna(by_household)
    if points is not None and len(grievances):
        need = result.isna() & points.notna().to_numpy() & ~points.is_empty.fillna(True).to_numpy()
        if need.any():
            pts = gpd.GeoDataFrame(
                {"_pos": np.flatnonzero(need.to_numpy())},
                geometry=points[need.to_numpy()].to_numpy(),
                crs=hamlets.crs,
            )
            hit = gpd.sjoin(pts, hamlets[["hamlet_id", "geometry"]], how="inner", predicate="within")
            hit = hit.drop_duplicates("_pos")
            fill = pd.Series(hit["hamlet_id"].to_numpy(), index=grievances.index[hit["_pos"].to_numpy()])
            result = result.fillna(fill)
    return result.astype(object).where(result.notna(), pd.NA)


def _rows(frame: pd.DataFrame, mask: np.ndarray, row_offset: int) -> list[int]:
    """The rows a user sees where ``mask`` holds: the frame's ``row`` column, else position + offset."""
    if "row" in frame.columns:
        return frame["row"].to_numpy()[mask].astype(int).tolist()
    return (np.flatnonzero(mask) + row_offset).tolist()


def households_to_parcels(
    households: pd.DataFrame,
    parcels: pd.DataFrame,
    file: str,
    report: Report,
    row_offset: int = 2,
    sheets: np.ndarray | None = None,
) -> pd.DataFrame:
    """Give each household row its ``parcel_id`` and ``hamlet_id``.

    A row names its parcel by ``parcel_id``, or by ``map_sheet`` +
    ``parcel_no`` (+ ``commune_code``). Rows whose parcel is not in the
    parcels layer stay unplaced, with a warning naming the rows (and, where ``sheets`` gives the
    workbook sheet of each row, their sheets).

    Returns
    -------
    DataFrame
        A copy of ``households`` with ``parcel_id``, ``hamlet_id`` and
        ``parcel_area_m2`` filled in where the parcel is known.
    """
    out = households.copy()
    derived = parcel_key(out["map_sheet"], out["parcel_no"], out["commune_code"])
    pid = out["parcel_id"].astype(object)
    pid = pid.where(pid.notna(), derived)
    # duplicated ids are already an error; the first feature stands in for the rest
    known = parcels[["parcel_id", "hamlet_id", "area_m2"]].drop_duplicates("parcel_id").set_index("parcel_id")
    # a key without commune_code in a merged-commune workspace: match by sheet-no when unique
    if parcels["commune_code"].notna().any():
        short = parcel_key(parcels["map_sheet"], parcels["parcel_no"], None)
        once = (short.notna() & ~short.duplicated(keep=False)).to_numpy()
        unique_short = pd.Series(parcels["parcel_id"].to_numpy()[once], index=short.to_numpy()[once])
        unknown = ~pid.isin(known.index)
        mapped = pid.map(unique_short).astype(object)  # all NaN (float) where no short key is unique
        pid = pid.where(~unknown | mapped.isna(), mapped)
    in_layer = pid.isin(known.index)
    missing_key = pid.isna()
    if missing_key.any():
        report.error(
            "missing_parcel_ref",
            file,
            "Dòng không ghi thửa đất (cần mã thửa, hoặc số tờ + số thửa) / The row names no parcel "
            "(give parcel_id, or map sheet + parcel number)",
            "Điền Số tờ và Số thửa (và Mã xã nếu xã đã sáp nhập) / Fill in sheet and parcel number.",
            rows=_rows(households, missing_key.to_numpy(), row_offset),
            sheets=None if sheets is None else list(sheets[missing_key.to_numpy()]),
        )
    unknown = ~in_layer & ~missing_key
    if unknown.any():
        examples = ", ".join(pd.unique(pid[unknown].astype(str))[:5])
        report.warning(
            "unknown_parcel",
            file,
            f"Thửa đất không có trong lớp thửa đất: {examples} — các dòng này không được tính vào "
            f"thôn nào / Parcel not in the parcels layer: {examples} — these rows count in no hamlet",
            "Kiểm tra số tờ, số thửa, mã xã; hoặc bổ sung thửa vào lớp thửa đất / Check sheet, parcel "
            "number and commune code, or add the parcel to the parcels layer.",
            rows=_rows(households, unknown.to_numpy(), row_offset),
            sheets=None if sheets is None else list(sheets[unknown.to_numpy()]),
        )
    out["parcel_id"] = pid.where(in_layer, pd.NA)
    out["hamlet_id"] = out["parcel_id"].map(known["hamlet_id"])
    out["parcel_area_m2"] = out["parcel_id"].map(known["area_m2"]).astype("float64")
    return out
