"""geo — read, check, join and summarise a commune's land-recovery workspace.

The public API, chosen by hand (everything else is internal):

>>> import geo
>>> ws = geo.load_workspace("data/hoson")            # doctest: +SKIP
>>> print(ws.report.render())                        # doctest: +SKIP
>>> geo.hamlet_summary(ws, project="DA-DT242")       # doctest: +SKIP
"""

from .problems import Problem, Report, WorkspaceError
from .schema import LAYERS, STAGES, normalize_name
from .selection import Selection, TimeSlice, time_slice
from .summary import SUMMARY_COLUMNS, SUMMARY_LABELS, hamlet_summary, summarize_slice
from .workspace import Workspace, load_workspace

__all__ = [
    "LAYERS",
    "Problem",
    "Report",
    "STAGES",
    "SUMMARY_COLUMNS",
    "SUMMARY_LABELS",
    "Selection",
    "TimeSlice",
    "Workspace",
    "WorkspaceError",
    "hamlet_summary",
    "load_workspace",
    "normalize_name",
    "summarize_slice",
    "time_slice",
]
