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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import pandas as pd

from .analysis import Analysis, analyse
from .formatting import fmt_date, fmt_number
from .hotspots.scope import is_hamlet_wide
from .schema import KINDS, MOODS, STAGES, TOPICS
from .selection import Selection, TimeSlice
from .summary import HANDED_OVER, PAID, Headline, Reconciliation, reconcile
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


EnumCounts = tuple[dict[str, int], int]
"""Counts of an enumeration's values: ``({key: count}, others)``, keys in the enumeration's order, zeros left out."""


def enum_counts(values: pd.Series, keys: Sequence[str]) -> EnumCounts:
    """How often each key occurs in ``values``, and how many values are none of them (blanks not counted).

    Example
    -------
    >>> enum_counts(pd.Series(["b", "a", "b", "x", None]), ("a", "b", "c"))
    ({'a': 1, 'b': 2}, 1)
    """
    counts = values.value_counts()
    known = {k: int(counts[k]) for k in keys if counts.get(k)}
    other = int(counts.drop([k for k in keys if k in counts.index]).sum()) if len(counts) else 0
    return known, other


def _hamlet_names(sl: TimeSlice) -> dict[str, str]:
    h = sl.hamlets
    return {str(i): str(n) for i, n in zip(h["hamlet_id"], h["hamlet_name"])}


@dataclass(frozen=True)
class HamletFigures:
    """The per-hamlet table of a report.

    Attributes
    ----------
    rows : DataFrame
        The summary rows shown (with a project selected, hamlets with no
        household, no open grievance and no alert are left out).
    left_out : list of str
        The names of the hamlets left out.
    affected : int
        Hamlets with households whose land is recovered.
    count : int
        Hamlets of the selection.
    note : str
        Why the hamlet rows alone do not add up to the headline (Vietnamese).
    totals : Reconciliation
        The "not placed" and overlap rows and the total under ``rows``.
    """

    rows: pd.DataFrame
    left_out: list[str]
    affected: int
    count: int
    note: str
    totals: Reconciliation


def hamlet_figures(sl: TimeSlice, summary: pd.DataFrame) -> HamletFigures:
    """The rows of the per-hamlet table, the hamlets left out and the totals (see :class:`HamletFigures`)."""
    s = summary
    affected = int((s["households"] > 0).sum())
    note = reconcile(sl, s).note_vi
    left_out: list[str] = []
    if sl.selection.project:
        quiet = (s["households"] == 0) & (s["grievances_open"] == 0) & (s["hotspot_level"] == "none")
        left_out = [str(n) for n in s.loc[quiet, "hamlet_name"]]
        s = s[~quiet]
    return HamletFigures(s, left_out, affected, len(summary), note, reconcile(sl, s))


def project_overlap(projects: pd.DataFrame, now: Headline, before: Headline) -> dict[str, int]:
    """Households counted in more than one project: ``households``, ``handed_over`` and ``handed_over_delta``.

    The per-project rows count a household in each of its projects; the
    headline counts it once. These are the differences.
    """
    return {
        "households": int(projects["households"].sum()) - now.households,
        "handed_over": int(projects["handed_over"].sum()) - now.handed_over,
        "handed_over_delta": int((projects["handed_over"] - projects["handed_over_prev"]).sum())
        - (now.handed_over - before.handed_over),
    }


_GRAVITY = {"gathering_risk": 0, "agitated": 1, "concerned": 2}


@dataclass(frozen=True)
class HamletMood:
    """One hamlet's notable field reports of the period: the gravest, latest one and the count by mood."""

    hamlet_id: str
    latest: pd.Series
    reports: int
    moods: EnumCounts


@dataclass(frozen=True)
class FieldReportFigures:
    """The party cells' field reports received in the period.

    Attributes
    ----------
    reports : int
        Reports received in the period (of the hamlets involved, with a project selected).
    hamlets_reporting : int
        Hamlets that sent them.
    moods : EnumCounts
        The reports by mood.
    notable : list of HamletMood
        Hamlets with a concerned, agitated or gathering-risk report, the gravest first.
    silent : list of str
        Ids of the hamlets (involved) that sent none.
    """

    reports: int
    hamlets_reporting: int
    moods: EnumCounts
    notable: list[HamletMood]
    silent: list[str]


