"""Numbers the panels show, computed from one time slice (pure pandas, no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import geo
from geo.schema import STAGE_ORDER
from geo.selection import Selection, TimeSlice, week_ends

HANDED_OVER = STAGE_ORDER["handed_over"]
PAID = STAGE_ORDER["paid"]


@dataclass(frozen=True)
class Headline:
    """The headline figures of a selection (aggregates only: safe for meetings)."""

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
    the slice is at that stage or later, as in the per-hamlet summary.
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


def weekly_handover(ws: geo.Workspace, sel: Selection, max_weeks: int = 104) -> pd.DataFrame:
    """Share of each project's households handed over, week by week up to ``sel.as_of``.

    From stage_history: a household and project is handed over from the
    first ``handed_over`` entry of its history (without history, from its own
    stage_date where its stage is handed_over). The denominator is every
    household of the project in the selected hamlets and land uses, whatever
    its stage: the whole site has to be handed over by the deadline.

    Returns
    -------
    DataFrame
        ``project_id, project_name, week, handed_over, households, share_pct``
        (``week`` a date; empty where there is nothing to plot).
    """
    cols = ["project_id", "project_name", "week", "handed_over", "households", "share_pct"]
    hh = ws.households.dropna(subset=["household_id", "project_id"])
    if sel.project:
        hh = hh[hh["project_id"] == sel.project]
    if sel.hamlets:
        hh = hh[hh["hamlet_id"].isin(sel.hamlets)]
    if sel.land_uses:
        ok = ws.parcels.loc[ws.parcels["land_use"].isin(sel.land_uses), "parcel_id"]
        hh = hh[hh["parcel_id"].isin(ok)]
    if not len(hh):
        return pd.DataFrame(columns=cols)
    pairs = hh[["household_id", "project_id"]].drop_duplicates()
    sh = ws.stage_history
    first = pd.Series(dtype="datetime64[ns]")
    if len(sh):
        done = sh[(sh["stage"] == "handed_over") & sh["date"].notna()]
        first = done.groupby(["household_id", "project_id"])["date"].min()
    key = pd.MultiIndex.from_frame(pairs)
    when = pd.Series(first.reindex(key).to_numpy(), index=key) if len(first) else pd.Series(pd.NaT, index=key)
    has_history = key.isin(pd.MultiIndex.from_frame(sh[["household_id", "project_id"]])) if len(sh) else \
        np.zeros(len(key), dtype=bool)
    own = hh[hh["stage"] == "handed_over"].groupby(["household_id", "project_id"])["stage_date"].max()
    own = pd.Series(own.reindex(key).to_numpy(), index=key)
    when = when.where(has_history, own)
    starts = [d for d in (sh["date"].min() if len(sh) else pd.NaT, hh["stage_date"].min()) if pd.notna(d)]
    as_of = sel.as_of
    if not starts:
        return pd.DataFrame(columns=cols)
    start = min(starts).date()
    n_weeks = int(min(max_weeks, max(2, (as_of - start).days // 7 + 2)))
    weeks = week_ends(as_of, n_weeks)
    names = dict(zip(ws.projects["project_id"], ws.projects["project_name"]))
    frame = pd.DataFrame({"project_id": key.get_level_values("project_id"), "when": when.to_numpy()})
    rows = []
    for pid, grp in frame.groupby("project_id"):
        total = len(grp)
        dates = pd.to_datetime(grp["when"]).dropna().to_numpy(dtype="datetime64[ns]")
        for w in weeks:
            k = int((dates <= np.datetime64(pd.Timestamp(w))).sum())
            rows.append((pid, str(names.get(pid, pid)), w, k, total, round(k / total * 100, 2)))
    return pd.DataFrame(rows, columns=cols)


def deadlines(ws: geo.Workspace, project_ids) -> pd.DataFrame:
    """``project_id, project_name, deadline`` (dates) of the given projects that have one."""
    pr = ws.projects[ws.projects["project_id"].isin(list(project_ids)) & ws.projects["handover_deadline"].notna()]
    return pd.DataFrame({"project_id": pr["project_id"].to_numpy(),
                         "project_name": pr["project_name"].astype(str).to_numpy(),
                         "deadline": pd.to_datetime(pr["handover_deadline"]).dt.date.to_numpy()})
