"""The per-hamlet summary, exactly as the data contract defines each column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .hotspots import hotspot_levels
from .schema import STAGE_ORDER
from .selection import Selection, TimeSlice, time_slice
from .workspace import Workspace

SUMMARY_COLUMNS = (
    "hamlet_id",
    "hamlet_name",
    "parcels_affected",
    "area_affected_m2",
    "households",
    "households_handed_over",
    "handover_pct",
    "area_handed_over_pct",
    "households_paid",
    "compensation_paid_vnd",
    "grievances_open",
    "grievances_overdue",
    "max_signatories_open",
    "hotspot_level",
    "hotspot_reasons",
)
"""The contract's columns, in order."""

SUMMARY_LABELS = {
    "hamlet_id": "Mã thôn",
    "hamlet_name": "Tên thôn",
    "parcels_affected": "Số thửa bị ảnh hưởng",
    "area_affected_m2": "Diện tích thu hồi (m²)",
    "households": "Số hộ",
    "households_handed_over": "Số hộ đã bàn giao",
    "handover_pct": "Tỷ lệ hộ bàn giao (%)",
    "area_handed_over_pct": "Tỷ lệ diện tích bàn giao (%)",
    "households_paid": "Số hộ đã nhận tiền",
    "compensation_paid_vnd": "Tiền đã chi trả (đồng)",
    "grievances_open": "Đơn thư chưa giải quyết",
    "grievances_overdue": "Đơn thư quá hạn",
    "max_signatories_open": "Số người ký nhiều nhất",
    "hotspot_level": "Mức cảnh báo",
    "hotspot_reasons": "Lý do",
}
"""Vietnamese headers for screens and exports."""

PAID = STAGE_ORDER["paid"]
HANDED_OVER = STAGE_ORDER["handed_over"]


def summarize_slice(ws: Workspace, sl: TimeSlice, hotspots: pd.DataFrame | None = None) -> pd.DataFrame:
    """The per-hamlet summary of one time slice.

    Parameters
    ----------
    ws : Workspace
    sl : TimeSlice
        From :func:`geo.selection.time_slice`.
    hotspots : DataFrame, optional
        Precomputed :func:`geo.hotspots.hotspot_levels` for the same slice.

    Returns
    -------
    DataFrame
        One row per hamlet of the slice, :data:`SUMMARY_COLUMNS` plus
        ``hotspot_score``.
    """
    hamlets = sl.hamlets[["hamlet_id", "hamlet_name"]].reset_index(drop=True)
    out = hamlets.set_index("hamlet_id")
    hh = sl.households.dropna(subset=["hamlet_id"])
    grp = hh.groupby("hamlet_id")
    out["parcels_affected"] = grp["parcel_id"].nunique()
    out["area_affected_m2"] = grp["area_m2"].sum()
    out["households"] = grp["household_id"].nunique()
    per_household = hh.groupby(["hamlet_id", "household_id"])["stage_rank"].min()
    out["households_handed_over"] = (per_household >= HANDED_OVER).groupby(level=0).sum()
    out["households_paid"] = (per_household >= PAID).groupby(level=0).sum()
    handed = hh[hh["stage_rank"] >= HANDED_OVER]
    area_handed = handed.groupby("hamlet_id")["area_m2"].sum()
    paid_rows = hh[hh["stage_rank"] >= PAID]
    out["compensation_paid_vnd"] = paid_rows.groupby("hamlet_id")["compensation_vnd"].sum()
    g = sl.grievances.dropna(subset=["hamlet_id"])
    g_open = g[g["is_open"]]
    out["grievances_open"] = g_open.groupby("hamlet_id").size()
    out["grievances_overdue"] = g_open[g_open["is_overdue"]].groupby("hamlet_id").size()
    out["max_signatories_open"] = g_open.groupby("hamlet_id")["signatories"].max()
    counts = ["parcels_affected", "households", "households_handed_over", "households_paid",
              "grievances_open", "grievances_overdue", "max_signatories_open"]
    out[counts] = out[counts].fillna(0).astype("int64")
    out["area_affected_m2"] = out["area_affected_m2"].fillna(0.0).astype("float64").round(2)
    out["compensation_paid_vnd"] = out["compensation_paid_vnd"].fillna(0.0).astype("float64").round(0)
    out["handover_pct"] = _pct(out["households_handed_over"], out["households"])
    area_handed = area_handed.reindex(out.index).fillna(0.0)
    out["area_handed_over_pct"] = _pct(area_handed, out["area_affected_m2"])
    if hotspots is None:
        hotspots = hotspot_levels(ws, sl)
    hs = hotspots.set_index("hamlet_id")
    out["hotspot_level"] = hs["hotspot_level"].reindex(out.index).fillna("none")
    out["hotspot_reasons"] = hs["hotspot_reasons"].reindex(out.index).fillna("")
    out["hotspot_score"] = hs["hotspot_score"].reindex(out.index).fillna(0.0)
    return out.reset_index()[[*SUMMARY_COLUMNS, "hotspot_score"]]


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    whole = whole.astype("float64")
    pct = np.where(whole > 0, part.astype("float64") / whole.where(whole > 0, 1.0) * 100.0, 0.0)
    return pd.Series(np.clip(pct, 0.0, 100.0), index=part.index).round(2)


