"""Vietnamese wording, safe text and the page's CSS.

Values from the data never reach Markdown raw: :func:`md` escapes every
ASCII punctuation character, so a name like ``![x](http://…)`` or
``<img src=x onerror=…>`` shows as text and fetches nothing.
"""

from __future__ import annotations

import re

from geo import vocabulary
from geo.formatting import fmt_date, fmt_number, is_missing  # noqa: F401 - fmt_* re-exported for the panels

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&\"'=])")


def md(value: object) -> str:
    """Escape a data value for ``st.markdown`` (blank for None/NaN)."""
    if is_missing(value):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")


PROBLEM_HEADERS = {
    "severity": "Mức độ / Severity",
    "code": "Mã / Code",
    "where": "Ở đâu / Where",
    "message": "Vấn đề / Problem",
    "fix": "Cách sửa / How to fix",
}
SEVERITY = {"error": "LỖI / error", "warning": "Cảnh báo / warning"}

MOOD_LABELS = {
    "stable": "Ổn định",
    "concerned": "Có băn khoăn",
    "agitated": "Bức xúc",
    "gathering_risk": "Nguy cơ tụ tập đông người",
}
AGREEMENT_LABELS = vocabulary.AGREEMENT_LABELS


_NO_CUT = """
    [data-testid="stMetricValue"] > div, [data-testid="stMetricValue"] > div * {
        overflow: visible !important; text-overflow: clip !important; white-space: nowrap !important; }
    [data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {
        overflow: visible !important; text-overflow: clip !important; white-space: normal !important;
        max-width: 100% !important; height: auto !important; }
    [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
        overflow: visible !important; text-overflow: clip !important; }
    [data-testid="stCheckbox"] label, [data-testid="stCheckbox"] label * { white-space: normal !important;
        overflow: visible !important; text-overflow: clip !important; }
"""
"""Metrics (an upload's counts, the hamlet page's figures), their sub-lines and the meeting switch are never
cut with "…": the value keeps one line and its size follows the window (``vw``), labels, sub-lines and the
switch's label wrap."""


TABLE_CSS = """
.geo-table-box { max-height: 760px; overflow: auto; border: 1px solid rgba(49, 51, 63, 0.15);
    border-radius: 0.5rem; }
.geo-table { border-collapse: collapse; width: max-content; min-width: 100%; font-size: 0.88rem; line-height: 1.35; }
.geo-table th { position: sticky; top: 0; z-index: 1; background: #f0f2f6; font-weight: 600; text-align: left;
    vertical-align: bottom; min-width: 4.5rem; max-width: 9rem; white-space: normal; }
.geo-table th, .geo-table td { padding: 0.3rem 0.55rem; border-bottom: 1px solid rgba(49, 51, 63, 0.1); }
.geo-table td { min-width: 4.5rem; max-width: 26rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.geo-table .n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.geo-table tbody tr:hover { background: rgba(49, 51, 63, 0.04); }
.geo-table tr.geo-under td { font-style: italic; }
.geo-table tr.geo-total td { font-weight: 600; }
"""
"""The style of :func:`dashboard.tables.html_table`'s tables (constant, no data): a header kept in view
while the rows scroll, numbers right-aligned in figures of one width."""


CARDS_CSS = """
.geo-cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(6.5rem, 1fr)); gap: 0.5rem 1rem; }
.geo-card { min-width: 0; }
.geo-card-label { display: flex; align-items: flex-end; min-height: 2.5em; font-size: 0.875rem; line-height: 1.25; }
.geo-card-value { font-size: clamp(1.1rem, 1.9vw, 1.7rem); line-height: 1.3; white-space: nowrap; }
.geo-card-note { display: inline-block; margin-top: 0.1rem; padding: 0.05rem 0.45rem; border-radius: 0.75rem;
    background: rgba(49, 51, 63, 0.08); color: rgba(49, 51, 63, 0.75); font-size: 0.8rem; line-height: 1.35; }
.geo-cards.framed .geo-card { border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem;
    padding: 0.35rem 0.55rem; }
.geo-cards.framed .geo-card-label { min-height: 2.4em; font-size: clamp(12px, 1.05vw, 19px); line-height: 1.2; }
.geo-cards.framed .geo-card-value { font-size: clamp(22px, 2.5vw, 46px); line-height: 1.15; }
.geo-cards.framed .geo-card-note { font-size: clamp(12px, 1.05vw, 18px); padding: 0.1rem 0.35rem; }
"""
"""The style of :func:`dashboard.cards.cards_html`'s headline figures (constant, no data): labels aligned at
their foot, values on one line sized to the window, the note under each in a light pill; framed and large
in meeting mode. The cards wrap where the window is narrow."""


def page_css(meeting: bool) -> str:
    """Constant CSS (no data): large, never-cut figures and a window-high map in meeting mode, compact otherwise."""
    if not meeting:
        return f"""<style>{_NO_CUT}{TABLE_CSS}{CARDS_CSS}
        [data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{ font-size: clamp(1.1rem, 1.9vw, 1.7rem); }}
        .block-container {{ padding-top: 2.2rem; }}
        h1 {{ font-size: clamp(1.5rem, 2.6vw, 2.75rem) !important; }}
        </style>"""
    return f"""<style>{_NO_CUT}{CARDS_CSS}
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
    [data-testid="stToolbar"], [data-testid="stDecoration"] {{ display: none !important; }}
    .block-container, [data-testid="stMainBlockContainer"] {{ padding: 0.4rem 1rem 1rem !important;
        max-width: 100% !important; }}
    [data-testid="stMain"] [data-testid="stVerticalBlock"] {{ gap: 0.45rem; }}
    h1 {{ font-size: clamp(17px, 1.95vw, 34px) !important; padding: 0.1rem 0 !important; line-height: 1.3 !important;
        white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
    [data-testid="stCaptionContainer"] p {{ font-size: clamp(12px, 1.05vw, 17px); margin: 0; }}
    [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {{ font-size: 20px; }}
    </style>"""


def pct(value: float) -> str:
    """``12,34%``."""
    return f"{fmt_number(value, 1)}%"
