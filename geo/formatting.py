"""How values are written for people: Vietnamese numbers, day-first dates, blanks.

One place for the map, the exports and the dashboard, so a number or a date
reads the same on screen, in a PNG, in Word and in Excel.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

import pandas as pd

VN_TIME = timezone(timedelta(hours=7), "ICT")
"""Vietnam's time (UTC+7, no daylight saving): times are stored in UTC and shown in it."""


def today_in_vietnam() -> date:
    """Today in Vietnam (UTC+7): the product's "today" (a form's latest date, the default as-of date,
    the week a party cell reports for), whatever time zone the server runs in."""
    return datetime.now(VN_TIME).date()


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


def fmt_datetime(value: datetime | pd.Timestamp | None) -> str:
    """A moment as ``dd/mm/yyyy HH:MM`` in Vietnam time (:data:`VN_TIME`); a naive one is taken as UTC.

    Blank for a missing value. The store's changesets, the history page and ``python -m geo store
    history`` show times this way.

    Example
    -------
    >>> from datetime import UTC
    >>> fmt_datetime(datetime(2026, 11, 13, 9, 5, tzinfo=UTC))
    '13/11/2026 16:05'
    >>> fmt_datetime(datetime(2026, 12, 31, 20, 0)), fmt_datetime(None)
    ('01/01/2027 03:00', '')
    """
    if is_missing(value):
        return ""
    moment = pd.Timestamp(value)
    if moment.tzinfo is None:
        moment = moment.tz_localize("UTC")
    return moment.tz_convert(VN_TIME).strftime("%d/%m/%Y %H:%M")
