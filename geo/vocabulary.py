"""One vocabulary for screens, maps and documents: hotspot levels, agreement, grievance state.

Built on the schema's enumerations (:class:`geo.schema.Enum`): each wording,
colour and order is written here once and imported wherever it is shown
(rules, the map, the snapshot, the report, the dashboard's panels).

>>> LEVELS.keys
('none', 'watch', 'risk', 'hotspot')
>>> LEVEL_LABELS["hotspot"], GRIEVANCE_STATES.label("open")
('Điểm nóng', 'Chưa giải quyết xong')
"""

from __future__ import annotations

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

LEVEL_COLOURS: dict[str, str] = {"none": "#636363", "watch": "#fdb863", "risk": "#e66101", "hotspot": "#b2182b"}
"""The levels' colours (the interactive map and the printed snapshot)."""

AGREEMENT_LABELS: dict[str, str] = {"yes": "Đồng thuận", "no": "Không đồng thuận", "unknown": "Chưa rõ"}
"""How a household's agreement (:data:`geo.schema.AGREEMENT`, same keys and order) is shown."""

GRIEVANCE_STATES = Enum(
    "grievance_state",
    ("overdue", "open", "closed"),
    {"overdue": "Quá hạn", "open": "Chưa giải quyết xong", "closed": "Đã xong"},
    {},
)
"""A grievance on the as-of date: overdue, open (not yet resolved) or closed; one wording everywhere."""

__all__ = [
    "AGREEMENT_LABELS",
    "GRIEVANCE_STATES",
    "LEVELS",
    "LEVEL_COLOURS",
    "LEVEL_LABELS",
    "LEVEL_ORDER",
    "LEVEL_RANK",
]
