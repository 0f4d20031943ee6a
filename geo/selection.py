"""One selection and one time slice: the state of a workspace on a date.

:class:`Selection` holds what a user picked (project, hamlets, stages, land
uses, as-of date). :func:`time_slice` is the only place that applies dates:
the summary, the hotspot rules, the weekly series, the dashboard and the
reports all call it, and none of them filters dates by itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd

from . import legal
from .formatting import today_in_vietnam
from .schema import CLOSED_STATUSES, STAGE_ORDER
from .workspace import Workspace

REPORT_WINDOW_DAYS = 14
"""Field reports count for the 14 days up to the as-of date (as-of − 13 … as-of)."""


def _tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(v for v in value if v)


@dataclass(frozen=True)
class Selection:
    """What to look at: a project, hamlets, stages, land uses and a date.

    Empty tuples mean "all". Build one from the command line, the dashboard's
    widgets or URL parameters; analyses take it as it is.

    Example
    -------
    >>> s = Selection.make(project="DA-DT242", as_of="2026-11-20")
    >>> s.as_of.isoformat(), s.project
    ('2026-11-20', 'DA-DT242')
    """

    project: str | None = None
    hamlets: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    land_uses: tuple[str, ...] = ()
    as_of: date = field(default_factory=today_in_vietnam)

    @classmethod
    def make(
        cls,
        project: str | None = None,
        hamlets: str | Iterable[str] | None = None,
        stages: str | Iterable[str] | None = None,
        land_uses: str | Iterable[str] | None = None,
        as_of: date | str | None = None,
    ) -> Selection:
        """Build a selection from loose values (strings, lists, ISO or dd/mm/yyyy dates)."""
        if isinstance(as_of, str):
            from .canonical import date_error, parse_dates

            parsed = parse_dates(pd.Series([as_of]))[0]
            if pd.isna(parsed):  # the reason names an impossible date (no 31 February) as such
                raise ValueError(date_error(as_of) or f"not a date: {as_of!r} (use YYYY-MM-DD or dd/mm/yyyy)")
            day: date = parsed.date()
            as_of = day
        return cls(
            project=project or None,
            hamlets=_tuple(hamlets),
            stages=_tuple(stages),
            land_uses=_tuple(land_uses),
            as_of=as_of or today_in_vietnam(),
        )

    def with_as_of(self, as_of: date) -> Selection:
        """The same selection on another date."""
        return replace(self, as_of=as_of)


@dataclass
class TimeSlice:
    """The workspace as it stood on ``selection.as_of``, filtered by the selection.

    Attributes
    ----------
    selection : Selection
    households : DataFrame
        Counted household rows with their stage on the as-of date (``stage``,
        ``stage_rank``, ``stage_date``) and ``area_m2`` (acquired area, else the
        parcel's). Rows not yet at any stage on that date are left out.
    grievances : DataFrame
        Received on or before the as-of date, with ``is_open``, ``deadline``,
        ``is_overdue`` and ``age_days``.
    field_reports : DataFrame
        Dated on or before the as-of date.
    recent_reports : DataFrame
        Those of the last 14 days (as-of − 13 … as-of).
    hamlets, parcels, projects : GeoDataFrame
        The selected hamlets and projects; parcels of the selected hamlets
        and land uses.
    """

    selection: Selection
    households: pd.DataFrame
    grievances: pd.DataFrame
    field_reports: pd.DataFrame
    recent_reports: pd.DataFrame
    hamlets: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    stage_history: pd.DataFrame


def current_stages(ws: Workspace, as_of: date) -> pd.DataFrame:
    """Each household row's stage on ``as_of``, per the contract.

    With stage_history, a row's stage is the furthest step, in procedure
    order, among the history entries of its household and project dated on
    or before ``as_of`` (not the latest-dated entry: the recovery decision may
    lawfully follow payment or a voluntary handover, Land Law 2024
    Art. 87(5), and does not undo them); its ``stage_date`` is the date of
    that step's entry (the latest, where the step was recorded twice). A
    household and project with no history at all keeps the row's own stage
    (with a validation warning). Without stage_history, a row counts only where its
    ``stage_date`` is blank or on or before ``as_of``.

    Returns
    -------
    DataFrame
        The counted rows of ``ws.households`` with ``stage``, ``stage_date``
        and ``stage_rank`` as of that date.
    """
    hh = ws.households
    ts = pd.Timestamp(as_of)
    if not len(hh):
        return hh.assign(stage_rank=pd.Series(dtype="int64"))
    own_ok = hh["stage"].notna() & (hh["stage_date"].isna() | (hh["stage_date"] <= ts))
    sh = ws.stage_history
    if len(sh):
        has_history, hist_stage, hist_date = _furthest_history(hh, sh, ts)
        has_history = pd.Series(has_history, index=hh.index)
        stage = pd.Series(hist_stage, index=hh.index).where(has_history, hh["stage"].where(own_ok))
        sdate = pd.Series(hist_date, index=hh.index).where(has_history, hh["stage_date"].where(own_ok))
    else:
        stage = hh["stage"].where(own_ok)
        sdate = hh["stage_date"].where(own_ok)
    out = hh.assign(stage=stage, stage_date=pd.to_datetime(sdate))
    out = out[out["stage"].notna()].copy()
    out["stage_rank"] = out["stage"].map(STAGE_ORDER).astype("int64")
    return out


_PAIR = ["household_id", "project_id"]


def _pair_codes(hh: pd.DataFrame, sh: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """One integer per (household_id, project_id), the same in both frames (blank ids match each other)."""
    n = len(hh)
    pair = np.zeros(n + len(sh), dtype=np.int64)
    for col in _PAIR:
        both = np.concatenate([hh[col].to_numpy(dtype=object), sh[col].to_numpy(dtype=object)])
        codes, uniques = pd.factorize(both, use_na_sentinel=False)
        pair = pair * (len(uniques) + 1) + codes
    return pair[:n], pair[n:]


def _furthest_history(
    hh: pd.DataFrame, sh: pd.DataFrame, ts: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per household row: whether its household and project have any dated history, and the
    stage and date of the furthest step reached on or before ``ts`` (NaN/NaT where none).

    "Furthest" is the highest stage in procedure order, then (for a step recorded more than
    once) the greatest date, then the last in the file — what a stable sort by stage rank and
    date keeping the last row per pair gives. The dates' order does not matter: a recovery
    decision dated after the payment leaves the household at ``paid``. Vectorised (one
    lexsort), since the weekly series calls this once per week.
    """
    hh_pair, sh_pair = _pair_codes(hh, sh)
    st_codes, st_uniques = pd.factorize(sh["stage"])
    rank_of = np.array([STAGE_ORDER.get(u, np.inf) for u in st_uniques] + [np.inf], dtype="float64")
    dates = sh["date"].to_numpy()
    valid = (st_codes >= 0) & ~np.isnat(dates)
    has_history = np.isin(hh_pair, sh_pair[valid])
    idx = np.flatnonzero(valid & (dates <= ts.to_datetime64()))
    n = len(hh)
    hist_stage = np.full(n, np.nan, dtype=object)
    hist_date = np.full(n, np.datetime64("NaT"), dtype=dates.dtype)
    if len(idx):
        pairs = sh_pair[idx]
        order = np.lexsort((idx, dates[idx], rank_of[st_codes[idx]], pairs))
        last = order[np.append(pairs[order][1:] != pairs[order][:-1], True)]
        top_pair, top_row = pairs[last], idx[last]  # sorted by pair
        where = np.minimum(np.searchsorted(top_pair, hh_pair), len(top_pair) - 1)
        found = top_pair[where] == hh_pair
        rows = top_row[where[found]]
        hist_stage[found] = np.asarray(st_uniques, dtype=object)[st_codes[rows]]
        hist_date[found] = dates[rows]
    return has_history, hist_stage, hist_date


def grievance_state(ws: Workspace, as_of: date) -> pd.DataFrame:
    """Grievances received by ``as_of`` with ``is_open``, ``deadline`` and ``is_overdue``.

    A grievance resolved or withdrawn after ``as_of`` counts as open; it is
    overdue where ``as_of`` is later than ``received_date`` plus its deadline:
    the settlement period of its kind in force on its ``received_date``
    (:mod:`geo.legal`: a complaint's first or second settlement, 45/60 days
    where ``[legal] remote_area``; a denunciation; a petition's written
    answer; a land dispute's mediation), unless ``workspace.toml``
    ``[grievances.deadline_days]`` names the kind; 30 days (the contract's
    default) where the law sets none. ``acceptance_late`` marks a complaint
    accepted (``accepted_date``) more than 10 days after it was received
    (Law on Complaints 2011, Art. 27).
    """
    g = ws.grievances
    ts = pd.Timestamp(as_of)
    g = g[g["received_date"].notna() & (g["received_date"] <= ts)].copy()
    closed = g["status"].isin(CLOSED_STATUSES) & (g["resolved_date"].isna() | (g["resolved_date"] <= ts))
    g["is_open"] = ~closed
    g["deadline"] = g["received_date"] + pd.to_timedelta(_deadline_days(ws, g), unit="D")
    accepted = pd.to_datetime(g["accepted_date"], errors="coerce") if "accepted_date" in g else None
    if accepted is not None:
        due = legal.due_dates("complaint_acceptance", g["received_date"], legal.legal_settings(ws.config.raw).sets)
        g["acceptance_late"] = (g["kind"] == "complaint") & accepted.notna() & (accepted > due)
    else:
        g["acceptance_late"] = False
    g["is_overdue"] = g["is_open"] & (ts > g["deadline"])
    g["age_days"] = (ts - g["received_date"]).dt.days
    g["signatories"] = pd.to_numeric(g["signatories"], errors="coerce").fillna(1).astype("int64")
    return g


def _deadline_days(ws: Workspace, g: pd.DataFrame) -> np.ndarray:
    """Days to settle each grievance: the workspace's own setting for its kind, else the legal period in
    force on its received_date (:data:`geo.legal.KIND_PERIODS`), else the contract's default (30)."""
    settings = legal.legal_settings(ws.config.raw)
    default = float(ws.config.deadline_days.get("complaint", 30))
    days = g["kind"].map(ws.config.deadline_days).astype("float64").fillna(default)
    raw = ws.config.raw.get("grievances", {}) if isinstance(ws.config.raw, dict) else {}
    chosen = raw.get("deadline_days", {}) if isinstance(raw, dict) else {}
    chosen = set(chosen) if isinstance(chosen, dict) else set()
    second = g["settlement_round"].eq("second") if "settlement_round" in g else pd.Series(False, index=g.index)
    remote = "_remote" if settings.remote_area else ""
    for kind, name in legal.KIND_PERIODS.items():
        if kind in chosen:
            continue
        mine = g["kind"].eq(kind)
        if kind == "complaint":
            for mask, period in (
                (mine & ~second, f"complaint_first{remote}"),
                (mine & second, f"complaint_second{remote}"),
            ):
                law = legal.period_days(period, g["received_date"], settings.sets)
                days = days.where(~mask | law.isna(), law)
            continue
        law = legal.period_days(name, g["received_date"], settings.sets)
        days = days.where(~mine | law.isna(), law)
    out: np.ndarray = days.astype("int64").to_numpy()
    return out


def _selected_parcels(ws: Workspace, sel: Selection) -> gpd.GeoDataFrame:
    parcels = ws.parcels
    if sel.hamlets:
        parcels = parcels[parcels["hamlet_id"].isin(sel.hamlets)]
    if sel.land_uses:
        parcels = parcels[parcels["land_use"].isin(sel.land_uses)]
    return parcels


def household_slice(ws: Workspace, selection: Selection) -> pd.DataFrame:
    """The household rows of :func:`time_slice` alone: each row's stage on ``selection.as_of``
    (:func:`current_stages`) with ``area_m2``, filtered by the selection's project, hamlets, land uses
    and stages — without the grievances, reports and history a slice also carries (the weekly series
    needs one per week end)."""
    sel = selection
    hh = current_stages(ws, sel.as_of)
    hh = hh.assign(area_m2=hh["acquired_area_m2"].astype("float64").fillna(hh["parcel_area_m2"]))
    if sel.project:
        hh = hh[hh["project_id"] == sel.project]
    if sel.hamlets:
        hh = hh[hh["hamlet_id"].isin(sel.hamlets)]
    if sel.land_uses:
        hh = hh[hh["parcel_id"].isin(_selected_parcels(ws, sel)["parcel_id"])]
    if sel.stages:
        hh = hh[hh["stage"].isin(sel.stages)]
    return hh


def time_slice(ws: Workspace, selection: Selection | None = None) -> TimeSlice:
    """The state of ``ws`` on ``selection.as_of``, filtered by ``selection``.

    Parameters
    ----------
    ws : Workspace
        A loaded workspace.
    selection : Selection, optional
        Default: everything, on the workspace's default as-of date.

    Returns
    -------
    TimeSlice

    Example
    -------
    >>> sl = time_slice(ws, Selection.make(project="DA-DT242", as_of="2026-11-20"))  # doctest: +SKIP
    >>> sl.households["stage"].value_counts()  # doctest: +SKIP
    """
    sel = selection or Selection(as_of=ws.default_as_of())
    ts = pd.Timestamp(sel.as_of)
    hh = household_slice(ws, sel)
    g = grievance_state(ws, sel.as_of)
    hamlets = ws.hamlets
    projects = ws.projects
    parcels = _selected_parcels(ws, sel)
    if sel.project:
        in_project = set(ws.households.loc[ws.households["project_id"] == sel.project, "household_id"])
        g = g[(g["project_id"] == sel.project) | (g["project_id"].isna() & g["household_id"].isin(in_project))]
        projects = projects[projects["project_id"] == sel.project]
    if sel.hamlets:
        g = g[g["hamlet_id"].isin(sel.hamlets)]
        hamlets = hamlets[hamlets["hamlet_id"].isin(sel.hamlets)]
    fr = ws.field_reports
    fr = fr[fr["report_date"].notna() & (fr["report_date"] <= ts)]
    if sel.hamlets:
        fr = fr[fr["hamlet_id"].isin(sel.hamlets)]
    recent = fr[fr["report_date"] >= ts - pd.Timedelta(days=REPORT_WINDOW_DAYS - 1)]
    sh = ws.stage_history
    sh = sh[sh["date"].notna() & (sh["date"] <= ts)]
    if sel.project:
        sh = sh[sh["project_id"] == sel.project]
    return TimeSlice(sel, hh, g, fr, recent, hamlets, parcels, projects, sh)


def week_ends(as_of: date, weeks: int) -> list[date]:
    """The last ``weeks`` week-end dates up to ``as_of`` (``as_of`` itself last).

    Example
    -------
    >>> [d.isoformat() for d in week_ends(date(2026, 11, 20), 3)]
    ['2026-11-06', '2026-11-13', '2026-11-20']
    """
    return [as_of - timedelta(days=7 * k) for k in range(weeks - 1, -1, -1)]


__all__ = [
    "REPORT_WINDOW_DAYS",
    "Selection",
    "TimeSlice",
    "current_stages",
    "grievance_state",
    "household_slice",
    "time_slice",
    "week_ends",
]
