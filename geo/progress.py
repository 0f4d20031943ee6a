"""Handover progress week by week, and an honest forecast of the completion date.

:func:`weekly_progress` is one :func:`geo.selection.household_slice` (a time slice's households) per week end
(:func:`geo.selection.week_ends`): the share of each project's households
(and acquired area) handed over on that day, exactly as the per-hamlet
summary would count it on that day. Nothing here reads a date column to
count: stages on each day come from the time slice (the furthest step in
procedure order recorded by then, so a household that hands over before its
recovery decision counts as handed over from the handover's week).

:func:`completion_forecast` projects the completion date of one project from
the pace of the last weeks, with an interval, or says plainly that no
forecast can be made ("không dự báo được").

Example
-------
>>> import geo
>>> ws = geo.load_workspace("data/hoson")                               # doctest: +SKIP
>>> prog = geo.weekly_progress(ws, geo.Selection.make(as_of="2026-11-20"))  # doctest: +SKIP
>>> print(geo.completion_forecast(prog, "DA-DT242"))                    # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd

from .schema import STAGE_ORDER
from .selection import Selection, household_slice, week_ends
from .workspace import Workspace

HANDED_OVER = STAGE_ORDER["handed_over"]

PROGRESS_COLUMNS = (
    "project_id",
    "project_name",
    "week_end",
    "households",
    "handed_over",
    "share_pct",
    "area_m2",
    "area_handed_over_m2",
    "area_share_pct",
    "deadline",
)
"""Columns of :func:`weekly_progress`, in order."""

PROGRESS_LABELS = {
    "project_id": "Mã dự án",
    "project_name": "Tên dự án",
    "week_end": "Đến ngày",
    "households": "Tổng số hộ",
    "handed_over": "Số hộ đã bàn giao",
    "share_pct": "Tỷ lệ hộ bàn giao (%)",
    "area_m2": "Diện tích thu hồi (m²)",
    "area_handed_over_m2": "Diện tích đã bàn giao (m²)",
    "area_share_pct": "Tỷ lệ diện tích bàn giao (%)",
    "deadline": "Hạn bàn giao",
}
"""Vietnamese headers of :func:`weekly_progress` for tables and charts."""

MAX_AUTO_WEEKS = 104
"""The longest series ``weekly_progress(..., weeks=None)`` builds (two years)."""

Measure = Literal["households", "area"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in PROGRESS_COLUMNS})


def _auto_weeks(ws: Workspace, as_of: date) -> int:
    """Weeks from the first dated stage to ``as_of`` (at least 2, at most :data:`MAX_AUTO_WEEKS`).

    Only the span of the chart: every count still comes from the time slice.
    """
    ts = pd.Timestamp(as_of)
    dates = [
        s[s.notna() & (s <= ts)].min()
        for s in (ws.stage_history.get("date"), ws.households.get("stage_date"))
        if s is not None and len(s)
    ]
    dates = [d for d in dates if pd.notna(d)]
    if not dates:
        return 2
    return int(min(MAX_AUTO_WEEKS, max(2, (as_of - min(dates).date()).days // 7 + 2)))


def weekly_progress(ws: Workspace, selection: Selection | None = None, weeks: int | None = 26) -> pd.DataFrame:
    """Households and area handed over per project, at the end of each of the last weeks.

    Each week end (``as_of``, ``as_of − 7``, …) is one
    :func:`~geo.selection.time_slice` of the selection on that day, so a
    household's stage on a week end is what the per-hamlet summary would
    say on that day. A household counts as handed over in a project where
    every one of its rows of that project (in the selected hamlets and land
    uses) is at ``handed_over``, as in the summary.

    The denominator is fixed: the project's households (and acquired area)
    counted on ``selection.as_of`` — the whole site known on the reporting
    date, which has to be handed over by the deadline — so the share never
    falls because new households were notified.

    Parameters
    ----------
    ws : Workspace
        A loaded workspace.
    selection : Selection, optional
        Project, hamlets, land uses and the last week end (``as_of``).
        Default: everything on the workspace's as-of date. Its ``stages``
        filter is ignored (progress needs every stage).
    weeks : int or None, default 26
        How many week ends, ``as_of`` last. ``None``: from the week of the
        first dated stage (stage_history or stage_date) up to ``as_of``, at
        most :data:`MAX_AUTO_WEEKS`; only the span is read from the dates.

    Returns
    -------
    DataFrame
        One row per project (with households in the selection) × week end,
        by project then week
        (:data:`PROGRESS_COLUMNS`): ``week_end`` and ``deadline`` are
        :class:`datetime.date` (``deadline`` None where the project has
        none); ``share_pct`` and ``area_share_pct`` are percentages with
        two decimals (0 where the project has no households or area).
        Empty (with those columns) where the selection has no households.

    Raises
    ------
    ValueError
        Where ``weeks`` is less than 1.

    Example
    -------
    >>> import geo
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> sel = geo.Selection.make(project="DA-DT242", as_of="2026-11-20")  # doctest: +SKIP
    >>> prog = geo.weekly_progress(ws, sel, weeks=8)  # doctest: +SKIP
    >>> prog[["week_end", "handed_over", "households", "share_pct"]].tail(3)  # doctest: +SKIP
    """
    sel = replace(selection or Selection(as_of=ws.default_as_of()), stages=())
    n = _auto_weeks(ws, sel.as_of) if weeks is None else int(weeks)
    if n < 1:
        raise ValueError("weeks must be at least 1")
    days = week_ends(sel.as_of, n)
    base = household_slice(ws, sel).dropna(subset=["household_id", "project_id"])
    if not len(base):
        return _empty()
    # stage rank of every base row on every week end (0 where not yet counted)
    ranks = np.zeros((len(base), n), dtype=np.int16)
    for j, day in enumerate(days):
        hh = base if day == sel.as_of else household_slice(ws, sel.with_as_of(day))
        ranks[:, j] = hh["stage_rank"].reindex(base.index).fillna(0).to_numpy(dtype=np.int16)
    handed = pd.DataFrame(ranks >= HANDED_OVER, index=base.index)
    keys = [base["project_id"].astype(str), base["household_id"].astype(str)]
    per_household = handed.groupby(keys).min()
    done = per_household.groupby(level=0).sum()  # projects × weeks
    area = base["area_m2"].astype("float64").fillna(0.0)
    area_done = handed.mul(area, axis=0).groupby(keys[0]).sum()
    totals = per_household.groupby(level=0).size()
    area_total = area.groupby(keys[0]).sum()
    projects = done.index.to_numpy()
    n_proj = len(projects)
    households = np.repeat(totals.reindex(projects).to_numpy(), n)
    handed_over = done.to_numpy().ravel()
    area_all = np.repeat(area_total.reindex(projects).to_numpy(), n)
    area_handed = area_done.reindex(projects).to_numpy().ravel()
    names = dict(zip(ws.projects["project_id"].astype(str), ws.projects["project_name"].astype(str)))
    deadline_of = {
        str(p): pd.Timestamp(d).date()
        for p, d in zip(ws.projects["project_id"], ws.projects["handover_deadline"])
        if pd.notna(d)
    }
    out = pd.DataFrame(
        {
            "project_id": np.repeat(projects, n),
            "project_name": [names.get(p, p) for p in np.repeat(projects, n)],
            "week_end": np.tile(np.array(days, dtype=object), n_proj),
            "households": households.astype("int64"),
            "handed_over": handed_over.astype("int64"),
            "share_pct": _pct(handed_over, households),
            "area_m2": area_all.round(2),
            "area_handed_over_m2": area_handed.round(2),
            "area_share_pct": _pct(area_handed, area_all),
            "deadline": [deadline_of.get(p) for p in np.repeat(projects, n)],
        }
    )
    return out[list(PROGRESS_COLUMNS)]


def _pct(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    part = np.asarray(part, dtype="float64")
    whole = np.asarray(whole, dtype="float64")
    pct = np.divide(part * 100.0, whole, out=np.zeros_like(part), where=whole > 0)
    return np.clip(pct, 0.0, 100.0).round(2)


# --------------------------------------------------------------------------- forecast

FORECAST_METHOD = (
    "Tốc độ bàn giao trung bình của {window} tuần gần nhất; khoảng tin cậy {level:.0%} bằng bootstrap "
    "số bàn giao từng tuần ({n_boot} lần lấy mẫu lại). / Mean weekly handover over the last {window} weeks; "
    "{level:.0%} interval by bootstrapping the weekly increments ({n_boot} resamples)."
)


@dataclass(frozen=True)
class Forecast:
    """A projected completion date of one project, with its uncertainty.

    Attributes
    ----------
    project_id, project_name : str
    as_of : date
        The last week end of the progress series (the forecast's start).
    measure : {"households", "area"}
        What is counted: households (``rate`` in households per week) or
        acquired area (m² per week).
    total, done, remaining : float
        On ``as_of``, in the unit of ``measure``.
    deadline : date or None
        The project's handover deadline.
    status : {"forecast", "done", "none"}
        ``forecast``: dates below are set; ``done``: everything is handed
        over (``expected`` is the first week end at 100 %, where the series
        shows it); ``none``: no forecast can be made ("không dự báo được"),
        ``note`` says why.
    rate, rate_low, rate_high : float or None
        The mean weekly increment over the window and its interval.
    expected : date or None
        ``as_of`` + remaining / rate.
    earliest, latest : date or None
        The interval of the completion date (``latest`` None where the slow
        end of the rate interval is zero or less: no upper bound).
    p_on_time : float or None
        The share of bootstrap resamples that finish by the deadline (None
        without a deadline or forecast).
    window_weeks : int
        Weekly increments used.
    level : float
        The interval's coverage (e.g. 0.8 for the 10th–90th percentiles).
    method, note : str
        How it was computed; why there is no forecast, or a caveat.
    """

    project_id: str
    project_name: str
    as_of: date
    measure: str
    total: float
    done: float
    remaining: float
    deadline: date | None
    status: str
    rate: float | None = None
    rate_low: float | None = None
    rate_high: float | None = None
    expected: date | None = None
    earliest: date | None = None
    latest: date | None = None
    p_on_time: float | None = None
    window_weeks: int = 0
    level: float = 0.8
    method: str = ""
    note: str = ""

    @property
    def ok(self) -> bool:
        """True where there is a completion date (forecast or done)."""
        return self.status in ("forecast", "done")

    @property
    def late(self) -> bool | None:
        """Whether the expected completion is after the deadline (None where unknown)."""
        if self.deadline is None or self.expected is None:
            return None
        return self.expected > self.deadline

    def projection(self, until: date | None = None) -> pd.DataFrame:
        """The projected share week by week from ``as_of``, at the rate and its interval (for charts).

        Parameters
        ----------
        until : date, optional
            The last week end to project to. Default: the latest completion
            date (where unbounded, twice as far as the expected one), and at
            least the deadline.

        Returns
        -------
        DataFrame
            ``week_end`` (date, ``as_of`` first), ``share_pct`` (at ``rate``),
            ``share_low_pct`` and ``share_high_pct`` (at ``rate_low`` and
            ``rate_high``), capped at 100; empty unless ``status`` is
            ``"forecast"``.

        Example
        -------
        >>> p = f.projection()  # doctest: +SKIP
        >>> ax.fill_between(p["week_end"], p["share_low_pct"], p["share_high_pct"], alpha=0.2)  # doctest: +SKIP
        """
        cols = ["week_end", "share_pct", "share_low_pct", "share_high_pct"]
        rate, low, high, expected = self.rate, self.rate_low, self.rate_high, self.expected
        if self.status != "forecast" or rate is None or low is None or high is None or expected is None:
            return pd.DataFrame(columns=cols)  # a forecast sets all four
        if until is None:
            until = self.latest or self.as_of + 2 * (expected - self.as_of)
            if self.deadline is not None:
                until = max(until, self.deadline)
        weeks = np.arange(0, max(0, (until - self.as_of).days) // 7 + 2)
        days = [self.as_of + timedelta(days=7 * int(k)) for k in weeks]

        def share(rate: float) -> np.ndarray:
            return np.clip((self.done + max(rate, 0.0) * weeks) / self.total * 100.0, 0.0, 100.0).round(2)

        return pd.DataFrame(
            {
                "week_end": days,
                "share_pct": share(rate),
                "share_low_pct": share(low),
                "share_high_pct": share(high),
            }
        )

    def as_row(self) -> dict:
        """The forecast as a flat dict (one row of :func:`forecast_table`)."""
        return asdict(self)

    def __str__(self) -> str:
        unit = "hộ" if self.measure == "households" else "m²"
        name = f"{self.project_name} ({self.project_id})"
        if self.status == "done":
            when = f" từ {_d(self.expected)}" if self.expected else ""
            return f"{name}: đã bàn giao xong{when}. / Handed over completely."
        if self.status == "none":
            return f"{name}: không dự báo được — {self.note}"
        latest = _d(self.latest) if self.latest else "không xác định / unbounded"
        text = (
            f"{name}: còn {_n(self.remaining)} {unit}; tốc độ {_n(self.rate, 1)} {unit}/tuần "
            f"({_n(self.rate_low, 1)}–{_n(self.rate_high, 1)}); dự kiến xong {_d(self.expected)} "
            f"(khoảng {self.level:.0%}: {_d(self.earliest)} – {latest})"
        )
        if self.deadline is not None:
            text += f"; hạn {_d(self.deadline)}"
            if self.deadline < self.as_of:
                text += " (đã quá hạn / past the deadline)"
            elif self.p_on_time is not None:
                text += f", khả năng kịp hạn ≈ {self.p_on_time:.0%}"
        return text + "."


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _n(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def completion_forecast(
    progress: pd.DataFrame,
    project: str,
    *,
    window: int = 8,
    min_weeks: int = 4,
    measure: Measure = "households",
    level: float = 0.8,
    n_boot: int = 2000,
    seed: int = 0,
) -> Forecast:
    """Project when a project's site will be fully handed over, with an interval.

    Method: take the project's last ``window`` weekly increments of
    households handed over (or area, ``measure="area"``) from
    :func:`weekly_progress`. The rate is their mean (= the straight line
    through the first and last week of the window); the remaining
    households divided by the rate give the expected completion date.
    Uncertainty: the increments are resampled with replacement ``n_boot``
    times (a bootstrap); the ``level`` percentile interval of the resampled
    mean rates gives the rate interval, and remaining / rate of each
    resample gives the interval of the date and the chance of finishing by
    the deadline.

    Assumptions, to state with the result: the recent pace continues; weeks
    are alike and independent (no trend, no seasons, no holiday breaks);
    every remaining household is as quick as the recent ones. In practice
    the last households of a site are often the hardest (disputes,
    resettlement), so the forecast tends to be optimistic, and with few weeks
    the interval itself is rough. It describes the pace, not a plan.

    No forecast ("không dự báo được", ``status="none"``) where the series is
    shorter than ``min_weeks`` increments, where the project has no
    households, or where the rate over the window is zero or negative (no
    handover in the last weeks: the date would be infinite).

    Parameters
    ----------
    progress : DataFrame
        :func:`weekly_progress` output (any number of projects).
    project : str
        The project's id.
    window : int, default 8
        Weeks of increments used (the last ones; fewer where the series is shorter).
    min_weeks : int, default 4
        Fewest increments for a forecast.
    measure : {"households", "area"}, default "households"
        Count households (``handed_over``) or acquired area (``area_handed_over_m2``).
    level : float, default 0.8
        Coverage of the interval (0.8: 10th–90th percentiles).
    n_boot : int, default 2000
        Bootstrap resamples.
    seed : int, default 0
        Seed of the resampling, so the same data give the same interval.

    Returns
    -------
    Forecast

    Raises
    ------
    ValueError
        Where ``project`` is not in ``progress``, or an argument is out of range.

    Example
    -------
    >>> import geo
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> prog = geo.weekly_progress(ws, weeks=26)  # doctest: +SKIP
    >>> f = geo.completion_forecast(prog, "DA-CCN")  # doctest: +SKIP
    >>> f.status, f.expected, f.earliest, f.latest, f.p_on_time  # doctest: +SKIP
    >>> print(f)  # doctest: +SKIP
    """
    if measure not in ("households", "area"):
        raise ValueError("measure must be 'households' or 'area'")
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    if window < 1 or min_weeks < 1 or n_boot < 1:
        raise ValueError("window, min_weeks and n_boot must be at least 1")
    rows = progress[progress["project_id"] == project].sort_values("week_end")
    if not len(rows):
        raise ValueError(f"project {project!r} is not in the progress table")
    done_col, total_col = (
        ("handed_over", "households") if measure == "households" else ("area_handed_over_m2", "area_m2")
    )
    last = rows.iloc[-1]
    deadline = last["deadline"] if isinstance(last["deadline"], date) else None
    as_of = last["week_end"]
    total, done = float(last[total_col]), float(last[done_col])
    remaining = max(total - done, 0.0)
    common = {
        "project_id": str(project),
        "project_name": str(last["project_name"]),
        "as_of": as_of,
        "measure": measure,
        "total": total,
        "done": done,
        "remaining": remaining,
        "deadline": deadline,
        "level": level,
    }
    if total <= 0:
        return Forecast(
            **common, status="none", note="dự án không có hộ nào trong lựa chọn / the project has nothing to hand over"
        )
    if remaining <= 1e-9:
        series = rows[done_col].to_numpy(dtype="float64")
        first = int(np.argmax(series >= total - 1e-9))
        when = rows["week_end"].iloc[first] if first > 0 else None
        return Forecast(**common, status="done", expected=when, note="đã bàn giao toàn bộ / everything is handed over")
    series = rows[done_col].to_numpy(dtype="float64")[-(window + 1) :]
    increments = np.diff(series)
    k = len(increments)
    method = FORECAST_METHOD.format(window=k, level=level, n_boot=n_boot)
    if k < min_weeks:
        return Forecast(
            **common,
            status="none",
            window_weeks=k,
            method=method,
            note=f"chưa đủ số liệu: {k} tuần, cần ít nhất {min_weeks} / too short: {k} weekly "
            f"increments, {min_weeks} needed",
        )
    rate = float(increments.mean())
    if rate <= 0:
        return Forecast(
            **common,
            status="none",
            window_weeks=k,
            method=method,
            rate=rate,
            note=f"không có tiến triển bàn giao trong {k} tuần gần nhất / no handover progress in the last {k} weeks",
        )
    rng = np.random.default_rng(seed)
    rates = increments[rng.integers(0, k, size=(n_boot, k))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    rate_low, rate_high = (float(v) for v in np.quantile(rates, [tail, 1.0 - tail]))
    with np.errstate(divide="ignore"):
        days_needed = np.where(rates > 0, remaining / np.where(rates > 0, rates, 1.0) * 7.0, np.inf)
    expected = _after(as_of, remaining / rate * 7.0)
    earliest = _after(as_of, remaining / rate_high * 7.0)
    latest = _after(as_of, remaining / rate_low * 7.0) if rate_low > 0 else None
    p_on_time = None
    if deadline is not None:
        p_on_time = float(np.mean(days_needed <= (deadline - as_of).days)) if deadline >= as_of else 0.0
    note = (
        (
            "khoảng tin cậy không có cận trên: có lần lấy mẫu không có tiến triển / the interval has no upper "
            "bound: some resamples show no progress"
        )
        if latest is None
        else ""
    )
    return Forecast(
        **common,
        status="forecast",
        rate=round(rate, 3),
        rate_low=round(rate_low, 3),
        rate_high=round(rate_high, 3),
        expected=expected,
        earliest=earliest,
        latest=latest,
        p_on_time=p_on_time,
        window_weeks=k,
        method=method,
        note=note,
    )


def _after(start: date, days: float) -> date:
    return start + timedelta(days=math.ceil(days - 1e-9))


def forecast_table(progress: pd.DataFrame, **options) -> pd.DataFrame:
    """:func:`completion_forecast` of every project in ``progress``, one row each.

    Parameters
    ----------
    progress : DataFrame
        :func:`weekly_progress` output.
    **options
        Passed to :func:`completion_forecast` (``window``, ``measure``, ``level``, …).

    Returns
    -------
    DataFrame
        The :class:`Forecast` fields, one row per project (empty where
        ``progress`` is).

    Example
    -------
    >>> table = geo.forecast_table(prog)  # doctest: +SKIP
    >>> table[["project_id", "status", "expected", "earliest", "latest", "p_on_time"]]  # doctest: +SKIP
    """
    rows = [completion_forecast(progress, p, **options).as_row() for p in progress["project_id"].unique()]
    return pd.DataFrame(rows, columns=list(Forecast.__dataclass_fields__))


__all__ = [
    "FORECAST_METHOD",
    "MAX_AUTO_WEEKS",
    "PROGRESS_COLUMNS",
    "PROGRESS_LABELS",
    "Forecast",
    "completion_forecast",
    "forecast_table",
    "weekly_progress",
]
