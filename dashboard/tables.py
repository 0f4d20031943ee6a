"""Tables written as HTML (``st.html``), their numbers the Vietnamese way: the per-hamlet summary.

The per-hamlet summary is the open tab of every page's first view. Drawn by ``st.dataframe`` (a canvas
grid with its own scripts), its two tables cost the browser about 0.2 s of the page's main thread before
the map could draw, on the sample's visit after sign-in (``docs/architecture.md``, "Speed as a user meets
it"). An HTML table is text the browser lays out at once: selectable, copied into Word or Excel as a
table, read by a screen reader, printed whole. Its order is chosen above it
(:func:`dashboard.panels.sorted_hamlets`); the whole table, in any order, is in its CSV downloads.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any, Literal

import pandas as pd

from geo.formatting import is_missing

from .text import fmt_number

Decimals = int | Literal["%"]
"""How a number is written: its decimals, or ``"%"`` for a percentage (two decimals)."""

ROW_LIMIT = 300
"""Rows of hamlets a table shows at most (a province has 2,000): the first in the order chosen; the whole
table is in its downloads."""


def vn_number(decimals: Decimals = 0) -> Callable[[Any], str]:
    """A cell formatter: dot thousands, decimal comma (``"%"``: two decimals and a percent sign); blank for none."""

    def fmt(value: Any) -> str:
        if is_missing(value):
            return ""
        return fmt_number(value, decimals) if isinstance(decimals, int) else f"{fmt_number(value, 2)}%"

    return fmt


LONG_TEXT = 40
"""A text cell longer than this is cut to one line on screen (:data:`dashboard.text.TABLE_CSS`), whole in
its tooltip (``title``); it copies whole."""


def _text(value: Any) -> str:
    return "" if is_missing(value) else str(value)


def _text_cell(escaped: str) -> str:
    return f'<td title="{escaped}">{escaped}</td>' if len(escaped) > LONG_TEXT else f"<td>{escaped}</td>"


def html_table(
    frame: pd.DataFrame, numbers: Mapping[str, Decimals], row_classes: Mapping[int, str] | None = None
) -> str:
    """``frame`` as an HTML table: its header, then one row per row (the index left out).

    ``numbers``: the columns holding numbers and how each is written (:func:`vn_number`), right-aligned;
    any other column is text. ``row_classes``: a class for some rows, by position (``"geo-under"``,
    ``"geo-total"``: :data:`dashboard.text.TABLE_CSS`). Every value is escaped: a hamlet named ``<b>``
    shows as written.

    Examples
    --------
    >>> table = html_table(pd.DataFrame({"Thôn": ["Đồng <Tâm>"], "Số hộ": [1234]}), {"Số hộ": 0})
    >>> table[table.index("<tbody>") :]
    '<tbody><tr><td>Đồng &lt;Tâm&gt;</td><td class="n">1.234</td></tr></tbody></table></div>'
    """
    heads, columns = [], []
    for name in frame.columns:
        number = name in numbers
        cells = frame[name].map(vn_number(numbers[name]) if number else _text).map(html.escape)
        heads.append(('<th class="n">{}</th>' if number else "<th>{}</th>").format(html.escape(str(name))))
        columns.append(cells.map('<td class="n">{}</td>'.format if number else _text_cell).tolist())
    classes = row_classes or {}
    rows = [
        (f'<tr class="{classes[i]}">' if i in classes else "<tr>") + "".join(cells) + "</tr>"
        for i, cells in enumerate(zip(*columns, strict=True))
    ]
    return (
        f'<div class="geo-table-box"><table class="geo-table"><thead><tr>{"".join(heads)}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
