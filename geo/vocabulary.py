"""One vocabulary for screens, maps and documents: hotspot levels, agreement, grievance state, reasons.

Built on the schema's enumerations (:class:`geo.schema.Enum`): each wording,
colour and order is written here once and imported wherever it is shown
(rules, the map, the snapshot, the report, the dashboard's panels).

>>> LEVELS.keys
('none', 'watch', 'risk', 'hotspot')
>>> LEVEL_LABELS["hotspot"], GRIEVANCE_STATES.label("open")
('Điểm nóng', 'Chưa giải quyết xong')
>>> join_reasons(["1 đơn khiếu nại quá hạn giải quyết (giá; diện tích)", "chi bộ 8 ngày chưa báo cáo tình hình"])
'1 đơn khiếu nại quá hạn giải quyết (giá; diện tích); chi bộ 8 ngày chưa báo cáo tình hình'
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .formatting import is_missing
from .schema import Enum

LEVELS = Enum(
    "hotspot_level",
    ("none", "watch", "risk", "hotspot"),
    {"none": "Bình thường", "watch": "Theo dõi", "risk": "Nguy cơ", "hotspot": "Điểm nóng"},
    {},
)
"""The hotspot levels, mildest first, with their Vietnamese names."""

LEVEL_ORDER: tuple[str, ...] = LEVELS.keys
"""The levels, mildest first (``LEVEL_ORDER.index(level)`` is its rank)."""

LEVEL_RANK: dict[str, int] = {lvl: i for i, lvl in enumerate(LEVEL_ORDER)}
"""Level → 0 … 3."""

LEVEL_LABELS: dict[str, str] = {lvl: LEVELS.label(lvl) for lvl in LEVEL_ORDER}
"""Vietnamese names of the levels, for screens and reports."""

LEVELS_WORST_FIRST: tuple[str, ...] = tuple(reversed(LEVEL_ORDER))
"""The levels, worst first (lists, legends)."""

ALERT_LEVELS: tuple[str, ...] = LEVELS_WORST_FIRST[:-1]
"""The levels that say something (all but ``none``), worst first: ``("hotspot", "risk", "watch")``."""

RISK_LEVELS: tuple[str, ...] = LEVEL_ORDER[LEVEL_RANK["risk"] :]
"""The levels of a hamlet to act on, mildest first: ``("risk", "hotspot")``."""

LEVEL_COLOURS: dict[str, str] = {"none": "#636363", "watch": "#fdb863", "risk": "#e66101", "hotspot": "#b2182b"}
"""The levels' colours (the interactive map and the printed snapshot)."""

AGREEMENT_LABELS: dict[str, str] = {"yes": "Đồng thuận", "no": "Không đồng thuận", "unknown": "Chưa rõ"}
"""How a household's agreement (:data:`geo.schema.AGREEMENT`, same keys and order) is shown."""

GRIEVANCE_STATES = Enum(
    "grievance_state",
    ("overdue", "open", "closed"),
    {"overdue": "Quá hạn giải quyết", "open": "Chưa giải quyết xong", "closed": "Đã giải quyết / rút đơn"},
    {},
)
"""A grievance on the as-of date: overdue, open (not yet resolved) or closed; one wording everywhere."""

REASON_SEPARATOR = "; "
"""Between the reasons of a hotspot level where they are written on one line (a cell, a paragraph)."""

REASONS_COLUMN = "hotspot_reasons"
"""The column of a levels or summary frame holding each hamlet's reasons, a list of texts."""


def reason_items(reasons: object) -> list[str]:
    """The reasons of one hamlet as a list: a list stays, a single text is one reason, a blank none.

    A frame built by hand may hold one text instead of a list; nothing is
    split at a separator (a reason's own details may contain one).

    Example
    -------
    >>> reason_items(["a", "", "b"]), reason_items("một lý do"), reason_items(None)
    (['a', 'b'], ['một lý do'], [])
    """
    if isinstance(reasons, str):
        items: Iterable[object] = [reasons]
    elif isinstance(reasons, Iterable):
        items = reasons
    elif is_missing(reasons):
        items = []
    else:
        items = [reasons]
    return [text for text in (str(r).strip() for r in items if not is_missing(r)) if text]


def join_reasons(reasons: object) -> str:
    """The reasons of one hamlet on one line, separated by ``"; "`` (empty where there are none)."""
    return REASON_SEPARATOR.join(reason_items(reasons))


def with_joined_reasons(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its reasons column written as one text per row, for a cell of a table or file."""
    if REASONS_COLUMN not in frame.columns:
        return frame
    return frame.assign(**{REASONS_COLUMN: [join_reasons(r) for r in frame[REASONS_COLUMN]]})


__all__ = [
    "AGREEMENT_LABELS",
    "ALERT_LEVELS",
    "GRIEVANCE_STATES",
    "LEVELS",
    "LEVELS_WORST_FIRST",
    "LEVEL_COLOURS",
    "LEVEL_LABELS",
    "LEVEL_ORDER",
    "LEVEL_RANK",
    "RISK_LEVELS",
    "REASONS_COLUMN",
    "REASON_SEPARATOR",
    "join_reasons",
    "reason_items",
    "with_joined_reasons",
]
