"""One call for notebooks, the command line and the dashboard: :func:`compute_hotspots`.

>>> import geo
>>> from geo.hotspots import compute_hotspots
>>> ws = geo.load_workspace("data/hoson")                              # doctest: +SKIP
>>> res = compute_hotspots(ws, geo.Selection.make(as_of="2026-11-20"))  # doctest: +SKIP
>>> res                                                                # doctest: +SKIP
HotspotResult(2026-11-20, all projects: 7 none, 3 watch, 1 risk, 1 hotspot; 14 cluster parcels)
>>> res.levels[["hamlet_id", "hotspot_level", "hotspot_reasons"]]      # doctest: +SKIP
>>> res.clusters.clusters.explore()                                    # doctest: +SKIP
>>> res.write("hotspots.gpkg")                                         # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ..outputs import atomic_path, atomic_write, spreadsheet_safe
from ..selection import Selection
from ..vocabulary import LEVEL_LABELS, with_joined_reasons
from ..workspace import Workspace
from .clusters import (
    CLUSTER_COLUMNS,
    CLUSTER_LABELS,
    ClusterResult,
    _empty_parcels,
)
from .rules import FACTS, LEVELS, SIGNALS
from .series import CHANGE_LABELS

HAMLET_COLUMNS = (
    "hamlet_id",
    "hamlet_name",
    "hotspot_level",
    "hotspot_label",
    "hotspot_score",
    "hotspot_reasons",
    "hotspot_change",
    "previous_level",
    "forced",
    "hamlet_wide",
    *SIGNALS,
    *FACTS,
)
"""Columns of the per-hamlet output (every format; plus ``geometry`` in the spatial ones)."""

FORMATS = (".gpkg", ".geojson", ".json", ".csv")
"""File types :meth:`HotspotResult.write` knows, by extension."""


@dataclass
class HotspotResult:
    """Everything :func:`compute_hotspots` found, with clear attributes.

    Attributes
    ----------
    selection : Selection
        What was looked at (project, hamlets, as-of date).
    config : dict
        The merged configuration that was applied.
    levels : GeoDataFrame
        One row per hamlet of the selection, :data:`HAMLET_COLUMNS` and the
        hamlet polygon (the workspace's metric CRS).
    by_project : DataFrame
        One row per hamlet × project with a counted household row or a
        grievance: ``hamlet_id``, ``project_id``, level, score, reasons and
        signals.
    clusters : ClusterResult
        The Gi* test (``clusters.clusters`` is the map layer of hot and cold
        parcels; ``clusters.parcels`` every tested parcel).
    series : DataFrame
        The last weeks, one row per week × hamlet
        (:data:`geo.hotspots.series.SERIES_COLUMNS`).
    """

    selection: Selection
    config: dict[str, Any]
    levels: gpd.GeoDataFrame
    by_project: pd.DataFrame
    clusters: ClusterResult
    series: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def as_of(self) -> date:
        """The reporting date."""
        return self.selection.as_of

    def counts(self) -> dict[str, int]:
        """How many hamlets are at each level, mildest first.

        Example
        -------
        >>> res.counts()  # doctest: +SKIP
        {'none': 7, 'watch': 3, 'risk': 1, 'hotspot': 1}
        """
        found = self.levels["hotspot_level"].value_counts()
        return {lvl: int(found.get(lvl, 0)) for lvl in LEVELS}

    def table(self) -> pd.DataFrame:
        """The per-hamlet levels without geometry, the reasons on one line each (what the CSV holds)."""
        return with_joined_reasons(pd.DataFrame(self.levels.drop(columns="geometry"))[list(HAMLET_COLUMNS)])

    def write(self, path: str | Path) -> list[Path]:
        """Write the levels (and clusters) by the file's extension.

        Parameters
        ----------
        path : str or Path
            ``.gpkg``: layer ``hamlets`` (polygons, workspace CRS) and layer
            ``clusters`` (hot and cold parcels). ``.geojson``/``.json``:
            the hamlets in WGS 84, and the clusters in the companion file
            ``<stem>_clusters.geojson`` beside it. ``.csv``: the hamlets
            without geometry, UTF-8.

        Returns
        -------
        list of Path
            The files written.

        Raises
        ------
        ValueError
            For any other extension.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in FORMATS:
            raise ValueError(f"unknown output format {suffix!r}; use {', '.join(FORMATS)}")
        hamlets = with_joined_reasons(self.levels[[*HAMLET_COLUMNS, "geometry"]])
        clusters = self.clusters.clusters[[*CLUSTER_COLUMNS, "z_sim", "neighbours", "geometry"]].copy()
        clusters["cluster_label"] = clusters["cluster"].map(CLUSTER_LABELS)
        # each file goes to a temporary file beside it and is renamed over it when complete
        if suffix == ".csv":  # for spreadsheets: text cells that would be formulas start with an apostrophe
            atomic_write(path, spreadsheet_safe(self.table()).to_csv(index=False).encode("utf-8"))
            return [path]
        if suffix == ".gpkg":
            with atomic_path(path) as tmp:
                hamlets.to_file(tmp, layer="hamlets", driver="GPKG")
                clusters.to_file(
                    tmp, layer="clusters", driver="GPKG", geometry_type="MultiPolygon", promote_to_multi=True
                )
            return [path]
        companion = self.companion(path)
        with atomic_path(path) as tmp, atomic_path(companion) as tmp_companion:
            hamlets.to_crs(4326).to_file(tmp, layer=path.stem, driver="GeoJSON")
            clusters.to_crs(4326).to_file(tmp_companion, layer=companion.stem, driver="GeoJSON")
        return [path, companion]

    @staticmethod
    def companion(path: str | Path) -> Path:
        """The clusters' GeoJSON written beside a hamlets GeoJSON: ``<stem>_clusters.geojson``."""
        path = Path(path)
        return path.with_name(f"{path.stem}_clusters.geojson")

    def __repr__(self) -> str:
        project = f"project {self.selection.project}" if self.selection.project else "all projects"
        counts = ", ".join(f"{n} {lvl}" for lvl, n in self.counts().items())
        return (
            f"HotspotResult({self.as_of.isoformat()}, {project}: {counts}; "
            f"{len(self.clusters.clusters)} cluster parcels)"
        )


def compute_hotspots(
    ws: Workspace,
    selection: Selection | None = None,
    *,
    weeks: int | None = None,
    config: dict[str, Any] | None = None,
    by_project: bool = True,
) -> HotspotResult:
    """Levels with reasons, per-project levels, Gi* clusters and the weekly series.

    Parameters
    ----------
    ws : Workspace
        A workspace without errors; one with errors is refused
        (:class:`~geo.problems.WorkspaceError`, as ``summary`` does).
    selection : Selection, optional
        Project, hamlets and as-of date (default: everything on the
        workspace's as-of date).
    weeks : int, optional
        Weeks of the series (default ``series_weeks``, 8). ``1`` gives just
        this week compared with the last.
    config : dict, optional
        Overrides on top of the workspace's ``[hotspots]`` (same shape as
        :data:`~geo.hotspots.config.DEFAULTS`).
    by_project : bool
        Also compute the hamlet × project levels.

    Returns
    -------
    HotspotResult

    Raises
    ------
    WorkspaceError
        Where the workspace has errors, or its ``[hotspots]`` settings are
        unusable.

    Example
    -------
    >>> res = compute_hotspots(ws, Selection.make(project="DA-DT242", as_of="2026-11-20"), weeks=4)  # doctest: +SKIP
    >>> res.levels.loc[res.levels["hotspot_level"] == "hotspot", ["hamlet_name", "hotspot_reasons"]]  # doctest: +SKIP
    """
    from ..analysis import analyse  # the one analysis sequence (imports this package)

    ws.require_ok()
    an = analyse(ws, selection, config=config)
    sel, cfg, sl = an.selection, an.config, an.slice
    clusters = an.clusters or ClusterResult(_empty_parcels(sl.parcels.crs), note=an.cluster_note)
    per_project = an.by_project() if by_project else pd.DataFrame()
    series = an.weekly_series(weeks)
    now = series[series["week_end"] == sel.as_of].set_index("hamlet_id")
    levels = an.levels.set_index("hamlet_id")
    levels["hotspot_label"] = levels["hotspot_level"].map(LEVEL_LABELS)
    levels["hotspot_change"] = now["change"].reindex(levels.index)
    levels["previous_level"] = now["previous_level"].reindex(levels.index)
    hamlets = sl.hamlets.drop_duplicates("hamlet_id").set_index("hamlet_id")
    levels["hamlet_name"] = hamlets["hamlet_name"].reindex(levels.index)
    levels = levels.reset_index()
    layer = gpd.GeoDataFrame(
        levels[list(HAMLET_COLUMNS)],
        geometry=hamlets.geometry.reindex(levels["hamlet_id"]).to_numpy(),
        crs=sl.hamlets.crs,
    )
    return HotspotResult(sel, cfg, layer, per_project, clusters, series)


__all__ = ["CHANGE_LABELS", "FORMATS", "HAMLET_COLUMNS", "HotspotResult", "compute_hotspots"]
