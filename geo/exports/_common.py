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

from ..formatting import is_missing
from ..schema import strip_diacritics
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


NAME_MASK = "[họ tên đã ẩn]"
ID_MASK = "[mã hộ đã ẩn]"
MONEY_MASK = "[số tiền đã ẩn]"

_NUMBER = r"\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_MONEY = re.compile(
    # on folded text (no diacritics, lower case): "1.968.800.000 dong", "500 trieu", "2,5 ty dong", "300000d"
    rf"(?<![\w.,])(?:{_NUMBER})\s*(?:(?:trieu|ty|nghin|ngan|tr)\b\s*)?(?:dong|vnd|d)\b"
    rf"|(?<![\w.,])(?:{_NUMBER})\s*(?:trieu|ty)\b"
    # a figure in the millions or more, with or without a unit: "1.968.800.000"
    r"|(?<![\w.,])\d{1,3}(?:[.,\s]\d{3}){2,}(?![\d])"
)
_ID_AFTER_LABEL = re.compile(r"(?<!\w)(ma ho|ma so ho|household id)\s*[:#]?\s*([a-z0-9][\w./-]*\d[\w./-]*)")


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` without diacritics (``đ`` → ``d``), case-folded, and where each folded character came from.

    Both tone placements fold alike (``Hoà`` and ``Hòa`` → ``hoa``), so a name
    is found however it was typed.

    Example
    -------
    >>> fold("Lương Thanh Hoà")[0]
    'luong thanh hoa'
    """
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        base = strip_diacritics(ch).casefold()
        out.append(base)
        where.extend([i] * len(base))
    return "".join(out), where


def _mask(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, replacement) span of the original replaced; overlaps merged."""
    result, pos = [], 0
    for start, end, rep in sorted(spans):
        if start < pos:
            continue
        result.append(text[pos:start])
        result.append(rep)
        pos = end
    result.append(text[pos:])
    return "".join(result)


def scrub(
    text: str, names: list[str], replacement: str = NAME_MASK, ids: list[str] | None = None, amounts: bool = False
) -> str:
    """``text`` with household names (and ids, money amounts) masked.

    Names are matched ignoring case and diacritics (so both tone placements,
    ``Hòa`` and ``Hoà``, and capitals without marks, ``LUONG THANH HOA``),
    with any run of spaces between words. ``ids`` are masked wherever they
    stand as a word, and so is whatever follows "mã hộ"; with ``amounts``,
    money (a number with đồng, VND, triệu or tỷ, or any figure in the millions)
    is masked too.

    Example
    -------
    >>> scrub("Hộ ông Nguyễn Văn An chưa đồng ý", ["Nguyễn Văn An"])
    'Hộ ông [họ tên đã ẩn] chưa đồng ý'
    >>> scrub("NGUYEN VAN AN (mã hộ DT-0001) đòi 1.968.800.000 đồng", ["Nguyễn Văn An"], ids=["DT-0001"],
    ...       amounts=True)
    '[họ tên đã ẩn] (mã hộ [mã hộ đã ẩn]) đòi [số tiền đã ẩn]'
    """
    if not text or not (names or ids or amounts):
        return text
    folded, where = fold(text)

    def span(m: re.Match, rep: str, group: int = 0) -> tuple[int, int, str]:
        return where[m.start(group)], where[m.end(group) - 1] + 1, rep

    spans: list[tuple[int, int, str]] = []
    for terms, rep in ((names, replacement), (ids or [], ID_MASK)):
        words = [fold(t)[0].split() for t in terms]
        parts = [r"\s+".join(re.escape(w) for w in ws_) for ws_ in words if ws_]
        if parts:
            pattern = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")
            spans += [span(m, rep) for m in pattern.finditer(folded)]
    if ids is not None:
        spans += [span(m, ID_MASK, 2) for m in _ID_AFTER_LABEL.finditer(folded)]
    if amounts:
        spans += [span(m, MONEY_MASK) for m in _MONEY.finditer(folded)]
    return _mask(text, spans) if spans else text


def scrub_personal(text: str, ws: Workspace) -> str:
    """``text`` with the workspace's household names and ids, and every money amount, masked (see :func:`scrub`).

    What free text (a field report's note) may carry into a document made
    below ``Disclosure.PERSONAL``.
    """
    return scrub(text, personal_names(ws), ids=personal_ids(ws), amounts=True)
