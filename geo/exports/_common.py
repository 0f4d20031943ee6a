"""Shared pieces of the exports: text, numbers and dates the Vietnamese way, names, periods.

Everything that reaches a PNG, PDF, XLSX or DOCX goes through :func:`clean`
(NFC, no control characters), so Vietnamese text is drawn with precomposed
glyphs (``ạ`` U+1EA1, not ``a`` + U+0323) and python-docx never meets a
character XML cannot hold.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from ..disclosure import scrub
from ..formatting import is_missing
from ..selection import Selection
from ..workspace import Workspace

if TYPE_CHECKING:
    from ..analysis import Analysis

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(value: object) -> str:
    """Text for a document: NFC, no control characters; blanks (None, NaN) become ``""``.

    Example
    -------
    >>> clean("Tha\u0300nh\x07") == "Thành"
    True
    """
    if is_missing(value):
        return ""
    return _CONTROL.sub("", unicodedata.normalize("NFC", str(value)))


def document_date(place: str, day: date) -> str:
    """The place and date line of an administrative document.

    Days below 10 and the months January and February take a leading zero
    (Decree 30/2020/NĐ-CP, Appendix I; the Party's Guidance 36-HD/VPTW writes
    dates the same way).

    Example
    -------
    >>> document_date("Hữu Lũng", date(2026, 11, 20))
    'Hữu Lũng, ngày 20 tháng 11 năm 2026'
    >>> document_date("Hữu Lũng", date(2026, 2, 5))
    'Hữu Lũng, ngày 05 tháng 02 năm 2026'
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text


_UNIT = re.compile(r"^(xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE)


def commune_name(ws: Workspace) -> str:
    """The commune's name without notes in brackets: ``"Xã Hữu Lũng"``.

    From ``[workspace] name`` of ``workspace.toml``, else the folder's name.
    """
    name = clean(ws.name)
    name = re.sub(r"\s*\(.*?\)\s*", " ", name).strip(" ,;-")
    return name or clean(ws.source.name)


def place_name(ws: Workspace) -> str:
    """The place in the date line: ``[report] place``, else the commune's name without "Xã"."""
    place = clean(ws.config.report.get("place", ""))
    if place:
        return place
    return _UNIT.sub("", commune_name(ws)).strip()


def commune_upper(ws: Workspace) -> str:
    """``"XÃ HỮU LŨNG"``: the commune's name in capitals, with its unit (``XÃ`` where none is named)."""
    name = commune_name(ws)
    if not _UNIT.match(name):
        name = f"Xã {name}"
    return name.upper()


def project_names(ws: Workspace) -> dict[str, str]:
    """Project id → name (the id where the name is blank)."""
    p = ws.projects
    return {str(i): clean(n) or str(i) for i, n in zip(p["project_id"], p["project_name"]) if pd.notna(i)}


def hamlet_names(ws: Workspace) -> dict[str, str]:
    """Hamlet id → name."""
    h = ws.hamlets
    return {str(i): clean(n) or str(i) for i, n in zip(h["hamlet_id"], h["hamlet_name"]) if pd.notna(i)}


def selection_text(ws: Workspace, sel: Selection) -> str:
    """What the selection covers, in words: ``"Dự án Đường tỉnh ĐT.242 · Thôn Tân Hồ"``."""
    parts = []
    if sel.project:
        parts.append(f"Dự án {project_names(ws).get(sel.project, sel.project)}")
    else:
        parts.append("Tất cả dự án trên địa bàn")
    if sel.hamlets:
        names = hamlet_names(ws)
        parts.append(", ".join(names.get(h, h) for h in sel.hamlets))
    if sel.stages:
        from ..schema import STAGES

        parts.append("Bước: " + ", ".join(STAGES.label(s) for s in sel.stages))
    if sel.land_uses:
        parts.append("Loại đất: " + ", ".join(sel.land_uses))
    return " · ".join(parts)


def default_selection(ws: Workspace, sel: Selection | None) -> Selection:
    """``sel``, or everything on the workspace's default as-of date."""
    return sel if sel is not None else Selection(as_of=ws.default_as_of())


def analysis_of(ws: Workspace, selection: Selection | None, analysis: Analysis | None = None) -> Analysis:
    """``analysis`` where the caller has one, else :func:`geo.analyse` of the selection (default: everything)."""
    if analysis is not None:
        return analysis
    from ..analysis import analyse

    return analyse(ws, default_selection(ws, selection))


def personal_names(ws: Workspace) -> list[str]:
    """Household names in the workspace (for scrubbing free text), longest first."""
    if "household_name" not in ws.households:
        return []
    names = {clean(n).strip() for n in ws.households["household_name"].dropna()}
    return sorted((n for n in names if len(n) >= 4), key=len, reverse=True)


def personal_ids(ws: Workspace) -> list[str]:
    """Household ids in the workspace (for scrubbing free text), longest first."""
    if "household_id" not in ws.households:
        return []
    ids = {clean(i).strip() for i in ws.households["household_id"].dropna()}
    return sorted((i for i in ids if len(i) >= 2), key=len, reverse=True)


def scrub_personal(text: str, ws: Workspace) -> str:
    """``text`` with the workspace's household names and ids, and every money amount, masked (see :func:`scrub`).

    What free text (a field report's note) may carry into a document made
    below ``Disclosure.PERSONAL``.
    """
    return scrub(text, personal_names(ws), ids=personal_ids(ws), amounts=True)
