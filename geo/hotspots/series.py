"""Hotspot levels week by week: what is new, worse or better since the last report.

Each week's state is one :func:`geo.selection.time_slice` at the week's end
(``as_of``, ``as_of − 7``, …; :func:`geo.selection.week_ends`), so the series
follows the dated records exactly as the summary would on that day: grievances
received and resolved by then, stages reached by then, field reports of the
14 days before. The Gi* clusters are recomputed for every week (same seed), so
a week is never "worse" only because the clusters were left out of the week
before.

Changes compare each week with the week before it (one more slice is computed
before the first week shown, so every week has a comparison):

``new``
    none the week before, watch or above now.
``worse``
    a higher level than the week before (other than ``new``).
``better``
    a lower level.
``same``
    the same level (the score may still move: see ``score_change``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd

from ..selection import Selection, time_slice, week_ends
from ..vocabulary import LEVEL_RANK
from ..workspace import Workspace
from .clusters import ClusterResult
from .config import hotspot_config

CHANGES = ("new", "worse", "better", "same")
"""The changes, in order of concern."""

CHANGE_LABELS = {"new": "Mới xuất hiện", "worse": "Xấu đi", "better": "Cải thiện", "same": "Không đổi"}
"""Vietnamese names of the changes."""

SERIES_COLUMNS = (
    "week_end",
    "hamlet_id",
    "hotspot_level",
    "hotspot_score",
    "hotspot_reasons",
    "previous_level",
    "previous_score",
    "change",
    "score_change",
)
"""Columns of :func:`weekly_series`."""


def change(previous: str, current: str) -> str:
    """How a hamlet's level moved from one week to the next.

    Parameters
    ----------
    previous, current : str
        Levels (``none``, ``watch``, ``risk``, ``hotspot``).

    Returns
    -------
    str
        ``"new"``, ``"worse"``, ``"better"`` or ``"same"``.

    Example
    -------
    >>> change("none", "risk"), change("watch", "risk"), change("risk", "none"), change("risk", "risk")
    ('new', 'worse', 'better', 'same')
    """
    before, now = LEVEL_RANK[previous], LEVEL_RANK[current]
    if now > before:
        return "new" if before == 0 else "worse"
    if now < before:
        return "better"
    return "same"


def week_state(
    ws: Workspace, selection: Selection, config: dict[str, Any]
) -> tuple[pd.DataFrame, ClusterResult | None]:
    """The levels (and Gi* clusters) of every hamlet on ``selection.as_of``.

    Parameters
    ----------
    ws : Workspace
    selection : Selection
    config : dict
        A merged configuration.

    Returns
    -------
    levels : DataFrame
        The hotspot levels of that day (:func:`geo.analysis.day_levels`).
    clusters : ClusterResult or None
        None where the ``gi_cluster`` signal is switched off or Gi* could not run.

    Example
    -------
    >>> levels, clusters = week_state(ws, Selection.make(as_of="2026-11-20"), hotspot_config())  # doctest: +SKIP
    """
    from ..analysis import day_levels  # the one analysis sequence (it imports this module)

    levels, clusters, _ = day_levels(ws, time_slice(ws, selection), config)
    return levels, clusters


def weekly_series(
    ws: Workspace,
    selection: Selection | None = None,
    weeks: int | None = None,
    config: dict[str, Any] | None = None,
    *,
    state: Callable[[date], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The level and score of each hamlet at the end of each of the last ``weeks`` weeks.

    Parameters
    ----------
    ws : Workspace
    selection : Selection, optional
        Its ``as_of`` is the last week's end (default: the workspace's
        as-of date); its project and hamlets filter every week.
    weeks : int, optional
        How many weeks (default ``series_weeks`` of the configuration, 8).
    config : dict, optional
        A merged configuration (default: the workspace's).
    state : callable, optional
        ``date → levels`` to reuse levels already computed (the API passes
        its own cache); default :func:`week_state`.

    Returns
    -------
    DataFrame
        One row per week × hamlet, oldest week first: :data:`SERIES_COLUMNS`
        (``week_end`` is a :class:`datetime.date`).

    Example
    -------
    >>> import geo
    >>> from geo.hotspots import weekly_series
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> s = weekly_series(ws, geo.Selection.make(as_of="2026-11-20"), weeks=4)  # doctest: +SKIP
    >>> s.pivot(index="hamlet_id", columns="week_end", values="hotspot_level")  # doctest: +SKIP
    """
    cfg = config or hotspot_config(ws.config.hotspots)
    sel = selection or Selection(as_of=ws.default_as_of())
    n = int(weeks if weeks is not None else cfg["series_weeks"])
    if n < 1:
        raise ValueError("weeks must be at least 1")
    get = state or (lambda d: week_state(ws, sel.with_as_of(d), cfg)[0])
    days = week_ends(sel.as_of, n + 1)
    frames = []
    previous = None
    for day in days:
        levels = get(day)[["hamlet_id", "hotspot_level", "hotspot_score", "hotspot_reasons"]]
        if previous is not None:
            prev = previous.set_index("hamlet_id").reindex(levels["hamlet_id"])
            week = levels.assign(
                week_end=day,
                previous_level=prev["hotspot_level"].fillna("none").to_numpy(),
                previous_score=prev["hotspot_score"].fillna(0.0).to_numpy(),
            )
            week["change"] = [change(p, c) for p, c in zip(week["previous_level"], week["hotspot_level"], strict=True)]
            week["score_change"] = (week["hotspot_score"] - week["previous_score"]).round(2)
            frames.append(week[list(SERIES_COLUMNS)])
        previous = levels
    return pd.concat(frames, ignore_index=True)