def field_report_changes(current: TimeSlice, previous: TimeSlice, summary: pd.DataFrame) -> FieldReportFigures:
    """The field reports received in the period (a report in ``current`` and not in ``previous``)."""
    cur, prev = current.field_reports, previous.field_reports
    fresh = cur[~cur.index.isin(prev.index)]
    hamlets = current.hamlets
    if current.selection.project:
        involved = set(summary.loc[summary["households"] > 0, "hamlet_id"])
        fresh = fresh[fresh["hamlet_id"].isin(involved)]
        hamlets = hamlets[hamlets["hamlet_id"].isin(involved)]
    notable = fresh[fresh["mood"].isin(list(_GRAVITY))]
    notable = notable.assign(_o=notable["mood"].map(_GRAVITY)).sort_values(
        ["_o", "report_date"], ascending=[True, False]
    )
    moods = [
        HamletMood(str(hamlet), group.iloc[0], len(group), enum_counts(group["mood"], MOODS.keys))
        for hamlet, group in notable.groupby("hamlet_id", sort=False)
    ]
    sent = set(fresh["hamlet_id"])
    silent = [str(h) for h in hamlets["hamlet_id"] if h not in sent]
    return FieldReportFigures(
        len(fresh), int(fresh["hamlet_id"].nunique()), enum_counts(fresh["mood"], MOODS.keys), moods, silent
    )


@dataclass(frozen=True)
class LevelChanges:
    """Each hamlet's hotspot level on the as-of date and at the end of the previous period.

    Attributes
    ----------
    table : DataFrame
        Indexed by hamlet id (the slice's hamlets, in order): ``level``,
        ``before`` (``"none"`` where absent), ``wide`` and ``wide_before``
        (hamlet-wide alerts).
    counts, counts_before : dict
        Hamlets at each level, hamlet-wide alerts left out (they are named apart).
    wide, wide_before : int
        Hamlet-wide alerts.
    """

    table: pd.DataFrame
    counts: dict[str, int]
    counts_before: dict[str, int]
    wide: int
    wide_before: int


