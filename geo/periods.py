"""The figures of a reporting period: this week's or month's analysis beside the previous one's.

A weekly or monthly report compares two analyses (:func:`geo.analyse`): on
the period's last day and on the day before it starts. "In the period" is
always the difference of the two slices (:func:`geo.selection.time_slice`),
so no date is filtered here. :func:`period_figures` computes every number a
report shows; the renderers (:mod:`geo.exports.report`) only word and lay
them out.

>>> import geo
>>> from geo.periods import period_figures
>>> ws = geo.load_workspace("data/hoson")                                   # doctest: +SKIP
>>> fig = period_figures(ws, geo.Selection.make(as_of="20/11/2026"), "week")  # doctest: +SKIP
>>> fig.projects[["project_id", "handed_over", "handed_over_prev"]]         # doctest: +SKIP
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import pandas as pd

from .analysis import Analysis, analyse
from .formatting import fmt_date, fmt_number
from .schema import STAGES
from .selection import Selection, TimeSlice
from .summary import HANDED_OVER, PAID
from .workspace import Workspace

PeriodKind = Literal["week", "month"]
"""A reporting period: the week (7 days) or the month ending on the as-of date."""


@dataclass(frozen=True)
class Period:
    """A reporting period ending on the as-of date.

    Attributes
    ----------
    kind : {"week", "month"}
    start, end : date
        First and last day (``end`` is the as-of date).
    previous_end : date
        The as-of date of the previous period (the day before ``start``):
        the report compares ``time_slice`` on ``end`` with ``time_slice``
        on ``previous_end``.
    """

    kind: PeriodKind
    start: date
    end: date
    previous_end: date

    @property
    def noun(self) -> str:
        """``"tuần"`` or ``"tháng"``."""
        return "tuần" if self.kind == "week" else "tháng"

    def title(self) -> str:
        """For the title: ``"tuần từ ngày 14/11 đến ngày 20/11/2026"`` or ``"tháng 11 năm 2026"``."""
        if self.kind == "month":
            return f"tháng {self.end.month} năm {self.end.year}"
        first = self.start.strftime("%d/%m") if self.start.year == self.end.year else fmt_date(self.start)
        return f"tuần từ ngày {first} đến ngày {fmt_date(self.end)}"

    def span(self) -> str:
        """``"từ ngày 21/10/2026 đến ngày 20/11/2026"``."""
        return f"từ ngày {fmt_date(self.start)} đến ngày {fmt_date(self.end)}"


def period_of(as_of: date, kind: PeriodKind = "week") -> Period:
    """The week (7 days) or month ending on ``as_of``.

    A month runs from the day after the same date of the previous month
    (clamped to that month's length) to ``as_of``.

    Example
    -------
    >>> p = period_of(date(2026, 11, 20), "week")
    >>> fmt_date(p.start), fmt_date(p.previous_end)
    ('14/11/2026', '13/11/2026')
    >>> period_of(date(2026, 3, 31), "month").previous_end.isoformat()
    '2026-02-28'
    """
    if kind == "week":
        prev = as_of - timedelta(days=7)
    elif kind == "month":
        year, month = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
        prev = date(year, month, min(as_of.day, calendar.monthrange(year, month)[1]))
    else:
        raise ValueError(f"period must be 'week' or 'month', not {kind!r}")
    return Period(kind, prev + timedelta(days=1), as_of, prev)


@dataclass
class PeriodFigures:
    """Everything a period report says, computed from two analyses.

    Attributes
    ----------
    selection : Selection
    period : Period
    slice, previous : TimeSlice
        On the as-of date and on ``period.previous_end``.
    hotspots, previous_hotspots : DataFrame
        The hotspot levels of each.
    summary, previous_summary : DataFrame
        The per-hamlet summary of each.
    projects : DataFrame
        :func:`project_progress`.
    grievances : dict
        :func:`grievance_changes`.
    analysis, previous_analysis : Analysis
        :func:`geo.analyse` on the as-of date and on ``period.previous_end``
        (the slices, levels and summaries above are theirs).
    """

    selection: Selection
    period: Period
    slice: TimeSlice
    previous: TimeSlice
    hotspots: pd.DataFrame
    previous_hotspots: pd.DataFrame
    summary: pd.DataFrame
    previous_summary: pd.DataFrame
    projects: pd.DataFrame
    grievances: dict
    analysis: Analysis
    previous_analysis: Analysis


def _per_household(hh: pd.DataFrame) -> pd.DataFrame:
    """One row per project × household: the least advanced stage of its rows."""
    if not len(hh):
        return pd.DataFrame(
            {
                "project_id": pd.Series(dtype=object),
                "household_id": pd.Series(dtype=object),
                "rank": pd.Series(dtype="int64"),
            }
        )
    return hh.groupby(["project_id", "household_id"], dropna=False)["stage_rank"].min().rename("rank").reset_index()


def _project_names(ws: Workspace) -> dict[str, str]:
    """Project id → name (the id where the name is blank)."""
    p = ws.projects
    return {
        str(i): (str(n).strip() if pd.notna(n) else "") or str(i)
        for i, n in zip(p["project_id"], p["project_name"])
        if pd.notna(i)
    }


def project_progress(ws: Workspace, current: TimeSlice, previous: TimeSlice) -> pd.DataFrame:
    """Progress of each project of the selection on the as-of date and the change since the previous period.

    A household counts as handed over (paid) for a project where every one
    of its rows in that project has reached that stage.

    Returns
    -------
    DataFrame
        ``project_id, project_name, handover_deadline, households, handed_over,
        handed_over_prev, handover_pct, area_m2, area_handed_m2, households_paid,
        paid_vnd, stage_counts`` (dict stage → households whose least advanced
        row is at that stage), ``days_left``, ``status`` and ``assessment``.
    """
    as_of = current.selection.as_of
    names = _project_names(ws)
    deadlines = {str(p): d for p, d in zip(ws.projects["project_id"], ws.projects["handover_deadline"])}
    ids = [str(p) for p in current.projects["project_id"].dropna()]
    ids += sorted({str(p) for p in current.households["project_id"].dropna()} - set(ids))
    hh = current.households
    per = _per_household(hh)
    per_prev = _per_household(previous.households)
    period_days = max(1, (as_of - previous.selection.as_of).days)
    rows = []
    for pid in ids:
        mine = per[per["project_id"] == pid]
        prev = per_prev[per_prev["project_id"] == pid]
        rows_p = hh[hh["project_id"] == pid]
        n = int(mine["household_id"].nunique())
        done = int((mine["rank"] >= HANDED_OVER).sum())
        done_prev = int((prev["rank"] >= HANDED_OVER).sum())
        paid_rows = rows_p[rows_p["stage_rank"] >= PAID]
        deadline = deadlines.get(pid)
        deadline = None if deadline is None or pd.isna(deadline) else pd.Timestamp(deadline).date()
        stage_counts = {STAGES.keys[int(r)]: int(c) for r, c in mine["rank"].value_counts().sort_index().items()}
        rec = {
            "project_id": pid,
            "project_name": names.get(pid, pid),
            "handover_deadline": deadline,
            "households": n,
            "handed_over": done,
            "handed_over_prev": done_prev,
            "handover_pct": round(done / n * 100, 2) if n else 0.0,
            "area_m2": float(rows_p["area_m2"].sum()),
            "area_handed_m2": float(rows_p.loc[rows_p["stage_rank"] >= HANDED_OVER, "area_m2"].sum()),
            "households_paid": int((mine["rank"] >= PAID).sum()),
            "paid_vnd": float(pd.to_numeric(paid_rows["compensation_vnd"], errors="coerce").sum()),
            "stage_counts": stage_counts,
            "days_left": (deadline - as_of).days if deadline else None,
        }
        rec["status"], rec["assessment"] = _assess(rec, period_days)
        rows.append(rec)
    return pd.DataFrame(
        rows,
        columns=[
            "project_id",
            "project_name",
            "handover_deadline",
            "households",
            "handed_over",
            "handed_over_prev",
            "handover_pct",
            "area_m2",
            "area_handed_m2",
            "households_paid",
            "paid_vnd",
            "stage_counts",
            "days_left",
            "status",
            "assessment",
        ],
    )


def _assess(p: dict, period_days: int) -> tuple[str, str]:
    """A short status and a sentence: on time, at risk of delay, late, done."""
    n, done = p["households"], p["handed_over"]
    remaining = n - done
    if n == 0:
        return "Chưa có hộ", "Chưa có hộ bị thu hồi đất trong phạm vi báo cáo."
    if remaining == 0:
        return "Hoàn thành", "Đã bàn giao toàn bộ mặt bằng."
    deadline, days = p["handover_deadline"], p["days_left"]
    per_week = (done - p["handed_over_prev"]) / period_days * 7
    rate = f"kỳ này bàn giao thêm {fmt_number(done - p['handed_over_prev'])} hộ"
    if deadline is None:
        return "Chưa có hạn", f"Chưa có hạn bàn giao mặt bằng; còn {fmt_number(remaining)} hộ chưa bàn giao ({rate})."
    if days < 0:
        text = (
            f"Đã quá hạn bàn giao {fmt_number(-days)} ngày (hạn {fmt_date(deadline)}); còn "
            f"{fmt_number(remaining)} hộ chưa bàn giao ({rate})."
        )
        return "Chậm tiến độ", text
    weeks = max(days / 7, 1 / 7)
    need = math.ceil(remaining / weeks)
    if per_week * weeks >= remaining:
        text = (
            f"Còn {fmt_number(days)} ngày đến hạn ({fmt_date(deadline)}), còn {fmt_number(remaining)} "
            f"hộ chưa bàn giao; giữ tốc độ như kỳ này ({fmt_number(per_week, 1)} hộ/tuần) thì kịp hạn."
        )
        return "Đúng tiến độ", text
    text = (
        f"Còn {fmt_number(days)} ngày đến hạn ({fmt_date(deadline)}), còn {fmt_number(remaining)} hộ "
        f"chưa bàn giao: cần bình quân {fmt_number(need)} hộ/tuần, {rate}."
    )
    return "Nguy cơ chậm", text


def grievance_changes(current: TimeSlice, previous: TimeSlice) -> dict:
    """Grievances received, resolved, withdrawn and overdue in the period (two slices compared).

    Returns
    -------
    dict
        ``received``, ``resolved``, ``withdrawn``, ``open``, ``overdue``,
        ``new_overdue`` (DataFrames of the current slice), ``overdue_prev``
        and ``open_prev`` (counts).
    """
    cur, prev = current.grievances, previous.grievances
    known = set(prev["grievance_id"])
    closed_prev = set(prev.loc[~prev["is_open"].astype(bool), "grievance_id"])
    overdue_prev = set(prev.loc[prev["is_overdue"].astype(bool), "grievance_id"])
    is_open = cur["is_open"].astype(bool)
    newly_closed = cur[~is_open & ~cur["grievance_id"].isin(closed_prev)]
    open_now = cur[is_open]
    overdue = open_now[open_now["is_overdue"].astype(bool)]
    return {
        "received": cur[~cur["grievance_id"].isin(known)],
        "resolved": newly_closed[newly_closed["status"] != "withdrawn"],
        "withdrawn": newly_closed[newly_closed["status"] == "withdrawn"],
        "open": open_now,
        "overdue": overdue,
        "new_overdue": overdue[~overdue["grievance_id"].isin(overdue_prev)],
        "open_prev": int(prev["is_open"].astype(bool).sum()),
        "overdue_prev": len(overdue_prev),
    }


def period_figures(
    ws: Workspace, selection: Selection | None = None, period: PeriodKind = "week", analysis: Analysis | None = None
) -> PeriodFigures:
    """The numbers of a report: this period's slice, the previous one, and what changed.

    Example
    -------
    >>> data = report_data(ws, geo.Selection.make(project="DA-DT242", as_of="20/11/2026"))  # doctest: +SKIP
    >>> data.projects[["project_id", "handed_over", "handed_over_prev"]]  # doctest: +SKIP
    """
    now = analysis if analysis is not None else analyse(ws, selection or Selection(as_of=ws.default_as_of()))
    sel = now.selection
    per = period_of(sel.as_of, period)
    before = analyse(ws, sel.with_as_of(per.previous_end), config=now.config)
    sl, psl = now.slice, before.slice
    return PeriodFigures(
        sel,
        per,
        sl,
        psl,
        now.levels,
        before.levels,
        now.summary,
        before.summary,
        project_progress(ws, sl, psl),
        grievance_changes(sl, psl),
        now,
        before,
    )
