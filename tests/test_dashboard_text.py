"""Text helpers of the page (dashboard/text.py): Markdown escaping, percentages, the page's CSS."""

from __future__ import annotations

import re

from dashboard.text import md, page_css, pct


def test_markdown_in_a_data_value_is_escaped_and_reads_back_as_written():
    value = "![x](http://203.0.113.9/beacon.png) *đậm* `mã`"
    escaped = md(value)
    assert "](" not in escaped and "*đậm*" not in escaped
    assert re.sub(r"\\(.)", r"\1", escaped) == value


def test_a_missing_value_is_blank():
    assert md(None) == md(float("nan")) == ""


def test_a_newline_in_a_data_value_does_not_start_a_new_markdown_block():
    assert md("dòng một\ndòng hai") == "dòng một dòng hai"


def test_a_percentage_has_a_decimal_comma():
    assert pct(25) == "25,0%" and pct(66.666) == "66,7%"


def test_meeting_mode_css_has_large_type_and_hides_the_sidebar_and_the_normal_css_does_not():
    meeting, normal = page_css(True), page_css(False)
    assert "font-size: 20px" in meeting and '[data-testid="stSidebar"]' in meeting
    assert "font-size: 20px" not in normal and '[data-testid="stSidebar"]' not in normal
