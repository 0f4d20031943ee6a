"""Vietnamese wording, safe text and the page's CSS.

Values from the data never reach Markdown raw: :func:`md` escapes every
ASCII punctuation character, so a name like ``![x](http://…)`` or
``<img src=x onerror=…>`` shows as text and fetches nothing.
"""

from __future__ import annotations

import re

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

MOOD_LABELS = {"stable": "Ổn định", "concerned": "Có băn khoăn", "agitated": "Bức xúc",
               "gathering_risk": "Nguy cơ tụ tập đông người"}
AGREEMENT_LABELS = {"yes": "Đồng thuận", "no": "Không đồng thuận", "unknown": "Chưa rõ"}


def page_css(meeting: bool) -> str:
    """Constant CSS (no data): large type for meeting mode, compact otherwise."""
    if not meeting:
        return """<style>
        [data-testid="stMetricValue"] { font-size: 1.7rem; }
        .block-container { padding-top: 2.2rem; }
        </style>"""
    return """<style>
    html, body, [class*="css"] { font-size: 20px; }
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
    .block-container { padding-top: 2.5rem; max-width: 100%; }
    h1 { font-size: 2.3rem !important; }
    [data-testid="stMetricLabel"] p { font-size: 1.1rem !important; white-space: normal !important; }
    [data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 2.6rem !important; }
    [data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * { font-size: 1.05rem !important; }
    [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.3rem; }
    </style>"""


def pct(value: float) -> str:
    """``12,34%``."""
    return f"{fmt_number(value, 1)}%"
