"""One analysis of one selection: slice → Gi* clusters → hotspot levels → summary → headline.

:func:`analyse` is the only place this sequence runs. The command line, the
dashboard, the exports and the notebooks call it and hand the
:class:`Analysis` to whatever draws or writes it; a renderer never computes
a statistic itself.

>>> import geo
>>> ws = geo.load_workspace("data/hoson")                          # doctest: +SKIP
>>> an = geo.analyse(ws, geo.Selection.make(project="DA-DT242"))   # doctest: +SKIP
>>> an.summary, an.headline, an.clusters                           # doctest: +SKIP
>>> an.weekly_series(weeks=4)                                      # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from .hotspots.clusters import ClusterResult, grievance_clusters
from .hotspots.config import hotspot_config, signal_on
from .hotspots.rules import hotspot_levels
from .hotspots.scope import mark_hamlet_wide
from .hotspots.series import weekly_series
from .problems import Report, WorkspaceError
from .selection import Selection, TimeSlice, time_slice
from .summary import Headline, headline, summarize_slice
from .workspace import Workspace

GI_OFF_NOTE = "tín hiệu gi_cluster đã tắt"
"""The note of an analysis whose ``gi_cluster`` signal is switched off."""


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything one selection shows, computed once by :func:`analyse`.

    Attributes
    ----------
    selection : Selection
        What was looked at (project, hamlets, stages, land uses, as-of date).
    config : dict
        The merged hotspot configuration that was applied.
    slice : TimeSlice
        :func:`geo.selection.time_slice` of the selection.
    clusters : ClusterResult or None
        The Gi* test; None where the ``gi_cluster`` signal is switched off
        or the test could not run (``cluster_note`` says which).
    cluster_note : str
        Why there are no clusters, or the test's own note.
    levels : DataFrame
        One row per hamlet: level, score, reasons, signals and ``hamlet_wide``.
    summary : DataFrame
        The per-hamlet summary (:data:`geo.summary.SUMMARY_COLUMNS` plus
        ``hotspot_score`` and ``hamlet_wide``).
    headline : Headline
        The headline figures (aggregates only).
    timings : Mapping[str, float]
        Seconds each step took: ``slice``, ``clusters`` (0 where Gi* did not
        run), ``levels``, ``summary`` (with the headline). What the benchmarks report.
    """

    selection: Selection
    config: dict[str, Any]
    slice: TimeSlice
    clusters: ClusterResult | None
    cluster_note: str
    levels: pd.DataFrame
    summary: pd.DataFrame
    headline: Headline
    workspace: Workspace = field(repr=False)
    timings: Mapping[str, float] = field(default_factory=dict, repr=False)

    @property
    def as_of(self) -> date:
        """The reporting date."""
        return self.selection.as_of

    def cluster_layer(self) -> Any:
        """The hot and cold parcels to draw (a GeoDataFrame), or None without clusters."""
        return self.clusters.clusters if self.clusters is not None else None

    def by_project(self) -> pd.DataFrame:
        """The hamlet × project levels of the same slice (computed on demand)."""
        pairs = self.clusters.pairs if self.clusters is not None else ()
        levels = hotspot_levels(self.workspace, self.slice, self.config, by_project=True, cluster_hamlets=pairs)
        return mark_hamlet_wide(self.workspace, self.slice, levels)

    def weekly_series(self, weeks: int | None = None) -> pd.DataFrame:
        """The level of each hamlet at each of the last ``weeks`` week ends (computed on demand).

        See :func:`geo.hotspots.series.weekly_series`; this week's levels are
        reused, the earlier weeks run the same sequence as :func:`analyse`.
        """
        return weekly_series(self.workspace, self.selection, weeks, self.config, state=self._state())

    def _state(self) -> Callable[[date], pd.DataFrame]:
        cache: dict[date, pd.DataFrame] = {self.as_of: self.levels}

        def state(day: date) -> pd.DataFrame:
            if day not in cache:
                cache[day] = day_levels(
                    self.workspace, time_slice(self.workspace, self.selection.with_as_of(day)), self.config
                )[0]
            return cache[day]

        return state


