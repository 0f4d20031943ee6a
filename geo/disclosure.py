"""What personal data a screen or file may show: one value, :class:`Disclosure`.

Every renderer and export takes it (the map, the snapshots, the tables, the
reports); how large the type is, or whether the map fills the window, is a
separate presentation argument. The dashboard's meeting mode is
``Disclosure.PUBLIC`` with large type; exports default to
``Disclosure.INTERNAL``; ``python -m geo ... --include-personal`` asks for
``Disclosure.PERSONAL``. Sign-in roles (a later issue) will set it.

Below ``PERSONAL``, free text (a note, a field report) is shown through
:func:`scrub`: household names, ids and money amounts masked.
"""

from __future__ import annotations

import re
from enum import Enum

from .schema import strip_diacritics


class Disclosure(Enum):
    """How much a screen or file may disclose, least first.

    PUBLIC
        Aggregate figures only, nothing that identifies anyone: no household
        names, ids or amounts, no parcel or grievance case numbers, no
        grievance points (the meeting room, the projector).
    INTERNAL
        Aggregate figures and non-identifying details, free text with names,
        ids and amounts masked (the exports' default). On the map it shows
        what PUBLIC shows.
    PERSONAL
        Everything: household names, ids, per-household amounts, who filed
        a grievance.

    Example
    -------
    >>> Disclosure.PERSONAL.personal, Disclosure.INTERNAL.personal
    (True, False)
    >>> Disclosure.of_flag(include_personal=True)
    <Disclosure.PERSONAL: 'personal'>
    """

    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"

    @property
    def personal(self) -> bool:
        """Whether names, ids and per-household amounts may appear."""
        return self is Disclosure.PERSONAL

    @classmethod
    def of_flag(cls, include_personal: bool) -> Disclosure:
        """The command line's ``--include-personal``: PERSONAL, else INTERNAL."""
        return cls.PERSONAL if include_personal else cls.INTERNAL


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


__all__ = ["ID_MASK", "MONEY_MASK", "NAME_MASK", "Disclosure", "fold", "scrub"]
