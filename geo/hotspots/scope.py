"""Whose alert is it: a project's hotspot, or a hamlet-wide alert in a hamlet the project does not touch.

Under a project filter the household and grievance signals are the
project's, but field reports and the party cell's silence belong to the
whole hamlet. A hamlet where the selected project has no household row
and no grievance can only be raised by those hamlet-wide signals: it is
still at its level (the contract's fixed points hold), but it is not one of
the project's hotspots. :func:`mark_hamlet_wide` flags such rows with
``hamlet_wide``; headline counts leave them out and the map and tables label
them :data:`HAMLET_WIDE_LABEL`.
"""

from __future__ import annotations

import pandas as pd

from ..selection import TimeSlice
from ..vocabulary import LEVEL_LABELS
from ..workspace import Workspace

HAMLET_WIDE_LABEL = "cả thôn / hamlet-wide"
"""How a hamlet-wide alert is labelled wherever it is shown."""


def project_hamlets(ws: Workspace, sl: TimeSlice) -> set[str]:
    """Hamlets the slice's project touches: a household row of the project (any date) or one of its grievances.

    Without a project filter, every hamlet of the slice.
    """
    if not sl.selection.project:
        return set(sl.hamlets["hamlet_id"].astype(str))
    hh = ws.households
    mine = hh.loc[hh["project_id"] == sl.selection.project, "hamlet_id"].dropna()
    grievances = sl.grievances["hamlet_id"].dropna() if "hamlet_id" in sl.grievances else pd.Series(dtype=object)
    return {str(h) for h in mine} | {str(h) for h in grievances}


def mark_hamlet_wide(ws: Workspace, sl: TimeSlice, levels: pd.DataFrame) -> pd.DataFrame:
    """``levels`` with a boolean ``hamlet_wide`` column.

    True where a project is selected, the hamlet is not touched by it
    (:func:`project_hamlets`) and its level is above ``none``: the alert comes
    from hamlet-wide signals only (field reports, party cell).

    Example
    -------
    >>> an = geo.analyse(ws, Selection.make(project="DA-TDC"))  # doctest: +SKIP
    >>> an.levels[["hamlet_id", "hotspot_level", "hamlet_wide"]]  # marked here by geo.analyse  # doctest: +SKIP
    """
    out = levels.copy()
    if not sl.selection.project or not len(out) or "project_id" in out.columns:
        out["hamlet_wide"] = False
        return out
    touched = project_hamlets(ws, sl)
    out["hamlet_wide"] = (~out["hamlet_id"].astype(str).isin(touched) & (out["hotspot_level"] != "none")).to_numpy()
    return out


def is_hamlet_wide(frame: pd.DataFrame) -> pd.Series:
    """The ``hamlet_wide`` column of a levels or summary frame (all False where it has none)."""
    if "hamlet_wide" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["hamlet_wide"].fillna(False).astype(bool)


def level_label(level: str, hamlet_wide: bool = False) -> str:
    """``"Điểm nóng"``, or ``"Điểm nóng (cả thôn / hamlet-wide)"`` for a hamlet-wide alert.

    Example
    -------
    >>> level_label("hotspot", True)
    'Điểm nóng (cả thôn / hamlet-wide)'
    """
    text = LEVEL_LABELS.get(str(level), str(level))
    return f"{text} ({HAMLET_WIDE_LABEL})" if hamlet_wide and level != "none" else text


def project_level_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Hamlets per level, hamlet-wide alerts left out; ``"hamlet_wide"``: how many those are."""
    wide = is_hamlet_wide(frame)
    levels = frame["hotspot_level"] if "hotspot_level" in frame.columns else pd.Series(dtype=object)
    found = levels[~wide].value_counts()
    counts = {lvl: int(found.get(lvl, 0)) for lvl in LEVEL_LABELS}
    counts["hamlet_wide"] = int(wide.sum())
    return counts


__all__ = [
    "HAMLET_WIDE_LABEL",
    "is_hamlet_wide",
    "level_label",
    "mark_hamlet_wide",
    "project_hamlets",
    "project_level_counts",
]