def hamlet_summary(
    ws: Workspace, project: str | None = None, as_of: date | str | None = None
) -> pd.DataFrame:
    """The per-hamlet summary (``python -m geo summary``) as a DataFrame.

    Parameters
    ----------
    ws : Workspace
        A workspace without errors (see :meth:`Workspace.require_ok`).
    project : str, optional
        Keep only this project's households and grievances.
    as_of : date or str, optional
        The reporting date (default: ``workspace.toml``'s ``as_of``, else
        today); rows dated after it are ignored.

    Returns
    -------
    DataFrame
        One row per hamlet in the hamlets layer, the contract's columns.

    Example
    -------
    >>> import geo
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> geo.hamlet_summary(ws, project="DA-DT242", as_of="2026-11-20").head()  # doctest: +SKIP
    """
    sel = Selection.make(project=project, as_of=as_of or ws.default_as_of())
    return summarize_slice(ws, time_slice(ws, sel))


@dataclass(frozen=True)
class Headline:
    """The headline figures of a selection (aggregates only: safe for meetings).

    Attributes
    ----------
    households, handed_over, paid : int
        Distinct households in the slice; of those, handed over (paid or
        later) in every one of their rows.
    handover_pct, area_handed_over_pct : float
        Handed over by households and by acquired area, in percent (two decimals).
    area_m2, compensation_paid_vnd : float
        Acquired area; compensation of rows at paid or later.
    grievances_open, grievances_overdue : int
        Grievances of the slice open, and open and overdue, on the as-of date.
    hotspots, risk, watch : int
        Hamlets at each level.
    """

    households: int
    handed_over: int
    handover_pct: float
    area_m2: float
    area_handed_over_pct: float
    paid: int
    compensation_paid_vnd: float
    grievances_open: int
    grievances_overdue: int
    hotspots: int
    risk: int
    watch: int


def headline(sl: TimeSlice, hotspots: pd.DataFrame) -> Headline:
    """Households, handover by households and by area, paid, open/overdue grievances, hotspot hamlets.

    A household counts as handed over (paid) where every one of its rows in
    the slice is at that stage or later, as in the per-hamlet summary (here
    across hamlets).

    Parameters
    ----------
    sl : TimeSlice
        From :func:`geo.selection.time_slice`.
    hotspots : DataFrame
        One ``hotspot_level`` per hamlet of the same slice:
        :func:`geo.hotspots.hotspot_levels`, :func:`summarize_slice` or
        ``compute_hotspots(...).levels``.

    Returns
    -------
    Headline

    Example
    -------
    >>> import geo
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> sl = geo.time_slice(ws, geo.Selection.make(as_of="2026-11-20"))  # doctest: +SKIP
    >>> h = geo.headline(sl, geo.summarize_slice(ws, sl))  # doctest: +SKIP
    >>> h.households, h.handover_pct, h.grievances_open  # doctest: +SKIP
    """
    hh = sl.households
    per = hh.groupby("household_id")["stage_rank"].min() if len(hh) else pd.Series(dtype="int64")
    n = len(per)
    handed = int((per >= HANDED_OVER).sum())
    paid = int((per >= PAID).sum())
    area = float(hh["area_m2"].sum()) if len(hh) else 0.0
    area_handed = float(hh.loc[hh["stage_rank"] >= HANDED_OVER, "area_m2"].sum()) if len(hh) else 0.0
    comp = float(hh.loc[hh["stage_rank"] >= PAID, "compensation_vnd"].sum()) if len(hh) else 0.0
    g = sl.grievances
    levels = hotspots["hotspot_level"] if len(hotspots) else pd.Series(dtype=object)
    return Headline(
        households=n,
        handed_over=handed,
        handover_pct=round(handed / n * 100, 2) if n else 0.0,
        area_m2=round(area, 2),
        area_handed_over_pct=round(area_handed / area * 100, 2) if area > 0 else 0.0,
        paid=paid,
        compensation_paid_vnd=round(comp, 0),
        grievances_open=int(g["is_open"].sum()) if len(g) else 0,
        grievances_overdue=int(g["is_overdue"].sum()) if len(g) else 0,
        hotspots=int((levels == "hotspot").sum()),
        risk=int((levels == "risk").sum()),
        watch=int((levels == "watch").sum()),
    )


def write_summary_csv(summary: pd.DataFrame, path) -> None:
    """Write the summary as UTF-8 CSV: plain numbers, percentages with two decimals.

    ``path`` is a file name (written atomically: :func:`geo.outputs.atomic_write`)
    or an open text buffer. Text cells a spreadsheet would take for a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR) start with an apostrophe; numbers stay numbers.
    """
    from .outputs import atomic_write, spreadsheet_safe

    frame = spreadsheet_safe(summary[list(SUMMARY_COLUMNS)])
    for col in ("handover_pct", "area_handed_over_pct"):
        frame[col] = frame[col].map(lambda v: f"{v:.2f}")
    frame["area_affected_m2"] = frame["area_affected_m2"].map(lambda v: f"{v:.2f}")
    frame["compensation_paid_vnd"] = frame["compensation_paid_vnd"].map(lambda v: f"{v:.0f}")
    if hasattr(path, "write"):
        frame.to_csv(path, index=False)
    else:
        atomic_write(path, frame.to_csv(index=False).encode("utf-8"))
