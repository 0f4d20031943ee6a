"""Numbers the panels show, all from the geo API (pure pandas, no Streamlit).

The headline figures are :func:`geo.headline`; the weekly progress is
:func:`geo.weekly_progress` (one time slice per week end), so the dashboard
counts exactly as the summary, the notebooks and the reports do.
"""

from __future__ import annotations

import pandas as pd

import geo
from geo.selection import Selection
from geo.summary import Headline, headline

WEEKLY_COLUMNS = ["project_id", "project_name", "week", "handed_over", "households", "share_pct"]

VEGA_NUMBER_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " đồng"]}
"""Vega's number locale for charts: dot thousands, decimal comma (as :func:`geo.formatting.fmt_number`)."""


def weekly_handover(ws: geo.Workspace, sel: Selection, max_weeks: int = 104) -> pd.DataFrame:
    """Share of each project's households handed over, week by week up to ``sel.as_of``.

    :func:`geo.weekly_progress` from the first dated stage (at most
    ``max_weeks`` weeks), in the columns the progress chart draws.

    Returns
    -------
    DataFrame
        ``project_id, project_name, week, handed_over, households, share_pct``
        (``week`` a date; empty where there is nothing to plot).
    """
    weeks = min(max_weeks, geo.progress.MAX_AUTO_WEEKS)
    prog = geo.weekly_progress(ws, sel, weeks=None)
    if len(prog) and prog["week_end"].nunique() > weeks:
        prog = prog[prog["week_end"].isin(sorted(prog["week_end"].unique())[-weeks:])]
    return prog.rename(columns={"week_end": "week"})[WEEKLY_COLUMNS].reset_index(drop=True)


def deadlines(ws: geo.Workspace, project_ids) -> pd.DataFrame:
    """``project_id, project_name, deadline`` (dates) of the given projects that have one."""
    pr = ws.projects[ws.projects["project_id"].isin(list(project_ids)) & ws.projects["handover_deadline"].notna()]
    return pd.DataFrame(
        {
            "project_id": pr["project_id"].to_numpy(),
            "project_name": pr["project_name"].astype(str).to_numpy(),
            "deadline": pd.to_datetime(pr["handover_deadline"]).dt.date.to_numpy(),
        }
    )


__all__ = ["VEGA_NUMBER_LOCALE", "WEEKLY_COLUMNS", "Headline", "deadlines", "headline", "weekly_handover"]