def analysis_config(ws: Workspace, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The workspace's ``[hotspots]`` merged over the defaults, with ``config`` on top.

    Raises
    ------
    WorkspaceError
        Where the settings cannot be used (the message names ``workspace.toml``).
    """
    try:
        return hotspot_config(ws.config.hotspots, config)
    except ValueError as exc:
        report = Report()
        report.extend(ws.report)
        report.error(
            "bad_config",
            "workspace.toml",
            f"Cấu hình cảnh báo điểm nóng không dùng được / The hotspot settings cannot be used: {exc}",
            "Sửa mục [hotspots] theo docs/hotspots.md, hoặc xóa mục đó để dùng mặc định / Fix the "
            "[hotspots] section as docs/hotspots.md describes, or remove it to use the defaults.",
        )
        raise WorkspaceError(report) from None


def day_levels(
    ws: Workspace, sl: TimeSlice, config: dict[str, Any], timings: dict[str, float] | None = None
) -> tuple[pd.DataFrame, ClusterResult | None, str]:
    """The hotspot levels of one slice, with its Gi* clusters: ``(levels, clusters, note)``.

    Gi* runs only where the ``gi_cluster`` signal is on; where it cannot run,
    ``clusters`` is None and ``note`` says why (the levels go without it).
    Hamlet-wide alerts are marked (:func:`geo.hotspots.scope.mark_hamlet_wide`).
    ``timings``, where given, receives the seconds of ``clusters`` and ``levels``.
    """
    start = time.perf_counter()
    clusters: ClusterResult | None = None
    if not signal_on(config, "gi_cluster"):
        note = GI_OFF_NOTE
    else:
        try:
            clusters = grievance_clusters(ws, sl, config)
            note = clusters.note
        except Exception as exc:  # noqa: BLE001 - the levels, map and figures still work without clusters
            note = f"Không tính được cụm Gi*: {exc}"
    hot = clusters.hot_hamlets if clusters is not None else ()
    tested = time.perf_counter()
    levels = mark_hamlet_wide(ws, sl, hotspot_levels(ws, sl, config, cluster_hamlets=hot))
    if timings is not None:
        timings.update(clusters=tested - start, levels=time.perf_counter() - tested)
    return levels, clusters, note


def analyse(ws: Workspace, selection: Selection | None = None, *, config: dict[str, Any] | None = None) -> Analysis:
    """The analysis of one selection: slice, Gi* clusters, hotspot levels, summary and headline.

    Parameters
    ----------
    ws : Workspace
    selection : Selection, optional
        Default: everything on the workspace's as-of date.
    config : dict, optional
        Hotspot settings on top of the workspace's ``[hotspots]``.

    Returns
    -------
    Analysis

    Raises
    ------
    WorkspaceError
        Where the workspace's ``[hotspots]`` settings are unusable.

    Example
    -------
    >>> an = analyse(ws, Selection.make(project="DA-DT242", as_of="20/11/2026"))  # doctest: +SKIP
    >>> an.headline.hotspots, an.summary[["hamlet_name", "hotspot_level"]]  # doctest: +SKIP
    """
    cfg = analysis_config(ws, config)
    sel = selection if selection is not None else Selection(as_of=ws.default_as_of())
    start = time.perf_counter()
    sl = time_slice(ws, sel)
    timings = {"slice": time.perf_counter() - start}
    levels, clusters, note = day_levels(ws, sl, cfg, timings)
    start = time.perf_counter()
    summary = summarize_slice(ws, sl, levels)
    head = headline(sl, levels)
    timings["summary"] = time.perf_counter() - start
    return Analysis(sel, cfg, sl, clusters, note, levels, summary, head, ws, timings)


__all__ = ["GI_OFF_NOTE", "Analysis", "analyse", "analysis_config", "day_levels"]
