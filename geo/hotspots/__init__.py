"""Hotspots: explainable rule-based levels, statistical clusters, week-by-week series."""

from .config import DEFAULTS, hotspot_config
from .rules import LEVEL_LABELS, LEVELS, SIGNALS, hotspot_levels, score_levels, signal_table

__all__ = [
    "DEFAULTS",
    "LEVELS",
    "LEVEL_LABELS",
    "SIGNALS",
    "hotspot_config",
    "hotspot_levels",
    "score_levels",
    "signal_table",
]