def level_changes(levels: pd.DataFrame, previous: pd.DataFrame, hamlet_ids: Sequence[str]) -> LevelChanges:
    """The hotspot level of each hamlet now and before, with the counts (see :class:`LevelChanges`)."""
    ids = list(hamlet_ids)
    cur, prev = levels.set_index("hamlet_id"), previous.set_index("hamlet_id")
    table = pd.DataFrame(
        {
            "level": cur["hotspot_level"].reindex(ids).fillna("none"),
            "before": prev["hotspot_level"].reindex(ids).fillna("none"),
            "wide": is_hamlet_wide(cur).reindex(ids).fillna(False).astype(bool),
            "wide_before": is_hamlet_wide(prev).reindex(ids).fillna(False).astype(bool),
        },
        index=pd.Index(ids, name="hamlet_id"),
    )

    def counts(level: pd.Series) -> dict[str, int]:
        return {str(k): int(v) for k, v in level.value_counts().items()}

    return LevelChanges(
        table,
        counts(table.loc[~table["wide"], "level"]),
        counts(table.loc[~table["wide_before"], "before"]),
        int(table["wide"].sum()),
        int(table["wide_before"].sum()),
    )


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
    overlap : dict
        :func:`project_overlap`: households counted in more than one project.
    hamlets : HamletFigures
        :func:`hamlet_figures`: the rows of the per-hamlet table and their totals.
    field_reports : FieldReportFigures
        :func:`field_report_changes`: the party cells' reports of the period.
    levels : LevelChanges
        :func:`level_changes`: each hamlet's hotspot level now and before.
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
    grievances: dict[str, Any]
    analysis: Analysis
    previous_analysis: Analysis
    overlap: dict[str, int]
    hamlets: HamletFigures
    field_reports: FieldReportFigures
    levels: LevelChanges

    def hamlet_names(self) -> dict[str, str]:
        """Hamlet id → name of the period's slice."""
        return _hamlet_names(self.slice)

    def not_handed_over(self) -> pd.DataFrame:
        """The household rows not yet handed over, by hamlet, project and household (personal data)."""
        hh = self.slice.households
        return hh[hh["stage_rank"] < HANDED_OVER].sort_values(["hamlet_id", "project_id", "household_id"])


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
        handed_over_prev, remaining`` (not yet handed over), ``handover_pct,
        area_m2, area_handed_m2, households_paid, paid_vnd, stage_counts`` (dict stage → households whose least advanced
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
            "remaining": n - done,
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
            "remaining",
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


def _assess(p: dict[str, Any], period_days: int) -> tuple[str, str]:
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


def grievance_changes(current: TimeSlice, previous: TimeSlice) -> dict[str, Any]:
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
    received = cur[~cur["grievance_id"].isin(known)]
    resolved = newly_closed[newly_closed["status"] != "withdrawn"]
    withdrawn = newly_closed[newly_closed["status"] == "withdrawn"]
    new_overdue = overdue[~overdue["grievance_id"].isin(overdue_prev)]
    collective = received[received["signatories"] >= 5]
    names = _hamlet_names(current)
    return {
        "received": received,
        "resolved": resolved,
        "withdrawn": withdrawn,
        "open": open_now,
        "overdue": overdue,
        "new_overdue": new_overdue,
        "open_prev": int(prev["is_open"].astype(bool).sum()),
        "overdue_prev": len(overdue_prev),
        "signatories": int(received["signatories"].sum()),
        "collective": len(collective),
        "collective_max": int(collective["signatories"].max()) if len(collective) else 0,
        "kinds": enum_counts(received["kind"], KINDS.keys),
        "topics": enum_counts(received["topic"], TOPICS.keys),
        "escalated": int((open_now["status"] == "escalated").sum()),
        "overdue_by_hamlet": overdue["hamlet_id"].map(names).value_counts(dropna=False),
        "by_kind": grievances_by_kind(received, resolved, withdrawn, open_now, overdue, new_overdue),
    }


def grievances_by_kind(*frames: pd.DataFrame) -> pd.DataFrame:
    """Grievances of each frame by kind: one row per kind, ``""`` for others (where any), then ``"total"``.

    Columns are the frames' positions (0, 1, …).
    """
    rows: dict[str, list[int]] = {}
    for kind in KINDS.keys:
        rows[kind] = [int((f["kind"] == kind).sum()) for f in frames]
    other = [int((~f["kind"].isin(KINDS.keys)).sum()) for f in frames]
    if any(other):
        rows[""] = other
    table = pd.DataFrame.from_dict(rows, orient="index", columns=range(len(frames)))
    table.loc["total"] = table.sum()
    return table


def period_figures(
    ws: Workspace, selection: Selection | None = None, period: PeriodKind = "week", analysis: Analysis | None = None
) -> PeriodFigures:
    """The numbers of a report: this period's slice, the previous one, and what changed.

    Parameters
    ----------
    ws : Workspace
    selection : Selection, optional
        Default: everything on the workspace's as-of date (the period's last day).
    period : {"week", "month"}
        See :func:`period_of`.
    analysis : Analysis, optional
        The analysis of ``selection`` where the caller has it (not computed again).

    Returns
    -------
    PeriodFigures

    Example
    -------
    >>> fig = period_figures(ws, geo.Selection.make(project="DA-DT242", as_of="20/11/2026"))  # doctest: +SKIP
    >>> fig.projects[["project_id", "handed_over", "handed_over_prev"]]  # doctest: +SKIP
    """
    now = analysis if analysis is not None else analyse(ws, selection or Selection(as_of=ws.default_as_of()))
    sel = now.selection
    per = period_of(sel.as_of, period)
    before = analyse(ws, sel.with_as_of(per.previous_end), config=now.config)
    sl, psl = now.slice, before.slice
    projects = project_progress(ws, sl, psl)
    return PeriodFigures(
        sel,
        per,
        sl,
        psl,
        now.levels,
        before.levels,
        now.summary,
        before.summary,
        projects,
        grievance_changes(sl, psl),
        now,
        before,
        project_overlap(projects, now.headline, before.headline),
        hamlet_figures(sl, now.summary),
        field_report_changes(sl, psl, now.summary),
        level_changes(now.levels, before.levels, list(_hamlet_names(sl))),
    )
