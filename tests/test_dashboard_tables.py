"""HTML tables (dashboard/tables.py): numbers the Vietnamese way, every value escaped, rows' classes."""

from __future__ import annotations

import lxml.html
import pandas as pd

from dashboard.tables import html_table


def cells(table: str) -> list[list[str]]:
    root = lxml.html.fromstring(table)
    return [[c.text_content() for c in tr.iterfind("td")] for tr in root.iterfind(".//tbody/tr")]


def test_numbers_are_written_with_dot_thousands_and_a_decimal_comma():
    frame = pd.DataFrame({"Tiền (đồng)": [1234567], "Diện tích (m²)": [300.55], "Tỷ lệ (%)": [57.4]})
    table = html_table(frame, {"Tiền (đồng)": 0, "Diện tích (m²)": 1, "Tỷ lệ (%)": "%"})
    assert cells(table) == [["1.234.567", "300,6", "57,40%"]]


def test_a_missing_number_or_text_is_a_blank_cell_not_none_or_nan():
    frame = pd.DataFrame({"Thôn": [None, "Đồng Tâm"], "Số hộ": [float("nan"), 3]})
    assert cells(html_table(frame, {"Số hộ": 0})) == [["", ""], ["Đồng Tâm", "3"]]


def test_a_value_that_looks_like_markup_is_shown_as_written():
    frame = pd.DataFrame({"Thôn": ['<img src=x onerror="alert(1)">'], "Ghi chú": ["a & b"]})
    table = html_table(frame, {})
    assert "<img" not in table and cells(table) == [['<img src=x onerror="alert(1)">', "a & b"]]


def test_number_columns_are_right_aligned_and_text_columns_are_not():
    table = lxml.html.fromstring(html_table(pd.DataFrame({"Thôn": ["A"], "Số hộ": [1]}), {"Số hộ": 0}))
    assert [th.get("class") for th in table.iterfind(".//th")] == [None, "n"]
    assert [td.get("class") for td in table.iterfind(".//td")] == [None, "n"]


def test_rows_carry_the_class_given_by_their_position():
    frame = pd.DataFrame({"Thôn": ["A", "B", "Tổng cộng"]})
    table = lxml.html.fromstring(html_table(frame, {}, {2: "geo-total"}))
    assert [tr.get("class") for tr in table.iterfind(".//tbody/tr")] == [None, None, "geo-total"]


def test_a_long_text_is_whole_in_its_tooltip_and_a_short_one_has_none():
    reasons = "Đơn thư đông người chưa giải quyết; 3 đơn quá hạn; chi bộ báo tình hình căng thẳng"
    table = lxml.html.fromstring(html_table(pd.DataFrame({"Thôn": ["A"], "Lý do": [reasons]}), {}))
    short, long = table.iterfind(".//tbody/tr/td")
    assert short.get("title") is None and long.get("title") == reasons == long.text_content()
