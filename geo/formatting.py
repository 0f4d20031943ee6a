"""How values are written for people: Vietnamese numbers, day-first dates, blanks.

One place for the map, the exports and the dashboard, so a number or a date
reads the same on screen, in a PNG, in Word and in Excel.
"""

from __future__ import annotations

import math

import pandas as pd


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas' NA; False for anything else (lists too).

    Example
    -------
    >>> is_missing(float("nan")), is_missing(pd.NaT), is_missing(""), is_missing(0)
    (True, True, False, False)
    """
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: float | None, decimals: int = 0) -> str:
    """Vietnamese number format: ``.`` groups thousands, ``,`` is the decimal mark.

    Example
    -------
    >>> fmt_number(1234567.891, 2)
    '1.234.567,89'
    >>> fmt_number(None), fmt_number(float("inf"))
    ('', '')
    """
    if value is None or is_missing(value) or not math.isfinite(float(value)):
        return ""
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_date(value: object) -> str:
    """Day-first ``dd/mm/yyyy`` (blank for a missing date).

    Example
    -------
    >>> from datetime import date
    >>> fmt_date(date(2026, 2, 5))
    '05/02/2026'
    """
    if is_missing(value):
        return ""
    return pd.Timestamp(value).strftime("%d/%m/%Y")
