"""The headline figures written as HTML (``st.html``): one block of cards, not one ``st.metric`` each.

Seven ``st.metric`` elements (their columns, labels drawn as Markdown, values fitted to their width by
script) cost the sample's visit after sign-in about 0.1 s of the page's main thread before the map could
draw (``docs/architecture.md``, "Speed as a user meets it"). The same figures as one HTML block are laid
out by the browser at once, wrap on a phone, and copy as text. Their style is
:data:`dashboard.text.CARDS_CSS`: large and framed in meeting mode.
"""

from __future__ import annotations

import html
from typing import NamedTuple

CARDS_CLASS = "geo-cards"
"""The block's class: what the page's CSS and the tests find it by."""


class Card(NamedTuple):
    """One headline figure: its label, its value as written, and the line under it (or None)."""

    label: str
    value: str
    note: str | None = None


def cards_html(cards: list[Card], framed: bool = False) -> str:
    """``cards`` as one block: each a label, a value and its note, every text escaped.

    ``framed``: meeting mode's presentation (each card framed, :data:`dashboard.text.CARDS_CSS`).

    Example
    -------
    >>> page = cards_html([Card("Số hộ", "1.234", "trên 5 thôn"), Card("Đơn thư", "<3>")])
    >>> page.count('class="geo-card"'), '<div class="geo-card-value">&lt;3&gt;</div>' in page
    (2, True)
    """
    items = []
    for card in cards:
        note = f'<div class="geo-card-note">{html.escape(card.note)}</div>' if card.note else ""
        items.append(
            '<div class="geo-card" role="listitem">'
            f'<div class="geo-card-label">{html.escape(card.label)}</div>'
            f'<div class="geo-card-value">{html.escape(card.value)}</div>{note}</div>'
        )
    classes = f"{CARDS_CLASS} framed" if framed else CARDS_CLASS
    return f'<div class="{classes}" role="list">{"".join(items)}</div>'
