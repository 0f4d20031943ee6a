"""A party cell's weekly report of the public mood (issue 17, point 4): checked, then one changeset.

Each hamlet (thôn) has its party cell (chi bộ), which reports its hamlet's public mood every week:
stable, concerned, agitated or gathering risk (:data:`geo.schema.MOODS`), with a short note. The
phone page (``dashboard/report_page.py``) calls these functions; nothing here draws a screen.

* :func:`mood_report` checks what was entered and gives the ``field_reports`` row, or each field's
  problem in words (Vietnamese / English);
* :func:`save_mood_report` writes the row as one changeset of the store, checked by the store's own
  validation; a second report of a hamlet on the same day replaces the first (the layer's key is
  ``(report_date, hamlet_id)``), and the first stays in the history;
* :func:`unreported` lists the hamlets whose party cell has not reported in a week, and
  :func:`party_cell_accounts` the accounts that report for each hamlet, so the office can call them.

Example
-------
>>> from datetime import date
>>> from geo.access import Access
>>> row, problems = mood_report("HS02", "gathering_risk", "Họp dân tối nay", "chibo", date(2026, 11, 20),
...                             Access("party_cell", {"HS02"}), ["HS01", "HS02"], today=date(2026, 11, 20))
>>> problems, row.loc[0, "mood"], row.loc[0, "report_date"].strftime("%d/%m/%Y")
({}, 'gathering_risk', '20/11/2026')
>>> mood_report("HS01", "stable", "", "chibo", date(2026, 11, 20), Access("party_cell", {"HS02"}),
...             ["HS01", "HS02"], today=date(2026, 11, 20))[1]["hamlet_id"].split(" / ")[1]
'this account may not report the mood of hamlet “HS01”: only its own party cell reports it'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from ..canonical import date_error, parse_dates
from ..formatting import fmt_date, fmt_number, today_in_vietnam
from ..schema import LAYERS, MOODS, normalize_name

if TYPE_CHECKING:
    from ..access import Access
    from ..store import Commit, Store

LAYER = "field_reports"
"""The layer a report lands in."""

NOTE_LIMIT = 500
"""The longest note, in characters: a few lines typed on a phone."""

FIELDS = ("hamlet_id", "mood", "note", "reporter", "report_date")
"""The fields a problem may name (the keys of :func:`mood_report`'s problems); ``store``: a refusal."""


def iso_week(day: date) -> tuple[date, date]:
    """The ISO week (Monday to Sunday) that holds ``day``.

    Example
    -------
    >>> iso_week(date(2026, 11, 20))
    (datetime.date(2026, 11, 16), datetime.date(2026, 11, 22))
    """
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def week_label(day: date) -> str:
    """The week that holds ``day``, day-first: ``16/11/2026 – 22/11/2026``.

    Example
    -------
    >>> week_label(date(2026, 11, 20))
    '16/11/2026 – 22/11/2026'
    """
    monday, sunday = iso_week(day)
    return f"{fmt_date(monday)} – {fmt_date(sunday)}"


def _hamlet_ids(hamlets: Iterable[str] | pd.DataFrame) -> list[str]:
    """Hamlet ids from ids, or from a frame's ``hamlet_id`` column (blanks dropped, order kept)."""
    values = hamlets["hamlet_id"] if isinstance(hamlets, pd.DataFrame) else hamlets
    return list(dict.fromkeys(str(h) for h in values if h is not None and not pd.isna(h) and str(h).strip()))


def _day(value: object) -> tuple[date | None, str | None]:
    """A date from a ``date`` or text (ISO or day-first), or why it is none (Vietnamese / English)."""
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if value is None or not str(value).strip():
        return None, "Nhập ngày báo cáo. / Enter the report's date."
    why = date_error(value)
    if why is not None:
        return None, why[0].upper() + why[1:] + "."
    return parse_dates(pd.Series([value], dtype=object)).iloc[0].date(), None


def mood_report(
    hamlet_id: str | None,
    mood: str | None,
    note: str | None,
    reporter: str | None,
    day: date | str | None,
    access: Access,
    hamlets: Iterable[str] | pd.DataFrame,
    today: date | None = None,
) -> tuple[pd.DataFrame | None, dict[str, str]]:
    """Check a party cell's weekly report; its ``field_reports`` row, or what to fix in each field.

    Parameters
    ----------
    hamlet_id : str
        The hamlet reported on: one of ``hamlets``, and one ``access`` may report on
        (:meth:`geo.access.Access.may_report_mood`: its own party cell, or an administrator).
    mood : str
        One of :data:`geo.schema.MOODS` (``stable``, ``concerned``, ``agitated``, ``gathering_risk``),
        or its Vietnamese label.
    note : str
        A short note (at most :data:`NOTE_LIMIT` characters; may be blank).
    reporter : str
        Who reports (the signed-in account's name).
    day : date or str
        The report's date (text: ``dd/mm/yyyy`` or ISO); not after ``today``.
    access : Access
        The signed-in account's.
    hamlets : iterable of str, or DataFrame
        The hamlet ids the workspace knows (or its hamlets layer).
    today : date, optional
        Default: the server's date, the one every as-of date of the product defaults to.

    Returns
    -------
    row : DataFrame or None
        One row with the layer's canonical columns (``report_date`` a midnight ``datetime64``), or
        None where there is a problem.
    problems : dict of str to str
        Field (one of :data:`FIELDS`) → what is wrong and what to do, Vietnamese / English; empty
        where the report may be saved.
    """
    problems: dict[str, str] = {}
    known = _hamlet_ids(hamlets)
    hamlet = "" if hamlet_id is None else str(hamlet_id).strip()
    if not hamlet:
        problems["hamlet_id"] = "Chọn thôn được báo cáo. / Choose the hamlet reported on."
    elif hamlet not in known:
        problems["hamlet_id"] = (
            f"Không có thôn “{hamlet}” trong dữ liệu; chọn thôn trong danh sách. / "
            f"there is no hamlet “{hamlet}” in the data; choose one from the list"
        )
    elif not access.may_report_mood(hamlet):
        problems["hamlet_id"] = (
            f"Tài khoản này không được báo cáo tình hình thôn “{hamlet}”: chỉ chi bộ của thôn báo cáo. / "
            f"this account may not report the mood of hamlet “{hamlet}”: only its own party cell reports it"
        )
    key = MOODS.lookup().get(normalize_name(mood)) if mood is not None and str(mood).strip() else None
    if mood is None or not str(mood).strip():
        problems["mood"] = "Chọn tình hình Nhân dân. / Choose the public mood."
    elif key is None:
        labels = ", ".join(MOODS.label(k) for k in MOODS.keys)
        problems["mood"] = (
            f"Không có tình hình “{mood}”; chọn một trong: {labels}. / "
            f"there is no mood “{mood}”; choose one of: {', '.join(MOODS.keys)}"
        )
    text = unicodedata.normalize("NFC", "" if note is None else str(note)).strip()
    if len(text) > NOTE_LIMIT:
        problems["note"] = (
            f"Nội dung dài {fmt_number(len(text))} ký tự; viết ngắn lại, tối đa {fmt_number(NOTE_LIMIT)} ký tự. / "
            f"the note has {len(text)} characters; keep it to {NOTE_LIMIT} at most"
        )
    elif any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        problems["note"] = (
            "Nội dung có ký tự điều khiển không in được; gõ lại nội dung. / "
            "the note holds control characters that cannot be printed; type it again"
        )
    who = "" if reporter is None else str(reporter).strip()
    if not who:
        problems["reporter"] = "Thiếu người báo cáo; đăng nhập lại. / The reporter is missing; sign in again."
    reported, why = _day(day)
    now = today if today is not None else today_in_vietnam()
    if why is not None:
        problems["report_date"] = why
    elif reported is not None and reported > now:
        problems["report_date"] = (
            f"Ngày báo cáo {fmt_date(reported)} chưa đến (hôm nay là {fmt_date(now)}); chọn ngày đã qua. / "
            f"the report's date {fmt_date(reported)} is still to come (today is {fmt_date(now)})"
        )
    if problems:
        return None, problems
    row = pd.DataFrame(
        {
            "report_date": pd.Series([pd.Timestamp(reported)], dtype="datetime64[us]"),
            "hamlet_id": pd.Series([hamlet], dtype=object),
            "reporter": pd.Series([who], dtype=object),
            "mood": pd.Series([key], dtype=object),
            "note": pd.Series([text or None], dtype=object),
        }
    )
    return row[[c.name for c in LAYERS[LAYER].columns]], problems


def save_mood_report(store: Store, row: pd.DataFrame, user: str) -> tuple[Commit | None, dict[str, str]]:
    """Write a report of :func:`mood_report` to the store, as one changeset (kind ``edit``) by ``user``.

    The change is checked with the store's own settings and validation (every layer as it would be,
    as an upload is); where that finds an error the store is left exactly as it was. A report of the
    same hamlet on the same day replaces the earlier one (both stay in the history).

    Parameters
    ----------
    store : Store
    row : DataFrame
        The ``field_reports`` row(s) (canonical columns).
    user : str
        The signed-in account's name, kept with the changeset and its audit row.

    Returns
    -------
    commit : Commit or None
        The changeset written; None where refused.
    problems : dict of str to str
        ``{"store": why}`` (Vietnamese / English) where refused; else empty.
    """
    from ..store import ValidationRefused
    from ..store.upload import store_config, validator

    dates = ", ".join(dict.fromkeys(fmt_date(d) for d in row["report_date"]))
    hamlets = ", ".join(dict.fromkeys(str(h) for h in row["hamlet_id"]))
    moods = ", ".join(dict.fromkeys(MOODS.label(str(m)) for m in row["mood"]))
    note = f"Báo cáo tình hình Nhân dân thôn {hamlets} ngày {dates}: {moods} / weekly public-mood report"
    try:
        commit = store.edit(LAYER, row, user=user, note=note, validate=validator(store_config(store)))
    except ValidationRefused as refused:
        return None, {"store": _refusal([e.render() if hasattr(e, "render") else str(e) for e in refused.errors])}
    return commit, {}


def _refusal(lines: list[str]) -> str:
    return (
        "Báo cáo chưa được lưu, kho dữ liệu không thay đổi: "
        + "; ".join(lines)
        + " / the report was not saved; the store is unchanged"
    )


def unreported(field_reports: pd.DataFrame, hamlets: Iterable[str] | pd.DataFrame, week_of: date) -> list[str]:
    """The hamlets with no field report dated in the ISO week (Monday–Sunday) that holds ``week_of``.

    Each hamlet has its party cell: these are the party cells that have not reported that week.

    Parameters
    ----------
    field_reports : DataFrame
        The ``field_reports`` layer (``report_date``, ``hamlet_id``).
    hamlets : iterable of str, or DataFrame
        The hamlet ids to check, in the order to list them (or the hamlets layer).
    week_of : date
        Any day of the week asked about.

    Returns
    -------
    list of str
        Hamlet ids, in the order of ``hamlets``.

    Example
    -------
    >>> reports = pd.DataFrame({"report_date": pd.to_datetime(["2026-11-16", "2026-11-13"]), "hamlet_id": ["A", "B"]})
    >>> unreported(reports, ["A", "B", "C"], date(2026, 11, 22))
    ['B', 'C']
    """
    monday, sunday = iso_week(week_of)
    ids = _hamlet_ids(hamlets)
    if field_reports is None or not len(field_reports) or "hamlet_id" not in field_reports:
        return ids
    dates = pd.to_datetime(field_reports["report_date"], errors="coerce")
    inside = (dates >= pd.Timestamp(monday)) & (dates < pd.Timestamp(sunday) + pd.Timedelta(days=1))
    reported = set(field_reports.loc[inside.to_numpy(), "hamlet_id"].dropna().astype(str))
    return [h for h in ids if h not in reported]


def party_cell_accounts(store: Store) -> dict[str, list[str]]:
    """The active ``party_cell`` accounts of the store, per hamlet id they report for (names sorted)."""
    from ..store.accounts import list_users

    out: dict[str, list[str]] = {}
    for account in list_users(store):
        if account.role != "party_cell" or not account.active:
            continue
        for hamlet in account.hamlets:
            out.setdefault(str(hamlet), []).append(account.name)
    return {h: sorted(names) for h, names in out.items()}


def reports_of_week(field_reports: pd.DataFrame, hamlet_id: str, week_of: date) -> pd.DataFrame:
    """The reports of ``hamlet_id`` dated in the week that holds ``week_of``, newest first."""
    if field_reports is None or not len(field_reports):
        return pd.DataFrame(columns=[c.name for c in LAYERS[LAYER].columns])
    monday, sunday = iso_week(week_of)
    dates = pd.to_datetime(field_reports["report_date"], errors="coerce")
    inside = (dates >= pd.Timestamp(monday)) & (dates < pd.Timestamp(sunday) + pd.Timedelta(days=1))
    mine = field_reports[inside.to_numpy() & (field_reports["hamlet_id"].astype(str) == str(hamlet_id)).to_numpy()]
    return mine.sort_values("report_date", ascending=False, kind="stable").reset_index(drop=True)


__all__ = [
    "FIELDS",
    "iso_week",
    "NOTE_LIMIT",
    "mood_report",
    "party_cell_accounts",
    "reports_of_week",
    "save_mood_report",
    "unreported",
    "week_label",
]
