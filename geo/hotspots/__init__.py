"""Hotspots: explainable early warning per hamlet, statistical clusters, change week by week.

The public API (see ``docs/hotspots.md``):

>>> import geo
>>> from geo.hotspots import compute_hotspots
>>> ws = geo.load_workspace("data/hoson")                 # doctest: +SKIP
>>> res = compute_hotspots(ws, geo.Selection.make(as_of="2026-11-20"))  # doctest: +SKIP
>>> res.levels, res.by_project, res.clusters, res.series  # doctest: +SKIP
"""

from ..vocabulary import LEVEL_LABELS, LEVEL_RANK
from .api import FORMATS, HAMLET_COLUMNS, HotspotResult, compute_hotspots
from .clusters import (
    CLUSTER_COLUMNS,
    CLUSTER_LABELS,
    ClusterResult,
    fdr_bh,
    gi_star,
    grievance_clusters,
    parcel_intensity,
)
from .config import DEFAULTS, check_config, hotspot_config
from .rules import (
    FACTS,
    LEVELS,
    SIGNAL_LABELS,
    SIGNALS,
    hotspot_levels,
    reason_list,
    score_levels,
    signal_table,
)
from .scope import HAMLET_WIDE_LABEL, is_hamlet_wide, level_label, mark_hamlet_wide, project_level_counts
from .series import (
    CHANGE_LABELS,
    CHANGES,
    SERIES_COLUMNS,
    change,
    week_state,
    weekly_series,
)

__all__ = [
    "CHANGES",
    "CHANGE_LABELS",
    "CLUSTER_COLUMNS",
    "CLUSTER_LABELS",
    "DEFAULTS",
    "FACTS",
    "FORMATS",
    "HAMLET_WIDE_LABEL",
    "HAMLET_COLUMNS",
    "LEVELS",
    "LEVEL_LABELS",
    "LEVEL_RANK",
    "SERIES_COLUMNS",
    "SIGNALS",
    "SIGNAL_LABELS",
    "ClusterResult",
    "HotspotResult",
    "change",
    "check_config",
    "compute_hotspots",
    "fdr_bh",
    "gi_star",
    "grievance_clusters",
    "hotspot_config",
    "hotspot_levels",
    "is_hamlet_wide",
    "level_label",
    "mark_hamlet_wide",
    "parcel_intensity",
    "project_level_counts",
    "reason_list",
    "score_levels",
    "signal_table",
    "week_state",
    "weekly_series",
]
