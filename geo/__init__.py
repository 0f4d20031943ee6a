"""geo — read, check, join and summarise a commune's land-recovery workspace.

The public API, chosen by hand (everything else is internal):

>>> import geo
>>> ws = geo.load_workspace("data/hoson")            # doctest: +SKIP
>>> print(ws.report.render())                        # doctest: +SKIP
>>> an = geo.analyse(ws, geo.Selection.make(project="DA-DT242"))  # doctest: +SKIP
>>> an.summary, an.headline                          # doctest: +SKIP

``load_workspace(path)`` is ``assemble(FolderSource(path).read())``: a
:class:`Source` reads raw layers, :func:`assemble` builds the Workspace
(``MemorySource`` hands over frames built in code).

Also public: the subpackages ``geo.hotspots`` (rules, Gi* clusters, weekly
series), ``geo.exports`` (snapshots, tables, reports) and ``geo.maps``; the
module ``geo.progress`` (weekly handover and completion forecast). ``geo.brief(ws, "week")`` is
the plain-text brief for the Zalo group (module ``geo.brief``; the name in ``geo`` is the function). See
``docs/api.md``.
"""

from .analysis import Analysis, analyse
from .brief import brief
from .disclosure import Disclosure
from .hotspots import HotspotResult, compute_hotspots, hotspot_levels
from .problems import Problem, Report, WorkspaceError
from .progress import (
    PROGRESS_COLUMNS,
    PROGRESS_LABELS,
    Forecast,
    completion_forecast,
    forecast_table,
    weekly_progress,
)
from .schema import LAYERS, STAGES, normalize_name
from .selection import Selection, TimeSlice, time_slice, week_ends
from .source import FolderSource, MemorySource, RawLayers, Source, SourceInfo
from .summary import (
    SUMMARY_COLUMNS,
    SUMMARY_LABELS,
    Headline,
    hamlet_summary,
    headline,
    summarize_slice,
)
from .workspace import Workspace, assemble, load_workspace

__all__ = [
    "Analysis",
    "Disclosure",
    "LAYERS",
    "PROGRESS_COLUMNS",
    "PROGRESS_LABELS",
    "STAGES",
    "SUMMARY_COLUMNS",
    "SUMMARY_LABELS",
    "FolderSource",
    "Forecast",
    "Headline",
    "HotspotResult",
    "MemorySource",
    "Problem",
    "RawLayers",
    "Report",
    "Selection",
    "Source",
    "SourceInfo",
    "TimeSlice",
    "Workspace",
    "WorkspaceError",
    "analyse",
    "assemble",
    "brief",
    "build_map",
    "completion_forecast",
    "compute_hotspots",
    "forecast_table",
    "hamlet_summary",
    "headline",
    "hotspot_levels",
    "load_workspace",
    "map_html",
    "normalize_name",
    "summarize_slice",
    "time_slice",
    "week_ends",
    "weekly_progress",
]


def __getattr__(name: str):
    """``geo.maps``, ``geo.build_map``, ``geo.map_html``: the map package (folium) is imported when first asked for,
    so commands that draw no map (``summary``, ``validate``) do not pay for it."""
    if name in ("build_map", "map_html", "maps"):
        import importlib

        maps = importlib.import_module(f"{__name__}.maps")
        return maps if name == "maps" else getattr(maps, name)
    raise AttributeError(f"module 'geo' has no attribute {name!r}")
