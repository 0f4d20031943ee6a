"""Shared pieces of the exports: text, numbers and dates the Vietnamese way, names, periods.

Everything that reaches a PNG, PDF, XLSX or DOCX goes through :func:`clean`
(NFC, no control characters), so Vietnamese text is drawn with precomposed
glyphs (``ạ`` U+1EA1, not ``a`` + U+0323) and python-docx never meets a
character XML cannot hold.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import pandas as pd

from ..formatting import fmt_date, is_missing
from ..selection import Selection, TimeSlice, time_slice
from ..workspace import Workspace

PeriodKind = Literal["week", "month"]

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
    return name or clean(ws.path.name)


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


@dataclass(frozen=True)
class Period:
    """A reporting period ending on the as-of date.

    Attributes
    ----------
    kind : {"week", "month"}
    start, end : date
        First and last day (``end`` is the as-of date).
    previous_end : date
        The as-of date of the previous period (the day before ``start``):
        the report compares ``time_slice`` on ``end`` with ``time_slice``
        on ``previous_end``.
    """

    kind: PeriodKind
    start: date
    end: date
    previous_end: date

    @property
    def noun(self) -> str:
        """``"tuần"`` or ``"tháng"``."""
        return "tuần" if self.kind == "week" else "tháng"

    def title(self) -> str:
        """For the title: ``"tuần từ ngày 14/11 đến ngày 20/11/2026"`` or ``"tháng 11 năm 2026"``."""
        if self.kind == "month":
            return f"tháng {self.end.month} năm {self.end.year}"
        first = self.start.strftime("%d/%m") if self.start.year == self.end.year else fmt_date(self.start)
        return f"tuần từ ngày {first} đến ngày {fmt_date(self.end)}"

    def span(self) -> str:
        """``"từ ngày 21/10/2026 đến ngày 20/11/2026"``."""
        return f"từ ngày {fmt_date(self.start)} đến ngày {fmt_date(self.end)}"


def period_of(as_of: date, kind: PeriodKind = "week") -> Period:
    """The week (7 days) or month ending on ``as_of``.

    A month runs from the day after the same date of the previous month
    (clamped to that month's length) to ``as_of``.

    Example
    -------
    >>> p = period_of(date(2026, 11, 20), "week")
    >>> fmt_date(p.start), fmt_date(p.previous_end)
    ('14/11/2026', '13/11/2026')
    >>> period_of(date(2026, 3, 31), "month").previous_end.isoformat()
    '2026-02-28'
    """
    if kind == "week":
        prev = as_of - timedelta(days=7)
    elif kind == "month":
        year, month = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
        prev = date(year, month, min(as_of.day, calendar.monthrange(year, month)[1]))
    else:
        raise ValueError(f"period must be 'week' or 'month', not {kind!r}")
    return Period(kind, prev + timedelta(days=1), as_of, prev)


def slice_summary(ws: Workspace, sel: Selection) -> tuple[TimeSlice, pd.DataFrame, pd.DataFrame]:
    """``(time slice, hotspot levels, per-hamlet summary)`` of one selection."""
    from ..hotspots import hotspot_levels
    from ..summary import summarize_slice

    sl = time_slice(ws, sel)
    hs = hotspot_levels(ws, sl)
    return sl, hs, summarize_slice(ws, sl, hs)


def personal_names(ws: Workspace) -> list[str]:
    """Household names in the workspace (for scrubbing free text), longest first."""
    if "household_name" not in ws.households:
        return []
    names = {clean(n).strip() for n in ws.households["household_name"].dropna()}
    return sorted((n for n in names if len(n) >= 4), key=len, reverse=True)


def scrub(text: str, names: list[str], replacement: str = "[họ tên đã ẩn]") -> str:
    """``text`` with each of ``names`` replaced (case-insensitive).

    Example
    -------
    >>> scrub("Hộ ông Nguyễn Văn An chưa đồng ý", ["Nguyễn Văn An"])
    'Hộ ông [họ tên đã ẩn] chưa đồng ý'
    """
    if not names or not text:
        return text
    low = text.casefold()
    if not any(n.casefold() in low for n in names):
        return text
    pattern = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE)
    return pattern.sub(replacement, text)
