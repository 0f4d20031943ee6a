"""The brief for the Zalo group in the sidebar: choose week or month, copy the text.

The text is :func:`geo.brief.brief` of the workspace on the page's as-of date,
for the project selected (all projects where none is); hamlet, stage and land
use filters do not apply (the brief is the commune's, or the project's). It is
shown in a code box whose copy button (Streamlit's own, offline) puts it on the
clipboard as it is: plain text, at most 1.500 characters, no personal data, so
it is shown in meeting mode too. Nothing is computed before week or month is
chosen: the page does not pay for a brief nobody asked for. A workspace with
errors shows no brief (the page shows its problems instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import streamlit as st

import geo
from geo.brief import brief
from geo.formatting import fmt_number
from geo.selection import Selection

PERIOD_KEY = "brief_period"
"""The session key of the week/month choice."""

PERIODS = {"week": "Tuần / Week", "month": "Tháng / Month"}


@st.cache_data(show_spinner="Đang lập bản tin / Preparing the brief…", max_entries=16)
def _text(
    path: str,
    file_stamp: tuple,
    period: str,
    project: str | None,
    as_of: str,
    unreported: tuple[str, ...] | None,
    _ws: geo.Workspace,
) -> str:
    """The brief (cached per workspace stamp, period, project, date and party cells not reported)."""
    return brief(_ws, period, project=project, as_of=date.fromisoformat(as_of), unreported=unreported)  # type: ignore[arg-type]


def _choose(period: str) -> None:
    st.session_state[PERIOD_KEY] = period


def choose_period() -> str | None:
    """The brief's period: a button per period, the chosen one highlighted (None until one is pressed).

    Buttons, not a radio: the page's first view already draws buttons, and a radio's scripts and
    drawing cost the browser about 0.05 s before the map could draw (``docs/architecture.md``).
    """
    chosen = st.session_state.get(PERIOD_KEY)
    for column, (period, label) in zip(st.columns(len(PERIODS)), PERIODS.items(), strict=True):
        column.button(
            label,
            key=f"{PERIOD_KEY}_{period}",
            type="primary" if period == chosen else "secondary",
            on_click=_choose,
            args=(period,),
            width="stretch",
        )
    return chosen if chosen in PERIODS else None


def show(
    ws: geo.Workspace, path: Path | str, key: tuple, sel: Selection, unreported: Sequence[str] | None = None
) -> None:
    """The sidebar section "Bản tin cho nhóm Zalo": the week/month choice and the text with its copy button.

    Parameters
    ----------
    ws : Workspace
        The workspace the page shows (on a store: what the account may read).
    path, key : Path or str, tuple
        The workspace's path and stamp (:func:`dashboard.data.load`): the cache key.
    sel : Selection
        The page's selection: its project and as-of date are the brief's.
    unreported : sequence of str, optional
        Ids of the hamlets whose party cell has not reported this week (None: the line is left out).
    """
    if not ws.report.ok:
        return
    st.subheader("Bản tin cho nhóm Zalo / Brief for the Zalo group")
    period = choose_period()
    if period is None:
        st.caption("Chọn tuần hoặc tháng để lập bản tin / Choose week or month to make the brief.")
        return
    silent = None if unreported is None else tuple(str(h) for h in unreported)
    text = _text(str(path), key, period, sel.project, sel.as_of.isoformat(), silent, ws)
    st.code(text, language=None, wrap_lines=True, height=360)  # scrolls in the sidebar; copies whole
    scope = "dự án đang chọn" if sel.project else "mọi dự án"
    st.caption(
        f"Bấm nút sao chép ở góc khung rồi dán vào nhóm Zalo ({fmt_number(len(text))} ký tự, {scope}, "
        "không có thông tin cá nhân). / Copy with the button in the box's corner and paste into the Zalo "
        "group (no personal data)."
    )


__all__ = ["PERIOD_KEY", "show"]
