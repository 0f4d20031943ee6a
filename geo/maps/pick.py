"""What a click on the map picks: the parcel at a point, and that parcel's households as a table.

The page's map carries no personal data (:func:`~geo.maps.build_map` without
``household_details``); when a user who may see personal data clicks a parcel,
the dashboard asks for its households here, server-side, from the workspace
the account may read (:func:`geo.access.restrict`): a household outside an
officer's hamlets has no name, a pseudonymous id and no amount of its own
there, and is shown as :data:`OUTSIDE_HAMLETS`, nothing more.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..access import MASK_PREFIX
from ..formatting import fmt_date, fmt_number, is_missing
from ..schema import STAGES
from ..selection import TimeSlice
from ..vocabulary import AGREEMENT_LABELS
from ..workspace import WGS84, Workspace

OUTSIDE_HAMLETS = "ngoài địa bàn theo dõi / outside your hamlets"
"""What a household outside the account's hamlets shows instead of its name (no id, amount or opinion)."""

PICK_TOLERANCE_M = 1.0
"""How far (metres) a click may fall outside a parcel and still pick it: the map's shapes are simplified by
0.75 m (:data:`geo.maps.display.PARCEL_TOLERANCE_M`), so a click on a drawn edge may miss the true one."""

HOUSEHOLD_COLUMNS = (
    "Chủ hộ",
    "Mã hộ",
    "Dự án",
    "Bước",
    "Ngày",
    "DT thu hồi (m²)",
    "Tiền bồi thường (đồng)",
    "Ý kiến",
)
"""The columns of :func:`parcel_households`: the facts a parcel's popup listed per household."""


def parcel_at(parcels: gpd.GeoDataFrame, lat: float, lon: float, tolerance_m: float = PICK_TOLERANCE_M) -> str | None:
    """The ``parcel_id`` of the parcel at a point given in WGS 84 (where the user clicked), or None.

    A spatial-index query (no loop over the parcels): the parcel that contains
    the point; else, in a metric CRS, the nearest within ``tolerance_m``.
    Where parcels overlap, the smallest wins (the most specific).

    Parameters
    ----------
    parcels : GeoDataFrame
        With ``parcel_id`` and a CRS (e.g. the slice's parcels: what the map drew).
    lat, lon : float
        Degrees, WGS 84 (Leaflet's ``latlng``).
    tolerance_m : float
        Metres a click may fall outside a parcel (only in a projected CRS).

    Returns
    -------
    str or None
        None where no parcel is there, or the point is not a number.
    """
    if not len(parcels) or not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    point = gpd.GeoSeries([shapely.Point(lon, lat)], crs=WGS84)
    if parcels.crs is not None:
        point = point.to_crs(parcels.crs)
    where = point.iloc[0]
    if where is None or where.is_empty or not np.isfinite(shapely.get_coordinates(where)).all():
        return None
    hits = parcels.sindex.query(where, predicate="intersects")
    if not len(hits) and tolerance_m > 0 and parcels.crs is not None and parcels.crs.is_projected:
        hits = parcels.sindex.query(where, predicate="dwithin", distance=tolerance_m)
    if not len(hits):
        return None
    geoms = parcels.geometry.to_numpy()[hits]
    best = hits[np.lexsort((shapely.area(geoms), shapely.distance(geoms, where)))[0]]
    pid = parcels["parcel_id"].iloc[best]
    return None if is_missing(pid) else str(pid)


def parcel_households(ws: Workspace, sl: TimeSlice, parcel_id: str) -> pd.DataFrame:
    """The households of one parcel in the slice, as text for a table (personal data: see below).

    One row per household row on the parcel, least advanced stage first:
    :data:`HOUSEHOLD_COLUMNS` (name, id, project, stage, its date, acquired
    area, compensation, opinion), numbers and dates in Vietnamese notation
    (:mod:`geo.formatting`). A household the workspace hides from the account
    (:func:`geo.access.restrict`: no name, a pseudonymous id) shows
    :data:`OUTSIDE_HAMLETS` and its project, stage and area only.

    Only for a user who may see personal data (disclosure ``PERSONAL``): the
    caller decides; this reads what ``ws`` and ``sl`` hold and nothing else.

    Parameters
    ----------
    ws : Workspace
        The workspace the slice came from (for the project names).
    sl : TimeSlice
        Its households are read (stage on the as-of date, acquired area).
    parcel_id : str

    Returns
    -------
    DataFrame
        Empty (with the columns) where no household of the slice is on the parcel.
    """
    hh = sl.households
    rows = hh[hh["parcel_id"].astype("string") == str(parcel_id)] if len(hh) else hh
    if not len(rows):
        return pd.DataFrame(columns=list(HOUSEHOLD_COLUMNS), dtype=object)
    rows = rows.sort_values(["stage_rank", "household_id"], kind="stable")
    ids = rows["household_id"].astype("string")
    hidden = ids.str.startswith(MASK_PREFIX, na=False).to_numpy()
    names = rows["household_name"] if "household_name" in rows else pd.Series(None, index=rows.index, dtype=object)
    projects = dict(zip(ws.projects["project_id"].astype(str), ws.projects["project_name"]))
    amounts = pd.to_numeric(rows["compensation_vnd"], errors="coerce")
    table = pd.DataFrame(
        {
            "Chủ hộ": [OUTSIDE_HAMLETS if h else ("—" if is_missing(n) else str(n)) for n, h in zip(names, hidden)],
            "Mã hộ": ["" if h or is_missing(i) else str(i) for i, h in zip(ids, hidden)],
            "Dự án": ["" if is_missing(p) else str(projects.get(str(p), p)) for p in rows["project_id"].astype(object)],
            "Bước": [STAGES.label(s) if isinstance(s, str) else "" for s in rows["stage"]],
            "Ngày": [fmt_date(d) for d in rows["stage_date"]],
            "DT thu hồi (m²)": ["" if is_missing(a) else fmt_number(a, 1) for a in rows["area_m2"]],
            "Tiền bồi thường (đồng)": ["" if h or is_missing(a) else fmt_number(a) for a, h in zip(amounts, hidden)],
            "Ý kiến": [
                "" if h or is_missing(a) else str(AGREEMENT_LABELS.get(a, a)) for a, h in zip(rows["agreement"], hidden)
            ],
        },
        columns=list(HOUSEHOLD_COLUMNS),
    )
    return table.reset_index(drop=True)
